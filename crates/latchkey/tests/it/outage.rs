//! The database going away under a running portal: within two seconds a
//! person is told to come back in a minute (503, `Retry-After`) and
//! `/readyz` says 503 so a load balancer moves on; a change in flight is
//! made whole or not at all; everything works again once it is back.
//! PostgreSQL behind a proxy the test can cut (SQLite cannot go away).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use latchkey::domain::change::verify_password;
use latchkey::secrets::SecretKey;
use latchkey::store::Store;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tower::ServiceExt;

use crate::cli_serve::{http_get, serve_demo, terminate};
use crate::portal::{Browser, OLD_PASSWORD, Portal, latest_code, portal, up_to_the_code};
use crate::support::{TempDir, TestDb, running_as_root};

/// A TCP proxy to the database that can be cut: open connections close
/// and new ones are closed as soon as they are accepted.
struct Proxy {
    address: SocketAddr,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(target: String) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(Vec::new()));
        let (is_cut, all) = (cut.clone(), open.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if is_cut.load(Ordering::SeqCst) {
                    continue; // dropped: closed at once
                }
                let target = target.clone();
                all.lock().await.push(tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                }));
            }
        });
        Proxy { address, cut, open }
    }

    async fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for connection in self.open.lock().await.drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

/// A proxy to `db`'s server, and the URL that reaches `db` through it.
async fn through_a_proxy(db: &TestDb) -> (Proxy, String) {
    let (host, name) = db
        .url
        .trim_start_matches("postgres://")
        .split_once('/')
        .unwrap();
    let (user, target) = host.split_once('@').unwrap();
    let proxy = Proxy::start(target.to_owned()).await;
    let url = format!("postgres://{user}@{}/{name}", proxy.address);
    (proxy, url)
}

/// A GET answered within two seconds: its status, `Retry-After` and body.
async fn get_within_two_seconds(
    portal: &Portal,
    path: &str,
) -> (StatusCode, Option<String>, String) {
    answer_within_two_seconds(portal, Request::get(path).body(Body::empty()).unwrap()).await
}

async fn answer_within_two_seconds(
    portal: &Portal,
    request: Request<Body>,
) -> (StatusCode, Option<String>, String) {
    let path = request.uri().to_string();
    let answered = tokio::time::timeout(
        Duration::from_secs(2),
        portal.router.clone().oneshot(request),
    )
    .await
    .unwrap_or_else(|_| panic!("{path}: no answer within two seconds"))
    .unwrap();
    let status = answered.status();
    let retry = answered
        .headers()
        .get(header::RETRY_AFTER)
        .map(|value| value.to_str().unwrap().to_owned());
    let body = axum::body::to_bytes(answered.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, retry, String::from_utf8_lossy(&body).into_owned())
}

/// What takes the database away and brings it back.
trait Outage {
    async fn go(&self);
    async fn back(&self);
}

impl Outage for Proxy {
    async fn go(&self) {
        self.cut().await;
    }
    async fn back(&self) {
        self.restore();
    }
}

#[tokio::test]
async fn a_database_gone_away_is_a_try_again_page_within_two_seconds() {
    let Some(db) = TestDb::postgres("outage").await else {
        return;
    };
    let (proxy, url) = through_a_proxy(&db).await;
    let through = db.reached_at(url);
    let portal = portal(&through, &SecretKey::random()).await;
    through_an_outage(&portal, &proxy).await;
    portal.store.close().await;
    db.drop_db().await;
}

#[tokio::test]
async fn a_postgresql_server_stopped_and_started_again_under_the_portal() {
    // A cluster of the test's own: the machine's server is never stopped.
    let Some(cluster) = PrivateCluster::start("outage-stop") else {
        return;
    };
    let url = cluster.url();
    let db = TestDb::postgres_at(&url);
    let portal = portal(&db, &SecretKey::random()).await;
    through_an_outage(&portal, &cluster).await;
    portal.store.close().await;
}

/// A statement the database does not finish within the deadline (here a
/// table another session holds) is cancelled and told as "unavailable",
/// a 503 to come back in a minute, rather than waited on.
#[tokio::test]
async fn a_statement_past_its_deadline_is_cancelled_as_unavailable() {
    use sqlx::Connection;
    let Some(db) = TestDb::postgres("outage_deadline").await else {
        return;
    };
    let store = Store::open_with_deadline(&db.url, Duration::from_millis(500))
        .await
        .unwrap();
    let mut holder = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    sqlx::query("BEGIN").execute(&mut holder).await.unwrap();
    sqlx::query("LOCK TABLE accounts IN ACCESS EXCLUSIVE MODE")
        .execute(&mut holder)
        .await
        .unwrap();
    let answered = tokio::time::timeout(Duration::from_secs(3), store.find_account("ada"))
        .await
        .expect("an answer within the deadline, not a wait on the lock");
    let error = answered.expect_err("the statement was cancelled");
    assert!(latchkey::store::unavailable(&error), "{error}");
    sqlx::query("ROLLBACK").execute(&mut holder).await.unwrap();
    assert!(store.find_account("ada").await.is_ok(), "and works again");
    holder.close().await.unwrap();
    store.close().await;
    db.drop_db().await;
}

