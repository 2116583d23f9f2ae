//! `/helpdesk/staff`: admins manage staff (role, password, authenticator).

use super::*;
use crate::domain::staff;

#[derive(Template)]
#[template(path = "helpdesk/staff.html")]
struct StaffPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    members: Vec<Staff>,
    roles: [Role; 3],
}

pub async fn staff_get(
    State(state): State<Core>,
    parts: Parts,
    on: OnDuty,
) -> Result<Response, WebError> {
    on.require_admin(&state, &caller(&state, &parts), "staff")
        .await?;
    Ok(render(
        &StaffPage {
            site: &state.site,
            csrf: &on.session.csrf,
            staff: &on.staff,
            members: state.store.all_staff().await?,
            roles: Role::ALL,
        },
        StatusCode::OK,
    ))
}

/// `POST /helpdesk/staff/{id}/{change}`: admins only. `disable` (never
/// oneself), `enable`, `role-admin`, `role-agent`, `reset-password` and
/// `reset-authenticator`; a new password or key is shown to the admin once,
/// to hand over. Every change is audited and ends the member's sessions.
pub async fn staff_post(
    State(state): State<Core>,
    parts: Parts,
    Path((id, change)): Path<(i64, String)>,
    Checked { session, .. }: Checked<StaffSession, CsrfForm>,
) -> Result<Response, WebError> {
    let on = helpdesk::on_duty(&state, Some(session)).await?;
    on.require_admin(&state, &caller(&state, &parts), &change)
        .await?;
    let now = state.clock.now();
    let actor = on.staff.actor();
    let member = state
        .store
        .staff_by_id(id)
        .await?
        .ok_or(WebError::NoSuchStaff)?;
    let failed = |e: staff::StaffAdminError| WebError::Internal(e.to_string());
    let handed_over = match change.as_str() {
        "disable" if id != on.staff.id => {
            let store = &state.store;
            store.set_staff_disabled(id, Some(now), &actor, now).await?;
            None
        }
        "enable" => {
            state
                .store
                .set_staff_disabled(id, None, &actor, now)
                .await?;
            None
        }
        "role-admin" | "role-agent" | "role-report" if id != on.staff.id => {
            // Never oneself: so another admin, the one acting, always remains.
            let role = match change.as_str() {
                "role-admin" => Role::Admin,
                "role-report" => Role::Report,
                _ => Role::Agent,
            };
            staff::set_role(&state.store, &member, role, &actor, now)
                .await
                .map_err(failed)?;
            None
        }
        "reset-password" if id != on.staff.id => {
            let password = staff::temporary_password(&state.policy, &member.username)
                .ok_or_else(|| WebError::Internal("no temporary password fits".into()))?;
            let (store, hasher, policy) = (&state.store, &state.hasher, &state.policy);
            staff::reset_password(store, hasher, policy, &member, &password, &actor, now)
                .await
                .map_err(failed)?
                .map_err(|_| WebError::Internal("temporary password refused".into()))?;
            Some(Secret::Password(password))
        }
        "reset-authenticator" if id != on.staff.id => {
            let secret = staff::reset_authenticator(&state.store, &state.key, &member, &actor, now)
                .await
                .map_err(failed)?;
            Some(Secret::Key(crate::totp::base32(&secret)))
        }
        _ => return Err(WebError::NoSuchStaff),
    };
    let Some(secret) = handed_over else {
        return Ok(to("/helpdesk/staff".into()));
    };
    Ok(render(
        &HandOverPage {
            site: &state.site,
            csrf: &on.session.csrf,
            staff: &on.staff,
            member: &member.username,
            secret,
        },
        StatusCode::OK,
    ))
}

/// What an admin hands over to a member of staff, shown once.
enum Secret {
    Password(String),
    Key(String),
}

#[derive(Template)]
#[template(path = "helpdesk/hand_over.html")]
struct HandOverPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    member: &'a str,
    secret: Secret,
}
