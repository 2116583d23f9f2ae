//! The link a caught lock sends: it unlocks the account in the directory
//! and does nothing else (the password stays, no session opens), so the
//! person unlocks from their phone without calling anyone. Signed, not
//! stored: it names the change whose watch sent it, works once, and for
//! [`LINK_HOURS`] after it was sent.

use super::super::{Caller, Core, Error, audit, notify};
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::secrets::SecretKey;

/// How long an unlock link works after it was sent.
pub const LINK_HOURS: i64 = 24;
/// What an unlock link's signature is made for.
const PURPOSE: &str = "watch-unlock";

/// What signs the links, and where they point.
#[derive(Clone, Copy)]
pub struct UnlockLinks<'a> {
    pub key: &'a SecretKey,
    pub public_url: &'a str,
}

impl UnlockLinks<'_> {
    /// The link for the watch of `account_id`'s change at `changed_at`.
    pub fn link(&self, account_id: i64, changed_at: i64) -> String {
        let signed = format!("{account_id}.{changed_at}");
        let tag = self.key.short_tag(PURPOSE, &signed);
        let base = self.public_url.trim_end_matches('/');
        format!("{base}/unlock/{signed}.{tag}")
    }
}

/// The account and change a well-signed token names.
fn read(key: &SecretKey, token: &str) -> Option<(i64, i64)> {
    let (signed, tag) = token.rsplit_once('.')?;
    if !key.verify_short(PURPOSE, signed, tag) {
        return None;
    }
    let (account_id, changed_at) = signed.split_once('.')?;
    Some((account_id.parse().ok()?, changed_at.parse().ok()?))
}

/// The account a link would unlock, for the page that asks first: `None`
/// when it is forged, used, too old, or a later change replaced its watch.
pub async fn account_of_link(core: &Core, token: &str) -> Result<Option<Account>, Error> {
    Ok(live_link(core, token).await?.map(|(account, _)| account))
}

/// The account a live link names, with the change whose watch sent it.
async fn live_link(core: &Core, token: &str) -> Result<Option<(Account, i64)>, Error> {
    let Some((account_id, changed_at)) = read(&core.key, token) else {
        return Ok(None);
    };
    let Some(watch) = core.store.watch_of(account_id).await? else {
        return Ok(None);
    };
    let now = core.clock.now();
    let live = watch.changed_at == changed_at
        && watch.unlocked_by.as_deref() != Some("link")
        && watch
            .link_sent_at
            .is_some_and(|sent| now < sent + LINK_HOURS * 3600);
    if !live {
        return Ok(None);
    }
    let account = core.store.account_by_id(account_id).await?;
    Ok(account.map(|account| (account, changed_at)))
}

/// The owner confirmed: the directory's lock is lifted (audited, the
/// owner told). [`Error::LinkSpent`] for a link that no longer works;
/// `Ok(Err(why))` when the directory did not unlock (the link stays good).
pub async fn unlock_by_link(
    core: &Core,
    caller: &Caller,
    token: &str,
) -> Result<Result<Account, String>, Error> {
    let Some((account, changed_at)) = live_link(core, token).await? else {
        audit(core, caller, Action::WatchLinkRefused, None).await?;
        return Err(Error::LinkSpent);
    };
    if let Err(why) = crate::domain::unlock::unlock_in_directory(core, &account).await? {
        return Ok(Err(why));
    }
    let now = core.clock.now();
    if !(core.store)
        .spend_unlock_link(account.id, changed_at, now)
        .await?
    {
        return Err(Error::LinkSpent);
    }
    core.metrics.watch.unlocks.inc();
    audit(core, caller, Action::WatchUnlockedByLink, Some(account.id)).await?;
    let notice = crate::domain::unlock::unlocked_notice("notice-unlocked-link");
    notify(core, caller, &account, notice, None).await?;
    Ok(Ok(account))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_names_its_change_and_holds_only_as_signed() {
        let key = SecretKey::random();
        let links = UnlockLinks {
            key: &key,
            public_url: "https://password.example.edu/",
        };
        let url = links.link(42, 1_800_000_000);
        let token = url
            .strip_prefix("https://password.example.edu/unlock/")
            .unwrap();
        assert_eq!(read(&key, token), Some((42, 1_800_000_000)));
        assert_eq!(read(&key, &token.replacen("42.", "43.", 1)), None);
        assert_eq!(read(&SecretKey::random(), token), None);
        assert!(url.len() < 100, "short enough for a text: {url}");
    }
}
