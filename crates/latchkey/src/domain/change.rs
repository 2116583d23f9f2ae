//! A password change as one checked, hashed, transactional step, written
//! to the directory first when there is one.

use latchkey_policy::{Policy, Verdict, Violation};

use super::Told;
use super::account::Account;
use crate::directory::{DirectoryError, SEAL_PURPOSE, Writeback};
use crate::hashing::{HashError, Hasher};
use crate::notify::{Channel, Notice};
use crate::secrets::SecretKey;
use crate::store::{PendingWrite, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("the password does not meet the policy")]
    Rejected(Verdict),
    /// The directory did not take the password (nothing changed), or took
    /// the request and never answered (`Unanswered`: settled later).
    #[error(transparent)]
    Directory(DirectoryError),
    /// Another change of this account is still on its way to the directory.
    #[error("another change of this password is still being written to the directory")]
    InProgress,
    /// The directory has the new password and this store failed to take it:
    /// the pending change is settled by the reconciler.
    #[error(
        "the directory took the new password; storing it here failed ({0}) and is retried by `latchkey directory retry` or the running server"
    )]
    NotStoredHere(StoreError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// What a password change works with.
pub struct Passwords<'a> {
    pub store: &'a Store,
    pub hasher: &'a Hasher,
    pub policy: &'a Policy,
    /// The directory every new password is written to as well, and the key
    /// its pending copy is sealed under until the change is settled.
    pub writeback: Option<(&'a Writeback, &'a SecretKey)>,
}

/// Checks, hashes and stores a new password for `account`, and writes it to
/// the directory when there is one. The cheap rules first; the history (one
/// Argon2 verification per entry, spread over the cores) only when they all
/// pass; then the directory; then one transaction here.
pub async fn change_password(
    passwords: &Passwords<'_>,
    account: &Account,
    password: &str,
    now: i64,
    actor: &str,
) -> Result<(), ChangeError> {
    change(passwords, account, password, now, actor, None).await
}

/// A reset's last step: [`change_password`], with the reset session
/// `session_id` moved to `done` in the change's own transaction, so that a
/// crash leaves the reset either done with the new password or at its
/// password step with the old one.
pub async fn finish_reset(
    passwords: &Passwords<'_>,
    account: &Account,
    password: &str,
    now: i64,
    session_id: &str,
) -> Result<(), ChangeError> {
    change(
        passwords,
        account,
        password,
        now,
        "self-service",
        Some(session_id),
    )
    .await
}

async fn change(
    passwords: &Passwords<'_>,
    account: &Account,
    password: &str,
    now: i64,
    actor: &str,
    finishing: Option<&str>,
) -> Result<(), ChangeError> {
    let Passwords {
        store,
        hasher,
        policy,
        writeback,
    } = passwords;
    let verdict = policy.check(password, &account.person());
    if !verdict.accepted() {
        return Err(ChangeError::Rejected(verdict));
    }
    let depth = policy.history_depth();
    if depth > 0 {
        let mut history = store.password_hashes(account.id).await?;
        history.truncate(depth);
        if hasher.matches_any(password, history).await? {
            return Err(ChangeError::Rejected(Verdict {
                violations: vec![Violation::history(depth)],
            }));
        }
    }
    let hash = hasher.hash(password).await?;
    let Some(writeback) = writeback else {
        store
            .commit_password_change(account, &hash, depth, now, actor, finishing)
            .await?;
        return Ok(());
    };
    write_to_directory(store, *writeback, account, password, &hash, now, actor).await?;
    store
        .commit_password_change(account, &hash, depth, now, actor, finishing)
        .await
        .map_err(ChangeError::NotStoredHere)
}

/// Records the change as pending, then asks the directory. A refusal or an
/// unreachable directory forgets the pending change: nothing changed
/// anywhere. A request that got no answer stays pending for the reconciler.
async fn write_to_directory(
    store: &Store,
    (writeback, key): (&Writeback, &SecretKey),
    account: &Account,
    password: &str,
    hash: &str,
    now: i64,
    actor: &str,
) -> Result<(), ChangeError> {
    let sealed_password = key
        .seal(SEAL_PURPOSE, password.as_bytes())
        .ok_or_else(|| ChangeError::Directory(DirectoryError::Failed("sealing".into())))?;
    let pending = PendingWrite {
        account_id: account.id,
        username: account.username.clone(),
        new_hash: hash.to_owned(),
        sealed_password,
        actor: actor.to_owned(),
        created_at: now,
        next_try_at: now + writeback.settle_after,
        attempts: 0,
        last_error: None,
    };
    if !store.begin_pending_write(&pending).await? {
        return Err(ChangeError::InProgress);
    }
    let started = std::time::Instant::now();
    let written = writeback
        .directory
        .set_password(&account.username, password)
        .await;
    let stats = &writeback.stats;
    stats.latency.0.observe(started.elapsed().as_secs_f64());
    if let Err(e) = &written {
        let reason = crate::metrics::ReasonLabels {
            reason: e.kind().to_owned(),
        };
        stats.failures.get_or_create(&reason).inc();
    }
    match written {
        Ok(()) => Ok(()),
        Err(e @ DirectoryError::Unanswered(_)) => Err(ChangeError::Directory(e)),
        Err(e) => {
            store.drop_pending_write(account.id, hash).await?;
            Err(ChangeError::Directory(e))
        }
    }
}

/// Whether `password` is the account's current one. A hash made with older
/// parameters is replaced by one at the configured parameters on success.
pub async fn verify_password(
    store: &Store,
    hasher: &Hasher,
    account: &Account,
    password: &str,
) -> Result<bool, ChangeError> {
    let Some(current) = store.password_hashes(account.id).await?.into_iter().next() else {
        return Ok(false);
    };
    if !hasher.verify(password, &current).await? {
        return Ok(false);
    }
    if hasher.needs_rehash(&current) {
        let upgraded = hasher.hash(password).await?;
        store
            .upgrade_current_hash(account.id, &current, &upgraded)
            .await?;
    }
    Ok(true)
}

/// What follows every password change, whoever made it (a reset, the
/// person, the operator): every session of the account but `keep` ends,
/// since whoever signed in with the old password must not stay, and the
/// person is told on every channel they have. Returns how many sessions
/// ended and the channels a notice failed on.
pub async fn after_change(
    store: &Store,
    told: &Told<'_>,
    account: &Account,
    keep: Option<&str>,
) -> Result<(u64, Vec<Channel>), StoreError> {
    let ended = store.end_sessions_of(account.id, keep).await?;
    let failed = told
        .tell(store, account, &Notice::PasswordChanged, None)
        .await?;
    Ok((ended, failed))
}
