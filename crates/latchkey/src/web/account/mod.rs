//! Signed in: sign-in (the password, then a second factor when the account
//! has one), registering a phone or an authenticator app, updating a known
//! password, and sign-out.
//!
//! A session starts anonymous (it carries the sign-in form's CSRF token);
//! the right password replaces it with a new one (no fixation) in stage
//! `factor` or, for an account without methods, `active`. Adding, replacing
//! or removing a method needs a second factor proven in the last few
//! minutes, unless the account has none yet.

mod authenticator;
mod email;
mod pass;
mod passkey;
mod password;
mod phone;
mod reconfirm;
mod recovery;
pub use authenticator::*;
pub use email::*;
pub use pass::*;
pub use passkey::*;
pub use password::*;
pub use phone::*;
pub use reconfirm::*;
pub use recovery::*;

use crate::web::checked::{Checked, CsrfForm, FormSession, with_csrf};
use askama::Template;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use latchkey_policy::Violation;
use serde::Deserialize;

use super::flash::{self, Flash};
use super::{Laptop, Site, WebError, caller, laptop, off_campus_warning, render, session_cookie};
use crate::domain::checklist::{Checklist, check_answer, checklist};
use crate::domain::code::{MethodOption, method_options, signin_codes_paused, suggests_app};
use crate::domain::person::codes_paused;
use crate::domain::person::{self, Next, Outcome, SignIn, SignedIn};
use crate::domain::{Core, account_of, notice_language};
#[allow(unused_imports)] // the templates' filters
pub(crate) use crate::i18n::filters;
use crate::i18n::{self, say};
use crate::model::account::mask_phone;
use crate::model::method::Method;
use crate::model::session::SessionKind;
use crate::notify::CodeUse;
use crate::secrets::{random_token, token_id};
use crate::store::{AccountSession, NewSession, Stage};

const COOKIE: &str = "latchkey_session";

/// The browser holds a portal session (signed in, or signing in): what the
/// header's link says. The page behind it checks the session itself.
pub(crate) fn has_session(state: &Core, headers: &HeaderMap) -> bool {
    super::session_token(state, headers, COOKIE).is_some_and(|token| !token.is_empty())
}

// ---- Sessions ------------------------------------------------------------------------------

/// The session a request's cookie names, unless it has ended or timed out.
async fn current(state: &Core, headers: &HeaderMap) -> Result<Option<AccountSession>, WebError> {
    match super::session_token(state, headers, COOKIE) {
        Some(token) => session_named(state, &token).await,
        None => Ok(None),
    }
}

/// The session `token` names (a cookie's, or an API client's bearer token).
pub(crate) async fn session_named(
    state: &Core,
    token: &str,
) -> Result<Option<AccountSession>, WebError> {
    person::session_by_id(state, &token_id(token)).await
}

/// A page for the signed-in person only: anyone else is sent to sign in,
/// or to prove their second factor first.
impl FromRequestParts<Core> for SignedIn {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Core) -> Result<Self, WebError> {
        person::signed_in(state, current(state, &parts.headers).await?).await
    }
}

impl FormSession for AccountSession {
    async fn current(state: &Core, parts: &Parts) -> Result<Option<Self>, WebError> {
        current(state, &parts.headers).await
    }

    fn csrf(&self) -> &str {
        &self.csrf
    }
}

with_csrf!(SigninForm, SendForm, CodeForm);

/// To `/account/verify`, coming back to `next` afterwards.
fn verify_first(next: Next) -> Response {
    Redirect::to(&format!("/account/verify?next={}", next.as_str())).into_response()
}

/// Where the portal shows `next`.
fn next_path(next: Next) -> &'static str {
    match next {
        Next::Account => "/account",
        Next::Phone => "/account/phone",
        Next::Authenticator => "/account/authenticator",
        Next::Recovery => "/account/recovery",
        Next::Passkey => "/account/passkey",
        Next::Email => "/account/email",
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
    /// Passkeys work at this address: offer a sign-in by one.
    passkeys: bool,
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
    /// The app is the only way: nothing to choose or send again.
    app_only: bool,
    /// Recovery codes the person holds: a code may stand in for the factor.
    recovery_left: usize,
    /// The person holds a passkey (and passkeys work here).
    passkey: bool,
}

#[derive(Template)]
#[template(path = "account/home.html")]
struct HomePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    notice: Option<String>,
    password_changed: bool,
    name: &'a str,
    phone: Option<String>,
    has_authenticator: bool,
    laptop: Laptop<'a>,
    /// Each language for notices: its code, its own name, chosen.
    languages: Vec<(&'static str, &'static str, bool)>,
    /// Only a phone proves it is them: suggest an app beside it.
    suggest_app: bool,
    /// Recovery codes left in the person's set.
    recovery_left: usize,
    /// How many passkeys the person holds.
    passkeys: usize,
    /// The person's other address, masked.
    alt_email: Option<String>,
}

#[derive(Template)]
#[template(path = "account/register.html")]
struct RegisterPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    name: &'a str,
}

