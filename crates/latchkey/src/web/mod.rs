//! The portal: server-rendered pages that work without JavaScript, behind
//! security headers that forbid inline script.

mod account;
mod api;
mod checked;
mod demo;
mod flash;
mod helpdesk;
mod language;
mod laptop;
mod passkey;
mod report;
mod reset;
mod unlock_link;

pub(crate) use laptop::{Laptop, laptop, off_campus_warning};

use std::net::{IpAddr, SocketAddr};

use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::domain::{Caller, log_error};
pub use crate::domain::{Core, Services};
#[allow(unused_imports)] // the templates' filters
pub(crate) use crate::i18n::filters;
use crate::i18n::say;
use crate::metrics::RequestLabels;
pub use crate::site::{self, Site};

/// The domain's error as the portal answers it (the API has its own JSON).
pub(crate) use crate::domain::Error as WebError;

/// Every URL of the portal.
pub fn router(state: Core) -> Router {
    Router::new()
        .route("/", get(|| async { Redirect::to("/reset") }))
        .route("/reset", get(reset::reset_get))
        .route("/reset/start", post(reset::start_post))
        .route("/reset/identify", post(reset::identify_post))
        .route("/reset/captcha", post(reset::captcha_post))
        .route("/reset/captcha/new", post(reset::captcha_new_post))
        .route("/reset/captcha.png", get(reset::captcha_png_get))
        .route("/reset/method", post(reset::method_post))
        .route("/reset/method-again", post(reset::method_again_post))
        .route("/reset/code", post(reset::code_post))
        .route("/reset/recovery", post(reset::recovery_post))
        .route("/reset/passkey", post(passkey::reset_passkey_post))
        .route("/reset/passkey/options", post(passkey::reset_options_post))
        .route("/reset/password", post(reset::password_post))
        .route("/reset/password/check", post(reset::password_check_post))
        .route("/reset/unlock", post(reset::unlock_post))
        .route("/reset/done", get(reset::done_get))
        .route(
            "/signin",
            get(account::signin_get).post(account::signin_post),
        )
        .route("/signin/passkey", post(account::signin_passkey_post))
        .route(
            "/signin/passkey/options",
            post(account::signin_passkey_options_post),
        )
        .route(
            "/signin/pass",
            get(account::pass_get).post(account::pass_post),
        )
        .route("/signout", post(account::signout_post))
        .route("/account", get(account::home_get))
        .route("/account/verify", get(account::verify_get))
        .route("/account/verify/send", post(account::verify_send_post))
        .route("/account/verify/code", post(account::verify_code_post))
        .route(
            "/account/phone",
            get(account::phone_get).post(account::phone_post),
        )
        .route("/account/phone/confirm", post(account::phone_confirm_post))
        .route("/account/phone/cancel", post(account::phone_cancel_post))
        .route("/account/phone/remove", post(account::phone_remove_post))
        .route("/account/language", post(account::language_post))
        .route(
            "/account/email",
            get(account::email_get).post(account::email_post),
        )
        .route("/account/email/confirm", post(account::email_confirm_post))
        .route("/account/email/remove", post(account::email_remove_post))
        .route(
            "/account/passkey",
            get(account::passkey_get).post(account::passkey_post),
        )
        .route(
            "/account/passkey/options",
            post(account::passkey_options_post),
        )
        .route(
            "/account/passkey/{id}/remove",
            post(account::passkey_remove_post),
        )
        .route(
            "/account/verify/passkey",
            post(account::verify_passkey_post),
        )
        .route(
            "/account/verify/passkey/options",
            post(account::verify_passkey_options_post),
        )
        .route(
            "/account/methods/confirm",
            post(account::confirm_methods_post),
        )
        .route(
            "/account/recovery",
            get(account::recovery_get).post(account::recovery_post),
        )
        .route(
            "/account/verify/recovery",
            post(account::verify_recovery_post),
        )
        .route(
            "/account/authenticator",
            get(account::authenticator_get).post(account::authenticator_post),
        )
        .route(
            "/account/authenticator/remove",
            post(account::authenticator_remove_post),
        )
        .route(
            "/account/password",
            get(account::password_get).post(account::password_post),
        )
        .route(
            "/account/password/check",
            post(account::password_check_post),
        )
        .route("/reset/link/{token}", get(reset::link_get))
        .route(
            "/not-me/{token}",
            get(report::report_get).post(report::report_post),
        )
        .route(
            "/unlock/{token}",
            get(unlock_link::unlock_get).post(unlock_link::unlock_post),
        )
        .route("/helpdesk", get(helpdesk::helpdesk_get))
        .route("/helpdesk/signin", post(helpdesk::signin_post))
        .route("/helpdesk/factor", post(helpdesk::factor_post))
        .route("/helpdesk/signout", post(helpdesk::signout_post))
        .route("/helpdesk/accounts/{id}", get(helpdesk::account_get))
        .route(
            "/helpdesk/accounts/{id}/access-pass",
            post(helpdesk::access_pass_post),
        )
        .route(
            "/helpdesk/accounts/{id}/{action}",
            post(helpdesk::action_post),
        )
        .route("/helpdesk/staff", get(helpdesk::staff_get))
        .route("/helpdesk/staff/{id}/{change}", post(helpdesk::staff_post))
        .route("/helpdesk/audit", get(helpdesk::audit_get))
        .route("/helpdesk/audit/export", get(helpdesk::audit_export_get))
        .route("/helpdesk/reports", get(helpdesk::reports_get))
        .route(
            "/helpdesk/password",
            get(helpdesk::own_password_get).post(helpdesk::own_password_post),
        )
        .route(
            "/helpdesk/reports/{kind}/csv",
            get(helpdesk::report_csv_get),
        )
        .route(
            "/static/checklist.js",
            get(|| async { script(include_str!("../../static/checklist.js")) }),
        )
        .route(
            "/static/pow.js",
            get(|| async { script(include_str!("../../static/pow.js")) }),
        )
        .route(
            "/static/print.js",
            get(|| async { script(include_str!("../../static/print.js")) }),
        )
        .route(
            "/static/passkey.js",
            get(|| async { script(include_str!("../../static/passkey.js")) }),
        )
        .route("/static/style.css", get(style_get))
        .route("/static/brand.css", get(brand_css_get))
        .route("/static/logo", get(logo_get))
        .route("/demo/phone", get(demo::phone_get))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz_get))
        .merge(api::routes())
        .route("/language/{code}", get(language::language_get))
        .fallback(unknown_address)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            render_failures,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            language::speak_their_language,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .layer(middleware::from_fn_with_state(
            state
                .server
                .hsts()
                .and_then(|v| HeaderValue::from_str(&v).ok()),
            security_headers,
        ))
        .with_state(state)
}

