//! Messages that always arrive: every code, notice, reminder and link is
//! written to the delivery queue first (a change's notice in the change's
//! own transaction), then sent; one the provider does not take is tried
//! again with backoff by the server's worker until its kind's lifetime
//! ends (a code's own expiry, a notice's day), and a notice or reminder
//! that never goes raises an alarm (the log, a metric, the account's audit
//! trail) instead of vanishing. Ory Kratos's courier retries too, but
//! strands the rows of a crashed worker and spends its retries in seconds:
//! here a claim is a lease, and retries spread over hours.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Channel, Message, MessageProvider, SendError};
use crate::clock::Clock;
use crate::secrets::SecretKey;
use crate::store::{Delivery, Lane, NewDelivery, Store, StoreError};

/// What the queued words are sealed for.
pub use crate::secrets::DELIVERY_PURPOSE as SEAL_PURPOSE;
/// How long a notice is worth trying: a "password changed" warning still
/// matters hours later.
/// A reminder's too.
pub const NOTICE_LIFETIME: i64 = 24 * 3600;
/// How long a worker holds a row it claimed, by default
/// (`server.delivery_lease_seconds`): longer than any send may take (the
/// providers time out well before), so a row is never sent by two
/// workers; a worker that dies gives its rows back after it.
pub const LEASE_SECONDS: i64 = 120;
/// A message waiting longer than this says delivery is late: `/readyz`
/// warns (it still serves pages).
pub const LATE_SECONDS: i64 = 300;

/// What `/readyz` says of the queue: each channel's waiting messages and
/// its oldest one's age, and whether any has waited past [`LATE_SECONDS`].
pub fn backlog_report(backlog: &[crate::store::Backlog], now: i64) -> serde_json::Value {
    let channels: serde_json::Map<String, serde_json::Value> = backlog
        .iter()
        .map(|channel| {
            let oldest = (now - channel.oldest_at).max(0);
            let value = serde_json::json!({"waiting": channel.waiting, "oldest_seconds": oldest});
            (channel.channel.clone(), value)
        })
        .collect();
    let late = backlog
        .iter()
        .any(|channel| now - channel.oldest_at > LATE_SECONDS);
    serde_json::json!({"late": late, "waiting": channels})
}

/// The most rows one round of a worker tries, in each lane.
pub const BATCH: usize = 50;
/// How long a request waits on a notice's inline try, in all: past it the
/// queue's worker sends the notice, and the person is answered.
pub const NOTICE_INLINE: Duration = Duration::from_secs(1);
/// How long a person waits on their code's inline try before being told it
/// is not out yet (the queue goes on trying it while it lives).
pub const CODE_INLINE: Duration = Duration::from_secs(5);

/// The queue: where rows are kept, the key their words are sealed under,
/// and what each message it sends costs.
#[derive(Clone, Copy)]
pub struct Queue<'a> {
    pub store: &'a Store,
    pub key: &'a SecretKey,
    pub spend: &'a dyn Spend,
    /// Seconds a claim lasts (`server.delivery_lease_seconds`).
    pub lease: i64,
}

/// What a message the queue sent costs: texts and calls count against the
/// budget (`domain::budget`, which knows which kinds paid before).
#[async_trait::async_trait]
pub trait Spend: Send + Sync {
    async fn sent(&self, row: &Delivery, now: i64) -> Result<(), StoreError>;
}

/// What a queued message is: its kind decides how long it is worth trying
/// and what its loss raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A one-time code: worth nothing once the code expires, so it is never
    /// sent after; its budget was spent before it was queued.
    Code,
    /// A change's warning to its owner, worth a day.
    Notice,
    /// An expiry or registration reminder, worth a day.
    Reminder,
    /// A reset link from the help desk: worth as long as the link.
    Link,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Code => "code",
            Kind::Notice => "notice",
            Kind::Reminder => "reminder",
            Kind::Link => "link",
        }
    }

    /// Whether a row that never went raises an alarm in the account's
    /// trail: a lost code or link is asked for again by the person who
    /// waits for it; a lost warning is noticed by nobody.
    fn alarms(kind: &str) -> bool {
        kind == "notice" || kind == "reminder"
    }
}

#[derive(Serialize, Deserialize)]
struct Words {
    subject: String,
    body: String,
    /// Rows queued before there was a choice are in English.
    #[serde(default)]
    language: crate::i18n::Lang,
}

/// What one try at a row came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tried {
    Sent,
    /// Not taken; tried again later.
    Retrying,
    /// Not taken, and its lifetime is over (or the provider refused it for
    /// good): given up, with an alarm.
    Undelivered,
    /// Another worker holds it, or it is done already.
    NotHeld,
}

