//! Argon2id at OWASP parameters: one hash on one core, and the 24-deep
//! history check one verification after another against spread over the
//! hashing pool (one worker per core).
//!
//!     cargo bench -p latchkey --bench hashing

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use latchkey::hashing::{Hasher, HashingConfig};

fn hashing(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let pool = Hasher::new(&HashingConfig::default()).unwrap();
    let one_worker = Hasher::new(&HashingConfig {
        workers: 1,
        ..HashingConfig::default()
    })
    .unwrap();
    // 24 distinct past passwords; the candidate matches none (the common
    // case, and the worst: every entry is verified).
    let history: Vec<String> = runtime.block_on(async {
        hash_each(&pool, (0..24).map(|i| format!("Old#Password{i}")).collect()).await
    });

    let mut group = c.benchmark_group("argon2id m=19456 t=2 p=1");
    group
        .sample_size(20)
        .measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Elements(1));
    group.bench_function("hash, one core", |b| {
        b.iter(|| runtime.block_on(one_worker.hash("Kq001#zxw")).unwrap())
    });
    group.throughput(Throughput::Elements(24));
    group.bench_function("history of 24, sequential", |b| {
        b.iter(|| {
            assert!(
                !runtime
                    .block_on(pool.matches_any_sequential("Kq001#zxw", history.clone()))
                    .unwrap()
            )
        })
    });
    group.bench_function(
        format!("history of 24, spread over {} workers", pool.workers()),
        |b| {
            b.iter(|| {
                assert!(
                    !runtime
                        .block_on(pool.matches_any("Kq001#zxw", history.clone()))
                        .unwrap()
                )
            })
        },
    );
    group.finish();
}

async fn hash_each(hasher: &Hasher, passwords: Vec<String>) -> Vec<String> {
    let mut hashes = Vec::new();
    for password in passwords {
        hashes.push(hasher.hash(&password).await.unwrap());
    }
    hashes
}

criterion_group!(benches, hashing);
criterion_main!(benches);
