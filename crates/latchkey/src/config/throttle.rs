//! `[throttle]`: every limit's maximum and window (the limits themselves
//! are named once, in `domain::limits`).

use serde::{Deserialize, Serialize};

/// `[throttle]`: limits per client address, per account and per phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ThrottleConfig {
    /// Resets one address may begin in 10 minutes (each is a row, whether it
    /// goes on or not: the portal's first form, `POST /api/v1/reset`; a view
    /// of the first page begins none).
    pub resets_per_address: i64,
    /// Resets one address may take past the first step in 10 minutes.
    pub starts_per_address: i64,
    /// Wrong CAPTCHA answers one address may give in 10 minutes.
    pub captcha_failures_per_address: i64,
    /// Codes sent for one account in an hour.
    pub codes_per_account: i64,
    /// Of those, the most one source (an address, an IPv6 network) may
    /// have sent by starting resets from a browser that never signed in as
    /// the person: strangers share `codes_per_account` apart from the
    /// owner's own, and no one stranger takes it all.
    pub codes_per_source: i64,
    /// How long a browser that signed in as a person counts as theirs: its
    /// resets spend the owner's codes, not what strangers spent.
    pub known_device_days: i64,
    /// Codes sent to one phone number in an hour.
    pub codes_per_phone: i64,
    /// Wrong codes for one account in an hour that lock its online reset:
    /// more than one source may type (`code_failures_per_source`), so a
    /// stranger on one network cannot lock a person out alone.
    pub code_failures_before_lock: i64,
    /// Wrong codes for one account from one source (an address, an IPv6
    /// network) in an hour, which pause that source's tries at it.
    pub code_failures_per_source: i64,
    /// How long online reset stays locked. The help desk can lift it sooner.
    pub lock_minutes: i64,
    /// Wrong passwords one address may give in 10 minutes.
    pub signin_failures_per_address: i64,
    /// Wrong passwords for one account in 15 minutes before its sign-in here
    /// pauses for the rest of those 15 minutes (reset still works).
    pub signin_failures_per_account: i64,
    /// Wrong staff sign-ins one address may make in 15 minutes.
    pub staff_failures_per_address: i64,
    /// Wrong staff sign-ins for one staff username in 15 minutes.
    pub staff_failures_per_member: i64,
    /// Texts and calls the whole service may send in an hour, and in a day,
    /// whatever the account: they cost money and can be pumped.
    pub messages_per_hour: i64,
    pub messages_per_day: i64,
    /// Texts and calls in an hour to numbers that differ only in their last
    /// four digits: pumping uses ranges of consecutive premium numbers.
    pub messages_per_prefix: i64,
    /// Codes sent in an hour from which the share typed back is judged (or
    /// a third of `messages_per_hour`, if that is fewer, so the alarm can
    /// fire before a small budget runs out), and the share (percent) below
    /// which pumping is suspected (`/readyz`).
    pub pumping_alarm_sent: i64,
    pub pumping_alarm_percent: i64,
    /// The windows the limits are counted over (see `domain::limits`).
    pub address_window_minutes: i64,
    pub send_window_minutes: i64,
    pub code_failure_window_minutes: i64,
    pub signin_account_window_minutes: i64,
    pub staff_window_minutes: i64,
}

impl ThrottleConfig {
    /// A limit or window that is zero or less counts nothing sensibly:
    /// its key and why.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        let values = [
            ("resets_per_address", self.resets_per_address),
            ("starts_per_address", self.starts_per_address),
            (
                "captcha_failures_per_address",
                self.captcha_failures_per_address,
            ),
            ("codes_per_account", self.codes_per_account),
            ("codes_per_source", self.codes_per_source),
            ("known_device_days", self.known_device_days),
            ("codes_per_phone", self.codes_per_phone),
            ("code_failures_before_lock", self.code_failures_before_lock),
            ("code_failures_per_source", self.code_failures_per_source),
            ("lock_minutes", self.lock_minutes),
            (
                "signin_failures_per_address",
                self.signin_failures_per_address,
            ),
            (
                "signin_failures_per_account",
                self.signin_failures_per_account,
            ),
            (
                "staff_failures_per_address",
                self.staff_failures_per_address,
            ),
            ("staff_failures_per_member", self.staff_failures_per_member),
            ("messages_per_hour", self.messages_per_hour),
            ("messages_per_day", self.messages_per_day),
            ("messages_per_prefix", self.messages_per_prefix),
            ("pumping_alarm_sent", self.pumping_alarm_sent),
            ("pumping_alarm_percent", self.pumping_alarm_percent),
            ("address_window_minutes", self.address_window_minutes),
            ("send_window_minutes", self.send_window_minutes),
            (
                "code_failure_window_minutes",
                self.code_failure_window_minutes,
            ),
            (
                "signin_account_window_minutes",
                self.signin_account_window_minutes,
            ),
            ("staff_window_minutes", self.staff_window_minutes),
        ];
        values
            .into_iter()
            .find(|(_, value)| *value < 1)
            .map(|(key, value)| (key, format!("must be at least 1, not {value}")))
    }
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        ThrottleConfig {
            resets_per_address: 60,
            starts_per_address: 30,
            captcha_failures_per_address: 30,
            codes_per_account: 5,
            codes_per_source: 3,
            known_device_days: 180,
            codes_per_phone: 5,
            // One source pauses after 8 (a code allows 5 tries); the account
            // locks at 20, so only three sources or more can lock it.
            code_failures_before_lock: 20,
            code_failures_per_source: 8,
            lock_minutes: 30,
            signin_failures_per_address: 30,
            signin_failures_per_account: 10,
            staff_failures_per_address: 20,
            staff_failures_per_member: 5,
            // A campus of 50,000 resets a few hundred passwords on its
            // busiest day; each reset sends one or two codes.
            messages_per_hour: 300,
            messages_per_day: 2000,
            messages_per_prefix: 25,
            pumping_alarm_sent: 30,
            pumping_alarm_percent: 25,
            address_window_minutes: 10,
            send_window_minutes: 60,
            code_failure_window_minutes: 60,
            signin_account_window_minutes: 15,
            staff_window_minutes: 15,
        }
    }
}
