//! The database going away under a running portal: within two seconds a
//! person is told to come back in a minute (503, `Retry-After`) and
//! `/readyz` says 503 so a load balancer moves on; a change in flight is
//! made whole or not at all; everything works again once it is back.
//! PostgreSQL behind a proxy the test can cut (SQLite cannot go away).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use latchkey::domain::change::verify_password;
use latchkey::secrets::SecretKey;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tower::ServiceExt;

use crate::portal::{Browser, OLD_PASSWORD, Portal, latest_code, portal, up_to_the_code};
use crate::support::TestDb;

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

#[tokio::test]
async fn a_database_gone_away_is_a_try_again_page_within_two_seconds() {
    let Some(db) = TestDb::postgres("outage").await else {
        return;
    };
    let (host, name) = db
        .url
        .trim_start_matches("postgres://")
        .split_once('/')
        .unwrap();
    let (user, target) = host.split_once('@').unwrap();
    let proxy = Proxy::start(target.to_owned()).await;
    let through = db.reached_at(format!("postgres://{user}@{}/{name}", proxy.address));
    let portal = portal(&through, &SecretKey::random()).await;
    let (status, _, _) = get_within_two_seconds(&portal, "/readyz").await;
    assert_eq!(status, StatusCode::OK);

    // Ada is at her reset's password step when the database goes.
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    proxy.cut().await;

    for path in ["/reset", "/signin"] {
        let (status, retry, body) = get_within_two_seconds(&portal, path).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {body}");
        assert_eq!(retry.as_deref(), Some("60"), "{path}");
        assert!(body.contains("Try again in a minute"), "{path}: {body}");
    }
    let (status, _, body) = get_within_two_seconds(&portal, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains(r#""database":"unreachable""#), "{body}");
    let start = Request::post("/api/v1/reset").body(Body::empty()).unwrap();
    let (status, retry, body) = answer_within_two_seconds(&portal, start).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(retry.as_deref(), Some("60"));
    assert!(body.contains(r#""error":"unavailable""#), "{body}");
    let new = "Qz7#vRt!kP2mWx";
    let page = browser
        .post(
            &portal,
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
    proxy.restore();
    let (status, _, _) = get_within_two_seconds(&portal, "/readyz").await;
    assert_eq!(status, StatusCode::OK);
    let hasher = &portal.hasher;
    assert!(
        verify_password(&portal.store, hasher, &ada, OLD_PASSWORD)
            .await
            .unwrap()
    );
    let page = browser
        .post(
            &portal,
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
    portal.store.close().await;
    db.drop_db().await;
}
