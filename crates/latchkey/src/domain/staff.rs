//! Help desk staff as an admin or the operator manages them: a role, a new
//! password, a new authenticator. One place for these rules; the console's
//! admin page and `latchkey staff …` call it. Each change ends the member's
//! sessions and is audited with it, in one transaction (the store's).

use latchkey_policy::{Person, Policy, Verdict, Violation};

use crate::hashing::Hasher;
use crate::secrets::{SecretKey, random_bytes};
use crate::store::{Role, Staff, StaffChange, Store, StoreError};
use crate::totp;

#[derive(Debug, thiserror::Error)]
pub enum StaffAdminError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("hashing: {0}")]
    Hash(String),
    #[error("sealing the authenticator key failed")]
    Seal,
}

/// The policy's verdict on a password for a member of staff, who has no
/// name or email of their own here: the username stands for both.
pub fn staff_verdict(policy: &Policy, username: &str, password: &str) -> Verdict {
    let person = Person {
        username,
        name: username,
        email: None,
        // Staff sign in with a password alone.
        second_factor: false,
    };
    policy.check(password, &person)
}

pub async fn set_role(
    store: &Store,
    member: &Staff,
    role: Role,
    actor: &str,
    now: i64,
) -> Result<(), StaffAdminError> {
    Ok(store
        .change_staff(member, &StaffChange::Role(role), actor, now)
        .await?)
}

/// A new password, if the policy takes it; the refusal otherwise (nothing changed).
pub async fn reset_password(
    store: &Store,
    hasher: &Hasher,
    policy: &Policy,
    member: &Staff,
    password: &str,
    actor: &str,
    now: i64,
) -> Result<Result<(), Verdict>, StaffAdminError> {
    let verdict = staff_verdict(policy, &member.username, password);
    if !verdict.accepted() {
        return Ok(Err(verdict));
    }
    let hash = hasher
        .hash(password)
        .await
        .map_err(|e| StaffAdminError::Hash(e.to_string()))?;
    store
        .change_staff(member, &StaffChange::Password(hash), actor, now)
        .await?;
    Ok(Ok(()))
}

/// Why a member of staff's own new password was not taken.
#[derive(Debug, Clone, PartialEq)]
pub enum OwnRefusal {
    /// The current password typed was not theirs.
    CurrentWrong,
    /// The new one and its confirmation differ.
    Differs,
    /// The policy's rules (the history's among them), each to explain.
    Broken(Vec<Violation>),
}

/// A member of staff changes their own password: the current one, then a
/// new one under the same policy as everyone's, not one of their last
/// `history` (the current one included). The session `keeping` stays
/// signed in; their others end. Nothing changes on a refusal.
pub struct OwnChange<'a> {
    pub current: &'a str,
    pub new: &'a str,
    pub confirm: &'a str,
    pub keeping: &'a str,
}

pub async fn change_own_password(
    store: &Store,
    hasher: &Hasher,
    policy: &Policy,
    member: &Staff,
    change: &OwnChange<'_>,
    now: i64,
) -> Result<Result<(), OwnRefusal>, StaffAdminError> {
    let hash_error = |e: crate::hashing::HashError| StaffAdminError::Hash(e.to_string());
    if !hasher
        .verify(change.current, &member.password_hash)
        .await
        .map_err(hash_error)?
    {
        return Ok(Err(OwnRefusal::CurrentWrong));
    }
    if change.new != change.confirm {
        return Ok(Err(OwnRefusal::Differs));
    }
    let mut verdict = staff_verdict(policy, &member.username, change.new);
    // The current password and the history's, newest first: the hashes are
    // Argon2id each, and staff are few, so each is tried in turn.
    let depth = policy.history_depth();
    if depth > 0 {
        let mut past = vec![member.password_hash.clone()];
        past.extend(store.staff_password_history(member.id).await?);
        for hash in past.iter().take(depth) {
            if hasher.verify(change.new, hash).await.map_err(hash_error)? {
                verdict.violations.push(Violation::history(depth));
                break;
            }
        }
    }
    if !verdict.accepted() {
        return Ok(Err(OwnRefusal::Broken(verdict.violations)));
    }
    let hash = hasher.hash(change.new).await.map_err(hash_error)?;
    // The history keeps the earlier ones; the current is the staff row's.
    let keep = i64::try_from(depth.saturating_sub(1)).unwrap_or(i64::MAX);
    let changed = store
        .change_own_staff_password(member, &hash, change.keeping, keep, now)
        .await?;
    // Changed meanwhile (an admin's reset): the current typed is no longer it.
    Ok(if changed {
        Ok(())
    } else {
        Err(OwnRefusal::CurrentWrong)
    })
}

/// A new authenticator key: stored sealed, returned once to hand over.
pub async fn reset_authenticator(
    store: &Store,
    key: &SecretKey,
    member: &Staff,
    actor: &str,
    now: i64,
) -> Result<Vec<u8>, StaffAdminError> {
    let secret = totp::new_secret();
    let sealed = totp::seal(key, &secret).ok_or(StaffAdminError::Seal)?;
    store
        .change_staff(member, &StaffChange::Authenticator(sealed), actor, now)
        .await?;
    Ok(secret)
}

/// A password for an admin to hand over once: random, and one the policy
/// takes (random letters can spell a dictionary word; then another is drawn).
pub fn temporary_password(policy: &Policy, username: &str) -> Option<String> {
    const LOWER: &[u8] = b"bcdfghjkmnpqrstvwxz";
    const UPPER: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
    const DIGITS: &[u8] = b"23456789";
    const SPECIAL: &[u8] = b"#%+=?@";
    for _ in 0..20 {
        let bytes = random_bytes(16);
        let pick = |set: &[u8], b: u8| char::from(set[usize::from(b) % set.len()]);
        let mut password = String::new();
        for (i, b) in bytes.iter().enumerate() {
            let set = match i % 4 {
                0 => UPPER,
                1 | 2 => LOWER,
                _ => DIGITS,
            };
            password.push(pick(set, *b));
            if i == 7 {
                password.push(pick(SPECIAL, *b));
            }
        }
        if staff_verdict(policy, username, &password).accepted() {
            return Some(password);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use latchkey_policy::PolicyConfig;

    #[test]
    fn a_temporary_password_meets_the_policy_and_differs_each_time() {
        let policy = Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap();
        let first = temporary_password(&policy, "kim").unwrap();
        let second = temporary_password(&policy, "kim").unwrap();
        assert!(staff_verdict(&policy, "kim", &first).accepted(), "{first}");
        assert_eq!(first.chars().count(), 17);
        assert_ne!(first, second);
    }
}
