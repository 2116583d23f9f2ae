//! The passwords the policy benchmarks check: the same set, from a fixed
//! seed, for the criterion bench and the whole-process comparison
//! (`examples/zxcvbn_batch.rs`).

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

/// What people type: a word dressed up, random characters, or a passphrase.
pub fn passwords(count: usize) -> Vec<String> {
    let words: Vec<&str> = include_str!("../../data/common-words.txt")
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
    (0..count)
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
