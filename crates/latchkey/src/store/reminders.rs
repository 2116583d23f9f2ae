//! Reminders sent (each at most once), and leases: a job that one instance
//! at a time runs when several share the database.

use super::{Store, StoreError};

impl Store {
    /// Records a reminder as sent; `false` when it was sent already (by
    /// this run or another), so the caller sends nothing.
    pub async fn claim_reminder(
        &self,
        account_id: i64,
        kind: &str,
        password_set_at: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        let claimed = sqlx::query(
            "INSERT INTO reminders_sent (account_id, kind, password_set_at, sent_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(account_id)
        .bind(kind)
        .bind(password_set_at)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Whether this reminder was sent already.
    pub async fn reminder_sent(
        &self,
        account_id: i64,
        kind: &str,
        password_set_at: i64,
    ) -> Result<bool, StoreError> {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM reminders_sent
             WHERE account_id = $1 AND kind = $2 AND password_set_at = $3",
        )
        .bind(account_id)
        .bind(kind)
        .bind(password_set_at)
        .fetch_one(&self.pool)
        .await?;
        Ok(count > 0)
    }

    /// Takes (or keeps) the lease `name` for `holder` until `until`; `false`
    /// while another holder's lease runs.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        let taken = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
             WHERE leases.holder = excluded.holder OR leases.expires_at <= $4",
        )
        .bind(name)
        .bind(holder)
        .bind(until)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(taken.rows_affected() == 1)
    }
}
