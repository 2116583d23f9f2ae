//! Authenticator apps (RFC 6238): codes of 6 digits for 30-second steps,
//! SHA-1 as every common app expects. A code is accepted for the current
//! step or the one either side (clock drift), and a step is never accepted
//! twice: the caller records the step this returns and refuses older ones.
//!
//! Secrets are stored encrypted (ChaCha20-Poly1305) under a key derived from
//! the server's secret key, so a copy of the database holds no usable secret.

use totp_rs::{Algorithm, TOTP};

use crate::secrets::{SecretKey, random_bytes, same};

pub const STEP_SECONDS: i64 = 30;
const DIGITS: usize = 6;

/// A fresh secret: 160 random bits, as RFC 4226 recommends.
pub fn new_secret() -> Vec<u8> {
    random_bytes(20)
}

/// The secret as people type it into an app: base32, no padding.
pub fn base32(secret: &[u8]) -> String {
    data_encoding::BASE32_NOPAD.encode(secret)
}

/// The `otpauth://` URI an app reads from a QR code.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let escape = |s: &str| {
        s.replace('%', "%25")
            .replace(' ', "%20")
            .replace(':', "%3A")
            .replace('&', "%26")
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        escape(issuer),
        escape(account),
        base32(secret),
        escape(issuer)
    )
}

fn totp(secret: &[u8]) -> Option<TOTP> {
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        0,
        STEP_SECONDS as u64,
        secret.to_vec(),
    )
    .ok()
}

/// The code an app shows at `time` (Unix seconds).
pub fn code_at(secret: &[u8], time: i64) -> Option<String> {
    Some(totp(secret)?.generate(u64::try_from(time).ok()?))
}

/// The time step `code` belongs to, if it is the code of the step at `now`
/// or of the one before or after.
pub fn matching_step(secret: &[u8], code: &str, now: i64) -> Option<i64> {
    let totp = totp(secret)?;
    let current = now / STEP_SECONDS;
    let mut found = None;
    // All three compared, in constant time, whatever matches.
    for step in [current - 1, current, current + 1] {
        let expected = totp.generate(u64::try_from(step * STEP_SECONDS).ok()?);
        if same(&expected, code) && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The secret sealed for the `methods.value` column.
pub fn seal(key: &SecretKey, secret: &[u8]) -> Option<String> {
    key.seal(SEAL_PURPOSE, secret)
}

pub fn open(key: &SecretKey, stored: &str) -> Option<Vec<u8>> {
    key.open(SEAL_PURPOSE, stored)
}

pub const SEAL_PURPOSE: &str = "totp secret encryption";

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890".
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        assert_eq!(code_at(secret, 59).unwrap(), "287082");
        assert_eq!(code_at(secret, 1_111_111_109).unwrap(), "081804");
        assert_eq!(code_at(secret, 2_000_000_000).unwrap(), "279037");
    }

    #[test]
    fn one_step_of_drift_either_way_and_no_more() {
        let secret = new_secret();
        let now = 1_800_000_015;
        let step = now / STEP_SECONDS;
        for drift in [-1, 0, 1] {
            let code = code_at(&secret, now + drift * STEP_SECONDS).unwrap();
            assert_eq!(matching_step(&secret, &code, now), Some(step + drift));
        }
        let old = code_at(&secret, now - 2 * STEP_SECONDS).unwrap();
        assert_eq!(matching_step(&secret, &old, now), None);
    }

    #[test]
    fn secrets_are_sealed_with_the_server_key() {
        let (key, secret) = (SecretKey::random(), new_secret());
        let sealed = seal(&key, &secret).unwrap();
        assert!(!sealed.contains(&hex::encode(&secret)));
        assert_eq!(open(&key, &sealed).unwrap(), secret);
        assert_eq!(
            open(&SecretKey::random(), &sealed),
            None,
            "another key opens nothing"
        );
        assert_ne!(
            seal(&key, &secret).unwrap(),
            sealed,
            "a fresh nonce each time"
        );
    }

    #[test]
    fn the_uri_carries_the_base32_secret() {
        let uri = otpauth_uri(b"12345678901234567890", "University", "ada@example.edu");
        assert!(
            uri.starts_with(
                "otpauth://totp/University:ada@example.edu?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
            ),
            "{uri}"
        );
    }
}
