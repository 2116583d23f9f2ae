//! Properties that hold for every password, not just the ones in the tables.

use std::sync::LazyLock;

use latchkey_policy::{Person, Policy, PolicyConfig, Rule};
use proptest::prelude::*;

static POLICY: LazyLock<Policy> =
    LazyLock::new(|| Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap());

/// Special characters that stand for no letter, so they break up words.
const SEPARATORS: &str = "#%&*?^~-_=";

/// Passwords that meet every rule by construction: runs of at most two
/// letters between separators can spell neither a word (4+ letters) nor a
/// name (3+), and the first run holds an upper- and a lower-case letter.
fn acceptable_password() -> impl Strategy<Value = String> {
    let run = "[a-zA-Z]{1,2}";
    let separator = proptest::sample::select(SEPARATORS.chars().collect::<Vec<_>>());
    (
        "[A-Z][a-z]",
        separator.clone(),
        proptest::collection::vec((run, separator), 2..20),
    )
        .prop_map(|(first, sep, rest)| {
            let mut password = format!("{first}{sep}");
            for (letters, sep) in rest {
                password.push_str(&letters);
                password.push(sep);
            }
            password
        })
        .prop_filter("within the length bounds", |p| {
            (8..=128).contains(&p.chars().count())
        })
}

fn person() -> impl Strategy<Value = (String, String)> {
    ("[a-z]{3,12}", "[A-Z][a-z]{2,10} [A-Z][a-z]{2,12}")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn a_password_meeting_every_rule_is_accepted(password in acceptable_password(), (username, name) in person()) {
        let person = Person { username: &username, name: &name, email: None, second_factor: true };
        let verdict = POLICY.check(&password, &person);
        prop_assert!(verdict.accepted(), "{password:?}: {:?}", verdict.violations);
    }

    #[test]
    fn removing_a_required_class_is_reported_under_its_rule(
        password in acceptable_password(),
        which in 0..3usize,
    ) {
        let (rule, changed): (Rule, String) = match which {
            0 => (Rule::Uppercase, password.to_lowercase()),
            1 => (Rule::Lowercase, password.to_uppercase()),
            _ => (Rule::Special, password.chars().map(|c| if SEPARATORS.contains(c) { 'Q' } else { c }).collect()),
        };
        let verdict = POLICY.check(&changed, &Person::default());
        prop_assert!(verdict.breaks(rule), "{changed:?}: {:?}", verdict.violations);
        for other in [Rule::Uppercase, Rule::Lowercase, Rule::Special] {
            if other != rule {
                prop_assert!(!verdict.breaks(other), "{changed:?} also broke {other}");
            }
        }
    }

    #[test]
    fn length_rules_count_characters(password in "\\PC{0,200}") {
        let verdict = POLICY.check(&password, &Person::default());
        let length = password.chars().count();
        prop_assert_eq!(verdict.breaks(Rule::MinLength), length < 8);
        prop_assert_eq!(verdict.breaks(Rule::MaxLength), length > 128);
    }

    #[test]
    fn any_input_gets_a_verdict_with_messages(password in any::<String>(), name in any::<String>()) {
        let person = Person { username: &name, name: &name, email: Some(&name), second_factor: true };
        let verdict = POLICY.check(&password, &person);
        prop_assert!(verdict.violations.iter().all(|v| !v.message.is_empty()));
    }

    #[test]
    fn a_dictionary_word_is_found_behind_case_and_substitutions(
        index in 0..10_000usize,
        upper in proptest::collection::vec(any::<bool>(), 32),
    ) {
        let words: Vec<&str> = include_str!("../../data/common-words.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .collect();
        let word = words[index % words.len()];
        let disguised: String = word
            .chars()
            .zip(upper.iter().cycle())
            .map(|(c, &up)| match (c, up) {
                ('o', _) => '0',
                ('a', true) => '@',
                ('s', true) => '$',
                ('e', _) => '3',
                (c, true) => c.to_ascii_uppercase(),
                (c, false) => c,
            })
            .collect();
        let verdict = POLICY.check(&format!("#{disguised}7"), &Person::default());
        prop_assert!(verdict.breaks(Rule::DictionaryWord), "{word} as {disguised}");
    }
}
