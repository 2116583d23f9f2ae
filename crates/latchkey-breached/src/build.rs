//! Building a filter from a corpus in two passes, so memory holds one
//! shard's keys at a time (per thread), never the corpus:
//!
//! 1. stream the source once: check each line, take its key, and append it
//!    to a temporary file for its shard (the key's top bits);
//! 2. for each shard: read its keys, sort, drop duplicates, build a binary
//!    fuse filter, and append its fingerprints to the output.
//!
//! The output is written beside its final name and renamed into place only
//! when complete, so a failed build leaves any filter already there as it
//! was (and a server that has it mapped reads the old file undisturbed).

use std::fs::{self, File};
use std::io::{self, BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use xorf::{BinaryFuse16, DmaSerializable};

use crate::format::{DESCRIPTOR_LEN, HEADER_LEN, Header, MAX_SHARD_BITS, ShardEntry};
use crate::source::{Line, LineError, SourceFormat, read_line};

/// How a build reads its source.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub format: SourceFormat,
    /// Leave out hashes seen fewer times than this (the corpus's counts).
    pub min_count: u64,
    /// Shards as a power of two; by default from the source's size, so a
    /// shard holds about four million keys.
    pub shard_bits: Option<u8>,
    /// Shards built at once (each holds its keys and its filter in memory).
    pub threads: usize,
}

impl Default for BuildOptions {
    fn default() -> Self {
        BuildOptions {
            format: SourceFormat::Auto,
            min_count: 1,
            shard_bits: None,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        }
    }
}

/// Told how a build goes: the CLI draws a progress bar from it.
pub trait Progress: Sync {
    /// Pass 1 starts: `bytes` to read.
    fn reading(&self, _bytes: u64) {}
    fn read(&self, _bytes: u64) {}
    /// Pass 2 starts: `shards` to build.
    fn building(&self, _shards: u64) {}
    fn built(&self, _shards: u64) {}
}

/// Progress nobody watches.
pub struct Quiet;
impl Progress for Quiet {}

/// What a build did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildReport {
    pub format: SourceFormat,
    pub header: Header,
    /// Lines left out for their count.
    pub below_min_count: u64,
    /// Keys seen more than once (the same hash twice, or two passwords
    /// whose hashes share their first 64 bits).
    pub duplicates: u64,
}

impl BuildReport {
    /// The filter's size per distinct entry, in bits.
    pub fn bits_per_entry(&self) -> f64 {
        let fingerprint_bytes = self.header.table_offset - HEADER_LEN as u64;
        fingerprint_bytes as f64 * 8.0 / self.header.entries.max(1) as f64
    }
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("{path}: {error}")]
    Io { path: PathBuf, error: io::Error },
    #[error("{path}: {error}")]
    Line { path: PathBuf, error: LineError },
    #[error("{path}: has no entries{hint}")]
    Empty { path: PathBuf, hint: &'static str },
    #[error("shard {shard}: the filter could not be built: {reason}")]
    Filter { shard: usize, reason: &'static str },
    #[error("shard bits must be at most {MAX_SHARD_BITS}")]
    TooManyShards,
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> BuildError + '_ {
    move |error| BuildError::Io {
        path: path.to_owned(),
        error,
    }
}

/// Builds the filter of `source` into `out`.
pub fn build(
    source: &Path,
    out: &Path,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<BuildReport, BuildError> {
    let file = File::open(source).map_err(io_error(source))?;
    let size = file.metadata().map_err(io_error(source))?.len();
    let shard_bits = match options.shard_bits {
        Some(bits) if bits > MAX_SHARD_BITS => return Err(BuildError::TooManyShards),
        Some(bits) => bits,
        None => shard_bits_for(size),
    };
    let scratch = Scratch::new(out, shard_bits)?;
    progress.reading(size);
    let partitioned = partition(file, source, options, shard_bits, &scratch, progress)?;
    if partitioned.keys == 0 {
        let hint = match partitioned.below_min_count {
            0 => "",
            _ => " at or above the minimum count",
        };
        return Err(BuildError::Empty {
            path: source.to_owned(),
            hint,
        });
    }
    progress.building(1 << shard_bits);
    let written = write_filter(
        out,
        &scratch,
        &partitioned,
        options.threads.max(1),
        progress,
    )?;
    Ok(BuildReport {
        format: partitioned.format,
        header: written.0,
        below_min_count: partitioned.below_min_count,
        duplicates: written.1,
    })
}

/// About four million keys a shard, assuming the corpus's 45 bytes a line
/// (plain lists have shorter lines, and so a little smaller shards).
fn shard_bits_for(source_bytes: u64) -> u8 {
    let lines = source_bytes / 45 + 1;
    let shards = lines.div_ceil(4 << 20).next_power_of_two();
    (shards.trailing_zeros() as u8).min(MAX_SHARD_BITS)
}

/// The temporary folder of shard files, removed however the build ends.
struct Scratch {
    folder: PathBuf,
    bits: u8,
}

impl Scratch {
    fn new(out: &Path, bits: u8) -> Result<Scratch, BuildError> {
        let mut name = out.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".shards-{}", std::process::id()));
        let folder = out.with_file_name(name);
        fs::create_dir_all(&folder).map_err(io_error(&folder))?;
        Ok(Scratch { folder, bits })
    }

    fn shard(&self, index: usize) -> PathBuf {
        self.folder.join(format!("{index:04x}.keys"))
    }

    fn of(&self, key: u64) -> usize {
        match self.bits {
            0 => 0,
            bits => (key >> (64 - u32::from(bits))) as usize,
        }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.folder);
    }
}

