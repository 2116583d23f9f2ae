//! The `latchkey` command line. Exit codes are part of the contract:
//! 0 success (password accepted), 1 refused (password rejected),
//! 2 usage or configuration error.

mod audit;
mod breached;
mod config;
mod directory;
mod policy;
mod report;
mod schedule;
mod secrets;
mod serve;
mod staff;
mod user;
mod watch;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use latchkey_policy::Verdict;

use crate::config::LoadedConfig;

#[derive(Debug, Parser)]
#[command(name = "latchkey", version, about = "Self-service password reset")]
pub struct Cli {
    /// Configuration file (TOML). Without one, the built-in defaults apply.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Database URL (sqlite://FILE or postgres://…); overrides `database.url`.
    #[arg(long, global = true, env = "LATCHKEY_DATABASE_URL", value_name = "URL")]
    database_url: Option<String>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Password policy tools.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Breached passwords: build a filter of a breach corpus, check passwords against it.
    #[command(subcommand)]
    Breached(breached::BreachedCommand),
    /// Run the reset portal.
    Serve(serve::ServeArgs),
    /// List the messages of the built-in provider (texts, calls, mails).
    Outbox(serve::OutboxArgs),
    /// Configuration: check a file and print the settings in force.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// The audit trail: verify the hash chain, export events.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Reports: registration coverage, resets and updates per day, failures,
    /// the help desk by member, off-campus share, directory writes, messages.
    Report(report::ReportArgs),
    /// Help desk staff: add, list, disable, enable.
    #[command(subcommand)]
    Staff(staff::StaffCommand),
    /// The campus directory: pending writes, retry, sync.
    #[command(subcommand)]
    Directory(directory::DirectoryCommand),
    /// Accounts: add, import, show, set a password.
    #[command(subcommand)]
    User(user::UserCommand),
    /// The server's secret key: which keys are in use, and re-sealing
    /// everything under the current one after a rotation.
    #[command(subcommand)]
    Secrets(secrets::SecretsCommand),
}

/// How a command ended, as the process exit code says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Refused,
}

/// A command that could not run: the message goes to standard error, exit 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl From<crate::config::ConfigError> for UsageError {
    fn from(e: crate::config::ConfigError) -> Self {
        UsageError(e.to_string())
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match execute(cli) {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Refused) => ExitCode::from(1),
        Err(e) => {
            eprintln!("latchkey: {e}");
            ExitCode::from(2)
        }
    }
}

fn execute(cli: Cli) -> Result<Outcome, UsageError> {
    // `config check FILE` names its file itself; it must meet the
    // environment on top of that file, not on top of the defaults.
    let file = match &cli.command {
        Command::Config(command) => Some(command.file(cli.config.as_deref())?),
        _ => cli.config.clone(),
    };
    let mut config = match &file {
        Some(path) => LoadedConfig::load(path)?,
        None => LoadedConfig::defaults(),
    }
    .with_environment(std::env::vars())?;
    if let Some(url) = cli.database_url {
        config.config.database.url = url;
    }
    match cli.command {
        Command::Policy(command) => policy::run(command, &config),
        Command::Breached(command) => breached::run(command, &config),
        Command::User(command) => user::run(command, &config),
        Command::Serve(args) => serve::serve(args, &config),
        Command::Outbox(args) => serve::outbox(args, &config),
        Command::Directory(command) => directory::run(command, &config),
        Command::Audit(command) => audit::run(command, &config),
        Command::Report(args) => report::run(args, &config),
        Command::Staff(command) => staff::run(command, &config),
        Command::Secrets(command) => secrets::run(command, &config),
        Command::Config(command) => {
            config::run(&command, file.as_deref().unwrap_or(Path::new("")), &config)
        }
    }
}

/// The runtime a command's async work runs on.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| UsageError(format!("cannot start the runtime: {e}")))
}

