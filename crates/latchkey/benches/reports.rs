//! The reports page on a big campus: 50,000 accounts and an audit trail of
//! `EVENTS` events (default 1,000,000) over a year, on PostgreSQL
//! (`LATCHKEY_TEST_POSTGRES_URL`) or else SQLite. Each report over the
//! last 30 days and over the whole year, the best of three, and the page's
//! total (all eight reports, as `/helpdesk/reports` reads them).
//!
//!     cargo bench -p latchkey --bench reports [-- EVENTS]

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use std::time::{Duration, Instant};

use latchkey::domain::reports::{self, Kind, Range, Sources};
use latchkey::i18n::Lang;
use latchkey::network::NetworkConfig;
use latchkey::store::Store;

const ACCOUNTS: i64 = 50_000;
/// 2027-01-15 12:00 UTC: "now", the last day of the year of events.
const NOW: i64 = 1_800_014_400;
const YEAR: i64 = 365 * 86_400;
/// What a year of a campus's trail holds, by share (of 20).
const ACTIONS: [&str; 20] = [
    "reset.started",
    "reset.captcha_passed",
    "reset.code_sent.sms",
    "reset.code_verified",
    "reset.completed:sms",
    "reset.started",
    "reset.captcha_failed",
    "reset.code_wrong",
    "signin.failed",
    "signin.password_ok",
    "signin.succeeded",
    "signin.code_sent.voice",
    "signin.factor_proven",
    "account.password_updated:ended_sessions=1",
    "helpdesk.signed_in",
    "helpdesk.caller_verified:code",
    "reset.completed:app",
    "account.phone_added",
    "signin.directory_locked",
    "reset.locked",
];

#[tokio::main]
async fn main() {
    let events: i64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let (label, url, _dir) = match std::env::var("LATCHKEY_TEST_POSTGRES_URL") {
        Ok(admin) => ("PostgreSQL", fresh_postgres(&admin).await, None),
        Err(_) => {
            let dir =
                std::env::temp_dir().join(format!("latchkey-bench-reports-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let url = format!("sqlite://{}", dir.join("reports.db").display());
            ("SQLite", url, Some(dir))
        }
    };
    let store = Store::open(&url).await.unwrap();
    let started = Instant::now();
    fill(&url, events).await;
    println!(
        "{label}: {ACCOUNTS} accounts and {events} events over a year, loaded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let network = NetworkConfig::default();
    let sources = Sources {
        store: &store,
        network: &network,
    };
    let zone = jiff::tz::TimeZone::get("America/Chicago").unwrap();
    for (name, since) in [("30 days", None), ("365 days", Some("2026-01-16"))] {
        let range = Range::new(since, None, &zone, NOW).unwrap();
        let mut page = Duration::ZERO;
        for kind in Kind::ALL {
            let mut best = Duration::MAX;
            for _ in 0..3 {
                let started = Instant::now();
                let report = reports::report(&sources, kind, &range, Lang::En)
                    .await
                    .unwrap();
                let _ = reports::svg(&report);
                best = best.min(started.elapsed());
            }
            page += best;
            println!(
                "  {name:>8}  {:<13} {:>8.1} ms",
                kind.as_str(),
                best.as_secs_f64() * 1e3
            );
        }
        println!(
            "  {name:>8}  the whole page  {:>6.1} ms",
            page.as_secs_f64() * 1e3
        );
    }
    store.close().await;
}

/// Accounts (a third with a phone) and events, in bulk: the chain is not
/// what a report reads, so the events are written around it.
async fn fill(url: &str, events: i64) {
    use sqlx::{Connection, Executor};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let mut tx = conn.begin().await.unwrap();
    for chunk in 0..ACCOUNTS / 1_000 {
        let rows: Vec<String> = (chunk * 1_000..(chunk + 1) * 1_000)
            .map(|i| {
                let phone = if i % 3 == 0 { format!("'+1202555{:04}'", i % 10_000) } else { "NULL".into() };
                format!("('u{i}', 'u{i}', 'u{i}@example.edu', 'u{i}@example.edu', 'U {i}', {phone}, 1, 1, 'Dept {}')", i % 40)
            })
            .collect();
        tx.execute(sqlx::raw_sql(&format!(
            "INSERT INTO accounts (username, username_key, email, email_key, display_name, phone, created_at, updated_at, department) VALUES {}",
            rows.join(", ")
        )))
        .await
        .unwrap();
    }
    for chunk in 0..(events + 4_999) / 5_000 {
        let rows: Vec<String> = (chunk * 5_000..((chunk + 1) * 5_000).min(events))
            .map(|i| {
                let at = NOW - YEAR + i * YEAR / events;
                let action = ACTIONS[(i % 20) as usize];
                let actor = if action.starts_with("helpdesk.") {
                    format!("staff:agent{}", i % 12)
                } else {
                    "self-service".into()
                };
                format!(
                    "({}, {at}, '{actor}', '{action}', {}, '10.{}.{}.7', '', '', '')",
                    i + 1,
                    i % ACCOUNTS + 1,
                    i % 3 * 100,
                    i % 250
                )
            })
            .collect();
        tx.execute(sqlx::raw_sql(&format!(
            "INSERT INTO audit_events (seq, at, actor, action, account_id, address, detail, prev_hash, hash) VALUES {}",
            rows.join(", ")
        )))
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    // A trail that has stood a while: autovacuum has run (PostgreSQL's
    // index-only scans need its visibility map).
    let settle = if url.starts_with("postgres") {
        "VACUUM ANALYZE"
    } else {
        "ANALYZE"
    };
    conn.execute(settle).await.unwrap();
}

async fn fresh_postgres(admin_url: &str) -> String {
    use sqlx::{Connection, Executor};
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    admin
        .execute("DROP DATABASE IF EXISTS latchkey_bench_reports WITH (FORCE)")
        .await
        .unwrap();
    admin
        .execute("CREATE DATABASE latchkey_bench_reports")
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap();
    format!("{base}/latchkey_bench_reports")
}
