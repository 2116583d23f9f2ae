//! The reset flow's steps: identify → CAPTCHA → method → code → new
//! password → done. Each step checks that the reset is at it (a step sent
//! for another changes nothing) and returns what happened; the portal
//! answers with a redirect or the page again, the API with the reset's state.

use crate::i18n::say;
use latchkey_policy::Violation;

use super::change::MayChange;
use super::checklist::{CheckAnswer, Made, check_answer, made, not_changed};
use super::code::{
    Asker, Verdict, WrongCode, attempt, count_wrong_code, methods_now, new_code, paused_here,
    paused_here_message, paused_ways, reset_methods, send_chosen, tries_left_message,
};
use super::demand;
use super::limits::Limit;
use super::proofs::{self, Proof};
use super::session::SessionKind;
use super::{Caller, Core, Error, account_of, after_change, audit, change_own_password, throttle};
use crate::captcha::normalize_answer;
use crate::captcha::pow::{self, PowChallenge, PowRefusal};
use crate::directory::DirectoryError;
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::model::code::OneTimeCode;
use crate::model::method::Method;
use crate::notify::CodeUse;
use crate::secrets::token_id;
use crate::store::{ResetSession, Step, StoredChallenge};

mod opening;
mod proof;
pub use opening::{Opening, begin, opening};
use proof::proved;
pub use proof::{
    WaysLeft, second_proof_words, start_passkey, use_passkey, use_recovery_code, ways_left,
};

const CAPTCHA_PURPOSE: &str = "captcha";

pub async fn session_by_id(core: &Core, id: &str) -> Result<Option<ResetSession>, Error> {
    Ok(core.store.reset_session(id, core.clock.now()).await?)
}

/// What a step did with what was sent. The portal and the API each answer
/// from it: the portal with a redirect or the page again, the API with the
/// reset's core.
pub enum Outcome {
    /// The reset moved on, or stayed where the step left it: show its step now.
    Moved,
    /// The reset moved on under a new token (the code was right): the
    /// client must hold this one from now on; the old one opens nothing.
    Renewed(String),
    /// Sent for another step than the session's: nothing changed.
    OtherStep,
    /// Not done: the step as it is now, with why.
    Again {
        error: Option<String>,
        violations: Vec<Violation>,
    },
}

fn again(error: impl Into<String>) -> Outcome {
    Outcome::Again {
        error: Some(error.into()),
        violations: Vec::new(),
    }
}

/// A new reset at its first step, and the token that names it (kept by
/// the client; only its hash is stored). The API's start; the portal's
/// first page is an [`Opening`] until its form comes back.
pub async fn new_session(core: &Core, caller: &Caller) -> Result<(String, ResetSession), Error> {
    let (token, csrf) = (core.entropy.token(), core.entropy.token());
    let (session, recent) = create(core, caller, &token, csrf)
        .await?
        .ok_or_else(|| Error::Internal("a new reset's random id was taken".into()))?;
    if core.captcha.proof_of_work {
        // The proof costs more the more resets this source opened lately,
        // and the more the whole service has open.
        let cost = demand::cost(core, &caller.source, Some(recent)).await?;
        offer_pow(core, &session.id, Step::Identify, cost).await?;
    }
    Ok((token, session))
}

/// The reset `token` names, stored at its first step and counted against
/// the caller's address (with the count); `None` if it exists already.
async fn create(
    core: &Core,
    caller: &Caller,
    token: &str,
    csrf: String,
) -> Result<Option<(ResetSession, i64)>, Error> {
    let id = token_id(token);
    let now = core.clock.now();
    let lifetime = core.server.reset_minutes * 60;
    // Every new reset is a row: one address cannot fill the database.
    let recent = throttle(core, Limit::ResetsPerAddress, &caller.source).await?;
    let created = (core.store)
        .create_reset_session(&id, &csrf, &caller.address, now, now + lifetime)
        .await?;
    let session = ResetSession {
        id,
        csrf,
        step: Step::Identify,
        account_id: None,
        code: None,
        expires_at: now + lifetime,
        proven: Vec::new(),
    };
    Ok(created.then_some((session, recent.hits)))
}