struct Partitioned {
    format: SourceFormat,
    keys: u64,
    lines: u64,
    below_min_count: u64,
    min_count: u64,
    source_sha256: [u8; 32],
}

/// Pass 1: every key of the source into its shard's file.
fn partition(
    file: File,
    source: &Path,
    options: &BuildOptions,
    bits: u8,
    scratch: &Scratch,
    progress: &dyn Progress,
) -> Result<Partitioned, BuildError> {
    let mut writers = (0..1usize << bits)
        .map(|i| {
            let path = scratch.shard(i);
            File::create(&path)
                .map(|f| BufWriter::with_capacity(64 << 10, f))
                .map_err(io_error(&path))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut checksum = Sha256::new();
    let mut line = Vec::with_capacity(128);
    let mut format = None;
    let mut result = Partitioned {
        format: options.format,
        keys: 0,
        lines: 0,
        below_min_count: 0,
        min_count: options.min_count,
        source_sha256: [0; 32],
    };
    let mut unreported = 0u64;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(io_error(source))?;
        if read == 0 {
            break;
        }
        checksum.update(&line);
        unreported += read as u64;
        if unreported >= 1 << 22 {
            progress.read(unreported);
            unreported = 0;
        }
        result.lines += 1;
        let text = trim_line_end(&line);
        let format = match format {
            Some(format) => format,
            None if text.is_empty() => continue,
            None => *format.insert(options.format.resolve(text)),
        };
        let key = match read_line(format, options.min_count, text, result.lines) {
            Ok(Line::Key(key)) => key,
            Ok(Line::Skipped) => {
                result.below_min_count += u64::from(!text.is_empty());
                continue;
            }
            Err(error) => {
                return Err(BuildError::Line {
                    path: source.to_owned(),
                    error,
                });
            }
        };
        let shard = scratch.of(key);
        writers[shard]
            .write_all(&key.to_le_bytes())
            .map_err(io_error(&scratch.shard(shard)))?;
        result.keys += 1;
    }
    progress.read(unreported);
    for (i, writer) in writers.into_iter().enumerate() {
        writer
            .into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.sync_all())
            .map_err(io_error(&scratch.shard(i)))?;
    }
    result.format = format.unwrap_or(options.format.resolve(b""));
    result.source_sha256 = checksum.finalize().into();
    Ok(result)
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// One shard, built: its keys and its filter (none when it has no keys).
struct BuiltShard {
    keys: u64,
    duplicates: u64,
    filter: Option<BinaryFuse16>,
}

fn build_shard(scratch: &Scratch, index: usize) -> Result<BuiltShard, BuildError> {
    let path = scratch.shard(index);
    let mut bytes = Vec::new();
    File::open(&path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(io_error(&path))?;
    // The shard file is no longer needed: free its disk as the build goes.
    let _ = fs::remove_file(&path);
    let mut keys: Vec<u64> = bytes
        .chunks_exact(8)
        .map(|chunk| {
            let mut key = [0u8; 8];
            key.copy_from_slice(chunk);
            u64::from_le_bytes(key)
        })
        .collect();
    drop(bytes);
    let read = keys.len() as u64;
    keys.sort_unstable();
    keys.dedup();
    let filter = match keys.is_empty() {
        true => None,
        false => Some(
            BinaryFuse16::try_from(&keys).map_err(|reason| BuildError::Filter {
                shard: index,
                reason,
            })?,
        ),
    };
    Ok(BuiltShard {
        keys: keys.len() as u64,
        duplicates: read - keys.len() as u64,
        filter,
    })
}

/// Pass 2, and the file: shards built `threads` at a time and written in
/// order (so the same source always gives the same file).
fn write_filter(
    out: &Path,
    scratch: &Scratch,
    partitioned: &Partitioned,
    threads: usize,
    progress: &dyn Progress,
) -> Result<(Header, u64), BuildError> {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".partial-{}", std::process::id()));
    let partial = out.with_file_name(name);
    let written =
        write_partial(&partial, scratch, partitioned, threads, progress).and_then(|written| {
            fs::rename(&partial, out).map_err(io_error(out))?;
            Ok(written)
        });
    if written.is_err() {
        let _ = fs::remove_file(&partial);
    }
    written
}

