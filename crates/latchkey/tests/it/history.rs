//! The history rule at the cost of one hash (docs/architecture.md,
//! "Password history"), on SQLite and on PostgreSQL.

use latchkey::domain::change::{ChangeError, MayChange, Passwords, change_password};
use latchkey::hashing::Hasher;
use latchkey::model::account::Account;
use latchkey::secrets::SecretKey;
use latchkey::store::{Commit, SEALED_PLACES, Store};
use latchkey_policy::{Policy, Rule};

use crate::store::{KEY, add, cheap_hasher, john, password, passwords, policy};
use crate::support::{TestDb, on_each_backend};

/// Changes jdoe's password to `password(i)` for each `i`, through Latchkey.
async fn change_through(
    store: &Store,
    passwords: &Passwords<'_>,
    range: std::ops::RangeInclusive<usize>,
) {
    for i in range {
        let account = store.find_account("jdoe").await.unwrap().unwrap();
        let may = MayChange::by_operator(&account);
        change_password(passwords, may, &password(i), 2_000 + i as i64, None)
            .await
            .unwrap();
    }
}

/// The Argon2id computations `change` costs, and what it said.
async fn hashes_spent(
    hasher: &Hasher,
    change: impl std::future::Future<Output = Result<Vec<latchkey::notify::Queued>, ChangeError>>,
) -> (u64, Result<(), ChangeError>) {
    let before = hasher.stats.computed.get();
    let result = change.await.map(|_| ());
    (hasher.stats.computed.get() - before, result)
}

fn refused_by_history(result: &Result<(), ChangeError>) -> bool {
    matches!(result, Err(ChangeError::Rejected(verdict)) if verdict.rules_broken() == vec![Rule::History])
}

async fn jdoe(store: &Store) -> Account {
    store.find_account("jdoe").await.unwrap().unwrap()
}

