//! No one locked out through us: how many binds as one person the
//! directory's lockout leaves to this service. The gate that counts them
//! is the domain's (`domain::authority::LockoutGate`).

use super::DirectoryPolicy;

/// The window when the directory forgets wrong passwords only after a right
/// one (ppolicy without `pwdFailureCountInterval`): a day.
const WITHOUT_WINDOW_SECONDS: i64 = 86_400;

/// How many binds within how many seconds the directory's lockout leaves
/// to this service for one entry: its threshold less one, less `margin`
/// for the person's own devices, and at least one (or the person could never
/// sign in here). `None`: the directory never locks.
pub fn allowance(rules: &DirectoryPolicy, margin: u32) -> Option<(i64, i64)> {
    let threshold = i64::from(rules.max_failures?);
    let binds = (threshold - 1 - i64::from(margin)).max(1);
    let window = rules.failure_window.unwrap_or(WITHOUT_WINDOW_SECONDS);
    Some((binds, window))
}

/// What `config check` and the server's start say about the directory's
/// lockout: nothing while the allowance leaves `margin` wrong passwords to
/// a person's own devices; otherwise what sign-in here does instead, with
/// settings that can be set.
pub fn lockout_note(rules: &DirectoryPolicy, margin: u32) -> Option<String> {
    let threshold = rules.max_failures?;
    let (binds, window) = allowance(rules, margin)?;
    let minutes = window / 60;
    let kept = i64::from(threshold) - 1 - binds;
    (kept < i64::from(margin)).then(|| {
        format!(
            "the directory locks an account after {threshold} wrong passwords: sign-in here binds with at most {binds} wrong password(s) a person in {minutes} minutes and then pauses, which leaves {kept} to the person's own devices, fewer than directory.lockout_margin = {margin}; raise the directory's lockout threshold to {} or more to keep the margin",
            2 + margin
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_allowance_stays_under_the_directorys_lockout() {
        let rules = |max_failures, failure_window| DirectoryPolicy {
            max_failures,
            failure_window,
            ..DirectoryPolicy::default()
        };
        assert_eq!(allowance(&rules(None, Some(900)), 1), None);
        assert_eq!(allowance(&rules(Some(10), Some(1800)), 1), Some((8, 1800)));
        assert_eq!(allowance(&rules(Some(3), None), 1), Some((1, 86_400)));
        assert_eq!(allowance(&rules(Some(3), Some(300)), 0), Some((2, 300)));
        assert_eq!(
            allowance(&rules(Some(1), Some(300)), 1),
            Some((1, 300)),
            "one bind at least, or no one could sign in"
        );
    }

    #[test]
    fn a_threshold_too_low_for_the_margin_is_named_with_a_value_that_keeps_it() {
        let rules = |max_failures| DirectoryPolicy {
            max_failures,
            failure_window: Some(1800),
            ..DirectoryPolicy::default()
        };
        assert_eq!(lockout_note(&rules(None), 1), None);
        assert_eq!(lockout_note(&rules(Some(3)), 1), None, "1 here, 1 kept");
        assert_eq!(lockout_note(&rules(Some(10)), 2), None);
        let said = lockout_note(&rules(Some(2)), 1).unwrap();
        assert!(said.contains("leaves 0"), "{said}");
        assert!(said.contains("to 3 or more"), "{said}");
        // The advice keeps the margin it names.
        let advised = rules(Some(3));
        assert_eq!(lockout_note(&advised, 1), None);
    }
}
