//! Every rule, table by table, through the public API.

use std::sync::LazyLock;

use latchkey_policy::{BreachedList, Dictionary, Person, Policy, PolicyConfig, Rule};

static DEFAULT: LazyLock<Policy> =
    LazyLock::new(|| Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap());

const JOHN: Person<'static> = Person {
    username: "jdoe",
    name: "John Doe",
    email: Some("john.doe@example.edu"),
    second_factor: true,
};

fn broken(policy: &Policy, password: &str, person: &Person<'_>) -> Vec<Rule> {
    policy.check(password, person).rules_broken()
}

/// (password, the rules it breaks under the default policy, for John Doe).
#[test]
fn default_policy_table() {
    use Rule::*;
    let table: &[(&str, &[Rule])] = &[
        // Accepted: every class, no word of 4+ letters, no name.
        ("Xq7#vbnT", &[]),
        ("Zz9!kqwx", &[]),
        ("", &[MinLength, Uppercase, Lowercase, Special]),
        ("Ab1!", &[MinLength]),
        ("Xq7#vbn", &[MinLength]),
        ("xq7#vbnt", &[Uppercase]),
        ("XQ7#VBNT", &[Lowercase]),
        ("Xq7vbnTz", &[Special]),
        ("xq7vbntz", &[Uppercase, Special]),
        // Space counts as neither special nor a letter.
        ("Xq7 vbnT", &[Special]),
        // Words, plainly and behind substitutions.
        ("Dragon#99", &[DictionaryWord]),
        ("P@ssw0rd", &[DictionaryWord]),
        ("$umm3r!!Xq", &[DictionaryWord]),
        ("Tr0ub4dor&3", &[]),
        // The username, the email's name and the name's parts.
        // "jdoe" holds "doe", a part of the name, so both rules speak.
        ("Xjdoe#77q", &[ContainsUsername, ContainsName]),
        ("XJD0E#77q", &[ContainsUsername, ContainsName]),
        ("J0hnD03!x", &[ContainsName]),
        ("Q!john.doe7", &[ContainsUsername, ContainsName]),
        ("xDOE#7721q", &[ContainsName]),
    ];
    for (password, expected) in table {
        let mut got = broken(&DEFAULT, password, &JOHN);
        got.sort();
        let mut want = expected.to_vec();
        want.sort();
        assert_eq!(got, want, "password {password:?}");
    }
}

#[test]
fn every_violation_is_reported_at_once_with_a_plain_message() {
    let verdict = DEFAULT.check("john", &JOHN);
    let messages: Vec<(&str, &str)> = verdict
        .violations
        .iter()
        .map(|v| (v.rule.id(), v.message.as_str()))
        .collect();
    assert_eq!(
        messages,
        vec![
            (
                "min_length",
                "Too short: use at least 8 characters (this has 4)."
            ),
            ("uppercase", "Add an upper-case letter (A–Z)."),
            (
                "special",
                "Add a special character, such as ! # $ % & * ? or @."
            ),
            (
                "contains_name",
                "Contains 'john', part of your name; leave it out."
            ),
        ]
    );
}

#[test]
fn dictionary_message_names_the_longest_words_not_their_parts() {
    let verdict = DEFAULT.check("Password#Dragon9", &JOHN);
    let message = &verdict.violations[0].message;
    assert_eq!(
        message,
        "Contains the common words 'password' and 'dragon'."
    );
}

#[test]
fn dictionary_message_says_when_it_leaves_words_out() {
    let verdict = DEFAULT.check("#Xapple-orange-purple-yellow-garden-window-basket", &JOHN);
    let message = &verdict.violations[0].message;
    assert!(message.ends_with(" and others."), "{message}");
    assert_eq!(message.matches('\'').count(), 10, "{message}");
}

