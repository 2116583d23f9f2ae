//! A phone registered by its owner: a code to the new number proves it.

use super::{Next, Outcome, SignedIn, factor_is_fresh, prove_factor, refused, removal_refused};
use crate::domain::code::{
    Asker, Verdict, attempt, issue, new_code, send_code, tries_left_message,
};
use crate::domain::{Caller, Core, Error, SELF_SERVICE, audit, change_account, notify};
use crate::i18n::{Text, say};
use crate::model::account::{Account, display_phone, mask_phone, normalize_phone};
use crate::model::audit::Action;
use crate::model::code::OneTimeCode;
use crate::model::method::Method;
use crate::model::session::SessionKind;
use crate::notify::{Channel, CodeUse, Notice};
use crate::store::AccountChange;
use crate::store::AccountSession;

/// The number waiting for its code, masked.
pub fn pending_phone(session: &AccountSession) -> Option<String> {
    let purpose = session.code.as_ref().map(|code| code.purpose);
    match (purpose, &session.enrol_phone) {
        // Shown in full to the person who just typed it, so a typo shows.
        (Some(CodeUse::Registration), Some(phone)) => Some(display_phone(phone)),
        _ => None,
    }
}

/// A number to register: checked, then proven by a code sent to it
/// (`channel`: `sms` texts it, `voice` calls it).
pub async fn start_phone(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
    typed: &str,
    channel: &str,
) -> Result<Outcome, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Phone));
    }
    let phone = match normalize_phone(typed.trim()) {
        Ok(phone) => phone,
        Err(why) => return Ok(refused(say("phone-unusable", &[("why", why.to_string())]))),
    };
    if who.account.phone.as_deref() == Some(phone.as_str()) {
        return Ok(refused(say("phone-same", &[])));
    }
    let Some(channel) = Channel::for_phone(channel) else {
        return Ok(refused(say("phone-choose-channel", &[])));
    };
    let tag = match send_code(
        core,
        (who.account.id, Asker::Owner),
        channel,
        &phone,
        (CodeUse::Registration, crate::i18n::current().lang),
    )
    .await?
    {
        Ok(tag) => tag,
        Err(why) => return Ok(refused(why.message())),
    };
    let id = &who.session.id;
    core.store.set_enrol_phone(id, &phone).await?;
    let method = Method::sent_by(channel);
    let code = new_code(core, CodeUse::Registration, None, method, Some(tag));
    issue(core, &SessionKind::Person.holder(id), &code).await?;
    let action = Action::PhoneCodeSent(channel);
    audit(core, caller, action, Some(who.account.id)).await?;
    Ok(Outcome::Done)
}

/// The code sent to the new number: right, and the number is registered.
pub async fn confirm_phone(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
    typed: &str,
) -> Result<Outcome, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Phone));
    }
    let (id, account) = (&who.session.id, &who.account);
    let max = core.server.code_tries;
    let holder = SessionKind::Person.holder(id);
    let (verdict, phone) = match who.session.enrol_phone.clone() {
        // A phone's code is always one sent (never an app's): no account to check apps of.
        Some(phone) => {
            let purpose = CodeUse::Registration;
            (
                attempt(core, &holder, purpose, None, None, typed).await?,
                phone,
            )
        }
        None => (Verdict::Void, String::new()),
    };
    if verdict == Verdict::Void {
        core.store.clear_session_code(id).await?;
        return Ok(refused(say("phone-code-spent", &[])));
    }
    let right = verdict == Verdict::Right;
    if !right {
        audit(core, caller, Action::PhoneCodeWrong, Some(account.id)).await?;
        let left = OneTimeCode::left_after_this_try(who.session.code.as_ref(), max);
        return Ok(refused(tries_left_message(left)));
    }
    let old = account.phone.clone();
    let action = if old.is_some() {
        Action::PhoneReplaced
    } else {
        Action::PhoneAdded
    };
    let change = AccountChange::Phone(Some(&phone));
    change_account(core, caller, SELF_SERVICE, account.id, change, action).await?;
    core.store.clear_session_code(id).await?;
    // Holding the phone just registered is a second factor too.
    let token = prove_factor(core, id).await?;
    let what = match &old {
        Some(old) => Text::new("notice-phone-changed")
            .with("old", mask_phone(old))
            .with("new", mask_phone(&phone)),
        None => Text::new("notice-phone-added").with("phone", mask_phone(&phone)),
    };
    let account = Account {
        phone: Some(phone),
        ..account.clone()
    };
    notify(
        core,
        caller,
        &account,
        Notice::Methods(what),
        old.as_deref(),
    )
    .await?;
    Ok(Outcome::Renewed(token))
}

/// Gives up on the number waiting for its code.
pub async fn cancel_phone(core: &Core, session: &AccountSession) -> Result<Outcome, Error> {
    core.store.clear_session_code(&session.id).await?;
    Ok(Outcome::Done)
}

pub async fn remove_phone(core: &Core, caller: &Caller, who: &SignedIn) -> Result<Outcome, Error> {
    let Some(old) = who.account.phone.clone() else {
        return Ok(refused(say("phone-none-to-remove", &[])));
    };
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Account));
    }
    if let Some(refusal) = removal_refused(core, who) {
        return Ok(refusal);
    }
    let (change, action) = (AccountChange::Phone(None), Action::PhoneRemoved);
    change_account(core, caller, SELF_SERVICE, who.account.id, change, action).await?;
    let what = Text::new("notice-phone-removed").with("phone", mask_phone(&old));
    let account = Account {
        phone: None,
        ..who.account.clone()
    };
    notify(core, caller, &account, Notice::Methods(what), Some(&old)).await?;
    Ok(Outcome::Done)
}
