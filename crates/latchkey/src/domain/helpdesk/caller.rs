//! What an agent does for a caller: verify them first (a code to a method
//! the account has, or a recorded out-of-band check), then change what they
//! ask for. One dispatcher, [`act_on`], for the console and the API.

use serde::Deserialize;

use super::{OnDuty, staff_event};
use crate::domain::code::{
    Asker, Verdict, app_verdict, attempt, count_wrong_code, issue, new_code, send_code,
};
use crate::domain::unlock::{unlock_for_caller, unlocked_notice};
use crate::domain::{Caller, Core, Error, account_of, log_error, notice_language, notify};
use crate::i18n::{Text, say};
use crate::model::account::normalize_phone;
use crate::model::account::{Account, ChangeReason};
use crate::model::audit::Action;
use crate::model::method::Method;
use crate::model::session::SessionKind;
use crate::notify::queue::{Kind, Tried};
use crate::notify::{Channel, CodeUse, Message, Notice};
use crate::secrets::token_id;
use crate::store::AccountChange;

/// What an action on an account takes, each field for the actions that use it.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub struct ActionInput {
    /// `send-code`: `sms` or `voice`.
    #[serde(default)]
    pub method: String,
    /// `check-code`: the code the caller reads out.
    #[serde(default)]
    pub code: String,
    /// `record-check`: one of `helpdesk.verification_reasons`…
    #[serde(default)]
    pub reason: String,
    /// …and what the agent saw (5 to 500 characters).
    #[serde(default)]
    pub note: String,
    /// `phone`: the new number.
    #[serde(default)]
    pub phone: String,
    /// `reset-link`: `email` or `sms`.
    #[serde(default)]
    pub channel: String,
}

/// One place where every action on an account is checked and done: the
/// caller's verification first, then (for changes) a caller verified in
/// this session. An unknown action is `None`.
pub async fn act_on(
    core: &Core,
    caller: &Caller,
    on: &OnDuty,
    account: &Account,
    action: &str,
    input: &ActionInput,
) -> Result<Option<Outcome>, Error> {
    Ok(Some(match action {
        "send-code" => send_caller_code(core, caller, on, account, &input.method).await?,
        "check-code" => check_caller_code(core, caller, on, account, &input.code).await?,
        "record-check" => record_check(core, caller, on, account, input).await?,
        "phone" | "phone-remove" | "unlock" | "directory-unlock" | "must-change" | "reset-link" => {
            if !on.verified(core, account.id) {
                let refused = Action::RefusedUnverified;
                on.record(core, caller, refused, Some(account.id), action)
                    .await?;
                Err(say("hd-verify-first-error", &[]))
            } else {
                change_for_caller(core, caller, on, account, action, input).await?
            }
        }
        _ => return Ok(None),
    }))
}

/// `Ok(the notice's key)` or `Err(what to tell the agent)`.
pub type Outcome = Result<&'static str, String>;

async fn send_caller_code(
    core: &Core,
    caller: &Caller,
    on: &OnDuty,
    account: &Account,
    method: &str,
) -> Result<Outcome, Error> {
    let channel = match method {
        "sms" => Channel::Sms,
        "voice" => Channel::Voice,
        _ => return Ok(Err(say("hd-choose-channel", &[]))),
    };
    let Some(phone) = account.phone.as_deref() else {
        return Ok(Err(say("hd-no-phone", &[])));
    };
    let tag = match send_code(
        core,
        (account.id, Asker::Owner),
        channel,
        phone,
        (
            CodeUse::CallerCheck,
            notice_language(account, core.site.language),
        ),
    )
    .await?
    {
        Ok(tag) => tag,
        Err(why) => return Ok(Err(why.message())),
    };
    let method = Method::sent_by(channel);
    let code = new_code(
        core,
        CodeUse::CallerCheck,
        Some(account.id),
        method,
        Some(tag),
    );
    issue(core, &SessionKind::Staff.holder(&on.session.id), &code).await?;
    let action = Action::CallerCodeSent(channel);
    on.record(core, caller, action, Some(account.id), "")
        .await?;
    Ok(Ok("sent"))
}

