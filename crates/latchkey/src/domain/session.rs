//! Sessions: a reset, a person signed in, a member of staff on duty. Each
//! is named by a random token the client keeps (only its hash is stored),
//! renewed at every rise in privilege, and ends at an absolute timeout or
//! after sitting idle: one rule, [`Lifetime::live`], for the three kinds.

use crate::config::ServerConfig;
use crate::site::Site;

pub use crate::model::session::SessionKind;

/// How long a session lasts, in seconds: from its start (absolute), and
/// since it was last used (idle; a reset has none beyond its absolute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime {
    pub absolute: i64,
    pub idle: Option<i64>,
}

impl Lifetime {
    pub fn of(kind: SessionKind, server: &ServerConfig, site: &Site) -> Lifetime {
        let minutes = |m: i64| m * 60;
        match kind {
            SessionKind::Reset => Lifetime {
                absolute: minutes(server.reset_minutes),
                idle: None,
            },
            SessionKind::Person => Lifetime {
                absolute: minutes(server.session_max_minutes),
                idle: Some(minutes(server.session_idle_minutes)),
            },
            SessionKind::Staff => Lifetime {
                absolute: minutes(site.helpdesk.session_max_minutes),
                idle: Some(minutes(site.helpdesk.session_idle_minutes)),
            },
        }
    }

    /// The earliest last use a live session may have at `now`: one used
    /// exactly `idle` seconds ago has timed out. Stores read sessions with
    /// `last_seen_at > idle_cutoff(now)` and `expires_at > now`, the same
    /// strict bounds for every kind.
    pub fn idle_cutoff(self, now: i64) -> i64 {
        match self.idle {
            Some(idle) => now - idle,
            None => i64::MIN,
        }
    }

    /// Whether a session that expires at `expires_at` and was last used at
    /// `last_seen` is live at `now`.
    pub fn live(self, expires_at: i64, last_seen: i64, now: i64) -> bool {
        expires_at > now && last_seen > self.idle_cutoff(now)
    }
}

/// The one reader's rule, for a kind: the bounds a store reads a live
/// session of `kind` with at `now` (`expires_at > now`, `last_seen_at >`
/// the second).
pub fn live_bounds(core: &super::Core, kind: SessionKind) -> (i64, i64) {
    let now = core.clock.now();
    let lifetime = Lifetime::of(kind, &core.server, &core.site);
    (now, lifetime.idle_cutoff(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_ends_at_its_idle_or_absolute_bound_exactly() {
        let lifetime = Lifetime {
            absolute: 3600,
            idle: Some(900),
        };
        assert!(lifetime.live(3600, 100, 999));
        assert!(!lifetime.live(3600, 100, 1000), "idle for exactly 900 s");
        assert!(!lifetime.live(3600, 3599, 3600), "at the absolute bound");
        let reset = Lifetime {
            absolute: 1800,
            idle: None,
        };
        assert!(reset.live(1800, 0, 1799));
    }
}
