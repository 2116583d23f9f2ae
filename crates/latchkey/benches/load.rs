//! Load against the real portal: the axum router served on a loopback port
//! over TCP, SQLite, OWASP Argon2id, accounts with a full 24-deep history.
//! Bounded in time and count; loopback only.
//!
//!     cargo bench -p latchkey --bench load
//!
//! Phases: the first page from many addresses through a trusted proxy (each
//! view counts a hit for its address and starts a session), the first page
//! from one address over its limit (answered 429, nothing recorded), CAPTCHA
//! images, and complete resets by text message (identify, CAPTCHA, code, new
//! password checked against a 24-deep history, commit). The CAPTCHA images
//! are rendered for real; their characters are all `K` so the load generator
//! knows the answer. Client and server share the machine's cores.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use std::sync::Arc;
use std::time::{Duration, Instant};

use latchkey::captcha::{Challenge, ChallengeSource};
use latchkey::clock::SystemClock;
use latchkey::config::{RegistrationConfig, ServerConfig, ThrottleConfig};
use latchkey::domain::change::{MayChange, Passwords, change_password};
use latchkey::domain::{Core, Services};
use latchkey::hashing::{Hasher, HashingConfig};
use latchkey::model::account::NewAccount;
use latchkey::notify::Outbox;
use latchkey::secrets::SecretKey;
use latchkey::store::Store;
use latchkey::web::router;
use latchkey_policy::{Policy, PolicyConfig};

const ACCOUNTS: usize = 16;
const CLIENTS: usize = 16;
const PHASE: Duration = Duration::from_secs(10);
const RESETS: usize = 48;

/// Real images whose every character is `K`.
struct KnownImages;

impl ChallengeSource for KnownImages {
    fn next_challenge(&self) -> Option<Challenge> {
        let answer = "KKKKK".to_owned();
        let png = latchkey::captcha::draw::draw(&answer)?;
        Some(Challenge { answer, png })
    }
}

fn phone(i: usize) -> String {
    format!("+1202555{:04}", 100 + i)
}

