//! The JSON API: the reset flow, a person's own account (sign-in,
//! registering methods, updating a known password) and the help desk's
//! work on an account, for clients that are not a browser (a kiosk, a mobile app, a load generator). The same steps
//! as the portal run behind it; the OpenAPI document at `/api/openapi.json`
//! is generated from these modules.
//!
//! A client names its reset or its session with `Authorization: Bearer
//! <token>`. The API never reads the portal's cookies, so another site
//! cannot drive it from someone's browser, and it needs no CSRF token.

mod account;
mod email;
mod helpdesk;
mod pass;
mod passkey;
mod report;
mod reports;
mod reset;

use axum::Json;
use axum::Router;
use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use super::WebError;
use crate::domain::checklist::{BrokenRule, CheckAnswer, RequirementMet};
use crate::domain::code::MethodOption;
use crate::domain::{Core, log_error};
use crate::network::Location;
use crate::store::{Stage, Step};

/// Every URL of the API, the OpenAPI document included.
pub fn routes() -> Router<Core> {
    Router::new()
        .route("/api/openapi.json", get(openapi_get))
        .merge(reset::routes())
        .merge(account::routes())
        .merge(helpdesk::routes())
        .merge(report::routes())
        .merge(reports::routes())
        .merge(pass::routes())
        .merge(passkey::routes())
        .merge(email::routes())
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Latchkey",
        description = "Self-service password reset. A reset, or a signed-in session, is named by \
            its bearer token in each request. A reset's answers are its state: the step it is at \
            and what that step needs; a request for another step than the current one changes \
            nothing (409). A session's answers are the account's state; an action that needs a \
            second factor proven in the last minutes says so (403 `factor_required`).",
    ),
    paths(
        reset::start,
        reset::current,
        reset::identify,
        reset::captcha,
        reset::captcha_image,
        reset::method,
        reset::method_again,
        reset::code,
        reset::recovery,
        reset::password,
        reset::password_check,
        reset::unlock,
        account::sign_in,
        account::sign_out,
        account::current,
        account::factor_send,
        account::factor_code,
        account::factor_recovery,
        account::recovery_codes,
        account::confirm_methods,
        account::phone_start,
        account::phone_confirm,
        account::phone_cancel,
        account::phone_remove,
        account::authenticator_start,
        account::authenticator_confirm,
        account::authenticator_remove,
        account::password,
        account::password_check,
        report::report_not_me,
        pass::sign_in,
        email::start,
        email::confirm,
        email::remove,
        passkey::register_options,
        passkey::register,
        passkey::remove,
        passkey::factor_options,
        passkey::factor,
        passkey::reset_options,
        passkey::sign_in_options,
        passkey::sign_in,
        reset::passkey,
        pass::issue,
        helpdesk::sign_in,
        helpdesk::factor,
        helpdesk::sign_out,
        helpdesk::search,
        helpdesk::account,
        helpdesk::action,
        reports::report,
    ),
    components(schemas(
        reset::Started,
        reset::ResetState,
        reset::Identify,
        reset::CaptchaAnswer,
        reset::MethodChoice,
        reset::CodeEntry,
        reset::NewPassword,
        reset::Requirement,
        account::Credentials,
        account::SignedIn,
        account::AccountState,
        account::PhoneNumber,
        account::PhoneChannel,
        account::Enrolment,
        account::RecoveryCodes,
        account::PasswordUpdate,
        report::ReportLink,
        report::Reported,
        pass::AccessPass,
        email::OtherEmail,
        passkey::Credential,
        passkey::NewPasskey,
        passkey::PasskeyUser,
        passkey::PasskeyCeremony,
        passkey::PasskeySignIn,
        pass::PassCredentials,
        ApiError,
        CheckAnswer,
        RequirementMet,
        BrokenRule,
        MethodOffer,
        Helpdesk,
        Step,
        Stage,
        Location
    )),
    modifiers(&BearerTokens, &CommonAnswers),
    tags(
        (name = "reset", description = "Forgot the password: identify, CAPTCHA, a code, a new password."),
        (name = "account", description = "Knows the password: sign in, register a phone or an authenticator app, change the password."),
        (name = "helpdesk", description = "Staff: sign in with an authenticator code, find an account, verify the caller, then act. Every step is audited.")
    )
)]
struct Document;

/// Declares the bearer schemes the paths refer to.
struct BearerTokens;

impl Modify for BearerTokens {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let schemes = [
            ("reset_token", "The token `POST /api/v1/reset` returned."),
            (
                "session_token",
                "The token `POST /api/v1/session` returned.",
            ),
            (
                "staff_token",
                "The token `POST /api/v1/helpdesk/session` returned.",
            ),
        ];
        for (name, description) in schemes {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(description))
                        .build(),
                ),
            );
        }
    }
}

/// The answers any operation may give besides its own, written once: a
/// request that does not parse or fit (400), a body that is not JSON
/// (415), a missing or expired token (401), too many requests
/// from one address (429), and a failure on our side (500). An operation's
/// own description of a status, where it has one, stands.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let answer = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ApiError")))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                let mut common = vec![
                    ("400", "The request does not parse (`bad_request`)"),
                    ("429", "Too many requests from this address (`too_many`)"),
                    (
                        "500",
                        "A failure on our side, logged under `reference` (`internal`)",
                    ),
                ];
                if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
                    common.push(("401", "No token, or it names nothing live (`expired`)"));
                }
                if operation.request_body.is_some() {
                    common.push(("415", "The body is not JSON (`bad_request`)"));
                }
                for (status, description) in common {
                    let responses = &mut operation.responses.responses;
                    if !responses.contains_key(status) {
                        responses.insert(status.to_owned(), answer(description));
                    }
                }
            }
        }
    }
}

