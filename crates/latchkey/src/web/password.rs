//! What the password pages (reset and update) share: the checklist of the
//! rules in force and the live check's answer, from the one policy engine.

use latchkey_policy::{Person, Policy, Rule, Violation};

/// Each rule in force: its id, its line, and whether the last try broke it.
pub type Checklist = Vec<(&'static str, String, bool)>;

pub fn checklist(policy: &Policy, violations: &[Violation]) -> Checklist {
    policy
        .requirements()
        .into_iter()
        .map(|r| {
            let broken = violations.iter().any(|v| v.rule == r.rule);
            (r.rule.id(), r.description, broken)
        })
        .collect()
}

/// The live checklist's answer: which rules this password meets so far.
/// `history` is left to the submission (`met: null`), the verdict that counts.
pub fn check_answer(
    policy: &Policy,
    password: &str,
    confirm: &str,
    person: &Person<'_>,
) -> serde_json::Value {
    let verdict = policy.check(password, person);
    let requirements: Vec<serde_json::Value> = policy
        .requirements()
        .into_iter()
        .map(|r| {
            let met = (r.rule != Rule::History).then(|| !verdict.breaks(r.rule));
            serde_json::json!({"rule": r.rule, "description": r.description, "met": met})
        })
        .collect();
    serde_json::json!({
        "accepted": verdict.accepted(),
        "violations": verdict.violations,
        "requirements": requirements,
        "confirmed": !confirm.is_empty() && confirm == password,
    })
}
