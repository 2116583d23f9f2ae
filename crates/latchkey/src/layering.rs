//! The crate's modules form layers: `model` (the nouns) under the ports
//! (`store`, `notify`, `directory`) under `domain` under the adapters
//! (`web`, `cli`). This test reads the sources and fails on any import
//! cycle between top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            // What tests use does not count: they may reach anywhere.
            let text = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .to_owned();
            out.push((path.display().to_string(), text));
        }
    }
}

#[test]
fn no_import_cycle_between_modules() {
    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut files = Vec::new();
    sources(root, &mut files);
    let mut uses: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let prefix = "crate::";
    for (path, text) in &files {
        let relative = path.strip_prefix(&format!("{}/", root.display())).unwrap();
        if relative.starts_with("bin/") {
            continue;
        }
        let module = relative.split(['/', '.']).next().unwrap().to_owned();
        for (at, _) in text.match_indices(prefix) {
            let rest = &text[at + prefix.len()..];
            let used: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !used.is_empty() && used != module {
                uses.entry(module.clone()).or_default().insert(used);
            }
        }
    }
    assert!(uses.contains_key("domain"), "the sources were read");
    // Depth-first search for a path back to where it started.
    for start in uses.keys() {
        let mut stack = vec![vec![start.clone()]];
        while let Some(path) = stack.pop() {
            let last = path.last().unwrap();
            for next in uses.get(last).into_iter().flatten() {
                assert!(
                    next != start,
                    "import cycle: {} -> {start}",
                    path.join(" -> ")
                );
                if !path.contains(next) {
                    let mut longer = path.clone();
                    longer.push(next.clone());
                    stack.push(longer);
                }
            }
        }
    }
}
