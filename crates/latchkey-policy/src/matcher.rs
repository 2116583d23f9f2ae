//! Finding words in every reading of a password at once.
//!
//! Writing out every reading of a password is exponential in its ambiguous
//! characters (`1!1!1!…`). Instead one Aho-Corasick automaton, built once
//! for a word list, is walked with a *set* of states: at each position every
//! state advances on every reading, and duplicate states merge. The set stays
//! small (it holds only states that are prefixes of some word), so the cost
//! is linear in the password's length.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, MatchKind, dfa};

use crate::WordListError;
use crate::fold::Position;
use crate::frozen::Frozen;

/// An automaton walked one byte at a time.
pub(crate) trait Steps {
    type State: Copy + PartialEq;
    fn start(&self) -> Self::State;
    fn next(&self, state: Self::State, byte: u8) -> Self::State;
    /// Adds the word numbers `state` ends to `found`.
    fn matches(&self, state: Self::State, found: &mut Vec<usize>);
}

/// A list of folded words and the automaton that finds them.
pub(crate) enum WordMatcher {
    /// A list read at run time (a configured file): a DFA, the slowest to
    /// build and the fastest to run, built once.
    Built(Box<Built>),
    /// The built-in list, compiled with the crate; its words shorter than
    /// `min_length` are not looked for.
    Frozen {
        frozen: &'static Frozen,
        min_length: usize,
    },
}

pub(crate) struct Built {
    automaton: dfa::DFA,
    start: StateID,
    words: Vec<String>,
}

impl Steps for Built {
    type State = StateID;

    fn start(&self) -> StateID {
        self.start
    }

    fn next(&self, state: StateID, byte: u8) -> StateID {
        self.automaton.next_state(Anchored::No, state, byte)
    }

    fn matches(&self, state: StateID, found: &mut Vec<usize>) {
        let aut = &self.automaton;
        if aut.is_match(state) {
            found.extend((0..aut.match_len(state)).map(|i| aut.match_pattern(state, i).as_usize()));
        }
    }
}

impl WordMatcher {
    pub(crate) fn new(words: Vec<String>) -> Result<Self, WordListError> {
        let automaton = dfa::DFA::builder()
            .match_kind(MatchKind::Standard)
            .build(&words)
            .map_err(|e| WordListError::Build(e.to_string()))?;
        let start = automaton
            .start_state(Anchored::No)
            .map_err(|e| WordListError::Build(e.to_string()))?;
        Ok(WordMatcher::Built(Box::new(Built {
            automaton,
            start,
            words,
        })))
    }

    /// The built-in list, words of `min_length` characters or more.
    pub(crate) fn builtin(min_length: usize) -> Result<Self, WordListError> {
        let frozen = Frozen::builtin()?;
        let matcher = WordMatcher::Frozen { frozen, min_length };
        if matcher.len() == 0 {
            return Err(WordListError::Empty(min_length));
        }
        Ok(matcher)
    }

    pub(crate) fn len(&self) -> usize {
        match self {
            WordMatcher::Built(built) => built.words.len(),
            WordMatcher::Frozen { frozen, min_length } => frozen
                .words()
                .iter()
                .filter(|word| word.chars().count() >= *min_length)
                .count(),
        }
    }

    /// The indices (into the word list) of every word that occurs in some
    /// reading of the password, each once, in ascending order.
    pub(crate) fn find(&self, password: &[Position]) -> Vec<usize> {
        match self {
            WordMatcher::Built(built) => walk(built.as_ref(), password),
            WordMatcher::Frozen { frozen, min_length } => {
                let mut found = walk(*frozen, password);
                found.retain(|&index| frozen.word(index).chars().count() >= *min_length);
                found
            }
        }
    }

    pub(crate) fn word(&self, index: usize) -> &str {
        match self {
            WordMatcher::Built(built) => &built.words[index],
            WordMatcher::Frozen { frozen, .. } => frozen.word(index),
        }
    }
}

fn walk<A: Steps>(automaton: &A, password: &[Position]) -> Vec<usize> {
    let mut states = vec![automaton.start()];
    let mut next = Vec::with_capacity(4);
    let mut found = Vec::new();
    let mut utf8 = [0u8; 4];
    for &position in password {
        next.clear();
        for &state in &states {
            for reading in position.readings() {
                let mut sid = state;
                for &byte in reading.encode_utf8(&mut utf8).as_bytes() {
                    sid = automaton.next(sid, byte);
                }
                automaton.matches(sid, &mut found);
                if !next.contains(&sid) {
                    next.push(sid);
                }
            }
        }
        std::mem::swap(&mut states, &mut next);
    }
    found.sort_unstable();
    found.dedup();
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold::positions;

    /// The compiled built-in automaton finds exactly what one built from the
    /// same list at run time finds, in every reading.
    #[test]
    fn the_compiled_dictionary_finds_what_a_built_one_finds() {
        let text = include_str!("../data/common-words.txt");
        for min_length in [4, 6] {
            let built = WordMatcher::new(crate::words::prepare(text, min_length)).unwrap();
            let frozen = WordMatcher::builtin(min_length).unwrap();
            assert_eq!(frozen.len(), built.len());
            let words: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
            let mut tried = 0;
            for (i, word) in words.iter().enumerate().step_by(7) {
                let next = words[(i * 31 + 5) % words.len()];
                for password in [
                    format!("X{word}9!"),
                    format!("{}{}", word.replace('o', "0").replace('a', "@"), next),
                    format!("1!1!{word}|$"),
                ] {
                    let readings = positions(&password);
                    let found = |m: &WordMatcher| -> Vec<String> {
                        m.find(&readings)
                            .into_iter()
                            .map(|i| m.word(i).to_owned())
                            .collect()
                    };
                    let expected = found(&built);
                    assert!(
                        !expected.is_empty() || word.len() < min_length,
                        "{password}"
                    );
                    assert_eq!(found(&frozen), expected, "{password}");
                    tried += 1;
                }
            }
            assert!(tried > 4_000);
        }
    }
}
