//! Breached passwords: `latchkey breached` builds and checks a filter, the
//! policy refuses what it holds, and a password signed in with that it
//! holds (or that breaks today's rules) is changed before anything else.

use latchkey::secrets::SecretKey;
use latchkey_breached::BreachedFilter;
use latchkey_policy::{Dictionary, Policy, PolicyConfig, SignInCheck};

use crate::account::sign_in_ada;
use crate::portal::{Browser, Extras, OLD_PASSWORD, Page, Portal, portal_extras};
use crate::support::{Run, TempDir, TestDb, count, latchkey, latchkey_with_env};

const SECRET: (&str, &str) = (
    "LATCHKEY_SECRET_KEY",
    "a secret key for breached tests only, 32+ bytes",
);

/// `latchkey config check FILE --offline`, with a secret key so that only
/// the policy can stop it.
fn config_check(file: &str) -> Run {
    latchkey_with_env(&["config", "check", file, "--offline"], b"", &[SECRET])
}

/// A plain list of breached passwords with ada's among them.
const LIST: &str = "123456\nVt9#qkzP\nCorrect#Horse9\n";

fn build(dir: &TempDir, source: &str) -> (Run, String) {
    let out = dir.0.join("breached.bin").to_string_lossy().into_owned();
    let run = latchkey(&["breached", "build", "--from", source, "--out", &out], b"");
    (run, out)
}

async fn events(db: &TestDb, action: &str) -> i64 {
    count(&db.url, &format!("audit_events WHERE action = '{action}'")).await
}

/// A portal whose policy is `config` with the filter at `filter`.
async fn portal_with_policy(db: &TestDb, config: PolicyConfig, filter: Option<&str>) -> Portal {
    portal_keyed(db, &SecretKey::random(), config, filter).await
}

/// The same, under `key` (staff authenticators are sealed with it).
async fn portal_keyed(
    db: &TestDb,
    key: &SecretKey,
    config: PolicyConfig,
    filter: Option<&str>,
) -> Portal {
    let dictionary = Dictionary::builtin(config.dictionary_min_word_length).unwrap();
    let breached: Vec<Box<dyn latchkey_policy::BreachedSet>> = match filter {
        Some(path) => vec![Box::new(BreachedFilter::open(path.as_ref()).unwrap())],
        None => Vec::new(),
    };
    let extras = Extras {
        policy: Some(Policy::new(config, Some(dictionary), breached)),
        ..Extras::default()
    };
    portal_extras(db, key, extras).await
}

fn required_change(page: &Page) -> bool {
    page.heading() == "Change your password"
}

#[test]
fn the_cli_builds_a_filter_checks_passwords_and_refuses_a_truncated_one() {
    let dir = TempDir::new("breached-cli");
    let source = dir.write("list.txt", LIST);
    let (run, filter) = build(&dir, &source);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("plain passwords"), "{}", run.stdout);
    assert!(
        run.stdout.contains("3 entries from 3 lines"),
        "{}",
        run.stdout
    );

    // Whole passwords: ada's is in, one containing it is not.
    let check = latchkey(
        &["breached", "check", "--filter", &filter],
        b"Vt9#qkzP\nVt9#qkzP!\n",
    );
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert_eq!(
        check.stdout,
        "line 1: breached (appears in known breaches)\nline 2: not found\n"
    );
    assert!(
        !check.stderr.contains("Vt9"),
        "never echoed: {}",
        check.stderr
    );
    let check = latchkey(
        &["breached", "check", "--filter", &filter, "--json"],
        b"Xq7#vbnT\n",
    );
    assert_eq!(check.code, 0);
    assert_eq!(check.stdout, "{\"line\":1,\"breached\":false}\n");

    let info = latchkey(&["breached", "info", &filter], b"");
    assert_eq!(info.code, 0, "{}", info.stderr);
    assert!(info.stdout.contains("keys: 3 (SHA-1)"), "{}", info.stdout);

    let bytes = std::fs::read(&filter).unwrap();
    let cut = dir.0.join("cut.bin");
    std::fs::write(&cut, &bytes[..bytes.len() - 1]).unwrap();
    let cut = cut.to_string_lossy().into_owned();
    let info = latchkey(&["breached", "info", &cut], b"");
    assert_eq!(info.code, 2);
    assert!(info.stderr.contains("is truncated"), "{}", info.stderr);

    // The service refuses to start on it, naming the key and its line.
    let config = dir.write("latchkey.toml", "[policy]\nbreached_filter = \"cut.bin\"\n");
    let check = config_check(&config);
    assert_eq!(check.code, 2);
    assert!(!check.stderr.contains("secret_key"), "{}", check.stderr);
    assert!(
        check
            .stderr
            .contains("latchkey.toml:2: policy.breached_filter:")
            && check.stderr.contains("build it again"),
        "{}",
        check.stderr
    );
}

#[test]
fn a_source_with_a_bad_line_is_refused_and_builds_nothing() {
    let dir = TempDir::new("breached-bad-line");
    let source = dir.write(
        "corpus.txt",
        "5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:9\r\n7C4A8D09CA3762AF61E5\r\n",
    );
    let (run, filter) = build(&dir, &source);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("line 2: expected 40 hex digits"),
        "{}",
        run.stderr
    );
    assert!(!std::path::Path::new(&filter).exists());
}

