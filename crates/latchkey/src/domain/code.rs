//! One-time codes, for every flow that sends or checks one: resets, the
//! second factor at sign-in, and a phone being registered.

use super::budget;
use super::limits::Limit;
use super::{Caller, Core, Error, audit, log_error};
use crate::i18n::{Lang, say};
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::model::code::OneTimeCode;
use crate::model::method::Method;
use crate::notify::queue::{Kind, Tried};
use crate::notify::{Channel, CodeUse, code_message};
use crate::store::{CodeAttempt, StoredMethod};

/// The HMAC purpose of codes sent by text or call.
pub const CODE_PURPOSE: &str = "code";

/// Why a code was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSent {
    /// Over the per-account or per-phone limit.
    Throttled,
    /// The provider refused it, or it could not be queued (logged). One
    /// the provider could not be reached for stays queued and counts as
    /// sent: the queue's worker tries it again while the code lives.
    Failed,
    /// Not allowed to that country, or over the budget for texts and
    /// calls: what the person can do instead.
    Withheld(String),
}

impl NotSent {
    /// In words for the person.
    pub fn message(self) -> String {
        match self {
            NotSent::Throttled => say("code-throttled", &[]),
            NotSent::Failed => say("code-not-sent", &[]),
            NotSent::Withheld(words) => words,
        }
    }
}

/// Who asked for a code, as the send limits count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker<'a> {
    /// The account's owner: signed in (a second factor, a new phone), at
    /// the help desk, or resetting from a browser that signed in as them
    /// before or after a proof only they could give. They spend the
    /// account's own allowance.
    Owner,
    /// Anyone else, from this source: strangers share an allowance of
    /// their own, each source at most `codes_per_source` of it, so a
    /// stranger never spends what the owner needs.
    Stranger(&'a str),
}

