//! Accounts: what one is, validating new ones, and how a phone number is
//! read, stored and shown.

use latchkey_policy::Person;
use serde::Serialize;

/// An account as stored (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub email: String,
    pub name: String,
    /// E.164 (`+12025550123`).
    pub phone: Option<String>,
    pub status: String,
    pub locked_until: Option<i64>,
    /// The next sign-in goes to the password change…
    pub must_change_password: bool,
    /// …for this reason (`None` when no change is required).
    pub must_change_reason: Option<ChangeReason>,
    /// A phone or an authenticator app is registered: the password is
    /// never the only proof here.
    pub second_factor: bool,
    /// Bumped by every password change: a change checked against one version
    /// cannot be committed over another.
    #[serde(skip)]
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// When a directory sync found the person gone from the directory:
    /// no sign-in, no reset (`None`: present).
    pub left_directory_at: Option<i64>,
    /// The language chosen for notices (`en`, `es`); `None`: the site's.
    pub language: Option<String>,
    /// When the owner followed a notice's "this wasn't me" link: online
    /// reset is held until the help desk lifts it.
    pub reported_at: Option<i64>,
    /// When the owner last confirmed or changed their ways (`None`: not
    /// since this was kept); asked again every `registration.reconfirm_days`.
    pub methods_confirmed_at: Option<i64>,
    /// Another address of the owner's, outside the university, proven by a
    /// code: reset codes may go there; notices go there too.
    pub alt_email: Option<String>,
}

impl Account {
    pub fn person(&self) -> Person<'_> {
        Person {
            username: &self.username,
            name: &self.name,
            email: Some(&self.email),
            second_factor: self.second_factor,
        }
    }
}

/// Why a person must choose a new password before going on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeReason {
    /// The help desk asked for it.
    Helpdesk,
    /// The directory's copy has expired.
    Expired,
    /// The password signed in with is in the breached set.
    Breached,
    /// The password signed in with breaks today's rules.
    Policy,
}

impl ChangeReason {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeReason::Helpdesk => "helpdesk",
            ChangeReason::Expired => "expired",
            ChangeReason::Breached => "breached",
            ChangeReason::Policy => "policy",
        }
    }

    /// The stored name; anything else (a row from before reasons) is the help desk's.
    pub fn parse(name: Option<&str>) -> ChangeReason {
        match name {
            Some("expired") => ChangeReason::Expired,
            Some("breached") => ChangeReason::Breached,
            Some("policy") => ChangeReason::Policy,
            _ => ChangeReason::Helpdesk,
        }
    }

    /// Why, as the help desk's account page says it.
    /// (a message id)
    pub fn for_staff(self) -> &'static str {
        match self {
            ChangeReason::Helpdesk => "hd-reason-helpdesk",
            ChangeReason::Expired => "hd-reason-expired",
            ChangeReason::Breached => "hd-reason-breached",
            ChangeReason::Policy => "hd-reason-policy",
        }
    }

    /// What the password page says first, in the page's language.
    pub fn notice(self) -> String {
        let id = match self {
            ChangeReason::Helpdesk => "change-required-helpdesk",
            ChangeReason::Expired => "change-required-expired",
            ChangeReason::Breached => "change-required-breached",
            ChangeReason::Policy => "change-required-policy",
        };
        crate::i18n::say(id, &[])
    }
}

/// A validated new account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub username: String,
    pub email: String,
    pub name: String,
    pub phone: Option<String>,
}

impl NewAccount {
    /// A new account has no second factor yet.
    pub fn person(&self) -> Person<'_> {
        Person {
            username: &self.username,
            name: &self.name,
            email: Some(&self.email),
            second_factor: false,
        }
    }
}

/// A field that is not acceptable, and why, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct FieldError {
    pub field: &'static str,
    pub reason: String,
}

const MAX_USERNAME: usize = 64;
const MAX_EMAIL: usize = 254;
const MAX_NAME: usize = 200;

impl NewAccount {
    /// Checks every field and reports every problem, not only the first.
    pub fn parse(
        username: &str,
        email: &str,
        name: &str,
        phone: Option<&str>,
    ) -> Result<NewAccount, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut problem = |field, reason: &str| {
            errors.push(FieldError {
                field,
                reason: reason.to_owned(),
            })
        };
        let (username, email, name) = (username.trim(), email.trim(), name.trim());

        let username_ok = username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            && username.starts_with(|c: char| c.is_ascii_alphanumeric());
        if username.is_empty() || username.len() > MAX_USERNAME || !username_ok {
            problem(
                "username",
                "use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit",
            );
        }
        if !is_plausible_email(email) {
            problem("email", "use an address such as name@example.edu");
        }
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            problem("name", "give the person's name, at most 200 characters");
        }
        let phone = match phone.map(str::trim).filter(|p| !p.is_empty()) {
            None => None,
            Some(raw) => match normalize_phone(raw) {
                Ok(e164) => Some(e164),
                Err(reason) => {
                    problem("phone", &reason);
                    None
                }
            },
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NewAccount {
            username: username.to_owned(),
            email: email.to_owned(),
            name: name.to_owned(),
            phone,
        })
    }
}

