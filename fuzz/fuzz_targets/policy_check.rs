//! Any password, any person: the checker never panics, and its verdict
//! agrees with the length rule that is easy to state independently.
#![no_main]

use std::sync::LazyLock;

use latchkey_policy::{Person, Policy, PolicyConfig, Rule};
use libfuzzer_sys::fuzz_target;

static POLICY: LazyLock<Policy> = LazyLock::new(|| {
    Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap_or_else(|e| panic!("{e}"))
});

fuzz_target!(|input: (&str, &str, &str)| {
    let (password, username, name) = input;
    let person = Person {
        username,
        name,
        email: Some(username),
        second_factor: true,
    };
    let verdict = POLICY.check(password, &person);
    let length = password.chars().count();
    assert_eq!(verdict.breaks(Rule::MinLength), length < 8);
    assert_eq!(verdict.breaks(Rule::MaxLength), length > 128);
    assert!(verdict.violations.iter().all(|v| !v.message.is_empty()));
});
