//! The help desk console (`/helpdesk`): staff sign in with a password and
//! an authenticator code, look an account up, verify the caller (a code to a
//! method the account has, or a recorded out-of-band check), and only then
//! act on it. Every step is an audit event naming the member of staff.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::codes::{
    CODE_PURPOSE, CodeVerdict, authenticator_verdict, codes_paused, count_wrong_code, send_code,
    typed_code,
};
use super::{AppState, Site, WebError, account_of, client_address, notify, page, render};
use crate::accounts::{Account, mask_phone, normalize_phone};
use crate::notify::{Channel, CodeUse, Message, Notice};
use crate::secrets::{random_token, same, token_id};
use crate::staff;
use crate::store::{AuditEvent, NewEvent, PendingWrite, Role, Staff, StaffSession, Stage};

const COOKIE: &str = "latchkey_staff";
/// Wrong passwords or codes per address, and per member of staff, in 15 minutes.
const FAILURE_WINDOW: i64 = 900;
const FAILURES_PER_ADDRESS: i64 = 20;
const FAILURES_PER_STAFF: i64 = 5;

/// A signed-in member of staff and their session.
pub(crate) struct OnDuty {
    pub session: StaffSession,
    pub staff: Staff,
}

impl OnDuty {
    /// Whether the caller of `account_id` was verified in this session recently.
    pub fn verified(&self, state: &AppState, account_id: i64) -> bool {
        let fresh_since = state.clock.now() - state.site.helpdesk.verification_minutes * 60;
        self.session.caller_id == Some(account_id)
            && self
                .session
                .caller_verified_at
                .is_some_and(|at| at > fresh_since)
    }

    /// Appends an event naming this member of staff.
    async fn record(
        &self,
        state: &AppState,
        parts: &Parts,
        action: &str,
        account_id: Option<i64>,
        detail: &str,
    ) -> Result<(), WebError> {
        staff_event(
            state,
            parts,
            &self.staff.actor(),
            action,
            account_id,
            detail,
        )
        .await
    }

    /// Admins pass; anyone else's try is audited (with `what` they tried)
    /// and refused with the console's own page.
    async fn require_admin(
        &self,
        state: &AppState,
        parts: &Parts,
        what: &str,
    ) -> Result<(), WebError> {
        if self.staff.role == Role::Admin {
            return Ok(());
        }
        self.record(state, parts, "helpdesk.refused_not_admin", None, what)
            .await?;
        Err(WebError::Forbidden)
    }
}

async fn current(state: &AppState, parts: &Parts) -> Result<Option<StaffSession>, WebError> {
    match super::session_token(state, &parts.headers, COOKIE) {
        Some(token) => staff_session_named(state, &token).await,
        None => Ok(None),
    }
}

/// The staff session `token` names (a cookie's, or an API client's bearer token).
pub(crate) async fn staff_session_named(
    state: &AppState,
    token: &str,
) -> Result<Option<StaffSession>, WebError> {
    let idle = state.site.helpdesk.session_idle_minutes * 60;
    Ok(state
        .store
        .staff_session(&token_id(token), state.clock.now(), idle)
        .await?)
}

/// The form's session, checked against its CSRF token.
async fn form_session(
    state: &AppState,
    parts: &Parts,
    csrf: &str,
) -> Result<StaffSession, WebError> {
    match current(state, parts).await? {
        Some(session) if same(&session.csrf, csrf) => Ok(session),
        _ => Err(WebError::Redirect("/helpdesk")),
    }
}

/// Signed in, password and authenticator both, and still allowed to be.
pub(crate) async fn on_duty(
    state: &AppState,
    session: Option<StaffSession>,
) -> Result<OnDuty, WebError> {
    let session = session.ok_or(WebError::Redirect("/helpdesk"))?;
    if session.stage != Stage::Active {
        return Err(WebError::Redirect("/helpdesk"));
    }
    let staff_id = session.staff_id.ok_or(WebError::Redirect("/helpdesk"))?;
    match state.store.staff_by_id(staff_id).await? {
        Some(staff) if staff.disabled_at.is_none() => Ok(OnDuty { session, staff }),
        _ => Err(WebError::Redirect("/helpdesk")),
    }
}

