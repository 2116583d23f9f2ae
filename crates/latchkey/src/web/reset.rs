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
    CODE_PURPOSE, Choice, CodeVerdict, MethodOption, NotSent, authenticator_verdict, choose,
    code_from, codes_paused, count_wrong_code, has_a_method, method_options, send_code,
    tries_left_message, typed_code,
};
use super::password::{Checklist, check_answer, checklist, made, not_changed};
use super::{
    AppState, Laptop, WebError, account_of, audit, client_address, cookie, laptop, notify,
    off_campus_warning, page, render, session_cookie, throttle,
};
use crate::accounts::change_password;
use crate::captcha::normalize_answer;
use crate::config::HelpdeskConfig;
use crate::notify::Notice;
use crate::secrets::{random_token, same, token_id};
use crate::store::{ResetSession, Step, StoredChallenge};

const COOKIE: &str = "latchkey_reset";
const CAPTCHA_PURPOSE: &str = "captcha";

/// The session a request's cookie names, if it exists and has not expired.
async fn current_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<ResetSession>, WebError> {
    let Some(token) = cookie(headers, COOKIE) else {
        return Ok(None);
    };
    Ok(state
        .store
        .reset_session(&token_id(&token), state.clock.now())
        .await?)
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

// ---- GET /reset: the current step's page -------------------------------------------------

pub async fn reset_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        match current_session(&state, &parts.headers).await? {
            Some(session) => show_step(&state, &parts, &session, None, Vec::new()).await,
            None => match off_campus_warning(&state, &parts) {
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
    let (token, csrf) = (random_token(), random_token());
    let id = token_id(&token);
    let now = state.clock.now();
    let lifetime = state.server.reset_minutes * 60;
    let address = client_address(state, parts);
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
    let mut response = show_step(state, parts, &session, None, Vec::new()).await?;
    let value = session_cookie(state, COOKIE, &token, "/reset", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(response)
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
            return Err(WebError::Expired);
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
        let mut response = back_to_flow();
        let value = session_cookie(&state, COOKIE, &session_token, "/reset", lifetime)?;
        response.headers_mut().append(header::SET_COOKIE, value);
        Ok(response)
    }
    .await;
    page(&state, result)
}

#[derive(Template)]
#[template(path = "reset/identify.html")]
struct IdentifyPage<'a> {
    helpdesk: &'a HelpdeskConfig,
    csrf: &'a str,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "reset/captcha.html")]
struct CaptchaPage<'a> {
    helpdesk: &'a HelpdeskConfig,
    csrf: &'a str,
    error: Option<String>,
    /// Changes with each challenge so the browser does not show a cached image.
    nonce: String,
}

#[derive(Template)]
#[template(path = "reset/method.html")]
struct MethodPage<'a> {
    helpdesk: &'a HelpdeskConfig,
    csrf: &'a str,
    error: Option<String>,
    options: Vec<MethodOption>,
}

#[derive(Template)]
#[template(path = "reset/code.html")]
struct CodePage<'a> {
    helpdesk: &'a HelpdeskConfig,
    csrf: &'a str,
    error: Option<String>,
    sent_to: String,
    minutes: i64,
}

#[derive(Template)]
#[template(path = "reset/password.html")]
struct PasswordPage<'a> {
    helpdesk: &'a HelpdeskConfig,
    csrf: &'a str,
    error: Option<String>,
    violations: Vec<Violation>,
    checklist: Checklist,
}

#[derive(Template)]
#[template(path = "reset/done.html")]
struct DonePage<'a> {
    helpdesk: &'a HelpdeskConfig,
    csrf: &'a str,
    laptop: Laptop<'a>,
}

#[derive(Template)]
#[template(path = "reset/help.html")]
struct HelpPage<'a> {
    helpdesk: &'a HelpdeskConfig,
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
    let (helpdesk, csrf) = (&state.helpdesk, session.csrf.as_str());
    let status = if error.is_some() || !violations.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok(match session.step {
        Step::Identify => render(
            &IdentifyPage {
                helpdesk,
                csrf,
                error,
            },
            status,
        ),
        Step::Captcha => render(
            &CaptchaPage {
                helpdesk,
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
                    helpdesk,
                    csrf,
                    error,
                    options: method_options(state, &account).await?,
                },
                status,
            )
        }
        Step::Code => {
            let account = account_of(state, session.account_id).await?;
            let sent_to = code_from(session.method.as_deref().unwrap_or("sms"), &account);
            render(
                &CodePage {
                    helpdesk,
                    csrf,
                    error,
                    sent_to,
                    minutes: state.server.code_minutes,
                },
                status,
            )
        }
        Step::Password => {
            let checklist = checklist(&state.policy, &violations);
            render(
                &PasswordPage {
                    helpdesk,
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
                helpdesk,
                csrf,
                laptop: laptop(state, parts),
            },
            status,
        ),
        Step::Help => render(&HelpPage { helpdesk, csrf }, status),
    })
}

