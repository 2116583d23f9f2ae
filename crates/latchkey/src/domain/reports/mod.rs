//! Reports for the people who run Latchkey: whether registration is
//! working and what the portal is doing, over a range of days on the
//! campus's clock. Each report is a table (rows of figures under named
//! columns) that the console draws as a chart with the table beside it,
//! and that the CLI and the API give as a table, CSV or JSON.

mod chart;
mod range;

pub use chart::svg;
pub use range::{Range, RangeError};

use std::collections::BTreeMap;

use serde::Serialize;

use super::Error;
use crate::i18n::Lang;
use crate::network::{Location, NetworkConfig};
use crate::store::Store;

/// What the reports read: the store, and the campus's ranges (for where
/// changes came from). The server's core and the CLI each lend theirs.
pub struct Sources<'a> {
    pub store: &'a Store,
    pub network: &'a NetworkConfig,
}

/// The reports there are, in the order the console shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// Share of accounts with each way to prove who they are.
    Registration,
    /// Accounts with no way to reset online, by department.
    Unregistered,
    /// Resets and password updates per day, by way and outcome.
    Activity,
    /// Wrong passwords and codes, and locks, per day.
    Failures,
    /// The help desk's actions, by member of staff.
    Helpdesk,
    /// Where finished resets and updates came from: campus, VPN, outside.
    OffCampus,
    /// Directory writes waiting, and how those that waited settled.
    Writeback,
    /// Codes sent by text and call against codes typed back, per day.
    Messages,
}

impl Kind {
    pub const ALL: [Kind; 8] = [
        Kind::Registration,
        Kind::Unregistered,
        Kind::Activity,
        Kind::Failures,
        Kind::Helpdesk,
        Kind::OffCampus,
        Kind::Writeback,
        Kind::Messages,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Registration => "registration",
            Kind::Unregistered => "unregistered",
            Kind::Activity => "activity",
            Kind::Failures => "failures",
            Kind::Helpdesk => "helpdesk",
            Kind::OffCampus => "off-campus",
            Kind::Writeback => "writeback",
            Kind::Messages => "messages",
        }
    }

    pub fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.as_str() == text)
    }

    /// What a row names: a day, a way, a member of staff, …
    fn row_key(self) -> &'static str {
        match self {
            Kind::Registration => "way",
            Kind::Unregistered => "department",
            Kind::Activity | Kind::Failures | Kind::Messages => "day",
            Kind::Helpdesk => "member",
            Kind::OffCampus => "place",
            Kind::Writeback => "state",
        }
    }

    /// (column key, message id) for each figure of a row.
    fn columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Registration => &[
                ("accounts", "rp-col-accounts"),
                ("percent", "rp-col-percent"),
            ],
            Kind::Unregistered => &[("accounts", "rp-col-accounts")],
            Kind::Activity => &[
                ("resets_started", "rp-col-resets-started"),
                ("resets_done", "rp-col-resets-done"),
                ("by_text", "rp-col-by-text"),
                ("by_call", "rp-col-by-call"),
                ("by_app", "rp-col-by-app"),
                ("by_passkey", "rp-col-by-passkey"),
                ("by_other", "rp-col-by-other"),
                ("resets_refused", "rp-col-resets-refused"),
                ("updates_done", "rp-col-updates-done"),
                ("updates_refused", "rp-col-updates-refused"),
            ],
            Kind::Failures => &[
                ("wrong_passwords", "rp-col-wrong-passwords"),
                ("wrong_codes", "rp-col-wrong-codes"),
                ("captcha_failed", "rp-col-captcha-failed"),
                ("reset_locks", "rp-col-reset-locks"),
                ("directory_locks", "rp-col-directory-locks"),
            ],
            Kind::Helpdesk => &[
                ("callers_verified", "rp-col-callers-verified"),
                ("phones_updated", "rp-col-phones-updated"),
                ("unlocks", "rp-col-unlocks"),
                ("links_and_passes", "rp-col-links-and-passes"),
                ("refused", "rp-col-refused"),
                ("all", "rp-col-all"),
            ],
            Kind::OffCampus => &[("changes", "rp-col-changes"), ("percent", "rp-col-percent")],
            Kind::Writeback => &[("writes", "rp-col-writes")],
            Kind::Messages => &[
                ("sent_text", "rp-col-sent-text"),
                ("sent_call", "rp-col-sent-call"),
                ("typed_back", "rp-col-typed-back"),
                ("percent_back", "rp-col-percent-back"),
            ],
        }
    }

    /// The columns the chart draws (the rest are in its table).
    fn charted(self) -> &'static [usize] {
        match self {
            Kind::Activity => &[1, 8],
            Kind::Failures => &[0, 1, 3],
            Kind::Helpdesk => &[5],
            Kind::Messages => &[0, 1, 2],
            _ => &[0],
        }
    }

    pub fn title_id(self) -> String {
        format!("rp-{}", self.as_str())
    }
}