/// Appends an event naming the member of staff, with what they wrote.
async fn staff_event(
    state: &AppState,
    parts: &Parts,
    actor: &str,
    action: &str,
    account_id: Option<i64>,
    detail: &str,
) -> Result<(), WebError> {
    let address = client_address(state, parts);
    state
        .store
        .append_event(&NewEvent {
            at: state.clock.now(),
            actor,
            action,
            account_id,
            address: &address,
            detail,
        })
        .await?;
    Ok(())
}

fn to(path: String) -> Response {
    Redirect::to(&path).into_response()
}

// ---- signing in --------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "helpdesk/signin.html")]
struct SigninPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "helpdesk/factor.html")]
struct FactorPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "helpdesk/search.html")]
struct SearchPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    query: String,
    results: Option<Vec<(Account, String)>>,
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// The console's front door: the sign-in form, the authenticator form, or
/// the account search, by how far the session has come.
pub async fn helpdesk_get(
    State(state): State<AppState>,
    parts: Parts,
    Query(query): Query<SearchQuery>,
) -> Response {
    let result = async {
        let session = current(&state, &parts).await?;
        match session.as_ref().map(|s| s.stage) {
            None | Some(Stage::Signin) => anonymous(&state, session).await,
            Some(Stage::Factor) => Ok(factor_page(&state, session.as_ref(), None)),
            Some(Stage::Active) => {
                let on = on_duty(&state, session).await?;
                search_page(&state, &on, query.q.trim()).await
            }
        }
    }
    .await;
    page(&state, result)
}

async fn anonymous(state: &AppState, session: Option<StaffSession>) -> Result<Response, WebError> {
    if let Some(session) = session {
        return Ok(render(
            &SigninPage {
                site: &state.site,
                csrf: &session.csrf,
                error: None,
            },
            StatusCode::OK,
        ));
    }
    let (token, csrf) = (random_token(), random_token());
    let now = state.clock.now();
    let lifetime = state.site.helpdesk.session_max_minutes * 60;
    state
        .store
        .create_staff_session(
            &token_id(&token),
            &csrf,
            Stage::Signin,
            None,
            now,
            now + lifetime,
        )
        .await?;
    let mut response = render(
        &SigninPage {
            site: &state.site,
            csrf: &csrf,
            error: None,
        },
        StatusCode::OK,
    );
    set_cookie(state, &mut response, &token, lifetime)?;
    Ok(response)
}

fn set_cookie(
    state: &AppState,
    response: &mut Response,
    token: &str,
    lifetime: i64,
) -> Result<(), WebError> {
    let value = super::session_cookie(state, COOKIE, token, "/helpdesk", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(())
}

fn factor_page(
    state: &AppState,
    session: Option<&StaffSession>,
    error: Option<String>,
) -> Response {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        &FactorPage {
            site: &state.site,
            csrf: session.map_or("", |s| s.csrf.as_str()),
            error,
        },
        status,
    )
}

async fn search_page(state: &AppState, on: &OnDuty, query: &str) -> Result<Response, WebError> {
    let results = if query.is_empty() {
        None
    } else {
        let phone = normalize_phone(query).ok();
        let found = state
            .store
            .search_accounts(query, phone.as_deref(), 25)
            .await?;
        Some(
            found
                .into_iter()
                .map(|a| {
                    let phone = a.phone.as_deref().map(mask_phone).unwrap_or_default();
                    (a, phone)
                })
                .collect(),
        )
    };
    Ok(render(
        &SearchPage {
            site: &state.site,
            csrf: &on.session.csrf,
            staff: &on.staff,
            query: query.to_owned(),
            results,
        },
        StatusCode::OK,
    ))
}