#[test]
fn config_check_prints_the_rules_in_force_of_a_preset() {
    let dir = TempDir::new("breached-preset");
    let source = dir.write("list.txt", LIST);
    build(&dir, &source);
    let config = dir.write(
        "latchkey.toml",
        "[policy]\npreset = \"nist-800-63b-4\"\nbreached_filter = \"breached.bin\"\n",
    );
    let run = config_check(&config);
    assert_eq!(run.code, 0, "{}", run.stderr);
    for line in [
        "# The password rules in force (preset nist-800-63b-4):",
        "#   - At least 8 characters (15 without a phone or an authenticator app registered)",
        "#   - Is not a common word",
        "#   - Not a password known from data breaches",
        "# policy.breached_filter: 3 keys of SHA-1 hashes, checksum whole.",
    ] {
        assert!(run.stdout.contains(line), "{line}\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("upper-case"), "{}", run.stdout);
    // Without a filter, the preset's standard is not met, and it says so.
    let config = dir.write(
        "bare.toml",
        "[policy]\npreset = \"nist-800-63b-4\"\nspecial = true\n",
    );
    let run = config_check(&config);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("asks for no composition rules"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("set policy.breached_filter"),
        "{}",
        run.stderr
    );
}

#[test]
fn policy_check_asks_fifteen_characters_of_a_single_factor_under_nist() {
    let dir = TempDir::new("breached-nist-cli");
    let config = dir.write("latchkey.toml", "[policy]\npreset = \"nist-800-63b-4\"\n");
    let args = [
        "--config",
        &config,
        "policy",
        "check",
        "--username",
        "jdoe",
        "--name",
        "John Doe",
    ];
    let run = latchkey(&args, b"qzvbnmxkwt\n");
    assert_eq!(run.code, 0, "{}", run.stdout);
    let mut alone = args.to_vec();
    alone.push("--single-factor");
    let run = latchkey(&alone, b"qzvbnmxkwt\n");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("use at least 15 characters"),
        "{}",
        run.stdout
    );
}

#[tokio::test]
async fn a_breached_password_signed_in_with_must_be_changed_first() {
    let dir = TempDir::new("breached-signin");
    let (run, filter) = build(&dir, &dir.write("list.txt", LIST));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let db = TestDb::sqlite("breached_signin");
    let key = SecretKey::random();
    let portal = portal_keyed(&db, &key, PolicyConfig::default(), Some(&filter)).await;

    let mut browser = Browser::default();
    let page = sign_in_ada(&mut browser, &portal).await;
    assert!(required_change(&page), "{}", page.body);
    assert!(
        page.body
            .contains("appears in a list of passwords exposed in data breaches")
    );
    assert_eq!(events(&db, "signin.password_breached").await, 1);
    // Leaving and coming back does not skip it.
    let page = browser.get(&portal, "/account").await;
    assert!(required_change(&page), "{}", page.body);

    // The help desk sees why.
    let secret =
        crate::helpdesk::add_staff(&portal, &key, "kim", latchkey::store::Role::Agent).await;
    let mut desk = Browser::default();
    crate::helpdesk::sign_in(&mut desk, &portal, "kim", &secret).await;
    let ada = crate::helpdesk::account_path(&portal, "ada").await;
    let view = desk.get(&portal, &ada).await;
    assert!(
        view.body.contains("must change the password at next sign-in (the password signed in with is in known breaches)"),
        "{}",
        view.body
    );
    // Another breached password is refused by the same filter.
    let fields = |new: &'static str| {
        [
            ("current", OLD_PASSWORD),
            ("password", new),
            ("confirm", new),
        ]
    };
    let page = browser
        .post(&portal, "/account/password", &fields("Correct#Horse9"))
        .await;
    assert!(
        page.body
            .contains("exposed in data breaches; choose another"),
        "{}",
        page.body
    );
    let page = browser
        .post(&portal, "/account/password", &fields("Lk8&pqrVz"))
        .await;
    assert_eq!(page.heading(), "Your password is changed", "{}", page.body);
    let account = portal.store.find_account("ada").await.unwrap().unwrap();
    assert!(!account.must_change_password && account.must_change_reason.is_none());
    db.drop_db().await;
}

#[tokio::test]
async fn a_password_below_todays_rules_must_be_changed_unless_configured_otherwise() {
    let stricter = PolicyConfig {
        min_length: 10,
        ..PolicyConfig::default()
    };
    let db = TestDb::sqlite("below_policy_signin");
    let portal = portal_with_policy(&db, stricter.clone(), None).await;
    let page = sign_in_ada(&mut Browser::default(), &portal).await;
    assert!(required_change(&page), "{}", page.body);
    assert!(
        page.body
            .contains("no longer meets the password rules below"),
        "{}",
        page.body
    );
    assert_eq!(
        events(&db, "signin.password_below_policy:min_length").await,
        1
    );
    db.drop_db().await;

    for check in [SignInCheck::Breached, SignInCheck::Off] {
        let db = TestDb::sqlite("below_policy_signin_allowed");
        let config = PolicyConfig {
            check_at_signin: check,
            ..stricter.clone()
        };
        let portal = portal_with_policy(&db, config, None).await;
        let page = sign_in_ada(&mut Browser::default(), &portal).await;
        assert_eq!(page.heading(), "Your account", "{check:?}: {}", page.body);
        db.drop_db().await;
    }
}
