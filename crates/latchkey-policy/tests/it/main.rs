//! The policy crate's integration tests, one binary (each file under
//! `tests/` would link its own).

mod properties;
mod rules;