/// The password. A wrong one, an unknown or a disabled member of staff get
/// the same answer after the same work (one Argon2id verification).
/// `Ok(token)` names a new session that still owes the authenticator code.
pub(crate) async fn staff_sign_in(
    state: &AppState,
    parts: &Parts,
    username: &str,
    password: &str,
) -> Result<Result<String, String>, WebError> {
    if too_many_failures(state, parts, username).await? {
        return Ok(Err(
            "Too many wrong tries. Wait 15 minutes, or ask an admin.".into(),
        ));
    }
    let staff = state.store.staff_by_username(username).await?;
    let right = match &staff {
        Some(staff) => state.hasher.verify(password, &staff.password_hash).await?,
        // As long as a wrong password takes: one Argon2id computation.
        None => {
            state.hasher.hash(password).await?;
            false
        }
    };
    let Some(staff) = staff.filter(|s| right && s.disabled_at.is_none()) else {
        count_failure(state, parts, username).await?;
        let actor = format!("staff:{}", username.trim().to_lowercase());
        staff_event(state, parts, &actor, "helpdesk.signin_failed", None, "").await?;
        return Ok(Err("That username and password do not match.".into()));
    };
    let (token, csrf) = (random_token(), random_token());
    let now = state.clock.now();
    let lifetime = state.site.helpdesk.session_max_minutes * 60;
    state
        .store
        .create_staff_session(
            &token_id(&token),
            &csrf,
            Stage::Factor,
            Some(staff.id),
            now,
            now + lifetime,
        )
        .await?;
    let actor = staff.actor();
    staff_event(state, parts, &actor, "helpdesk.password_ok", None, "").await?;
    Ok(Ok(token))
}

#[derive(Deserialize)]
pub struct SigninForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn signin_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<SigninForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts, &form.csrf).await?;
        match staff_sign_in(&state, &parts, &form.username, &form.password).await? {
            Err(error) => Ok(render(
                &SigninPage {
                    site: &state.site,
                    csrf: &session.csrf,
                    error: Some(error),
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            Ok(token) => {
                // A new session for the signed-in stage: no fixation.
                state.store.end_staff_session(&session.id).await?;
                let lifetime = state.site.helpdesk.session_max_minutes * 60;
                let mut response = to("/helpdesk".into());
                set_cookie(&state, &mut response, &token, lifetime)?;
                Ok(response)
            }
        }
    }
    .await;
    page(&state, result)
}

async fn too_many_failures(
    state: &AppState,
    parts: &Parts,
    username: &str,
) -> Result<bool, WebError> {
    let now = state.clock.now();
    let address = client_address(state, parts);
    let by_address = format!("stafffail:address:{address}");
    let by_staff = format!("stafffail:staff:{}", username.trim().to_lowercase());
    let store = &state.store;
    Ok(store
        .paused(&by_address, FAILURES_PER_ADDRESS, FAILURE_WINDOW, now)
        .await?
        || store
            .paused(&by_staff, FAILURES_PER_STAFF, FAILURE_WINDOW, now)
            .await?)
}

async fn count_failure(state: &AppState, parts: &Parts, username: &str) -> Result<(), WebError> {
    let now = state.clock.now();
    let address = client_address(state, parts);
    for key in [
        format!("stafffail:address:{address}"),
        format!("stafffail:staff:{}", username.trim().to_lowercase()),
    ] {
        state.store.hit(&key, FAILURE_WINDOW, now).await?;
    }
    Ok(())
}

/// The authenticator code: always owed, a step never accepted twice.
/// `Err` is for the member of staff; too many tries end the session.
pub(crate) async fn staff_factor(
    state: &AppState,
    parts: &Parts,
    session: &StaffSession,
    typed: &str,
) -> Result<Result<String, String>, WebError> {
    let staff_id = session.staff_id.filter(|_| session.stage == Stage::Factor);
    let staff = match staff_id {
        Some(id) => state.store.staff_by_id(id).await?,
        None => None,
    };
    let Some(staff) = staff.filter(|s| s.disabled_at.is_none()) else {
        return Err(WebError::Redirect("/helpdesk"));
    };
    if too_many_failures(state, parts, &staff.username).await? {
        state.store.end_staff_session(&session.id).await?;
        return Err(WebError::TooMany);
    }
    let secret = crate::totp::open(&state.key, &staff.totp_secret)
        .ok_or_else(|| WebError::Internal("a staff authenticator key cannot be opened".into()))?;
    let step = crate::totp::matching_step(&secret, &typed_code(typed), state.clock.now());
    let fresh = match step {
        Some(step) => state.store.claim_staff_step(staff.id, step).await?,
        None => false,
    };
    let actor = staff.actor();
    if !fresh {
        count_failure(state, parts, &staff.username).await?;
        staff_event(state, parts, &actor, "helpdesk.factor_failed", None, "").await?;
        return Ok(Err(
            "That code is not right, or was used already. Type the code your app shows now.".into(),
        ));
    }
    let token = random_token();
    let activated = state
        .store
        .activate_staff_session(&session.id, &token_id(&token))
        .await?;
    if !activated {
        return Err(WebError::Redirect("/helpdesk"));
    }
    staff_event(state, parts, &actor, "helpdesk.signed_in", None, "").await?;
    Ok(Ok(token))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub async fn factor_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts, &form.csrf).await?;
        match staff_factor(&state, &parts, &session, &form.code).await? {
            Err(error) => Ok(factor_page(&state, Some(&session), Some(error))),
            Ok(token) => {
                let mut response = to("/helpdesk".into());
                let lifetime = state.site.helpdesk.session_max_minutes * 60;
                set_cookie(&state, &mut response, &token, lifetime)?;
                Ok(response)
            }
        }
    }
    .await;
    page(&state, result)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn signout_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts, &form.csrf).await?;
        staff_sign_out(&state, &parts, &session).await?;
        let mut response = to("/helpdesk".into());
        set_cookie(&state, &mut response, "", 0)?;
        Ok(response)
    }
    .await;
    page(&state, result)
}

