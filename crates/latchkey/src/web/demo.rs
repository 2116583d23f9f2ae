//! The demo phone: in `serve --demo`, the outbox's texts, calls and mails
//! as a page, so a newcomer finishes a reset with the browser alone.
//! Without `--demo` the page does not exist.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use super::{Core, Site, WebError, render};
#[allow(unused_imports)] // the templates' filters
pub(crate) use crate::i18n::filters;
use crate::store::OutboxEntry;

#[derive(Template)]
#[template(path = "demo/phone.html")]
struct PhonePage<'a> {
    site: &'a Site,
    /// What kind of message, the message, and when it arrived.
    messages: Vec<(&'static str, OutboxEntry, String)>,
}

/// How many of the newest messages the page shows.
const SHOWN: i64 = 30;

pub async fn phone_get(State(state): State<Core>) -> Result<Response, WebError> {
    if !state.site.demo {
        return Ok(StatusCode::NOT_FOUND.into_response());
    }
    let now = state.clock.now();
    let messages = state
        .store
        .outbox(SHOWN)
        .await?
        .into_iter()
        .map(|entry| (kind(&entry.channel), ago(now - entry.at), entry))
        .map(|(kind, when, entry)| (kind, entry, when))
        .collect();
    Ok(render(
        &PhonePage {
            site: &state.site,
            messages,
        },
        StatusCode::OK,
    ))
}

fn kind(channel: &str) -> &'static str {
    match channel {
        "sms" => "Text",
        "voice" => "Call",
        "email" => "Mail",
        _ => "Message",
    }
}

fn ago(seconds: i64) -> String {
    match seconds {
        ..=9 => "just now".into(),
        10..=119 => format!("{seconds} seconds ago"),
        120..=7199 => format!("{} minutes ago", seconds / 60),
        _ => format!("{} hours ago", seconds / 3600),
    }
}
