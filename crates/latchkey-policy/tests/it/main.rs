//! The policy crate's integration tests, one binary (each file under
//! `tests/` would link its own).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may panic

mod presets;
mod properties;
mod rules;
