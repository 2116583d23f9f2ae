//! Signed in: sign-in (the password, then a second factor when the account
//! has one), registering a phone or an authenticator app, updating a known
//! password, and sign-out.
//!
//! A session starts anonymous (it carries the sign-in form's CSRF token);
//! the right password replaces it with a new one (no fixation) in stage
//! `factor` or, for an account without methods, `active`. Adding, replacing
//! or removing a method needs a second factor proven in the last few
//! minutes, unless the account has none yet.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use latchkey_policy::Violation;
use serde::Deserialize;

use super::codes::{
    CODE_PURPOSE, CodeVerdict, MethodOption, authenticator_verdict, code_from,
    count_wrong_signin_code, method_options, send_chosen, send_code, signin_codes_paused,
    tries_left_message, typed_code,
};
use super::password::{Checklist, check_answer, checklist, made, not_changed};
use super::{
    AppState, Laptop, Site, WebError, account_of, audit, laptop, notify, off_campus_warning, page,
    render, session_cookie,
};
use crate::accounts::{
    Account, change_password, display_phone, mask_phone, normalize_phone, verify_password,
};
use crate::notify::{Channel, CodeUse, Notice};
use crate::secrets::{random_token, same, token_id};
use crate::store::{AccountSession, CodeFor, NewSession, Stage};

const COOKIE: &str = "latchkey_session";
/// Sign-in failures are counted per address in 10 minutes, per account in 15.
const ADDRESS_WINDOW: i64 = 600;
const ACCOUNT_WINDOW: i64 = 900;

// ---- Sessions ------------------------------------------------------------------------------

/// The session a request's cookie names, unless it has ended or timed out.
async fn current(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<AccountSession>, WebError> {
    match super::session_token(state, headers, COOKIE) {
        Some(token) => session_named(state, &token).await,
        None => Ok(None),
    }
}

/// The session `token` names (a cookie's, or an API client's bearer token).
pub(crate) async fn session_named(
    state: &AppState,
    token: &str,
) -> Result<Option<AccountSession>, WebError> {
    session_by_id(state, &token_id(token)).await
}

/// The session whose stored id (the token's hash) is `id`, unless it has
/// ended or timed out.
async fn session_by_id(state: &AppState, id: &str) -> Result<Option<AccountSession>, WebError> {
    let idle = state.server.session_idle_minutes * 60;
    Ok(state
        .store
        .account_session(id, state.clock.now(), idle)
        .await?)
}

/// The session a form belongs to: it must carry the session's CSRF token.
async fn form_session(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<AccountSession, WebError> {
    match current(state, headers).await? {
        Some(session) if same(&session.csrf, csrf) => Ok(session),
        _ => Err(WebError::Expired),
    }
}

/// A signed-in person, with what they have registered.
pub(crate) struct SignedIn {
    pub session: AccountSession,
    pub account: Account,
    pub has_authenticator: bool,
}

impl SignedIn {
    pub fn has_methods(&self) -> bool {
        self.account.phone.is_some() || self.has_authenticator
    }

    fn method_count(&self) -> usize {
        usize::from(self.account.phone.is_some()) + usize::from(self.has_authenticator)
    }
}

/// The signed-in person; someone who is not (yet) is sent to sign in or to
/// prove their second factor.
pub(crate) async fn signed_in(
    state: &AppState,
    session: Option<AccountSession>,
) -> Result<SignedIn, WebError> {
    let session = match session {
        Some(session) if session.stage == Stage::Active => session,
        Some(session) if session.stage == Stage::Factor => {
            return Err(WebError::Redirect("/account/verify"));
        }
        _ => return Err(WebError::Redirect("/signin")),
    };
    let account_id = session.account_id.ok_or(WebError::Expired)?;
    let account = state
        .store
        .account_by_id(account_id)
        .await?
        .ok_or(WebError::Expired)?;
    let has_authenticator = state
        .store
        .methods(account.id)
        .await?
        .iter()
        .any(|m| m.kind == "totp");
    Ok(SignedIn {
        session,
        account,
        has_authenticator,
    })
}

/// Whether this person may change their methods now: they have none yet, or
/// proved a second factor in the last `fresh_factor_minutes`.
pub(crate) fn factor_is_fresh(state: &AppState, who: &SignedIn) -> bool {
    let since = state.clock.now() - state.registration.fresh_factor_minutes * 60;
    !who.has_methods() || who.session.factor_at.is_some_and(|at| at >= since)
}

/// To `/account/verify`, coming back to `next` afterwards.
fn verify_first(next: Next) -> Response {
    Redirect::to(&format!("/account/verify?next={}", next.as_str())).into_response()
}

/// Where to go once a second factor is proven. A fixed list: never a URL
/// taken from the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Next {
    #[default]
    Account,
    Phone,
    Authenticator,
}

impl Next {
    pub fn as_str(self) -> &'static str {
        match self {
            Next::Account => "account",
            Next::Phone => "phone",
            Next::Authenticator => "authenticator",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Next::Account => "/account",
            Next::Phone => "/account/phone",
            Next::Authenticator => "/account/authenticator",
        }
    }
}

