//! The full policy verdict against the `zxcvbn` estimator, on the same
//! 100,000 generated passwords. Each iteration checks the next password of
//! the set, so criterion's "time" is the cost of one password.
//!
//!     cargo bench -p latchkey-policy --bench policy

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may panic

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use latchkey_policy::{Person, Policy, PolicyConfig};

#[path = "support/passwords.rs"]
mod passwords;

const PASSWORDS: usize = 100_000;

fn compare(c: &mut Criterion) {
    let passwords = passwords::passwords(PASSWORDS);
    let person = Person {
        username: "jdoe",
        name: "John Doe",
        email: Some("john.doe@example.edu"),
        second_factor: true,
    };
    let user_inputs = ["jdoe", "John", "Doe", "john.doe@example.edu"];
    let policy =
        Policy::with_builtin_dictionary(PolicyConfig::default()).expect("built-in dictionary");

    let mut group = c.benchmark_group("verdict per password");
    group.throughput(Throughput::Elements(1));

    let mut next = passwords.iter().cycle();
    group.bench_function("latchkey full policy", |b| {
        b.iter(|| policy.check(black_box(next.next().expect("cycle")), &person))
    });

    // zxcvbn is ~100x slower: give it time to see the whole set once.
    group
        .measurement_time(Duration::from_secs(40))
        .sample_size(20);
    let mut next = passwords.iter().cycle();
    group.bench_function("zxcvbn estimate", |b| {
        b.iter(|| zxcvbn::zxcvbn(black_box(next.next().expect("cycle")), &user_inputs))
    });
    group.finish();
}

criterion_group!(benches, compare);
criterion_main!(benches);
