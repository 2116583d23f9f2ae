//! Messages: the channels they go by, what a code in one proves.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Sms,
    Voice,
    Email,
}

impl Channel {
    /// How a code reaches a phone, as a form or a request names it: `sms`
    /// or `voice`, exactly. Anything else (`fax`, `VOICE`, empty) is `None`.
    pub fn for_phone(text: &str) -> Option<Channel> {
        match text {
            "sms" => Some(Channel::Sms),
            "voice" => Some(Channel::Voice),
            _ => None,
        }
    }

    /// A channel as stored (`as_str`).
    pub fn parse(name: &str) -> Option<Channel> {
        match name {
            "email" => Some(Channel::Email),
            other => Channel::for_phone(other),
        }
    }

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
    /// A mail's subject; empty for a text or a call.
    pub subject: String,
    pub body: String,
    /// The language it is written in: a call's voice speaks it.
    pub language: crate::i18n::Lang,
}

/// What a code proves, which decides the words around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeUse {
    Reset,
    SignIn,
    /// A phone being registered: the code proves the number is theirs.
    Registration,
    /// The help desk checking a caller, who reads the code out to the agent.
    CallerCheck,
}

impl CodeUse {
    /// The name its send limits are counted under: each use has its own, so
    /// the texts a stranger makes a reset send never use up the ones the
    /// owner needs to sign in.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeUse::Reset => "reset",
            CodeUse::SignIn => "signin",
            CodeUse::Registration => "registration",
            CodeUse::CallerCheck => "caller",
        }
    }

    pub fn parse(name: &str) -> Option<CodeUse> {
        [
            CodeUse::Reset,
            CodeUse::SignIn,
            CodeUse::Registration,
            CodeUse::CallerCheck,
        ]
        .into_iter()
        .find(|usage| usage.as_str() == name)
    }
}
