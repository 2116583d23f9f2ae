//! `/account/email`: another address of the person's own, proven by a code
//! mailed to it (`domain::person::email`).

use super::*;
use crate::model::account::mask_email;

#[derive(Template)]
#[template(path = "account/email.html")]
struct EmailPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    /// The address registered now, masked.
    current: Option<String>,
    /// The address waiting for its code, in full: its owner just typed it.
    pending: Option<String>,
    minutes: i64,
    typed: &'a str,
}

pub async fn email_get(State(state): State<Core>, who: SignedIn) -> Result<Response, WebError> {
    if !person::factor_is_fresh(&state, &who) {
        return Ok(verify_first(Next::Email));
    }
    let flash = refusal(&state, &who.session).await?;
    let status = status_for(&flash.error);
    let waiting = who.session.code.as_ref().map(|c| c.purpose) == Some(CodeUse::Registration);
    Ok(render(
        &EmailPage {
            site: &state.site,
            csrf: &who.session.csrf,
            error: flash.error,
            current: who.account.alt_email.as_deref().map(mask_email),
            pending: who.session.enrol_email.clone().filter(|_| waiting),
            minutes: state.server.code_minutes,
            typed: &flash.typed,
        },
        status,
    ))
}

#[derive(Deserialize)]
pub struct EmailForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
}

with_csrf!(EmailForm);

pub async fn email_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, EmailForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let caller = caller(&state, &parts);
    let outcome = person::start_alt_email(&state, &caller, &who, &form.email).await?;
    let page = ("/account/email", form.email.trim());
    answer_form(&state, &who, outcome, "/account/email", page).await
}

pub async fn email_confirm_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, CodeForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let caller = caller(&state, &parts);
    let outcome = person::confirm_alt_email(&state, &caller, &who, &form.code).await?;
    answer_form(
        &state,
        &who,
        outcome,
        "/account?done=email",
        ("/account/email", ""),
    )
    .await
}

pub async fn email_remove_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome = person::remove_alt_email(&state, &caller(&state, &parts), &who).await?;
    let then = "/account?done=email-removed";
    answer_form(&state, &who, outcome, then, ("/account/email", "")).await
}