#[test]
fn ambiguous_characters_are_read_every_way() {
    // '1' reads 'l' in "he11o" and 'i' in "m1nd"; "!" reads 'i' in "k!tchen".
    for (password, word) in [
        ("Xhe11o#9", "hello"),
        ("Xm1nd#99", "mind"),
        ("Zk!tchen7", "kitchen"),
    ] {
        let verdict = DEFAULT.check(password, &JOHN);
        let message = verdict
            .violations
            .iter()
            .find(|v| v.rule == Rule::DictionaryWord)
            .map(|v| v.message.clone())
            .unwrap_or_default();
        assert!(
            message.contains(&format!("'{word}'")),
            "{password}: {message:?}"
        );
    }
    // Both readings of one character within one word: "1" as 'i' then as 'l'.
    let person = Person {
        username: "zz",
        name: "Lilian Kowalczyk",
        email: None,
        second_factor: true,
    };
    assert_eq!(
        broken(&DEFAULT, "X#1111an9", &person),
        vec![Rule::ContainsName]
    );
}

#[test]
fn many_ambiguous_characters_stay_linear() {
    // 2^10,000 readings if enumerated; the state-set walk does it in one pass.
    let password = "1!|".repeat(3_334);
    let verdict = DEFAULT.check(&password, &JOHN);
    assert!(verdict.breaks(Rule::MaxLength));
    assert!(verdict.breaks(Rule::Uppercase));
}

#[test]
fn unicode_passwords() {
    use Rule::*;
    let table: &[(&str, &[Rule])] = &[
        // Accented letters are letters of their case; emoji are special.
        ("Ñandú7ßq🙂", &[]),
        ("éèêëqzxw", &[Uppercase, Special]),
        ("ÉÈÊËQZXW", &[Lowercase, Special]),
        // Accents do not hide a word or a name.
        ("Drágön#77", &[DictionaryWord]),
        ("x#JÖHN777", &[ContainsName]),
        // Length counts characters, not bytes: four emoji are four characters.
        ("Aa🙂🙂🙂🙂", &[MinLength]),
    ];
    for (password, expected) in table {
        let mut got = broken(&DEFAULT, password, &JOHN);
        got.sort();
        assert_eq!(got, expected.to_vec(), "password {password:?}");
    }
}

#[test]
fn very_long_input_is_checked_fully() {
    let mut password = "Xq7#".repeat(2_500);
    password.push_str("dragon");
    let verdict = DEFAULT.check(&password, &JOHN);
    assert_eq!(
        verdict.rules_broken(),
        vec![Rule::MaxLength, Rule::DictionaryWord]
    );
}

#[test]
fn names_from_the_directory() {
    let person = Person {
        username: "mjo",
        name: "Mary-Jane O'Neil",
        email: None,
        second_factor: true,
    };
    assert_eq!(
        broken(&DEFAULT, "Q#neil7777", &person),
        vec![Rule::ContainsName]
    );
    assert_eq!(
        broken(&DEFAULT, "Q#mjo7777x", &person),
        vec![Rule::ContainsUsername]
    );
    // "O" is shorter than min_name_length: not looked for.
    assert_eq!(broken(&DEFAULT, "Q#o7777xzk", &person), vec![]);
    // Non-Latin names are folded and found too.
    let person = Person {
        username: "dmitri",
        name: "Дмитрий Петров",
        email: None,
        second_factor: true,
    };
    assert_eq!(
        broken(&DEFAULT, "Q#ПЕТРОВ77x", &person),
        vec![Rule::ContainsName]
    );
}

#[test]
fn every_rule_can_be_switched_off() {
    let config = PolicyConfig {
        min_length: 0,
        max_length: 0,
        uppercase: false,
        lowercase: false,
        special: false,
        contains_username: false,
        contains_name: false,
        dictionary_word: false,
        history: 0,
        ..PolicyConfig::default()
    };
    let policy = Policy::with_builtin_dictionary(config).unwrap();
    assert!(policy.check("", &JOHN).accepted());
    assert!(policy.check("john.doe password", &JOHN).accepted());
    assert!(policy.requirements().is_empty());
}

#[test]
fn rules_can_be_tuned() {
    let config = PolicyConfig {
        min_length: 12,
        min_name_length: 5,
        dictionary_min_word_length: 7,
        ..PolicyConfig::default()
    };
    let policy = Policy::with_builtin_dictionary(config).unwrap();
    assert_eq!(broken(&policy, "Xq7#vbnTzzz", &JOHN), vec![Rule::MinLength]);
    // "john" and "dragon" are now too short to be looked for; "password" is not.
    assert!(policy.check("John#Dragon7", &JOHN).accepted());
    assert_eq!(
        broken(&policy, "Password#777", &JOHN),
        vec![Rule::DictionaryWord]
    );
}

