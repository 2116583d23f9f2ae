//! OpenLDAP's password policy (draft-behera-ldap-password-policy): the
//! request control that asks slapd to say which rule it applied, and the
//! response it answers with. slapd's diagnostic text says only "Password
//! fails quality checking policy" for a password that is too short; the
//! response control says `passwordTooShort`.

use ldap3::LdapResult;
use ldap3::controls::RawControl;

use crate::directory::{DirectoryPolicy, Lock, Lockout, Refusal};

/// `pwdAccountLockedTime` of an account an administrator locked for good.
const LOCKED_BY_ADMINISTRATOR: &str = "000001010000Z";

/// The policy entry's attributes [`policy`] reads.
pub const POLICY_ATTRIBUTES: [&str; 7] = [
    "pwdFailureCountInterval",
    "pwdMinLength",
    "pwdInHistory",
    "pwdMinAge",
    "pwdMaxAge",
    "pwdMaxFailure",
    "pwdLockout",
];

/// A ppolicy entry's rules (ages in seconds, 0 meaning none).
pub fn policy(first: impl Fn(&str) -> Option<String>) -> DirectoryPolicy {
    let positive = |name: &str| {
        first(name)
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|n| *n > 0)
    };
    let lockout = first("pwdLockout").is_some_and(|v| v.eq_ignore_ascii_case("TRUE"));
    DirectoryPolicy {
        min_length: positive("pwdMinLength").map(|n| n as usize),
        history: positive("pwdInHistory").map(|n| n as usize),
        min_age: positive("pwdMinAge"),
        max_age: positive("pwdMaxAge"),
        // Read, the entry says it: no lockout, or none without a number.
        lockout: match positive("pwdMaxFailure").filter(|_| lockout) {
            Some(n) => Lockout::After(n as u32),
            None => Lockout::Never,
        },
        failure_window: positive("pwdFailureCountInterval"),
        complexity: false,
    }
}

/// Whether `pwdAccountLockedTime` says locked, and by whom.
pub fn lock(locked_time: Option<&str>) -> Lock {
    match locked_time {
        None => Lock::Open,
        Some(LOCKED_BY_ADMINISTRATOR) => Lock::Disabled,
        Some(_) => Lock::Locked,
    }
}

/// An LDAP GeneralizedTime in UTC (`20261202051715Z`, maybe with a
/// fraction) as Unix seconds.
pub fn generalized_time(value: &str) -> Option<i64> {
    let digits = value.strip_suffix('Z')?;
    let whole = digits.split(['.', ',']).next()?;
    if whole.len() != 14 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &whole[0..4],
        &whole[4..6],
        &whole[6..8],
        &whole[8..10],
        &whole[10..12],
        &whole[12..14]
    );
    let time = humantime::parse_rfc3339(&rfc3339).ok()?;
    let seconds = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(seconds).ok()
}

/// Unix seconds as an LDAP GeneralizedTime in UTC, for a filter.
pub fn generalized(at: i64) -> String {
    jiff::Timestamp::from_second(at)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y%m%d%H%M%SZ")
        .to_string()
}

pub const OID: &str = "1.3.6.1.4.1.42.2.27.8.5.1";

/// The request control: no value, not critical (a server without the
/// overlay still answers, only without the detail).
pub fn request() -> RawControl {
    RawControl {
        ctype: OID.to_owned(),
        crit: false,
        val: None,
    }
}

/// The `error` of a password-policy response, as the draft numbers them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyError {
    PasswordExpired,
    AccountLocked,
    ChangeAfterReset,
    PasswordModNotAllowed,
    MustSupplyOldPassword,
    InsufficientPasswordQuality,
    PasswordTooShort,
    PasswordTooYoung,
    PasswordInHistory,
    PasswordTooLong,
}

impl PolicyError {
    fn from_number(number: u8) -> Option<PolicyError> {
        use PolicyError::*;
        Some(match number {
            0 => PasswordExpired,
            1 => AccountLocked,
            2 => ChangeAfterReset,
            3 => PasswordModNotAllowed,
            4 => MustSupplyOldPassword,
            5 => InsufficientPasswordQuality,
            6 => PasswordTooShort,
            7 => PasswordTooYoung,
            8 => PasswordInHistory,
            9 => PasswordTooLong,
            _ => return None,
        })
    }

