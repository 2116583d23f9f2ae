//! Any text as a configuration file, and any LATCHKEY_ variables over it:
//! the parser answers with a configuration or an error that names a place,
//! and never panics.
#![no_main]

use std::path::Path;

use latchkey::config::LoadedConfig;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, Vec<(String, String)>)| {
    let (source, vars) = input;
    let loaded = match LoadedConfig::parse(Path::new("fuzz.toml"), source.to_owned()) {
        Ok(loaded) => loaded,
        Err(e) => {
            assert!(!e.reason.is_empty());
            return;
        }
    };
    // Names the overlay reads, but never a _FILE indirection: no file reads.
    let vars = vars
        .into_iter()
        .map(|(name, value)| (format!("LATCHKEY_{name}"), value))
        .filter(|(name, _)| !name.to_uppercase().ends_with("_FILE"));
    if let Err(e) = loaded.with_environment(vars) {
        assert!(!e.reason.is_empty());
    }
});
