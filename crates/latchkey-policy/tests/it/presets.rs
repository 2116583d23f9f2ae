//! Presets: the university's rules and NIST SP 800-63B-4's, and explicit
//! keys over either.

use latchkey_policy::{Person, Policy, PolicyConfig, Preset, Rule, WordMatch};

fn settings(json: &str) -> PolicyConfig {
    serde_json::from_str(json).unwrap()
}

fn broken(config: &PolicyConfig, password: &str, second_factor: bool) -> Vec<Rule> {
    let policy = Policy::with_builtin_dictionary(config.clone()).unwrap();
    let person = Person {
        username: "jdoe",
        name: "John Doe",
        email: Some("john.doe@example.edu"),
        second_factor,
    };
    policy.check(password, &person).rules_broken()
}

#[test]
fn no_preset_is_the_university_and_its_rules_are_the_defaults() {
    let config = settings("{}");
    assert_eq!(config, PolicyConfig::default());
    assert_eq!(config.preset, Preset::University);
    assert!(config.uppercase && config.special);
    assert_eq!(config.min_length_for(false), 8);
    assert!(config.short_of_preset().is_empty());
}

#[test]
fn nist_asks_fifteen_characters_alone_and_eight_with_a_second_factor() {
    let nist = settings(r#"{"preset": "nist-800-63b-4"}"#);
    let nine = "qzvbnmxkw";
    assert_eq!(broken(&nist, nine, true), Vec::<Rule>::new());
    assert_eq!(broken(&nist, nine, false), vec![Rule::MinLength]);
    assert!(broken(&nist, "qzvbnmxkwtrplhd", false).is_empty());
    // The university's rules do not care about the second factor.
    let university = PolicyConfig::default();
    assert_eq!(broken(&university, "Xq7#vbnT", false), Vec::<Rule>::new());
}

#[test]
fn nist_has_no_composition_rules_and_screens_the_whole_password() {
    let nist = settings(r#"{"preset": "nist-800-63b-4"}"#);
    assert_eq!(nist.dictionary_match, WordMatch::Whole);
    // A long passphrase of lower-case words passes NIST and not the university.
    let phrase = "correct horse battery staple";
    assert!(broken(&nist, phrase, true).is_empty());
    let university = broken(&PolicyConfig::default(), phrase, true);
    assert!(university.contains(&Rule::DictionaryWord) && university.contains(&Rule::Uppercase));
    // A common word, whole and behind substitutions, is refused.
    assert_eq!(broken(&nist, "password", true), vec![Rule::DictionaryWord]);
    assert_eq!(broken(&nist, "P@ssw0rd", true), vec![Rule::DictionaryWord]);
    // Names are still looked for inside it.
    assert_eq!(
        broken(&nist, "johnsgarden77", true),
        vec![Rule::ContainsName]
    );
}

#[test]
fn explicit_keys_override_the_preset() {
    let config = settings(r#"{"preset": "nist-800-63b-4", "special": true, "min_length": 10}"#);
    assert_eq!(config.preset, Preset::Nist80063b4);
    assert!(config.special && !config.uppercase);
    assert_eq!(config.min_length, 10);
    assert_eq!(config.min_length_single_factor, 15);
    assert_eq!(broken(&config, "qzvbnmxkwt", true), vec![Rule::Special]);
    let short = config.short_of_preset();
    assert!(short.iter().any(|s| s.contains("composition")), "{short:?}");
    assert!(short.iter().any(|s| s.contains("breached")), "{short:?}");
}

#[test]
fn a_resolved_policy_reads_back_as_itself() {
    let config = settings(r#"{"preset": "nist-800-63b-4", "history": 5}"#);
    let written = serde_json::to_string(&config).unwrap();
    assert_eq!(settings(&written), config);
}

#[test]
fn an_unknown_preset_or_key_is_refused() {
    let error = serde_json::from_str::<PolicyConfig>(r#"{"preset": "nist"}"#).unwrap_err();
    assert!(error.to_string().contains("university"), "{error}");
    assert!(serde_json::from_str::<PolicyConfig>(r#"{"min_lenght": 3}"#).is_err());
}

#[test]
fn the_checklist_names_both_minimums_when_they_differ() {
    let nist = settings(r#"{"preset": "nist-800-63b-4"}"#);
    let policy = Policy::with_builtin_dictionary(nist).unwrap();
    let first = &policy.requirements()[0];
    assert_eq!(first.rule, Rule::MinLength);
    assert!(
        first.description.contains("8") && first.description.contains("15"),
        "{}",
        first.description
    );
}
