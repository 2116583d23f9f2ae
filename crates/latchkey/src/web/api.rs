//! The JSON API: the reset flow for clients that are not a browser (a
//! kiosk, a mobile app, a load generator), the same steps the portal runs,
//! described by the OpenAPI document at `/api/openapi.json`.
//!
//! A client starts a reset with `POST /api/v1/reset` and names it from then
//! on with `Authorization: Bearer <token>`. Every answer about a reset is
//! its state: the step it is at, what that step needs, and why the last
//! request did not go through. The API never reads the portal's cookie, so
//! another site cannot drive it from someone's browser, and it needs no
//! CSRF token.

use axum::Json;
use axum::Router;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use latchkey_policy::Violation;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use super::codes::{code_from, method_options};
use super::password::{BrokenRule, CheckAnswer, RequirementMet};
use super::reset::{self, Outcome};
use super::{AppState, WebError, account_of, bearer, client_ip, log_error};
use crate::network::Location;
use crate::secrets::token_id;
use crate::store::{ResetSession, Step};

/// Every URL of the API, the OpenAPI document included.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/openapi.json", get(openapi_get))
        .route("/api/v1/reset", post(start).get(current))
        .route("/api/v1/reset/identify", post(identify))
        .route("/api/v1/reset/captcha", post(captcha))
        .route("/api/v1/reset/captcha.png", get(captcha_image))
        .route("/api/v1/reset/captcha.wav", get(captcha_audio))
        .route("/api/v1/reset/method", post(method))
        .route("/api/v1/reset/method-again", post(method_again))
        .route("/api/v1/reset/code", post(code))
        .route("/api/v1/reset/password", post(password))
        .route("/api/v1/reset/password/check", post(password_check))
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Latchkey",
        description = "Self-service password reset. Start a reset, then name it with its bearer \
            token in each request. Each answer is the reset's state: the step it is at and what \
            that step needs. A request for another step than the current one changes nothing \
            (409).",
    ),
    paths(
        start,
        current,
        identify,
        captcha,
        captcha_image,
        captcha_audio,
        method,
        method_again,
        code,
        password,
        password_check
    ),
    components(schemas(
        Started,
        ResetState,
        ApiError,
        Identify,
        CaptchaAnswer,
        MethodChoice,
        CodeEntry,
        NewPassword,
        CheckAnswer,
        RequirementMet,
        Requirement,
        BrokenRule,
        MethodOffer,
        Helpdesk,
        Step,
        Location
    )),
    modifiers(&BearerToken),
    tags((name = "reset", description = "Forgot the password: identify, CAPTCHA, a code, a new password."))
)]
struct Document;

/// Declares the `reset_token` bearer scheme the paths refer to.
struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "reset_token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("The token `POST /api/v1/reset` returned."))
                    .build(),
            ),
        );
    }
}

/// The document, generated from this module's annotations.
pub fn document() -> utoipa::openapi::OpenApi {
    Document::openapi()
}

async fn openapi_get() -> Response {
    Json(document()).into_response()
}

// ---- What the API says -------------------------------------------------------------------

/// A new reset: the token that names it from now on, and its state.
#[derive(Serialize, ToSchema)]
struct Started {
    /// Send as `Authorization: Bearer <token>`. Shown once; only its hash is kept.
    token: String,
    state: ResetState,
}

/// Where a reset stands and what its step needs.
#[derive(Serialize, ToSchema)]
struct ResetState {
    step: Step,
    /// Why the last request did not go through, in words for the person.
    error: Option<String>,
    /// The policy rules the last password broke, each with what to do.
    violations: Vec<BrokenRule>,
    /// At `method`: the ways this person can prove who they are.
    methods: Vec<MethodOffer>,
    /// At `code`: where the code comes from, in words for the person.
    code_from: Option<String>,
    /// At `code`: how many minutes a code lives.
    code_minutes: Option<i64>,
    /// At `captcha`: the challenge's image (PNG) and its spoken version (WAV).
    captcha_image: Option<String>,
    captcha_audio: Option<String>,
    /// At `password`: every rule a new password must meet.
    requirements: Vec<Requirement>,
    /// Where the client is: a laptop takes a new password only on campus or the VPN.
    location: Location,
    /// Who to call when the reset cannot go on (the `help` step).
    helpdesk: Helpdesk,
    /// When the reset expires, in seconds since 1970.
    expires_at: i64,
}

#[derive(Serialize, ToSchema)]
struct MethodOffer {
    /// What to send as `method`: `sms`, `voice` or `totp`.
    method: String,
    /// The offer as the portal words it, the phone number masked.
    label: String,
}

#[derive(Serialize, ToSchema)]
struct Requirement {
    rule: String,
    description: String,
}

#[derive(Serialize, ToSchema)]
struct Helpdesk {
    phone: String,
    email: String,
    chat_url: String,
}

