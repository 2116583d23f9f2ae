//! A form posted from one of a session's pages: its fields parsed, and its
//! CSRF token checked against the session the request's cookie names, in
//! one extractor, so that no handler can forget the check.

use axum::extract::{Form, FromRequest, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

use super::{Core, WebError};
use crate::secrets::same;

/// A kind of session a form belongs to.
pub(crate) trait FormSession: Sized + Send {
    /// The session the request's cookie names, if it is live.
    fn current(
        state: &Core,
        parts: &Parts,
    ) -> impl Future<Output = Result<Option<Self>, WebError>> + Send;

    fn csrf(&self) -> &str;

    /// What a form without its session, or with another's token, gets.
    fn refused() -> WebError {
        WebError::Expired
    }
}

/// A form's fields, among them the CSRF token its page was served with.
pub(crate) trait WithCsrf {
    fn csrf(&self) -> &str;
}

/// Implements [`WithCsrf`] for forms whose token is the field `csrf`.
macro_rules! with_csrf {
    ($($form:ty),+ $(,)?) => {
        $(impl crate::web::checked::WithCsrf for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        })+
    };
}
pub(crate) use with_csrf;

/// A form with nothing but its CSRF token: a button (sign out, start
/// again, cancel).
#[derive(serde::Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

with_csrf!(CsrfForm);

/// The session a form was posted from, and the form: only when the form
/// carries that session's CSRF token.
pub(crate) struct Checked<S, T> {
    pub session: S,
    pub form: T,
}

impl<S, T> FromRequest<Core> for Checked<S, T>
where
    S: FormSession,
    T: DeserializeOwned + WithCsrf + Send,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &Core) -> Result<Self, Response> {
        let (parts, body) = request.into_parts();
        let session = S::current(state, &parts)
            .await
            .map_err(IntoResponse::into_response)?;
        let request = Request::from_parts(parts, body);
        let Form(form) = Form::<T>::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match session {
            Some(session) if same(session.csrf(), form.csrf()) => Ok(Checked { session, form }),
            _ => Err(S::refused().into_response()),
        }
    }
}