/// A new proof-of-work challenge at `cost` for the session at `step`; metrics
/// count it, with its level and reason.
async fn offer_pow(core: &Core, id: &str, step: Step, cost: pow::Cost) -> Result<(), Error> {
    keep_pow(core, id, step, &issue_pow(core, id, cost)).await
}

/// A new challenge at `cost` bound to the session `id`, counted by the metrics.
fn issue_pow(core: &Core, id: &str, cost: pow::Cost) -> PowChallenge {
    let (entropy, now) = (core.entropy.as_ref(), core.clock.now());
    let max_number = cost.max_number;
    core.metrics.challenge(cost);
    pow::issue(&core.key, entropy, id, &core.captcha, max_number, now)
}

/// `challenge` stored as the session's at `step`: the one it spends.
async fn keep_pow(
    core: &Core,
    id: &str,
    step: Step,
    challenge: &PowChallenge,
) -> Result<(), Error> {
    let json = serde_json::to_string(challenge).map_err(|e| Error::Internal(e.to_string()))?;
    core.store.set_pow(id, step, &json).await?;
    Ok(())
}

/// The proof-of-work challenge the step offers, if any: the first step's,
/// in place of the image; the CAPTCHA's, needed beside the image while the
/// cost is raised.
pub async fn pow_challenge(
    core: &Core,
    session: &ResetSession,
) -> Result<Option<PowChallenge>, Error> {
    let offered = matches!(session.step, Step::Identify | Step::Captcha);
    if !offered || !core.captcha.proof_of_work {
        return Ok(None);
    }
    let stored = core.store.pow(&session.id, session.step).await?;
    Ok(stored.and_then(|json| serde_json::from_str(&json).ok()))
}

/// The image's own proof of work: while the cost is raised (the source's
/// rate or the service's), a right answer counts only with it, so the
/// image is never the cheap way round for a bot that reads it.
async fn pow_beside_image(core: &Core, caller: &Caller, id: &str) -> Result<(), Error> {
    let cost = demand::cost(core, &caller.source, None).await?;
    if core.captcha.proof_of_work && cost.raised() {
        offer_pow(core, id, Step::Captcha, cost).await?;
    }
    Ok(())
}

/// At the CAPTCHA after the browser's own check was tried and refused: its
/// JavaScript is on, so "turn it on" would not help.
pub async fn pow_was_tried(core: &Core, session: &ResetSession) -> Result<bool, Error> {
    if session.step != Step::Captcha {
        return Ok(false);
    }
    Ok(core.store.pow_refused(&session.id).await?)
}

/// Step 1. Known or not, the next step is the same CAPTCHA: whether an
/// account exists is never told here. A proof of work solved while the
/// person typed (`pow`, as the browser sends it) stands in for the image;
/// one that does not hold leaves the image to answer.
pub async fn identify(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    identifier: &str,
    pow: Option<&str>,
) -> Result<Outcome, Error> {
    if session.step != Step::Identify {
        return Ok(Outcome::OtherStep);
    }
    let identifier = identifier.trim();
    let readable = !identifier.chars().any(char::is_control);
    if identifier.is_empty() || identifier.chars().count() > 254 || !readable {
        return Ok(again(say("identify-empty", &[])));
    }
    throttle(core, Limit::StartsPerAddress, &caller.source).await?;
    // Gone from the directory: answered as a name no one has.
    let found = core.store.find_account(identifier).await?;
    let found = found.filter(|a| a.left_directory_at.is_none());
    let account = super::arrival::at_reset(core, caller, identifier, found).await?;
    let proven = match pow.filter(|sent| !sent.trim().is_empty() && core.captcha.proof_of_work) {
        Some(sent) => Some(check_pow(core, caller, session, sent).await?),
        None => {
            // Not solved here: the first step's challenge is spent.
            core.store.take_pow(&session.id, Step::Identify).await?;
            None
        }
    };
    let challenge = fresh_challenge(core)?;
    let account_id = account.as_ref().map(|a| a.id);
    core.store
        .set_reset_identity(&session.id, account_id, &challenge.stored())
        .await?;
    demand::opened(core).await?;
    audit(core, caller, Action::ResetStarted, account_id).await?;
    core.metrics.reset("started");
    match proven {
        Some(Ok(())) => {
            // The image is not needed: spend it, as a right answer would.
            core.store.take_captcha(&session.id).await?;
            let at_captcha = ResetSession {
                step: Step::Captcha,
                account_id,
                ..session.clone()
            };
            passed(core, caller, &at_captcha, Action::ResetPowPassed).await
        }
        Some(Err(refusal)) => {
            audit(
                core,
                caller,
                Action::ResetPowRefused(refusal.id()),
                account_id,
            )
            .await?;
            core.store.note_pow_refused(&session.id).await?;
            pow_beside_image(core, caller, &session.id).await?;
            Ok(again(say("pow-failed", &[])))
        }
        None => {
            pow_beside_image(core, caller, &session.id).await?;
            Ok(Outcome::Moved)
        }
    }
}

