//! Accounts and password history on SQLite or PostgreSQL, through one set of
//! queries (sqlx's `Any` driver; `$n` placeholders in order, `BIGINT` times
//! in Unix seconds, so both backends read the same types).

use std::str::FromStr;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, Connection, Row};

use crate::domain::account::{Account, NewAccount};

mod audit;
mod codes;
mod directory;
mod flow;
mod sealed;
mod sessions;
mod staff;
mod throttle;
pub use audit::{AuditEvent, Break, ChainCheck, GENESIS, NewEvent};
pub use codes::CodeAttempt;
pub use directory::PendingWrite;
pub use flow::{OutboxEntry, ResetSession, Step, StoredChallenge, StoredMethod};
pub use sealed::{Rotation, SEALED_PLACES, SealedPlace};
pub use sessions::{AccountSession, NewSession, Stage};
pub use staff::{Role, Staff, StaffChange, StaffSession};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://…")]
    UnsupportedUrl(String),
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("cannot migrate the database: {0}")]
    Migrate(String),
    #[error("{field} {value:?} is already taken")]
    Duplicate { field: &'static str, value: String },
    #[error("the account changed meanwhile; try again")]
    Conflict,
    #[error("{0} is the last active admin: make another admin first")]
    LastAdmin(String),
    #[error("the database holds what this version cannot read: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

const ACCOUNT_COLUMNS: &str = "id, username, email, display_name, phone, status, locked_until, must_change_password, version, created_at, updated_at";

impl Store {
    /// Opens (creating an SQLite file if missing) and migrates the database.
    /// A database migrated by a newer Latchkey is refused.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        let url = match backend {
            Backend::Sqlite => sqlite_url(url)?,
            Backend::Postgres => url.to_owned(),
        };
        // One direct attempt first: the pool would retry a refused connection
        // until its timeout and then report only that it timed out.
        let probe = tokio::time::timeout(CONNECT_TIMEOUT, AnyConnection::connect(&url))
            .await
            .map_err(|_| {
                StoreError::Connect(format!(
                    "no answer within {} seconds",
                    CONNECT_TIMEOUT.as_secs()
                ))
            })?
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        probe.close().await?;
        let pool = AnyPoolOptions::new()
            // Each connection to an in-memory SQLite database is a database of
            // its own: one connection, so there is one database.
            .max_connections(match backend {
                Backend::Sqlite if url.contains(":memory:") => 1,
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(CONNECT_TIMEOUT)
            .connect(&url)
            .await
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        if backend == Backend::Sqlite {
            // Persistent for the file: readers never block the writer.
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await?;
        }
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&pool).await.map_err(|e| match e {
            sqlx::migrate::MigrateError::VersionMissing(version) => StoreError::Migrate(format!(
                "the database has migration {version}, which this Latchkey does not know: it was \
                 written by a newer version"
            )),
            other => StoreError::Migrate(other.to_string()),
        })?;
        let store = Store { pool, backend };
        store.chain_earlier_events().await?;
        Ok(store)
    }

    /// One round trip to the database (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Adds accounts, each with an optional first password hash, in one
    /// transaction: all of them or none.
    pub async fn insert_accounts(
        &self,
        accounts: &[(NewAccount, Option<String>)],
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for (account, hash) in accounts {
            let id: i64 = sqlx::query_scalar(
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
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| duplicate(e, account))?;
            if let Some(hash) = hash {
                sqlx::query("INSERT INTO password_history (account_id, hash, created_at) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(hash)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            audit(&mut tx, now, "cli", "account.created", Some(id)).await?;
        }
        tx.commit().await?;
        Ok(())
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

    /// Appends an audit event: who (`actor`), what (`action`, a rule id or a
    /// step, never a password or a code), for which account, from where.
    pub async fn record_event(
        &self,
        now: i64,
        actor: &str,
        action: &str,
        account_id: Option<i64>,
        address: &str,
    ) -> Result<(), StoreError> {
        self.append_event(&NewEvent {
            at: now,
            actor,
            action,
            account_id,
            address,
            detail: "",
        })
        .await
    }

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
    /// history to `keep` entries, settle the change's pending directory write
    /// if it had one, record the event. A crash at any point leaves the old
    /// password or the new one, with a consistent history.
    pub async fn commit_password_change(
        &self,
        account: &Account,
        new_hash: &str,
        keep: usize,
        now: i64,
        actor: &str,
        finishing: Option<&str>,
    ) -> Result<(), StoreError> {
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
        write_password(&mut tx, account, new_hash, keep, now, actor).await?;
        sqlx::query("DELETE FROM directory_pending WHERE account_id = $1 AND new_hash = $2")
            .bind(account.id)
            .bind(new_hash)
            .execute(&mut *tx)
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

async fn audit(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    now: i64,
    actor: &str,
    action: &str,
    account_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let event = NewEvent {
        at: now,
        actor,
        action,
        account_id,
        address: "",
        detail: "",
    };
    audit::append(tx, &event).await
}

/// Claims the account at the version the change was checked against, adds
/// the new hash, trims the history and records the event.
async fn write_password(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    account: &Account,
    new_hash: &str,
    keep: usize,
    now: i64,
    actor: &str,
) -> Result<(), StoreError> {
    // Written first, so SQLite takes its write lock before reading anything.
    let claimed = sqlx::query(
        "UPDATE accounts SET version = version + 1, updated_at = $1, must_change_password = 0
         WHERE id = $2 AND version = $3",
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
    audit(tx, now, actor, "password.changed", Some(account.id)).await?;
    Ok(())
}

/// SQLite: create the file if missing, wait for locks instead of failing,
/// and use the write-ahead log so readers never block the writer.
fn sqlite_url(url: &str) -> Result<String, StoreError> {
    let options =
        SqliteConnectOptions::from_str(url).map_err(|e| StoreError::Connect(e.to_string()))?;
    let path = options.get_filename().to_string_lossy().into_owned();
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut url = url.to_owned();
    if !url.contains("mode=") && path != ":memory:" {
        url.push(sep);
        url.push_str("mode=rwc");
    }
    Ok(url)
}

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
    Ok(Account {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        name: row.try_get("display_name")?,
        phone: row.try_get("phone")?,
        status: row.try_get("status")?,
        locked_until: row.try_get("locked_until")?,
        must_change_password: row.try_get::<i64, _>("must_change_password")? != 0,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}