    /// The rule a refused change broke, when it is one a person can act on.
    pub fn refusal(self) -> Option<Refusal> {
        match self {
            PolicyError::InsufficientPasswordQuality | PolicyError::PasswordTooLong => {
                Some(Refusal::Complexity)
            }
            PolicyError::PasswordTooShort => Some(Refusal::Length(None)),
            PolicyError::PasswordTooYoung => Some(Refusal::MinimumAge(None)),
            PolicyError::PasswordInHistory => Some(Refusal::History),
            _ => None,
        }
    }
}

/// The policy error in a result's response controls, if slapd sent one.
pub fn error_of(result: &LdapResult) -> Option<PolicyError> {
    result
        .ctrls
        .iter()
        .find(|control| control.1.ctype == OID)
        .and_then(|control| control.1.val.as_deref())
        .and_then(parse_error)
}

/// `SEQUENCE { warning [0] CHOICE {...} OPTIONAL, error [1] ENUMERATED OPTIONAL }`,
/// BER: the `error` is the element tagged `0x81` directly in the sequence.
fn parse_error(value: &[u8]) -> Option<PolicyError> {
    let (&tag, rest) = value.split_first()?;
    if tag != 0x30 {
        return None;
    }
    let (length, mut rest) = short_length(rest)?;
    rest = rest.get(..length)?;
    while let Some((&tag, after_tag)) = rest.split_first() {
        let (length, body) = short_length(after_tag)?;
        let content = body.get(..length)?;
        if tag == 0x81 && length == 1 {
            return PolicyError::from_number(content[0]);
        }
        rest = &body[length..];
    }
    None
}

/// A BER definite length in short form (the control is a few bytes long).
fn short_length(bytes: &[u8]) -> Option<(usize, &[u8])> {
    let (&length, rest) = bytes.split_first()?;
    (length < 0x80).then_some((usize::from(length), rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_response_names_the_rule_slapd_applied() {
        // As slapd 2.5 sends them (ldappasswd -e ppolicy prints the base64).
        assert_eq!(
            parse_error(&[0x30, 0x03, 0x81, 0x01, 0x06]),
            Some(PolicyError::PasswordTooShort)
        );
        assert_eq!(
            parse_error(&[0x30, 0x03, 0x81, 0x01, 0x08]),
            Some(PolicyError::PasswordInHistory)
        );
        // A warning (grace logins left) before the error is skipped.
        assert_eq!(
            parse_error(&[0x30, 0x08, 0xA0, 0x03, 0x81, 0x01, 0x02, 0x81, 0x01, 0x01]),
            Some(PolicyError::AccountLocked)
        );
        // Only a warning, an empty sequence, or bytes that are no control.
        assert_eq!(
            parse_error(&[0x30, 0x05, 0xA0, 0x03, 0x80, 0x01, 0x3C]),
            None
        );
        assert_eq!(parse_error(&[0x30, 0x00]), None);
        assert_eq!(parse_error(&[0x30, 0x05, 0x81, 0x01]), None);
        assert_eq!(parse_error(&[0x04, 0x03, 0x81, 0x01, 0x06]), None);
        assert_eq!(parse_error(&[]), None);
    }

    #[test]
    fn times_locks_and_rules_read_as_slapd_writes_them() {
        assert_eq!(generalized_time("20261202000000Z"), Some(1_796_169_600));
        assert_eq!(
            generalized_time("20261202000000.294064Z"),
            Some(1_796_169_600)
        );
        assert_eq!(generalized_time("20261202000000"), None);
        assert_eq!(generalized_time("2026120200Z"), None);
        assert_eq!(lock(Some("20261202051715Z")), Lock::Locked);
        assert_eq!(lock(Some("000001010000Z")), Lock::Disabled);
        assert_eq!(lock(None), Lock::Open);
        let entry = |lockout: &'static str| {
            move |name: &str| {
                Some(
                    match name {
                        "pwdMinLength" => "10",
                        "pwdInHistory" => "5",
                        "pwdMaxAge" => "7776000",
                        "pwdMaxFailure" => "3",
                        "pwdLockout" => lockout,
                        _ => return None,
                    }
                    .to_owned(),
                )
            }
        };
        let rules = policy(entry("TRUE"));
        assert_eq!(
            (
                rules.min_length,
                rules.history,
                rules.min_age,
                rules.max_age
            ),
            (Some(10), Some(5), None, Some(7_776_000))
        );
        assert_eq!(rules.lockout, Lockout::After(3));
        // Failures only lock with pwdLockout on.
        assert_eq!(policy(entry("FALSE")).lockout, Lockout::Never);
    }
}
