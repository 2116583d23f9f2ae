//! What the server does on its own schedule: deliver the queued notices,
//! settle pending directory writes, and send the reminders due.

use crate::directory::{DirectoryConfig, Settled, sync};
use crate::domain::reminders::{self, Reminding};
use crate::domain::settle::settle_pending;
use crate::domain::watch::{self, Watching};
use crate::domain::{Core, Told};
use crate::notify::NoticeContext;
use crate::notify::queue::BATCH;

/// How often each instance looks for queued notices due.
const DELIVERY_EVERY_SECONDS: u64 = 5;

/// Tries the queued notices due every few seconds, for as long as the
/// server runs. Every instance may run it: each row is claimed under a
/// lease first, so a row is tried by one worker at a time, and the rows of
/// a worker that died come back when its lease runs out.
pub async fn deliver_forever(state: Core) {
    let worker = state.entropy.token();
    let notifier = state.notifier();
    let (Some(queue), providers) = (notifier.queue, notifier.providers()) else {
        return;
    };
    let mut full = false;
    loop {
        // A full round means more are waiting: the next goes at once, so a
        // burst drains as fast as the providers take it.
        if !full {
            tokio::time::sleep(std::time::Duration::from_secs(DELIVERY_EVERY_SECONDS)).await;
        }
        match queue
            .deliver_due(&providers, &worker, state.clock.as_ref())
            .await
        {
            Ok(tried) => {
                full = tried.len() >= BATCH;
                for (_, outcome) in tried {
                    state.metrics.delivery(outcome);
                }
            }
            Err(e) => {
                full = false;
                tracing::error!(error = %e, "the delivery queue could not be read");
            }
        }
    }
}

/// The lease that lets one instance at a time send reminders.
const REMINDER_LEASE: &str = "reminders";

/// Settles pending directory writes every `retry_seconds`, for as long as
/// the server runs. Every instance may run it: each write is claimed first.
pub async fn reconcile_forever(state: Core) {
    let Some(writeback) = &state.writeback else {
        return;
    };
    let every = std::time::Duration::from_secs(writeback.retry_seconds.unsigned_abs());
    let notifier = state.notifier();
    loop {
        tokio::time::sleep(every).await;
        let keep = state.policy.history_depth();
        let now = state.clock.now();
        let context = NoticeContext {
            now,
            address: "directory",
            location: crate::network::Location::Unknown,
            helpdesk_phone: &state.site.helpdesk.phone,
            service: &state.site.branding.name,
            zone: &state.site.zone,
            report: Some(crate::domain::report::ReportLinks {
                key: &state.key,
                public_url: &state.server.public_url,
            }),
        };
        let told = Told {
            notifier: &notifier,
            context: &context,
            actor: "directory",
            default_language: state.site.language,
        };
        match settle_pending(&state.store, writeback, &state.key, keep, &told, now).await {
            Ok(outcomes) => {
                for (username, outcome) in outcomes {
                    if let Settled::StillPending(why) = outcome {
                        tracing::warn!(%username, %why, "a directory write is still pending");
                    }
                }
            }
            Err(e) => tracing::error!("settling directory writes: {e}"),
        }
    }
}

/// Runs `round` every `every_minutes` on one instance at a time: instances
/// that share a database take turns by the lease `name`, the one holding it
/// runs, the others wait for it to lapse (its holder stopped).
async fn take_turns<F, Round>(state: &Core, name: &str, every_minutes: i64, mut round: F)
where
    F: FnMut(i64) -> Round,
    Round: std::future::Future<Output = ()>,
{
    let every = every_minutes * 60;
    let holder = state.entropy.token();
    loop {
        let now = state.clock.now();
        match state
            .store
            .take_lease(name, &holder, now, now + 2 * every)
            .await
        {
            Ok(true) => round(now).await,
            Ok(false) => {}
            Err(e) => tracing::error!(lease = name, "the schedule's lease: {e}"),
        }
        tokio::time::sleep(std::time::Duration::from_secs(every.unsigned_abs())).await;
    }
}

/// Sends the reminders due every `reminder_every_minutes`, one instance at
/// a time.
pub async fn remind_forever(state: Core, config: DirectoryConfig) {
    let Some(writeback) = &state.writeback else {
        return;
    };
    if config.reminder_every_minutes <= 0 {
        return;
    }
    let notifier = state.notifier();
    let reminding = Reminding {
        store: &state.store,
        directory: writeback.directory.as_ref(),
        notifier: &notifier,
        days: &config.reminder_days,
        register: config.remind_to_register,
        portal_url: &state.server.public_url,
        service: &state.site.branding.name,
        zone: &state.site.zone,
        default_language: state.site.language,
    };
    let reminding = &reminding;
    take_turns(
        &state,
        REMINDER_LEASE,
        config.reminder_every_minutes,
        |now| async move {
            match reminders::due(reminding, now).await {
                Ok(due) => match reminders::send(reminding, due, now).await {
                    Ok(sent) if !sent.is_empty() => {
                        tracing::info!(sent = sent.len(), "reminders sent");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::error!("sending reminders: {e:?}"),
                },
                Err(e) => tracing::warn!("reminders not sent now: {e:?}"),
            }
        },
    )
    .await;
}

/// The lease that lets one instance at a time watch the directory.
const WATCH_LEASE: &str = "directory-watch";

/// Watches the directory after each change every `every_minutes`, one
/// instance at a time: a device still on the old password told of, a lock
/// answered with the unlock link.
pub async fn watch_forever(state: Core, every_minutes: i64) {
    let Some(writeback) = &state.writeback else {
        return;
    };
    if every_minutes <= 0 || writeback.watch.seconds <= 0 {
        return;
    }
    let notifier = state.notifier();
    let Some(watching) = Watching::of(&state, &notifier) else {
        return;
    };
    let watching = &watching;
    take_turns(&state, WATCH_LEASE, every_minutes, |now| async move {
        match watch::pass(watching, now, false).await {
            Ok(pass) if !pass.told.is_empty() => {
                tracing::info!(
                    watched = pass.watched,
                    told = pass.told.len(),
                    "the watch after changes told people"
                );
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("the watch after changes did not run now: {e:?}"),
        }
    })
    .await;
}

/// The lease that lets one instance at a time sync the directory.
const SYNC_LEASE: &str = "directory-sync";

/// Runs `directory sync` every `sync_every_minutes`, one instance at a
/// time: newcomers imported before they first come, details kept, people
/// who left marked.
pub async fn sync_forever(state: Core, config: DirectoryConfig) {
    let Some(writeback) = &state.writeback else {
        return;
    };
    if config.sync_every_minutes <= 0 {
        return;
    }
    let (store, directory) = (&state.store, writeback.directory.as_ref());
    let options = config.sync_options();
    take_turns(
        &state,
        SYNC_LEASE,
        config.sync_every_minutes,
        |now| async move {
            match sync(store, directory, options, now).await {
                Ok(report) => {
                    tracing::info!(
                        added = report.added.len(),
                        changed = report.changed.len(),
                        skipped = report.skipped.len(),
                        gone = report.left.len(),
                        back = report.returned.len(),
                        "the directory was synced"
                    );
                    if let Some(why) = report.leavers_withheld {
                        tracing::warn!("not marked as gone: {why}");
                    }
                }
                Err(e) => tracing::warn!("the directory was not synced now: {e}"),
            }
        },
    )
    .await;
}
