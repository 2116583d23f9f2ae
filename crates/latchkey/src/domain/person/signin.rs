//! Sign-in: the password (throttled per address and per account or
//! unknown name, with the same work and answers either way), then the
//! second factor, counted apart from a reset's codes.

use latchkey_policy::{Rule, SignInCheck};

use super::{Outcome, codes_paused, prove_factor, refused};
use crate::domain::arrival::{Arrival, arrive};
use crate::domain::authority::Checked;
use crate::domain::code::{
    Asker, Verdict, attempt, count_wrong_signin_code, issue, new_code, send_chosen,
    signin_codes_paused, tries_left_message,
};
use crate::domain::limits::Limit;
use crate::domain::{Caller, Core, Error, SELF_SERVICE, account_of, audit, change_account};
use crate::i18n::say;
use crate::model::account::{Account, ChangeReason};
use crate::model::audit::Action;
use crate::model::code::OneTimeCode;
use crate::model::method::Method;
use crate::model::session::SessionKind;
use crate::notify::CodeUse;
use crate::secrets::token_id;
use crate::store::{AccountChange, AccountSession, NewSession, Stage};

/// What a sign-in with a password came to.
pub enum SignIn {
    /// A new session (a second factor owed, or active), named by `token`.
    Started {
        token: String,
    },
    Refused(String),
}

/// Today's rules applied to the password just proven right (history
/// aside: it is the current one). One that breaks them is changed before
/// anything else, as `policy.check_at_signin` says: the account is marked,
/// so leaving and coming back does not skip the change.
async fn screen(
    core: &Core,
    caller: &Caller,
    account: Account,
    password: &str,
) -> Result<Account, Error> {
    let check = core.policy.config().check_at_signin;
    if check == SignInCheck::Off || account.must_change_password {
        return Ok(account);
    }
    let verdict = core
        .policy_for(&account)
        .await
        .check(password, &account.person());
    let (reason, action) = if verdict.breaks(Rule::Breached) {
        (ChangeReason::Breached, Action::SignInPasswordBreached)
    } else if check == SignInCheck::AllRules && !verdict.accepted() {
        let rules: Vec<&str> = verdict.violations.iter().map(|v| v.rule.id()).collect();
        (
            ChangeReason::Policy,
            Action::SignInPasswordBelowPolicy(rules.join(",")),
        )
    } else {
        return Ok(account);
    };
    let change = AccountChange::MustChangePassword(reason);
    change_account(core, caller, SELF_SERVICE, account.id, change, action).await?;
    Ok(Account {
        must_change_password: true,
        must_change_reason: Some(reason),
        ..account
    })
}

