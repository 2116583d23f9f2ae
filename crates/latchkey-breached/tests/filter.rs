//! Filters built from small generated corpora in each source format, and
//! files that must be refused.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may panic

use std::fs;
use std::path::{Path, PathBuf};

use latchkey_breached::{
    BreachedFilter, BuildError, BuildOptions, FormatError, HashKind, OpenError, Quiet,
    SourceFormat, build,
};
use sha1::{Digest, Sha1};

/// A folder of its own for each test, under the target directory.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("breached")
        .join(name);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn member(i: usize) -> String {
    format!("member-{i}")
}

fn sha1_hex(password: &str) -> String {
    hex::encode_upper(Sha1::digest(password.as_bytes()))
}

fn ntlm_hex(password: &str) -> String {
    use md4::Md4;
    let mut md4 = Md4::new();
    for unit in password.encode_utf16() {
        md4.update(unit.to_le_bytes());
    }
    hex::encode_upper(md4.finalize())
}

/// The corpus's download: `HASH:COUNT` lines, CRLF, ordered by hash; entry
/// `i` was seen `i % 10 + 1` times.
fn corpus(dir: &Path, entries: usize, hash: fn(&str) -> String) -> PathBuf {
    let mut lines: Vec<String> = (0..entries)
        .map(|i| format!("{}:{}\r\n", hash(&member(i)), i % 10 + 1))
        .collect();
    lines.sort();
    let path = dir.join("corpus.txt");
    fs::write(&path, lines.concat()).unwrap();
    path
}

fn options() -> BuildOptions {
    BuildOptions::default()
}

fn open(path: &Path) -> BreachedFilter {
    BreachedFilter::open(path).unwrap()
}

#[test]
fn every_member_is_refused_and_a_password_containing_one_is_not() {
    let dir = folder("members");
    let source = corpus(&dir, 20_000, sha1_hex);
    let out = dir.join("breached.bin");
    let report = build(&source, &out, &options(), &Quiet).unwrap();
    assert_eq!(report.format, SourceFormat::Sha1);
    assert_eq!(report.header.entries, 20_000);
    assert_eq!(report.header.lines, 20_000);
    // About 18 bits at corpus scale; small filters round their segments up.
    assert!(
        report.bits_per_entry() < 21.0,
        "{} bits",
        report.bits_per_entry()
    );
    let filter = open(&out);
    filter.verify().unwrap();
    assert_eq!(filter.header().hash, HashKind::Sha1);
    assert!((0..20_000).all(|i| filter.contains(&member(i))));
    // Whole passwords only: a member inside a longer password is not one.
    assert!(filter.contains("member-12"));
    assert!(!filter.contains("member-12!"));
    assert!(!filter.contains("my member-12 password"));
    // False positives: 1 in 65,536 expected, so about 3 in 200,000.
    let false_positives = (0..200_000)
        .filter(|i| filter.contains(&format!("probe-{i}")))
        .count();
    assert!(false_positives <= 20, "{false_positives} false positives");
}

#[test]
fn the_minimum_count_leaves_out_rare_hashes() {
    let dir = folder("min-count");
    let source = corpus(&dir, 1_000, sha1_hex);
    let out = dir.join("breached.bin");
    let options = BuildOptions {
        min_count: 6,
        ..options()
    };
    let report = build(&source, &out, &options, &Quiet).unwrap();
    assert_eq!(report.header.entries, 500);
    assert_eq!(report.below_min_count, 500);
    let filter = open(&out);
    assert!(filter.contains(&member(5)), "seen 6 times");
    assert!(!filter.contains(&member(4)), "seen 5 times");
}

#[test]
fn the_ntlm_download_is_looked_up_by_ntlm() {
    let dir = folder("ntlm");
    let source = corpus(&dir, 1_000, ntlm_hex);
    let out = dir.join("breached.bin");
    let report = build(&source, &out, &options(), &Quiet).unwrap();
    assert_eq!(report.format, SourceFormat::Ntlm);
    let filter = open(&out);
    assert_eq!(filter.header().hash, HashKind::Ntlm);
    assert!((0..1_000).all(|i| filter.contains(&member(i))));
    assert!(!filter.contains("member-1000"));
}

#[test]
fn a_plain_list_is_hashed_line_by_line_in_any_order_with_duplicates() {
    let dir = folder("plain");
    let source = dir.join("rockyou.txt");
    fs::write(&source, "123456\npassword\r\n\nMonkey!\n123456\n").unwrap();
    let out = dir.join("breached.bin");
    let report = build(&source, &out, &options(), &Quiet).unwrap();
    assert_eq!(report.format, SourceFormat::Plain);
    assert_eq!(report.header.entries, 3);
    assert_eq!(report.duplicates, 1);
    let filter = open(&out);
    assert!(filter.contains("password") && filter.contains("Monkey!") && filter.contains("123456"));
    assert!(!filter.contains("monkey!") && !filter.contains(""));
}

#[test]
fn many_shards_some_empty_answer_as_one() {
    let dir = folder("shards");
    let source = corpus(&dir, 3, sha1_hex);
    let out = dir.join("breached.bin");
    let options = BuildOptions {
        shard_bits: Some(6),
        threads: 3,
        ..options()
    };
    let report = build(&source, &out, &options, &Quiet).unwrap();
    assert_eq!(report.header.shard_bits, 6);
    let filter = open(&out);
    assert!((0..3).all(|i| filter.contains(&member(i))));
    assert!(!filter.contains("member-3"));
}

