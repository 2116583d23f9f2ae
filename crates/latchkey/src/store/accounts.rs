//! Accounts: adding them, finding them, and the changes made to one (its
//! phone, its reset lock, a required change), each with its audit event in
//! the same transaction.

use sqlx::Row;

use super::{NewEvent, Store, StoreError, audit};
use crate::model::account::{Account, ChangeReason, NewAccount};
use crate::model::audit::Action;

/// A change to one account, as the help desk or the person makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountChange<'a> {
    /// The phone codes go to (E.164), or none.
    Phone(Option<&'a str>),
    /// Lift the lock on online reset.
    UnlockReset,
    /// Require a password change at the next sign-in, for this reason.
    MustChangePassword(ChangeReason),
    /// An authenticator in place of any the account had, the time step of
    /// its first code already used.
    Authenticator { sealed: &'a str, first_step: i64 },
    /// No authenticator any more.
    NoAuthenticator,
    /// The language for notices (`en`, `es`), or the site's.
    Language(Option<&'a str>),
    /// The owner reported a change they did not make: online reset held
    /// (until [`AccountChange::UnlockReset`]), every session ended.
    Reported,
    /// The owner says the ways they reset with are still theirs.
    MethodsConfirmed,
    /// Another email address of the owner's, or none.
    AltEmail(Option<&'a str>),
}

impl AccountChange<'_> {
    /// A change to the ways the owner resets with confirms them as well.
    fn confirms_methods(&self) -> bool {
        matches!(
            self,
            AccountChange::Phone(_)
                | AccountChange::AltEmail(_)
                | AccountChange::Authenticator { .. }
                | AccountChange::NoAuthenticator
        )
    }
}

const ACCOUNT_COLUMNS: &str = "id, username, email, display_name, phone, status, locked_until, must_change_password, must_change_reason, version, created_at, updated_at, left_directory_at, language, reported_at, methods_confirmed_at, alt_email,
     CAST(CASE WHEN phone IS NOT NULL OR EXISTS (SELECT 1 FROM methods m WHERE m.account_id = accounts.id
          AND m.kind = 'totp' AND m.verified_at IS NOT NULL) THEN 1 ELSE 0 END AS BIGINT) AS second_factor";

fn duplicate(error: sqlx::Error, account: &NewAccount) -> StoreError {
    if let sqlx::Error::Database(db) = &error
        && db.is_unique_violation()
    {
        let message = format!("{} {}", db.message(), db.constraint().unwrap_or_default());
        if message.contains("email_key") {
            return StoreError::Duplicate {
                field: "email",
                value: account.email.clone(),
            };
        }
        return StoreError::Duplicate {
            field: "username",
            value: account.username.clone(),
        };
    }
    StoreError::Database(error)
}

fn account_from_row(row: &sqlx::any::AnyRow) -> Result<Account, StoreError> {
    let must_change_password = row.try_get::<i64, _>("must_change_password")? != 0;
    let reason: Option<String> = row.try_get("must_change_reason")?;
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        name: row.try_get("display_name")?,
        phone: row.try_get("phone")?,
        status: row.try_get("status")?,
        locked_until: row.try_get("locked_until")?,
        must_change_password,
        must_change_reason: must_change_password.then(|| ChangeReason::parse(reason.as_deref())),
        second_factor: row.try_get::<i64, _>("second_factor")? != 0,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        left_directory_at: row.try_get("left_directory_at")?,
        language: row.try_get("language")?,
        reported_at: row.try_get("reported_at")?,
        methods_confirmed_at: row.try_get("methods_confirmed_at")?,
        alt_email: row.try_get("alt_email")?,
    })
}

