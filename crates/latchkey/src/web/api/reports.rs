//! `GET /api/v1/reports/{kind}`: the console's reports for a script, with
//! a staff bearer token (an admin's or a reader of reports').

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use utoipa::IntoParams;

use super::{ApiError, PathOf, api_error, error_response};
use crate::domain::Core;
use crate::domain::helpdesk;
use crate::domain::reports::{self, Kind, Range, Sources};
use crate::model::audit::Action;
use crate::web::{WebError, caller};

pub(super) fn routes() -> Router<Core> {
    Router::new().route("/api/v1/reports/{kind}", get(report))
}

#[derive(Deserialize, IntoParams)]
pub(super) struct RangeParams {
    /// The first day, `YYYY-MM-DD` on the campus's clock (default: 30 days before `until`).
    since: Option<String>,
    /// The last day, included (default: today).
    until: Option<String>,
}

/// One report over a range of days: `{report, since, until, rows: [{KEY,
/// label, figures: {column: value}}]}`. Kinds: `registration`,
/// `unregistered`, `activity`, `failures`, `helpdesk`, `off-campus`,
/// `writeback`, `messages`.
#[utoipa::path(get, path = "/api/v1/reports/{kind}", tag = "helpdesk",
    security(("staff_token" = [])),
    params(("kind" = String, Path), RangeParams),
    responses(
        (status = 200, description = "The report", body = Object),
        (status = 401, description = "Not signed in", body = ApiError),
        (status = 403, description = "Not an admin or a reader of reports", body = ApiError),
        (status = 404, description = "No such report", body = ApiError),
        (status = 422, description = "The range is not one", body = ApiError)))]
pub(super) async fn report(
    State(state): State<Core>,
    parts: Parts,
    PathOf(kind): PathOf<String>,
    Query(params): Query<RangeParams>,
) -> Response {
    let result = async {
        let session = super::helpdesk::session(&state, &parts).await?;
        let on = helpdesk::signed_in(&state, Some(session))
            .await
            .map_err(|e| match e {
                WebError::NotOnDuty => WebError::Expired,
                other => other,
            })?;
        on.require_reports(&state, &caller(&state, &parts)).await?;
        let Some(kind) = Kind::parse(&kind) else {
            return Ok(error_response(
                StatusCode::NOT_FOUND,
                "not_found",
                "There is no such report.",
            ));
        };
        let (since, until) = (params.since.as_deref(), params.until.as_deref());
        let range = match Range::new(since, until, &state.site.zone, state.clock.now()) {
            Ok(range) => range,
            Err(e) => {
                let message = e.to_string();
                return Ok(error_response(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "range",
                    &message,
                ));
            }
        };
        let sources = Sources {
            store: &state.store,
            network: &state.network,
        };
        let lang = crate::i18n::current().lang;
        let report = reports::report(&sources, kind, &range, lang).await?;
        let action = Action::ReportsViewed(kind.as_str());
        on.record(&state, &caller(&state, &parts), action, None, "api")
            .await?;
        Ok::<_, WebError>(Json(report.json()).into_response())
    }
    .await;
    result.unwrap_or_else(api_error)
}
