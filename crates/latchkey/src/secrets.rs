//! Tokens, one-time codes and the keyed hashes they are stored as.
//!
//! Session tokens are 256 random bits; only their SHA-256 is stored, so a
//! copy of the database opens no session. Codes and CAPTCHA answers are
//! short, so a plain hash of one could be reversed by trying them all: they
//! are stored as HMAC-SHA-256 under the server's secret key instead, and
//! compared in constant time.

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::RngExt;
use sha2::{Digest, Sha256};

/// The server's secret key for HMACs and sealed secrets
/// (`LATCHKEY_SECRET_KEY`), with the keys it replaced (retired) so that a
/// leaked key can be changed without losing what was sealed or tagged under
/// it. New tags and seals use the current key; a sealed value names the key
/// that sealed it by its id; checks and opens accept any key of the ring.
/// `latchkey secrets rotate` re-seals everything under the current key.
#[derive(Clone)]
pub struct SecretKey {
    current: RingKey,
    retired: Vec<RingKey>,
}

/// One key: its id (a fingerprint, never the key) and its keyed HMAC.
#[derive(Clone)]
struct RingKey {
    id: String,
    mac: Hmac<Sha256>,
}

impl RingKey {
    fn new(bytes: &[u8]) -> Option<RingKey> {
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(bytes).ok()?;
        let mut fingerprint = mac.clone();
        fingerprint.update(b"latchkey key id");
        let id = hex::encode(&fingerprint.finalize().into_bytes()[..4]);
        Some(RingKey { id, mac })
    }

    fn mac(&self, purpose: &str, value: &str) -> Hmac<Sha256> {
        let mut mac = self.mac.clone();
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac
    }

    fn cipher(&self, purpose: &str) -> ChaCha20Poly1305 {
        let key: [u8; 32] = self.mac("derive", purpose).finalize().into_bytes().into();
        ChaCha20Poly1305::new(Key::from_slice(&key))
    }

    fn open(&self, purpose: &str, hex_sealed: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(hex_sealed).ok()?;
        let (nonce, sealed) = bytes.split_at_checked(12)?;
        self.cipher(purpose)
            .decrypt(Nonce::from_slice(nonce), sealed)
            .ok()
    }
}

/// What re-sealing found a stored value to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resealed {
    /// Sealed under the current key already.
    Current,
    /// Sealed under a retired key (or before keys had ids): here it is
    /// under the current one.
    Moved(String),
    /// No key of the ring opens it.
    Unreadable,
}

impl SecretKey {
    /// At least 32 bytes: shorter keys are refused at start.
    pub fn new(bytes: &[u8]) -> Option<SecretKey> {
        if bytes.len() < 32 {
            return None;
        }
        Some(SecretKey {
            current: RingKey::new(bytes)?,
            retired: Vec::new(),
        })
    }

    pub fn random() -> SecretKey {
        match SecretKey::new(&random_bytes(32)) {
            Some(key) => key,
            None => unreachable_hmac(),
        }
    }

    /// The same current key, with `retired` ones still accepted.
    pub fn with_retired(mut self, retired: Vec<SecretKey>) -> SecretKey {
        self.retired = retired.into_iter().map(|key| key.current).collect();
        self
    }

    /// The current key's id: a fingerprint that names it in sealed values
    /// and in `latchkey secrets` output, and says nothing of the key.
    pub fn id(&self) -> &str {
        &self.current.id
    }

    /// The ids of the retired keys, in the order given.
    pub fn retired_ids(&self) -> Vec<&str> {
        self.retired.iter().map(|key| key.id.as_str()).collect()
    }

    fn ring(&self) -> impl Iterator<Item = &RingKey> {
        std::iter::once(&self.current).chain(&self.retired)
    }

    /// HMAC-SHA-256 of `purpose` and `value`, hex. The purpose keeps a code's
    /// hash from standing in for a CAPTCHA answer's.
    pub fn tag(&self, purpose: &str, value: &str) -> String {
        hex::encode(self.current.mac(purpose, value).finalize().into_bytes())
    }

