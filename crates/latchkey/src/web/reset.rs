//! The reset flow: identify → CAPTCHA → method → code → new password → done.
//!
//! `GET /reset` always shows the step the session is at; each step's form
//! posts to its own URL and, when it succeeds, redirects back to `/reset`.
//! A form posted for another step than the current one changes nothing.

use askama::Template;
use axum::extract::{Form, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use latchkey_policy::Violation;
use serde::Deserialize;

use super::codes::{
    CODE_PURPOSE, CodeVerdict, MethodOption, WrongCode, authenticator_verdict, code_from,
    codes_paused, count_wrong_code, has_a_method, method_options, send_chosen, tries_left_message,
    typed_code,
};
use super::password::{CheckAnswer, Checklist, check_answer, checklist, made, not_changed};
use super::{
    AppState, Laptop, Site, WebError, account_of, audit, client_address, laptop, notify,
    off_campus_warning, page, render, session_cookie, throttle,
};
use crate::accounts::finish_reset;
use crate::captcha::normalize_answer;
use crate::notify::Notice;
use crate::secrets::{random_token, same, token_id};
use crate::store::{ResetSession, Step, StoredChallenge};

const COOKIE: &str = "latchkey_reset";
const CAPTCHA_PURPOSE: &str = "captcha";

/// The session a request names, by its cookie (the portal) or its bearer
/// token (the API), if it exists and has not expired. A form must also
/// carry the session's CSRF token ([`form_session`]); the API takes the
/// bearer token alone, which a browser never sends on its own.
pub(crate) async fn current_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<ResetSession>, WebError> {
    let Some(token) =
        super::session_token(state, headers, COOKIE).or_else(|| super::bearer(headers))
    else {
        return Ok(None);
    };
    session_by_id(state, &token_id(&token)).await
}

pub(super) async fn session_by_id(
    state: &AppState,
    id: &str,
) -> Result<Option<ResetSession>, WebError> {
    Ok(state.store.reset_session(id, state.clock.now()).await?)
}

/// The session a form belongs to: it must exist, and the form must carry
/// its CSRF token.
async fn form_session(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
) -> Result<ResetSession, WebError> {
    match current_session(state, headers).await? {
        Some(session) if same(&session.csrf, csrf) => Ok(session),
        _ => Err(WebError::Expired),
    }
}

fn back_to_flow() -> Response {
    Redirect::to("/reset").into_response()
}

/// What a step did with what was sent. The portal and the API each answer
/// from it: the portal with a redirect or the page again, the API with the
/// reset's state.
pub(crate) enum Outcome {
    /// The reset moved on, or stayed where the step left it: show its step now.
    Moved,
    /// The reset moved on under a new token (the code was right): the
    /// client must hold this one from now on; the old one opens nothing.
    Renewed(String),
    /// Sent for another step than the session's: nothing changed.
    OtherStep,
    /// Not done: the step as it is now, with why.
    Again {
        error: Option<String>,
        violations: Vec<Violation>,
    },
}

fn again(error: impl Into<String>) -> Outcome {
    Outcome::Again {
        error: Some(error.into()),
        violations: Vec::new(),
    }
}

/// The portal's answer to a form: back to `/reset` when the step went
/// through, or the step's page again with why.
async fn answer_form(
    state: &AppState,
    parts: &Parts,
    session_id: &str,
    outcome: Outcome,
) -> Result<Response, WebError> {
    match outcome {
        Outcome::Moved | Outcome::OtherStep => Ok(back_to_flow()),
        Outcome::Renewed(token) => with_cookie(state, back_to_flow(), &token),
        Outcome::Again { error, violations } => {
            let session = session_by_id(state, session_id)
                .await?
                .ok_or(WebError::Expired)?;
            show_step(state, parts, &session, error, violations).await
        }
    }
}

// ---- GET /reset: the current step's page -------------------------------------------------

pub async fn reset_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        match current_session(&state, &parts.headers).await? {
            // A finished reset is over: coming back here begins a new one.
            Some(session) if session.step != Step::Done => {
                show_step(&state, &parts, &session, None, Vec::new()).await
            }
            _ => match off_campus_warning(&state, &parts) {
                Some(warning) => Ok(warning),
                None => start(&state, &parts).await,
            },
        }
    }
    .await;
    page(&state, result)
}