/// Takes the first step's challenge (spent whatever the verdict) and
/// checks the solution against it. A challenge issued before the cost rose
/// by more than one doubling is refused as outdated, so challenges taken
/// cheaply before a burst cannot be spent during it.
async fn check_pow(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    sent: &str,
) -> Result<Result<(), PowRefusal>, Error> {
    let stored = core.store.take_pow(&session.id, Step::Identify).await?;
    let stored: Option<PowChallenge> = stored.and_then(|json| serde_json::from_str(&json).ok());
    let verdict = verify_pow(core, session, sent, stored.as_ref());
    if verdict.is_err() {
        return Ok(verdict);
    }
    let issued = stored.map_or(0, |c| c.maxnumber);
    let now = demand::cost(core, &caller.source, None).await?;
    Ok(match issued.saturating_mul(2) < now.max_number {
        true => Err(PowRefusal::Outdated),
        false => Ok(()),
    })
}

fn verify_pow(
    core: &Core,
    session: &ResetSession,
    sent: &str,
    stored: Option<&PowChallenge>,
) -> Result<(), PowRefusal> {
    let stored = stored.map(|c| c.challenge.as_str());
    let now = core.clock.now();
    pow::verify(&core.key, sent, &session.id, stored, now)
}

/// Step 2. One answer per challenge: right or wrong, this challenge (and
/// the proof of work beside it while the cost is raised) is used up.
pub async fn answer_captcha(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    answer: &str,
    pow: Option<&str>,
) -> Result<Outcome, Error> {
    if session.step != Step::Captcha {
        return Ok(Outcome::OtherStep);
    }
    let expected = core.store.take_captcha(&session.id).await?;
    let right = expected.is_some_and(|tag| {
        core.key
            .verify(CAPTCHA_PURPOSE, &normalize_answer(answer), &tag)
    });
    let needed = core.store.take_pow(&session.id, Step::Captcha).await?;
    let needed: Option<PowChallenge> = needed.and_then(|json| serde_json::from_str(&json).ok());
    let pow_held = match (&needed, pow.filter(|sent| !sent.trim().is_empty())) {
        (None, _) => true,
        (Some(stored), Some(sent)) => verify_pow(core, session, sent, Some(stored)).is_ok(),
        (Some(_), None) => false,
    };
    if !right || !pow_held {
        next_challenge(core, caller, session, Action::ResetCaptchaFailed).await?;
        if right {
            let helpdesk = core.site.helpdesk.phone.clone();
            return Ok(again(say("captcha-pow-needed", &[("helpdesk", helpdesk)])));
        }
        return Ok(again(say("captcha-wrong", &[])));
    }
    passed(core, caller, session, Action::ResetCaptchaPassed).await
}

