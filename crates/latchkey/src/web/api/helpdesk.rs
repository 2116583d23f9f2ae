//! The help desk over the API: staff sign in with a password and, always,
//! an authenticator code; look an account up; verify the caller; then act.
//! The same checks and audit events as the console, through the same
//! dispatcher ([`act_on`]).

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiError, Body, PathOf, api_error, error_response};
use crate::directory::Lock;
use crate::domain::Core;
use crate::domain::helpdesk::{self, ActionInput, OnDuty};
use crate::model::account::{Account, mask_phone};
use crate::store::{StaffSession, Stage};
use crate::web::helpdesk::done_notice;
use crate::web::{WebError, bearer, caller};

pub(super) fn routes() -> Router<Core> {
    Router::new()
        .route("/api/v1/helpdesk/session", post(sign_in).delete(sign_out))
        .route("/api/v1/helpdesk/session/factor", post(factor))
        .route("/api/v1/helpdesk/accounts", get(search))
        .route("/api/v1/helpdesk/accounts/{id}", get(account))
        .route("/api/v1/helpdesk/accounts/{id}/{action}", post(action))
}

/// The staff session the bearer token names, whatever its stage.
pub(super) async fn session(state: &Core, parts: &Parts) -> Result<StaffSession, WebError> {
    let token = bearer(&parts.headers).ok_or(WebError::Expired)?;
    helpdesk::staff_session_named(state, &token)
        .await?
        .ok_or(WebError::Expired)
}

/// Signed in with both factors, and not disabled since; an agent or an
/// admin (a reader of reports: 403; a password change owed: 403 saying so).
pub(super) async fn signed_in(state: &Core, parts: &Parts) -> Result<OnDuty, WebError> {
    let session = session(state, parts).await?;
    helpdesk::on_duty(state, Some(session))
        .await
        .map_err(|e| match e {
            WebError::Forbidden | WebError::PasswordChangeOwed => e,
            _ => WebError::Expired,
        })
}

// ---- Signing in ---------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
pub(super) struct StaffCredentials {
    #[schema(min_length = 1)]
    username: String,
    #[schema(min_length = 1)]
    password: String,
}

/// A staff session that still owes the authenticator code.
#[derive(Serialize, ToSchema)]
pub(super) struct StaffStarted {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its hash is kept.
    token: String,
    stage: Stage,
}

/// Sign in with the password; the authenticator code comes next.
#[utoipa::path(post, path = "/api/v1/helpdesk/session", tag = "helpdesk",
    request_body = StaffCredentials,
    responses(
        (status = 201, body = StaffStarted),
        (status = 401, description = "Wrong, unknown or disabled: one answer (`refused`)", body = ApiError)))]
pub(super) async fn sign_in(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<StaffCredentials>,
) -> Response {
    let result = async {
        Ok::<_, WebError>(
            match helpdesk::staff_sign_in(
                &state,
                &caller(&state, &parts),
                &body.username,
                &body.password,
            )
            .await?
            {
                Ok(token) => {
                    let started = StaffStarted {
                        token,
                        stage: Stage::Factor,
                    };
                    (StatusCode::CREATED, Json(started)).into_response()
                }
                Err(message) => error_response(StatusCode::UNAUTHORIZED, "refused", &message),
            },
        )
    }
    .await;
    result.unwrap_or_else(api_error)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct AuthenticatorCode {
    code: String,
}

/// Who is on duty.
#[derive(Serialize, ToSchema)]
pub(super) struct OnDutyState {
    username: String,
    /// `agent` or `admin`.
    role: String,
    stage: Stage,
    /// The session's new token, from now on: the one the password step
    /// gave opens nothing any more.
    token: String,
}

/// The authenticator's code: the session is signed in. A code is never accepted twice.
#[utoipa::path(post, path = "/api/v1/helpdesk/session/factor", tag = "helpdesk",
    security(("staff_token" = [])), request_body = AuthenticatorCode,
    responses(
        (status = 200, body = OnDutyState),
        (status = 422, body = ApiError),
        (status = 429, description = "Too many tries: the session is ended", body = ApiError)))]
