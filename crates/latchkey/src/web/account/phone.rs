//! `/account/phone`: register, replace or remove the phone codes go to.

use super::*;
use crate::domain::code::{CodeDelivery, CodeWords, SentCode, code_delivery, sent_code_told};

#[derive(Template)]
#[template(path = "account/phone.html")]
struct PhonePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    current: Option<String>,
    /// The number waiting for its code, in full: its owner just typed it.
    pending: Option<String>,
    /// Whether the provider took that code yet.
    delivery: CodeDelivery,
    /// Where that code stands, in words.
    told: String,
    typed: &'a str,
}

pub async fn phone_get(State(state): State<Core>, who: SignedIn) -> Result<Response, WebError> {
    if !person::factor_is_fresh(&state, &who) {
        return Ok(verify_first(Next::Phone));
    }
    let flash = refusal(&state, &who.session).await?;
    phone_page(&state, &who, flash.error, &flash.typed).await
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
    let told = match (&pending, &who.session.code) {
        (Some(phone), Some(code)) => {
            let sent = SentCode {
                method: code.method,
                code: Some(code),
                delivery,
            };
            sent_code_told(state, CodeWords::Registration, phone, sent)
        }
        _ => String::new(),
    };
    Ok(render(
        &PhonePage {
            site: &state.site,
            csrf: &who.session.csrf,
            error,
            current: who.account.phone.as_deref().map(mask_phone),
            pending,
            delivery,
            told,
            typed,
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
        ("/account/phone", form.phone.trim()),
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
        ("/account/phone", ""),
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
        ("/account", ""),
    )
    .await
}

#[derive(Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    language: String,
}

with_csrf!(LanguageForm);

/// The language of texts, calls and mails about the account.
pub async fn language_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, LanguageForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome =
        person::choose_language(&state, &caller(&state, &parts), &who, &form.language).await?;
    answer_form(
        &state,
        &who,
        outcome,
        "/account?done=language",
        ("/account", ""),
    )
    .await
}

with_csrf!(PhoneForm);
