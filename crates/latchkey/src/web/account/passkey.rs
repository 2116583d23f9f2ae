//! `/account/passkey`: the person's passkeys, named, added and removed (a
//! fresh second factor first); and a passkey as a sign-in's second factor
//! (`/account/verify/passkey`). The rules are in `domain::passkey`.

use super::*;
use crate::domain::passkey;
use crate::web::passkey::options_answer;

#[derive(Template)]
#[template(path = "account/passkey.html")]
struct PasskeyPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    error: Option<String>,
    /// Each passkey: its id, name, and when it was added.
    passkeys: Vec<(i64, String, String)>,
    /// Passkeys can work at this address.
    offered: bool,
}

pub async fn passkey_get(State(state): State<Core>, who: SignedIn) -> Result<Response, WebError> {
    if !person::factor_is_fresh(&state, &who) {
        return Ok(verify_first(Next::Passkey));
    }
    let flash = refusal(&state, &who.session).await?;
    let lang = i18n::current().lang;
    let passkeys = (state.store.passkeys(who.account.id).await?)
        .into_iter()
        .map(|p| {
            let added = i18n::date_time(lang, &state.site.zone, p.created_at);
            (p.id, p.name, added)
        })
        .collect();
    let status = status_for(&flash.error);
    Ok(render(
        &PasskeyPage {
            site: &state.site,
            csrf: &who.session.csrf,
            error: flash.error,
            passkeys,
            offered: passkey::offered(&state),
        },
        status,
    ))
}

/// The options to register a passkey with (JSON), or 404.
pub async fn passkey_options_post(
    State(state): State<Core>,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let options = passkey::start_registration(&state, &who).await?.ok();
    Ok(options_answer(options))
}

#[derive(Deserialize)]
pub struct NewPasskeyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    credential: String,
}

#[derive(Deserialize)]
pub struct ProveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    next: Next,
}

with_csrf!(NewPasskeyForm, ProveForm);

pub async fn passkey_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, NewPasskeyForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let caller = caller(&state, &parts);
    let outcome =
        passkey::finish_registration(&state, &caller, &who, &form.name, &form.credential).await?;
    let typed = form.name.trim();
    answer_form(
        &state,
        &who,
        outcome,
        "/account?done=passkey",
        ("/account/passkey", typed),
    )
    .await
}

pub async fn passkey_remove_post(
    State(state): State<Core>,
    parts: Parts,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome = passkey::remove(&state, &caller(&state, &parts), &who, id).await?;
    let then = "/account?done=passkey-removed";
    answer_form(&state, &who, outcome, then, ("/account/passkey", "")).await
}

/// The options to prove the sign-in's second factor with a passkey, or 404.
pub async fn verify_passkey_options_post(
    State(state): State<Core>,
    Checked { session, .. }: Checked<AccountSession, CsrfForm>,
) -> Result<Response, WebError> {
    if session.stage == Stage::Signin {
        return Ok(options_answer(None::<()>));
    }
    Ok(options_answer(
        passkey::start_sign_in_proof(&state, &session).await?,
    ))
}

pub async fn verify_passkey_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, ProveForm>,
) -> Result<Response, WebError> {
    if session.stage == Stage::Signin {
        return Ok(to("/signin"));
    }
    let caller = caller(&state, &parts);
    let outcome = passkey::prove_sign_in(&state, &caller, &session, &form.credential).await?;
    factor_answer(&state, &session, form.next, outcome).await
}

#[derive(Deserialize)]
pub struct PasskeySignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    identifier: String,
    #[serde(default)]
    credential: String,
}

with_csrf!(PasskeySignInForm);

/// The options to sign in with a passkey alone, for the username typed.
pub async fn signin_passkey_options_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, PasskeySignInForm>,
) -> Result<Response, WebError> {
    if session.stage != Stage::Signin {
        return Ok(options_answer(None::<()>));
    }
    let (caller, holder) = (caller(&state, &parts), holder(&session));
    let options = passkey::start_sign_in(&state, &caller, &holder, &form.identifier).await?;
    Ok(options_answer(options))
}

pub async fn signin_passkey_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, PasskeySignInForm>,
) -> Result<Response, WebError> {
    if session.stage != Stage::Signin {
        return Ok(to("/account"));
    }
    let caller = caller(&state, &parts);
    match passkey::sign_in(&state, &caller, &holder(&session), &form.credential).await? {
        Err(error) => {
            let flash = Flash::refused(Some(error), &[]).typed(form.identifier.trim());
            flash::refused(&state, &holder(&session), flash, "/signin").await
        }
        Ok(token) => {
            state.store.end_account_session(&session.id).await?;
            renewed(&state, to("/account"), &token)
        }
    }
}
