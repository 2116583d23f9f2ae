//! Measures a built filter: its false-positive rate on passwords that are
//! not in a `synthetic_corpus` (`probe-{i}`), and the time of a lookup,
//! SHA-1 included, over the same passwords.
//!
//! ```sh
//! cargo run --release -p latchkey-breached --example measure -- breached-10m.bin 10000000
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a measuring tool

use std::path::Path;
use std::time::Instant;

use latchkey_breached::BreachedFilter;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(file), Some(probes)) = (args.first(), args.get(1)) else {
        panic!("usage: measure FILTER PROBES");
    };
    let probes: usize = probes.parse().expect("PROBES is a number");
    let started = Instant::now();
    let filter = BreachedFilter::open(Path::new(file)).expect("a filter");
    let opened = started.elapsed();
    let header = filter.header().clone();
    // Warm the pages once, as a running server's would be.
    let warm = (0..1_000_000)
        .filter(|i| filter.contains(&format!("warm-{i}")))
        .count();
    const BATCH: usize = 1 << 16;
    let (mut false_positives, mut looking) = (0usize, std::time::Duration::ZERO);
    let mut batch = Vec::with_capacity(BATCH);
    for first in (0..probes).step_by(BATCH) {
        batch.clear();
        batch.extend((first..probes.min(first + BATCH)).map(|i| format!("probe-{i}")));
        let started = Instant::now();
        false_positives += batch.iter().filter(|p| filter.contains(p)).count();
        looking += started.elapsed();
    }
    let members = (0..1_000_000usize.min(header.entries as usize))
        .filter(|i| !filter.contains(&format!("member-{i}")))
        .count();
    println!(
        "filter: {file}: {} entries, {} shards",
        header.entries,
        1u64 << header.shard_bits
    );
    println!("opened (mapped and checked) in {opened:.2?}; {warm} warm-up hits");
    println!("members missed of the first million: {members}");
    println!(
        "false positives: {false_positives} of {probes} = 1 in {:.0} (goal: 1 in 65,536 or rarer)",
        probes as f64 / false_positives.max(1) as f64
    );
    println!(
        "lookup, SHA-1 included: {:.0} ns a password",
        looking.as_nanos() as f64 / probes as f64
    );
}
