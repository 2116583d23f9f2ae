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

/// The server's secret key for HMACs (`server.secret_key`), kept as a
/// keyed HMAC ready to be cloned for each use.
#[derive(Clone)]
pub struct SecretKey(Hmac<Sha256>);

impl SecretKey {
    /// At least 32 bytes: shorter keys are refused at start.
    pub fn new(bytes: &[u8]) -> Option<SecretKey> {
        if bytes.len() < 32 {
            return None;
        }
        <Hmac<Sha256> as Mac>::new_from_slice(bytes)
            .ok()
            .map(SecretKey)
    }

    pub fn random() -> SecretKey {
        let bytes = random_bytes(32);
        match <Hmac<Sha256> as Mac>::new_from_slice(&bytes) {
            Ok(mac) => SecretKey(mac),
            Err(_) => unreachable_hmac(),
        }
    }

    /// HMAC-SHA-256 of `purpose` and `value`, hex. The purpose keeps a code's
    /// hash from standing in for a CAPTCHA answer's.
    pub fn tag(&self, purpose: &str, value: &str) -> String {
        hex::encode(self.mac(purpose, value).finalize().into_bytes())
    }

    /// A 32-byte key for another purpose (encryption), derived from this one.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        self.mac("derive", purpose).finalize().into_bytes().into()
    }

    /// `nonce ‖ ciphertext` (ChaCha20-Poly1305 under a key derived for
    /// `purpose`), hex: secrets that must be read back, stored unreadable.
    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Option<String> {
        let nonce = random_bytes(12);
        let sealed = self
            .cipher(purpose)
            .encrypt(Nonce::from_slice(&nonce), plaintext)
            .ok()?;
        Some(hex::encode([nonce, sealed].concat()))
    }

    /// What [`SecretKey::seal`] sealed, if this key and purpose sealed it.
    pub fn open(&self, purpose: &str, stored: &str) -> Option<Vec<u8>> {
        let bytes = hex::decode(stored).ok()?;
        let (nonce, sealed) = bytes.split_at_checked(12)?;
        self.cipher(purpose)
            .decrypt(Nonce::from_slice(nonce), sealed)
            .ok()
    }

    fn cipher(&self, purpose: &str) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(&self.derive(purpose)))
    }

    /// Whether `value` is what `tag` was made from, in constant time.
    pub fn verify(&self, purpose: &str, value: &str, tag: &str) -> bool {
        let Ok(expected) = hex::decode(tag) else {
            return false;
        };
        self.mac(purpose, value).verify_slice(&expected).is_ok()
    }

    fn mac(&self, purpose: &str, value: &str) -> Hmac<Sha256> {
        let mut mac = self.0.clone();
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac
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
