//! The reset flow over the API: `POST /api/v1/reset` starts one and gives
//! its token; each answer after that is the reset's state.

use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use latchkey_policy::Violation;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{ApiError, Body, Helpdesk, MethodOffer, api_error, error_response};
use crate::captcha::pow::PowChallenge;
use crate::domain::checklist::{BrokenRule, CheckAnswer};
use crate::domain::code::offers;
use crate::domain::reset::{self, Outcome};
use crate::domain::{Core, account_of};
use crate::network::Location;
use crate::secrets::token_id;
use crate::store::{ResetSession, Step};
use crate::web::{WebError, bearer, caller};

pub(super) fn routes() -> Router<Core> {
    Router::new()
        .route("/api/v1/reset", post(start).get(current))
        .route("/api/v1/reset/identify", post(identify))
        .route("/api/v1/reset/captcha", post(captcha))
        .route("/api/v1/reset/captcha.png", get(captcha_image))
        .route("/api/v1/reset/method", post(method))
        .route("/api/v1/reset/method-again", post(method_again))
        .route("/api/v1/reset/code", post(code))
        .route("/api/v1/reset/recovery", post(recovery))
        .route("/api/v1/reset/passkey", post(passkey))
        .route("/api/v1/reset/password", post(password))
        .route("/api/v1/reset/password/check", post(password_check))
        .route("/api/v1/reset/unlock", post(unlock))
}

// ---- What the API says -------------------------------------------------------------------

/// A new reset: the token that names it from now on, and its state.
#[derive(Serialize, ToSchema)]
pub(super) struct Started {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its hash is kept.
    token: String,
    state: ResetState,
}