/// Past the CAPTCHA (its characters, or the proof of work): on to the
/// method, or to the help desk's page.
async fn passed(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    how: Action,
) -> Result<Outcome, Error> {
    // Unknown, without a method, or with online reset locked: one answer,
    // after the same two queries (id 0 is never an account's), so that
    // neither the page nor its time tells them apart.
    let id = session.account_id.unwrap_or(0);
    let account = core.store.account_by_id(id).await?;
    let stored = core.store.methods(id).await?;
    let paused = paused_ways(core, id).await?;
    let needed = proofs::needed_for(core, account.as_ref()).await?;
    let recovery = crate::domain::person::recovery_codes_left(core, id).await? > 0;
    let passkey = super::passkey::offered(core) && !core.store.passkeys(id).await?.is_empty();
    let now = core.clock.now();
    let usable = match &account {
        Some(account) => reset_methods(account, &stored, paused, now),
        None => Vec::new(),
    };
    // Two proofs asked of an account with one way: the help desk, as for
    // an account with none (the page does not tell them apart).
    let mut ways: Vec<Proof> = usable.iter().map(|m| Proof::of(*m)).collect();
    if recovery && !usable.is_empty() {
        ways.push(Proof::Recovery);
    }
    if passkey && !usable.is_empty() {
        ways.push(Proof::Passkey);
    }
    let has_method = !usable.is_empty() && needed.met_by(&ways);
    let next = if has_method { Step::Method } else { Step::Help };
    core.store
        .advance_reset(&session.id, Step::Captcha, next)
        .await?;
    let action = if next == Step::Help {
        Action::ResetNoMethod
    } else {
        how
    };
    audit(core, caller, action, session.account_id).await?;
    if next == Step::Help {
        core.metrics.reset("no_method");
    }
    // With the authenticator app as the only way there is nothing to
    // choose and nothing to send: straight to its code.
    if usable == [Method::App] {
        let at_method = ResetSession {
            step: Step::Method,
            ..session.clone()
        };
        return choose_method(core, caller, &at_method, "totp").await;
    }
    Ok(Outcome::Moved)
}

/// Step 2 again with another image: for one that cannot be read. Each new
/// challenge counts as a failed answer from the address, so fetching
/// images until an easy one comes costs what guessing does.
pub async fn new_captcha(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
) -> Result<Outcome, Error> {
    if session.step != Step::Captcha {
        return Ok(Outcome::OtherStep);
    }
    next_challenge(core, caller, session, Action::ResetCaptchaRenewed).await?;
    Ok(Outcome::Moved)
}

/// A new challenge in place of the session's, after a wrong answer or on
/// request: counted against the address either way, and audited as `action`.
async fn next_challenge(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    action: Action,
) -> Result<(), Error> {
    throttle(core, Limit::CaptchaFailuresPerAddress, &caller.source).await?;
    let challenge = fresh_challenge(core)?;
    core.store
        .set_captcha(&session.id, &challenge.stored())
        .await?;
    pow_beside_image(core, caller, &session.id).await?;
    audit(core, caller, action, session.account_id).await?;
    Ok(())
}

/// Step 3: send a fresh code by the chosen method.
pub async fn choose_method(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    method: &str,
) -> Result<Outcome, Error> {
    if session.step != Step::Method {
        return Ok(Outcome::OtherStep);
    }
    let account = account_of(core, session.account_id).await?;
    if methods_now(core, &account, CodeUse::Reset)
        .await?
        .is_empty()
    {
        core.store
            .advance_reset(&session.id, Step::Method, Step::Paused)
            .await?;
        return Ok(Outcome::Moved);
    }
    let left = ways_left(core, session, &account).await?.methods;
    if !left.iter().any(|m| m.as_str() == method) {
        return Ok(again(say("method-choose", &[])));
    }
    // A code is worth sending only if the new password can be written:
    // with the directory down, say so before spending a text or a call.
    if let Some(writeback) = &core.writeback
        && let Err(DirectoryError::Unreachable(why)) = writeback.directory.reachable().await
    {
        tracing::warn!(%why, "a reset waits for the directory");
        return Ok(again(directory_down()));
    }
    // A stranger paused for wrong codes here gets no more sent.
    if paused_here(core, &caller.source, account.id).await? {
        return Ok(again(paused_here_message(core)));
    }
    let asker = asker(caller, session, &account);
    let chosen = match send_chosen(core, (caller, asker), &account, method, CodeUse::Reset).await? {
        Ok(chosen) => chosen,
        Err(why) => return Ok(again(why)),
    };
    let app = chosen.tag.is_none();
    let code = new_code(core, CodeUse::Reset, None, chosen.method, chosen.tag);
    core.store
        .set_reset_code(&session.id, &code, core.clock.now())
        .await?;
    if app {
        audit(core, caller, Action::ResetMethodApp, Some(account.id)).await?;
    }
    Ok(Outcome::Moved)
}

