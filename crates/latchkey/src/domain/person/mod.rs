//! A person's own account: sign-in with a password and a second factor,
//! their registered methods, and a change of the password they know.

mod authenticator;
mod email;
mod phone;
mod reconfirm;
mod recovery;
mod signin;
mod update;

pub use authenticator::{Enrolment, confirm_authenticator, enrolment, remove_authenticator};
pub use email::{confirm_alt_email, remove_alt_email, start_alt_email};
pub use phone::{cancel_phone, confirm_phone, pending_phone, remove_phone, start_phone};
pub use reconfirm::{confirm_methods, methods_to_confirm};
pub(crate) use recovery::normal as normal_code;
pub use recovery::{
    check_recovery_code, make_recovery_codes, recovery_codes_left, spend_recovery_code,
    told_of_use as told_of_use_of_recovery_code,
};
pub use signin::{
    SignIn, check_factor_code, factor_code_from, send_factor_code, sign_in, sign_out,
};
pub use update::update_password;

use latchkey_policy::Violation;
use serde::Deserialize;

use super::session::{SessionKind, live_bounds};
use super::{Core, Error};
use crate::model::account::Account;
use crate::secrets::token_id;
use crate::store::{AccountSession, Stage};

/// The session whose stored id (the token's hash) is `id`, unless it has
/// ended or timed out.
pub async fn session_by_id(core: &Core, id: &str) -> Result<Option<AccountSession>, Error> {
    let (now, idle_cutoff) = live_bounds(core, SessionKind::Person);
    Ok(core.store.account_session(id, now, idle_cutoff).await?)
}

/// A signed-in person, with what they have registered.
pub struct SignedIn {
    pub session: AccountSession,
    pub account: Account,
    pub has_authenticator: bool,
}

impl SignedIn {
    pub fn has_methods(&self) -> bool {
        self.account.phone.is_some() || self.has_authenticator
    }

    fn method_count(&self) -> usize {
        usize::from(self.account.phone.is_some()) + usize::from(self.has_authenticator)
    }
}

/// The signed-in person; someone who is not (yet) is sent to sign in or to
/// prove their second factor.
pub async fn signed_in(core: &Core, session: Option<AccountSession>) -> Result<SignedIn, Error> {
    let session = match session {
        Some(session) if session.stage == Stage::Active => session,
        Some(session) if session.stage == Stage::Factor => {
            return Err(Error::FactorOwed);
        }
        _ => return Err(Error::NotSignedIn),
    };
    let account_id = session.account_id.ok_or(Error::Expired)?;
    let account = core
        .store
        .account_by_id(account_id)
        .await?
        .ok_or(Error::Expired)?;
    let has_authenticator = core
        .store
        .methods(account.id)
        .await?
        .iter()
        .any(|m| m.kind == "totp");
    Ok(SignedIn {
        session,
        account,
        has_authenticator,
    })
}

/// Whether this person may change their methods now: they have none yet, or
/// proved a second factor in the last `fresh_factor_minutes`.
pub fn factor_is_fresh(core: &Core, who: &SignedIn) -> bool {
    let since = core.clock.now() - core.registration.fresh_factor_minutes * 60;
    !who.has_methods() || who.session.factor_at.is_some_and(|at| at >= since)
}

/// Where to go once a second factor is proven. A fixed list: never a URL
/// taken from the request.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Next {
    #[default]
    Account,
    Phone,
    Authenticator,
    Recovery,
    Passkey,
    Email,
}

impl Next {
    pub fn as_str(self) -> &'static str {
        match self {
            Next::Account => "account",
            Next::Phone => "phone",
            Next::Authenticator => "authenticator",
            Next::Recovery => "recovery",
            Next::Passkey => "passkey",
            Next::Email => "email",
        }
    }
}

/// What an account action did. The portal answers with a redirect or its
/// page again; the API with the account's core or why not.
pub enum Outcome {
    /// Went through.
    Done,
    /// Went through, and a factor was proven: the session goes on under
    /// this new token; the old one opens nothing.
    Renewed(String),
    /// A second factor must be proven first (the portal comes back to `Next`).
    VerifyFirst(Next),
    /// Not done, with why.
    Refused {
        error: String,
        violations: Vec<Violation>,
    },
}

fn refused(error: impl Into<String>) -> Outcome {
    Outcome::Refused {
        error: error.into(),
        violations: Vec::new(),
    }
}

/// Sign-in codes are paused for the account.
pub fn codes_paused() -> String {
    crate::i18n::say("codes-paused", &[])
}

/// The session whose stored id (the token's hash) is `id`, as it is now
/// that an action changed it.
pub async fn reloaded(core: &Core, id: &str) -> Result<AccountSession, Error> {
    session_by_id(core, id).await?.ok_or(Error::Expired)
}

/// Proves a second factor for the session, renaming it; its new token.
/// A new signed-in session for `account_id` whose second factor is proven
/// now (a passkey alone, a temporary access pass): its token.
pub(crate) async fn open_proven_session(
    core: &Core,
    caller: &crate::domain::Caller,
    account_id: i64,
) -> Result<String, Error> {
    let (token, csrf) = (core.entropy.token(), core.entropy.token());
    let now = core.clock.now();
    core.store
        .create_account_session(&crate::store::NewSession {
            id: &token_id(&token),
            csrf: &csrf,
            stage: Stage::Active,
            account_id: Some(account_id),
            factor_at: Some(now),
            address: &caller.address,
            now,
            expires_at: now + core.server.session_max_minutes * 60,
        })
        .await?;
    Ok(token)
}

pub(crate) async fn prove_factor(core: &Core, session_id: &str) -> Result<String, Error> {
    let token = core.entropy.token();
    let now = core.clock.now();
    core.store
        .prove_factor(session_id, &token_id(&token), now)
        .await?;
    Ok(token)
}

/// The language texts, calls and mails about the account come in; a code
/// not ours is refused. Nothing to prove: it changes no way in.
pub async fn choose_language(
    core: &Core,
    caller: &super::Caller,
    who: &SignedIn,
    code: &str,
) -> Result<Outcome, Error> {
    let Some(lang) = crate::i18n::Lang::parse(code).filter(|l| l.code() == code) else {
        return Ok(refused(crate::i18n::say("language-unknown", &[])));
    };
    let change = crate::store::AccountChange::Language(Some(lang.code()));
    let action = crate::model::audit::Action::LanguageChosen;
    super::change_account(
        core,
        caller,
        super::SELF_SERVICE,
        who.account.id,
        change,
        action,
    )
    .await?;
    Ok(Outcome::Done)
}

/// Refuses to remove the last method while the policy requires one.
pub(crate) fn removal_refused(core: &Core, who: &SignedIn) -> Option<Outcome> {
    (core.registration.required && who.method_count() <= 1)
        .then(|| refused(crate::i18n::say("only-method", &[])))
}
