//! The methods an account has registered beyond its phone: authenticator
//! apps, their sealed secrets and the last time step each accepted.

use sqlx::Row;

use super::{Store, StoreError};

/// A registered verification method. `value` is the sealed secret for `totp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMethod {
    pub id: i64,
    pub kind: String,
    pub value: String,
}

impl Store {
    pub async fn add_method(
        &self,
        account_id: i64,
        kind: &str,
        value: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO methods (account_id, kind, value, verified_at, created_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(account_id)
        .bind(kind)
        .bind(value)
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The account's verified methods, oldest first.
    pub async fn methods(&self, account_id: i64) -> Result<Vec<StoredMethod>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, value FROM methods WHERE account_id = $1 AND verified_at IS NOT NULL ORDER BY id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(StoredMethod {
                    id: row.try_get("id")?,
                    kind: row.try_get("kind")?,
                    value: row.try_get("value")?,
                })
            })
            .collect()
    }

    /// Records `step` as used for an authenticator; false if it, or a later
    /// step, was used already.
    pub async fn claim_totp_step(&self, method_id: i64, step: i64) -> Result<bool, StoreError> {
        let claimed = sqlx::query(
            "UPDATE methods SET last_step = $1 WHERE id = $2 AND (last_step IS NULL OR last_step < $1)",
        )
        .bind(step)
        .bind(method_id)
        .execute(&self.pool)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }
}
