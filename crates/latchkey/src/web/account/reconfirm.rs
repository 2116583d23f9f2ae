//! The question asked every `registration.reconfirm_days` at `/account`:
//! are these ways still yours? (`domain::person::reconfirm`).

use super::*;

#[derive(Template)]
#[template(path = "account/confirm_methods.html")]
struct ConfirmMethodsPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    phone: Option<String>,
    has_authenticator: bool,
    recovery_left: usize,
}

/// The question, in place of the account page.
pub(super) async fn confirm_methods_page(
    state: &Core,
    who: &SignedIn,
) -> Result<Response, WebError> {
    Ok(render(
        &ConfirmMethodsPage {
            site: &state.site,
            csrf: &who.session.csrf,
            phone: who.account.phone.as_deref().map(mask_phone),
            has_authenticator: who.has_authenticator,
            recovery_left: person::recovery_codes_left(state, who.account.id).await?,
        },
        StatusCode::OK,
    ))
}

pub async fn confirm_methods_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    person::confirm_methods(&state, &caller(&state, &parts), &who).await?;
    Ok(to("/account?done=confirmed"))
}
