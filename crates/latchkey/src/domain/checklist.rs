//! What the password pages (reset and update) share: the checklist of the
//! rules in force and the live check's answer, from the one policy engine.

use latchkey_policy::{Person, Policy, Rule, Violation};
use serde::Serialize;
use utoipa::ToSchema;

use super::change::ChangeError;
use super::{Error, log_error};
use crate::directory::DirectoryError;
use crate::notify::Queued;
use crate::store::StoreError;

/// Each rule in force: its id, its line, and how the last try fared
/// against it, as the line's class: `rule` (nothing tried yet), `met` or
/// `unmet`.
pub type Checklist = Vec<(&'static str, String, &'static str)>;

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
            (r.rule.id(), r.description, class)
        })
        .collect()
}

/// A refusal by the policy in one message, for a client that shows a
/// message rather than each broken rule: every rule's own words, in order.
pub fn refusal_message(violations: &[Violation]) -> String {
    let reasons: Vec<&str> = violations.iter().map(|v| v.message.as_str()).collect();
    format!("The new password was not accepted. {}", reasons.join(" "))
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
            description: r.description,
        })
        .collect();
    CheckAnswer {
        accepted: verdict.accepted(),
        violations: verdict.violations,
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
pub fn not_changed(error: ChangeError) -> Result<NotChanged, Error> {
    let said = |rules: &str, message: &str| {
        Ok(NotChanged {
            rules: rules.to_owned(),
            error: Some(message.to_owned()),
            violations: Vec::new(),
        })
    };
    match error {
        ChangeError::Rejected(verdict) => {
            let rules: Vec<&str> = verdict.violations.iter().map(|v| v.rule.id()).collect();
            Ok(NotChanged {
                rules: rules.join(","),
                error: None,
                violations: verdict.violations,
            })
        }
        ChangeError::Store(StoreError::Conflict) => said(
            "conflict",
            "Your password was changed in another window meanwhile. Try again.",
        ),
        ChangeError::InProgress => said(
            "in_progress",
            "A change of this password is still being written to the campus directory. Wait a few minutes and try again.",
        ),
        ChangeError::Directory(DirectoryError::Refused(refusal)) => {
            said(refusal.id(), &refusal.message())
        }
        ChangeError::Directory(DirectoryError::NoEntry) => said(
            "directory_no_entry",
            "Your account is not in the campus directory, so its password cannot be changed here. Call the help desk.",
        ),
        ChangeError::Directory(DirectoryError::Unreachable(detail)) => {
            log_error(&format!("directory unreachable: {detail}"));
            said(
                "directory_unreachable",
                "The campus directory cannot be reached right now, so your password was not changed. Try again in a few minutes.",
            )
        }
        ChangeError::Directory(DirectoryError::Unanswered(detail)) => {
            log_error(&format!("directory did not answer a change: {detail}"));
            said(
                "directory_unanswered",
                "The campus directory did not confirm the change in time. It may have taken your new password: in five minutes, try signing in with it; if it does not work, your old password still does, and you can try again.",
            )
        }
        other => Err(Error::Internal(other.to_string())),
    }
}
