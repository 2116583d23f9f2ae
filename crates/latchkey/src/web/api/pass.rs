//! Temporary access passes over the API: an agent issues one for a
//! verified caller; the person signs in with it once (`domain::access_pass`).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::account::{SignedIn, account_state};
use super::{ApiError, Body, PathOf, api_error, error_response};
use crate::domain::{Core, access_pass, helpdesk};
use crate::web::account::session_named;
use crate::web::{WebError, caller};

pub(super) fn routes() -> Router<Core> {
    Router::new()
        .route("/api/v1/helpdesk/accounts/{id}/access-pass", post(issue))
        .route("/api/v1/session/pass", post(sign_in))
}

/// A pass, to read out to the caller once.
#[derive(Serialize, ToSchema)]
pub(super) struct AccessPass {
    /// Four groups of four hex digits; dashes, spaces and case do not count.
    pass: String,
    /// When it stops working, in seconds since 1970.
    expires_at: i64,
}

/// Issue a temporary access pass for a caller verified in this session, in
/// place of any the account had: it signs the person in once, so they can
/// register new ways. Audited; the person is told.
#[utoipa::path(post, path = "/api/v1/helpdesk/accounts/{id}/access-pass", tag = "helpdesk",
    security(("staff_token" = [])),
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = AccessPass),
        (status = 422, description = "The caller is not verified in this session", body = ApiError)))]
pub(super) async fn issue(
    State(state): State<Core>,
    parts: Parts,
    PathOf(id): PathOf<i64>,
) -> Response {
    let result = async {
        let on = super::helpdesk::signed_in(&state, &parts).await?;
        let account = helpdesk::existing_account(&state, id).await?;
        let caller = caller(&state, &parts);
        Ok::<_, WebError>(
            match access_pass::issue(&state, &caller, &on, account.id).await? {
                Ok(issued) => Json(AccessPass {
                    pass: issued.pass,
                    expires_at: issued.expires_at,
                })
                .into_response(),
                Err(message) => {
                    error_response(StatusCode::UNPROCESSABLE_ENTITY, "refused", &message)
                }
            },
        )
    }
    .await;
    result.unwrap_or_else(api_error)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct PassCredentials {
    /// The university email address or username.
    #[schema(min_length = 1, max_length = 254)]
    identifier: String,
    /// The pass the help desk read out.
    #[schema(min_length = 1, max_length = 40)]
    pass: String,
}

/// Sign in with a temporary access pass: a session whose second factor is
/// proven (fresh), so new ways may be registered at once. The pass is spent.
#[utoipa::path(post, path = "/api/v1/session/pass", tag = "account", request_body = PassCredentials,
    responses(
        (status = 201, body = SignedIn),
        (status = 401, description = "Wrong, used or expired pass, or no such account (one answer)", body = ApiError),
        (status = 429, body = ApiError)))]
pub(super) async fn sign_in(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<PassCredentials>,
) -> Response {
    let result = async {
        let caller = caller(&state, &parts);
        match access_pass::sign_in(&state, &caller, &body.identifier, &body.pass).await? {
            Err(message) => Ok(error_response(
                StatusCode::UNAUTHORIZED,
                "refused",
                &message,
            )),
            Ok(token) => {
                let session = session_named(&state, &token)
                    .await?
                    .ok_or(WebError::Expired)?;
                let account = account_state(&state, &parts, session).await?;
                let body = SignedIn { token, account };
                Ok::<_, WebError>((StatusCode::CREATED, Json(body)).into_response())
            }
        }
    }
    .await;
    result.unwrap_or_else(api_error)
}
