//! A refused form's answer, kept for the page the browser is sent to next.

use super::{Store, StoreError};

impl Store {
    /// Keeps `sealed` for `holder` until `expires_at`, in place of any
    /// before it; forgets those nobody read in time.
    pub async fn put_flash(
        &self,
        holder: &str,
        sealed: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO flashes (holder, sealed, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (holder) DO UPDATE SET sealed = $2, expires_at = $3",
        )
        .bind(holder)
        .bind(sealed)
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        sqlx::query("DELETE FROM flashes WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// What was kept for `holder`, read once: it is gone after.
    pub async fn take_flash(&self, holder: &str, now: i64) -> Result<Option<String>, StoreError> {
        let taken: Option<String> = sqlx::query_scalar(
            "DELETE FROM flashes WHERE holder = $1 AND expires_at >= $2 RETURNING sealed",
        )
        .bind(holder)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(taken)
    }
}
