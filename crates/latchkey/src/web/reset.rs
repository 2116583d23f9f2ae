//! The reset flow: identify → CAPTCHA → method → code → new password → done.
//!
//! `GET /reset` always shows the step the session is at; each step's form
//! posts to its own URL and, when it succeeds, redirects back to `/reset`.
//! A form posted for another step than the current one changes nothing.

use crate::captcha::pow::PowChallenge;
use crate::web::checked::{Checked, CsrfForm, FormSession, WithCsrf, with_csrf};
use askama::Template;
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use latchkey_policy::Violation;
use serde::Deserialize;

use super::flash::Flash;
use super::{Laptop, Site, WebError, caller, laptop, off_campus_warning, render, session_cookie};
use crate::directory::Lock;
use crate::domain::Core;
use crate::domain::account_of;
use crate::domain::checklist::{Checklist, checklist};
use crate::domain::code::MethodOption;
use crate::domain::reset::{self, Outcome, session_by_id};
#[allow(unused_imports)] // the templates' filters
pub(crate) use crate::i18n::filters;
use crate::model::method::Method;
use crate::model::session::SessionKind;
use crate::notify::CodeUse;
use crate::secrets::random_token;
use crate::secrets::{same, token_id};
use crate::store::{ResetSession, Step};

const COOKIE: &str = "latchkey_reset";
/// The session a request names, by its cookie (the portal) or its bearer
/// token (the API), if it exists and has not expired. A form must also
/// carry the session's CSRF token ([`form_session`]); the API takes the
/// bearer token alone, which a browser never sends on its own.
pub(crate) async fn current_session(
    state: &Core,
    headers: &HeaderMap,
) -> Result<Option<ResetSession>, WebError> {
    let Some(token) =
        super::session_token(state, headers, COOKIE).or_else(|| super::bearer(headers))
    else {
        return Ok(None);
    };
    session_by_id(state, &token_id(&token)).await
}