fn write_partial(
    partial: &Path,
    scratch: &Scratch,
    partitioned: &Partitioned,
    threads: usize,
    progress: &dyn Progress,
) -> Result<(Header, u64), BuildError> {
    let failed = io_error(partial);
    let mut file = BufWriter::with_capacity(1 << 20, File::create(partial).map_err(&failed)?);
    file.write_all(&[0u8; HEADER_LEN]).map_err(&failed)?;
    let mut body = Sha256::new();
    let mut offset = HEADER_LEN as u64;
    let mut write = |bytes: &[u8], offset: &mut u64| -> Result<(), BuildError> {
        body.update(bytes);
        *offset += bytes.len() as u64;
        file.write_all(bytes).map_err(&failed)
    };
    let shards = 1usize << scratch.bits;
    let mut entries = Vec::with_capacity(shards);
    let (mut keys, mut duplicates) = (0u64, 0u64);
    for first in (0..shards).step_by(threads) {
        let batch: Vec<Result<BuiltShard, BuildError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (first..shards.min(first + threads))
                .map(|index| scope.spawn(move || build_shard(scratch, index)))
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or(Err(BuildError::Filter {
                        shard: first,
                        reason: "its builder stopped",
                    }))
                })
                .collect()
        });
        for shard in batch {
            let shard = shard?;
            keys += shard.keys;
            duplicates += shard.duplicates;
            let Some(filter) = shard.filter else {
                entries.push(ShardEntry::EMPTY);
                continue;
            };
            let padding = (8 - offset % 8) % 8;
            write(&[0u8; 8][..padding as usize], &mut offset)?;
            let mut descriptor = [0u8; DESCRIPTOR_LEN];
            filter.dma_copy_descriptor_to(&mut descriptor);
            let fingerprints = filter.dma_fingerprints();
            entries.push(ShardEntry {
                offset,
                len: fingerprints.len() as u64,
                keys: shard.keys,
                descriptor,
            });
            write(fingerprints, &mut offset)?;
        }
        progress.built(entries.len() as u64 - first as u64);
    }
    let table_offset = offset;
    for entry in &entries {
        write(&entry.encode(), &mut offset)?;
    }
    let header = Header {
        hash: partitioned.format.hash(),
        shard_bits: scratch.bits,
        entries: keys,
        lines: partitioned.lines,
        min_count: partitioned.min_count,
        table_offset,
        file_len: offset,
        source_sha256: partitioned.source_sha256,
        body_sha256: body.finalize().into(),
    };
    let mut file = file.into_inner().map_err(|e| failed(e.into_error()))?;
    file.seek(SeekFrom::Start(0)).map_err(&failed)?;
    file.write_all(&header.encode()).map_err(&failed)?;
    file.sync_all().map_err(&failed)?;
    Ok((header, duplicates))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_hold_about_four_million_keys() {
        assert_eq!(shard_bits_for(0), 0);
        assert_eq!(shard_bits_for(100_000 * 45), 0);
        // 100 million lines: 24 shards' worth, so 32.
        assert_eq!(shard_bits_for(100_000_000 * 45), 5);
        // The whole corpus, about a billion lines: 256 shards.
        assert_eq!(shard_bits_for(1_000_000_000 * 45), 8);
    }
}
