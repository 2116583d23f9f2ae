//! The language a page speaks: negotiated for each request, and the
//! switch that remembers a person's choice.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::{Core, cookie, secure_cookies};
use crate::i18n::{Lang, Speech};

/// The cookie that keeps a person's choice of language.
const LANGUAGE_COOKIE: &str = "latchkey_lang";

/// Negotiates the request's language (the person's choice, their
/// browser's, the campus's) and handles the request in it; the answer
/// says which, and that it varies with both.
pub(super) async fn speak_their_language(
    State(state): State<Core>,
    request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    let chosen = cookie(headers, LANGUAGE_COOKIE);
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok());
    let lang = Lang::negotiate(chosen.as_deref(), accept, state.site.language);
    let back = back_path(&request);
    let signed_in = super::account::has_session(&state, headers);
    let speech = Speech {
        lang,
        back,
        signed_in,
    };
    let mut response = crate::i18n::speaking(speech, next.run(request)).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    headers.append(
        header::VARY,
        HeaderValue::from_static("Accept-Language, Cookie"),
    );
    response
}

/// Where the language switch brings a person back: the page itself when
/// it was a GET; after a form, the start of its part of the portal (which
/// shows where that person is).
fn back_path(request: &Request) -> String {
    let uri = request.uri();
    if request.method() == axum::http::Method::GET {
        return uri
            .path_and_query()
            .map_or("/reset", |p| p.as_str())
            .to_owned();
    }
    let section = uri.path().split('/').nth(1).unwrap_or("reset");
    match section {
        "account" | "signin" => "/account",
        "helpdesk" => "/helpdesk",
        _ => "/reset",
    }
    .to_owned()
}

#[derive(serde::Deserialize)]
pub(super) struct LanguageQuery {
    #[serde(default)]
    back: String,
}

/// `GET /language/es?back=/reset`: remembers the choice for a year and
/// goes back (only ever to a page of ours).
pub(super) async fn language_get(
    State(state): State<Core>,
    axum::extract::Path(code): axum::extract::Path<String>,
    axum::extract::Query(query): axum::extract::Query<LanguageQuery>,
) -> Response {
    let Some(lang) = Lang::parse(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let secure = if secure_cookies(&state) {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANGUAGE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        lang.code()
    );
    let mut response = Redirect::to(crate::i18n::local_path(&query.back)).into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
