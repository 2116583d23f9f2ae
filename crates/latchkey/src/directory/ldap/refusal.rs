//! A refused password change in plain words, from what the directory
//! said when no password-policy control said it: its result code and text.

use crate::directory::Refusal;

/// The rule a directory's refusal names, from its result code and text,
/// when no password-policy control said: Active Directory's `0000052D`
/// says only that some restriction was not met.
pub fn refusal(rc: u32, text: &str) -> Option<Refusal> {
    const CONSTRAINT_VIOLATION: u32 = 19;
    const UNWILLING_TO_PERFORM: u32 = 53;
    let text = text.to_ascii_lowercase();
    if text.contains("0000052d") {
        return Some(Refusal::Restrictions);
    }
    if rc != CONSTRAINT_VIOLATION && rc != UNWILLING_TO_PERFORM {
        return None;
    }
    Some(
        if text.contains("history") || text.contains("existing value") {
            Refusal::History
        } else if text.contains("too short") {
            Refusal::Length(None)
        } else if text.contains("too young") {
            Refusal::MinimumAge(None)
        } else if text.contains("quality") {
            Refusal::Complexity
        } else if rc == CONSTRAINT_VIOLATION {
            Refusal::Restrictions
        } else {
            return None;
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_refusals_name_the_rule() {
        let cases = [
            (
                19,
                "Password is in history of old passwords",
                Some(Refusal::History),
            ),
            (
                19,
                "Password is not being changed from existing value",
                Some(Refusal::History),
            ),
            (
                19,
                "Password fails quality checking policy",
                Some(Refusal::Complexity),
            ),
            (
                19,
                "Password is too short for policy",
                Some(Refusal::Length(None)),
            ),
            (
                19,
                "Password is too young to change",
                Some(Refusal::MinimumAge(None)),
            ),
            (
                19,
                "0000052D: Constraint violation - check_password_restrictions: the password does not meet the complexity criteria",
                Some(Refusal::Restrictions),
            ),
            (
                53,
                "0000052D: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM)",
                Some(Refusal::Restrictions),
            ),
            (50, "insufficient access", None),
            (
                53,
                "0000001F: SvcErr: DSID-031A12D2, problem 5003 (WILL_NOT_PERFORM)",
                None,
            ),
        ];
        for (rc, text, expected) in cases {
            assert_eq!(refusal(rc, text), expected, "{rc} {text}");
        }
    }
}
