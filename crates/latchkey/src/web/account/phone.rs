//! `/account/phone`: register, replace or remove the phone codes go to.

use super::*;
use crate::model::method::Method;

#[derive(Template)]
#[template(path = "account/phone.html")]
struct PhonePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    current: Option<String>,
    /// The number waiting for its code, in full: its owner just typed it.
    pending: Option<String>,
    /// The code for it comes by a call, not a text.
    by_call: bool,
    typed: &'a str,
    minutes: i64,
}

pub async fn phone_get(State(state): State<Core>, who: SignedIn) -> Result<Response, WebError> {
    if !person::factor_is_fresh(&state, &who) {
        return Ok(verify_first(Next::Phone));
    }
    Ok(phone_page(&state, &who, None, ""))
}

fn phone_page(state: &Core, who: &SignedIn, error: Option<String>, typed: &str) -> Response {
    let status = status_for(&error);
    render(
        &PhonePage {
            site: &state.site,
            csrf: &who.session.csrf,
            error,
            current: who.account.phone.as_deref().map(mask_phone),
            pending: person::pending_phone(&who.session),
            by_call: (who.session.code.as_ref()).is_some_and(|code| code.method == Method::Call),
            typed,
            minutes: state.server.code_minutes,
        },
        status,
    )
}

#[derive(Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    channel: String,
}

pub async fn phone_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, PhoneForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome = person::start_phone(
        &state,
        &caller(&state, &parts),
        &who,
        &form.phone,
        &form.channel,
    )
    .await?;
    answer_form(
        &state,
        &who,
        outcome,
        "/account/phone",
        async |who, error, _| Ok(phone_page(&state, &who, error, form.phone.trim())),
    )
    .await
}

pub async fn phone_confirm_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, CodeForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome = person::confirm_phone(&state, &caller(&state, &parts), &who, &form.code).await?;
    answer_form(
        &state,
        &who,
        outcome,
        "/account?done=phone",
        async |who, error, _| Ok(phone_page(&state, &who, error, "")),
    )
    .await
}

/// Back from the code to typing a number.
pub async fn phone_cancel_post(
    State(state): State<Core>,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    person::cancel_phone(&state, &session).await?;
    Ok(to("/account/phone"))
}

pub async fn phone_remove_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome = person::remove_phone(&state, &caller(&state, &parts), &who).await?;
    answer_form(
        &state,
        &who,
        outcome,
        "/account?done=phone-removed",
        async |who, error, _| Ok(home_page(&state, &parts, &who, None, false, error)),
    )
    .await
}

with_csrf!(PhoneForm);
