//! `/signin/pass`: sign in once with a temporary access pass the help desk
//! read out, to register new ways (`domain::access_pass`).

use super::*;
use crate::domain::access_pass;

#[derive(Template)]
#[template(path = "account/pass.html")]
struct PassPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    identifier: &'a str,
}

fn pass_page(state: &Core, csrf: &str, error: Option<String>, identifier: &str) -> Response {
    let status = status_for(&error);
    render(
        &PassPage {
            site: &state.site,
            csrf,
            error,
            identifier,
        },
        status,
    )
}

pub async fn pass_get(State(state): State<Core>, parts: Parts) -> Result<Response, WebError> {
    match current(&state, &parts.headers).await? {
        Some(s) if s.stage == Stage::Signin => {
            let flash = refusal(&state, &s).await?;
            Ok(pass_page(&state, &s.csrf, flash.error, &flash.typed))
        }
        Some(_) => Ok(to("/account")),
        None => anonymous_session(&state, &parts, pass_page).await,
    }
}

#[derive(Deserialize)]
pub struct PassForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    pass: String,
}

with_csrf!(PassForm);

pub async fn pass_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, PassForm>,
) -> Result<Response, WebError> {
    if session.stage != Stage::Signin {
        return Ok(to("/account"));
    }
    let caller = caller(&state, &parts);
    match access_pass::sign_in(&state, &caller, &form.identifier, &form.pass).await? {
        Err(error) => {
            let flash = Flash::refused(Some(error), &[]).typed(form.identifier.trim());
            flash::refused(&state, &holder(&session), flash, "/signin/pass").await
        }
        Ok(token) => {
            // A new token for the signed-in session: the anonymous one is dropped.
            state.store.end_account_session(&session.id).await?;
            renewed(&state, to("/account"), &token)
        }
    }
}