/// Whose codes a reset spends: the owner's when it was started from a
/// browser that signed in as them before, or once it holds a proof only
/// they could give; a stranger's at this source otherwise.
fn asker<'a>(caller: &'a Caller, session: &ResetSession, account: &Account) -> Asker<'a> {
    if caller.device == Some(account.id) || !session.proven.is_empty() {
        Asker::Owner
    } else {
        Asker::Stranger(&caller.source)
    }
}

/// Said at the method step when the directory cannot take a new password.
/// The directory cannot take a new password: no code is sent.
fn directory_down() -> String {
    say("directory-down", &[])
}

/// From the code step back to choosing a method (no code arrived).
pub async fn methods_again(core: &Core, session: &ResetSession) -> Result<Outcome, Error> {
    let moved = core
        .store
        .advance_reset(&session.id, Step::Code, Step::Method)
        .await?;
    Ok(if moved {
        Outcome::Moved
    } else {
        Outcome::OtherStep
    })
}

/// Step 4. Each try counts; after `code_tries` wrong ones, or past its
/// lifetime, the code is void and a new one must be sent.
pub async fn check_code(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    typed: &str,
) -> Result<Outcome, Error> {
    if session.step != Step::Code {
        return Ok(Outcome::OtherStep);
    }
    if let Some(account_id) = session.account_id
        && paused_here(core, &caller.source, account_id).await?
    {
        return Ok(again(paused_here_message(core)));
    }
    let max = core.server.code_tries;
    let holder = SessionKind::Reset.holder(&session.id);
    let verdict = attempt(
        core,
        &holder,
        CodeUse::Reset,
        None,
        session.account_id,
        typed,
    )
    .await?;
    if verdict == Verdict::Void {
        core.store
            .advance_reset(&session.id, Step::Code, Step::Method)
            .await?;
        audit(core, caller, Action::ResetCodeVoid, session.account_id).await?;
        return Ok(again(say("code-spent", &[])));
    }
    if verdict == Verdict::Replayed {
        audit(
            core,
            caller,
            Action::ResetAppCodeReplayed,
            session.account_id,
        )
        .await?;
        return Ok(again(say("code-app-used", &[])));
    }
    if verdict == Verdict::Wrong {
        audit(core, caller, Action::ResetCodeWrong, session.account_id).await?;
        let method = session
            .code
            .as_ref()
            .map_or(Method::Text, |code| code.method);
        let counted = match session.account_id {
            Some(account_id) => Some((
                account_id,
                count_wrong_code(core, caller, account_id, method).await?,
            )),
            None => None,
        };
        if let Some((account_id, WrongCode::WayPaused)) = counted {
            core.store
                .advance_reset(&session.id, Step::Code, Step::Method)
                .await?;
            let action = Action::ResetMethodPaused(method.as_str());
            audit(core, caller, action, Some(account_id)).await?;
            let helpdesk = core.site.helpdesk.phone.clone();
            return Ok(again(say("code-way-paused", &[("helpdesk", helpdesk)])));
        }
        if let Some((account_id, WrongCode::Locked)) = counted {
            core.store
                .advance_reset(&session.id, Step::Code, Step::Paused)
                .await?;
            audit(core, caller, Action::ResetLocked, Some(account_id)).await?;
            core.metrics.reset("locked");
            return Ok(Outcome::Moved);
        }
        if let Some((_, WrongCode::PausedHere)) = counted {
            return Ok(again(paused_here_message(core)));
        }
        let for_this_code = OneTimeCode::left_after_this_try(session.code.as_ref(), max);
        let left = counted.map_or(for_this_code, |(_, wrong)| wrong.tries_left(for_this_code));
        return Ok(again(tries_left_message(left)));
    }
    audit(core, caller, Action::ResetCodeVerified, session.account_id).await?;
    let method = session.code.as_ref().map_or(Method::Text, |c| c.method);
    proved(core, caller, session, Proof::of(method)).await
}

/// The way that proved the person last, as reports count finished resets
/// by it: a phone's code by how it came, or the proof's name; none (a help
/// desk's link) is `link`.
fn completed_way(session: &ResetSession) -> &'static str {
    match session.proven.last() {
        Some(Proof::Phone) => match session.code.as_ref().map(|code| code.method) {
            Some(Method::Call) => "voice",
            _ => "sms",
        },
        Some(proof) => proof.as_str(),
        None => "link",
    }
}