/// What went wrong, when the answer is not a reset's state.
#[derive(Serialize, ToSchema)]
struct ApiError {
    /// `bad_request`, `expired`, `forbidden`, `too_many` or `internal`.
    error: String,
    message: String,
    /// For `internal`: the reference under which the details are logged.
    reference: Option<String>,
}

fn error_response(
    status: StatusCode,
    error: &str,
    message: &str,
    reference: Option<String>,
) -> Response {
    let body = ApiError {
        error: error.to_owned(),
        message: message.to_owned(),
        reference,
    };
    (status, Json(body)).into_response()
}

/// The API's answer to a failure: the portal's error pages, as JSON.
fn api_error(error: WebError) -> Response {
    match error {
        WebError::Expired | WebError::Redirect(_) => error_response(
            StatusCode::UNAUTHORIZED,
            "expired",
            "This reset has expired or was never started. Start a new one.",
            None,
        ),
        WebError::TooMany => error_response(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many",
            "Too many attempts came from this network in a short time. Wait ten minutes and try again.",
            None,
        ),
        WebError::Forbidden => error_response(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Not allowed for this role.",
            None,
        ),
        WebError::Internal(detail) => {
            let reference = crate::secrets::random_token()[..8].to_uppercase();
            log_error(&format!("reference {reference}: {detail}"));
            error_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. Nothing was changed; try again in a few minutes.",
                Some(reference),
            )
        }
    }
}

/// A JSON request body; one that does not parse is a 400 in the API's own form.
struct Body<T>(T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Response> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(bad_body(&rejection)),
        }
    }
}

fn bad_body(rejection: &JsonRejection) -> Response {
    error_response(
        rejection.status(),
        "bad_request",
        &rejection.body_text(),
        None,
    )
}

// ---- The reset's state --------------------------------------------------------------------

/// The reset the bearer token names; the API never reads the portal's cookie.
async fn session(state: &AppState, parts: &Parts) -> Result<ResetSession, WebError> {
    let token = bearer(&parts.headers).ok_or(WebError::Expired)?;
    reset::session_by_id(state, &token_id(&token))
        .await?
        .ok_or(WebError::Expired)
}

async fn reset_state(
    state: &AppState,
    parts: &Parts,
    session: &ResetSession,
    error: Option<String>,
    violations: Vec<Violation>,
) -> Result<ResetState, WebError> {
    let step = session.step;
    let (mut methods, mut code, mut requirements) = (Vec::new(), None, Vec::new());
    match step {
        Step::Method => {
            let account = account_of(state, session.account_id).await?;
            methods = method_options(state, &account)
                .await?
                .into_iter()
                .map(|o| MethodOffer {
                    method: o.value.to_owned(),
                    label: o.label,
                })
                .collect();
        }
        Step::Code => {
            let account = account_of(state, session.account_id).await?;
            code = Some(code_from(
                session.method.as_deref().unwrap_or("sms"),
                &account,
            ));
        }
        Step::Password => {
            requirements = state
                .policy
                .requirements()
                .into_iter()
                .map(|r| Requirement {
                    rule: r.rule.id().to_owned(),
                    description: r.description,
                })
                .collect();
        }
        _ => {}
    }
    let captcha = |file: &str| (step == Step::Captcha).then(|| format!("/api/v1/reset/{file}"));
    Ok(ResetState {
        step,
        error,
        violations: violations.into_iter().map(BrokenRule::from).collect(),
        methods,
        code_minutes: code.is_some().then_some(state.server.code_minutes),
        code_from: code,
        captcha_image: captcha("captcha.png"),
        captcha_audio: captcha("captcha.wav"),
        requirements,
        location: state.network.locate(client_ip(state, parts)),
        helpdesk: Helpdesk {
            phone: state.helpdesk.phone.clone(),
            email: state.helpdesk.email.clone(),
            chat_url: state.helpdesk.chat_url.clone(),
        },
        expires_at: session.expires_at,
    })
}

