//! Saved recovery codes (NIST SP 800-63B-4): ten at a time, each 64 random
//! bits shown once and kept only as a keyed hash, each used once; a new set
//! voids the old. One proves the person as a second factor would.

use super::{Next, Outcome, SignedIn, factor_is_fresh, prove_factor, refused};
use crate::domain::code::{count_wrong_signin_code, signin_codes_paused};
use crate::domain::{Caller, Core, Error, audit, notify, own_event};
use crate::i18n::{Text, say};
use crate::model::audit::Action;
use crate::notify::Notice;
use crate::store::AccountSession;

/// How many codes a set holds.
pub const SET: usize = 10;
const PURPOSE: &str = "recovery-code";

/// A new set for the signed-in person, shown to them once: `Ok(codes)`, or
/// a second factor to prove first. The old set stops working.
pub async fn make_recovery_codes(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
) -> Result<Result<Vec<String>, Outcome>, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Err(Outcome::VerifyFirst(Next::Recovery)));
    }
    // 64 bits each, as four groups of four hex digits: easy to copy out.
    let codes: Vec<String> = (0..SET)
        .map(|_| {
            let token = core.entropy.token();
            let bits = &token[..16];
            (0..4)
                .map(|i| &bits[i * 4..i * 4 + 4])
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect();
    let tags: Vec<String> = codes
        .iter()
        .map(|c| core.key.tag(PURPOSE, &normal(c)))
        .collect();
    let action = Action::RecoveryCodesMade.name();
    let event = own_event(core, caller, who.account.id, &action);
    core.store
        .replace_recovery_codes(who.account.id, &tags, &event)
        .await?;
    let notice = Notice::Methods(Text::new("notice-recovery-made"));
    notify(core, caller, &who.account, notice, None).await?;
    Ok(Ok(codes))
}

/// How many of the account's codes are left.
pub async fn recovery_codes_left(core: &Core, account_id: i64) -> Result<usize, Error> {
    Ok(core.store.unused_recovery_codes(account_id).await?.len())
}

/// Spends the code `typed` if it is one of the account's unused ones: how
/// many are left after it, or `None`.
pub async fn spend_recovery_code(
    core: &Core,
    account_id: i64,
    typed: &str,
) -> Result<Option<usize>, Error> {
    let typed = normal(typed);
    let unused = core.store.unused_recovery_codes(account_id).await?;
    // Every stored hash is checked, each in constant time, whichever matches.
    let mut found = None;
    for (slot, tag) in &unused {
        if core.key.verify(PURPOSE, &typed, tag) {
            found = Some(*slot);
        }
    }
    let Some(slot) = found else {
        return Ok(None);
    };
    let now = core.clock.now();
    match core.store.use_recovery_code(account_id, slot, now).await? {
        true => Ok(Some(unused.len() - 1)),
        false => Ok(None),
    }
}

/// A recovery code as the second factor of a sign-in (or to refresh one):
/// right, and the factor is proven; the owner is told, with how many are
/// left. Wrong ones count with wrong sign-in codes.
pub async fn check_recovery_code(
    core: &Core,
    caller: &Caller,
    session: &AccountSession,
    typed: &str,
) -> Result<Outcome, Error> {
    let account_id = session.account_id.ok_or(Error::Expired)?;
    if signin_codes_paused(core, account_id).await? {
        return Ok(refused(super::codes_paused()));
    }
    let Some(left) = spend_recovery_code(core, account_id, typed).await? else {
        audit(core, caller, Action::RecoveryCodeWrong, Some(account_id)).await?;
        count_wrong_signin_code(core, account_id).await?;
        return Ok(refused(say("recovery-wrong", &[])));
    };
    told_of_use(core, caller, account_id, ("notice-recovery-used", left)).await?;
    let token = prove_factor(core, &session.id).await?;
    Ok(Outcome::Renewed(token))
}

/// A code was used (to sign in, or to reset): audited, and the owner told
/// by the notice `what`, with how many are `left`.
pub async fn told_of_use(
    core: &Core,
    caller: &Caller,
    account_id: i64,
    (what, left): (&'static str, usize),
) -> Result<(), Error> {
    audit(core, caller, Action::RecoveryCodeUsed, Some(account_id)).await?;
    let account = crate::domain::account_of(core, Some(account_id)).await?;
    let notice = Notice::Methods(Text::new(what).with("left", left));
    notify(core, caller, &account, notice, None).await
}

/// Only the hex digits, in lower case: dashes, spaces and case do not count.
pub(crate) fn normal(code: &str) -> String {
    (code.chars())
        .filter(char::is_ascii_hexdigit)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