    /// [`SecretKey::tag`] cut to its first 128 bits: for a link that must
    /// stay short enough for a text message.
    pub fn short_tag(&self, purpose: &str, value: &str) -> String {
        let full = self.current.mac(purpose, value).finalize().into_bytes();
        hex::encode(&full[..16])
    }

    /// Whether `tag` is [`SecretKey::short_tag`] of `value` under any key
    /// of the ring, in constant time for each.
    pub fn verify_short(&self, purpose: &str, value: &str, tag: &str) -> bool {
        let Ok(expected) = hex::decode(tag) else {
            return false;
        };
        expected.len() == 16
            && self.ring().any(|key| {
                key.mac(purpose, value)
                    .verify_truncated_left(&expected)
                    .is_ok()
            })
    }

    /// `ID:nonce ‖ ciphertext` (ChaCha20-Poly1305 under a key derived for
    /// `purpose`), hex: secrets that must be read back, stored unreadable.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Option<String> {
        let nonce = random_bytes(12);
        let sealed = self
            .current
            .cipher(purpose)
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .ok()?;
        Some(format!(
            "{}:{}",
            self.current.id,
            hex::encode([nonce, sealed].concat())
        ))
    }

    /// What [`SecretKey::seal`] sealed, if a key of the ring and this
    /// purpose sealed it. Values sealed before keys had ids name none: each
    /// key is tried.
    pub fn open(&self, purpose: &str, stored: &str) -> Option<Vec<u8>> {
        match stored.split_once(':') {
            Some((id, sealed)) => self.ring().find(|key| key.id == id)?.open(purpose, sealed),
            None => self.ring().find_map(|key| key.open(purpose, stored)),
        }
    }

    /// `stored` under the current key, for `latchkey secrets rotate`.
    pub fn reseal(&self, purpose: &str, stored: &str) -> Resealed {
        if stored
            .split_once(':')
            .is_some_and(|(id, _)| id == self.current.id)
            && self.open(purpose, stored).is_some()
        {
            return Resealed::Current;
        }
        match self
            .open(purpose, stored)
            .and_then(|plain| self.seal(purpose, &plain))
        {
            Some(sealed) => Resealed::Moved(sealed),
            None => Resealed::Unreadable,
        }
    }

    /// Whether `value` is what `tag` was made from, under any key of the
    /// ring, in constant time for each.
    pub fn verify(&self, purpose: &str, value: &str, tag: &str) -> bool {
        let Ok(expected) = hex::decode(tag) else {
            return false;
        };
        self.ring()
            .any(|key| key.mac(purpose, value).verify_slice(&expected).is_ok())
    }
}

/// HMAC takes keys of any length; its constructor's error is for other MACs.
#[allow(clippy::panic)]
fn unreachable_hmac() -> SecretKey {
    panic!("HMAC-SHA-256 accepts a 32-byte key")
}

/// Bytes from the operating system's CSPRNG (through rand's thread RNG,
/// which reseeds from it).
pub fn random_bytes(n: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; n];
    rand::rng().fill(&mut bytes[..]);
    bytes
}

/// Randomness as a port: where the domain's tokens and codes come from.
/// The service uses [`OsEntropy`]; a test may hand in its own.
pub trait Entropy: Send + Sync {
    /// A session or link token: 256 bits, hex.
    fn token(&self) -> String;
    /// A one-time code of `digits` decimal digits.
    fn code(&self, digits: u32) -> String;
}

/// The operating system's CSPRNG (through `rand`'s thread generator).
pub struct OsEntropy;

impl Entropy for OsEntropy {
    fn token(&self) -> String {
        random_token()
    }

    fn code(&self, digits: u32) -> String {
        random_code(digits)
    }
}

/// A token for a cookie or a form: 256 bits, URL-safe hex.
pub fn random_token() -> String {
    hex::encode(random_bytes(32))
}

