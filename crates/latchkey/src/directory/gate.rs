//! No one locked out through us: how many binds as one person the
//! directory's lockout leaves to this service. The gate that counts them
//! is the domain's (`domain::authority::LockoutGate`).
//!
//! What Latchkey is not told, it assumes strict: a lockout threshold it
//! cannot read (OpenLDAP's default policy lives in slapd's configuration,
//! which a service account seldom reads) is taken as three wrong passwords
//! with no reset interval, unless `directory.lockout_threshold` says
//! otherwise.

use serde::Serialize;

use super::{DirectoryPolicy, Lockout};

/// The threshold assumed when the directory does not say one and the
/// operator did not set `directory.lockout_threshold`: few directories lock
/// sooner.
pub const ASSUMED_THRESHOLD: u32 = 3;

/// What sign-in here knows of the directory's lockout beyond what the
/// directory says: `[directory]`'s `lockout_margin`, `lockout_threshold`
/// and `lockout_window_minutes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutSettings {
    /// Wrong passwords left to the person's own devices within a window.
    pub margin: u32,
    /// The threshold to assume when the directory's cannot be read.
    pub threshold: Option<u32>,
    /// The window binds are counted in when the directory sets none.
    pub window_seconds: i64,
}

impl Default for LockoutSettings {
    fn default() -> Self {
        LockoutSettings {
            margin: 1,
            threshold: None,
            window_seconds: 15 * 60,
        }
    }
}

/// How many binds as one entry the directory's lockout leaves to this
/// service (`/readyz` shows it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Allowance {
    /// Binds within `window` seconds: the threshold less one, less the
    /// margin, and at least one (or the person could never sign in here).
    #[serde(rename = "binds_per_window")]
    pub binds: i64,
    /// The directory's failure window, or `lockout_window_minutes` where it
    /// sets none.
    #[serde(rename = "window_seconds")]
    pub window: i64,
    /// Where the directory forgets a wrong password only after a right one:
    /// the binds not yet followed by a right password (or a reset or an
    /// unlock here), at most the threshold less one, so that this service
    /// alone never makes the locking failure, however long it waits.
    #[serde(rename = "binds_until_proven")]
    pub ceiling: Option<i64>,
    pub threshold: u32,
    /// Not read from the directory: assumed (`directory.lockout_threshold`,
    /// else [`ASSUMED_THRESHOLD`]).
    pub assumed: bool,
}

/// The allowance under `rules`; `None`: the directory says it never locks.
pub fn allowance(rules: &DirectoryPolicy, settings: &LockoutSettings) -> Option<Allowance> {
    let (threshold, assumed) = match rules.lockout {
        Lockout::Never => return None,
        Lockout::After(threshold) => (threshold, false),
        Lockout::Unknown => (settings.threshold.unwrap_or(ASSUMED_THRESHOLD), true),
    };
    let threshold_less_one = i64::from(threshold) - 1;
    let binds = (threshold_less_one - i64::from(settings.margin)).max(1);
    // A threshold that is not read is assumed to come without an interval.
    let directory_window = rules.failure_window.filter(|_| !assumed);
    Some(Allowance {
        binds,
        window: directory_window.unwrap_or(settings.window_seconds.max(1)),
        ceiling: directory_window
            .is_none()
            .then_some(threshold_less_one.max(1)),
        threshold,
        assumed,
    })
}