/// The password. An unknown account costs the same hashing as a wrong
/// password and gets the same answer.
pub async fn sign_in(
    core: &Core,
    caller: &Caller,
    identifier: &str,
    password: &str,
) -> Result<SignIn, Error> {
    let identifier = identifier.trim();
    if identifier.is_empty() || password.is_empty() {
        return Ok(SignIn::Refused(say("signin-empty", &[])));
    }
    let now = core.clock.now();
    let source = &caller.source;
    if Limit::SignInFailuresPerAddress
        .count(core, source)
        .await?
        .reached()
    {
        return Err(Error::TooMany);
    }
    let account = match identifier.len() {
        0..=254 => core.store.find_account(identifier).await?,
        _ => None,
    };
    // Gone from the directory: answered as a name no one has.
    let account = account.filter(|a| a.left_directory_at.is_none());
    // Wrong passwords count against the account, or for a name that is
    // none against that name: an unknown name pauses as a real one does.
    let failures = match &account {
        Some(account) => account_subject(account.id),
        None => format!("name:{}", identifier.to_lowercase()),
    };
    let per_account = Limit::SignInFailuresPerAccount;
    let paused = per_account.paused(core, &failures).await?;
    let checked = if paused {
        // The same work as checking a password, so time tells nothing;
        // a directory is not asked, so a pause never feeds its lockout.
        let _ = core.hasher.hash(password).await;
        Checked::Wrong
    } else {
        core.passwords()
            .check(account.as_ref(), identifier, password, now)
            .await?
    };
    // The directory took the password of someone not here yet: a newcomer,
    // imported now, whose password joins the history as anyone's does.
    let (account, checked) = match (account, checked) {
        (None, Checked::Right | Checked::Expired) => {
            match arrive(core, caller, identifier, Arrival::SignIn).await? {
                Some(account) => {
                    core.passwords().adopt(&account, password, now).await?;
                    (Some(account), checked)
                }
                None => (None, Checked::Wrong),
            }
        }
        other => other,
    };
    let id = account.as_ref().map(|a| a.id);
    if paused {
        audit(core, caller, Action::SignInPaused, id).await?;
        let minutes = per_account.bounds(&core.throttle).1 / 60;
        return Ok(SignIn::Refused(say(
            "signin-paused",
            &[("minutes", minutes.to_string())],
        )));
    }
    let account = match (account, checked) {
        (Some(account), Checked::Right) => screen(core, caller, account, password).await?,
        (Some(account), Checked::Expired) => {
            // The right password, which the directory will not take for
            // anything but a change: the portal asks for one first.
            let change = AccountChange::MustChangePassword(ChangeReason::Expired);
            change_account(
                core,
                caller,
                SELF_SERVICE,
                account.id,
                change,
                Action::SignInPasswordExpired,
            )
            .await?;
            account
        }
        (_, Checked::Unreachable) => {
            audit(core, caller, Action::SignInDirectoryUnreachable, id).await?;
            return Ok(SignIn::Refused(directory_unreachable()));
        }
        (_, Checked::Withheld(until)) => {
            Limit::SignInFailuresPerAddress.hit(core, source).await?;
            audit(core, caller, Action::SignInWithheld, id).await?;
            return Ok(SignIn::Refused(withheld(core, until)));
        }
        (account, checked) => {
            Limit::SignInFailuresPerAddress.hit(core, source).await?;
            per_account.hit(core, &failures).await?;
            let action = match checked {
                Checked::Locked => Action::SignInDirectoryLocked,
                _ => Action::SignInFailed,
            };
            audit(core, caller, action, account.as_ref().map(|a| a.id)).await?;
            return Ok(SignIn::Refused(wrong_password(core)));
        }
    };
    let methods = crate::domain::code::methods_now(core, &account, CodeUse::SignIn).await?;
    let has_methods = !methods.is_empty();
    let stage = if has_methods {
        Stage::Factor
    } else {
        Stage::Active
    };
    let (token, csrf) = (core.entropy.token(), core.entropy.token());
    let lifetime = core.server.session_max_minutes * 60;
    core.store
        .create_account_session(&NewSession {
            id: &token_id(&token),
            csrf: &csrf,
            stage,
            account_id: Some(account.id),
            factor_at: None,
            address: &caller.address,
            now,
            expires_at: now + lifetime,
        })
        .await?;
    let action = if has_methods {
        Action::SignInPasswordOk
    } else {
        Action::SignInSucceeded
    };
    audit(core, caller, action, Some(account.id)).await?;
    // With the app as the only way there is nothing to choose and nothing
    // to send: its code is awaited at once.
    if methods == [Method::App] {
        let code = new_code(core, CodeUse::SignIn, None, Method::App, None);
        issue(core, &SessionKind::Person.holder(&token_id(&token)), &code).await?;
    }
    Ok(SignIn::Started { token })
}

/// The answer when another wrong password could make the directory lock
/// the account, and until when: the same for a name no one has.
pub(super) fn withheld(core: &Core, until: Option<i64>) -> String {
    match until {
        Some(at) => {
            let lang = crate::i18n::current().lang;
            let until = core.site.clock_time(lang, at, core.clock.now());
            say("signin-directory-paused", &[("until", until)])
        }
        None => say("signin-directory-paused-reset", &[]),
    }
}

/// The directory did not answer a check of the password.
pub(super) fn directory_unreachable() -> String {
    say("directory-unreachable", &[])
}

/// The answer to a wrong password, an unknown name, and an account the
/// directory locked alike: telling "locked" to whoever types a name would
/// tell them the name is real. Proven people hear it plainly on the
/// reset's way, where they may unlock it.
fn wrong_password(core: &Core) -> String {
    let mut said = say("signin-wrong", &[]);
    if core.writeback.as_ref().is_some_and(|w| w.authenticates) {
        said.push(' ');
        said.push_str(&say("signin-wrong-maybe-locked", &[]));
    }
    said
}

