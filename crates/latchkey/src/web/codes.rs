//! One-time codes, for every flow that sends or checks one: resets, the
//! second factor at sign-in, and a phone being registered.

use axum::http::request::Parts;

use super::{AppState, WebError, audit};
use crate::accounts::{Account, mask_phone};
use crate::notify::{Channel, CodeUse, code_message};
use crate::secrets::random_code;
use crate::store::Method;

/// The HMAC purpose of codes sent by text or call.
pub const CODE_PURPOSE: &str = "code";

/// Why a code was not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotSent {
    /// Over the per-account or per-phone limit.
    Throttled,
    /// The provider refused it or could not be reached (logged).
    Failed,
}

impl NotSent {
    /// In words for the person.
    pub fn message(self) -> String {
        match self {
            NotSent::Throttled => "We have sent several codes to this phone in the last hour. Use one of those, wait an hour, or call the help desk.",
            NotSent::Failed => "We could not send the code just now. Try again in a few minutes, or choose another way.",
        }
        .to_owned()
    }
}

/// Sends a fresh code to `phone`, within the per-account and per-phone
/// limits. `Ok(Ok(tag))`: sent, and the tag to check answers against.
pub async fn send_code(
    state: &AppState,
    account_id: i64,
    channel: Channel,
    phone: &str,
    usage: CodeUse,
) -> Result<Result<String, NotSent>, WebError> {
    let now = state.clock.now();
    let flow = usage.as_str();
    let per_account = state
        .store
        .hit(&format!("send:{flow}:account:{account_id}"), 3600, now)
        .await?;
    let per_phone = state
        .store
        .hit(&format!("send:{flow}:phone:{phone}"), 3600, now)
        .await?;
    if per_account > state.throttle.codes_per_account || per_phone > state.throttle.codes_per_phone
    {
        return Ok(Err(NotSent::Throttled));
    }
    let code = random_code(6);
    let tag = state.key.tag(CODE_PURPOSE, &code);
    let service = &state.site.branding.name;
    let minutes = state.server.code_minutes;
    let message = code_message(channel, phone, &code, minutes, usage, service);
    if let Err(e) = state.messages.send(&message, now).await {
        super::log_error(&format!("sending a code: {e}"));
        return Ok(Err(NotSent::Failed));
    }
    let channel = crate::metrics::ChannelLabels {
        channel: channel.as_str().to_owned(),
    };
    state.metrics.codes_sent.get_or_create(&channel).inc();
    Ok(Ok(tag))
}

/// The code typed, without the spaces people put in to read it.
pub fn typed_code(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeVerdict {
    Right,
    /// An authenticator code for a time step that was used already.
    Replayed,
}

/// Checks an authenticator code against each of the account's apps, and
/// claims its time step so it is never accepted again.
pub async fn authenticator_verdict(
    state: &AppState,
    account_id: i64,
    code: &str,
) -> Result<Option<CodeVerdict>, WebError> {
    let now = state.clock.now();
    for method in state
        .store
        .methods(account_id)
        .await?
        .into_iter()
        .filter(|m| m.kind == "totp")
    {
        let Some(secret) = crate::totp::open(&state.key, &method.value) else {
            continue;
        };
        if let Some(step) = crate::totp::matching_step(&secret, code, now) {
            let fresh = state.store.claim_totp_step(method.id, step).await?;
            return Ok(Some(if fresh {
                CodeVerdict::Right
            } else {
                CodeVerdict::Replayed
            }));
        }
    }
    Ok(None)
}

/// A way to send or get a code, as a page offers it.
pub struct MethodOption {
    pub value: &'static str,
    pub label: String,
}

/// The ways this account can prove itself, as the method page offers them.
pub async fn method_options(
    state: &AppState,
    account: &Account,
) -> Result<Vec<MethodOption>, WebError> {
    let mut options = Vec::new();
    if let Some(phone) = account.phone.as_deref().map(mask_phone) {
        options.push(MethodOption {
            value: "sms",
            label: format!("Text a code to {phone}"),
        });
        options.push(MethodOption {
            value: "voice",
            label: format!("Call {phone} and read the code out"),
        });
    }
    if has_app(&state.store.methods(account.id).await?) {
        options.push(MethodOption {
            value: "totp",
            label: "Use the code in my authenticator app".to_owned(),
        });
    }
    Ok(options)
}

fn has_app(methods: &[Method]) -> bool {
    methods.iter().any(|m| m.kind == "totp")
}

/// Whether the account can be sent or asked for a code at all.
pub fn has_a_method(account: &Account, methods: &[Method]) -> bool {
    account.phone.is_some() || has_app(methods)
}

/// What a wrong code did to the account's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrongCode {
    /// That one was the last allowed: codes are paused now.
    Locked,
    /// Counted; this many more wrong codes are allowed before the pause.
    BeforeLock(i64),
}

impl WrongCode {
    pub fn locked(self) -> bool {
        self == WrongCode::Locked
    }

    /// The tries a person is told they have: the code's own, or fewer when
    /// the account's pause comes first.
    pub fn tries_left(self, for_this_code: i64) -> i64 {
        match self {
            WrongCode::Locked => 0,
            WrongCode::BeforeLock(left) => for_this_code.min(left),
        }
    }
}

/// Counts a wrong code under `key` over the last hour, against
/// `throttle.code_failures_before_lock`.
async fn count_wrong(state: &AppState, key: &str) -> Result<WrongCode, WebError> {
    let failures = state.store.hit(key, 3600, state.clock.now()).await?;
    let limit = state.throttle.code_failures_before_lock;
    Ok(match failures >= limit {
        true => WrongCode::Locked,
        false => WrongCode::BeforeLock(limit - failures),
    })
}

