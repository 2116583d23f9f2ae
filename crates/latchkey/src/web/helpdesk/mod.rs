//! The help desk console (`/helpdesk`): staff sign in with a password and
//! an authenticator code, look an account up, verify the caller (a code to a
//! method the account has, or a recorded out-of-band check), and only then
//! act on it. Every step is an audit event naming the member of staff.

mod audit;
mod members;
mod own_password;
mod pass;
mod reports;
mod watch;
use crate::domain::code::CodesByOthers;
use crate::domain::limits::Limit;
use crate::notify::CodeUse;
pub use audit::*;
pub use members::*;
pub use own_password::*;
pub use pass::*;
pub use reports::*;

use crate::directory::Lock;
use crate::web::checked::{Checked, CsrfForm, FormSession, with_csrf};
use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::flash::{self, Flash};
use super::{Site, WebError, caller, render};
use crate::domain::helpdesk::{self, ActionInput, OnDuty};
use crate::domain::{Core, audit_trail};
#[allow(unused_imports)] // the templates' filters
pub(crate) use crate::i18n::filters;
use crate::i18n::{self, say};
use crate::model::account::{Account, display_phone, mask_phone};
use crate::model::audit::Action;
use crate::model::session::SessionKind;
use crate::secrets::{random_token, token_id};
use crate::store::{AuditEvent, PendingWrite, Role, Staff, StaffSession, Stage};

const COOKIE: &str = "latchkey_staff";

async fn current(state: &Core, parts: &Parts) -> Result<Option<StaffSession>, WebError> {
    match super::session_token(state, &parts.headers, COOKIE) {
        Some(token) => helpdesk::staff_session_named(state, &token).await,
        None => Ok(None),
    }
}

/// A console page for a member of staff on duty only: anyone else is sent
/// to the console's sign-in.
impl FromRequestParts<Core> for OnDuty {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Core) -> Result<Self, WebError> {
        helpdesk::on_duty(state, current(state, parts).await?).await
    }
}

impl FormSession for StaffSession {
    async fn current(state: &Core, parts: &Parts) -> Result<Option<Self>, WebError> {
        current(state, parts).await
    }

    fn csrf(&self) -> &str {
        &self.csrf
    }

    fn refused() -> WebError {
        WebError::NotOnDuty
    }
}

with_csrf!(SigninForm, CodeForm, ActionForm);

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
    /// What was typed, kept after a wrong try: only the password is retyped.
    username: &'a str,
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
    State(state): State<Core>,
    parts: Parts,
    Query(query): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let session = current(&state, &parts).await?;
    match session.as_ref().map(|s| s.stage) {
        None | Some(Stage::Signin) => anonymous(&state, session).await,
        Some(Stage::Factor) => {
            let flash = match &session {
                Some(session) => refusal(&state, session).await?,
                None => Flash::default(),
            };
            Ok(factor_page(&state, session.as_ref(), flash.error))
        }
        Some(Stage::Active) => {
            let on = helpdesk::signed_in(&state, session).await?;
            if on.staff.role == Role::Report {
                return Ok(to("/helpdesk/reports".into()));
            }
            search_page(&state, &on, query.q.trim()).await
        }
    }
}

