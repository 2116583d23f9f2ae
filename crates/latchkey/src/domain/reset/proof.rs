//! The proofs a reset's method step takes beyond a sent or app code (a
//! recovery code, a passkey), the ways still open to it, and how a proof
//! moves the reset on: to the new password once it has as many as
//! `domain::proofs` asks, else back to the method for another way.

use super::*;

/// The ways a reset may still prove itself by.
pub struct WaysLeft {
    /// The account's open ways less those proven already (a second proof
    /// is by another way).
    pub methods: Vec<Method>,
    /// A recovery code may be one.
    pub recovery: bool,
    /// A passkey may be one.
    pub passkey: bool,
}

pub async fn ways_left(
    core: &Core,
    session: &ResetSession,
    account: &crate::model::account::Account,
) -> Result<WaysLeft, Error> {
    let mut methods = methods_now(core, account, CodeUse::Reset).await?;
    methods.retain(|m| !session.proven.contains(&Proof::of(*m)));
    let not_yet = |proof| !session.proven.contains(&proof);
    let recovery = not_yet(Proof::Recovery)
        && crate::domain::person::recovery_codes_left(core, account.id).await? > 0;
    let passkey = not_yet(Proof::Passkey)
        && crate::domain::passkey::offered(core)
        && !core.store.passkeys(account.id).await?.is_empty();
    Ok(WaysLeft {
        methods,
        recovery,
        passkey,
    })
}

/// Begins a passkey's proof at the method step: the browser's options, or
/// `None` when the reset is elsewhere or the account has no passkey.
pub async fn start_passkey(
    core: &Core,
    session: &ResetSession,
) -> Result<Option<webauthn_rs::prelude::RequestChallengeResponse>, Error> {
    let (Some(account_id), Step::Method) = (session.account_id, session.step) else {
        return Ok(None);
    };
    if session.proven.contains(&Proof::Passkey) {
        return Ok(None);
    }
    let holder = SessionKind::Reset.holder(&session.id);
    crate::domain::passkey::start_proof(core, &holder, account_id).await
}

/// A passkey at the method step: proven, on as any proof goes on; a failed
/// answer counts as a wrong app code would.
pub async fn use_passkey(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    credential: &str,
) -> Result<Outcome, Error> {
    let (Some(account_id), Step::Method) = (session.account_id, session.step) else {
        return Ok(Outcome::OtherStep);
    };
    if paused_here(core, &caller.source, account_id).await? {
        return Ok(again(paused_here_message(core)));
    }
    let holder = SessionKind::Reset.holder(&session.id);
    if !crate::domain::passkey::finish_proof(core, caller, &holder, account_id, credential).await? {
        return match count_wrong_code(core, caller, account_id, Method::App).await? {
            WrongCode::Locked => {
                (core.store)
                    .advance_reset(&session.id, session.step, Step::Paused)
                    .await?;
                audit(core, caller, Action::ResetLocked, Some(account_id)).await?;
                Ok(Outcome::Moved)
            }
            WrongCode::PausedHere => Ok(again(paused_here_message(core))),
            _ => Ok(again(say("passkey-failed", &[]))),
        };
    }
    proved(core, caller, session, Proof::Passkey).await
}

/// Why a reset with a proof in asks for another: `None` before the first
/// proof, or when one is enough.
pub async fn second_proof_words(
    core: &Core,
    session: &ResetSession,
    account: &crate::model::account::Account,
) -> Result<Option<String>, Error> {
    if session.proven.is_empty() {
        return Ok(None);
    }
    Ok(proofs::needed_for(core, Some(account))
        .await?
        .second_words())
}

/// A proof accepted at `at` (the code or the method step): on to the new
/// password once the account's reset has as many as it needs, else back to
/// the method for another way; under a new token either way.
pub(super) async fn proved(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    proof: Proof,
) -> Result<Outcome, Error> {
    let account = account_of(core, session.account_id).await?;
    let needed = proofs::needed_for(core, Some(&account)).await?;
    let mut proven = session.proven.clone();
    proven.push(proof);
    let next = if needed.met_by(&proven) {
        Step::Password
    } else {
        Step::Method
    };
    let token = core.entropy.token();
    let renamed = (core.store)
        .accept_reset_proof(&session.id, &token_id(&token), session.step, next, &proven)
        .await?;
    if !renamed {
        // Another request took this proof first; it holds the new token.
        return Ok(Outcome::Moved);
    }
    if next == Step::Method {
        let action = Action::ResetProofAccepted(proof.as_str());
        audit(core, caller, action, Some(account.id)).await?;
    }
    Ok(Outcome::Renewed(token))
}

/// A recovery code in place of a sent or app code, at the method or code
/// step: right, and on to the new password (the owner told how many are
/// left); a wrong one counts as a wrong app code would.
pub async fn use_recovery_code(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    typed: &str,
) -> Result<Outcome, Error> {
    let (Some(account_id), Step::Method | Step::Code) = (session.account_id, session.step) else {
        return Ok(Outcome::OtherStep);
    };
    if paused_here(core, &caller.source, account_id).await? {
        return Ok(again(paused_here_message(core)));
    }
    if session.proven.contains(&Proof::Recovery) {
        return Ok(again(say("proof-same-way", &[])));
    }
    let Some(left) = crate::domain::person::spend_recovery_code(core, account_id, typed).await?
    else {
        audit(core, caller, Action::RecoveryCodeWrong, Some(account_id)).await?;
        return match count_wrong_code(core, caller, account_id, Method::App).await? {
            WrongCode::Locked => {
                (core.store)
                    .advance_reset(&session.id, session.step, Step::Paused)
                    .await?;
                audit(core, caller, Action::ResetLocked, Some(account_id)).await?;
                Ok(Outcome::Moved)
            }
            WrongCode::PausedHere => Ok(again(paused_here_message(core))),
            _ => Ok(again(say("recovery-wrong", &[]))),
        };
    };
    let what = ("notice-recovery-used-reset", left);
    crate::domain::person::told_of_use_of_recovery_code(core, caller, account_id, what).await?;
    proved(core, caller, session, Proof::Recovery).await
}
