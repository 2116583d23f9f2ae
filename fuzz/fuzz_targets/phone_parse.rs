//! Any text typed as a phone number: parsing never panics, what it accepts
//! is E.164 and stays the same when parsed again, and masking never panics
//! and never shows more than the last four digits.
#![no_main]

use latchkey::model::account::{mask_phone, normalize_phone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let Ok(e164) = normalize_phone(text) else {
        return;
    };
    assert!(e164.starts_with('+'), "{e164}");
    assert!(e164[1..].chars().all(|c| c.is_ascii_digit()), "{e164}");
    assert_eq!(normalize_phone(&e164).as_deref(), Ok(e164.as_str()));
    let masked = mask_phone(&e164);
    let shown: usize = masked.chars().filter(char::is_ascii_digit).count();
    let country = e164.len().min(3) - 1;
    assert!(shown <= 4 + country, "{masked}");
});
