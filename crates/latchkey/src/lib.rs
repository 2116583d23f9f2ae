//! Latchkey, the self-service password reset service. The binary's `main`
//! only calls [`cli::run`]; everything else lives here so tests and other
//! binaries can reuse it.

pub mod captcha;
pub mod cli;
pub mod clock;
pub mod config;
pub mod demo;
pub mod directory;
pub mod domain;
pub mod hashing;
pub mod i18n;
pub mod metrics;
pub mod model;
pub mod network;
pub mod notify;
pub mod secrets;
pub mod site;
pub mod store;
pub mod totp;
pub mod web;

#[cfg(test)]
mod layering;
