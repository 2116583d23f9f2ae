//! A password change as one checked, hashed, transactional step, written
//! to the directory first when there is one.

use latchkey_policy::{Policy, Verdict, Violation};

use super::Told;
use super::authority::Checked;
use crate::directory::{DirectoryError, SEAL_PURPOSE, Writeback, Written};
use crate::hashing::{HashError, Hasher};
use crate::model::account::Account;
use crate::notify::{Channel, Notice, Queued};
use crate::secrets::SecretKey;
use crate::store::{
    Commit, NewDelivery, PendingWrite, ResetSession, SealedEntry, Step, Store, StoreError,
};

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
    /// The history can only be read with the server's key, and this
    /// process has none.
    #[error(
        "the password history is sealed under the server's key: set LATCHKEY_SECRET_KEY (server.secret_key) to change this password here"
    )]
    HistorySealed,
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
    /// The key the history's entries are sealed under (see
    /// [`super::history`]); without one, each entry costs its own hash.
    pub key: Option<&'a SecretKey>,
    /// The directory every new password is written to as well, and the key
    /// its pending copy is sealed under until the change is settled.
    pub writeback: Option<(&'a Writeback, &'a SecretKey)>,
}

/// The right to change one account's password, and who holds it. Only
/// three kinds of evidence make one: a reset that proved its code and is at
/// its password step, a signed-in person who typed their current password,
/// and the operator at the server's console. The change spends it.
pub struct MayChange<'a> {
    account: &'a Account,
    holder: Holder<'a>,
    /// Where the request came from, for the audit trail ("" unknown).
    address: &'a str,
}

enum Holder<'a> {
    /// The reset session (its stored id), moved to `done` with the change.
    Reset(&'a str),
    Person,
    Operator,
}

/// A person's current password, checked: the evidence an update needs.
pub struct CurrentPassword<'a>(&'a Account);

impl<'a> MayChange<'a> {
    /// A reset at its password step, for its own account; `None` otherwise.
    pub fn by_reset(session: &'a ResetSession, account: &'a Account) -> Option<MayChange<'a>> {
        let ready = session.step == Step::Password && session.account_id == Some(account.id);
        ready.then_some(MayChange {
            account,
            holder: Holder::Reset(&session.id),
            address: "",
        })
    }

    /// The signed-in person, who proved their current password.
    pub fn by_person(current: CurrentPassword<'a>) -> MayChange<'a> {
        MayChange {
            account: current.0,
            holder: Holder::Person,
            address: "",
        }
    }

    /// The operator, at the server's own console (`latchkey user set-password`).
    pub fn by_operator(account: &'a Account) -> MayChange<'a> {
        MayChange {
            account,
            holder: Holder::Operator,
            address: "",
        }
    }

    /// The same, made from `address` (the client's, as the trail records it).
    pub fn from_address(self, address: &'a str) -> MayChange<'a> {
        MayChange { address, ..self }
    }

    /// The account it may change.
    pub fn account(&self) -> &'a Account {
        self.account
    }

    fn actor(&self) -> &'static str {
        match self.holder {
            Holder::Reset(_) | Holder::Person => super::SELF_SERVICE,
            Holder::Operator => "cli",
        }
    }
}

/// Checks, hashes and stores a new password for the account `may` names,
/// and writes it to the directory when there is one. The cheap rules
/// first; the history (one Argon2 verification per entry, spread over the
/// cores) only when they all pass; then the directory; then one
/// transaction here. A reset's session moves to `done` in that same
/// transaction, so a crash leaves the reset either done with the new
/// password or at its password step with the old one.
///
/// `warning` (the owner's notice of the change, [`Told::warning`]) is
/// queued in that transaction too: a change that commits is always told.
/// The rows queued, for [`after_change`] to try at once.
pub async fn change_password(
    passwords: &Passwords<'_>,
    may: MayChange<'_>,
    password: &str,
    now: i64,
    warning: Option<Vec<NewDelivery>>,
) -> Result<Vec<Queued>, ChangeError> {
    let finishing = match may.holder {
        Holder::Reset(session) => Some(session),
        _ => None,
    };
    let warning = warning.unwrap_or_default();
    let change = Change {
        account: may.account,
        now,
        actor: may.actor(),
        address: may.address,
        finishing,
        warning: &warning,
    };
    let ids = change.make(passwords, password).await?;
    let channels = warning.iter().filter_map(|row| Channel::parse(row.channel));
    Ok(ids.into_iter().zip(channels).collect())
}

/// The person's current password, proven, or what the check said instead.
/// An expired one is still theirs: changing it is what it needs.
pub async fn prove_current_password<'a>(
    passwords: &Passwords<'_>,
    account: &'a Account,
    password: &str,
    now: i64,
) -> Result<Result<CurrentPassword<'a>, Checked>, ChangeError> {
    Ok(
        match passwords
            .check(Some(account), &account.username, password, now)
            .await?
        {
            Checked::Right | Checked::Expired => Ok(CurrentPassword(account)),
            other => Err(other),
        },
    )
}