/// Wrong passwords are counted per account as `account:ID`, per unknown
/// name as `name:NAME`.
fn account_subject(account_id: i64) -> String {
    format!("account:{account_id}")
}

/// Too many wrong passwords for this account lately (sign-in and update).
pub(super) async fn signin_paused(core: &Core, account_id: i64) -> Result<bool, Error> {
    Limit::SignInFailuresPerAccount
        .paused(core, &account_subject(account_id))
        .await
}

/// Counts a wrong password against the address and the account.
pub(super) async fn count_wrong_password(
    core: &Core,
    caller: &Caller,
    account_id: i64,
) -> Result<(), Error> {
    Limit::SignInFailuresPerAddress
        .hit(core, &caller.source)
        .await?;
    Limit::SignInFailuresPerAccount
        .hit(core, &account_subject(account_id))
        .await?;
    Ok(())
}

/// Ends the session (audited).
pub async fn sign_out(core: &Core, caller: &Caller, session: &AccountSession) -> Result<(), Error> {
    core.store.end_account_session(&session.id).await?;
    audit(core, caller, Action::SignedOut, session.account_id).await?;
    Ok(())
}

/// Where the second factor's code comes from, once one is on its way,
/// told as it stands ([`crate::domain::code::code_told`]).
pub async fn factor_code_from(
    core: &Core,
    session: &AccountSession,
    account: &Account,
) -> Result<Option<String>, Error> {
    Ok(match &session.code {
        Some(code) if code.purpose == CodeUse::SignIn => {
            Some(crate::domain::code::code_told(core, account, Some(code)).await?)
        }
        _ => None,
    })
}

/// Sends a second-factor code by the chosen method (or, for the app, waits
/// for its code).
pub async fn send_factor_code(
    core: &Core,
    caller: &Caller,
    session: &AccountSession,
    method: &str,
) -> Result<Outcome, Error> {
    let account = account_of(core, session.account_id).await?;
    if signin_codes_paused(core, account.id).await? {
        return Ok(refused(codes_paused()));
    }
    let chosen = match send_chosen(
        core,
        (caller, Asker::Owner),
        &account,
        method,
        CodeUse::SignIn,
    )
    .await?
    {
        Ok(chosen) => chosen,
        Err(why) => return Ok(refused(why)),
    };
    let code = new_code(core, CodeUse::SignIn, None, chosen.method, chosen.tag);
    issue(core, &SessionKind::Person.holder(&session.id), &code).await?;
    Ok(Outcome::Done)
}

/// The second factor's code: right, and the factor is proven (a session
/// at sign-in becomes active).
pub async fn check_factor_code(
    core: &Core,
    caller: &Caller,
    session: &AccountSession,
    typed: &str,
) -> Result<Outcome, Error> {
    let account_id = session.account_id.ok_or(Error::Expired)?;
    let max = core.server.code_tries;
    let holder = SessionKind::Person.holder(&session.id);
    match attempt(
        core,
        &holder,
        CodeUse::SignIn,
        None,
        Some(account_id),
        typed,
    )
    .await?
    {
        Verdict::Right => {}
        Verdict::Void => {
            core.store.clear_session_code(&session.id).await?;
            return Ok(refused(say("code-spent", &[])));
        }
        Verdict::Replayed => {
            audit(
                core,
                caller,
                Action::SignInAppCodeReplayed,
                Some(account_id),
            )
            .await?;
            return Ok(refused(say("code-app-used", &[])));
        }
        Verdict::Wrong => {
            audit(core, caller, Action::SignInCodeWrong, Some(account_id)).await?;
            let wrong = count_wrong_signin_code(core, account_id).await?;
            if wrong.locked() {
                audit(core, caller, Action::SignInCodesPaused, Some(account_id)).await?;
                core.store.clear_session_code(&session.id).await?;
                return Ok(refused(codes_paused()));
            }
            let left =
                wrong.tries_left(OneTimeCode::left_after_this_try(session.code.as_ref(), max));
            return Ok(refused(tries_left_message(left)));
        }
    }
    let token = prove_factor(core, &session.id).await?;
    let action = if session.stage == Stage::Factor {
        Action::SignInSucceeded
    } else {
        Action::SignInFactorProven
    };
    audit(core, caller, action, Some(account_id)).await?;
    Ok(Outcome::Renewed(token))
}
