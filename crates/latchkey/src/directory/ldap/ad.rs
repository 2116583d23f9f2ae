//! What Active Directory does its own way: the password attribute, the
//! control that makes it apply its history to a service's change, the
//! `data` codes in a refused bind, its times (100-nanosecond ticks), its
//! fine-grained policies, and whether the service account may unlock.

use std::collections::HashSet;

use ldap3::controls::RawControl;
use ldap3::{Mod, Scope, SearchEntry, SearchOptions};

use crate::directory::{Bind, DirectoryPolicy, Lockout, Refusal};

/// LDAP_SERVER_POLICY_HINTS_OID: without it, Active Directory skips its own
/// password history when a service account sets a password.
const POLICY_HINTS_OID: &str = "1.2.840.113556.1.4.2239";
/// Its value, BER `SEQUENCE { INTEGER 1 }`: enforce the policy.
const POLICY_HINTS_ENFORCE: [u8; 5] = [0x30, 0x03, 0x02, 0x01, 0x01];

/// Ticks of 100 ns in a second, and seconds from 1601 (Windows' epoch) to 1970.
const TICKS_PER_SECOND: i64 = 10_000_000;
const EPOCH_1601_TO_1970: i64 = 11_644_473_600;

/// `userAccountControl` ACCOUNTDISABLE.
const ACCOUNT_DISABLED: i64 = 0x2;
/// `pwdProperties` DOMAIN_PASSWORD_COMPLEX.
const PASSWORD_COMPLEX: i64 = 0x1;

/// The policy-hints control. Critical, a directory that does not know it
/// refuses the change rather than skip its history check silently.
pub fn policy_hints(critical: bool) -> Vec<RawControl> {
    vec![RawControl {
        ctype: POLICY_HINTS_OID.to_owned(),
        crit: critical,
        val: Some(POLICY_HINTS_ENFORCE.to_vec()),
    }]
}

/// Whether a root DSE's `supportedControl` values include the policy hints.
pub fn knows_policy_hints(supported: &[String]) -> bool {
    supported.iter().any(|oid| oid == POLICY_HINTS_OID)
}

/// What to do about a DC without the control, for `config check` and `/readyz`.
pub const NO_POLICY_HINTS: &str = "this domain controller does not support the policy-hints control (1.2.840.113556.1.4.2239; Samba does not), so it would refuse every password change: set directory.policy_hints = \"when_supported\" to let it set passwords without its own history check (Latchkey's history still applies)";

/// What to do when the service account may not lift a lockout, for
/// `config check` and `/readyz`: a reset of a locked account would set the
/// password and leave the lock.
pub const MAY_NOT_UNLOCK: &str = "the service account may not write lockoutTime on people's entries, so it cannot unlock an account, nor does a new password unlock one: delegate 'Read and write lockoutTime' (with 'Reset password') on the people's organisational unit to directory.bind_dn";

/// Active Directory's `unicodePwd`: the password in double quotes, UTF-16LE.
pub fn unicode_pwd(password: &str) -> Vec<u8> {
    format!("\"{password}\"")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect()
}

/// A refused bind's `data` code: 775 locked out; 532 expired and 773 must
/// change, both with the right password; anything else (52e) wrong.
pub fn refused_bind(text: &str) -> Bind {
    let text = text.to_ascii_lowercase();
    if text.contains("data 775") {
        Bind::Locked
    } else if text.contains("data 532") || text.contains("data 773") {
        Bind::Expired
    } else {
        Bind::Wrong
    }
}

/// `pwdLastSet` (ticks since 1601) as Unix seconds; 0 means "must change now".
pub fn file_time(ticks: &str) -> Option<i64> {
    let ticks: i64 = ticks.trim().parse().ok()?;
    (ticks > 0).then(|| ticks / TICKS_PER_SECOND - EPOCH_1601_TO_1970)
}

/// Unix seconds as ticks since 1601, for a filter.
pub fn ticks(at: i64) -> i64 {
    (at + EPOCH_1601_TO_1970).saturating_mul(TICKS_PER_SECOND)
}

/// A domain's interval (negative ticks) as seconds; "never" as `None`.
fn interval(ticks: &str) -> Option<i64> {
    let ticks: i64 = ticks.trim().parse().ok()?;
    (ticks < 0 && ticks != i64::MIN).then(|| -ticks / TICKS_PER_SECOND)
}

/// The change that lifts a lockout: `lockoutTime` 0 (the only value a
/// client may write), which also clears the bad-password count.
pub fn unlocked() -> Mod<Vec<u8>> {
    Mod::Replace(b"lockoutTime".to_vec(), HashSet::from([b"0".to_vec()]))
}

