//! `latchkey user …`: accounts from the command line.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use latchkey_policy::Policy;

use super::{Outcome, UsageError, print_verdict, read_one_password};
use crate::clock::unix_now;
use crate::config::LoadedConfig;
use crate::directory::{DirectoryError, Writeback};
use crate::domain::Told;
use crate::domain::change::{self, ChangeError};
use crate::hashing::Hasher;
use crate::model::account::{Account, FieldError, NewAccount, mask_phone};
use crate::notify;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; with --password-stdin, its first password (the policy applies).
    Add(AddArgs),
    /// Set an account's password, read from standard input (the policy and history apply).
    SetPassword {
        /// Username or email address.
        username: String,
        /// Print the verdict as JSON when refused.
        #[arg(long)]
        json: bool,
    },
    /// Show an account, without secrets.
    Show {
        /// Username or email address.
        username: String,
        #[arg(long)]
        json: bool,
        /// Show the phone number in full instead of masked.
        #[arg(long)]
        full: bool,
    },
    /// Import accounts from a CSV file with the header username,email,name,phone.
    /// Every row is checked first: one bad row and nothing is imported.
    Import { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long)]
    username: String,
    #[arg(long)]
    email: String,
    #[arg(long)]
    name: String,
    /// A 10-digit US number or +CountryCode Number.
    #[arg(long)]
    phone: Option<String>,
    /// Read the account's first password from standard input.
    #[arg(long)]
    password_stdin: bool,
    #[arg(long)]
    json: bool,
}

/// What the user commands work with.
struct Services {
    store: Store,
    hasher: Hasher,
    policy: Policy,
    config: crate::config::Config,
}

pub fn run(command: UserCommand, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let services = Services {
            config: config.config.clone(),
            policy: config.policy()?,
            hasher: Hasher::new(&config.config.hashing)
                .map_err(|e| UsageError(format!("hashing: {e}")))?,
            store: Store::open(&config.config.database.url)
                .await
                .map_err(|e| {
                    UsageError(format!("{e} ({})", redact_url(&config.config.database.url)))
                })?,
        };
        let result = match command {
            UserCommand::Add(args) => add(&services, &args).await,
            UserCommand::SetPassword { username, json } => {
                set_password(&services, &username, json).await
            }
            UserCommand::Show {
                username,
                json,
                full,
            } => show(&services, &username, json, full).await,
            UserCommand::Import { file } => import(&services, &file).await,
        };
        services.store.close().await;
        result
    })
}

async fn add(services: &Services, args: &AddArgs) -> Result<Outcome, UsageError> {
    let account = NewAccount::parse(
        &args.username,
        &args.email,
        &args.name,
        args.phone.as_deref(),
    )
    .map_err(|errors| field_errors(&errors))?;
    let hash = if args.password_stdin {
        let password = read_one_password(std::io::stdin().lock())?;
        let verdict = services.policy.check(&password, &account.person());
        if !verdict.accepted() {
            print_verdict(&verdict, args.json, std::io::stdout().lock())
                .map_err(super::output_error)?;
            return Ok(Outcome::Refused);
        }
        Some(
            services
                .hasher
                .hash(&password)
                .await
                .map_err(|e| UsageError(e.to_string()))?,
        )
    } else {
        None
    };
    services
        .store
        .insert_accounts(&[(account.clone(), hash)], unix_now())
        .await
        .map_err(|e| UsageError(e.to_string()))?;
    println!("Added {}.", account.username);
    Ok(Outcome::Success)
}

