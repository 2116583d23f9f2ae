//! Prometheus metrics (`GET /metrics`). Components that measure themselves
//! (the hashing pool, the directory writeback) own their instruments; this
//! registry gathers them with the portal's own counters.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The route as written in the router (`/helpdesk/accounts/{id}`), never the raw path.
    pub route: String,
    pub status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabels {
    pub outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ChannelLabels {
    pub channel: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ReasonLabels {
    pub reason: String,
}

/// Seconds, from a millisecond to about half a minute.
pub fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 16))
}

/// The hashing pool's instruments, owned by the `Hasher`.
#[derive(Debug, Clone, Default)]
pub struct HashStats {
    /// Hashes and verifications waiting for a worker.
    pub waiting: Gauge,
    /// How long each waited.
    pub wait: HistogramHandle,
    /// Argon2id computations made: the cost a password change is sized by.
    pub computed: Counter,
}

/// A histogram that can be defaulted (the crate's has no `Default`).
#[derive(Debug, Clone)]
pub struct HistogramHandle(pub Histogram);

impl Default for HistogramHandle {
    fn default() -> Self {
        HistogramHandle(latency_histogram())
    }
}

/// The directory writeback's instruments, owned by the `Writeback`.
#[derive(Debug, Clone, Default)]
pub struct WritebackStats {
    pub latency: HistogramHandle,
    pub failures: Family<ReasonLabels, Counter>,
    /// Changes the directory took that this store has yet to take (read at each scrape).
    pub pending: Gauge,
}

pub struct Metrics {
    registry: Registry,
    pub requests: Family<RequestLabels, Counter>,
    /// Resets by outcome: `started`, `completed`, `no_method`, `locked`,
    /// `refused:RULE` (one per broken rule).
    pub resets: Family<OutcomeLabels, Counter>,
    pub codes_sent: Family<ChannelLabels, Counter>,
    /// Codes sent by text or call that came back right: far fewer than
    /// `codes_sent` is the pumping signature.
    pub codes_typed_back: Counter,
    /// Tries at queued notices, by outcome: `sent`, `retrying`, `undelivered`.
    pub deliveries: Family<OutcomeLabels, Counter>,
    /// Messages waiting in the delivery queue, by channel (read at each scrape).
    pub deliveries_waiting: Family<ChannelLabels, Gauge>,
    /// How long the oldest waiting message of each channel has waited.
    pub delivery_oldest_seconds: Family<ChannelLabels, Gauge>,
    /// Proof-of-work challenges issued, by why they cost what they did.
    pub challenges: Family<ReasonLabels, Counter>,
    /// The last challenge's doublings for the source, for the service, and its range.
    pub challenge_level: Family<ReasonLabels, Gauge>,
    pub challenge_max_number: Gauge,
    /// The watch after a change: accounts watched now (read at each
    /// scrape), and what the passes of this instance did.
    pub watch: WatchStats,
}

/// What the watch after a change counts.
#[derive(Debug, Clone, Default)]
pub struct WatchStats {
    pub watched: Gauge,
    /// "A device still uses your old password" sent.
    pub warnings: Counter,
    /// Locks seen after a change (each brings the unlock link).
    pub locks: Counter,
    /// Unlocks by the owner's link or reset, or the help desk, after a
    /// warning or a caught lock.
    pub unlocks: Counter,
}

