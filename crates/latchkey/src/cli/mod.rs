//! The `latchkey` command line. Exit codes are part of the contract:
//! 0 success (password accepted), 1 refused (password rejected),
//! 2 usage or configuration error.

mod policy;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::LoadedConfig;

#[derive(Debug, Parser)]
#[command(name = "latchkey", version, about = "Self-service password reset")]
pub struct Cli {
    /// Configuration file (TOML). Without one, the built-in defaults apply.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Password policy tools.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
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
    let config = match &cli.config {
        Some(path) => LoadedConfig::load(path)?,
        None => LoadedConfig::defaults(),
    };
    match cli.command {
        Command::Policy(command) => policy::run(command, &config),
    }
}
