//! What the password pages (reset and update) share: the checklist of the
//! rules in force and the live check's answer, from the one policy engine.

use latchkey_policy::{Person, Policy, Requirement, Rule, Violation};
use serde::Serialize;
use utoipa::ToSchema;

use super::change::ChangeError;
use super::{Error, log_error};
use crate::directory::DirectoryError;
use crate::i18n::say;
use crate::notify::Queued;
use crate::store::StoreError;

/// Each rule in force: its id, its line, and how the last try fared
/// against it, as the line's class: `rule` (nothing tried yet), `met` or
/// `unmet`.
pub type Checklist = Vec<(&'static str, String, &'static str)>;

/// A checklist line in the request's language.
pub fn requirement_words(requirement: &Requirement) -> String {
    let detail = &requirement.detail;
    let without = match detail.actual == detail.limit {
        true => "same".to_owned(),
        false => detail.actual.to_string(),
    };
    let args = [
        ("limit", detail.limit.to_string()),
        ("without", without),
        ("whole", if detail.whole { "yes" } else { "no" }.to_owned()),
    ];
    say(&format!("rule-{}", requirement.rule.id()), &args)
}

/// A broken rule's words in the request's language: the policy engine
/// gives the rule and its facts; the message files give the words.
pub fn violation_words(violation: &Violation) -> String {
    let detail = &violation.detail;
    let shape = match (detail.found.len(), detail.more, detail.whole) {
        (1, _, true) => "whole",
        (_, true, _) => "more",
        (1, false, _) => "one",
        _ => "other",
    };
    let found = match detail.more {
        // Only some of the words: a list without "and".
        true => (detail.found.iter())
            .map(|w| format!("'{w}'"))
            .collect::<Vec<_>>()
            .join(", "),
        false => quoted_list(&detail.found),
    };
    let args = [
        ("limit", detail.limit.to_string()),
        ("actual", detail.actual.to_string()),
        ("found", found),
        ("count", detail.found.len().to_string()),
        ("shape", shape.to_owned()),
    ];
    say(&format!("broken-{}", violation.rule.id()), &args)
}

/// `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`, in the request's language.
fn quoted_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., first, last] => {
            let (first, last) = (first.clone(), last.clone());
            match rest.is_empty() {
                true => say("list-two", &[("first", first), ("last", last)]),
                false => say(
                    "list-more",
                    &[("rest", rest.join(", ")), ("first", first), ("last", last)],
                ),
            }
        }
    }
}

/// `violations` with their words in the request's language.
pub fn in_words(violations: Vec<Violation>) -> Vec<Violation> {
    (violations.into_iter())
        .map(|v| Violation {
            message: violation_words(&v),
            ..v
        })
        .collect()
}

/// The checklist before a try (`violations` empty), or after a refused one:
/// then every rule is marked, the broken ones and the kept ones alike.
pub fn checklist(policy: &Policy, violations: &[Violation]) -> Checklist {
    policy
        .requirements()
        .into_iter()
        .map(|r| {
            let broken = violations.iter().any(|v| v.rule == r.rule);
            let class = match (violations.is_empty(), broken) {
                (true, _) => "rule",
                (false, true) => "unmet",
                (false, false) => "met",
            };
            (r.rule.id(), requirement_words(&r), class)
        })
        .collect()
}

/// A refusal by the policy in one message, for a client that shows a
/// message rather than each broken rule: every rule's own words, in order.
pub fn refusal_message(violations: &[Violation]) -> String {
    let reasons: Vec<&str> = violations.iter().map(|v| v.message.as_str()).collect();
    format!("{} {}", say("refused-intro", &[]), reasons.join(" "))
}

/// The live checklist's answer: which rules a password meets so far.
#[derive(Serialize, ToSchema)]
pub struct CheckAnswer {
    pub accepted: bool,
    #[schema(value_type = Vec<BrokenRule>)]
    pub violations: Vec<Violation>,
    pub requirements: Vec<RequirementMet>,
    /// The confirmation is typed and matches.
    pub confirmed: bool,
}

/// A broken rule (as [`Violation`] serializes): its id and what to do.
#[derive(Serialize, ToSchema)]
pub struct BrokenRule {
    pub rule: String,
    pub message: String,
}

impl From<Violation> for BrokenRule {
    fn from(violation: Violation) -> Self {
        BrokenRule {
            rule: violation.rule.id().to_owned(),
            message: violation.message,
        }
    }
}

/// A rule in force and whether the password meets it; `met` is null for
/// `history`, which only the submission checks.
#[derive(Serialize, ToSchema)]
pub struct RequirementMet {
    #[schema(value_type = String)]
    pub rule: Rule,
    pub description: String,
    pub met: Option<bool>,
}

pub fn check_answer(
    policy: &Policy,
    password: &str,
    confirm: &str,
    person: &Person<'_>,
) -> CheckAnswer {
    let verdict = policy.check(password, person);
    let requirements = policy
        .requirements()
        .into_iter()
        .map(|r| RequirementMet {
            met: (r.rule != Rule::History).then(|| !verdict.breaks(r.rule)),
            rule: r.rule,
            description: requirement_words(&r),
        })
        .collect();
    CheckAnswer {
        accepted: verdict.accepted(),
        violations: in_words(verdict.violations),
        requirements,
        confirmed: !confirm.is_empty() && confirm == password,
    }
}

/// Whether a change is made here too, or only in the directory so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Made {
    /// In both: the person is told (the notice queued with the change is
    /// tried now) and other sessions end now.
    Everywhere(Vec<Queued>),
    /// In the directory, not yet here: the reconciler stores it, and tells
    /// the person then, so a notice never reports a change half made.
    InDirectory,
}

