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
use crate::i18n::say;
use crate::store::OutboxEntry;

#[derive(Template)]
#[template(path = "demo/phone.html")]
struct PhonePage<'a> {
    site: &'a Site,
    /// Each message, under a line saying what it is, to whom and when.
    messages: Vec<(String, OutboxEntry)>,
    /// The demo authenticators' codes now: whose, and the code.
    codes: Vec<(&'static str, String)>,
}

/// How many of the newest messages the page shows.
const SHOWN: i64 = 30;

pub async fn phone_get(State(state): State<Core>) -> Result<Response, WebError> {
    if !state.site.demo {
        return Ok(StatusCode::NOT_FOUND.into_response());
    }
    let now = state.clock.now();
    let messages = (state.store.outbox(SHOWN).await?.into_iter())
        .map(|entry| (heading(&entry, now - entry.at), entry))
        .collect();
    Ok(render(
        &PhonePage {
            site: &state.site,
            messages,
            codes: crate::demo::codes_at(now),
        },
        StatusCode::OK,
    ))
}

/// "Text to +12025550143, 2 minutes ago".
fn heading(entry: &OutboxEntry, seconds: i64) -> String {
    let kind = match entry.channel.as_str() {
        "sms" => "demo-text",
        "voice" => "demo-call",
        "email" => "demo-mail",
        _ => "demo-message",
    };
    let (id, count) = match seconds {
        ..=9 => ("demo-just-now", 0),
        10..=119 => ("demo-seconds-ago", seconds),
        120..=7199 => ("demo-minutes-ago", seconds / 60),
        _ => ("demo-hours-ago", seconds / 3600),
    };
    let when = say(id, &[("count", count.to_string())]);
    say(kind, &[("to", entry.recipient.clone()), ("when", when)])
}
