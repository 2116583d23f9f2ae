//! Whose word decides that a password is right. Without a directory, or
//! with `[directory] authority = "local"`: this service's own Argon2id copy.
//! With the directory as authority: a bind as the person, never a stored
//! copy, and the password that worked is adopted into the history here, so
//! that the history also covers passwords changed elsewhere.

use super::change::{ChangeError, Passwords, verify_password};
use crate::directory::{Bind, DirectoryError};
use crate::model::account::Account;

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
        let said = writeback.directory.authenticate(username, password).await;
        let Some(account) = account else {
            return Ok(match said {
                Err(DirectoryError::Unreachable(_)) => Checked::Unreachable,
                _ => Checked::Wrong,
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
    async fn adopt(&self, account: &Account, password: &str, now: i64) -> Result<(), ChangeError> {
        if verify_password(self.store, self.hasher, account, password).await? {
            return Ok(());
        }
        let hash = self.hasher.hash(password).await?;
        let depth = self.policy.history_depth();
        match self.store.adopt_password(account, &hash, depth, now).await {
            Ok(()) | Err(crate::store::StoreError::Conflict) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