pub(super) async fn factor(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<AuthenticatorCode>,
) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        let token =
            match helpdesk::staff_factor(&state, &caller(&state, &parts), &session, &body.code)
                .await?
            {
                Ok(token) => token,
                Err(message) => {
                    return Ok(error_response(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "refused",
                        &message,
                    ));
                }
            };
        let renewed = helpdesk::staff_session_named(&state, &token).await?;
        // Any role: a reader of reports signs in here too.
        let on = helpdesk::present(&state, renewed)
            .await
            .map_err(|_| WebError::Expired)?;
        let body = OnDutyState {
            username: on.staff.username,
            role: on.staff.role.as_str().to_owned(),
            stage: on.session.stage,
            token,
        };
        Ok(Json(body).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Sign out: the token stops working.
#[utoipa::path(delete, path = "/api/v1/helpdesk/session", tag = "helpdesk",
    security(("staff_token" = [])),
    responses((status = 204), (status = 401, body = ApiError)))]
pub(super) async fn sign_out(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        helpdesk::staff_sign_out(&state, &caller(&state, &parts), &session).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

// ---- Accounts -----------------------------------------------------------------------------

/// An account as a search lists it.
#[derive(Serialize, ToSchema)]
pub(super) struct AccountSummary {
    id: i64,
    username: String,
    name: String,
    email: String,
    /// Masked.
    phone: Option<String>,
}

impl From<&Account> for AccountSummary {
    fn from(account: &Account) -> Self {
        AccountSummary {
            id: account.id,
            username: account.username.clone(),
            name: account.name.clone(),
            email: account.email.clone(),
            phone: account.phone.as_deref().map(mask_phone),
        }
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct SearchQuery {
    /// A username or email (or their start), or a phone number in any accepted form.
    #[serde(default)]
    q: String,
}

/// Find accounts (at most 25).
#[utoipa::path(get, path = "/api/v1/helpdesk/accounts", tag = "helpdesk",
    security(("staff_token" = [])), params(SearchQuery),
    responses((status = 200, body = Vec<AccountSummary>), (status = 401, body = ApiError)))]
pub(super) async fn search(
    State(state): State<Core>,
    parts: Parts,
    Query(query): Query<SearchQuery>,
) -> Response {
    let result = async {
        signed_in(&state, &parts).await?;
        let found = helpdesk::search(&state, &query.q).await?;
        let list: Vec<AccountSummary> = found.iter().map(AccountSummary::from).collect();
        Ok(Json(list).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// One event of the account's recent history.
#[derive(Serialize, ToSchema)]
pub(super) struct RecentEvent {
    /// Seconds since 1970.
    at: i64,
    actor: String,
    /// The action's code (`reset.code_wrong`), as exports and reports read it.
    action: String,
    /// What happened, in words, in the request's language.
    words: String,
    detail: String,
}

/// An account as the agent sees it.
#[derive(Serialize, ToSchema)]
pub(super) struct AccountView {
    #[serde(flatten)]
    summary: AccountSummary,
    authenticator: bool,
    /// Online reset is locked after too many wrong codes.
    reset_locked: bool,
    must_change_password: bool,
    /// Why: `helpdesk`, `expired`, `breached` or `policy`.
    #[schema(value_type = Option<String>)]
    must_change_reason: Option<crate::model::account::ChangeReason>,
    /// The caller was verified in this session in the last minutes: changes are open.
    caller_verified: bool,
    /// A new password is in the campus directory but not yet stored here (settled within minutes).
    directory_pending: bool,
    /// The campus directory account: `open`, `locked` (after wrong
    /// passwords: the help desk may unlock it once the caller is verified)
    /// or `disabled` (by a directory administrator); absent without a
    /// directory or when it could not be asked.
    directory_lock: Option<&'static str>,
    /// When a directory sync found the person gone (Unix seconds): no
    /// sign-in and no reset until the directory holds them again.
    left_directory_at: Option<i64>,
    /// The last 15 events, newest first.
    events: Vec<RecentEvent>,
}

async fn account_view(state: &Core, on: &OnDuty, id: i64) -> Result<AccountView, WebError> {
    let facts = helpdesk::account_facts(state, on, id).await?;
    let events = facts
        .events
        .into_iter()
        .map(|e| RecentEvent {
            at: e.at,
            actor: e.actor,
            words: crate::domain::audit_trail::told(crate::i18n::current().lang, &e.action),
            action: e.action,
            detail: e.detail,
        })
        .collect();
    Ok(AccountView {
        summary: AccountSummary::from(&facts.account),
        authenticator: facts.has_app,
        reset_locked: facts.locked,
        must_change_password: facts.account.must_change_password,
        must_change_reason: facts.account.must_change_reason,
        caller_verified: facts.verified,
        directory_pending: facts.pending_write.is_some(),
        directory_lock: facts.directory_lock.map(|lock| match lock {
            Lock::Open => "open",
            Lock::Locked => "locked",
            Lock::Disabled => "disabled",
        }),
        left_directory_at: facts.account.left_directory_at,
        events,
    })
}

/// An account, its methods masked, its lock state and recent events.
#[utoipa::path(get, path = "/api/v1/helpdesk/accounts/{id}", tag = "helpdesk",
    security(("staff_token" = [])), params(("id" = i64, Path)),
    responses(
        (status = 200, body = AccountView),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 404, description = "No such account", body = ApiError)))]
pub(super) async fn account(
    State(state): State<Core>,
    parts: Parts,
    PathOf(id): PathOf<i64>,
) -> Response {
    let result = async {
        let on = signed_in(&state, &parts).await?;
        Ok(Json(account_view(&state, &on, id).await?).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// What an action did.
#[derive(Serialize, ToSchema)]
pub(super) struct ActionDone {
    /// `verified`, `sent`, `phone`, `phone-removed`, `unlocked`, `directory-unlocked`, `link` or `must-change`.
    done: String,
    /// The console's words for it.
    notice: String,
    account: AccountView,
}

/// Act on an account: `send-code`, `check-code` or `record-check` verify
/// the caller; `phone`, `phone-remove`, `unlock` (online reset),
/// `directory-unlock` (the campus directory's lock after wrong passwords,
/// keeping the password), `reset-link` and `must-change` need a caller
/// verified in this session. Each is audited and told to the person.
#[utoipa::path(post, path = "/api/v1/helpdesk/accounts/{id}/{action}", tag = "helpdesk",
    security(("staff_token" = [])), request_body = ActionInput,
    params(("id" = i64, Path), ("action" = String, Path)),
    responses(
        (status = 200, body = ActionDone),
        (status = 404, description = "No such action", body = ApiError),
        (status = 422, description = "Refused, the caller not verified among the reasons", body = ApiError)))]
pub(super) async fn action(
    State(state): State<Core>,
    parts: Parts,
    PathOf((id, action)): PathOf<(i64, String)>,
    Body(input): Body<ActionInput>,
) -> Response {
    let result = async {
        let on = signed_in(&state, &parts).await?;
        let account = helpdesk::existing_account(&state, id).await?;
        let Some(outcome) = helpdesk::act_on(
            &state,
            &caller(&state, &parts),
            &on,
            &account,
            &action,
            &input,
        )
        .await?
        else {
            return Ok(error_response(
                StatusCode::NOT_FOUND,
                "no_such_action",
                "No such action.",
            ));
        };
        match outcome {
            Err(message) => Ok(error_response(
                StatusCode::UNPROCESSABLE_ENTITY,
                "refused",
                &message,
            )),
            Ok(done) => {
                // The session changed (a verified caller, a code in flight): read it again.
                let on = signed_in(&state, &parts).await?;
                let account = account_view(&state, &on, id).await?;
                let body = ActionDone {
                    done: done.to_owned(),
                    notice: done_notice(done, account.summary.phone.clone()).unwrap_or_default(),
                    account,
                };
                Ok(Json(body).into_response())
            }
        }
    }
    .await;
    result.unwrap_or_else(api_error)
}
