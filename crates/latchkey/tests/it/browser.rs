//! A person in headless Chromium: scripts in `tests/browser` drive Debian's
//! Chromium (playwright-core) against the real router on a loopback port,
//! screenshot each step and run axe-core on each page. In CI a missing browser fails the test; elsewhere it is
//! skipped with a note (`scripts/test` installs everything).

use std::path::PathBuf;

use axum::Router;
use axum::routing::{get, post};
use latchkey::clock::Clock;
use latchkey::secrets::SecretKey;

use crate::portal::{ANSWER, Portal, latest_code, portal};
use crate::support::TestDb;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether Chromium, Node and the npm packages are here.
fn browser_tools_present() -> bool {
    let present = std::path::Path::new("/usr/bin/chromium").exists()
        && workspace()
            .join("tests/browser/node_modules/playwright-core")
            .exists()
        && std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !present {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install chromium, node and tests/browser's npm packages"
        );
        eprintln!(
            "browser test skipped: run scripts/test to install Chromium and the npm packages"
        );
    }
    present
}

/// Serves the portal on a loopback port, with the test-only routes a
/// person's devices stand in for: the phone (`/test/latest-code`) and the
/// clock their authenticator app reads (`/test/now`, and `/test/advance`
/// to the next 30-second step).
async fn serve(portal: &Portal) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    serve_on(portal, listener).await;
    base
}

/// [`serve`] on a listener bound already (to know the address first).
async fn serve_on(portal: &Portal, listener: tokio::net::TcpListener) {
    let (store, links) = (portal.store.clone(), portal.store.clone());
    let (now, advance) = (portal.clock.clone(), portal.clock.clone());
    let later = portal.clock.clone();
    let test_routes = Router::new()
        .route(
            "/test/latest-code",
            get(move || {
                let store = store.clone();
                async move { latest_code(&store).await }
            }),
        )
        .route(
            "/test/latest-report-link",
            get(move || {
                let store = links.clone();
                async move { crate::report::newest_report_link(&store).await }
            }),
        )
        .route(
            "/test/now",
            get(move || async move { now.now().to_string() }),
        )
        .route(
            "/test/advance-days/{days}",
            post(
                move |axum::extract::Path(days): axum::extract::Path<i64>| async move {
                    later.advance(days * 86_400);
                    "ok"
                },
            ),
        )
        .route(
            "/test/advance",
            post(move || async move {
                advance.advance(30);
                "ok"
            }),
        );
    let app = portal.router.clone().merge(test_routes);
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });
}

/// Runs `tests/browser/SCRIPT BASE ANSWER SCREENSHOTS`; its standard output.
async fn run_script(script: &str, base: &str, shots: &str) -> String {
    run_script_with(script, base, shots, &[]).await
}

/// The same, with more arguments after the screenshot folder.
async fn run_script_with(script: &str, base: &str, shots: &str, more: &[&str]) -> String {
    let screenshots = workspace().join("tests/browser/screenshots").join(shots);
    let output = tokio::process::Command::new("node")
        .arg(format!("tests/browser/{script}"))
        .args([base, ANSWER, &screenshots.to_string_lossy()])
        .args(more)
        .current_dir(workspace())
        .output()
        .await
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(
        output.status.success(),
        "the browser run failed:\n{stdout}\n{stderr}"
    );
    stdout.into_owned()
}

/// Kim, an agent of the help desk: her password and her authenticator's
/// key in base32, as the scripts type them.
async fn agent_kim(portal: &Portal, key: &SecretKey) -> (&'static str, String) {
    staff_kim(portal, key, latchkey::store::Role::Agent).await
}

/// Kim in `role`, as [`agent_kim`].
async fn staff_kim(
    portal: &Portal,
    key: &SecretKey,
    role: latchkey::store::Role,
) -> (&'static str, String) {
    let (password, secret) = ("Desk#shift-42x", latchkey::totp::new_secret());
    let hash = portal.hasher.hash(password).await.unwrap();
    let sealed = latchkey::totp::seal(key, &secret).unwrap();
    (portal.store)
        .insert_staff("kim", role, &hash, &sealed, "test", 1)
        .await
        .unwrap();
    (password, latchkey::totp::base32(&secret))
}