fn to(path: &str) -> Response {
    Redirect::to(path).into_response()
}

// ---- Pages ---------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "account/signin.html")]
struct SigninPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    identifier: &'a str,
}

#[derive(Template)]
#[template(path = "account/verify.html")]
struct VerifyPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    signing_in: bool,
    next: &'static str,
    options: Vec<MethodOption>,
    /// Set once a code is on its way (or the app is chosen): how to get it.
    code_from: Option<String>,
}

#[derive(Template)]
#[template(path = "account/home.html")]
struct HomePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    notice: Option<&'static str>,
    password_changed: bool,
    name: &'a str,
    phone: Option<String>,
    has_authenticator: bool,
    laptop: Laptop<'a>,
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    name: &'a str,
}

#[derive(Template)]
#[template(path = "account/phone.html")]
struct PhonePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    current: Option<String>,
    /// The number waiting for its code, in full: its owner just typed it.
    pending: Option<String>,
    /// The code for it comes by a call, not a text.
    by_call: bool,
    typed: &'a str,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "account/authenticator.html")]
struct AuthenticatorPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    replacing: bool,
    /// An inline SVG made here from the `otpauth://` URI.
    qr_svg: String,
    /// The secret in base32, in groups of four, for typing in.
    secret: String,
}

#[derive(Template)]
#[template(path = "account/password.html")]
struct UpdatePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    /// The help desk asked for a new password at this sign-in.
    required: bool,
    error: Option<String>,
    violations: Vec<Violation>,
    checklist: Checklist,
}

fn status_for(error: &Option<String>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

// ---- What an action did -------------------------------------------------------------------

/// What an account action did. The portal answers with a redirect or its
/// page again; the API with the account's state or why not.
pub(crate) enum Outcome {
    /// Went through.
    Done,
    /// Went through, and a factor was proven: the session goes on under
    /// this new token; the old one opens nothing.
    Renewed(String),
    /// A second factor must be proven first (the portal comes back to `Next`).
    VerifyFirst(Next),
    /// Not done, with why.
    Refused {
        error: String,
        violations: Vec<Violation>,
    },
}

fn refused(error: impl Into<String>) -> Outcome {
    Outcome::Refused {
        error: error.into(),
        violations: Vec::new(),
    }
}

const CODES_PAUSED: &str = "Too many wrong codes were typed for this account, so sign-in codes are paused for up to an hour. Try again later, or call the help desk.";

/// The session whose stored id (the token's hash) is `id`, as it is now
/// that an action changed it.
pub(crate) async fn reloaded(state: &AppState, id: &str) -> Result<AccountSession, WebError> {
    session_by_id(state, id).await?.ok_or(WebError::Expired)
}

/// The portal's answer to an action on the signed-in person: on to `then`,
/// or to prove a factor first, or `again` (the form's page) with why.
async fn answer_form(
    state: &AppState,
    who: &SignedIn,
    outcome: Outcome,
    then: &str,
    again: impl AsyncFnOnce(SignedIn, Option<String>, Vec<Violation>) -> Result<Response, WebError>,
) -> Result<Response, WebError> {
    match outcome {
        Outcome::Done => Ok(to(then)),
        Outcome::Renewed(token) => renewed(state, to(then), &token),
        Outcome::VerifyFirst(next) => Ok(verify_first(next)),
        Outcome::Refused { error, violations } => {
            let who = signed_in(state, Some(reloaded(state, &who.session.id).await?)).await?;
            again(who, Some(error), violations).await
        }
    }
}

/// `response` with the session's new cookie.
fn renewed(state: &AppState, mut response: Response, token: &str) -> Result<Response, WebError> {
    let lifetime = state.server.session_max_minutes * 60;
    let value = session_cookie(state, COOKIE, token, "/", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}

/// Proves a second factor for the session, renaming it; its new token.
async fn prove_factor(state: &AppState, session_id: &str) -> Result<String, WebError> {
    let token = random_token();
    let now = state.clock.now();
    state
        .store
        .prove_factor(session_id, &token_id(&token), now)
        .await?;
    Ok(token)
}

// ---- Sign-in and sign-out -------------------------------------------------------------------

pub async fn signin_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        match current(&state, &parts.headers).await? {
            Some(s) if s.stage == Stage::Active => Ok(to("/account")),
            Some(s) if s.stage == Stage::Factor => Ok(to("/account/verify")),
            Some(s) => Ok(signin_page(&state, &s.csrf, None, "")),
            None => anonymous_session(&state, &parts).await,
        }
    }
    .await;
    page(&state, result)
}

fn signin_page(state: &AppState, csrf: &str, error: Option<String>, identifier: &str) -> Response {
    let status = status_for(&error);
    render(
        &SigninPage {
            site: &state.site,
            csrf,
            error,
            identifier,
        },
        status,
    )
}

