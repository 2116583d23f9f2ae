//! `/helpdesk/audit`: the trail, filtered, and its export.

use super::*;

#[derive(Template)]
#[template(path = "helpdesk/audit.html")]
struct AuditPage<'a> {
    site: &'a Site,
    csrf: &'a str,
    staff: &'a Staff,
    filter: AuditFilter,
    /// Whom the trail may be narrowed to: (actor, label).
    actors: Vec<(String, String)>,
    lines: Vec<(String, audit_trail::Line)>,
}

#[derive(Deserialize, Default)]
pub struct AuditFilter {
    #[serde(default)]
    account: String,
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    /// `done`, `failed`, or empty for both.
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    since: String,
}

/// The newest events matching the filter (at most 200), told in words,
/// with export links.
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
    let search = audit_trail::Search {
        account_id,
        actor: filter.actor.trim().to_owned(),
        action: filter.action.trim().to_owned(),
        outcome: audit_trail::Outcome::parse(filter.outcome.trim()),
        since: parse_day(&filter.since).unwrap_or(0),
    };
    let lang = i18n::current().lang;
    let events = audit_trail::search(&state, &search, 200).await?;
    let lines = audit_trail::lines(&state, lang, events)
        .await?
        .into_iter()
        .map(|line| (staff_time(&state, line.event.at), line))
        .collect();
    let mut actors: Vec<(String, String)> = ["self-service", "cli", "directory"]
        .into_iter()
        .map(|actor| (actor.to_owned(), actor.to_owned()))
        .collect();
    actors.extend(
        state
            .store
            .all_staff()
            .await?
            .into_iter()
            .map(|member| (member.actor(), member.username)),
    );
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
            actors,
            lines,
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
