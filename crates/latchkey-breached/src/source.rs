//! Reading a corpus line by line: the public corpus's downloads
//! (`HASH:COUNT`, ordered by hash or by count, SHA-1 or NTLM) and plain
//! password lists.

use crate::key::{HashKind, key_of_hex};

/// What a source file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceFormat {
    /// Decided by the first line that is not blank: 40 hex digits (with or
    /// without `:COUNT`) is SHA-1, 32 is NTLM, anything else a plain list.
    Auto,
    Sha1,
    Ntlm,
    /// One password a line, exactly as breached; keyed by SHA-1.
    Plain,
}

impl SourceFormat {
    pub fn parse(name: &str) -> Option<SourceFormat> {
        match name {
            "auto" => Some(SourceFormat::Auto),
            "sha1" => Some(SourceFormat::Sha1),
            "ntlm" => Some(SourceFormat::Ntlm),
            "plain" => Some(SourceFormat::Plain),
            _ => None,
        }
    }

    /// The format `Auto` means for a file whose first such line is `line`.
    pub(crate) fn resolve(self, line: &[u8]) -> SourceFormat {
        if self != SourceFormat::Auto {
            return self;
        }
        let hash = line.split(|&b| b == b':').next().unwrap_or_default();
        let counted = line.len() == hash.len() || parse_count(&line[hash.len() + 1..]).is_some();
        match (key_of_hex(hash, 40), key_of_hex(hash, 32), counted) {
            (Some(_), _, true) => SourceFormat::Sha1,
            (_, Some(_), true) => SourceFormat::Ntlm,
            _ => SourceFormat::Plain,
        }
    }

    pub(crate) fn hash(self) -> HashKind {
        match self {
            SourceFormat::Ntlm => HashKind::Ntlm,
            _ => HashKind::Sha1,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::Auto => "auto",
            SourceFormat::Sha1 => "SHA-1 hashes",
            SourceFormat::Ntlm => "NTLM hashes",
            SourceFormat::Plain => "plain passwords",
        }
    }
}

/// One line, read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Line {
    Key(u64),
    /// Blank, or seen fewer times than `min_count`.
    Skipped,
}

/// A line that is not of the file's format.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct LineError {
    pub line: u64,
    pub reason: String,
}

/// Reads one line (without its line end) of a file in `format` (resolved).
pub(crate) fn read_line(
    format: SourceFormat,
    min_count: u64,
    line: &[u8],
    number: u64,
) -> Result<Line, LineError> {
    if line.is_empty() {
        return Ok(Line::Skipped);
    }
    let kind = format.hash();
    if format == SourceFormat::Plain {
        return Ok(Line::Key(kind.key_of_bytes(line)));
    }
    let wrong = |reason: String| LineError {
        line: number,
        reason,
    };
    let (hash, count) = match line.iter().position(|&b| b == b':') {
        Some(colon) => (&line[..colon], Some(&line[colon + 1..])),
        None => (line, None),
    };
    let Some(key) = key_of_hex(hash, kind.hex_digits()) else {
        return Err(wrong(format!(
            "expected {} hex digits of {} then ':' and a count, found {}; \
             a list of passwords is read with --format plain",
            kind.hex_digits(),
            kind.name(),
            shown(line)
        )));
    };
    let count = match count {
        None => 1,
        Some(digits) => parse_count(digits).ok_or_else(|| {
            wrong(format!(
                "the count after ':' is not a number: {}",
                shown(line)
            ))
        })?,
    };
    Ok(if count >= min_count {
        Line::Key(key)
    } else {
        Line::Skipped
    })
}

fn parse_count(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(digits).ok()?.parse().ok()
}

/// A line as an error shows it: at most 60 characters of it.
fn shown(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(&line[..line.len().min(60)]);
    let more = if line.len() > 60 { "…" } else { "" };
    format!("'{text}{more}'")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA1_LINE: &[u8] = b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:9659365";

    #[test]
    fn the_first_line_tells_the_format() {
        let auto = SourceFormat::Auto;
        assert_eq!(auto.resolve(SHA1_LINE), SourceFormat::Sha1);
        assert_eq!(auto.resolve(&SHA1_LINE[..40]), SourceFormat::Sha1);
        assert_eq!(
            auto.resolve(b"8846F7EAEE8FB117AD06BDD830B7586C:1"),
            SourceFormat::Ntlm
        );
        assert_eq!(auto.resolve(b"hunter2"), SourceFormat::Plain);
        assert_eq!(
            auto.resolve(b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:x"),
            SourceFormat::Plain
        );
        assert_eq!(SourceFormat::Plain.resolve(SHA1_LINE), SourceFormat::Plain);
    }

    #[test]
    fn counts_below_the_minimum_are_skipped() {
        let read = |min| read_line(SourceFormat::Sha1, min, SHA1_LINE, 1);
        assert_eq!(read(1), Ok(Line::Key(0x5BAA61E4C9B93F3F)));
        assert_eq!(read(9_659_365), Ok(Line::Key(0x5BAA61E4C9B93F3F)));
        assert_eq!(read(9_659_366), Ok(Line::Skipped));
    }

    #[test]
    fn a_line_of_another_format_names_its_number() {
        let error = read_line(SourceFormat::Sha1, 1, b"5BAA61E4C9B93F3F068", 7).unwrap_err();
        assert_eq!(error.line, 7);
        assert!(error.reason.contains("40 hex digits"), "{error}");
        let error = read_line(
            SourceFormat::Sha1,
            1,
            b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FD8:",
            8,
        )
        .unwrap_err();
        assert!(error.reason.contains("count"), "{error}");
    }

    #[test]
    fn plain_lines_are_hashed_as_they_are() {
        assert_eq!(
            read_line(SourceFormat::Plain, 1, b"password", 1),
            Ok(Line::Key(0x5BAA61E4C9B93F3F))
        );
    }
}
