//! Whose word decides that a password is right. Without a directory, or
//! with `[directory] authority = "local"`: this service's own Argon2id copy.
//! With the directory as authority: a bind as the person, never a stored
//! copy, and the password that worked is adopted into the history here, so
//! that the history also covers passwords changed elsewhere.

use async_trait::async_trait;

use super::change::{ChangeError, Passwords, verify_password};
use crate::directory::{
    Allowance, Bind, BindGate, DirectoryError, DirectoryPolicy, LockoutSettings, allowance,
};
use crate::model::account::Account;
use crate::store::{HITS_KEPT_SECONDS, Store};

/// What a password typed at sign-in or before an update came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    Right,
    Wrong,
    /// The right password, which the directory says has expired.
    Expired,
    /// The directory locked the account; the password could not be tried.
    Locked,
    /// The directory could not be asked.
    Unreachable,
    /// Not tried: one more wrong password could make the directory lock
    /// the account, for every campus system. Until when (Unix seconds), or,
    /// with none, until a reset or an unlock here.
    Withheld(Option<i64>),
}

impl Passwords<'_> {
    /// Checks `password` for `account`, or, for a name no account has
    /// (`None`), does the same work and answers `Wrong`.
    pub async fn check(
        &self,
        account: Option<&Account>,
        name: &str,
        password: &str,
        now: i64,
    ) -> Result<Checked, ChangeError> {
        let Some((writeback, _)) = self.writeback.filter(|(w, _)| w.authenticates) else {
            return self.check_here(account, password).await;
        };
        let username = account.map_or(name, |account| account.username.as_str());
        let gate = LockoutGate {
            store: self.store,
            settings: writeback.lockout,
            now,
            copy: account.map(|account| (self, account)),
        };
        let said = (writeback.directory)
            .authenticate_through(username, password, &gate)
            .await;
        // No account here: the directory may still hold the person (a
        // newcomer the caller imports), or no one.
        let Some(account) = account else {
            return Ok(match said {
                Ok(Bind::Accepted) => Checked::Right,
                Ok(Bind::Expired) => Checked::Expired,
                Ok(Bind::Locked) => Checked::Locked,
                Ok(Bind::Withheld(until)) => Checked::Withheld(until),
                Err(DirectoryError::Unreachable(_)) => Checked::Unreachable,
                Ok(Bind::Wrong) | Err(_) => Checked::Wrong,
            });
        };
        Ok(match said {
            Ok(Bind::Accepted) => {
                self.adopt(account, password, now).await?;
                Checked::Right
            }
            Ok(Bind::Expired) => {
                self.adopt(account, password, now).await?;
                Checked::Expired
            }
            Ok(Bind::Locked) => Checked::Locked,
            Ok(Bind::Withheld(until)) => Checked::Withheld(until),
            Ok(Bind::Wrong) | Err(DirectoryError::NoEntry) => Checked::Wrong,
            Err(e) => {
                tracing::warn!(error = %e, "the directory could not check a password");
                Checked::Unreachable
            }
        })
    }

    /// The local check: an unknown account costs one hashing too.
    async fn check_here(
        &self,
        account: Option<&Account>,
        password: &str,
    ) -> Result<Checked, ChangeError> {
        let right = match account {
            Some(account) => verify_password(self.store, self.hasher, account, password).await?,
            None => {
                let _ = self.hasher.hash(password).await;
                false
            }
        };
        Ok(if right {
            Checked::Right
        } else {
            Checked::Wrong
        })
    }

    /// Makes the password the directory just accepted the current one here
    /// too, unless it is already. Another change meanwhile wins.
    pub(crate) async fn adopt(
        &self,
        account: &Account,
        password: &str,
        now: i64,
    ) -> Result<(), ChangeError> {
        if verify_password(self.store, self.hasher, account, password).await? {
            return Ok(());
        }
        let hash = self.hasher.hash(password).await?;
        let depth = self.policy.history_depth();
        // Adopted without the history's sealed hash: one more Argon2id at
        // a sign-in for a change made elsewhere is not worth it; this entry
        // is checked by its own hash until it ages out.
        let new = crate::store::NewPassword {
            hash: &hash,
            sealed: None,
        };
        match self.store.adopt_password(account, new, depth, now).await {
            Ok(()) | Err(crate::store::StoreError::Conflict) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

/// No one locked out through us: before a bind as a person, the binds this
/// service already made for their entry within the window are counted (in
/// the store, so every instance sees them), and one that could reach the
/// directory's lockout is not made. A right password clears the count, as
/// it clears the directory's; so do a reset and an unlock here
/// ([`forget_binds`]).
pub struct LockoutGate<'a> {
    pub store: &'a Store,
    pub settings: LockoutSettings,
    pub now: i64,
    /// The account and the passwords' store, where its stored copy of the
    /// current password may speak for a try over the allowance.
    pub copy: Option<(&'a Passwords<'a>, &'a Account)>,
}

/// The binds counted in the window.
fn window_key(who: &str) -> String {
    format!("directory-bind:{who}")
}

/// The binds not yet followed by a right password, where the directory
/// forgets wrong ones only then.
fn unproven_key(who: &str) -> String {
    format!("directory-unproven:{who}")
}

/// A reset or an unlock here proved the person, and the directory forgot
/// their wrong passwords with it (a new password or an unlock clears its
/// count): so does the gate. `username`: the directory's, as the gate
/// counts under it.
pub async fn forget_binds(store: &Store, username: &str) {
    let who = username.to_lowercase();
    for key in [window_key(&who), unproven_key(&who)] {
        if let Err(e) = store.forget_hits(&key).await {
            tracing::warn!(error = %e, "a directory bind count cannot be cleared");
        }
    }
}

impl LockoutGate<'_> {
    /// Within the window: the binds left, then (over them, within the
    /// margin) a password that is the copy stored here at the last right
    /// sign-in. `Err(until)`: when the oldest counted bind leaves the window.
    async fn within_window(
        &self,
        who: &str,
        allowed: &Allowance,
        password: &str,
    ) -> Result<(), Option<i64>> {
        let key = window_key(who);
        // A try refused is not recorded (past the cap): retrying during a
        // pause never lengthens it.
        let tries = self
            .store
            .hit(&key, allowed.binds, allowed.window, self.now)
            .await
            .map_err(unknown_count)?;
        if tries <= allowed.binds {
            return Ok(());
        }
        let copy_speaks = match self.copy {
            Some((passwords, account)) => {
                verify_password(passwords.store, passwords.hasher, account, password)
                    .await
                    .unwrap_or(false)
            }
            None => false,
        };
        let over = allowed.binds + i64::from(self.settings.margin);
        if copy_speaks
            && self
                .store
                .hit(&key, over, allowed.window, self.now)
                .await
                .map_err(unknown_count)?
                <= over
        {
            return Ok(());
        }
        let oldest = self
            .store
            .oldest_hit(&key, allowed.window, self.now)
            .await
            .map_err(unknown_count)?;
        Err(oldest.map(|at| at + allowed.window))
    }
}

/// A count that cannot be read: no bind, rather than a bind that could lock.
fn unknown_count(e: crate::store::StoreError) -> Option<i64> {
    tracing::warn!(error = %e, "the directory's bind count cannot be read");
    None
}

#[async_trait]
impl BindGate for LockoutGate<'_> {
    /// The try is counted before the bind, so that two at once cannot both
    /// slip under the allowance. After a typo, the right password of a
    /// person who signed in here before is not turned away for the window
    /// (a copy gone stale spends the margin, never more); anyone else's
    /// waits for the window, and is told until when.
    async fn admit(
        &self,
        who: &str,
        rules: &DirectoryPolicy,
        password: &str,
    ) -> Result<(), Option<i64>> {
        let Some(allowed) = allowance(rules, &self.settings) else {
            return Ok(());
        };
        let Some(ceiling) = allowed.ceiling else {
            return self.within_window(who, &allowed, password).await;
        };
        // The directory never forgets on its own: however the windows fall,
        // this service never makes the failure that locks.
        let unproven = unproven_key(who);
        let spent = self
            .store
            .hits(&unproven, HITS_KEPT_SECONDS, self.now)
            .await
            .map_err(unknown_count)?;
        if spent >= ceiling {
            return Err(None);
        }
        self.within_window(who, &allowed, password).await?;
        let spent = self
            .store
            .hit(&unproven, ceiling, HITS_KEPT_SECONDS, self.now)
            .await
            .map_err(unknown_count)?;
        if spent > ceiling { Err(None) } else { Ok(()) }
    }

    async fn forgive(&self, who: &str) {
        forget_binds(self.store, who).await;
    }
}
