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

/// A list of folded words and the automaton that finds them: a DFA, the
/// slowest to build and the fastest to run, for a list built once.
pub(crate) struct WordMatcher {
    automaton: dfa::DFA,
    start: StateID,
    words: Vec<String>,
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
        Ok(WordMatcher {
            automaton,
            start,
            words,
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.words.len()
    }

    /// The indices (into the word list) of every word that occurs in some
    /// reading of the password, each once, in ascending order.
    pub(crate) fn find(&self, password: &[Position]) -> Vec<usize> {
        let aut = &self.automaton;
        let mut states = vec![self.start];
        let mut next = Vec::with_capacity(4);
        let mut found = Vec::new();
        let mut utf8 = [0u8; 4];
        for &position in password {
            next.clear();
            for &state in &states {
                for reading in position.readings() {
                    let mut sid = state;
                    for &byte in reading.encode_utf8(&mut utf8).as_bytes() {
                        sid = aut.next_state(Anchored::No, sid, byte);
                    }
                    if aut.is_match(sid) {
                        found.extend(
                            (0..aut.match_len(sid)).map(|i| aut.match_pattern(sid, i).as_usize()),
                        );
                    }
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

    pub(crate) fn word(&self, index: usize) -> &str {
        &self.words[index]
    }
}
