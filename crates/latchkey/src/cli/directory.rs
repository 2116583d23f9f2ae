//! `latchkey directory …`: the campus directory from the command line.

use clap::Subcommand;

use super::{Outcome, UsageError};
use crate::clock::unix_now;
use crate::config::LoadedConfig;
use crate::directory::{Settled, Writeback, sync};
use crate::domain::Told;
use crate::domain::reminders::{self, Reminding};
use crate::domain::settle::settle_pending;
use crate::notify::MessageProvider;
use crate::notify::{self, format_time};
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum DirectoryCommand {
    /// List password changes not yet settled between the directory and here.
    /// Exit 0 when there are none, 1 when some are pending.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Settle the pending changes that are due now (the server does this on its own).
    Retry {
        #[arg(long)]
        json: bool,
    },
    /// Import people from the directory, bring their mail, name and phone
    /// up to date (a registered phone is never replaced; phones only with
    /// directory.trusted_phones), and mark accounts whose person is gone.
    /// The server also runs this every directory.sync_every_minutes.
    Sync {
        /// Mark up to this many people gone at once, above
        /// directory.max_leavers_per_sync (after a term's end, say).
        #[arg(long, value_name = "COUNT")]
        allow_leavers: Option<usize>,
        #[arg(long)]
        json: bool,
    },
    /// Look once at the accounts whose password changed here lately
    /// (directory.watch_hours): tell people whose old password a device
    /// still tries, and send the unlock link to those it locked. Each
    /// notice goes once a change. Without --once, look every
    /// directory.watch_every_minutes until stopped.
    Watch {
        /// One pass, then exit (for cron or a test).
        #[arg(long)]
        once: bool,
        /// Say who would be told, and send nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// Send the reminders due now: before a password expires (directory.
    /// reminder_days), and to register a way to reset it. Each goes once.
    Reminders {
        /// List who would be reminded, and send nothing.
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(command: DirectoryCommand, config: &LoadedConfig) -> Result<Outcome, UsageError> {
    let settings = &config.config;
    let runtime = super::runtime()?;
    runtime.block_on(async {
        let store = Store::open(&settings.database.url)
            .await
            .map_err(|e| UsageError(e.to_string()))?;
        let result = match command {
            DirectoryCommand::Status { json } => status(&store, json).await,
            DirectoryCommand::Retry { json } => {
                let writeback = configured(config)?;
                let key = super::secret_key(settings, false)?;
                let keep = config.policy()?.history_depth();
                // Settled changes are told as the server tells them.
                let providers = Providers::of(config, &store)?;
                let budget = crate::domain::budget::Budget {
                    store: &store,
                    throttle: &settings.throttle,
                };
                let queue = notify::queue::Queue {
                    store: &store,
                    key: &key,
                    spend: &budget,
                    lease: settings.server.delivery_lease_seconds,
                };
                let notifier = providers.notifier(Some(queue));
                let now = unix_now();
                let zone = settings.site.zone().map_err(UsageError)?;
                let context = notify::NoticeContext {
                    now,
                    address: "directory",
                    location: crate::network::Location::Unknown,
                    helpdesk_phone: &settings.helpdesk.phone,
                    service: &settings.branding.name,
                    zone: &zone,
                    report: Some(crate::domain::report::ReportLinks {
                        key: &key,
                        public_url: &settings.server.public_url,
                    }),
                };
                let told = Told {
                    notifier: &notifier,
                    context: &context,
                    actor: "directory",
                    default_language: settings.site.language,
                };
                let outcomes = settle_pending(&store, &writeback, &key, keep, &told, now)
                    .await
                    .map_err(|e| UsageError(e.to_string()))?;
                print_settled(&outcomes, json)?;
                let pending = outcomes
                    .iter()
                    .any(|(_, s)| matches!(s, Settled::StillPending(_)));
                Ok(if pending {
                    Outcome::Refused
                } else {
                    Outcome::Success
                })
            }
            DirectoryCommand::Sync {
                allow_leavers,
                json,
            } => {
                let writeback = configured(config)?;
                let directory = writeback.directory.as_ref();
                let mut options = settings.directory.sync_options();
                if let Some(allowed) = allow_leavers {
                    options.max_leavers = options.max_leavers.max(allowed);
                }
                let report = sync(&store, directory, options, unix_now())
                    .await
                    .map_err(|e| UsageError(e.to_string()))?;
                if json {
                    println!("{}", to_json(&report)?);
                } else {
                    println!(
                        "Added {}, changed {}, unchanged {}, skipped {}, gone {}, back {}.",
                        report.added.len(),
                        report.changed.len(),
                        report.unchanged,
                        report.skipped.len(),
                        report.left.len(),
                        report.returned.len()
                    );
                    let listed = [
                        ("added", &report.added),
                        ("changed", &report.changed),
                        ("gone", &report.left),
                        ("back", &report.returned),
                    ];
                    for (label, what) in listed {
                        for username in what {
                            println!("  {label:<8} {username}");
                        }
                    }
                    for (entry, field, why) in &report.without {
                        println!("  without  {entry}'s {field}: {why}");
                    }
                    for (entry, why) in &report.skipped {
                        println!("  skipped  {entry}: {why}");
                    }
                }
                match &report.leavers_withheld {
                    Some(why) => {
                        eprintln!("Not marked as gone: {why}");
                        Ok(Outcome::Refused)
                    }
                    None => Ok(Outcome::Success),
                }
            }
            DirectoryCommand::Reminders { dry_run, json } => {
                reminders(config, &store, dry_run, json).await
            }
            DirectoryCommand::Watch {
                once,
                dry_run,
                json,
            } => {
                let passes = super::watch::Passes {
                    once,
                    dry_run,
                    json,
                };
                super::watch::watch(config, &store, passes).await
            }
        };
        store.close().await;
        result
    })
}

/// Texts and calls, and mail, as the configuration sends them.
pub(super) struct Providers {
    messages: Box<dyn MessageProvider>,
    mail: Box<dyn MessageProvider>,
}

impl Providers {
    pub(super) fn of(config: &LoadedConfig, store: &Store) -> Result<Providers, UsageError> {
        let settings = &config.config;
        Ok(Providers {
            messages: notify::provider(&settings.messages, store).map_err(UsageError)?,
            mail: notify::mail::provider(&settings.mail, store).map_err(UsageError)?,
        })
    }

    /// Through the delivery queue when `queue` is given: what this run
    /// could not send, the server's worker tries again.
    pub(super) fn notifier<'a>(
        &'a self,
        queue: Option<notify::queue::Queue<'a>>,
    ) -> notify::Notifier<'a> {
        notify::Notifier {
            messages: self.messages.as_ref(),
            mail: self.mail.as_ref(),
            queue,
        }
    }
}

async fn reminders(
    config: &LoadedConfig,
    store: &Store,
    dry_run: bool,
    json: bool,
) -> Result<Outcome, UsageError> {
    let settings = &config.config;
    let writeback = configured(config)?;
    let providers = Providers::of(config, store)?;
    let key = super::secret_key(settings, false)?;
    let budget = crate::domain::budget::Budget {
        store,
        throttle: &settings.throttle,
    };
    let queue = notify::queue::Queue {
        store,
        key: &key,
        spend: &budget,
        lease: settings.server.delivery_lease_seconds,
    };
    let notifier = providers.notifier(Some(queue));
    let zone = settings.site.zone().map_err(UsageError)?;
    let reminding = Reminding {
        store,
        directory: writeback.directory.as_ref(),
        notifier: &notifier,
        days: &settings.directory.reminder_days,
        register: settings.directory.remind_to_register,
        portal_url: &settings.server.public_url,
        service: &settings.branding.name,
        zone: &zone,
        default_language: settings.site.language,
    };
    let now = unix_now();
    let failed = |e: crate::domain::Error| UsageError(format!("{e:?}"));
    let due = reminders::due(&reminding, now).await.map_err(failed)?;
    if dry_run {
        if json {
            println!("{}", to_json(&due)?);
        } else {
            println!("{} reminder(s) due; none sent (--dry-run).", due.len());
            for reminder in &due {
                println!("  {:<16} {}", reminder.username, reminder.kind);
            }
        }
        return Ok(Outcome::Success);
    }
    let sent = reminders::send(&reminding, due, now)
        .await
        .map_err(failed)?;
    if json {
        let sent: Vec<_> = sent.iter().map(|(due, _)| due).collect();
        println!("{}", to_json(&sent)?);
    } else {
        println!("{} reminder(s) sent.", sent.len());
        for (reminder, failed) in &sent {
            let failed: Vec<&str> = failed.iter().map(|c| c.as_str()).collect();
            let note = match failed.is_empty() {
                true => String::new(),
                false => format!(" (not delivered by {})", failed.join(", ")),
            };
            println!("  {:<16} {}{note}", reminder.username, reminder.kind);
        }
    }
    Ok(Outcome::Success)
}

pub(super) fn configured(config: &LoadedConfig) -> Result<Writeback, UsageError> {
    Writeback::from_config(&config.config.directory)
        .map_err(UsageError)?
        .ok_or_else(|| {
            UsageError("no directory is configured: set directory.url in the configuration".into())
        })
}

async fn status(store: &Store, json: bool) -> Result<Outcome, UsageError> {
    let pending = store
        .pending_writes()
        .await
        .map_err(|e| UsageError(e.to_string()))?;
    if json {
        println!("{}", to_json(&pending)?);
    } else if pending.is_empty() {
        println!("Nothing is pending: the directory and Latchkey agree on every change made here.");
    } else {
        println!("{} change(s) pending:", pending.len());
        for write in &pending {
            println!(
                "  {:<16} since {}, {} tries{}",
                write.username,
                format_time(write.created_at),
                write.attempts,
                write
                    .last_error
                    .as_deref()
                    .map(|e| format!(", last: {e}"))
                    .unwrap_or_default()
            );
        }
    }
    Ok(if pending.is_empty() {
        Outcome::Success
    } else {
        Outcome::Refused
    })
}

fn print_settled(outcomes: &[(String, Settled)], json: bool) -> Result<(), UsageError> {
    if json {
        println!("{}", to_json(&outcomes)?);
        return Ok(());
    }
    if outcomes.is_empty() {
        println!("Nothing was due.");
    }
    for (username, outcome) in outcomes {
        match outcome {
            Settled::Stored => {
                println!("  {username}: the directory has the new password; stored here too")
            }
            Settled::Dropped => println!(
                "  {username}: the directory never took it; the old password stands in both"
            ),
            Settled::StillPending(why) => println!("  {username}: still pending ({why})"),
        }
    }
    Ok(())
}

pub(super) fn to_json(value: &impl serde::Serialize) -> Result<String, UsageError> {
    serde_json::to_string(value).map_err(|e| UsageError(e.to_string()))
}
