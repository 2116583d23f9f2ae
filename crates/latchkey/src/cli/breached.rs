//! `latchkey breached`: build a filter of a breach corpus, check passwords
//! against one, and show what a filter file holds.

use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use latchkey_breached::{BreachedFilter, BuildOptions, Progress, SourceFormat, build};

use super::{Outcome, UsageError, each_password_line, outcome, output_error};
use crate::config::LoadedConfig;

#[derive(Debug, Subcommand)]
pub enum BreachedCommand {
    /// Build a filter from a breach corpus: the public corpus's download
    /// (`SHA1:COUNT` lines, ordered by hash or by count; or its NTLM
    /// download), or a plain list of passwords, one a line. A billion
    /// entries take about 2.2 GB of filter and one shard's memory to build.
    Build(BuildArgs),
    /// Check passwords, one a line on standard input, against a filter:
    /// each line's answer in order. Exit 0 when none is breached, 1 when
    /// any is, 2 on an error.
    Check(CheckArgs),
    /// What a filter file holds, and whether it is whole (reads all of it).
    Info { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The corpus to read.
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// The filter to write (replaced whole, by rename, when complete).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Leave out hashes the corpus has seen fewer times than this.
    #[arg(long, default_value_t = 1, value_name = "N")]
    min_count: u64,
    /// auto, sha1, ntlm or plain; auto reads the first line.
    #[arg(long, default_value = "auto", value_parser = parse_format)]
    format: SourceFormat,
    /// Shards as a power of two (default: about four million entries a shard).
    #[arg(long, value_name = "BITS")]
    shard_bits: Option<u8>,
    /// Shards built at once (default: one a core; each holds a shard in memory).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The filter (default: `policy.breached_filter` of the configuration).
    #[arg(long, value_name = "FILE")]
    filter: Option<PathBuf>,
    /// One JSON object a line: {"line": N, "breached": bool}.
    #[arg(long)]
    json: bool,
}

fn parse_format(name: &str) -> Result<SourceFormat, String> {
    SourceFormat::parse(name).ok_or_else(|| "expected auto, sha1, ntlm or plain".to_owned())
}

pub fn run(command: BreachedCommand, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    match command {
        BreachedCommand::Build(args) => build_filter(&args),
        BreachedCommand::Check(args) => {
            let filter = match &args.filter {
                Some(file) => open(file)?,
                None => config.breached_filter(&config.config.policy)?.ok_or_else(|| {
                    UsageError(
                        "breached check: name a filter with --filter FILE, or set policy.breached_filter"
                            .into(),
                    )
                })?,
            };
            check(
                &filter,
                args.json,
                io::stdin().lock(),
                BufWriter::new(io::stdout().lock()),
            )
        }
        BreachedCommand::Info { file } => info(&file),
    }
}

fn open(file: &Path) -> Result<BreachedFilter, UsageError> {
    BreachedFilter::open(file).map_err(|e| UsageError(e.to_string()))
}

/// A progress bar on standard error, drawn only when it is a terminal.
struct Bar(ProgressBar);

impl Bar {
    /// The length first: a style change draws, and must not draw a bar
    /// of the last phase's length.
    fn phase(&self, length: u64, template: &str) {
        self.0.set_length(length);
        self.0.set_position(0);
        if let Ok(style) = ProgressStyle::with_template(template) {
            self.0.set_style(style);
        }
    }
}

impl Progress for Bar {
    fn reading(&self, bytes: u64) {
        self.phase(
            bytes,
            "reading   {wide_bar} {binary_bytes}/{binary_total_bytes} ({binary_bytes_per_sec}, {eta} left)",
        );
    }
    fn read(&self, bytes: u64) {
        self.0.inc(bytes);
    }
    fn building(&self, shards: u64) {
        self.phase(
            shards,
            "building  {wide_bar} shard {pos}/{len} ({eta} left)",
        );
    }
    fn built(&self, shards: u64) {
        self.0.inc(shards);
    }
}

fn build_filter(args: &BuildArgs) -> Result<Outcome, UsageError> {
    let mut options = BuildOptions {
        format: args.format,
        min_count: args.min_count,
        shard_bits: args.shard_bits,
        ..BuildOptions::default()
    };
    if let Some(threads) = args.threads {
        options.threads = threads.max(1);
    }
    let started = Instant::now();
    let bar = Bar(ProgressBar::hidden());
    bar.0
        .set_draw_target(indicatif::ProgressDrawTarget::stderr());
    let report =
        build(&args.from, &args.out, &options, &bar).map_err(|e| UsageError(e.to_string()))?;
    bar.0.finish_and_clear();
    let header = &report.header;
    println!(
        "Built {} from {} ({}) in {:.1} s:",
        args.out.display(),
        args.from.display(),
        report.format.name(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "  {} entries from {} lines ({} duplicates, {} below --min-count {})",
        header.entries, header.lines, report.duplicates, report.below_min_count, header.min_count
    );
    println!(
        "  {} bytes: {:.2} bits an entry, {} shards",
        header.file_len,
        report.bits_per_entry(),
        header.shards()
    );
    println!("  source SHA-256 {}", hex::encode(header.source_sha256));
    Ok(Outcome::Success)
}

fn check(
    filter: &BreachedFilter,
    json: bool,
    input: impl BufRead,
    mut output: impl Write,
) -> Result<Outcome, UsageError> {
    let (mut checked, mut breached) = (0u64, 0u64);
    each_password_line(input, |number, password| {
        // The password is never echoed: an answer names its line only.
        let found = filter.contains(password);
        checked = number;
        breached += u64::from(found);
        match (json, found) {
            (true, _) => writeln!(output, "{{\"line\":{number},\"breached\":{found}}}"),
            (false, true) => writeln!(
                output,
                "line {number}: breached (appears in known breaches)"
            ),
            (false, false) => writeln!(output, "line {number}: not found"),
        }
        .map_err(output_error)
    })?;
    output.flush().map_err(output_error)?;
    eprintln!("{checked} checked, {breached} breached");
    Ok(outcome(breached == 0))
}

fn info(file: &Path) -> Result<Outcome, UsageError> {
    let filter = open(file)?;
    let header = filter.header();
    println!(
        "{}: breached-password filter, format version {}",
        file.display(),
        latchkey_breached::VERSION
    );
    println!(
        "  keys: {} ({}), {} shards",
        header.entries,
        header.hash.name(),
        header.shards()
    );
    println!(
        "  built from {} lines, leaving out counts below {}",
        header.lines, header.min_count
    );
    println!("  source SHA-256 {}", hex::encode(header.source_sha256));
    filter.verify().map_err(|e| UsageError(e.to_string()))?;
    println!("  checksum: whole");
    Ok(Outcome::Success)
}
