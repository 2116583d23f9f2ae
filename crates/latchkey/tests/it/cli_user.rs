//! The `latchkey user …` contract, run as the built binary.

use serde_json::Value;

use crate::support::{TempDir, TestDb, count, latchkey};

/// Cheap hashing through config, the way an operator would lower it.
fn setup(name: &str) -> (TempDir, String, String) {
    let dir = TempDir::new(name);
    let config = dir.write(
        "latchkey.toml",
        "[hashing]\nmemory_kib = 256\niterations = 1\n",
    );
    let url = format!("sqlite://{}", dir.0.join("accounts.db").display());
    (dir, config, url)
}

fn run(config: &str, url: &str, args: &[&str], stdin: &str) -> crate::support::Run {
    let mut all = vec!["--config", config, "--database-url", url];
    all.extend(args);
    latchkey(&all, stdin.as_bytes())
}

const ADD_JOHN: [&str; 10] = [
    "user",
    "add",
    "--username",
    "jdoe",
    "--email",
    "john.doe@example.edu",
    "--name",
    "John Doe",
    "--phone",
    "202-555-0143",
];

#[test]
fn add_show_and_set_password() {
    let (_dir, config, url) = setup("user-flow");
    let mut add = ADD_JOHN.to_vec();
    add.push("--password-stdin");
    let run_add = run(&config, &url, &add, "Xq7#vbnT\n");
    assert_eq!(run_add.code, 0, "{}", run_add.stderr);

    let shown = run(&config, &url, &["user", "show", "JDOE", "--json"], "");
    assert_eq!(shown.code, 0, "{}", shown.stderr);
    let account: Value = serde_json::from_str(&shown.stdout).unwrap();
    assert_eq!(account["username"], "jdoe");
    assert_eq!(account["phone"], "(•••) •••-0143");
    assert!(!shown.stdout.contains("argon2"), "no secrets in show");
    let full = run(
        &config,
        &url,
        &["user", "show", "jdoe", "--json", "--full"],
        "",
    );
    assert_eq!(
        serde_json::from_str::<Value>(&full.stdout).unwrap()["phone"],
        "+12025550143"
    );
    let human = run(&config, &url, &["user", "show", "john.doe@example.edu"], "");
    assert!(human.stdout.contains("(•••) •••-0143"), "{}", human.stdout);

    let changed = run(
        &config,
        &url,
        &["user", "set-password", "jdoe"],
        "Zz9!kqwx\n",
    );
    assert_eq!(changed.code, 0, "{}", changed.stderr);
    // John is told, by mail and on his phone (the outbox by default).
    let outbox = run(&config, &url, &["outbox", "--json"], "");
    let messages: Vec<Value> = outbox
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let told: Vec<(&str, &str)> = messages
        .iter()
        .filter(|m| m["body"].as_str().unwrap().contains("password was changed"))
        .map(|m| {
            (
                m["channel"].as_str().unwrap(),
                m["recipient"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        told,
        [("sms", "+12025550143"), ("email", "john.doe@example.edu")],
        "{}",
        outbox.stdout
    );
    // The first password is in the history now.
    let refused = run(
        &config,
        &url,
        &["user", "set-password", "jdoe", "--json"],
        "Xq7#vbnT\n",
    );
    assert_eq!(refused.code, 1);
    let verdict: Value = serde_json::from_str(&refused.stdout).unwrap();
    assert_eq!(verdict["accepted"], false);
    assert_eq!(verdict["violations"][0]["rule"], "history");
    let refused = run(
        &config,
        &url,
        &["user", "set-password", "jdoe", "--json"],
        "john\n",
    );
    assert_eq!(refused.code, 1);
    assert!(
        refused.stdout.contains("contains_name"),
        "{}",
        refused.stdout
    );
}

#[test]
fn add_refuses_a_weak_first_password_and_writes_nothing() {
    let (_dir, config, url) = setup("user-weak");
    let mut add = ADD_JOHN.to_vec();
    add.extend(["--password-stdin", "--json"]);
    let refused = run(&config, &url, &add, "password\n");
    assert_eq!(refused.code, 1);
    assert!(
        refused.stdout.contains("dictionary_word"),
        "{}",
        refused.stdout
    );
    assert_eq!(run(&config, &url, &["user", "show", "jdoe"], "").code, 2);
}

#[test]
fn bad_fields_and_duplicates_are_clear_errors() {
    let (_dir, config, url) = setup("user-bad");
    assert_eq!(run(&config, &url, &ADD_JOHN, "").code, 0);
    let duplicate = run(
        &config,
        &url,
        &[
            "user",
            "add",
            "--username",
            "JDoe",
            "--email",
            "x@example.edu",
            "--name",
            "X",
        ],
        "",
    );
    assert_eq!(duplicate.code, 2);
    assert!(
        duplicate
            .stderr
            .contains("username \"JDoe\" is already taken"),
        "{}",
        duplicate.stderr
    );
    let bad_phone = run(
        &config,
        &url,
        &[
            "user",
            "add",
            "--username",
            "amy",
            "--email",
            "amy@example.edu",
            "--name",
            "Amy",
            "--phone",
            "555-0143",
        ],
        "",
    );
    assert_eq!(bad_phone.code, 2);
    assert!(
        bad_phone.stderr.contains("phone: use a 10-digit US number"),
        "{}",
        bad_phone.stderr
    );
    assert_eq!(run(&config, &url, &["user", "show", "amy"], "").code, 2);
}

#[test]
fn import_is_all_or_nothing_with_every_bad_row_reported() {
    let (dir, config, url) = setup("user-import");
    let bad = dir.write(
        "bad.csv",
        "username,email,name,phone\n\
         amy,amy@example.edu,Amy Pond,(202) 555-0143\n\
         -rory,rory@example.edu,Rory Williams,\n\
         clara,not-an-email,Clara Oswald,+44 20 7946 0958\n\
         AMY,amy2@example.edu,Amy Again,\n\
         donna,donna@example.edu,Donna Noble,12345\n",
    );
    let refused = run(&config, &url, &["user", "import", &bad], "");
    assert_eq!(refused.code, 2);
    for expected in [
        "line 3: username",
        "line 4: email",
        "line 5: username AMY is also on line 2",
        "line 6: phone",
    ] {
        assert!(
            refused.stderr.contains(expected),
            "wanted {expected:?} in {}",
            refused.stderr
        );
    }
    assert!(!refused.stderr.contains("line 2:"), "{}", refused.stderr);
    assert_eq!(
        run(&config, &url, &["user", "show", "amy"], "").code,
        2,
        "nothing imported"
    );

    let malformed = dir.write(
        "malformed.csv",
        "username,email,name,phone\namy,amy@example.edu,\"Amy Pond,\n",
    );
    let refused = run(&config, &url, &["user", "import", &malformed], "");
    assert_eq!(refused.code, 2, "{}", refused.stdout);
    let wrong_header = dir.write("header.csv", "user,mail\namy,amy@example.edu\n");
    let refused = run(&config, &url, &["user", "import", &wrong_header], "");
    assert!(
        refused.stderr.contains("username,email,name,phone"),
        "{}",
        refused.stderr
    );

    let good = dir.write(
        "good.csv",
        "username,email,name,phone\namy,amy@example.edu,Amy Pond,(202) 555-0143\nrory,rory@example.edu,Rory Williams,\n",
    );
    let imported = run(&config, &url, &["user", "import", &good], "");
    assert_eq!(imported.code, 0, "{}", imported.stderr);
    assert!(
        imported.stdout.contains("Imported 2 accounts"),
        "{}",
        imported.stdout
    );
    // Importing again: both are taken; still nothing half-done.
    let again = run(&config, &url, &["user", "import", &good], "");
    assert_eq!(again.code, 2);
    assert!(
        again.stderr.contains("line 2: amy already has an account"),
        "{}",
        again.stderr
    );
    assert!(
        again
            .stderr
            .contains("line 3: rory@example.edu already has an account"),
        "{}",
        again.stderr
    );
    // A file with problems of both kinds: all of them at once.
    let mixed = dir.write(
        "mixed.csv",
        "username,email,name,phone\n\
         amy,amy2@example.edu,Amy Again,\n\
         danny,danny@example.edu,Danny Pink,not a phone\n\
         clara,clara@example.edu,Clara Oswald,\n\
         clara,clara2@example.edu,Clara Again,\n",
    );
    let refused = run(&config, &url, &["user", "import", &mixed], "");
    assert_eq!(refused.code, 2);
    for expected in [
        "line 2: amy already has an account",
        "line 3: phone",
        "line 5: username clara is also on line 4",
    ] {
        assert!(
            refused.stderr.contains(expected),
            "{expected}: {}",
            refused.stderr
        );
    }
}

#[tokio::test]
async fn user_commands_work_on_postgres_too() {
    let Some(db) = TestDb::postgres("cli_user").await else {
        return;
    };
    let (_dir, config, _) = setup("user-pg");
    let mut add = ADD_JOHN.to_vec();
    add.push("--password-stdin");
    assert_eq!(run(&config, &db.url, &add, "Xq7#vbnT\n").code, 0);
    assert_eq!(
        run(
            &config,
            &db.url,
            &["user", "set-password", "jdoe"],
            "Zz9!kqwx\n"
        )
        .code,
        0
    );
    assert_eq!(count(&db.url, "password_history").await, 2);
    db.drop_db().await;
}

#[test]
fn bad_or_unreachable_databases_exit_2() {
    let (_dir, config, _) = setup("user-nodb");
    let run_bad = run(&config, "mysql://x/y", &["user", "show", "jdoe"], "");
    assert_eq!(run_bad.code, 2);
    assert!(
        run_bad.stderr.contains("unsupported database URL"),
        "{}",
        run_bad.stderr
    );
    let unreachable = run(
        &config,
        "postgres://u:hunter2@127.0.0.1:9/none",
        &["user", "show", "jdoe"],
        "",
    );
    assert_eq!(unreachable.code, 2);
    assert!(
        unreachable.stderr.contains("cannot open the database"),
        "{}",
        unreachable.stderr
    );
    assert!(
        !unreachable.stderr.contains("hunter2"),
        "the password is redacted: {}",
        unreachable.stderr
    );
    // The environment variable is honoured.
    let from_env = std::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args(["--config", &config, "user", "show", "jdoe"])
        .env("LATCHKEY_DATABASE_URL", "mysql://from-env/x")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&from_env.stderr).contains("from-env"));
}
