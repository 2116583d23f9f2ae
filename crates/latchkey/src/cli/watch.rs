//! `latchkey directory watch`: the watch after a change from the command
//! line, once (for cron or a test) or every `directory.watch_every_minutes`.

use super::directory::{Providers, configured, to_json};
use super::{Outcome, UsageError};
use crate::clock::unix_now;
use crate::config::LoadedConfig;
use crate::domain::watch::{self, UnlockLinks, Watching};
use crate::notify;
use crate::store::Store;

/// How the command runs its passes.
pub struct Passes {
    pub once: bool,
    pub dry_run: bool,
    pub json: bool,
}

pub async fn watch(
    config: &LoadedConfig,
    store: &Store,
    passes: Passes,
) -> Result<Outcome, UsageError> {
    let settings = &config.config;
    let writeback = configured(config)?;
    if writeback.watch.seconds <= 0 {
        return Err(UsageError(
            "directory.watch_hours is 0: no change is watched".into(),
        ));
    }
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
    let watching = Watching {
        store,
        directory: writeback.directory.as_ref(),
        settings: &writeback.watch,
        notifier: &notifier,
        links: UnlockLinks {
            key: &key,
            public_url: &settings.server.public_url,
        },
        service: &settings.branding.name,
        zone: &zone,
        default_language: settings.site.language,
        stats: None,
    };
    let every = settings.directory.watch_every_minutes.max(1).unsigned_abs() * 60;
    loop {
        let started = std::time::Instant::now();
        let pass = watch::pass(&watching, unix_now(), passes.dry_run)
            .await
            .map_err(|e| UsageError(format!("{e:?}")))?;
        if passes.json {
            println!("{}", to_json(&pass)?);
        } else {
            let verb = match passes.dry_run {
                true => "would be told (--dry-run: nothing sent)",
                false => "told",
            };
            println!(
                "{} account(s) watched, {} directory search(es), {} entr(y/ies) with wrong passwords or a lock, {} {verb}; {} ms.",
                pass.watched,
                pass.searches,
                pass.troubled,
                pass.told.len(),
                started.elapsed().as_millis()
            );
            for told in &pass.told {
                let devices = match told.devices.is_empty() {
                    true => String::new(),
                    false => format!(" from {}", told.devices.join(", ")),
                };
                println!(
                    "  {:<16} {:<12} {} wrong password(s){devices}",
                    told.username, told.notice, told.failures
                );
            }
        }
        if passes.once {
            return Ok(Outcome::Success);
        }
        tokio::time::sleep(std::time::Duration::from_secs(every)).await;
    }
}
