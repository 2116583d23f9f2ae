//! Reminders before a directory password expires (by mail, and by text
//! where a phone is registered), each sent at most once per password, and
//! to people with no way to reset their password, a reminder to register
//! one. The server runs them on its own schedule (one instance at a time);
//! operators run them with `latchkey directory reminders [--dry-run]`.

use serde::Serialize;

use super::{Error, notice_language};
use crate::directory::Directory;
use crate::i18n::Lang;
use crate::model::account::Account;
use crate::model::audit::Action;
use crate::notify::queue::{Kind, NOTICE_LIFETIME};
use crate::notify::{Channel, Message, Notifier};
use crate::store::Store;

const DAY: i64 = 86_400;

/// What reminders work with.
pub struct Reminding<'a> {
    pub store: &'a Store,
    pub directory: &'a dyn Directory,
    pub notifier: &'a Notifier<'a>,
    /// Days before expiry to remind at (14, 7, 1 by default).
    pub days: &'a [i64],
    /// Remind people with no registered method to register one.
    pub register: bool,
    /// The portal's address, for the links.
    pub portal_url: &'a str,
    /// The service's name, as messages sign it.
    pub service: &'a str,
    /// The campus's clock, for the expiry's date.
    pub zone: &'a jiff::tz::TimeZone,
    /// The language of a reminder to someone who chose none.
    pub default_language: Lang,
}

/// One reminder due: to whom, which, and when the password expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub username: String,
    /// `expiry:14`, `expiry:7`, … or `register`.
    pub kind: String,
    pub expires_at: Option<i64>,
    #[serde(skip)]
    account: Account,
    #[serde(skip)]
    password_set_at: i64,
    #[serde(skip)]
    has_method: bool,
    /// An expiry reminder that also asks to register a method: the
    /// reminder to register is spent with it.
    #[serde(skip)]
    registers_too: bool,
}

/// The reminders due now and not sent yet.
pub async fn due(reminding: &Reminding<'_>, now: i64) -> Result<Vec<Due>, Error> {
    let directory_error = |e: crate::directory::DirectoryError| Error::Internal(e.to_string());
    let mut days: Vec<i64> = reminding.days.iter().copied().filter(|d| *d > 0).collect();
    days.sort_unstable();
    let mut due = Vec::new();
    for person in reminding
        .directory
        .people()
        .await
        .map_err(directory_error)?
    {
        let Some(username) = &person.username else {
            continue;
        };
        // Without a password set there, only the reminder to register
        // applies (keyed to 0: sent once).
        let set_at = person.password_changed_at.unwrap_or(0);
        let Some(account) = reminding.store.find_account(username).await? else {
            continue;
        };
        let has_method =
            account.phone.is_some() || !reminding.store.methods(account.id).await?.is_empty();
        // Each person's own maximum age (their own policy, or the default).
        let expires_at = (person.rules.max_age)
            .zip(person.password_changed_at)
            .map(|(age, set_at)| set_at + age);
        let mut kinds = Vec::new();
        if let Some(expires_at) = expires_at {
            // The nearest threshold not yet passed: a run missed at 14 days
            // sends the 7-day one, never both at once.
            let left = (expires_at - now + DAY - 1).div_euclid(DAY);
            if left > 0
                && let Some(day) = days.iter().find(|day| left <= **day)
            {
                kinds.push(format!("expiry:{day}"));
            }
        }
        // An expiry reminder to someone with no method asks them to
        // register too: one mail, never two at once.
        let asks_to_register = reminding.register && !has_method;
        if asks_to_register && kinds.is_empty() {
            kinds.push("register".to_owned());
        }
        for kind in kinds {
            if !reminding
                .store
                .reminder_sent(account.id, &kind, set_at)
                .await?
            {
                due.push(Due {
                    username: username.clone(),
                    registers_too: asks_to_register && kind.starts_with("expiry:"),
                    kind,
                    expires_at,
                    account: account.clone(),
                    password_set_at: set_at,
                    has_method,
                });
            }
        }
    }
    Ok(due)
}

/// Sends each reminder once (claimed first, so two runs never both send),
/// audited; returns those sent, with the channels that failed.
pub async fn send(
    reminding: &Reminding<'_>,
    due: Vec<Due>,
    now: i64,
) -> Result<Vec<(Due, Vec<Channel>)>, Error> {
    let mut sent = Vec::new();
    for reminder in due {
        let account = &reminder.account;
        let claimed = reminding
            .store
            .claim_reminder(account.id, &reminder.kind, reminder.password_set_at, now)
            .await?;
        if !claimed {
            continue;
        }
        if reminder.registers_too {
            (reminding.store)
                .claim_reminder(account.id, "register", reminder.password_set_at, now)
                .await?;
        }
        let mut failed = Vec::new();
        let messages = messages(reminding, &reminder, now);
        let lifetime = (Kind::Reminder, now + NOTICE_LIFETIME);
        let notifier = reminding.notifier;
        for (channel, e) in notifier
            .send(&messages, Some(account.id), lifetime, now)
            .await
        {
            tracing::warn!(error = %e, channel = channel.as_str(), "a reminder was not delivered yet");
            failed.push(channel);
        }
        let action = Action::ReminderSent(reminder.kind.clone());
        reminding
            .store
            .record_event(now, "reminders", &action.name(), Some(account.id), "")
            .await?;
        sent.push((reminder, failed));
    }
    Ok(sent)
}

/// The mail, and the text where the account has a phone, in the language
/// the person chose.
fn messages(reminding: &Reminding<'_>, reminder: &Due, now: i64) -> Vec<Message> {
    let account = &reminder.account;
    let lang = notice_language(account, reminding.default_language);
    let url = reminding.portal_url.trim_end_matches('/');
    let common = [
        ("university", reminding.service.to_owned()),
        ("url", url.to_owned()),
    ];
    let register = lang.tell("reminder-register", &common);
    let (subject, mail, text) = match reminder.expires_at {
        Some(expires_at) if reminder.kind.starts_with("expiry:") => {
            let days = ((expires_at - now) as f64 / DAY as f64).ceil().max(1.0) as i64;
            let when = crate::i18n::date_time(lang, reminding.zone, expires_at);
            let mut args = common.to_vec();
            args.push(("days", days.to_string()));
            let subject = lang.tell("reminder-expiry-subject", &args);
            let text = lang.tell("reminder-expiry-text", &args);
            args.push(("when", when));
            let mut mail = lang.tell("reminder-expiry", &args);
            if !reminder.has_method {
                mail.push_str("\n\n");
                mail.push_str(&register);
            }
            (subject, mail, text)
        }
        _ => (
            lang.tell("reminder-register-subject", &common),
            register,
            String::new(),
        ),
    };
    let signature = lang.tell("notice-signature", &common[..1]);
    let mut messages = vec![Message {
        channel: Channel::Email,
        recipient: account.email.clone(),
        subject,
        body: format!("{mail}\n\n{signature}"),
        language: lang,
    }];
    if let (Some(phone), false) = (&account.phone, text.is_empty()) {
        messages.push(Message {
            channel: Channel::Sms,
            recipient: phone.clone(),
            subject: String::new(),
            body: text,
            language: lang,
        });
    }
    messages
}
