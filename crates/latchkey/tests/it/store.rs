//! The account store and password changes, on SQLite and on PostgreSQL.

use latchkey::domain::change::{
    ChangeError, MayChange, Passwords, change_password, verify_password,
};
use latchkey::hashing::{Hasher, HashingConfig};
use latchkey::model::account::{Account, NewAccount};
use latchkey::secrets::SecretKey;
use latchkey::store::{PastPassword, Store, StoreError};
use latchkey_policy::{Policy, PolicyConfig, Rule};

use crate::support::{TestDb, count, on_each_backend, sql};

/// Cheap Argon2id parameters: these tests are about the store, not the hash
/// cost (the hashing tests use OWASP's parameters).
pub(crate) fn cheap_hasher() -> Hasher {
    Hasher::new(&HashingConfig {
        memory_kib: 256,
        iterations: 1,
        parallelism: 1,
        workers: 0,
    })
    .unwrap()
}

pub(crate) fn policy() -> Policy {
    Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap()
}

/// A password that passes every cheap rule, distinct for each `i`.
pub(crate) fn password(i: usize) -> String {
    format!("Kq{i:03}#zxw")
}

pub(crate) fn john() -> NewAccount {
    NewAccount::parse(
        "jdoe",
        "john.doe@example.edu",
        "John Doe",
        Some("(202) 555-0143"),
    )
    .unwrap()
}

pub(crate) async fn add(store: &Store, account: NewAccount, hash: Option<String>) -> Account {
    let username = account.username.clone();
    store
        .insert_accounts(&[(account, hash)], 1_000)
        .await
        .unwrap();
    store.find_account(&username).await.unwrap().unwrap()
}

