//! Lookup time per password, SHA-1 included, on a filter of a million
//! entries (a bigger filter costs more cache misses, not more work: see
//! `docs/performance.md` for the 100-million figure from the example).

#![allow(clippy::unwrap_used, clippy::expect_used)] // benchmark set-up may panic

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use latchkey_breached::{BreachedFilter, BuildOptions, Quiet, build};
use sha1::{Digest, Sha1};

const ENTRIES: usize = 1_000_000;

fn filter() -> BreachedFilter {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("breached-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let source = dir.join("corpus.txt");
    let mut text = String::with_capacity(ENTRIES * 45);
    for i in 0..ENTRIES {
        let hash = Sha1::digest(format!("member-{i}").as_bytes());
        for byte in hash {
            text.push_str(&format!("{byte:02X}"));
        }
        text.push_str(":1\r\n");
    }
    std::fs::write(&source, text).unwrap();
    let out = dir.join("breached.bin");
    build(&source, &out, &BuildOptions::default(), &Quiet).unwrap();
    BreachedFilter::open(&out).unwrap()
}

fn lookups(c: &mut Criterion) {
    let filter = filter();
    let members: Vec<String> = (0..4096).map(|i| format!("member-{}", i * 241)).collect();
    let strangers: Vec<String> = (0..4096).map(|i| format!("Stranger#{i}x")).collect();
    let mut i = 0;
    c.bench_function("breached: a member, SHA-1 included", |b| {
        b.iter(|| {
            i = (i + 1) % members.len();
            black_box(filter.contains(black_box(&members[i])))
        })
    });
    c.bench_function("breached: a stranger, SHA-1 included", |b| {
        b.iter(|| {
            i = (i + 1) % strangers.len();
            black_box(filter.contains(black_box(&strangers[i])))
        })
    });
    c.bench_function("breached: SHA-1 alone", |b| {
        b.iter(|| {
            i = (i + 1) % strangers.len();
            black_box(Sha1::digest(black_box(strangers[i].as_bytes())))
        })
    });
}

criterion_group!(benches, lookups);
criterion_main!(benches);