async fn anonymous(state: &Core, session: Option<StaffSession>) -> Result<Response, WebError> {
    if let Some(session) = session {
        let flash = refusal(state, &session).await?;
        let status = match flash.error {
            Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
            None => StatusCode::OK,
        };
        return Ok(render(
            &SigninPage {
                site: &state.site,
                csrf: &session.csrf,
                error: flash.error,
                username: &flash.typed,
            },
            status,
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
            username: "",
        },
        StatusCode::OK,
    );
    set_cookie(state, &mut response, &token, lifetime)?;
    Ok(response)
}

/// How a refused form's answer names this session.
fn holder(session: &StaffSession) -> String {
    SessionKind::Staff.holder(&session.id)
}

/// What a refused form left for this session's page.
async fn refusal(state: &Core, session: &StaffSession) -> Result<Flash, WebError> {
    flash::take(state, &holder(session)).await
}

fn set_cookie(
    state: &Core,
    response: &mut Response,
    token: &str,
    lifetime: i64,
) -> Result<(), WebError> {
    let value = super::session_cookie(state, COOKIE, token, "/helpdesk", lifetime)?;
    response.headers_mut().append(header::SET_COOKIE, value);
    Ok(())
}

fn factor_page(state: &Core, session: Option<&StaffSession>, error: Option<String>) -> Response {
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

async fn search_page(state: &Core, on: &OnDuty, query: &str) -> Result<Response, WebError> {
    let results = if query.is_empty() {
        None
    } else {
        let found = helpdesk::search(state, query).await?;
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
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<StaffSession, SigninForm>,
) -> Result<Response, WebError> {
    match helpdesk::staff_sign_in(
        &state,
        &caller(&state, &parts),
        &form.username,
        &form.password,
    )
    .await?
    {
        Err(error) => {
            let flash = Flash::refused(Some(error), &[]).typed(form.username.trim());
            flash::refused(&state, &holder(&session), flash, "/helpdesk").await
        }
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

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

pub async fn factor_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<StaffSession, CodeForm>,
) -> Result<Response, WebError> {
    match helpdesk::staff_factor(&state, &caller(&state, &parts), &session, &form.code).await? {
        Err(error) => {
            let flash = Flash::refused(Some(error), &[]);
            flash::refused(&state, &holder(&session), flash, "/helpdesk").await
        }
        Ok(token) => {
            let mut response = to("/helpdesk".into());
            let lifetime = state.site.helpdesk.session_max_minutes * 60;
            set_cookie(&state, &mut response, &token, lifetime)?;
            Ok(response)
        }
    }
}

pub async fn signout_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, .. }: Checked<StaffSession, CsrfForm>,
) -> Result<Response, WebError> {
    helpdesk::staff_sign_out(&state, &caller(&state, &parts), &session).await?;
    let mut response = to("/helpdesk".into());
    set_cookie(&state, &mut response, "", 0)?;
    Ok(response)
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
    /// Online reset's state in words: open, paused until when, or not
    /// possible without a method.
    online_reset: String,
    verified: bool,
    /// The directory account's state in words, when there is a directory.
    directory: Option<String>,
    /// Locked by wrong passwords: the agent may unlock it.
    directory_locked: bool,
    /// When a sync found the person gone from the directory.
    left_directory: Option<String>,
    /// A change the directory took that this store has yet to take.
    pending_write: Option<PendingWrite>,
    /// Why a new password is required at the next sign-in, in words.
    must_change: Option<String>,
    /// Recovery codes left in the person's set.
    recovery_left: usize,
    /// The person's other address, masked.
    alt_email: Option<String>,
    passkeys: usize,
    /// Reset codes strangers had sent lately, and from where.
    codes_by_others: Option<String>,
    /// Since the last change: wrong passwords, devices, lock, unlock.
    watch: Option<String>,
    notice: Option<String>,
    error: Option<String>,
    /// The id of the field the error is about, if it is about one.
    error_field: &'static str,
    /// Each event: when, what in words, and the event.
    events: Vec<(String, String, AuditEvent)>,
    /// Each notice: when, how, and its state in words.
    deliveries: Vec<(String, String, String)>,
}

/// `unix` on the campus's clock, in the console's language.
fn staff_time(state: &Core, unix: i64) -> String {
    (state.site).clock_time(i18n::current().lang, unix, state.clock.now())
}

/// A queued notice's state, for the help desk.
fn delivery_state(state: &Core, row: &crate::store::Delivery) -> String {
    let tries = ("tries", row.attempts.to_string());
    match row.state.as_str() {
        "sent" => say("hd-delivered", &[]),
        "pending" => say(
            "hd-not-delivered",
            &[tries, ("next", staff_time(state, row.next_at))],
        ),
        _ => {
            let why = (row.last_error.clone()).unwrap_or_else(|| say("hd-no-reason", &[]));
            say("hd-never-delivered", &[tries, ("why", why)])
        }
    }
}

async fn account_page(
    state: &Core,
    on: &OnDuty,
    account_id: i64,
    done: Option<&str>,
    error: Option<(String, &'static str)>,
) -> Result<Response, WebError> {
    let facts = helpdesk::account_facts(state, on, account_id).await?;
    let shown = (facts.account.phone.as_deref()).map(display_phone);
    let notice = done.and_then(|done| done_notice(done, shown));
    let events = facts
        .events
        .into_iter()
        .map(|e| {
            let words = audit_trail::told(i18n::current().lang, &e.action);
            (staff_time(state, e.at), words, e)
        })
        .collect();
    let deliveries = (facts.deliveries.iter())
        .map(|row| {
            let how = match row.channel.as_str() {
                "email" => "hd-mail",
                "voice" => "hd-call",
                _ => "hd-text",
            };
            (
                staff_time(state, row.created_at),
                say(how, &[]),
                delivery_state(state, row),
            )
        })
        .collect();
    let account = &facts.account;
    let online_reset = match (account.locked_until, facts.locked) {
        _ if let Some(at) = account.reported_at => {
            say("hd-reported", &[("when", staff_time(state, at))])
        }
        (Some(until), true) => say("hd-reset-locked", &[("until", staff_time(state, until))]),
        _ if account.phone.is_none() && !facts.has_app => say("hd-reset-no-method", &[]),
        _ => say("hd-reset-open", &[]),
    };
    // The number in full once the caller is verified: the agent may have
    // just typed it, and must see what they typed.
    let phone = match facts.verified {
        true => account.phone.as_deref().map(display_phone),
        false => account.phone.as_deref().map(mask_phone),
    };
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
            phone,
            has_app: facts.has_app,
            locked: facts.locked,
            online_reset,
            verified: facts.verified,
            directory: facts.directory_lock.map(|lock| match lock {
                Lock::Open => say("hd-directory-open", &[]),
                Lock::Locked => say("hd-directory-locked", &[]),
                Lock::Disabled => say("hd-directory-disabled", &[]),
            }),
            directory_locked: facts.directory_lock == Some(Lock::Locked),
            left_directory: (facts.account.left_directory_at).map(|at| staff_time(state, at)),
            must_change: (facts.account.must_change_reason).map(|r| say(r.for_staff(), &[])),
            recovery_left: crate::domain::person::recovery_codes_left(state, account_id).await?,
            alt_email: (facts.account.alt_email.as_deref()).map(crate::model::account::mask_email),
            passkeys: state.store.passkeys(account_id).await?.len(),
            codes_by_others: codes_by_others(state, &facts.codes_by_others),
            watch: facts
                .watch
                .as_ref()
                .map(|watch| watch::timeline(state, watch)),
            pending_write: facts.pending_write,
            account: &facts.account,
            notice,
            error_field: error.as_ref().map_or("", |(_, field)| field),
            error: error.map(|(message, _)| message),
            events,
            deliveries,
        },
        status,
    ))
}

