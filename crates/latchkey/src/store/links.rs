//! One-time reset links the help desk sends: stored by their token's hash,
//! taken once.

use super::{Store, StoreError};

impl Store {
    /// Stores a one-time reset link by the SHA-256 of its token.
    pub async fn create_reset_link(
        &self,
        token_hash: &str,
        account_id: i64,
        created_by: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reset_links (token_hash, account_id, created_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(token_hash)
        .bind(account_id)
        .bind(created_by)
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Uses a reset link: its account, once, while it is live.
    pub async fn take_reset_link(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "UPDATE reset_links SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
             RETURNING account_id",
        )
        .bind(now)
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }
}
