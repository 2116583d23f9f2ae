//! A built filter, memory-mapped: the operating system pages in what
//! lookups touch and shares the pages between every process that maps it.

use std::fs::File;
use std::path::{Path, PathBuf};

use memmap2::Mmap;
use xorf::{BinaryFuse16Ref, Filter, FilterRef};

use crate::format::{FormatError, Header, Layout};

/// A breached-password filter, opened and checked.
pub struct BreachedFilter {
    path: PathBuf,
    map: Mmap,
    layout: Layout,
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("{path}: cannot read it: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{path} {error}")]
    Format { path: PathBuf, error: FormatError },
}

impl BreachedFilter {
    /// Maps `path` and checks its header, version, length and shard table
    /// (not its checksum, which reads every page: see [`Self::verify`]).
    pub fn open(path: &Path) -> Result<BreachedFilter, OpenError> {
        let io = |error| OpenError::Io {
            path: path.to_owned(),
            error,
        };
        let file = File::open(path).map_err(io)?;
        let map = map(&file).map_err(io)?;
        let layout = Layout::parse(&map).map_err(|error| OpenError::Format {
            path: path.to_owned(),
            error,
        })?;
        Ok(BreachedFilter {
            path: path.to_owned(),
            map,
            layout,
        })
    }

    /// Reads the whole file and compares it with the checksum it was written with.
    pub fn verify(&self) -> Result<(), OpenError> {
        self.layout
            .verify(&self.map)
            .map_err(|error| OpenError::Format {
                path: self.path.clone(),
                error,
            })
    }

    pub fn header(&self) -> &Header {
        &self.layout.header
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether `password`, whole and exactly as typed, is in the corpus
    /// (or one of the 1 in 65,536 that only seem to be).
    pub fn contains(&self, password: &str) -> bool {
        self.contains_key(self.header().hash.key_of_password(password))
    }

    pub fn contains_key(&self, key: u64) -> bool {
        let bits = u32::from(self.header().shard_bits);
        let shard = match bits {
            0 => 0,
            _ => (key >> (64 - bits)) as usize,
        };
        let entry = &self.layout.shards[shard];
        if entry.keys == 0 {
            return false;
        }
        // Checked by `Layout::parse`: inside the file, even, 8-aligned.
        let start = entry.offset as usize;
        let fingerprints = &self.map[start..start + entry.len as usize];
        BinaryFuse16Ref::from_dma(&entry.descriptor, fingerprints).contains(&key)
    }
}

impl latchkey_policy::BreachedSet for BreachedFilter {
    fn contains(&self, password: &str) -> bool {
        BreachedFilter::contains(self, password)
    }
}

/// The one unsafe call in Latchkey.
///
/// SAFETY: a mapping is sound while no one changes the file under it.
/// `breached build` never writes a filter in place: it writes a new file
/// and renames it over the old name, so a mapped file keeps its contents
/// (the old inode lives while mapped). The operations guide says to
/// replace a filter the same way. (Truncating a mapped file in place would
/// stop the process with SIGBUS at the next lookup of a lost page.)
#[allow(unsafe_code)]
fn map(file: &File) -> std::io::Result<Mmap> {
    unsafe { Mmap::map(file) }
}
