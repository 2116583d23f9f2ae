//! The JSON API against its own OpenAPI document: schemathesis (PyPI, in
//! the tests' virtual environment, which `scripts/test` sets up) fuzzes the
//! live document of `latchkey serve --demo` with every check on, once
//! without a token and once with a reset's token, and must find nothing.
//! Bounded: a fixed number of examples per operation, a fixed seed (so a
//! finding reproduces), and a time limit.

use std::process::Command;
use std::time::Duration;

use crate::cli_serve::{serve_demo, terminate};
use crate::support::TempDir;

/// Where the tests' Python keeps its scripts; `None` (skip) outside CI.
fn schemathesis() -> Option<std::path::PathBuf> {
    let Ok(python) = std::env::var("LATCHKEY_TEST_PYTHON") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must set LATCHKEY_TEST_PYTHON to the tests' Python (scripts/test does)"
        );
        eprintln!(
            "conformance test skipped: LATCHKEY_TEST_PYTHON is not set (scripts/test sets it)"
        );
        return None;
    };
    let program = std::path::Path::new(&python).with_file_name("schemathesis");
    assert!(
        program.exists(),
        "{} is missing: run scripts/test",
        program.display()
    );
    Some(program)
}

/// One bounded run; its output, after asserting it found nothing.
fn fuzz(program: &std::path::Path, base: &str, headers: &[String]) -> String {
    let config = crate::support::workspace().join("tests/api/schemathesis.toml");
    let mut command = Command::new("timeout");
    command
        .arg("300")
        .arg(program)
        .arg("--config-file")
        .arg(config)
        .args(["run", &format!("{base}/api/openapi.json")])
        .args([
            "--checks",
            "all",
            "--max-examples",
            "40",
            "--seed",
            "20261201",
        ])
        .args(["--no-color", "--request-timeout", "20"]);
    for header in headers {
        command.args(["-H", header]);
    }
    let output = command.output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "schemathesis found failures:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains(" passed"), "{stdout}");
    stdout
}

#[tokio::test(flavor = "multi_thread")]
async fn the_api_conforms_to_its_document_under_fuzzing() {
    let Some(program) = schemathesis() else {
        return;
    };
    let dir = TempDir::new("conformance");
    let url = format!("sqlite://{}", dir.0.join("c.db").display());
    // Its request log goes to a pipe nobody reads: errors only, so it never fills.
    let quiet = [
        ("LATCHKEY_HASHING__MEMORY_KIB", "256"),
        ("LATCHKEY_LOG", "error"),
    ];
    let (mut server, base, _stdout) = serve_demo(&url, &quiet);
    let anonymous = fuzz(&program, &base, &[]);
    assert!(anonymous.contains("generated"), "{anonymous}");
    // A live reset's token: the reset operations past their 401s.
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let body = client
        .post(format!("{base}/api/v1/reset"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let started: serde_json::Value = serde_json::from_str(&body).unwrap();
    let token = started["token"].as_str().unwrap();
    fuzz(&program, &base, &[format!("Authorization: Bearer {token}")]);
    assert_eq!(terminate(&mut server).code(), Some(0));
}
