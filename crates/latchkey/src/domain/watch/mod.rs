//! The watch after a change: for `directory.watch_hours` after a password
//! change made here, the directory is read about once a minute (one search
//! a pass, however many are watched) for wrong passwords and a lock. The
//! first wrong passwords tell the person, once, that a device still uses
//! the old password; a lock sends them, once, a link that unlocks the
//! account from their phone. Both audited; the help desk sees the timeline.
//! The server runs a pass every `watch_every_minutes`, one instance at a
//! time; operators run one with `latchkey directory watch --once`.

use std::collections::HashMap;

use serde::Serialize;

use super::{Error, notice_language};
use crate::directory::events::{self, FailureEvent};
use crate::directory::{Directory, Trouble, WatchSettings};
use crate::i18n::Lang;
use crate::metrics::WatchStats;
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::notify::queue::{Kind, NOTICE_LIFETIME};
use crate::notify::{Channel, Message, Notifier};
use crate::store::{Seen, Store, Watch, WatchNotice};

mod link;
pub use link::{LINK_HOURS, UnlockLinks, account_of_link, unlock_by_link};

/// What a pass works with.
pub struct Watching<'a> {
    pub store: &'a Store,
    pub directory: &'a dyn Directory,
    pub settings: &'a WatchSettings,
    pub notifier: &'a Notifier<'a>,
    pub links: UnlockLinks<'a>,
    /// The service's name, as messages sign it.
    pub service: &'a str,
    /// The campus's clock, for the times in messages.
    pub zone: &'a jiff::tz::TimeZone,
    pub default_language: Lang,
    /// The server's counters (none from the command line).
    pub stats: Option<&'a WatchStats>,
}

