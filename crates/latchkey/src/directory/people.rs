//! `latchkey directory sync`, and the server's own on its schedule: people
//! the directory has, brought into the store, and accounts whose person it
//! no longer has, marked; each entry that cannot be taken whole is listed
//! with why.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::{Directory, DirectoryError, DirectoryPerson};
use crate::model::account::NewAccount;
use crate::store::{Store, StoreError, SyncedAccount};

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
    /// Accounts whose person the directory no longer holds, marked so now.
    pub left: Vec<String>,
    /// Accounts marked gone before whose person is back.
    pub returned: Vec<String>,
    /// Why accounts gone from the directory were not marked, if they were not.
    pub leavers_withheld: Option<String>,
}

/// The fields an entry was taken without, and why.
pub type Without = Vec<(&'static str, String)>;

/// The account an entry makes: the entry's fields, the ones it was taken
/// without (the field and why), or why it cannot be taken at all. Its
/// `mobile` becomes the account's phone only when `phones` (the directory
/// is trusted with people's phones).
pub fn account_of(person: &DirectoryPerson, phones: bool) -> Result<(NewAccount, Without), String> {
    let username = person.username.as_deref().ok_or("no username attribute")?;
    let email = person.email.as_deref().ok_or("no mail attribute")?;
    let name = person.name.as_deref().unwrap_or(username);
    let mobile = person.mobile.as_deref().filter(|_| phones);
    let reasons = |problems: &[crate::model::account::FieldError]| {
        let reasons: Vec<String> = problems.iter().map(ToString::to_string).collect();
        reasons.join("; ")
    };
    match NewAccount::parse(username, email, name, mobile) {
        Ok(entry) => Ok((entry, Vec::new())),
        // Only what the account can do without is bad: taken without it.
        Err(problems) if problems.iter().all(|p| OPTIONAL.contains(&p.field)) => {
            let dropped = |field| problems.iter().any(|p| p.field == field);
            let name = if dropped("name") { username } else { name };
            let phone = mobile.filter(|_| !dropped("phone"));
            let entry =
                NewAccount::parse(username, email, name, phone).map_err(|still| reasons(&still))?;
            let without = problems
                .iter()
                .map(|problem| {
                    let field = if problem.field == "phone" {
                        "mobile"
                    } else {
                        problem.field
                    };
                    (field, problem.reason.clone())
                })
                .collect();
            Ok((entry, without))
        }
        Err(problems) => Err(reasons(&problems)),
    }
}

/// How a sync treats what it finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncOptions {
    /// The directory's `mobile` becomes a phone (`directory.trusted_phones`).
    pub phones: bool,
    /// More people gone than this, and none is marked: a filter or base
    /// changed by mistake must not shut a campus out
    /// (`directory.max_leavers_per_sync`, or the command's `--allow-leavers`).
    pub max_leavers: usize,
}

/// New accounts are written this many to a transaction.
const INSERT_BATCH: usize = 500;

