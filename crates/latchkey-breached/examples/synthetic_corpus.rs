//! Writes a synthetic corpus in the public corpus's download format, for
//! the figures in `docs/performance.md`: entry `i` is the password
//! `member-{i}`, so `measure` can probe with passwords that are not.
//!
//! ```sh
//! cargo run --release -p latchkey-breached --example synthetic_corpus -- 10000000 corpus-10m.txt
//! cargo run --release -p latchkey-breached --example synthetic_corpus -- 1000000 by-count.txt --order count
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a measuring tool

use std::fs::File;
use std::io::{BufWriter, Write};

use sha1::{Digest, Sha1};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(entries), Some(out)) = (args.first(), args.get(1)) else {
        panic!("usage: synthetic_corpus ENTRIES OUT [--order hash|count]");
    };
    let entries: usize = entries.parse().expect("ENTRIES is a number");
    let by_count = args
        .windows(2)
        .any(|w| w[0] == "--order" && w[1] == "count");
    let mut rows: Vec<([u8; 20], u32)> = (0..entries)
        .map(|i| {
            let digest: [u8; 20] = Sha1::digest(format!("member-{i}").as_bytes()).into();
            // Most hashes are rare, a few common, as in the corpus.
            let spread = u32::from_le_bytes([digest[19], digest[18], 0, 0]);
            (digest, 1 + (1 << (spread % 16)) / (1 + spread % 7))
        })
        .collect();
    match by_count {
        true => rows.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0))),
        false => rows.sort_unstable_by_key(|row| row.0),
    }
    let mut file =
        BufWriter::with_capacity(1 << 20, File::create(out).expect("OUT can be written"));
    let hex = b"0123456789ABCDEF";
    let mut line = Vec::with_capacity(64);
    for (digest, count) in rows {
        line.clear();
        for byte in digest {
            line.push(hex[usize::from(byte >> 4)]);
            line.push(hex[usize::from(byte & 15)]);
        }
        line.extend_from_slice(format!(":{count}\r\n").as_bytes());
        file.write_all(&line).unwrap();
    }
    file.flush().unwrap();
}
