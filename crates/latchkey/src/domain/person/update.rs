//! A change of the password the person knows: the current one first
//! (throttled as at sign-in), then the same policy and change as a reset.

use super::signin::{count_wrong_password, directory_unreachable, signin_paused, withheld};
use super::{Outcome, SignedIn, refused};
use crate::domain::authority::Checked;
use crate::domain::change::{MayChange, prove_current_password};
use crate::domain::checklist::{Made, made, not_changed};
use crate::domain::limits::Limit;
use crate::domain::{Caller, Core, Error, after_change, audit, change_own_password};
use crate::i18n::say;
use crate::model::audit::Action;

/// The current password, then the same policy, history and transaction as
/// a reset. Every other session of the account ends.
pub async fn update_password(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
    current: &str,
    password: &str,
    confirm: &str,
) -> Result<Outcome, Error> {
    let account = &who.account;
    if password != confirm {
        return Ok(refused(say("update-differ", &[])));
    }
    if signin_paused(core, account.id).await? {
        let minutes = Limit::SignInFailuresPerAccount.bounds(&core.throttle).1 / 60;
        return Ok(refused(say(
            "update-paused",
            &[("minutes", minutes.to_string())],
        )));
    }
    let now = core.clock.now();
    let proven = prove_current_password(&core.passwords(), account, current, now).await?;
    let proven = match proven {
        Ok(proven) => proven,
        Err(Checked::Unreachable) => return Ok(refused(directory_unreachable())),
        Err(Checked::Withheld(until)) => {
            audit(core, caller, Action::SignInWithheld, Some(account.id)).await?;
            return Ok(refused(withheld(core, until)));
        }
        Err(_) => {
            count_wrong_password(core, caller, account.id).await?;
            audit(core, caller, Action::CurrentPasswordWrong, Some(account.id)).await?;
            return Ok(refused(say("update-wrong-current", &[])));
        }
    };
    let may = MayChange::by_person(proven);
    let changed = change_own_password(core, caller, may, password).await;
    let made = match made(changed) {
        Ok(made) => made,
        Err(e) => {
            let not = not_changed(e, &core.site.zone)?;
            let action = Action::PasswordRefused(not.rules.clone());
            audit(core, caller, action, Some(account.id)).await?;
            return Ok(Outcome::Refused {
                error: not.error.unwrap_or_default(),
                violations: not.violations,
            });
        }
    };
    let ended = match made {
        Made::Everywhere(queued) => {
            after_change(core, caller, account, Some(&who.session.id), &queued).await?
        }
        // Told, and signed out elsewhere, when the change is settled here.
        Made::InDirectory => 0,
    };
    let action = Action::PasswordUpdated {
        ended_sessions: ended,
    };
    audit(core, caller, action, Some(account.id)).await?;
    Ok(Outcome::Done)
}