/// Sends a fresh code to `phone`, within the per-account, per-source and
/// per-phone limits. `Ok(Ok(tag))`: sent, and the tag to check answers against.
pub async fn send_code(
    core: &Core,
    (account_id, asker): (i64, Asker<'_>),
    channel: Channel,
    phone: &str,
    (usage, lang): (CodeUse, Lang),
) -> Result<Result<String, NotSent>, Error> {
    let now = core.clock.now();
    let (account, phone_key) = match asker {
        Asker::Owner => (account_id.to_string(), phone.to_owned()),
        Asker::Stranger(source) => {
            let share = Limit::CodesSentPerSource(usage)
                .hit(core, &from_source(account_id, source))
                .await?;
            if !share.allowed() {
                return Ok(Err(NotSent::Throttled));
            }
            (format!("{account_id}:others"), format!("{phone}:others"))
        }
    };
    let per_account = Limit::CodesSentPerAccount(usage)
        .hit(core, &account)
        .await?;
    let per_phone = Limit::CodesSentPerPhone(usage)
        .hit(core, &phone_key)
        .await?;
    if !per_account.allowed() || !per_phone.allowed() {
        return Ok(Err(NotSent::Throttled));
    }
    // Texts and calls cost money; a mail does not.
    if channel != Channel::Email
        && let Err(withheld) = budget::spend(core, channel, phone).await?
    {
        let words = withheld.message(channel, &core.site.helpdesk.phone);
        return Ok(Err(NotSent::Withheld(words)));
    }
    let code = core.entropy.code(6);
    let tag = core.key.tag(CODE_PURPOSE, &code);
    let service = &core.site.branding.name;
    let minutes = core.server.code_minutes;
    let message = code_message(channel, phone, &code, minutes, usage, (service, lang));
    // Queued, then tried at once: a provider that does not answer now gets
    // it from the queue's worker while the code still lives.
    let lifetime = (Kind::Code, now + minutes * 60);
    let tried = (core.queue())
        .send_now(
            &core.notifier().providers(),
            &message,
            Some(account_id),
            lifetime,
            now,
        )
        .await;
    match tried {
        Ok(Tried::Sent | Tried::NotHeld) => {}
        Ok(Tried::Retrying) => {
            tracing::warn!(
                channel = channel.as_str(),
                "a code is queued: the provider did not take it yet"
            );
        }
        Ok(Tried::Undelivered) => return Ok(Err(NotSent::Failed)),
        Err(e) => {
            log_error(&format!("sending a code: {e}"));
            return Ok(Err(NotSent::Failed));
        }
    }
    let channel = crate::metrics::ChannelLabels {
        channel: channel.as_str().to_owned(),
    };
    core.metrics.codes_sent.get_or_create(&channel).inc();
    budget::code_sent(core).await?;
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
    core: &Core,
    account_id: i64,
    code: &str,
) -> Result<Option<CodeVerdict>, Error> {
    let now = core.clock.now();
    for method in core
        .store
        .methods(account_id)
        .await?
        .into_iter()
        .filter(|m| m.kind == "totp")
    {
        let Some(secret) = crate::totp::open(&core.key, &method.value) else {
            continue;
        };
        if let Some(step) = crate::totp::matching_step(&secret, code, now) {
            let fresh = core.store.claim_totp_step(method.id, step).await?;
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

/// The ways this account can prove itself for `usage`, as the method page
/// offers them.
pub async fn method_options(
    core: &Core,
    account: &Account,
    usage: CodeUse,
) -> Result<Vec<MethodOption>, Error> {
    Ok(offers(account, methods_now(core, account, usage).await?))
}

/// `methods` as the method page offers them.
pub fn offers(account: &Account, methods: Vec<Method>) -> Vec<MethodOption> {
    methods
        .into_iter()
        .map(|method| MethodOption {
            value: method.as_str(),
            label: method.offer(account),
        })
        .collect()
}

/// The ways this account can prove itself for `usage` now. In a reset,
/// less those paused after too many wrong codes ([`PausedWays`]), and none
/// while its online reset is locked.
pub async fn methods_now(
    core: &Core,
    account: &Account,
    usage: CodeUse,
) -> Result<Vec<Method>, Error> {
    let stored = core.store.methods(account.id).await?;
    if usage != CodeUse::Reset {
        // A mailbox recovers an account (NIST SP 800-63B-4 § 4.2); it is
        // no second factor to sign in with.
        let mut methods = Method::of(account, has_app(&stored));
        methods.retain(|m| *m != Method::Mail);
        return Ok(methods);
    }
    let paused = paused_ways(core, account.id).await?;
    Ok(reset_methods(account, &stored, paused, core.clock.now()))
}

/// The account proves itself only by its phone (texts and calls, which
/// NIST SP 800-63B-4 counts as restricted), and the campus wants an app
/// suggested beside it.
pub async fn only_restricted(core: &Core, account: &Account) -> Result<bool, Error> {
    let stored = core.store.methods(account.id).await?;
    Ok(suggests_app(core, account, has_app(&stored)))
}

/// [`only_restricted`], for an account known to hold an app or not.
pub fn suggests_app(core: &Core, account: &Account, has_app: bool) -> bool {
    core.registration.suggest_app_beside_phone && account.phone.is_some() && !has_app
}

/// Which of an account's ways are paused for resets: codes sent by text
/// or call, and the app's, each counted apart, so a stranger who guessed
/// at one leaves the owner the other.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PausedWays {
    pub sent: bool,
    pub app: bool,
}

pub async fn paused_ways(core: &Core, account_id: i64) -> Result<PausedWays, Error> {
    let id = account_id.to_string();
    Ok(PausedWays {
        sent: Limit::ResetCodeFailures.paused(core, &id).await?,
        app: Limit::ResetAppCodeFailures.paused(core, &id).await?,
    })
}

/// [`methods_now`] for a reset, from what was read.
pub fn reset_methods(
    account: &Account,
    stored: &[StoredMethod],
    paused: PausedWays,
    now: i64,
) -> Vec<Method> {
    if codes_paused(account, now) {
        return Vec::new();
    }
    match open_ways(account, stored, paused) {
        // The last way to pause locked the account: once that lock has
        // ended, every way is open again.
        open if open.is_empty() => Method::of(account, has_app(stored)),
        open => open,
    }
}

/// The account's ways that are not paused.
fn open_ways(account: &Account, stored: &[StoredMethod], paused: PausedWays) -> Vec<Method> {
    let mut open = Method::of(account, has_app(stored));
    open.retain(|method| match method {
        Method::App => !paused.app,
        Method::Text | Method::Call | Method::Mail => !paused.sent,
    });
    open
}

/// Whether an authenticator app is among the stored methods.
pub fn has_app(stored: &[StoredMethod]) -> bool {
    stored.iter().any(|m| m.kind == Method::App.as_str())
}

/// What a wrong code did to the account's count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrongCode {
    /// That one was the last allowed: codes are paused now.
    Locked,
    /// That one was the last allowed from its source: that source's tries
    /// at the account pause; the account stays open to everyone else.
    PausedHere,
    /// That one was the last allowed for its way (text and call, or the
    /// app): that way pauses, and the account's other way stays open.
    WayPaused,
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
            WrongCode::Locked | WrongCode::PausedHere | WrongCode::WayPaused => 0,
            WrongCode::BeforeLock(left) => for_this_code.min(left),
        }
    }
}

