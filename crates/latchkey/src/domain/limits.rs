//! Every throttle, named once: what it counts, under which key, over which
//! sliding window, up to which maximum (both from `[throttle]`), and what
//! reaching it does. The table in `docs/operations.md` is generated from
//! [`Limit::ALL`] and a test keeps the two the same.

use super::{Core, Error};
use crate::config::ThrottleConfig;
use crate::notify::CodeUse;
use crate::store::{Store, StoreError};

const HOUR: i64 = 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// New resets one address opens (each is a row).
    ResetsPerAddress,
    /// Resets one address takes past the first step.
    StartsPerAddress,
    /// Wrong (or skipped) CAPTCHA answers from one address.
    CaptchaFailuresPerAddress,
    /// Codes sent for one account, for one use.
    CodesSentPerAccount(CodeUse),
    /// Codes one source had sent for one account, for one use, from
    /// browsers that never signed in as its owner.
    CodesSentPerSource(CodeUse),
    /// Codes sent to one phone number, for one use.
    CodesSentPerPhone(CodeUse),
    /// Wrong reset and caller-check codes for one account, but a reset's
    /// app codes: lock its online reset by text and call.
    ResetCodeFailures,
    /// Wrong app codes in a reset for one account: pause the app for resets.
    ResetAppCodeFailures,
    /// The same, from one source: pause that source's tries at the account.
    ResetCodeFailuresFromSource,
    /// Wrong second-factor codes at sign-in for one account, counted apart.
    SignInCodeFailures,
    /// Wrong passwords at sign-in from one address.
    SignInFailuresPerAddress,
    /// Wrong passwords for one account, or for one unknown name.
    SignInFailuresPerAccount,
    /// Wrong staff sign-ins from one address.
    StaffFailuresPerAddress,
    /// Wrong staff sign-ins for one staff username.
    StaffFailuresPerMember,
    /// Texts and calls the whole service sends in an hour.
    MessagesPerHour,
    /// The same, in a day.
    MessagesPerDay,
    /// Texts and calls in an hour to one prefix (a number less its last four digits).
    MessagesPerPrefix,
}

/// What reaching a limit does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reached {
    /// Each request over the maximum is refused ("too many", 429).
    Refused,
    /// The thing counted pauses for a whole window from the hit that reached it.
    Paused,
    /// The account's online reset is locked for `lock_minutes`.
    ResetLocked,
    /// The text or call is not sent; the person is offered their other
    /// ways and the help desk.
    Withheld,
}

/// A hit counted: how many there are now in the window, against the maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub hits: i64,
    pub maximum: i64,
}

impl Count {
    /// Still within the limit, this hit included.
    pub fn allowed(self) -> bool {
        self.hits <= self.maximum
    }

    /// This hit reached the maximum (for limits that pause or lock at it).
    pub fn reached(self) -> bool {
        self.hits >= self.maximum
    }

    /// How many more hits may come before the maximum is reached.
    pub fn left(self) -> i64 {
        (self.maximum - self.hits).max(0)
    }
}

impl Limit {
    /// One of each kind, in the order the docs list them.
    pub const ALL: [Limit; 17] = [
        Limit::ResetsPerAddress,
        Limit::StartsPerAddress,
        Limit::CaptchaFailuresPerAddress,
        Limit::CodesSentPerAccount(CodeUse::Reset),
        Limit::CodesSentPerSource(CodeUse::Reset),
        Limit::CodesSentPerPhone(CodeUse::Reset),
        Limit::ResetCodeFailures,
        Limit::ResetAppCodeFailures,
        Limit::ResetCodeFailuresFromSource,
        Limit::SignInCodeFailures,
        Limit::SignInFailuresPerAddress,
        Limit::SignInFailuresPerAccount,
        Limit::StaffFailuresPerAddress,
        Limit::StaffFailuresPerMember,
        Limit::MessagesPerHour,
        Limit::MessagesPerDay,
        Limit::MessagesPerPrefix,
    ];

