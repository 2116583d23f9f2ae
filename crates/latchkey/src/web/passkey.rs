//! A passkey at the reset's method step: its options for the browser, then
//! its answer (`domain::reset::use_passkey`). The account's passkey pages
//! are in `web/account/passkey.rs`; the script both use, `static/passkey.js`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::checked::{Checked, CsrfForm, with_csrf};
use super::{WebError, caller};
use crate::domain::Core;
use crate::domain::reset;
use crate::store::ResetSession;

/// A ceremony's options as JSON, or 404 when there is none to begin.
pub(crate) fn options_answer<T: Serialize>(options: Option<T>) -> Response {
    match options {
        Some(options) => Json(options).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// A passkey's answer, as `static/passkey.js` sends it.
#[derive(Deserialize)]
pub struct PasskeyAnswer {
    #[serde(default)]
    csrf: String,
    /// The browser's credential, JSON; empty when the ceremony failed.
    #[serde(default)]
    credential: String,
}

with_csrf!(PasskeyAnswer);

pub async fn reset_options_post(
    State(state): State<Core>,
    Checked { session, .. }: Checked<ResetSession, CsrfForm>,
) -> Result<Response, WebError> {
    Ok(options_answer(
        reset::start_passkey(&state, &session).await?,
    ))
}

pub async fn reset_passkey_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<ResetSession, PasskeyAnswer>,
) -> Result<Response, WebError> {
    let caller = caller(&state, &parts);
    let outcome = reset::use_passkey(&state, &caller, &session, &form.credential).await?;
    super::reset::answer_form(&state, &session.id, outcome).await
}
