//! Whose word decides that a password is right. Without a directory, or
//! with `[directory] authority = "local"`: this service's own Argon2id copy.
//! With the directory as authority: a bind as the person, never a stored
//! copy, and the password that worked is adopted into the history here, so
//! that the history also covers passwords changed elsewhere.

use async_trait::async_trait;

use super::change::{ChangeError, Passwords, verify_password};
use crate::directory::{Bind, BindGate, DirectoryError, DirectoryPolicy, allowance};
use crate::model::account::Account;
use crate::store::Store;

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
    /// the account, for every campus system.
    Withheld,
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
            margin: writeback.lockout_margin,
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
                Ok(Bind::Withheld) => Checked::Withheld,
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
            Ok(Bind::Withheld) => Checked::Withheld,
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
/// service already made for their entry within the directory's failure
/// window are counted (in the store, so every instance sees them), and one
/// that could reach the directory's lockout is not made. A right password
/// clears the count, as it clears the directory's.
pub struct LockoutGate<'a> {
    pub store: &'a Store,
    /// Wrong passwords left to the person's own devices.
    pub margin: u32,
    pub now: i64,
    /// The account and the passwords' store, where its stored copy of the
    /// current password may speak for a try over the allowance.
    pub copy: Option<(&'a Passwords<'a>, &'a Account)>,
}

impl LockoutGate<'_> {
    fn key(who: &str) -> String {
        format!("directory-bind:{who}")
    }
}

#[async_trait]
impl BindGate for LockoutGate<'_> {
    /// The try is counted before the bind, so that two at once cannot both
    /// slip under the allowance. Over it, and within the margin, a password
    /// that is the copy stored here at the last right sign-in is still tried:
    /// after a typo, the right password is not turned away for a whole
    /// window (a copy gone stale spends the margin, never more).
    async fn admit(&self, who: &str, rules: &DirectoryPolicy, password: &str) -> bool {
        let Some((binds, window)) = allowance(rules, self.margin) else {
            return true;
        };
        // Every try past the margin is answered alike: no need to record it.
        let cap = binds + i64::from(self.margin);
        let tries = match self.store.hit(&Self::key(who), cap, window, self.now).await {
            Ok(tries) => tries,
            Err(e) => {
                // Unknown count: no bind, rather than a bind that could lock.
                tracing::warn!(error = %e, "the directory's bind count cannot be read");
                return false;
            }
        };
        if tries <= binds {
            return true;
        }
        let Some((passwords, account)) = self.copy else {
            return false;
        };
        tries <= binds + i64::from(self.margin)
            && verify_password(passwords.store, passwords.hasher, account, password)
                .await
                .unwrap_or(false)
    }

    async fn forgive(&self, who: &str) {
        if let Err(e) = self.store.forget_hits(&Self::key(who)).await {
            tracing::warn!(error = %e, "a directory bind count cannot be cleared");
        }
    }
}
