//! People the directory holds and this service does not know yet (a new
//! student on their first day, before the next sync): imported on the
//! spot, at sign-in once the directory took their password, and at a
//! reset's first step, so that no one is told their right password is
//! wrong or sent to the help desk for want of a sync.

use super::{Caller, Core, Error, SELF_SERVICE};
use crate::directory::{DirectoryError, account_of};
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::store::StoreError;

/// Where a person arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrival {
    SignIn,
    Reset,
}

impl Arrival {
    fn id(self) -> &'static str {
        match self {
            Arrival::SignIn => "signin",
            Arrival::Reset => "reset",
        }
    }
}

/// The account a reset's first step goes on with: the one found here, or
/// a newcomer the directory holds. The directory is asked for known names
/// too, so that the time taken does not tell which names are known here.
pub async fn at_reset(
    core: &Core,
    caller: &Caller,
    identifier: &str,
    found: Option<Account>,
) -> Result<Option<Account>, Error> {
    let Some(writeback) = &core.writeback else {
        return Ok(found);
    };
    if found.is_some() {
        let _ = writeback.directory.person(identifier).await;
        return Ok(found);
    }
    arrive(core, caller, identifier, Arrival::Reset).await
}

/// The account of the one person the directory finds for `identifier`
/// (their username, UPN or mail), imported now; `None` when there is no
/// directory, no such person, or an entry that cannot make an account.
pub async fn arrive(
    core: &Core,
    caller: &Caller,
    identifier: &str,
    way: Arrival,
) -> Result<Option<Account>, Error> {
    let Some(writeback) = &core.writeback else {
        return Ok(None);
    };
    let person = match writeback.directory.person(identifier).await {
        Ok(person) => person,
        Err(DirectoryError::NoEntry) => return Ok(None),
        Err(e) => {
            tracing::warn!(error = %e, "the directory could not be asked who a newcomer is");
            return Ok(None);
        }
    };
    let entry = match account_of(&person, writeback.trusted_phones) {
        Ok((entry, _)) => entry,
        Err(reason) => {
            tracing::warn!(entry = %person.dn, %reason, "a person in the directory cannot be imported");
            return Ok(None);
        }
    };
    let now = core.clock.now();
    let action = Action::AccountArrived(way.id()).name();
    let id = match (core.store)
        .insert_arrival(&entry, SELF_SERVICE, &action, now)
        .await
    {
        Ok(id) => Some(id),
        // Imported meanwhile (a sync, another request): that account.
        Err(StoreError::Duplicate { .. }) => None,
        Err(e) => return Err(e.into()),
    };
    let account = match id {
        Some(id) => core.store.account_by_id(id).await?,
        None => core.store.find_account(&entry.username).await?,
    };
    // Only the person the directory named: never another account that
    // happens to hold the same mail address.
    let account = account.filter(|a| a.username.eq_ignore_ascii_case(&entry.username));
    // Marked gone by a sync, and in the directory again since.
    if let Some(back) = account.as_ref().filter(|a| a.left_directory_at.is_some()) {
        core.store
            .mark_left_directory(&[back.id], false, now)
            .await?;
        return Ok(core.store.account_by_id(back.id).await?);
    }
    if let Some(account) = &account {
        tracing::info!(account = account.id, way = way.id(), address = %caller.address, "a person arrived from the directory");
    }
    Ok(account)
}
