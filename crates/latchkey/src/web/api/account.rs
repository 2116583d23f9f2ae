//! A person's own account over the API: sign in with the password (then a
//! second factor when the account has a method), register a phone or an
//! authenticator app, change a known password. Each answer is the
//! account's state, or why not.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiError, Body, Helpdesk, MethodOffer, api_error, error_body, error_response};
use crate::domain::checklist::{BrokenRule, CheckAnswer, check_answer, refusal_message};
use crate::domain::code::{method_options, signin_codes_paused};
use crate::domain::person::{self, Outcome, SignIn};
use crate::domain::{Core, account_of};
use crate::model::account::{ChangeReason, mask_phone};
use crate::network::Location;
use crate::secrets::token_id;
use crate::store::{AccountSession, Stage};

use crate::notify::CodeUse;
use crate::web::account::session_named;
use crate::web::{WebError, bearer, caller};

pub(super) fn routes() -> Router<Core> {
    Router::new()
        .route("/api/v1/session", post(sign_in).delete(sign_out))
        .route("/api/v1/account", get(current))
        .route("/api/v1/account/factor", post(factor_send))
        .route("/api/v1/account/factor/code", post(factor_code))
        .route("/api/v1/account/factor/recovery", post(factor_recovery))
        .route("/api/v1/account/recovery-codes", post(recovery_codes))
        .route("/api/v1/account/methods/confirm", post(confirm_methods))
        .route(
            "/api/v1/account/phone",
            post(phone_start).delete(phone_remove),
        )
        .route("/api/v1/account/phone/confirm", post(phone_confirm))
        .route(
            "/api/v1/account/authenticator",
            post(authenticator_start).delete(authenticator_remove),
        )
        .route(
            "/api/v1/account/authenticator/confirm",
            post(authenticator_confirm),
        )
        .route("/api/v1/account/password", post(password))
        .route("/api/v1/account/password/check", post(password_check))
        .route("/api/v1/account/phone/cancel", post(phone_cancel))
}

// ---- What the API says ------------------------------------------------------------------

/// A signed-in session: the token that names it from now on, and the account.
#[derive(Serialize, ToSchema)]
pub(super) struct SignedIn {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its hash is kept.
    pub(super) token: String,
    pub(super) account: AccountState,
}

/// The signed-in person's account, as far as this session may see it.
#[derive(Serialize, ToSchema)]
pub(super) struct AccountState {
    username: String,
    name: String,
    /// `factor`: a second factor is owed before anything else; `active`: signed in.
    stage: Stage,
    /// A new password is required: change it first.
    must_change_password: bool,
    /// Why: `helpdesk`, `expired` (in the directory), `breached` or
    /// `policy` (the password signed in with breaks today's rules).
    #[schema(value_type = Option<String>)]
    must_change_reason: Option<ChangeReason>,
    /// The registered mobile phone, masked.
    phone: Option<String>,
    authenticator: bool,
    /// No method is registered and the university requires one: register one.
    registration_required: bool,
    /// Methods may be added, replaced or removed now without proving a factor again.
    factor_fresh: bool,
    /// The ways to prove a second factor (`POST /api/v1/account/factor`); empty while paused.
    factor_methods: Vec<MethodOffer>,
    /// Where the second factor's code comes from, once one is on its way.
    factor_code_from: Option<String>,
    /// A number being registered, waiting for its code, masked.
    pending_phone: Option<String>,
    /// Recovery codes left in the person's set.
    recovery_codes_left: usize,
    /// The person's other address (reset codes, notices), masked.
    other_email: Option<String>,
    /// An address waiting for its code, in full: its owner just typed it.
    pending_email: Option<String>,
    /// How many passkeys the person holds.
    passkeys: usize,
    /// Ask the person whether their ways are still theirs
    /// (`registration.reconfirm_days`); they answer with
    /// `POST /api/v1/account/methods/confirm`, or by changing one.
    confirm_methods: bool,
    /// Where the client is: a laptop takes a new password only on campus or the VPN.
    location: Location,
    helpdesk: Helpdesk,
    /// Set when this request proved a second factor: the session's new
    /// token. The one sent so far opens nothing any more.
    token: Option<String>,
}