/// The session a form belongs to: it must exist, and the form must carry
/// its CSRF token.
async fn form_session(
    state: &Core,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<ResetSession, WebError> {
    match current_session(state, headers).await? {
        Some(session) if same(&session.csrf, csrf) => Ok(session),
        _ => Err(WebError::Expired),
    }
}

impl FormSession for ResetSession {
    async fn current(state: &Core, parts: &Parts) -> Result<Option<Self>, WebError> {
        current_session(state, &parts.headers).await
    }

    fn csrf(&self) -> &str {
        &self.csrf
    }
}

with_csrf!(CaptchaForm, MethodForm, CodeForm, PasswordForm);

fn back_to_flow() -> Response {
    Redirect::to("/reset").into_response()
}

/// The portal's answer to a form: back to `/reset` when the step went
/// through, or the step's page again with why.
pub(super) async fn answer_form(
    state: &Core,
    session_id: &str,
    outcome: Outcome,
) -> Result<Response, WebError> {
    match outcome {
        Outcome::Moved | Outcome::OtherStep => Ok(back_to_flow()),
        Outcome::Renewed(token) => with_cookie(state, back_to_flow(), &token),
        Outcome::Again { error, violations } => {
            // The step's page shows why, after a redirect (post/redirect/get).
            let holder = SessionKind::Reset.holder(session_id);
            let flash = Flash::refused(error, &violations);
            super::flash::refused(state, &holder, flash, "/reset").await
        }
    }
}

// ---- GET /reset: the current step's page -------------------------------------------------

pub async fn reset_get(State(state): State<Core>, parts: Parts) -> Result<Response, WebError> {
    match current_session(&state, &parts.headers).await? {
        // A finished reset is over: coming back here begins a new one.
        Some(session) if !session.step.is_over() => {
            let holder = SessionKind::Reset.holder(&session.id);
            let flash = super::flash::take(&state, &holder).await?;
            let violations = flash.violations();
            show_step(&state, &parts, &session, flash.error, violations).await
        }
        // A first page seen already (its cookie names no reset yet): the
        // same one again, past the off-campus warning it may have passed.
        None if let Some(seen) = opened(&state, &parts.headers) => {
            start(&state, &parts, Some(seen)).await
        }
        _ => match off_campus_warning(&state, &parts) {
            Some(warning) => Ok(warning),
            None => start(&state, &parts, None).await,
        },
    }
}

/// The token of the first page this browser was shown, if its cookie holds one.
fn opened(state: &Core, headers: &HeaderMap) -> Option<String> {
    super::session_token(state, headers, COOKIE)
}

/// `POST /reset/start`: leave the current reset (finished or not) and begin
/// a new one. The form carries the current session's token, so another site
/// cannot abandon someone's reset for them.
pub async fn start_post(
    State(state): State<Core>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Result<Response, WebError> {
    if current_session(&state, &parts.headers).await?.is_some() {
        form_session(&state, &parts.headers, form.csrf()).await?;
    }
    start(&state, &parts, None).await
}

/// The first page of a reset not yet begun (the one `seen` before, or a
/// new one), and its cookie: nothing is stored until its form comes back
/// ([`identify_post`]).
async fn start(state: &Core, parts: &Parts, seen: Option<String>) -> Result<Response, WebError> {
    let opening = reset::opening(state, &caller(state, parts), seen).await?;
    let page = IdentifyPage {
        site: &state.site,
        csrf: &opening.csrf,
        error: None,
        pow: pow_json(opening.pow),
    };
    with_cookie(state, render(&page, StatusCode::OK), &opening.token)
}

/// `response` with the cookie that names the reset `token` names, for the
/// reset's whole lifetime.
fn with_cookie(state: &Core, mut response: Response, token: &str) -> Result<Response, WebError> {
    let lifetime = state.server.reset_minutes * 60;
    let value = session_cookie(state, COOKIE, token, "/reset", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}

/// `GET /reset/link/{token}`: a one-time link the help desk sent. Used once,
/// while live; it opens a reset at the new-password step for its account.
/// A used, expired or unknown link gets the expired page.
pub async fn link_get(
    State(state): State<Core>,
    parts: Parts,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Result<Response, WebError> {
    let session_token = reset::open_link(&state, &caller(&state, &parts), &token).await?;
    with_cookie(&state, back_to_flow(), &session_token)
}

#[derive(Template)]
#[template(path = "reset/paused.html")]
struct PausedPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    /// When online reset works again, as a person reads a time.
    until: String,
}

#[derive(Template)]
#[template(path = "reset/identify.html")]
struct IdentifyPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    /// The proof-of-work challenge (JSON) the page's script solves.
    pow: Option<String>,
}

#[derive(Template)]
#[template(path = "reset/captcha.html")]
struct CaptchaPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    /// Changes with each challenge so the browser does not show a cached image.
    nonce: String,
    /// The browser's own check ran and was refused: its JavaScript is on.
    pow_tried: bool,
    /// While the cost is raised: the check the image needs beside it (JSON).
    pow: Option<String>,
}

#[derive(Template)]
#[template(path = "reset/method.html")]
struct MethodPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    options: Vec<MethodOption>,
    /// The person holds recovery codes: one may stand in for a code.
    recovery: bool,
    /// The person holds a passkey: it may prove them.
    passkey: bool,
    /// One proof is in: why another way is asked for.
    second: Option<String>,
}

#[derive(Template)]
#[template(path = "reset/code.html")]
struct CodePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    sent_to: String,
    /// The code was tried as often as it may be: no box to type it in.
    spent: bool,
    /// The code comes from the app: nothing is sent, nothing to send again…
    app: bool,
    /// …and it is the only way: no other to choose either.
    app_only: bool,
}

#[derive(Template)]
#[template(path = "reset/password.html")]
struct PasswordPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    violations: Vec<Violation>,
    checklist: Checklist,
    /// The directory locked the account: offer to unlock it instead.
    locked: bool,
}

#[derive(Template)]
#[template(path = "reset/unlocked.html")]
struct UnlockedPage<'a> {
    site: &'a Site,
    csrf: &'a str,
}

#[derive(Template)]
#[template(path = "reset/done.html")]
struct DonePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    laptop: Laptop<'a>,
    /// Only a phone proves it is them: suggest an app beside it.
    suggest_app: bool,
}

#[derive(Template)]
#[template(path = "reset/help.html")]
struct HelpPage<'a> {
    site: &'a Site,
    csrf: &'a str,
}

/// A proof-of-work challenge as a form's `data-pow` carries it.
fn pow_json(challenge: Option<PowChallenge>) -> Option<String> {
    challenge.and_then(|challenge| serde_json::to_string(&challenge).ok())
}