/// Ends the session (audited).
pub(crate) async fn staff_sign_out(
    state: &AppState,
    parts: &Parts,
    session: &StaffSession,
) -> Result<(), WebError> {
    state.store.end_staff_session(&session.id).await?;
    if let Some(staff) = session.staff_id {
        let actor = match state.store.staff_by_id(staff).await? {
            Some(staff) => staff.actor(),
            None => "staff".to_owned(),
        };
        staff_event(state, parts, &actor, "helpdesk.signed_out", None, "").await?;
    }
    Ok(())
}

// ---- one account ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "helpdesk/account.html")]
struct AccountPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    account: &'a Account,
    phone: Option<String>,
    has_app: bool,
    locked: bool,
    verified: bool,
    /// A change the directory took that this store has yet to take.
    pending_write: Option<PendingWrite>,
    notice: Option<String>,
    error: Option<String>,
    events: Vec<(String, AuditEvent)>,
}

/// What an agent sees of an account, on the console's page and in the API.
pub(crate) struct AccountFacts {
    pub account: Account,
    pub has_app: bool,
    /// Online reset is locked after too many wrong codes.
    pub locked: bool,
    /// The caller was verified in this session lately: changes are open.
    pub verified: bool,
    /// A change the directory took that this store has yet to take.
    pub pending_write: Option<PendingWrite>,
    /// The last 15 events, newest first.
    pub events: Vec<AuditEvent>,
}

/// The account staff named by its id, or `NotFound`.
pub(crate) async fn existing_account(state: &AppState, id: i64) -> Result<Account, WebError> {
    let account = state.store.account_by_id(id).await?;
    account.ok_or(WebError::NotFound)
}

pub(crate) async fn account_facts(
    state: &AppState,
    on: &OnDuty,
    account_id: i64,
) -> Result<AccountFacts, WebError> {
    let account = existing_account(state, account_id).await?;
    let methods = state.store.methods(account.id).await?;
    let pending = state.store.pending_writes().await?;
    Ok(AccountFacts {
        has_app: methods.iter().any(|m| m.kind == "totp"),
        locked: codes_paused(&account, state.clock.now()),
        verified: on.verified(state, account.id),
        pending_write: pending.into_iter().find(|w| w.account_id == account.id),
        events: state.store.events_of(account.id, 15).await?,
        account,
    })
}

async fn account_page(
    state: &AppState,
    on: &OnDuty,
    account_id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, WebError> {
    let facts = account_facts(state, on, account_id).await?;
    let events = facts
        .events
        .into_iter()
        .map(|e| (crate::notify::format_time(e.at), e))
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(render(
        &AccountPage {
            site: &state.site,
            csrf: &on.session.csrf,
            staff: &on.staff,
            phone: facts.account.phone.as_deref().map(mask_phone),
            has_app: facts.has_app,
            locked: facts.locked,
            verified: facts.verified,
            pending_write: facts.pending_write,
            account: &facts.account,
            notice,
            error,
            events,
        },
        status,
    ))
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

pub async fn account_get(
    State(state): State<AppState>,
    parts: Parts,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Response {
    let result = async {
        let on = on_duty(&state, current(&state, &parts).await?).await?;
        let notice = query
            .done
            .as_deref()
            .and_then(done_notice)
            .map(str::to_owned);
        account_page(&state, &on, id, notice, None).await
    }
    .await;
    page(&state, result)
}

/// What the page says after each action.
pub(crate) fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "verified" => {
            "The caller is verified. The actions below are open for the next few minutes."
        }
        "sent" => "A code is on its way to the caller. Ask them to read it out.",
        "phone" => "The phone number is updated, and the person was told on every channel.",
        "phone-removed" => "The phone number is removed, and the person was told.",
        "unlocked" => "Online reset is unlocked.",
        "link" => "A one-time reset link was sent.",
        "must-change" => "The person must change their password at their next sign-in.",
        _ => return None,
    })
}

