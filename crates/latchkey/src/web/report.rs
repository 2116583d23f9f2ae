//! The "this wasn't me" link a notice carries: a page that asks its owner
//! to confirm, and the confirmation. The rules are in `domain::report`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use super::{Core, ErrorPage, Site, WebError, caller, render};
use crate::domain::report::{self, LINK_DAYS};
#[allow(unused_imports)] // the templates' filters
pub(crate) use crate::i18n::filters;
use crate::i18n::say;

#[derive(Template)]
#[template(path = "report/confirm.html")]
struct ConfirmPage<'a> {
    site: &'a Site,
    token: &'a str,
    username: String,
}

#[derive(Template)]
#[template(path = "report/done.html")]
struct DonePage<'a> {
    site: &'a Site,
}

/// Asks before doing anything: a mail scanner that follows every link
/// must not hold a person's reset.
pub async fn report_get(
    State(state): State<Core>,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let site = &state.site;
    Ok(match report::account_of_link(&state, &token).await? {
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

pub async fn report_post(
    State(state): State<Core>,
    parts: Parts,
    Path(token): Path<String>,
) -> Result<Response, WebError> {
    let site = &state.site;
    match report::report(&state, &caller(&state, &parts), &token).await {
        Ok(_) => Ok(render(&DonePage { site }, StatusCode::OK)),
        Err(crate::domain::Error::LinkSpent) => Ok(spent(site)),
        Err(e) => Err(e),
    }
}

fn spent(site: &Site) -> Response {
    render(
        &ErrorPage {
            site,
            heading: say("report-spent-title", &[]),
            message: say("report-spent", &[("days", LINK_DAYS.to_string())]),
            reference: None,
        },
        StatusCode::GONE,
    )
}