    /// The start of its counters' keys; the subject (an address, an account
    /// id, a phone, a name) follows.
    fn prefix(self) -> String {
        match self {
            Limit::ResetsPerAddress => "reset:address".into(),
            Limit::StartsPerAddress => "start:address".into(),
            Limit::CaptchaFailuresPerAddress => "captcha:address".into(),
            Limit::CodesSentPerAccount(usage) => format!("send:{}:account", usage.as_str()),
            Limit::CodesSentPerSource(usage) => format!("send:{}:source", usage.as_str()),
            Limit::CodesSentPerPhone(usage) => format!("send:{}:phone", usage.as_str()),
            Limit::ResetCodeFailures => "codefail:account".into(),
            Limit::ResetAppCodeFailures => "codefail-app:account".into(),
            Limit::ResetCodeFailuresFromSource => "codefail:source".into(),
            Limit::SignInCodeFailures => "signin-codefail:account".into(),
            Limit::SignInFailuresPerAddress => "signinfail:address".into(),
            Limit::SignInFailuresPerAccount => "signinfail".into(),
            Limit::StaffFailuresPerAddress => "stafffail:address".into(),
            Limit::StaffFailuresPerMember => "stafffail:staff".into(),
            Limit::MessagesPerHour => "budget:hour".into(),
            Limit::MessagesPerDay => "budget:day".into(),
            Limit::MessagesPerPrefix => "budget:prefix".into(),
        }
    }

    /// The counter's key for `subject`.
    pub fn key(self, subject: &str) -> String {
        format!("{}:{subject}", self.prefix())
    }

    /// Its maximum and window (seconds), from config.
    pub fn bounds(self, config: &ThrottleConfig) -> (i64, i64) {
        let minutes = |m: i64| m * 60;
        match self {
            Limit::ResetsPerAddress => (
                config.resets_per_address,
                minutes(config.address_window_minutes),
            ),
            Limit::StartsPerAddress => (
                config.starts_per_address,
                minutes(config.address_window_minutes),
            ),
            Limit::CaptchaFailuresPerAddress => (
                config.captcha_failures_per_address,
                minutes(config.address_window_minutes),
            ),
            Limit::CodesSentPerAccount(_) => (
                config.codes_per_account,
                minutes(config.send_window_minutes),
            ),
            Limit::CodesSentPerSource(_) => {
                (config.codes_per_source, minutes(config.send_window_minutes))
            }
            Limit::CodesSentPerPhone(_) => {
                (config.codes_per_phone, minutes(config.send_window_minutes))
            }
            Limit::ResetCodeFailures | Limit::ResetAppCodeFailures | Limit::SignInCodeFailures => (
                config.code_failures_before_lock,
                minutes(config.code_failure_window_minutes),
            ),
            Limit::ResetCodeFailuresFromSource => (
                config.code_failures_per_source,
                minutes(config.code_failure_window_minutes),
            ),
            Limit::SignInFailuresPerAddress => (
                config.signin_failures_per_address,
                minutes(config.address_window_minutes),
            ),
            Limit::SignInFailuresPerAccount => (
                config.signin_failures_per_account,
                minutes(config.signin_account_window_minutes),
            ),
            Limit::StaffFailuresPerAddress => (
                config.staff_failures_per_address,
                minutes(config.staff_window_minutes),
            ),
            Limit::StaffFailuresPerMember => (
                config.staff_failures_per_member,
                minutes(config.staff_window_minutes),
            ),
            Limit::MessagesPerHour => (config.messages_per_hour, HOUR),
            Limit::MessagesPerDay => (config.messages_per_day, 24 * HOUR),
            Limit::MessagesPerPrefix => (config.messages_per_prefix, HOUR),
        }
    }