/// Counts a wrong code under `key` over the last hour, against
/// `throttle.code_failures_before_lock`.
async fn count_wrong(core: &Core, limit: Limit, account_id: i64) -> Result<WrongCode, Error> {
    let count = limit.hit(core, &account_id.to_string()).await?;
    Ok(match count.reached() {
        true => WrongCode::Locked,
        false => WrongCode::BeforeLock(count.left()),
    })
}

/// Counts a wrong reset (or caller-check) code, from `method`, for the
/// account from `source` ([`crate::domain::Caller::source`]). Codes sent
/// by text or call and the app's are counted apart: the one that reaches
/// its way's limit pauses that way while the account has another, and
/// locks its online reset for `lock_minutes` when it was the last. Before
/// that, the one that reaches the source's limit pauses that source's
/// tries, so one stranger alone cannot lock the owner out.
pub async fn count_wrong_code(
    core: &Core,
    caller: &Caller,
    account_id: i64,
    method: Method,
) -> Result<WrongCode, Error> {
    let from_here = Limit::ResetCodeFailuresFromSource
        .hit(core, &from_source(account_id, &caller.source))
        .await?;
    let limit = match method {
        Method::App => Limit::ResetAppCodeFailures,
        Method::Text | Method::Call | Method::Mail => Limit::ResetCodeFailures,
    };
    let wrong = count_wrong(core, limit, account_id).await?;
    Ok(match wrong {
        WrongCode::Locked => {
            let account = core.store.account_by_id(account_id).await?;
            let stored = core.store.methods(account_id).await?;
            let paused = paused_ways(core, account_id).await?;
            let left =
                (account.as_ref()).is_some_and(|a| !open_ways(a, &stored, paused).is_empty());
            if left {
                return Ok(WrongCode::WayPaused);
            }
            let until = core.clock.now() + core.throttle.lock_minutes * 60;
            core.store.lock_reset(account_id, until).await?;
            // The owner hears of it at once: a pause they did not cause is
            // someone else trying their codes.
            if let Some(account) = account {
                let notice = crate::notify::Notice::ResetPaused { until };
                super::notify(core, caller, &account, notice, None).await?;
            }
            WrongCode::Locked
        }
        _ if from_here.reached() => WrongCode::PausedHere,
        WrongCode::BeforeLock(left) => WrongCode::BeforeLock(left.min(from_here.left())),
        other => other,
    })
}

/// Whether `source`'s tries at the account's codes are paused.
pub async fn paused_here(core: &Core, source: &str, account_id: i64) -> Result<bool, Error> {
    Limit::ResetCodeFailuresFromSource
        .paused(core, &from_source(account_id, source))
        .await
}

fn from_source(account_id: i64, source: &str) -> String {
    format!("{account_id}@{source}")
}

/// A reset's codes for an account, in the send window, asked from
/// browsers that never signed in as its owner: for the help desk, who can
/// then see that someone else spent them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CodesByOthers {
    pub sent: i64,
    /// The sources (addresses, IPv6 networks) they were asked from.
    pub sources: Vec<String>,
}

pub async fn codes_by_others(core: &Core, account_id: i64) -> Result<CodesByOthers, Error> {
    let usage = CodeUse::Reset;
    let others = format!("{account_id}:others");
    let sent = Limit::CodesSentPerAccount(usage)
        .count(core, &others)
        .await?;
    let share = Limit::CodesSentPerSource(usage);
    let prefix = share.key(&from_source(account_id, ""));
    let window = share.bounds(&core.throttle).1;
    let keys = (core.store)
        .keys_hit(&prefix, window, core.clock.now())
        .await?;
    let sources = keys
        .iter()
        .filter_map(|key| key.strip_prefix(&prefix).map(str::to_owned))
        .collect();
    Ok(CodesByOthers {
        sent: sent.hits,
        sources,
    })
}

/// What a person whose source is paused is told.
pub fn paused_here_message(core: &Core) -> String {
    let minutes = Limit::ResetCodeFailuresFromSource.bounds(&core.throttle).1 / 60;
    say(
        "code-paused-here",
        &[
            ("minutes", minutes.to_string()),
            ("helpdesk", core.site.helpdesk.phone.clone()),
        ],
    )
}

/// Codes are paused for this account's online reset after too many wrong ones,
/// or held after its owner reported a change they did not make.
pub fn codes_paused(account: &Account, now: i64) -> bool {
    account.locked_until.is_some_and(|until| until > now) || account.reported_at.is_some()
}

