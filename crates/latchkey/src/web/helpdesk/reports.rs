//! `/helpdesk/reports`: the reports for admins and readers of reports,
//! each a chart drawn on the server (no script), its table, and its CSV.

use super::*;
use crate::domain::reports::{self, Kind, Range, Report, Sources};

/// A report as the page shows it.
struct Shown {
    report: Report,
    /// The chart's SVG, ours (numbers and escaped words).
    chart: Option<String>,
    /// Each row's figures as written.
    figures: Vec<Vec<String>>,
}

#[derive(Template)]
#[template(path = "helpdesk/reports.html")]
struct ReportsPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    since: String,
    until: String,
    error: Option<String>,
    shown: Vec<Shown>,
}

#[derive(Deserialize, Default)]
pub struct RangeQuery {
    #[serde(default)]
    since: String,
    #[serde(default)]
    until: String,
}

impl RangeQuery {
    fn range(&self, state: &Core) -> Result<Range, reports::RangeError> {
        Range::new(
            Some(&self.since),
            Some(&self.until),
            &state.site.zone,
            state.clock.now(),
        )
    }
}

fn sources(state: &Core) -> Sources<'_> {
    Sources {
        store: &state.store,
        network: &state.network,
    }
}

async fn reader(state: &Core, parts: &Parts) -> Result<helpdesk::OnDuty, WebError> {
    let on = helpdesk::signed_in(state, current(state, parts).await?).await?;
    on.require_reports(state, &caller(state, parts)).await?;
    Ok(on)
}

pub async fn reports_get(
    State(state): State<Core>,
    parts: Parts,
    Query(query): Query<RangeQuery>,
) -> Result<Response, WebError> {
    let on = reader(&state, &parts).await?;
    let lang = i18n::current().lang;
    let (range, error) = match query.range(&state) {
        Ok(range) => (Some(range), None),
        Err(e) => (None, Some(e.told(lang))),
    };
    let mut shown = Vec::new();
    if let Some(range) = &range {
        for kind in Kind::ALL {
            let report = reports::report(&sources(&state), kind, range, lang).await?;
            let figures = (report.rows.iter())
                .map(|row| row.values.iter().map(|v| reports::figure(*v)).collect())
                .collect();
            shown.push(Shown {
                chart: reports::svg(&report),
                figures,
                report,
            });
        }
        on.record(
            &state,
            &caller(&state, &parts),
            Action::ReportsViewed("all"),
            None,
            "",
        )
        .await?;
    }
    let status = match error {
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
        None => StatusCode::OK,
    };
    Ok(render(
        &ReportsPage {
            site: &state.site,
            csrf: &on.session.csrf,
            staff: &on.staff,
            since: range.as_ref().map_or(query.since.clone(), Range::first_day),
            until: range.as_ref().map_or(query.until.clone(), Range::last_day),
            error,
            shown,
        },
        status,
    ))
}

/// `GET /helpdesk/reports/{kind}/csv`: one report as a CSV download.
pub async fn report_csv_get(
    State(state): State<Core>,
    parts: Parts,
    Path(kind): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Result<Response, WebError> {
    let on = reader(&state, &parts).await?;
    let kind = Kind::parse(&kind).ok_or(WebError::NotFound)?;
    let range = match query.range(&state) {
        Ok(range) => range,
        Err(e) => {
            let words = e.told(i18n::current().lang);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, words).into_response());
        }
    };
    let lang = i18n::current().lang;
    let report = reports::report(&sources(&state), kind, &range, lang).await?;
    let body = report
        .csv()
        .map_err(|e| WebError::Internal(e.to_string()))?;
    on.record(
        &state,
        &caller(&state, &parts),
        Action::ReportsViewed(kind.as_str()),
        None,
        "csv",
    )
    .await?;
    let disposition = format!(
        "attachment; filename=\"latchkey-{}-{}-{}.csv\"",
        kind.as_str(),
        range.first_day(),
        range.last_day()
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