/// What an action on an account takes, each field for the actions that use it.
#[derive(Deserialize, Default, utoipa::ToSchema)]
pub(crate) struct ActionInput {
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

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: ActionInput,
}

/// One place where every action on an account is checked and done: the
/// caller's verification first, then (for changes) a caller verified in
/// this session. An unknown action is `None`.
pub(crate) async fn act_on(
    state: &AppState,
    parts: &Parts,
    on: &OnDuty,
    account: &Account,
    action: &str,
    input: &ActionInput,
) -> Result<Option<Outcome>, WebError> {
    Ok(Some(match action {
        "send-code" => send_caller_code(state, parts, on, account, &input.method).await?,
        "check-code" => check_caller_code(state, parts, on, account, &input.code).await?,
        "record-check" => record_check(state, parts, on, account, input).await?,
        "phone" | "phone-remove" | "unlock" | "must-change" | "reset-link" => {
            if !on.verified(state, account.id) {
                let refused = "helpdesk.refused_unverified";
                on.record(state, parts, refused, Some(account.id), action)
                    .await?;
                Err(
                    "Verify the caller first: send them a code, or record the check you made."
                        .to_owned(),
                )
            } else {
                change_account(state, parts, on, account, action, input).await?
            }
        }
        _ => return Ok(None),
    }))
}

/// `POST /helpdesk/accounts/{id}/{action}`: a signed-in member of staff and
/// the form's token, then [`act_on`].
pub async fn action_post(
    State(state): State<AppState>,
    parts: Parts,
    Path((id, action)): Path<(i64, String)>,
    Form(form): Form<ActionForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts, &form.csrf).await?;
        let on = on_duty(&state, Some(session)).await?;
        let account = existing_account(&state, id).await?;
        let outcome = act_on(&state, &parts, &on, &account, &action, &form.input)
            .await?
            .ok_or(WebError::Redirect("/helpdesk"))?;
        match outcome {
            Ok(done) => Ok(to(format!("/helpdesk/accounts/{id}?done={done}"))),
            Err(error) => account_page(&state, &on, id, None, Some(error)).await,
        }
    }
    .await;
    page(&state, result)
}

/// `Ok(the notice's key)` or `Err(what to tell the agent)`.
pub(crate) type Outcome = Result<&'static str, String>;

async fn send_caller_code(
    state: &AppState,
    parts: &Parts,
    on: &OnDuty,
    account: &Account,
    method: &str,
) -> Result<Outcome, WebError> {
    let channel = match method {
        "sms" => Channel::Sms,
        "voice" => Channel::Voice,
        _ => return Ok(Err("Choose a text or a call.".into())),
    };
    let Some(phone) = account.phone.as_deref() else {
        return Ok(Err("This account has no phone to send a code to.".into()));
    };
    let tag = match send_code(state, account.id, channel, phone, CodeUse::CallerCheck).await? {
        Ok(tag) => tag,
        Err(why) => return Ok(Err(why.message())),
    };
    let expires = state.clock.now() + state.server.code_minutes * 60;
    state
        .store
        .set_staff_code(&on.session.id, account.id, Some(&tag), expires)
        .await?;
    let action = format!("helpdesk.code_sent.{}", channel.as_str());
    on.record(state, parts, &action, Some(account.id), "")
        .await?;
    Ok(Ok("sent"))
}