/// The code the caller reads out: the one sent from this session, or the
/// one their authenticator app shows now.
async fn check_caller_code(
    core: &Core,
    caller: &Caller,
    on: &OnDuty,
    account: &Account,
    typed: &str,
) -> Result<Outcome, Error> {
    let now = core.clock.now();
    let holder = SessionKind::Staff.holder(&on.session.id);
    let purpose = CodeUse::CallerCheck;
    // The code sent from this session to this caller, or their app's, read out.
    let sent = attempt(core, &holder, purpose, Some(account.id), None, typed).await?;
    let right =
        sent == Verdict::Right || app_verdict(core, account.id, typed).await? == Verdict::Right;
    if !right {
        on.record(core, caller, Action::CallerCodeWrong, Some(account.id), "")
            .await?;
        // Counted like a wrong sent code in a reset: guessing here locks
        // reset by text and call too.
        if count_wrong_code(core, caller, account.id, Method::Text)
            .await?
            .locked()
        {
            // The caller's wrong codes locked it, not the agent: the trail
            // says so, naming the agent they were read to.
            let to = format!("codes read out to {}", on.staff.actor());
            let action = Action::CallerLocked;
            staff_event(core, caller, "caller", action, Some(account.id), &to).await?;
        }
        let wrong = match account.phone {
            Some(_) => "hd-code-wrong",
            None => "hd-code-wrong-app",
        };
        return Ok(Err(say(wrong, &[])));
    }
    core.store
        .set_caller_verified(&on.session.id, account.id, now)
        .await?;
    let how = if sent == Verdict::Right {
        "sent_code"
    } else {
        "app_code"
    };
    let action = Action::CallerVerified(how);
    on.record(core, caller, action, Some(account.id), "")
        .await?;
    Ok(Ok("verified"))
}

/// An out-of-band check: one of the configured reasons, and the agent's note.
async fn record_check(
    core: &Core,
    caller: &Caller,
    on: &OnDuty,
    account: &Account,
    form: &ActionInput,
) -> Result<Outcome, Error> {
    if !core
        .site
        .helpdesk
        .verification_reasons
        .contains(&form.reason)
    {
        return Ok(Err(say("hd-choose-check", &[])));
    }
    let note = form.note.trim();
    if note.len() < 5 || note.len() > 500 {
        return Ok(Err(say("hd-write-note", &[])));
    }
    core.store
        .set_caller_verified(&on.session.id, account.id, core.clock.now())
        .await?;
    let detail = format!("{} — {note}", form.reason);
    on.record(
        core,
        caller,
        Action::CallerVerified("manual"),
        Some(account.id),
        &detail,
    )
    .await?;
    Ok(Ok("verified"))
}

/// The changes a verified caller may ask for.
async fn change_for_caller(
    core: &Core,
    caller: &Caller,
    on: &OnDuty,
    account: &Account,
    change: &str,
    form: &ActionInput,
) -> Result<Outcome, Error> {
    let new_phone = match change {
        "phone" => match normalize_phone(&form.phone) {
            Ok(phone) => Some(phone),
            Err(reason) => return Ok(Err(say("phone-unusable", &[("why", reason.to_string())]))),
        },
        _ => None,
    };
    let (made, action, done, notice, also_phone) = match change {
        "phone" => {
            let told = Notice::Methods(Text::new("notice-helpdesk-phone-set"));
            (
                AccountChange::Phone(new_phone.as_deref()),
                Action::HelpdeskPhoneSet,
                "phone",
                told,
                account.phone.clone(),
            )
        }
        "phone-remove" => {
            if account.phone.is_none() {
                return Ok(Err(say("hd-no-phone-to-remove", &[])));
            }
            let told = Notice::Methods(Text::new("notice-helpdesk-phone-removed"));
            (
                AccountChange::Phone(None),
                Action::HelpdeskPhoneRemoved,
                "phone-removed",
                told,
                account.phone.clone(),
            )
        }
        "unlock" => {
            let told = Notice::Account {
                subject: "notice-reset-unlocked-subject",
                what: Text::new("notice-reset-unlocked"),
            };
            let change = AccountChange::UnlockReset;
            (change, Action::HelpdeskUnlocked, "unlocked", told, None)
        }
        "must-change" => {
            let told = Notice::Account {
                subject: "notice-must-change-subject",
                what: Text::new("notice-must-change"),
            };
            (
                AccountChange::MustChangePassword(ChangeReason::Helpdesk),
                Action::HelpdeskMustChangePassword,
                "must-change",
                told,
                None,
            )
        }
        "reset-link" => return send_reset_link(core, caller, on, account, &form.channel).await,
        "directory-unlock" => return unlock_in_directory(core, caller, on, account).await,
        _ => return Err(Error::NotFound),
    };
    let actor = on.staff.actor();
    crate::domain::change_account(core, caller, &actor, account.id, made, action).await?;
    // Told with the account as it is now, and on the number it had before.
    let account = account_of(core, Some(account.id)).await?;
    notify(core, caller, &account, notice, also_phone.as_deref()).await?;
    Ok(Ok(done))
}