/// A session for the sign-in form alone, so the form carries a CSRF token.
async fn anonymous_session(state: &AppState, parts: &Parts) -> Result<Response, WebError> {
    let (token, csrf) = (random_token(), random_token());
    let now = state.clock.now();
    let lifetime = state.server.reset_minutes * 60;
    state
        .store
        .create_account_session(&NewSession {
            id: &token_id(&token),
            csrf: &csrf,
            stage: Stage::Signin,
            account_id: None,
            factor_at: None,
            address: &super::client_address(state, parts),
            now,
            expires_at: now + lifetime,
        })
        .await?;
    let mut response = signin_page(state, &csrf, None, "");
    let value = session_cookie(state, COOKIE, &token, "/", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}

/// What a sign-in with a password came to.
pub(crate) enum SignIn {
    /// A new session (a second factor owed, or active), named by `token`.
    Started {
        token: String,
    },
    Refused(String),
}

/// The password. An unknown account costs the same hashing as a wrong
/// password and gets the same answer.
pub(crate) async fn sign_in(
    state: &AppState,
    parts: &Parts,
    identifier: &str,
    password: &str,
) -> Result<SignIn, WebError> {
    let identifier = identifier.trim();
    if identifier.is_empty() || password.is_empty() {
        return Ok(SignIn::Refused(
            "Type your username or email address, and your password.".to_owned(),
        ));
    }
    let now = state.clock.now();
    let address = super::client_address(state, parts);
    let address_key = format!("signinfail:address:{address}");
    if state.store.hits(&address_key, ADDRESS_WINDOW, now).await?
        >= state.throttle.signin_failures_per_address
    {
        return Err(WebError::TooMany);
    }
    let account = match identifier.len() {
        0..=254 => state.store.find_account(identifier).await?,
        _ => None,
    };
    // Wrong passwords count against the account, or for a name that is
    // none against that name: an unknown name pauses as a real one does.
    let failures_key = match &account {
        Some(account) => account_failures_key(account.id),
        None => format!("signinfail:name:{}", identifier.to_lowercase()),
    };
    let limit = state.throttle.signin_failures_per_account;
    let paused = (state.store)
        .paused(&failures_key, limit, ACCOUNT_WINDOW, now)
        .await?;
    let right = match &account {
        Some(account) if !paused => {
            verify_password(&state.store, &state.hasher, account, password).await?
        }
        _ => {
            // The same work as checking a password, paused or unknown, so
            // time tells nothing.
            let _ = state.hasher.hash(password).await;
            false
        }
    };
    let id = account.as_ref().map(|a| a.id);
    if paused {
        audit(state, parts, "signin.paused", id).await?;
        return Ok(SignIn::Refused(format!(
            "Too many wrong passwords were typed for this account. Sign-in here is paused for {} minutes; you can reset your password instead.",
            ACCOUNT_WINDOW / 60
        )));
    }
    let account = match account {
        Some(account) if right => account,
        _ => {
            state.store.hit(&address_key, ADDRESS_WINDOW, now).await?;
            state.store.hit(&failures_key, ACCOUNT_WINDOW, now).await?;
            audit(state, parts, "signin.failed", id).await?;
            return Ok(SignIn::Refused(
                "That username or password is not right. Passwords are case sensitive.".to_owned(),
            ));
        }
    };
    let has_methods = !method_options(state, &account).await?.is_empty();
    let stage = if has_methods {
        Stage::Factor
    } else {
        Stage::Active
    };
    let (token, csrf) = (random_token(), random_token());
    let lifetime = state.server.session_max_minutes * 60;
    state
        .store
        .create_account_session(&NewSession {
            id: &token_id(&token),
            csrf: &csrf,
            stage,
            account_id: Some(account.id),
            factor_at: None,
            address: &address,
            now,
            expires_at: now + lifetime,
        })
        .await?;
    let action = if has_methods {
        "signin.password_ok"
    } else {
        "signin.succeeded"
    };
    audit(state, parts, action, Some(account.id)).await?;
    Ok(SignIn::Started { token })
}

#[derive(Deserialize)]
pub struct SigninForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    password: String,
}

pub async fn signin_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<SigninForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        if session.stage != Stage::Signin {
            return Ok(to("/account"));
        }
        match sign_in(&state, &parts, &form.identifier, &form.password).await? {
            SignIn::Refused(error) => Ok(signin_page(
                &state,
                &session.csrf,
                Some(error),
                form.identifier.trim(),
            )),
            SignIn::Started { token } => {
                // A new token for the signed-in session: the anonymous one is dropped.
                state.store.end_account_session(&session.id).await?;
                let lifetime = state.server.session_max_minutes * 60;
                let mut response = to("/account");
                let value = session_cookie(&state, COOKIE, &token, "/", lifetime)?;
                response.headers_mut().append(header::SET_COOKIE, value);
                Ok(response)
            }
        }
    }
    .await;
    page(&state, result)
}

fn account_failures_key(account_id: i64) -> String {
    format!("signinfail:account:{account_id}")
}

/// Too many wrong passwords for this account lately (sign-in and update).
async fn signin_paused(state: &AppState, account_id: i64) -> Result<bool, WebError> {
    let key = account_failures_key(account_id);
    let limit = state.throttle.signin_failures_per_account;
    let now = state.clock.now();
    Ok(state.store.paused(&key, limit, ACCOUNT_WINDOW, now).await?)
}

