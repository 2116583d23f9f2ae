//! The reset portal over HTTP: the router as the server runs it, a client
//! that keeps its cookie and fills in each form's CSRF token, and the outbox
//! where the codes arrive.

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use latchkey::captcha::{Challenge, ChallengeSource};
use latchkey::clock::{Clock, ManualClock};
use latchkey::config::{RegistrationConfig, ServerConfig, ThrottleConfig};
use latchkey::directory::Writeback;
use latchkey::domain::change::verify_password;
use latchkey::domain::{Core, Services};
use latchkey::hashing::{Hasher, HashingConfig};
use latchkey::model::account::NewAccount;
use latchkey::network::NetworkConfig;
use latchkey::notify::{MessageProvider, Outbox};
use latchkey::secrets::SecretKey;
use latchkey::store::Store;
use latchkey::totp;
use latchkey::web::{Site, metrics_router, router};
use latchkey_policy::{Policy, PolicyConfig};
use tower::ServiceExt;

use crate::support::{TestDb, count, on_each_backend};

pub const ANSWER: &str = "K7MPQ";
pub const OLD_PASSWORD: &str = "Vt9#qkzP";
pub const NEW_PASSWORD: &str = "Nw4%jxrQ";
pub const GRACE_SECRET: &[u8] = b"an authenticator key";

/// Challenges whose answer the test knows; the image is not looked at here.
struct KnownChallenges;

impl ChallengeSource for KnownChallenges {
    fn next_challenge(&self) -> Option<Challenge> {
        Some(Challenge {
            answer: ANSWER.into(),
            png: b"\x89PNG test".to_vec(),
        })
    }
}

pub struct Portal {
    pub router: Router,
    /// What `server.metrics_bind` serves, on the same state.
    pub metrics: Router,
    pub store: Store,
    pub hasher: Hasher,
    pub clock: Arc<ManualClock>,
    /// The services behind the router, for what the server does on its own.
    pub core: Core,
}

/// A portal on `db` with three people: ada has a phone, grace an
/// authenticator app, alan no method. Mail goes to the outbox.
pub async fn portal(db: &TestDb, key: &SecretKey) -> Portal {
    portal_extras(db, key, Extras::default()).await
}

/// The same portal, with mail sent by `mail`.
pub async fn portal_with(db: &TestDb, key: &SecretKey, mail: Box<dyn MessageProvider>) -> Portal {
    let extras = Extras {
        mail: Some(mail),
        ..Extras::default()
    };
    portal_extras(db, key, extras).await
}

/// What a test may set beyond the defaults.
#[derive(Default)]
pub struct Extras {
    /// Mail; the outbox when `None`.
    pub mail: Option<Box<dyn MessageProvider>>,
    /// Texts and calls; the outbox when `None`.
    pub messages: Option<Box<dyn MessageProvider>>,
    pub writeback: Option<Writeback>,
    pub network: NetworkConfig,
    pub server: ServerConfig,
    pub site: Site,
    /// The policy; the university's defaults when `None`.
    pub policy: Option<Policy>,
    pub throttle: ThrottleConfig,
    pub countries: latchkey::notify::Countries,
    pub reset: latchkey::domain::proofs::ResetConfig,
    pub registration: RegistrationConfig,
    /// Random images, as in service, in place of the known answer's.
    pub random_challenges: bool,
    pub captcha: latchkey::captcha::pow::CaptchaConfig,
}

pub async fn portal_extras(db: &TestDb, key: &SecretKey, extras: Extras) -> Portal {
    let store = Store::open(&db.url).await.unwrap();
    let hasher = Hasher::new(&HashingConfig {
        memory_kib: 256,
        iterations: 1,
        ..HashingConfig::default()
    })
    .unwrap();
    if store.find_account("ada").await.unwrap().is_none() {
        let ada = NewAccount::parse(
            "ada",
            "ada@example.edu",
            "Ada Lovelace",
            Some("(202) 555-0143"),
        )
        .unwrap();
        let alan = NewAccount::parse("alan", "alan@example.edu", "Alan Turing", None).unwrap();
        let hash = hasher.hash(OLD_PASSWORD).await.unwrap();
        let grace = NewAccount::parse("grace", "grace@example.edu", "Grace Hopper", None).unwrap();
        let accounts = [
            (ada, Some(hash.clone())),
            (alan, Some(hash.clone())),
            (grace, Some(hash)),
        ];
        store.insert_accounts(&accounts, 1).await.unwrap();
        let grace = store.find_account("grace").await.unwrap().unwrap();
        let sealed = totp::seal(key, GRACE_SECRET).unwrap();
        store
            .add_method(grace.id, "totp", &sealed, 1)
            .await
            .unwrap();
    }
    let clock = Arc::new(ManualClock::new(1_800_000_000));
    let state = Core::new(Services {
        store: store.clone(),
        hasher: hasher.clone(),
        policy: extras
            .policy
            .unwrap_or_else(|| Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap()),
        messages: extras
            .messages
            .unwrap_or_else(|| Box::new(Outbox::new(store.clone()))),
        mail: extras
            .mail
            .unwrap_or_else(|| Box::new(Outbox::new(store.clone()))),
        key: key.clone(),
        entropy: Box::new(latchkey::secrets::OsEntropy),
        challenges: match extras.random_challenges {
            true => Box::new(latchkey::captcha::RandomChallenges),
            false => Box::new(KnownChallenges),
        },
        clock: clock.clone(),
        server: extras.server,
        site: extras.site,
        throttle: extras.throttle,
        captcha: extras.captcha,
        countries: extras.countries,
        registration: extras.registration,
        reset: extras.reset,
        writeback: extras.writeback,
        network: extras.network,
    });
    Portal {
        router: router(state.clone()),
        metrics: metrics_router(state.clone()),
        store,
        hasher,
        clock,
        core: state,
    }
}

pub struct Page {
    pub status: StatusCode,
    pub body: String,
}

impl Page {
    pub fn heading(&self) -> String {
        let start = self.body.find("<h1>").map_or(0, |i| i + 4);
        let end = self.body[start..]
            .find("</h1>")
            .map_or(start, |i| start + i);
        self.body[start..end].to_owned()
    }

