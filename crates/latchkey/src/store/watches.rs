//! The watch after each password change made here (migration 0027): one
//! row per account, replaced by its next change; what the passes saw, and
//! each notice claimed once before it is sent.

use sqlx::Row;

use super::{Store, StoreError};

/// One account's watch, as the passes left it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub account_id: i64,
    pub username: String,
    pub changed_at: i64,
    pub watch_until: i64,
    pub failures: i64,
    pub first_failure_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    /// The devices failure events named, one per line (`NAME (ADDRESS)`).
    pub devices: String,
    pub locked_at: Option<i64>,
    pub warned_at: Option<i64>,
    pub link_sent_at: Option<i64>,
    pub unlocked_at: Option<i64>,
    /// `owner` (by the link or a reset) or `helpdesk`.
    pub unlocked_by: Option<String>,
}

/// What one pass saw of a watched account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    pub failures: i64,
    pub first_failure_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    pub devices: String,
    pub locked_at: Option<i64>,
}

/// Which notice of a watch is claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WatchNotice {
    Warning,
    UnlockLink,
}

const COLUMNS: &str = "w.account_id, a.username, w.changed_at, w.watch_until, w.failures,
    w.first_failure_at, w.last_failure_at, w.devices, w.locked_at, w.warned_at, w.link_sent_at,
    w.unlocked_at, w.unlocked_by";

fn watch_of(row: &sqlx::any::AnyRow) -> Result<Watch, StoreError> {
    Ok(Watch {
        account_id: row.try_get("account_id")?,
        username: row.try_get("username")?,
        changed_at: row.try_get("changed_at")?,
        watch_until: row.try_get("watch_until")?,
        failures: row.try_get("failures")?,
        first_failure_at: row.try_get("first_failure_at")?,
        last_failure_at: row.try_get("last_failure_at")?,
        devices: row.try_get("devices")?,
        locked_at: row.try_get("locked_at")?,
        warned_at: row.try_get("warned_at")?,
        link_sent_at: row.try_get("link_sent_at")?,
        unlocked_at: row.try_get("unlocked_at")?,
        unlocked_by: row.try_get("unlocked_by")?,
    })
}

/// Starts (or starts again) the account's watch, in the change's own
/// transaction.
pub(super) async fn start(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account_id: i64,
    changed_at: i64,
    until: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM watches WHERE account_id = $1")
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO watches (account_id, changed_at, watch_until) VALUES ($1, $2, $3)")
        .bind(account_id)
        .bind(changed_at)
        .bind(until)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// The watches still running at `now`, oldest change first.
    pub async fn open_watches(&self, now: i64) -> Result<Vec<Watch>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM watches w JOIN accounts a ON a.id = w.account_id
             WHERE w.watch_until > $1 ORDER BY w.changed_at, w.account_id"
        ))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(watch_of).collect()
    }

    /// The account's last watch (running or over), for the help desk.
    pub async fn watch_of(&self, account_id: i64) -> Result<Option<Watch>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM watches w JOIN accounts a ON a.id = w.account_id
             WHERE w.account_id = $1"
        ))
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(watch_of).transpose()
    }

    /// How many watches run at `now` (for `/metrics`).
    pub async fn watches_running(&self, now: i64) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM watches WHERE watch_until > $1")
                .bind(now)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// Records what a pass saw of the watch of the change at `changed_at`
    /// (a later change's watch is left alone).
    pub async fn note_watch(
        &self,
        account_id: i64,
        changed_at: i64,
        seen: &Seen,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE watches SET failures = $3, first_failure_at = COALESCE(first_failure_at, $4),
             last_failure_at = $5, devices = $6, locked_at = COALESCE($7, locked_at)
             WHERE account_id = $1 AND changed_at = $2",
        )
        .bind(account_id)
        .bind(changed_at)
        .bind(seen.failures)
        .bind(seen.first_failure_at)
        .bind(seen.last_failure_at)
        .bind(&seen.devices)
        .bind(seen.locked_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claims a watch's notice before it is sent: `false` when it went
    /// already (by this pass or another instance's), so it goes once.
    pub async fn claim_watch_notice(
        &self,
        account_id: i64,
        changed_at: i64,
        notice: WatchNotice,
        now: i64,
    ) -> Result<bool, StoreError> {
        let column = match notice {
            WatchNotice::Warning => "warned_at",
            WatchNotice::UnlockLink => "link_sent_at",
        };
        let claimed = sqlx::query(&format!(
            "UPDATE watches SET {column} = $3
             WHERE account_id = $1 AND changed_at = $2 AND {column} IS NULL"
        ))
        .bind(account_id)
        .bind(changed_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Records an unlock during the account's watch (by `owner` or
    /// `helpdesk`); the first one of the watch stays.
    pub async fn note_watch_unlock(
        &self,
        account_id: i64,
        by: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let noted = sqlx::query(
            "UPDATE watches SET unlocked_at = $2, unlocked_by = $3
             WHERE account_id = $1 AND unlocked_at IS NULL AND changed_at <= $2",
        )
        .bind(account_id)
        .bind(now)
        .bind(by)
        .execute(&self.pool)
        .await?;
        Ok(noted.rows_affected() == 1)
    }

    /// Whether the unlock link for the watch of the change at
    /// `changed_at` may still be used: the watch is that change's and its
    /// link was not used.
    pub async fn spend_unlock_link(
        &self,
        account_id: i64,
        changed_at: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let spent = sqlx::query(
            "UPDATE watches SET unlocked_at = $3, unlocked_by = 'link'
             WHERE account_id = $1 AND changed_at = $2 AND link_sent_at IS NOT NULL
             AND (unlocked_by IS NULL OR unlocked_by <> 'link')",
        )
        .bind(account_id)
        .bind(changed_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(spent.rows_affected() == 1)
    }
}
