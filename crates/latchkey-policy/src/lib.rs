//! Latchkey's password policy: the university's rules, each configurable,
//! each with a stable id and a plain message.
//!
//! Pure: no I/O, no clock, no async. The server, the CLI and the browser run
//! these same rules; files named in [`PolicyConfig`] are read by the caller
//! and handed over as text ([`Dictionary::parse`], [`BreachedList::parse`]).
//!
//! ```
//! use latchkey_policy::{Person, Policy, PolicyConfig, Rule};
//!
//! let policy = Policy::with_builtin_dictionary(PolicyConfig::default()).unwrap();
//! let person = Person { username: "jdoe", name: "John Doe", email: None, second_factor: true };
//! let verdict = policy.check("P@ssw0rd", &person);
//! assert!(verdict.breaks(Rule::DictionaryWord));
//! assert_eq!(verdict.violations[0].message, "Contains the common word 'password'.");
//! ```

mod config;
mod fold;
mod frozen;
mod lists;
mod matcher;
mod policy;
mod rule;
mod words;

pub use config::{ConfigProblem, MAX_HISTORY, PolicyConfig, Preset, SignInCheck, WordMatch};
pub use fold::fold;
pub use lists::{BreachedList, BreachedSet, Dictionary, WordListError};
pub use policy::{Person, Policy};
pub use rule::{Detail, Requirement, Rule, Verdict, Violation};
