//! The campus directory: where laptops and services check passwords, so
//! every new password is written there as part of the change (writeback),
//! and where accounts come from (`latchkey directory sync`).
//!
//! A change with a directory: the new hash and the password, sealed, are
//! recorded as pending; the directory is asked; then one transaction stores
//! the hash here and removes the pending record. A refusal or an unreachable
//! directory removes the record and changes nothing. A record that outlives
//! its change (a crash, a database error after the directory accepted, a
//! directory that took the request and never answered) is settled by
//! [`reconcile`]: if the new password works in the directory it is stored
//! here too, otherwise dropped, so the two never disagree for long and never
//! silently.

use async_trait::async_trait;
use serde::Serialize;

use crate::model::audit::Action;
use crate::secrets::SecretKey;
use crate::store::{PendingWrite, Store, StoreError};

mod config;
pub use config::{
    AttributeNames, Attributes, Authority, DirectoryConfig, DirectoryKind, PasswordChange,
    PolicyHints, WatchSettings,
};
pub mod events;
mod gate;
pub use gate::{ASSUMED_THRESHOLD, Allowance, LockoutSettings, allowance, lockout_note};
mod ldap;
pub use ldap::Ldap;
mod people;
pub mod policy;
pub use people::{SyncError, SyncOptions, SyncReport, account_of, sync};

/// The sealing purpose of a pending change's password.
pub const SEAL_PURPOSE: &str = crate::secrets::PENDING_PASSWORD_PURPOSE;

/// Why the directory did not take a password, in words a person can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    History,
    /// Too short; the directory's minimum when it could be read.
    Length(Option<usize>),
    Complexity,
    /// Changed too recently; when it may change (Unix seconds), if known.
    MinimumAge(Option<i64>),
    /// Active Directory says only "the password does not meet the restrictions".
    Restrictions,
}

impl Refusal {
    /// A stable id for the audit trail.
    pub fn id(self) -> &'static str {
        match self {
            Refusal::History => "directory_history",
            Refusal::Length(_) => "directory_length",
            Refusal::Complexity => "directory_complexity",
            Refusal::MinimumAge(_) => "directory_minimum_age",
            Refusal::Restrictions => "directory_restrictions",
        }
    }

    /// What to do, in the language of the request (times on `zone`'s clock).
    pub fn message(self, zone: &jiff::tz::TimeZone) -> String {
        use crate::i18n::say;
        match self {
            Refusal::History => say("directory-refused-history", &[]),
            Refusal::Length(Some(minimum)) => say(
                "directory-refused-length",
                &[("minimum", minimum.to_string())],
            ),
            Refusal::Length(None) => say("directory-refused-longer", &[]),
            Refusal::Complexity => say("directory-refused-complexity", &[]),
            Refusal::MinimumAge(Some(when)) => {
                let when = crate::i18n::date_time(crate::i18n::current().lang, zone, when);
                say("directory-refused-age", &[("when", when)])
            }
            Refusal::MinimumAge(None) => say("directory-refused-age-unknown", &[]),
            Refusal::Restrictions => say("directory-refused-restrictions", &[]),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    /// The directory's own password policy said no.
    #[error("the directory refused the password ({})", .0.id())]
    Refused(Refusal),
    /// No entry for this person.
    #[error("no directory entry for this person")]
    NoEntry,
    /// Locked or disabled by a directory administrator: not ours to undo.
    #[error("the account was locked or disabled by a directory administrator")]
    Disabled,
    /// No connection or no bind: nothing was asked.
    #[error("the directory cannot be reached: {0}")]
    Unreachable(String),
    /// The change was sent and no answer came: it may have been applied.
    #[error("the directory did not answer the change: {0}")]
    Unanswered(String),
    /// An answer that is not about the password (rights, schema, settings).
    #[error("the directory failed: {0}")]
    Failed(String),
}

impl DirectoryError {
    /// A short, stable name for metrics and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            DirectoryError::Refused(refusal) => refusal.id(),
            DirectoryError::NoEntry => "no_entry",
            DirectoryError::Disabled => "disabled",
            DirectoryError::Unreachable(_) => "unreachable",
            DirectoryError::Unanswered(_) => "unanswered",
            DirectoryError::Failed(_) => "failed",
        }
    }
}

