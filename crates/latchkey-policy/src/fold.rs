//! Normalisation for the rules that look for words inside a password.
//!
//! A password is folded (upper case to lower case, accents dropped, so
//! `JOSÉ` reads `jose`). Each folded character is a [`Position`] that has one
//! or more readings: the character itself, and the letters it is commonly
//! written in place of (`0` for `o`, `1` for `l` or `i`, `@` for `a`, …). The
//! matcher tries every reading of every position.

use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};

/// The letters a digit or symbol is commonly written in place of. Where there
/// is more than one (`1` reads `l` or `i`), every reading is tried.
pub(crate) fn substitutes(c: char) -> &'static [char] {
    match c {
        '0' => &['o'],
        '1' | '!' | '|' => &['l', 'i'],
        '2' => &['z'],
        '3' | '€' => &['e'],
        '4' | '@' => &['a'],
        '5' | '$' => &['s'],
        '6' => &['g', 'b'],
        '7' | '+' => &['t'],
        '8' => &['b'],
        '9' => &['g'],
        '(' => &['c'],
        _ => &[],
    }
}

/// The folded form of a text: lower case, compatibility-decomposed, accents
/// dropped. Words looked for (names, dictionary entries) are folded this way
/// and nothing more; the password is folded and then given its readings.
pub fn fold(text: &str) -> String {
    folded_chars(text).collect()
}

fn folded_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfkd()
        .flat_map(char::to_lowercase)
        .filter(|c| !is_combining_mark(*c))
}

/// One character of a folded password and what else it may stand for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Position {
    literal: char,
    substitutes: &'static [char],
}

impl Position {
    pub(crate) fn reads(self, c: char) -> bool {
        self.literal == c || self.substitutes.contains(&c)
    }

    pub(crate) fn readings(self) -> impl Iterator<Item = char> {
        std::iter::once(self.literal).chain(self.substitutes.iter().copied())
    }
}

/// The password as the word rules read it.
pub(crate) fn positions(password: &str) -> Vec<Position> {
    folded_chars(password)
        .map(|literal| Position {
            literal,
            substitutes: substitutes(literal),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_lowers_case_and_drops_accents() {
        assert_eq!(fold("JOSÉ Müller"), "jose muller");
        assert_eq!(fold("Ångström"), "angstrom");
        // Compatibility forms: the ligature reads as two letters.
        assert_eq!(fold("ﬁsh"), "fish");
    }

    #[test]
    fn ambiguous_characters_have_every_reading() {
        let readings: Vec<Vec<char>> = positions("1a")
            .into_iter()
            .map(|p| p.readings().collect())
            .collect();
        assert_eq!(readings, vec![vec!['1', 'l', 'i'], vec!['a']]);
    }
}