/// Seconds before try `attempt` + 1: 15 s doubling to 15 minutes, spread
/// over its upper half by `spread` (0 to 1) so that rows failed together
/// are not all tried again together.
pub fn backoff(attempt: i64, spread: f64) -> i64 {
    let exponent = u32::try_from(attempt.clamp(1, 7) - 1).unwrap_or(0);
    let full = (15 * 2i64.pow(exponent)).min(900);
    let half = full / 2;
    full - half + (half as f64 * spread.clamp(0.0, 1.0)) as i64
}

/// A spread from the row's id and attempt: no two rows retry in step.
fn spread(id: i64, attempt: i64) -> f64 {
    let mixed = (id.wrapping_mul(2_654_435_761) ^ attempt.wrapping_mul(40_503)).rem_euclid(1000);
    mixed as f64 / 1000.0
}

impl Queue<'_> {
    /// The rows for `messages` to `account_id`, words sealed, worth trying
    /// until `expires_at`: for a caller that writes them with its change.
    pub fn rows(
        &self,
        messages: &[Message],
        account_id: Option<i64>,
        kind: Kind,
        expires_at: i64,
    ) -> Result<Vec<NewDelivery>, SendError> {
        messages
            .iter()
            .map(|message| {
                let words = Words {
                    subject: message.subject.clone(),
                    body: message.body.clone(),
                    language: message.language,
                };
                let json =
                    serde_json::to_vec(&words).map_err(|e| SendError::Refused(e.to_string()))?;
                let sealed = (self.key)
                    .seal(SEAL_PURPOSE, &json)
                    .ok_or_else(|| SendError::Refused("the message could not be sealed".into()))?;
                Ok(NewDelivery {
                    kind: kind.as_str(),
                    channel: message.channel.as_str(),
                    recipient: message.recipient.clone(),
                    account_id,
                    sealed,
                    expires_at,
                })
            })
            .collect()
    }

    /// Queues `messages` in one transaction; their ids.
    pub async fn enqueue(
        &self,
        messages: &[Message],
        account_id: Option<i64>,
        kind: Kind,
        expires_at: i64,
        now: i64,
    ) -> Result<Vec<i64>, SendError> {
        let rows = self.rows(messages, account_id, kind, expires_at)?;
        Ok(self.store.enqueue(&rows, now).await?)
    }

    /// Queues one message and tries it at once, as a person waiting for it
    /// needs: what became of it.
    pub async fn send_now(
        &self,
        providers: &Providers<'_>,
        message: &Message,
        account_id: Option<i64>,
        (kind, expires_at): (Kind, i64),
        now: i64,
    ) -> Result<Tried, SendError> {
        let ids = self
            .enqueue(
                std::slice::from_ref(message),
                account_id,
                kind,
                expires_at,
                now,
            )
            .await?;
        let mut tried = Tried::NotHeld;
        let by = Instant::now() + CODE_INLINE;
        for id in ids {
            tried = self.try_inline(providers, id, now, by).await?;
        }
        Ok(tried)
    }

    /// Tries the row `id` at once for the request that queued it, under a
    /// claim of its own named after the row, giving up at `by`: a send
    /// not done by then counts as one failed try, and the worker takes it
    /// from there. Past `by` already, the row is left to the worker.
    pub async fn try_inline(
        &self,
        providers: &Providers<'_>,
        id: i64,
        now: i64,
        by: Instant,
    ) -> Result<Tried, StoreError> {
        if Instant::now() >= by {
            return Ok(Tried::Retrying);
        }
        let worker = format!("inline:{id}");
        match (self.store)
            .claim_delivery(id, &worker, now, now + self.lease)
            .await?
        {
            Some(row) => {
                self.try_claimed(providers, &row, &worker, now, Some(by))
                    .await
            }
            None => Ok(Tried::NotHeld),
        }
    }

    /// Claims the rows due one at a time, each under a lease taken just
    /// before it is tried, and tries it: what became of them. (Claiming a
    /// batch at once would leave its last rows held past their lease while
    /// slow sends go before them, and another worker would send them too.)
    ///
    /// Mail and phones go in two lanes at once: a mail server that takes
    /// its whole deadline on every message holds no text or call.
    pub async fn deliver_due(
        &self,
        providers: &Providers<'_>,
        worker: &str,
        clock: &dyn Clock,
    ) -> Result<Vec<(Delivery, Tried)>, StoreError> {
        let (mail, phones) = tokio::join!(
            self.deliver_lane(providers, worker, clock, Lane::Mail),
            self.deliver_lane(providers, worker, clock, Lane::Phone),
        );
        let mut tried = mail?;
        tried.extend(phones?);
        Ok(tried)
    }

    async fn deliver_lane(
        &self,
        providers: &Providers<'_>,
        worker: &str,
        clock: &dyn Clock,
        lane: Lane,
    ) -> Result<Vec<(Delivery, Tried)>, StoreError> {
        let mut tried = Vec::new();
        while tried.len() < BATCH {
            let now = clock.now();
            let lease = now + self.lease;
            let claimed = self.store.claim_next_due(worker, now, lease, lane).await?;
            let Some(row) = claimed else {
                break;
            };
            let outcome = self.try_claimed(providers, &row, worker, now, None).await?;
            tried.push((row, outcome));
        }
        Ok(tried)
    }

    /// Sends a claimed row (within `by`, for an inline try) and records
    /// what came of it.
    async fn try_claimed(
        &self,
        providers: &Providers<'_>,
        row: &Delivery,
        worker: &str,
        now: i64,
        by: Option<Instant>,
    ) -> Result<Tried, StoreError> {
        let message = self.open(row);
        let sent = match &message {
            // A code past its expiry, or a link, would only mislead.
            _ if now >= row.expires_at => Err(SendError::Refused(
                "its lifetime ended before it could be sent".into(),
            )),
            Some(message) => match by {
                None => providers.send(message, now).await,
                Some(by) => {
                    let left = by.saturating_duration_since(Instant::now());
                    tokio::time::timeout(left, providers.send(message, now))
                        .await
                        .unwrap_or_else(|_| {
                            Err(SendError::Unreachable(
                                "no answer while the request waited; the queue tries again".into(),
                            ))
                        })
                }
            },
            None => Err(SendError::Refused("sealed under no key of the ring".into())),
        };
        let error = match sent {
            Ok(()) => {
                let held = self.store.delivery_sent(row.id, worker, now).await?;
                self.spend.sent(row, now).await?;
                return Ok(if held { Tried::Sent } else { Tried::NotHeld });
            }
            Err(e) => e,
        };
        let attempt = row.attempts + 1;
        let next_at = now + backoff(attempt, spread(row.id, attempt));
        // A refusal is for good (a bad address, a number the provider will
        // not text); an unreachable provider may come back.
        let again = matches!(error, SendError::Unreachable(_)) && next_at < row.expires_at;
        let said = error.to_string();
        let next_at = again.then_some(next_at);
        (self.store)
            .delivery_failed(row.id, worker, &said, next_at, now)
            .await?;
        if again {
            tracing::warn!(id = row.id, kind = %row.kind, channel = %row.channel, error = %said, "a message will be tried again");
            return Ok(Tried::Retrying);
        }
        if Kind::alarms(&row.kind) {
            tracing::error!(id = row.id, kind = %row.kind, channel = %row.channel, error = %said, "a message could not be delivered");
            let action = format!("{}_undelivered.{}", row.kind, row.channel);
            (self.store)
                .record_event(now, "courier", &action, row.account_id, "")
                .await?;
        } else {
            tracing::warn!(id = row.id, kind = %row.kind, channel = %row.channel, error = %said, "a message was not delivered");
        }
        Ok(Tried::Undelivered)
    }

    fn open(&self, row: &Delivery) -> Option<Message> {
        let json = self.key.open(SEAL_PURPOSE, &row.sealed)?;
        let words: Words = serde_json::from_slice(&json).ok()?;
        Some(Message {
            channel: Channel::parse(&row.channel)?,
            recipient: row.recipient.clone(),
            subject: words.subject,
            body: words.body,
            language: words.language,
        })
    }
}

/// Who carries each channel: texts and calls, and mail.
pub struct Providers<'a> {
    pub messages: &'a dyn MessageProvider,
    pub mail: &'a dyn MessageProvider,
}

impl Providers<'_> {
    fn of(&self, channel: Channel) -> &dyn MessageProvider {
        match channel {
            Channel::Email => self.mail,
            Channel::Sms | Channel::Voice => self.messages,
        }
    }

    /// Sends `message` by the provider of its channel, now.
    pub async fn send(&self, message: &Message, now: i64) -> Result<(), SendError> {
        self.of(message.channel).send(message, now).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_seconds_to_a_quarter_hour_and_spread() {
        let lows: Vec<i64> = (1..=8).map(|attempt| backoff(attempt, 0.0)).collect();
        assert_eq!(lows, [8, 15, 30, 60, 120, 240, 450, 450]);
        assert_eq!(backoff(1, 1.0), 15);
        assert_eq!(backoff(9, 1.0), 900);
        let spreads: std::collections::BTreeSet<i64> =
            (1..=20).map(|id| backoff(3, spread(id, 3))).collect();
        assert!(
            spreads.len() > 5,
            "rows failed together retry apart: {spreads:?}"
        );
    }
}