/// Where a reset stands and what its step needs.
#[derive(Serialize, ToSchema)]
pub(super) struct ResetState {
    step: Step,
    /// Why the last request did not go through, in words for the person.
    error: Option<String>,
    /// The policy rules the last password broke, each with what to do.
    violations: Vec<BrokenRule>,
    /// At `method`: the ways this person can prove who they are.
    methods: Vec<MethodOffer>,
    /// At `method`: a recovery code may stand in for a code
    /// (`POST /api/v1/reset/recovery`).
    recovery_code: bool,
    /// At `method`: a passkey may prove the person
    /// (`POST /api/v1/reset/passkey/options`, then `POST /api/v1/reset/passkey`).
    passkey: bool,
    /// The ways proven so far (`phone`, `app`, `recovery`), when the reset
    /// asks for more than one (`reset.proofs_required`).
    proofs_given: Vec<String>,
    /// At `method` after a first proof: why a second, by a different way,
    /// is asked for, in words for the person.
    second_proof: Option<String>,
    /// At `code`: where the code comes from, in words for the person.
    code_from: Option<String>,
    /// At `code`: how many minutes a code lives.
    code_minutes: Option<i64>,
    /// At `captcha`: the challenge's image (PNG).
    captcha_image: Option<String>,
    /// At `identify`: a proof of work (ALTCHA's format) that stands in for
    /// the image: find `number` with SHA-256(salt ‖ number) = challenge and
    /// send the solution, base64 JSON, as `pow` with the identifier. At
    /// `captcha`, while the cost is raised (a burst of resets): the one the
    /// image's answer needs beside it, sent as `pow` with the answer.
    pow: Option<PowChallenge>,
    /// At `password`: every rule a new password must meet.
    requirements: Vec<Requirement>,
    /// At `password`: the campus directory has this account locked after
    /// wrong passwords; `POST /api/v1/reset/unlock` lifts the lock and
    /// keeps the password. `null` without a directory.
    directory_locked: Option<bool>,
    /// Where the client is: a laptop takes a new password only on campus or the VPN.
    location: Location,
    /// Who to call when the reset cannot go on (the `help` and `paused` steps).
    helpdesk: Helpdesk,
    /// At `paused`: when online reset works again, in seconds since 1970.
    paused_until: Option<i64>,
    /// When the reset expires, in seconds since 1970.
    expires_at: i64,
    /// Set once, when the code is accepted: the reset's new token. The one
    /// sent so far opens nothing any more; send this one from now on.
    token: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub(super) struct Requirement {
    rule: String,
    description: String,
}

// ---- The reset's state --------------------------------------------------------------------

/// The reset the bearer token names; the API never reads the portal's cookie.
pub(super) async fn session(state: &Core, parts: &Parts) -> Result<ResetSession, WebError> {
    let token = bearer(&parts.headers).ok_or(WebError::Expired)?;
    reset::session_by_id(state, &token_id(&token))
        .await?
        .ok_or(WebError::Expired)
}

async fn reset_state(
    state: &Core,
    parts: &Parts,
    session: &ResetSession,
    error: Option<String>,
    violations: Vec<Violation>,
) -> Result<ResetState, WebError> {
    let step = session.step;
    let (mut methods, mut code, mut requirements) = (Vec::new(), None, Vec::new());
    let mut directory_locked = None;
    let (mut recovery_code, mut second_proof, mut passkey) = (false, None, false);
    match step {
        Step::Method => {
            let account = account_of(state, session.account_id).await?;
            let ways = reset::ways_left(state, session, &account).await?;
            methods = offers(&account, ways.methods)
                .into_iter()
                .map(MethodOffer::from)
                .collect();
            recovery_code = ways.recovery;
            passkey = ways.passkey;
            second_proof = reset::second_proof_words(state, session, &account).await?;
        }
        Step::Code => {
            let account = account_of(state, session.account_id).await?;
            let told = crate::domain::code::code_told(state, &account, session.code.as_ref());
            code = Some(told.await?);
        }
        Step::Password => {
            // The person's own rules, as the page shows them.
            let account = account_of(state, session.account_id).await?;
            requirements = state
                .policy_for(&account)
                .await
                .requirements()
                .into_iter()
                .map(|r| Requirement {
                    rule: r.rule.id().to_owned(),
                    description: crate::domain::checklist::requirement_words(&r),
                })
                .collect();
            let lock = crate::domain::unlock::reset_lock(state, session).await?;
            directory_locked = lock.map(|lock| lock == crate::directory::Lock::Locked);
        }
        _ => {}
    }
    let paused_until = match step {
        Step::Paused => account_of(state, session.account_id).await?.locked_until,
        _ => None,
    };
    let captcha = |file: &str| (step == Step::Captcha).then(|| format!("/api/v1/reset/{file}"));
    Ok(ResetState {
        step,
        error,
        violations: violations.into_iter().map(BrokenRule::from).collect(),
        methods,
        code_minutes: code.is_some().then_some(state.server.code_minutes),
        code_from: code,
        captcha_image: captcha("captcha.png"),
        recovery_code,
        passkey,
        proofs_given: session
            .proven
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
        second_proof,
        pow: reset::pow_challenge(state, session).await?,
        requirements,
        directory_locked,
        location: caller(state, parts).location,
        helpdesk: Helpdesk::of(state),
        paused_until,
        expires_at: session.expires_at,
        token: None,
    })
}

/// Runs one step for the reset the request names, and answers with its
/// state: 200 when the step went through, 422 with why when it did not,
/// 409 when the reset is at another step.
async fn step(
    state: &Core,
    parts: &Parts,
    run: impl AsyncFnOnce(&ResetSession) -> Result<Outcome, WebError>,
) -> Response {
    let result = async {
        let before = session(state, parts).await?;
        let mut renewed = None;
        let (status, error, violations) = match run(&before).await? {
            Outcome::Moved => (StatusCode::OK, None, Vec::new()),
            Outcome::Renewed(token) => {
                renewed = Some(token);
                (StatusCode::OK, None, Vec::new())
            }
            Outcome::OtherStep => (
                StatusCode::CONFLICT,
                Some(format!(
                    "This reset is at the {} step; nothing was changed.",
                    before.step.as_str()
                )),
                Vec::new(),
            ),
            Outcome::Again { error, violations } => {
                (StatusCode::UNPROCESSABLE_ENTITY, error, violations)
            }
        };
        let id = renewed.as_deref().map_or(before.id.clone(), token_id);
        let now = reset::session_by_id(state, &id)
            .await?
            .ok_or(WebError::Expired)?;
        let mut body = reset_state(state, parts, &now, error, violations).await?;
        body.token = renewed;
        Ok::<_, WebError>((status, Json(body)).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

// ---- Paths ------------------------------------------------------------------------------

/// Start a reset.
#[utoipa::path(post, path = "/api/v1/reset", tag = "reset",
    responses((status = 201, description = "A new reset, at `identify`", body = Started)))]
pub(super) async fn start(State(state): State<Core>, parts: Parts) -> Response {
    let result = async {
        let (token, session) = reset::new_session(&state, &caller(&state, &parts)).await?;
        let state = reset_state(&state, &parts, &session, None, Vec::new()).await?;
        Ok::<_, WebError>((StatusCode::CREATED, Json(Started { token, state })).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

/// The reset's state.
#[utoipa::path(get, path = "/api/v1/reset", tag = "reset",
    security(("reset_token" = [])),
    responses(
        (status = 200, body = ResetState),
        (status = 401, description = "No such reset, or it expired", body = ApiError)))]
pub(super) async fn current(State(state): State<Core>, parts: Parts) -> Response {
    step(&state, &parts, async |_| Ok(Outcome::Moved)).await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct Identify {
    /// The university email address or username: up to 254 characters, not
    /// blank, no control characters.
    #[schema(
        min_length = 1,
        max_length = 254,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    identifier: String,
    /// The proof of work's solution (base64 JSON of algorithm, challenge,
    /// number, salt, signature): when it holds, the CAPTCHA is passed.
    #[serde(default)]
    pow: Option<String>,
}

/// Say who is resetting. Known or not, the answer is the same `captcha`
/// step, or with a proof of work that holds, the step after it.
#[utoipa::path(post, path = "/api/v1/reset/identify", tag = "reset",
    security(("reset_token" = [])), request_body = Identify,
    responses(
        (status = 200, description = "At `captcha`; with a proof of work that holds, at `method` or `help`", body = ResetState),
        (status = 422, description = "Not a username or address; or a proof of work that did not hold (then at `captcha`)", body = ResetState),
        (status = 409, description = "The reset is at another step", body = ResetState),
        (status = 429, body = ApiError)))]
pub(super) async fn identify(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<Identify>,
) -> Response {
    step(&state, &parts, async |s| {
        let pow = body.pow.as_deref();
        reset::identify(&state, &caller(&state, &parts), s, &body.identifier, pow).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct CaptchaAnswer {
    /// The characters in the image, in any case.
    answer: String,
    /// When the state offered a `pow` at `captcha`: its solution, base64 JSON.
    #[serde(default)]
    pow: Option<String>,
}

/// Answer the CAPTCHA. Each challenge takes one answer; a wrong one brings a new image.
#[utoipa::path(post, path = "/api/v1/reset/captcha", tag = "reset",
    security(("reset_token" = [])), request_body = CaptchaAnswer,
    responses(
        (status = 200, description = "At `method`, or `help` when no code can be sent", body = ResetState),
        (status = 422, description = "Wrong, or without the proof of work offered beside it: a new challenge", body = ResetState),
        (status = 409, body = ResetState),
        (status = 429, body = ApiError)))]
pub(super) async fn captcha(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<CaptchaAnswer>,
) -> Response {
    step(&state, &parts, async |s| {
        let pow = body.pow.as_deref();
        reset::answer_captcha(&state, &caller(&state, &parts), s, &body.answer, pow).await
    })
    .await
}

/// The CAPTCHA's image.
#[utoipa::path(get, path = "/api/v1/reset/captcha.png", tag = "reset",
    security(("reset_token" = [])),
    responses(
        (status = 200, content_type = "image/png", body = Vec<u8>),
        (status = 404, description = "The reset is past its CAPTCHA", body = ApiError)))]
pub(super) async fn captcha_image(State(state): State<Core>, parts: Parts) -> Response {
    challenge(&state, &parts, "image/png", reset::captcha_png).await
}

/// The challenge of the reset the token names, in one of its forms.
async fn challenge(
    state: &Core,
    parts: &Parts,
    content_type: &'static str,
    form: impl AsyncFnOnce(&Core, &ResetSession) -> Result<Option<Vec<u8>>, WebError>,
) -> Response {
    let result = async {
        let session = session(state, parts).await?;
        Ok::<_, WebError>(match form(state, &session).await? {
            Some(bytes) => ([(header::CONTENT_TYPE, content_type)], bytes).into_response(),
            None => error_response(
                StatusCode::NOT_FOUND,
                "not_found",
                "This reset has no challenge now: it is past the CAPTCHA step.",
            ),
        })
    }
    .await;
    result.unwrap_or_else(api_error)
}

#[derive(Deserialize, ToSchema)]
pub(super) struct MethodChoice {
    /// One of the state's `methods`: `sms`, `voice` or `totp`.
    method: String,
}

/// Choose how to get a code: it is texted, called, or read off the authenticator app.
#[utoipa::path(post, path = "/api/v1/reset/method", tag = "reset",
    security(("reset_token" = [])), request_body = MethodChoice,
    responses(
        (status = 200, description = "At `code`", body = ResetState),
        (status = 422, description = "Not offered, or not sent (too many codes, provider down)", body = ResetState),
        (status = 409, body = ResetState)))]