fn main() {
    let dir = std::env::temp_dir().join(format!("latchkey-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}", dir.join("load.db").display());
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());

    let server = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build()
        .unwrap();
    let (base, store, hashes_per_second) = server.block_on(async {
        let store = Store::open(&url).await.unwrap();
        let hasher = Hasher::new(&HashingConfig::default()).unwrap();
        // What the hashing pool sustains on all cores, warm (the first hashes
        // of a process also pay for fresh memory pages): 100 hashes at once.
        let burst = |n: usize| {
            let mut all = tokio::task::JoinSet::new();
            for _ in 0..n {
                let hasher = hasher.clone();
                all.spawn(async move { hasher.hash("Kq000#zxw").await.unwrap() });
            }
            all.join_all()
        };
        burst(20).await;
        let started = Instant::now();
        burst(100).await;
        let hashes_per_second = 100.0 / started.elapsed().as_secs_f64();
        let policy = Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap();
        let key = SecretKey::random();
        eprintln!("preparing {ACCOUNTS} accounts with 24 past passwords each…");
        for i in 0..ACCOUNTS {
            let username = format!("load{i}");
            let account = NewAccount::parse(
                &username,
                &format!("{username}@example.edu"),
                "Load Tester",
                Some(&phone(i)),
            )
            .unwrap();
            store
                .insert_accounts(
                    &[(account, Some(hasher.hash("Kq000#zxw").await.unwrap()))],
                    1,
                )
                .await
                .unwrap();
            // The history as changes through Latchkey leave it: sealed.
            for n in 1..24 {
                let current = store.find_account(&username).await.unwrap().unwrap();
                let passwords = Passwords {
                    store: &store,
                    hasher: &hasher,
                    policy: &policy,
                    key: Some(&key),
                    writeback: None,
                };
                let may = MayChange::by_operator(&current);
                let password = format!("Kq{n:03}#zxw");
                change_password(&passwords, may, &password, 2 + n, None)
                    .await
                    .unwrap();
            }
            let account = store.find_account(&username).await.unwrap().unwrap();
            let history = store.password_history(account.id).await.unwrap();
            assert_eq!(history.entries.len(), 24);
        }
        let state = Core::new(Services {
            store: store.clone(),
            hasher,
            policy,
            messages: Box::new(Outbox::new(store.clone())),
            mail: Box::new(Outbox::new(store.clone())),
            countries: latchkey::notify::Countries::default(),
            registration: RegistrationConfig::default(),
            reset: Default::default(),
            writeback: None,
            captcha: latchkey::captcha::pow::CaptchaConfig::default(),
            // Every client comes through a proxy on 127.0.0.1 that names it.
            network: latchkey::network::NetworkConfig {
                trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
                ..Default::default()
            },
            key,
            entropy: Box::new(latchkey::secrets::OsEntropy),
            challenges: Box::new(KnownImages),
            clock: Arc::new(SystemClock),
            server: ServerConfig::default(),
            site: latchkey::web::Site::default(),
            // Each reset from its own address (the default limits per
            // address hold); each account resets many times.
            throttle: ThrottleConfig {
                codes_per_account: i64::MAX,
                codes_per_phone: i64::MAX,
                ..ThrottleConfig::default()
            },
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        (base, store, hashes_per_second)
    });

    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .enable_all()
        .build()
        .unwrap();
    client.block_on(async {
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        println!("load against {base} with {CLIENTS} concurrent clients on {cores} cores (client and server share them)");

        let pages = timed_phase(|| {
            let http = http.clone();
            let base = base.clone();
            async move {
                let response = http
                    .get(format!("{base}/reset"))
                    .header("x-forwarded-for", random_address())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 200);
                response.bytes().await.unwrap();
            }
        })
        .await;
        report("first page (GET /reset from many addresses, starts a session)", &pages, PHASE);

        let flood = timed_phase(|| {
            let http = http.clone();
            let base = base.clone();
            async move {
                let response = http
                    .get(format!("{base}/reset"))
                    .header("x-forwarded-for", "192.0.2.77")
                    .send()
                    .await
                    .unwrap();
                assert!(matches!(response.status().as_u16(), 200 | 429));
                response.bytes().await.unwrap();
            }
        })
        .await;
        report("first page (GET /reset from one address, over its limit: 429)", &flood, PHASE);
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
        let key = latchkey::domain::limits::Limit::ResetsPerAddress.key("192.0.2.77");
        let recorded = store.hits(&key, 86_400, now).await.unwrap();
        println!("hits recorded for the flooding address: {recorded} (its limit: 30)");

        // One session per client at the CAPTCHA step, then its image again and again.
        let mut sessions = Vec::new();
        for i in 0..CLIENTS {
            let mut flow = Flow::start(&http, &base).await;
            flow.post("/reset/identify", &[("identifier", &format!("load{i}"))]).await;
            sessions.push(Arc::new(flow));
        }
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let images = timed_phase(|| {
            let flow = sessions[next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % CLIENTS].clone();
            async move {
                let response = flow.get("/reset/captcha.png").await;
                assert_eq!(response.status(), 200);
                assert!(response.bytes().await.unwrap().starts_with(b"\x89PNG"));
            }
        })
        .await;
        report("CAPTCHA image (GET /reset/captcha.png)", &images, PHASE);

        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        for worker in 0..ACCOUNTS {
            let (http, base, store, done) = (http.clone(), base.clone(), store.clone(), done.clone());
            tasks.spawn(async move {
                let mut latencies = Vec::new();
                let mut round = 0;
                while done.fetch_add(1, std::sync::atomic::Ordering::SeqCst) < RESETS {
                    let t = Instant::now();
                    reset(&http, &base, &store, worker, round).await;
                    latencies.push(t.elapsed());
                    round += 1;
                }
                latencies
            });
        }
        let mut resets = Vec::new();
        while let Some(latencies) = tasks.join_next().await {
            resets.extend(latencies.unwrap());
        }
        let elapsed = started.elapsed();
        report("complete reset by text message, 24-deep history", &resets, elapsed);
        // A reset costs 2 Argon2id evaluations: the history's and the new hash.
        let limit = hashes_per_second / 2.0;
        let achieved = resets.len() as f64 / elapsed.as_secs_f64();
        println!(
            "hash-bound limit: {hashes_per_second:.1} Argon2id/s on {cores} cores / 2 per reset = {limit:.2} resets/s; achieved {achieved:.2} ({:.0} %)",
            100.0 * achieved / limit
        );
    });
    std::fs::remove_dir_all(&dir).ok();
}

/// Runs `request` from CLIENTS concurrent loops for PHASE; every latency.
async fn timed_phase<F, Fut>(mut request: F) -> Vec<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let deadline = Instant::now() + PHASE;
    let mut latencies = Vec::new();
    let mut running = tokio::task::JoinSet::new();
    for _ in 0..CLIENTS {
        let fut = request();
        running.spawn(async move {
            let t = Instant::now();
            fut.await;
            t.elapsed()
        });
    }
    while let Some(latency) = running.join_next().await {
        latencies.push(latency.unwrap());
        if Instant::now() < deadline {
            let fut = request();
            running.spawn(async move {
                let t = Instant::now();
                fut.await;
                t.elapsed()
            });
        }
    }
    latencies
}

