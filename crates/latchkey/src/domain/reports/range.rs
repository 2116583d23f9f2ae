//! A report's range: whole days on the campus's clock, the first and the
//! last included. A day is midnight to midnight where the campus is, so a
//! day that a clock change shortens is 23 hours long, not cut at UTC.

use jiff::civil::Date;
use jiff::tz::TimeZone;

/// The most days one report covers.
pub const MOST_DAYS: i64 = 366;
/// The days a report covers when none are asked for.
pub const DEFAULT_DAYS: i64 = 30;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    #[error("{0:?} is not a day: write it as YYYY-MM-DD")]
    NotADay(String),
    #[error("the range ends ({until}) before it starts ({since})")]
    Backwards { since: String, until: String },
    #[error("the range is {days} days long; a report covers at most {MOST_DAYS}")]
    TooLong { days: i64 },
}

impl RangeError {
    /// The refusal in `lang`'s words, for the console's page.
    pub fn told(&self, lang: crate::i18n::Lang) -> String {
        match self {
            RangeError::NotADay(text) => lang.tell("rp-range-not-a-day", &[("text", text.clone())]),
            RangeError::Backwards { since, until } => lang.tell(
                "rp-range-backwards",
                &[("since", since.clone()), ("until", until.clone())],
            ),
            RangeError::TooLong { days } => lang.tell(
                "rp-range-too-long",
                &[("days", days.to_string()), ("most", MOST_DAYS.to_string())],
            ),
        }
    }
}

/// One day of a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Day {
    /// `2026-12-04`.
    pub key: String,
    /// Its midnight and the next, in Unix seconds.
    pub start: i64,
    pub end: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Range {
    first: Date,
    last: Date,
    zone: TimeZone,
}

fn day(text: &str) -> Result<Date, RangeError> {
    text.trim()
        .parse::<Date>()
        .map_err(|_| RangeError::NotADay(text.to_owned()))
}

fn midnight(date: Date, zone: &TimeZone) -> i64 {
    date.to_zoned(zone.clone())
        .map_or(0, |zoned| zoned.timestamp().as_second())
}

impl Range {
    /// From `since` to `until` (`YYYY-MM-DD`, both optional): by default
    /// the [`DEFAULT_DAYS`] days up to today (`now`), on `zone`'s clock.
    pub fn new(
        since: Option<&str>,
        until: Option<&str>,
        zone: &TimeZone,
        now: i64,
    ) -> Result<Range, RangeError> {
        let today = jiff::Timestamp::from_second(now)
            .map(|t| t.to_zoned(zone.clone()).date())
            .unwrap_or_default();
        let last = match until.filter(|u| !u.trim().is_empty()) {
            Some(text) => day(text)?,
            None => today,
        };
        let first = match since.filter(|s| !s.trim().is_empty()) {
            Some(text) => day(text)?,
            None => last
                .checked_sub(jiff::Span::new().days(DEFAULT_DAYS - 1))
                .unwrap_or(last),
        };
        if last < first {
            return Err(RangeError::Backwards {
                since: first.to_string(),
                until: last.to_string(),
            });
        }
        let days = first
            .until(last)
            .map_or(0, |span| i64::from(span.get_days()))
            + 1;
        if days > MOST_DAYS {
            return Err(RangeError::TooLong { days });
        }
        Ok(Range {
            first,
            last,
            zone: zone.clone(),
        })
    }

    pub fn first_day(&self) -> String {
        self.first.to_string()
    }

    pub fn last_day(&self) -> String {
        self.last.to_string()
    }

    /// From the first day's midnight to the midnight after the last.
    pub fn bounds(&self) -> (i64, i64) {
        let after = self.last.tomorrow().unwrap_or(self.last);
        (
            midnight(self.first, &self.zone),
            midnight(after, &self.zone),
        )
    }

    /// Each day, in order.
    pub fn days(&self) -> Vec<Day> {
        let mut days = Vec::new();
        let mut date = self.first;
        while date <= self.last {
            let Ok(next) = date.tomorrow() else { break };
            days.push(Day {
                key: date.to_string(),
                start: midnight(date, &self.zone),
                end: midnight(next, &self.zone),
            });
            date = next;
        }
        days
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chicago() -> TimeZone {
        TimeZone::get("America/Chicago").unwrap()
    }

    #[test]
    fn a_day_is_the_campus_s_midnight_to_midnight_and_a_clock_change_day_is_shorter() {
        let range = Range::new(Some("2026-03-07"), Some("2026-03-08"), &chicago(), 0).unwrap();
        let days = range.days();
        assert_eq!(days.len(), 2);
        // 2026-03-07 00:00 CST is 06:00 UTC.
        assert_eq!(days[0].start, 1_772_863_200);
        assert_eq!(days[0].end - days[0].start, 24 * 3600);
        // Clocks go forward on March 8.
        assert_eq!(days[1].end - days[1].start, 23 * 3600);
        assert_eq!(range.bounds(), (days[0].start, days[1].end));
    }

    #[test]
    fn the_default_is_the_last_thirty_days_up_to_today_on_the_campus_s_clock() {
        // 2026-12-05 03:00 UTC is still December 4 in Chicago.
        let now = 1_796_439_600;
        let range = Range::new(None, None, &chicago(), now).unwrap();
        assert_eq!(range.last_day(), "2026-12-04");
        assert_eq!(range.first_day(), "2026-11-05");
        assert_eq!(range.days().len(), 30);
    }

    #[test]
    fn bad_ranges_are_refused_in_words() {
        let zone = chicago();
        assert_eq!(
            Range::new(Some("12/04/2026"), None, &zone, 0),
            Err(RangeError::NotADay("12/04/2026".into()))
        );
        assert!(matches!(
            Range::new(Some("2026-12-05"), Some("2026-12-04"), &zone, 0),
            Err(RangeError::Backwards { .. })
        ));
        assert_eq!(
            Range::new(Some("2025-01-01"), Some("2026-12-04"), &zone, 0),
            Err(RangeError::TooLong { days: 703 })
        );
        let backwards = Range::new(Some("2026-12-05"), Some("2026-12-04"), &zone, 0).unwrap_err();
        assert_eq!(
            backwards.told(crate::i18n::Lang::Es),
            "El periodo termina (2026-12-04) antes de empezar (2026-12-05)."
        );
    }
}
