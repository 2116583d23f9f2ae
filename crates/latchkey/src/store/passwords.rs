//! Password history: the current hash first, changed in one transaction
//! with the account's version, the history's trim and the event.

use super::deliveries::{NewDelivery, insert_deliveries};
use super::{Store, StoreError, audit};
use crate::model::account::Account;
use crate::model::audit::Action;

/// A password change to commit, and what is written with it.
#[derive(Clone, Copy)]
pub struct Commit<'a> {
    pub new_hash: &'a str,
    /// How many hashes the history keeps, the new one included.
    pub keep: usize,
    pub now: i64,
    /// Who made it, as the audit trail says.
    pub actor: &'a str,
    /// The reset session that moves to `done` with the change.
    pub finishing: Option<&'a str>,
    /// The owner's notice of the change, queued with it.
    pub notices: &'a [NewDelivery],
}

impl Store {
    /// Password hashes, newest (the current password) first.
    pub async fn password_hashes(&self, account_id: i64) -> Result<Vec<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT hash FROM password_history WHERE account_id = $1 ORDER BY id DESC",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The password change itself, one transaction: claim the account at the
    /// version the change was checked against, add the new hash, trim the
    /// history, settle the change's pending directory write if it had one,
    /// record the event, queue the owner's notices. A crash at any point
    /// leaves the old password or the new one, with a consistent history,
    /// and the new one always with its notices queued. The notices' ids.
    pub async fn commit_password_change(
        &self,
        account: &Account,
        commit: &Commit<'_>,
    ) -> Result<Vec<i64>, StoreError> {
        let Commit {
            new_hash,
            keep,
            now,
            actor,
            finishing,
            notices,
        } = *commit;
        let mut tx = self.pool.begin().await?;
        // A reset's session moves to `done` with the change, or neither
        // happens: a retry after a crash finds the reset done, and one
        // session changes the password once (a second request conflicts).
        if let Some(session) = finishing {
            let finished = sqlx::query(
                "UPDATE reset_sessions SET step = 'done' WHERE id = $1 AND step = 'password'",
            )
            .bind(session)
            .execute(&mut *tx)
            .await?;
            if finished.rows_affected() != 1 {
                return Err(StoreError::Conflict);
            }
        }
        write_password(
            &mut tx,
            account,
            new_hash,
            keep,
            now,
            actor,
            Action::PasswordChanged,
        )
        .await?;
        sqlx::query("DELETE FROM directory_pending WHERE account_id = $1 AND new_hash = $2")
            .bind(account.id)
            .bind(new_hash)
            .execute(&mut *tx)
            .await?;
        let queued = insert_deliveries(&mut tx, notices, now).await?;
        tx.commit().await?;
        Ok(queued)
    }

    /// Makes `new_hash` the current password: one the directory accepted
    /// at sign-in, changed there and not here. Recorded as adopted, with
    /// the history trimmed to `keep`, as a change here would.
    pub async fn adopt_password(
        &self,
        account: &Account,
        new_hash: &str,
        keep: usize,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        write_password(
            &mut tx,
            account,
            new_hash,
            keep,
            now,
            "directory",
            Action::PasswordAdopted,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Replaces the current hash with one at the configured parameters
    /// (after a successful verification with older ones).
    pub async fn upgrade_current_hash(
        &self,
        account_id: i64,
        old: &str,
        new: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE password_history SET hash = $1 WHERE account_id = $2 AND hash = $3")
            .bind(new)
            .bind(account_id)
            .bind(old)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// Claims the account at the version the change was checked against, adds
/// the new hash, trims the history and records the event.
pub(super) async fn write_password(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account: &Account,
    new_hash: &str,
    keep: usize,
    now: i64,
    actor: &str,
    action: Action,
) -> Result<(), StoreError> {
    // Written first, so SQLite takes its write lock before reading anything.
    let claimed = sqlx::query(
        "UPDATE accounts SET version = version + 1, updated_at = $1, must_change_password = 0,
         must_change_reason = NULL WHERE id = $2 AND version = $3",
    )
    .bind(now)
    .bind(account.id)
    .bind(account.version)
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(StoreError::Conflict);
    }
    sqlx::query("INSERT INTO password_history (account_id, hash, created_at) VALUES ($1, $2, $3)")
        .bind(account.id)
        .bind(new_hash)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "DELETE FROM password_history WHERE account_id = $1 AND id NOT IN
           (SELECT id FROM password_history WHERE account_id = $1 ORDER BY id DESC LIMIT $2)",
    )
    .bind(account.id)
    .bind(i64::try_from(keep.max(1)).unwrap_or(i64::MAX))
    .execute(&mut **tx)
    .await?;
    audit(tx, now, actor, &action.name(), Some(account.id)).await?;
    Ok(())
}
