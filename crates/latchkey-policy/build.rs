//! Compiles the built-in dictionary's automaton ahead of time, so that a
//! process checking passwords starts in microseconds instead of spending
//! 20–30 ms building it (`src/frozen.rs` reads it where it lies).
//!
//! The automaton is aho-corasick's DFA for the folded words, walked from its
//! start state over every byte class and written out as a dense table of
//! transitions with the words each state ends. Format, all integers u32
//! little-endian: "LKD1", states, classes, start; 256 bytes mapping each byte
//! to its class; states × classes transitions (state numbers); states + 1
//! offsets into the match list; the match list (word numbers).

use std::collections::{BTreeSet, HashMap, VecDeque};

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::{Anchored, MatchKind, dfa};

#[allow(dead_code)]
#[path = "src/fold.rs"]
mod fold;
#[allow(dead_code)]
#[path = "src/words.rs"]
mod words;

fn main() {
    println!("cargo::rerun-if-changed=data/common-words.txt");
    println!("cargo::rerun-if-changed=src/fold.rs");
    println!("cargo::rerun-if-changed=src/words.rs");
    let text = std::fs::read_to_string("data/common-words.txt").unwrap_or_else(|e| fail(&e));
    // Every word the list has; the shortest a policy may ask for is
    // applied when the matches are read.
    let words = words::prepare(&text, 1);
    let automaton = dfa::DFA::builder()
        .match_kind(MatchKind::Standard)
        .build(&words)
        .unwrap_or_else(|e| fail(&e));
    let start = automaton
        .start_state(Anchored::No)
        .unwrap_or_else(|e| fail(&e));

    // The bytes words use each get a class; every other byte leads where
    // any byte absent from the words does (back to the start, in effect).
    let alphabet: BTreeSet<u8> = words.iter().flat_map(|w| w.bytes()).collect();
    let other = (0..=255u8)
        .find(|b| !alphabet.contains(b))
        .unwrap_or_else(|| fail(&"the words use every byte"));
    let mut classes = [0u8; 256];
    let mut representatives = vec![other];
    for (class, &byte) in alphabet.iter().enumerate() {
        classes[usize::from(byte)] = u8::try_from(class + 1).unwrap_or_else(|e| fail(&e));
        representatives.push(byte);
    }

    // Breadth first from the start: state numbers in discovery order.
    let mut numbers: HashMap<StateID, u32> = HashMap::from([(start, 0)]);
    let mut order = vec![start];
    let mut queue = VecDeque::from([start]);
    let mut transitions: Vec<u32> = Vec::new();
    while let Some(state) = queue.pop_front() {
        for &byte in &representatives {
            let next = automaton.next_state(Anchored::No, state, byte);
            let count = numbers.len() as u32;
            let number = *numbers.entry(next).or_insert_with(|| {
                order.push(next);
                queue.push_back(next);
                count
            });
            transitions.push(number);
        }
    }
    let mut offsets = vec![0u32];
    let mut matches = Vec::new();
    for &state in &order {
        if automaton.is_match(state) {
            for i in 0..automaton.match_len(state) {
                matches.push(automaton.match_pattern(state, i).as_u32());
            }
        }
        offsets.push(matches.len() as u32);
    }

    let mut out = b"LKD1".to_vec();
    for n in [order.len() as u32, representatives.len() as u32, 0] {
        out.extend(n.to_le_bytes());
    }
    out.extend(classes);
    for n in transitions.iter().chain(&offsets).chain(&matches) {
        out.extend(n.to_le_bytes());
    }
    let dir = std::env::var("OUT_DIR").unwrap_or_else(|e| fail(&e));
    let dir = std::path::Path::new(&dir);
    std::fs::write(dir.join("dictionary.bin"), out).unwrap_or_else(|e| fail(&e));
    std::fs::write(dir.join("dictionary.txt"), words.join("\n")).unwrap_or_else(|e| fail(&e));
}

fn fail(e: &dyn std::fmt::Display) -> ! {
    eprintln!("building the built-in dictionary: {e}");
    std::process::exit(1)
}