/// The code the caller reads out: the one sent from this session, or the
/// one their authenticator app shows now.
async fn check_caller_code(
    state: &AppState,
    parts: &Parts,
    on: &OnDuty,
    account: &Account,
    typed: &str,
) -> Result<Outcome, WebError> {
    let code = typed_code(typed);
    let now = state.clock.now();
    let sent = match on.session.code_account_id == Some(account.id) {
        true => {
            let max = state.server.code_tries;
            let tag = state
                .store
                .try_staff_code(&on.session.id, account.id, max, now)
                .await?;
            tag.is_some_and(|tag| state.key.verify(CODE_PURPOSE, &code, &tag))
        }
        false => false,
    };
    let right =
        sent || authenticator_verdict(state, account.id, &code).await? == Some(CodeVerdict::Right);
    if !right {
        on.record(
            state,
            parts,
            "helpdesk.caller_code_wrong",
            Some(account.id),
            "",
        )
        .await?;
        // Counted like a wrong code in a reset: guessing here locks online reset too.
        if count_wrong_code(state, account.id).await?.locked() {
            on.record(state, parts, "helpdesk.locked", Some(account.id), "")
                .await?;
        }
        return Ok(Err(
            "That code is not right. Ask the caller to read it again, or send a new one.".into(),
        ));
    }
    state
        .store
        .set_caller_verified(&on.session.id, account.id, now)
        .await?;
    let how = if sent { "sent_code" } else { "app_code" };
    let action = format!("helpdesk.caller_verified:{how}");
    on.record(state, parts, &action, Some(account.id), "")
        .await?;
    Ok(Ok("verified"))
}

/// An out-of-band check: one of the configured reasons, and the agent's note.
async fn record_check(
    state: &AppState,
    parts: &Parts,
    on: &OnDuty,
    account: &Account,
    form: &ActionInput,
) -> Result<Outcome, WebError> {
    if !state
        .site
        .helpdesk
        .verification_reasons
        .contains(&form.reason)
    {
        return Ok(Err("Choose the check you made from the list.".into()));
    }
    let note = form.note.trim();
    if note.len() < 5 || note.len() > 500 {
        return Ok(Err(
            "Write a short note of what you saw (5 to 500 characters), for the audit trail.".into(),
        ));
    }
    state
        .store
        .set_caller_verified(&on.session.id, account.id, state.clock.now())
        .await?;
    let detail = format!("{} — {note}", form.reason);
    on.record(
        state,
        parts,
        "helpdesk.caller_verified:manual",
        Some(account.id),
        &detail,
    )
    .await?;
    Ok(Ok("verified"))
}

/// The changes a verified caller may ask for.
async fn change_account(
    state: &AppState,
    parts: &Parts,
    on: &OnDuty,
    account: &Account,
    change: &str,
    form: &ActionInput,
) -> Result<Outcome, WebError> {
    let now = state.clock.now();
    let (action, done, notice, also_phone) = match change {
        "phone" => {
            let phone = match normalize_phone(&form.phone) {
                Ok(phone) => phone,
                Err(reason) => return Ok(Err(format!("That number cannot be used: {reason}."))),
            };
            state.store.set_phone(account.id, Some(&phone), now).await?;
            let told = "The help desk changed the mobile phone you reset your password with";
            let told = Notice::Methods(told.into());
            ("helpdesk.phone_set", "phone", told, account.phone.clone())
        }
        "phone-remove" => {
            if account.phone.is_none() {
                return Ok(Err("This account has no phone to remove.".into()));
            }
            state.store.set_phone(account.id, None, now).await?;
            let told = "The help desk removed the mobile phone you reset your password with";
            let told = Notice::Methods(told.into());
            (
                "helpdesk.phone_removed",
                "phone-removed",
                told,
                account.phone.clone(),
            )
        }
        "unlock" => {
            state.store.unlock_reset(account.id).await?;
            let told = Notice::Account {
                subject: "Online reset of your password is unlocked",
                what: "The help desk unlocked online reset of your password".into(),
            };
            ("helpdesk.unlocked", "unlocked", told, None)
        }
        "must-change" => {
            state
                .store
                .set_must_change_password(account.id, true)
                .await?;
            let told = Notice::Account {
                subject: "Change your password at your next sign-in",
                what: "The help desk asked that you change your password at your next sign-in"
                    .into(),
            };
            ("helpdesk.must_change_password", "must-change", told, None)
        }
        "reset-link" => return send_reset_link(state, parts, on, account, &form.channel).await,
        _ => return Err(WebError::Redirect("/helpdesk")),
    };
    on.record(state, parts, action, Some(account.id), "")
        .await?;
    // Told with the account as it is now, and on the number it had before.
    let account = account_of(state, Some(account.id)).await?;
    notify(state, parts, &account, notice, also_phone.as_deref()).await?;
    Ok(Ok(done))
}

