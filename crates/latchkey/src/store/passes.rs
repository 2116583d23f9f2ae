//! Temporary access passes: one live pass per account, by its keyed hash.

use super::{Store, StoreError};

impl Store {
    /// A new pass for `account_id`, in place of any it had.
    pub async fn put_access_pass(
        &self,
        account_id: i64,
        tag: &str,
        issued_by: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM access_passes WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO access_passes (account_id, tag, issued_by, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(account_id)
        .bind(tag)
        .bind(issued_by)
        .bind(now)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The live pass's tag, if the account has one.
    pub async fn access_pass(
        &self,
        account_id: i64,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT tag FROM access_passes WHERE account_id = $1 AND expires_at > $2",
        )
        .bind(account_id)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Spends the account's live pass; false when another request did first.
    pub async fn take_access_pass(&self, account_id: i64, now: i64) -> Result<bool, StoreError> {
        let taken =
            sqlx::query("DELETE FROM access_passes WHERE account_id = $1 AND expires_at > $2")
                .bind(account_id)
                .bind(now)
                .execute(&self.pool)
                .await?;
        Ok(taken.rows_affected() == 1)
    }
}
