//! The help desk: staff sign in with a password and an authenticator code,
//! look an account up, verify the caller (a code to a method the account
//! has, or a recorded out-of-band check), and only then change it. Every
//! step is audited under the member's name.

mod caller;
mod signin;

pub use caller::{ActionInput, Outcome, act_on};
pub use signin::{staff_factor, staff_sign_in, staff_sign_out};

use super::code::codes_paused;
use super::session::{SessionKind, live_bounds};
use super::{Caller, Core, Error};
use crate::directory::Lock;
use crate::model::account::{Account, normalize_phone};
use crate::model::audit::Action;
use crate::secrets::token_id;
use crate::store::{AuditEvent, NewEvent, PendingWrite, Role, Staff, StaffSession, Stage};

/// A signed-in member of staff and their session.
pub struct OnDuty {
    pub session: StaffSession,
    pub staff: Staff,
}

impl OnDuty {
    /// Whether the caller of `account_id` was verified in this session recently.
    pub fn verified(&self, core: &Core, account_id: i64) -> bool {
        let fresh_since = core.clock.now() - core.site.helpdesk.verification_minutes * 60;
        self.session.caller_id == Some(account_id)
            && self
                .session
                .caller_verified_at
                .is_some_and(|at| at > fresh_since)
    }

    /// Appends an event naming this member of staff.
    pub async fn record(
        &self,
        core: &Core,
        caller: &Caller,
        action: Action,
        account_id: Option<i64>,
        detail: &str,
    ) -> Result<(), Error> {
        staff_event(
            core,
            caller,
            &self.staff.actor(),
            action,
            account_id,
            detail,
        )
        .await
    }

    /// Admins pass; anyone else's try is audited (with `what` they tried)
    /// and refused with the console's own page.
    pub async fn require_admin(
        &self,
        core: &Core,
        caller: &Caller,
        what: &str,
    ) -> Result<(), Error> {
        if self.staff.role == Role::Admin {
            return Ok(());
        }
        self.record(core, caller, Action::RefusedNotAdmin, None, what)
            .await?;
        Err(Error::Forbidden)
    }
}

impl OnDuty {
    /// Admins and readers of reports pass; an agent's try is audited and refused.
    pub async fn require_reports(&self, core: &Core, caller: &Caller) -> Result<(), Error> {
        if self.staff.role.reads_reports() {
            return Ok(());
        }
        self.record(core, caller, Action::RefusedNotAdmin, None, "reports")
            .await?;
        Err(Error::Forbidden)
    }
}

/// The staff session `token` names (a cookie's, or an API client's bearer token).
pub async fn staff_session_named(core: &Core, token: &str) -> Result<Option<StaffSession>, Error> {
    let (now, idle_cutoff) = live_bounds(core, SessionKind::Staff);
    Ok(core
        .store
        .staff_session(&token_id(token), now, idle_cutoff)
        .await?)
}

/// On duty at the help desk: signed in (see [`signed_in`]) as an agent or
/// an admin. A reader of reports is refused every account and caller.
pub async fn on_duty(core: &Core, session: Option<StaffSession>) -> Result<OnDuty, Error> {
    let on = signed_in(core, session).await?;
    if on.staff.role == Role::Report {
        return Err(Error::Forbidden);
    }
    Ok(on)
}

/// Signed in (see [`present`]) with no password change owed, in any role:
/// for the reports.
pub async fn signed_in(core: &Core, session: Option<StaffSession>) -> Result<OnDuty, Error> {
    let on = present(core, session).await?;
    if on.staff.must_change_password {
        return Err(Error::PasswordChangeOwed);
    }
    Ok(on)
}

/// Signed in, password and authenticator both, and still allowed to be,
/// in any role, a password change owed or not: for one's own password.
pub async fn present(core: &Core, session: Option<StaffSession>) -> Result<OnDuty, Error> {
    let session = session.ok_or(Error::NotOnDuty)?;
    if session.stage != Stage::Active {
        return Err(Error::NotOnDuty);
    }
    let staff_id = session.staff_id.ok_or(Error::NotOnDuty)?;
    match core.store.staff_by_id(staff_id).await? {
        Some(staff) if staff.disabled_at.is_none() => Ok(OnDuty { session, staff }),
        _ => Err(Error::NotOnDuty),
    }
}

/// Appends an event naming the member of staff, with what they wrote.
pub(super) async fn staff_event(
    core: &Core,
    caller: &Caller,
    actor: &str,
    action: Action,
    account_id: Option<i64>,
    detail: &str,
) -> Result<(), Error> {
    core.store
        .append_event(&NewEvent {
            at: core.clock.now(),
            actor,
            action: &action.name(),
            account_id,
            address: &caller.address,
            detail,
        })
        .await?;
    Ok(())
}

/// What an agent sees of an account, on the console's page and in the API.
pub struct AccountFacts {
    pub account: Account,
    pub has_app: bool,
    /// Online reset is locked after too many wrong codes.
    pub locked: bool,
    /// The caller was verified in this session lately: changes are open.
    pub verified: bool,
    /// Whether the directory has the account locked (`None`: no directory,
    /// or it could not say).
    pub directory_lock: Option<Lock>,
    /// A change the directory took that this store has yet to take.
    pub pending_write: Option<PendingWrite>,
    /// The last 15 events, newest first.
    pub events: Vec<AuditEvent>,
    /// The last 10 notices queued for the account, newest first: whether
    /// each went, is still being tried, or never went.
    pub deliveries: Vec<crate::store::Delivery>,
    /// The reset codes strangers had sent lately, and from where.
    pub codes_by_others: crate::domain::code::CodesByOthers,
    /// The watch after the last change made here: what it saw and did.
    pub watch: Option<crate::store::Watch>,
}

/// The accounts an agent's search finds: by the start of a username or
/// an email address, or by a phone number in any form people write one
/// (at most 25; nothing for an empty search).
pub async fn search(core: &Core, typed: &str) -> Result<Vec<Account>, Error> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(Vec::new());
    }
    let phone = normalize_phone(typed).ok();
    Ok(core
        .store
        .search_accounts(typed, phone.as_deref(), 25)
        .await?)
}

/// The account staff named by its id, or `NotFound`.
pub async fn existing_account(core: &Core, id: i64) -> Result<Account, Error> {
    let account = core.store.account_by_id(id).await?;
    account.ok_or(Error::NotFound)
}

pub async fn account_facts(
    core: &Core,
    on: &OnDuty,
    account_id: i64,
) -> Result<AccountFacts, Error> {
    let account = existing_account(core, account_id).await?;
    let methods = core.store.methods(account.id).await?;
    let pending = core.store.pending_writes().await?;
    Ok(AccountFacts {
        has_app: methods.iter().any(|m| m.kind == "totp"),
        locked: codes_paused(&account, core.clock.now()),
        verified: on.verified(core, account.id),
        directory_lock: crate::domain::unlock::directory_lock(core, &account).await,
        pending_write: pending.into_iter().find(|w| w.account_id == account.id),
        events: core.store.events_of(account.id, 15).await?,
        deliveries: core.store.deliveries(Some(account.id), 10).await?,
        codes_by_others: crate::domain::code::codes_by_others(core, account.id).await?,
        watch: core.store.watch_of(account.id).await?,
        account,
    })
}
