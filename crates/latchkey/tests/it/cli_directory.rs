//! `latchkey directory …` as an operator runs it, against a real `slapd`.

use crate::ldap::{DIRECTORY_MIN_LENGTH, POLICY_DN, SERVICE_DN, SERVICE_PASSWORD, Slapd};
use crate::support::{Run, TempDir, latchkey_with_env, sql};

fn config_for(dir: &TempDir, slapd: &Slapd) -> String {
    dir.write(
        "latchkey.toml",
        &format!(
            "[database]\nurl = \"sqlite://{}\"\n\n[hashing]\nmemory_kib = 256\niterations = 1\n\n\
             [directory]\nurl = \"{}\"\nbind_dn = \"{SERVICE_DN}\"\nbase_dn = \"ou=people,dc=example,dc=edu\"\ntrusted_phones = true\n",
            dir.0.join("latchkey.db").display(),
            slapd.url
        ),
    )
}

/// `latchkey --config CONFIG ARGS`, with the directory's and the service's secrets.
fn with_config(config: &str, args: &[&str], stdin: &[u8]) -> Run {
    let mut all = vec!["--config", config];
    all.extend_from_slice(args);
    latchkey_with_env(&all, stdin, &ENV)
}

const ENV: [(&str, &str); 2] = [
    ("LATCHKEY_DIRECTORY_PASSWORD", SERVICE_PASSWORD),
    (
        "LATCHKEY_SECRET_KEY",
        "a test key that is long enough to be accepted",
    ),
];

