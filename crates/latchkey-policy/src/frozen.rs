//! The built-in dictionary's automaton as `build.rs` compiled it, read where
//! it lies in the binary: nothing is built or copied at start.

use std::sync::OnceLock;

use crate::WordListError;

const BYTES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/dictionary.bin"));
const WORDS: &str = include_str!(concat!(env!("OUT_DIR"), "/dictionary.txt"));

/// A dense DFA: a row of transitions for each state, one per byte class,
/// and the words each state ends.
pub(crate) struct Frozen {
    classes: &'static [u8],
    class_count: usize,
    transitions: &'static [u8],
    offsets: &'static [u8],
    matches: &'static [u8],
    words: Vec<&'static str>,
}

fn u32_at(bytes: &[u8], index: usize) -> u32 {
    let at = index * 4;
    u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
}

impl Frozen {
    /// The built-in one, its layout checked once.
    pub(crate) fn builtin() -> Result<&'static Frozen, WordListError> {
        static BUILTIN: OnceLock<Result<Frozen, WordListError>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Frozen::read(BYTES, WORDS))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn read(bytes: &'static [u8], words: &'static str) -> Result<Frozen, WordListError> {
        let broken = || WordListError::Build("the compiled dictionary is damaged".into());
        let header = bytes.get(..16).ok_or_else(broken)?;
        if &header[..4] != b"LKD1" {
            return Err(broken());
        }
        let (states, class_count) = (u32_at(header, 1) as usize, u32_at(header, 2) as usize);
        let classes = bytes.get(16..16 + 256).ok_or_else(broken)?;
        let rest = &bytes[16 + 256..];
        let (transitions, rest) = rest
            .split_at_checked(states * class_count * 4)
            .ok_or_else(broken)?;
        let (offsets, matches) = rest.split_at_checked((states + 1) * 4).ok_or_else(broken)?;
        let words: Vec<&'static str> = words.lines().collect();
        // The sizes are checked here; the numbers inside were written by
        // build.rs with the words beside them, and every read is bounds
        // checked all the same.
        if matches.len() % 4 != 0
            || classes
                .iter()
                .any(|&class| usize::from(class) >= class_count)
        {
            return Err(broken());
        }
        Ok(Frozen {
            classes,
            class_count,
            transitions,
            offsets,
            matches,
            words,
        })
    }

    pub(crate) fn word(&self, index: usize) -> &'static str {
        self.words[index]
    }

    pub(crate) fn words(&self) -> &[&'static str] {
        &self.words
    }
}

impl crate::matcher::Steps for Frozen {
    type State = u32;

    fn start(&self) -> u32 {
        0
    }

    fn next(&self, state: u32, byte: u8) -> u32 {
        let class = usize::from(self.classes[usize::from(byte)]);
        u32_at(self.transitions, state as usize * self.class_count + class)
    }

    fn matches(&self, state: u32, found: &mut Vec<usize>) {
        let state = state as usize;
        let (from, to) = (u32_at(self.offsets, state), u32_at(self.offsets, state + 1));
        found.extend((from..to).map(|i| u32_at(self.matches, i as usize) as usize));
    }
}
