//! The vocabulary every verdict speaks: rule ids, checklist lines and the
//! plain messages a person reads when a rule is broken.

use std::fmt;

use serde::ser::SerializeStruct;
use serde::{Serialize, Serializer};

/// A password rule. The id (`Rule::id`) is stable: the web pages, the JSON
/// API, the CLI and the audit trail all use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    MinLength,
    MaxLength,
    Uppercase,
    Lowercase,
    Special,
    ContainsUsername,
    ContainsName,
    DictionaryWord,
    Breached,
    /// Checked by the account store, which holds the hashes of past passwords.
    History,
}

impl Rule {
    pub const ALL: [Rule; 10] = [
        Rule::MinLength,
        Rule::MaxLength,
        Rule::Uppercase,
        Rule::Lowercase,
        Rule::Special,
        Rule::ContainsUsername,
        Rule::ContainsName,
        Rule::DictionaryWord,
        Rule::Breached,
        Rule::History,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Rule::MinLength => "min_length",
            Rule::MaxLength => "max_length",
            Rule::Uppercase => "uppercase",
            Rule::Lowercase => "lowercase",
            Rule::Special => "special",
            Rule::ContainsUsername => "contains_username",
            Rule::ContainsName => "contains_name",
            Rule::DictionaryWord => "dictionary_word",
            Rule::Breached => "breached",
            Rule::History => "history",
        }
    }

    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.id() == id)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One line of the checklist shown beside a new-password field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requirement {
    pub rule: Rule,
    /// The line in English.
    pub description: String,
    /// What the line names, for saying it in another language.
    #[serde(skip)]
    pub detail: Detail,
}

/// A broken rule and what to do about it, in words a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub rule: Rule,
    /// What to do, in English.
    pub message: String,
    /// What the message names, for saying it in another language.
    #[serde(skip)]
    pub detail: Detail,
}

/// The facts a rule's words name, so that a caller with its own message
/// files can say them in any language: the rule id and these are stable.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    /// The rule's number: a length limit, or the history's depth.
    pub limit: usize,
    /// The password's own length, for a length rule broken; for the
    /// minimum-length line, the minimum without a second factor.
    pub actual: usize,
    /// The words found (dictionary words, parts of a name, the username).
    pub found: Vec<String>,
    /// More words were found than `found` lists.
    pub more: bool,
    /// The dictionary rule matches a whole password, not a part.
    pub whole: bool,
}

impl Violation {
    fn new(rule: Rule, message: String) -> Self {
        Violation {
            rule,
            message,
            detail: Detail::default(),
        }
    }

    fn with(mut self, detail: Detail) -> Self {
        self.detail = detail;
        self
    }

    pub(crate) fn min_length(min: usize, actual: usize) -> Self {
        Self::new(
            Rule::MinLength,
            format!("Too short: use at least {min} characters (this has {actual})."),
        )
        .with(Detail {
            limit: min,
            actual,
            ..Detail::default()
        })
    }

    pub(crate) fn max_length(max: usize, actual: usize) -> Self {
        Self::new(
            Rule::MaxLength,
            format!("Too long: use at most {max} characters (this has {actual})."),
        )
        .with(Detail {
            limit: max,
            actual,
            ..Detail::default()
        })
    }

    fn found(found: &[String], more: bool, whole: bool) -> Detail {
        Detail {
            found: found.to_vec(),
            more,
            whole,
            ..Detail::default()
        }
    }

    pub(crate) fn uppercase() -> Self {
        Self::new(Rule::Uppercase, "Add an upper-case letter (A–Z).".into())
    }

    pub(crate) fn lowercase() -> Self {
        Self::new(Rule::Lowercase, "Add a lower-case letter (a–z).".into())
    }

    pub(crate) fn special() -> Self {
        Self::new(
            Rule::Special,
            format!("Add a special character, such as {SPECIAL_EXAMPLES}."),
        )
    }

    pub(crate) fn contains_username(found: &[String]) -> Self {
        Self::new(
            Rule::ContainsUsername,
            format!(
                "Contains your username {}; leave it out.",
                quoted_list(found)
            ),
        )
        .with(Self::found(found, false, false))
    }

    pub(crate) fn contains_name(found: &[String]) -> Self {
        let what = if found.len() == 1 { "part" } else { "parts" };
        Self::new(
            Rule::ContainsName,
            format!(
                "Contains {}, {what} of your name; leave it out.",
                quoted_list(found)
            ),
        )
        .with(Self::found(found, false, false))
    }

