//! Errors and diagnostics.
//!
//! Bad input is never a panic and never a silent default: every problem
//! becomes a [`Problem`] that names the file, the place in it (line and
//! column, or CSV row), the key, what was expected and what was found.
//! Validation collects all problems of a file before it fails, so a user
//! fixes a scenario in one round instead of one error at a time.

use std::fmt;
use std::path::{Path, PathBuf};

/// Where in a file a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The file as a whole (it is missing, empty, or lacks something).
    File,
    /// A position in a text file, 1-based.
    LineColumn { line: usize, column: usize },
    /// A data row of a CSV file, counted as the line number in the file
    /// (the header is line 1).
    Row { line: usize },
    /// A row of a workbook's sheet as Excel numbers it, and the column's
    /// letters when the problem is in one cell.
    Sheet { sheet: String, row: usize, column: Option<String> },
}

/// One thing wrong with an input file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub file: PathBuf,
    pub location: Location,
    /// Dotted key path (`policy.window_months`, `portfolio.asset_class[1].holding`)
    /// or CSV column name.
    pub key: String,
    pub expected: String,
    pub found: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(
        file: &Path,
        location: Location,
        key: impl Into<String>,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Problem {
        Problem {
            file: file.to_path_buf(),
            location,
            key: key.into(),
            expected: expected.into(),
            found: found.into(),
            hint: None,
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Problem {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        match &self.location {
            Location::File => {}
            Location::LineColumn { line, column } => write!(f, ":{line}:{column}")?,
            Location::Row { line } => write!(f, ": row at line {line}")?,
            Location::Sheet { sheet, row, column: Some(column) } => {
                write!(f, ": sheet {sheet:?}, cell {column}{row}")?;
            }
            Location::Sheet { sheet, row, column: None } => write!(f, ": sheet {sheet:?}, row {row}")?,
        }
        if !self.key.is_empty() {
            write!(f, ": `{}`", self.key)?;
        }
        write!(f, ": expected {}, found {}", self.expected, self.found)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A warning: the input is usable, but something deserves a look.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub file: PathBuf,
    pub key: String,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.key.is_empty() {
            write!(f, "{}: {}", self.file.display(), self.message)
        } else {
            write!(f, "{}: `{}`: {}", self.file.display(), self.key, self.message)
        }
    }
}

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input file could not be read at all.
    ///
    /// The message carries the OS cause itself, so the cause is not also
    /// exposed as [`std::error::Error::source`] (the field is not named
    /// `source` for that reason): a report that prints the whole chain,
    /// such as anyhow's `{:#}`, would print it twice. Problems quote this
    /// message alone and need the cause in it.
    #[error("cannot read {}: {cause}", path.display())]
    Read { path: PathBuf, cause: std::io::Error },
    /// An input file was read but is not valid; every problem found is listed.
    #[error("{}", Problems(problems))]
    Invalid { problems: Vec<Problem> },
    /// A command's arguments do not fit the data (a replay window with no
    /// trading days, for example).
    #[error("{0}")]
    Usage(String),
    /// A chart could not be drawn.
    #[error("cannot draw chart {name}: {message}")]
    Chart { name: String, message: String },
    /// The tables do not fit a spreadsheet (a sheet name Excel refuses,
    /// two sheets of one name, more rows than a sheet holds).
    #[error("cannot write the workbook: {0}")]
    Workbook(String),
    /// The document could not be written as a PDF (a chart that is not a
    /// PNG image, say).
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
    /// A figure to be written is not a finite number (an input large
    /// enough to overflow, or a division by zero): named by its path in
    /// the file, with the part of the inputs that fed it; nothing is written.
    #[error(
        "{file}: `{path}` is {value}, not a finite number: a figure computed from {fed_by} overflowed or divided by zero (check their amounts, prices and rates); nothing was written"
    )]
    NonFinite { file: String, path: String, value: String, fed_by: String },
}

impl Error {
    pub fn invalid(problems: Vec<Problem>) -> Error {
        Error::Invalid { problems }
    }

    pub fn one(problem: Problem) -> Error {
        Error::Invalid { problems: vec![problem] }
    }
}

struct Problems<'a>(&'a [Problem]);

impl fmt::Display for Problems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        if n > 1 {
            writeln!(f, "{n} problems:")?;
        }
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// 1-based line and column of a byte offset in `text` (one scan of the
/// text: to place many offsets, make one [`LineIndex`]).
pub fn line_column(text: &str, offset: usize) -> Location {
    LineIndex::new(text).location(text, offset)
}

/// Bytes between two of [`LineIndex`]'s counts of characters.
const CHAR_BLOCK: usize = 256;

