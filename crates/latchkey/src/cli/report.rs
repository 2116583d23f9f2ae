//! `latchkey report KIND [--since DAY] [--until DAY] [--format …]`: the
//! console's reports on the command line, for a terminal, a spreadsheet
//! (CSV) or a script (JSON).

use clap::{Args, ValueEnum};

use super::{Outcome, UsageError};
use crate::clock::unix_now;
use crate::config::LoadedConfig;
use crate::domain::reports::{self, Kind, Range, Sources};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Which report.
    #[arg(value_enum)]
    kind: Kind,
    /// The first day, `YYYY-MM-DD` on the campus's clock (default: 30 days
    /// before --until).
    #[arg(long)]
    since: Option<String>,
    /// The last day, included (default: today).
    #[arg(long)]
    until: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

pub fn run(args: ReportArgs, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    let settings = &config.config;
    let zone = settings.site.zone().map_err(UsageError)?;
    let range = Range::new(
        args.since.as_deref(),
        args.until.as_deref(),
        &zone,
        unix_now(),
    )
    .map_err(|e| UsageError(e.to_string()))?;
    let runtime = super::runtime()?;
    let report = runtime.block_on(async {
        let store = Store::open(&settings.database.url)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        let sources = Sources {
            store: &store,
            network: &settings.network,
        };
        let report = reports::report(&sources, args.kind, &range, settings.site.language).await;
        store.close().await;
        report.map_err(|e| UsageError(format!("{e:?}")))
    })?;
    let text = match args.format {
        Format::Table => report.table(),
        Format::Csv => report
            .csv()
            .map_err(|e| UsageError(format!("cannot write CSV: {e}")))?,
        Format::Json => format!("{:#}\n", report.json()),
    };
    print!("{text}");
    Ok(Outcome::Success)
}
