//! Another email address over the API (`domain::person::email`): a code
//! mailed to it, typed back; removed.

use axum::Router;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::post;
use serde::Deserialize;
use utoipa::ToSchema;

use super::account::{Code, act};
use super::{ApiError, Body};
use crate::domain::{Core, person};
use crate::web::caller;

pub(super) fn routes() -> Router<Core> {
    Router::new()
        .route("/api/v1/account/email", post(start).delete(remove))
        .route("/api/v1/account/email/confirm", post(confirm))
}

#[derive(Deserialize, ToSchema)]
pub(super) struct OtherEmail {
    /// An address outside the university.
    #[schema(min_length = 3, max_length = 254)]
    email: String,
}

/// Register another address: a code is mailed to it (`pending_email`).
#[utoipa::path(post, path = "/api/v1/account/email", tag = "account",
    security(("session_token" = [])), request_body = OtherEmail,
    responses(
        (status = 200, body = super::account::AccountState),
        (status = 403, description = "`factor_required`", body = ApiError),
        (status = 422, description = "Not an address, or the university's", body = ApiError)))]
pub(super) async fn start(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<OtherEmail>,
) -> Response {
    act(&state, &parts, async |who| {
        person::start_alt_email(&state, &caller(&state, &parts), who, &body.email).await
    })
    .await
}

/// Type back the code mailed to the new address: it is registered.
#[utoipa::path(post, path = "/api/v1/account/email/confirm", tag = "account",
    security(("session_token" = [])), request_body = Code,
    responses((status = 200, body = super::account::AccountState), (status = 422, body = ApiError)))]
pub(super) async fn confirm(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Code>,
) -> Response {
    act(&state, &parts, async |who| {
        person::confirm_alt_email(&state, &caller(&state, &parts), who, &body.code).await
    })
    .await
}

/// Remove the other address (it is told one last time).
#[utoipa::path(delete, path = "/api/v1/account/email", tag = "account",
    security(("session_token" = [])),
    responses((status = 200, body = super::account::AccountState), (status = 422, body = ApiError)))]
pub(super) async fn remove(State(state): State<Core>, parts: Parts) -> Response {
    act(&state, &parts, async |who| {
        person::remove_alt_email(&state, &caller(&state, &parts), who).await
    })
    .await
}
