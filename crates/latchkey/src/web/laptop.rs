//! What a person is told about their laptop: after a change, for where they
//! are now, and before one from outside the campus network and the VPN.

use askama::Template;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use super::{Core, Site, client_ip, render};
#[allow(unused_imports)] // the templates' filters
pub(crate) use crate::i18n::filters;
use crate::network::{Location, NetworkConfig};

/// What to tell a person about their laptop, for where they are now.
pub(crate) struct Laptop<'a> {
    pub location: Location,
    pub network: &'a NetworkConfig,
    /// The person knows the laptop's password (they are changing a password
    /// they know), so the steps for a forgotten one are left out.
    pub knows_old: bool,
}

impl Laptop<'_> {
    /// The VPN steps in the page's language: those written in it, else
    /// those written for no language in particular.
    pub fn steps(&self) -> Vec<&crate::network::VpnSteps> {
        let lang = crate::i18n::current().lang.code();
        let all = &self.network.vpn_steps;
        let own: Vec<_> = all
            .iter()
            .filter(|s| s.language.as_deref() == Some(lang))
            .collect();
        match own.is_empty() {
            true => all.iter().filter(|s| s.language.is_none()).collect(),
            false => own,
        }
    }
}

/// The laptop advice for a person changing a password they know
/// (`knows_old`), or resetting a forgotten one.
pub(crate) fn laptop<'a>(state: &'a Core, request: &Parts, knows_old: bool) -> Laptop<'a> {
    Laptop {
        location: state.network.locate(client_ip(state, request)),
        network: &state.network,
        knows_old,
    }
}

#[derive(Template)]
#[template(path = "off_campus.html")]
struct OffCampusPage<'a> {
    site: &'a Site,
    laptop: Laptop<'a>,
    /// This page again, to check once the VPN is on.
    again: &'a str,
    /// The same page past this warning.
    anyway: String,
}

/// Before a reset or an update from outside the campus network and the VPN:
/// the warning, with the VPN steps and a way to go on anyway. `None` when
/// the person is inside, or already chose to go on (`?anyway=1`).
pub(crate) fn off_campus_warning(state: &Core, request: &Parts) -> Option<Response> {
    let knows_old = request.uri.path().starts_with("/account");
    let laptop = laptop(state, request, knows_old);
    let anyway = request
        .uri
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "anyway=1"));
    if laptop.location != Location::Outside || anyway {
        return None;
    }
    let again = request.uri.path();
    Some(render(
        &OffCampusPage {
            site: &state.site,
            laptop,
            again,
            anyway: format!("{again}?anyway=1"),
        },
        StatusCode::OK,
    ))
}