/// `POST /reset/start`: leave the current reset (finished or not) and begin
/// a new one. The form carries the current session's token, so another site
/// cannot abandon someone's reset for them.
pub async fn start_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        if current_session(&state, &parts.headers).await?.is_some() {
            form_session(&state, &parts.headers, &form.csrf).await?;
        }
        start(&state, &parts).await
    }
    .await;
    page(&state, result)
}

/// A new session: its cookie, and the identify page.
async fn start(state: &AppState, parts: &Parts) -> Result<Response, WebError> {
    let (token, session) = new_session(state, parts).await?;
    let response = show_step(state, parts, &session, None, Vec::new()).await?;
    with_cookie(state, response, &token)
}

/// `response` with the cookie that names the reset `token` names, for the
/// reset's whole lifetime.
fn with_cookie(
    state: &AppState,
    mut response: Response,
    token: &str,
) -> Result<Response, WebError> {
    let lifetime = state.server.reset_minutes * 60;
    let value = session_cookie(state, COOKIE, token, "/reset", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
}

/// A new reset at its first step, and the token that names it (kept by
/// the client; only its hash is stored).
pub(crate) async fn new_session(
    state: &AppState,
    parts: &Parts,
) -> Result<(String, ResetSession), WebError> {
    let (token, csrf) = (random_token(), random_token());
    let id = token_id(&token);
    let now = state.clock.now();
    let lifetime = state.server.reset_minutes * 60;
    let address = client_address(state, parts);
    // Every new reset is a row: one address cannot fill the database.
    let limit = state.throttle.resets_per_address;
    throttle(state, &format!("reset:address:{address}"), 600, limit).await?;
    state
        .store
        .create_reset_session(&id, &csrf, &address, now, now + lifetime)
        .await?;
    let session = ResetSession {
        id,
        csrf,
        step: Step::Identify,
        account_id: None,
        method: None,
        code_expires_at: None,
        code_tries: 0,
        expires_at: now + lifetime,
    };
    Ok((token, session))
}

/// `GET /reset/link/{token}`: a one-time link the help desk sent. Used once,
/// while live; it opens a reset at the new-password step for its account.
/// A used, expired or unknown link gets the expired page.
pub async fn link_get(
    State(state): State<AppState>,
    parts: Parts,
    axum::extract::Path(token): axum::extract::Path<String>,
) -> Response {
    let result = async {
        let now = state.clock.now();
        let Some(account_id) = state.store.take_reset_link(&token_id(&token), now).await? else {
            audit(&state, &parts, "reset.link_refused", None).await?;
            return Err(WebError::LinkSpent);
        };
        let (session_token, csrf) = (random_token(), random_token());
        let lifetime = state.server.reset_minutes * 60;
        let address = client_address(&state, &parts);
        state
            .store
            .create_linked_reset_session(
                &token_id(&session_token),
                &csrf,
                &address,
                account_id,
                now,
                now + lifetime,
            )
            .await?;
        audit(&state, &parts, "reset.link_used", Some(account_id)).await?;
        with_cookie(&state, back_to_flow(), &session_token)
    }
    .await;
    page(&state, result)
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
}

#[derive(Template)]
#[template(path = "reset/captcha.html")]
struct CaptchaPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    /// Changes with each challenge so the browser does not show a cached image.
    nonce: String,
}

#[derive(Template)]
#[template(path = "reset/method.html")]
struct MethodPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    options: Vec<MethodOption>,
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
}

#[derive(Template)]
#[template(path = "reset/password.html")]
struct PasswordPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    violations: Vec<Violation>,
    checklist: Checklist,
}

#[derive(Template)]
#[template(path = "reset/done.html")]
struct DonePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    laptop: Laptop<'a>,
}

#[derive(Template)]
#[template(path = "reset/help.html")]
struct HelpPage<'a> {
    site: &'a Site,
    csrf: &'a str,
}

