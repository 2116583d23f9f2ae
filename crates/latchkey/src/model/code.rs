//! A one-time code in flight, as every flow stores and reads it.

use super::message::CodeUse;
use super::method::Method;

/// A one-time code in flight: what it proves (and of which account, where
/// its holder may prove several), how it came, until when, and how often
/// it was tried. Stored hashed, one per session, for every flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneTimeCode {
    pub purpose: CodeUse,
    pub subject: Option<i64>,
    pub method: Method,
    /// The HMAC of the code sent; none for an app's code (and as read back).
    pub tag: Option<String>,
    pub expires_at: i64,
    pub tries: i64,
}

impl OneTimeCode {
    /// Tries this code has left after the one being made now.
    pub fn left_after_this_try(code: Option<&OneTimeCode>, max: i64) -> i64 {
        max - code.map_or(0, |c| c.tries) - 1
    }

    /// Every try was used.
    pub fn spent(&self, max: i64) -> bool {
        self.tries >= max
    }
}
