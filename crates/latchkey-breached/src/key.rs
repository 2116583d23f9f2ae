//! Keys: the first 64 bits of a password's hash, read big-endian, so a key's
//! order and its top bits are the hash's hex order and prefix (the corpus's
//! "ordered by hash" download and the shards agree).

use md4::Md4;
use sha1::{Digest, Sha1};

/// Which hash a corpus lists, and so which hash a typed password is looked
/// up by. Written into the filter's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HashKind {
    /// SHA-1 of the password's UTF-8 bytes (the public corpus's main download).
    Sha1,
    /// NTLM: MD4 of the password's UTF-16LE code units (its Windows download).
    Ntlm,
}

impl HashKind {
    pub(crate) fn code(self) -> u8 {
        match self {
            HashKind::Sha1 => 1,
            HashKind::Ntlm => 2,
        }
    }

    pub(crate) fn from_code(code: u8) -> Option<HashKind> {
        match code {
            1 => Some(HashKind::Sha1),
            2 => Some(HashKind::Ntlm),
            _ => None,
        }
    }

    /// How many hex digits a line of this hash has.
    pub fn hex_digits(self) -> usize {
        match self {
            HashKind::Sha1 => 40,
            HashKind::Ntlm => 32,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            HashKind::Sha1 => "SHA-1",
            HashKind::Ntlm => "NTLM",
        }
    }

    /// The key of a password, as typed.
    pub fn key_of_password(self, password: &str) -> u64 {
        match self {
            HashKind::Sha1 => key_of_digest(&Sha1::digest(password.as_bytes())),
            HashKind::Ntlm => {
                let mut md4 = Md4::new();
                for unit in password.encode_utf16() {
                    md4.update(unit.to_le_bytes());
                }
                key_of_digest(&md4.finalize())
            }
        }
    }

    /// The key of a line of a plain list: its bytes as they are (a list
    /// that is not UTF-8 gives keys no typed password has, which is harmless).
    pub(crate) fn key_of_bytes(self, bytes: &[u8]) -> u64 {
        match self {
            HashKind::Sha1 => key_of_digest(&Sha1::digest(bytes)),
            HashKind::Ntlm => match std::str::from_utf8(bytes) {
                Ok(text) => self.key_of_password(text),
                Err(_) => key_of_digest(&Md4::digest(bytes)),
            },
        }
    }
}

fn key_of_digest(digest: &[u8]) -> u64 {
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The key of a hash written as exactly `digits` hex digits (either case),
/// or `None` if it is not one.
pub(crate) fn key_of_hex(hex: &[u8], digits: usize) -> Option<u64> {
    if hex.len() != digits {
        return None;
    }
    let mut key = 0u64;
    for (i, &c) in hex.iter().enumerate() {
        let value = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return None,
        };
        if i < 16 {
            key = key << 4 | u64::from(value);
        }
    }
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sha1_key_is_the_hash_prefix_the_corpus_lists() {
        // SHA-1("password") = 5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8
        let hex = b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8";
        assert_eq!(
            HashKind::Sha1.key_of_password("password"),
            0x5BAA61E4C9B93F3F
        );
        assert_eq!(key_of_hex(hex, 40), Some(0x5BAA61E4C9B93F3F));
        assert_eq!(
            key_of_hex(&hex.to_ascii_lowercase(), 40),
            Some(0x5BAA61E4C9B93F3F)
        );
    }

    #[test]
    fn the_ntlm_key_is_md4_of_utf16() {
        // NTLM("password") = 8846F7EAEE8FB117AD06BDD830B7586C
        assert_eq!(
            HashKind::Ntlm.key_of_password("password"),
            0x8846F7EAEE8FB117
        );
        assert_eq!(HashKind::Ntlm.key_of_bytes(b"password"), 0x8846F7EAEE8FB117);
    }

    #[test]
    fn anything_but_hex_of_the_right_length_is_not_a_hash() {
        assert_eq!(key_of_hex(b"5BAA61E4", 40), None);
        assert_eq!(key_of_hex(&[b'G'; 40], 40), None);
        assert_eq!(key_of_hex(&[b'0'; 41], 40), None);
    }
}