/// The key of the HMACs and sealed secrets: `LATCHKEY_SECRET_KEY`, else
/// `server.secret_key`; in the demo, a fixed public one. With it, the keys
/// it replaced: `LATCHKEY_RETIRED_SECRET_KEYS` (separated by white space),
/// or one a line in the file `LATCHKEY_RETIRED_SECRET_KEYS_FILE` names.
pub(crate) fn secret_key(
    settings: &crate::config::Config,
    demo: bool,
) -> Result<crate::secrets::SecretKey, UsageError> {
    use crate::secrets::SecretKey;
    let from_env = crate::secrets::secret_from_env("LATCHKEY_SECRET_KEY").map_err(UsageError)?;
    let current = match from_env.or_else(|| settings.server.secret_key.clone()) {
        Some(key) => SecretKey::new(key.as_bytes()).ok_or_else(|| {
            UsageError("server.secret_key (LATCHKEY_SECRET_KEY) must be 32 bytes or more".into())
        })?,
        // A fixed, public key: the demo's sealed secrets survive a restart.
        // Never run --demo against real accounts.
        None if demo => SecretKey::new(b"latchkey demo key: public, for demo data only")
            .ok_or_else(|| UsageError("demo key".into()))?,
        None => {
            return Err(UsageError(
                "server.secret_key is not set: set LATCHKEY_SECRET_KEY to 32 or more random bytes \
                 (for example the output of `openssl rand -hex 32`), the same on every instance"
                    .into(),
            ));
        }
    };
    let retired = crate::secrets::secret_from_env("LATCHKEY_RETIRED_SECRET_KEYS")
        .map_err(UsageError)?
        .unwrap_or_default();
    let retired = retired
        .split_whitespace()
        .enumerate()
        .map(|(n, key)| {
            SecretKey::new(key.as_bytes()).ok_or_else(|| {
                UsageError(format!(
                    "LATCHKEY_RETIRED_SECRET_KEYS: key {} is shorter than 32 bytes",
                    n + 1
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(current.with_retired(retired))
}

/// The whole of standard input is one password; one trailing newline is not part of it.
pub(crate) fn read_one_password(mut input: impl Read) -> Result<String, UsageError> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| UsageError("the password on standard input is not valid UTF-8".into()))?;
    let password = strip_newline(&text);
    if password.contains('\n') {
        return Err(UsageError(
            "standard input holds more than one line; use --batch to check a list".into(),
        ));
    }
    Ok(password.to_owned())
}

/// Calls `each` with every line of `input` (its number from 1, its text
/// without the line end), refusing a line that is not UTF-8 by its number.
pub(crate) fn each_password_line(
    mut input: impl io::BufRead,
    mut each: impl FnMut(u64, &str) -> Result<(), UsageError>,
) -> Result<(), UsageError> {
    let mut line = Vec::new();
    let mut number = 0;
    loop {
        line.clear();
        let read = input
            .read_until(b'\n', &mut line)
            .map_err(|e| UsageError(format!("cannot read standard input: {e}")))?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        let text = std::str::from_utf8(&line).map_err(|_| {
            UsageError(format!(
                "line {number} of standard input is not valid UTF-8"
            ))
        })?;
        each(number, strip_newline(text))?;
    }
}

fn strip_newline(text: &str) -> &str {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.strip_suffix('\r').unwrap_or(text)
}

/// Prints a verdict as JSON or as lines a person reads.
pub(crate) fn print_verdict(verdict: &Verdict, json: bool, mut out: impl Write) -> io::Result<()> {
    if json {
        serde_json::to_writer(&mut out, verdict)?;
        return writeln!(out);
    }
    if verdict.accepted() {
        return writeln!(out, "Accepted: the password meets every rule.");
    }
    writeln!(out, "Rejected:")?;
    for violation in &verdict.violations {
        writeln!(out, "  {:<18} {}", violation.rule.id(), violation.message)?;
    }
    Ok(())
}

pub(crate) fn outcome(accepted: bool) -> Outcome {
    if accepted {
        Outcome::Success
    } else {
        Outcome::Refused
    }
}

pub(crate) fn output_error(e: io::Error) -> UsageError {
    UsageError(format!("cannot write the verdict: {e}"))
}