#[tokio::test]
async fn a_change_against_24_past_passwords_costs_two_hashes() {
    on_each_backend("history_cost", |db: TestDb| async move {
        let (store, hasher, policy) = (
            Store::open(&db.url).await.unwrap(),
            cheap_hasher(),
            policy(),
        );
        add(&store, john(), None).await;
        let passwords = passwords(&store, &hasher, &policy);
        change_through(&store, &passwords, 1..=24).await;

        // Refused: the oldest of the 24 is still remembered, for one hash
        // under the history salt and the new password's own.
        let account = jdoe(&store).await;
        let may = MayChange::by_operator(&account);
        let (spent, result) = hashes_spent(
            &hasher,
            change_password(&passwords, may, &password(1), 3_000, None),
        )
        .await;
        assert!(refused_by_history(&result), "{}: {result:?}", db.label);
        assert_eq!(spent, 2, "{}", db.label);

        let may = MayChange::by_operator(&account);
        let (spent, result) = hashes_spent(
            &hasher,
            change_password(&passwords, may, &password(25), 3_000, None),
        )
        .await;
        assert!(result.is_ok(), "{}: {result:?}", db.label);
        assert_eq!(spent, 2, "{}: whatever the depth", db.label);
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn a_copy_of_the_database_holds_one_guessable_hash_per_account() {
    on_each_backend("history_copy", |db: TestDb| async move {
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
        change_through(&store, &passwords(&store, &hasher, &policy), 1..=5).await;

        let history = store.password_history(account.id).await.unwrap();
        assert_eq!(history.entries.len(), 6, "{}", db.label);
        let salt = history.salt.clone().expect("a history salt");
        let (current, older) = history.entries.split_first().unwrap();
        let own = current.hash.as_deref().unwrap();
        assert!(
            hasher.verify(&password(5), own).await.unwrap(),
            "{}",
            db.label
        );
        for entry in older.iter().take(4) {
            assert_eq!(
                entry.hash, None,
                "{}: a past password's own hash is gone",
                db.label
            );
            let sealed = entry.sealed.as_deref().unwrap();
            // Sealed: no other key opens it, and inside is a hash under the salt.
            assert!(
                SecretKey::random()
                    .open(latchkey::secrets::HISTORY_PURPOSE, sealed)
                    .is_none()
            );
            let inside = KEY
                .open(latchkey::secrets::HISTORY_PURPOSE, sealed)
                .unwrap();
            assert!(
                String::from_utf8(inside)
                    .unwrap()
                    .contains(&format!("${salt}$"))
            );
        }
        // The first password was stored before any seal: it keeps its own hash.
        assert!(
            older[4].hash.is_some() && older[4].sealed.is_none(),
            "{}",
            db.label
        );

        // Another account has its own salt.
        let other =
            latchkey::model::account::NewAccount::parse("ada", "ada@example.edu", "Ada L", None)
                .unwrap();
        let ada = add(&store, other, None).await;
        let may = MayChange::by_operator(&ada);
        let passwords = passwords(&store, &hasher, &policy);
        change_password(&passwords, may, &password(1), 3_000, None)
            .await
            .unwrap();
        let theirs = store.password_history(ada.id).await.unwrap().salt.unwrap();
        assert_ne!(theirs, salt, "{}", db.label);
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn past_passwords_stored_before_the_seal_keep_counting_until_they_age_out() {
    on_each_backend("history_legacy", |db: TestDb| async move {
        let (store, hasher) = (Store::open(&db.url).await.unwrap(), cheap_hasher());
        let shallow = Policy::with_builtin_dictionary(latchkey_policy::PolicyConfig {
            history: 3,
            ..latchkey_policy::PolicyConfig::default()
        })
        .unwrap();
        // Three passwords as an earlier Latchkey stored them: own hashes only.
        let account = add(
            &store,
            john(),
            Some(hasher.hash(&password(1)).await.unwrap()),
        )
        .await;
        for i in 2..=3 {
            let hash = hasher.hash(&password(i)).await.unwrap();
            let commit = Commit {
                new_hash: &hash,
                sealed: None,
                keep: 3,
                now: 1_000 + i as i64,
                actor: "cli",
                address: "",
                lifted_lock: false,
                finishing: None,
                notices: &[],
                watch_until: None,
            };
            store
                .commit_password_change(&jdoe(&store).await, &commit)
                .await
                .unwrap();
        }
        let passwords = passwords(&store, &hasher, &shallow);
        for i in 1..=3 {
            let may = MayChange::by_operator(&account);
            let refused = change_password(&passwords, may, &password(i), 2_000, None)
                .await
                .map(|_| ());
            assert!(
                refused_by_history(&refused),
                "{}: {i} {refused:?}",
                db.label
            );
        }
        // Each change pushes one out; sealed ones take their place.
        change_through(&store, &passwords, 4..=6).await;
        let history = store.password_history(account.id).await.unwrap();
        assert!(
            history.entries.iter().all(|e| e.sealed.is_some()),
            "{}",
            db.label
        );
        let account = jdoe(&store).await;
        let may = MayChange::by_operator(&account);
        let (spent, result) = hashes_spent(
            &hasher,
            change_password(&passwords, may, &password(3), 3_000, None),
        )
        .await;
        assert!(result.is_ok(), "{}: 3 aged out: {result:?}", db.label);
        assert_eq!(spent, 2, "{}", db.label);
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn a_rotated_key_keeps_the_history_and_a_process_without_one_refuses() {
    on_each_backend("history_rotate", |db: TestDb| async move {
        let (store, hasher, policy) = (
            Store::open(&db.url).await.unwrap(),
            cheap_hasher(),
            policy(),
        );
        add(&store, john(), None).await;
        let old = SecretKey::random();
        let under = |key| Passwords {
            key: Some(key),
            ..passwords(&store, &hasher, &policy)
        };
        change_through(&store, &under(&old), 1..=3).await;

        // No key at all: the sealed history cannot be read, so nothing changes.
        let account = jdoe(&store).await;
        let keyless = Passwords {
            key: None,
            ..passwords(&store, &hasher, &policy)
        };
        let may = MayChange::by_operator(&account);
        let result = change_password(&keyless, may, &password(9), 3_000, None).await;
        assert!(
            matches!(result, Err(ChangeError::HistorySealed)),
            "{}: {result:?}",
            db.label
        );
        assert_eq!(jdoe(&store).await.version, account.version, "{}", db.label);

        // `latchkey secrets rotate` moves the history to the new key; the
        // old one can then go.
        let new = SecretKey::random();
        let ring = new.clone().with_retired(vec![old.clone()]);
        let place = SEALED_PLACES
            .iter()
            .find(|p| p.name == "password history")
            .unwrap();
        let rotation = store.reseal(place, &ring, true).await.unwrap();
        assert_eq!(rotation.moved, 3, "{}", db.label);
        let may = MayChange::by_operator(&account);
        let result = change_password(&under(&new), may, &password(2), 3_000, None)
            .await
            .map(|_| ());
        assert!(refused_by_history(&result), "{}: {result:?}", db.label);
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn the_migration_keeps_every_past_password_where_it_was() {
    on_each_backend("history_migration", |db: TestDb| async move {
        // The database as the release before the seal left it.
        sqlx::any::install_default_drivers();
        let dir = format!("{}/migrations/{}", env!("CARGO_MANIFEST_DIR"), db.label);
        let mut before = sqlx::migrate::Migrator::new(std::path::Path::new(&dir)).await.unwrap();
        before.migrations = before.migrations.iter().filter(|m| m.version <= 16).cloned().collect::<Vec<_>>().into();
        let url = match db.label {
            "sqlite" => format!("{}?mode=rwc", db.url),
            _ => db.url.clone(),
        };
        let pool = sqlx::AnyPool::connect(&url).await.unwrap();
        before.run(&pool).await.unwrap();
        let hasher = cheap_hasher();
        sqlx::query(
            "INSERT INTO accounts (username, username_key, email, email_key, display_name, status, version, created_at, updated_at)
             VALUES ('jdoe', 'jdoe', 'jdoe@example.edu', 'jdoe@example.edu', 'John Doe', 'active', 0, 1, 1)",
        )
        .execute(&pool)
        .await
        .unwrap();
        for i in 1..=3 {
            sqlx::query("INSERT INTO password_history (account_id, hash, created_at) SELECT id, $1, $2 FROM accounts")
                .bind(hasher.hash(&password(i)).await.unwrap())
                .bind(i as i64)
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;

        let store = Store::open(&db.url).await.unwrap();
        let account = jdoe(&store).await;
        let history = store.password_history(account.id).await.unwrap();
        assert_eq!(history.salt, None, "{}", db.label);
        assert_eq!(history.entries.len(), 3, "{}", db.label);
        let current = history.entries[0].hash.as_deref().unwrap();
        assert!(hasher.verify(&password(3), current).await.unwrap(), "{}: newest first", db.label);
        let policy = policy();
        let passwords = passwords(&store, &hasher, &policy);
        for i in 1..=3 {
            let may = MayChange::by_operator(&account);
            let refused = change_password(&passwords, may, &password(i), 2_000, None).await.map(|_| ());
            assert!(refused_by_history(&refused), "{}: {i} {refused:?}", db.label);
        }
        change_through(&store, &passwords, 4..=4).await;
        let history = store.password_history(account.id).await.unwrap();
        assert_eq!(history.entries.len(), 4, "{}", db.label);
        assert!(history.entries[0].sealed.is_some() && history.entries[1].sealed.is_none(), "{}", db.label);
        store.close().await;
        db
    })
    .await;
}

#[tokio::test]
async fn a_change_is_recorded_with_its_address_and_the_lock_it_lifted() {
    on_each_backend("change_recorded", |db: TestDb| async move {
        let (store, hasher) = (Store::open(&db.url).await.unwrap(), cheap_hasher());
        add(
            &store,
            john(),
            Some(hasher.hash(&password(1)).await.unwrap()),
        )
        .await;
        let hash = hasher.hash(&password(2)).await.unwrap();
        let commit = Commit {
            new_hash: &hash,
            sealed: None,
            keep: 3,
            now: 1_000,
            actor: "self-service",
            address: "203.0.113.9",
            lifted_lock: true,
            finishing: None,
            notices: &[],
            watch_until: None,
        };
        let jdoe = jdoe(&store).await;
        store.commit_password_change(&jdoe, &commit).await.unwrap();
        let recorded: Vec<(String, String)> = store
            .events_of(jdoe.id, 10)
            .await
            .unwrap()
            .into_iter()
            .filter(|event| event.action.starts_with("password."))
            .map(|event| (event.action, event.address))
            .collect();
        assert_eq!(
            recorded,
            [
                (
                    "password.directory_unlocked".to_owned(),
                    "203.0.113.9".to_owned()
                ),
                ("password.changed".to_owned(), "203.0.113.9".to_owned()),
            ],
            "{}",
            db.label
        );
        store.close().await;
        db
    })
    .await;
}
