//! A person in headless Chromium: `tests/browser/reset.mjs` drives Debian's
//! Chromium (playwright-core) through a reset by text message against the
//! real router on a loopback port, screenshots each step and runs axe-core
//! on each page. In CI a missing browser fails the test; elsewhere it is
//! skipped with a note (`scripts/test` installs everything).

use std::path::PathBuf;

use axum::Router;
use axum::routing::get;
use latchkey::secrets::SecretKey;

use crate::portal::{ANSWER, latest_code, portal};
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

#[tokio::test(flavor = "multi_thread")]
async fn a_person_resets_by_text_message_in_chromium() {
    if !browser_tools_present() {
        return;
    }
    let db = TestDb::sqlite("browser");
    let portal = portal(&db, &SecretKey::random()).await;
    let store = portal.store.clone();
    // Test-only: the phone the person would read the code from.
    let test_routes = Router::new().route(
        "/test/latest-code",
        get(move || {
            let store = store.clone();
            async move { latest_code(&store).await }
        }),
    );
    let app = portal.router.clone().merge(test_routes);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
        .unwrap()
    });

    let screenshots = workspace().join("tests/browser/screenshots");
    let output = tokio::process::Command::new("node")
        .arg("tests/browser/reset.mjs")
        .args([&base, ANSWER, &screenshots.to_string_lossy()])
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
    assert!(stdout.contains("completed in Chromium"), "{stdout}");
    for step in [
        "01-identify",
        "02-captcha",
        "03-method",
        "04-code",
        "05-password",
        "06-password-live",
        "07-done",
    ] {
        assert!(
            screenshots.join(format!("{step}.png")).exists(),
            "screenshot {step}"
        );
    }
}