pub(super) async fn account_state(
    state: &Core,
    parts: &Parts,
    session: AccountSession,
) -> Result<AccountState, WebError> {
    let account = account_of(state, session.account_id).await?;
    let factor_methods = if signin_codes_paused(state, account.id).await? {
        Vec::new()
    } else {
        method_options(state, &account, CodeUse::SignIn).await?
    };
    let methods = state.store.methods(account.id).await?;
    let has_authenticator = methods.iter().any(|m| m.kind == "totp");
    let code_from = person::factor_code_from(state, &session, &account).await?;
    let pending = person::pending_phone(&session);
    let stage = session.stage;
    let who = person::SignedIn {
        session,
        account,
        has_authenticator,
    };
    let fresh = stage == Stage::Active && person::factor_is_fresh(state, &who);
    let confirm = stage == Stage::Active && person::methods_to_confirm(state, &who).await?;
    Ok(AccountState {
        username: who.account.username.clone(),
        name: who.account.name.clone(),
        stage,
        must_change_password: who.account.must_change_password,
        must_change_reason: who.account.must_change_reason,
        phone: who.account.phone.as_deref().map(mask_phone),
        authenticator: has_authenticator,
        registration_required: !who.has_methods() && state.registration.required,
        factor_fresh: fresh,
        factor_methods: factor_methods.into_iter().map(MethodOffer::from).collect(),
        factor_code_from: code_from,
        pending_phone: pending,
        recovery_codes_left: person::recovery_codes_left(state, who.account.id).await?,
        confirm_methods: confirm,
        other_email: (who.account.alt_email.as_deref()).map(crate::model::account::mask_email),
        pending_email: who.session.enrol_email.clone(),
        passkeys: state.store.passkeys(who.account.id).await?.len(),
        location: caller(state, parts).location,
        helpdesk: Helpdesk::of(state),
        token: None,
    })
}

/// The session the bearer token names, at the factor stage or signed in.
pub(super) async fn session(state: &Core, parts: &Parts) -> Result<AccountSession, WebError> {
    let token = bearer(&parts.headers).ok_or(WebError::Expired)?;
    session_named(state, &token)
        .await?
        .filter(|s| s.stage != Stage::Signin)
        .ok_or(WebError::Expired)
}

pub(super) fn factor_required() -> Response {
    error_response(
        StatusCode::FORBIDDEN,
        "factor_required",
        "Prove a second factor first: POST /api/v1/account/factor, then /api/v1/account/factor/code.",
    )
}

/// Runs an action for the signed-in person and answers with the account's
/// state (200), or why not: 422 refused, 403 a factor first.
pub(super) async fn act(
    state: &Core,
    parts: &Parts,
    run: impl AsyncFnOnce(&person::SignedIn) -> Result<Outcome, WebError>,
) -> Response {
    let result = async {
        let session = session(state, parts).await?;
        if session.stage != Stage::Active {
            return Ok(factor_required());
        }
        let id = session.id.clone();
        let who = person::signed_in(state, Some(session)).await?;
        answer(state, parts, &id, run(&who).await?).await
    }
    .await;
    result.unwrap_or_else(api_error)
}

async fn answer(
    state: &Core,
    parts: &Parts,
    session_id: &str,
    outcome: Outcome,
) -> Result<Response, WebError> {
    Ok(match outcome {
        Outcome::Done => {
            let session = person::reloaded(state, session_id).await?;
            Json(account_state(state, parts, session).await?).into_response()
        }
        Outcome::Renewed(token) => {
            let session = person::reloaded(state, &token_id(&token)).await?;
            let mut body = account_state(state, parts, session).await?;
            body.token = Some(token);
            Json(body).into_response()
        }
        Outcome::VerifyFirst(_) => factor_required(),
        Outcome::Refused { error, violations } => {
            // Refused by the policy: the rules' own words as the message too.
            let message = match error.is_empty() {
                true => refusal_message(&violations),
                false => error,
            };
            error_body(
                StatusCode::UNPROCESSABLE_ENTITY,
                "refused",
                &message,
                violations.into_iter().map(BrokenRule::from).collect(),
                None,
            )
        }
    })
}