    fn csrf(&self) -> Option<String> {
        let at = self.body.find("name=\"csrf\" value=\"")? + "name=\"csrf\" value=\"".len();
        Some(self.body[at..at + 64].to_owned())
    }
}

/// A person's browser: its cookies (by name; every path gets them all),
/// the last page's CSRF token.
#[derive(Default)]
pub struct Browser {
    pub cookies: std::collections::BTreeMap<String, String>,
    pub csrf: Option<String>,
    /// The address the server sees the connection come from.
    pub peer: Option<std::net::SocketAddr>,
    /// Sent with every request (`X-Forwarded-For`, …).
    pub headers: Vec<(&'static str, String)>,
    /// Where the last form's answer sent this browser (a 303), if it did.
    pub redirected_to: Option<String>,
}

impl Browser {
    /// A browser whose connection comes from `peer` (`203.0.113.7:443`).
    pub fn from_peer(peer: &str) -> Browser {
        Browser {
            peer: Some(peer.parse().unwrap()),
            ..Browser::default()
        }
    }

    /// Another browser holding this one's cookies and form token: a cookie
    /// an attacker planted in a victim's browser.
    pub fn planted(from: &Browser) -> Browser {
        Browser {
            cookies: from.cookies.clone(),
            csrf: from.csrf.clone(),
            ..Browser::default()
        }
    }