/// The directory's lock lifted for a verified caller; the password kept.
async fn unlock_in_directory(
    core: &Core,
    caller: &Caller,
    on: &OnDuty,
    account: &Account,
) -> Result<Outcome, Error> {
    if let Err(why) = unlock_for_caller(core, account).await? {
        return Ok(Err(why));
    }
    let action = Action::HelpdeskDirectoryUnlocked;
    on.record(core, caller, action, Some(account.id), "")
        .await?;
    notify(
        core,
        caller,
        account,
        unlocked_notice("notice-unlocked-helpdesk"),
        None,
    )
    .await?;
    Ok(Ok("directory-unlocked"))
}

/// A single-use link to the new-password step, sent to the account's mail
/// or phone: never shown to the agent.
async fn send_reset_link(
    core: &Core,
    caller: &Caller,
    on: &OnDuty,
    account: &Account,
    channel: &str,
) -> Result<Outcome, Error> {
    let token = core.entropy.token();
    let now = core.clock.now();
    let minutes = core.site.helpdesk.reset_link_minutes;
    let url = format!(
        "{}/reset/link/{token}",
        core.server.public_url.trim_end_matches('/')
    );
    let lang = notice_language(account, core.site.language);
    let university = ("university", core.site.branding.name.clone());
    let body = lang.tell(
        "message-link",
        &[
            university.clone(),
            ("minutes", minutes.to_string()),
            ("url", url),
        ],
    );
    let message = match (channel, account.phone.as_deref()) {
        ("email", _) => Message {
            channel: Channel::Email,
            recipient: account.email.clone(),
            subject: lang.tell("message-link-subject", &[university]),
            body,
            language: lang,
        },
        ("sms", Some(phone)) => Message {
            channel: Channel::Sms,
            recipient: phone.to_owned(),
            subject: String::new(),
            body,
            language: lang,
        },
        _ => {
            return Ok(Err(say("hd-choose-link", &[])));
        }
    };
    core.store
        .create_reset_link(
            &token_id(&token),
            account.id,
            &on.staff.actor(),
            now,
            now + minutes * 60,
        )
        .await?;
    // Queued and tried at once; one not taken now is tried again while the
    // link lives.
    let lifetime = (Kind::Link, now + minutes * 60);
    let tried = (core.queue())
        .send_now(
            &core.notifier().providers(),
            &message,
            Some(account.id),
            lifetime,
            now,
        )
        .await;
    if !matches!(tried, Ok(Tried::Sent | Tried::NotHeld | Tried::Retrying)) {
        if let Err(e) = tried {
            log_error(&format!("sending a reset link: {e}"));
        }
        return Ok(Err(say("hd-link-failed", &[])));
    }
    let action = Action::ResetLinkSent(message.channel);
    on.record(core, caller, action, Some(account.id), "")
        .await?;
    Ok(Ok("link"))
}
