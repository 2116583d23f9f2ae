//! Reading the figures: percentiles of the times taken, what people saw
//! while the database was stopped, and the one database the surge may touch.

use std::time::Duration;

/// The database stopped mid-run: when (into the run) the harness began to
/// stop it, when it was down, when it served again, and the resets that
/// finished in the meantime.
pub(crate) struct Outage {
    pub(crate) at: Duration,
    pub(crate) stopped: Duration,
    pub(crate) back: Duration,
    pub(crate) done_during: usize,
}

impl Outage {
    /// `unavailable`: each 503's time (ms); `resets`: each completed reset's
    /// start (s into the run) and time (ms).
    pub(crate) fn print(&self, unavailable: &[f64], resets: &[(f64, f64)]) {
        let (from, to) = (self.at.as_secs_f64(), self.back.as_secs_f64());
        let mut answered = unavailable.to_vec();
        answered.sort_by(f64::total_cmp);
        println!(
            "database stopped       at {from:.1} s (down at {:.1} s), serving again at {to:.1} s: \
             {} answers \"try again in a minute\" (503), {}; {} resets finished meanwhile",
            self.stopped.as_secs_f64(),
            answered.len(),
            spread(&answered),
            self.done_during
        );
        let mut in_flight: Vec<f64> = (resets.iter())
            .filter(|(began, ms)| *began < to && began + ms / 1000.0 > from)
            .map(|(_, ms)| *ms)
            .collect();
        in_flight.sort_by(f64::total_cmp);
        println!(
            "  resets in flight     {} overlapped it and finished: {}, max {:.0} ms",
            in_flight.len(),
            spread(&in_flight),
            in_flight.last().copied().unwrap_or(0.0)
        );
    }
}

/// p50, p95 and p99 of sorted times (ms).
pub(crate) fn spread(sorted: &[f64]) -> String {
    let [p50, p95, p99] = [50.0, 95.0, 99.0].map(|p| percentile(sorted, p));
    let digits = if p99 < 100.0 { 1 } else { 0 };
    format!("p50 {p50:.digits$} ms, p95 {p95:.digits$} ms, p99 {p99:.digits$} ms")
}

pub(crate) fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

pub(crate) fn loopback_only(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))
        .ok_or("the database must be PostgreSQL (postgres://…)")?;
    let authority = rest.split('/').next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = host.rsplit_once(':').map_or(host, |(h, _)| h);
    if ["127.0.0.1", "localhost", "[::1]"].contains(&host) {
        Ok(())
    } else {
        Err(format!("loopback only: {host} is not this machine"))
    }
}