impl<'a> Watching<'a> {
    /// The server's watch, telling through `notifier`: `None` without a
    /// directory.
    pub fn of(core: &'a super::Core, notifier: &'a Notifier<'a>) -> Option<Watching<'a>> {
        let writeback = core.writeback.as_ref()?;
        Some(Watching {
            store: &core.store,
            directory: writeback.directory.as_ref(),
            settings: &writeback.watch,
            notifier,
            links: UnlockLinks {
                key: &core.key,
                public_url: &core.server.public_url,
            },
            service: &core.site.branding.name,
            zone: &core.site.zone,
            default_language: core.site.language,
            stats: Some(&core.metrics.watch),
        })
    }
}

/// What one pass found and did.
#[derive(Debug, Default, Serialize)]
pub struct Pass {
    /// Accounts watched now.
    pub watched: usize,
    /// Directory searches made (one while anyone is watched).
    pub searches: u32,
    /// Entries the search found with wrong passwords or a lock, watched or not.
    pub troubled: usize,
    /// Who was told (or with `--dry-run`, would be).
    pub told: Vec<Telling>,
}

/// One notice of a pass.
#[derive(Debug, Clone, Serialize)]
pub struct Telling {
    pub username: String,
    /// `warning` or `unlock_link`.
    pub notice: &'static str,
    pub failures: i64,
    pub devices: Vec<String>,
}

/// One pass: reads the directory once, records what each watched account
/// shows since its change, and tells whoever is due a notice (nothing is
/// written or sent with `dry_run`).
pub async fn pass(watching: &Watching<'_>, now: i64, dry_run: bool) -> Result<Pass, Error> {
    let watches = watching.store.open_watches(now).await?;
    let mut pass = Pass {
        watched: watches.len(),
        ..Pass::default()
    };
    if let Some(stats) = watching.stats {
        stats
            .watched
            .set(i64::try_from(watches.len()).unwrap_or(i64::MAX));
    }
    let Some(since) = watches.iter().map(|watch| watch.changed_at).min() else {
        return Ok(pass);
    };
    let troubles = (watching.directory.troubled_since(since).await)
        .map_err(|e| Error::Internal(format!("the directory's wrong passwords: {e}")))?;
    pass.searches = 1;
    pass.troubled = troubles.len();
    let troubles: HashMap<String, Trouble> = (troubles.into_iter())
        .map(|trouble| (trouble.username.to_lowercase(), trouble))
        .collect();
    let events = failure_events(watching.settings, since).await;
    for watch in &watches {
        let key = watch.username.to_lowercase();
        let (trouble, events) = (troubles.get(&key), events.get(&key));
        let Some(seen) = seen_since(watch, trouble, events.map(Vec::as_slice)) else {
            continue;
        };
        if seen == seen_before(watch) {
            continue;
        }
        if !dry_run {
            (watching.store)
                .note_watch(watch.account_id, watch.changed_at, &seen)
                .await?;
        }
        if let Some(notice) = due(watch, &seen, watching.settings.warn_after) {
            if !dry_run && !tell(watching, watch, &seen, notice, now).await? {
                continue; // another pass had claimed it
            }
            pass.told.push(Telling {
                username: watch.username.clone(),
                notice: match notice {
                    WatchNotice::Warning => "warning",
                    WatchNotice::UnlockLink => "unlock_link",
                },
                failures: seen.failures,
                devices: devices(&seen),
            });
        }
    }
    Ok(pass)
}

/// The failure events forwarded from domain controllers, when configured
/// (read off the async runtime: the file may be large); a file that
/// cannot be read is logged and the pass goes on without it.
async fn failure_events(
    settings: &WatchSettings,
    since: i64,
) -> HashMap<String, Vec<FailureEvent>> {
    let Some(path) = settings.failure_events.clone() else {
        return HashMap::new();
    };
    let read = tokio::task::spawn_blocking({
        let path = path.clone();
        move || events::read(&path, since)
    });
    match read.await {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => {
            tracing::warn!(path = %path.display(), error = %e, "the failure events could not be read");
            HashMap::new()
        }
        Err(e) => {
            tracing::warn!(error = %e, "reading the failure events stopped");
            HashMap::new()
        }
    }
}

/// What the directory and the events show of `watch`'s account since its
/// change; `None` when nothing.
fn seen_since(
    watch: &Watch,
    trouble: Option<&Trouble>,
    events: Option<&[FailureEvent]>,
) -> Option<Seen> {
    let since = watch.changed_at;
    let events: Vec<&FailureEvent> = (events.unwrap_or_default().iter())
        .filter(|event| event.at >= since)
        .collect();
    let counted = trouble.map_or(0, |trouble| trouble.failures_since(since));
    let failures = i64::from(counted).max(events.len() as i64);
    let locked_at = trouble.and_then(|trouble| trouble.locked_since(since));
    if failures == 0 && locked_at.is_none() {
        return None;
    }
    let times = (trouble
        .map(|t| t.failures.clone())
        .unwrap_or_default()
        .into_iter())
    .chain(events.iter().map(|event| event.at))
    .filter(|at| *at >= since);
    let (first, last) = times.fold(
        (None, None),
        |(first, last): (Option<i64>, Option<i64>), at| {
            (
                Some(first.map_or(at, |f| f.min(at))),
                Some(last.map_or(at, |l| l.max(at))),
            )
        },
    );
    let mut devices: Vec<&str> = (events.iter().map(|event| event.device.as_str()))
        .filter(|device| !device.is_empty())
        .collect();
    devices.sort_unstable();
    devices.dedup();
    Some(Seen {
        failures: failures.max(watch.failures),
        first_failure_at: watch.first_failure_at.or(first),
        last_failure_at: last.or(watch.last_failure_at),
        devices: devices.join("\n"),
        locked_at: watch.locked_at.or(locked_at),
    })
}

/// What the last pass recorded, to tell a pass with nothing new.
fn seen_before(watch: &Watch) -> Seen {
    Seen {
        failures: watch.failures,
        first_failure_at: watch.first_failure_at,
        last_failure_at: watch.last_failure_at,
        devices: watch.devices.clone(),
        locked_at: watch.locked_at,
    }
}

/// The notice `seen` makes due that the watch has not sent: the link at a
/// lock, else the warning at `warn_after` wrong passwords (a lock says it
/// better: the link alone then). Each once a change.
fn due(watch: &Watch, seen: &Seen, warn_after: u32) -> Option<WatchNotice> {
    let locked = seen.locked_at.is_some();
    if locked && watch.link_sent_at.is_none() {
        Some(WatchNotice::UnlockLink)
    } else if !locked && watch.warned_at.is_none() && seen.failures >= i64::from(warn_after) {
        Some(WatchNotice::Warning)
    } else {
        None
    }
}

fn devices(seen: &Seen) -> Vec<String> {
    (seen.devices.lines())
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Claims the notice, sends it by mail and text, audits it: `false` when
/// another pass had claimed it.
async fn tell(
    watching: &Watching<'_>,
    watch: &Watch,
    seen: &Seen,
    notice: WatchNotice,
    now: i64,
) -> Result<bool, Error> {
    let store = watching.store;
    let (id, changed_at) = (watch.account_id, watch.changed_at);
    if !store
        .claim_watch_notice(id, changed_at, notice, now)
        .await?
    {
        return Ok(false);
    }
    let Some(account) = store.account_by_id(id).await? else {
        return Ok(false);
    };
    let messages = messages(watching, &account, watch, seen, notice);
    let lifetime = (Kind::Notice, now + NOTICE_LIFETIME);
    for (channel, e) in (watching.notifier)
        .send(&messages, Some(id), lifetime, now)
        .await
    {
        tracing::warn!(error = %e, channel = channel.as_str(), "a watch's notice was not delivered yet");
    }
    let action = match notice {
        WatchNotice::Warning => Action::WatchWarned,
        WatchNotice::UnlockLink => Action::WatchLockCaught,
    };
    let detail = format!("failures={}", seen.failures);
    (store.record_event(now, "directory", &action.name(), Some(id), &detail)).await?;
    if let Some(stats) = watching.stats {
        match notice {
            WatchNotice::Warning => stats.warnings.inc(),
            WatchNotice::UnlockLink => stats.locks.inc(),
        };
    }
    Ok(true)
}

/// The mail, and the text where the account has a phone, in the person's
/// language.
fn messages(
    watching: &Watching<'_>,
    account: &Account,
    watch: &Watch,
    seen: &Seen,
    notice: WatchNotice,
) -> Vec<Message> {
    let lang = notice_language(account, watching.default_language);
    let when = |at: i64| crate::i18n::date_time(lang, watching.zone, at);
    let mut args = vec![
        ("university", watching.service.to_owned()),
        ("changed", when(watch.changed_at)),
        ("count", seen.failures.to_string()),
        ("devices", devices(seen).join(", ")),
    ];
    let (subject, mail, text) = match notice {
        WatchNotice::Warning => (
            "watch-warning-subject",
            "watch-warning",
            "watch-warning-text",
        ),
        WatchNotice::UnlockLink => {
            let link = watching.links.link(account.id, watch.changed_at);
            args.push(("link", link));
            args.push(("hours", LINK_HOURS.to_string()));
            args.push(("locked", when(seen.locked_at.unwrap_or(watch.changed_at))));
            ("watch-locked-subject", "watch-locked", "watch-locked-text")
        }
    };
    let mut body = lang.tell(mail, &args);
    if !seen.devices.is_empty() {
        body.push_str("\n\n");
        body.push_str(&lang.tell("watch-devices", &args));
    }
    body.push_str("\n\n");
    body.push_str(&lang.tell("watch-what-to-do", &args));
    let signature = lang.tell("notice-signature", &args[..1]);
    let mut messages = vec![Message {
        channel: Channel::Email,
        recipient: account.email.clone(),
        subject: lang.tell(subject, &args),
        body: format!("{body}\n\n{signature}"),
        language: lang,
    }];
    if let Some(phone) = &account.phone {
        messages.push(Message {
            channel: Channel::Sms,
            recipient: phone.clone(),
            subject: String::new(),
            body: lang.tell(text, &args),
            language: lang,
        });
    }
    messages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn watch() -> Watch {
        Watch {
            account_id: 1,
            username: "jdoe".into(),
            changed_at: 1_000,
            watch_until: 1_000 + 72 * 3600,
            failures: 0,
            first_failure_at: None,
            last_failure_at: None,
            devices: String::new(),
            locked_at: None,
            warned_at: None,
            link_sent_at: None,
            unlocked_at: None,
            unlocked_by: None,
        }
    }

    fn trouble(failures: &[i64], locked_at: Option<i64>) -> Trouble {
        Trouble {
            username: "jdoe".into(),
            failures: failures.to_vec(),
            failure_count: failures.len() as u32,
            locked_at,
        }
    }

    #[test]
    fn only_what_came_after_the_change_counts() {
        let before = trouble(&[900, 950], Some(960));
        assert_eq!(seen_since(&watch(), Some(&before), None), None);
        let after = trouble(&[900, 1_010, 1_020], None);
        let seen = seen_since(&watch(), Some(&after), None).unwrap();
        assert_eq!(seen.failures, 2);
        assert_eq!(
            (seen.first_failure_at, seen.last_failure_at),
            (Some(1_010), Some(1_020))
        );
        let event = FailureEvent {
            at: 1_030,
            device: "LAPTOP-7F2 (10.4.1.22)".into(),
        };
        let old = FailureEvent {
            at: 990,
            device: "OLD-PC".into(),
        };
        // Active Directory counts none of the old password's: its events do.
        let seen = seen_since(&watch(), None, Some(&[old, event.clone(), event])).unwrap();
        assert_eq!(seen.failures, 2);
        assert_eq!(seen.devices, "LAPTOP-7F2 (10.4.1.22)");
    }

    #[test]
    fn a_warning_at_the_threshold_a_link_at_a_lock_each_once() {
        let seen = |failures, locked_at| Seen {
            failures,
            first_failure_at: Some(1_010),
            last_failure_at: Some(1_010),
            devices: String::new(),
            locked_at,
        };
        assert_eq!(
            due(&watch(), &seen(1, None), 2),
            None,
            "one slip of the new one"
        );
        assert_eq!(due(&watch(), &seen(2, None), 2), Some(WatchNotice::Warning));
        let warned = Watch {
            warned_at: Some(1_020),
            ..watch()
        };
        assert_eq!(due(&warned, &seen(5, None), 2), None);
        assert_eq!(
            due(&warned, &seen(3, Some(1_030)), 2),
            Some(WatchNotice::UnlockLink)
        );
        assert_eq!(
            due(&watch(), &seen(3, Some(1_030)), 2),
            Some(WatchNotice::UnlockLink)
        );
        let linked = Watch {
            link_sent_at: Some(1_040),
            ..warned
        };
        assert_eq!(due(&linked, &seen(6, Some(1_030)), 2), None);
    }
}