// ---- Paths ------------------------------------------------------------------------------

#[derive(Deserialize, ToSchema)]
pub(super) struct Credentials {
    /// The username or university email address.
    #[schema(min_length = 1)]
    identifier: String,
    #[schema(min_length = 1)]
    password: String,
}

/// Sign in with the password. An account with a method must then prove a
/// second factor (`stage` is `factor`).
#[utoipa::path(post, path = "/api/v1/session", tag = "account", request_body = Credentials,
    responses(
        (status = 201, body = SignedIn),
        (status = 401, description = "Wrong username or password (the same answer for both), or paused (`refused`)", body = ApiError),
        (status = 429, body = ApiError)))]
pub(super) async fn sign_in(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Credentials>,
) -> Response {
    let result = async {
        match person::sign_in(
            &state,
            &caller(&state, &parts),
            &body.identifier,
            &body.password,
        )
        .await?
        {
            SignIn::Refused(message) => Ok(error_response(
                StatusCode::UNAUTHORIZED,
                "refused",
                &message,
            )),
            SignIn::Started { token } => {
                let session = session_named(&state, &token)
                    .await?
                    .ok_or(WebError::Expired)?;
                let account = account_state(&state, &parts, session).await?;
                Ok((StatusCode::CREATED, Json(SignedIn { token, account })).into_response())
            }
        }
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Sign out: the token stops working.
#[utoipa::path(delete, path = "/api/v1/session", tag = "account",
    security(("session_token" = [])),
    responses((status = 204), (status = 401, body = ApiError)))]
pub(super) async fn sign_out(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        person::sign_out(&state, &caller(&state, &parts), &session).await?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// The account's state.
#[utoipa::path(get, path = "/api/v1/account", tag = "account",
    security(("session_token" = [])),
    responses((status = 200, body = AccountState), (status = 401, body = ApiError)))]
pub(super) async fn current(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        Ok(Json(account_state(&state, &parts, session).await?).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Runs a second-factor step: allowed at the `factor` stage as well as signed in.
pub(super) async fn factor_step(
    state: &Core,
    parts: &Parts,
    run: impl AsyncFnOnce(&AccountSession) -> Result<Outcome, WebError>,
) -> Response {
    let result = async {
        let session = session(state, parts).await?;
        let outcome = run(&session).await?;
        answer(state, parts, &session.id, outcome).await
    }
    .await;
    result.unwrap_or_else(api_error)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct Method {
    /// One of `factor_methods`: `sms`, `voice` or `totp`.
    method: String,
}

/// Ask for a second-factor code: texted, called, or read off the authenticator app.
#[utoipa::path(post, path = "/api/v1/account/factor", tag = "account",
    security(("session_token" = [])), request_body = Method,
    responses((status = 200, body = AccountState), (status = 422, body = ApiError)))]
pub(super) async fn factor_send(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Method>,
) -> Response {
    factor_step(&state, &parts, async |s| {
        person::send_factor_code(&state, &caller(&state, &parts), s, &body.method).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct Code {
    /// The 6-digit code; spaces and dashes are ignored.
    pub(super) code: String,
}

/// Type the second factor's code: signed in, or fresh to change methods.
#[utoipa::path(post, path = "/api/v1/account/factor/code", tag = "account",
    security(("session_token" = [])), request_body = Code,
    responses((status = 200, body = AccountState), (status = 422, body = ApiError)))]
pub(super) async fn factor_code(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Code>,
) -> Response {
    factor_step(&state, &parts, async |s| {
        person::check_factor_code(&state, &caller(&state, &parts), s, &body.code).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct PhoneNumber {
    /// A 10-digit US number, or `+CountryCode Number`.
    phone: String,
    /// How the code reaches the number; a text when left out.
    #[serde(default)]
    channel: PhoneChannel,
}

/// `sms` or `voice`, exactly.
#[derive(Deserialize, ToSchema, Default, Clone, Copy)]
#[serde(rename_all = "lowercase")]
pub(super) enum PhoneChannel {
    #[default]
    Sms,
    Voice,
}

impl PhoneChannel {
    fn as_str(self) -> &'static str {
        match self {
            PhoneChannel::Sms => "sms",
            PhoneChannel::Voice => "voice",
        }
    }
}

/// Use a recovery code in place of the second factor's code: each works
/// once; the owner is told how many are left.
#[utoipa::path(post, path = "/api/v1/account/factor/recovery", tag = "account",
    security(("session_token" = [])), request_body = Code,
    responses((status = 200, body = AccountState), (status = 422, body = ApiError)))]
pub(super) async fn factor_recovery(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Code>,
) -> Response {
    factor_step(&state, &parts, async |s| {
        person::check_recovery_code(&state, &caller(&state, &parts), s, &body.code).await
    })
    .await
}

/// A new set of recovery codes, shown this once; the old set stops working.
#[derive(Serialize, ToSchema)]
pub(super) struct RecoveryCodes {
    /// Ten codes of 64 bits, each usable once (dashes and case do not count).
    codes: Vec<String>,
}

/// Make a new set of recovery codes (a fresh second factor is needed).
#[utoipa::path(post, path = "/api/v1/account/recovery-codes", tag = "account",
    security(("session_token" = [])),
    responses(
        (status = 200, body = RecoveryCodes),
        (status = 403, body = ApiError)))]
