//! `latchkey config check FILE`: everything `serve` checks at start, without
//! serving; then the settings in force, secrets redacted.

use std::path::PathBuf;

use clap::Subcommand;

use super::{Outcome, UsageError};
use crate::config::LoadedConfig;
use crate::directory::Writeback;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a configuration file (with the LATCHKEY_… environment over it)
    /// and print the settings in force. Exit 0 when it can run, 2 otherwise.
    Check { file: PathBuf },
}

const REDACTED: &str = "(set; redacted)";

pub fn run(command: ConfigCommand) -> Result<Outcome, UsageError> {
    let ConfigCommand::Check { file } = command;
    let loaded = LoadedConfig::load(&file)?.with_environment(std::env::vars())?;
    let problems = super::runtime()?.block_on(problems(&loaded));
    let mut shown = loaded.config.clone();
    if shown.server.secret_key.is_some() {
        shown.server.secret_key = Some(REDACTED.into());
    }
    let text = toml::to_string_pretty(&shown).map_err(|e| UsageError(e.to_string()))?;
    println!(
        "# The settings in force: {} and the environment; secrets redacted.",
        file.display()
    );
    println!("{text}");
    if problems.is_empty() {
        println!("# This configuration can run.");
        return Ok(Outcome::Success);
    }
    Err(UsageError(format!(
        "this configuration cannot run:\n  {}",
        problems.join("\n  ")
    )))
}

/// Every setting that would stop `serve` at start, each with its key.
async fn problems(loaded: &LoadedConfig) -> Vec<String> {
    let settings = &loaded.config;
    let mut problems = Vec::new();
    if let Err(e) = loaded.policy() {
        problems.push(e.to_string());
    }
    if let Err(e) = super::secret_key(settings, false) {
        problems.push(e.0);
    }
    if let Err(e) = crate::hashing::Hasher::new(&settings.hashing) {
        problems.push(format!("hashing: {e}"));
    }
    if let Err(e) = Writeback::from_config(&settings.directory) {
        problems.push(e);
    }
    // The providers need a store only for the outbox: an in-memory one does.
    match Store::open("sqlite::memory:").await {
        Ok(store) => {
            if let Err(e) = crate::notify::provider(&settings.messages, &store) {
                problems.push(e);
            }
            if let Err(e) = crate::notify::mail::provider(&settings.mail, &store) {
                problems.push(e);
            }
        }
        Err(e) => problems.push(e.to_string()),
    }
    problems
}
