//! The watch after a change, as the help desk's account page tells it.

use crate::domain::Core;
use crate::i18n::say;

/// "changed 10:01; 3 wrong passwords from LAPTOP-7F2 (10.4.1.22) (last
/// 10:03); locked 10:04; unlock link sent 10:05; unlocked by the owner with
/// the link 10:06", in the console's language and the campus's clock.
pub(super) fn timeline(state: &Core, watch: &crate::store::Watch) -> String {
    let at = |unix: i64| super::staff_time(state, unix);
    let mut parts = vec![say("hd-watch-changed", &[("when", at(watch.changed_at))])];
    if let Some(last) = watch.last_failure_at {
        let mut failures = say(
            "hd-watch-failures",
            &[("count", watch.failures.to_string()), ("last", at(last))],
        );
        if !watch.devices.is_empty() {
            let devices = watch.devices.lines().collect::<Vec<_>>().join(", ");
            failures.push(' ');
            failures.push_str(&say("hd-watch-from", &[("devices", devices)]));
        }
        parts.push(failures);
    }
    let steps = [
        ("hd-watch-warned", watch.warned_at),
        ("hd-watch-locked", watch.locked_at),
        ("hd-watch-link-sent", watch.link_sent_at),
    ];
    for (id, when) in steps {
        if let Some(when) = when {
            parts.push(say(id, &[("when", at(when))]));
        }
    }
    if let (Some(when), Some(by)) = (watch.unlocked_at, &watch.unlocked_by) {
        parts.push(say(
            "hd-watch-unlocked",
            &[("when", at(when)), ("by", by.clone())],
        ));
    }
    if parts.len() == 1 {
        parts.push(match watch.watch_until > state.clock.now() {
            true => say("hd-watch-quiet", &[("until", at(watch.watch_until))]),
            false => say("hd-watch-over", &[]),
        });
    }
    parts.join("; ")
}