/// A single-use link to the new-password step, sent to the account's mail
/// or phone: never shown to the agent.
async fn send_reset_link(
    state: &AppState,
    parts: &Parts,
    on: &OnDuty,
    account: &Account,
    channel: &str,
) -> Result<Outcome, WebError> {
    let token = random_token();
    let now = state.clock.now();
    let minutes = state.site.helpdesk.reset_link_minutes;
    let url = format!(
        "{}/reset/link/{token}",
        state.server.public_url.trim_end_matches('/')
    );
    let body = format!(
        "The university help desk sent you this link to choose a new password. It works once, for {minutes} minutes: {url}"
    );
    let (provider, message) = match (channel, account.phone.as_deref()) {
        ("email", _) => (
            state.mail.as_ref(),
            Message {
                channel: Channel::Email,
                recipient: account.email.clone(),
                subject: "Your password reset link".into(),
                body,
            },
        ),
        ("sms", Some(phone)) => (
            state.messages.as_ref(),
            Message {
                channel: Channel::Sms,
                recipient: phone.to_owned(),
                subject: String::new(),
                body,
            },
        ),
        _ => {
            return Ok(Err(
                "Choose the person's email, or a phone the account has.".into(),
            ));
        }
    };
    state
        .store
        .create_reset_link(
            &token_id(&token),
            account.id,
            &on.staff.actor(),
            now,
            now + minutes * 60,
        )
        .await?;
    if let Err(e) = provider.send(&message, now).await {
        super::log_error(&format!("sending a reset link: {e}"));
        return Ok(Err(
            "The link could not be sent just now. Try again, or use the other channel.".into(),
        ));
    }
    let action = format!("helpdesk.reset_link_sent.{}", message.channel.as_str());
    on.record(state, parts, &action, Some(account.id), "")
        .await?;
    Ok(Ok("link"))
}

// ---- admin: staff and the audit trail ----------------------------------------------------------

#[derive(Template)]
#[template(path = "helpdesk/staff.html")]
struct StaffPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    members: Vec<Staff>,
}

pub async fn staff_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        let on = on_duty(&state, current(&state, &parts).await?).await?;
        on.require_admin(&state, &parts, "staff").await?;
        Ok(render(
            &StaffPage {
                site: &state.site,
                csrf: &on.session.csrf,
                staff: &on.staff,
                members: state.store.all_staff().await?,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&state, result)
}

/// `POST /helpdesk/staff/{id}/{change}`: admins only. `disable` (never
/// oneself), `enable`, `role-admin`, `role-agent`, `reset-password` and
/// `reset-authenticator`; a new password or key is shown to the admin once,
/// to hand over. Every change is audited and ends the member's sessions.
pub async fn staff_post(
    State(state): State<AppState>,
    parts: Parts,
    Path((id, change)): Path<(i64, String)>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts, &form.csrf).await?;
        let on = on_duty(&state, Some(session)).await?;
        on.require_admin(&state, &parts, &change).await?;
        let now = state.clock.now();
        let actor = on.staff.actor();
        let member = state
            .store
            .staff_by_id(id)
            .await?
            .ok_or(WebError::Redirect("/helpdesk/staff"))?;
        let failed = |e: staff::StaffAdminError| WebError::Internal(e.to_string());
        let handed_over = match change.as_str() {
            "disable" if id != on.staff.id => {
                let store = &state.store;
                store.set_staff_disabled(id, Some(now), &actor, now).await?;
                None
            }
            "enable" => {
                state
                    .store
                    .set_staff_disabled(id, None, &actor, now)
                    .await?;
                None
            }
            "role-admin" | "role-agent" if id != on.staff.id => {
                // Never oneself: so another admin, the one acting, always remains.
                let role = if change == "role-admin" {
                    Role::Admin
                } else {
                    Role::Agent
                };
                staff::set_role(&state.store, &member, role, &actor, now)
                    .await
                    .map_err(failed)?;
                None
            }
            "reset-password" if id != on.staff.id => {
                let password = staff::temporary_password(&state.policy, &member.username)
                    .ok_or_else(|| WebError::Internal("no temporary password fits".into()))?;
                let (store, hasher, policy) = (&state.store, &state.hasher, &state.policy);
                staff::reset_password(store, hasher, policy, &member, &password, &actor, now)
                    .await
                    .map_err(failed)?
                    .map_err(|_| WebError::Internal("temporary password refused".into()))?;
                Some(Secret::Password(password))
            }
            "reset-authenticator" if id != on.staff.id => {
                let secret =
                    staff::reset_authenticator(&state.store, &state.key, &member, &actor, now)
                        .await
                        .map_err(failed)?;
                Some(Secret::Key(crate::totp::base32(&secret)))
            }
            _ => return Err(WebError::Redirect("/helpdesk/staff")),
        };
        let Some(secret) = handed_over else {
            return Ok(to("/helpdesk/staff".into()));
        };
        Ok(render(
            &HandOverPage {
                site: &state.site,
                csrf: &on.session.csrf,
                staff: &on.staff,
                member: &member.username,
                secret,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&state, result)
}

/// What an admin hands over to a member of staff, shown once.
enum Secret {
    Password(String),
    Key(String),
}

#[derive(Template)]
#[template(path = "helpdesk/hand_over.html")]
struct HandOverPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    member: &'a str,
    secret: Secret,
}

#[derive(Template)]
#[template(path = "helpdesk/audit.html")]
struct AuditPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    filter: AuditFilter,
    events: Vec<(String, AuditEvent)>,
}