/// Counts a wrong password against the address and the account.
async fn count_wrong_password(
    state: &AppState,
    parts: &Parts,
    account_id: i64,
) -> Result<(), WebError> {
    let now = state.clock.now();
    let address = super::client_address(state, parts);
    state
        .store
        .hit(
            &format!("signinfail:address:{address}"),
            ADDRESS_WINDOW,
            now,
        )
        .await?;
    state
        .store
        .hit(&account_failures_key(account_id), ACCOUNT_WINDOW, now)
        .await?;
    Ok(())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// Ends the session (audited).
pub(crate) async fn sign_out(
    state: &AppState,
    parts: &Parts,
    session: &AccountSession,
) -> Result<(), WebError> {
    state.store.end_account_session(&session.id).await?;
    audit(state, parts, "signin.signed_out", session.account_id).await?;
    Ok(())
}

pub async fn signout_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        sign_out(&state, &parts, &session).await?;
        let mut response = to("/signin");
        let value = session_cookie(&state, COOKIE, "", "/", 0)?;
        response.headers_mut().append(header::SET_COOKIE, value);
        Ok(response)
    }
    .await;
    page(&state, result)
}

// ---- The second factor (at sign-in, and again before changing methods) ---------------------

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: Next,
}

pub async fn verify_get(
    State(state): State<AppState>,
    parts: Parts,
    Query(query): Query<NextQuery>,
) -> Response {
    let result = async {
        let session = current(&state, &parts.headers).await?;
        let Some(session) = session.filter(|s| s.stage != Stage::Signin) else {
            return Ok(to("/signin"));
        };
        verify_page(&state, &session, query.next, None).await
    }
    .await;
    page(&state, result)
}

async fn verify_page(
    state: &AppState,
    session: &AccountSession,
    next: Next,
    error: Option<String>,
) -> Result<Response, WebError> {
    let account = account_of(state, session.account_id).await?;
    let paused = signin_codes_paused(state, account.id).await?;
    let error = error.or_else(|| paused.then(|| CODES_PAUSED.to_owned()));
    let options = if paused {
        Vec::new()
    } else {
        method_options(state, &account).await?
    };
    let status = status_for(&error);
    Ok(render(
        &VerifyPage {
            site: &state.site,
            csrf: &session.csrf,
            error,
            signing_in: session.stage == Stage::Factor,
            next: next.as_str(),
            options,
            code_from: factor_code_from(session, &account, state.server.code_minutes),
        },
        status,
    ))
}

/// Where the second factor's code comes from, once one is on its way.
pub(crate) fn factor_code_from(
    session: &AccountSession,
    account: &Account,
    minutes: i64,
) -> Option<String> {
    match (session.code_for.as_deref(), session.method.as_deref()) {
        (Some("factor"), Some(method)) => Some(code_from(method, account, minutes)),
        _ => None,
    }
}

/// Sends a second-factor code by the chosen method (or, for the app, waits
/// for its code).
pub(crate) async fn send_factor_code(
    state: &AppState,
    parts: &Parts,
    session: &AccountSession,
    method: &str,
) -> Result<Outcome, WebError> {
    let account = account_of(state, session.account_id).await?;
    let now = state.clock.now();
    if signin_codes_paused(state, account.id).await? {
        return Ok(refused(CODES_PAUSED));
    }
    let expires = now + state.server.code_minutes * 60;
    let chosen = match send_chosen(state, parts, &account, method, "signin").await? {
        Ok(chosen) => chosen,
        Err(why) => return Ok(refused(why)),
    };
    let (id, tag) = (&session.id, chosen.tag.as_deref());
    state
        .store
        .set_session_code(id, CodeFor::Factor, chosen.method, tag, expires)
        .await?;
    Ok(Outcome::Done)
}

/// The second factor's code: right, and the factor is proven (a session
/// at sign-in becomes active).
pub(crate) async fn check_factor_code(
    state: &AppState,
    parts: &Parts,
    session: &AccountSession,
    typed: &str,
) -> Result<Outcome, WebError> {
    let account_id = session.account_id.ok_or(WebError::Expired)?;
    let code = typed_code(typed);
    let (max, now) = (state.server.code_tries, state.clock.now());
    let attempt = state
        .store
        .try_session_code(&session.id, CodeFor::Factor, max, now)
        .await?;
    let Some(attempt) = attempt else {
        state.store.clear_session_code(&session.id).await?;
        return Ok(refused(
            "That code can no longer be used: it expired or was tried too many times. Send a new one.",
        ));
    };
    let verdict = match &attempt.code_hash {
        Some(tag) => state
            .key
            .verify(CODE_PURPOSE, &code, tag)
            .then_some(CodeVerdict::Right),
        None => authenticator_verdict(state, account_id, &code).await?,
    };
    match verdict {
        Some(CodeVerdict::Right) => {}
        Some(CodeVerdict::Replayed) => {
            audit(state, parts, "signin.totp_replayed", Some(account_id)).await?;
            return Ok(refused(
                "That code was used already. Wait for your app to show the next one, then type it.",
            ));
        }
        None => {
            audit(state, parts, "signin.code_wrong", Some(account_id)).await?;
            let wrong = count_wrong_signin_code(state, account_id).await?;
            if wrong.locked() {
                audit(state, parts, "signin.codes_paused", Some(account_id)).await?;
                state.store.clear_session_code(&session.id).await?;
                return Ok(refused(CODES_PAUSED));
            }
            let left = wrong.tries_left(max - session.code_tries - 1);
            return Ok(refused(tries_left_message(left)));
        }
    }
    let token = prove_factor(state, &session.id).await?;
    let action = if session.stage == Stage::Factor {
        "signin.succeeded"
    } else {
        "signin.factor_proven"
    };
    audit(state, parts, action, Some(account_id)).await?;
    Ok(Outcome::Renewed(token))
}

