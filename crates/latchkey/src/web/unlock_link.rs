//! The unlock link a caught lock sends (`domain::watch`): a page that
//! asks its owner to confirm, and the unlock.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use super::{Core, ErrorPage, Site, WebError, caller, render};
use crate::domain::watch::{self, LINK_HOURS};
#[allow(unused_imports)] // the templates' filters
pub(crate) use crate::i18n::filters;
use crate::i18n::say;

#[derive(Template)]
#[template(path = "unlock/confirm.html")]
struct ConfirmPage<'a> {
    site: &'a Site,
    token: &'a str,
    username: String,
}

#[derive(Template)]
#[template(path = "unlock/done.html")]
struct DonePage<'a> {
    site: &'a Site,
}

/// Asks before unlocking: a mail scanner that follows every link must not
/// spend it.
pub async fn unlock_get(
    State(state): State<Core>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let site = &state.site;
    Ok(match watch::account_of_link(&state, &token).await? {
        Some(account) => render(
            &ConfirmPage {
                site,
                token: &token,
                username: account.username,
            },
            StatusCode::OK,
        ),
        None => spent(site),
    })
}

pub async fn unlock_post(
    State(state): State<Core>,
    parts: Parts,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let site = &state.site;
    match watch::unlock_by_link(&state, &caller(&state, &parts), &token).await {
        Ok(Ok(_)) => Ok(render(&DonePage { site }, StatusCode::OK)),
        Ok(Err(why)) => Ok(render(
            &ErrorPage {
                site,
                heading: say("unlock-failed-title", &[]),
                message: why,
                reference: None,
            },
            StatusCode::SERVICE_UNAVAILABLE,
        )),
        Err(crate::domain::Error::LinkSpent) => Ok(spent(site)),
        Err(e) => Err(e),
    }
}

fn spent(site: &Site) -> Response {
    render(
        &ErrorPage {
            site,
            heading: say("unlock-spent-title", &[]),
            message: say("unlock-spent", &[("hours", LINK_HOURS.to_string())]),
            reference: None,
        },
        StatusCode::GONE,
    )
}
