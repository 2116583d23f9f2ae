//! The whole-process reference for `latchkey policy check --batch`: the
//! `zxcvbn` estimator over the same passwords, one a line on standard
//! input, one JSON verdict a line out. With `--generate N` it prints the
//! benchmarks' N generated passwords instead.
//!
//!     cargo run --release -p latchkey-policy --example zxcvbn_batch -- --generate 20000 > 20k.txt
//!     hyperfine -N --input 20k.txt \
//!       'target/release/examples/zxcvbn_batch' \
//!       'target/release/latchkey policy check --batch --username jdoe --name "John Doe"'

#![allow(clippy::unwrap_used, clippy::expect_used)] // a measuring tool may panic

use std::io::{BufRead, BufWriter, Write};

#[path = "../benches/support/passwords.rs"]
mod passwords;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    if let [_, flag, count] = args.as_slice()
        && flag == "--generate"
    {
        for password in passwords::passwords(count.parse().expect("a count")) {
            writeln!(out, "{password}").unwrap();
        }
        return;
    }
    // The same person the policy is told about.
    let user_inputs = ["jdoe", "John", "Doe"];
    for line in std::io::stdin().lock().lines() {
        let password = line.unwrap();
        let estimate = zxcvbn::zxcvbn(&password, &user_inputs);
        writeln!(
            out,
            "{{\"score\":{},\"guesses_log10\":{:.2}}}",
            u8::from(estimate.score()),
            estimate.guesses_log10()
        )
        .unwrap();
    }
}
