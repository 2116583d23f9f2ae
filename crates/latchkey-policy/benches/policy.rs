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
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const PASSWORDS: usize = 100_000;

/// What people type: a word dressed up, random characters, or a passphrase.
fn generated_passwords() -> Vec<String> {
    let words: Vec<&str> = include_str!("../data/common-words.txt")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .collect();
    let symbols = ['!', '@', '#', '$', '%', '&', '*', '?'];
    let alphabet: Vec<char> = ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain(symbols)
        .collect();
    let mut rng = StdRng::seed_from_u64(2026);
    (0..PASSWORDS)
        .map(|_| match rng.random_range(0..3) {
            0 => {
                let word = words[rng.random_range(0..words.len())];
                let mut word: String = word
                    .chars()
                    .map(|c| match c {
                        'o' if rng.random_bool(0.5) => '0',
                        'a' if rng.random_bool(0.5) => '@',
                        'e' if rng.random_bool(0.3) => '3',
                        c => c,
                    })
                    .collect();
                word[..1].make_ascii_uppercase();
                let symbol = symbols[rng.random_range(0..symbols.len())];
                format!("{word}{}{symbol}", rng.random_range(0..10_000))
            }
            1 => (0..rng.random_range(8..17))
                .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                .collect(),
            _ => (0..3)
                .map(|_| words[rng.random_range(0..words.len())])
                .collect::<Vec<_>>()
                .join("-"),
        })
        .collect()
}

fn compare(c: &mut Criterion) {
    let passwords = generated_passwords();
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