pub(super) async fn recovery_codes(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        if session.stage != Stage::Active {
            return Ok(factor_required());
        }
        let who = person::signed_in(&state, Some(session)).await?;
        match person::make_recovery_codes(&state, &caller(&state, &parts), &who).await? {
            Ok(codes) => Ok(Json(RecoveryCodes { codes }).into_response()),
            Err(_) => Ok(factor_required()),
        }
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Say the registered ways are still the person's: asked again in
/// `registration.reconfirm_days`.
#[utoipa::path(post, path = "/api/v1/account/methods/confirm", tag = "account",
    security(("session_token" = [])),
    responses((status = 200, body = AccountState), (status = 401, body = ApiError)))]
pub(super) async fn confirm_methods(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        let who = person::signed_in(&state, Some(session.clone())).await?;
        person::confirm_methods(&state, &caller(&state, &parts), &who).await?;
        Ok::<_, WebError>(Json(account_state(&state, &parts, session).await?).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Register a mobile phone: a code goes to it, to be typed back.
#[utoipa::path(post, path = "/api/v1/account/phone", tag = "account",
    security(("session_token" = [])), request_body = PhoneNumber,
    responses(
        (status = 200, description = "The code is on its way (`pending_phone`)", body = AccountState),
        (status = 403, description = "`factor_required`", body = ApiError),
        (status = 422, body = ApiError)))]
pub(super) async fn phone_start(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<PhoneNumber>,
) -> Response {
    act(&state, &parts, async |who| {
        person::start_phone(
            &state,
            &caller(&state, &parts),
            who,
            &body.phone,
            body.channel.as_str(),
        )
        .await
    })
    .await
}

/// Type back the code sent to the new number: it is registered.
#[utoipa::path(post, path = "/api/v1/account/phone/confirm", tag = "account",
    security(("session_token" = [])), request_body = Code,
    responses(
        (status = 200, body = AccountState),
        (status = 403, body = ApiError),
        (status = 422, body = ApiError)))]
pub(super) async fn phone_confirm(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Code>,
) -> Response {
    act(&state, &parts, async |who| {
        person::confirm_phone(&state, &caller(&state, &parts), who, &body.code).await
    })
    .await
}

/// Give up on the number waiting for its code.
#[utoipa::path(post, path = "/api/v1/account/phone/cancel", tag = "account",
    security(("session_token" = [])),
    responses((status = 200, body = AccountState), (status = 403, body = ApiError)))]
pub(super) async fn phone_cancel(State(state): State<Core>, parts: Parts) -> Response {
    act(&state, &parts, async |who| {
        person::cancel_phone(&state, &who.session).await
    })
    .await
}

