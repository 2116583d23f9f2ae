//! Passkeys (WebAuthn, by webauthn-rs): registered from the account page
//! with a fresh second factor, named and removed there; one proves the
//! person as a second factor at sign-in and as a way at the reset's method
//! step, where it counts as phishing-resistant (NIST SP 800-63B-4: under
//! `reset.proofs_required = "auto"` one is enough alone). The relying party
//! is `server.public_url`: its host is the RP id, itself the origin. Each
//! ceremony's state waits in the database between its two requests, so
//! any instance finishes it.

use webauthn_rs::prelude::{
    CreationChallengeResponse, Passkey, PasskeyAuthentication, PasskeyRegistration,
    PublicKeyCredential, RegisterPublicKeyCredential, RequestChallengeResponse, Url, Uuid,
};
use webauthn_rs::{Webauthn, WebauthnBuilder};

use super::person::{Next, Outcome, SignedIn, factor_is_fresh};
use super::{Caller, Core, Error, audit, notify, own_event};
use crate::i18n::{Text, say};
use crate::model::audit::Action;
use crate::notify::Notice;
use crate::store::StoredPasskey;

/// How long a ceremony may take between its two requests (and the browser
/// may wait for the person).
const CEREMONY_SECONDS: i64 = 300;

/// The relying party `server.public_url` names, or `None` where passkeys
/// cannot work there (an IP address is no RP id): then none is offered.
pub fn relying_party(core: &Core) -> Option<Webauthn> {
    let origin = Url::parse(&core.server.public_url).ok()?;
    let rp_id = origin.domain()?.to_owned();
    WebauthnBuilder::new(&rp_id, &origin)
        .ok()?
        .rp_name(&core.site.branding.name)
        .timeout(std::time::Duration::from_secs(
            CEREMONY_SECONDS.unsigned_abs(),
        ))
        .build()
        .ok()
}

/// Whether passkeys can be offered at all.
pub fn offered(core: &Core) -> bool {
    relying_party(core).is_some()
}

/// The account's passkeys, readable ones only.
pub async fn passkeys(
    core: &Core,
    account_id: i64,
) -> Result<Vec<(StoredPasskey, Passkey)>, Error> {
    let stored = core.store.passkeys(account_id).await?;
    Ok(stored
        .into_iter()
        .filter_map(|p| {
            let key = serde_json::from_str(&p.credential).ok()?;
            Some((p, key))
        })
        .collect())
}

/// The user handle a person's passkeys carry: fixed for the account, and
/// saying nothing of it beyond this service (a keyed hash of its id).
fn user_handle(core: &Core, account_id: i64) -> Uuid {
    let tag = core.key.tag("passkey-user", &account_id.to_string());
    let bytes = hex::decode(&tag[..32]).unwrap_or_default();
    Uuid::from_slice(&bytes).unwrap_or_default()
}

/// Begins registering a passkey for the signed-in person: the options for
/// the browser, or a second factor to prove first.
pub async fn start_registration(
    core: &Core,
    who: &SignedIn,
) -> Result<Result<CreationChallengeResponse, Outcome>, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Err(Outcome::VerifyFirst(Next::Passkey)));
    }
    let Some(rp) = relying_party(core) else {
        return Ok(Err(not_here()));
    };
    let existing = passkeys(core, who.account.id).await?;
    let exclude = existing.iter().map(|(_, k)| k.cred_id().clone()).collect();
    let handle = user_handle(core, who.account.id);
    let account = &who.account;
    let (options, state) = rp
        .start_passkey_registration(handle, &account.username, &account.name, Some(exclude))
        .map_err(|e| Error::Internal(format!("passkey registration: {e}")))?;
    keep(core, &holder(&who.session.id), &state).await?;
    Ok(Ok(options))
}

/// Ends a registration: the passkey kept under `name`, audited, the owner
/// told; or why not.
pub async fn finish_registration(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
    name: &str,
    credential: &str,
) -> Result<Outcome, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Passkey));
    }
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Ok(refused(say("passkey-name-needed", &[])));
    }
    let state: Option<PasskeyRegistration> = taken(core, &holder(&who.session.id)).await?;
    let credential: Option<RegisterPublicKeyCredential> = serde_json::from_str(credential).ok();
    let (Some(rp), Some(state), Some(credential)) = (relying_party(core), state, credential) else {
        return Ok(refused(say("passkey-failed", &[])));
    };
    let passkey = match rp.finish_passkey_registration(&credential, &state) {
        Ok(passkey) => passkey,
        Err(e) => {
            tracing::info!(error = %e, "a passkey was not registered");
            return Ok(refused(say("passkey-failed", &[])));
        }
    };
    let json = serde_json::to_string(&passkey).map_err(|e| Error::Internal(e.to_string()))?;
    let action = Action::PasskeyAdded.name();
    let event = own_event(core, caller, who.account.id, &action);
    core.store
        .add_passkey(who.account.id, name, &json, &event)
        .await?;
    let what = Text::new("notice-passkey-added").with("name", name);
    notify(core, caller, &who.account, Notice::Methods(what), None).await?;
    Ok(Outcome::Done)
}