/// The page for the step `session` is at, with an error from the last try.
async fn show_step(
    state: &AppState,
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
        Step::Identify => render(&IdentifyPage { site, csrf, error }, status),
        Step::Captcha => render(
            &CaptchaPage {
                site,
                csrf,
                error,
                nonce: random_token()[..8].to_owned(),
            },
            status,
        ),
        Step::Method => {
            let account = account_of(state, session.account_id).await?;
            render(
                &MethodPage {
                    site,
                    csrf,
                    error,
                    options: method_options(state, &account).await?,
                },
                status,
            )
        }
        Step::Code => {
            let account = account_of(state, session.account_id).await?;
            let method = session.method.as_deref().unwrap_or("sms");
            let sent_to = code_from(method, &account, state.server.code_minutes);
            render(
                &CodePage {
                    site,
                    csrf,
                    error,
                    sent_to,
                    spent: session.code_tries >= state.server.code_tries,
                },
                status,
            )
        }
        Step::Password => {
            let checklist = checklist(&state.policy, &violations);
            render(
                &PasswordPage {
                    site,
                    csrf,
                    error,
                    violations,
                    checklist,
                },
                status,
            )
        }
        Step::Done => render(
            &DonePage {
                site,
                csrf,
                laptop: laptop(state, parts),
            },
            status,
        ),
        Step::Help => render(&HelpPage { site, csrf }, status),
        Step::Paused => {
            let account = account_of(state, session.account_id).await?;
            let until = account.locked_until.unwrap_or_else(|| state.clock.now());
            render(
                &PausedPage {
                    site,
                    csrf,
                    until: crate::notify::format_time(until),
                },
                status,
            )
        }
    })
}

// ---- The steps, shared by the portal and the API ------------------------------------------

/// Step 1. Known or not, the next step is the same CAPTCHA: whether an
/// account exists is never told here.
pub(crate) async fn identify(
    state: &AppState,
    parts: &Parts,
    session: &ResetSession,
    identifier: &str,
) -> Result<Outcome, WebError> {
    if session.step != Step::Identify {
        return Ok(Outcome::OtherStep);
    }
    let identifier = identifier.trim();
    let readable = !identifier.chars().any(char::is_control);
    if identifier.is_empty() || identifier.chars().count() > 254 || !readable {
        return Ok(again("Type your university email address or username."));
    }
    let address = client_address(state, parts);
    throttle(
        state,
        &format!("start:address:{address}"),
        600,
        state.throttle.starts_per_address,
    )
    .await?;
    let account = state.store.find_account(identifier).await?;
    let challenge = fresh_challenge(state)?;
    let account_id = account.as_ref().map(|a| a.id);
    state
        .store
        .set_reset_identity(&session.id, account_id, &challenge.stored())
        .await?;
    audit(state, parts, "reset.started", account_id).await?;
    state.metrics.reset("started");
    Ok(Outcome::Moved)
}

/// Step 2. One answer per challenge: right or wrong, this challenge is used up.
pub(crate) async fn answer_captcha(
    state: &AppState,
    parts: &Parts,
    session: &ResetSession,
    answer: &str,
) -> Result<Outcome, WebError> {
    if session.step != Step::Captcha {
        return Ok(Outcome::OtherStep);
    }
    let expected = state.store.take_captcha(&session.id).await?;
    let right = expected.is_some_and(|tag| {
        state
            .key
            .verify(CAPTCHA_PURPOSE, &normalize_answer(answer), &tag)
    });
    if !right {
        next_challenge(state, parts, session, "reset.captcha_failed").await?;
        return Ok(again(
            "Those characters did not match. Here is a new set; try again.",
        ));
    }
    // Unknown, without a method, or with online reset locked: one answer,
    // after the same two queries (id 0 is never an account's), so that
    // neither the page nor its time tells them apart.
    let id = session.account_id.unwrap_or(0);
    let account = state.store.account_by_id(id).await?;
    let methods = state.store.methods(id).await?;
    let has_method = match &account {
        Some(account) if !codes_paused(account, state.clock.now()) => {
            has_a_method(account, &methods)
        }
        _ => false,
    };
    let next = if has_method { Step::Method } else { Step::Help };
    state
        .store
        .advance_reset(&session.id, Step::Captcha, next)
        .await?;
    let action = if next == Step::Help {
        "reset.no_method"
    } else {
        "reset.captcha_passed"
    };
    audit(state, parts, action, session.account_id).await?;
    if next == Step::Help {
        state.metrics.reset("no_method");
    }
    // With the authenticator app as the only way there is nothing to
    // choose and nothing to send: straight to its code.
    if has_method && account.is_some_and(|a| a.phone.is_none()) {
        let at_method = ResetSession {
            step: Step::Method,
            ..session.clone()
        };
        return choose_method(state, parts, &at_method, "totp").await;
    }
    Ok(Outcome::Moved)
}