#[derive(Deserialize)]
pub struct SendForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    next: Next,
}

pub async fn verify_send_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<SendForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        match send_factor_code(&state, &parts, &session, &form.method).await? {
            Outcome::Refused { error, .. } => {
                let session = reloaded(&state, &session.id).await?;
                verify_page(&state, &session, form.next, Some(error)).await
            }
            _ => Ok(verify_first(form.next)),
        }
    }
    .await;
    page(&state, result)
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: Next,
}

pub async fn verify_code_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        match check_factor_code(&state, &parts, &session, &form.code).await? {
            Outcome::Refused { error, .. } => {
                let session = reloaded(&state, &session.id).await?;
                verify_page(&state, &session, form.next, Some(error)).await
            }
            Outcome::Renewed(token) => renewed(&state, to(form.next.path()), &token),
            _ => Ok(to(form.next.path())),
        }
    }
    .await;
    page(&state, result)
}

// ---- The account page, and the interruption for those with no method ----------------------

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    done: Option<String>,
}

pub async fn home_get(
    State(state): State<AppState>,
    parts: Parts,
    Query(query): Query<HomeQuery>,
) -> Response {
    let result = async {
        let who = signed_in(&state, current(&state, &parts.headers).await?).await?;
        // The help desk asked for a new password: that comes first.
        if who.account.must_change_password {
            return Ok(to("/account/password?required=1"));
        }
        if !who.has_methods() && state.registration.required {
            return Ok(render(
                &RegisterPage {
                    site: &state.site,
                    csrf: &who.session.csrf,
                    name: &who.account.name,
                },
                StatusCode::OK,
            ));
        }
        let notice = match query.done.as_deref() {
            Some("phone") => Some("Your mobile phone is registered."),
            Some("phone-removed") => Some("Your mobile phone was removed."),
            Some("authenticator") => Some("Your authenticator app is registered."),
            Some("authenticator-removed") => Some("Your authenticator app was removed."),
            _ => None,
        };
        Ok(home_page(
            &state,
            &parts,
            &who,
            notice,
            query.done.as_deref() == Some("password"),
            None,
        ))
    }
    .await;
    page(&state, result)
}

fn home_page(
    state: &AppState,
    parts: &Parts,
    who: &SignedIn,
    notice: Option<&'static str>,
    password_changed: bool,
    error: Option<String>,
) -> Response {
    let status = status_for(&error);
    render(
        &HomePage {
            site: &state.site,
            csrf: &who.session.csrf,
            error,
            notice,
            password_changed,
            name: &who.account.name,
            phone: who.account.phone.as_deref().map(mask_phone),
            has_authenticator: who.has_authenticator,
            laptop: laptop(state, parts),
        },
        status,
    )
}

/// Refuses to remove the last method while the policy requires one.
fn removal_refused(state: &AppState, who: &SignedIn) -> Option<Outcome> {
    (state.registration.required && who.method_count() <= 1).then(|| {
        refused("This is your only way to reset your password, so it cannot be removed. Register another way first, then remove this one.")
    })
}

// ---- A mobile phone ---------------------------------------------------------------------------

pub async fn phone_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        let who = signed_in(&state, current(&state, &parts.headers).await?).await?;
        if !factor_is_fresh(&state, &who) {
            return Ok(verify_first(Next::Phone));
        }
        Ok(phone_page(&state, &who, None, ""))
    }
    .await;
    page(&state, result)
}

/// The number waiting for its code, masked.
pub(crate) fn pending_phone(session: &AccountSession) -> Option<String> {
    match (&session.code_for, &session.enrol_phone) {
        // Shown in full to the person who just typed it, so a typo shows.
        (Some(code_for), Some(phone)) if code_for == CodeFor::Phone.as_str() => {
            Some(display_phone(phone))
        }
        _ => None,
    }
}

fn phone_page(state: &AppState, who: &SignedIn, error: Option<String>, typed: &str) -> Response {
    let status = status_for(&error);
    render(
        &PhonePage {
            site: &state.site,
            csrf: &who.session.csrf,
            error,
            current: who.account.phone.as_deref().map(mask_phone),
            pending: pending_phone(&who.session),
            by_call: who.session.method.as_deref() == Some("voice"),
            typed,
            minutes: state.server.code_minutes,
        },
        status,
    )
}

