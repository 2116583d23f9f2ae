//! Every `registration.reconfirm_days` (180) people are asked, once signed
//! in, whether the ways they reset with are still theirs (as Entra asks):
//! a phone number given up years ago would otherwise reset the account for
//! whoever holds it now. Changing a way counts as confirming it.

use super::SignedIn;
use crate::domain::{Caller, Core, Error, SELF_SERVICE, change_account};
use crate::model::audit::Action;
use crate::store::AccountChange;

/// Whether to ask now. An account whose ways were never confirmed here
/// (from before this was kept) starts its clock at this sign-in instead.
pub async fn methods_to_confirm(core: &Core, who: &SignedIn) -> Result<bool, Error> {
    let days = core.registration.reconfirm_days;
    if days <= 0 || !who.has_methods() {
        return Ok(false);
    }
    let now = core.clock.now();
    match who.account.methods_confirmed_at {
        None => {
            core.store.start_methods_clock(who.account.id, now).await?;
            Ok(false)
        }
        Some(at) => Ok(now - at >= days * 86_400),
    }
}

/// The owner says their ways are still theirs: asked again in N days.
pub async fn confirm_methods(core: &Core, caller: &Caller, who: &SignedIn) -> Result<(), Error> {
    let (change, action) = (AccountChange::MethodsConfirmed, Action::MethodsConfirmed);
    change_account(core, caller, SELF_SERVICE, who.account.id, change, action).await?;
    Ok(())
}
