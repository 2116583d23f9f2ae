//! The `latchkey` binary, run as a person or a script would run it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test code may panic

mod access_pass;
mod account;
mod api;
mod audit;
mod authority;
mod breached;
mod browser;
mod budget;
mod classifier;
mod cli_directory;
mod cli_policy;
mod cli_serve;
mod cli_user;
mod conformance;
mod crash;
mod deliveries;
mod email;
mod helpdesk;
mod history;
mod ldap;
mod newcomer;
mod ocr;
mod outage;
mod passkey;
mod portal;
mod pow;
mod proofs;
mod readme;
mod reconfirm;
mod recovery;
mod report;
mod reporting;
mod samba;
mod smtp;
mod spanish;
mod store;
mod strangers;
mod support;
mod twilio;
mod watch;
mod writeback;
