//! A temporary access pass (Entra's TAP; Kanidm's credential reset token):
//! for someone who lost every way, an agent who has verified the caller
//! issues a one-time pass, read out to them, with which they sign in and
//! register new ways. One live pass per account, kept only as a keyed
//! hash, used once, for `helpdesk.access_pass_minutes` (60).

use super::helpdesk::OnDuty;
use super::limits::Limit;
use super::person::normal_code as normal;
use super::{Caller, Core, Error, audit, notify};
use crate::i18n::{Text, say};
use crate::model::audit::Action;
use crate::notify::Notice;

const PURPOSE: &str = "access-pass";

/// A pass as the agent reads it out once.
pub struct Issued {
    pub pass: String,
    pub expires_at: i64,
}

/// A new pass for `account_id`, in place of any it had: `Err(words)` when
/// the caller is not verified in this session (nothing issued).
pub async fn issue(
    core: &Core,
    caller: &Caller,
    on: &OnDuty,
    account_id: i64,
) -> Result<Result<Issued, String>, Error> {
    if !on.verified(core, account_id) {
        let refused = Action::RefusedUnverified;
        on.record(core, caller, refused, Some(account_id), "access-pass")
            .await?;
        return Ok(Err(say("hd-verify-first-error", &[])));
    }
    // 64 bits, four groups of four hex digits: read out and typed easily.
    let token = core.entropy.token();
    let pass = (0..4)
        .map(|i| &token[i * 4..i * 4 + 4])
        .collect::<Vec<_>>()
        .join("-");
    let now = core.clock.now();
    let expires_at = now + core.site.helpdesk.access_pass_minutes * 60;
    let tag = core.key.tag(PURPOSE, &normal(&pass));
    let actor = on.staff.actor();
    core.store
        .put_access_pass(account_id, &tag, &actor, now, expires_at)
        .await?;
    on.record(core, caller, Action::AccessPassIssued, Some(account_id), "")
        .await?;
    let account = super::account_of(core, Some(account_id)).await?;
    let notice = Notice::Methods(Text::new("notice-access-pass-issued"));
    notify(core, caller, &account, notice, None).await?;
    Ok(Ok(Issued { pass, expires_at }))
}

/// A sign-in with a pass: a new session, its second factor proven (fresh,
/// so new ways may be registered at once), named by the token returned;
/// `Err(words)` for a wrong, used or expired pass or an unknown name,
/// which get one answer. Throttled per address and counted against the
/// account as a wrong code.
pub async fn sign_in(
    core: &Core,
    caller: &Caller,
    identifier: &str,
    typed: &str,
) -> Result<Result<String, String>, Error> {
    let source = &caller.source;
    let per_address = Limit::SignInFailuresPerAddress;
    if per_address.count(core, source).await?.reached() {
        return Err(Error::TooMany);
    }
    let refused = || say("access-pass-wrong", &[]);
    let account = core.store.find_account(identifier.trim()).await?;
    let account = account.filter(|a| a.left_directory_at.is_none());
    let now = core.clock.now();
    let stored = match &account {
        Some(account) => core.store.access_pass(account.id, now).await?,
        None => None,
    };
    let right = stored
        .as_deref()
        .is_some_and(|tag| core.key.verify(PURPOSE, &normal(typed), tag));
    let id = account.as_ref().map(|a| a.id);
    let Some(account) = account.filter(|_| right) else {
        per_address.hit(core, source).await?;
        audit(core, caller, Action::AccessPassWrong, id).await?;
        if let Some(id) = id {
            crate::domain::code::count_wrong_signin_code(core, id).await?;
        }
        return Ok(Err(refused()));
    };
    // Taken by one request only: two racing on one pass cannot both sign in.
    if !core.store.take_access_pass(account.id, now).await? {
        return Ok(Err(refused()));
    }
    let token = super::person::open_proven_session(core, caller, account.id).await?;
    audit(core, caller, Action::AccessPassUsed, Some(account.id)).await?;
    let notice = Notice::Methods(Text::new("notice-access-pass-used"));
    notify(core, caller, &account, notice, None).await?;
    Ok(Ok(token))
}
