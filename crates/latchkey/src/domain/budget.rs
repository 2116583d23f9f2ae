//! The budget for texts and calls. They cost money, and a bot that is paid
//! per message delivered to its premium numbers can have us send them
//! ("SMS pumping"). Every text and call passes [`spend`]: the countries its
//! channel may reach, the service's hourly and daily totals, and the
//! numbers sharing its prefix. Codes typed back are counted beside the codes
//! sent, since many sent and few typed back is the pumping signature.

use super::limits::Limit;
use super::{Core, Error};
use crate::config::ThrottleConfig;
use crate::notify::Channel;
use crate::notify::queue::{Kind, Spend};
use crate::store::{Delivery, Store, StoreError};

/// Why a text or call was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withheld {
    /// The number's region (a code such as `GB`) is not allowed for the channel.
    Country(String),
    /// The service's hourly or daily budget, or the prefix's, is spent.
    Budget,
}

impl Withheld {
    /// In words for the person, with what they can do instead.
    pub fn message(&self, channel: Channel, helpdesk_phone: &str) -> String {
        let what = match channel {
            Channel::Voice => "call",
            _ => "text",
        };
        match self {
            Withheld::Country(region) => format!(
                "We cannot {what} numbers in that country ({region}). Use a mobile number from the \
                 campus's country, an authenticator app, or call the help desk at {helpdesk_phone}."
            ),
            Withheld::Budget => format!(
                "We cannot {what} codes just now. Use your authenticator app if you have one, or \
                 call the help desk at {helpdesk_phone}."
            ),
        }
    }
}

/// The prefix pumping works through: the number less its last four digits
/// (`+1202555` for `+12025550143`).
pub fn prefix(phone: &str) -> &str {
    let cut = phone.char_indices().rev().nth(3).map_or(0, |(at, _)| at);
    &phone[..cut]
}

/// The budget's counters a text or call to `phone` counts against.
fn counters(phone: &str) -> [(Limit, &str); 3] {
    [
        (Limit::MessagesPerHour, "all"),
        (Limit::MessagesPerDay, "all"),
        (Limit::MessagesPerPrefix, prefix(phone)),
    ]
}

/// Takes one text or call to `phone` from the budget, or says why not. A
/// message withheld takes nothing, so a flood of refused ones cannot keep
/// the budget spent after it ends.
pub async fn spend(
    core: &Core,
    channel: Channel,
    phone: &str,
) -> Result<Result<(), Withheld>, Error> {
    if let Err(region) = core.countries.allows(channel, phone) {
        return Ok(Err(Withheld::Country(region)));
    }
    let counters = counters(phone);
    for (limit, subject) in counters {
        if limit.count(core, subject).await?.left() == 0 {
            crate::domain::log_error(&format!(
                "a {} was withheld: {limit:?} is spent",
                channel.as_str()
            ));
            return Ok(Err(Withheld::Budget));
        }
    }
    for (limit, subject) in counters {
        limit.hit(core, subject).await?;
    }
    Ok(Ok(()))
}

/// Counts the texts and calls the delivery queue sends that are never
/// withheld: notices (they follow a change that needed a proof, and
/// withholding one would silence the one warning its owner gets),
/// reminders (sent by the schedule, once) and the help desk's links. Codes
/// spent theirs in [`spend`] before they were queued.
pub struct Budget<'a> {
    pub store: &'a Store,
    pub throttle: &'a ThrottleConfig,
}

#[async_trait::async_trait]
impl Spend for Budget<'_> {
    async fn sent(&self, row: &Delivery, now: i64) -> Result<(), StoreError> {
        let paid = row.kind == Kind::Code.as_str();
        if paid || row.channel == Channel::Email.as_str() {
            return Ok(());
        }
        for (limit, subject) in counters(&row.recipient) {
            limit
                .hit_in(self.store, self.throttle, subject, now)
                .await?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Spend for super::Services {
    async fn sent(&self, row: &Delivery, now: i64) -> Result<(), StoreError> {
        let budget = Budget {
            store: &self.store,
            throttle: &self.throttle,
        };
        budget.sent(row, now).await
    }
}

/// The key codes typed back are counted under (not a limit: a signal).
const TYPED_BACK: &str = "budget:typed";
/// The key codes sent are counted under, beside the budget.
const SENT: &str = "budget:codes";

/// A code was sent by text or call.
pub async fn code_sent(core: &Core) -> Result<(), Error> {
    // Bounded by the messages' own budget.
    core.store
        .hit(SENT, i64::MAX, HOUR, core.clock.now())
        .await?;
    Ok(())
}

/// A code sent by text or call came back right.
pub async fn code_typed_back(core: &Core) -> Result<(), Error> {
    core.metrics.codes_typed_back.inc();
    core.store
        .hit(TYPED_BACK, i64::MAX, HOUR, core.clock.now())
        .await?;
    Ok(())
}

const HOUR: i64 = 3600;

/// The last hour's codes sent and typed back, and whether that looks like
/// pumping: at least `pumping_alarm_sent` sent (or a third of the hourly
/// budget, if fewer), and fewer than `pumping_alarm_percent` of them typed
/// back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CodesLastHour {
    pub sent: i64,
    pub typed_back: i64,
    pub pumping_suspected: bool,
}

pub async fn codes_last_hour(core: &Core) -> Result<CodesLastHour, Error> {
    let now = core.clock.now();
    let sent = core.store.hits(SENT, HOUR, now).await?;
    let typed_back = core.store.hits(TYPED_BACK, HOUR, now).await?;
    let throttle = &core.throttle;
    Ok(CodesLastHour {
        sent,
        typed_back,
        pumping_suspected: sent >= judged_after(throttle)
            && typed_back * 100 < sent * throttle.pumping_alarm_percent,
    })
}

/// The codes sent in an hour from which the alarm judges: a third of the
/// budget when that comes first, so a small budget is not spent unjudged.
pub fn judged_after(throttle: &ThrottleConfig) -> i64 {
    let third = (throttle.messages_per_hour + 2) / 3;
    throttle.pumping_alarm_sent.min(third).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_alarm_judges_after_a_third_of_a_small_budget() {
        let with = |messages_per_hour| ThrottleConfig {
            messages_per_hour,
            ..ThrottleConfig::default()
        };
        assert_eq!(judged_after(&with(300)), 30, "the set figure comes first");
        assert_eq!(judged_after(&with(20)), 7);
        assert_eq!(judged_after(&with(1)), 1);
    }

    #[test]
    fn a_prefix_is_the_number_less_its_last_four_digits() {
        assert_eq!(prefix("+12025550143"), "+1202555");
        assert_eq!(prefix("+442079460958"), "+44207946");
        assert_eq!(prefix("123"), "");
    }
}