/// Removes one of the person's passkeys (a fresh factor first).
pub async fn remove(
    core: &Core,
    caller: &Caller,
    who: &SignedIn,
    id: i64,
) -> Result<Outcome, Error> {
    if !factor_is_fresh(core, who) {
        return Ok(Outcome::VerifyFirst(Next::Passkey));
    }
    let name = (core.store.passkeys(who.account.id).await?)
        .into_iter()
        .find(|p| p.id == id)
        .map(|p| p.name);
    let Some(name) = name else {
        return Ok(refused(say("passkey-unknown", &[])));
    };
    let action = Action::PasskeyRemoved.name();
    let event = own_event(core, caller, who.account.id, &action);
    core.store
        .remove_passkey(who.account.id, id, &event)
        .await?;
    let what = Text::new("notice-passkey-removed").with("name", name);
    notify(core, caller, &who.account, Notice::Methods(what), None).await?;
    Ok(Outcome::Done)
}

/// Begins proving `account_id`'s possession of one of its passkeys, for
/// the session `holder` names: the browser's options, or `None` when the
/// account has none (or passkeys cannot work here).
pub async fn start_proof(
    core: &Core,
    holder: &str,
    account_id: i64,
) -> Result<Option<RequestChallengeResponse>, Error> {
    let keys: Vec<Passkey> = (passkeys(core, account_id).await?)
        .into_iter()
        .map(|(_, k)| k)
        .collect();
    let Some(rp) = relying_party(core).filter(|_| !keys.is_empty()) else {
        return Ok(None);
    };
    let (options, state) = rp
        .start_passkey_authentication(&keys)
        .map_err(|e| Error::Internal(format!("passkey authentication: {e}")))?;
    keep(core, holder, &state).await?;
    Ok(Some(options))
}

/// Ends a proof begun by [`start_proof`]: whether the browser's answer
/// holds for one of the account's passkeys (its counter kept). Audited
/// either way.
pub async fn finish_proof(
    core: &Core,
    caller: &Caller,
    holder: &str,
    account_id: i64,
    credential: &str,
) -> Result<bool, Error> {
    let state: Option<PasskeyAuthentication> = taken(core, holder).await?;
    let credential: Option<PublicKeyCredential> = serde_json::from_str(credential).ok();
    let held = match (relying_party(core), state, credential) {
        (Some(rp), Some(state), Some(credential)) => {
            rp.finish_passkey_authentication(&credential, &state).ok()
        }
        _ => None,
    };
    let Some(result) = held else {
        audit(core, caller, Action::PasskeyRefused, Some(account_id)).await?;
        return Ok(false);
    };
    let used = one_of_theirs(core, account_id, &result).await?;
    let action = if used {
        Action::PasskeyUsed
    } else {
        Action::PasskeyRefused
    };
    audit(core, caller, action, Some(account_id)).await?;
    Ok(used)
}

/// Whether a ceremony's `result` is from one of `account_id`'s passkeys;
/// that passkey's counter kept.
async fn one_of_theirs(
    core: &Core,
    account_id: i64,
    result: &webauthn_rs::prelude::AuthenticationResult,
) -> Result<bool, Error> {
    for (stored, mut key) in passkeys(core, account_id).await? {
        if key.cred_id() == result.cred_id() {
            if key.update_credential(result) == Some(true) {
                let json =
                    serde_json::to_string(&key).map_err(|e| Error::Internal(e.to_string()))?;
                core.store.update_passkey(stored.id, &json).await?;
            }
            return Ok(true);
        }
    }
    Ok(false)
}

fn holder(session_id: &str) -> String {
    crate::model::session::SessionKind::Person.holder(session_id)
}

async fn keep(core: &Core, holder: &str, state: &impl serde::Serialize) -> Result<(), Error> {
    let json = serde_json::to_string(state).map_err(|e| Error::Internal(e.to_string()))?;
    let until = core.clock.now() + CEREMONY_SECONDS;
    Ok(core.store.put_ceremony(holder, &json, until).await?)
}

async fn taken<T: serde::de::DeserializeOwned>(
    core: &Core,
    holder: &str,
) -> Result<Option<T>, Error> {
    let json = core.store.take_ceremony(holder, core.clock.now()).await?;
    Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
}

fn refused(error: String) -> Outcome {
    Outcome::Refused {
        error,
        violations: Vec::new(),
    }
}

fn not_here() -> Outcome {
    refused(say("passkey-not-here", &[]))
}