/// "4 codes … from 3 addresses: …", or nothing when none were asked.
fn codes_by_others(state: &Core, others: &CodesByOthers) -> Option<String> {
    let minutes = Limit::CodesSentPerSource(CodeUse::Reset)
        .bounds(&state.throttle)
        .1
        / 60;
    (others.sent > 0).then(|| {
        say(
            "hd-codes-by-others-told",
            &[
                ("count", others.sent.to_string()),
                ("minutes", minutes.to_string()),
                ("sources", others.sources.len().to_string()),
                ("list", others.sources.join(", ")),
            ],
        )
    })
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
}

pub async fn account_get(
    State(state): State<Core>,
    parts: Parts,
    Path(id): Path<i64>,
    Query(query): Query<NoticeQuery>,
) -> Result<Response, WebError> {
    let on = helpdesk::on_duty(&state, current(&state, &parts).await?).await?;
    let flash = refusal(&state, &on.session).await?;
    let error = (flash.error).map(|error| (error, field_named(&flash.field)));
    account_page(&state, &on, id, query.done.as_deref(), error).await
}

/// What the page says after each action (`phone`: the number now, as the
/// agent may see it).
pub(crate) fn done_notice(done: &str, phone: Option<String>) -> Option<String> {
    let id = match done {
        "verified" => "hd-done-verified",
        "sent" => "hd-done-sent",
        "phone" => "hd-done-phone",
        "phone-removed" => "hd-done-phone-removed",
        "unlocked" => "hd-done-unlocked",
        "directory-unlocked" => "hd-done-directory-unlocked",
        "link" => "hd-done-link",
        "must-change" => "hd-done-must-change",
        _ => return None,
    };
    Some(say(id, &[("phone", phone.unwrap_or_default())]))
}

/// The field of the account page an action's error is about: it is marked
/// invalid, described by the error and focused.
fn field_of(action: &str) -> &'static str {
    match action {
        "check-code" => "code",
        "record-check" => "note",
        "phone" => "phone",
        _ => "",
    }
}

/// The same field, as a refused form's answer named it.
fn field_named(field: &str) -> &'static str {
    ["code", "note", "phone"]
        .into_iter()
        .find(|known| *known == field)
        .unwrap_or("")
}

#[derive(Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    input: ActionInput,
}

/// `POST /helpdesk/accounts/{id}/{action}`: a signed-in member of staff and
/// the form's token, then [`act_on`].
pub async fn action_post(
    State(state): State<Core>,
    parts: Parts,
    Path((id, action)): Path<(i64, String)>,
    Checked { session, form }: Checked<StaffSession, ActionForm>,
) -> Result<Response, WebError> {
    let on = helpdesk::on_duty(&state, Some(session)).await?;
    let account = helpdesk::existing_account(&state, id).await?;
    let outcome = helpdesk::act_on(
        &state,
        &caller(&state, &parts),
        &on,
        &account,
        &action,
        &form.input,
    )
    .await?
    .ok_or(WebError::NotOnDuty)?;
    match outcome {
        Ok(done) => Ok(to(format!("/helpdesk/accounts/{id}?done={done}"))),
        Err(error) => {
            // Back to the account's page (post/redirect/get), the field marked.
            let flash = Flash::refused(Some(error), &[]).field(field_of(&action));
            let page = format!("/helpdesk/accounts/{id}");
            flash::refused(&state, &holder(&on.session), flash, &page).await
        }
    }
}

// ---- admin: staff and the audit trail ----------------------------------------------------------
