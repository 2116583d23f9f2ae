//! `latchkey audit verify` over a chain of 100,000 events: the whole walk
//! (pages of 10,000 rows, one SHA-256 per event) on SQLite, and on
//! PostgreSQL when `LATCHKEY_TEST_POSTGRES_URL` names a server.
//!
//!     cargo bench -p latchkey --bench audit

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use latchkey::store::{ChainCheck, NewEvent, Store};

const EVENTS: i64 = 100_000;

async fn filled(url: &str) -> Store {
    let store = Store::open(url).await.unwrap();
    let actions = [
        "reset.started",
        "reset.captcha_passed",
        "reset.code_sent.sms",
        "reset.completed:sms",
    ];
    for chunk in 0..EVENTS / 10_000 {
        let events: Vec<NewEvent> = (0..10_000)
            .map(|i| NewEvent {
                at: 1_800_000_000 + chunk * 10_000 + i,
                actor: "self-service",
                action: actions[(i % 4) as usize],
                account_id: Some(i % 5_000),
                address: "192.0.2.44",
                detail: "",
            })
            .collect();
        store.append_events(&events).await.unwrap();
    }
    store
}

fn verify(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = std::env::temp_dir().join(format!("latchkey-bench-audit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut stores = vec![(
        "sqlite",
        runtime.block_on(filled(&format!(
            "sqlite://{}",
            dir.join("audit.db").display()
        ))),
    )];
    if let Ok(admin) = std::env::var("LATCHKEY_TEST_POSTGRES_URL") {
        let url = runtime.block_on(fresh_postgres(&admin));
        stores.push(("postgres", runtime.block_on(filled(&url))));
    }
    let mut group = c.benchmark_group("audit verify, 100,000 events");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    group.throughput(Throughput::Elements(EVENTS as u64));
    for (label, store) in &stores {
        group.bench_function(*label, |b| {
            b.iter(|| {
                let check = runtime.block_on(store.verify_audit()).unwrap();
                assert!(
                    matches!(check, ChainCheck::Intact { events: EVENTS, .. }),
                    "{check}"
                );
            })
        });
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

async fn fresh_postgres(admin_url: &str) -> String {
    use sqlx::{Connection, Executor};
    let mut admin = sqlx::PgConnection::connect(admin_url).await.unwrap();
    admin
        .execute("DROP DATABASE IF EXISTS latchkey_bench_audit WITH (FORCE)")
        .await
        .unwrap();
    admin
        .execute("CREATE DATABASE latchkey_bench_audit")
        .await
        .unwrap();
    let base = admin_url.rsplit_once('/').map(|(base, _)| base).unwrap();
    format!("{base}/latchkey_bench_audit")
}

criterion_group!(benches, verify);
criterion_main!(benches);