/// A server started (or restarted) while its database is away waits for it
/// (`database.start_wait_seconds`) and serves once it is back, instead of
/// exiting: the surge harness restarts an instance during an outage.
#[tokio::test]
async fn a_server_started_while_the_database_is_away_serves_once_it_is_back() {
    let Some(db) = TestDb::postgres("outage_start").await else {
        return;
    };
    let (proxy, through) = through_a_proxy(&db).await;
    proxy.cut().await;
    let starting = tokio::task::spawn_blocking(move || serve_demo(&through, &[]));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(
        !starting.is_finished(),
        "the server waits for its database, neither serving nor exiting"
    );
    proxy.restore();
    let (mut server, base, _lines) = tokio::time::timeout(Duration::from_secs(30), starting)
        .await
        .expect("serving within 30 s of the database's return")
        .expect("the server started rather than exiting");
    let address = base.trim_start_matches("http://").to_owned();
    let ready = tokio::task::spawn_blocking(move || http_get(&address, "/readyz"))
        .await
        .unwrap();
    assert!(ready.starts_with("HTTP/1.1 200"), "{ready}");
    terminate(&mut server);
    db.drop_db().await;
}

/// Ada at her reset's password step when the database goes: every page and
/// the API answer 503 with `Retry-After` within two seconds, readiness says
/// so, liveness does not; once it is back she finishes where she was.
async fn through_an_outage(portal: &Portal, outage: &impl Outage) {
    let (status, _, _) = get_within_two_seconds(portal, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(portal, "/reset/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    outage.go().await;

    for path in ["/reset", "/signin"] {
        let (status, retry, body) = get_within_two_seconds(portal, path).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert_eq!(retry.as_deref(), Some("60"), "{path}");
        assert!(body.contains("Try again in a minute"), "{path}: {body}");
    }
    let (status, _, body) = get_within_two_seconds(portal, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains(r#""database":"unreachable""#), "{body}");
    let (status, _, _) = get_within_two_seconds(portal, "/healthz").await;
    assert_eq!(status, StatusCode::OK, "the process is alive");
    let start = Request::post("/api/v1/reset").body(Body::empty()).unwrap();
    let (status, retry, body) = answer_within_two_seconds(portal, start).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(retry.as_deref(), Some("60"));
    assert!(body.contains(r#""error":"unavailable""#), "{body}");
    let new = "Qz7#vRt!kP2mWx";
    let page = browser
        .post(
            portal,
            "/reset/password",
            &[("password", new), ("confirm", new)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );

    // Back: nothing was half-made, and Ada finishes where she was.
    outage.back().await;
    let (status, _, _) = get_within_two_seconds(portal, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    let hasher = &portal.hasher;
    assert!(
        verify_password(&portal.store, hasher, &ada, OLD_PASSWORD)
            .await
            .unwrap()
    );
    let page = browser
        .post(
            portal,
            "/reset/password",
            &[("password", new), ("confirm", new)],
        )
        .await;
    assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
    assert!(
        verify_password(&portal.store, hasher, &ada, new)
            .await
            .unwrap()
    );
}

/// A PostgreSQL cluster of one test's own, on a port of its own, made with
/// the machine's `initdb` and run by `pg_ctl` (as the `postgres` user when
/// the tests run as root, which PostgreSQL refuses to be).
struct PrivateCluster {
    dir: TempDir,
    bin: PathBuf,
    port: u16,
}

impl PrivateCluster {
    /// `None` only outside CI where PostgreSQL's server is not installed.
    fn start(test: &str) -> Option<PrivateCluster> {
        let newest = std::fs::read_dir("/usr/lib/postgresql")
            .into_iter()
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path().join("bin"))
            .filter(|bin| bin.join("initdb").exists())
            .max();
        let Some(bin) = newest else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must install PostgreSQL's server (scripts/test does)"
            );
            eprintln!("{test}: no initdb; the stopped-server test is skipped");
            return None;
        };
        let dir = TempDir::new(test);
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let cluster = PrivateCluster { dir, bin, port };
        cluster.hand_to_postgres();
        let data = cluster.data();
        cluster.run(
            "initdb",
            &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"],
        );
        cluster.start_again();
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.0.join("data").display().to_string()
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Runs one of PostgreSQL's programs, as `postgres` when we are root.
    fn run(&self, program: &str, args: &[&str]) {
        let program = self.bin.join(program);
        let mut command = if running_as_root() {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&program);
            command
        } else {
            Command::new(&program)
        };
        let output = command
            .args(args)
            .output()
            .expect("PostgreSQL's programs run");
        assert!(
            output.status.success(),
            "{}: {}",
            program.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl(&self, args: &[&str]) {
        let data = self.data();
        let mut all = vec!["-D", data.as_str(), "-w"];
        all.extend_from_slice(args);
        self.run("pg_ctl", &all);
    }

    fn start_again(&self) {
        let log = self.dir.0.join("server.log").display().to_string();
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.0.display()
        );
        self.pg_ctl(&["-l", &log, "-o", &options, "start"]);
    }

    fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "stop"]);
    }

    /// The folder is the `postgres` user's, so that its server may write it.
    fn hand_to_postgres(&self) {
        if !running_as_root() {
            return;
        }
        let id = |flag: &str| -> u32 {
            let output = Command::new("id")
                .args([flag, "postgres"])
                .output()
                .unwrap();
            String::from_utf8_lossy(&output.stdout)
                .trim()
                .parse()
                .unwrap()
        };
        std::os::unix::fs::chown(&self.dir.0, Some(id("-u")), Some(id("-g"))).unwrap();
    }
}

impl Outage for PrivateCluster {
    async fn go(&self) {
        self.stop();
    }
    async fn back(&self) {
        self.start_again();
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        let data = self.data();
        let _ = Command::new(self.bin.join("pg_ctl"))
            .args(["-D", &data, "-m", "immediate", "stop"])
            .output();
        if running_as_root() {
            let _ = Command::new("runuser")
                .args(["-u", "postgres", "--"])
                .arg(self.bin.join("pg_ctl"))
                .args(["-D", &data, "-m", "immediate", "stop"])
                .output();
        }
    }
}