/// The document, generated from the modules' annotations.
pub fn document() -> utoipa::openapi::OpenApi {
    Document::openapi()
}

async fn openapi_get() -> Response {
    Json(document()).into_response()
}

// ---- What both parts say ------------------------------------------------------------------

#[derive(Serialize, ToSchema)]
pub(super) struct MethodOffer {
    /// What to send as `method`: `sms`, `voice` or `totp`.
    method: String,
    /// The offer as the portal words it, the phone number masked.
    label: String,
}

impl From<MethodOption> for MethodOffer {
    fn from(option: MethodOption) -> Self {
        MethodOffer {
            method: option.value.to_owned(),
            label: option.label,
        }
    }
}

/// Who to call when self-service cannot go on.
#[derive(Serialize, ToSchema)]
pub(super) struct Helpdesk {
    phone: String,
    email: String,
    chat_url: String,
}

impl Helpdesk {
    fn of(state: &Core) -> Helpdesk {
        Helpdesk {
            phone: state.site.helpdesk.phone.clone(),
            email: state.site.helpdesk.email.clone(),
            chat_url: state.site.helpdesk.chat_url.clone(),
        }
    }
}

/// What went wrong, when the answer is not a reset's or an account's state.
#[derive(Serialize, ToSchema)]
pub(super) struct ApiError {
    /// `bad_request`, `expired`, `forbidden`, `not_found`, `too_many`, `internal`,
    /// `other_step`, `refused` or `factor_required`.
    error: String,
    message: String,
    /// For `refused` by the password policy: each broken rule.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    violations: Vec<BrokenRule>,
    /// For `internal`: the reference under which the details are logged.
    #[serde(skip_serializing_if = "Option::is_none")]
    reference: Option<String>,
}

fn error_response(status: StatusCode, error: &str, message: &str) -> Response {
    error_body(status, error, message, Vec::new(), None)
}

fn error_body(
    status: StatusCode,
    error: &str,
    message: &str,
    violations: Vec<BrokenRule>,
    reference: Option<String>,
) -> Response {
    let body = ApiError {
        error: error.to_owned(),
        message: message.to_owned(),
        violations,
        reference,
    };
    (status, Json(body)).into_response()
}

/// The API's answer to a failure: the portal's error pages, as JSON.
fn api_error(error: WebError) -> Response {
    match error {
        WebError::Expired
        | WebError::LinkSpent
        | WebError::NotSignedIn
        | WebError::FactorOwed
        | WebError::NotOnDuty => error_response(
            StatusCode::UNAUTHORIZED,
            "expired",
            "This token names no reset or session, or it has expired. Start again, or sign in again.",
        ),
        WebError::TooMany => error_response(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many",
            "Too many attempts came from this network in a short time. Wait ten minutes and try again.",
        ),
        WebError::Forbidden => error_response(
            StatusCode::FORBIDDEN,
            "forbidden",
            "Not allowed for this role.",
        ),
        WebError::PasswordChangeOwed => error_response(
            StatusCode::FORBIDDEN,
            "password_change_owed",
            "This member of staff signed in with a temporary password: choose your own in the console (/helpdesk/password) first.",
        ),
        WebError::NotFound | WebError::NoSuchStaff => error_response(
            StatusCode::NOT_FOUND,
            "not_found",
            "There is no such account.",
        ),
        WebError::Unavailable(detail) => {
            log_error(&format!("database unavailable: {detail}"));
            let mut answer = error_body(
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service cannot reach its records for a moment. Nothing was changed; try again in a minute.",
                Vec::new(),
                None,
            );
            answer.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from_static(super::RETRY_AFTER_SECONDS),
            );
            answer
        }
        WebError::Internal(detail) => {
            let reference = crate::secrets::random_token()[..8].to_uppercase();
            log_error(&format!("reference {reference}: {detail}"));
            error_body(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "Something went wrong on our side. Nothing was changed; try again in a few minutes.",
                Vec::new(),
                Some(reference),
            )
        }
    }
}

/// A JSON request body; one that does not parse is refused in the API's own form.
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

/// 415 for a body that is not JSON; 400 for one that does not parse or fit.
/// (422 is left to the steps: a well-formed request refused, with why.)
fn bad_body(rejection: &JsonRejection) -> Response {
    let status = match rejection {
        JsonRejection::MissingJsonContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::BAD_REQUEST,
    };
    error_response(status, "bad_request", &rejection.body_text())
}

/// Path parameters; ones that do not parse (a word for an id) are refused
/// in the API's own form.
struct PathOf<T>(T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathOf<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(value)) => Ok(PathOf(value)),
            Err(rejection) => Err(bad_path(&rejection)),
        }
    }
}

fn bad_path(rejection: &PathRejection) -> Response {
    error_response(rejection.status(), "bad_request", &rejection.body_text())
}