/// Imports people the store does not have, brings the mail and name of
/// those it has up to date (a phone only where the account has none, and
/// only when trusted), and marks the accounts whose person the directory
/// no longer holds. One read of the directory (paged) and one of the
/// store, then only the writes. Every entry that cannot be taken is
/// reported with the reason.
pub async fn sync(
    store: &Store,
    directory: &dyn Directory,
    options: SyncOptions,
    now: i64,
) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let people = directory.people().await?;
    let accounts = store.accounts_for_sync().await?;
    let by_username: HashMap<String, &SyncedAccount> = accounts
        .iter()
        .map(|account| (account.username.to_lowercase(), account))
        .collect();
    let emails: HashSet<String> = accounts.iter().map(|a| a.email.to_lowercase()).collect();
    let mut seen = HashSet::new();
    let mut new = Vec::new();
    // Departments that differ from what is stored (or new accounts'),
    // written after the accounts.
    let mut departments = Vec::new();
    for person in &people {
        let label = person.username.clone().unwrap_or_else(|| person.dn.clone());
        let entry = match account_of(person, options.phones) {
            Ok((entry, without)) => {
                for (field, reason) in without {
                    report.without.push((label.clone(), field, reason));
                }
                entry
            }
            Err(reason) => {
                report.skipped.push((label, reason));
                continue;
            }
        };
        let key = entry.username.to_lowercase();
        let stored = by_username.get(&key).and_then(|a| a.department.as_deref());
        if stored != person.department.as_deref() {
            departments.push((key.clone(), person.department.clone()));
        }
        match by_username.get(&key) {
            Some(account) => {
                seen.insert(account.id);
                if account.left_directory_at.is_some() {
                    report.returned.push(label.clone());
                }
                match update(store, account, &entry, now).await {
                    Ok(true) => report.changed.push(label),
                    Ok(false) => report.unchanged += 1,
                    Err(StoreError::Duplicate { field, value }) => report
                        .skipped
                        .push((label, format!("{field} {value} belongs to another account"))),
                    Err(e) => return Err(e.into()),
                }
            }
            // The username is another account's email address.
            None if emails.contains(&key) => report.skipped.push((
                label,
                format!("username {} belongs to another account", entry.username),
            )),
            None => new.push((label, entry)),
        }
    }
    for batch in new.chunks(INSERT_BATCH) {
        insert(store, batch, now, &mut report).await?;
    }
    store.set_departments(&departments).await?;
    let returned: Vec<i64> = accounts
        .iter()
        .filter(|a| a.left_directory_at.is_some() && seen.contains(&a.id))
        .map(|a| a.id)
        .collect();
    store.mark_left_directory(&returned, false, now).await?;
    let gone: Vec<&SyncedAccount> = accounts
        .iter()
        .filter(|a| a.left_directory_at.is_none() && !seen.contains(&a.id))
        .collect();
    if people.is_empty() && !gone.is_empty() {
        report.leavers_withheld = Some(format!(
            "the directory found no one under directory.base_dn with directory.people_filter, so none of {} accounts was marked as gone: check both",
            gone.len()
        ));
    } else if gone.len() > options.max_leavers {
        report.leavers_withheld = Some(format!(
            "{} accounts are no longer in the directory, more than directory.max_leavers_per_sync = {}, so none was marked as gone: if that is right, run `latchkey directory sync --allow-leavers {}`",
            gone.len(),
            options.max_leavers,
            gone.len()
        ));
    } else {
        let ids: Vec<i64> = gone.iter().map(|a| a.id).collect();
        store.mark_left_directory(&ids, true, now).await?;
        report.left = gone.iter().map(|a| a.username.clone()).collect();
    }
    Ok(report)
}

/// New accounts, a batch to a transaction; a batch one of which is refused
/// (an address another account holds) is taken one by one, to say which.
async fn insert(
    store: &Store,
    batch: &[(String, NewAccount)],
    now: i64,
    report: &mut SyncReport,
) -> Result<(), StoreError> {
    let accounts: Vec<(NewAccount, Option<String>)> = batch
        .iter()
        .map(|(_, entry)| (entry.clone(), None))
        .collect();
    match store.insert_accounts(&accounts, now).await {
        Ok(()) => {
            report
                .added
                .extend(batch.iter().map(|(label, _)| label.clone()));
            return Ok(());
        }
        Err(StoreError::Duplicate { .. }) => {}
        Err(e) => return Err(e),
    }
    for (label, entry) in batch {
        match store.insert_accounts(&[(entry.clone(), None)], now).await {
            Ok(()) => report.added.push(label.clone()),
            Err(StoreError::Duplicate { field, value }) => report.skipped.push((
                label.clone(),
                format!("{field} {value} belongs to another account"),
            )),
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Whether something changed.
async fn update(
    store: &Store,
    account: &SyncedAccount,
    entry: &NewAccount,
    now: i64,
) -> Result<bool, StoreError> {
    let phone = entry.phone.as_deref().filter(|_| account.phone.is_none());
    if account.email == entry.email && account.name == entry.name && phone.is_none() {
        return Ok(false);
    }
    store
        .update_profile(account.id, &entry.email, &entry.name, phone, now)
        .await?;
    Ok(true)
}

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    Directory(#[from] DirectoryError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