/// Remove the registered phone (never the last method while one is required).
#[utoipa::path(delete, path = "/api/v1/account/phone", tag = "account",
    security(("session_token" = [])),
    responses(
        (status = 200, body = AccountState),
        (status = 403, body = ApiError),
        (status = 422, body = ApiError)))]
pub(super) async fn phone_remove(State(state): State<Core>, parts: Parts) -> Response {
    act(&state, &parts, async |who| {
        person::remove_phone(&state, &caller(&state, &parts), who).await
    })
    .await
}

/// An authenticator app's key, to add to the app before confirming.
#[derive(Serialize, ToSchema)]
pub(super) struct Enrolment {
    /// The key in base32, for typing in.
    secret: String,
    /// The `otpauth://` URI, for a QR code.
    otpauth_uri: String,
}

/// Begin registering an authenticator app: its key (the same one until confirmed).
#[utoipa::path(post, path = "/api/v1/account/authenticator", tag = "account",
    security(("session_token" = [])),
    responses(
        (status = 200, body = Enrolment),
        (status = 403, body = ApiError)))]
pub(super) async fn authenticator_start(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        if session.stage != Stage::Active {
            return Ok(factor_required());
        }
        let who = person::signed_in(&state, Some(session)).await?;
        if !person::factor_is_fresh(&state, &who) {
            return Ok(factor_required());
        }
        let enrolment = person::enrolment(&state, &who).await?;
        let body = Enrolment {
            secret: crate::totp::base32(&enrolment.secret),
            otpauth_uri: enrolment.uri,
        };
        Ok(Json(body).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// Type the app's first code: it is registered, in place of any earlier app.
#[utoipa::path(post, path = "/api/v1/account/authenticator/confirm", tag = "account",
    security(("session_token" = [])), request_body = Code,
    responses(
        (status = 200, body = AccountState),
        (status = 403, body = ApiError),
        (status = 422, body = ApiError)))]
pub(super) async fn authenticator_confirm(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Code>,
) -> Response {
    act(&state, &parts, async |who| {
        person::confirm_authenticator(&state, &caller(&state, &parts), who, &body.code).await
    })
    .await
}

/// Remove the authenticator app (never the last method while one is required).
#[utoipa::path(delete, path = "/api/v1/account/authenticator", tag = "account",
    security(("session_token" = [])),
    responses(
        (status = 200, body = AccountState),
        (status = 403, body = ApiError),
        (status = 422, body = ApiError)))]
pub(super) async fn authenticator_remove(State(state): State<Core>, parts: Parts) -> Response {
    act(&state, &parts, async |who| {
        person::remove_authenticator(&state, &caller(&state, &parts), who).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct PasswordUpdate {
    current: String,
    password: String,
    /// The new password again.
    confirm: String,
}

/// Change a known password: the policy, the history, the directory, then
/// the store. Every other session of the account ends.
#[utoipa::path(post, path = "/api/v1/account/password", tag = "account",
    security(("session_token" = [])), request_body = PasswordUpdate,
    responses(
        (status = 200, body = AccountState),
        (status = 403, body = ApiError),
        (status = 422, description = "Refused: `violations` or `message` say why; nothing changed", body = ApiError)))]
pub(super) async fn password(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<PasswordUpdate>,
) -> Response {
    act(&state, &parts, async |who| {
        person::update_password(
            &state,
            &caller(&state, &parts),
            who,
            &body.current,
            &body.password,
            &body.confirm,
        )
        .await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct Candidate {
    password: String,
    #[serde(default)]
    confirm: String,
}

/// Check a new password against the policy without setting it.
#[utoipa::path(post, path = "/api/v1/account/password/check", tag = "account",
    security(("session_token" = [])), request_body = Candidate,
    responses((status = 200, body = CheckAnswer), (status = 403, body = ApiError)))]
pub(super) async fn password_check(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Candidate>,
) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        if session.stage != Stage::Active {
            return Ok(factor_required());
        }
        let who = person::signed_in(&state, Some(session)).await?;
        let person = who.account.person();
        let policy = state.policy_for(&who.account).await;
        let answer = check_answer(&policy, &body.password, &body.confirm, &person);
        Ok(Json(answer).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}