impl Metrics {
    pub fn new(hashing: &HashStats, writeback: Option<&WritebackStats>) -> Metrics {
        let mut registry = Registry::with_prefix("latchkey");
        let requests = Family::<RequestLabels, Counter>::default();
        let resets = Family::<OutcomeLabels, Counter>::default();
        let codes_sent = Family::<ChannelLabels, Counter>::default();
        let codes_typed_back = Counter::default();
        let deliveries = Family::<OutcomeLabels, Counter>::default();
        let deliveries_waiting = Family::<ChannelLabels, Gauge>::default();
        let delivery_oldest_seconds = Family::<ChannelLabels, Gauge>::default();
        let challenges = Family::<ReasonLabels, Counter>::default();
        let challenge_level = Family::<ReasonLabels, Gauge>::default();
        let challenge_max_number = Gauge::default();
        let watch = WatchStats::default();
        registry.register(
            "watched_accounts",
            "Accounts watched for a device still using the old password after a change",
            watch.watched.clone(),
        );
        registry.register(
            "watch_warnings",
            "People told a device still uses their old password",
            watch.warnings.clone(),
        );
        registry.register(
            "watch_locks",
            "Locks caught after a change (the unlock link sent)",
            watch.locks.clone(),
        );
        registry.register(
            "watch_unlocks",
            "Accounts unlocked after a warning or a caught lock",
            watch.unlocks.clone(),
        );
        registry.register(
            "challenges",
            "Proof-of-work challenges issued, by reason: normal, source, service, source_and_service",
            challenges.clone(),
        );
        registry.register(
            "challenge_level",
            "The last challenge's doublings, for its source and for the whole service's unfinished resets",
            challenge_level.clone(),
        );
        registry.register(
            "challenge_max_number",
            "The last challenge's range (a client tries half of it on average)",
            challenge_max_number.clone(),
        );
        registry.register(
            "deliveries_waiting",
            "Messages waiting in the delivery queue, by channel",
            deliveries_waiting.clone(),
        );
        registry.register(
            "delivery_oldest_seconds",
            "How long the oldest waiting message of each channel has waited (alert when it grows)",
            delivery_oldest_seconds.clone(),
        );
        registry.register(
            "deliveries",
            "Tries at queued notices by outcome (alert on undelivered)",
            deliveries.clone(),
        );
        registry.register(
            "http_requests",
            "Requests answered, by route and status",
            requests.clone(),
        );
        registry.register("resets", "Reset outcomes", resets.clone());
        registry.register(
            "codes_sent",
            "Verification codes sent, by channel",
            codes_sent.clone(),
        );
        registry.register(
            "codes_typed_back",
            "Codes sent by text or call that were typed back right",
            codes_typed_back.clone(),
        );
        registry.register(
            "hash_queue_depth",
            "Argon2id hashes and verifications waiting for a worker",
            hashing.waiting.clone(),
        );
        registry.register(
            "hashes",
            "Argon2id hashes and verifications computed",
            hashing.computed.clone(),
        );
        registry.register(
            "hash_wait_seconds",
            "How long each hash waited for a worker",
            hashing.wait.0.clone(),
        );
        if let Some(writeback) = writeback {
            registry.register(
                "directory_writeback_seconds",
                "Time to write a password to the directory",
                writeback.latency.0.clone(),
            );
            registry.register(
                "directory_writeback_failures",
                "Directory writes that failed, by reason",
                writeback.failures.clone(),
            );
            registry.register(
                "directory_pending",
                "Password changes in the directory not yet stored here (the reconciler settles them)",
                writeback.pending.clone(),
            );
        }
        Metrics {
            registry,
            requests,
            resets,
            codes_sent,
            codes_typed_back,
            deliveries,
            deliveries_waiting,
            delivery_oldest_seconds,
            challenges,
            challenge_level,
            challenge_max_number,
            watch,
        }
    }

    /// A challenge's cost was set: counted by its reason, its level kept.
    pub fn challenge(&self, cost: crate::captcha::pow::Cost) {
        let reason = |reason: &str| ReasonLabels {
            reason: reason.to_owned(),
        };
        self.challenges.get_or_create(&reason(cost.reason())).inc();
        let level = |doublings: u32| i64::from(doublings);
        (self.challenge_level.get_or_create(&reason("source"))).set(level(cost.source));
        (self.challenge_level.get_or_create(&reason("service"))).set(level(cost.service));
        let max = i64::try_from(cost.max_number).unwrap_or(i64::MAX);
        self.challenge_max_number.set(max);
    }

    /// The text exposition format.
    /// The delivery queue as it stands: each channel's waiting messages
    /// and its oldest one's age; a channel with none reads 0.
    pub fn backlog(&self, backlog: &[crate::store::Backlog], now: i64) {
        self.deliveries_waiting.clear();
        self.delivery_oldest_seconds.clear();
        for channel in backlog {
            let labels = ChannelLabels {
                channel: channel.channel.clone(),
            };
            self.deliveries_waiting
                .get_or_create(&labels)
                .set(channel.waiting);
            self.delivery_oldest_seconds
                .get_or_create(&labels)
                .set((now - channel.oldest_at).max(0));
        }
    }

    pub fn encode(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }

    /// One try at a queued notice, counted by what it came to.
    pub fn delivery(&self, tried: crate::notify::queue::Tried) {
        use crate::notify::queue::Tried;
        let outcome = match tried {
            Tried::Sent => "sent",
            Tried::Retrying => "retrying",
            Tried::Undelivered => "undelivered",
            Tried::NotHeld => return,
        };
        self.deliveries
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_owned(),
            })
            .inc();
    }

    pub fn reset(&self, outcome: &str) {
        self.resets
            .get_or_create(&OutcomeLabels {
                outcome: outcome.to_owned(),
            })
            .inc();
    }
}
