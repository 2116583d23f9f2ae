//! `latchkey staff …`: help desk staff from the command line (the first
//! admin is made here; the console cannot make one from nothing).

use clap::Subcommand;

use super::{Outcome, UsageError, print_verdict, read_one_password};
use crate::clock::unix_now;
use crate::config::LoadedConfig;
use crate::domain::staff;
use crate::hashing::Hasher;
use crate::store::{Role, Staff, Store};
use crate::totp;

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Add a member of staff. The password is read from standard input (the
    /// policy applies); an authenticator key is made and printed once.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_enum)]
        role: Role,
    },
    /// List staff, without secrets.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Stop a member of staff signing in (their sessions end).
    Disable { username: String },
    /// Let a disabled member of staff sign in again.
    Enable { username: String },
    /// Give a member of staff a new password, read from standard input (the
    /// policy applies). Their sessions end.
    ResetPassword { username: String },
    /// Give a member of staff a new authenticator key, printed once. Their
    /// sessions end and the old key stops working.
    ResetAuthenticator { username: String },
    /// Make a member of staff an agent or an admin. Their sessions end. The
    /// last active admin stays one.
    Role {
        username: String,
        #[arg(long, value_enum)]
        role: Role,
    },
}

pub fn run(command: StaffCommand, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    let settings = &config.config;
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let store = Store::open(&settings.database.url)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        let failed = |e: crate::store::StoreError| UsageError(e.to_string());
        let result = match command {
            StaffCommand::Add { username, role } => add(config, &store, &username, role).await,
            StaffCommand::List { json } => {
                let staff = store.all_staff().await.map_err(failed)?;
                if json {
                    let text =
                        serde_json::to_string(&staff).map_err(|e| UsageError(e.to_string()))?;
                    println!("{text}");
                } else if staff.is_empty() {
                    println!("No staff yet: latchkey staff add --username U --role admin");
                }
                for member in staff.iter().filter(|_| !json) {
                    let state = if member.disabled_at.is_some() {
                        "disabled"
                    } else {
                        "active"
                    };
                    println!(
                        "{:<20} {:<6} {state}",
                        member.username,
                        member.role.as_str()
                    );
                }
                Ok(Outcome::Success)
            }
            StaffCommand::ResetPassword { username } => {
                let member = member(&store, &username).await?;
                let password = read_one_password(std::io::stdin().lock())?;
                let hasher = Hasher::new(&settings.hashing)
                    .map_err(|e| UsageError(format!("hashing: {e}")))?;
                let policy = config.policy()?;
                let now = unix_now();
                let changed =
                    staff::reset_password(&store, &hasher, &policy, &member, &password, "cli", now)
                        .await
                        .map_err(|e| UsageError(e.to_string()))?;
                match changed {
                    Ok(()) => {
                        println!("{username} has a new password; their sessions ended.");
                        Ok(Outcome::Success)
                    }
                    Err(verdict) => {
                        print_verdict(&verdict, false, std::io::stdout().lock())
                            .map_err(super::output_error)?;
                        Ok(Outcome::Refused)
                    }
                }
            }
            StaffCommand::ResetAuthenticator { username } => {
                let member = member(&store, &username).await?;
                let key = super::secret_key(settings, false)?;
                let secret = staff::reset_authenticator(&store, &key, &member, "cli", unix_now())
                    .await
                    .map_err(|e| UsageError(e.to_string()))?;
                print_key(settings, &username, &secret);
                Ok(Outcome::Success)
            }
            StaffCommand::Role { username, role } => {
                let member = member(&store, &username).await?;
                staff::set_role(&store, &member, role, "cli", unix_now())
                    .await
                    .map_err(|e| UsageError(e.to_string()))?;
                println!("{username} is now {}; their sessions ended.", role.as_str());
                Ok(Outcome::Success)
            }
            StaffCommand::Disable { ref username } | StaffCommand::Enable { ref username } => {
                let member = member(&store, username).await?;
                let now = unix_now();
                let disabled = matches!(command, StaffCommand::Disable { .. }).then_some(now);
                store
                    .set_staff_disabled(member.id, disabled, "cli", now)
                    .await
                    .map_err(failed)?;
                Ok(Outcome::Success)
            }
        };
        store.close().await;
        result
    })
}

async fn add(
    config: &LoadedConfig,
    store: &Store,
    username: &str,
    role: Role,
) -> Result<Outcome, UsageError> {
    let settings = &config.config;
    let username = username.trim();
    let valid = !username.is_empty()
        && username.len() <= 64
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid {
        return Err(UsageError(
            "--username: use 1 to 64 letters, digits, '.', '_' or '-'".into(),
        ));
    }
    let key = super::secret_key(settings, false)?;
    let password = read_one_password(std::io::stdin().lock())?;
    let verdict = staff::staff_verdict(&config.policy()?, username, &password);
    if !verdict.accepted() {
        print_verdict(&verdict, false, std::io::stdout().lock()).map_err(super::output_error)?;
        return Ok(Outcome::Refused);
    }
    let hasher = Hasher::new(&settings.hashing).map_err(|e| UsageError(format!("hashing: {e}")))?;
    let hash = hasher
        .hash(&password)
        .await
        .map_err(|e| UsageError(e.to_string()))?;
    let secret = totp::new_secret();
    let sealed = totp::seal(&key, &secret).ok_or_else(|| UsageError("sealing".into()))?;
    store
        .insert_staff(username, role, &hash, &sealed, "cli", unix_now())
        .await
        .map_err(|e| UsageError(e.to_string()))?;
    println!("Added {username} ({}).", role.as_str());
    print_key(settings, username, &secret);
    Ok(Outcome::Success)
}

/// The member of staff called `username`, or a usage error naming them.
async fn member(store: &Store, username: &str) -> Result<Staff, UsageError> {
    store
        .staff_by_username(username)
        .await
        .map_err(|e| UsageError(e.to_string()))?
        .ok_or_else(|| UsageError(format!("no member of staff is called {username}")))
}

/// An authenticator key, shown this once, as text and as an `otpauth://` URI.
fn print_key(settings: &crate::config::Config, username: &str, secret: &[u8]) {
    let university = &settings.branding.name;
    let issuer = format!("{} help desk", settings.registration.issuer(university));
    println!("Add this key to {username}'s authenticator app now; it is not shown again:");
    println!("  {}", totp::base32(secret));
    println!("  {}", totp::otpauth_uri(secret, &issuer, username));
}