fn is_plausible_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    email.len() <= MAX_EMAIL
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// A 10-digit US number (any punctuation) or `+CountryCode Number`, as E.164.
pub fn normalize_phone(raw: &str) -> Result<String, String> {
    const EXAMPLE: &str = "use a 10-digit US number such as (202) 555-0143, or +CountryCode Number such as +44 20 7946 0958";
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let allowed = raw
        .chars()
        .all(|c| c.is_ascii_digit() || " ()-.+".contains(c));
    let international = raw.starts_with('+');
    if !allowed || (!international && digits != 10) {
        return Err(EXAMPLE.to_owned());
    }
    let number = phonenumber::parse(Some(phonenumber::country::Id::US), raw)
        .map_err(|_| EXAMPLE.to_owned())?;
    let invalid = || format!("{raw} is not a valid phone number; {EXAMPLE}");
    if !phonenumber::is_valid(&number) {
        return Err(invalid());
    }
    let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
    // Some inputs lose a national prefix on the way (+263 1 1…): the number
    // stored must be the one the same person gets when they type it again.
    let again =
        phonenumber::parse(Some(phonenumber::country::Id::US), &e164).map_err(|_| invalid())?;
    if !phonenumber::is_valid(&again)
        || again.format().mode(phonenumber::Mode::E164).to_string() != e164
    {
        return Err(invalid());
    }
    Ok(e164)
}

/// A number in full, as its owner reads it: `(202) 555-0143` for US
/// numbers, `+44 20 7946 0958` for others. Only for the person who typed it.
pub fn display_phone(e164: &str) -> String {
    match phonenumber::parse(None, e164) {
        Ok(number) if number.code().value() == 1 => {
            let national = number.national().value().to_string();
            match national.len() {
                10 => format!(
                    "({}) {}-{}",
                    &national[..3],
                    &national[3..6],
                    &national[6..]
                ),
                _ => e164.to_owned(),
            }
        }
        Ok(number) => number
            .format()
            .mode(phonenumber::Mode::International)
            .to_string(),
        Err(_) => e164.to_owned(),
    }
}

/// `a•••@gmail.com`: the first letter and the domain, enough to recognise
/// one's own address.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".to_owned(),
    }
}

/// `(•••) •••-0143` for US numbers, `+44 •••••• 0958` for others: enough to
/// recognise one's own phone, not enough to learn someone else's.
pub fn mask_phone(e164: &str) -> String {
    let last4: String = e164
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    match e164.strip_prefix("+1") {
        Some(rest) if rest.len() == 10 => format!("(•••) •••-{last4}"),
        _ => {
            let country: String = e164.chars().take(3).collect();
            format!("{country} •••••• {last4}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_shown_in_full_as_its_owner_would_write_it() {
        assert_eq!(display_phone("+12025550177"), "(202) 555-0177");
        assert_eq!(display_phone("+442079460958"), "+44 20 7946 0958");
    }

    #[test]
    fn us_and_international_phones_become_e164() {
        assert_eq!(normalize_phone("(202) 555-0143").unwrap(), "+12025550143");
        assert_eq!(normalize_phone("202.555.0143").unwrap(), "+12025550143");
        assert_eq!(normalize_phone("2025550143").unwrap(), "+12025550143");
        assert_eq!(
            normalize_phone("+44 20 7946 0958").unwrap(),
            "+442079460958"
        );
        assert_eq!(normalize_phone("+1 202 555 0143").unwrap(), "+12025550143");
    }

    #[test]
    fn other_phone_forms_are_refused_with_an_example() {
        for bad in [
            "555-0143",
            "12025550143",
            "phone",
            "+44 12",
            "202-555-014x",
            "+999 123456789",
        ] {
            let reason = normalize_phone(bad).unwrap_err();
            assert!(reason.contains("+44 20 7946 0958"), "{bad}: {reason}");
        }
    }

    #[test]
    fn a_number_that_reads_differently_once_stored_is_refused() {
        // Found by the phone_parse fuzz target: this became +263162016065,
        // which itself reads as +26362016065.
        assert!(normalize_phone("+26311162016065").is_err());
        for ok in ["+12025550143", "+442079460958", "+263772123456"] {
            assert_eq!(
                normalize_phone(ok).unwrap(),
                ok,
                "stored numbers read back the same"
            );
        }
    }

    #[test]
    fn phones_are_masked() {
        assert_eq!(mask_phone("+12025550143"), "(•••) •••-0143");
        assert_eq!(mask_phone("+442079460958"), "+44 •••••• 0958");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let errors = NewAccount::parse("-bad name", "not-an-email", " ", Some("12")).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["username", "email", "name", "phone"]);
        let ok = NewAccount::parse(" jdoe ", "John.Doe@Example.edu", "John Doe", Some("")).unwrap();
        assert_eq!(ok.username, "jdoe");
        assert_eq!(ok.phone, None);
    }
}
