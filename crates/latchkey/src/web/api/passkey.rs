//! Passkeys over the API: a WebAuthn ceremony is two calls, its options
//! (`…/options`, the JSON `navigator.credentials` takes once its base64url
//! fields are bytes) and the credential the client's authenticator made
//! (the JSON WebAuthn Level 3 `toJSON()` gives). `domain::passkey` rules.

use axum::Router;
use axum::extract::State;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{delete, post};
use serde::Deserialize;
use utoipa::ToSchema;

use super::account::{act, factor_required, factor_step, session};
use super::{Body, PathOf, api_error};
use crate::domain::reset;
use crate::domain::{Core, passkey, person};
use crate::store::Stage;
use crate::web::passkey::options_answer;
use crate::web::{WebError, caller};

pub(super) fn routes() -> Router<Core> {
    Router::new()
        .route("/api/v1/account/passkey/options", post(register_options))
        .route("/api/v1/account/passkey", post(register))
        .route("/api/v1/account/passkey/{id}", delete(remove))
        .route(
            "/api/v1/account/factor/passkey/options",
            post(factor_options),
        )
        .route("/api/v1/account/factor/passkey", post(factor))
        .route("/api/v1/reset/passkey/options", post(reset_options))
        .route("/api/v1/session/passkey/options", post(sign_in_options))
        .route("/api/v1/session/passkey", post(sign_in))
}

/// A credential the client's authenticator made or signed.
#[derive(Deserialize, ToSchema)]
pub(super) struct Credential {
    #[schema(value_type = Object)]
    credential: serde_json::Value,
}

impl Credential {
    pub(super) fn credential(&self) -> &serde_json::Value {
        &self.credential
    }
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewPasskey {
    /// What the person calls it (1 to 60 characters).
    #[schema(min_length = 1, max_length = 60)]
    name: String,
    #[schema(value_type = Object)]
    credential: serde_json::Value,
}

/// The options to register a passkey with (a fresh second factor first).
#[utoipa::path(post, path = "/api/v1/account/passkey/options", tag = "account",
    security(("session_token" = [])),
    responses(
        (status = 200, description = "WebAuthn creation options (`publicKey`)", body = Object),
        (status = 403, description = "A second factor first", body = super::ApiError),
        (status = 404, description = "Passkeys do not work at this address")))]
pub(super) async fn register_options(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        if session.stage != Stage::Active {
            return Ok(factor_required());
        }
        let who = person::signed_in(&state, Some(session)).await?;
        Ok::<_, WebError>(match passkey::start_registration(&state, &who).await? {
            Ok(options) => options_answer(Some(options)),
            Err(person::Outcome::VerifyFirst(_)) => factor_required(),
            Err(_) => options_answer(None::<()>),
        })
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Keep the passkey the client made with the options; the person is told.
#[utoipa::path(post, path = "/api/v1/account/passkey", tag = "account",
    security(("session_token" = [])), request_body = NewPasskey,
    responses(
        (status = 200, body = super::account::AccountState),
        (status = 422, description = "The credential did not hold, or no name", body = super::ApiError)))]
pub(super) async fn register(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<NewPasskey>,
) -> Response {
    let credential = body.credential.to_string();
    act(&state, &parts, async |who| {
        let caller = caller(&state, &parts);
        passkey::finish_registration(&state, &caller, who, &body.name, &credential).await
    })
    .await
}

/// Remove one of the person's passkeys (a fresh second factor first).
#[utoipa::path(delete, path = "/api/v1/account/passkey/{id}", tag = "account",
    security(("session_token" = [])), params(("id" = i64, Path)),
    responses(
        (status = 200, body = super::account::AccountState),
        (status = 422, description = "No such passkey", body = super::ApiError)))]
pub(super) async fn remove(
    State(state): State<Core>,
    parts: Parts,
    PathOf(id): PathOf<i64>,
) -> Response {
    act(&state, &parts, async |who| {
        passkey::remove(&state, &caller(&state, &parts), who, id).await
    })
    .await
}

/// The options to prove the second factor with a passkey.
#[utoipa::path(post, path = "/api/v1/account/factor/passkey/options", tag = "account",
    security(("session_token" = [])),
    responses(
        (status = 200, description = "WebAuthn request options (`publicKey`)", body = Object),
        (status = 404, description = "No passkey to prove it with")))]