/// Step 5: the policy, the history, the change in one transaction.
pub async fn set_password(
    core: &Core,
    caller: &Caller,
    session: &ResetSession,
    password: &str,
    confirm: &str,
) -> Result<Outcome, Error> {
    if session.step != Step::Password {
        return Ok(Outcome::OtherStep);
    }
    if password != confirm {
        return Ok(again(say("passwords-differ", &[])));
    }
    let account = account_of(core, session.account_id).await?;
    let may = MayChange::by_reset(session, &account).ok_or(Error::Expired)?;
    let changed = change_own_password(core, caller, may, password).await;
    let made = match made(changed) {
        Ok(made) => made,
        Err(e) => {
            let refused = not_changed(e, &core.site.zone)?;
            let action = Action::ResetPasswordRefused(refused.rules.clone());
            audit(core, caller, action, Some(account.id)).await?;
            for rule in refused.rules.split(',') {
                core.metrics.reset(&format!("refused:{rule}"));
            }
            return Ok(Outcome::Again {
                error: refused.error,
                violations: refused.violations,
            });
        }
    };
    // Done with the change itself; this is for a change the directory took
    // and this store did not (yet), which the reconciler settles.
    core.store
        .advance_reset(&session.id, Step::Password, Step::Done)
        .await?;
    let way = completed_way(session);
    audit(core, caller, Action::ResetCompleted(way), Some(account.id)).await?;
    demand::finished(core).await?;
    core.metrics.reset("completed");
    // Whoever was signed in with the old password is signed out, and the
    // person told; for a change only in the directory so far, once settled.
    if let Made::Everywhere(queued) = made {
        after_change(core, caller, &account, None, &queued).await?;
    }
    Ok(Outcome::Moved)
}

/// The live checklist's answer for a password being typed at step 5, or
/// `None` when the reset is not at that step.
pub async fn check_password(
    core: &Core,
    session: &ResetSession,
    password: &str,
    confirm: &str,
) -> Result<Option<CheckAnswer>, Error> {
    if session.step != Step::Password {
        return Ok(None);
    }
    let account = account_of(core, session.account_id).await?;
    let policy = core.policy_for(&account).await;
    Ok(Some(check_answer(
        &policy,
        password,
        confirm,
        &account.person(),
    )))
}

/// The reset's current challenge as an image; `None` past the CAPTCHA.
pub async fn captcha_png(core: &Core, session: &ResetSession) -> Result<Option<Vec<u8>>, Error> {
    Ok(core.store.captcha_png(&session.id).await?)
}

/// A new challenge, ready to store: its answer hashed (to check it).
struct FreshChallenge {
    answer_hash: String,
    png: Vec<u8>,
}

impl FreshChallenge {
    fn stored(&self) -> StoredChallenge<'_> {
        StoredChallenge {
            answer_hash: &self.answer_hash,
            png: &self.png,
        }
    }
}

fn fresh_challenge(core: &Core) -> Result<FreshChallenge, Error> {
    let challenge = core
        .challenges
        .next_challenge()
        .ok_or_else(|| Error::Internal("CAPTCHA image".into()))?;
    let answer = normalize_answer(&challenge.answer);
    Ok(FreshChallenge {
        answer_hash: core.key.tag(CAPTCHA_PURPOSE, &answer),
        png: challenge.png,
    })
}

/// A one-time link the help desk sent: used once, while live, it opens a
/// reset at the new-password step for its account. Returns the new
/// reset's token; a used, expired or unknown link is [`Error::LinkSpent`].
pub async fn open_link(core: &Core, caller: &Caller, link_token: &str) -> Result<String, Error> {
    let now = core.clock.now();
    let Some(account_id) = core
        .store
        .take_reset_link(&token_id(link_token), now)
        .await?
    else {
        audit(core, caller, Action::ResetLinkRefused, None).await?;
        return Err(Error::LinkSpent);
    };
    let (session_token, csrf) = (core.entropy.token(), core.entropy.token());
    let lifetime = core.server.reset_minutes * 60;
    core.store
        .create_linked_reset_session(
            &token_id(&session_token),
            &csrf,
            &caller.address,
            account_id,
            now,
            now + lifetime,
        )
        .await?;
    audit(core, caller, Action::ResetLinkUsed, Some(account_id)).await?;
    Ok(session_token)
}
