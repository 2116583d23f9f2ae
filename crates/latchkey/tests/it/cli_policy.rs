//! The `latchkey policy check` contract.

use serde_json::{Value, json};

use crate::support::{TempDir, latchkey};

const JOHN: [&str; 6] = [
    "--username",
    "jdoe",
    "--name",
    "John Doe",
    "--email",
    "john.doe@example.edu",
];

fn check(extra: &[&str], stdin: &str) -> crate::support::Run {
    let mut args = vec!["policy", "check"];
    args.extend(JOHN);
    args.extend(extra);
    latchkey(&args, stdin.as_bytes())
}

#[test]
fn accepted_exits_0_and_rejected_exits_1() {
    let run = check(&[], "Xq7#vbnT\n");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.starts_with("Accepted"), "{}", run.stdout);

    let run = check(&[], "P@ssw0rd\n");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("dictionary_word"), "{}", run.stdout);
    assert!(
        run.stdout.contains("Contains the common word 'password'."),
        "{}",
        run.stdout
    );
}

#[test]
fn json_verdict_has_the_contract_shape() {
    let run = check(&["--json"], "dragon\n");
    assert_eq!(run.code, 1);
    let verdict: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(verdict["accepted"], json!(false));
    let rules: Vec<&str> = verdict["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["min_length", "uppercase", "special", "dictionary_word"]
    );
    for violation in verdict["violations"].as_array().unwrap() {
        let keys: Vec<&String> = violation.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["message", "rule"]);
    }

    let run = check(&["--json"], "Xq7#vbnT");
    assert_eq!(run.code, 0);
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap(),
        json!({"accepted": true, "violations": []})
    );
}

#[test]
fn only_the_trailing_newline_is_stripped() {
    // With the newline kept, "Xq7#vbn" + "\n" would be 8 characters.
    assert_eq!(check(&["--json"], "Xq7#vbn\n").code, 1);
    assert_eq!(check(&["--json"], "Xq7#vbnT\r\n").code, 0);
    // Leading and inner spaces are part of the password.
    assert_eq!(check(&[], " Xq7#vbn\n").code, 0);
}

#[test]
fn the_email_name_counts_as_a_username() {
    let run = check(&["--json"], "Q7#john.doe\n");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("contains_username"), "{}", run.stdout);
}

#[test]
fn batch_prints_one_verdict_per_line_in_order() {
    let input = "Xq7#vbnT\nP@ssw0rd\n\nZz9!kqwx\r\nJ0hnD03!x";
    let run = check(&["--batch"], input);
    assert_eq!(run.code, 1, "one was rejected: {}", run.stderr);
    let accepted: Vec<bool> = run
        .stdout
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["accepted"]
                .as_bool()
                .unwrap()
        })
        .collect();
    assert_eq!(accepted, [true, false, false, true, false]);

    let run = check(&["--batch"], "Xq7#vbnT\nZz9!kqwx\n");
    assert_eq!(run.code, 0);
    assert_eq!(run.stdout.lines().count(), 2);
}

#[test]
fn bad_input_is_a_usage_error() {
    let run = check(&[], "two\nlines\n");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--batch"), "{}", run.stderr);

    let run = latchkey(
        &["policy", "check", "--username", "jdoe", "--name", "J"],
        b"Xq7#\xff\xfevbnT",
    );
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not valid UTF-8"), "{}", run.stderr);

    let run = latchkey(&["policy", "check", "--name", "John Doe"], b"Xq7#vbnT");
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--username"), "{}", run.stderr);
}

#[test]
fn config_tunes_the_rules() {
    let dir = TempDir::new("tune");
    let config = dir.write(
        "latchkey.toml",
        "[policy]\nmin_length = 12\nspecial = false\n",
    );
    let run = check(&["--config", &config, "--json"], "Xq7vbnTzkw\n");
    assert_eq!(run.code, 1);
    assert!(run.stdout.contains("\"min_length\""), "{}", run.stdout);
    assert!(!run.stdout.contains("\"special\""), "{}", run.stdout);
}

#[test]
fn word_lists_are_read_relative_to_the_config_file() {
    let dir = TempDir::new("lists");
    dir.write("words.txt", "# our own words\nlatchkey\n");
    dir.write("breached.txt", "Xq7#vbnT\n");
    let config = dir.write(
        "latchkey.toml",
        "[policy]\ndictionary_file = \"words.txt\"\nbreached_file = \"breached.txt\"\n",
    );
    let run = check(&["--config", &config, "--json"], "L@tchk3y#9");
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.contains("Contains the common word 'latchkey'."),
        "{}",
        run.stdout
    );
    // The built-in list is replaced, not added to.
    assert_eq!(check(&["--config", &config], "Dragon#77").code, 0);
    let run = check(&["--config", &config, "--json"], "Xq7#vbnT");
    assert!(run.stdout.contains("\"breached\""), "{}", run.stdout);
}

/// A refused configuration names the file, the line and the reason.
#[test]
fn bad_configs_are_refused_with_file_line_and_reason() {
    let dir = TempDir::new("badconfig");
    let cases = [
        (
            "unknown-rule.toml",
            "[policy]\nmin_length = 8\nuppercse = true\n",
            ":3: ",
            "uppercse",
        ),
        (
            "unknown-section.toml",
            "# comment\n[polcy]\n",
            ":2: ",
            "polcy",
        ),
        ("not-toml.toml", "[policy\nmin_length = 8\n", ":1: ", ""),
        (
            "wrong-type.toml",
            "[policy]\nmin_length = \"eight\"\n",
            ":2: ",
            "eight",
        ),
        (
            "no-dictionary.toml",
            "[policy]\n\ndictionary_file = \"missing.txt\"\n",
            ":3: ",
            "missing.txt",
        ),
        (
            "no-breached.toml",
            "[policy]\nbreached_file = \"/nonexistent/b.txt\"\n",
            ":2: ",
            "/nonexistent/b.txt",
        ),
        (
            "contradiction.toml",
            "[policy]\nmax_length = 10\nmin_length = 30\n",
            ":3: ",
            "no password could pass",
        ),
        (
            "empty-words.toml",
            "[policy]\ndictionary_file = \"empty.txt\"\n",
            ":2: ",
            "no words of 4",
        ),
    ];
    dir.write("empty.txt", "# nothing here\ncat\n");
    for (name, contents, line, reason) in cases {
        let config = dir.write(name, contents);
        let run = check(&["--config", &config], "Xq7#vbnT");
        assert_eq!(run.code, 2, "{name}: {}", run.stdout);
        let expected = format!("{config}{line}");
        assert!(
            run.stderr.contains(&expected),
            "{name}: wanted {expected:?} in {}",
            run.stderr
        );
        assert!(
            run.stderr.contains(reason),
            "{name}: wanted {reason:?} in {}",
            run.stderr
        );
        assert!(run.stdout.is_empty(), "{name}: no verdict on a bad config");
    }

    let run = check(&["--config", "/nonexistent/latchkey.toml"], "Xq7#vbnT");
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/nonexistent/latchkey.toml"),
        "{}",
        run.stderr
    );
}