/// Whether `lockoutTime` / `userAccountControl` say locked or disabled.
pub fn lock(lockout_time: Option<&str>, account_control: Option<&str>) -> crate::directory::Lock {
    let flag = |value: Option<&str>| value.and_then(|v| v.trim().parse::<i64>().ok());
    if flag(account_control).is_some_and(|control| control & ACCOUNT_DISABLED != 0) {
        crate::directory::Lock::Disabled
    } else if flag(lockout_time).is_some_and(|time| time > 0) {
        crate::directory::Lock::Locked
    } else {
        crate::directory::Lock::Open
    }
}

/// The domain object's password settings.
pub fn policy(first: impl Fn(&str) -> Option<String>) -> DirectoryPolicy {
    let number = |name: &str| first(name).and_then(|v| v.trim().parse::<i64>().ok());
    let positive = |name: &str| number(name).filter(|n| *n > 0);
    DirectoryPolicy {
        min_length: positive("minPwdLength").map(|n| n as usize),
        history: positive("pwdHistoryLength").map(|n| n as usize),
        min_age: first("minPwdAge").as_deref().and_then(interval),
        max_age: first("maxPwdAge").as_deref().and_then(interval),
        lockout: lockout(number("lockoutThreshold")),
        failure_window: first("lockOutObservationWindow")
            .as_deref()
            .and_then(interval),
        complexity: number("pwdProperties").is_some_and(|p| p & PASSWORD_COMPLEX != 0),
    }
}