/// One row of a report: what it names and its figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The machine's name (`2026-12-04`, `phone`, `staff:kim`).
    pub key: String,
    /// The words a person reads.
    pub label: String,
    pub values: Vec<f64>,
}

/// A column: its key (CSV, JSON) and its heading in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Column {
    pub key: &'static str,
    pub heading: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub kind: Kind,
    pub title: String,
    /// The range, `YYYY-MM-DD` both ends included.
    pub since: String,
    pub until: String,
    /// What the rows name (`day`, `way`, …).
    pub row_key: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

impl Report {
    /// The columns the chart draws.
    pub fn charted(&self) -> &'static [usize] {
        self.kind.charted()
    }

    /// What the report tells (a message id).
    pub fn about_id(&self) -> String {
        format!("{}-about", self.kind.title_id())
    }

    /// The heading over the rows' names (a message id).
    pub fn row_heading_id(&self) -> String {
        format!("rp-row-{}", self.row_key)
    }

    /// As CSV: the row's key, then each column's figure.
    pub fn csv(&self) -> Result<String, csv::Error> {
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut header = vec![self.row_key.to_owned()];
        header.extend(self.columns.iter().map(|c| c.key.to_owned()));
        out.write_record(&header)?;
        for row in &self.rows {
            let mut record = vec![row.key.clone()];
            record.extend(row.values.iter().map(|v| figure(*v)));
            out.write_record(&record)?;
        }
        let bytes = out.into_inner().map_err(|e| e.into_error())?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    }

    /// As JSON: the range, and each row's figures by column key.
    pub fn json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                let figures: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(&row.values)
                    .map(|(c, v)| (c.key.to_owned(), serde_json::json!(v)))
                    .collect();
                serde_json::json!({ self.row_key: row.key, "label": row.label, "figures": figures })
            })
            .collect();
        serde_json::json!({
            "report": self.kind.as_str(),
            "since": self.since,
            "until": self.until,
            "rows": rows,
        })
    }

    /// As a plain table for a terminal: headings, then aligned rows.
    pub fn table(&self) -> String {
        let mut lines = vec![{
            let mut header = vec![self.row_key.to_owned()];
            header.extend(self.columns.iter().map(|c| c.key.to_owned()));
            header
        }];
        for row in &self.rows {
            let mut line = vec![row.label.clone()];
            line.extend(row.values.iter().map(|v| figure(*v)));
            lines.push(line);
        }
        let widths: Vec<usize> = (0..lines[0].len())
            .map(|i| {
                lines
                    .iter()
                    .map(|l| l[i].chars().count())
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut out = format!("{} ({} – {})\n", self.title, self.since, self.until);
        for line in lines {
            let cells: Vec<String> = line
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (cell, width))| match i {
                    0 => format!("{cell:<width$}"),
                    _ => format!("{cell:>width$}"),
                })
                .collect();
            out.push_str(cells.join("  ").trim_end());
            out.push('\n');
        }
        out
    }
}

/// A figure as written: a count as a whole number, a share to one decimal.
pub fn figure(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        (part as f64 * 1000.0 / whole as f64).round() / 10.0
    }
}

/// The report `kind` over `range`, told in `lang`.
pub async fn report(
    from: &Sources<'_>,
    kind: Kind,
    range: &Range,
    lang: Lang,
) -> Result<Report, Error> {
    let rows = match kind {
        Kind::Registration => registration(from, lang).await?,
        Kind::Unregistered => unregistered(from, lang).await?,
        Kind::Activity | Kind::Failures | Kind::Messages => daily(from, kind, range).await?,
        Kind::Helpdesk => helpdesk(from, range).await?,
        Kind::OffCampus => off_campus(from, range, lang).await?,
        Kind::Writeback => writeback(from, range, lang).await?,
    };
    Ok(Report {
        kind,
        title: lang.tell(&kind.title_id(), &[]),
        since: range.first_day(),
        until: range.last_day(),
        row_key: kind.row_key(),
        columns: kind
            .columns()
            .iter()
            .map(|(key, id)| Column {
                key,
                heading: lang.tell(id, &[]),
            })
            .collect(),
        rows,
    })
}

fn row(key: &str, label: String, values: Vec<f64>) -> Row {
    Row {
        key: key.to_owned(),
        label,
        values,
    }
}

