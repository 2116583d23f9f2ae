//! The `[policy]` section of the configuration: every rule can be tuned or
//! switched off. The defaults are the university's rules.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// The `[policy]` section as resolved: a preset's rules, then every key
/// the file sets over them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "PolicySettings")]
pub struct PolicyConfig {
    /// The rules the other keys start from.
    pub preset: Preset,
    /// Fewest characters (Unicode scalar values); 0 switches the rule off.
    pub min_length: usize,
    /// Fewest characters for a person with no second factor registered
    /// (whose password alone signs them in); 0 means `min_length` applies
    /// to everyone.
    pub min_length_single_factor: usize,
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
    /// Must not be (or, by `dictionary_match`, contain) a dictionary word.
    pub dictionary_word: bool,
    /// `contains`: no dictionary word anywhere in the password; `whole`:
    /// the password is not itself one (NIST SP 800-63B-4's blocklist).
    pub dictionary_match: WordMatch,
    /// Dictionary words shorter than this are ignored.
    pub dictionary_min_word_length: usize,
    /// A word list (one word a line, `#` comments) used instead of the
    /// built-in one. Read by the caller: this crate does no I/O.
    pub dictionary_file: Option<PathBuf>,
    /// A list of breached passwords (one a line); when set, the `breached`
    /// rule refuses any password that is on it.
    pub breached_file: Option<PathBuf>,
    /// A filter of a breach corpus, built by `latchkey breached build`; when
    /// set, the `breached` rule refuses any password in it.
    pub breached_filter: Option<PathBuf>,
    /// How many passwords the history rule remembers: the current one and
    /// the ones before it. 0 switches the rule off.
    pub history: usize,
    /// What a sign-in does with a right password that these rules refuse.
    pub check_at_signin: SignInCheck,
}

/// A named set of rules: the university's own, or NIST's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Preset {
    /// The university's rules: 8 characters, upper, lower and special, no
    /// names, no dictionary word anywhere, not one of the last 24.
    #[default]
    #[serde(rename = "university")]
    University,
    /// NIST SP 800-63B-4 (section 3.1.1.2): 15 characters where the password
    /// is the only factor and 8 with a second, no composition rules, at
    /// least 64 allowed, and the whole password screened against
    /// dictionary and breached lists.
    #[serde(rename = "nist-800-63b-4")]
    Nist80063b4,
}

impl Preset {
    pub fn name(self) -> &'static str {
        match self {
            Preset::University => "university",
            Preset::Nist80063b4 => "nist-800-63b-4",
        }
    }

    /// The preset's rules.
    pub fn config(self) -> PolicyConfig {
        let university = PolicyConfig {
            preset: self,
            min_length: 8,
            min_length_single_factor: 0,
            max_length: 128,
            uppercase: true,
            lowercase: true,
            special: true,
            contains_username: true,
            contains_name: true,
            min_name_length: 3,
            dictionary_word: true,
            dictionary_match: WordMatch::Contains,
            dictionary_min_word_length: 4,
            dictionary_file: None,
            breached_file: None,
            breached_filter: None,
            history: 24,
            check_at_signin: SignInCheck::AllRules,
        };
        match self {
            Preset::University => university,
            Preset::Nist80063b4 => PolicyConfig {
                min_length: 8,
                min_length_single_factor: 15,
                uppercase: false,
                lowercase: false,
                special: false,
                dictionary_match: WordMatch::Whole,
                ..university
            },
        }
    }
}

/// How the dictionary rule compares.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WordMatch {
    #[default]
    Contains,
    Whole,
}

/// What a sign-in does with a right password that today's rules refuse.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInCheck {
    /// Breaks any rule (history aside): a new one is chosen before going on.
    #[default]
    AllRules,
    /// Only a breached password must be changed.
    Breached,
    /// Nothing is checked at sign-in.
    Off,
}

impl Default for PolicyConfig {
    fn default() -> Self {
        Preset::University.config()
    }
}

