//! Counting attempts per key in fixed windows, atomically, in the database:
//! limits hold across every instance.

use super::{Store, StoreError};

impl Store {
    /// Counts one hit for `key` in the window of `window_seconds` holding
    /// `now`, and returns the hits in that window so far, this one included.
    pub async fn hit(&self, key: &str, window_seconds: i64, now: i64) -> Result<i64, StoreError> {
        let window_start = now - now.rem_euclid(window_seconds.max(1));
        let hits: i64 = sqlx::query_scalar(
            "INSERT INTO throttle (key, window_start, hits) VALUES ($1, $2, 1)
             ON CONFLICT (key, window_start) DO UPDATE SET hits = throttle.hits + 1
             RETURNING hits",
        )
        .bind(key)
        .bind(window_start)
        .fetch_one(&self.pool)
        .await?;
        if hits == 1 {
            // A new window: a good moment to forget windows over a day old.
            sqlx::query("DELETE FROM throttle WHERE window_start < $1")
                .bind(now - 86_400)
                .execute(&self.pool)
                .await?;
        }
        Ok(hits)
    }

    /// The hits for `key` in the current window, without counting one.
    pub async fn hits(&self, key: &str, window_seconds: i64, now: i64) -> Result<i64, StoreError> {
        let window_start = now - now.rem_euclid(window_seconds.max(1));
        let hits: Option<i64> =
            sqlx::query_scalar("SELECT hits FROM throttle WHERE key = $1 AND window_start = $2")
                .bind(key)
                .bind(window_start)
                .fetch_optional(&self.pool)
                .await?;
        Ok(hits.unwrap_or(0))
    }

    /// Locks online reset for the account until `until` (its sign-in is untouched).
    pub async fn lock_reset(&self, account_id: i64, until: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET locked_until = $1 WHERE id = $2")
            .bind(until)
            .bind(account_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
