//! Sending texts, calls and mails. One interface; the built-in provider,
//! the outbox, stores each message in the database, where `latchkey outbox`,
//! the demo and the tests read it.

pub use crate::model::message::{Channel, CodeUse, Message};
use async_trait::async_trait;
use serde::Serialize;

use crate::i18n::{Lang, Text};
use crate::network::Location;
use crate::store::{Store, StoreError};

pub mod mail;
pub mod queue;
pub mod twilio;

/// `[messages]`: which provider delivers texts and calls.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MessagesConfig {
    pub provider: ProviderKind,
    pub twilio: twilio::TwilioConfig,
    pub countries: Countries,
}

/// `[messages.countries]`: where texts and calls may go, as region codes
/// (`["US", "CA"]`), for each channel apart. A text to a premium number
/// abroad is money lost, and pumping bots choose such numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Countries {
    pub sms: Vec<String>,
    pub voice: Vec<String>,
}

impl Default for Countries {
    /// The campus's own country: the one its 10-digit numbers are read in.
    fn default() -> Self {
        Countries {
            sms: vec!["US".into()],
            voice: vec!["US".into()],
        }
    }
}

impl Countries {
    /// A region code that names no region: its key and why.
    pub fn problem(&self) -> Option<(&'static str, String)> {
        for (key, list) in [("sms", &self.sms), ("voice", &self.voice)] {
            if let Some(bad) = list
                .iter()
                .find(|code| code.parse::<phonenumber::country::Id>().is_err())
            {
                return Some((
                    key,
                    format!(
                        "{bad:?} is not a region code: write two capital letters, such as \"US\" or \"CA\""
                    ),
                ));
            }
        }
        None
    }

    /// Whether `channel` may reach `phone` (E.164); `Err` holds the
    /// number's region code (or `"??"`) when it may not.
    pub fn allows(&self, channel: Channel, phone: &str) -> Result<(), String> {
        let list = match channel {
            Channel::Voice => &self.voice,
            _ => &self.sms,
        };
        let region = phonenumber::parse(None, phone)
            .ok()
            .and_then(|number| number.country().id())
            .map_or_else(|| "??".to_owned(), |id| id.as_ref().to_owned());
        if list.contains(&region) {
            Ok(())
        } else {
            Err(region)
        }
    }
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
            let token =
                crate::secrets::secret_from_env("LATCHKEY_TWILIO_AUTH_TOKEN")?.unwrap_or_default();
            Box::new(twilio::Twilio::new(config.twilio.clone(), token)?)
        }
    })
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

/// The words of a message with a code, in `lang`: the same for a text and
/// a call, but a call spells the digits out so the voice reads them one by
/// one, and twice. `service` is the university's name.
pub fn code_message(
    channel: Channel,
    recipient: &str,
    code: &str,
    minutes: i64,
    usage: CodeUse,
    (service, lang): (&str, Lang),
) -> Message {
    let shown = match channel {
        Channel::Voice => {
            let spelled: Vec<String> = code.chars().map(String::from).collect();
            lang.tell("message-code-again", &[("code", spelled.join(", "))])
        }
        _ => code.to_owned(),
    };
    let id = match usage {
        CodeUse::Reset => "message-code-reset",
        CodeUse::SignIn => "message-code-signin",
        CodeUse::Registration => "message-code-registration",
        CodeUse::CallerCheck => "message-code-caller",
    };
    let args = [
        ("university", service.to_owned()),
        ("code", shown),
        ("minutes", minutes.to_string()),
    ];
    let subject = match channel {
        Channel::Email => lang.tell("message-code-subject", &args),
        _ => String::new(),
    };
    Message {
        channel,
        recipient: recipient.to_owned(),
        subject,
        body: lang.tell(id, &args),
        language: lang,
    }
}

/// A change to an account that its owner is told about on every channel
/// they have, so that a change they did not make is noticed at once. The
/// words wait for the owner's language: each is a message id and its
/// arguments, the university's name added when told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    PasswordChanged,
    /// A method was added, replaced or removed: the sentence that says which.
    Methods(Text),
    /// Another change to how the account works (unlocked, a change
    /// required): the mail's subject and the sentence that says what.
    Account {
        subject: &'static str,
        what: Text,
    },
    /// Online reset was paused after wrong codes, until then.
    ResetPaused {
        until: i64,
    },
}

