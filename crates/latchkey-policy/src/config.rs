//! The `[policy]` section of the configuration: every rule can be tuned or
//! switched off. The defaults are the university's rules.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PolicyConfig {
    /// Fewest characters (Unicode scalar values); 0 switches the rule off.
    pub min_length: usize,
    /// Most characters; 0 switches the rule off. A bound keeps hashing cheap
    /// and stays within what directories accept (Active Directory: 256).
    pub max_length: usize,
    /// At least one upper-case letter.
    pub uppercase: bool,
    /// At least one lower-case letter.
    pub lowercase: bool,
    /// At least one character that is not a letter, digit, space or control.
    pub special: bool,
    /// Must not contain the username, nor the name part of the email address.
    pub contains_username: bool,
    /// Must not contain any part of the person's name.
    pub contains_name: bool,
    /// Usernames, email names and name parts shorter than this are not looked
    /// for (a surname such as "Li" would forbid too much).
    pub min_name_length: usize,
    /// Must not contain a word of the dictionary.
    pub dictionary_word: bool,
    /// Dictionary words shorter than this are ignored.
    pub dictionary_min_word_length: usize,
    /// A word list (one word a line, `#` comments) used instead of the
    /// built-in one. Read by the caller: this crate does no I/O.
    pub dictionary_file: Option<PathBuf>,
    /// A list of breached passwords (one a line); when set, the `breached`
    /// rule refuses any password that is on it.
    pub breached_file: Option<PathBuf>,
    /// How many passwords the history rule remembers: the current one and
    /// the ones before it. 0 switches the rule off.
    pub history: usize,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        PolicyConfig {
            min_length: 8,
            max_length: 128,
            uppercase: true,
            lowercase: true,
            special: true,
            contains_username: true,
            contains_name: true,
            min_name_length: 3,
            dictionary_word: true,
            dictionary_min_word_length: 4,
            dictionary_file: None,
            breached_file: None,
            history: 24,
        }
    }
}

/// A setting that cannot work, with the key to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {reason}")]
pub struct ConfigProblem {
    pub key: &'static str,
    pub reason: String,
}

/// Most histories that are kept; deeper ones cost a hash verification per
/// entry on every change and no policy asks for them.
pub const MAX_HISTORY: usize = 100;

impl PolicyConfig {
    /// Settings that parse but contradict each other or cannot work.
    pub fn validate(&self) -> Result<(), ConfigProblem> {
        let problem = |key, reason: String| Err(ConfigProblem { key, reason });
        if self.max_length > 0 && self.min_length > self.max_length {
            return problem(
                "min_length",
                format!(
                    "is {} but max_length is {}; no password could pass",
                    self.min_length, self.max_length
                ),
            );
        }
        if self.min_name_length < 2 {
            return problem("min_name_length", "must be 2 or more".into());
        }
        if self.dictionary_min_word_length < 2 {
            return problem("dictionary_min_word_length", "must be 2 or more".into());
        }
        if self.history > MAX_HISTORY {
            return problem("history", format!("must be at most {MAX_HISTORY}"));
        }
        Ok(())
    }
}