/// Counts a wrong sign-in code; past the limit, sign-in codes pause for
/// the account (its online reset does not). Wrong second-factor codes at
/// sign-in are counted apart from a reset's: a stranger's guesses in a
/// reset never stop the owner, who knows the password, signing in with a
/// factor they hold.
pub async fn count_wrong_signin_code(core: &Core, account_id: i64) -> Result<WrongCode, Error> {
    count_wrong(core, Limit::SignInCodeFailures, account_id).await
}

/// Sign-in codes are paused for this account after too many wrong ones.
pub async fn signin_codes_paused(core: &Core, account_id: i64) -> Result<bool, Error> {
    Limit::SignInCodeFailures
        .paused(core, &account_id.to_string())
        .await
}

/// "You can try 2 more times", or that the code is used up.
pub fn tries_left_message(left: i64) -> String {
    if left > 0 {
        say("code-wrong", &[("left", left.to_string())])
    } else {
        say("code-wrong-last", &[])
    }
}

/// A method chosen and acted on: how the code comes and, for a code
/// sent, the HMAC to check answers against.
pub struct Chosen {
    pub method: Method,
    pub tag: Option<String>,
}

/// Acts on `method` (a form's value), chosen from the listed ones by a
/// person proving themselves for `usage` (a reset, a sign-in): nothing to
/// send for the app, a fresh code by text or call otherwise, within the
/// send limits. `Ok(Err(why))`: nothing sent, in words for the person.
pub async fn send_chosen(
    core: &Core,
    (caller, asker): (&Caller, Asker<'_>),
    account: &Account,
    method: &str,
    usage: CodeUse,
) -> Result<Result<Chosen, String>, Error> {
    let now_offered = methods_now(core, account, usage).await?;
    let listed = Method::parse(method).filter(|m| now_offered.contains(m));
    let Some(method) = listed else {
        return Ok(Err(say("method-choose", &[])));
    };
    let (Some(channel), Some(phone)) = (method.channel(), method.recipient(account)) else {
        return Ok(Ok(Chosen { method, tag: None }));
    };
    match send_code(
        core,
        (account.id, asker),
        channel,
        phone,
        (usage, crate::i18n::current().lang),
    )
    .await?
    {
        Ok(tag) => {
            let action = Action::CodeSent(usage, channel);
            audit(core, caller, action, Some(account.id)).await?;
            Ok(Ok(Chosen {
                method,
                tag: Some(tag),
            }))
        }
        Err(why) => {
            let action = match why {
                NotSent::Throttled => Some(Action::SendThrottled(usage)),
                NotSent::Withheld(_) => Some(Action::SendWithheld(usage, channel)),
                NotSent::Failed => None,
            };
            if let Some(action) = action {
                audit(core, caller, action, Some(account.id)).await?;
            }
            Ok(Err(why.message()))
        }
    }
}

/// Where the code to type comes from, for a code sent by `method` (its
/// name as stored) to the account's phone.
pub fn code_from(method: &str, account: &Account, minutes: i64) -> String {
    Method::parse(method)
        .unwrap_or(Method::Text)
        .code_from(account, minutes)
}

/// Where a sent code stands: what a page may say of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeDelivery {
    /// The provider took it (or nothing says otherwise).
    Sent,
    /// The provider did not take it yet; the queue keeps trying while the
    /// code lives.
    Waiting,
    /// The queue gave up on it.
    Failed,
}

/// Where the last code sent for `account_id` stands.
pub async fn code_delivery(core: &Core, account_id: i64) -> Result<CodeDelivery, Error> {
    Ok(
        match core.store.last_code_state(account_id).await?.as_deref() {
            Some("pending") => CodeDelivery::Waiting,
            Some("expired") => CodeDelivery::Failed,
            _ => CodeDelivery::Sent,
        },
    )
}

/// Where the code to type comes from, told as it stands: "we texted" only
/// once the provider took the text (or the call), and when (so that a new
/// code reads differently from the last); while the queue still tries it,
/// or after it gave up, the truth and the other ways.
pub async fn code_told(
    core: &Core,
    account: &Account,
    code: Option<&OneTimeCode>,
) -> Result<String, Error> {
    let minutes = core.server.code_minutes;
    let method = code.map_or(Method::Text, |code| code.method);
    if matches!(method, Method::App | Method::Mail) {
        return Ok(method.code_from(account, minutes));
    }
    let delivery = code_delivery(core, account.id).await?;
    if code.is_none() && delivery == CodeDelivery::Sent {
        return Ok(method.code_from(account, minutes));
    }
    let phone = (account.phone.as_deref())
        .map(crate::model::account::mask_phone)
        .unwrap_or_default();
    let sent = SentCode {
        method,
        code,
        delivery,
    };
    Ok(sent_code_told(core, CodeWords::Proof, &phone, sent))
}

