//! The checker: one password, one person, every rule.

use std::sync::Arc;

use crate::config::{PolicyConfig, WordMatch};
use crate::fold::{Position, fold, positions};
use crate::lists::{BreachedSet, Dictionary, WordListError};
use crate::rule::{Requirement, Rule, Verdict, Violation, describe, requirement_detail};

/// Who the password is for: the rules that forbid a person's own names need them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Person<'a> {
    pub username: &'a str,
    /// The full name, as the directory holds it ("Mary-Jane O'Neil").
    pub name: &'a str,
    pub email: Option<&'a str>,
    /// A second factor is registered, so the password is never the only
    /// proof (`min_length_single_factor` does not apply).
    pub second_factor: bool,
}

/// How many dictionary words a message names before it says "and others".
const WORDS_NAMED: usize = 5;

/// A configured password policy. Build it once and share it: the dictionary
/// automaton is compiled when the policy is built, not per check. A clone
/// (or a [`Policy::with_config`] variant) shares the lists.
#[derive(Clone)]
pub struct Policy {
    config: PolicyConfig,
    /// Shared by the variants [`Policy::with_config`] makes.
    dictionary: Option<Arc<Dictionary>>,
    breached: Arc<Vec<Box<dyn BreachedSet>>>,
}

impl Policy {
    /// `dictionary` is only consulted when `config.dictionary_word` is on;
    /// any `breached` set switches the `breached` rule on.
    pub fn new(
        config: PolicyConfig,
        dictionary: Option<Dictionary>,
        breached: Vec<Box<dyn BreachedSet>>,
    ) -> Policy {
        let dictionary = dictionary.filter(|_| config.dictionary_word).map(Arc::new);
        Policy {
            config,
            dictionary,
            breached: Arc::new(breached),
        }
    }

    /// The same lists under other settings (one person's stricter rules,
    /// say), without building the dictionary's automaton again. A
    /// dictionary this policy did not load stays off.
    pub fn with_config(&self, config: PolicyConfig) -> Policy {
        let dictionary = self.dictionary.clone().filter(|_| config.dictionary_word);
        Policy {
            config,
            dictionary,
            breached: Arc::clone(&self.breached),
        }
    }

    /// The policy with the built-in dictionary and no breached list.
    pub fn with_builtin_dictionary(config: PolicyConfig) -> Result<Policy, WordListError> {
        let dictionary = match config.dictionary_word {
            true => Some(Dictionary::builtin(config.dictionary_min_word_length)?),
            false => None,
        };
        Ok(Policy::new(config, dictionary, Vec::new()))
    }

    pub fn config(&self) -> &PolicyConfig {
        &self.config
    }

    /// How many past passwords (the current one included) a new one must differ from.
    pub fn history_depth(&self) -> usize {
        self.config.history
    }

    /// The checklist of the rules in force, in the order pages show them.
    pub fn requirements(&self) -> Vec<Requirement> {
        Rule::ALL
            .into_iter()
            .filter_map(|rule| {
                let description = describe(rule, &self.config, !self.breached.is_empty())?;
                let detail = requirement_detail(rule, &self.config);
                Some(Requirement {
                    rule,
                    description,
                    detail,
                })
            })
            .collect()
    }

    /// Every rule except `history`, which needs the account store. Cheap and
    /// pure: call it as the person types.
    pub fn check(&self, password: &str, person: &Person<'_>) -> Verdict {
        let config = &self.config;
        let mut violations = Vec::new();

        let length = password.chars().count();
        let min_length = config.min_length_for(person.second_factor);
        if min_length > 0 && length < min_length {
            violations.push(Violation::min_length(min_length, length));
        }
        if config.max_length > 0 && length > config.max_length {
            violations.push(Violation::max_length(config.max_length, length));
        }
        if config.uppercase && !password.chars().any(char::is_uppercase) {
            violations.push(Violation::uppercase());
        }
        if config.lowercase && !password.chars().any(char::is_lowercase) {
            violations.push(Violation::lowercase());
        }
        if config.special && !password.chars().any(is_special) {
            violations.push(Violation::special());
        }

        let wants_names = config.contains_username || config.contains_name;
        if wants_names || self.dictionary.is_some() {
            let readings = positions(password);
            if wants_names {
                violations.extend(self.check_names(&readings, person));
            }
            if let Some(dictionary) = &self.dictionary {
                let whole = config.dictionary_match == WordMatch::Whole;
                let found: Vec<String> = dictionary
                    .matcher()
                    .find(&readings)
                    .into_iter()
                    .map(|index| dictionary.matcher().word(index))
                    // One character a position: a word as long as the
                    // password is the whole password.
                    .filter(|word| !whole || word.chars().count() == readings.len())
                    .map(str::to_owned)
                    .collect();
                let (named, more) = longest_distinct(found, WORDS_NAMED);
                if !named.is_empty() {
                    violations.push(Violation::dictionary_word(&named, more, whole));
                }
            }
        }

        if self.breached.iter().any(|set| set.contains(password)) {
            violations.push(Violation::breached());
        }
        Verdict { violations }
    }

    /// `contains_username` and `contains_name`: a person has a handful of
    /// names, so each is looked for directly rather than through an automaton.
    fn check_names(&self, readings: &[Position], person: &Person<'_>) -> Vec<Violation> {
        let config = &self.config;
        let long_enough = |word: &String| word.chars().count() >= config.min_name_length;
        let mut own: Vec<String> = Vec::new();
        if config.contains_username {
            own.push(fold(person.username.trim()));
            if let Some((local, _domain)) = person.email.and_then(|email| email.rsplit_once('@')) {
                own.push(fold(local.trim()));
            }
            own.retain(long_enough);
        }
        let username_words = own.len();
        if config.contains_name {
            own.extend(
                fold(person.name)
                    .split(|c: char| !c.is_alphabetic())
                    .map(str::to_owned)
                    .filter(long_enough),
            );
        }
        let (mut username_hits, mut name_hits) = (Vec::new(), Vec::new());
        for (index, word) in own.into_iter().enumerate() {
            let hits = if index < username_words {
                &mut username_hits
            } else {
                &mut name_hits
            };
            if !hits.contains(&word) && occurs(&word, readings) {
                hits.push(word);
            }
        }
        let mut violations = Vec::new();
        if !username_hits.is_empty() {
            violations.push(Violation::contains_username(&username_hits));
        }
        if !name_hits.is_empty() {
            violations.push(Violation::contains_name(&name_hits));
        }
        violations
    }
}

/// Whether some reading of the password holds `word` (already folded).
fn occurs(word: &str, readings: &[Position]) -> bool {
    let word: Vec<char> = word.chars().collect();
    !word.is_empty()
        && readings.windows(word.len()).any(|window| {
            window
                .iter()
                .zip(&word)
                .all(|(position, &c)| position.reads(c))
        })
}

/// Special: anything that is not a letter, a digit, white space or a control
/// character (so punctuation, symbols and emoji count).
pub(crate) fn is_special(c: char) -> bool {
    !c.is_alphanumeric() && !c.is_whitespace() && !c.is_control()
}

/// Up to `limit` of the longest words that are not part of a longer word found
/// ("password", not also "pass" and "word"), longest first, and whether
/// more were left out.
fn longest_distinct(mut words: Vec<String>, limit: usize) -> (Vec<String>, bool) {
    words.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    let mut kept: Vec<String> = Vec::new();
    for word in words {
        if kept.iter().any(|longer| longer.contains(word.as_str())) {
            continue;
        }
        if kept.len() == limit {
            return (kept, true);
        }
        kept.push(word);
    }
    (kept, false)
}