/// Step 2 again with another image: for one that cannot be read. Each new
/// challenge counts as a failed answer from the address, so fetching
/// images until an easy one comes costs what guessing does.
pub(crate) async fn new_captcha(
    state: &AppState,
    parts: &Parts,
    session: &ResetSession,
) -> Result<Outcome, WebError> {
    if session.step != Step::Captcha {
        return Ok(Outcome::OtherStep);
    }
    next_challenge(state, parts, session, "reset.captcha_renewed").await?;
    Ok(Outcome::Moved)
}

/// A new challenge in place of the session's, after a wrong answer or on
/// request: counted against the address either way, and audited as `action`.
async fn next_challenge(
    state: &AppState,
    parts: &Parts,
    session: &ResetSession,
    action: &str,
) -> Result<(), WebError> {
    let address = client_address(state, parts);
    let limit = state.throttle.captcha_failures_per_address;
    throttle(state, &format!("captcha:address:{address}"), 600, limit).await?;
    let challenge = fresh_challenge(state)?;
    state
        .store
        .set_captcha(&session.id, &challenge.stored())
        .await?;
    audit(state, parts, action, session.account_id).await?;
    Ok(())
}

/// Step 3: send a fresh code by the chosen method.
pub(crate) async fn choose_method(
    state: &AppState,
    parts: &Parts,
    session: &ResetSession,
    method: &str,
) -> Result<Outcome, WebError> {
    if session.step != Step::Method {
        return Ok(Outcome::OtherStep);
    }
    let account = account_of(state, session.account_id).await?;
    if codes_paused(&account, state.clock.now()) {
        state
            .store
            .advance_reset(&session.id, Step::Method, Step::Paused)
            .await?;
        return Ok(Outcome::Moved);
    }
    let now = state.clock.now();
    let expires = now + state.server.code_minutes * 60;
    let chosen = match send_chosen(state, parts, &account, method, "reset").await? {
        Ok(chosen) => chosen,
        Err(why) => return Ok(again(why)),
    };
    state
        .store
        .set_reset_code(&session.id, chosen.method, chosen.tag.as_deref(), expires)
        .await?;
    if chosen.tag.is_none() {
        audit(state, parts, "reset.method.totp", Some(account.id)).await?;
    }
    Ok(Outcome::Moved)
}

/// From the code step back to choosing a method (no code arrived).
pub(crate) async fn methods_again(
    state: &AppState,
    session: &ResetSession,
) -> Result<Outcome, WebError> {
    let moved = state
        .store
        .advance_reset(&session.id, Step::Code, Step::Method)
        .await?;
    Ok(if moved {
        Outcome::Moved
    } else {
        Outcome::OtherStep
    })
}

/// Step 4. Each try counts; after `code_tries` wrong ones, or past its
/// lifetime, the code is void and a new one must be sent.
pub(crate) async fn check_code(
    state: &AppState,
    parts: &Parts,
    session: &ResetSession,
    typed: &str,
) -> Result<Outcome, WebError> {
    if session.step != Step::Code {
        return Ok(Outcome::OtherStep);
    }
    let code = typed_code(typed);
    let max = state.server.code_tries;
    let now = state.clock.now();
    let Some(attempt) = state.store.try_reset_code(&session.id, max, now).await? else {
        state
            .store
            .advance_reset(&session.id, Step::Code, Step::Method)
            .await?;
        audit(state, parts, "reset.code_void", session.account_id).await?;
        return Ok(again(
            "That code can no longer be used: it expired or was tried too many times. Send a new one.",
        ));
    };
    let verdict = match &attempt.code_hash {
        Some(tag) => state
            .key
            .verify(CODE_PURPOSE, &code, tag)
            .then_some(CodeVerdict::Right),
        None => {
            let account_id = session.account_id.ok_or(WebError::Expired)?;
            authenticator_verdict(state, account_id, &code).await?
        }
    };
    if verdict == Some(CodeVerdict::Replayed) {
        audit(state, parts, "reset.totp_replayed", session.account_id).await?;
        return Ok(again(
            "That code was used already. Wait for your app to show the next one, then type it.",
        ));
    }
    if verdict.is_none() {
        audit(state, parts, "reset.code_wrong", session.account_id).await?;
        let counted = match session.account_id {
            Some(account_id) => Some((account_id, count_wrong_code(state, account_id).await?)),
            None => None,
        };
        if let Some((account_id, WrongCode::Locked)) = counted {
            state
                .store
                .advance_reset(&session.id, Step::Code, Step::Paused)
                .await?;
            audit(state, parts, "reset.locked", Some(account_id)).await?;
            state.metrics.reset("locked");
            return Ok(Outcome::Moved);
        }
        let for_this_code = max - session.code_tries - 1;
        let left = counted.map_or(for_this_code, |(_, wrong)| wrong.tries_left(for_this_code));
        return Ok(again(tries_left_message(left)));
    }
    let token = random_token();
    let renamed = state
        .store
        .accept_reset_code(&session.id, &token_id(&token))
        .await?;
    if !renamed {
        // Another request took this code first; it holds the new token.
        return Ok(Outcome::Moved);
    }
    audit(state, parts, "reset.code_verified", session.account_id).await?;
    Ok(Outcome::Renewed(token))
}

