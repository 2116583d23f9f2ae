//! The history rule at the cost of one hash.
//!
//! Each entry of an account's history keeps its password's Argon2id under
//! one salt the account's entries share, sealed under the server's key. A
//! new password is hashed once under that salt and compared with every
//! entry: 24 entries cost what one does. The same hash, sealed, is the new
//! entry. Entries without one (written before, or settled from the
//! directory) are checked by their own hash, one Argon2id each, until they
//! age out. docs/architecture.md ("Password history") argues why this
//! gives an attacker with the database nothing they did not have.

use super::change::ChangeError;
use crate::hashing::{Hasher, same_hash};
use crate::secrets::{HISTORY_PURPOSE, SecretKey};
use crate::store::History;

/// What checking a new password against the history found.
#[derive(Debug, Default)]
pub struct Remembered {
    /// The password is one of the history's.
    pub reused: bool,
    /// The new password's history entry: the salt and the sealed hash
    /// under it. `None` without a key.
    pub entry: Option<(String, String)>,
}

/// Checks `password` against the newest `depth` entries of `history`.
/// Every entry is looked at, whatever an earlier one said. Without a key,
/// a history that only the key can read is not guessed at: the change is
/// refused ([`ChangeError::HistorySealed`]).
pub async fn check(
    hasher: &Hasher,
    key: Option<&SecretKey>,
    history: History,
    depth: usize,
    password: &str,
) -> Result<Remembered, ChangeError> {
    let salt = history.salt.unwrap_or_else(Hasher::new_salt);
    let digest = match key {
        Some(_) => Some(hasher.hash_with_salt(password, &salt).await?),
        None => None,
    };
    let mut reused = false;
    // Entries the digest cannot answer for: their own hashes, verified one by one.
    let mut one_by_one = Vec::new();
    let mut unreadable = 0;
    for entry in history.entries.into_iter().take(depth) {
        let opened = entry
            .sealed
            .as_deref()
            .zip(key)
            .and_then(|(sealed, key)| key.open(HISTORY_PURPOSE, sealed))
            .and_then(|bytes| String::from_utf8(bytes).ok());
        let compared = opened
            .as_deref()
            .zip(digest.as_deref())
            .and_then(|(stored, computed)| same_hash(computed, stored));
        match (compared, opened, entry.hash) {
            (Some(same), _, _) => reused |= same,
            // Made with other parameters or salt: its own check.
            (None, Some(stored), _) => one_by_one.push(stored),
            (None, None, Some(hash)) => one_by_one.push(hash),
            (None, None, None) => unreadable += 1,
        }
    }
    if unreadable > 0 && key.is_none() {
        return Err(ChangeError::HistorySealed);
    }
    if unreadable > 0 {
        // A key retired before `latchkey secrets rotate` moved these.
        tracing::warn!(
            unreadable,
            "password history entries no key opens were not checked"
        );
    }
    if !reused && !one_by_one.is_empty() {
        reused = hasher.matches_any(password, one_by_one).await?;
    }
    let entry = digest
        .zip(key)
        .and_then(|(digest, key)| key.seal(HISTORY_PURPOSE, digest.as_bytes()))
        .map(|sealed| (salt, sealed));
    Ok(Remembered { reused, entry })
}
