//! The design's nouns, with no I/O: what an account, a method, a message,
//! a one-time code and a session are. Every other module may use them;
//! they use none of the others, so no import cycle runs through them.

pub mod account;
pub mod audit;
pub mod code;
pub mod message;
pub mod method;
pub mod session;
