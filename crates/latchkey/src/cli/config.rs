//! `latchkey config check FILE`: everything `serve` checks at start, without
//! serving; then the settings in force, secrets redacted.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use latchkey_policy::PolicyConfig;

use super::{Outcome, UsageError};
use crate::config::LoadedConfig;
use crate::directory::policy::{Joined, join};
use crate::directory::{DirectoryError, Writeback};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Check a configuration file (with the LATCHKEY_… environment over it)
    /// and print the settings in force. Exit 0 when it can run, 2 otherwise.
    /// The file is FILE or the global --config; both forms are the same check.
    /// With a directory configured, the service account's bind is tried.
    Check {
        file: Option<PathBuf>,
        /// Skip the checks that reach other servers (the directory's bind).
        #[arg(long)]
        offline: bool,
    },
}

impl ConfigCommand {
    /// The file to check: the one named after `check`, else `--config`.
    pub fn file(&self, global: Option<&Path>) -> Result<PathBuf, UsageError> {
        let ConfigCommand::Check { file, .. } = self;
        match (file, global) {
            (Some(file), Some(global)) if file != global => Err(UsageError(format!(
                "config check: two files named ({} and --config {}); name one",
                file.display(),
                global.display()
            ))),
            (Some(file), _) => Ok(file.clone()),
            (None, Some(global)) => Ok(global.to_owned()),
            (None, None) => Err(UsageError(
                "config check: name the file (latchkey config check FILE)".into(),
            )),
        }
    }
}

const REDACTED: &str = "(set; redacted)";

/// `loaded` is `file` (as `ConfigCommand::file` chose it) with the environment over it.
pub fn run(
    command: &ConfigCommand,
    file: &Path,
    loaded: &LoadedConfig,
) -> Result<Outcome, UsageError> {
    let ConfigCommand::Check { offline, .. } = command;
    let (problems, warnings, joined) = super::runtime()?.block_on(problems(loaded, !offline));
    for warning in &warnings {
        eprintln!("latchkey: warning: {warning}");
    }
    let mut shown = loaded.config.clone();
    // The policy as it applies: ours joined with the directory's (each
    // raised rule was named above), not the file's lower figure beside it.
    if let Some(joined) = &joined {
        shown.policy = joined.clone();
    }
    if shown.server.secret_key.is_some() {
        shown.server.secret_key = Some(REDACTED.into());
    }
    let text = toml::to_string_pretty(&shown).map_err(|e| UsageError(e.to_string()))?;
    println!(
        "# The settings in force: {} and the environment; secrets redacted.",
        file.display()
    );
    println!("{text}");
    let in_force = joined.as_ref().unwrap_or(&loaded.config.policy);
    if let Ok(policy) = loaded.policy_with(in_force) {
        print_rules(&policy);
    }
    if loaded.config.directory.enabled() {
        println!(
            "# A person under a policy of their own in the directory (pwdPolicySubentry, or a \
             fine-grained policy in Active Directory) is held to its rules where they are \
             stricter: `latchkey user show NAME` lists that person's."
        );
    }
    if problems.is_empty() {
        println!("# This configuration can run.");
        return Ok(Outcome::Success);
    }
    Err(UsageError(format!(
        "this configuration cannot run:\n  {}",
        problems.join("\n  ")
    )))
}

/// The checklist a person sees, and what happens at sign-in.
fn print_rules(policy: &latchkey_policy::Policy) {
    use latchkey_policy::SignInCheck;
    let config = policy.config();
    println!(
        "# The password rules in force (preset {}):",
        config.preset.name()
    );
    for requirement in policy.requirements() {
        println!("#   - {}", requirement.description);
    }
    let at_signin = match config.check_at_signin {
        SignInCheck::AllRules => {
            "a password signed in with that breaks any of them (history aside) must be changed before going on"
        }
        SignInCheck::Breached => {
            "a password signed in with that is breached must be changed before going on"
        }
        SignInCheck::Off => "passwords are not checked at sign-in",
    };
    println!("# At sign-in: {at_signin}.");
}

/// Our policy joined with the directory's, and what to know about its
/// lockout (sign-in here never reaches it: `directory::allowance`).
pub(super) async fn directory_rules(
    loaded: &LoadedConfig,
    writeback: &Writeback,
) -> Result<(Joined, Option<String>), DirectoryError> {
    let theirs = writeback.directory.policy().await?;
    let lockout = crate::directory::lockout_note(&theirs, &loaded.config.directory.lockout());
    Ok((join(&loaded.config.policy, &theirs), lockout))
}

/// Every setting that would stop `serve` at start, each with its key; then
/// what works but deserves a look; then our policy joined with the
/// directory's, when it was read. `online`: also try the directory's bind.
async fn problems(
    loaded: &LoadedConfig,
    online: bool,
) -> (Vec<String>, Vec<String>, Option<PolicyConfig>) {
    let settings = &loaded.config;
    let mut in_force = None;
    let mut problems = Vec::new();
    let mut warnings = settings.directory.warnings();
    if let Err(e) = loaded.policy() {
        problems.push(e.to_string());
    }
    // Serve checks the filter's layout at start; here every page is read.
    if let Ok(Some(filter)) = loaded.breached_filter(&settings.policy) {
        match filter.verify() {
            Ok(()) => println!(
                "# policy.breached_filter: {} keys of {} hashes, checksum whole.",
                filter.header().entries,
                filter.header().hash.name()
            ),
            Err(e) => problems.push(format!("policy.breached_filter: {e}")),
        }
    }
    warnings.extend(
        settings
            .policy
            .short_of_preset()
            .into_iter()
            .map(|short| format!("policy: {short}")),
    );
    if let Err(e) = super::secret_key(settings, false) {
        problems.push(e.0);
    }
    if let Err(e) = crate::hashing::Hasher::new(&settings.hashing) {
        problems.push(format!("hashing: {e}"));
    }
    match Writeback::from_config(&settings.directory) {
        Err(e) => problems.push(e),
        Ok(Some(writeback)) if online => match writeback.directory.check().await {
            Ok(()) => {
                println!(
                    "# directory: the service account bound to {}.",
                    settings.directory.url
                );
                match directory_rules(loaded, &writeback).await {
                    Ok((joined, lockout)) => {
                        for weaker in joined.weaker {
                            println!("# directory policy: {weaker}.");
                        }
                        in_force = Some(joined.config);
                        warnings.extend(lockout);
                    }
                    Err(e) => warnings.push(format!(
                        "directory: its password policy cannot be read ({e}); ours alone applies"
                    )),
                }
            }
            Err(DirectoryError::Unreachable(why)) => warnings.push(format!(
                "directory: {} cannot be reached now ({why}); serve starts anyway and \
                 retries, but nothing can be written there until it answers",
                settings.directory.url
            )),
            Err(e) => problems.push(format!("directory: {e}")),
        },
        Ok(_) => {}
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
    (problems, warnings, in_force)
}