/// What a "this wasn't me" link's signature is made for (checked in
/// `domain::report`).
pub const REPORT_PURPOSE: &str = "not-me";

/// What a notice needs to carry the link: the key that signs it and the
/// portal's address (`server.public_url`).
#[derive(Clone, Copy)]
pub struct ReportLinks<'a> {
    pub key: &'a crate::secrets::SecretKey,
    pub public_url: &'a str,
}

impl ReportLinks<'_> {
    /// A fresh link for `account_id`'s owner, made `now`.
    pub fn link(&self, account_id: i64, now: i64) -> String {
        let nonce = hex::encode(crate::secrets::random_bytes(8));
        let signed = format!("{account_id}.{now}.{nonce}");
        let tag = self.key.short_tag(REPORT_PURPOSE, &signed);
        let base = self.public_url.trim_end_matches('/');
        format!("{base}/not-me/{signed}.{tag}")
    }
}

/// Where and when a change was made, and who to call about it.
pub struct NoticeContext<'a> {
    pub now: i64,
    /// The address the change came from: for the audit trail only.
    pub address: &'a str,
    /// Where the change came from, as the owner is told it.
    pub location: Location,
    pub helpdesk_phone: &'a str,
    /// The university's name (`branding.name`): mails are signed with it.
    pub service: &'a str,
    /// The campus's clock, for the time of the change.
    pub zone: &'a jiff::tz::TimeZone,
    /// Signs each notice's "this wasn't me" link; `None`: no link (the
    /// help desk's phone only).
    pub report: Option<ReportLinks<'a>>,
}

/// The messages telling of `notice`, in `lang`: a mail to each address, a
/// text to each phone.
pub fn notice_messages(
    notice: &Notice,
    account_id: Option<i64>,
    (emails, phones): (&[&str], &[&str]),
    context: &NoticeContext<'_>,
    lang: Lang,
) -> Vec<Message> {
    let university = || ("university", context.service.to_owned());
    let with_name = |text: &Text| {
        let mut args: Vec<(&str, String)> =
            text.args.iter().map(|(k, v)| (*k, v.clone())).collect();
        args.push(university());
        lang.tell(text.id, &args)
    };
    let (subject, what) = match notice {
        Notice::PasswordChanged => (
            "notice-password-subject",
            lang.tell("notice-password", &[university()]),
        ),
        Notice::Methods(what) => ("notice-methods-subject", with_name(what)),
        Notice::Account { subject, what } => (*subject, with_name(what)),
        Notice::ResetPaused { .. } => (
            "notice-reset-paused-subject",
            lang.tell("notice-reset-paused", &[university()]),
        ),
    };
    let where_ = match context.location {
        Location::Campus => "campus",
        Location::Vpn => "vpn",
        Location::Outside => "outside",
        Location::Unknown => "unknown",
    };
    let when = crate::i18n::date_time(lang, context.zone, context.now);
    let told = lang.tell(
        "notice-when-where",
        &[("what", what), ("when", when), ("where", where_.to_owned())],
    );
    let helpdesk = ("helpdesk", context.helpdesk_phone.to_owned());
    let not_you = match context.report.zip(account_id) {
        Some((links, id)) => {
            let link = ("link", links.link(id, context.now));
            lang.tell("notice-not-you-link", &[helpdesk, link])
        }
        None => lang.tell("notice-not-you", &[helpdesk]),
    };
    let body = match notice {
        Notice::ResetPaused { until } => {
            let until = crate::i18n::date_time(lang, context.zone, *until);
            let reopens = lang.tell("notice-reset-paused-until", &[("until", until)]);
            format!("{told} {reopens} {not_you}")
        }
        _ => format!("{told} {not_you}"),
    };
    let mails = emails.iter().map(|email| Message {
        channel: Channel::Email,
        recipient: (*email).to_owned(),
        subject: lang.tell(subject, &[university()]),
        body: format!(
            "{body}\n\n{}",
            lang.tell("notice-signature", &[university()])
        ),
        language: lang,
    });
    let texts = phones.iter().map(|phone| Message {
        channel: Channel::Sms,
        recipient: (*phone).to_owned(),
        subject: String::new(),
        body: body.clone(),
        language: lang,
    });
    mails.chain(texts).collect()
}