/// Which page a sent code's words are for: a proof (reset, sign-in) points
/// to the other ways; a phone's registration to a new code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeWords {
    Proof,
    Registration,
}

/// A code sent by text or call: how, the code (for when it went out), and
/// whether the provider took it.
pub struct SentCode<'a> {
    pub method: Method,
    pub code: Option<&'a OneTimeCode>,
    pub delivery: CodeDelivery,
}

/// What a page says of a code sent to `phone` (as the page shows it), in
/// `words`: `{code|phone}-{text|call}-{sent|waiting|failed}`.
pub fn sent_code_told(core: &Core, words: CodeWords, phone: &str, sent: SentCode<'_>) -> String {
    let minutes = core.server.code_minutes;
    let page = match words {
        CodeWords::Proof => "code",
        CodeWords::Registration => "phone",
    };
    let way = match sent.method {
        Method::Call => "call",
        _ => "text",
    };
    let state = match sent.delivery {
        CodeDelivery::Sent => "sent",
        CodeDelivery::Waiting => "waiting",
        CodeDelivery::Failed => "failed",
    };
    let lang = crate::i18n::current().lang;
    let at = (sent.code)
        .map(|code| (core.site).clock_time(lang, code.expires_at - minutes * 60, core.clock.now()))
        .unwrap_or_default();
    say(
        &format!("{page}-{way}-{state}"),
        &[
            ("phone", phone.to_owned()),
            ("minutes", minutes.to_string()),
            ("at", at),
            ("helpdesk", core.site.helpdesk.phone.clone()),
        ],
    )
}

/// A code sent (`tag`) or awaited from the app, living `code_minutes`.
pub fn new_code(
    core: &Core,
    purpose: CodeUse,
    subject: Option<i64>,
    method: Method,
    tag: Option<String>,
) -> OneTimeCode {
    OneTimeCode {
        purpose,
        subject,
        method,
        tag,
        expires_at: core.clock.now() + core.server.code_minutes * 60,
        tries: 0,
    }
}

/// Puts `code` in flight for `holder` (a session, `SessionKind::holder`).
pub async fn issue(core: &Core, holder: &str, code: &OneTimeCode) -> Result<(), Error> {
    Ok(core.store.put_code(holder, code, core.clock.now()).await?)
}

/// One try at `holder`'s code for `purpose` (of `subject`, when it names
/// one): counted, then judged; an app's code is checked against
/// `app_account`'s apps.
pub async fn attempt(
    core: &Core,
    holder: &str,
    purpose: CodeUse,
    subject: Option<i64>,
    app_account: Option<i64>,
    typed: &str,
) -> Result<Verdict, Error> {
    let (max, now) = (core.server.code_tries, core.clock.now());
    let tried = (core.store)
        .try_code(holder, purpose, subject, max, now)
        .await?;
    judge(core, tried, app_account, typed).await
}

/// The code an account's authenticator app shows, read out (the help
/// desk's caller check): judged as the account's own would be.
pub async fn app_verdict(core: &Core, account_id: i64, typed: &str) -> Result<Verdict, Error> {
    let awaited = Some(CodeAttempt { code_hash: None });
    judge(core, awaited, Some(account_id), typed).await
}

/// What a try at a one-time code came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The code in flight expired, was tried too often or was used: none to try.
    Void,
    Right,
    /// An authenticator code for a time step that was used already.
    Replayed,
    Wrong,
}

/// The one check of a one-time code, for every flow: `attempt` is what the
/// store returned for this try (`None`: the code is void), holding the
/// sent code's HMAC, or none for an authenticator app's code, checked
/// against `account_id`'s apps.
async fn judge(
    core: &Core,
    attempt: Option<CodeAttempt>,
    account_id: Option<i64>,
    typed: &str,
) -> Result<Verdict, Error> {
    let Some(attempt) = attempt else {
        return Ok(Verdict::Void);
    };
    let code = typed_code(typed);
    let verdict = match (&attempt.code_hash, account_id) {
        (Some(tag), _) => {
            let right = core.key.verify(CODE_PURPOSE, &code, tag);
            if right {
                budget::code_typed_back(core).await?;
            }
            right.then_some(CodeVerdict::Right)
        }
        (None, Some(account_id)) => authenticator_verdict(core, account_id, &code).await?,
        (None, None) => None,
    };
    Ok(match verdict {
        Some(CodeVerdict::Right) => Verdict::Right,
        Some(CodeVerdict::Replayed) => Verdict::Replayed,
        None => Verdict::Wrong,
    })
}