/// Where each line of a text starts, and how many characters come before
/// every 256th byte, so that a byte offset becomes a line and a column in
/// `log n` plus a few hundred bytes' scan, however long its line (placing
/// each problem by a scan from the start, or from its line's start, was
/// quadratic in a long history, a long line, or a file whose lines end in
/// a carriage return alone).
///
/// A line ends at `\n`, or at a `\r` not followed by one: an editor shows
/// a file of old Mac line endings in lines, and so does its error's place.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// Characters before byte `k * CHAR_BLOCK`.
    chars: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut chars = Vec::with_capacity(bytes.len() / CHAR_BLOCK + 1);
        let mut count = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if i % CHAR_BLOCK == 0 {
                chars.push(count);
            }
            if is_char_start(b) {
                count += 1;
            }
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        // The block that starts at the end, when the text fills its last
        // block: a place at the very end (an unclosed string) counts from it.
        if bytes.len().is_multiple_of(CHAR_BLOCK) {
            chars.push(count);
        }
        LineIndex { starts, chars }
    }

    /// Characters of `text` (the text this index was made from) before
    /// byte `offset`.
    fn chars_before(&self, text: &str, offset: usize) -> usize {
        let block = offset / CHAR_BLOCK;
        let from = block * CHAR_BLOCK;
        let base = self.chars.get(block).copied().unwrap_or(0);
        base + text.as_bytes()[from..offset].iter().filter(|b| is_char_start(**b)).count()
    }

    /// As [`line_column`], for the `text` this index was made from.
    pub fn location(&self, text: &str, offset: usize) -> Location {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|s| *s <= offset);
        let start = self.starts[line - 1];
        let column = self.chars_before(text, offset) - self.chars_before(text, start) + 1;
        Location::LineColumn { line, column }
    }
}

/// Whether `b` starts a character in UTF-8 (is not a continuation byte).
fn is_char_start(b: u8) -> bool {
    b & 0xC0 != 0x80
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_names_the_file_and_the_cause_once() {
        let path = Path::new("no/such/file.csv");
        let cause = std::fs::read(path).expect_err("the file does not exist");
        let os = cause.to_string();
        let err = Error::Read { path: path.to_path_buf(), cause };
        assert!(std::error::Error::source(&err).is_none(), "the cause is in the message, not a source too");
        let expected = format!("cannot read no/such/file.csv: {os}");
        assert_eq!(err.to_string(), expected);
        // As the binary prints it: anyhow's alternate form follows the chain.
        let chain =
            format!("{:#}", anyhow::Error::from(err).context("the crash replays need a daily index series"));
        assert_eq!(chain, format!("the crash replays need a daily index series: {expected}"));
        assert_eq!(chain.matches(os.as_str()).count(), 1, "{chain}");
    }

    #[test]
    fn line_column_counts_from_one() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(line_column(text, 0), Location::LineColumn { line: 1, column: 1 });
        assert_eq!(line_column(text, 6), Location::LineColumn { line: 2, column: 1 });
        assert_eq!(line_column(text, 11), Location::LineColumn { line: 2, column: 6 });
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.location(text, offset), line_column(text, offset), "offset {offset}");
        }
    }

    /// A text that fills its last block exactly (256 bytes, found by the
    /// fuzzer's strategy surface: an unclosed string at the end) has a
    /// place at its very end; counting from an absent block underflowed.
    #[test]
    fn the_end_of_a_text_that_fills_its_last_block_has_a_place() {
        for text in [String::new(), "x".repeat(256), format!("{}\nname = ", "é".repeat(124))] {
            let index = LineIndex::new(&text);
            assert_eq!(
                index.location(&text, text.len()),
                line_column(&text, text.len()),
                "{} bytes",
                text.len()
            );
        }
        let text = format!("{}\nname = ", "é".repeat(124));
        assert_eq!(text.len(), 256);
        assert_eq!(LineIndex::new(&text).location(&text, 256), Location::LineColumn { line: 2, column: 8 });
    }

    /// Columns count characters, across the index's blocks; a line ends
    /// at `\n`, `\r\n`, or a `\r` alone.
    #[test]
    fn columns_count_characters_and_a_lone_carriage_return_ends_a_line() {
        let long = format!("{}x = 1", "é".repeat(1000));
        let index = LineIndex::new(&long);
        let at = long.find('x').expect("an x");
        assert_eq!(index.location(&long, at), Location::LineColumn { line: 1, column: 1001 });
        // Inside a character: its start.
        assert_eq!(index.location(&long, 301), Location::LineColumn { line: 1, column: 151 });
        let text = "a\r\nb\rc\nd";
        let lines: Vec<Location> = [0, 3, 5, 7].iter().map(|o| line_column(text, *o)).collect();
        let expected: Vec<Location> = (1..=4).map(|line| Location::LineColumn { line, column: 1 }).collect();
        assert_eq!(lines, expected);
        assert_eq!(line_column(text, 1), Location::LineColumn { line: 1, column: 2 });
    }

    #[test]
    fn problem_display_names_file_place_key_and_both_sides() {
        let p = Problem::new(
            Path::new("s.toml"),
            Location::LineColumn { line: 3, column: 9 },
            "policy.cap",
            "a share between 0 and 1",
            "1.5",
        )
        .with_hint("write 0.80 for 80 %");
        assert_eq!(
            p.to_string(),
            "s.toml:3:9: `policy.cap`: expected a share between 0 and 1, found 1.5\n  hint: write 0.80 for 80 %"
        );
    }
}