async fn set_password(
    services: &Services,
    identifier: &str,
    json: bool,
) -> Result<Outcome, UsageError> {
    let account = find(services, identifier).await?;
    let password = read_one_password(std::io::stdin().lock())?;
    // The providers first: settings that cannot work are refused before any change.
    let config = &services.config;
    let messages = notify::provider(&config.messages, &services.store).map_err(UsageError)?;
    let mail = notify::mail::provider(&config.mail, &services.store).map_err(UsageError)?;
    // With a directory, the password is written there too, and its pending
    // copy is sealed under the service's key; with the key, notices go
    // through the delivery queue, which the server tries again.
    let writeback = Writeback::from_config(&config.directory).map_err(UsageError)?;
    let key = match &writeback {
        Some(_) => Some(super::secret_key(config, false)?),
        None => super::secret_key(config, false).ok(),
    };
    let budget = crate::domain::budget::Budget {
        store: &services.store,
        throttle: &config.throttle,
    };
    let notifier = notify::Notifier {
        messages: messages.as_ref(),
        mail: mail.as_ref(),
        queue: key.as_ref().map(|key| notify::queue::Queue {
            store: &services.store,
            key,
            spend: &budget,
            lease: config.server.delivery_lease_seconds,
        }),
    };
    // The person's own rules, as the pages hold them to.
    let policy = crate::domain::rules_for(&services.policy, writeback.as_ref(), &account).await;
    let passwords = change::Passwords {
        store: &services.store,
        hasher: &services.hasher,
        policy: &policy,
        key: key.as_ref(),
        writeback: writeback.as_ref().zip(key.as_ref()),
    };
    let zone = config.site.zone().map_err(UsageError)?;
    let context = notify::NoticeContext {
        now: unix_now(),
        address: "the help desk's command line",
        location: crate::network::Location::Unknown,
        helpdesk_phone: &config.helpdesk.phone,
        service: &config.branding.name,
        zone: &zone,
        report: key.as_ref().map(|key| crate::domain::report::ReportLinks {
            key,
            public_url: &config.server.public_url,
        }),
    };
    let told = Told {
        notifier: &notifier,
        context: &context,
        actor: "cli",
        default_language: config.site.language,
    };
    let may = change::MayChange::by_operator(&account);
    let warning = told.warning(&account);
    let changed = change::change_password(&passwords, may, &password, context.now, warning).await;
    match changed {
        Ok(queued) => {
            let (_, failed) = change::after_change(&services.store, &told, &account, None, &queued)
                .await
                .map_err(|e| UsageError(e.to_string()))?;
            for not_told in failed {
                let channel = not_told.channel.as_str();
                if not_told.queued {
                    eprintln!(
                        "latchkey: the notice by {channel} is queued: it was not taken at once, and the server's delivery worker tries it again (`latchkey outbox --queue` shows it)"
                    );
                } else {
                    eprintln!("latchkey: warning: the notice by {channel} was not delivered");
                }
            }
            if !json {
                println!("Password changed for {}.", account.username);
            } else {
                println!(
                    "{}",
                    serde_json::json!({"accepted": true, "violations": []})
                );
            }
            Ok(Outcome::Success)
        }
        Err(ChangeError::Rejected(verdict)) => {
            print_verdict(&verdict, json, std::io::stdout().lock()).map_err(super::output_error)?;
            Ok(Outcome::Refused)
        }
        Err(ChangeError::Directory(DirectoryError::Refused(refusal))) => {
            eprintln!("latchkey: {}", refusal.message(&zone));
            Ok(Outcome::Refused)
        }
        Err(e) => Err(UsageError(e.to_string())),
    }
}

async fn show(
    services: &Services,
    identifier: &str,
    json: bool,
    full: bool,
) -> Result<Outcome, UsageError> {
    let mut account = find(services, identifier).await?;
    if !full {
        account.phone = account.phone.as_deref().map(mask_phone);
    }
    if json {
        println!(
            "{}",
            serde_json::to_string(&account).map_err(|e| UsageError(e.to_string()))?
        );
        return Ok(Outcome::Success);
    }
    let time = |t: i64| {
        let t =
            std::time::UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(t).unwrap_or(0));
        humantime::format_rfc3339_seconds(t).to_string()
    };
    println!("username  {}", account.username);
    println!("email     {}", account.email);
    println!("name      {}", account.name);
    println!("phone     {}", account.phone.as_deref().unwrap_or("(none)"));
    println!("status    {}", account.status);
    println!("created   {}", time(account.created_at));
    println!("updated   {}", time(account.updated_at));
    // The rules a new password of theirs must meet: theirs in the
    // directory joined with ours, as the pages and the API list them.
    let writeback = Writeback::from_config(&services.config.directory).unwrap_or_else(|e| {
        eprintln!("latchkey: warning: {e}; the rules below are ours alone");
        None
    });
    let policy = crate::domain::rules_for(&services.policy, writeback.as_ref(), &account).await;
    println!("password rules:");
    for requirement in policy.requirements() {
        println!("  - {}", requirement.description);
    }
    Ok(Outcome::Success)
}

