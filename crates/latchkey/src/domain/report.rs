//! "This wasn't me": every notice carries a link its owner follows when a
//! change it tells of was not theirs (NIST SP 800-63B-4 § 4.6). The link
//! is signed, not stored, so a notice costs no write; it works once, for
//! [`LINK_DAYS`]. Confirmed, it holds online reset until the help desk
//! lifts it, ends every session, tells the help desk, and is audited.

use super::{Caller, Core, Error, SELF_SERVICE, audit, change_account};
use crate::i18n::Lang;
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::notify::{Channel, Message, queue};
use crate::secrets::SecretKey;
use crate::store::AccountChange;

/// How long a notice's link works.
pub const LINK_DAYS: i64 = 30;
use crate::notify::REPORT_PURPOSE as PURPOSE;
pub use crate::notify::ReportLinks;

/// A link's contents, once its signature and age hold.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    account_id: i64,
    issued_at: i64,
    nonce: String,
}

fn read(key: &SecretKey, token: &str, now: i64) -> Option<Link> {
    let (signed, tag) = token.rsplit_once('.')?;
    if !key.verify_short(PURPOSE, signed, tag) {
        return None;
    }
    let mut parts = signed.splitn(3, '.');
    let account_id = parts.next()?.parse().ok()?;
    let issued_at: i64 = parts.next()?.parse().ok()?;
    let nonce = parts.next()?.to_owned();
    let live = issued_at <= now && now - issued_at < LINK_DAYS * 86_400;
    live.then_some(Link {
        account_id,
        issued_at,
        nonce,
    })
}

/// The account a link would report on, for the page that asks to confirm:
/// `None` when it is forged, too old, used, or its account gone.
pub async fn account_of_link(core: &Core, token: &str) -> Result<Option<Account>, Error> {
    let Some(link) = read(&core.key, token, core.clock.now()) else {
        return Ok(None);
    };
    if core.store.report_link_used(&link.nonce).await? {
        return Ok(None);
    }
    Ok(core.store.account_by_id(link.account_id).await?)
}

/// The owner confirmed: online reset held, every session ended (one
/// transaction, audited), the help desk told. [`Error::LinkSpent`] for a
/// link that is forged, too old or used.
pub async fn report(core: &Core, caller: &Caller, token: &str) -> Result<Account, Error> {
    let now = core.clock.now();
    let link = read(&core.key, token, now);
    let account = match &link {
        Some(link) => core.store.account_by_id(link.account_id).await?,
        None => None,
    };
    let (Some(link), Some(account)) = (link, account) else {
        audit(core, caller, Action::ReportLinkRefused, None).await?;
        return Err(Error::LinkSpent);
    };
    let forget_before = now - LINK_DAYS * 86_400;
    let who = (account.id, link.issued_at);
    if !(core.store)
        .spend_report_link(&link.nonce, who, now, forget_before)
        .await?
    {
        audit(core, caller, Action::ReportLinkRefused, Some(account.id)).await?;
        return Err(Error::LinkSpent);
    }
    let (change, action) = (AccountChange::Reported, Action::ReportedNotMe);
    change_account(core, caller, SELF_SERVICE, account.id, change, action).await?;
    tell_helpdesk(core, caller, &account).await;
    Ok(account)
}

/// A mail to the help desk's address, in the site's language: who, when,
/// from where. A failure is logged; the report stands.
async fn tell_helpdesk(core: &Core, caller: &Caller, account: &Account) {
    let lang: Lang = core.site.language;
    let now = core.clock.now();
    let args = [
        ("username", account.username.clone()),
        ("name", account.name.clone()),
        ("when", crate::i18n::date_time(lang, &core.site.zone, now)),
        ("address", caller.address.clone()),
    ];
    let message = Message {
        channel: Channel::Email,
        recipient: core.site.helpdesk.email.clone(),
        subject: lang.tell("report-helpdesk-subject", &args),
        body: lang.tell("report-helpdesk-body", &args),
        language: lang,
    };
    let lifetime = (queue::Kind::Notice, now + queue::NOTICE_LIFETIME);
    let notifier = core.notifier();
    for (channel, e) in notifier
        .send(&[message], Some(account.id), lifetime, now)
        .await
    {
        tracing::error!(channel = channel.as_str(), error = %e, "the help desk was not told of a report");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_holds_only_as_signed_and_while_young() {
        let key = SecretKey::random();
        let links = ReportLinks {
            key: &key,
            public_url: "https://password.example.edu/",
        };
        let url = links.link(42, 1_000);
        let token = url
            .strip_prefix("https://password.example.edu/not-me/")
            .unwrap();
        let link = read(&key, token, 2_000).unwrap();
        assert_eq!((link.account_id, link.issued_at), (42, 1_000));
        assert!(read(&key, token, 1_000 + LINK_DAYS * 86_400).is_none());
        assert!(read(&key, token, 999).is_none(), "not from the future");
        let other = token.replacen("42.", "43.", 1);
        assert!(read(&key, &other, 2_000).is_none(), "another account");
        assert!(read(&SecretKey::random(), token, 2_000).is_none());
        assert!(token.len() < 70, "short enough for a text: {token}");
    }
}
