//! What the campus directory needs of the store: password changes on their
//! way to it (`directory_pending`), and account details it brings in.

use serde::Serialize;
use sqlx::Row;

use super::passwords::{NewPassword, write_password};
use super::{NewEvent, Store, StoreError, audit};
use crate::model::account::Account;
use crate::model::audit::Action;

/// A password change the directory may have taken and this store has not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingWrite {
    pub account_id: i64,
    pub username: String,
    #[serde(skip)]
    pub new_hash: String,
    #[serde(skip)]
    pub sealed_password: String,
    pub actor: String,
    pub created_at: i64,
    pub next_try_at: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
}

impl Store {
    /// Records a change before the directory is asked. `false` when the
    /// account already has one on its way: one change at a time.
    pub async fn begin_pending_write(&self, write: &PendingWrite) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO directory_pending (account_id, new_hash, sealed_password, actor, created_at, next_try_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (account_id) DO NOTHING",
        )
        .bind(write.account_id)
        .bind(&write.new_hash)
        .bind(&write.sealed_password)
        .bind(&write.actor)
        .bind(write.created_at)
        .bind(write.next_try_at)
        .execute(&self.pool)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// Forgets a change the directory did not take.
    pub async fn drop_pending_write(
        &self,
        account_id: i64,
        new_hash: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM directory_pending WHERE account_id = $1 AND new_hash = $2")
            .bind(account_id)
            .bind(new_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Every change on its way, oldest first.
    pub async fn pending_writes(&self) -> Result<Vec<PendingWrite>, StoreError> {
        let rows = sqlx::query(
            "SELECT p.account_id, a.username, p.new_hash, p.sealed_password, p.actor, p.created_at,
                    p.next_try_at, p.attempts, p.last_error
             FROM directory_pending p JOIN accounts a ON a.id = p.account_id
             ORDER BY p.created_at, p.account_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(PendingWrite {
                    account_id: row.try_get("account_id")?,
                    username: row.try_get("username")?,
                    new_hash: row.try_get("new_hash")?,
                    sealed_password: row.try_get("sealed_password")?,
                    actor: row.try_get("actor")?,
                    created_at: row.try_get("created_at")?,
                    next_try_at: row.try_get("next_try_at")?,
                    attempts: row.try_get("attempts")?,
                    last_error: row.try_get("last_error")?,
                })
            })
            .collect()
    }

    /// Takes a due change for one reconciler until `until`, so that two
    /// instances never settle the same one at once. `false`: not due, or
    /// taken by another.
    pub async fn claim_pending_write(
        &self,
        write: &PendingWrite,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        let claimed = sqlx::query(
            "UPDATE directory_pending SET next_try_at = $1, attempts = attempts + 1
             WHERE account_id = $2 AND new_hash = $3 AND next_try_at <= $4",
        )
        .bind(until)
        .bind(write.account_id)
        .bind(&write.new_hash)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Why the last try to settle a change did not.
    pub async fn note_pending_error(&self, account_id: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE directory_pending SET last_error = $1 WHERE account_id = $2")
            .bind(error)
            .bind(account_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Stores a change the directory took, in one transaction with its
    /// removal from the pending ones. `false` when it was settled meanwhile.
    pub async fn settle_pending_write(
        &self,
        account: &Account,
        write: &PendingWrite,
        keep: usize,
        now: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let removed =
            sqlx::query("DELETE FROM directory_pending WHERE account_id = $1 AND new_hash = $2")
                .bind(account.id)
                .bind(&write.new_hash)
                .execute(&mut *tx)
                .await?;
        if removed.rows_affected() != 1 {
            return Ok(false);
        }
        // Settled later, without the history's sealed hash: this entry is
        // checked by its own hash until it ages out.
        let new = NewPassword {
            hash: &write.new_hash,
            sealed: None,
        };
        let changed = Action::PasswordChanged.name();
        let event = NewEvent {
            at: now,
            actor: &write.actor,
            action: &changed,
            account_id: Some(account.id),
            // Settled later: the address of the request is not kept.
            address: "",
            detail: "",
        };
        write_password(&mut tx, account, new, keep, &event).await?;
        audit(
            &mut tx,
            now,
            "directory",
            &Action::DirectorySettled("stored").name(),
            Some(account.id),
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The details a directory sync brings: mail, name, and a phone for an
    /// account that has none (a registered phone is a way to reset, and
    /// is changed only by its owner or the help desk).
    pub async fn update_profile(
        &self,
        account_id: i64,
        email: &str,
        name: &str,
        phone: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE accounts SET email = $1, email_key = $2, display_name = $3,
                    phone = COALESCE(phone, $4), updated_at = $5
             WHERE id = $6",
        )
        .bind(email)
        .bind(email.to_lowercase())
        .bind(name)
        .bind(phone)
        .bind(now)
        .bind(account_id)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate {
                field: "email",
                value: email.to_owned(),
            },
            _ => StoreError::Database(e),
        })?;
        audit(
            &mut tx,
            now,
            "directory",
            &Action::AccountSynced.name(),
            Some(account_id),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Each account's department as the directory now says (by username),
    /// in one transaction: reports only, so not audited.
    pub async fn set_departments(
        &self,
        departments: &[(String, Option<String>)],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (username, department) in departments {
            sqlx::query("UPDATE accounts SET department = $1 WHERE username_key = $2")
                .bind(department)
                .bind(username.to_lowercase())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// What a sync compares with the directory, for every account at once.
    pub async fn accounts_for_sync(&self) -> Result<Vec<SyncedAccount>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, username, email, display_name, phone, left_directory_at, department
             FROM accounts",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SyncedAccount {
                    id: row.try_get("id")?,
                    username: row.try_get("username")?,
                    email: row.try_get("email")?,
                    name: row.try_get("display_name")?,
                    phone: row.try_get("phone")?,
                    left_directory_at: row.try_get("left_directory_at")?,
                    department: row.try_get("department")?,
                })
            })
            .collect()
    }

    /// Marks accounts whose person the directory no longer holds (or, with
    /// `left` false, holds again), each with its audit event, in one
    /// transaction.
    pub async fn mark_left_directory(
        &self,
        ids: &[i64],
        left: bool,
        now: i64,
    ) -> Result<(), StoreError> {
        let action = match left {
            true => Action::AccountLeftDirectory,
            false => Action::AccountReturnedToDirectory,
        }
        .name();
        let mut tx = self.pool.begin().await?;
        for id in ids {
            sqlx::query(
                "UPDATE accounts SET left_directory_at = $1, updated_at = $2 WHERE id = $3",
            )
            .bind(left.then_some(now))
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            audit(&mut tx, now, "directory", &action, Some(*id)).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// An account as a sync compares it with the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncedAccount {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
    pub left_directory_at: Option<i64>,
    pub department: Option<String>,
}