#[test]
fn the_same_source_builds_the_same_file() {
    let dir = folder("deterministic");
    let source = corpus(&dir, 5_000, sha1_hex);
    let (first, second) = (dir.join("one.bin"), dir.join("two.bin"));
    let options = BuildOptions {
        shard_bits: Some(3),
        ..options()
    };
    build(&source, &first, &options, &Quiet).unwrap();
    build(&source, &second, &options, &Quiet).unwrap();
    assert_eq!(fs::read(first).unwrap(), fs::read(second).unwrap());
}

fn format_error(path: &Path) -> FormatError {
    match BreachedFilter::open(path) {
        Err(OpenError::Format { error, .. }) => error,
        Err(other) => panic!("not a format error: {other}"),
        Ok(_) => panic!("{} was accepted", path.display()),
    }
}

#[test]
fn a_truncated_file_is_refused_with_what_to_do() {
    let dir = folder("truncated");
    let out = dir.join("breached.bin");
    build(&corpus(&dir, 2_000, sha1_hex), &out, &options(), &Quiet).unwrap();
    let bytes = fs::read(&out).unwrap();
    let cut = dir.join("cut.bin");
    fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let error = format_error(&cut);
    assert_eq!(
        error,
        FormatError::Truncated {
            expected: bytes.len() as u64,
            actual: bytes.len() as u64 - 100
        }
    );
    assert!(error.to_string().contains("build it again"), "{error}");
    fs::write(&cut, &bytes[..100]).unwrap();
    assert!(matches!(format_error(&cut), FormatError::Truncated { .. }));
    let message = BreachedFilter::open(&cut).err().unwrap().to_string();
    assert!(message.starts_with(&cut.display().to_string()), "{message}");
}

#[test]
fn another_version_or_another_file_is_refused() {
    let dir = folder("version");
    let out = dir.join("breached.bin");
    build(&corpus(&dir, 100, sha1_hex), &out, &options(), &Quiet).unwrap();
    let mut bytes = fs::read(&out).unwrap();
    bytes[8] = 2;
    let other = dir.join("v2.bin");
    fs::write(&other, &bytes).unwrap();
    let error = format_error(&other);
    assert_eq!(error, FormatError::Version(2));
    assert!(error.to_string().contains("reads version 1"), "{error}");
    let text = dir.join("corpus.txt");
    assert_eq!(format_error(&text), FormatError::NotAFilter);
}

#[test]
fn damage_is_refused_at_open_or_found_by_the_checksum() {
    let dir = folder("damaged");
    let out = dir.join("breached.bin");
    let report = build(&corpus(&dir, 1_000, sha1_hex), &out, &options(), &Quiet).unwrap();
    let bytes = fs::read(&out).unwrap();
    // A descriptor whose segments reach past its fingerprints.
    let mut bad = bytes.clone();
    let table = report.header.table_offset as usize;
    bad[table + 24 + 16..table + 24 + 20].copy_from_slice(&u32::MAX.to_le_bytes());
    let path = dir.join("descriptor.bin");
    fs::write(&path, &bad).unwrap();
    assert!(matches!(format_error(&path), FormatError::Damaged(_)));
    // No segments at all (the fuzzer's find): a lookup would still read
    // two segments past the first, out of bounds.
    let mut bad = bytes.clone();
    bad[table + 24 + 16..table + 24 + 20].copy_from_slice(&0u32.to_le_bytes());
    let path = dir.join("no-segments.bin");
    fs::write(&path, &bad).unwrap();
    assert!(matches!(format_error(&path), FormatError::Damaged(_)));
    // A flipped fingerprint opens, and the checksum finds it.
    let mut flipped = bytes;
    flipped[200] ^= 0xff;
    let path = dir.join("flipped.bin");
    fs::write(&path, &flipped).unwrap();
    let filter = open(&path);
    assert!(filter.verify().is_err());
}

#[test]
fn a_bad_line_names_itself_and_leaves_the_old_filter_in_place() {
    let dir = folder("bad-line");
    let source = corpus(&dir, 100, sha1_hex);
    let out = dir.join("breached.bin");
    build(&source, &out, &options(), &Quiet).unwrap();
    let before = fs::read(&out).unwrap();
    let mut text = fs::read_to_string(&source).unwrap();
    // A copy that stopped part way through a line.
    text.push_str("5BAA61E4C9B93F3F06");
    let broken = dir.join("broken.txt");
    fs::write(&broken, text).unwrap();
    let error = build(&broken, &out, &options(), &Quiet).unwrap_err();
    assert!(
        matches!(&error, BuildError::Line { error, .. } if error.line == 101),
        "{error}"
    );
    assert!(error.to_string().contains("40 hex digits"), "{error}");
    assert_eq!(fs::read(&out).unwrap(), before);
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.contains(".shards-") || name.contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn an_empty_source_is_refused() {
    let dir = folder("empty");
    let source = dir.join("empty.txt");
    fs::write(&source, "\n\n").unwrap();
    let error = build(&source, &dir.join("breached.bin"), &options(), &Quiet).unwrap_err();
    assert!(matches!(error, BuildError::Empty { .. }), "{error}");
    assert!(!dir.join("breached.bin").exists());
}
