//! Breached-password screening at corpus scale.
//!
//! The public corpus of breached passwords lists about a billion SHA-1
//! hashes (37 GB of text). [`build`] streams such a file (or its NTLM
//! download, or a plain list) into a file of binary fuse filters, 16-bit
//! fingerprints sharded by hash prefix: about 18 bits an entry, and 1 false
//! positive in 65,536. [`BreachedFilter`] maps that file and answers whether
//! a password, whole, is in it, in well under a microsecond.
//!
//! ```no_run
//! use latchkey_breached::{BreachedFilter, BuildOptions, Quiet, build};
//! # use std::path::Path;
//! build(Path::new("pwned-passwords-sha1-ordered-by-hash.txt"), Path::new("breached.bin"),
//!       &BuildOptions::default(), &Quiet).unwrap();
//! let filter = BreachedFilter::open(Path::new("breached.bin")).unwrap();
//! assert!(filter.contains("password"));
//! ```

mod build;
mod filter;
mod format;
mod key;
mod source;

pub use build::{BuildError, BuildOptions, BuildReport, Progress, Quiet, build};
pub use filter::{BreachedFilter, OpenError};
pub use format::{FormatError, HEADER_LEN, Header, Layout, MAX_SHARD_BITS, VERSION};
pub use key::HashKind;
pub use source::{LineError, SourceFormat};