/// A number to register: checked, then proven by a code sent to it
/// (`channel`: `sms` texts it, `voice` calls it).
pub(crate) async fn start_phone(
    state: &AppState,
    parts: &Parts,
    who: &SignedIn,
    typed: &str,
    channel: &str,
) -> Result<Outcome, WebError> {
    if !factor_is_fresh(state, who) {
        return Ok(Outcome::VerifyFirst(Next::Phone));
    }
    let phone = match normalize_phone(typed.trim()) {
        Ok(phone) => phone,
        Err(why) => return Ok(refused(format!("That number cannot be used: {why}."))),
    };
    if who.account.phone.as_deref() == Some(phone.as_str()) {
        return Ok(refused("That number is already your registered phone."));
    }
    let Some(channel) = Channel::for_phone(channel) else {
        return Ok(refused(
            "Choose how the code comes: a text message or a phone call.",
        ));
    };
    let tag = match send_code(
        state,
        who.account.id,
        channel,
        &phone,
        CodeUse::Registration,
    )
    .await?
    {
        Ok(tag) => tag,
        Err(why) => return Ok(refused(why.message())),
    };
    let expires = state.clock.now() + state.server.code_minutes * 60;
    let id = &who.session.id;
    state.store.set_enrol_phone(id, &phone).await?;
    state
        .store
        .set_session_code(id, CodeFor::Phone, channel.as_str(), Some(&tag), expires)
        .await?;
    let action = format!("account.phone_code_sent.{}", channel.as_str());
    audit(state, parts, &action, Some(who.account.id)).await?;
    Ok(Outcome::Done)
}

/// The code sent to the new number: right, and the number is registered.
pub(crate) async fn confirm_phone(
    state: &AppState,
    parts: &Parts,
    who: &SignedIn,
    typed: &str,
) -> Result<Outcome, WebError> {
    if !factor_is_fresh(state, who) {
        return Ok(Outcome::VerifyFirst(Next::Phone));
    }
    let (id, account) = (&who.session.id, &who.account);
    let (max, now) = (state.server.code_tries, state.clock.now());
    let attempt = state
        .store
        .try_session_code(id, CodeFor::Phone, max, now)
        .await?;
    let (Some(attempt), Some(phone)) = (attempt, who.session.enrol_phone.clone()) else {
        state.store.clear_session_code(id).await?;
        return Ok(refused(
            "That code can no longer be used: it expired or was tried too many times. Type the number again to get a new one.",
        ));
    };
    let right = attempt
        .code_hash
        .is_some_and(|tag| state.key.verify(CODE_PURPOSE, &typed_code(typed), &tag));
    if !right {
        audit(state, parts, "account.phone_code_wrong", Some(account.id)).await?;
        return Ok(refused(tries_left_message(
            max - who.session.code_tries - 1,
        )));
    }
    let old = account.phone.clone();
    state.store.set_phone(account.id, Some(&phone), now).await?;
    state.store.clear_session_code(id).await?;
    // Holding the phone just registered is a second factor too.
    let token = prove_factor(state, id).await?;
    let action = if old.is_some() {
        "account.phone_replaced"
    } else {
        "account.phone_added"
    };
    audit(state, parts, action, Some(account.id)).await?;
    let what = match &old {
        Some(old) => format!(
            "The mobile phone for resetting your university password was changed from {} to {}",
            mask_phone(old),
            mask_phone(&phone)
        ),
        None => format!(
            "The mobile phone {} was added to the ways you can reset your university password",
            mask_phone(&phone)
        ),
    };
    let account = Account {
        phone: Some(phone),
        ..account.clone()
    };
    notify(
        state,
        parts,
        &account,
        Notice::Methods(what),
        old.as_deref(),
    )
    .await?;
    Ok(Outcome::Renewed(token))
}

pub(crate) async fn remove_phone(
    state: &AppState,
    parts: &Parts,
    who: &SignedIn,
) -> Result<Outcome, WebError> {
    let Some(old) = who.account.phone.clone() else {
        return Ok(refused("There is no registered phone to remove."));
    };
    if !factor_is_fresh(state, who) {
        return Ok(Outcome::VerifyFirst(Next::Account));
    }
    if let Some(refusal) = removal_refused(state, who) {
        return Ok(refusal);
    }
    state
        .store
        .set_phone(who.account.id, None, state.clock.now())
        .await?;
    audit(state, parts, "account.phone_removed", Some(who.account.id)).await?;
    let what = format!(
        "The mobile phone {} was removed from the ways you can reset your university password",
        mask_phone(&old)
    );
    let account = Account {
        phone: None,
        ..who.account.clone()
    };
    notify(state, parts, &account, Notice::Methods(what), Some(&old)).await?;
    Ok(Outcome::Done)
}

#[derive(Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    channel: String,
}

pub async fn phone_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<PhoneForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let who = signed_in(&state, Some(session)).await?;
        let outcome = start_phone(&state, &parts, &who, &form.phone, &form.channel).await?;
        answer_form(
            &state,
            &who,
            outcome,
            "/account/phone",
            async |who, error, _| Ok(phone_page(&state, &who, error, form.phone.trim())),
        )
        .await
    }
    .await;
    page(&state, result)
}

pub async fn phone_confirm_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let who = signed_in(&state, Some(session)).await?;
        let outcome = confirm_phone(&state, &parts, &who, &form.code).await?;
        answer_form(
            &state,
            &who,
            outcome,
            "/account?done=phone",
            async |who, error, _| Ok(phone_page(&state, &who, error, "")),
        )
        .await
    }
    .await;
    page(&state, result)
}