// ---- POST handlers ----------------------------------------------------------------------

#[derive(Deserialize)]
pub struct IdentifyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    identifier: String,
}

/// Step 1. Known or not, the next page is the same CAPTCHA: whether an
/// account exists is never told here.
pub async fn identify_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<IdentifyForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        if session.step != Step::Identify {
            return Ok(back_to_flow());
        }
        let identifier = form.identifier.trim();
        if identifier.is_empty() || identifier.len() > 254 {
            let error = Some("Type your university email address or username.".to_owned());
            return show_step(&state, &parts, &session, error, Vec::new()).await;
        }
        let address = client_address(&state, &parts);
        throttle(
            &state,
            &format!("start:address:{address}"),
            600,
            state.throttle.starts_per_address,
        )
        .await?;
        let account = state.store.find_account(identifier).await?;
        let challenge = fresh_challenge(&state)?;
        let account_id = account.as_ref().map(|a| a.id);
        state
            .store
            .set_reset_identity(&session.id, account_id, &challenge.stored())
            .await?;
        audit(&state, &parts, "reset.started", account_id).await?;
        state.metrics.reset("started");
        Ok(back_to_flow())
    }
    .await;
    page(&state, result)
}

pub async fn captcha_png_get(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        let Some(session) = current_session(&state, &parts.headers).await? else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        Ok(match state.store.captcha_png(&session.id).await? {
            Some(png) => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        })
    }
    .await;
    page(&state, result)
}

#[derive(Deserialize)]
pub struct CaptchaForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    answer: String,
}

/// Step 2. One answer per challenge: right or wrong, this challenge is used up.
pub async fn captcha_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CaptchaForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        if session.step != Step::Captcha {
            return Ok(back_to_flow());
        }
        let expected = state.store.take_captcha(&session.id).await?;
        let right = expected.is_some_and(|tag| {
            state
                .key
                .verify(CAPTCHA_PURPOSE, &normalize_answer(&form.answer), &tag)
        });
        if !right {
            let address = client_address(&state, &parts);
            let limit = state.throttle.captcha_failures_per_address;
            throttle(&state, &format!("captcha:address:{address}"), 600, limit).await?;
            let challenge = fresh_challenge(&state)?;
            state
                .store
                .set_captcha(&session.id, &challenge.stored())
                .await?;
            audit(&state, &parts, "reset.captcha_failed", session.account_id).await?;
            let error =
                Some("Those characters did not match. Here is a new set; try again.".to_owned());
            return show_step(&state, &parts, &session, error, Vec::new()).await;
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
        audit(&state, &parts, action, session.account_id).await?;
        if next == Step::Help {
            state.metrics.reset("no_method");
        }
        Ok(back_to_flow())
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

/// Step 3: send a fresh code by the chosen method.
pub async fn method_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<MethodForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        if session.step != Step::Method {
            return Ok(back_to_flow());
        }
        let account = account_of(&state, session.account_id).await?;
        if codes_paused(&account, state.clock.now()) {
            state
                .store
                .advance_reset(&session.id, Step::Method, Step::Help)
                .await?;
            return Ok(back_to_flow());
        }
        let now = state.clock.now();
        let expires = now + state.server.code_minutes * 60;
        let (channel, phone) = match choose(&state, &account, &form.method).await? {
            Choice::App => {
                state
                    .store
                    .set_reset_code(&session.id, "totp", None, expires)
                    .await?;
                audit(&state, &parts, "reset.method.totp", Some(account.id)).await?;
                return Ok(back_to_flow());
            }
            Choice::Send(channel, phone) => (channel, phone),
            Choice::NotListed => {
                let error = Some("Choose one of the ways listed.".to_owned());
                return show_step(&state, &parts, &session, error, Vec::new()).await;
            }
        };
        let tag = match send_code(&state, account.id, channel, phone).await? {
            Ok(tag) => tag,
            Err(why) => {
                if why == NotSent::Throttled {
                    audit(&state, &parts, "reset.send_throttled", Some(account.id)).await?;
                }
                return show_step(&state, &parts, &session, Some(why.message()), Vec::new()).await;
            }
        };
        state
            .store
            .set_reset_code(&session.id, channel.as_str(), Some(&tag), expires)
            .await?;
        audit(
            &state,
            &parts,
            &format!("reset.code_sent.{}", channel.as_str()),
            Some(account.id),
        )
        .await?;
        Ok(back_to_flow())
    }
    .await;
    page(&state, result)
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

/// From the code page back to choosing a method (no code arrived).
pub async fn method_again_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        state
            .store
            .advance_reset(&session.id, Step::Code, Step::Method)
            .await?;
        Ok(back_to_flow())
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

