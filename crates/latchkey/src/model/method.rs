//! The ways a person proves they hold their account. One enum: a new kind
//! (a passkey, a recovery code, a mail) is added here, and the compiler
//! lists every place that must learn it.

use super::account::{Account, mask_email, mask_phone};
use super::message::Channel;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// A code texted to the registered phone.
    Text,
    /// An automated call to the registered phone reads the code out.
    Call,
    /// The code an authenticator app shows (RFC 6238).
    App,
    /// A code mailed to the person's other address (not the university's).
    Mail,
}

impl Method {
    /// Every kind, in the order pages offer them.
    pub const ALL: [Method; 4] = [Method::Text, Method::Call, Method::App, Method::Mail];

    /// Its name in forms, the API and the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Text => "sms",
            Method::Call => "voice",
            Method::App => "totp",
            Method::Mail => "email",
        }
    }

    pub fn parse(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// How a code is sent for it; `None` when nothing is sent (the app
    /// makes its own codes).
    pub fn channel(self) -> Option<Channel> {
        match self {
            Method::Text => Some(Channel::Sms),
            Method::Call => Some(Channel::Voice),
            Method::App => None,
            Method::Mail => Some(Channel::Email),
        }
    }

    /// The method a code sent over `channel` counts as.
    pub fn sent_by(channel: Channel) -> Method {
        match channel {
            Channel::Voice => Method::Call,
            Channel::Email => Method::Mail,
            Channel::Sms => Method::Text,
        }
    }

    /// The methods `account` has, given whether an app is registered.
    pub fn of(account: &Account, has_app: bool) -> Vec<Method> {
        Method::ALL
            .into_iter()
            .filter(|m| match m {
                Method::Text | Method::Call => account.phone.is_some(),
                Method::App => has_app,
                Method::Mail => account.alt_email.is_some(),
            })
            .collect()
    }

    /// How the method page offers it.
    pub fn offer(self, account: &Account) -> String {
        let phone = account.phone.as_deref().map(mask_phone).unwrap_or_default();
        let email = account
            .alt_email
            .as_deref()
            .map(mask_email)
            .unwrap_or_default();
        let id = match self {
            Method::Text => "method-offer-text",
            Method::Call => "method-offer-call",
            Method::App => "method-offer-app",
            Method::Mail => "method-offer-mail",
        };
        crate::i18n::say(id, &[("phone", phone), ("email", email)])
    }

    /// Where a code for it is sent: the phone, the other address; `None`
    /// for the app.
    pub fn recipient(self, account: &Account) -> Option<&str> {
        match self {
            Method::Text | Method::Call => account.phone.as_deref(),
            Method::Mail => account.alt_email.as_deref(),
            Method::App => None,
        }
    }

    /// Where the code to type comes from, once chosen.
    pub fn code_from(self, account: &Account, minutes: i64) -> String {
        let phone = account.phone.as_deref().map(mask_phone).unwrap_or_default();
        let minutes = minutes.to_string();
        match self {
            // An app's code is not sent and does not last minutes: a new one
            // shows every 30 seconds.
            Method::App => crate::i18n::say("code-from-app", &[]),
            Method::Call => {
                crate::i18n::say("code-calling", &[("phone", phone), ("minutes", minutes)])
            }
            Method::Text => {
                crate::i18n::say("code-texted", &[("phone", phone), ("minutes", minutes)])
            }
            Method::Mail => {
                let email = account
                    .alt_email
                    .as_deref()
                    .map(mask_email)
                    .unwrap_or_default();
                crate::i18n::say("code-mailed", &[("email", email), ("minutes", minutes)])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for method in Method::ALL {
            assert_eq!(Method::parse(method.as_str()), Some(method));
        }
        assert_eq!(Method::parse("passkey"), None);
        assert_eq!(Proof::of(Method::Mail), Proof::Email);
    }
}

/// A way of proving, as the count of proofs sees it: a text and a call go
/// to the same phone, so they are one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Proof {
    Phone,
    App,
    Recovery,
    /// A code to the person's other address.
    Email,
    /// Phishing-resistant: under `"auto"` enough alone.
    Passkey,
}

impl Proof {
    pub const ALL: [Proof; 5] = [
        Proof::Phone,
        Proof::App,
        Proof::Recovery,
        Proof::Email,
        Proof::Passkey,
    ];

    pub fn of(method: Method) -> Proof {
        match method {
            Method::Text | Method::Call => Proof::Phone,
            Method::App => Proof::App,
            Method::Mail => Proof::Email,
        }
    }

    /// Its name in the store and the audit trail.
    pub fn as_str(self) -> &'static str {
        match self {
            Proof::Phone => "phone",
            Proof::App => "app",
            Proof::Recovery => "recovery",
            Proof::Email => "email",
            Proof::Passkey => "passkey",
        }
    }

    pub fn parse(name: &str) -> Option<Proof> {
        Proof::ALL.into_iter().find(|p| p.as_str() == name)
    }

    /// The proofs a session stored (`phone,app`); a name that is none is
    /// dropped, so damage asks for more proofs, never fewer.
    pub fn parse_list(stored: &str) -> Vec<Proof> {
        stored.split(',').filter_map(Proof::parse).collect()
    }

    pub fn list(proofs: &[Proof]) -> String {
        let names: Vec<&str> = proofs.iter().map(|p| p.as_str()).collect();
        names.join(",")
    }
}