/// `[policy]` as written: a preset, and the keys set over it.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct PolicySettings {
    preset: Preset,
    min_length: Option<usize>,
    min_length_single_factor: Option<usize>,
    max_length: Option<usize>,
    uppercase: Option<bool>,
    lowercase: Option<bool>,
    special: Option<bool>,
    contains_username: Option<bool>,
    contains_name: Option<bool>,
    min_name_length: Option<usize>,
    dictionary_word: Option<bool>,
    dictionary_match: Option<WordMatch>,
    dictionary_min_word_length: Option<usize>,
    dictionary_file: Option<PathBuf>,
    breached_file: Option<PathBuf>,
    breached_filter: Option<PathBuf>,
    history: Option<usize>,
    check_at_signin: Option<SignInCheck>,
}

impl From<PolicySettings> for PolicyConfig {
    fn from(set: PolicySettings) -> PolicyConfig {
        let preset = set.preset.config();
        PolicyConfig {
            preset: set.preset,
            min_length: set.min_length.unwrap_or(preset.min_length),
            min_length_single_factor: set
                .min_length_single_factor
                .unwrap_or(preset.min_length_single_factor),
            max_length: set.max_length.unwrap_or(preset.max_length),
            uppercase: set.uppercase.unwrap_or(preset.uppercase),
            lowercase: set.lowercase.unwrap_or(preset.lowercase),
            special: set.special.unwrap_or(preset.special),
            contains_username: set.contains_username.unwrap_or(preset.contains_username),
            contains_name: set.contains_name.unwrap_or(preset.contains_name),
            min_name_length: set.min_name_length.unwrap_or(preset.min_name_length),
            dictionary_word: set.dictionary_word.unwrap_or(preset.dictionary_word),
            dictionary_match: set.dictionary_match.unwrap_or(preset.dictionary_match),
            dictionary_min_word_length: set
                .dictionary_min_word_length
                .unwrap_or(preset.dictionary_min_word_length),
            dictionary_file: set.dictionary_file.or(preset.dictionary_file),
            breached_file: set.breached_file.or(preset.breached_file),
            breached_filter: set.breached_filter.or(preset.breached_filter),
            history: set.history.unwrap_or(preset.history),
            check_at_signin: set.check_at_signin.unwrap_or(preset.check_at_signin),
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
        if self.min_length_single_factor > 0
            && self.max_length > 0
            && self.min_length_single_factor > self.max_length
        {
            return problem(
                "min_length_single_factor",
                format!(
                    "is {} but max_length is {}; no password could pass",
                    self.min_length_single_factor, self.max_length
                ),
            );
        }
        if self.history > MAX_HISTORY {
            return problem("history", format!("must be at most {MAX_HISTORY}"));
        }
        Ok(())
    }

    /// The fewest characters for a person with or without a second factor.
    pub fn min_length_for(&self, second_factor: bool) -> usize {
        match second_factor {
            true => self.min_length,
            false => self.min_length.max(self.min_length_single_factor),
        }
    }

    /// Where these rules fall short of their preset's standard: one
    /// sentence each, for `config check`. The university's preset is its
    /// own standard; NIST's has floors that explicit keys may go below.
    pub fn short_of_preset(&self) -> Vec<String> {
        let mut short = Vec::new();
        if self.preset != Preset::Nist80063b4 {
            return short;
        }
        let standard = "NIST SP 800-63B-4";
        if self.min_length < 8 {
            short.push(format!(
                "min_length = {} is below {standard}'s 8",
                self.min_length
            ));
        }
        if self.min_length_for(false) < 15 {
            short.push(format!(
                "a password that is the only factor may have {} characters; {standard} asks for 15",
                self.min_length_for(false)
            ));
        }
        if self.max_length != 0 && self.max_length < 64 {
            short.push(format!(
                "max_length = {} is below {standard}'s 64",
                self.max_length
            ));
        }
        if self.uppercase || self.lowercase || self.special {
            short.push(format!(
                "{standard} asks for no composition rules (uppercase, lowercase, special)"
            ));
        }
        if self.breached_file.is_none() && self.breached_filter.is_none() {
            short.push(format!(
                "{standard} asks for breached-password screening: set policy.breached_filter (see `latchkey breached build`)"
            ));
        }
        short
    }
}
