//! An authenticator app registered by its owner: a secret sealed in the
//! session until a first code from the app proves it was set up.

use super::{Next, Outcome, SignedIn, factor_is_fresh, prove_factor, refused, removal_refused};
use crate::domain::code::typed_code;
use crate::domain::{Caller, Core, Error, SELF_SERVICE, audit, change_account, notify};
use crate::i18n::say;
use crate::model::audit::Action;
use crate::notify::Notice;
use crate::store::AccountChange;

/// An authenticator app being registered: the secret (kept, sealed, in the
/// session until a first code proves the app has it) and its `otpauth://` URI.
pub struct Enrolment {
    pub secret: Vec<u8>,
    pub uri: String,
}

/// The secret being registered in this session, made on first use.
pub async fn enrolment(core: &Core, who: &SignedIn) -> Result<Enrolment, Error> {
    let opened = who
        .session
        .enrol_secret
        .as_deref()
        .and_then(|sealed| crate::totp::open(&core.key, sealed));
    let secret = match opened {
        Some(secret) => secret,
        None => {
            let secret = crate::totp::new_secret();
            let sealed = crate::totp::seal(&core.key, &secret)
                .ok_or_else(|| Error::Internal("sealing an authenticator secret".into()))?;
            core.store
                .set_enrol_secret(&who.session.id, Some(&sealed))
                .await?;
            secret
        }
    };
    let issuer = core.registration.issuer(&core.site.branding.name);
    let uri = crate::totp::otpauth_uri(&secret, issuer, &who.account.username);
    Ok(Enrolment { secret, uri })
}

/// The app's first code: right, and the app is registered (in place of any
/// earlier one).
pub async fn confirm_authenticator(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
    typed: &str,
) -> Result<Outcome, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Authenticator));
    }
    let Some(sealed) = who.session.enrol_secret.clone() else {
        return Ok(refused(say("app-key-first", &[])));
    };
    let now = core.clock.now();
    let step = crate::totp::open(&core.key, &sealed)
        .and_then(|secret| crate::totp::matching_step(&secret, &typed_code(typed), now));
    let account = &who.account;
    let Some(step) = step else {
        audit(
            core,
            caller,
            Action::AuthenticatorCodeWrong,
            Some(account.id),
        )
        .await?;
        return Ok(refused(say("app-code-mismatch", &[])));
    };
    let (action, what) = if who.has_authenticator {
        (Action::AuthenticatorReplaced, "notice-app-replaced")
    } else {
        (Action::AuthenticatorAdded, "notice-app-added")
    };
    let change = AccountChange::Authenticator {
        sealed: &sealed,
        first_step: step,
    };
    change_account(core, caller, SELF_SERVICE, account.id, change, action).await?;
    core.store.set_enrol_secret(&who.session.id, None).await?;
    let token = prove_factor(core, &who.session.id).await?;
    notify(
        core,
        caller,
        account,
        Notice::Methods(crate::i18n::Text::new(what)),
        None,
    )
    .await?;
    Ok(Outcome::Renewed(token))
}

pub async fn remove_authenticator(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
) -> Result<Outcome, Error> {
    if !who.has_authenticator {
        return Ok(refused(say("app-none-to-remove", &[])));
    }
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Account));
    }
    if let Some(refusal) = removal_refused(core, who) {
        return Ok(refusal);
    }
    let account = &who.account;
    let (change, action) = (AccountChange::NoAuthenticator, Action::AuthenticatorRemoved);
    change_account(core, caller, SELF_SERVICE, account.id, change, action).await?;
    let what = "notice-app-removed";
    notify(
        core,
        caller,
        account,
        Notice::Methods(crate::i18n::Text::new(what)),
        None,
    )
    .await?;
    Ok(Outcome::Done)
}