/// A person as the directory holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryPerson {
    pub dn: String,
    pub username: Option<String>,
    pub email: Option<String>,
    pub name: Option<String>,
    pub mobile: Option<String>,
    /// Where the directory says the person works or studies, for reports.
    pub department: Option<String>,
    /// When the password was last set (Unix seconds), for expiry reminders.
    pub password_changed_at: Option<i64>,
    /// The password rules in force for them: their own policy, or the
    /// default (none known: all `None`).
    pub rules: DirectoryPolicy,
}

/// What the directory holds against one person's password: wrong ones
/// typed, and a lock they set ([`Directory::troubled_since`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trouble {
    pub username: String,
    /// When each wrong password was typed, as far as the directory keeps
    /// them: OpenLDAP stamps each (`pwdFailureTime`); Active Directory keeps
    /// the last (`badPasswordTime`) and a count (`badPwdCount`).
    pub failures: Vec<i64>,
    /// How many wrong passwords the directory counts now.
    pub failure_count: u32,
    /// When wrong passwords locked the account, while it is locked.
    pub locked_at: Option<i64>,
}

impl Trouble {
    /// Wrong passwords typed at or after `since`.
    pub fn failures_since(&self, since: i64) -> u32 {
        let stamped = self.failures.iter().filter(|at| **at >= since).count();
        let stamped = u32::try_from(stamped).unwrap_or(u32::MAX);
        // One stamp and a count: the count is of failures after the last
        // right password, which came no later than a change at `since`.
        if self.failures.len() == 1 && stamped == 1 {
            stamped.max(self.failure_count)
        } else {
            stamped
        }
    }

    /// Locked at or after `since`.
    pub fn locked_since(&self, since: i64) -> Option<i64> {
        self.locked_at.filter(|at| *at >= since)
    }
}

/// What a bind as the person said about the password typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bind {
    Accepted,
    Wrong,
    /// The right password, expired or to be changed before any other use.
    Expired,
    /// The directory locked the account after wrong passwords; whether the
    /// one typed is right cannot be told until it is unlocked.
    Locked,
    /// Not tried: another wrong password could lock the person's account
    /// (the [`BindGate`] said no), until the time given (Unix seconds) or,
    /// with none, until a right password, a reset or an unlock proves the
    /// person.
    Withheld(Option<i64>),
}

/// What stands between a password typed here and a bind as the person: the
/// wrong ones already sent for that entry within the directory's failure
/// window, so that this service never locks anyone out of the directory.
#[async_trait]
pub trait BindGate: Send + Sync {
    /// Counts one try of `password` for `who` (the entry's username, or
    /// `name:NAME` for a name no entry has) under the lockout in `rules`;
    /// `Some(until)`: do not bind (see [`Bind::Withheld`]).
    async fn admit(
        &self,
        who: &str,
        rules: &DirectoryPolicy,
        password: &str,
    ) -> Result<(), Option<i64>>;
    /// The password was right: the directory forgot the wrong ones, and so
    /// does the gate.
    async fn forgive(&self, who: &str);
}

/// A gate that admits every bind: for the command line and tests, where a
/// person, not a page open to anyone, types the password.
pub struct Ungated;

#[async_trait]
impl BindGate for Ungated {
    async fn admit(&self, _: &str, _: &DirectoryPolicy, _: &str) -> Result<(), Option<i64>> {
        Ok(())
    }
    async fn forgive(&self, _: &str) {}
}

/// Whether the directory lets the person sign in at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lock {
    Open,
    /// Locked after too many wrong passwords: a proven person may unlock it.
    Locked,
    /// Locked or disabled by an administrator: only the directory's
    /// administrators undo that.
    Disabled,
}

/// The directory's own password rules, as far as it says them; `None`
/// where it sets none or could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryPolicy {
    pub min_length: Option<usize>,
    /// Passwords remembered, the current one included.
    pub history: Option<usize>,
    /// Seconds a password must be kept before it may change again.
    pub min_age: Option<i64>,
    /// Seconds a password lives before it expires.
    pub max_age: Option<i64>,
    /// Whether, and after how many wrong passwords, the directory locks
    /// the account.
    pub lockout: Lockout,
    /// Seconds after which the directory forgets a wrong password (`None`:
    /// only a right one clears them).
    pub failure_window: Option<i64>,
    /// Active Directory's complexity (three kinds of characters, no name).
    pub complexity: bool,
}

