//! A word list as text, made ready for the matcher: shared by the crate and
//! its build script, which compiles the built-in list ahead of time.

use crate::fold::fold;

/// One word a line; blank lines and lines starting with `#` skipped; each
/// folded like passwords are; those shorter than `min_length` characters
/// dropped; sorted, each once.
pub(crate) fn prepare(text: &str, min_length: usize) -> Vec<String> {
    let mut words: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(fold)
        .filter(|word| word.chars().count() >= min_length)
        .collect();
    words.sort_unstable();
    words.dedup();
    words
}