#[tokio::test]
async fn accounts_are_found_by_username_in_any_case_or_by_email() {
    on_each_backend("find", |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let added = add(&store, john(), None).await;
        assert_eq!(added.phone.as_deref(), Some("+12025550143"), "{}", db.label);
        for identifier in [
            "jdoe",
            "JDoe",
            "john.doe@example.edu",
            "John.Doe@EXAMPLE.edu",
        ] {
            let found = store.find_account(identifier).await.unwrap();
            assert_eq!(
                found.as_ref().map(|a| a.id),
                Some(added.id),
                "{}: {identifier}",
                db.label
            );
        }
        assert_eq!(store.find_account("nobody").await.unwrap(), None);
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn the_help_desk_search_takes_wildcards_literally() {
    on_each_backend("search_literal", |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        add(&store, john(), None).await;
        let underscored = NewAccount::parse("j_doe", "j_doe@example.edu", "Jay Doe", None).unwrap();
        add(&store, underscored, None).await;
        let names = |found: Vec<Account>| -> Vec<String> {
            found.into_iter().map(|a| a.username).collect()
        };
        for wildcard in ["%", "_", "\\", "j%", "%doe"] {
            let found = store.search_accounts(wildcard, None, 25).await.unwrap();
            assert!(
                found.is_empty(),
                "{}: {wildcard:?} matched {:?}",
                db.label,
                names(found)
            );
        }
        let found = store.search_accounts("j_", None, 25).await.unwrap();
        assert_eq!(names(found), ["j_doe"], "{}", db.label);
        let found = store.search_accounts("jd", None, 25).await.unwrap();
        assert_eq!(names(found), ["jdoe"], "{}", db.label);
        db
    })
    .await;
}

#[tokio::test]
async fn a_reset_at_a_step_that_is_none_is_an_error_not_a_fresh_start() {
    let db = TestDb::sqlite("unknown_step");
    let store = Store::open(&db.url).await.unwrap();
    store
        .create_reset_session("r1", "csrf", "127.0.0.1", 1, 1_000)
        .await
        .unwrap();
    assert!(store.reset_session("r1", 2).await.unwrap().is_some());
    sql(
        &db.url,
        "UPDATE reset_sessions SET step = 'bogus' WHERE id = 'r1'",
    )
    .await;
    let read = store.reset_session("r1", 2).await;
    assert!(
        matches!(&read, Err(StoreError::Corrupt(why)) if why.contains("\"bogus\"")),
        "{:?}",
        read.map(|s| s.map(|s| s.step))
    );
}

#[tokio::test]
async fn duplicates_are_refused_and_nothing_is_written() {
    on_each_backend("duplicates", |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        add(&store, john(), None).await;
        let same_username = NewAccount::parse("JDOE", "other@example.edu", "Other", None).unwrap();
        let same_email = NewAccount::parse("other", "JOHN.DOE@example.edu", "Other", None).unwrap();
        let fresh = NewAccount::parse("fresh", "fresh@example.edu", "Fresh", None).unwrap();
        let err = store
            .insert_accounts(&[(same_username, None)], 2)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Duplicate {
                    field: "username",
                    ..
                }
            ),
            "{}: {err}",
            db.label
        );
        // A batch with one duplicate writes none of its accounts.
        let err = store
            .insert_accounts(&[(fresh, None), (same_email, None)], 2)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Duplicate { field: "email", .. }),
            "{}: {err}",
            db.label
        );
        assert_eq!(
            store.find_account("fresh").await.unwrap(),
            None,
            "{}",
            db.label
        );
        assert_eq!(count(&db.url, "accounts").await, 1);
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn after_25_changes_the_first_password_is_allowed_again_and_the_second_is_not() {
    on_each_backend("history25", |db: TestDb| async move {
        let (store, hasher, policy) = (
            Store::open(&db.url).await.unwrap(),
            cheap_hasher(),
            policy(),
        );
        let account = add(&store, john(), None).await;
        for i in 1..=25 {
            let account = store.find_account("jdoe").await.unwrap().unwrap();
            change_password(
                &passwords(&store, &hasher, &policy),
                MayChange::by_operator(&account),
                &password(i),
                2_000 + i as i64,
                None,
            )
            .await
            .unwrap();
        }
        assert_eq!(
            store
                .password_history(account.id)
                .await
                .unwrap()
                .entries
                .len(),
            24,
            "{}",
            db.label
        );

        let account = store.find_account("jdoe").await.unwrap().unwrap();
        let refused = change_password(
            &passwords(&store, &hasher, &policy),
            MayChange::by_operator(&account),
            &password(2),
            3_000,
            None,
        )
        .await;
        match refused {
            Err(ChangeError::Rejected(verdict)) => {
                assert_eq!(verdict.rules_broken(), vec![Rule::History])
            }
            other => panic!(
                "{}: password 2 is still in the history: {other:?}",
                db.label
            ),
        }
        // The current password is in the history too.
        let refused = change_password(
            &passwords(&store, &hasher, &policy),
            MayChange::by_operator(&account),
            &password(25),
            3_000,
            None,
        )
        .await;
        assert!(
            matches!(refused, Err(ChangeError::Rejected(_))),
            "{}",
            db.label
        );
        change_password(
            &passwords(&store, &hasher, &policy),
            MayChange::by_operator(&account),
            &password(1),
            3_000,
            None,
        )
        .await
        .unwrap();
        assert!(
            verify_password(&store, &hasher, &account, &password(1))
                .await
                .unwrap()
        );
        assert_eq!(
            store
                .password_history(account.id)
                .await
                .unwrap()
                .entries
                .len(),
            24
        );
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn a_refused_password_changes_nothing() {
    on_each_backend("refused", |db: TestDb| async move {
        let (store, hasher, policy) = (
            Store::open(&db.url).await.unwrap(),
            cheap_hasher(),
            policy(),
        );
        let first = hasher.hash(&password(1)).await.unwrap();
        let account = add(&store, john(), Some(first.clone())).await;
        let megabyte = "Aa1!".repeat(256 * 1024);
        for bad in [megabyte.as_str(), "", "JohnDoe#2024", "P@ssw0rd!"] {
            let result = change_password(
                &passwords(&store, &hasher, &policy),
                MayChange::by_operator(&account),
                bad,
                2_000,
                None,
            )
            .await;
            assert!(
                matches!(result, Err(ChangeError::Rejected(_))),
                "{}: {:.20}",
                db.label,
                bad
            );
        }
        assert_eq!(
            store.password_history(account.id).await.unwrap().entries,
            vec![PastPassword {
                hash: Some(first),
                sealed: None
            }],
            "{}",
            db.label
        );
        let unchanged = store.find_account("jdoe").await.unwrap().unwrap();
        assert_eq!(unchanged.version, account.version);
        assert_eq!(count(&db.url, "audit_events").await, 1, "only the creation");
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn fifty_concurrent_changes_leave_one_winner_per_change_and_a_consistent_history() {
    on_each_backend("concurrent", |db: TestDb| async move {
        let (store, hasher) = (Store::open(&db.url).await.unwrap(), cheap_hasher());
        let policy = std::sync::Arc::new(policy());
        let first = hasher.hash(&password(0)).await.unwrap();
        let account = add(&store, john(), Some(first)).await;

        let mut tasks = tokio::task::JoinSet::new();
        for i in 1..=50 {
            let (store, hasher, policy) = (store.clone(), hasher.clone(), policy.clone());
            tasks.spawn(async move {
                let account = store.find_account("jdoe").await.unwrap().unwrap();
                let result = change_password(
                    &passwords(&store, &hasher, &policy),
                    MayChange::by_operator(&account),
                    &password(i),
                    5_000,
                    None,
                )
                .await;
                (i, account.version, result)
            });
        }
        let mut winners = Vec::new();
        let mut versions_won = std::collections::HashSet::new();
        while let Some(joined) = tasks.join_next().await {
            let (i, version, result) = joined.unwrap();
            match result {
                Ok(_) => {
                    // One winner per change: no two changes claimed the same version.
                    assert!(
                        versions_won.insert(version),
                        "{}: two winners at version {version}",
                        db.label
                    );
                    winners.push(i);
                }
                Err(ChangeError::Store(StoreError::Conflict)) => {}
                Err(other) => panic!("{}: change {i} failed: {other}", db.label),
            }
        }
        assert!(!winners.is_empty(), "{}", db.label);

        let after = store.find_account("jdoe").await.unwrap().unwrap();
        assert_eq!(
            after.version,
            account.version + winners.len() as i64,
            "{}",
            db.label
        );
        let history = store.password_history(account.id).await.unwrap().entries;
        assert_eq!(history.len(), (winners.len() + 1).min(24), "{}", db.label);
        let current = store.current_password_hash(account.id).await.unwrap();
        let current = current.unwrap();
        // The current password is one of the winners', and only one.
        let mut current_matches = 0;
        for &i in &winners {
            if hasher.verify(&password(i), &current).await.unwrap() {
                current_matches += 1;
            }
        }
        assert_eq!(current_matches, 1, "{}", db.label);
        assert_eq!(
            count(&db.url, "audit_events").await,
            1 + winners.len() as i64,
            "{}: one event per change",
            db.label
        );
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn an_old_hash_is_upgraded_at_the_next_successful_verification() {
    on_each_backend("rehash", |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let old_params = cheap_hasher();
        let account = add(
            &store,
            john(),
            Some(old_params.hash(&password(1)).await.unwrap()),
        )
        .await;
        let current = Hasher::new(&HashingConfig {
            memory_kib: 512,
            iterations: 2,
            ..HashingConfig::default()
        })
        .unwrap();

        assert!(
            !verify_password(&store, &current, &account, &password(2))
                .await
                .unwrap()
        );
        assert!(
            store
                .current_password_hash(account.id)
                .await
                .unwrap()
                .unwrap()
                .contains("m=256,t=1"),
            "a failed try upgrades nothing"
        );

        assert!(
            verify_password(&store, &current, &account, &password(1))
                .await
                .unwrap()
        );
        let history = store.password_history(account.id).await.unwrap();
        assert_eq!(history.entries.len(), 1, "{}", db.label);
        let upgraded = history.entries[0].hash.clone().unwrap();
        assert!(upgraded.contains("m=512,t=2"), "{}: {upgraded}", db.label);
        assert!(
            verify_password(&store, &current, &account, &password(1))
                .await
                .unwrap()
        );
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn a_database_from_a_newer_latchkey_is_refused() {
    on_each_backend("newer", |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        // What a newer Latchkey would leave behind: a migration this one does not have.
        sql(
            &db.url,
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                      SELECT 9999, 'from the future', success, checksum, execution_time
                      FROM _sqlx_migrations WHERE version = 1",
        )
        .await;
        store.close().await;
        let err = Store::open(&db.url).await.err().expect("refused");
        assert!(
            err.to_string().contains("newer version"),
            "{}: {err}",
            db.label
        );
        db
    })
    .await;
}

#[tokio::test]
async fn unreachable_or_unknown_databases_are_clear_errors() {
    let err = Store::open("mysql://localhost/x").await.err().unwrap();
    assert!(
        err.to_string().contains("use sqlite://FILE or postgres://"),
        "{err}"
    );
    let err = Store::open("sqlite:///nonexistent-dir/latchkey.db")
        .await
        .err()
        .unwrap();
    assert!(
        err.to_string().contains("cannot open the database"),
        "{err}"
    );
}

/// A change with no directory: the store alone.
pub(crate) fn passwords<'a>(
    store: &'a Store,
    hasher: &'a Hasher,
    policy: &'a Policy,
) -> Passwords<'a> {
    Passwords {
        store,
        hasher,
        policy,
        key: Some(&KEY),
        writeback: None,
    }
}

/// The server's key the history is sealed under.
pub(crate) static KEY: std::sync::LazyLock<SecretKey> = std::sync::LazyLock::new(SecretKey::random);

#[tokio::test]
async fn a_reset_is_done_in_the_same_transaction_as_its_change() {
    use latchkey::store::Step;

    on_each_backend("finish_reset", |db: TestDb| async move {
        let (store, hasher, policy) = (
            Store::open(&db.url).await.unwrap(),
            cheap_hasher(),
            policy(),
        );
        let account = add(
            &store,
            john(),
            Some(hasher.hash(&password(0)).await.unwrap()),
        )
        .await;
        // A reset at its password step (as a help desk link opens one).
        store
            .create_linked_reset_session("s1", "csrf", "10.0.0.1", account.id, 2_000, 9_000)
            .await
            .unwrap();
        let passwords = passwords(&store, &hasher, &policy);
        let at_password = store.reset_session("s1", 2_001).await.unwrap().unwrap();
        let may = MayChange::by_reset(&at_password, &account).unwrap();
        change_password(&passwords, may, &password(1), 2_001, None)
            .await
            .unwrap();
        let session = store.reset_session("s1", 2_002).await.unwrap().unwrap();
        assert_eq!(session.step, Step::Done, "no second statement needed");

        // The same reset again: refused, and nothing changes.
        let account = store.find_account("jdoe").await.unwrap().unwrap();
        // As a second request racing with the first would: it read the
        // reset at its password step too.
        let may = MayChange::by_reset(&at_password, &account).unwrap();
        let again = change_password(&passwords, may, &password(2), 2_003, None).await;
        assert!(
            matches!(again, Err(ChangeError::Store(StoreError::Conflict))),
            "{again:?}"
        );
        assert_eq!(
            store
                .password_history(account.id)
                .await
                .unwrap()
                .entries
                .len(),
            2
        );
        assert!(
            verify_password(&store, &hasher, &account, &password(1))
                .await
                .unwrap()
        );
        db
    })
    .await;
}

/// A change to an account and its audit event are one transaction: when the
/// event cannot be written, the change does not happen either.
#[tokio::test]
async fn an_account_change_stands_only_with_its_audit_event() {
    use latchkey::store::{AccountChange, NewEvent};

    on_each_backend("change_audited", |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        let account = add(&store, john(), None).await;
        let event = NewEvent {
            at: 2_000,
            actor: "staff:ann",
            action: "helpdesk.phone_removed",
            account_id: Some(account.id),
            address: "10.0.0.1",
            detail: "",
        };
        store
            .change_account(account.id, &AccountChange::Phone(None), &event)
            .await
            .unwrap();
        let changed = store.account_by_id(account.id).await.unwrap().unwrap();
        assert_eq!(changed.phone, None, "{}", db.label);
        let events = store.events_of(account.id, 10).await.unwrap();
        assert_eq!(events[0].action, "helpdesk.phone_removed", "{}", db.label);

        // The chain's head gone, no event can be appended: nor can the change be made.
        sql(&db.url, "DELETE FROM audit_head").await;
        let refused = store
            .change_account(
                account.id,
                &AccountChange::Phone(Some("+12025550177")),
                &event,
            )
            .await;
        assert!(refused.is_err(), "{}", db.label);
        let unchanged = store.account_by_id(account.id).await.unwrap().unwrap();
        assert_eq!(
            unchanged.phone, None,
            "rolled back with its event: {}",
            db.label
        );
        db
    })
    .await;
}

/// A session stage this version cannot read is an error, never read as
/// another stage.
#[tokio::test]
async fn an_unknown_session_stage_is_an_error() {
    use latchkey::store::{NewSession, Stage};

    on_each_backend("unknown_stage", |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        store
            .create_account_session(&NewSession {
                id: "s1",
                csrf: "c",
                stage: Stage::Active,
                account_id: None,
                factor_at: None,
                address: "10.0.0.1",
                now: 1_000,
                expires_at: 9_000,
            })
            .await
            .unwrap();
        sql(&db.url, "UPDATE account_sessions SET stage = 'superuser'").await;
        let read = store.account_session("s1", 1_001, 0).await;
        assert!(
            matches!(read, Err(StoreError::Corrupt(_))),
            "{read:?} {}",
            db.label
        );
        db
    })
    .await;
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_lapses_and_a_reminder_is_claimed_once() {
    on_each_backend("lease", |db: TestDb| async move {
        let store = Store::open(&db.url).await.unwrap();
        assert!(store.take_lease("reminders", "a", 100, 200).await.unwrap());
        assert!(
            !store.take_lease("reminders", "b", 150, 250).await.unwrap(),
            "{}",
            db.label
        );
        assert!(
            store.take_lease("reminders", "a", 160, 260).await.unwrap(),
            "its holder renews it"
        );
        assert!(!store.take_lease("reminders", "b", 259, 359).await.unwrap());
        assert!(
            store.take_lease("reminders", "b", 260, 360).await.unwrap(),
            "lapsed: another takes it"
        );
        assert!(!store.take_lease("reminders", "a", 300, 400).await.unwrap());

        let john = add(&store, john(), None).await;
        assert!(!store.reminder_sent(john.id, "expiry:7", 5).await.unwrap());
        assert!(
            store
                .claim_reminder(john.id, "expiry:7", 5, 10)
                .await
                .unwrap()
        );
        assert!(
            !store
                .claim_reminder(john.id, "expiry:7", 5, 11)
                .await
                .unwrap(),
            "{}",
            db.label
        );
        assert!(store.reminder_sent(john.id, "expiry:7", 5).await.unwrap());
        // A new password starts afresh.
        assert!(
            store
                .claim_reminder(john.id, "expiry:7", 6, 12)
                .await
                .unwrap()
        );
        store.close().await;
        db
    })
    .await;
}

/// Processes opening a new SQLite file at once (the server and a command,
/// on a fresh install) all end with a migrated database: the migrations
/// take turns instead of each creating the tables.
#[test]
fn processes_opening_a_new_sqlite_file_at_once_all_succeed() {
    let dir = crate::support::TempDir::new("store-open-race");
    for round in 0..6 {
        let url = format!(
            "sqlite://{}",
            dir.0.join(format!("race-{round}.db")).display()
        );
        let runs: Vec<_> = (0..3)
            .map(|_| {
                std::process::Command::new(env!("CARGO_BIN_EXE_latchkey"))
                    .args(["--database-url", &url, "directory", "status"])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for run in runs {
            let output = run.wait_with_output().unwrap();
            let said = String::from_utf8_lossy(&output.stderr);
            assert!(output.status.success(), "round {round}: {said}");
        }
    }
}

#[tokio::test]
async fn a_database_in_memory_leaves_no_lock_file_behind() {
    // `config check` opens one in the operator's current directory.
    let stray = || {
        std::fs::read_dir(".")
            .unwrap()
            .filter_map(Result::ok)
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("file:sqlx-in-memory"))
            .collect::<Vec<_>>()
    };
    for name in stray() {
        let _ = std::fs::remove_file(name);
    }
    let store = Store::open("sqlite::memory:").await.unwrap();
    store.close().await;
    assert_eq!(stray(), Vec::<String>::new());
}