pub(super) async fn method(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<MethodChoice>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::choose_method(&state, &caller(&state, &parts), s, &body.method).await
    })
    .await
}

/// Back from `code` to `method`: no code arrived.
#[utoipa::path(post, path = "/api/v1/reset/method-again", tag = "reset",
    security(("reset_token" = [])),
    responses((status = 200, body = ResetState), (status = 409, body = ResetState)))]
pub(super) async fn method_again(State(state): State<Core>, parts: Parts) -> Response {
    step(&state, &parts, async |s| {
        reset::methods_again(&state, s).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct CodeEntry {
    /// The 6-digit code; spaces and dashes are ignored.
    code: String,
}

/// Type the code. Each try counts; too many wrong ones lock online reset for a while.
#[utoipa::path(post, path = "/api/v1/reset/code", tag = "reset",
    security(("reset_token" = [])), request_body = CodeEntry,
    responses(
        (status = 200, description = "At `password` with a new `token`, or `method` when a second proof is asked for (also with one), or `paused` once locked", body = ResetState),
        (status = 422, description = "Wrong, used, or void: see `error`", body = ResetState),
        (status = 409, body = ResetState)))]
pub(super) async fn code(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<CodeEntry>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::check_code(&state, &caller(&state, &parts), s, &body.code).await
    })
    .await
}