/// A passkey as a sign-in's second factor: the session active under a
/// new token, or why not (a failed answer counts as a wrong code).
pub async fn prove_sign_in(
    core: &Core,
    caller: &Caller,
    session: &crate::store::AccountSession,
    credential: &str,
) -> Result<Outcome, Error> {
    let account_id = session.account_id.ok_or(Error::Expired)?;
    if crate::domain::code::signin_codes_paused(core, account_id).await? {
        return Ok(refused(super::person::codes_paused()));
    }
    if !finish_proof(core, caller, &holder(&session.id), account_id, credential).await? {
        crate::domain::code::count_wrong_signin_code(core, account_id).await?;
        return Ok(refused(say("passkey-failed", &[])));
    }
    let token = super::person::prove_factor(core, &session.id).await?;
    Ok(Outcome::Renewed(token))
}

/// Begins a sign-in's passkey proof for the session.
pub async fn start_sign_in_proof(
    core: &Core,
    session: &crate::store::AccountSession,
) -> Result<Option<RequestChallengeResponse>, Error> {
    let account_id = session.account_id.ok_or(Error::Expired)?;
    start_proof(core, &holder(&session.id), account_id).await
}

/// Begins a sign-in by passkey alone, username first (webauthn-rs's
/// advice: no discoverable credentials as the only way in): the options
/// for the browser. A name with no passkey, or no account, gets options of
/// the same shape (a credential id derived from the name, stable between
/// tries), so the answer does not tell whether the account exists.
pub async fn start_sign_in(
    core: &Core,
    caller: &Caller,
    holder: &str,
    identifier: &str,
) -> Result<Option<serde_json::Value>, Error> {
    let source = &caller.source;
    if super::limits::Limit::SignInFailuresPerAddress
        .count(core, source)
        .await?
        .reached()
    {
        return Err(Error::TooMany);
    }
    let Some(rp) = relying_party(core) else {
        return Ok(None);
    };
    let account = core.store.find_account(identifier.trim()).await?;
    let account = account.filter(|a| a.left_directory_at.is_none());
    let keys: Vec<Passkey> = match &account {
        Some(account) => (passkeys(core, account.id).await?)
            .into_iter()
            .map(|(_, k)| k)
            .collect(),
        None => Vec::new(),
    };
    let options = match (&account, keys.is_empty()) {
        (Some(account), false) => {
            let (options, state) = rp
                .start_passkey_authentication(&keys)
                .map_err(|e| Error::Internal(format!("passkey authentication: {e}")))?;
            keep(core, holder, &(account.id, state)).await?;
            serde_json::to_value(options)
        }
        _ => {
            // Written as a real ceremony is, so the time does not tell either.
            let until = core.clock.now() + CEREMONY_SECONDS;
            core.store.put_ceremony(holder, "null", until).await?;
            let fake_id = core
                .key
                .tag("passkey-decoy", &identifier.trim().to_lowercase());
            let fake_id = hex::decode(&fake_id[..32]).unwrap_or_default();
            let b64 = |bytes: &[u8]| data_encoding::BASE64URL_NOPAD.encode(bytes);
            let challenge = crate::secrets::random_bytes(32);
            Ok(serde_json::json!({
                "publicKey": {
                    "challenge": b64(&challenge),
                    "timeout": CEREMONY_SECONDS * 1000,
                    "rpId": rp.get_allowed_origins().first().and_then(|o| o.domain()).unwrap_or_default(),
                    "allowCredentials": [{"type": "public-key", "id": b64(&fake_id)}],
                    "userVerification": "required"
                }
            }))
        }
    };
    Ok(Some(options.map_err(|e| Error::Internal(e.to_string()))?))
}

/// Ends a sign-in by passkey: a new active session, its second factor
/// proven now, named by the token returned; or why not (counted against
/// the address as a wrong password is).
pub async fn sign_in(
    core: &Core,
    caller: &Caller,
    holder: &str,
    credential: &str,
) -> Result<Result<String, String>, Error> {
    let state: Option<(i64, PasskeyAuthentication)> = taken(core, holder).await?;
    let account_id = state.as_ref().map(|(id, _)| *id);
    let credential: Option<PublicKeyCredential> = serde_json::from_str(credential).ok();
    let held = match (relying_party(core), state, credential) {
        (Some(rp), Some((_, state)), Some(credential)) => {
            rp.finish_passkey_authentication(&credential, &state).ok()
        }
        _ => None,
    };
    let account = match account_id {
        Some(id) => core.store.account_by_id(id).await?,
        None => None,
    };
    let account = account.filter(|a| a.left_directory_at.is_none());
    let matched = match (&held, &account) {
        (Some(result), Some(account)) => one_of_theirs(core, account.id, result).await?,
        _ => false,
    };
    let (true, Some(account)) = (matched, account) else {
        super::limits::Limit::SignInFailuresPerAddress
            .hit(core, &caller.source)
            .await?;
        audit(core, caller, Action::PasskeyRefused, account_id).await?;
        return Ok(Err(say("passkey-signin-failed", &[])));
    };
    let token = super::person::open_proven_session(core, caller, account.id).await?;
    audit(core, caller, Action::SignInByPasskey, Some(account.id)).await?;
    Ok(Ok(token))
}