/// What is stored for a token: its SHA-256, hex.
pub fn token_id(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A one-time code of `digits` decimal digits, uniformly drawn.
pub fn random_code(digits: u32) -> String {
    let bound = 10u32.pow(digits);
    format!(
        "{:0width$}",
        rand::rng().random_range(0..bound),
        width = digits as usize
    )
}

/// Constant-time equality for tokens compared in clear (CSRF).
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A secret from the environment: `NAME`, or the contents of the file that
/// `NAME_FILE` names (a trailing newline dropped).
pub fn secret_from_env(name: &str) -> Result<Option<String>, String> {
    if let Ok(value) = std::env::var(name) {
        return Ok(Some(value));
    }
    let file_var = format!("{name}_FILE");
    match std::env::var(&file_var) {
        Ok(path) => std::fs::read_to_string(&path)
            .map(|text| Some(text.trim_end_matches(['\n', '\r']).to_owned()))
            .map_err(|e| format!("{file_var}: cannot read {path}: {e}")),
        Err(_) => Ok(None),
    }
}

/// The purpose a directory password waiting to be written is sealed under.
pub const PENDING_PASSWORD_PURPOSE: &str = "directory-pending";

/// The purpose a password history entry's hash (under the account's
/// history salt) is sealed under.
pub const HISTORY_PURPOSE: &str = "password-history";

/// The purpose a message waiting in the delivery queue is sealed under.
pub const DELIVERY_PURPOSE: &str = "delivery";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_verify_only_their_value_and_purpose() {
        let key = SecretKey::random();
        let tag = key.tag("code", "123456");
        assert!(key.verify("code", "123456", &tag));
        assert!(!key.verify("code", "123457", &tag));
        assert!(!key.verify("captcha", "123456", &tag));
        assert!(!SecretKey::random().verify("code", "123456", &tag));
        assert!(!key.verify("code", "123456", "not hex"));
    }

    #[test]
    fn a_rotated_key_still_opens_and_verifies_what_the_old_one_made() {
        let old = SecretKey::new(b"the old key, which leaked, 32 bytes+").unwrap();
        let sealed = old.seal("totp", b"an app secret").unwrap();
        assert!(sealed.starts_with(&format!("{}:", old.id())), "{sealed}");
        let tag = old.tag("code", "123456");
        let new = SecretKey::new(b"the new key, fresh from openssl rand").unwrap();
        assert_ne!(new.id(), old.id());
        assert_eq!(new.open("totp", &sealed), None, "without the old key");
        let ring = new.clone().with_retired(vec![old.clone()]);
        assert_eq!(ring.retired_ids(), [old.id()]);
        assert_eq!(ring.open("totp", &sealed).unwrap(), b"an app secret");
        assert!(
            ring.verify("code", "123456", &tag),
            "codes sent before the switch"
        );
        // Re-sealing moves the value to the new key, which then opens it alone.
        let Resealed::Moved(moved) = ring.reseal("totp", &sealed) else {
            panic!("not moved");
        };
        assert_eq!(new.open("totp", &moved).unwrap(), b"an app secret");
        assert_eq!(ring.reseal("totp", &moved), Resealed::Current);
        assert_eq!(new.reseal("totp", &sealed), Resealed::Unreadable);
        // New tags are the new key's only.
        assert!(!old.verify("code", "1", &ring.tag("code", "1")));
    }

    #[test]
    fn values_sealed_before_keys_had_ids_still_open() {
        let key = SecretKey::new(b"a key from before the keyring, 32b+").unwrap();
        let with_id = key.seal("totp", b"secret").unwrap();
        let legacy = with_id.split_once(':').unwrap().1;
        assert_eq!(key.open("totp", legacy).unwrap(), b"secret");
        assert!(matches!(key.reseal("totp", legacy), Resealed::Moved(_)));
    }

    #[test]
    fn codes_have_their_digits_and_vary() {
        let codes: Vec<String> = (0..50).map(|_| random_code(6)).collect();
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 6 && c.bytes().all(|b| b.is_ascii_digit()))
        );
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert!(distinct.len() > 40);
    }

    #[test]
    fn tokens_are_stored_as_their_hash() {
        let token = random_token();
        assert_eq!(token.len(), 64);
        assert_ne!(token_id(&token), token);
        assert_eq!(token_id(&token), token_id(&token));
        assert!(same(&token, &token.clone()));
        assert!(!same(&token, &random_token()));
        assert!(SecretKey::new(&[0; 31]).is_none());
        assert!(SecretKey::new(&[0; 32]).is_some());
    }
}