async fn import(services: &Services, file: &std::path::Path) -> Result<Outcome, UsageError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
    // Every problem in one pass: the file's own, and the rows that name
    // someone who has an account already.
    let (rows, mut problems) = parse_import(&text);
    for row in &rows {
        for identifier in [&row.account.username, &row.account.email] {
            let existing = services.store.find_account(identifier).await;
            if existing.map_err(|e| UsageError(e.to_string()))?.is_some() {
                let reason = format!("{identifier} already has an account");
                problems.push(RowProblem {
                    line: row.line,
                    reason,
                });
            }
        }
    }
    if !problems.is_empty() {
        problems.sort_by_key(|problem| problem.line);
        return Err(nothing_imported(file, &problems));
    }
    let accounts: Vec<(NewAccount, Option<String>)> =
        rows.into_iter().map(|row| (row.account, None)).collect();
    services
        .store
        .insert_accounts(&accounts, unix_now())
        .await
        .map_err(|e| UsageError(e.to_string()))?;
    println!(
        "Imported {} accounts from {}.",
        accounts.len(),
        file.display()
    );
    Ok(Outcome::Success)
}

/// A row of an import file, and the line it is on.
struct ImportRow {
    line: u64,
    account: NewAccount,
}

/// What is wrong with a line of an import file.
struct RowProblem {
    line: u64,
    reason: String,
}

fn nothing_imported(file: &std::path::Path, problems: &[RowProblem]) -> UsageError {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("  line {}: {}", p.line, p.reason))
        .collect();
    UsageError(format!(
        "{}: nothing imported; fix these rows:\n{}",
        file.display(),
        lines.join("\n")
    ))
}

/// The rows that are valid, with their line numbers, and every problem
/// with the others.
fn parse_import(text: &str) -> (Vec<ImportRow>, Vec<RowProblem>) {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header_ok = reader.headers().is_ok_and(|h| {
        h.iter()
            .map(str::trim)
            .eq(["username", "email", "name", "phone"])
    });
    if !header_ok {
        let reason = "the header must be exactly: username,email,name,phone".to_owned();
        return (Vec::new(), vec![RowProblem { line: 1, reason }]);
    }
    let (mut rows, mut problems) = (Vec::new(), Vec::new());
    let mut seen_usernames = std::collections::HashMap::new();
    let mut seen_emails = std::collections::HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                problems.push(RowProblem {
                    line,
                    reason: format!("not a valid CSV row: {e}"),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or("");
        let phone = Some(field(3)).filter(|p| !p.trim().is_empty());
        match NewAccount::parse(field(0), field(1), field(2), phone) {
            Err(errors) => problems.extend(errors.iter().map(|e| RowProblem {
                line,
                reason: e.to_string(),
            })),
            Ok(account) => {
                if let Some(first) = seen_usernames.insert(account.username.to_lowercase(), line) {
                    let reason = format!("username {} is also on line {first}", account.username);
                    problems.push(RowProblem { line, reason });
                }
                if let Some(first) = seen_emails.insert(account.email.to_lowercase(), line) {
                    let reason = format!("email {} is also on line {first}", account.email);
                    problems.push(RowProblem { line, reason });
                }
                rows.push(ImportRow { line, account });
            }
        }
    }
    (rows, problems)
}

async fn find(services: &Services, identifier: &str) -> Result<Account, UsageError> {
    services
        .store
        .find_account(identifier)
        .await
        .map_err(|e| UsageError(e.to_string()))?
        .ok_or_else(|| UsageError(format!("no account with username or email {identifier:?}")))
}

fn field_errors(errors: &[FieldError]) -> UsageError {
    UsageError(
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A database URL without its password, for error messages.
fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _password)) => {
                    format!("{}{user}:•••{}", &url[..scheme + 3], &url[at..])
                }
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