#[test]
fn an_operator_dictionary_replaces_the_builtin_one() {
    let dictionary = Dictionary::parse("latchkey\nwolverine\n", 4).unwrap();
    let policy = Policy::new(PolicyConfig::default(), Some(dictionary), Vec::new());
    assert_eq!(
        broken(&policy, "L@tchk3y#9", &JOHN),
        vec![Rule::DictionaryWord]
    );
    assert!(policy.check("Dragon#777", &JOHN).accepted());
}

#[test]
fn breached_passwords_are_refused_when_a_list_is_configured() {
    let breached = BreachedList::parse("Xq7#vbnT\n");
    let policy = Policy::new(PolicyConfig::default(), None, vec![Box::new(breached)]);
    assert_eq!(broken(&policy, "Xq7#vbnT", &JOHN), vec![Rule::Breached]);
    assert!(broken(&DEFAULT, "Xq7#vbnT", &JOHN).is_empty());
    assert!(
        policy
            .requirements()
            .iter()
            .any(|r| r.rule == Rule::Breached)
    );
    assert!(
        !DEFAULT
            .requirements()
            .iter()
            .any(|r| r.rule == Rule::Breached)
    );
}

#[test]
fn checklist_lists_the_rules_in_force() {
    let lines: Vec<String> = DEFAULT
        .requirements()
        .into_iter()
        .map(|r| r.description)
        .collect();
    assert_eq!(
        lines,
        vec![
            "At least 8 characters",
            "At most 128 characters",
            "An upper-case letter (A–Z)",
            "A lower-case letter (a–z)",
            "A special character, such as ! # $ % & * ? or @",
            "Does not contain your username",
            "Does not contain your name",
            "Does not contain a common word",
            "Not one of your last 24 passwords",
        ]
    );
    assert_eq!(DEFAULT.history_depth(), 24);
}

#[test]
fn verdicts_serialise_to_the_shared_json_shape() {
    let json = serde_json::to_value(DEFAULT.check("Xq7vbnTz", &JOHN)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "accepted": false,
            "violations": [{"rule": "special", "message": "Add a special character, such as ! # $ % & * ? or @."}]
        })
    );
    let json = serde_json::to_value(DEFAULT.check("Xq7#vbnT", &JOHN)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"accepted": true, "violations": []})
    );
}

#[test]
fn contradictory_settings_are_refused() {
    let config = PolicyConfig {
        min_length: 20,
        max_length: 10,
        ..PolicyConfig::default()
    };
    let problem = config.validate().unwrap_err();
    assert_eq!(problem.key, "min_length");
    assert!(PolicyConfig::default().validate().is_ok());
}

/// A variant under stricter settings (one person's directory rules) keeps
/// the lists it was built with and applies its own settings.
#[test]
fn a_variant_under_other_settings_shares_the_lists_and_applies_its_rules() {
    let policy = Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap();
    let stricter = policy.with_config(PolicyConfig {
        min_length: 16,
        ..PolicyConfig::default()
    });
    let person = Person::default();
    let password = "Sunshine#Harbor7";
    assert!(policy.check(password, &person).breaks(Rule::DictionaryWord));
    let verdict = stricter.check(password, &person);
    assert!(
        verdict.breaks(Rule::DictionaryWord),
        "the dictionary is shared"
    );
    assert!(!verdict.breaks(Rule::MinLength), "16 characters");
    assert!(
        stricter
            .check("Qz8#vbnMx-4k", &person)
            .breaks(Rule::MinLength)
    );
    assert!(
        !policy
            .check("Qz8#vbnMx-4k", &person)
            .breaks(Rule::MinLength)
    );
    // A dictionary the policy did not load stays off.
    let without = Policy::with_builtin_dictionary(PolicyConfig {
        dictionary_word: false,
        ..PolicyConfig::default()
    })
    .unwrap();
    let asked = without.with_config(PolicyConfig::default());
    assert!(!asked.check(password, &person).breaks(Rule::DictionaryWord));
}
