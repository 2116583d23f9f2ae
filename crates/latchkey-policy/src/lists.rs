//! The word lists behind `dictionary_word` and `breached`.

use std::collections::HashSet;

use crate::matcher::WordMatcher;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordListError {
    #[error("has no words of {0} or more letters")]
    Empty(usize),
    #[error("cannot be compiled: {0}")]
    Build(String),
}

/// Common words, compiled once into an automaton and shared by every check.
pub struct Dictionary {
    matcher: WordMatcher,
}

impl Dictionary {
    /// The built-in list of common English words.
    /// Compiled with the crate (`build.rs`): ready in microseconds.
    pub fn builtin(min_word_length: usize) -> Result<Dictionary, WordListError> {
        Ok(Dictionary {
            matcher: WordMatcher::builtin(min_word_length)?,
        })
    }

    /// A word list as text: one word a line; blank lines and lines starting
    /// with `#` are skipped; words are folded like passwords are, and those
    /// shorter than `min_word_length` are ignored.
    pub fn parse(text: &str, min_word_length: usize) -> Result<Dictionary, WordListError> {
        let words = crate::words::prepare(text, min_word_length);
        if words.is_empty() {
            return Err(WordListError::Empty(min_word_length));
        }
        Ok(Dictionary {
            matcher: WordMatcher::new(words)?,
        })
    }

    pub fn len(&self) -> usize {
        self.matcher.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn matcher(&self) -> &WordMatcher {
        &self.matcher
    }
}

/// Passwords known from breaches, compared with the whole password exactly
/// as typed. A text list ([`BreachedList`]) and a corpus filter (the
/// `latchkey-breached` crate) are both one.
pub trait BreachedSet: Send + Sync {
    fn contains(&self, password: &str) -> bool;
}

/// Passwords known from breaches, one a line of a small list, held in memory.
#[derive(Debug, Default, Clone)]
pub struct BreachedList {
    passwords: HashSet<String>,
}

impl BreachedList {
    /// One password a line, exactly as it was breached (no comments: `#` is
    /// a common first character of a password).
    pub fn parse(text: &str) -> BreachedList {
        BreachedList {
            passwords: text
                .lines()
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }

    pub fn contains(&self, password: &str) -> bool {
        self.passwords.contains(password)
    }

    pub fn len(&self) -> usize {
        self.passwords.len()
    }

    pub fn is_empty(&self) -> bool {
        self.passwords.is_empty()
    }
}

impl BreachedSet for BreachedList {
    fn contains(&self, password: &str) -> bool {
        BreachedList::contains(self, password)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_list_is_large_and_only_long_words() {
        let dictionary = Dictionary::builtin(4).unwrap();
        assert!(dictionary.len() >= 10_000, "{} words", dictionary.len());
        assert!(Dictionary::builtin(6).unwrap().len() < dictionary.len());
    }

    #[test]
    fn parse_skips_comments_blank_and_short_lines_and_folds() {
        let dictionary =
            Dictionary::parse("# comment\n\nCAFÉ\ncat\n  tiger  \ntiger\n", 4).unwrap();
        assert_eq!(dictionary.len(), 2);
        assert_eq!(dictionary.matcher().word(0), "cafe");
        assert_eq!(dictionary.matcher().word(1), "tiger");
    }

    #[test]
    fn a_list_with_no_usable_word_is_an_error() {
        assert_eq!(
            Dictionary::parse("# only\ncat\n", 4).err(),
            Some(WordListError::Empty(4))
        );
    }

    #[test]
    fn breached_passwords_match_exactly() {
        let list = BreachedList::parse("Password1!\n#hashtag\r\n\n");
        assert!(list.contains("Password1!"));
        assert!(!list.contains("password1!"));
        assert_eq!(list.len(), 2);
    }
}