    /// The `[throttle]` keys of its maximum and its window (`None`: the
    /// window is in the limit's name).
    pub fn config_keys(self) -> (&'static str, Option<&'static str>) {
        let (maximum, window) = match self {
            Limit::ResetsPerAddress => ("resets_per_address", "address_window_minutes"),
            Limit::StartsPerAddress => ("starts_per_address", "address_window_minutes"),
            Limit::CaptchaFailuresPerAddress => {
                ("captcha_failures_per_address", "address_window_minutes")
            }
            Limit::CodesSentPerAccount(_) => ("codes_per_account", "send_window_minutes"),
            Limit::CodesSentPerSource(_) => ("codes_per_source", "send_window_minutes"),
            Limit::CodesSentPerPhone(_) => ("codes_per_phone", "send_window_minutes"),
            Limit::ResetCodeFailures | Limit::ResetAppCodeFailures | Limit::SignInCodeFailures => {
                ("code_failures_before_lock", "code_failure_window_minutes")
            }
            Limit::ResetCodeFailuresFromSource => {
                ("code_failures_per_source", "code_failure_window_minutes")
            }
            Limit::SignInFailuresPerAddress => {
                ("signin_failures_per_address", "address_window_minutes")
            }
            Limit::SignInFailuresPerAccount => (
                "signin_failures_per_account",
                "signin_account_window_minutes",
            ),
            Limit::StaffFailuresPerAddress => {
                ("staff_failures_per_address", "staff_window_minutes")
            }
            Limit::StaffFailuresPerMember => ("staff_failures_per_member", "staff_window_minutes"),
            Limit::MessagesPerHour => ("messages_per_hour", ""),
            Limit::MessagesPerDay => ("messages_per_day", ""),
            Limit::MessagesPerPrefix => ("messages_per_prefix", ""),
        };
        (maximum, (!window.is_empty()).then_some(window))
    }

    pub fn reached(self) -> Reached {
        match self {
            Limit::ResetCodeFailures => Reached::ResetLocked,
            Limit::SignInCodeFailures
            | Limit::ResetAppCodeFailures
            | Limit::ResetCodeFailuresFromSource
            | Limit::SignInFailuresPerAccount
            | Limit::StaffFailuresPerAddress
            | Limit::StaffFailuresPerMember => Reached::Paused,
            Limit::MessagesPerHour | Limit::MessagesPerDay | Limit::MessagesPerPrefix => {
                Reached::Withheld
            }
            _ => Reached::Refused,
        }
    }

    /// What it counts, for the docs.
    pub fn counts(self) -> &'static str {
        match self {
            Limit::ResetsPerAddress => {
                "new resets one address begins (the portal's first form, `POST /api/v1/reset`; a view of the first page begins none)"
            }
            Limit::StartsPerAddress => "resets one address takes past the first step",
            Limit::CaptchaFailuresPerAddress => {
                "wrong CAPTCHA answers, and new images asked for, per address"
            }
            Limit::CodesSentPerAccount(_) => {
                "codes sent for one account, counted apart for each use (reset, sign-in, phone registration, help desk caller check); a reset's from browsers that never signed in as its owner apart from the owner's own"
            }
            Limit::CodesSentPerSource(_) => {
                "of a reset's codes for one account asked from browsers that never signed in as its owner, those one source (an address, an IPv6 /64) had sent"
            }
            Limit::CodesSentPerPhone(_) => "codes sent to one phone number, for each use",
            Limit::ResetCodeFailures => {
                "wrong codes for one account from every source (one source pauses first): codes sent by text or call in a reset, and a help desk caller check's"
            }
            Limit::ResetAppCodeFailures => {
                "wrong authenticator-app codes in a reset for one account: the app pauses for resets, text and call stay open (and the other way round)"
            }
            Limit::ResetCodeFailuresFromSource => {
                "wrong reset and caller-check codes for one account from one source (an address, an IPv6 /64)"
            }
            Limit::SignInCodeFailures => {
                "wrong second-factor codes at sign-in for one account (apart from a reset's)"
            }
            Limit::SignInFailuresPerAddress => {
                "wrong passwords at sign-in and update from one address"
            }
            Limit::SignInFailuresPerAccount => {
                "wrong passwords for one account, or for one unknown name"
            }
            Limit::StaffFailuresPerAddress => {
                "wrong staff sign-ins (password or authenticator) from one address"
            }
            Limit::StaffFailuresPerMember => "wrong staff sign-ins for one staff username",
            Limit::MessagesPerHour => {
                "texts and calls the whole service sends (codes, notices, reminders), whatever the account"
            }
            Limit::MessagesPerDay => "the same, over a day",
            Limit::MessagesPerPrefix => {
                "texts and calls to numbers that differ only in their last four digits"
            }
        }
    }

    /// Counts one hit for `subject` now.
    pub async fn hit(self, core: &Core, subject: &str) -> Result<Count, Error> {
        let now = core.clock.now();
        Ok(self
            .hit_in(&core.store, &core.throttle, subject, now)
            .await?)
    }

    /// [`Limit::hit`] for a caller without a [`Core`] (the delivery queue).
    pub async fn hit_in(
        self,
        store: &Store,
        throttle: &ThrottleConfig,
        subject: &str,
        now: i64,
    ) -> Result<Count, StoreError> {
        let (maximum, window) = self.bounds(throttle);
        let hits = store.hit(&self.key(subject), maximum, window, now).await?;
        Ok(Count { hits, maximum })
    }

    /// The hits for `subject` in the window that ends now, without counting one.
    pub async fn count(self, core: &Core, subject: &str) -> Result<Count, Error> {
        let (maximum, window) = self.bounds(&core.throttle);
        let hits = (core.store)
            .hits(&self.key(subject), window, core.clock.now())
            .await?;
        Ok(Count { hits, maximum })
    }

    /// Whether `subject` is paused: the maximum was reached within one
    /// window, less than a window ago.
    pub async fn paused(self, core: &Core, subject: &str) -> Result<bool, Error> {
        let (maximum, window) = self.bounds(&core.throttle);
        Ok((core.store)
            .paused(&self.key(subject), maximum, window, core.clock.now())
            .await?)
    }
}

