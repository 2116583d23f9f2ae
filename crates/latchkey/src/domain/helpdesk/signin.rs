//! A member of staff signing in: the password, then always the
//! authenticator code; failures are counted per address and per username,
//! known or not, so the answers and their timing tell nothing.

use super::staff_event;
use crate::domain::code::typed_code;
use crate::domain::limits::Limit;
use crate::domain::{Caller, Core, Error};
use crate::model::audit::Action;
use crate::secrets::token_id;
use crate::store::{StaffSession, Stage};

/// The password. A wrong one, an unknown or a disabled member of staff get
/// the same answer after the same work (one Argon2id verification).
/// `Ok(token)` names a new session that still owes the authenticator code.
pub async fn staff_sign_in(
    core: &Core,
    caller: &Caller,
    username: &str,
    password: &str,
) -> Result<Result<String, String>, Error> {
    if too_many_failures(core, caller, username).await? {
        let minutes = Limit::StaffFailuresPerMember.bounds(&core.throttle).1 / 60;
        return Ok(Err(crate::i18n::say(
            "hd-signin-paused",
            &[("minutes", minutes.to_string())],
        )));
    }
    let staff = core.store.staff_by_username(username).await?;
    let right = match &staff {
        Some(staff) => core.hasher.verify(password, &staff.password_hash).await?,
        // As long as a wrong password takes: one Argon2id computation.
        None => {
            core.hasher.hash(password).await?;
            false
        }
    };
    let Some(staff) = staff.filter(|s| right && s.disabled_at.is_none()) else {
        count_failure(core, caller, username).await?;
        let actor = format!("staff:{}", member(username));
        staff_event(core, caller, &actor, Action::StaffSignInFailed, None, "").await?;
        return Ok(Err(crate::i18n::say("hd-signin-wrong", &[])));
    };
    let (token, csrf) = (core.entropy.token(), core.entropy.token());
    let now = core.clock.now();
    let lifetime = core.site.helpdesk.session_max_minutes * 60;
    core.store
        .create_staff_session(
            &token_id(&token),
            &csrf,
            Stage::Factor,
            Some(staff.id),
            now,
            now + lifetime,
        )
        .await?;
    let actor = staff.actor();
    staff_event(core, caller, &actor, Action::StaffPasswordOk, None, "").await?;
    Ok(Ok(token))
}

/// Failures are counted per address and per username as typed (known or
/// not, so a pause tells nothing).
fn member(username: &str) -> String {
    username.trim().to_lowercase()
}

async fn too_many_failures(core: &Core, caller: &Caller, username: &str) -> Result<bool, Error> {
    Ok(Limit::StaffFailuresPerAddress
        .paused(core, &caller.source)
        .await?
        || Limit::StaffFailuresPerMember
            .paused(core, &member(username))
            .await?)
}

async fn count_failure(core: &Core, caller: &Caller, username: &str) -> Result<(), Error> {
    Limit::StaffFailuresPerAddress
        .hit(core, &caller.source)
        .await?;
    Limit::StaffFailuresPerMember
        .hit(core, &member(username))
        .await?;
    Ok(())
}

/// The authenticator code: always owed, a step never accepted twice.
/// `Err` is for the member of staff; too many tries end the session.
pub async fn staff_factor(
    core: &Core,
    caller: &Caller,
    session: &StaffSession,
    typed: &str,
) -> Result<Result<String, String>, Error> {
    let staff_id = session.staff_id.filter(|_| session.stage == Stage::Factor);
    let staff = match staff_id {
        Some(id) => core.store.staff_by_id(id).await?,
        None => None,
    };
    let Some(staff) = staff.filter(|s| s.disabled_at.is_none()) else {
        return Err(Error::NotOnDuty);
    };
    if too_many_failures(core, caller, &staff.username).await? {
        core.store.end_staff_session(&session.id).await?;
        return Err(Error::TooMany);
    }
    let secret = crate::totp::open(&core.key, &staff.totp_secret)
        .ok_or_else(|| Error::Internal("a staff authenticator key cannot be opened".into()))?;
    let step = crate::totp::matching_step(&secret, &typed_code(typed), core.clock.now());
    let fresh = match step {
        Some(step) => core.store.claim_staff_step(staff.id, step).await?,
        None => false,
    };
    let actor = staff.actor();
    if !fresh {
        count_failure(core, caller, &staff.username).await?;
        staff_event(core, caller, &actor, Action::StaffFactorFailed, None, "").await?;
        return Ok(Err(crate::i18n::say("hd-factor-wrong", &[])));
    }
    let token = core.entropy.token();
    let activated = core
        .store
        .activate_staff_session(&session.id, &token_id(&token))
        .await?;
    if !activated {
        return Err(Error::NotOnDuty);
    }
    staff_event(core, caller, &actor, Action::StaffSignedIn, None, "").await?;
    Ok(Ok(token))
}

/// Ends the session (audited).
pub async fn staff_sign_out(
    core: &Core,
    caller: &Caller,
    session: &StaffSession,
) -> Result<(), Error> {
    core.store.end_staff_session(&session.id).await?;
    if let Some(staff) = session.staff_id {
        let actor = match core.store.staff_by_id(staff).await? {
            Some(staff) => staff.actor(),
            None => "staff".to_owned(),
        };
        staff_event(core, caller, &actor, Action::StaffSignedOut, None, "").await?;
    }
    Ok(())
}
