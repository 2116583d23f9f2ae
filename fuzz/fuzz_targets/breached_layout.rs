//! Any bytes as a breached-password filter file: parsing never panics, and
//! what it accepts is safe to look up in (every index a lookup can reach
//! is inside the file). Written to a file and opened as the server does.
#![no_main]

use latchkey_breached::{BreachedFilter, HEADER_LEN, Layout};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if Layout::parse(bytes).is_err() {
        return;
    }
    let path = std::env::temp_dir().join(format!("breached-fuzz-{}.bin", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let filter = BreachedFilter::open(&path).unwrap();
    assert!(bytes.len() >= HEADER_LEN);
    for key in [0, 1, u64::MAX, 0x5BAA_61E4_C9B9_3F3F, 1 << 63] {
        let _ = filter.contains_key(key);
    }
    let _ = filter.contains("password");
    let _ = std::fs::remove_file(&path);
});