async fn registration(from: &Sources<'_>, lang: Lang) -> Result<Vec<Row>, Error> {
    let c = from.store.coverage().await?;
    let ways = [
        ("any", c.any),
        ("phone", c.phone),
        ("app", c.app),
        ("passkey", c.passkey),
        ("recovery", c.recovery),
        ("other-email", c.other_email),
        ("none", c.accounts - c.any),
    ];
    Ok(ways
        .into_iter()
        .map(|(way, n)| {
            let label = lang.tell(&format!("rp-way-{way}"), &[]);
            row(way, label, vec![n as f64, percent(n, c.accounts)])
        })
        .collect())
}

async fn unregistered(from: &Sources<'_>, lang: Lang) -> Result<Vec<Row>, Error> {
    Ok(from
        .store
        .unregistered_by_department()
        .await?
        .into_iter()
        .map(|(department, n)| {
            let label = match department.as_str() {
                "" => lang.tell("rp-no-department", &[]),
                named => named.to_owned(),
            };
            row(&department, label, vec![n as f64])
        })
        .collect())
}

/// The column of a daily report an action's code counts in, if any.
fn daily_column(kind: Kind, action: &str) -> Option<usize> {
    let (head, way) = action.split_once(':').unwrap_or((action, ""));
    Some(match (kind, head) {
        (Kind::Activity, "reset.started") => 0,
        (Kind::Activity, "reset.completed") => match way {
            "sms" => 2,
            "voice" => 3,
            "app" => 4,
            "passkey" => 5,
            _ => 6,
        },
        (Kind::Activity, "reset.password_refused") => 7,
        (Kind::Activity, "account.password_updated") => 8,
        (Kind::Activity, "account.password_refused") => 9,
        (Kind::Failures, "signin.failed" | "helpdesk.signin_failed") => 0,
        (
            Kind::Failures,
            "reset.code_wrong" | "signin.code_wrong" | "helpdesk.caller_code_wrong",
        ) => 1,
        (Kind::Failures, "reset.captcha_failed") => 2,
        (Kind::Failures, "reset.locked" | "helpdesk.locked") => 3,
        (Kind::Failures, "signin.directory_locked" | "watch.lock_caught") => 4,
        (Kind::Messages, sent) if sent.ends_with("code_sent.sms") => 0,
        (Kind::Messages, sent) if sent.ends_with("code_sent.voice") => 1,
        (
            Kind::Messages,
            "reset.code_verified"
            | "signin.factor_proven"
            | "account.phone_added"
            | "account.phone_replaced"
            | "helpdesk.caller_verified",
        ) => 2,
        _ => return None,
    })
}

/// The action codes a daily report reads (prefixes).
fn daily_prefixes(kind: Kind) -> &'static [&'static str] {
    match kind {
        Kind::Activity => &[
            "reset.started",
            "reset.completed",
            "reset.password_refused",
            "account.password_updated",
            "account.password_refused",
        ],
        Kind::Failures => &[
            "signin.failed",
            "helpdesk.signin_failed",
            "reset.code_wrong",
            "signin.code_wrong",
            "helpdesk.caller_code_wrong",
            "reset.captcha_failed",
            "reset.locked",
            "helpdesk.locked",
            "signin.directory_locked",
            "watch.lock_caught",
        ],
        _ => &[
            "reset.code_sent.",
            "signin.code_sent.",
            "registration.code_sent.",
            "caller.code_sent.",
            "helpdesk.code_sent.",
            "account.phone_code_sent.",
            "reset.code_verified",
            "signin.factor_proven",
            "account.phone_added",
            "account.phone_replaced",
            "helpdesk.caller_verified",
        ],
    }
}

async fn daily(from: &Sources<'_>, kind: Kind, range: &Range) -> Result<Vec<Row>, Error> {
    let days = range.days();
    let bounds: Vec<(i64, i64)> = days.iter().map(|d| (d.start, d.end)).collect();
    let columns = kind.columns().len();
    let mut figures = vec![vec![0.0; columns]; days.len()];
    for (day, action, events) in from
        .store
        .events_by_day(&bounds, daily_prefixes(kind))
        .await?
    {
        if let (Some(column), Some(day)) = (daily_column(kind, &action), figures.get_mut(day)) {
            day[column] += events as f64;
        }
    }
    for day in &mut figures {
        match kind {
            // Every finished reset, whichever way it was proven.
            Kind::Activity => day[1] = day[2..=6].iter().sum(),
            Kind::Messages => day[3] = percent(day[2] as i64, (day[0] + day[1]) as i64),
            _ => {}
        }
    }
    Ok(days
        .iter()
        .zip(figures)
        .map(|(day, values)| row(&day.key, day.key.clone(), values))
        .collect())
}