/// One new account's row, in `tx`; its id.
async fn insert_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account: &NewAccount,
    now: i64,
) -> Result<i64, StoreError> {
    sqlx::query_scalar(
        "INSERT INTO accounts (username, username_key, email, email_key, display_name, phone, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(&account.username)
    .bind(account.username.to_lowercase())
    .bind(&account.email)
    .bind(account.email.to_lowercase())
    .bind(&account.name)
    .bind(&account.phone)
    .bind(now)
    .fetch_one(&mut **tx)
    .await
    .map_err(|e| duplicate(e, account))
}

impl Store {
    /// Adds accounts, each with an optional first password hash, in one
    /// transaction: all of them or none.
    pub async fn insert_accounts(
        &self,
        accounts: &[(NewAccount, Option<String>)],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (account, hash) in accounts {
            let id = insert_account(&mut tx, account, now).await?;
            if let Some(hash) = hash {
                sqlx::query("INSERT INTO password_history (account_id, hash, created_at) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            let created = Action::AccountCreated.name();
            audit(&mut tx, now, "cli", &created, Some(id)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds one account that arrived from the directory, with its audit
    /// event (`actor`, `action`) in the same transaction; its id.
    pub async fn insert_arrival(
        &self,
        account: &NewAccount,
        actor: &str,
        action: &str,
        now: i64,
    ) -> Result<i64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id = insert_account(&mut tx, account, now).await?;
        audit(&mut tx, now, actor, action, Some(id)).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The account with this username (any case) or email address.
    pub async fn find_account(&self, identifier: &str) -> Result<Option<Account>, StoreError> {
        let key = identifier.trim().to_lowercase();
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE username_key = $1 OR email_key = $1"
        ))
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| account_from_row(&row)).transpose()
    }

    pub async fn account_by_id(&self, id: i64) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| account_from_row(&row)).transpose()
    }

    /// Accounts whose username or email starts with `query`, or whose phone
    /// is `phone` (E.164), at most `limit`.
    pub async fn search_accounts(
        &self,
        query: &str,
        phone: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Account>, StoreError> {
        // What staff type is literal text: LIKE's wildcards are escaped.
        let key = query.trim().to_lowercase().replace('\\', "\\\\");
        let key = key.replace('%', "\\%").replace('_', "\\_");
        let rows = sqlx::query(&format!(
            "SELECT {} FROM accounts
             WHERE username_key LIKE $1 ESCAPE '\\' OR email_key LIKE $1 ESCAPE '\\' OR phone = $2
             ORDER BY username_key LIMIT $3",
            ACCOUNT_COLUMNS
        ))
        .bind(format!("{key}%"))
        .bind(phone)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(account_from_row).collect()
    }

    /// Notes that the owner's ways were seen at a sign-in, where no date of
    /// confirmation was kept yet (accounts from before it was): the clock
    /// for asking again starts now, without asking.
    pub async fn start_methods_clock(&self, account_id: i64, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE accounts SET methods_confirmed_at = $1 WHERE id = $2 AND methods_confirmed_at IS NULL",
        )
        .bind(now)
        .bind(account_id)
        .execute(&self.pool)
        .await?;
        Ok(())
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

    /// `change` to the account `account_id`, and the event that records it,
    /// in one transaction: the trail never tells of a change that did not
    /// happen, nor misses one that did. Returns the rows the change touched.
    pub async fn change_account(
        &self,
        account_id: i64,
        change: &AccountChange<'_>,
        event: &NewEvent<'_>,
    ) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await?;
        let now = event.at;
        let touched = match change {
            AccountChange::Phone(phone) => {
                sqlx::query("UPDATE accounts SET phone = $1, updated_at = $2 WHERE id = $3")
                    .bind(*phone)
                    .bind(now)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?
            }
            AccountChange::Reported => {
                sqlx::query("DELETE FROM account_sessions WHERE account_id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE accounts SET reported_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?
            }
            AccountChange::UnlockReset => {
                sqlx::query("UPDATE accounts SET locked_until = NULL, reported_at = NULL WHERE id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?
            }
            AccountChange::Language(language) => {
                sqlx::query("UPDATE accounts SET language = $1, updated_at = $2 WHERE id = $3")
                    .bind(*language)
                    .bind(now)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?
            }
            AccountChange::MustChangePassword(reason) => {
                sqlx::query(
                    "UPDATE accounts SET must_change_password = 1, must_change_reason = $1 WHERE id = $2",
                )
                .bind(reason.as_str())
                .bind(account_id)
                    .execute(&mut *tx)
                    .await?
            }
            AccountChange::Authenticator { sealed, first_step } => {
                sqlx::query("DELETE FROM methods WHERE account_id = $1 AND kind = 'totp'")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO methods (account_id, kind, value, verified_at, created_at, last_step)
                     VALUES ($1, 'totp', $2, $3, $3, $4)",
                )
                .bind(account_id)
                .bind(*sealed)
                .bind(now)
                .bind(*first_step)
                .execute(&mut *tx)
                .await?
            }
            AccountChange::NoAuthenticator => {
                sqlx::query("DELETE FROM methods WHERE account_id = $1 AND kind = 'totp'")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?
            }
            AccountChange::AltEmail(email) => {
                sqlx::query("UPDATE accounts SET alt_email = $1, updated_at = $2 WHERE id = $3")
                    .bind(*email)
                    .bind(now)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?
            }
            AccountChange::MethodsConfirmed => {
                sqlx::query("UPDATE accounts SET methods_confirmed_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?
            }
        };
        if change.confirms_methods() {
            sqlx::query("UPDATE accounts SET methods_confirmed_at = $1 WHERE id = $2")
                .bind(now)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
        }
        audit::append(&mut tx, event).await?;
        tx.commit().await?;
        Ok(touched.rows_affected())
    }
}
