//! `latchkey audit …`: check and export the hash-chained audit trail.

use std::io::Write;

use clap::{Subcommand, ValueEnum};

use super::{Outcome, UsageError};
use crate::config::LoadedConfig;
use crate::store::{AuditEvent, ChainCheck, Store};

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Walk the chain: exit 0 when intact, 1 naming the first event that
    /// was altered, removed or reordered.
    Verify {
        /// Name every such event, not just the first.
        #[arg(long)]
        all: bool,
    },
    /// Write the events since a date to standard output, oldest first.
    Export {
        /// `YYYY-MM-DD` (midnight UTC) or an RFC 3339 time.
        #[arg(long)]
        since: String,
        #[arg(long, value_enum, default_value_t = Format::Jsonl)]
        format: Format,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Jsonl,
}

const PAGE: i64 = 10_000;

pub fn run(command: AuditCommand, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let store = Store::open(&config.config.database.url)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        let result = match command {
            AuditCommand::Verify { all } => {
                let mut checks = store
                    .audit_breaks()
                    .await
                    .map_err(|e| UsageError(e.to_string()))?;
                if !all {
                    checks.truncate(1);
                }
                for check in &checks {
                    println!("{check}");
                }
                Ok(match checks.first() {
                    Some(ChainCheck::Broken { .. }) => Outcome::Refused,
                    _ => Outcome::Success,
                })
            }
            AuditCommand::Export { since, format } => {
                export(&store, parse_since(&since)?, format).await
            }
        };
        store.close().await;
        result
    })
}

/// `2026-09-01` or `2026-09-01T08:00:00Z`, as Unix seconds.
fn parse_since(text: &str) -> Result<i64, UsageError> {
    let text = text.trim();
    let full = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    let time = humantime::parse_rfc3339_weak(&full).map_err(|_| {
        UsageError(format!(
            "--since {text:?}: give a date such as 2026-09-01 or a time such as 2026-09-01T08:00:00Z"
        ))
    })?;
    time.duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .map_err(|_| UsageError(format!("--since {text:?} is before 1970")))
}

async fn export(store: &Store, since: i64, format: Format) -> Result<Outcome, UsageError> {
    let failed = |e: &dyn std::fmt::Display| UsageError(format!("cannot write the export: {e}"));
    // One of the two writes; each keeps its own buffer.
    let mut jsonl = std::io::BufWriter::new(std::io::stdout().lock());
    let mut csv = csv::Writer::from_writer(std::io::stdout().lock());
    if let Format::Csv = format {
        csv.write_record(CSV_HEADER).map_err(|e| failed(&e))?;
    }
    let mut after = 0;
    loop {
        let page = store
            .events_page(after, since, PAGE)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for event in &page {
            match format {
                Format::Jsonl => {
                    serde_json::to_writer(&mut jsonl, event).map_err(|e| failed(&e))?;
                    writeln!(jsonl).map_err(|e| failed(&e))?;
                }
                Format::Csv => csv
                    .write_record(csv_record(event))
                    .map_err(|e| failed(&e))?,
            }
        }
    }
    csv.flush().map_err(|e| failed(&e))?;
    jsonl.flush().map_err(|e| failed(&e))?;
    Ok(Outcome::Success)
}

const CSV_HEADER: [&str; 10] = [
    "seq",
    "at",
    "time",
    "actor",
    "action",
    "account_id",
    "address",
    "detail",
    "prev_hash",
    "hash",
];

fn csv_record(event: &AuditEvent) -> [String; 10] {
    [
        event.seq.to_string(),
        event.at.to_string(),
        crate::notify::format_time(event.at),
        event.actor.clone(),
        event.action.clone(),
        event
            .account_id
            .map(|id| id.to_string())
            .unwrap_or_default(),
        event.address.clone(),
        event.detail.clone(),
        event.prev_hash.clone(),
        event.hash.clone(),
    ]
}