pub(super) async fn factor_options(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        Ok::<_, WebError>(options_answer(
            passkey::start_sign_in_proof(&state, &session).await?,
        ))
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Prove the second factor with the passkey's answer: the session is
/// active under a new `token`.
#[utoipa::path(post, path = "/api/v1/account/factor/passkey", tag = "account",
    security(("session_token" = [])), request_body = Credential,
    responses(
        (status = 200, body = super::account::AccountState),
        (status = 422, description = "The answer did not hold", body = super::ApiError)))]
pub(super) async fn factor(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Credential>,
) -> Response {
    let credential = body.credential.to_string();
    factor_step(&state, &parts, async |s| {
        passkey::prove_sign_in(&state, &caller(&state, &parts), s, &credential).await
    })
    .await
}

/// At `method`: the options to prove the reset with a passkey (then
/// `POST /api/v1/reset/passkey`).
#[utoipa::path(post, path = "/api/v1/reset/passkey/options", tag = "reset",
    security(("reset_token" = [])),
    responses(
        (status = 200, description = "WebAuthn request options (`publicKey`)", body = Object),
        (status = 404, description = "Not at `method`, or no passkey")))]
pub(super) async fn reset_options(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = super::reset::session(&state, &parts).await?;
        Ok::<_, WebError>(options_answer(
            reset::start_passkey(&state, &session).await?,
        ))
    }
    .await;
    result.unwrap_or_else(api_error)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct PasskeyUser {
    /// The university email address or username.
    #[schema(min_length = 1, max_length = 254)]
    identifier: String,
}

/// A sign-in ceremony begun: its name, to send back with the answer, and
/// the options for the authenticator.
#[derive(serde::Serialize, ToSchema)]
pub(super) struct PasskeyCeremony {
    ceremony: String,
    #[schema(value_type = Object)]
    options: serde_json::Value,
}

#[derive(Deserialize, ToSchema)]
pub(super) struct PasskeySignIn {
    /// The `ceremony` the options came with.
    #[schema(min_length = 1, max_length = 100)]
    ceremony: String,
    #[schema(value_type = Object)]
    credential: serde_json::Value,
}

fn ceremony_holder(ceremony: &str) -> String {
    format!("api-signin:{}", crate::secrets::token_id(ceremony))
}

/// Begin a sign-in by passkey alone, username first. A name with no
/// passkey (or no account) gets options of the same shape, which no
/// authenticator can answer.
#[utoipa::path(post, path = "/api/v1/session/passkey/options", tag = "account",
    request_body = PasskeyUser,
    responses(
        (status = 200, body = PasskeyCeremony),
        (status = 404, description = "Passkeys do not work at this address"),
        (status = 429, body = super::ApiError)))]
pub(super) async fn sign_in_options(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<PasskeyUser>,
) -> Response {
    let result = async {
        let ceremony = state.entropy.token();
        let holder = ceremony_holder(&ceremony);
        let caller = caller(&state, &parts);
        let options = passkey::start_sign_in(&state, &caller, &holder, &body.identifier).await?;
        Ok::<_, WebError>(options_answer(
            options.map(|options| PasskeyCeremony { ceremony, options }),
        ))
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Sign in with the passkey's answer: an active session (its second
/// factor proven now).
#[utoipa::path(post, path = "/api/v1/session/passkey", tag = "account",
    request_body = PasskeySignIn,
    responses(
        (status = 201, body = super::account::SignedIn),
        (status = 401, description = "The answer did not hold (`refused`)", body = super::ApiError),
        (status = 429, body = super::ApiError)))]
pub(super) async fn sign_in(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<PasskeySignIn>,
) -> Response {
    use axum::http::StatusCode;
    use axum::response::IntoResponse;
    let result = async {
        let holder = ceremony_holder(&body.ceremony);
        let credential = body.credential.to_string();
        let caller = caller(&state, &parts);
        match passkey::sign_in(&state, &caller, &holder, &credential).await? {
            Err(message) => Ok(super::error_response(
                StatusCode::UNAUTHORIZED,
                "refused",
                &message,
            )),
            Ok(token) => {
                let session = crate::web::account::session_named(&state, &token)
                    .await?
                    .ok_or(WebError::Expired)?;
                let account = super::account::account_state(&state, &parts, session).await?;
                let body = super::account::SignedIn { token, account };
                Ok::<_, WebError>((StatusCode::CREATED, axum::Json(body)).into_response())
            }
        }
    }
    .await;
    result.unwrap_or_else(api_error)
}