/// What `server.metrics_bind` serves: `GET /metrics`, and nothing of the
/// portal, which people reach from anywhere.
pub fn metrics_router(state: Core) -> Router {
    Router::new()
        .route("/metrics", get(metrics_get))
        .with_state(state)
}

/// Counts each answer by its route (as written in the router, so an id in
/// a path never becomes a label) and status.
async fn count_requests(State(state): State<Core>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().clone();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    // The route as routed, never the raw path: a reset link's token stays out of the log.
    tracing::info!(
        target: "latchkey::request",
        %method,
        route = %route,
        status,
        ms = started.elapsed().as_millis() as u64,
    );
    let labels = RequestLabels { route, status };
    state.metrics.requests.get_or_create(&labels).inc();
    response
}

async fn metrics_get(State(state): State<Core>) -> Response {
    match state.store.delivery_backlog().await {
        Ok(backlog) => state.metrics.backlog(&backlog, state.clock.now()),
        Err(e) => log_error(&format!("metrics: the delivery queue: {e}")),
    }
    if let Some(writeback) = &state.writeback {
        match state.store.watches_running(state.clock.now()).await {
            Ok(watched) => {
                state.metrics.watch.watched.set(watched);
            }
            Err(e) => log_error(&format!("metrics: watches: {e}")),
        }
        match state.store.pending_writes().await {
            Ok(pending) => {
                writeback.stats.pending.set(pending.len() as i64);
            }
            Err(e) => log_error(&format!("metrics: pending directory writes: {e}")),
        }
    }
    match state.metrics.encode() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Ready when the database answers and, if there is one, the directory
/// takes the service account's bind: 200, or 503 naming what is not.
/// A database that does not answer within a second is unreachable: a load
/// balancer moves on at once instead of waiting with the people.
async fn readyz_get(State(state): State<Core>) -> Response {
    let ping = tokio::time::timeout(std::time::Duration::from_secs(1), state.store.ping()).await;
    let database = match ping {
        Ok(Ok(())) => "ok",
        Ok(Err(e)) => {
            log_error(&format!("readiness: database: {e}"));
            "unreachable"
        }
        Err(_) => {
            log_error("readiness: database: no answer within a second");
            "unreachable"
        }
    };
    let directory = match &state.writeback {
        None => "not configured",
        Some(writeback) => match writeback.directory.check().await {
            Ok(()) => "ok",
            Err(e) => {
                log_error(&format!("readiness: directory: {e}"));
                "unreachable"
            }
        },
    };
    // Detail: what sign-in assumes of the directory's lockout, and whether
    // it is assumed (a threshold the directory did not say is taken as 3).
    let lockout = match (&state.writeback, directory) {
        (Some(writeback), "ok") => match writeback.directory.policy().await {
            Ok(rules) => match crate::directory::allowance(&rules, &writeback.lockout) {
                Some(allowed) => serde_json::to_value(allowed).unwrap_or_default(),
                None => serde_json::json!("never locks"),
            },
            Err(_) => serde_json::Value::Null,
        },
        _ => serde_json::Value::Null,
    };
    // Detail, not readiness: delivery late or failing is a warning (a
    // mail server down must not take the pages away).
    let deliveries = match database {
        "ok" => match state.store.delivery_backlog().await {
            Ok(backlog) => {
                let report = crate::notify::queue::backlog_report(&backlog, state.clock.now());
                if report["late"] == true {
                    log_error(&format!("readiness: delivery is late: {report}"));
                }
                report
            }
            Err(_) => serde_json::Value::Null,
        },
        _ => serde_json::Value::Null,
    };
    // Detail, not readiness: an instance suspecting pumping still serves.
    let counted = match database {
        "ok" => Some(crate::domain::budget::codes_last_hour(&state).await),
        _ => None,
    };
    let messages = match counted {
        Some(Ok(codes)) => {
            if codes.pumping_suspected {
                log_error(&format!(
                    "pumping suspected: {} codes sent in the last hour, {} typed back",
                    codes.sent, codes.typed_back
                ));
            }
            serde_json::to_value(codes).unwrap_or_default()
        }
        Some(Err(_)) | None => serde_json::Value::Null,
    };
    let ready = database == "ok" && directory != "unreachable";
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = serde_json::json!({
        "ready": ready,
        "database": database,
        "directory": directory,
        "directory_lockout": lockout,
        "deliveries": deliveries,
        "codes_last_hour": messages,
    });
    (status, axum::Json(body)).into_response()
}

/// A script the pages load from this origin (the CSP allows no other), as
/// served: cached for an hour.
fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

async fn style_get() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../../static/style.css"),
    )
}