/// Step 5: the policy, the history, the change in one transaction.
pub(crate) async fn set_password(
    state: &AppState,
    parts: &Parts,
    session: &ResetSession,
    password: &str,
    confirm: &str,
) -> Result<Outcome, WebError> {
    if session.step != Step::Password {
        return Ok(Outcome::OtherStep);
    }
    if password != confirm {
        return Ok(again(
            "The two passwords are not the same. Type them again.",
        ));
    }
    let account = account_of(state, session.account_id).await?;
    let now = state.clock.now();
    let changed = finish_reset(&state.passwords(), &account, password, now, &session.id).await;
    if let Err(e) = made(changed) {
        let refused = not_changed(e)?;
        let action = format!("reset.password_refused:{}", refused.rules);
        audit(state, parts, &action, Some(account.id)).await?;
        for rule in refused.rules.split(',') {
            state.metrics.reset(&format!("refused:{rule}"));
        }
        return Ok(Outcome::Again {
            error: refused.error,
            violations: refused.violations,
        });
    }
    // Done with the change itself; this is for a change the directory took
    // and this store did not (yet), which the reconciler settles.
    state
        .store
        .advance_reset(&session.id, Step::Password, Step::Done)
        .await?;
    audit(state, parts, "reset.completed", Some(account.id)).await?;
    state.metrics.reset("completed");
    // Whoever was signed in with the old password is signed out.
    state.store.end_sessions_of(account.id, None).await?;
    notify(state, parts, &account, Notice::PasswordChanged, None).await?;
    Ok(Outcome::Moved)
}

/// The live checklist's answer for a password being typed at step 5, or
/// `None` when the reset is not at that step.
pub(crate) async fn check_password(
    state: &AppState,
    session: &ResetSession,
    password: &str,
    confirm: &str,
) -> Result<Option<CheckAnswer>, WebError> {
    if session.step != Step::Password {
        return Ok(None);
    }
    let account = account_of(state, session.account_id).await?;
    let person = account.person();
    Ok(Some(check_answer(
        &state.policy,
        password,
        confirm,
        &person,
    )))
}

// ---- The portal's forms ----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct IdentifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    identifier: String,
}

pub async fn identify_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<IdentifyForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let outcome = identify(&state, &parts, &session, &form.identifier).await?;
        answer_form(&state, &parts, &session.id, outcome).await
    }
    .await;
    page(&state, result)
}

pub async fn captcha_png_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        let Some(session) = current_session(&state, &parts.headers).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        Ok(match captcha_png(&state, &session).await? {
            Some(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        })
    }
    .await;
    page(&state, result)
}

/// The reset's current challenge as an image; `None` past the CAPTCHA.
pub(crate) async fn captcha_png(
    state: &AppState,
    session: &ResetSession,
) -> Result<Option<Vec<u8>>, WebError> {
    Ok(state.store.captcha_png(&session.id).await?)
}

