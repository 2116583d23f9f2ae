//! The service's own rate: resets taken past the first step and not
//! finished, counted in the database across every source and instance.
//! The proof of work's cost follows it as well as each source's rate
//! ([`crate::captcha::pow::Cost`]), so a bot with many addresses, each
//! opening few resets, still makes the next challenge harder for all.

use super::limits::Limit;
use super::{Core, Error};
use crate::captcha::pow::Cost;

/// The counters' keys (signals, not limits: nothing is refused at them).
const OPENED: &str = "demand:reset:opened";
const FINISHED: &str = "demand:reset:finished";

/// Doublings past which a count adds nothing (the range is at its cap by
/// then): each counter keeps at most this many windows' worth of rows.
const COUNTED_DOUBLINGS: i64 = 64;

fn window(core: &Core) -> i64 {
    core.captcha.service_window_minutes * 60
}

fn cap(core: &Core) -> i64 {
    core.captcha
        .service_rise_every
        .saturating_mul(COUNTED_DOUBLINGS)
}

/// A reset was taken past its first step (a name given).
pub async fn opened(core: &Core) -> Result<(), Error> {
    let now = core.clock.now();
    (core.store)
        .hit(OPENED, cap(core), window(core), now)
        .await?;
    Ok(())
}

/// A reset ended with a new password.
pub async fn finished(core: &Core) -> Result<(), Error> {
    let now = core.clock.now();
    (core.store)
        .hit(FINISHED, cap(core), window(core), now)
        .await?;
    Ok(())
}

/// Resets opened in the service's window and not (yet) finished.
pub async fn unfinished(core: &Core) -> Result<i64, Error> {
    let (now, window) = (core.clock.now(), window(core));
    let opened = core.store.hits(OPENED, window, now).await?;
    let finished = core.store.hits(FINISHED, window, now).await?;
    Ok((opened - finished).max(0))
}

/// What a challenge for `source` costs now, from the resets it opened in
/// the address window (`recent`, counted already; `None`: read them) and
/// the service's unfinished ones.
pub async fn cost(core: &Core, source: &str, recent: Option<i64>) -> Result<Cost, Error> {
    let recent = match recent {
        Some(recent) => recent,
        None => Limit::ResetsPerAddress.count(core, source).await?.hits,
    };
    Ok(core.captcha.cost(recent, unfinished(core).await?))
}
