//! The filter file, version 1. All numbers little-endian.
//!
//! ```text
//! 0    header, 128 bytes: magic "LKBREACH", version, hash, shard bits,
//!      entries, lines read, minimum count, table offset, file length,
//!      SHA-256 of the source, SHA-256 of everything after the header
//! 128  each shard's fingerprints (u16), at offsets that are multiples of 8
//! …    the shard table, 2^bits entries of 48 bytes: offset, length in
//!      bytes, keys, the filter's 20-byte descriptor, 4 bytes of padding
//! ```
//!
//! The table comes last so the file is written in one pass and its
//! checksum taken as it is written. Parsing checks every offset and every
//! descriptor against the file's length, so a damaged file is refused at
//! start rather than read out of bounds at a lookup.

use xorf::{BinaryFuse16, DmaSerializable};

use crate::key::HashKind;

pub const MAGIC: [u8; 8] = *b"LKBREACH";
/// The version this code writes and reads.
pub const VERSION: u32 = 1;
pub const HEADER_LEN: usize = 128;
pub(crate) const ENTRY_LEN: usize = 48;
pub(crate) const DESCRIPTOR_LEN: usize = <BinaryFuse16 as DmaSerializable>::DESCRIPTOR_LEN;
/// Most shards: 2^12. More would only cost open files while building.
pub const MAX_SHARD_BITS: u8 = 12;

/// What a filter file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub hash: HashKind,
    pub shard_bits: u8,
    /// Distinct keys in the filter.
    pub entries: u64,
    /// Lines read from the source (blank and skipped ones included).
    pub lines: u64,
    /// Lines seen fewer times than this were left out.
    pub min_count: u64,
    pub table_offset: u64,
    pub file_len: u64,
    pub source_sha256: [u8; 32],
    pub body_sha256: [u8; 32],
}

/// Why a filter file cannot be used, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error(
        "is not a breached-password filter (it does not start with LKBREACH); build one with `latchkey breached build`"
    )]
    NotAFilter,
    #[error(
        "is format version {0}, and this Latchkey reads version {VERSION}; rebuild it with this version's `latchkey breached build`"
    )]
    Version(u32),
    #[error(
        "is truncated: its header says {expected} bytes, and it has {actual}; build it again (a copy may have stopped part way)"
    )]
    Truncated { expected: u64, actual: u64 },
    #[error("is damaged: {0}; build it again")]
    Damaged(String),
}

impl Header {
    pub(crate) fn encode(&self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[0..8].copy_from_slice(&MAGIC);
        out[8..12].copy_from_slice(&VERSION.to_le_bytes());
        out[12] = self.hash.code();
        out[13] = self.shard_bits;
        let numbers = [
            self.entries,
            self.lines,
            self.min_count,
            self.table_offset,
            self.file_len,
        ];
        for (i, n) in numbers.into_iter().enumerate() {
            out[16 + 8 * i..24 + 8 * i].copy_from_slice(&n.to_le_bytes());
        }
        out[56..88].copy_from_slice(&self.source_sha256);
        out[88..120].copy_from_slice(&self.body_sha256);
        out
    }

    pub fn shards(&self) -> usize {
        1 << self.shard_bits
    }

    pub(crate) fn decode(file: &[u8]) -> Result<Header, FormatError> {
        if file.len() < MAGIC.len() || file[..MAGIC.len()] != MAGIC {
            return Err(FormatError::NotAFilter);
        }
        let actual = file.len() as u64;
        if file.len() < HEADER_LEN {
            return Err(FormatError::Truncated {
                expected: HEADER_LEN as u64,
                actual,
            });
        }
        let version = u32::from_le_bytes(array(&file[8..12]));
        if version != VERSION {
            return Err(FormatError::Version(version));
        }
        let number = |i: usize| u64::from_le_bytes(array(&file[16 + 8 * i..24 + 8 * i]));
        let header = Header {
            hash: HashKind::from_code(file[12])
                .ok_or_else(|| FormatError::Damaged(format!("unknown hash code {}", file[12])))?,
            shard_bits: file[13],
            entries: number(0),
            lines: number(1),
            min_count: number(2),
            table_offset: number(3),
            file_len: number(4),
            source_sha256: array(&file[56..88]),
            body_sha256: array(&file[88..120]),
        };
        if header.file_len != actual {
            return Err(FormatError::Truncated {
                expected: header.file_len,
                actual,
            });
        }
        if header.shard_bits > MAX_SHARD_BITS {
            return Err(FormatError::Damaged(format!(
                "{} shard bits (at most {MAX_SHARD_BITS})",
                header.shard_bits
            )));
        }
        let table_len = (header.shards() * ENTRY_LEN) as u64;
        if header.table_offset < HEADER_LEN as u64
            || header.table_offset.checked_add(table_len) != Some(header.file_len)
        {
            return Err(FormatError::Damaged(
                "the shard table is out of place".into(),
            ));
        }
        Ok(header)
    }
}

