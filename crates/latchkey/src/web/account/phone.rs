//! `/account/phone`: register, replace or remove the phone codes go to.

use super::*;
use crate::domain::code::{CodeDelivery, code_delivery};
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
    /// Whether the provider took that code yet.
    delivery: CodeDelivery,
    typed: &'a str,
    minutes: i64,
}

pub async fn phone_get(State(state): State<Core>, who: SignedIn) -> Result<Response, WebError> {
    if !person::factor_is_fresh(&state, &who) {
        return Ok(verify_first(Next::Phone));
    }
    phone_page(&state, &who, None, "").await
}

async fn phone_page(
    state: &Core,
    who: &SignedIn,
    error: Option<String>,
    typed: &str,
) -> Result<Response, WebError> {
    let status = status_for(&error);
    let pending = person::pending_phone(&who.session);
    let delivery = match pending {
        Some(_) => code_delivery(state, who.account.id).await?,
        None => CodeDelivery::Sent,
    };
    Ok(render(
        &PhonePage {
            site: &state.site,
            csrf: &who.session.csrf,
            error,
            current: who.account.phone.as_deref().map(mask_phone),
            pending,
            by_call: (who.session.code.as_ref()).is_some_and(|code| code.method == Method::Call),
            delivery,
            typed,
            minutes: state.server.code_minutes,
        },
        status,
    ))
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
        async |who, error, _| phone_page(&state, &who, error, form.phone.trim()).await,
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
        async |who, error, _| phone_page(&state, &who, error, "").await,
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
