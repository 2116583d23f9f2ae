//! Accounts: validating new ones, and changing a password as one checked,
//! hashed, transactional step.

use latchkey_policy::{Person, Policy, Verdict, Violation};
use serde::Serialize;

use crate::directory::{DirectoryError, SEAL_PURPOSE, Writeback};
use crate::hashing::{HashError, Hasher};
use crate::secrets::SecretKey;
use crate::store::{PendingWrite, Store, StoreError};

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
    /// Set by the help desk: the next sign-in goes to the password change.
    pub must_change_password: bool,
    /// Bumped by every password change: a change checked against one version
    /// cannot be committed over another.
    #[serde(skip)]
    pub version: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Account {
    pub fn person(&self) -> Person<'_> {
        Person {
            username: &self.username,
            name: &self.name,
            email: Some(&self.email),
        }
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
    pub fn person(&self) -> Person<'_> {
        Person {
            username: &self.username,
            name: &self.name,
            email: Some(&self.email),
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

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("the password does not meet the policy")]
    Rejected(Verdict),
    /// The directory did not take the password (nothing changed), or took
    /// the request and never answered (`Unanswered`: settled later).
    #[error(transparent)]
    Directory(DirectoryError),
    /// Another change of this account is still on its way to the directory.
    #[error("another change of this password is still being written to the directory")]
    InProgress,
    /// The directory has the new password and this store failed to take it:
    /// the pending change is settled by the reconciler.
    #[error(
        "the directory took the new password; storing it here failed ({0}) and is retried by `latchkey directory retry` or the running server"
    )]
    NotStoredHere(StoreError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hash(#[from] HashError),
}

/// What a password change works with.
pub struct Passwords<'a> {
    pub store: &'a Store,
    pub hasher: &'a Hasher,
    pub policy: &'a Policy,
    /// The directory every new password is written to as well, and the key
    /// its pending copy is sealed under until the change is settled.
    pub writeback: Option<(&'a Writeback, &'a SecretKey)>,
}

/// Checks, hashes and stores a new password for `account`, and writes it to
/// the directory when there is one. The cheap rules first; the history (one
/// Argon2 verification per entry, spread over the cores) only when they all
/// pass; then the directory; then one transaction here.
pub async fn change_password(
    passwords: &Passwords<'_>,
    account: &Account,
    password: &str,
    now: i64,
    actor: &str,
) -> Result<(), ChangeError> {
    change(passwords, account, password, now, actor, None).await
}

/// A reset's last step: [`change_password`], with the reset session
/// `session_id` moved to `done` in the change's own transaction, so that a
/// crash leaves the reset either done with the new password or at its
/// password step with the old one.
pub async fn finish_reset(
    passwords: &Passwords<'_>,
    account: &Account,
    password: &str,
    now: i64,
    session_id: &str,
) -> Result<(), ChangeError> {
    change(
        passwords,
        account,
        password,
        now,
        "self-service",
        Some(session_id),
    )
    .await
}

async fn change(
    passwords: &Passwords<'_>,
    account: &Account,
    password: &str,
    now: i64,
    actor: &str,
    finishing: Option<&str>,
) -> Result<(), ChangeError> {
    let Passwords {
        store,
        hasher,
        policy,
        writeback,
    } = passwords;
    let verdict = policy.check(password, &account.person());
    if !verdict.accepted() {
        return Err(ChangeError::Rejected(verdict));
    }
    let depth = policy.history_depth();
    if depth > 0 {
        let mut history = store.password_hashes(account.id).await?;
        history.truncate(depth);
        if hasher.matches_any(password, history).await? {
            return Err(ChangeError::Rejected(Verdict {
                violations: vec![Violation::history(depth)],
            }));
        }
    }
    let hash = hasher.hash(password).await?;
    let Some(writeback) = writeback else {
        store
            .commit_password_change(account, &hash, depth, now, actor, finishing)
            .await?;
        return Ok(());
    };
    write_to_directory(store, *writeback, account, password, &hash, now, actor).await?;
    store
        .commit_password_change(account, &hash, depth, now, actor, finishing)
        .await
        .map_err(ChangeError::NotStoredHere)
}

/// Records the change as pending, then asks the directory. A refusal or an
/// unreachable directory forgets the pending change: nothing changed
/// anywhere. A request that got no answer stays pending for the reconciler.
async fn write_to_directory(
    store: &Store,
    (writeback, key): (&Writeback, &SecretKey),
    account: &Account,
    password: &str,
    hash: &str,
    now: i64,
    actor: &str,
) -> Result<(), ChangeError> {
    let sealed_password = key
        .seal(SEAL_PURPOSE, password.as_bytes())
        .ok_or_else(|| ChangeError::Directory(DirectoryError::Failed("sealing".into())))?;
    let pending = PendingWrite {
        account_id: account.id,
        username: account.username.clone(),
        new_hash: hash.to_owned(),
        sealed_password,
        actor: actor.to_owned(),
        created_at: now,
        next_try_at: now + writeback.settle_after,
        attempts: 0,
        last_error: None,
    };
    if !store.begin_pending_write(&pending).await? {
        return Err(ChangeError::InProgress);
    }
    let started = std::time::Instant::now();
    let written = writeback
        .directory
        .set_password(&account.username, password)
        .await;
    let stats = &writeback.stats;
    stats.latency.0.observe(started.elapsed().as_secs_f64());
    if let Err(e) = &written {
        let reason = crate::metrics::ReasonLabels {
            reason: e.kind().to_owned(),
        };
        stats.failures.get_or_create(&reason).inc();
    }
    match written {
        Ok(()) => Ok(()),
        Err(e @ DirectoryError::Unanswered(_)) => Err(ChangeError::Directory(e)),
        Err(e) => {
            store.drop_pending_write(account.id, hash).await?;
            Err(ChangeError::Directory(e))
        }
    }
}

/// Whether `password` is the account's current one. A hash made with older
/// parameters is replaced by one at the configured parameters on success.
pub async fn verify_password(
    store: &Store,
    hasher: &Hasher,
    account: &Account,
    password: &str,
) -> Result<bool, ChangeError> {
    let Some(current) = store.password_hashes(account.id).await?.into_iter().next() else {
        return Ok(false);
    };
    if !hasher.verify(password, &current).await? {
        return Ok(false);
    }
    if hasher.needs_rehash(&current) {
        let upgraded = hasher.hash(password).await?;
        store
            .upgrade_current_hash(account.id, &current, &upgraded)
            .await?;
    }
    Ok(true)
}

/// Seconds since the Unix epoch: the one clock of the service's writes.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
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