/// Step 4. Each try counts; after `code_tries` wrong ones, or past its
/// lifetime, the code is void and a new one must be sent.
pub async fn code_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<CodeForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        if session.step != Step::Code {
            return Ok(back_to_flow());
        }
        let code = typed_code(&form.code);
        let max = state.server.code_tries;
        let now = state.clock.now();
        let Some(attempt) = state.store.try_reset_code(&session.id, max, now).await? else {
            state.store.advance_reset(&session.id, Step::Code, Step::Method).await?;
            audit(&state, &parts, "reset.code_void", session.account_id).await?;
            let error = Some("That code can no longer be used: it expired or was tried too many times. Send a new one.".into());
            let session = ResetSession { step: Step::Method, ..session };
            return show_step(&state, &parts, &session, error, Vec::new()).await;
        };
        let verdict = match &attempt.code_hash {
            Some(tag) => state.key.verify(CODE_PURPOSE, &code, tag).then_some(CodeVerdict::Right),
            None => {
                let account_id = session.account_id.ok_or(WebError::Expired)?;
                authenticator_verdict(&state, account_id, &code).await?
            }
        };
        if verdict == Some(CodeVerdict::Replayed) {
            audit(&state, &parts, "reset.totp_replayed", session.account_id).await?;
            let error = Some("That code was used already. Wait for your app to show the next one, then type it.".to_owned());
            return show_step(&state, &parts, &session, error, Vec::new()).await;
        }
        if verdict.is_none() {
            audit(&state, &parts, "reset.code_wrong", session.account_id).await?;
            if let Some(account_id) = session.account_id
                && count_wrong_code(&state, account_id).await?
            {
                state.store.advance_reset(&session.id, Step::Code, Step::Help).await?;
                audit(&state, &parts, "reset.locked", Some(account_id)).await?;
                state.metrics.reset("locked");
                return Ok(back_to_flow());
            }
            let error = tries_left_message(max - session.code_tries - 1);
            return show_step(&state, &parts, &session, Some(error), Vec::new()).await;
        }
        if state.store.accept_reset_code(&session.id).await? {
            audit(&state, &parts, "reset.code_verified", session.account_id).await?;
        }
        Ok(back_to_flow())
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

/// Step 5: the policy, the history, the change in one transaction.
pub async fn password_post(
    State(state): State<AppState>,
    parts: Parts,
    Form(form): Form<PasswordForm>,
) -> Response {
    let result = async {
        let session = form_session(&state, &parts.headers, &form.csrf).await?;
        if session.step != Step::Password {
            return Ok(back_to_flow());
        }
        if form.password != form.confirm {
            let error = Some("The two passwords are not the same. Type them again.".to_owned());
            return show_step(&state, &parts, &session, error, Vec::new()).await;
        }
        let account = account_of(&state, session.account_id).await?;
        let now = state.clock.now();
        let changed = change_password(
            &state.passwords(),
            &account,
            &form.password,
            now,
            "self-service",
        )
        .await;
        if let Err(e) = made(changed) {
            let refused = not_changed(e)?;
            let action = format!("reset.password_refused:{}", refused.rules);
            audit(&state, &parts, &action, Some(account.id)).await?;
            for rule in refused.rules.split(',') {
                state.metrics.reset(&format!("refused:{rule}"));
            }
            return show_step(&state, &parts, &session, refused.error, refused.violations).await;
        }
        state
            .store
            .advance_reset(&session.id, Step::Password, Step::Done)
            .await?;
        audit(&state, &parts, "reset.completed", Some(account.id)).await?;
        state.metrics.reset("completed");
        // Whoever was signed in with the old password is signed out.
        state.store.end_sessions_of(account.id, None).await?;
        notify(&state, &parts, &account, Notice::PasswordChanged, None).await?;
        Ok(back_to_flow())
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
        let answer = state
            .store
            .captcha_sealed(&session.id)
            .await?
            .and_then(|sealed| state.key.open(CAPTCHA_PURPOSE, &sealed));
        let Some(answer) = answer.and_then(|a| String::from_utf8(a).ok()) else {
            return Ok(StatusCode::NOT_FOUND.into_response());
        };
        let wav = tokio::task::spawn_blocking(move || crate::captcha::audio(&answer))
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?
            .ok_or_else(|| WebError::Internal("CAPTCHA audio".into()))?;
        Ok(([(header::CONTENT_TYPE, "audio/wav")], wav).into_response())
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
        if session.step != Step::Password {
            return Err(WebError::Expired);
        }
        let account = account_of(&state, session.account_id).await?;
        let body = check_answer(
            &state.policy,
            &form.password,
            &form.confirm,
            &account.person(),
        );
        Ok(axum::Json(body).into_response())
    }
    .await;
    match result {
        Ok(response) => response,
        Err(_) => StatusCode::FORBIDDEN.into_response(),
    }
}
