//! Mail over SMTP (`lettre`): implicit TLS, STARTTLS, or (for a relay on the
//! same host only) none. The password comes from `LATCHKEY_SMTP_PASSWORD`.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use serde::{Deserialize, Serialize};

use super::{Message, MessageProvider, Outbox, SendError};
use crate::store::Store;

/// `[mail]`: how the notices people get by mail are delivered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    pub transport: MailTransport,
    /// The sender, as people see it: `Name <address>` or an address.
    pub from: String,
    pub smtp: SmtpConfig,
}

impl Default for MailConfig {
    fn default() -> Self {
        MailConfig {
            transport: MailTransport::Outbox,
            from: "University password service <no-reply@example.edu>".into(),
            smtp: SmtpConfig::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    /// Mail goes to the outbox with the texts (`latchkey outbox`): demos and tests.
    #[default]
    Outbox,
    Smtp,
}

/// `[mail.smtp]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    /// Empty: no authentication. The password is `LATCHKEY_SMTP_PASSWORD`.
    pub username: String,
    /// A PEM file of extra certificate authorities to trust (a campus CA).
    pub ca_file: Option<PathBuf>,
    /// The longest one message's whole conversation may take (connect,
    /// greeting, TLS, every command and the data), not only the connect.
    pub timeout_seconds: u64,
}

impl Default for SmtpConfig {
    fn default() -> Self {
        SmtpConfig {
            host: String::new(),
            port: 587,
            security: Security::Starttls,
            username: String::new(),
            ca_file: None,
            timeout_seconds: 10,
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// TLS from the first byte (usually port 465).
    Tls,
    /// Plain connection upgraded with STARTTLS, which must succeed (port 587).
    #[default]
    Starttls,
    /// No encryption: only for a relay on the same host. No credentials.
    None,
}

/// The configured mail transport; refused with the setting to fix when it cannot work.
pub fn provider(config: &MailConfig, store: &Store) -> Result<Box<dyn MessageProvider>, String> {
    match config.transport {
        MailTransport::Outbox => Ok(Box::new(Outbox::new(store.clone()))),
        MailTransport::Smtp => {
            let password =
                crate::secrets::secret_from_env("LATCHKEY_SMTP_PASSWORD")?.unwrap_or_default();
            Ok(Box::new(Smtp::new(config, &password)?))
        }
    }
}

pub struct Smtp {
    from: Mailbox,
    transport: AsyncSmtpTransport<Tokio1Executor>,
    /// The whole conversation's deadline: lettre's own timeout covers the
    /// connection only (lettre issue 1027), and a server that accepts and
    /// never answers would hold the send, and whoever waits on it, forever.
    deadline: Duration,
}

impl Smtp {
    pub fn new(config: &MailConfig, password: &str) -> Result<Smtp, String> {
        let smtp = &config.smtp;
        let from: Mailbox = config
            .from
            .parse()
            .map_err(|e| format!("mail.from {:?}: {e}", config.from))?;
        if smtp.host.is_empty() {
            return Err("mail.smtp.host must be set for the smtp transport".into());
        }
        if smtp.security == Security::None && !smtp.username.is_empty() {
            return Err(
                "mail.smtp.username is set with security = \"none\": the password would cross the network in clear; use \"starttls\" or \"tls\"".into(),
            );
        }
        if !smtp.username.is_empty() && password.is_empty() {
            return Err("LATCHKEY_SMTP_PASSWORD must be set when mail.smtp.username is".into());
        }
        let tls = || -> Result<TlsParameters, String> {
            let mut builder = TlsParameters::builder(smtp.host.clone());
            if let Some(file) = &smtp.ca_file {
                let pem = std::fs::read(file).map_err(|e| {
                    format!("mail.smtp.ca_file: cannot read {}: {e}", file.display())
                })?;
                let ca = Certificate::from_pem(&pem)
                    .map_err(|e| format!("mail.smtp.ca_file {}: {e}", file.display()))?;
                builder = builder.add_root_certificate(ca);
            }
            builder.build().map_err(|e| format!("mail.smtp: {e}"))
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .timeout(Some(Duration::from_secs(smtp.timeout_seconds)))
            .tls(match smtp.security {
                Security::Tls => Tls::Wrapper(tls()?),
                Security::Starttls => Tls::Required(tls()?),
                Security::None => Tls::None,
            });
        if !smtp.username.is_empty() {
            builder =
                builder.credentials(Credentials::new(smtp.username.clone(), password.to_owned()));
        }
        Ok(Smtp {
            from,
            transport: builder.build(),
            deadline: Duration::from_secs(smtp.timeout_seconds),
        })
    }
}

#[async_trait]
impl MessageProvider for Smtp {
    async fn send(&self, message: &Message, _now: i64) -> Result<(), SendError> {
        let to: Mailbox = message
            .recipient
            .parse()
            .map_err(|e| SendError::Refused(format!("recipient {:?}: {e}", message.recipient)))?;
        let mail = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(&message.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| SendError::Refused(e.to_string()))?;
        match tokio::time::timeout(self.deadline, self.transport.send(mail)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) if e.is_permanent() => Err(SendError::Refused(e.to_string())),
            Ok(Err(e)) => Err(SendError::Unreachable(e.to_string())),
            Err(_) => Err(SendError::Unreachable(format!(
                "the mail server did not finish within {} s",
                self.deadline.as_secs()
            ))),
        }
    }
}
