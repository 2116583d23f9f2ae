//! Latchkey, the self-service password reset service. The binary's `main`
//! only calls [`cli::run`]; everything else lives here so tests and other
//! binaries can reuse it.

pub mod cli;
pub mod config;
