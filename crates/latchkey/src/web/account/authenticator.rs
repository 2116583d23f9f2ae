//! `/account/authenticator`: register an authenticator app (a QR code and a
//! first code), or remove it.

use super::*;

#[derive(Template)]
#[template(path = "account/authenticator.html")]
struct AuthenticatorPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    replacing: bool,
    /// An inline SVG made here from the `otpauth://` URI.
    qr_svg: String,
    /// The secret in base32, in groups of four, for typing in.
    secret: String,
    /// The same `otpauth://` URI as a link, for the app on this very phone.
    otpauth: String,
}

/// A fresh secret for this session, shown as a QR code and as text.
pub async fn authenticator_get(
    State(state): State<Core>,
    who: SignedIn,
) -> Result<Response, WebError> {
    if !person::factor_is_fresh(&state, &who) {
        return Ok(verify_first(Next::Authenticator));
    }
    let flash = refusal(&state, &who.session).await?;
    authenticator_page(&state, who, flash.error).await
}

async fn authenticator_page(
    state: &Core,
    who: SignedIn,
    error: Option<String>,
) -> Result<Response, WebError> {
    let enrolment = person::enrolment(state, &who).await?;
    let qr_svg = qr_svg(&enrolment.uri)?;
    let base32 = crate::totp::base32(&enrolment.secret);
    let groups: Vec<String> = base32
        .as_bytes()
        .chunks(4)
        .map(|chunk| String::from_utf8_lossy(chunk).into_owned())
        .collect();
    let status = status_for(&error);
    Ok(render(
        &AuthenticatorPage {
            site: &state.site,
            csrf: &who.session.csrf,
            error,
            replacing: who.has_authenticator,
            qr_svg,
            secret: groups.join(" "),
            otpauth: enrolment.uri.clone(),
        },
        status,
    ))
}

/// The QR code of `text` as inline SVG, labelled for screen readers.
fn qr_svg(text: &str) -> Result<String, WebError> {
    let code =
        qrcode::QrCode::new(text.as_bytes()).map_err(|e| WebError::Internal(e.to_string()))?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build();
    let start = svg.find("<svg").unwrap_or(0);
    Ok(svg[start..].replacen(
        "<svg ",
        "<svg role=\"img\" aria-label=\"QR code of the key for your authenticator app\" ",
        1,
    ))
}

pub async fn authenticator_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, CodeForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome =
        person::confirm_authenticator(&state, &caller(&state, &parts), &who, &form.code).await?;
    answer_form(
        &state,
        &who,
        outcome,
        "/account?done=authenticator",
        ("/account/authenticator", ""),
    )
    .await
}

pub async fn authenticator_remove_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome = person::remove_authenticator(&state, &caller(&state, &parts), &who).await?;
    let then = "/account?done=authenticator-removed";
    answer_form(&state, &who, outcome, then, ("/account", "")).await
}
