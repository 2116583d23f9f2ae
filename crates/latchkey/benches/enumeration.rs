//! Does the portal tell an unknown account from one that never registered a
//! method? Both must get the same pages (status and body, but for each
//! session's own token) and take the same time. 1,000 resets each, taken
//! in turn, through the real router in-process (no network to blur a
//! difference), SQLite: the median time of the two steps whose work could
//! differ (identify, CAPTCHA) is compared.
//!
//!     cargo bench -p latchkey --bench enumeration

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use latchkey::captcha::{Challenge, ChallengeSource};
use latchkey::clock::SystemClock;
use latchkey::config::{RegistrationConfig, ServerConfig, ThrottleConfig};
use latchkey::domain::{Core, Services};
use latchkey::hashing::{Hasher, HashingConfig};
use latchkey::model::account::NewAccount;
use latchkey::notify::Outbox;
use latchkey::secrets::SecretKey;
use latchkey::store::Store;
use latchkey::web::router;
use latchkey_policy::{Policy, PolicyConfig};
use tower::ServiceExt;

const TRIES: usize = 1_000;
const ANSWER: &str = "K7MPQ";

struct KnownChallenges;

impl ChallengeSource for KnownChallenges {
    fn next_challenge(&self) -> Option<Challenge> {
        Some(Challenge {
            answer: ANSWER.into(),
            png: b"\x89PNG bench".to_vec(),
        })
    }
}

struct Answer {
    status: StatusCode,
    cookie: Option<String>,
    body: String,
}

async fn send(app: &Router, request: Request<Body>) -> Answer {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned());
    let body = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        cookie,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
    body[at..at + 64].to_owned()
}

fn post(path: &str, cookie: &str, form: String) -> Request<Body> {
    Request::post(path)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap()
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap()
}

/// One reset up to its answer: the time of identify + CAPTCHA, and the
/// final page with the session's token taken out.
async fn try_once(app: &Router, who: &str) -> (Duration, StatusCode, String) {
    let first = send(app, Request::get("/reset").body(Body::empty()).unwrap()).await;
    let cookie = first.cookie.unwrap();
    let csrf = csrf_of(&first.body);
    let started = Instant::now();
    let identified = send(
        app,
        post(
            "/reset/identify",
            &cookie,
            format!("csrf={csrf}&identifier={who}"),
        ),
    )
    .await;
    let mut spent = started.elapsed();
    assert_eq!(identified.status, StatusCode::SEE_OTHER);
    send(app, get("/reset", &cookie)).await;
    let started = Instant::now();
    let answered = send(
        app,
        post(
            "/reset/captcha",
            &cookie,
            format!("csrf={csrf}&answer={ANSWER}"),
        ),
    )
    .await;
    spent += started.elapsed();
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let last = send(app, get("/reset", &cookie)).await;
    (spent, last.status, last.body.replace(&csrf, "CSRF"))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let dir = std::env::temp_dir().join(format!("latchkey-enum-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("enum.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let hasher = Hasher::new(&HashingConfig::default()).unwrap();
        let alan = NewAccount::parse("alan", "alan@example.edu", "Alan Turing", None).unwrap();
        store
            .insert_accounts(&[(alan, Some(hasher.hash("Vt9#qkzP").await.unwrap()))], 1)
            .await
            .unwrap();
        let state = Core::new(Services {
            store: store.clone(),
            hasher,
            policy: Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap(),
            messages: Box::new(Outbox::new(store.clone())),
            mail: Box::new(Outbox::new(store.clone())),
            key: SecretKey::random(),
            entropy: Box::new(latchkey::secrets::OsEntropy),
            challenges: Box::new(KnownChallenges),
            clock: Arc::new(SystemClock),
            server: ServerConfig::default(),
            site: latchkey::web::Site::default(),
            // One client address makes every try: no per-address limit here.
            throttle: ThrottleConfig {
                starts_per_address: i64::MAX,
                captcha_failures_per_address: i64::MAX,
                ..ThrottleConfig::default()
            },
            countries: latchkey::notify::Countries::default(),
            registration: RegistrationConfig::default(),
            reset: Default::default(),
            writeback: None,
            captcha: latchkey::captcha::pow::CaptchaConfig::default(),
            network: Default::default(),
        });
        let app = router(state);
        // Warm up, then take turns so that drift hits both alike.
        for _ in 0..50 {
            try_once(&app, "alan").await;
            try_once(&app, "nobody").await;
        }
        let (mut unregistered, mut unknown) = (Vec::new(), Vec::new());
        let mut pages = Vec::new();
        for i in 0..2 * TRIES {
            let who = if i % 2 == 0 { "alan" } else { "nobody" };
            let (spent, status, body) = try_once(&app, who).await;
            if i < 2 {
                pages.push((status, body));
            }
            if who == "alan" {
                unregistered.push(spent);
            } else {
                unknown.push(spent);
            }
        }
        assert_eq!(pages[0], pages[1], "the same page for both");
        assert!(pages[0].1.contains("We cannot reset this password online"));
        let (a, b) = (median(unregistered), median(unknown));
        let difference =
            (a.as_secs_f64() - b.as_secs_f64()).abs() / a.as_secs_f64().min(b.as_secs_f64());
        println!(
            "identical answers (status {}, same body) for both",
            pages[0].0
        );
        println!("median identify + CAPTCHA over {TRIES} tries each:");
        println!("  registered nothing: {:>8.1} µs", a.as_secs_f64() * 1e6);
        println!("  unknown:            {:>8.1} µs", b.as_secs_f64() * 1e6);
        println!("  difference:         {:>8.1} %", difference * 100.0);
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}
