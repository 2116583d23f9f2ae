//! `latchkey directory sync`: people the directory has, brought into the
//! store; each entry that cannot be taken whole is listed with why.

use serde::Serialize;

use super::{Directory, DirectoryError};
use crate::model::account::{Account, NewAccount};
use crate::store::{Store, StoreError};

/// The fields an account can be imported without: the username stands for
/// a name, and a phone can be registered later.
const OPTIONAL: [&str; 2] = ["name", "phone"];

/// What a sync did, person by person.
#[derive(Debug, Default, Serialize)]
pub struct SyncReport {
    pub added: Vec<String>,
    pub changed: Vec<String>,
    pub unchanged: usize,
    /// The entry (its username or DN) and why it was left alone.
    pub skipped: Vec<(String, String)>,
    /// Entries taken without a field that could not be read (a `mobile`,
    /// a name): the entry, the field and why.
    pub without: Vec<(String, &'static str, String)>,
}

/// Imports people the store does not have and brings the mail and name of
/// those it has up to date; a phone only where the account has none.
/// Every entry that cannot be taken is reported with the reason.
pub async fn sync(
    store: &Store,
    directory: &dyn Directory,
    now: i64,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    for person in directory.people().await? {
        let label = person.username.clone().unwrap_or_else(|| person.dn.clone());
        let Some(username) = person.username.as_deref() else {
            report.skipped.push((label, "no username attribute".into()));
            continue;
        };
        let Some(email) = person.email.as_deref() else {
            report.skipped.push((label, "no mail attribute".into()));
            continue;
        };
        let name = person.name.as_deref().unwrap_or(username);
        let entry = match NewAccount::parse(username, email, name, person.mobile.as_deref()) {
            Ok(entry) => entry,
            // Only what the account can do without is bad: taken without it.
            Err(problems) if problems.iter().all(|p| OPTIONAL.contains(&p.field)) => {
                let dropped = |field| problems.iter().any(|p| p.field == field);
                let name = if dropped("name") { username } else { name };
                let phone = person.mobile.as_deref().filter(|_| !dropped("phone"));
                match NewAccount::parse(username, email, name, phone) {
                    Ok(entry) => {
                        for problem in &problems {
                            let field = if problem.field == "phone" {
                                "mobile"
                            } else {
                                problem.field
                            };
                            report
                                .without
                                .push((label.clone(), field, problem.reason.clone()));
                        }
                        entry
                    }
                    Err(still) => {
                        let reasons: Vec<String> = still.iter().map(ToString::to_string).collect();
                        report.skipped.push((label, reasons.join("; ")));
                        continue;
                    }
                }
            }
            Err(problems) => {
                let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
                report.skipped.push((label, reasons.join("; ")));
                continue;
            }
        };
        let outcome = match store.find_account(&entry.username).await? {
            None => store
                .insert_accounts(&[(entry.clone(), None)], now)
                .await
                .map(|()| Some(true)),
            Some(account) if account.username.eq_ignore_ascii_case(&entry.username) => {
                update(store, &account, &entry, now).await
            }
            // The username matched another account's email address.
            Some(_) => Err(StoreError::Duplicate {
                field: "username",
                value: entry.username.clone(),
            }),
        };
        match outcome {
            Ok(Some(true)) => report.added.push(label),
            Ok(Some(false)) => report.changed.push(label),
            Ok(None) => report.unchanged += 1,
            Err(StoreError::Duplicate { field, value }) => report
                .skipped
                .push((label, format!("{field} {value} belongs to another account"))),
            Err(e) => return Err(e.into()),
        }
    }
    Ok(report)
}

/// `Some(false)` when something changed, `None` when nothing did.
async fn update(
    store: &Store,
    account: &Account,
    entry: &NewAccount,
    now: i64,
) -> Result<Option<bool>, StoreError> {
    let phone = entry.phone.as_deref().filter(|_| account.phone.is_none());
    if account.email == entry.email && account.name == entry.name && phone.is_none() {
        return Ok(None);
    }
    store
        .update_profile(account.id, &entry.email, &entry.name, phone, now)
        .await?;
    Ok(Some(false))
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
