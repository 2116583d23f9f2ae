//! `directory sync` at campus scale: N generated people in a real OpenLDAP
//! `slapd` (loaded offline with `slapadd`), synced into an empty store,
//! synced again with nothing changed, then again after 1 % of them left.
//! Prints the time of each, the process's peak memory, and the queries each
//! made of the directory (one bind and one paged search of 500 entries a
//! page) and of the store. On SQLite, or on PostgreSQL with
//! `LATCHKEY_BENCH_POSTGRES_URL` (a database this run may empty).
//!
//!     cargo bench -p latchkey --bench directory_sync -- 100000

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use std::fmt::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use latchkey::directory::{Directory, DirectoryConfig, Ldap, SyncOptions, SyncReport, sync};
use latchkey::store::Store;

mod slapd;
use slapd::{ADMIN_DN, ADMIN_PASSWORD, BASE, Slapd, base_ldif, peak_rss_kib};
/// Entries a page of the directory's paged search holds (`directory/ldap`).
const PAGE: usize = 500;
/// New accounts a transaction of the store writes (`directory/people.rs`).
const INSERT_BATCH: usize = 500;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let count: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(10_000);
    let started = Instant::now();
    let slapd = Slapd::start("sync", &people(count), None);
    println!(
        "{count} people loaded into slapd with slapadd in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let (port, dir) = (slapd.port, slapd.dir.clone());

    let (url, backend) = match std::env::var("LATCHKEY_BENCH_POSTGRES_URL") {
        Ok(url) => (url, "PostgreSQL"),
        Err(_) => (
            format!("sqlite://{}", dir.join("bench.db").display()),
            "SQLite",
        ),
    };
    let store = Store::open(&url).await.unwrap();
    empty(&store).await;
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
    println!("store: {backend}; directory: slapd (back_mdb) on loopback; 2 cores shared by both");
    println!(
        "| sync | people | time | added | changed | unchanged | gone | directory queries | store statements |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    let first = timed(&store, &ldap, options, 1).await;
    row("first (empty store)", count, &first);
    let again = timed(&store, &ldap, options, 2).await;
    row("again (nothing changed)", count, &again);
    let leaving = count / 100;
    delete(port, leaving);
    let after = timed(&store, &ldap, options, 3).await;
    row("after 1 % left", count - leaving, &after);
    println!("peak memory of this process: {} MiB", peak_rss_kib() / 1024);
    store.close().await;
    drop(slapd);
}

async fn timed(
    store: &Store,
    ldap: &dyn Directory,
    options: SyncOptions,
    now: i64,
) -> (Duration, SyncReport) {
    let started = Instant::now();
    let report = sync(store, ldap, options, now).await.unwrap();
    (started.elapsed(), report)
}

fn row(what: &str, people: usize, (time, report): &(Duration, SyncReport)) {
    assert!(report.skipped.is_empty(), "{:?}", &report.skipped[..3]);
    // One bind, then a search page per 500 entries and the last, empty one.
    let directory = 1 + people.div_ceil(PAGE) + 1;
    // One read of every account; a transaction per 500 new accounts (an
    // insert and an audit event each); an update and an event per change;
    // one transaction for those gone (an update and an event each).
    let store = 1
        + report.added.len().div_ceil(INSERT_BATCH) * 2
        + report.added.len() * 2
        + report.changed.len() * 4
        + 2
        + report.left.len() * 2;
    println!(
        "| {what} | {people} | {:.2} s | {} | {} | {} | {} | {directory} | {store} |",
        time.as_secs_f64(),
        report.added.len(),
        report.changed.len(),
        report.unchanged,
        report.left.len(),
    );
}

/// The people, as LDIF: a name, a mail and a mobile each.
fn people(count: usize) -> String {
    let mut ldif = base_ldif();
    for n in 0..count {
        writeln!(
            ldif,
            "dn: uid=s{n:06},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: s{n:06}\n\
             cn: Student {n}\nsn: {n}\ndisplayName: Student Number {n}\nmail: s{n:06}@example.edu\n\
             mobile: +1 202 55{:05}\n",
            n % 100_000
        )
        .unwrap();
    }
    ldif
}

/// Removes the first `count` people, as leavers.
fn delete(port: u16, count: usize) {
    let names: String = (0..count)
        .map(|n| format!("uid=s{n:06},ou=people,{BASE}\n"))
        .collect();
    let mut child = Command::new("ldapdelete")
        .args([
            "-x",
            "-H",
            &format!("ldap://127.0.0.1:{port}"),
            "-D",
            ADMIN_DN,
            "-w",
            ADMIN_PASSWORD,
        ])
        .stdin(Stdio::piped())
        .spawn()
        .expect("ldapdelete runs (package ldap-utils)");
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(names.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

/// Empties the store's accounts (a PostgreSQL database may be reused).
async fn empty(store: &Store) {
    let existing = store.accounts_for_sync().await.unwrap();
    assert!(
        existing.is_empty(),
        "the bench needs an empty store: {} accounts in it",
        existing.len()
    );
}
