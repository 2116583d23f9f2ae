//! "This wasn't me" links: signed, so nothing is stored when a notice goes
//! out; each link's nonce is stored once it is used, so it works once.

use super::{Store, StoreError};

impl Store {
    /// Marks the link `nonce` (for `account_id`, made at `issued_at`)
    /// used; false when it was used already. Forgets the nonces of links
    /// made before `forget_before`, which no longer work anyway.
    pub async fn spend_report_link(
        &self,
        nonce: &str,
        (account_id, issued_at): (i64, i64),
        now: i64,
        forget_before: i64,
    ) -> Result<bool, StoreError> {
        sqlx::query("DELETE FROM report_links_used WHERE issued_at < $1")
            .bind(forget_before)
            .execute(&self.pool)
            .await?;
        let inserted = sqlx::query(
            "INSERT INTO report_links_used (nonce, account_id, issued_at, used_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (nonce) DO NOTHING",
        )
        .bind(nonce)
        .bind(account_id)
        .bind(issued_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// Whether the link `nonce` was used.
    pub async fn report_link_used(&self, nonce: &str) -> Result<bool, StoreError> {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT account_id FROM report_links_used WHERE nonce = $1")
                .bind(nonce)
                .fetch_optional(&self.pool)
                .await?;
        Ok(found.is_some())
    }
}