/// The university's colour, as a stylesheet: the CSP allows no inline style.
async fn brand_css_get(State(state): State<Core>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        state.site.brand_css(),
    )
}

async fn logo_get(State(state): State<Core>) -> Response {
    match &state.site.logo {
        Some(logo) => (
            [
                (header::CONTENT_TYPE, logo.content_type),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            logo.bytes.clone(),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The pages' policy: no inline script or style, nothing from elsewhere.
/// `connect-src 'self'` lets the live checklist ask this server (it was
/// once missing, and the checklist silently never updated).
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// No inline script or style, no framing, no referrer, no caching of pages;
/// over HTTPS, `hsts` keeps browsers on it.
async fn security_headers(
    State(hsts): State<Option<HeaderValue>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if let Some(hsts) = hsts {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts);
    }
    let set = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
    ];
    for (name, value) in set {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// The client's address: the socket's peer, or what a trusted proxy says
/// in its forwarding header (see [`crate::network::NetworkConfig::client_address`]).
fn client_ip(state: &Core, request: &Parts) -> Option<IpAddr> {
    let peer = request
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    let forwarded = request
        .headers
        .get_all(state.network.forwarded_header.name())
        .iter()
        .filter_map(|value| value.to_str().ok());
    state.network.client_address(peer, forwarded)
}

/// Any handler may take the [`Caller`] the domain needs.
impl FromRequestParts<Core> for Caller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &Core) -> Result<Self, Self::Rejection> {
        Ok(caller(state, parts))
    }
}

/// Who is asking, for the domain: the client's address as the audit
/// trail and the throttles write it, and where it is.
pub(crate) fn caller(state: &Core, request: &Parts) -> Caller {
    let ip = client_ip(state, request);
    Caller {
        address: ip.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        source: ip.map_or_else(|| "unknown".to_owned(), |ip| state.network.limit_source(ip)),
        location: state.network.locate(ip),
        device: cookie(&request.headers, &cookie_name(state, DEVICE_COOKIE))
            .and_then(|value| crate::domain::device::known_as(state, &value)),
    }
}

/// The cookie of a browser that signed in as a person ([`crate::domain::device`]).
pub(crate) const DEVICE_COOKIE: &str = "latchkey_device";

/// An address we do not serve: a page with the way back (the API's
/// clients get a bare 404).
async fn unknown_address(State(state): State<Core>, uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return StatusCode::NOT_FOUND.into_response();
    }
    render(
        &ErrorPage {
            site: &state.site,
            heading: say("not-found-heading", &[]),
            message: say("not-found-message", &[]),
            reference: None,
        },
        StatusCode::NOT_FOUND,
    )
}

/// A page in the request's language: the template's words come through
/// the `i18n` filters, which read the [`Speech`] handed to them here.
fn render(template: &impl Template, status: StatusCode) -> Response {
    let speech = crate::i18n::current();
    let values: (&str, &dyn std::any::Any) = ("speech", &speech);
    match template.render_with_values(&values) {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            log_error(&format!("template: {e}"));
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be shown.",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    site: &'a Site,
    heading: String,
    message: String,
    reference: Option<String>,
}

/// The help desk's refusal of a page an agent's role does not open, in
/// the console's look.
#[derive(Template)]
#[template(path = "helpdesk/forbidden.html")]
struct ConsoleForbiddenPage<'a> {
    site: &'a Site,
}

impl WebError {
    fn into_page(self, site: &Site) -> Response {
        match self {
            WebError::Expired => render(
                &ErrorPage {
                    site,
                    heading: say("expired-heading", &[]),
                    message: say("expired-message", &[]),
                    reference: None,
                },
                StatusCode::FORBIDDEN,
            ),
            WebError::LinkSpent => render(
                &ErrorPage {
                    site,
                    heading: say("link-spent-heading", &[]),
                    message: say("link-spent-message", &[]),
                    reference: None,
                },
                StatusCode::FORBIDDEN,
            ),
            WebError::NotSignedIn => Redirect::to("/signin").into_response(),
            WebError::FactorOwed => Redirect::to("/account/verify").into_response(),
            WebError::NotOnDuty => Redirect::to("/helpdesk").into_response(),
            WebError::PasswordChangeOwed => Redirect::to("/helpdesk/password").into_response(),
            WebError::NoSuchStaff => Redirect::to("/helpdesk/staff").into_response(),
            WebError::Forbidden => render(&ConsoleForbiddenPage { site }, StatusCode::FORBIDDEN),
            WebError::NotFound => render(
                &ErrorPage {
                    site,
                    heading: say("no-account-heading", &[]),
                    message: say("no-account-message", &[]),
                    reference: None,
                },
                StatusCode::NOT_FOUND,
            ),
            WebError::TooMany => render(
                &ErrorPage {
                    site,
                    heading: say("too-many-heading", &[]),
                    message: say("too-many-message", &[]),
                    reference: None,
                },
                StatusCode::TOO_MANY_REQUESTS,
            ),
            WebError::Unavailable(detail) => {
                log_error(&format!("database unavailable: {detail}"));
                let mut page = render(
                    &ErrorPage {
                        site,
                        heading: say("unavailable-heading", &[]),
                        message: say("unavailable-message", &[]),
                        reference: None,
                    },
                    StatusCode::SERVICE_UNAVAILABLE,
                );
                page.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from_static(RETRY_AFTER_SECONDS),
                );
                page
            }
            WebError::Internal(detail) => {
                let reference = crate::secrets::random_token()[..8].to_uppercase();
                log_error(&format!("reference {reference}: {detail}"));
                render(
                    &ErrorPage {
                        site,
                        heading: say("internal-heading", &[]),
                        message: say("internal-message", &[]),
                        reference: Some(reference),
                    },
                    StatusCode::INTERNAL_SERVER_ERROR,
                )
            }
        }
    }
}