/// The page for the step `session` is at, with an error from the last try.
async fn show_step(
    state: &Core,
    parts: &Parts,
    session: &ResetSession,
    error: Option<String>,
    violations: Vec<Violation>,
) -> Result<Response, WebError> {
    let (site, csrf) = (&state.site, session.csrf.as_str());
    let status = if error.is_some() || !violations.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(match session.step {
        Step::Identify => {
            let pow = pow_json(reset::pow_challenge(state, session).await?);
            render(
                &IdentifyPage {
                    site,
                    csrf,
                    error,
                    pow,
                },
                status,
            )
        }
        Step::Captcha => render(
            &CaptchaPage {
                site,
                csrf,
                error,
                nonce: random_token()[..8].to_owned(),
                pow_tried: reset::pow_was_tried(state, session).await?,
                pow: pow_json(reset::pow_challenge(state, session).await?),
            },
            status,
        ),
        Step::Method => {
            let account = account_of(state, session.account_id).await?;
            let ways = reset::ways_left(state, session, &account).await?;
            render(
                &MethodPage {
                    site,
                    csrf,
                    error,
                    options: crate::domain::code::offers(&account, ways.methods),
                    recovery: ways.recovery,
                    passkey: ways.passkey,
                    second: reset::second_proof_words(state, session, &account).await?,
                },
                status,
            )
        }
        Step::Code => {
            let account = account_of(state, session.account_id).await?;
            let method = session
                .code
                .as_ref()
                .map_or(Method::Text, |code| code.method);
            let sent_to =
                crate::domain::code::code_told(state, &account, session.code.as_ref()).await?;
            let app = method == Method::App;
            // Whether the app is the only way: asked only of an app's code.
            let app_only = app
                && crate::domain::code::methods_now(state, &account, CodeUse::Reset).await?
                    == [Method::App];
            render(
                &CodePage {
                    site,
                    csrf,
                    error,
                    sent_to,
                    app,
                    app_only,
                    spent: (session.code.as_ref())
                        .is_some_and(|code| code.spent(state.server.code_tries)),
                },
                status,
            )
        }
        Step::Password => {
            let account = account_of(state, session.account_id).await?;
            let checklist = checklist(&*state.policy_for(&account).await, &violations);
            let lock = crate::domain::unlock::reset_lock(state, session).await?;
            render(
                &PasswordPage {
                    site,
                    csrf,
                    error,
                    violations,
                    checklist,
                    locked: lock == Some(Lock::Locked),
                },
                status,
            )
        }
        Step::Unlocked => render(&UnlockedPage { site, csrf }, status),
        Step::Done => {
            let account = account_of(state, session.account_id).await?;
            let suggest_app = crate::domain::code::only_restricted(state, &account).await?;
            render(
                &DonePage {
                    site,
                    csrf,
                    laptop: laptop(state, parts, false),
                    suggest_app,
                },
                status,
            )
        }
        Step::Help => render(&HelpPage { site, csrf }, status),
        Step::Paused => {
            let account = account_of(state, session.account_id).await?;
            let until = account.locked_until.unwrap_or_else(|| state.clock.now());
            render(
                &PausedPage {
                    site,
                    csrf,
                    until: state.site.clock_time(
                        crate::i18n::current().lang,
                        until,
                        state.clock.now(),
                    ),
                },
                status,
            )
        }
    })
}

// ---- The steps, shared by the portal and the API ------------------------------------------

// ---- The portal's forms ----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct IdentifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    identifier: String,
    /// The proof of work's solution, when the page's script found it.
    #[serde(default)]
    pow: String,
}

/// The first form: the reset its cookie names, or, from the first page,
/// the reset it begins.
pub async fn identify_post(
    State(state): State<Core>,
    parts: Parts,
    Form(form): Form<IdentifyForm>,
) -> Result<Response, WebError> {
    let caller = caller(&state, &parts);
    let session = match current_session(&state, &parts.headers).await? {
        Some(session) if same(&session.csrf, &form.csrf) => session,
        Some(_) => return Err(WebError::Expired),
        None => {
            let token = opened(&state, &parts.headers).ok_or(WebError::Expired)?;
            reset::begin(&state, &caller, &token, &form.csrf, Some(&form.pow))
                .await?
                .ok_or(WebError::Expired)?
        }
    };
    let outcome =
        reset::identify(&state, &caller, &session, &form.identifier, Some(&form.pow)).await?;
    answer_form(&state, &session.id, outcome).await
}