/// What the directory said about locking an account after wrong passwords.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Lockout {
    /// Not said: no policy Latchkey may read. Assumed strict
    /// ([`gate::allowance`]), never "it does not lock".
    #[default]
    Unknown,
    /// The policy read says it never locks.
    Never,
    /// Locks after this many wrong passwords.
    After(u32),
}

/// What a new password did besides changing the password.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Written {
    /// Active Directory: the account was locked, and the same change lifted
    /// the lock (a new password alone leaves it there).
    pub unlocked: bool,
}

/// A directory passwords are written to. One real implementation, [`Ldap`].
#[async_trait]
pub trait Directory: Send + Sync {
    /// Sets the password of the person with this username.
    async fn set_password(&self, username: &str, password: &str)
    -> Result<Written, DirectoryError>;
    /// A bind as the person, when `gate` admits it. A name no entry has is
    /// never bound as (the gate counts it all the same): it costs a bind
    /// as the service account instead, then `NoEntry`.
    async fn authenticate_through(
        &self,
        username: &str,
        password: &str,
        gate: &dyn BindGate,
    ) -> Result<Bind, DirectoryError>;
    /// Whether the account is locked there.
    async fn lock(&self, username: &str) -> Result<Lock, DirectoryError>;
    /// Lifts a lock that wrong passwords set, keeping the password.
    async fn unlock(&self, username: &str) -> Result<(), DirectoryError>;
    /// The directory's password rules (its default policy).
    async fn policy(&self) -> Result<DirectoryPolicy, DirectoryError>;
    /// The rules in force for this person: their own policy where the
    /// directory assigns one (OpenLDAP `pwdPolicySubentry`, Active
    /// Directory's fine-grained `msDS-ResultantPSO`), else the default.
    async fn policy_of(&self, username: &str) -> Result<DirectoryPolicy, DirectoryError>;
    /// The one person this username, UPN or mail address names.
    async fn person(&self, identifier: &str) -> Result<DirectoryPerson, DirectoryError>;
    /// Everyone under the base that the people filter finds.
    async fn people(&self) -> Result<Vec<DirectoryPerson>, DirectoryError>;
    /// Everyone with a wrong password typed at or after `since` (Unix
    /// seconds), or locked after wrong passwords since then: one search,
    /// however many people are watched.
    async fn troubled_since(&self, since: i64) -> Result<Vec<Trouble>, DirectoryError>;
    /// Whether the service account can bind now and has the rights it
    /// needs (readiness, `config check`).
    async fn check(&self) -> Result<(), DirectoryError>;
    /// Whether the directory answers a service bind now, and nothing more
    /// (before a step that is worth taking only if a change can be made).
    async fn reachable(&self) -> Result<(), DirectoryError>;

    /// [`Directory::authenticate_through`] with every bind admitted.
    async fn authenticate(&self, username: &str, password: &str) -> Result<Bind, DirectoryError> {
        self.authenticate_through(username, password, &Ungated)
            .await
    }

    /// Whether `password` is the person's password there. A locked account
    /// cannot tell, and says so as an error.
    async fn has_password(
        &self,
        username: &str,
        password: &str,
        gate: &dyn BindGate,
    ) -> Result<bool, DirectoryError> {
        match self.authenticate_through(username, password, gate).await? {
            Bind::Accepted | Bind::Expired => Ok(true),
            Bind::Wrong => Ok(false),
            Bind::Locked => Err(DirectoryError::Failed(
                "the account is locked in the directory, so the password cannot be checked".into(),
            )),
            Bind::Withheld(_) => Err(DirectoryError::Failed(
                "another wrong password could lock the account in the directory, so it is not tried now".into(),
            )),
        }
    }
}

/// The directory new passwords are written to, with how long a pending
/// change is left to its own request before the reconciler may settle it.
pub struct Writeback {
    pub directory: Box<dyn Directory>,
    /// Longer than a change can take: connect, bind, search and modify,
    /// each at its timeout, and the local transaction.
    pub settle_after: i64,
    pub retry_seconds: i64,
    /// Whether sign-in binds as the person (the directory is the authority).
    pub authenticates: bool,
    /// What sign-in here assumes of the directory's lockout
    /// (`directory.lockout_margin`, `lockout_threshold`, `lockout_window_minutes`).
    pub lockout: LockoutSettings,
    /// Whether people's phones are taken from it (`directory.trusted_phones`).
    pub trusted_phones: bool,
    /// The watch after each change made here (`directory.watch_*`).
    pub watch: WatchSettings,
    /// Latency and failures, for `/metrics`.
    pub stats: crate::metrics::WritebackStats,
}