#[derive(Deserialize, Default)]
pub struct AuditFilter {
    #[serde(default)]
    account: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    since: String,
}

/// The newest events matching the filter (at most 200), with export links.
pub async fn audit_get(
    State(state): State<AppState>,
    parts: Parts,
    Query(filter): Query<AuditFilter>,
) -> Response {
    let result = async {
        let on = on_duty(&state, current(&state, &parts).await?).await?;
        on.require_admin(&state, &parts, "audit").await?;
        let account_id = match filter.account.trim() {
            "" => None,
            who => Some(state.store.find_account(who).await?.map_or(-1, |a| a.id)),
        };
        let since = parse_day(&filter.since).unwrap_or(0);
        let events = state
            .store
            .search_events(
                account_id,
                filter.actor.trim(),
                filter.action.trim(),
                since,
                200,
            )
            .await?
            .into_iter()
            .map(|e| (crate::notify::format_time(e.at), e))
            .collect();
        on.record(&state, &parts, "helpdesk.audit_viewed", None, "")
            .await?;
        Ok(render(
            &AuditPage {
                site: &state.site,
                csrf: &on.session.csrf,
                staff: &on.staff,
                filter,
                events,
            },
            StatusCode::OK,
        ))
    }
    .await;
    page(&state, result)
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    since: String,
}

/// The chain since a day, as JSON lines (what `latchkey audit export` writes).
pub async fn audit_export_get(
    State(state): State<AppState>,
    parts: Parts,
    Query(query): Query<ExportQuery>,
) -> Response {
    let result = async {
        let on = on_duty(&state, current(&state, &parts).await?).await?;
        on.require_admin(&state, &parts, "audit-export").await?;
        let since = parse_day(&query.since).unwrap_or(0);
        let mut body = String::new();
        let mut after = 0;
        loop {
            let page = state.store.events_page(after, since, 10_000).await?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for event in &page {
                body.push_str(&serde_json::to_string(event)?);
                body.push('\n');
            }
        }
        on.record(
            &state,
            &parts,
            "helpdesk.audit_exported",
            None,
            &query.since,
        )
        .await?;
        Ok((
            [
                (header::CONTENT_TYPE, "application/x-ndjson"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"latchkey-audit.jsonl\"",
                ),
            ],
            body,
        )
            .into_response())
    }
    .await;
    page(&state, result)
}

/// `YYYY-MM-DD` as Unix seconds at midnight UTC.
fn parse_day(text: &str) -> Option<i64> {
    let time = humantime::parse_rfc3339_weak(&format!("{}T00:00:00Z", text.trim())).ok()?;
    let seconds = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(seconds).ok()
}