/// A change the directory took counts as made, even while this store has
/// yet to take it (the reconciler settles it): the person's laptops and
/// services check the directory.
pub fn made(result: Result<Vec<Queued>, ChangeError>) -> Result<Made, ChangeError> {
    match result {
        Ok(queued) => Ok(Made::Everywhere(queued)),
        Err(ChangeError::NotStoredHere(e)) => {
            log_error(&format!(
                "a change is in the directory only until settled: {e}"
            ));
            Ok(Made::InDirectory)
        }
        Err(e) => Err(e),
    }
}

/// Why a change did not happen: the rule ids for the audit trail, and what
/// the password page shows (a sentence, or the broken policy rules).
pub struct NotChanged {
    pub rules: String,
    pub error: Option<String>,
    pub violations: Vec<Violation>,
}

/// The one mapping of a failed change to the password page. Failures that
/// are ours, not the person's, become the error page with a reference.
pub fn not_changed(error: ChangeError, zone: &jiff::tz::TimeZone) -> Result<NotChanged, Error> {
    let said = |rules: &str, message: &str| {
        let message = match message.starts_with("change-") {
            true => say(message, &[]),
            false => message.to_owned(),
        };
        Ok(NotChanged {
            rules: rules.to_owned(),
            error: Some(message),
            violations: Vec::new(),
        })
    };
    match error {
        ChangeError::Rejected(verdict) => {
            let rules: Vec<&str> = verdict.violations.iter().map(|v| v.rule.id()).collect();
            Ok(NotChanged {
                rules: rules.join(","),
                error: None,
                violations: in_words(verdict.violations),
            })
        }
        ChangeError::Store(StoreError::Conflict) => said("conflict", "change-conflict"),
        ChangeError::InProgress => said("in_progress", "change-in-progress"),
        ChangeError::Directory(DirectoryError::Refused(refusal)) => {
            said(refusal.id(), &refusal.message(zone))
        }
        ChangeError::Directory(DirectoryError::NoEntry) => {
            said("directory_no_entry", "change-no-entry")
        }
        ChangeError::Directory(DirectoryError::Unreachable(detail)) => {
            log_error(&format!("directory unreachable: {detail}"));
            said("directory_unreachable", "change-unreachable")
        }
        ChangeError::Directory(DirectoryError::Unanswered(detail)) => {
            log_error(&format!("directory did not answer a change: {detail}"));
            said("directory_unanswered", "change-unanswered")
        }
        // The database gone mid-change is "try again in a minute" (503),
        // as anywhere else; the rest is ours, with a reference.
        other => Err(Error::from(other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Speech, speaking};
    use latchkey_policy::{PolicyConfig, WordMatch};

    fn ada() -> Person<'static> {
        Person {
            username: "alovelace",
            name: "Ada King Lovelace",
            email: None,
            second_factor: false,
        }
    }

    /// Passwords that between them break every rule the engine words
    /// itself, each way it can.
    const TRIES: [&str; 6] = [
        "a",
        "alovelacexx",
        "KingLovelace1!",
        "monkeydragonsunshine",
        "Password1!",
        "apple banana cherry dragon eagle falcon guitar!A1",
    ];

    fn policies() -> Vec<Policy> {
        let base = PolicyConfig::default();
        let configs = [
            base.clone(),
            PolicyConfig {
                dictionary_match: WordMatch::Whole,
                min_length_single_factor: base.min_length + 4,
                max_length: 12,
                ..base.clone()
            },
        ];
        (configs.into_iter())
            .map(|c| Policy::with_builtin_dictionary(c).unwrap())
            .collect()
    }

    #[test]
    fn a_change_the_database_could_not_take_is_unavailable_not_internal() {
        let zone = jiff::tz::TimeZone::UTC;
        // What a request meets while PostgreSQL restarts (the surge's outage).
        let gone = ChangeError::Store(StoreError::pool_timed_out());
        assert!(matches!(
            not_changed(gone, &zone),
            Err(Error::Unavailable(_))
        ));
        let corrupt = ChangeError::Store(StoreError::Corrupt("a bad row".into()));
        assert!(matches!(
            not_changed(corrupt, &zone),
            Err(Error::Internal(_))
        ));
    }

    #[test]
    fn the_english_message_file_says_what_the_policy_engine_says() {
        for policy in policies() {
            for requirement in policy.requirements() {
                assert_eq!(requirement_words(&requirement), requirement.description);
            }
            for password in TRIES {
                for violation in policy.check(password, &ada()).violations {
                    assert_eq!(violation_words(&violation), violation.message, "{password}");
                }
            }
            let history = Violation::history(24);
            assert_eq!(violation_words(&history), history.message);
        }
    }

    #[tokio::test]
    async fn the_rules_are_said_in_spanish_with_spanish_lists() {
        let speech = Speech {
            lang: Lang::Es,
            ..Speech::default()
        };
        let policy = &policies()[0];
        let (lines, broken) = speaking(speech, async {
            let lines: Vec<String> = (policy.requirements().iter())
                .map(requirement_words)
                .collect();
            let verdict = policy.check("KingLovelace", &ada());
            (lines, in_words(verdict.violations))
        })
        .await;
        assert!(
            lines.contains(&"Una letra mayúscula (A–Z)".to_owned()),
            "{lines:?}"
        );
        let name = broken
            .iter()
            .find(|v| v.rule == Rule::ContainsName)
            .expect("the name is found");
        assert_eq!(
            name.message,
            "Contiene 'king' y 'lovelace', partes de su nombre; quítelas."
        );
    }
}
