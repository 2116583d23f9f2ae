//! The CAPTCHA's costs on the server: drawing an image challenge, issuing a
//! proof-of-work challenge, and verifying a solution; and what solving one
//! costs a client that hashes natively (a bot; a browser is slower).
//!
//!     cargo bench -p latchkey --bench captcha

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // bench code may panic

use criterion::{Criterion, criterion_group, criterion_main};
use latchkey::captcha::new_challenge;
use latchkey::captcha::pow::{CaptchaConfig, encode, issue, solve, verify};
use latchkey::secrets::{OsEntropy, SecretKey};

fn captcha(c: &mut Criterion) {
    let key = SecretKey::random();
    let config = CaptchaConfig::default();
    c.bench_function("image challenge drawn (PNG)", |b| {
        b.iter(|| new_challenge().unwrap())
    });
    c.bench_function("proof-of-work challenge issued", |b| {
        b.iter(|| {
            issue(
                &key,
                &OsEntropy,
                "session",
                &config,
                config.max_number,
                1_000,
            )
        })
    });
    let challenge = issue(
        &key,
        &OsEntropy,
        "session",
        &config,
        config.max_number,
        1_000,
    );
    let sent = encode(&solve(&challenge).unwrap());
    c.bench_function("proof-of-work solution verified", |b| {
        b.iter(|| {
            verify(&key, &sent, "session", Some(&challenge.challenge), 1_000).unwrap();
        })
    });
    let mut group = c.benchmark_group("proof of work solved natively");
    group.sample_size(10);
    // The range a source is given rises with the resets it opened lately:
    // 1–5 recent, the default; 6–10, twice it; …; 26–30, 32 times.
    for recent in [1, 6, 11, 16, 21, 26] {
        let max = config.cost(recent, 0).max_number;
        group.bench_function(format!("{recent} recent resets: max_number {max}"), |b| {
            b.iter(|| solve(&issue(&key, &OsEntropy, "session", &config, max, 1_000)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, captcha);
criterion_main!(benches);