/// One shard: where its fingerprints are and how to read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShardEntry {
    pub offset: u64,
    pub len: u64,
    pub keys: u64,
    pub descriptor: [u8; DESCRIPTOR_LEN],
}

impl ShardEntry {
    pub(crate) const EMPTY: ShardEntry = ShardEntry {
        offset: HEADER_LEN as u64,
        len: 0,
        keys: 0,
        descriptor: [0; DESCRIPTOR_LEN],
    };

    pub(crate) fn encode(&self) -> [u8; ENTRY_LEN] {
        let mut out = [0u8; ENTRY_LEN];
        out[0..8].copy_from_slice(&self.offset.to_le_bytes());
        out[8..16].copy_from_slice(&self.len.to_le_bytes());
        out[16..24].copy_from_slice(&self.keys.to_le_bytes());
        out[24..24 + DESCRIPTOR_LEN].copy_from_slice(&self.descriptor);
        out
    }

    fn decode(bytes: &[u8]) -> ShardEntry {
        ShardEntry {
            offset: u64::from_le_bytes(array(&bytes[0..8])),
            len: u64::from_le_bytes(array(&bytes[8..16])),
            keys: u64::from_le_bytes(array(&bytes[16..24])),
            descriptor: array(&bytes[24..24 + DESCRIPTOR_LEN]),
        }
    }

    /// A shard's place and descriptor fit the file: every index a lookup
    /// can reach is inside its fingerprints (see xorf's `hash_of_hash`).
    fn check(&self, shard: usize, table_offset: u64) -> Result<(), FormatError> {
        let damaged = |what: &str| Err(FormatError::Damaged(format!("shard {shard}: {what}")));
        let end = self.offset.checked_add(self.len);
        if self.offset < HEADER_LEN as u64 || end.is_none_or(|end| end > table_offset) {
            return damaged("its fingerprints are out of place");
        }
        if !self.offset.is_multiple_of(8) || !self.len.is_multiple_of(2) {
            return damaged("its fingerprints are misaligned");
        }
        if self.keys == 0 {
            return match self.len {
                0 => Ok(()),
                _ => damaged("fingerprints without keys"),
            };
        }
        let d = &self.descriptor;
        let segment_length = u64::from(u32::from_le_bytes(array(&d[8..12])));
        let mask = u64::from(u32::from_le_bytes(array(&d[12..16])));
        let segment_count_length = u64::from(u32::from_le_bytes(array(&d[16..20])));
        let fingerprints = self.len / 2;
        // A lookup reads at `h0 + 2 * segment_length` at most, rounded into
        // its segment, with `h0 < segment_count_length`; with no segments at
        // all, `h0` is 0 and still reaches a third segment (found by fuzzing).
        if !segment_length.is_power_of_two()
            || mask != segment_length - 1
            || segment_count_length < segment_length
            || !segment_count_length.is_multiple_of(segment_length)
            || segment_count_length + 2 * segment_length > fingerprints
            || segment_count_length + 2 * segment_length > u64::from(u32::MAX)
        {
            return damaged("its descriptor does not fit its fingerprints");
        }
        Ok(())
    }
}

/// A whole file, parsed and checked: its header and its shards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub header: Header,
    pub(crate) shards: Vec<ShardEntry>,
}

impl Layout {
    /// Every check but the checksum (which reads the whole file: see
    /// [`Layout::verify`]).
    pub fn parse(file: &[u8]) -> Result<Layout, FormatError> {
        let header = Header::decode(file)?;
        let table = &file[header.table_offset as usize..];
        let shards: Vec<ShardEntry> = table
            .chunks_exact(ENTRY_LEN)
            .map(ShardEntry::decode)
            .collect();
        let mut keys = 0u64;
        for (i, shard) in shards.iter().enumerate() {
            shard.check(i, header.table_offset)?;
            keys = keys.saturating_add(shard.keys);
        }
        if keys != header.entries {
            return Err(FormatError::Damaged(format!(
                "its shards hold {keys} keys and its header says {}",
                header.entries
            )));
        }
        Ok(Layout { header, shards })
    }

    /// Whether the bytes after the header are the ones written.
    pub fn verify(&self, file: &[u8]) -> Result<(), FormatError> {
        use sha2::{Digest, Sha256};
        let body: [u8; 32] = Sha256::digest(&file[HEADER_LEN..]).into();
        match body == self.header.body_sha256 {
            true => Ok(()),
            false => Err(FormatError::Damaged(
                "its checksum does not match its contents".into(),
            )),
        }
    }
}

fn array<const N: usize>(bytes: &[u8]) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&bytes[..N]);
    out
}