impl Writeback {
    /// The configured directory, or `None` when there is none; refused with
    /// the key to set when it cannot work.
    pub fn from_config(config: &DirectoryConfig) -> Result<Option<Writeback>, String> {
        if !config.enabled() {
            return Ok(None);
        }
        if let Some((key, reason)) = config.problem() {
            return Err(format!("directory.{key}: {reason}"));
        }
        let password =
            crate::secrets::secret_from_env("LATCHKEY_DIRECTORY_PASSWORD")?.unwrap_or_default();
        if password.is_empty() {
            return Err(format!(
                "directory.url is set but LATCHKEY_DIRECTORY_PASSWORD is not: set it to the password of {}",
                config.bind_dn
            ));
        }
        Ok(Some(Writeback::new(
            Box::new(Ldap::new(config.clone(), password)?),
            config,
        )))
    }

    pub fn new(directory: Box<dyn Directory>, config: &DirectoryConfig) -> Writeback {
        let timeout = i64::try_from(config.timeout_seconds).unwrap_or(i64::MAX / 8);
        Writeback {
            directory,
            settle_after: 4 * timeout + 10,
            retry_seconds: config.retry_seconds,
            authenticates: config.authenticates(),
            lockout: config.lockout(),
            trusted_phones: config.trusted_phones,
            watch: config.watch(),
            stats: crate::metrics::WritebackStats::default(),
        }
    }
}

/// How one pending change was settled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Settled {
    /// The directory has the new password; now this store has it too.
    Stored,
    /// The directory never took it; the old password stands in both.
    Dropped,
    /// Not settled yet (the reason); tried again later.
    StillPending(String),
}

/// Settles every pending change that is due: asks the directory whether
/// the new password works there, and stores it here or drops it.
pub async fn reconcile(
    store: &Store,
    directory: &dyn Directory,
    gate: &dyn BindGate,
    key: &SecretKey,
    keep: usize,
    retry_seconds: i64,
    now: i64,
) -> Result<Vec<(String, Settled)>, StoreError> {
    let mut outcomes = Vec::new();
    for write in store.pending_writes().await? {
        if !store
            .claim_pending_write(&write, now, now + retry_seconds)
            .await?
        {
            continue;
        }
        let settled = settle(store, directory, gate, key, keep, &write, now).await?;
        if let Settled::StillPending(reason) = &settled {
            store.note_pending_error(write.account_id, reason).await?;
        }
        outcomes.push((write.username.clone(), settled));
    }
    Ok(outcomes)
}

async fn settle(
    store: &Store,
    directory: &dyn Directory,
    gate: &dyn BindGate,
    key: &SecretKey,
    keep: usize,
    write: &PendingWrite,
    now: i64,
) -> Result<Settled, StoreError> {
    let password = key
        .open(SEAL_PURPOSE, &write.sealed_password)
        .and_then(|bytes| String::from_utf8(bytes).ok());
    let Some(password) = password else {
        return Ok(Settled::StillPending(
            "the sealed password cannot be opened: is server.secret_key the one it was sealed with?"
                .into(),
        ));
    };
    let Some(account) = store.account_by_id(write.account_id).await? else {
        return Ok(Settled::Dropped);
    };
    match directory
        .has_password(&account.username, &password, gate)
        .await
    {
        Ok(true) => match store.settle_pending_write(&account, write, keep, now).await {
            Ok(_) => Ok(Settled::Stored),
            // Changed here meanwhile: read the account again next time.
            Err(StoreError::Conflict) => Ok(Settled::StillPending("changed meanwhile".into())),
            Err(e) => Err(e),
        },
        Ok(false) | Err(DirectoryError::NoEntry) => {
            store
                .drop_pending_write(write.account_id, &write.new_hash)
                .await?;
            store
                .record_event(
                    now,
                    "directory",
                    &Action::DirectorySettled("dropped").name(),
                    Some(account.id),
                    "",
                )
                .await?;
            Ok(Settled::Dropped)
        }
        Err(e) => Ok(Settled::StillPending(e.to_string())),
    }
}