async fn helpdesk(from: &Sources<'_>, range: &Range) -> Result<Vec<Row>, Error> {
    let mut members: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (actor, action, events) in from.store.events_by_actor(range.bounds(), "staff:").await? {
        let figures = members.entry(actor).or_insert_with(|| vec![0.0; 6]);
        let head = action
            .split([':', '.'])
            .take(2)
            .collect::<Vec<_>>()
            .join(".");
        let column = match head.as_str() {
            "helpdesk.caller_verified" => Some(0),
            "helpdesk.phone_set" | "helpdesk.phone_removed" => Some(1),
            "helpdesk.unlocked" | "helpdesk.directory_unlocked" => Some(2),
            "helpdesk.reset_link_sent" | "helpdesk.access_pass_issued" => Some(3),
            "helpdesk.refused_not_admin" | "helpdesk.refused_unverified" => Some(4),
            _ => None,
        };
        if let Some(column) = column {
            figures[column] += events as f64;
        }
        figures[5] += events as f64;
    }
    Ok(members
        .into_iter()
        .map(|(actor, values)| {
            let name = actor.strip_prefix("staff:").unwrap_or(&actor).to_owned();
            row(&actor, name, values)
        })
        .collect())
}

async fn off_campus(from: &Sources<'_>, range: &Range, lang: Lang) -> Result<Vec<Row>, Error> {
    let prefixes = ["reset.completed", "account.password_updated"];
    let by_address = from
        .store
        .events_by_address(range.bounds(), &prefixes)
        .await?;
    let mut places = [0_i64; 4];
    for (address, events) in by_address {
        let place = match from.network.locate(address.parse().ok()) {
            Location::Campus => 0,
            Location::Vpn => 1,
            Location::Outside => 2,
            Location::Unknown => 3,
        };
        places[place] += events;
    }
    let all: i64 = places.iter().sum();
    Ok(["campus", "vpn", "outside", "unknown"]
        .into_iter()
        .zip(places)
        .map(|(place, n)| {
            let label = lang.tell(&format!("rp-place-{place}"), &[]);
            row(place, label, vec![n as f64, percent(n, all)])
        })
        .collect())
}

async fn writeback(from: &Sources<'_>, range: &Range, lang: Lang) -> Result<Vec<Row>, Error> {
    let pending = from.store.pending_writes().await?.len() as f64;
    let mut settled = [0.0; 2];
    let days: Vec<(i64, i64)> = range.days().iter().map(|d| (d.start, d.end)).collect();
    let settles = from.store.events_by_day(&days, &["directory.settled:"]);
    for (_, action, events) in settles.await? {
        match action.as_str() {
            "directory.settled:stored" => settled[0] += events as f64,
            _ => settled[1] += events as f64,
        }
    }
    Ok([
        ("pending", pending),
        ("stored", settled[0]),
        ("dropped", settled[1]),
    ]
    .into_iter()
    .map(|(state, n)| row(state, lang.tell(&format!("rp-write-{state}"), &[]), vec![n]))
    .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_action_counts_in_its_column() {
        assert_eq!(daily_column(Kind::Activity, "reset.completed:sms"), Some(2));
        assert_eq!(daily_column(Kind::Activity, "reset.completed"), Some(6));
        assert_eq!(
            daily_column(Kind::Activity, "account.password_updated:ended_sessions=2"),
            Some(8)
        );
        assert_eq!(
            daily_column(Kind::Messages, "signin.code_sent.voice"),
            Some(1)
        );
        assert_eq!(
            daily_column(Kind::Messages, "helpdesk.caller_verified:code"),
            Some(2)
        );
        assert_eq!(daily_column(Kind::Failures, "helpdesk.locked"), Some(3));
        assert_eq!(daily_column(Kind::Failures, "helpdesk.unlocked"), None);
        for kind in [Kind::Activity, Kind::Failures, Kind::Messages] {
            for prefix in daily_prefixes(kind) {
                let sample = if prefix.ends_with('.') {
                    format!("{prefix}sms")
                } else {
                    (*prefix).to_owned()
                };
                assert!(
                    daily_column(kind, &sample).is_some(),
                    "{prefix} is read but not counted"
                );
            }
        }
    }

    #[test]
    fn shares_and_figures_read_as_written() {
        assert_eq!(percent(1, 3), 33.3);
        assert_eq!(percent(0, 0), 0.0);
        assert_eq!(figure(12.0), "12");
        assert_eq!(figure(33.3), "33.3");
    }

    #[test]
    fn every_kind_parses_from_its_name() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
            assert!(kind.charted().iter().all(|c| *c < kind.columns().len()));
        }
    }
}
