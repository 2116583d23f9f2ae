//! `/helpdesk/audit`: the trail, filtered, and its export.

use super::*;

#[derive(Template)]
#[template(path = "helpdesk/audit.html")]
struct AuditPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    filter: AuditFilter,
    events: Vec<(String, AuditEvent)>,
}

#[derive(Deserialize, Default)]
pub struct AuditFilter {
    #[serde(default)]
    account: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    since: String,
}

/// The newest events matching the filter (at most 200), with export links.
pub async fn audit_get(
    State(state): State<Core>,
    parts: Parts,
    Query(filter): Query<AuditFilter>,
) -> Result<Response, WebError> {
    let on = helpdesk::on_duty(&state, current(&state, &parts).await?).await?;
    on.require_admin(&state, &caller(&state, &parts), "audit")
        .await?;
    let account_id = match filter.account.trim() {
        "" => None,
        who => Some(state.store.find_account(who).await?.map_or(-1, |a| a.id)),
    };
    let since = parse_day(&filter.since).unwrap_or(0);
    let events = state
        .store
        .search_events(
            account_id,
            filter.actor.trim(),
            filter.action.trim(),
            since,
            200,
        )
        .await?
        .into_iter()
        .map(|e| (crate::notify::format_time(e.at), e))
        .collect();
    on.record(
        &state,
        &caller(&state, &parts),
        Action::AuditViewed,
        None,
        "",
    )
    .await?;
    Ok(render(
        &AuditPage {
            site: &state.site,
            csrf: &on.session.csrf,
            staff: &on.staff,
            filter,
            events,
        },
        StatusCode::OK,
    ))
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    since: String,
}

/// The chain since a day, as JSON lines (what `latchkey audit export` writes).
pub async fn audit_export_get(
    State(state): State<Core>,
    parts: Parts,
    Query(query): Query<ExportQuery>,
) -> Result<Response, WebError> {
    let on = helpdesk::on_duty(&state, current(&state, &parts).await?).await?;
    on.require_admin(&state, &caller(&state, &parts), "audit-export")
        .await?;
    let since = parse_day(&query.since).unwrap_or(0);
    let mut body = String::new();
    let mut after = 0;
    loop {
        let page = state.store.events_page(after, since, 10_000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for event in &page {
            body.push_str(&serde_json::to_string(event)?);
            body.push('\n');
        }
    }
    on.record(
        &state,
        &caller(&state, &parts),
        Action::AuditExported,
        None,
        &query.since,
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/x-ndjson"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"latchkey-audit.jsonl\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// `YYYY-MM-DD` as Unix seconds at midnight UTC.
fn parse_day(text: &str) -> Option<i64> {
    let time = humantime::parse_rfc3339_weak(&format!("{}T00:00:00Z", text.trim())).ok()?;
    let seconds = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(seconds).ok()
}