#[test]
fn config_check_says_where_our_policy_is_weaker_than_the_directorys() {
    let Some(slapd) = Slapd::start("cli_config_policy") else {
        return;
    };
    let dir = TempDir::new("cli-config-policy");
    let config = config_for(&dir, &slapd);
    let config = dir.write(
        "latchkey.toml",
        &format!(
            "{}policy_dn = \"{POLICY_DN}\"\nlockout_margin = 2\n",
            std::fs::read_to_string(&config).unwrap()
        ),
    );
    let run = with_config(&config, &["config", "check"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains(&format!(
            "policy.min_length = 8 is below the directory's minimum length of {DIRECTORY_MIN_LENGTH}"
        )),
        "{}",
        run.stdout
    );
    // The rules printed are the joined ones, the directory's minimum among them.
    assert!(
        run.stdout.contains(&format!(
            "#   - At least {DIRECTORY_MIN_LENGTH} characters\n"
        )),
        "{}",
        run.stdout
    );
    // slapd here locks after 3 wrong passwords: sign-in binds with one at
    // most, which cannot leave the 2 asked for to the person's devices.
    assert!(
        run.stderr
            .contains("fewer than directory.lockout_margin = 2; raise the directory's lockout threshold to 4 or more"),
        "{}",
        run.stderr
    );
    // The settings printed are those in force: no `min_length = 8` beside
    // "the directory's applies".
    assert!(
        run.stdout
            .contains(&format!("\nmin_length = {DIRECTORY_MIN_LENGTH}\n")),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("\nmin_length = 8\n"), "{}", run.stdout);
    // People with a policy of their own are mentioned, and one of them is
    // shown with hers.
    assert!(
        run.stdout.contains("a policy of their own"),
        "{}",
        run.stdout
    );
    slapd.ldapadd(crate::ldap::ERIN);
    assert_eq!(with_config(&config, &["directory", "sync"], b"").code, 0);
    let shown = with_config(&config, &["user", "show", "erin"], b"");
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    assert!(
        shown.stdout.contains("  - At least 16 characters\n"),
        "{}",
        shown.stdout
    );
}

#[test]
fn config_check_says_a_lockout_it_cannot_read_is_assumed_strict() {
    let Some(slapd) = Slapd::start("cli_config_unknown_lockout") else {
        return;
    };
    let dir = TempDir::new("cli-config-unknown-lockout");
    // No policy_dn: slapd's default policy cannot be read.
    let config = config_for(&dir, &slapd);
    let run = with_config(&config, &["config", "check"], b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the directory's lockout threshold cannot be read"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("as 3 wrong passwords"),
        "{}",
        run.stderr
    );
    // Told the real one, it says nothing of an assumption.
    let told = dir.write(
        "told.toml",
        &format!(
            "{}lockout_threshold = 10\n",
            std::fs::read_to_string(&config).unwrap()
        ),
    );
    let run = with_config(&told, &["config", "check"], b"");
    assert!(
        run.stderr.contains("as 10 wrong passwords"),
        "{}",
        run.stderr
    );
}

#[test]
fn reminders_are_listed_by_a_dry_run_then_sent_once() {
    let Some(slapd) = Slapd::start("cli_reminders") else {
        return;
    };
    let dir = TempDir::new("cli-reminders");
    let config = config_for(&dir, &slapd);
    let synced = with_config(&config, &["directory", "sync"], b"");
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    // Passwords set moments ago expire in months: only people with no way
    // to reset theirs (badphone's mobile was unusable) are due a reminder.
    let dry = with_config(&config, &["directory", "reminders", "--dry-run"], b"");
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert!(dry.stdout.contains("badphone"), "{}", dry.stdout);
    assert!(dry.stdout.contains("register"), "{}", dry.stdout);
    assert!(
        !dry.stdout.contains("bob"),
        "bob has a phone: {}",
        dry.stdout
    );
    let outbox = |dir: &TempDir| {
        let url = format!("sqlite://{}", dir.0.join("latchkey.db").display());
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(crate::support::count(&url, "outbox"))
    };
    assert_eq!(outbox(&dir), 0, "a dry run sends nothing");
    let sent = with_config(&config, &["directory", "reminders"], b"");
    assert_eq!(sent.code, 0, "{}", sent.stderr);
    assert!(sent.stdout.contains("reminder(s) sent"), "{}", sent.stdout);
    let after_first = outbox(&dir);
    assert!(after_first > 0);
    let again = with_config(&config, &["directory", "reminders"], b"");
    assert!(
        again.stdout.starts_with("0 reminder(s) sent"),
        "{}",
        again.stdout
    );
    assert_eq!(outbox(&dir), after_first, "once");
}

#[test]
fn config_check_tries_the_service_bind_unless_offline() {
    let Some(slapd) = Slapd::start("cli_config_bind") else {
        return;
    };
    let dir = TempDir::new("cli-config-bind");
    let config = config_for(&dir, &slapd);
    let good = with_config(&config, &["config", "check"], b"");
    assert_eq!(good.code, 0, "{}", good.stderr);
    assert!(
        good.stdout.contains("the service account bound"),
        "{}",
        good.stdout
    );
    let wrong_password = [
        ("LATCHKEY_DIRECTORY_PASSWORD", "not the service password"),
        ENV[1],
    ];
    let wrong = latchkey_with_env(
        &["--config", &config, "config", "check"],
        b"",
        &wrong_password,
    );
    assert_eq!(wrong.code, 2, "{}", wrong.stdout);
    assert!(wrong.stderr.contains("cannot bind"), "{}", wrong.stderr);
    let offline = latchkey_with_env(
        &["--config", &config, "config", "check", "--offline"],
        b"",
        &wrong_password,
    );
    assert_eq!(offline.code, 0, "{}", offline.stderr);
    // A directory that is down is a warning: the service may start before it.
    drop(slapd);
    let down = with_config(&config, &["config", "check"], b"");
    assert_eq!(down.code, 0, "{}", down.stderr);
    assert!(
        down.stderr.contains("cannot be reached now"),
        "{}",
        down.stderr
    );
}

#[test]
fn sync_imports_updates_and_says_what_it_skipped() {
    let Some(slapd) = Slapd::start("cli_sync") else {
        return;
    };
    let dir = TempDir::new("cli-sync");
    let config = config_for(&dir, &slapd);
    let run = |args: &[&str], stdin: &[u8]| with_config(&config, args, stdin);
    let added = run(
        &[
            "user",
            "add",
            "--username",
            "ada",
            "--email",
            "ada@example.edu",
            "--name",
            "Ada Lovelace",
            "--phone",
            "+44 20 7946 0958",
        ],
        b"",
    );
    assert_eq!(added.code, 0, "{}", added.stderr);

    let synced = run(&["directory", "sync"], b"");
    assert_eq!(synced.code, 0, "{}", synced.stderr);
    assert!(
        synced
            .stdout
            .starts_with("Added 2, changed 1, unchanged 0, skipped 1, gone 0, back 0."),
        "{}",
        synced.stdout
    );
    assert!(synced.stdout.contains("added    bob"));
    assert!(synced.stdout.contains("changed  ada"));
    assert!(synced.stdout.contains("skipped  nomail: no mail attribute"));
    // One bad field does not cost the whole person: taken without it, and said.
    assert!(
        synced.stdout.contains("added    badphone"),
        "{}",
        synced.stdout
    );
    assert!(
        synced.stdout.contains("without  badphone's mobile:"),
        "{}",
        synced.stdout
    );
    let badphone = run(&["user", "show", "badphone", "--json", "--full"], b"");
    let badphone: serde_json::Value = serde_json::from_str(&badphone.stdout).unwrap();
    assert_eq!(badphone["email"], "badphone@example.edu");
    assert_eq!(badphone["phone"], serde_json::Value::Null);
    // With no way to reset, counted under the department the directory gives.
    let unregistered = run(&["report", "unregistered", "--format", "csv"], b"");
    assert_eq!(unregistered.code, 0, "{}", unregistered.stderr);
    assert!(
        unregistered.stdout.contains("\nChemistry,1\n"),
        "{}",
        unregistered.stdout
    );

    let bob = run(&["user", "show", "bob", "--json", "--full"], b"");
    let bob: serde_json::Value = serde_json::from_str(&bob.stdout).unwrap();
    assert_eq!(bob["name"], "Bob Kahn");
    assert_eq!(bob["phone"], "+12025550188");
    // ada's name follows the directory; her registered phone stays hers.
    let ada = run(&["user", "show", "ada", "--json", "--full"], b"");
    let ada: serde_json::Value = serde_json::from_str(&ada.stdout).unwrap();
    assert_eq!(ada["name"], "Ada King");
    assert_eq!(ada["phone"], "+442079460958");

    let again = run(&["directory", "sync"], b"");
    assert!(
        again
            .stdout
            .starts_with("Added 0, changed 0, unchanged 3, skipped 1, gone 0, back 0."),
        "{}",
        again.stdout
    );
}

#[tokio::test]
async fn set_password_writes_through_and_status_and_retry_report() {
    let Some(slapd) = Slapd::start("cli_setpw") else {
        return;
    };
    let dir = TempDir::new("cli-setpw");
    let config = config_for(&dir, &slapd);
    let run = |args: &[&str], stdin: &[u8]| with_config(&config, args, stdin);
    assert_eq!(run(&["directory", "sync"], b"").code, 0);
    let set = run(&["user", "set-password", "bob"], b"Qw7&lmnTz-4k\n");
    assert_eq!(set.code, 0, "{}", set.stderr);
    assert!(slapd.whoami(&crate::ldap::person_dn("bob"), "Qw7&lmnTz-4k"));
    // The directory's own policy refuses what ours takes: exit 1, in words.
    let short = run(&["user", "set-password", "bob"], b"Zx5^pqrW\n");
    assert_eq!(short.code, 1, "{}", short.stderr);
    assert!(
        short.stderr.contains("campus directory"),
        "{}",
        short.stderr
    );

    let status = run(&["directory", "status"], b"");
    assert_eq!(status.code, 0, "{}", status.stderr);
    assert!(status.stdout.contains("Nothing is pending"));
    let retry = run(&["directory", "retry"], b"");
    assert_eq!((retry.code, retry.stdout.trim()), (0, "Nothing was due."));

    // The directory takes a change and the store cannot: said, and pending.
    let db = format!("sqlite://{}", dir.0.join("latchkey.db").display());
    sql(
        &db,
        "CREATE TRIGGER broken BEFORE INSERT ON password_history
         BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    )
    .await;
    let stuck = run(&["user", "set-password", "bob"], b"Rt6*uvwXy-2m\n");
    assert_eq!(stuck.code, 2);
    assert!(
        stuck.stderr.contains("the directory took the new password"),
        "{}",
        stuck.stderr
    );
    assert!(slapd.whoami(&crate::ldap::person_dn("bob"), "Rt6*uvwXy-2m"));
    let status = run(&["directory", "status"], b"");
    assert_eq!(status.code, 1, "{}", status.stdout);
    assert!(status.stdout.contains("1 change(s) pending") && status.stdout.contains("bob"));
    let early = run(&["directory", "retry"], b"");
    assert_eq!(
        early.stdout.trim(),
        "Nothing was due.",
        "the change's own time first"
    );

    sql(&db, "DROP TRIGGER broken").await;
    // Time passes (the row says when it is due).
    sql(&db, "UPDATE directory_pending SET next_try_at = 0").await;
    let retry = run(&["directory", "retry"], b"");
    assert_eq!(retry.code, 0, "{}", retry.stdout);
    assert!(
        retry
            .stdout
            .contains("bob: the directory has the new password; stored here too")
    );
    assert_eq!(run(&["directory", "status"], b"").code, 0);
    // Here too now: the history refuses the same password again.
    let again = run(&["user", "set-password", "bob"], b"Rt6*uvwXy-2m\n");
    assert_eq!(again.code, 1, "{}", again.stdout);
    assert!(again.stdout.contains("history"), "{}", again.stdout);
}

#[test]
fn directory_settings_that_cannot_work_are_refused_with_the_line() {
    let dir = TempDir::new("cli-dir-config");
    let config = dir.write(
        "bad.toml",
        "[directory]\nurl = \"ldap://dc.example.edu\"\nkind = \"active_directory\"\nbind_dn = \"cn=x\"\nbase_dn = \"dc=x\"\n",
    );
    let run = latchkey_with_env(&["--config", &config, "directory", "status"], b"", &[]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("bad.toml:2: directory.url: Active Directory sets passwords only over TLS"),
        "{}",
        run.stderr
    );
    let db = format!("sqlite://{}", dir.0.join("latchkey.db").display());
    let none = latchkey_with_env(&["--database-url", &db, "directory", "sync"], b"", &[]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("no directory is configured"),
        "{}",
        none.stderr
    );
    // A directory without the service account's password is refused at start.
    let config = dir.write(
        "nopass.toml",
        "[directory]\nurl = \"ldaps://dc.example.edu\"\nbind_dn = \"cn=x\"\nbase_dn = \"dc=x\"\n",
    );
    let run = latchkey_with_env(
        &[
            "--config",
            &config,
            "--database-url",
            &db,
            "directory",
            "sync",
        ],
        b"",
        &[],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("LATCHKEY_DIRECTORY_PASSWORD"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_example_university_configuration_is_accepted() {
    let dir = TempDir::new("cli-example");
    let example = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/university.toml"
    );
    let db = format!("sqlite://{}", dir.0.join("latchkey.db").display());
    let run = latchkey_with_env(
        &[
            "--config",
            example,
            "--database-url",
            &db,
            "directory",
            "status",
        ],
        b"",
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// The server syncs the directory on its own schedule: someone added to the
/// directory is a person here without anyone running `directory sync`.
#[test]
fn the_server_syncs_the_directory_on_its_own() {
    let Some(slapd) = Slapd::start("cli_serve_sync") else {
        return;
    };
    let dir = TempDir::new("cli-serve-sync");
    let config = config_for(&dir, &slapd);
    let log = std::fs::File::create(dir.0.join("serve.log")).unwrap();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(["--config", &config, "serve", "--bind", "127.0.0.1:0"])
        .envs(ENV.iter().copied())
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap();
    // Its first round runs at start: seconds at most on loopback, however
    // busy the machine.
    let mut found = None;
    for _ in 0..300 {
        let bob = with_config(&config, &["user", "show", "bob", "--json"], b"");
        if bob.code == 0 {
            found = Some(bob.stdout);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    crate::cli_serve::terminate(&mut server);
    let log = std::fs::read_to_string(dir.0.join("serve.log")).unwrap();
    let bob = found.unwrap_or_else(|| panic!("bob was not imported by the server: {log}"));
    assert!(bob.contains("bob@example.edu"), "{bob}");
}

#[test]
fn watch_once_tells_of_an_old_password_then_sends_the_unlock_link() {
    let Some(slapd) = Slapd::start("cli_watch") else {
        return;
    };
    let dir = TempDir::new("cli-watch");
    let config = config_for(&dir, &slapd);
    let run = |args: &[&str], stdin: &[u8]| with_config(&config, args, stdin);
    assert_eq!(run(&["directory", "sync"], b"").code, 0);
    let outbox = || {
        let url = format!("sqlite://{}", dir.0.join("latchkey.db").display());
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let store = latchkey::store::Store::open(&url).await.unwrap();
            store.outbox(100).await.unwrap()
        })
    };
    let once = || run(&["directory", "watch", "--once"], b"");
    let dry = || run(&["directory", "watch", "--once", "--dry-run"], b"");
    // ada's password changes through Latchkey; her laptop keeps the old one.
    let set = run(&["user", "set-password", "ada"], b"Qw7&lmnTz-4k\n");
    assert_eq!(set.code, 0, "{}", set.stderr);
    let quiet = once();
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(
        quiet
            .stdout
            .starts_with("1 account(s) watched, 1 directory search(es)"),
        "{}",
        quiet.stdout
    );
    let before = outbox().len();
    let ada = crate::ldap::person_dn("ada");
    for _ in 0..2 {
        assert!(!slapd.whoami(&ada, "Vt9#qkzP"));
    }
    let would = dry();
    assert!(
        would.stdout.contains("ada") && would.stdout.contains("warning"),
        "{}",
        would.stdout
    );
    assert_eq!(outbox().len(), before, "a dry run sends nothing");
    let told = once();
    assert!(told.stdout.contains("1 told"), "{}", told.stdout);
    assert!(
        told.stdout.contains("ada") && told.stdout.contains("warning"),
        "{}",
        told.stdout
    );
    let sent = outbox();
    let mail = sent
        .iter()
        .find(|m| m.recipient == "ada@example.edu")
        .expect("a mail to ada");
    assert!(
        mail.body.contains("still using your old password"),
        "{}",
        mail.body
    );
    assert!(sent.iter().any(|m| m.channel == "sms"), "and a text");
    let after_warning = sent.len();
    assert!(once().stdout.contains("0 told"), "nothing new");

    // The third wrong password locks the account: the next pass sends the link.
    assert!(!slapd.whoami(&ada, "Vt9#qkzP"));
    let told = once();
    assert!(told.stdout.contains("unlock_link"), "{}", told.stdout);
    let sent = outbox();
    assert!(sent.len() > after_warning);
    assert!(sent[0].body.contains("/unlock/"), "{}", sent[0].body);
    let after_link = sent.len();
    let nothing = once();
    assert!(nothing.stdout.contains("0 told"), "{}", nothing.stdout);
    assert_eq!(outbox().len(), after_link, "each notice once");
}
