//! Recovery codes: their keyed hashes, a set per account, each used once.

use super::{NewEvent, Store, StoreError, audit};

impl Store {
    /// `tags` in place of the account's set, and the event that records it,
    /// in one transaction: the old codes stop working as the new ones start.
    pub async fn replace_recovery_codes(
        &self,
        account_id: i64,
        tags: &[String],
        event: &NewEvent<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        for (slot, tag) in tags.iter().enumerate() {
            sqlx::query(
                "INSERT INTO recovery_codes (account_id, slot, tag, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(account_id)
            .bind(slot as i64)
            .bind(tag)
            .bind(event.at)
            .execute(&mut *tx)
            .await?;
        }
        audit::append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account's unused codes: (slot, keyed hash).
    pub async fn unused_recovery_codes(
        &self,
        account_id: i64,
    ) -> Result<Vec<(i64, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT slot, tag FROM recovery_codes WHERE account_id = $1 AND used_at IS NULL ORDER BY slot",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Marks a code used, once: `false` when another request used it first.
    pub async fn use_recovery_code(
        &self,
        account_id: i64,
        slot: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let used = sqlx::query(
            "UPDATE recovery_codes SET used_at = $1 WHERE account_id = $2 AND slot = $3 AND used_at IS NULL",
        )
        .bind(now)
        .bind(account_id)
        .bind(slot)
        .execute(&self.pool)
        .await?;
        Ok(used.rows_affected() == 1)
    }
}
