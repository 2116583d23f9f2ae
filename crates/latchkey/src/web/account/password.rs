//! `/account/password`: change a known password, with the live checklist.

use super::*;

#[derive(Template)]
#[template(path = "account/password.html")]
struct UpdatePage<'a> {
    site: &'a Site,
    csrf: &'a str,
    /// Why a new password is required before going on, if it is.
    required: Option<String>,
    error: Option<String>,
    violations: Vec<Violation>,
    checklist: Checklist,
}

pub async fn password_get(State(state): State<Core>, parts: Parts) -> Result<Response, WebError> {
    let who = person::signed_in(&state, current(&state, &parts.headers).await?).await?;
    if let Some(warning) = off_campus_warning(&state, &parts) {
        return Ok(warning);
    }
    let flash = refusal(&state, &who.session).await?;
    let violations = flash.violations();
    Ok(update_page(&state, &who, flash.error, violations).await)
}

async fn update_page(
    state: &Core,
    who: &SignedIn,
    error: Option<String>,
    violations: Vec<Violation>,
) -> Response {
    let status = if error.is_some() || !violations.is_empty() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        &UpdatePage {
            site: &state.site,
            csrf: &who.session.csrf,
            required: who.account.must_change_reason.map(|reason| reason.notice()),
            error,
            checklist: checklist(&*state.policy_for(&who.account).await, &violations),
            violations,
        },
        status,
    )
}

#[derive(Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<AccountSession, UpdateForm>,
) -> Result<Response, WebError> {
    let who = person::signed_in(&state, Some(session)).await?;
    let outcome = person::update_password(
        &state,
        &caller(&state, &parts),
        &who,
        &form.current,
        &form.password,
        &form.confirm,
    )
    .await?;
    answer_form(
        &state,
        &who,
        outcome,
        "/account?done=password",
        // Past the off-campus warning: they chose to go on before.
        ("/account/password?anyway=1", ""),
    )
    .await
}

/// The live checklist for the update form.
pub async fn password_check_post(
    State(state): State<Core>,
    Checked { session, form }: Checked<AccountSession, UpdateForm>,
) -> Response {
    let result = async {
        let who = person::signed_in(&state, Some(session)).await?;
        let body = check_answer(
            &*state.policy_for(&who.account).await,
            &form.password,
            &form.confirm,
            &who.account.person(),
        );
        Ok(axum::Json(body).into_response())
    }
    .await;
    result.unwrap_or_else(|_: WebError| StatusCode::FORBIDDEN.into_response())
}

with_csrf!(UpdateForm);