/// Runs one step for the reset the request names, and answers with its
/// state: 200 when the step went through, 422 with why when it did not,
/// 409 when the reset is at another step.
async fn step(
    state: &AppState,
    parts: &Parts,
    run: impl AsyncFnOnce(&ResetSession) -> Result<Outcome, WebError>,
) -> Response {
    let result = async {
        let before = session(state, parts).await?;
        let (status, error, violations) = match run(&before).await? {
            Outcome::Moved => (StatusCode::OK, None, Vec::new()),
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
        let now = reset::session_by_id(state, &before.id)
            .await?
            .ok_or(WebError::Expired)?;
        let body = reset_state(state, parts, &now, error, violations).await?;
        Ok::<_, WebError>((status, Json(body)).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}

// ---- Paths ------------------------------------------------------------------------------

/// Start a reset.
#[utoipa::path(post, path = "/api/v1/reset", tag = "reset",
    responses((status = 201, description = "A new reset, at `identify`", body = Started)))]
async fn start(State(state): State<AppState>, parts: Parts) -> Response {
    let result = async {
        let (token, session) = reset::new_session(&state, &parts).await?;
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
async fn current(State(state): State<AppState>, parts: Parts) -> Response {
    step(&state, &parts, async |_| Ok(Outcome::Moved)).await
}

#[derive(Deserialize, ToSchema)]
struct Identify {
    /// The university email address or username.
    identifier: String,
}

/// Say who is resetting. Known or not, the answer is the same `captcha` step.
#[utoipa::path(post, path = "/api/v1/reset/identify", tag = "reset",
    security(("reset_token" = [])), request_body = Identify,
    responses(
        (status = 200, description = "At `captcha`", body = ResetState),
        (status = 422, description = "Not a username or address", body = ResetState),
        (status = 409, description = "The reset is at another step", body = ResetState),
        (status = 429, body = ApiError)))]
async fn identify(
    State(state): State<AppState>,
    parts: Parts,
    Body(body): Body<Identify>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::identify(&state, &parts, s, &body.identifier).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
struct CaptchaAnswer {
    /// The characters in the image, in any case.
    answer: String,
}

/// Answer the CAPTCHA. Each challenge takes one answer; a wrong one brings a new image.
#[utoipa::path(post, path = "/api/v1/reset/captcha", tag = "reset",
    security(("reset_token" = [])), request_body = CaptchaAnswer,
    responses(
        (status = 200, description = "At `method`, or `help` when no code can be sent", body = ResetState),
        (status = 422, description = "Wrong: a new challenge", body = ResetState),
        (status = 409, body = ResetState),
        (status = 429, body = ApiError)))]
async fn captcha(
    State(state): State<AppState>,
    parts: Parts,
    Body(body): Body<CaptchaAnswer>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::answer_captcha(&state, &parts, s, &body.answer).await
    })
    .await
}

/// The CAPTCHA's image.
#[utoipa::path(get, path = "/api/v1/reset/captcha.png", tag = "reset",
    security(("reset_token" = [])),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404)))]
async fn captcha_image(state: State<AppState>, parts: Parts) -> Response {
    reset::captcha_png_get(state, parts).await
}

/// The CAPTCHA's characters read out.
#[utoipa::path(get, path = "/api/v1/reset/captcha.wav", tag = "reset",
    security(("reset_token" = [])),
    responses((status = 200, content_type = "audio/wav", body = Vec<u8>), (status = 404)))]
async fn captcha_audio(state: State<AppState>, parts: Parts) -> Response {
    reset::captcha_wav_get(state, parts).await
}

#[derive(Deserialize, ToSchema)]
struct MethodChoice {
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
async fn method(
    State(state): State<AppState>,
    parts: Parts,
    Body(body): Body<MethodChoice>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::choose_method(&state, &parts, s, &body.method).await
    })
    .await
}

/// Back from `code` to `method`: no code arrived.
#[utoipa::path(post, path = "/api/v1/reset/method-again", tag = "reset",
    security(("reset_token" = [])),
    responses((status = 200, body = ResetState), (status = 409, body = ResetState)))]
async fn method_again(State(state): State<AppState>, parts: Parts) -> Response {
    step(&state, &parts, async |s| {
        reset::methods_again(&state, s).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
struct CodeEntry {
    /// The 6-digit code; spaces and dashes are ignored.
    code: String,
}

/// Type the code. Each try counts; too many wrong ones lock online reset for a while.
#[utoipa::path(post, path = "/api/v1/reset/code", tag = "reset",
    security(("reset_token" = [])), request_body = CodeEntry,
    responses(
        (status = 200, description = "At `password` (or `help` once locked)", body = ResetState),
        (status = 422, description = "Wrong, used, or void: see `error`", body = ResetState),
        (status = 409, body = ResetState)))]
async fn code(
    State(state): State<AppState>,
    parts: Parts,
    Body(body): Body<CodeEntry>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::check_code(&state, &parts, s, &body.code).await
    })
    .await
}

#[derive(Deserialize, ToSchema)]
struct NewPassword {
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
async fn password(
    State(state): State<AppState>,
    parts: Parts,
    Body(body): Body<NewPassword>,
) -> Response {
    step(&state, &parts, async |s| {
        reset::set_password(&state, &parts, s, &body.password, &body.confirm).await
    })
    .await
}

/// Check a password against the policy without setting it.
#[utoipa::path(post, path = "/api/v1/reset/password/check", tag = "reset",
    security(("reset_token" = [])), request_body = NewPassword,
    responses((status = 200, body = CheckAnswer), (status = 409, body = ApiError)))]
async fn password_check(
    State(state): State<AppState>,
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
                    None,
                ),
            },
        )
    }
    .await;
    result.unwrap_or_else(api_error)
}