/// Where notices go: texts by the message provider, mails by the mail
/// transport; through the delivery queue when there is one (the server and
/// the CLI with a key), so that a notice not taken now is tried again.
pub struct Notifier<'a> {
    pub messages: &'a dyn MessageProvider,
    pub mail: &'a dyn MessageProvider,
    pub queue: Option<queue::Queue<'a>>,
}

impl Notifier<'_> {
    /// Its providers, each for its channels.
    pub fn providers(&self) -> queue::Providers<'_> {
        queue::Providers {
            messages: self.messages,
            mail: self.mail,
        }
    }

    /// The queue's rows telling of `notice` (about `account_id`) by mail
    /// to `email` and by text to each phone, for a change to write in its
    /// own transaction; `None` without a queue, or when they could not be
    /// sealed (the change then tells after it commits, by [`Notifier::tell`]).
    pub fn rows(
        &self,
        notice: &Notice,
        account_id: Option<i64>,
        to: (&[&str], &[&str]),
        context: &NoticeContext<'_>,
        lang: Lang,
    ) -> Option<Vec<crate::store::NewDelivery>> {
        let messages = notice_messages(notice, account_id, to, context, lang);
        let expires_at = context.now + queue::NOTICE_LIFETIME;
        let rows = self
            .queue?
            .rows(&messages, account_id, queue::Kind::Notice, expires_at);
        rows.map_err(
            |e| tracing::error!(error = %e, "a notice could not be queued with its change"),
        )
        .ok()
    }

    /// Tries `queued` rows at once; those not taken stay queued, and are
    /// returned for the caller to log and audit.
    pub async fn deliver(&self, queued: &[Queued], now: i64) -> Vec<(Channel, SendError)> {
        let Some(queue) = self.queue else {
            return Vec::new();
        };
        let providers = self.providers();
        let mut failures = Vec::new();
        // The request that queued them waits this long in all.
        let by = std::time::Instant::now() + queue::NOTICE_INLINE;
        for &(id, channel) in queued {
            match queue.try_inline(&providers, id, now, by).await {
                Ok(queue::Tried::Sent | queue::Tried::NotHeld) => {}
                Ok(queue::Tried::Retrying) => failures.push((
                    channel,
                    SendError::Unreachable("not taken yet; the queue tries again".into()),
                )),
                Ok(queue::Tried::Undelivered) => failures.push((
                    channel,
                    SendError::Refused("refused by the provider".into()),
                )),
                Err(e) => failures.push((channel, SendError::Store(e))),
            }
        }
        failures
    }

    /// Tells of `notice` (about `account_id`) by mail to `email` and by
    /// text to each phone. Every message is tried at once; those that
    /// failed are returned, for the caller to log and audit (the change they
    /// report stands). With a queue, they stay queued and are tried again.
    pub async fn tell(
        &self,
        notice: &Notice,
        account_id: Option<i64>,
        to: (&[&str], &[&str]),
        context: &NoticeContext<'_>,
        lang: Lang,
    ) -> Vec<(Channel, SendError)> {
        let messages = notice_messages(notice, account_id, to, context, lang);
        let lifetime = (queue::Kind::Notice, context.now + queue::NOTICE_LIFETIME);
        self.send(&messages, account_id, lifetime, context.now)
            .await
    }

    /// Sends `messages` (about `account_id`): queued as `kind` until
    /// `expires_at` and tried at once, or without a queue sent directly.
    /// Those not taken now, for the caller to log and audit.
    pub async fn send(
        &self,
        messages: &[Message],
        account_id: Option<i64>,
        (kind, expires_at): (queue::Kind, i64),
        now: i64,
    ) -> Vec<(Channel, SendError)> {
        let Some(queue) = self.queue else {
            let providers = self.providers();
            let mut failures = Vec::new();
            for message in messages {
                if let Err(e) = providers.send(message, now).await {
                    failures.push((message.channel, e));
                }
            }
            return failures;
        };
        let ids = match queue
            .enqueue(messages, account_id, kind, expires_at, now)
            .await
        {
            Ok(ids) => ids,
            Err(e) => return messages.iter().map(|m| (m.channel, clone(&e))).collect(),
        };
        let channels = messages.iter().map(|m| m.channel);
        let queued: Vec<Queued> = ids.into_iter().zip(channels).collect();
        self.deliver(&queued, now).await
    }
}