/// One change being made, and what is written with it.
struct Change<'a> {
    account: &'a Account,
    now: i64,
    actor: &'a str,
    /// Where the request came from, as the audit trail says.
    address: &'a str,
    /// The reset session that moves to `done` with the change.
    finishing: Option<&'a str>,
    warning: &'a [NewDelivery],
}

impl Change<'_> {
    async fn make(
        &self,
        passwords: &Passwords<'_>,
        password: &str,
    ) -> Result<Vec<i64>, ChangeError> {
        let Passwords {
            store,
            hasher,
            policy,
            key,
            writeback,
        } = passwords;
        let account = self.account;
        let verdict = policy.check(password, &account.person());
        if !verdict.accepted() {
            return Err(ChangeError::Rejected(verdict));
        }
        let depth = policy.history_depth();
        // The history's one hash and the new password's own run side by side.
        let (remembered, hash) = if depth > 0 {
            let history = store.password_history(account.id).await?;
            let (remembered, hash) = tokio::join!(
                super::history::check(hasher, *key, history, depth, password),
                hasher.hash(password)
            );
            (remembered?, hash?)
        } else {
            (Default::default(), hasher.hash(password).await?)
        };
        if remembered.reused {
            return Err(ChangeError::Rejected(Verdict {
                violations: vec![Violation::history(depth)],
            }));
        }
        let sealed = remembered
            .entry
            .as_ref()
            .map(|(salt, sealed)| SealedEntry { salt, sealed });
        let watch_until = (writeback.as_ref())
            .map(|(writeback, _)| writeback.watch.seconds)
            .filter(|seconds| *seconds > 0)
            .map(|seconds| self.now + seconds);
        let commit = |lifted_lock| Commit {
            new_hash: &hash,
            sealed,
            keep: depth,
            now: self.now,
            actor: self.actor,
            address: self.address,
            lifted_lock,
            finishing: self.finishing,
            notices: self.warning,
            watch_until,
        };
        let Some(writeback) = writeback else {
            return Ok(store
                .commit_password_change(account, &commit(false))
                .await?);
        };
        let (now, actor) = (self.now, self.actor);
        let written =
            write_to_directory(store, *writeback, account, password, &hash, now, actor).await?;
        store
            .commit_password_change(account, &commit(written.unlocked))
            .await
            .map_err(ChangeError::NotStoredHere)
    }
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
) -> Result<Written, ChangeError> {
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
        Ok(written) => {
            // A new password clears the directory's count of wrong ones:
            // a pause at sign-in here lifts with it.
            super::authority::forget_binds(store, &account.username).await;
            Ok(written)
        }
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
    let Some(current) = store.current_password_hash(account.id).await? else {
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
///
/// `queued`: the notice the change queued with it, tried now; a change
/// that queued none (settled from the directory, or made without a
/// queue) queues and tells it here.
pub async fn after_change(
    store: &Store,
    told: &Told<'_>,
    account: &Account,
    keep: Option<&str>,
    queued: &[Queued],
) -> Result<(u64, Vec<super::NotTold>), StoreError> {
    let ended = store.end_sessions_of(account.id, keep).await?;
    let failed = match queued {
        [] => {
            told.tell(store, account, &Notice::PasswordChanged, None)
                .await?
        }
        queued => told.deliver(store, account, queued).await?,
    };
    Ok((ended, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(id: i64) -> Account {
        Account {
            id,
            username: "jdoe".into(),
            email: "jdoe@example.edu".into(),
            name: "John Doe".into(),
            phone: None,
            status: "active".into(),
            locked_until: None,
            must_change_password: false,
            must_change_reason: None,
            second_factor: false,
            version: 0,
            created_at: 0,
            updated_at: 0,
            left_directory_at: None,
            language: None,
            reported_at: None,
            methods_confirmed_at: None,
            alt_email: None,
        }
    }

    fn reset(step: Step, account_id: Option<i64>) -> ResetSession {
        ResetSession {
            id: "s".into(),
            csrf: "c".into(),
            step,
            account_id,
            code: None,
            expires_at: 1,
            proven: Vec::new(),
        }
    }

    #[test]
    fn only_a_reset_at_its_password_step_may_change_its_own_account() {
        let ada = account(7);
        assert!(MayChange::by_reset(&reset(Step::Password, Some(7)), &ada).is_some());
        for step in [
            Step::Identify,
            Step::Captcha,
            Step::Method,
            Step::Code,
            Step::Done,
        ] {
            assert!(
                MayChange::by_reset(&reset(step, Some(7)), &ada).is_none(),
                "{step:?}"
            );
        }
        assert!(
            MayChange::by_reset(&reset(Step::Password, Some(8)), &ada).is_none(),
            "another account's reset"
        );
        assert!(MayChange::by_reset(&reset(Step::Password, None), &ada).is_none());
    }
}
