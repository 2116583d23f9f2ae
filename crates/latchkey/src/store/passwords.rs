//! Password history: the current hash first, changed in one transaction
//! with the account's version, the history's trim and the event.

use super::deliveries::{NewDelivery, insert_deliveries};
use super::{NewEvent, Store, StoreError};
use crate::model::account::Account;
use crate::model::audit::Action;

/// An account's password history, newest (the current password) first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The salt every sealed entry's hash is made under; `None` until the
    /// first sealed entry.
    pub salt: Option<String>,
    pub entries: Vec<PastPassword>,
}

/// One password of the history: its own hash (kept while it is current,
/// or while it has no sealed hash), and its hash under the history salt,
/// sealed under the server's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastPassword {
    pub hash: Option<String>,
    pub sealed: Option<String>,
}

/// The new password's hash under the account's history salt, sealed, and
/// that salt: what makes the next change's history check one hash.
#[derive(Clone, Copy)]
pub struct SealedEntry<'a> {
    pub salt: &'a str,
    pub sealed: &'a str,
}

/// A password change to commit, and what is written with it.
#[derive(Clone, Copy)]
pub struct Commit<'a> {
    pub new_hash: &'a str,
    pub sealed: Option<SealedEntry<'a>>,
    /// How many hashes the history keeps, the new one included.
    pub keep: usize,
    pub now: i64,
    /// Who made it, and from where, as the audit trail says.
    pub actor: &'a str,
    pub address: &'a str,
    /// Active Directory: the change also lifted the account's lock.
    pub lifted_lock: bool,
    /// The reset session that moves to `done` with the change.
    pub finishing: Option<&'a str>,
    /// The owner's notice of the change, queued with it.
    pub notices: &'a [NewDelivery],
    /// Watch the directory for the old password until then (a change
    /// written to a directory).
    pub watch_until: Option<i64>,
}

impl Store {
    /// The current password's hash.
    pub async fn current_password_hash(
        &self,
        account_id: i64,
    ) -> Result<Option<String>, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT hash FROM password_history WHERE account_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(account_id)
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    /// The account's password history, newest first.
    pub async fn password_history(&self, account_id: i64) -> Result<History, StoreError> {
        let salt: Option<Option<String>> =
            sqlx::query_scalar("SELECT history_salt FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_optional(&self.pool)
                .await?;
        let entries: Vec<(Option<String>, Option<String>)> = sqlx::query_as(
            "SELECT hash, sealed FROM password_history WHERE account_id = $1 ORDER BY id DESC",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await?;
        Ok(History {
            salt: salt.flatten(),
            entries: entries
                .into_iter()
                .map(|(hash, sealed)| PastPassword { hash, sealed })
                .collect(),
        })
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
            sealed,
            keep,
            now,
            actor,
            address,
            lifted_lock,
            finishing,
            notices,
            watch_until,
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
        let new = NewPassword {
            hash: new_hash,
            sealed,
        };
        let changed = Action::PasswordChanged.name();
        let event = NewEvent {
            at: now,
            actor,
            action: &changed,
            account_id: Some(account.id),
            address,
            detail: "",
        };
        write_password(&mut tx, account, new, keep, &event).await?;
        if lifted_lock {
            let unlocked = Action::PasswordUnlockedDirectory.name();
            let event = NewEvent {
                action: &unlocked,
                ..event
            };
            super::audit::append(&mut tx, &event).await?;
        }
        sqlx::query("DELETE FROM directory_pending WHERE account_id = $1 AND new_hash = $2")
            .bind(account.id)
            .bind(new_hash)
            .execute(&mut *tx)
            .await?;
        let queued = insert_deliveries(&mut tx, notices, now).await?;
        if let Some(until) = watch_until {
            super::watches::start(&mut tx, account.id, now, until).await?;
        }
        tx.commit().await?;
        Ok(queued)
    }

    /// Makes `new_hash` the current password: one the directory accepted
    /// at sign-in, changed there and not here. Recorded as adopted, with
    /// the history trimmed to `keep`, as a change here would.
    pub async fn adopt_password(
        &self,
        account: &Account,
        new: NewPassword<'_>,
        keep: usize,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let adopted = Action::PasswordAdopted.name();
        let event = NewEvent {
            at: now,
            actor: "directory",
            action: &adopted,
            account_id: Some(account.id),
            address: "",
            detail: "",
        };
        write_password(&mut tx, account, new, keep, &event).await?;
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

/// A password about to become the current one.
#[derive(Clone, Copy)]
pub struct NewPassword<'a> {
    pub hash: &'a str,
    pub sealed: Option<SealedEntry<'a>>,
}

/// Claims the account at the version the change was checked against, adds
/// the new password, trims the history, drops the own hash of every older
/// entry that has a sealed one, and records `event` (at its time).
pub(super) async fn write_password(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account: &Account,
    new: NewPassword<'_>,
    keep: usize,
    event: &NewEvent<'_>,
) -> Result<(), StoreError> {
    let now = event.at;
    // Written first, so SQLite takes its write lock before reading anything.
    // The sealed hash was made under the salt read with the history: a
    // salt set meanwhile (by a change that also moved the version) is a
    // conflict like any other.
    let salt = new.sealed.map(|sealed| sealed.salt);
    let claimed = sqlx::query(
        "UPDATE accounts SET version = version + 1, updated_at = $1, must_change_password = 0,
         must_change_reason = NULL, history_salt = COALESCE(history_salt, $4)
         WHERE id = $2 AND version = $3 AND ($4 IS NULL OR history_salt IS NULL OR history_salt = $4)",
    )
    .bind(now)
    .bind(account.id)
    .bind(account.version)
    .bind(salt)
    .execute(&mut **tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Err(StoreError::Conflict);
    }
    sqlx::query(
        "INSERT INTO password_history (account_id, hash, sealed, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(account.id)
    .bind(new.hash)
    .bind(new.sealed.map(|sealed| sealed.sealed))
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
    sqlx::query(
        "UPDATE password_history SET hash = NULL
         WHERE account_id = $1 AND sealed IS NOT NULL AND hash IS NOT NULL AND hash <> $2",
    )
    .bind(account.id)
    .bind(new.hash)
    .execute(&mut **tx)
    .await?;
    super::audit::append(tx, event).await?;
    Ok(())
}