/// Back from the code to typing a number.
pub async fn phone_cancel_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        state.store.clear_session_code(&session.id).await?;
        Ok(to("/account/phone"))
    }
    .await;
    page(&state, result)
}

pub async fn phone_remove_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let who = signed_in(&state, Some(session)).await?;
        let outcome = remove_phone(&state, &parts, &who).await?;
        answer_form(
            &state,
            &who,
            outcome,
            "/account?done=phone-removed",
            async |who, error, _| Ok(home_page(&state, &parts, &who, None, false, error)),
        )
        .await
    }
    .await;
    page(&state, result)
}

// ---- An authenticator app ---------------------------------------------------------------------

/// An authenticator app being registered: the secret (kept, sealed, in the
/// session until a first code proves the app has it) and its `otpauth://` URI.
pub(crate) struct Enrolment {
    pub secret: Vec<u8>,
    pub uri: String,
}

/// The secret being registered in this session, made on first use.
pub(crate) async fn enrolment(state: &AppState, who: &SignedIn) -> Result<Enrolment, WebError> {
    let opened = who
        .session
        .enrol_secret
        .as_deref()
        .and_then(|sealed| crate::totp::open(&state.key, sealed));
    let secret = match opened {
        Some(secret) => secret,
        None => {
            let secret = crate::totp::new_secret();
            let sealed = crate::totp::seal(&state.key, &secret)
                .ok_or_else(|| WebError::Internal("sealing an authenticator secret".into()))?;
            state
                .store
                .set_enrol_secret(&who.session.id, Some(&sealed))
                .await?;
            secret
        }
    };
    let issuer = &state.registration.authenticator_issuer;
    let uri = crate::totp::otpauth_uri(&secret, issuer, &who.account.username);
    Ok(Enrolment { secret, uri })
}

/// A fresh secret for this session, shown as a QR code and as text.
pub async fn authenticator_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        let who = signed_in(&state, current(&state, &parts.headers).await?).await?;
        if !factor_is_fresh(&state, &who) {
            return Ok(verify_first(Next::Authenticator));
        }
        authenticator_page(&state, who, None).await
    }
    .await;
    page(&state, result)
}

async fn authenticator_page(
    state: &AppState,
    who: SignedIn,
    error: Option<String>,
) -> Result<Response, WebError> {
    let enrolment = enrolment(state, &who).await?;
    let qr_svg = qr_svg(&enrolment.uri)?;
    let base32 = crate::totp::base32(&enrolment.secret);
    let groups: Vec<String> = base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    let status = status_for(&error);
    Ok(render(
        &AuthenticatorPage {
            site: &state.site,
            csrf: &who.session.csrf,
            error,
            replacing: who.has_authenticator,
            qr_svg,
            secret: groups.join(" "),
        },
        status,
    ))
}

/// The QR code of `text` as inline SVG, labelled for screen readers.
fn qr_svg(text: &str) -> Result<String, WebError> {
    let code =
        qrcode::QrCode::new(text.as_bytes()).map_err(|e| WebError::Internal(e.to_string()))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code of the key for your authenticator app\" ",
        1,
    ))
}

/// The app's first code: right, and the app is registered (in place of any
/// earlier one).
pub(crate) async fn confirm_authenticator(
    state: &AppState,
    parts: &Parts,
    who: &SignedIn,
    typed: &str,
) -> Result<Outcome, WebError> {
    if !factor_is_fresh(state, who) {
        return Ok(Outcome::VerifyFirst(Next::Authenticator));
    }
    let Some(sealed) = who.session.enrol_secret.clone() else {
        return Ok(refused(
            "Add the app's key first: open the authenticator page to get it.",
        ));
    };
    let now = state.clock.now();
    let step = crate::totp::open(&state.key, &sealed)
        .and_then(|secret| crate::totp::matching_step(&secret, &typed_code(typed), now));
    let account = &who.account;
    let Some(step) = step else {
        audit(
            state,
            parts,
            "account.authenticator_code_wrong",
            Some(account.id),
        )
        .await?;
        return Ok(refused(
            "That code does not match. Check the app shows the entry you just added, and type the code it shows now.",
        ));
    };
    state
        .store
        .replace_authenticator(account.id, &sealed, step, now)
        .await?;
    state.store.set_enrol_secret(&who.session.id, None).await?;
    let token = prove_factor(state, &who.session.id).await?;
    let (action, what) = if who.has_authenticator {
        (
            "account.authenticator_replaced",
            "Your authenticator app for resetting your university password was replaced by a new one",
        )
    } else {
        (
            "account.authenticator_added",
            "An authenticator app was added to the ways you can reset your university password",
        )
    };
    audit(state, parts, action, Some(account.id)).await?;
    notify(
        state,
        parts,
        account,
        Notice::Methods(what.to_owned()),
        None,
    )
    .await?;
    Ok(Outcome::Renewed(token))
}

