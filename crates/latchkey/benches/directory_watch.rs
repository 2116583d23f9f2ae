//! The watch after a change at campus scale: N people in a real OpenLDAP
//! `slapd` with the ppolicy overlay (locked after 3 wrong passwords), every
//! one of them watched after a change; 1 % then type their old password
//! (half of them twice, half three times: locked). Times one pass that
//! tells them, a pass with nothing new, the one directory search alone,
//! and, for comparison, reading each watched person's lock one by one.
//! On SQLite, or on PostgreSQL with `LATCHKEY_BENCH_POSTGRES_URL` (a
//! database this run may empty).
//!
//!     cargo bench -p latchkey --bench directory_watch -- 10000

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use latchkey::directory::{Directory, DirectoryConfig, Ldap, SyncOptions, WatchSettings, sync};
use latchkey::domain::watch::{self, UnlockLinks, Watching};
use latchkey::notify::{Notifier, Outbox};
use latchkey::secrets::SecretKey;
use latchkey::store::{Commit, Store};

mod slapd;
use slapd::{ADMIN_DN, ADMIN_PASSWORD, BASE, Slapd, base_ldif, peak_rss_kib};

/// Accounts read one by one, for the comparison (then scaled to all).
const ONE_BY_ONE: usize = 500;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(10_000);
    let started = Instant::now();
    let slapd = Slapd::start("watch", &people(count), Some(3));
    println!(
        "{count} people loaded into slapd (ppolicy, pwdMaxFailure 3) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (url, backend) = match std::env::var("LATCHKEY_BENCH_POSTGRES_URL") {
        Ok(url) => (url, "PostgreSQL"),
        Err(_) => (
            format!("sqlite://{}", slapd.dir.join("bench.db").display()),
            "SQLite",
        ),
    };
    let store = Store::open(&url).await.unwrap();
    let config = DirectoryConfig {
        url: slapd.url(),
        bind_dn: ADMIN_DN.into(),
        base_dn: format!("ou=people,{BASE}"),
        timeout_seconds: 120,
        ..DirectoryConfig::default()
    };
    let ldap = Ldap::new(config, ADMIN_PASSWORD.into()).unwrap();
    let options = SyncOptions {
        phones: true,
        max_leavers: count,
    };
    sync(&store, &ldap, options, 1).await.unwrap();
    let changed_at = latchkey::clock::unix_now() - 60;
    let started = Instant::now();
    watch_everyone(&store, count, changed_at).await;
    println!(
        "{count} changes committed, each starting its watch, in {:.1} s (store: {backend})",
        started.elapsed().as_secs_f64()
    );
    let troubled = (count / 100).max(2);
    wrong_binds(&slapd.url(), troubled).await;

    let settings = WatchSettings {
        seconds: 72 * 3600,
        warn_after: 2,
        failure_events: None,
    };
    let outbox = Outbox::new(store.clone());
    let notifier = Notifier {
        messages: &outbox,
        mail: &outbox,
        queue: None,
    };
    let key = SecretKey::random();
    let watching = Watching {
        store: &store,
        directory: &ldap,
        settings: &settings,
        notifier: &notifier,
        links: UnlockLinks {
            key: &key,
            public_url: "https://password.example.edu",
        },
        service: "Example University",
        zone: &jiff::tz::TimeZone::UTC,
        default_language: latchkey::i18n::Lang::En,
        stats: None,
    };
    println!(
        "| {count} watched, {troubled} with wrong passwords | time | directory operations | told |"
    );
    println!("| --- | --- | --- | --- |");
    let now = latchkey::clock::unix_now();
    let (time, pass) = timed(watch::pass(&watching, now, false)).await;
    let pass = pass.unwrap();
    let warned = pass.told.iter().filter(|t| t.notice == "warning").count();
    let pages = pass.troubled.div_ceil(500).max(1) + 1;
    println!(
        "| first pass: {} warnings, {} unlock links | {:.3} s | 1 bind, 1 search ({pages} pages) | {} |",
        warned,
        pass.told.len() - warned,
        time.as_secs_f64(),
        pass.told.len()
    );
    assert_eq!(pass.told.len(), troubled, "everyone troubled is told once");
    let (time, pass) = timed(watch::pass(&watching, now + 60, false)).await;
    let pass = pass.unwrap();
    println!(
        "| next pass, nothing new | {:.3} s | 1 bind, 1 search | {} |",
        time.as_secs_f64(),
        pass.told.len()
    );
    assert!(pass.told.is_empty());
    let mut searches = Vec::new();
    for _ in 0..5 {
        let (time, found) = timed(ldap.troubled_since(changed_at)).await;
        assert_eq!(found.unwrap().len(), troubled);
        searches.push(time);
    }
    searches.sort();
    println!(
        "| the search alone (median of 5) | {:.3} s | 1 bind, 1 search | |",
        searches[2].as_secs_f64()
    );
    let sample = ONE_BY_ONE.min(count);
    let started = Instant::now();
    for n in 0..sample {
        ldap.lock(&format!("s{n:06}")).await.unwrap();
    }
    let each = started.elapsed() / u32::try_from(sample).unwrap();
    println!(
        "| one by one instead ({sample} timed, scaled to {count}) | {:.1} s | {count} binds, {count} searches | |",
        (each * u32::try_from(count).unwrap()).as_secs_f64()
    );
    println!("peak memory of this process: {} MiB", peak_rss_kib() / 1024);
    store.close().await;
    drop(slapd);
}

async fn timed<T>(work: impl std::future::Future<Output = T>) -> (Duration, T) {
    let started = Instant::now();
    let done = work.await;
    (started.elapsed(), done)
}

/// Each synced account's password changed here at `changed_at`: its watch starts.
async fn watch_everyone(store: &Store, count: usize, changed_at: i64) {
    for n in 0..count {
        let account = store
            .find_account(&format!("s{n:06}"))
            .await
            .unwrap()
            .unwrap();
        let commit = Commit {
            new_hash: "$argon2id$v=19$m=256,t=1,p=1$bench$bench",
            sealed: None,
            keep: 1,
            now: changed_at,
            actor: "self-service",
            address: "",
            lifted_lock: false,
            finishing: None,
            notices: &[],
            watch_until: Some(changed_at + 72 * 3600),
        };
        store
            .commit_password_change(&account, &commit)
            .await
            .unwrap();
    }
}

/// The first `troubled` people type their old password: the first half
/// twice, the rest three times (locked).
async fn wrong_binds(url: &str, troubled: usize) {
    for n in 0..troubled {
        let tries = if n < troubled / 2 { 2 } else { 3 };
        let dn = format!("uid=s{n:06},ou=people,{BASE}");
        for _ in 0..tries {
            let (connection, mut ldap) = ldap3::LdapConnAsync::new(url).await.unwrap();
            ldap3::drive!(connection);
            let refused = ldap.simple_bind(&dn, "the-old-one").await.unwrap();
            assert_eq!(refused.rc, 49, "invalid credentials");
            let _ = ldap.unbind().await;
        }
    }
}

/// The people, as LDIF: a name, a mail, a mobile and a password each.
fn people(count: usize) -> String {
    let mut ldif = base_ldif();
    for n in 0..count {
        writeln!(
            ldif,
            "dn: uid=s{n:06},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: s{n:06}\n\
             cn: Student {n}\nsn: {n}\nmail: s{n:06}@example.edu\nmobile: +1 202 55{:05}\n\
             userPassword: the-new-one-{n}\n",
            n % 100_000
        )
        .unwrap();
    }
    ldif
}