    pub(crate) fn dictionary_word(found: &[String], more: bool, whole: bool) -> Self {
        let message = match (found, more) {
            ([word], _) if whole => {
                format!("Is the common word '{word}'; choose something less guessable.")
            }
            ([word], false) => format!("Contains the common word '{word}'."),
            (_, false) => format!("Contains the common words {}.", quoted_list(found)),
            (_, true) => format!(
                "Contains the common words {} and others.",
                found
                    .iter()
                    .map(|w| format!("'{w}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Self::new(Rule::DictionaryWord, message).with(Self::found(found, more, whole))
    }

    pub(crate) fn breached() -> Self {
        Self::new(
            Rule::Breached,
            "Appears in a list of passwords exposed in data breaches; choose another.".into(),
        )
    }

    /// The store's verdict when a password matches the current one or one of
    /// the `depth - 1` before it.
    pub fn history(depth: usize) -> Self {
        Self::new(
            Rule::History,
            format!(
                "Is the same as one of your last {depth} passwords; choose one you have not used before."
            ),
        )
        .with(Detail {
            limit: depth,
            ..Detail::default()
        })
    }
}

pub(crate) const SPECIAL_EXAMPLES: &str = "! # $ % & * ? or @";

/// The facts a checklist line names (see [`describe`]).
pub(crate) fn requirement_detail(rule: Rule, config: &crate::PolicyConfig) -> Detail {
    let limit = match rule {
        Rule::MinLength => config.min_length_for(true),
        Rule::MaxLength => config.max_length,
        Rule::History => config.history,
        _ => 0,
    };
    Detail {
        limit,
        actual: match rule {
            Rule::MinLength => config.min_length_for(false),
            _ => 0,
        },
        whole: config.dictionary_match == crate::WordMatch::Whole,
        ..Detail::default()
    }
}

/// Checklist wording for each rule. `None` for a rule switched off by config.
pub(crate) fn describe(
    rule: Rule,
    config: &crate::PolicyConfig,
    has_breached: bool,
) -> Option<String> {
    let on = |enabled: bool, text: String| enabled.then_some(text);
    match rule {
        Rule::MinLength => {
            let (with, without) = (config.min_length_for(true), config.min_length_for(false));
            match with == without {
                true => on(with > 0, format!("At least {with} characters")),
                false => Some(format!(
                    "At least {with} characters ({without} without a phone or an authenticator app registered)"
                )),
            }
        }
        Rule::MaxLength => on(
            config.max_length > 0,
            format!("At most {} characters", config.max_length),
        ),
        Rule::Uppercase => on(config.uppercase, "An upper-case letter (A–Z)".into()),
        Rule::Lowercase => on(config.lowercase, "A lower-case letter (a–z)".into()),
        Rule::Special => on(
            config.special,
            format!("A special character, such as {SPECIAL_EXAMPLES}"),
        ),
        Rule::ContainsUsername => on(
            config.contains_username,
            "Does not contain your username".into(),
        ),
        Rule::ContainsName => on(config.contains_name, "Does not contain your name".into()),
        Rule::DictionaryWord => on(
            config.dictionary_word,
            match config.dictionary_match {
                crate::WordMatch::Contains => "Does not contain a common word".into(),
                crate::WordMatch::Whole => "Is not a common word".into(),
            },
        ),
        Rule::Breached => on(
            has_breached,
            "Not a password known from data breaches".into(),
        ),
        Rule::History => on(
            config.history > 0,
            format!("Not one of your last {} passwords", config.history),
        ),
    }
}

/// `'a'`, `'a' and 'b'`, `'a', 'b' and 'c'`.
fn quoted_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("'{item}'")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// The outcome of checking one password: every broken rule, never only the first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verdict {
    pub violations: Vec<Violation>,
}

impl Verdict {
    pub fn accepted(&self) -> bool {
        self.violations.is_empty()
    }

    pub fn breaks(&self, rule: Rule) -> bool {
        self.violations.iter().any(|v| v.rule == rule)
    }

    pub fn rules_broken(&self) -> Vec<Rule> {
        self.violations.iter().map(|v| v.rule).collect()
    }
}

/// `{"accepted": bool, "violations": [{"rule": "...", "message": "..."}]}`:
/// the shape the CLI, the JSON API and the browser checklist share.
impl Serialize for Verdict {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Verdict", 2)?;
        s.serialize_field("accepted", &self.accepted())?;
        s.serialize_field("violations", &self.violations)?;
        s.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_are_unique() {
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
        }
        let mut ids: Vec<_> = Rule::ALL.iter().map(|r| r.id()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len());
        assert_eq!(Rule::from_id("no_such_rule"), None);
    }

    #[test]
    fn lists_read_as_english() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(quoted_list(&words(&["a"])), "'a'");
        assert_eq!(quoted_list(&words(&["a", "b"])), "'a' and 'b'");
        assert_eq!(quoted_list(&words(&["a", "b", "c"])), "'a', 'b' and 'c'");
        assert_eq!(
            Violation::dictionary_word(&words(&["dragon"]), false, false).message,
            "Contains the common word 'dragon'."
        );
        assert_eq!(
            Violation::contains_name(&words(&["john", "smith"])).message,
            "Contains 'john' and 'smith', parts of your name; leave it out."
        );
    }
}