pub(crate) async fn remove_authenticator(
    state: &AppState,
    parts: &Parts,
    who: &SignedIn,
) -> Result<Outcome, WebError> {
    if !who.has_authenticator {
        return Ok(refused(
            "There is no registered authenticator app to remove.",
        ));
    }
    if !factor_is_fresh(state, who) {
        return Ok(Outcome::VerifyFirst(Next::Account));
    }
    if let Some(refusal) = removal_refused(state, who) {
        return Ok(refusal);
    }
    let account = &who.account;
    state.store.remove_authenticators(account.id).await?;
    audit(
        state,
        parts,
        "account.authenticator_removed",
        Some(account.id),
    )
    .await?;
    let what =
        "Your authenticator app was removed from the ways you can reset your university password";
    notify(
        state,
        parts,
        account,
        Notice::Methods(what.to_owned()),
        None,
    )
    .await?;
    Ok(Outcome::Done)
}

pub async fn authenticator_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let who = signed_in(&state, Some(session)).await?;
        let outcome = confirm_authenticator(&state, &parts, &who, &form.code).await?;
        answer_form(
            &state,
            &who,
            outcome,
            "/account?done=authenticator",
            async |who, error, _| authenticator_page(&state, who, error).await,
        )
        .await
    }
    .await;
    page(&state, result)
}

pub async fn authenticator_remove_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let who = signed_in(&state, Some(session)).await?;
        let outcome = remove_authenticator(&state, &parts, &who).await?;
        let then = "/account?done=authenticator-removed";
        answer_form(&state, &who, outcome, then, async |who, error, _| {
            Ok(home_page(&state, &parts, &who, None, false, error))
        })
        .await
    }
    .await;
    page(&state, result)
}

// ---- Updating a known password ------------------------------------------------------------

pub async fn password_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        let who = signed_in(&state, current(&state, &parts.headers).await?).await?;
        if let Some(warning) = off_campus_warning(&state, &parts) {
            return Ok(warning);
        }
        Ok(update_page(&state, &who, None, Vec::new()))
    }
    .await;
    page(&state, result)
}

fn update_page(
    state: &AppState,
    who: &SignedIn,
    error: Option<String>,
    violations: Vec<Violation>,
) -> Response {
    let status = if error.is_some() || !violations.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        &UpdatePage {
            site: &state.site,
            csrf: &who.session.csrf,
            required: who.account.must_change_password,
            error,
            checklist: checklist(&state.policy, &violations),
            violations,
        },
        status,
    )
}

/// The current password, then the same policy, history and transaction as
/// a reset. Every other session of the account ends.
pub(crate) async fn update_password(
    state: &AppState,
    parts: &Parts,
    who: &SignedIn,
    current: &str,
    password: &str,
    confirm: &str,
) -> Result<Outcome, WebError> {
    let account = &who.account;
    if password != confirm {
        return Ok(refused(
            "The two new passwords are not the same. Type them again.",
        ));
    }
    if signin_paused(state, account.id).await? {
        return Ok(refused(format!(
            "Too many wrong passwords were typed for this account. Wait {} minutes, or reset your password instead.",
            ACCOUNT_WINDOW / 60
        )));
    }
    if !verify_password(&state.store, &state.hasher, account, current).await? {
        count_wrong_password(state, parts, account.id).await?;
        audit(
            state,
            parts,
            "account.current_password_wrong",
            Some(account.id),
        )
        .await?;
        return Ok(refused(
            "Your current password is not right. Passwords are case sensitive.",
        ));
    }
    let now = state.clock.now();
    let changed = change_password(&state.passwords(), account, password, now, "self-service").await;
    if let Err(e) = made(changed) {
        let not = not_changed(e)?;
        let action = format!("account.password_refused:{}", not.rules);
        audit(state, parts, &action, Some(account.id)).await?;
        return Ok(Outcome::Refused {
            error: not.error.unwrap_or_default(),
            violations: not.violations,
        });
    }
    let ended = state
        .store
        .end_sessions_of(account.id, Some(&who.session.id))
        .await?;
    let action = format!("account.password_updated:ended_sessions={ended}");
    audit(state, parts, &action, Some(account.id)).await?;
    notify(state, parts, account, Notice::PasswordChanged, None).await?;
    Ok(Outcome::Done)
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<UpdateForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let who = signed_in(&state, Some(session)).await?;
        let outcome = update_password(
            &state,
            &parts,
            &who,
            &form.current,
            &form.password,
            &form.confirm,
        )
        .await?;
        answer_form(
            &state,
            &who,
            outcome,
            "/account?done=password",
            async |who, error, violations| {
                // A refusal by the rules lists them; the sentence is for everything else.
                let error = error.filter(|e| !e.is_empty());
                Ok(update_page(&state, &who, error, violations))
            },
        )
        .await
    }
    .await;
    page(&state, result)
}

/// The live checklist for the update form.
pub async fn password_check_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<UpdateForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let who = signed_in(&state, Some(session)).await?;
        let body = check_answer(
            &state.policy,
            &form.password,
            &form.confirm,
            &who.account.person(),
        );
        Ok(axum::Json(body).into_response())
    }
    .await;
    result.unwrap_or_else(|_: WebError| StatusCode::FORBIDDEN.into_response())
}
