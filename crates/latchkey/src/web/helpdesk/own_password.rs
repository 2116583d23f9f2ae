//! `/helpdesk/password`: a member of staff changes their own password, by
//! choice or because an admin handed them a temporary one (then every other
//! console page sends them here first).

use super::*;
use crate::domain::checklist::violation_words;
use crate::domain::staff::{self, OwnChange, OwnRefusal};

#[derive(Template)]
#[template(path = "helpdesk/own_password.html")]
struct OwnPasswordPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    /// A temporary password is in use: the page says why it is here.
    owed: bool,
    done: bool,
    error: Option<String>,
    /// Each broken rule, in words.
    violations: Vec<String>,
}

#[derive(Deserialize)]
pub struct OwnPasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

with_csrf!(OwnPasswordForm);

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn own_password_get(
    State(state): State<Core>,
    parts: Parts,
    Query(query): Query<DoneQuery>,
) -> Result<Response, WebError> {
    let on = helpdesk::present(&state, current(&state, &parts).await?).await?;
    let page = OwnPasswordPage {
        site: &state.site,
        csrf: &on.session.csrf,
        staff: &on.staff,
        owed: on.staff.must_change_password,
        done: query.done == "1",
        error: None,
        violations: Vec::new(),
    };
    Ok(render(&page, StatusCode::OK))
}

pub async fn own_password_post(
    State(state): State<Core>,
    parts: Parts,
    Checked { session, form }: Checked<StaffSession, OwnPasswordForm>,
) -> Result<Response, WebError> {
    let on = helpdesk::present(&state, Some(session)).await?;
    let change = OwnChange {
        current: &form.current,
        new: &form.password,
        confirm: &form.confirm,
        keeping: &on.session.id,
    };
    let now = state.clock.now();
    let refusal = staff::change_own_password(
        &state.store,
        &state.hasher,
        &state.policy,
        &on.staff,
        &change,
        now,
    )
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?
    .err();
    let Some(refusal) = refusal else {
        return Ok(to("/helpdesk/password?done=1".into()));
    };
    let (error, violations, rules) = match refusal {
        OwnRefusal::CurrentWrong => (
            say("hd-own-current-wrong", &[]),
            Vec::new(),
            "current".to_owned(),
        ),
        OwnRefusal::Differs => (
            say("passwords-differ", &[]),
            Vec::new(),
            "confirm".to_owned(),
        ),
        OwnRefusal::Broken(broken) => (
            say("hd-own-refused", &[]),
            broken.iter().map(violation_words).collect(),
            broken
                .iter()
                .map(|v| v.rule.id())
                .collect::<Vec<_>>()
                .join(","),
        ),
    };
    on.record(
        &state,
        &caller(&state, &parts),
        Action::StaffPasswordChangeRefused(rules),
        None,
        "",
    )
    .await?;
    let page = OwnPasswordPage {
        site: &state.site,
        csrf: &on.session.csrf,
        staff: &on.staff,
        owed: on.staff.must_change_password,
        done: false,
        error: Some(error),
        violations,
    };
    Ok(render(&page, StatusCode::UNPROCESSABLE_ENTITY))
}