/// The docs' table of every limit, with `config`'s values.
pub fn table(config: &ThrottleConfig) -> String {
    let mut out = String::from(
        "| limit | counts | maximum / window (`[throttle]` keys) | when reached |\n| --- | --- | --- | --- |\n",
    );
    for limit in Limit::ALL {
        let (maximum, window) = limit.bounds(config);
        let keys = match limit.config_keys() {
            (max_key, Some(window_key)) => format!("`{max_key}`, `{window_key}`"),
            (max_key, None) => format!("`{max_key}`"),
        };
        let reached = match limit.reached() {
            Reached::Refused => "refused: too many tries (429)".to_owned(),
            Reached::Withheld => {
                "not sent; the person is offered their other ways and the help desk".to_owned()
            }
            Reached::Paused => "paused for a whole window from the hit that reached it".to_owned(),
            Reached::ResetLocked => format!(
                "reset by text and call locked for `lock_minutes` ({} min); the app and sign-in untouched",
                config.lock_minutes
            ),
        };
        let name = format!("{limit:?}");
        let name = name.split('(').next().unwrap_or_default();
        out.push_str(&format!(
            "| `{name}` | {} | {maximum} in {} min ({keys}) | {reached} |\n",
            limit.counts(),
            window / 60,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table in `docs/operations.md` is this one; with
    /// `LATCHKEY_BLESS=1` the test writes it there instead.
    #[test]
    fn the_operations_guide_lists_every_limit_as_defined() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/operations.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let (begin, end) = ("<!-- limits:begin -->\n", "<!-- limits:end -->");
        let start = doc.find(begin).expect("the limits table's begin marker") + begin.len();
        let stop = doc.find(end).expect("the limits table's end marker");
        let generated = table(&ThrottleConfig::default());
        if std::env::var_os("LATCHKEY_BLESS").is_some() {
            let written = format!("{}{generated}{}", &doc[..start], &doc[stop..]);
            std::fs::write(path, written).unwrap();
            return;
        }
        assert_eq!(
            doc[start..stop],
            generated,
            "docs/operations.md's limits differ: run LATCHKEY_BLESS=1 cargo test -p latchkey the_operations_guide"
        );
    }

    #[test]
    fn every_limit_has_its_own_keys() {
        let mut prefixes: Vec<String> = Limit::ALL.iter().map(|l| l.prefix()).collect();
        prefixes.sort();
        prefixes.dedup();
        assert_eq!(prefixes.len(), Limit::ALL.len());
        assert_ne!(
            Limit::CodesSentPerAccount(CodeUse::Reset).key("7"),
            Limit::CodesSentPerAccount(CodeUse::SignIn).key("7"),
            "a reset's sends never use up sign-in's"
        );
    }
}