fn status_for(error: &Option<String>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

// ---- What an action did -------------------------------------------------------------------

/// The portal's answer to an action on the signed-in person: on to `then`,
/// or to prove a factor first, or back to the form's `page` (after a
/// redirect: post/redirect/get) with why, and what was `typed`.
async fn answer_form(
    state: &Core,
    who: &SignedIn,
    outcome: Outcome,
    then: &str,
    (page, typed): (&str, &str),
) -> Result<Response, WebError> {
    match outcome {
        Outcome::Done => Ok(to(then)),
        Outcome::Renewed(token) => renewed(state, to(then), &token),
        Outcome::VerifyFirst(next) => Ok(verify_first(next)),
        Outcome::Refused { error, violations } => {
            // A refusal by the rules lists them; the sentence is for everything else.
            let error = Some(error).filter(|e| !e.is_empty());
            let flash = Flash::refused(error, &violations).typed(typed);
            flash::refused(state, &holder(&who.session), flash, page).await
        }
    }
}

/// How a refused form's answer names this session.
fn holder(session: &AccountSession) -> String {
    SessionKind::Person.holder(&session.id)
}

/// What a refused form left for this session's page.
async fn refusal(state: &Core, session: &AccountSession) -> Result<Flash, WebError> {
    flash::take(state, &holder(session)).await
}

/// `response` with the session's new cookie.
fn renewed(state: &Core, mut response: Response, token: &str) -> Result<Response, WebError> {
    let lifetime = state.server.session_max_minutes * 60;
    let value = session_cookie(state, COOKIE, token, "/", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}

// ---- Sign-in and sign-out -------------------------------------------------------------------

pub async fn signin_get(State(state): State<Core>, parts: Parts) -> Result<Response, WebError> {
    match current(&state, &parts.headers).await? {
        Some(s) if s.stage == Stage::Active => Ok(to("/account")),
        Some(s) if s.stage == Stage::Factor => Ok(to("/account/verify")),
        Some(s) => {
            let flash = refusal(&state, &s).await?;
            Ok(signin_page(&state, &s.csrf, flash.error, &flash.typed))
        }
        None => anonymous_session(&state, &parts, signin_page).await,
    }
}

fn signin_page(state: &Core, csrf: &str, error: Option<String>, identifier: &str) -> Response {
    let status = status_for(&error);
    render(
        &SigninPage {
            site: &state.site,
            csrf,
            error,
            identifier,
            passkeys: crate::domain::passkey::offered(state),
        },
        status,
    )
}

/// A page of a signed-out session: its CSRF token, the refusal, what was typed.
type SignedOutPage = fn(&Core, &str, Option<String>, &str) -> Response;

/// A session for a sign-in form alone (`page`), so the form carries a CSRF token.
async fn anonymous_session(
    state: &Core,
    parts: &Parts,
    page: SignedOutPage,
) -> Result<Response, WebError> {
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
            address: &caller(state, parts).address,
            now,
            expires_at: now + lifetime,
        })
        .await?;
    let mut response = page(state, &csrf, None, "");
    let value = session_cookie(state, COOKIE, &token, "/", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
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
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, SigninForm>,
) -> Result<Response, WebError> {
    if session.stage != Stage::Signin {
        return Ok(to("/account"));
    }
    match person::sign_in(
        &state,
        &caller(&state, &parts),
        &form.identifier,
        &form.password,
    )
    .await?
    {
        SignIn::Refused(error) => {
            let flash = Flash::refused(Some(error), &[]).typed(form.identifier.trim());
            flash::refused(&state, &holder(&session), flash, "/signin").await
        }
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

pub async fn signout_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    person::sign_out(&state, &caller(&state, &parts), &session).await?;
    let mut response = to("/signin");
    let value = session_cookie(&state, COOKIE, "", "/", 0)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}

// ---- The second factor (at sign-in, and again before changing methods) ---------------------

#[derive(Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: Next,
}

pub async fn verify_get(
    State(state): State<Core>,
    parts: Parts,
    Query(query): Query<NextQuery>,
) -> Result<Response, WebError> {
    let session = current(&state, &parts.headers).await?;
    let Some(session) = session.filter(|s| s.stage != Stage::Signin) else {
        return Ok(to("/signin"));
    };
    let flash = refusal(&state, &session).await?;
    verify_page(&state, &session, query.next, flash.error).await
}

async fn verify_page(
    state: &Core,
    session: &AccountSession,
    next: Next,
    error: Option<String>,
) -> Result<Response, WebError> {
    let account = account_of(state, session.account_id).await?;
    let paused = signin_codes_paused(state, account.id).await?;
    let error = error.or_else(|| paused.then(codes_paused));
    let options = if paused {
        Vec::new()
    } else {
        method_options(state, &account, CodeUse::SignIn).await?
    };
    let status = status_for(&error);
    Ok(render(
        &VerifyPage {
            site: &state.site,
            csrf: &session.csrf,
            error,
            signing_in: session.stage == Stage::Factor,
            next: next.as_str(),
            app_only: matches!(options.as_slice(), [only] if only.value == Method::App.as_str()),
            recovery_left: person::recovery_codes_left(state, account.id).await?,
            passkey: crate::domain::passkey::offered(state)
                && !state.store.passkeys(account.id).await?.is_empty(),
            options,
            code_from: person::factor_code_from(state, session, &account).await?,
        },
        status,
    ))
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
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, SendForm>,
) -> Result<Response, WebError> {
    match person::send_factor_code(&state, &caller(&state, &parts), &session, &form.method).await? {
        Outcome::Refused { error, .. } => back_to_verify(&state, &session, form.next, error).await,
        _ => Ok(verify_first(form.next)),
    }
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
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, CodeForm>,
) -> Result<Response, WebError> {
    let outcome =
        person::check_factor_code(&state, &caller(&state, &parts), &session, &form.code).await?;
    factor_answer(&state, &session, form.next, outcome).await
}

/// The answer to a second factor typed in: on to `next` (under the renamed
/// session once proven), or back to the verify page with why.
async fn factor_answer(
    state: &Core,
    session: &AccountSession,
    next: Next,
    outcome: Outcome,
) -> Result<Response, WebError> {
    match outcome {
        Outcome::Refused { error, .. } => back_to_verify(state, session, next, error).await,
        Outcome::Renewed(token) => renewed(state, to(next_path(next)), &token),
        _ => Ok(to(next_path(next))),
    }
}

/// The verify page again (post/redirect/get), saying `error`.
async fn back_to_verify(
    state: &Core,
    session: &AccountSession,
    next: Next,
    error: String,
) -> Result<Response, WebError> {
    let page = format!("/account/verify?next={}", next.as_str());
    let flash = Flash::refused(Some(error), &[]);
    flash::refused(state, &holder(session), flash, &page).await
}

// ---- The account page, and the interruption for those with no method ----------------------

#[derive(Deserialize, Default)]
pub struct HomeQuery {
    done: Option<String>,
}

pub async fn home_get(
    State(state): State<Core>,
    parts: Parts,
    Query(query): Query<HomeQuery>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, current(&state, &parts.headers).await?).await?;
    let known = caller(&state, &parts).device == Some(who.account.id);
    let mut response = home(state.clone(), &parts, &who, query).await?;
    // Signed in: this browser is theirs from now on (its resets spend the
    // owner's codes, not what strangers spent).
    if !known {
        let value = crate::domain::device::mark(&state, who.account.id);
        let lifetime = crate::domain::device::lifetime(&state);
        let cookie = session_cookie(&state, crate::web::DEVICE_COOKIE, &value, "/", lifetime)?;
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

async fn home(
    state: Core,
    parts: &Parts,
    who: &SignedIn,
    query: HomeQuery,
) -> Result<Response, WebError> {
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
    if person::methods_to_confirm(&state, who).await? {
        return confirm_methods_page(&state, who).await;
    }
    let notice = match query.done.as_deref() {
        Some("phone") => Some(say("saved-phone", &[])),
        Some("phone-removed") => Some(say("saved-phone-removed", &[])),
        Some("authenticator") => Some(say("saved-authenticator", &[])),
        Some("authenticator-removed") => Some(say("saved-authenticator-removed", &[])),
        Some("confirmed") => Some(say("saved-confirmed", &[])),
        Some("passkey") => Some(say("saved-passkey", &[])),
        Some("email") => Some(say("saved-email", &[])),
        Some("email-removed") => Some(say("saved-email-removed", &[])),
        Some("passkey-removed") => Some(say("saved-passkey-removed", &[])),
        Some("language") => Some(say(
            "saved-language",
            &[(
                "language",
                notice_language(&who.account, state.site.language)
                    .own_name()
                    .to_owned(),
            )],
        )),
        _ => None,
    };
    let flash = refusal(&state, &who.session).await?;
    let recovery_left = person::recovery_codes_left(&state, who.account.id).await?;
    let passkeys = state.store.passkeys(who.account.id).await?.len();
    Ok(home_page(
        &state,
        parts,
        (who, recovery_left, passkeys),
        notice,
        query.done.as_deref() == Some("password"),
        flash.error,
    ))
}

fn home_page(
    state: &Core,
    parts: &Parts,
    (who, recovery_left, passkeys): (&SignedIn, usize, usize),
    notice: Option<String>,
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
            laptop: laptop(state, parts, true),
            languages: {
                let chosen = notice_language(&who.account, state.site.language);
                (i18n::Lang::ALL.iter())
                    .map(|l| (l.code(), l.own_name(), *l == chosen))
                    .collect()
            },
            suggest_app: suggests_app(state, &who.account, who.has_authenticator),
            recovery_left,
            passkeys,
            alt_email: (who.account.alt_email.as_deref()).map(crate::model::account::mask_email),
        },
        status,
    )
}

// ---- A mobile phone ---------------------------------------------------------------------------

// ---- An authenticator app ---------------------------------------------------------------------

// ---- Updating a known password ------------------------------------------------------------
