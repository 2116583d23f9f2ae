//! Kill a writer with SIGKILL in the middle of a password change: on reopen
//! the account has exactly the old or the new password, and a consistent history.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use latchkey::domain::change::verify_password;
use latchkey::domain::history::check;
use latchkey::hashing::{Hasher, HashingConfig};
use latchkey::secrets::SecretKey;
use latchkey::store::{History, Store};
use rand::{RngExt, SeedableRng};

use crate::support::{TempDir, TestDb, on_each_backend};

/// The server's key, which the history is sealed under.
const SECRET: &str = "crash test key: 32 bytes or more, not secret";

fn key() -> SecretKey {
    SecretKey::new(SECRET.as_bytes()).unwrap()
}

fn password(i: usize) -> String {
    format!("Kq{i:03}#zxw")
}

/// Starts `latchkey user set-password jdoe` with `new` on standard input.
fn spawn_change(config: &str, url: &str, new: &str) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_latchkey"))
        .args([
            "--config",
            config,
            "--database-url",
            url,
            "user",
            "set-password",
            "jdoe",
        ])
        .env("LATCHKEY_SECRET_KEY", SECRET)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{new}\n").as_bytes())
        .unwrap();
    child
}

#[tokio::test]
async fn sigkill_mid_change_leaves_the_old_or_the_new_password() {
    on_each_backend("crash", |db: TestDb| async move {
        // Real OWASP hashing: a change then takes long enough (history
        // verifications, one hash, the commit) to be killed at every stage.
        let dir = TempDir::new(&format!("crash-{}", db.label));
        let config = dir.write("latchkey.toml", "");
        let hasher = Hasher::new(&HashingConfig::default()).unwrap();
        let store = Store::open(&db.url).await.unwrap();
        let account = latchkey::model::account::NewAccount::parse(
            "jdoe",
            "jdoe@example.edu",
            "John Doe",
            None,
        )
        .unwrap();
        store
            .insert_accounts(
                &[(account, Some(hasher.hash(&password(0)).await.unwrap()))],
                1,
            )
            .await
            .unwrap();
        store.close().await;

        // How long one uninterrupted change takes, to spread the kills over it.
        let started = Instant::now();
        assert!(
            spawn_change(&config, &db.url, &password(1))
                .wait()
                .unwrap()
                .success()
        );
        let full = started.elapsed();
        let (mut current, mut changes) = (1, 1);

        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let (mut killed, mut completed) = (0, 0);
        let rounds = if db.label == "sqlite" { 30 } else { 12 };
        for round in 0..rounds {
            let new = current + 1;
            let mut child = spawn_change(&config, &db.url, &password(new));
            let delay = full.mul_f64(rng.random_range(0.0..1.3));
            tokio::time::sleep(delay).await;
            child.kill().unwrap(); // SIGKILL
            let status = child.wait().unwrap();
            if status.success() {
                completed += 1
            } else {
                killed += 1
            }

            let store = Store::open(&db.url).await.unwrap();
            let account = store.find_account("jdoe").await.unwrap().unwrap();
            let is_old = verify_password(&store, &hasher, &account, &password(current))
                .await
                .unwrap();
            let is_new = verify_password(&store, &hasher, &account, &password(new))
                .await
                .unwrap();
            assert!(
                is_old ^ is_new,
                "{} round {round} (killed after {delay:?}): old {is_old}, new {is_new}",
                db.label
            );
            if is_new {
                current = new;
                changes += 1;
            }
            let history = store.password_history(account.id).await.unwrap();
            assert_eq!(
                history.entries.len(),
                (changes + 1).min(24),
                "{} round {round}",
                db.label
            );
            if is_new {
                // The password it replaced is in the history, right behind it.
                let behind = History {
                    entries: history.entries[1..].to_vec(),
                    ..history
                };
                let replaced = &password(current - 1);
                let remembered = check(&hasher, Some(&key()), behind, 24, replaced).await;
                assert!(remembered.unwrap().reused, "{} round {round}", db.label);
            }
            store.close().await;
        }
        eprintln!(
            "{}: {killed} changes killed, {completed} completed, one change takes {full:?}",
            db.label
        );
        assert!(killed > 0, "{}: no kill landed mid-change", db.label);
        db
    })
    .await;
}