/// Counts a wrong reset (or caller-check) code for the account; the one
/// that reaches the limit locks its online reset for `lock_minutes`.
pub async fn count_wrong_code(state: &AppState, account_id: i64) -> Result<WrongCode, WebError> {
    let wrong = count_wrong(state, &format!("codefail:account:{account_id}")).await?;
    if wrong.locked() {
        let until = state.clock.now() + state.throttle.lock_minutes * 60;
        state.store.lock_reset(account_id, until).await?;
    }
    Ok(wrong)
}

/// Codes are paused for this account's online reset after too many wrong ones.
pub fn codes_paused(account: &Account, now: i64) -> bool {
    account.locked_until.is_some_and(|until| until > now)
}

/// Wrong second-factor codes at sign-in are counted apart from a reset's:
/// a stranger's guesses in a reset never stop the owner, who knows the
/// password, signing in with a factor they hold.
fn signin_code_failures_key(account_id: i64) -> String {
    format!("signin-codefail:account:{account_id}")
}

/// Counts a wrong sign-in code; past the limit in an hour, sign-in codes
/// pause for the account (its online reset does not).
pub async fn count_wrong_signin_code(
    state: &AppState,
    account_id: i64,
) -> Result<WrongCode, WebError> {
    count_wrong(state, &signin_code_failures_key(account_id)).await
}

/// Sign-in codes are paused for this account after too many wrong ones.
pub async fn signin_codes_paused(state: &AppState, account_id: i64) -> Result<bool, WebError> {
    let key = signin_code_failures_key(account_id);
    let limit = state.throttle.code_failures_before_lock;
    Ok(state
        .store
        .paused(&key, limit, 3600, state.clock.now())
        .await?)
}

/// "You can try 2 more times", or that the code is used up.
pub fn tries_left_message(left: i64) -> String {
    if left > 0 {
        let plural = if left == 1 { "" } else { "s" };
        format!("That code is not right. You can try {left} more time{plural}.")
    } else {
        "That code is not right, and it cannot be tried again. Send a new one.".to_owned()
    }
}

/// A method chosen and acted on: how the code comes (`sms`, `voice`, or
/// `totp` for the app) and, for a code sent, the HMAC to check answers against.
pub struct Chosen {
    pub method: &'static str,
    pub tag: Option<String>,
}

/// Acts on `method`, chosen from the listed ones by a person proving
/// themselves in `flow` (`reset`, `signin`): nothing to send for the app, a
/// fresh code by text or call otherwise, within the send limits. A code sent
/// is audited as `FLOW.code_sent.CHANNEL`, a send over the limits as
/// `FLOW.send_throttled`. `Ok(Err(why))`: nothing sent, in words for the person.
pub async fn send_chosen(
    state: &AppState,
    parts: &Parts,
    account: &Account,
    method: &str,
    flow: &str,
) -> Result<Result<Chosen, String>, WebError> {
    let (channel, phone) = match choose(state, account, method).await? {
        Choice::App => {
            return Ok(Ok(Chosen {
                method: "totp",
                tag: None,
            }));
        }
        Choice::Send(channel, phone) => (channel, phone),
        Choice::NotListed => return Ok(Err("Choose one of the ways listed.".to_owned())),
    };
    let usage = if flow == "reset" {
        CodeUse::Reset
    } else {
        CodeUse::SignIn
    };
    match send_code(state, account.id, channel, phone, usage).await? {
        Ok(tag) => {
            let action = format!("{flow}.code_sent.{}", channel.as_str());
            audit(state, parts, &action, Some(account.id)).await?;
            Ok(Ok(Chosen {
                method: channel.as_str(),
                tag: Some(tag),
            }))
        }
        Err(why) => {
            if why == NotSent::Throttled {
                let action = format!("{flow}.send_throttled");
                audit(state, parts, &action, Some(account.id)).await?;
            }
            Ok(Err(why.message()))
        }
    }
}

/// What a person chose from the listed methods.
enum Choice<'a> {
    /// The authenticator app: nothing to send, the app makes the code.
    App,
    /// Send a code over `Channel` to this phone.
    Send(Channel, &'a str),
    /// Not one of the ways listed for this account.
    NotListed,
}

/// Reads `method` (a form's value) against the ways `account` may use.
async fn choose<'a>(
    state: &AppState,
    account: &'a Account,
    method: &str,
) -> Result<Choice<'a>, WebError> {
    let listed = method_options(state, account)
        .await?
        .iter()
        .any(|o| o.value == method);
    Ok(match (listed, method, account.phone.as_deref()) {
        (true, "totp", _) => Choice::App,
        (true, "sms", Some(phone)) => Choice::Send(Channel::Sms, phone),
        (true, "voice", Some(phone)) => Choice::Send(Channel::Voice, phone),
        _ => Choice::NotListed,
    })
}

/// Where the code to type comes from, for a code sent by `method` ("sms",
/// "voice" or "totp") to the account's phone.
pub fn code_from(method: &str, account: &Account, minutes: i64) -> String {
    let phone = account.phone.as_deref().map(mask_phone).unwrap_or_default();
    match method {
        // An app's code is not sent and does not last minutes: a new one
        // shows every 30 seconds.
        "totp" => "Open your authenticator app and type the 6-digit code it shows now \
                   (it changes every 30 seconds)."
            .to_owned(),
        "voice" => format!(
            "We are calling {phone}; the automated message reads your code. \
             It is valid for {minutes} minutes."
        ),
        _ => format!("We texted a code to {phone}. It is valid for {minutes} minutes."),
    }
}