/// A recovery code in place of a sent or app code, at `method` or `code`.
/// It is spent; the owner is told how many are left.
#[utoipa::path(post, path = "/api/v1/reset/recovery", tag = "reset",
    security(("reset_token" = [])), request_body = CodeEntry,
    responses(
        (status = 200, description = "At `password`, or at `method` when a second proof is asked for (then with a new `token`)", body = ResetState),
        (status = 422, description = "Not one of the unused codes, or a recovery code proved it already", body = ResetState),
        (status = 409, body = ResetState)))]
pub(super) async fn recovery(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<CodeEntry>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::use_recovery_code(&state, &caller(&state, &parts), s, &body.code).await
    })
    .await
}

/// A passkey's answer at `method`, to the options
/// `POST /api/v1/reset/passkey/options` gave.
#[utoipa::path(post, path = "/api/v1/reset/passkey", tag = "reset",
    security(("reset_token" = [])), request_body = super::passkey::Credential,
    responses(
        (status = 200, description = "At `password`, or at `method` when another proof is asked for (with a new `token`)", body = ResetState),
        (status = 422, description = "The answer did not hold", body = ResetState),
        (status = 409, body = ResetState)))]
pub(super) async fn passkey(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<super::passkey::Credential>,
) -> Response {
    let credential = body.credential().to_string();
    step(&state, &parts, async |s| {
        reset::use_passkey(&state, &caller(&state, &parts), s, &credential).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
pub(super) struct NewPassword {
    password: String,
    /// The password again.
    confirm: String,
}

/// Set the new password: the policy, the history, the directory, then the store.
#[utoipa::path(post, path = "/api/v1/reset/password", tag = "reset",
    security(("reset_token" = [])), request_body = NewPassword,
    responses(
        (status = 200, description = "At `done`: the new password works", body = ResetState),
        (status = 422, description = "Refused: `violations` or `error` say why; nothing changed", body = ResetState),
        (status = 409, body = ResetState)))]
pub(super) async fn password(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<NewPassword>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::set_password(
            &state,
            &caller(&state, &parts),
            s,
            &body.password,
            &body.confirm,
        )
        .await
    })
    .await
}

/// Unlock the account in the campus directory instead of choosing a new
/// password: the same proof as a reset, the password kept.
#[utoipa::path(post, path = "/api/v1/reset/unlock", tag = "reset",
    security(("reset_token" = [])),
    responses(
        (status = 200, description = "At `unlocked`: the old password works again", body = ResetState),
        (status = 422, description = "Not unlocked: `error` says why; nothing changed", body = ResetState),
        (status = 409, body = ResetState)))]
pub(super) async fn unlock(State(state): State<Core>, parts: Parts) -> Response {
    step(&state, &parts, async |s| {
        crate::domain::unlock::unlock_by_reset(&state, &caller(&state, &parts), s).await
    })
    .await
}

/// Check a password against the policy without setting it.
#[utoipa::path(post, path = "/api/v1/reset/password/check", tag = "reset",
    security(("reset_token" = [])), request_body = NewPassword,
    responses((status = 200, body = CheckAnswer), (status = 409, body = ApiError)))]
pub(super) async fn password_check(
    State(state): State<Core>,
    parts: Parts,
    Body(body): Body<NewPassword>,
) -> Response {
    let result = async {
        let session = session(&state, &parts).await?;
        Ok::<_, WebError>(
            match reset::check_password(&state, &session, &body.password, &body.confirm).await? {
                Some(answer) => Json(answer).into_response(),
                None => error_response(
                    StatusCode::CONFLICT,
                    "other_step",
                    "This reset is not at the password step.",
                ),
            },
        )
    }
    .await;
    result.unwrap_or_else(api_error)
}
