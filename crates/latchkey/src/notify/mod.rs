//! Sending texts, calls and mails. One interface; the built-in provider,
//! the outbox, stores each message in the database, where `latchkey outbox`,
//! the demo and the tests read it.

use async_trait::async_trait;
use serde::Serialize;

use crate::store::{Store, StoreError};

pub mod twilio;

/// `[messages]`: which provider delivers texts and calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessagesConfig {
    pub provider: ProviderKind,
    pub twilio: twilio::TwilioConfig,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// Store messages in the database (`latchkey outbox`): demos and tests.
    #[default]
    Outbox,
    Twilio,
}

/// The configured provider; refused with the setting to fix when incomplete.
pub fn provider(
    config: &MessagesConfig,
    store: &Store,
) -> Result<Box<dyn MessageProvider>, String> {
    Ok(match config.provider {
        ProviderKind::Outbox => Box::new(Outbox::new(store.clone())),
        ProviderKind::Twilio => {
            let token = std::env::var("LATCHKEY_TWILIO_AUTH_TOKEN").unwrap_or_default();
            Box::new(twilio::Twilio::new(config.twilio.clone(), token)?)
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Voice,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Voice => "voice",
            Channel::Email => "email",
        }
    }
}

/// One message to deliver. For a call, `body` is what the automated voice reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub channel: Channel,
    pub recipient: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("the message provider refused the message: {0}")]
    Refused(String),
    #[error("the message provider cannot be reached: {0}")]
    Unreachable(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[async_trait]
pub trait MessageProvider: Send + Sync {
    async fn send(&self, message: &Message, now: i64) -> Result<(), SendError>;
}

/// The built-in provider: messages go to the `outbox` table.
pub struct Outbox {
    store: Store,
}

impl Outbox {
    pub fn new(store: Store) -> Outbox {
        Outbox { store }
    }
}

#[async_trait]
impl MessageProvider for Outbox {
    async fn send(&self, message: &Message, now: i64) -> Result<(), SendError> {
        self.store.append_outbox(message, now).await?;
        Ok(())
    }
}

/// The words of a message with a code: the same for a text and a call, but a
/// call spells the digits out so the voice reads them one by one.
pub fn code_message(channel: Channel, recipient: &str, code: &str, minutes: i64) -> Message {
    let body = match channel {
        Channel::Voice => {
            let spelled: Vec<String> = code.chars().map(String::from).collect();
            format!(
                "This is the university password service. Your code is {}. Again: {}.",
                spelled.join(", "),
                spelled.join(", ")
            )
        }
        _ => format!(
            "Your university password reset code is {code}. It expires in {minutes} minutes. Never share it."
        ),
    };
    Message {
        channel,
        recipient: recipient.to_owned(),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_reads_the_digits_one_by_one() {
        let call = code_message(Channel::Voice, "+12025550143", "123456", 10);
        assert!(call.body.contains("1, 2, 3, 4, 5, 6"), "{}", call.body);
        let text = code_message(Channel::Sms, "+12025550143", "123456", 10);
        assert!(
            text.body.contains("123456") && text.body.contains("10 minutes"),
            "{}",
            text.body
        );
    }
}
