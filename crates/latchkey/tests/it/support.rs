//! Running the built binary.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `latchkey ARGS` with `stdin` as standard input.
pub fn latchkey(args: &[&str], stdin: &[u8]) -> Run {
    latchkey_in(None, args, stdin)
}

pub fn latchkey_in(dir: Option<&Path>, args: &[&str], stdin: &[u8]) -> Run {
    latchkey_full(dir, args, stdin, &[])
}

/// Runs `latchkey ARGS` with these environment variables set.
pub fn latchkey_with_env(args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    latchkey_full(None, args, stdin, env)
}

fn latchkey_full(dir: Option<&Path>, args: &[&str], stdin: &[u8], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_latchkey"));
    command.envs(env.iter().copied());
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(dir) = dir {
        command.current_dir(dir);
    }
    let mut child = command.spawn().expect("latchkey starts");
    // A command that fails early (a bad config) exits without reading its input.
    match child.stdin.take().unwrap().write_all(stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8(stdout).unwrap(),
        stderr: String::from_utf8(stderr).unwrap(),
    }
}

/// The repository's root.
pub fn workspace() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A fresh temporary folder, removed when dropped.
pub struct TempDir(pub std::path::PathBuf);

/// The effective user is root: `/proc/self` belongs to it.
pub fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|meta| meta.uid() == 0)
}

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("latchkey-test-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn write(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A fresh, empty database for one test: an SQLite file in a temporary
/// folder, or a new database on the PostgreSQL server named by
/// `LATCHKEY_TEST_POSTGRES_URL` (dropped afterwards by [`TestDb::drop_db`]).
pub struct TestDb {
    pub label: &'static str,
    pub url: String,
    admin_url: Option<String>,
    name: String,
    _dir: Option<TempDir>,
}

static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

impl TestDb {
    pub fn sqlite(test: &str) -> TestDb {
        let dir = TempDir::new(&format!("db-{test}"));
        let url = format!("sqlite://{}", dir.0.join("latchkey.db").display());
        TestDb {
            label: "sqlite",
            url,
            admin_url: None,
            name: String::new(),
            _dir: Some(dir),
        }
    }

    /// `None` only outside CI when no server is configured; in CI a missing
    /// or unreachable PostgreSQL fails the test instead of skipping it.
    pub async fn postgres(test: &str) -> Option<TestDb> {
        let Ok(admin_url) = std::env::var("LATCHKEY_TEST_POSTGRES_URL") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must set LATCHKEY_TEST_POSTGRES_URL"
            );
            eprintln!("{test}: LATCHKEY_TEST_POSTGRES_URL is not set; PostgreSQL part skipped");
            return None;
        };
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!(
            "latchkey_t_{}_{}_{n}",
            test.chars().take(20).collect::<String>(),
            std::process::id()
        );
        let mut admin = sqlx_admin(&admin_url).await;
        use sqlx::Executor;
        admin
            .execute(format!("DROP DATABASE IF EXISTS {name}").as_str())
            .await
            .unwrap();
        admin
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
            .unwrap();
        let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap();
        Some(TestDb {
            label: "postgres",
            url: format!("{base}/{name}"),
            admin_url: Some(admin_url),
            name,
            _dir: None,
        })
    }

    /// The same database reached at `url` (through a proxy, say): dropping
    /// this one drops nothing.
    /// A database of a server the test runs itself (nothing to drop).
    pub fn postgres_at(url: &str) -> TestDb {
        TestDb {
            label: "postgres",
            url: url.to_owned(),
            admin_url: None,
            name: String::new(),
            _dir: None,
        }
    }

    pub fn reached_at(&self, url: String) -> TestDb {
        TestDb {
            label: self.label,
            url,
            admin_url: None,
            name: self.name.clone(),
            _dir: None,
        }
    }

    pub async fn drop_db(self) {
        if let Some(admin_url) = &self.admin_url {
            use sqlx::Executor;
            let mut admin = sqlx_admin(admin_url).await;
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name).as_str())
                .await;
        }
    }
}

async fn sqlx_admin(url: &str) -> sqlx::PgConnection {
    use sqlx::Connection;
    sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| {
        panic!("PostgreSQL at LATCHKEY_TEST_POSTGRES_URL ({url}) is unreachable: {e}")
    })
}

/// Runs `test` once on SQLite and once on PostgreSQL, each on a fresh database.
pub async fn on_each_backend<F, Fut>(name: &str, test: F)
where
    F: Fn(TestDb) -> Fut,
    Fut: std::future::Future<Output = TestDb>,
{
    let db = test(TestDb::sqlite(name)).await;
    db.drop_db().await;
    if let Some(db) = TestDb::postgres(name).await {
        let db = test(db).await;
        db.drop_db().await;
    }
}

/// Runs one statement on the database behind `url`, outside the store.
pub async fn sql(url: &str, statement: &str) {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query(statement).execute(&mut conn).await.unwrap();
}

/// How many rows `table` holds.
pub async fn count(url: &str, table: &str) -> i64 {
    use sqlx::Connection;
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut conn)
        .await
        .unwrap()
}