/// A row of the delivery queue and the channel it goes by.
pub type Queued = (i64, Channel);

fn clone(error: &SendError) -> SendError {
    match error {
        SendError::Refused(e) => SendError::Refused(e.clone()),
        SendError::Unreachable(e) => SendError::Unreachable(e.clone()),
        SendError::Store(e) => SendError::Refused(e.to_string()),
    }
}

/// `2026-11-23 14:02 UTC`.
pub fn format_time(unix: i64) -> String {
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(unix.max(0).unsigned_abs());
    let text = humantime::format_rfc3339_seconds(time).to_string();
    format!("{} {} UTC", &text[..10], &text[11..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chicago() -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get("America/Chicago").unwrap()
    }

    #[test]
    fn a_notice_goes_to_the_mail_and_every_phone_and_says_when_where_and_who_to_call() {
        let zone = chicago();
        let context = NoticeContext {
            now: 1_800_000_000,
            address: "203.0.113.9",
            location: Location::Outside,
            helpdesk_phone: "(555) 010-4357",
            service: "Example University",
            zone: &zone,
            report: None,
        };
        let messages = notice_messages(
            &Notice::PasswordChanged,
            Some(7),
            (&["ada@example.edu"], &["+12025550143", "+442079460958"]),
            &context,
            Lang::En,
        );
        let routes: Vec<(Channel, &str)> = messages
            .iter()
            .map(|m| (m.channel, m.recipient.as_str()))
            .collect();
        assert_eq!(
            routes,
            [
                (Channel::Email, "ada@example.edu"),
                (Channel::Sms, "+12025550143"),
                (Channel::Sms, "+442079460958")
            ]
        );
        assert_eq!(
            messages[0].subject,
            "Your Example University password was changed"
        );
        // 1 800 000 000 is 08:00 UTC on 15 January 2027: 2 a.m. in Chicago.
        let told = "Your Example University password was changed at 2:00 a.m. on Friday, \
                    January 15, from off campus. If this was not you, call the help desk at \
                    (555) 010-4357 now.";
        assert_eq!(
            messages[0].body,
            format!("{told}\n\nExample University password service"),
            "a mail is signed with the university's name"
        );
        for text in &messages[1..] {
            assert_eq!(text.body, told);
        }
        assert!(
            !messages.iter().any(|m| m.body.contains("203.0.113.9")),
            "the address is for the help desk, not the person"
        );
    }

    #[test]
    fn a_notice_is_in_the_language_asked_and_says_where_in_its_words() {
        let zone = chicago();
        let mut context = NoticeContext {
            now: 1_800_000_000,
            address: "10.4.1.22",
            location: Location::Vpn,
            helpdesk_phone: "(555) 010-4357",
            service: "Example University",
            zone: &zone,
            report: None,
        };
        let notice = Notice::Methods(Text::new("notice-phone-added").with("phone", "•••-0143"));
        let spanish = notice_messages(
            &notice,
            None,
            (&["ada@example.edu"], &[]),
            &context,
            Lang::Es,
        );
        assert_eq!(
            spanish[0].subject,
            "Cambiaron las formas de restablecer su contraseña de Example University"
        );
        assert!(
            spanish[0].body.starts_with(
                "Se agregó el teléfono móvil •••-0143 a las formas de restablecer su contraseña \
                 de Example University a las 2:00 a. m. del viernes 15 de enero, por la VPN."
            ),
            "{}",
            spanish[0].body
        );
        assert_eq!(spanish[0].language, Lang::Es);
        context.location = Location::Campus;
        let english = notice_messages(
            &notice,
            None,
            (&["ada@example.edu"], &[]),
            &context,
            Lang::En,
        );
        assert!(
            english[0].body.contains(", from the campus network."),
            "{}",
            english[0].body
        );
        context.location = Location::Unknown;
        let nowhere = notice_messages(
            &notice,
            None,
            (&["ada@example.edu"], &[]),
            &context,
            Lang::En,
        );
        assert!(
            nowhere[0].body.contains("January 15. If this"),
            "{}",
            nowhere[0].body
        );
    }

    #[test]
    fn a_call_reads_the_digits_one_by_one() {
        let call = code_message(
            Channel::Voice,
            "+12025550143",
            "123456",
            10,
            CodeUse::Reset,
            ("University", Lang::En),
        );
        assert!(call.body.contains("1, 2, 3, 4, 5, 6"), "{}", call.body);
        let text = code_message(
            Channel::Sms,
            "+12025550143",
            "123456",
            10,
            CodeUse::Reset,
            ("University", Lang::En),
        );
        assert!(
            text.body.contains("123456") && text.body.contains("10 minutes"),
            "{}",
            text.body
        );
    }

    #[test]
    fn each_code_says_what_it_is_for() {
        let words = |usage| {
            code_message(
                Channel::Sms,
                "+12025550143",
                "123456",
                10,
                usage,
                ("Example University", Lang::En),
            )
            .body
        };
        assert!(words(CodeUse::Reset).starts_with("Your Example University password reset code"));
        let spanish = code_message(
            Channel::Voice,
            "+12025550143",
            "123456",
            10,
            CodeUse::Reset,
            ("Example University", Lang::Es),
        );
        assert!(
            spanish.body.starts_with("Su código para restablecer la contraseña de Example University es 1, 2, 3, 4, 5, 6. Otra vez: 1, 2, 3, 4, 5, 6."),
            "{}",
            spanish.body
        );
        assert_eq!(
            spanish.language,
            Lang::Es,
            "the call's voice speaks Spanish"
        );
        assert!(words(CodeUse::SignIn).contains("sign-in code"));
        let registration = words(CodeUse::Registration);
        assert!(
            registration.contains("register this phone"),
            "{registration}"
        );
        assert!(!registration.contains("reset code"), "{registration}");
        // The caller reads this one out to the agent: it must not forbid that.
        let caller = words(CodeUse::CallerCheck);
        assert!(caller.contains("read them this code: 123456"), "{caller}");
        assert!(!caller.contains("Never share"), "{caller}");
    }

    #[test]
    fn every_notice_carries_a_link_to_say_it_was_not_them() {
        let (zone, key) = (chicago(), crate::secrets::SecretKey::random());
        let context = NoticeContext {
            now: 1_800_000_000,
            address: "203.0.113.9",
            location: Location::Outside,
            helpdesk_phone: "(555) 010-4357",
            service: "Example University",
            zone: &zone,
            report: Some(ReportLinks {
                key: &key,
                public_url: "https://password.example.edu",
            }),
        };
        let to = (&["ada@example.edu"][..], &["+12025550143"][..]);
        let messages = notice_messages(&Notice::PasswordChanged, Some(7), to, &context, Lang::En);
        let links: Vec<&str> = messages
            .iter()
            .map(|m| {
                let at = m
                    .body
                    .find("https://password.example.edu/not-me/7.")
                    .unwrap();
                m.body[at..].split_whitespace().next().unwrap()
            })
            .collect();
        assert_eq!(links.len(), 2);
        assert_eq!(links[0], links[1], "one notice, one link: used once");
        assert!(
            messages[1]
                .body
                .contains("If this was not you, open https://"),
            "{}",
            messages[1].body
        );
        let spanish = notice_messages(&Notice::PasswordChanged, Some(7), to, &context, Lang::Es);
        assert!(
            spanish[1].body.contains("/not-me/7."),
            "{}",
            spanish[1].body
        );
    }
}
