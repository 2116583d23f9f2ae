//! "This wasn't me" over the API: what a notice's link does, for a client
//! that shows the notice itself (a mobile app).

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiError, Body, api_error, error_response};
use crate::domain::report;
use crate::domain::{Core, Error};
use crate::web::caller;

pub(super) fn routes() -> Router<Core> {
    Router::new().route("/api/v1/report", post(report_not_me))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct ReportLink {
    /// The part of a notice's link after `/not-me/`.
    #[schema(min_length = 1, max_length = 200)]
    token: String,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Reported {
    /// The account whose online reset is now held.
    username: String,
    /// Online reset is held until the help desk lifts it.
    reset_held: bool,
    /// What to tell the person, in words.
    message: String,
}

/// Say a change a notice told of was not yours: online reset of the
/// account is held until the help desk lifts it, every session ends, and
/// the help desk is told. Each link works once, for 30 days.
#[utoipa::path(post, path = "/api/v1/report", tag = "account", request_body = ReportLink,
    responses(
        (status = 200, body = Reported),
        (status = 422, description = "No token, or far too long for one", body = ApiError),
        (status = 410, description = "Used already, too old, or not a link we sent", body = ApiError)))]
pub(super) async fn report_not_me(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<ReportLink>,
) -> Response {
    if body.token.is_empty() || body.token.len() > 200 {
        let why = "`token` is the part of a notice's link after /not-me/.";
        return error_response(StatusCode::UNPROCESSABLE_ENTITY, "bad_request", why);
    }
    match report::report(&state, &caller(&state, &parts), &body.token).await {
        Ok(account) => Json(Reported {
            username: account.username,
            reset_held: true,
            message: crate::i18n::say("report-done", &[]),
        })
        .into_response(),
        Err(Error::LinkSpent) => error_response(
            StatusCode::GONE,
            "link_spent",
            &crate::i18n::say("report-spent", &[("days", report::LINK_DAYS.to_string())]),
        ),
        Err(e) => api_error(e),
    }
}
