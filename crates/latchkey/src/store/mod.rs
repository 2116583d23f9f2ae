//! Accounts and password history on SQLite or PostgreSQL, through one set of
//! queries (sqlx's `Any` driver; `$n` placeholders in order, `BIGINT` times
//! in Unix seconds, so both backends read the same types).

use std::str::FromStr;

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::Migrator;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyConnection, AnyPool, Connection};

mod accounts;
mod audit;
mod codes;
mod deliveries;
mod directory;
mod figures;
mod flashes;
mod flow;
mod links;
mod methods;
mod outbox;
mod passes;
mod passkeys;
mod passwords;
mod recovery;
mod reminders;
mod reports;
mod sealed;
mod sessions;
mod staff;
mod throttle;
mod watches;
pub use accounts::AccountChange;
pub use audit::{AuditEvent, Break, ChainCheck, GENESIS, NewEvent};
pub use codes::CodeAttempt;
pub use deliveries::{Backlog, Delivery, Lane, NewDelivery};
pub use directory::{PendingWrite, SyncedAccount};
pub use figures::Coverage;
pub use flow::{ResetSession, Step, StoredChallenge};
pub use methods::StoredMethod;
pub use outbox::OutboxEntry;
pub use passkeys::StoredPasskey;
pub use passwords::{Commit, History, NewPassword, PastPassword, SealedEntry};
pub use sealed::{Rotation, SEALED_PLACES, SealedPlace};
pub use sessions::{AccountSession, NewSession, Stage};
pub use staff::{Role, Staff, StaffChange, StaffSession};
pub use throttle::KEPT_SECONDS as HITS_KEPT_SECONDS;
pub use watches::{Seen, Watch, WatchNotice};

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

#[cfg(test)]
impl StoreError {
    /// What a request meets when no connection came in time (the database
    /// restarting), for the domain's tests, which name no driver.
    pub(crate) fn pool_timed_out() -> StoreError {
        StoreError::Database(sqlx::Error::PoolTimedOut)
    }
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

/// The longest a statement runs on PostgreSQL unless the configuration
/// says otherwise (`database.statement_timeout_seconds`).
pub const STATEMENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a request waits for a connection. Short: when the database is
/// gone, a person is told to come back in a minute within two seconds
/// (`Error::Unavailable`, 503 with `Retry-After`), rather than waiting for
/// a page that will not come; a load balancer hears it from `/readyz`.
const ACQUIRE_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(1500);

/// Whether `error` (or what caused it) says the database cannot be reached
/// or cannot take more work right now, rather than that a request was
/// wrong: what a person should simply try again later.
pub fn unavailable(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(StoreError::Connect(_)) = error.downcast_ref::<StoreError>() {
            return true;
        }
        if let Some(error) = error.downcast_ref::<sqlx::Error>() {
            return match error {
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::WorkerCrashed => true,
                // PostgreSQL's connection exceptions (08…), its shutting
                // down or starting up (57P01–57P03), and a statement it
                // cancelled past its deadline (57014).
                sqlx::Error::Database(e) => e.code().is_some_and(|code| {
                    code.starts_with("08") || code.starts_with("57P0") || code == "57014"
                }),
                _ => false,
            };
        }
        next = error.source();
    }
    false
}

impl Store {
    /// Opens (creating an SQLite file if missing) and migrates the database.
    /// A database migrated by a newer Latchkey is refused.
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        Store::open_with_deadline(url, STATEMENT_TIMEOUT).await
    }

    /// [`Store::open`], with PostgreSQL told to cancel any statement that
    /// runs longer than `deadline` (a lock never released, a query gone
    /// wrong): a request then fails as [`unavailable`] rather than waiting
    /// with the person. SQLite waits on a lock at most its busy timeout.
    pub async fn open_with_deadline(
        url: &str,
        deadline: std::time::Duration,
    ) -> Result<Store, StoreError> {
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
        let mut probe = tokio::time::timeout(CONNECT_TIMEOUT, AnyConnection::connect(&url))
            .await
            .map_err(|_| {
                StoreError::Connect(format!(
                    "no answer within {} seconds",
                    CONNECT_TIMEOUT.as_secs()
                ))
            })?
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        let pool = AnyPoolOptions::new()
            // Each connection to an in-memory SQLite database is a database of
            // its own: one connection, so there is one database.
            .max_connections(match backend {
                Backend::Sqlite if url.contains(":memory:") => 1,
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if backend == Backend::Postgres {
                        let set = format!("SET statement_timeout = {}", deadline.as_millis());
                        sqlx::Executor::execute(&mut *connection, set.as_str()).await?;
                    }
                    Ok(())
                })
            })
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
        // PostgreSQL's migrations hold an advisory lock; SQLite's hold none,
        // so two processes opening a new file at once (the server and a
        // command) would both create its tables: one waits for the other.
        let _migrating = match backend {
            Backend::Sqlite => lock_for_migration(&url).await?,
            Backend::Postgres => None,
        };
        // PostgreSQL's migrations run on the first connection, which has no
        // statement deadline: a migration of a large table may take minutes.
        let migrated = match backend {
            Backend::Postgres => migrator.run(&mut probe).await,
            Backend::Sqlite => migrator.run(&pool).await,
        };
        probe.close().await?;
        migrated.map_err(|e| match e {
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

/// SQLite: create the file if missing, wait for locks instead of failing,
/// and use the write-ahead log so readers never block the writer.
/// An exclusive lock on `PATH-migrate.lock` beside an SQLite file, held
/// until dropped (`None` for a database in memory).
async fn lock_for_migration(url: &str) -> Result<Option<std::fs::File>, StoreError> {
    let options =
        SqliteConnectOptions::from_str(url).map_err(|e| StoreError::Connect(e.to_string()))?;
    let path = options.get_filename().to_path_buf();
    // sqlx names `sqlite::memory:` `file:sqlx-in-memory-N`: no file, no lock.
    let in_memory = path.as_os_str() == ":memory:"
        || path.to_string_lossy().starts_with("file:sqlx-in-memory")
        || url.contains("mode=memory");
    if in_memory || path.as_os_str().is_empty() {
        return Ok(None);
    }
    let mut name = path.into_os_string();
    name.push("-migrate.lock");
    let locked = tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&name)?;
        file.lock()?;
        Ok::<_, std::io::Error>(file)
    })
    .await
    .map_err(|e| StoreError::Migrate(e.to_string()))?
    .map_err(|e| StoreError::Migrate(format!("the migration lock: {e}")))?;
    Ok(Some(locked))
}

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

/// A `LIKE $n ESCAPE '\\'` pattern for what starts with `text`: its `%`, `_`
/// and `\\` stand for themselves (`reset.code_wrong` is not a pattern).
pub(crate) fn like_prefix(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