/// The token of an `Authorization: Bearer` header: how API clients name
/// their session.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// What a 503 asks a client to wait, in seconds: a database back from a
/// restart is usually back within it.
pub(crate) const RETRY_AFTER_SECONDS: &str = "60";

/// A failure on its way out: [`render_failures`] turns it into the error
/// page in the university's look, so a handler may simply return `Err`.
#[derive(Clone)]
struct Failure(WebError);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = StatusCode::INTERNAL_SERVER_ERROR.into_response();
        response.extensions_mut().insert(Failure(self));
        response
    }
}

async fn render_failures(State(state): State<Core>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    match response.extensions_mut().remove::<Failure>() {
        Some(Failure(error)) => error.into_page(&state.site),
        None => response,
    }
}

/// Whether cookies are marked `Secure` and `__Host-` named: whenever people
/// reach the portal over HTTPS, served here or through a proxy.
fn secure_cookies(state: &Core) -> bool {
    state.server.secure_cookies || state.server.https()
}

/// A session cookie's name as set and read: `__Host-NAME` under HTTPS (only
/// this host can set it, on `/`, `Secure`), `NAME` otherwise.
fn cookie_name(state: &Core, name: &str) -> String {
    if secure_cookies(state) {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// A session token from its cookie; under HTTPS only the `__Host-` one
/// counts, so a cookie a neighbouring host wrote is never read.
pub(crate) fn session_token(state: &Core, headers: &HeaderMap, name: &str) -> Option<String> {
    cookie(headers, &cookie_name(state, name))
}

/// A `Set-Cookie` value for a session token: never readable by script,
/// never sent by another site; under HTTPS `Secure` with a `__Host-` name,
/// which also means `Path=/` (`path` applies over plain HTTP only).
pub(crate) fn session_cookie(
    state: &Core,
    name: &str,
    token: &str,
    path: &str,
    max_age: i64,
) -> Result<HeaderValue, WebError> {
    let (name, path, secure) = match secure_cookies(state) {
        true => (cookie_name(state, name), "/", "; Secure"),
        false => (name.to_owned(), path, ""),
    };
    let cookie = format!(
        "{name}={token}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"
    );
    HeaderValue::from_str(&cookie).map_err(|e| WebError::Internal(e.to_string()))
}