fn assert_screenshots(shots: &str, steps: &[&str]) {
    let dir = workspace().join("tests/browser/screenshots").join(shots);
    for step in steps {
        assert!(
            dir.join(format!("{step}.png")).exists(),
            "screenshot {step}"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_who_cannot_use_the_image_resets_by_proof_of_work_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser_pow");
    // Any reset in flight raises the cost: the second reset, through the
    // image, needs the proof of work beside it.
    let extras = crate::portal::Extras {
        captcha: latchkey::captcha::pow::CaptchaConfig {
            service_rise_every: 1,
            ..Default::default()
        },
        ..Default::default()
    };
    let portal = crate::portal::portal_extras(&db, &SecretKey::random(), extras).await;
    let base = serve(&portal).await;
    let stdout = run_script("pow.mjs", &base, "pow").await;
    assert!(stdout.contains("completed in Chromium"), "{stdout}");
    // The solving times, for docs/performance.md.
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("proof of work found"))
    {
        eprintln!("{line}");
    }
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let trail = portal.store.events_of(ada.id, 20).await.unwrap();
    assert!(
        trail.iter().any(|e| e.action == "reset.pow_passed"),
        "the proof of work passed the step"
    );
    let passed = |action: &str| trail.iter().filter(|e| e.action == action).count();
    assert_eq!(
        passed("reset.pow_passed"),
        1,
        "the first reset by the proof alone"
    );
    assert_eq!(
        passed("reset.captcha_passed"),
        1,
        "the second by the image with the proof beside it"
    );
    assert_eq!(passed("reset.captcha_failed"), 0, "{trail:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_resets_by_text_message_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser");
    let portal = portal(&db, &SecretKey::random()).await;
    let base = serve(&portal).await;
    let stdout = run_script("reset.mjs", &base, "reset").await;
    assert!(stdout.contains("completed in Chromium"), "{stdout}");
    assert_screenshots(
        "reset",
        &[
            "01-identify",
            "02-captcha",
            "03-method",
            "04-code",
            "05-password",
            "06-password-live",
            "07-done",
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_newcomer_finishes_the_demo_with_the_browser_alone() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser_demo");
    let extras = crate::portal::Extras {
        site: latchkey::web::Site::new(Default::default(), Default::default(), true),
        ..Default::default()
    };
    let portal = crate::portal::portal_extras(&db, &SecretKey::random(), extras).await;
    let base = serve(&portal).await;
    let stdout = run_script("demo.mjs", &base, "demo").await;
    assert!(
        stdout.contains("completed in the browser alone"),
        "{stdout}"
    );
    let alan = portal.store.find_account("alan").await.unwrap().unwrap();
    assert_eq!(
        alan.phone.as_deref(),
        Some("+12025550177"),
        "the phone whose code was read off the demo phone counts"
    );
    assert_screenshots(
        "demo",
        &["01-identify", "02-code", "05-phone", "07-phone-code"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_registers_an_authenticator_and_resets_with_it_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser_register");
    let portal = portal(&db, &SecretKey::random()).await;
    let base = serve(&portal).await;
    let stdout = run_script("register.mjs", &base, "register").await;
    assert!(
        stdout.contains("registered and reset in Chromium"),
        "{stdout}"
    );
    // What the browser did is what the database holds.
    let alan = portal.store.find_account("alan").await.unwrap().unwrap();
    let methods = portal.store.methods(alan.id).await.unwrap();
    assert_eq!(methods.len(), 1);
    assert_eq!(methods[0].kind, "totp");
    assert_screenshots(
        "register",
        &[
            "01-signin",
            "02-interrupted",
            "03-authenticator",
            "04-account",
            "14-reconfirm",
            "15-reconfirmed",
            "18-other-email-saved",
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_person_off_campus_is_warned_then_resets_into_the_directory_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let Some(slapd) = crate::ldap::Slapd::start("browser_off_campus") else {
        return;
    };
    let db = TestDb::sqlite("browser_off_campus");
    // The browser comes from 127.0.0.1: outside this campus and its VPN.
    let network = toml::from_str(
        r#"
        campus = ["10.0.0.0/8"]
        vpn = ["172.16.0.0/12"]
        vpn_hosts = [{ group = "Students", host = "student-vpn.example.edu" }]
        vpn_steps = [{ system = "macOS", steps = ["Click the VPN icon in the menu bar.", "Connect to the host for your group."] }]
        "#,
    )
    .unwrap();
    let extras = crate::portal::Extras {
        writeback: Some(slapd.writeback()),
        network,
        ..Default::default()
    };
    let portal = crate::portal::portal_extras(&db, &SecretKey::random(), extras).await;
    let base = serve(&portal).await;
    let stdout = run_script_with(
        "off_campus.mjs",
        &base,
        "off-campus",
        &[crate::ldap::LONG_PASSWORD],
    )
    .await;
    assert!(stdout.contains("off-campus reset completed"), "{stdout}");
    assert!(slapd.whoami(&crate::ldap::person_dn("ada"), crate::ldap::LONG_PASSWORD));
    assert_screenshots(
        "off-campus",
        &["01-warning", "02-warning-steps", "04-identify", "05-done"],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_agent_registers_a_callers_phone_and_the_caller_resets_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser_helpdesk");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let (password, secret) = agent_kim(&portal, &key).await;
    let base = serve(&portal).await;
    let stdout = run_script_with("helpdesk.mjs", &base, "helpdesk", &[password, &secret]).await;
    assert!(stdout.contains("the caller reset in Chromium"), "{stdout}");
    let alan = portal.store.find_account("alan").await.unwrap().unwrap();
    assert_eq!(alan.phone.as_deref(), Some("+12025550177"));
    let trail = portal.store.events_of(alan.id, 50).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action == "helpdesk.phone_set" && e.actor == "staff:kim")
    );
    assert!(
        trail
            .iter()
            .any(|e| e.action.starts_with("reset.completed:"))
    );
    assert_screenshots(
        "helpdesk",
        &[
            "01-signin",
            "02-factor",
            "03-search",
            "04-account",
            "05-verified",
            "06-phone-set",
            "09-caller-done",
        ],
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reader_of_reports_sees_each_chart_with_its_table_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser_reports");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let (password, secret) = staff_kim(&portal, &key, latchkey::store::Role::Report).await;
    let base = serve(&portal).await;
    let stdout = run_script_with("reports.mjs", &base, "reports", &[password, &secret]).await;
    assert!(stdout.contains("reports read in Chromium"), "{stdout}");
    // Three accounts, one with a phone.
    assert!(stdout.contains("csv: any,2,66.7"), "{stdout}");
    assert_screenshots("reports", &["01-signin", "02-reports", "03-password"]);
}

/// A Spanish-speaking person on a 390 px phone resets, signs in and
/// registers a phone in Spanish; the console speaks Spanish and, once
/// switched, English, and neither scrolls sideways; axe on every page.
#[tokio::test(flavor = "multi_thread")]
async fn a_spanish_speaker_resets_signs_in_and_registers_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser_spanish");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let (password, secret) = staff_kim(&portal, &key, latchkey::store::Role::Admin).await;
    let base = serve(&portal).await;
    let stdout = run_script_with("spanish.mjs", &base, "spanish", &[password, &secret]).await;
    assert!(stdout.contains("the console in both languages"), "{stdout}");
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    assert_eq!(ada.phone.as_deref(), Some("+12025550166"));
    assert_screenshots(
        "spanish",
        &[
            "01-identify",
            "05-password",
            "07-done",
            "11-account",
            "14-registered",
            "16-recovery-codes",
            "20-console-account",
            "21-console-pass",
            "22-console-audit",
            "24-pass-account",
            "26-not-me-done",
        ],
    );
}

/// Keyboard and screen reader only, under the portal's real CSP: the live
/// checklist changes as they type (reset and update), every refusal is in
/// the title and on its field, each page's focus ring reads 3:1 or more,
/// and the skip link works (issue 24).
#[tokio::test(flavor = "multi_thread")]
async fn a_keyboard_and_screen_reader_user_is_told_each_refusal_at_its_field() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser_keyboard");
    let key = SecretKey::random();
    let portal = portal(&db, &key).await;
    let (staff_password, secret) = agent_kim(&portal, &key).await;
    let base = serve(&portal).await;
    let more = [crate::portal::OLD_PASSWORD, staff_password, &secret];
    let stdout = run_script_with("keyboard.mjs", &base, "keyboard", &more).await;
    assert!(
        stdout.contains("every refusal tied to its field"),
        "{stdout}"
    );
    // The reset went through by keyboard alone; the wrong tries were counted.
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let trail = portal.store.events_of(ada.id, 50).await.unwrap();
    assert!(
        trail
            .iter()
            .any(|e| e.action.starts_with("reset.completed:"))
    );
    assert!(trail.iter().any(|e| e.action == "reset.code_wrong"));
    assert_screenshots(
        "keyboard",
        &[
            "02-captcha",
            "03-captcha-wrong",
            "06-code-wrong",
            "08-password-refused",
        ],
    );
}

/// NIST SP 800-63B-4's phishing-resistant way, in Chromium with a virtual
/// authenticator (WebAuthn over the DevTools protocol): ada registers a
/// passkey, signs in with it, and resets with it alone although, with an
/// app beside her phone, `"auto"` asks two codes of her.
#[tokio::test(flavor = "multi_thread")]
async fn a_passkey_is_registered_signs_in_and_resets_alone_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser_passkey");
    let key = SecretKey::random();
    // A passkey's relying party is a name: localhost, never an address.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://localhost:{}", listener.local_addr().unwrap().port());
    let extras = crate::portal::Extras {
        server: latchkey::config::ServerConfig {
            public_url: base.clone(),
            ..latchkey::config::ServerConfig::default()
        },
        reset: latchkey::domain::proofs::ResetConfig {
            proofs_required: latchkey::domain::proofs::ProofsRequired::Auto,
        },
        ..crate::portal::Extras::default()
    };
    let portal = crate::portal::portal_extras(&db, &key, extras).await;
    crate::proofs::give_ada_an_app(&portal, &key).await;
    serve_on(&portal, listener).await;
    let stdout = run_script("passkey.mjs", &base, "passkey").await;
    assert!(
        stdout.contains("a passkey registered, signed in and reset"),
        "{stdout}"
    );
    let ada = portal.store.find_account("ada").await.unwrap().unwrap();
    let keys = portal.store.passkeys(ada.id).await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "Work laptop");
    let trail: Vec<String> = (portal.store.events_of(ada.id, 80).await.unwrap())
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in [
        "account.passkey_added",
        "passkey.used",
        "signin.by_passkey",
        "reset.completed:passkey",
    ] {
        assert!(trail.iter().any(|a| a == action), "{action}: {trail:?}");
    }
    assert!(
        !trail.iter().any(|a| a.starts_with("reset.code_sent")),
        "no code was sent for the reset: {trail:?}"
    );
}