    fn cookie(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            let pairs: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            pairs.join("; ")
        })
    }

    pub async fn get(&mut self, portal: &Portal, path: &str) -> Page {
        let mut request = Request::get(path);
        if let Some(cookie) = self.cookie() {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(portal, request.body(Body::empty()).unwrap())
            .await
    }

    /// A resource's bytes as they come (an image), with this browser's
    /// cookies and address.
    pub async fn get_bytes(&self, portal: &Portal, path: &str) -> Vec<u8> {
        let mut request = Request::get(path);
        if let Some(cookie) = self.cookie() {
            request = request.header(header::COOKIE, cookie);
        }
        let mut request = request.body(Body::empty()).unwrap();
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        let response = portal.router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec()
    }

    /// Posts a form with this browser's CSRF token and follows the redirect.
    pub async fn post(&mut self, portal: &Portal, path: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.csrf.clone().unwrap_or_default();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(portal, path, &all).await
    }

    pub async fn post_raw(&mut self, portal: &Portal, path: &str, fields: &[(&str, &str)]) -> Page {
        self.redirected_to = None;
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(cookie) = self.cookie() {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(portal, request.body(Body::from(body)).unwrap())
            .await
    }

    /// Posts JSON with this browser's cookies, as a script on another site could.
    pub async fn post_json(
        &mut self,
        portal: &Portal,
        path: &str,
        body: &serde_json::Value,
    ) -> Page {
        let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
        if let Some(cookie) = self.cookie() {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(portal, request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    async fn send(&mut self, portal: &Portal, mut request: Request<Body>) -> Page {
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(ConnectInfo(peer));
        }
        for (name, value) in &self.headers {
            request.headers_mut().append(*name, value.parse().unwrap());
        }
        let response = portal.router.clone().oneshot(request).await.unwrap();
        for set in response.headers().get_all(header::SET_COOKIE) {
            let pair = set.to_str().unwrap().split(';').next().unwrap();
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let location = response
            .headers()
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_owned());
        let body =
            String::from_utf8_lossy(&response.into_body().collect().await.unwrap().to_bytes())
                .into_owned();
        if status == StatusCode::SEE_OTHER {
            let location = location.unwrap();
            self.redirected_to = Some(location.clone());
            return Box::pin(self.get(portal, &location)).await;
        }
        let page = Page { status, body };
        if let Some(csrf) = page.csrf() {
            self.csrf = Some(csrf);
        }
        page
    }
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /metrics` where it is served: apart from the portal.
pub async fn scrape(portal: &Portal) -> String {
    let request = Request::get("/metrics").body(Body::empty()).unwrap();
    let response = portal.metrics.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&body).into_owned()
}

/// The code in the newest outbox message.
pub async fn latest_code(store: &Store) -> String {
    let message = store.outbox(1).await.unwrap().remove(0);
    let digits: String = message.body.chars().filter(char::is_ascii_digit).collect();
    digits.chars().take(6).collect()
}

/// Identify, solve the CAPTCHA, ask for a code by `method`.
pub async fn up_to_the_code(
    browser: &mut Browser,
    portal: &Portal,
    who: &str,
    method: &str,
) -> Page {
    assert_eq!(
        browser.get(portal, "/reset").await.heading(),
        "Reset your password"
    );
    let page = browser
        .post(portal, "/reset/identify", &[("identifier", who)])
        .await;
    assert_eq!(page.heading(), "Type the characters you see");
    let page = browser
        .post(
            portal,
            "/reset/captcha",
            &[("answer", &ANSWER.to_lowercase())],
        )
        .await;
    if method == "totp" && page.heading() == "Enter your code" {
        // The app is the account's only way: no choice is asked for.
        return page;
    }
    assert_eq!(
        page.heading(),
        "How should we send your code?",
        "{}",
        page.body
    );
    browser
        .post(portal, "/reset/method", &[("method", method)])
        .await
}

/// A whole reset by text message, to `password`.
pub async fn reset_by_sms(browser: &mut Browser, portal: &Portal, who: &str, password: &str) {
    up_to_the_code(browser, portal, who, "sms").await;
    let code = latest_code(&portal.store).await;
    browser
        .post(portal, "/reset/code", &[("code", &code)])
        .await;
    let page = browser
        .post(
            portal,
            "/reset/password",
            &[("password", password), ("confirm", password)],
        )
        .await;
    assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
}

#[tokio::test]
async fn reset_by_text_message() {
    on_each_backend("portal_sms", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut browser = Browser::default();
        let page = up_to_the_code(&mut browser, &portal, "ada@example.edu", "sms").await;
        assert_eq!(page.heading(), "Enter your code");
        assert!(
            page.body.contains("(•••) •••-0143"),
            "the phone is shown masked"
        );
        assert!(!page.body.contains("0143</") || !page.body.contains("2025550143"));
        let message = portal.store.outbox(1).await.unwrap().remove(0);
        assert_eq!(
            (message.channel.as_str(), message.recipient.as_str()),
            ("sms", "+12025550143")
        );

        let code = latest_code(&portal.store).await;
        let page = browser
            .post(&portal, "/reset/code", &[("code", &code)])
            .await;
        assert_eq!(page.heading(), "Choose a new password", "{}", db.label);
        let page = browser
            .post(
                &portal,
                "/reset/password",
                &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(page.heading(), "Your password is changed", "{}", db.label);
        assert!(
            page.body.contains("VPN"),
            "the done page explains the laptop"
        );

        let ada = portal.store.find_account("ada").await.unwrap().unwrap();
        assert!(
            verify_password(&portal.store, &portal.hasher, &ada, NEW_PASSWORD)
                .await
                .unwrap()
        );
        assert!(
            !verify_password(&portal.store, &portal.hasher, &ada, OLD_PASSWORD)
                .await
                .unwrap()
        );
        // The audit trail has each step and never the code or the password.
        let events = count(&db.url, "audit_events").await;
        assert!(events >= 6, "{}: {events} events", db.label);
        assert_eq!(
            count(
                &db.url,
                &format!("audit_events WHERE detail LIKE '%{code}%' OR action LIKE '%{code}%'")
            )
            .await,
            0
        );
        db
    })
    .await;
}

#[tokio::test]
async fn reset_by_voice_call_reads_the_code_digit_by_digit() {
    let db = TestDb::sqlite("portal_voice");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = up_to_the_code(&mut browser, &portal, "ada", "voice").await;
    assert!(page.body.contains("We called"), "{}", page.body);
    let message = portal.store.outbox(1).await.unwrap().remove(0);
    assert_eq!(message.channel, "voice");
    let code: String = message
        .body
        .chars()
        .filter(char::is_ascii_digit)
        .take(6)
        .collect();
    assert!(
        message.body.contains(
            &code
                .chars()
                .map(String::from)
                .collect::<Vec<_>>()
                .join(", ")
        )
    );
    let page = browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert_eq!(page.heading(), "Choose a new password");
}

#[tokio::test]
async fn two_instances_on_one_database_serve_alternate_steps() {
    on_each_backend("portal_two", |db: TestDb| async move {
        let key = SecretKey::random();
        let (first, second) = (portal(&db, &key).await, portal(&db, &key).await);
        let mut browser = Browser::default();
        browser.get(&first, "/reset").await;
        browser
            .post(&second, "/reset/identify", &[("identifier", "ada")])
            .await;
        browser
            .post(&first, "/reset/captcha", &[("answer", ANSWER)])
            .await;
        browser
            .post(&second, "/reset/method", &[("method", "sms")])
            .await;
        let code = latest_code(&first.store).await;
        browser
            .post(&first, "/reset/code", &[("code", &code)])
            .await;
        let page = browser
            .post(
                &second,
                "/reset/password",
                &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(page.heading(), "Your password is changed", "{}", db.label);
        db
    })
    .await;
}

#[tokio::test]
async fn a_wrong_captcha_draws_a_new_challenge_and_each_challenge_takes_one_answer() {
    let db = TestDb::sqlite("portal_captcha");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    browser
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    let png = browser.get(&portal, "/reset/captcha.png").await;
    assert_eq!(png.status, StatusCode::OK);
    let page = browser
        .post(&portal, "/reset/captcha", &[("answer", "WRONG")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("did not match"), "{}", page.body);
    assert_eq!(page.heading(), "Type the characters you see");
    // The new challenge accepts its answer.
    let page = browser
        .post(&portal, "/reset/captcha", &[("answer", ANSWER)])
        .await;
    assert_eq!(page.heading(), "How should we send your code?");
}

/// An unknown account and one without a method: the same page, the same status.
#[tokio::test]
async fn unknown_and_unregistered_accounts_get_the_same_help_desk_page() {
    let db = TestDb::sqlite("portal_help");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut answers = Vec::new();
    for who in ["alan", "nobody@example.edu"] {
        let mut browser = Browser::default();
        browser.get(&portal, "/reset").await;
        let page = browser
            .post(&portal, "/reset/identify", &[("identifier", who)])
            .await;
        assert_eq!(
            page.heading(),
            "Type the characters you see",
            "{who}: no hint before the CAPTCHA"
        );
        let page = browser
            .post(&portal, "/reset/captcha", &[("answer", ANSWER)])
            .await;
        assert_eq!(
            page.heading(),
            "We cannot reset this password online",
            "{who}"
        );
        assert!(
            page.body
                .contains(&latchkey::config::HelpdeskConfig::default().phone)
        );
        answers.push((
            page.status,
            page.body
                .replace(&browser.csrf.clone().unwrap_or_default(), ""),
        ));
    }
    assert_eq!(answers[0], answers[1]);
}

#[tokio::test]
async fn five_wrong_codes_void_the_code() {
    let db = TestDb::sqlite("portal_wrong5");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let page = browser
            .post(&portal, "/reset/code", &[("code", wrong)])
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        if left > 0 {
            assert!(
                page.body.contains(&format!("try {left} more time")),
                "{left}: {}",
                page.body
            );
        } else {
            assert!(
                !page.body.contains("action=\"/reset/code\"")
                    && page.body.contains("Get a new code"),
                "a spent code gets no box to type in: {}",
                page.body
            );
        }
    }
    // The right code no longer works: it is void, and a new one must be sent.
    let page = browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert!(page.body.contains("can no longer be used"), "{}", page.body);
    assert_eq!(page.heading(), "How should we send your code?");
}

#[tokio::test]
async fn the_tries_told_count_down_to_this_addresss_pause_and_the_owner_goes_on() {
    let db = TestDb::sqlite("portal_tries_to_lock");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let wrong_code = async |browser: &mut Browser| {
        let code = latest_code(&portal.store).await;
        let wrong = if code == "000000" { "111111" } else { "000000" };
        browser
            .post(&portal, "/reset/code", &[("code", wrong)])
            .await
    };
    // 5 wrong on the first code, 2 on a second: 7 of the 8 one address may
    // type, so one try is left, not the second code's three.
    let from_here = ThrottleConfig::default().code_failures_per_source;
    for wrongs in [5, from_here - 6] {
        let mut page = None;
        for _ in 0..wrongs {
            page = Some(wrong_code(&mut browser).await);
        }
        if wrongs < 5 {
            let page = page.unwrap();
            assert!(page.body.contains("try 1 more time."), "{}", page.body);
            break;
        }
        browser.post(&portal, "/reset/method-again", &[]).await;
        let page = browser
            .post(&portal, "/reset/method", &[("method", "sms")])
            .await;
        assert_eq!(page.heading(), "Enter your code", "{}", page.body);
    }
    // The eighth pauses this address: even the right code is not tried.
    let page = wrong_code(&mut browser).await;
    assert!(page.body.contains("from this network"), "{}", page.body);
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert!(page.body.contains("from this network"), "{}", page.body);
    // A stranger's guesses from one address do not lock the owner out.
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(ada.locked_until, None);
    let mut owner = Browser {
        peer: Some("198.51.100.7:443".parse().unwrap()),
        ..Browser::default()
    };
    // (reset_by_sms asserts the done page.)
    reset_by_sms(&mut owner, &portal, "ada", NEW_PASSWORD).await;
}

#[tokio::test]
async fn new_captcha_characters_can_be_asked_for_and_count_against_the_address() {
    let db = TestDb::sqlite("portal_captcha_new");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    let page = browser
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    assert!(
        page.body.contains("action=\"/reset/captcha/new\""),
        "{}",
        page.body
    );
    let page = browser.post(&portal, "/reset/captcha/new", &[]).await;
    assert_eq!(page.heading(), "Type the characters you see");
    assert_eq!(
        count(
            &db.url,
            "audit_events WHERE action = 'reset.captcha_renewed'"
        )
        .await,
        1
    );
    // Asking again and again is throttled like wrong answers.
    let limit = ThrottleConfig::default().captcha_failures_per_address;
    let mut last = page;
    for _ in 1..=limit {
        last = browser.post(&portal, "/reset/captcha/new", &[]).await;
    }
    assert_eq!(last.status, StatusCode::TOO_MANY_REQUESTS, "{}", last.body);
}

/// One ordinary IPv6 allocation holds 2^64 addresses: the per-address
/// limits count the /64, or any such client escapes every one of them.
#[tokio::test]
async fn every_address_of_one_ipv6_network_counts_as_one_address() {
    let db = TestDb::sqlite("portal_ipv6");
    let extras = Extras {
        throttle: ThrottleConfig {
            resets_per_address: 5,
            ..ThrottleConfig::default()
        },
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    let from = |peer: &str| Browser {
        peer: Some(peer.parse().unwrap()),
        ..Browser::default()
    };
    // A reset begins when the first page's form comes back.
    async fn begin(portal: &Portal, mut browser: Browser) -> StatusCode {
        assert_eq!(browser.get(portal, "/reset").await.status, StatusCode::OK);
        let fields = [("identifier", "ada")];
        browser
            .post(portal, "/reset/identify", &fields)
            .await
            .status
    }
    let mut refused = 0;
    for host in 1..=12 {
        let browser = from(&format!("[2001:db8:1:2::{host:x}]:443"));
        if begin(&portal, browser).await == StatusCode::TOO_MANY_REQUESTS {
            refused += 1;
        }
    }
    assert_eq!(
        refused, 7,
        "twelve addresses of one /64, five resets allowed"
    );
    // The next /64 is someone else; IPv4 still counts per address.
    let neighbour = from("[2001:db8:1:3::1]:443");
    assert_eq!(begin(&portal, neighbour).await, StatusCode::OK);
    for host in 1..=6 {
        let browser = from(&format!("203.0.113.{host}:443"));
        assert_eq!(begin(&portal, browser).await, StatusCode::OK);
    }
}

/// The first page is every visitor's, bots' and probes' too: showing it
/// stores nothing and counts nothing, so a flood of views cannot fill the
/// database or slow the views of others. The reset begins with its form,
/// once, and only with the form token that page was given.
#[tokio::test]
async fn the_first_page_stores_nothing_until_its_form_comes_back() {
    on_each_backend("portal_opening", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut browser = Browser::default();
        for _ in 0..3 {
            let page = browser.get(&portal, "/reset").await;
            assert_eq!(page.heading(), "Reset your password", "{}", db.label);
        }
        assert_eq!(count(&db.url, "reset_sessions").await, 0, "{}", db.label);
        assert_eq!(count(&db.url, "throttle_hits").await, 0, "{}", db.label);
        // Another page's form token does not begin this page's reset.
        let mut other = Browser::default();
        other.get(&portal, "/reset").await;
        let planted = browser.csrf.replace(other.csrf.clone().unwrap());
        let fields = [("identifier", "ada")];
        let page = browser.post(&portal, "/reset/identify", &fields).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", db.label);
        assert_eq!(count(&db.url, "reset_sessions").await, 0, "{}", db.label);
        // Its own does, once: the form sent again finds the reset moved on.
        browser.csrf = planted;
        let page = browser.post(&portal, "/reset/identify", &fields).await;
        assert_eq!(
            page.heading(),
            "Type the characters you see",
            "{}",
            db.label
        );
        assert_eq!(count(&db.url, "reset_sessions").await, 1, "{}", db.label);
        let hits = "throttle_hits WHERE key LIKE 'reset:address:%'";
        assert_eq!(count(&db.url, hits).await, 1, "{}", db.label);
        let page = browser.post(&portal, "/reset/identify", &fields).await;
        assert_eq!(
            page.heading(),
            "Type the characters you see",
            "{}",
            db.label
        );
        assert_eq!(count(&db.url, "reset_sessions").await, 1, "{}", db.label);
        db
    })
    .await;
}

#[tokio::test]
async fn a_planted_reset_cookie_opens_nothing_once_the_code_is_accepted() {
    on_each_backend("portal_fixation", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut attacker = Browser::default();
        attacker.get(&portal, "/reset").await;
        // The victim's browser carries the attacker's cookie, and the victim
        // proves who they are with it.
        let mut victim = Browser::planted(&attacker);
        let page = up_to_the_code(&mut victim, &portal, "ada", "sms").await;
        assert_eq!(page.heading(), "Enter your code");
        let code = latest_code(&portal.store).await;
        let page = victim
            .post(&portal, "/reset/code", &[("code", &code)])
            .await;
        assert_eq!(page.heading(), "Choose a new password", "{}", db.label);
        // The attacker's copy of the old cookie and form token: dead.
        let page = attacker
            .post(
                &portal,
                "/reset/password",
                &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", db.label);
        let ada = portal.store.find_account("ada").await.unwrap().unwrap();
        assert!(
            verify_password(&portal.store, &portal.hasher, &ada, OLD_PASSWORD)
                .await
                .unwrap()
        );
        // The victim goes on under the new one.
        let page = victim
            .post(
                &portal,
                "/reset/password",
                &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(page.heading(), "Your password is changed", "{}", db.label);
        db
    })
    .await;
}

#[tokio::test]
async fn an_expired_code_is_refused() {
    let db = TestDb::sqlite("portal_expired");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    portal.clock.advance(10 * 60 + 1);
    let page = browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert!(page.body.contains("can no longer be used"), "{}", page.body);
}

#[tokio::test]
async fn a_used_code_cannot_be_replayed() {
    let db = TestDb::sqlite("portal_replay");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    let csrf = browser.csrf.clone().unwrap();
    assert_eq!(
        browser
            .post(&portal, "/reset/code", &[("code", &code)])
            .await
            .heading(),
        "Choose a new password"
    );
    // The same form again (a replay): the session has moved on; nothing is accepted twice.
    let page = browser
        .post_raw(&portal, "/reset/code", &[("csrf", &csrf), ("code", &code)])
        .await;
    assert_eq!(page.heading(), "Choose a new password");
    // A new reset in another browser cannot use the old code.
    let mut other = Browser::default();
    up_to_the_code(&mut other, &portal, "ada", "sms").await;
    let fresh = latest_code(&portal.store).await;
    if fresh != code {
        let page = other.post(&portal, "/reset/code", &[("code", &code)]).await;
        assert!(page.body.contains("not right"), "{}", page.body);
    }
}

#[tokio::test]
async fn policy_and_history_refusals_say_which_rules() {
    let db = TestDb::sqlite("portal_policy");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let code = latest_code(&portal.store).await;
    browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;

    let page = browser
        .post(
            &portal,
            "/reset/password",
            &[("password", "password"), ("confirm", "password")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Contains the common word &#39;password&#39;."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Add an upper-case letter"),
        "{}",
        page.body
    );
    assert!(page.body.contains("(not met)"));
    // Every rule says how the refused try fared: broken and kept alike.
    assert!(
        page.body
            .contains("data-rule=\"uppercase\" class=\"unmet\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("data-rule=\"lowercase\" class=\"met\""),
        "{}",
        page.body
    );

    let page = browser
        .post(
            &portal,
            "/reset/password",
            &[("password", OLD_PASSWORD), ("confirm", OLD_PASSWORD)],
        )
        .await;
    assert!(page.body.contains("last 24 passwords"), "{}", page.body);

    let page = browser
        .post(
            &portal,
            "/reset/password",
            &[("password", NEW_PASSWORD), ("confirm", "different")],
        )
        .await;
    assert!(page.body.contains("not the same"), "{}", page.body);
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert!(
        verify_password(&portal.store, &portal.hasher, &ada, OLD_PASSWORD)
            .await
            .unwrap(),
        "nothing changed"
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_change_nothing() {
    let db = TestDb::sqlite("portal_csrf");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    let page = browser
        .post_raw(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    let page = browser
        .post_raw(
            &portal,
            "/reset/identify",
            &[("csrf", "0"), ("identifier", "ada")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    // Without a cookie, a token from another session is worth nothing either.
    let csrf = browser.csrf.clone().unwrap();
    let mut stranger = Browser::default();
    let page = stranger
        .post_raw(
            &portal,
            "/reset/identify",
            &[("csrf", &csrf), ("identifier", "ada")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(
        browser.get(&portal, "/reset").await.heading(),
        "Reset your password",
        "still at the first step"
    );
}

#[tokio::test]
async fn the_demo_phone_shows_the_outbox_newest_first_and_only_in_the_demo() {
    let db = TestDb::sqlite("portal_demo_phone");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let page = browser.get(&portal, "/demo/phone").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "not outside the demo");
    let page = browser.get(&portal, "/reset").await;
    assert!(!page.body.contains("demo-banner"));

    let db = TestDb::sqlite("portal_demo_phone_on");
    let extras = Extras {
        site: Site::new(Default::default(), Default::default(), true),
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    let mut browser = Browser::default();
    let page = browser.get(&portal, "/reset").await;
    assert!(
        page.body.contains("href=\"/demo/phone\""),
        "the banner links it"
    );
    let page = browser.get(&portal, "/demo/phone").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Nothing has arrived yet."));
    for (n, to) in [(1, "+12025550101"), (2, "+12025550102")] {
        let message = latchkey::notify::code_message(
            latchkey::notify::Channel::Sms,
            to,
            &format!("00000{n}"),
            10,
            latchkey::notify::CodeUse::Reset,
            ("University", latchkey::i18n::Lang::En),
        );
        portal
            .store
            .append_outbox(&message, 1_800_000_000)
            .await
            .unwrap();
    }
    let page = browser.get(&portal, "/demo/phone").await;
    let (first, second) = (
        page.body.find("000002").unwrap(),
        page.body.find("000001").unwrap(),
    );
    assert!(first < second, "newest first");
    assert!(page.body.contains("Text to +12025550102"));
}

#[tokio::test]
async fn every_page_wears_the_universitys_name_logo_and_colour() {
    use latchkey::site::{BrandingConfig, SupportLink};
    let dir = crate::support::TempDir::new("branding");
    let logo = dir.0.join("crest.svg");
    std::fs::write(&logo, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let branding = BrandingConfig {
        name: "Riverside University".into(),
        logo_file: Some(logo),
        primary_color: "#006633".into(),
        support_links: vec![SupportLink {
            label: "IT status".into(),
            url: "https://status.riverside.example".into(),
        }],
    };
    let site = Site::new(Default::default(), branding, false)
        .with_logo()
        .unwrap();
    let db = TestDb::sqlite("portal_branding");
    let extras = Extras {
        site,
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    let mut browser = Browser::default();
    for path in ["/reset", "/signin", "/helpdesk"] {
        let page = browser.get(&portal, path).await;
        assert!(
            page.body.contains("Riverside University password service"),
            "{path}"
        );
        assert!(page.body.contains("href=\"/static/brand.css\""), "{path}");
    }
    let page = browser.get(&portal, "/reset").await;
    assert!(page.body.contains("src=\"/static/logo\""));
    assert!(
        page.body
            .contains("href=\"https://status.riverside.example\"")
    );
    // The help desk is dialled in international form.
    assert!(
        page.body.contains("href=\"tel:+15550104357\""),
        "{}",
        page.body
    );
    let css = browser.get(&portal, "/static/brand.css").await;
    assert!(css.body.contains("--brand: #006633"), "{}", css.body);
    let logo = browser.get(&portal, "/static/logo").await;
    assert_eq!(logo.status, StatusCode::OK);
    assert!(logo.body.starts_with("<svg"));
    // A text with a code carries the name too.
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    let text = portal.store.outbox(1).await.unwrap().remove(0);
    assert!(
        text.body
            .starts_with("Your Riverside University password reset code"),
        "{}",
        text.body
    );
}

#[tokio::test]
async fn behind_a_tls_proxy_pages_carry_hsts() {
    let db = TestDb::sqlite("portal_hsts");
    let extras = Extras {
        server: ServerConfig {
            public_url: "https://password.example.edu".into(),
            ..ServerConfig::default()
        },
        ..Extras::default()
    };
    let portal = portal_extras(&db, &SecretKey::random(), extras).await;
    let response = portal
        .router
        .clone()
        .oneshot(Request::get("/reset").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY],
        "max-age=31536000; includeSubDomains"
    );
    // Behind TLS, session cookies are `__Host-` and `Secure`, even with
    // `secure_cookies` left off: and the flow goes on with them.
    let cookie = response.headers()[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("__Host-latchkey_reset="), "{cookie}");
    assert!(
        cookie.contains("; Path=/;") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
    let mut browser = Browser::default();
    let page = up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    assert_eq!(page.heading(), "Enter your code");
    // A plain-named cookie (one a neighbouring host could write) counts for nothing.
    let mut planted = Browser::default();
    planted.get(&portal, "/reset").await;
    let token = planted.cookies.remove("__Host-latchkey_reset").unwrap();
    planted.cookies.insert("latchkey_reset".into(), token);
    let page = planted
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn pages_carry_the_security_headers_and_a_strict_cookie() {
    let db = TestDb::sqlite("portal_headers");
    let portal = portal(&db, &SecretKey::random()).await;
    let response = portal
        .router
        .clone()
        .oneshot(Request::get("/reset").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let headers = response.headers();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(
        !headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "plain HTTP: no HSTS"
    );
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let body = String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        !body.contains("<script>") && !body.contains("style="),
        "no inline script or style"
    );
}

#[tokio::test]
async fn reset_with_an_authenticator_app() {
    on_each_backend("portal_totp", |db: TestDb| async move {
        let portal = portal(&db, &SecretKey::random()).await;
        let mut browser = Browser::default();
        let page = up_to_the_code(&mut browser, &portal, "grace", "totp").await;
        assert_eq!(page.heading(), "Enter your code", "no choice of one way");
        assert!(page.body.contains("authenticator app"), "{}", page.body);
        assert!(
            page.body.contains("changes every 30 seconds") && !page.body.contains("10 minutes"),
            "an app's code is not valid for minutes: {}",
            page.body
        );
        assert_eq!(
            count(&db.url, "outbox").await,
            0,
            "nothing is sent for an app"
        );
        let code = totp::code_at(GRACE_SECRET, portal.clock.now()).unwrap();
        let page = browser
            .post(&portal, "/reset/code", &[("code", &code)])
            .await;
        assert_eq!(page.heading(), "Choose a new password", "{}", db.label);
        let page = browser
            .post(
                &portal,
                "/reset/password",
                &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
            )
            .await;
        assert_eq!(page.heading(), "Your password is changed", "{}", db.label);
        db
    })
    .await;
}

#[tokio::test]
async fn an_authenticator_code_is_accepted_once_and_only_near_its_time() {
    let db = TestDb::sqlite("portal_totp_replay");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "grace", "totp").await;
    // Two steps old: outside the one step of drift allowed.
    let stale = totp::code_at(GRACE_SECRET, portal.clock.now() - 2 * totp::STEP_SECONDS).unwrap();
    let page = browser
        .post(&portal, "/reset/code", &[("code", &stale)])
        .await;
    assert!(page.body.contains("not right"), "{}", page.body);
    // One step behind (a slow phone clock) is fine.
    let code = totp::code_at(GRACE_SECRET, portal.clock.now() - totp::STEP_SECONDS).unwrap();
    assert_eq!(
        browser
            .post(&portal, "/reset/code", &[("code", &code)])
            .await
            .heading(),
        "Choose a new password"
    );

    // The same code in a second reset, within its time step: refused.
    let mut again = Browser::default();
    up_to_the_code(&mut again, &portal, "grace", "totp").await;
    let page = again.post(&portal, "/reset/code", &[("code", &code)]).await;
    assert!(page.body.contains("used already"), "{}", page.body);
    assert_eq!(page.heading(), "Enter your code");
    // The next step's code works.
    portal.clock.advance(totp::STEP_SECONDS);
    let next = totp::code_at(GRACE_SECRET, portal.clock.now()).unwrap();
    assert_eq!(
        again
            .post(&portal, "/reset/code", &[("code", &next)])
            .await
            .heading(),
        "Choose a new password"
    );
}

#[tokio::test]
async fn one_address_may_start_only_so_many_resets() {
    let db = TestDb::sqlite("portal_starts");
    let portal = portal(&db, &SecretKey::random()).await;
    let limit = ThrottleConfig::default().starts_per_address;
    for i in 0..=limit {
        let mut browser = Browser::default();
        browser.get(&portal, "/reset").await;
        let page = browser
            .post(&portal, "/reset/identify", &[("identifier", "ada")])
            .await;
        let expected = if i < limit {
            StatusCode::OK
        } else {
            StatusCode::TOO_MANY_REQUESTS
        };
        assert_eq!(page.status, expected, "start {i}");
    }
    // The window passes; starting works again.
    portal.clock.advance(600);
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    assert_eq!(
        browser
            .post(&portal, "/reset/identify", &[("identifier", "ada")])
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn codes_sent_to_one_account_are_limited() {
    let db = TestDb::sqlite("portal_sends");
    let portal = portal(&db, &SecretKey::random()).await;
    let limit = ThrottleConfig::default().codes_per_account;
    for i in 0..=limit {
        // Each from its own address: one address alone has a smaller share.
        let mut browser = Browser::from_peer(&format!("203.0.113.{i}:443"));
        let page = up_to_the_code(&mut browser, &portal, "ada", "sms").await;
        if i < limit {
            assert_eq!(page.heading(), "Enter your code", "send {i}");
        } else {
            assert!(
                page.body.contains("several codes"),
                "send {i}: {}",
                page.body
            );
        }
    }
    assert_eq!(count(&db.url, "outbox").await, limit);
}

#[tokio::test]
async fn repeated_wrong_codes_lock_online_reset_but_not_sign_in() {
    let db = TestDb::sqlite("portal_lock");
    let portal = portal(&db, &SecretKey::random()).await;
    let lock_after = ThrottleConfig::default().code_failures_before_lock;
    let mut failures = 0;
    let mut last = None;
    // Wrong codes spread over several sessions (each code allows 5 tries)
    // and several addresses: one address alone only pauses itself.
    while failures < lock_after {
        let mut browser = Browser {
            peer: Some(format!("203.0.113.{}:443", failures / 4).parse().unwrap()),
            ..Browser::default()
        };
        up_to_the_code(&mut browser, &portal, "grace", "totp").await;
        for _ in 0..4 {
            if failures == lock_after {
                break;
            }
            last = Some(
                browser
                    .post(&portal, "/reset/code", &[("code", "000000")])
                    .await,
            );
            failures += 1;
        }
    }
    let page = last.unwrap();
    // Past the code step the account is no secret to this person: the truth,
    // and when to try again.
    assert_eq!(
        page.heading(),
        "Online reset is paused for this account",
        "{}",
        page.body
    );
    let grace = portal.store.find_account("grace").await.unwrap().unwrap();
    assert!(grace.locked_until.unwrap() > portal.clock.now());
    let until = Site::default().clock_time(
        latchkey::i18n::Lang::En,
        grace.locked_until.unwrap(),
        portal.clock.now(),
    );
    assert!(
        !page.body.contains("UTC"),
        "the campus's clock: {}",
        page.body
    );
    assert!(page.body.contains(&until), "{until}: {}", page.body);
    assert!(page.body.contains("still sign in"), "{}", page.body);
    // A new attempt, with the right code even, ends at the help desk page.
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    browser
        .post(&portal, "/reset/identify", &[("identifier", "grace")])
        .await;
    let page = browser
        .post(&portal, "/reset/captcha", &[("answer", ANSWER)])
        .await;
    assert_eq!(page.heading(), "We cannot reset this password online");
    // Signing in with the password she knows still works.
    assert!(
        verify_password(&portal.store, &portal.hasher, &grace, OLD_PASSWORD)
            .await
            .unwrap()
    );
    // The lock ends by itself.
    portal
        .clock
        .advance(ThrottleConfig::default().lock_minutes * 60 + 1);
    let mut browser = Browser::default();
    let page = up_to_the_code(&mut browser, &portal, "grace", "totp").await;
    assert_eq!(page.heading(), "Enter your code");
}

#[tokio::test]
async fn strangers_who_guess_at_the_texted_codes_leave_the_owner_her_app() {
    let db = TestDb::sqlite("portal_other_way");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    // Ada has a phone and, here, an authenticator app as well.
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let sealed = totp::seal(&key, GRACE_SECRET).unwrap();
    portal
        .store
        .add_method(ada.id, "totp", &sealed, 1)
        .await
        .unwrap();
    let lock_after = ThrottleConfig::default().code_failures_before_lock;
    let (mut failures, mut last) = (0, None);
    while failures < lock_after {
        let mut stranger = Browser::from_peer(&format!("203.0.113.{}:443", failures / 4));
        up_to_the_code(&mut stranger, &portal, "ada", "sms").await;
        for _ in 0..4.min(lock_after - failures) {
            let page = stranger
                .post(&portal, "/reset/code", &[("code", "000000")])
                .await;
            last = Some(page);
            failures += 1;
        }
    }
    // The texts pause; the app is offered in their place.
    let page = last.unwrap();
    assert_eq!(
        page.heading(),
        "How should we send your code?",
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Too many wrong codes were typed for this way")
            && page.body.contains("authenticator app")
            && !page.body.contains("Text a code"),
        "{}",
        page.body
    );
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(ada.locked_until, None, "the account is not locked");
    assert_eq!(
        count(
            &db.url,
            "audit_events WHERE action = 'reset.method_paused:sms'"
        )
        .await,
        1
    );

    // The owner resets with her app, from anywhere.
    let mut owner = Browser::from_peer("198.51.100.7:443");
    let page = up_to_the_code(&mut owner, &portal, "ada", "totp").await;
    assert_eq!(page.heading(), "Enter your code", "the app, straight away");
    let code = totp::code_at(GRACE_SECRET, portal.clock.now()).unwrap();
    let page = owner.post(&portal, "/reset/code", &[("code", &code)]).await;
    assert_eq!(page.heading(), "Choose a new password", "{}", page.body);
}

/// The audio version fell to a template matcher; the proof of work on the
/// first page replaced it. A page without it says where to turn.
#[tokio::test]
async fn the_image_has_no_audio_version_and_says_what_serves_instead() {
    let db = TestDb::sqlite("portal_audio");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    let first = browser.get(&portal, "/reset").await;
    assert!(
        first.body.contains("data-pow="),
        "the first page offers the proof of work"
    );
    assert!(first.body.contains("/static/pow.js"));
    let page = browser
        .post(&portal, "/reset/identify", &[("identifier", "ada")])
        .await;
    assert_eq!(page.heading(), "Type the characters you see");
    assert!(!page.body.contains(".wav"), "no audio is offered");
    assert!(page.body.contains("With JavaScript on"), "{}", page.body);
    assert!(
        page.body.contains("(555) 010-4357"),
        "the help desk's number"
    );
    assert_eq!(
        browser.get(&portal, "/reset/captcha.wav").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_live_checklist_asks_the_same_engine() {
    let db = TestDb::sqlite("portal_live");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    // Not yet at the password step: no answers.
    let early = browser
        .post(&portal, "/reset/password/check", &[("password", "x")])
        .await;
    assert_eq!(early.status, StatusCode::FORBIDDEN);
    let code = latest_code(&portal.store).await;
    let page = browser
        .post(&portal, "/reset/code", &[("code", &code)])
        .await;
    assert!(page.body.contains("/static/checklist.js"));
    assert!(page.body.contains("data-rule=\"dictionary_word\""));

    let weak = browser
        .post(
            &portal,
            "/reset/password/check",
            &[("password", "Lovelace#1"), ("confirm", "")],
        )
        .await;
    let verdict: serde_json::Value = serde_json::from_str(&weak.body).unwrap();
    assert_eq!(verdict["accepted"], false);
    let met = |rule: &str| {
        verdict["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rule"] == rule)
            .unwrap()["met"]
            .clone()
    };
    assert_eq!(met("contains_name"), false, "{verdict}");
    assert_eq!(met("min_length"), true);
    assert_eq!(
        met("history"),
        serde_json::Value::Null,
        "history is checked on submission"
    );

    let good = browser
        .post(
            &portal,
            "/reset/password/check",
            &[("password", NEW_PASSWORD), ("confirm", NEW_PASSWORD)],
        )
        .await;
    let verdict: serde_json::Value = serde_json::from_str(&good.body).unwrap();
    assert_eq!(
        (verdict["accepted"].clone(), verdict["confirmed"].clone()),
        (true.into(), true.into())
    );
    // Checking changes nothing, and needs the session's token.
    assert_eq!(
        browser.get(&portal, "/reset").await.heading(),
        "Choose a new password"
    );
    let forged = browser
        .post_raw(
            &portal,
            "/reset/password/check",
            &[("password", NEW_PASSWORD)],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let script = browser.get(&portal, "/static/checklist.js").await;
    assert!(script.body.contains("fetch(form.dataset.check"));
}

#[tokio::test]
async fn a_person_can_start_over_from_the_help_and_done_pages() {
    let db = TestDb::sqlite("portal_restart");
    let portal = portal(&db, &SecretKey::random()).await;
    let mut browser = Browser::default();
    browser.get(&portal, "/reset").await;
    browser
        .post(&portal, "/reset/identify", &[("identifier", "alan")])
        .await;
    let page = browser
        .post(&portal, "/reset/captcha", &[("answer", ANSWER)])
        .await;
    assert_eq!(page.heading(), "We cannot reset this password online");
    assert!(page.body.contains("action=\"/reset/start\""));
    // Without the session's token (another site's form): refused, nothing changes.
    let forged = browser.post_raw(&portal, "/reset/start", &[]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert_eq!(
        browser.get(&portal, "/reset").await.heading(),
        "We cannot reset this password online"
    );
    // With it: a new reset, for someone else this time.
    let page = browser.post(&portal, "/reset/start", &[]).await;
    assert_eq!(page.heading(), "Reset your password");
    let page = up_to_the_code(&mut browser, &portal, "ada", "sms").await;
    assert_eq!(page.heading(), "Enter your code");
    // No session at all: starting is always allowed.
    assert_eq!(
        Browser::default()
            .post_raw(&portal, "/reset/start", &[])
            .await
            .heading(),
        "Reset your password"
    );
}

/// Two instances on one database: the limits are the database's, so an
/// address that spreads its tries over both is stopped all the same, and
/// wrong codes entered at either instance lock the account's online reset.
#[tokio::test]
async fn throttles_and_lockouts_hold_across_two_instances() {
    on_each_backend("portal_two_throttles", |db: TestDb| async move {
        let key = SecretKey::random();
        let instances = [portal(&db, &key).await, portal(&db, &key).await];
        let peer: std::net::SocketAddr = "198.51.100.7:40000".parse().unwrap();
        let limit = ThrottleConfig::default().starts_per_address;
        for i in 0..=limit {
            let instance = &instances[usize::try_from(i).unwrap() % 2];
            let mut browser = Browser {
                peer: Some(peer),
                ..Browser::default()
            };
            browser.get(instance, "/reset").await;
            let page = browser
                .post(instance, "/reset/identify", &[("identifier", "ada")])
                .await;
            let expected = if i < limit {
                StatusCode::OK
            } else {
                StatusCode::TOO_MANY_REQUESTS
            };
            assert_eq!(page.status, expected, "start {i} on {}", db.label);
        }

        // Those thirty resets, left unfinished, raised the proof of work's
        // cost for everyone (issue 42); they age out of its window first.
        let window = latchkey::captcha::pow::CaptchaConfig::default().service_window_minutes;
        for instance in &instances {
            instance.clock.advance(window * 60 + 1);
        }
        // Wrong codes, each try at the other instance, until this address
        // is paused at the account; then both instances refuse it.
        let failures = ThrottleConfig::default().code_failures_per_source;
        let mut browser = Browser::default();
        up_to_the_code(&mut browser, &instances[0], "ada", "sms").await;
        let mut locked = false;
        for attempt in 0..2 * failures {
            let instance = &instances[usize::try_from(attempt).unwrap() % 2];
            let page = browser
                .post(instance, "/reset/code", &[("code", "000000")])
                .await;
            if page.body.contains("from this network") {
                locked = true;
                for instance in &instances {
                    let page = browser
                        .post(instance, "/reset/code", &[("code", "000000")])
                        .await;
                    assert!(page.body.contains("from this network"), "{}", page.body);
                }
                break;
            }
            // The code is void after its tries: a new one, at the other instance.
            if page.heading() == "How should we send your code?" {
                let other = &instances[usize::try_from(attempt + 1).unwrap() % 2];
                browser
                    .post(other, "/reset/method", &[("method", "sms")])
                    .await;
            }
        }
        assert!(locked, "{}", db.label);
        let ada = instances[1]
            .store
            .find_account("ada")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            ada.locked_until, None,
            "one address does not lock the account"
        );
        db
    })
    .await;
}
