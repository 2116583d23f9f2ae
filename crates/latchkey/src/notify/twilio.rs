//! Twilio's REST API: texts through `Messages`, calls through `Calls` with a
//! TwiML `<Say>` that reads the message. Credentials: the account SID in
//! config, the auth token from `LATCHKEY_TWILIO_AUTH_TOKEN`.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

/// Seconds a request to Twilio may take before it is given up.
pub const TIMEOUT_SECONDS: u64 = 10;

use super::{Channel, Message, MessageProvider, SendError};
use crate::i18n::Lang;

/// `[messages.twilio]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TwilioConfig {
    /// Changed only to point tests at a local server.
    pub base_url: String,
    pub account_sid: String,
    /// The Twilio number messages and calls come from (E.164).
    pub from: String,
}

impl Default for TwilioConfig {
    fn default() -> Self {
        TwilioConfig {
            base_url: "https://api.twilio.com".into(),
            account_sid: String::new(),
            from: String::new(),
        }
    }
}

pub struct Twilio {
    config: TwilioConfig,
    auth_token: String,
    http: reqwest::Client,
}

impl Twilio {
    pub fn new(config: TwilioConfig, auth_token: String) -> Result<Twilio, String> {
        if config.account_sid.is_empty() || config.from.is_empty() {
            return Err("messages.twilio.account_sid and messages.twilio.from must be set".into());
        }
        if auth_token.is_empty() {
            return Err("LATCHKEY_TWILIO_AUTH_TOKEN must be set for the twilio provider".into());
        }
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(TIMEOUT_SECONDS))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Twilio {
            config,
            auth_token,
            http,
        })
    }
}

/// The TwiML for a call: the message read twice, slowly enough to write
/// down, by a voice that speaks its language.
pub fn twiml(text: &str, lang: Lang) -> String {
    let escaped = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let say = format!("<Say language=\"{}\">{escaped}</Say>", voice_language(lang));
    format!("<Response>{say}<Pause length=\"1\"/>{say}</Response>")
}

/// The voice's language, as Twilio's `<Say>` names it.
fn voice_language(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en-US",
        Lang::Es => "es-US",
    }
}

#[async_trait]
impl MessageProvider for Twilio {
    async fn send(&self, message: &Message, _now: i64) -> Result<(), SendError> {
        let base = self.config.base_url.trim_end_matches('/');
        let sid = &self.config.account_sid;
        let (url, content) = match message.channel {
            Channel::Sms => (
                format!("{base}/2010-04-01/Accounts/{sid}/Messages.json"),
                ("Body", message.body.clone()),
            ),
            Channel::Voice => (
                format!("{base}/2010-04-01/Accounts/{sid}/Calls.json"),
                ("Twiml", twiml(&message.body, message.language)),
            ),
            Channel::Email => {
                return Err(SendError::Refused(
                    "Twilio sends texts and calls, not mail".into(),
                ));
            }
        };
        let form = [
            ("To", message.recipient.as_str()),
            ("From", self.config.from.as_str()),
            (content.0, content.1.as_str()),
        ];
        let response = self
            .http
            .post(&url)
            .basic_auth(sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .await
            .map_err(|e| SendError::Unreachable(e.without_url().to_string()))?;
        let status = response.status();
        if status.is_success() {
            return Ok(());
        }
        // Twilio explains refusals in JSON ({"code": 21211, "message": "..."}); keep it for the log.
        let detail = response.text().await.unwrap_or_default();
        let detail: String = detail.chars().take(300).collect();
        if status.is_server_error() {
            Err(SendError::Unreachable(format!("{status}: {detail}")))
        } else {
            Err(SendError::Refused(format!("{status}: {detail}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_is_read_in_its_language_and_its_words_are_escaped() {
        let spanish = twiml("Su código es 1 < 2 & 3.", Lang::Es);
        assert_eq!(
            spanish,
            "<Response><Say language=\"es-US\">Su código es 1 &lt; 2 &amp; 3.</Say>\
             <Pause length=\"1\"/><Say language=\"es-US\">Su código es 1 &lt; 2 &amp; 3.</Say></Response>"
        );
        assert!(twiml("Code", Lang::En).contains("<Say language=\"en-US\">"));
    }
}