/// A lockout threshold as read: 0 never locks; none read is unknown.
fn lockout(threshold: Option<i64>) -> Lockout {
    match threshold {
        None => Lockout::Unknown,
        Some(n) if n <= 0 => Lockout::Never,
        Some(n) => Lockout::After(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// A fine-grained password policy's (PSO's) settings.
pub fn pso_policy(first: impl Fn(&str) -> Option<String>) -> DirectoryPolicy {
    let number = |name: &str| first(name).and_then(|v| v.trim().parse::<i64>().ok());
    let positive = |name: &str| number(name).filter(|n| *n > 0);
    DirectoryPolicy {
        min_length: positive("msDS-MinimumPasswordLength").map(|n| n as usize),
        history: positive("msDS-PasswordHistoryLength").map(|n| n as usize),
        min_age: first("msDS-MinimumPasswordAge")
            .as_deref()
            .and_then(interval),
        max_age: first("msDS-MaximumPasswordAge")
            .as_deref()
            .and_then(interval),
        lockout: lockout(number("msDS-LockoutThreshold")),
        failure_window: first("msDS-LockoutObservationWindow")
            .as_deref()
            .and_then(interval),
        complexity: first("msDS-PasswordComplexityEnabled")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("TRUE")),
    }
}

/// The PSO's attributes [`pso_policy`] reads.
pub const PSO_ATTRIBUTES: [&str; 7] = [
    "msDS-MinimumPasswordLength",
    "msDS-PasswordHistoryLength",
    "msDS-MinimumPasswordAge",
    "msDS-MaximumPasswordAge",
    "msDS-LockoutThreshold",
    "msDS-LockoutObservationWindow",
    "msDS-PasswordComplexityEnabled",
];

/// Which of its rules a password Active Directory refused (`0000052D`,
/// naming none) breaks, where `rules` can tell: too short, or fewer than
/// three kinds of characters; otherwise its restrictions in general (the
/// history or the minimum age, which cannot be told from here).
pub fn restriction_broken(rules: &DirectoryPolicy, password: &str) -> Refusal {
    let length = password.chars().count();
    if let Some(minimum) = rules.min_length
        && length < minimum
    {
        return Refusal::Length(Some(minimum));
    }
    let kinds = [
        password.chars().any(char::is_uppercase),
        password.chars().any(char::is_lowercase),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_alphanumeric()),
    ];
    if rules.complexity && kinds.iter().filter(|kind| **kind).count() < 3 {
        return Refusal::Complexity;
    }
    Refusal::Restrictions
}

/// The domain's attributes [`policy`] reads.
pub const POLICY_ATTRIBUTES: [&str; 7] = [
    "lockOutObservationWindow",
    "minPwdLength",
    "pwdHistoryLength",
    "minPwdAge",
    "maxPwdAge",
    "lockoutThreshold",
    "pwdProperties",
];

impl super::Ldap {
    /// Active Directory: whether the service account may write
    /// `lockoutTime` on a person's entry, as the entry's
    /// `allowedAttributesEffective` says for this bind. Yes when no person
    /// but the service account itself is found to ask about.
    pub(super) async fn may_unlock(&self, ldap: &mut ldap3::Ldap) -> bool {
        let searched = ldap
            .with_timeout(self.timeout())
            .with_search_options(SearchOptions::new().sizelimit(2))
            .search(
                &self.config.base_dn,
                Scope::Subtree,
                &self.config.people_filter(),
                vec!["allowedAttributesEffective"],
            )
            .await;
        // A size limit reached still returns the entries it found.
        let Ok(ldap3::SearchResult(entries, _)) = searched else {
            return false;
        };
        let person = entries
            .into_iter()
            .map(SearchEntry::construct)
            .find(|entry| !entry.dn.eq_ignore_ascii_case(&self.config.bind_dn));
        let Some(person) = person else {
            return true;
        };
        person
            .attrs
            .iter()
            .filter(|(name, _)| name.eq_ignore_ascii_case("allowedAttributesEffective"))
            .flat_map(|(_, values)| values)
            .any(|value| value.eq_ignore_ascii_case("lockoutTime"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::Lock;

    #[test]
    fn active_directory_gets_a_quoted_utf16le_password_and_the_policy_hints() {
        assert_eq!(
            unicode_pwd("Añ1!"),
            [b'"', 0, b'A', 0, 0xF1, 0, b'1', 0, b'!', 0, b'"', 0]
        );
        let control = &policy_hints(true)[0];
        assert_eq!(control.ctype, "1.2.840.113556.1.4.2239");
        assert!(control.crit);
        assert_eq!(
            control.val.as_deref(),
            Some(&[0x30, 0x03, 0x02, 0x01, 0x01][..])
        );
    }

    /// Replies as Active Directory words them (Microsoft's documented
    /// `AcceptSecurityContext` data codes); no domain controller runs here.
    #[test]
    fn a_refused_bind_says_locked_expired_or_wrong() {
        let said = |data: &str| {
            refused_bind(&format!(
                "80090308: LdapErr: DSID-0C09044E, comment: AcceptSecurityContext error, data {data}, v4563"
            ))
        };
        assert_eq!(said("773"), Bind::Expired);
        assert_eq!(said("532"), Bind::Expired);
        assert_eq!(said("775"), Bind::Locked);
        assert_eq!(said("52e"), Bind::Wrong);
        assert_eq!(said("533"), Bind::Wrong);
    }

    #[test]
    fn a_refusal_that_names_no_rule_is_told_by_the_rule_the_password_breaks() {
        let rules = DirectoryPolicy {
            min_length: Some(16),
            complexity: true,
            ..DirectoryPolicy::default()
        };
        assert_eq!(
            restriction_broken(&rules, "Lantern%Quay-58"),
            Refusal::Length(Some(16))
        );
        assert_eq!(
            restriction_broken(&rules, "lanternquaylanternquay"),
            Refusal::Complexity
        );
        assert_eq!(
            restriction_broken(&rules, "Lantern%Quay-58-Harbor"),
            Refusal::Restrictions,
            "long and complex: the history or the minimum age, which AD does not say"
        );
        let pso = |name: &str| {
            Some(
                match name {
                    "msDS-MinimumPasswordLength" => "16",
                    "msDS-LockoutThreshold" => "5",
                    "msDS-LockoutObservationWindow" => "-18000000000",
                    "msDS-PasswordComplexityEnabled" => "TRUE",
                    _ => return None,
                }
                .to_owned(),
            )
        };
        let rules = pso_policy(pso);
        assert_eq!(
            (rules.min_length, rules.lockout, rules.failure_window),
            (Some(16), Lockout::After(5), Some(1800))
        );
        assert!(rules.complexity);
    }

    #[test]
    fn active_directory_times_and_policy_read_as_seconds() {
        // 2026-12-02T00:00:00Z as a FILETIME.
        assert_eq!(file_time("134406432000000000"), Some(1_796_169_600));
        assert_eq!(file_time("0"), None);
        let domain = |name: &str| {
            Some(
                match name {
                    "minPwdLength" => "12",
                    "pwdHistoryLength" => "24",
                    "minPwdAge" => "-864000000000",
                    "maxPwdAge" => "-77760000000000",
                    "lockoutThreshold" => "0",
                    "lockOutObservationWindow" => "-18000000000",
                    "pwdProperties" => "1",
                    _ => return None,
                }
                .to_owned(),
            )
        };
        assert_eq!(
            policy(domain),
            DirectoryPolicy {
                min_length: Some(12),
                history: Some(24),
                min_age: Some(86_400),
                max_age: Some(90 * 86_400),
                lockout: Lockout::Never,
                failure_window: Some(1800),
                complexity: true,
            }
        );
        // "Never expires" is the most negative number.
        assert_eq!(interval("-9223372036854775808"), None);
        assert_eq!(lock(Some("134406432000000000"), Some("512")), Lock::Locked);
        assert_eq!(lock(Some("0"), Some("512")), Lock::Open);
        assert_eq!(
            lock(Some("134406432000000000"), Some("514")),
            Lock::Disabled
        );
        assert_eq!(lock(None, None), Lock::Open);
    }
}
