//! Counting attempts per key over a sliding window, in the database: every
//! instance sees the same counts, and a window always ends now, so a limit
//! cannot be straddled across a boundary.

use super::{Store, StoreError};

/// How long attempts are remembered: longer than any window.
pub const KEPT_SECONDS: i64 = 2 * 86_400;

impl Store {
    /// Counts one hit for `key` at `now` and returns the hits in the
    /// `window_seconds` that end now, this one included.
    ///
    /// Past `cap` hits in the window a hit is answered (as `cap + 1`, or
    /// more) without being recorded: a flood from one address costs one
    /// read each and leaves at most `cap` rows (and those in flight), so
    /// counting stays cheap however long it lasts. The key then gets `cap`
    /// hits per window, which is what a limit of `cap` means. Under the cap
    /// the hit is recorded before it is counted, so two at once cannot both
    /// slip under it.
    pub async fn hit(
        &self,
        key: &str,
        cap: i64,
        window_seconds: i64,
        now: i64,
    ) -> Result<i64, StoreError> {
        let before = self.hits(key, window_seconds, now).await?;
        if before >= cap {
            return Ok(before.saturating_add(1));
        }
        sqlx::query("INSERT INTO throttle_hits (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(&self.pool)
            .await?;
        let hits = self.hits(key, window_seconds, now).await?;
        if hits == 1 {
            // A key's first hit in a while: a good moment to forget old ones.
            sqlx::query("DELETE FROM throttle_hits WHERE at < $1")
                .bind(now - KEPT_SECONDS)
                .execute(&self.pool)
                .await?;
        }
        Ok(hits)
    }

    /// Forgets every hit for `key` (what it counted was undone).
    pub async fn forget_hits(&self, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM throttle_hits WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The hits for `key` in the `window_seconds` that end now.
    pub async fn hits(&self, key: &str, window_seconds: i64, now: i64) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM throttle_hits WHERE key = $1 AND at > $2 AND at <= $3",
        )
        .bind(key)
        .bind(now - window_seconds.max(1))
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// The keys starting with `prefix` that have hits in the
    /// `window_seconds` that end now (a range of the index, not a scan).
    pub async fn keys_hit(
        &self,
        prefix: &str,
        window_seconds: i64,
        now: i64,
    ) -> Result<Vec<String>, StoreError> {
        // Every key with the prefix sorts before the prefix with its last
        // character moved on by one.
        let mut after = prefix.to_owned();
        let last = after
            .pop()
            .map_or('\u{0}', |c| char::from_u32(c as u32 + 1).unwrap_or(c));
        after.push(last);
        Ok(sqlx::query_scalar(
            "SELECT DISTINCT key FROM throttle_hits
             WHERE key >= $1 AND key < $2 AND at > $3 AND at <= $4 ORDER BY key",
        )
        .bind(prefix)
        .bind(after)
        .bind(now - window_seconds.max(1))
        .bind(now)
        .fetch_all(&self.pool)
        .await?)
    }

    /// When the oldest hit for `key` in the `window_seconds` that end now
    /// was: a window after it, one hit fewer counts.
    pub async fn oldest_hit(
        &self,
        key: &str,
        window_seconds: i64,
        now: i64,
    ) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT MIN(at) FROM throttle_hits WHERE key = $1 AND at > $2 AND at <= $3",
        )
        .bind(key)
        .bind(now - window_seconds.max(1))
        .bind(now)
        .fetch_one(&self.pool)
        .await?)
    }

    /// Whether `key` is paused: `limit` hits fell within one window, and
    /// the last of them less than a window ago. A pause lasts a whole
    /// window from the hit that reached the limit, however old the first
    /// of them is by then.
    pub async fn paused(
        &self,
        key: &str,
        limit: i64,
        window_seconds: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let times: Vec<i64> = sqlx::query_scalar(
            "SELECT at FROM throttle_hits WHERE key = $1 AND at > $2 AND at <= $3 ORDER BY at",
        )
        .bind(key)
        .bind(now - 2 * window_seconds.max(1))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        Ok(pause_holds(&times, limit, window_seconds, now))
    }
}

/// `times` ascending: is there a run of `limit` hits within one window
/// whose last hit is less than a window before `now`?
fn pause_holds(times: &[i64], limit: i64, window: i64, now: i64) -> bool {
    let Ok(limit) = usize::try_from(limit) else {
        return false;
    };
    if limit == 0 {
        return false;
    }
    times.windows(limit).any(|run| {
        let (first, last) = (run[0], run[limit - 1]);
        last - first < window && now - last < window
    })
}

#[cfg(test)]
mod tests {
    use super::pause_holds;

    #[test]
    fn a_pause_lasts_a_whole_window_from_the_hit_that_reached_the_limit() {
        // One hit at 0, nine at 600: the limit (10 in 900 s) is reached at 600.
        let times: Vec<i64> = std::iter::once(0).chain([600; 9]).collect();
        assert!(pause_holds(&times, 10, 900, 600));
        assert!(
            pause_holds(&times, 10, 900, 901),
            "the first hit aged out, still paused"
        );
        assert!(pause_holds(&times, 10, 900, 1499));
        assert!(!pause_holds(&times, 10, 900, 1500));
        // Ten hits spread wider than the window never pause.
        let spread: Vec<i64> = (0..10).map(|i| i * 100).collect();
        assert!(!pause_holds(&spread, 10, 900, 900));
        assert!(
            !pause_holds(&spread[..9], 10, 900, 800),
            "nine is under the limit"
        );
    }
}