fn report(what: &str, latencies: &[Duration], elapsed: Duration) {
    let mut sorted = latencies.to_vec();
    sorted.sort();
    let at = |q: f64| sorted[((sorted.len() as f64 * q) as usize).min(sorted.len() - 1)];
    println!(
        "{what}: {} in {:.1} s = {:.1}/s; p50 {:.1} ms, p99 {:.1} ms",
        sorted.len(),
        elapsed.as_secs_f64(),
        sorted.len() as f64 / elapsed.as_secs_f64(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
}

/// One browser's worth of state: the cookie and the session's CSRF token.
struct Flow {
    http: reqwest::Client,
    base: String,
    /// The address the proxy says this browser is at.
    address: String,
    cookie: String,
    csrf: String,
}

/// An address of a large campus's (10.0.0.0/8), at random.
fn random_address() -> String {
    let n: u32 = rand::random();
    format!("10.{}.{}.{}", (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

impl Flow {
    async fn start(http: &reqwest::Client, base: &str) -> Flow {
        let address = random_address();
        let response = http
            .get(format!("{base}/reset"))
            .header("x-forwarded-for", &address)
            .send()
            .await
            .unwrap();
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let body = response.text().await.unwrap();
        let at = body.find("name=\"csrf\" value=\"").unwrap() + 19;
        Flow {
            http: http.clone(),
            base: base.to_owned(),
            address,
            cookie,
            csrf: body[at..at + 64].to_owned(),
        }
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header("x-forwarded-for", &self.address)
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    /// Posts a step's form; expects the redirect of a step that succeeded.
    async fn post(&mut self, path: &str, fields: &[(&str, &str)]) {
        let mut form = vec![("csrf", self.csrf.as_str())];
        form.extend_from_slice(fields);
        let body: String = form
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k}={}",
                    v.replace('%', "%25")
                        .replace('#', "%23")
                        .replace('@', "%40")
                )
            })
            .collect::<Vec<_>>()
            .join("&");
        let response = self
            .http
            .post(format!("{}{path}", self.base))
            .header("x-forwarded-for", &self.address)
            .header("cookie", &self.cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, 303, "{path}: {}", &text[..text.len().min(400)]);
    }
}

async fn reset(http: &reqwest::Client, base: &str, store: &Store, worker: usize, round: usize) {
    let mut flow = Flow::start(http, base).await;
    flow.post(
        "/reset/identify",
        &[("identifier", &format!("load{worker}"))],
    )
    .await;
    flow.post("/reset/captcha", &[("answer", "kkkkk")]).await;
    flow.post("/reset/method", &[("method", "sms")]).await;
    let message = store
        .outbox(200)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.recipient == phone(worker))
        .unwrap();
    let code: String = message
        .body
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    flow.post("/reset/code", &[("code", &code)]).await;
    let password = format!("Kq{}#zxw{worker}", 100 + round);
    flow.post(
        "/reset/password",
        &[("password", &password), ("confirm", &password)],
    )
    .await;
}