pub async fn captcha_png_get(
    State(state): State<Core>,
    parts: Parts,
) -> Result<Response, WebError> {
    let Some(session) = current_session(&state, &parts.headers).await? else {
        return Ok(StatusCode::NOT_FOUND.into_response());
    };
    Ok(match reset::captcha_png(&state, &session).await? {
        Some(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    })
}

#[derive(Deserialize)]
pub struct CaptchaForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    answer: String,
    #[serde(default)]
    pow: String,
}

pub async fn captcha_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<ResetSession, CaptchaForm>,
) -> Result<Response, WebError> {
    let caller = caller(&state, &parts);
    let pow = Some(form.pow.as_str());
    let outcome = reset::answer_captcha(&state, &caller, &session, &form.answer, pow).await?;
    answer_form(&state, &session.id, outcome).await
}

#[derive(Deserialize)]
pub struct MethodForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    method: String,
}

pub async fn method_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<ResetSession, MethodForm>,
) -> Result<Response, WebError> {
    let outcome =
        reset::choose_method(&state, &caller(&state, &parts), &session, &form.method).await?;
    answer_form(&state, &session.id, outcome).await
}

pub async fn captcha_new_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, .. }: Checked<ResetSession, CsrfForm>,
) -> Result<Response, WebError> {
    let outcome = reset::new_captcha(&state, &caller(&state, &parts), &session).await?;
    answer_form(&state, &session.id, outcome).await
}

pub async fn method_again_post(
    State(state): State<Core>,
    Checked { session, .. }: Checked<ResetSession, CsrfForm>,
) -> Result<Response, WebError> {
    let outcome = reset::methods_again(&state, &session).await?;
    answer_form(&state, &session.id, outcome).await
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// A recovery code in place of a sent or app code.
pub async fn recovery_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<ResetSession, CodeForm>,
) -> Result<Response, WebError> {
    let caller = caller(&state, &parts);
    let outcome = reset::use_recovery_code(&state, &caller, &session, &form.code).await?;
    answer_form(&state, &session.id, outcome).await
}

pub async fn code_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<ResetSession, CodeForm>,
) -> Result<Response, WebError> {
    let outcome = reset::check_code(&state, &caller(&state, &parts), &session, &form.code).await?;
    answer_form(&state, &session.id, outcome).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<ResetSession, PasswordForm>,
) -> Result<Response, WebError> {
    let outcome = reset::set_password(
        &state,
        &caller(&state, &parts),
        &session,
        &form.password,
        &form.confirm,
    )
    .await?;
    match outcome {
        Outcome::Moved => Ok(Redirect::to("/reset/done").into_response()),
        outcome => answer_form(&state, &session.id, outcome).await,
    }
}

/// `POST /reset/unlock`: at the password step, unlock the directory
/// account instead and keep the password.
pub async fn unlock_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form: _ }: Checked<ResetSession, CsrfForm>,
) -> Result<Response, WebError> {
    let caller = caller(&state, &parts);
    match crate::domain::unlock::unlock_by_reset(&state, &caller, &session).await? {
        Outcome::Moved => Ok(Redirect::to("/reset/done").into_response()),
        outcome => answer_form(&state, &session.id, outcome).await,
    }
}

/// `GET /reset/done`: the finished reset's page, for as long as its
/// session lasts; anything else goes back to `/reset`.
pub async fn done_get(State(state): State<Core>, parts: Parts) -> Result<Response, WebError> {
    match current_session(&state, &parts.headers).await? {
        Some(session) if session.step.is_over() => {
            show_step(&state, &parts, &session, None, Vec::new()).await
        }
        _ => Ok(back_to_flow()),
    }
}

/// The live checklist's question: which rules does this password meet so
/// far? The same engine as the final verdict; `history` is left to the
/// submission (`met: null`), which is the only verdict that counts.
pub async fn password_check_post(
    State(state): State<Core>,
    Checked { session, form }: Checked<ResetSession, PasswordForm>,
) -> Response {
    let result = async {
        reset::check_password(&state, &session, &form.password, &form.confirm)
            .await?
            .ok_or(WebError::Expired)
    }
    .await;
    match result {
        Ok(body) => axum::Json(body).into_response(),
        Err(_) => StatusCode::FORBIDDEN.into_response(),
    }
}