/// What `config check`, `/readyz` and the server's start say about the
/// directory's lockout: that its threshold is assumed where it could not
/// be read, and where the allowance leaves fewer than `margin` wrong
/// passwords to a person's own devices, what sign-in here does instead,
/// with settings that can be set.
pub fn lockout_note(rules: &DirectoryPolicy, settings: &LockoutSettings) -> Option<String> {
    let allowed = allowance(rules, settings)?;
    let margin = settings.margin;
    let minutes = allowed.window / 60;
    if allowed.assumed {
        let source = match settings.threshold {
            Some(_) => "directory.lockout_threshold",
            None => "assumed, the strictest usual",
        };
        return Some(format!(
            "the directory's lockout threshold cannot be read (set directory.policy_dn to the \
             password policy entry, or give the service account read access to it): sign-in here \
             takes it as {threshold} wrong passwords ({source}) that only a right password clears, \
             and binds with at most {binds} wrong password(s) a person in {minutes} minutes and \
             {ceiling} in all until the right one; set directory.lockout_threshold to the \
             directory's value if it is higher",
            threshold = allowed.threshold,
            binds = allowed.binds,
            ceiling = allowed.ceiling.unwrap_or(allowed.binds),
        ));
    }
    let kept = i64::from(allowed.threshold) - 1 - allowed.binds;
    (kept < i64::from(margin)).then(|| {
        format!(
            "the directory locks an account after {threshold} wrong passwords: sign-in here binds with at most {binds} wrong password(s) a person in {minutes} minutes and then pauses, which leaves {kept} to the person's own devices, fewer than directory.lockout_margin = {margin}; raise the directory's lockout threshold to {} or more to keep the margin",
            2 + margin,
            threshold = allowed.threshold,
            binds = allowed.binds,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(lockout: Lockout, failure_window: Option<i64>) -> DirectoryPolicy {
        DirectoryPolicy {
            lockout,
            failure_window,
            ..DirectoryPolicy::default()
        }
    }

    fn margin(margin: u32) -> LockoutSettings {
        LockoutSettings {
            margin,
            ..LockoutSettings::default()
        }
    }

    #[test]
    fn the_allowance_stays_under_the_directorys_lockout() {
        let binds_and_window = |rules: DirectoryPolicy, settings: LockoutSettings| {
            allowance(&rules, &settings).map(|a| (a.binds, a.window, a.ceiling))
        };
        assert_eq!(
            binds_and_window(rules(Lockout::Never, Some(900)), margin(1)),
            None
        );
        assert_eq!(
            binds_and_window(rules(Lockout::After(10), Some(1800)), margin(1)),
            Some((8, 1800, None))
        );
        assert_eq!(
            binds_and_window(rules(Lockout::After(3), None), margin(1)),
            Some((1, 900, Some(2))),
            "no interval: a short window here, and never the third failure in all"
        );
        assert_eq!(
            binds_and_window(rules(Lockout::After(3), Some(300)), margin(0)),
            Some((2, 300, None))
        );
        assert_eq!(
            binds_and_window(rules(Lockout::After(1), Some(300)), margin(1)),
            Some((1, 300, None)),
            "one bind at least, or no one could sign in"
        );
    }

    #[test]
    fn a_threshold_that_cannot_be_read_is_assumed_strict() {
        // Unknown is not "never": three, with no interval, whatever the
        // (unread) policy's window would have been.
        let unknown = allowance(&rules(Lockout::Unknown, Some(600)), &margin(1)).unwrap();
        assert_eq!(
            (unknown.threshold, unknown.binds, unknown.ceiling),
            (3, 1, Some(2))
        );
        assert!(unknown.assumed);
        // The operator may say the directory's real threshold.
        let told = LockoutSettings {
            threshold: Some(10),
            ..margin(1)
        };
        let known = allowance(&rules(Lockout::Unknown, None), &told).unwrap();
        assert_eq!(
            (known.threshold, known.binds, known.ceiling),
            (10, 8, Some(9))
        );
        let said = lockout_note(&rules(Lockout::Unknown, None), &margin(1)).unwrap();
        assert!(said.contains("cannot be read"), "{said}");
        assert!(said.contains("as 3 wrong passwords"), "{said}");
        assert!(said.contains("directory.lockout_threshold"), "{said}");
    }

    #[test]
    fn a_threshold_too_low_for_the_margin_is_named_with_a_value_that_keeps_it() {
        let at = |threshold| rules(Lockout::After(threshold), Some(1800));
        assert_eq!(lockout_note(&rules(Lockout::Never, None), &margin(1)), None);
        assert_eq!(lockout_note(&at(3), &margin(1)), None, "1 here, 1 kept");
        assert_eq!(lockout_note(&at(10), &margin(2)), None);
        let said = lockout_note(&at(2), &margin(1)).unwrap();
        assert!(said.contains("leaves 0"), "{said}");
        assert!(said.contains("to 3 or more"), "{said}");
        // The advice keeps the margin it names.
        assert_eq!(lockout_note(&at(3), &margin(1)), None);
    }
}
