//! A browser that signed in as a person before: a long-lived cookie, as
//! Entra and Okta keep, naming the account and when, signed under the
//! service key (nothing stored). A reset started from it spends its
//! owner's codes, never the ones strangers may spend (see
//! [`super::code::Asker`]).

use super::Core;

const PURPOSE: &str = "known-device";

/// The cookie's value for a browser that just signed in as `account_id`.
pub fn mark(core: &Core, account_id: i64) -> String {
    let body = format!("{account_id}.{}", core.clock.now());
    let tag = core.key.tag(PURPOSE, &body);
    format!("{body}.{tag}")
}

/// The account a cookie's value names, if it is ours, whole and younger
/// than `throttle.known_device_days`.
pub fn known_as(core: &Core, value: &str) -> Option<i64> {
    let (body, tag) = value.rsplit_once('.')?;
    if !core.key.verify(PURPOSE, body, tag) {
        return None;
    }
    let (account, issued) = body.split_once('.')?;
    let issued: i64 = issued.parse().ok()?;
    let age = core.clock.now() - issued;
    (age >= 0 && age < core.throttle.known_device_days * 86_400).then_some(())?;
    account.parse().ok()
}

/// How long the cookie lives, in seconds.
pub fn lifetime(core: &Core) -> i64 {
    core.throttle.known_device_days * 86_400
}