/// The reset's current challenge read out, as WAV; `None` past the CAPTCHA.
pub(crate) async fn captcha_wav(
    state: &AppState,
    session: &ResetSession,
) -> Result<Option<Vec<u8>>, WebError> {
    let answer = state
        .store
        .captcha_sealed(&session.id)
        .await?
        .and_then(|sealed| state.key.open(CAPTCHA_PURPOSE, &sealed));
    let Some(answer) = answer.and_then(|a| String::from_utf8(a).ok()) else {
        return Ok(None);
    };
    let wav = tokio::task::spawn_blocking(move || crate::captcha::audio(&answer))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .ok_or_else(|| WebError::Internal("CAPTCHA audio".into()))?;
    Ok(Some(wav))
}

#[derive(Deserialize)]
pub struct CaptchaForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    answer: String,
}

pub async fn captcha_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CaptchaForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let outcome = answer_captcha(&state, &parts, &session, &form.answer).await?;
        answer_form(&state, &parts, &session.id, outcome).await
    }
    .await;
    page(&state, result)
}

#[derive(Deserialize)]
pub struct MethodForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    method: String,
}

pub async fn method_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<MethodForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let outcome = choose_method(&state, &parts, &session, &form.method).await?;
        answer_form(&state, &parts, &session.id, outcome).await
    }
    .await;
    page(&state, result)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn captcha_new_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let outcome = new_captcha(&state, &parts, &session).await?;
        answer_form(&state, &parts, &session.id, outcome).await
    }
    .await;
    page(&state, result)
}

pub async fn method_again_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let outcome = methods_again(&state, &session).await?;
        answer_form(&state, &parts, &session.id, outcome).await
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
}

pub async fn code_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let outcome = check_code(&state, &parts, &session, &form.code).await?;
        answer_form(&state, &parts, &session.id, outcome).await
    }
    .await;
    page(&state, result)
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
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<PasswordForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        let outcome = set_password(&state, &parts, &session, &form.password, &form.confirm).await?;
        match outcome {
            Outcome::Moved => Ok(Redirect::to("/reset/done").into_response()),
            outcome => answer_form(&state, &parts, &session.id, outcome).await,
        }
    }
    .await;
    page(&state, result)
}

/// `GET /reset/done`: the finished reset's page, for as long as its
/// session lasts; anything else goes back to `/reset`.
pub async fn done_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        match current_session(&state, &parts.headers).await? {
            Some(session) if session.step == Step::Done => {
                show_step(&state, &parts, &session, None, Vec::new()).await
            }
            _ => Ok(back_to_flow()),
        }
    }
    .await;
    page(&state, result)
}

/// A new challenge, ready to store: its answer hashed (to check) and sealed (to read out).
struct FreshChallenge {
    answer_hash: String,
    png: Vec<u8>,
    sealed_answer: String,
}

impl FreshChallenge {
    fn stored(&self) -> StoredChallenge<'_> {
        StoredChallenge {
            answer_hash: &self.answer_hash,
            png: &self.png,
            sealed_answer: &self.sealed_answer,
        }
    }
}

fn fresh_challenge(state: &AppState) -> Result<FreshChallenge, WebError> {
    let challenge = state
        .challenges
        .next_challenge()
        .ok_or_else(|| WebError::Internal("CAPTCHA image".into()))?;
    let answer = normalize_answer(&challenge.answer);
    Ok(FreshChallenge {
        answer_hash: state.key.tag(CAPTCHA_PURPOSE, &answer),
        png: challenge.png,
        sealed_answer: state
            .key
            .seal(CAPTCHA_PURPOSE, answer.as_bytes())
            .ok_or_else(|| WebError::Internal("sealing the CAPTCHA answer".into()))?,
    })
}

/// The current challenge read out: the non-visual alternative to the image.
pub async fn captcha_wav_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        let Some(session) = current_session(&state, &parts.headers).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        Ok(match captcha_wav(&state, &session).await? {
            Some(wav) => ([(header::CONTENT_TYPE, "audio/wav")], wav).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        })
    }
    .await;
    page(&state, result)
}

/// The live checklist's question: which rules does this password meet so
/// far? The same engine as the final verdict; `history` is left to the
/// submission (`met: null`), which is the only verdict that counts.
pub async fn password_check_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<PasswordForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        check_password(&state, &session, &form.password, &form.confirm)
            .await?
            .ok_or(WebError::Expired)
    }
    .await;
    match result {
        Ok(body) => axum::Json(body).into_response(),
        Err(_) => StatusCode::FORBIDDEN.into_response(),
    }
}
