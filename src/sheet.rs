//! Tables read the way people keep them: a workbook's sheet (`.xlsx`,
//! `.xlsm`, `.xlsb`, `.xls`, `.ods`, read with calamine), or CSV as Excel
//! exports it: `,`, `;` or tab between columns, a decimal point or a
//! decimal comma, UTF-8 with or without a byte-order mark, UTF-16 with
//! one, or Windows-1252 (decoded with encoding_rs).
//!
//! What is detected is said: [`read`] returns a [`Warning`] naming the
//! separator, the decimal mark, the encoding or the sheet chosen whenever
//! they are not plain comma-separated UTF-8 with decimal points. Each cell
//! is kept as found ([`Cell`]); the readers of the crate take numbers and
//! dates from it through [`Table::number`] and [`Table::date`], which
//! accept a number cell or text with a decimal point or comma and spaces
//! between thousands, a date cell or text as `YYYY-MM-DD`, `YYYYMMDD`, or
//! `D/M/YYYY` and `D.M.YYYY` only when the day is above 12 (or equals the
//! month). Anything else is a [`Problem`] naming the file, the sheet, the
//! row and the column, what was found and what was expected.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveTime};

use crate::error::{Error, Location, Problem, Warning};

/// Reports at most this many bad rows; a file with more is plainly the
/// wrong file or the wrong columns, and a screenful says so.
pub const MAX_ROW_PROBLEMS: usize = 20;

/// The dates a dated table may hold: history reaches back centuries (the
/// Swedish CPI series starts in 1290), and nothing is dated after 2200.
pub const FIRST_SERIES_DATE: NaiveDate = NaiveDate::from_ymd_opt(1000, 1, 1).expect("a date");
pub const LAST_SERIES_DATE: NaiveDate = NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date");

/// What a date must look like, as errors say it.
pub const DATE_EXPECTED: &str = "a date as YYYY-MM-DD";

/// The other forms a date may take, as a hint says it.
pub const DATE_FORMS: &str = "dates are read as YYYY-MM-DD (2025-08-31), YYYYMMDD (20250831), Excel date cells, \
     and D/M/YYYY or D.M.YYYY (31/08/2025) when the day is above 12";

/// The range of a number in a cell beyond its sign and meaning: a price,
/// an amount in mkr or a rate a region could meet. Out of it, the problem
/// names the range and `hint` says why.
#[derive(Debug, Clone, Copy)]
pub struct CellRange {
    pub lo: f64,
    pub hi: f64,
    pub expected: &'static str,
    pub hint: &'static str,
}

/// A cell as the file holds it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// Text, trimmed (all a CSV cell is).
    Text(String),
    /// A number cell of a workbook.
    Number(f64),
    /// A date cell of a workbook (a serial number formatted as a date),
    /// with its time of day.
    Date(chrono::NaiveDateTime),
    /// A TRUE/FALSE cell of a workbook.
    Bool(bool),
    /// An error cell of a workbook (`#N/A`, `#DIV/0!`, ...).
    Error(String),
}

impl Cell {
    /// The cell as an error quotes it.
    pub fn found(&self) -> String {
        match self {
            Cell::Empty => "an empty cell".into(),
            Cell::Text(s) => format!("{s:?}"),
            Cell::Number(v) => format!("{v} (a number cell)"),
            Cell::Date(d) if d.time() == NaiveTime::MIN => format!("{} (a date cell)", d.date()),
            Cell::Date(d) => format!("{d} (a date cell)"),
            Cell::Bool(b) => format!("{} (a TRUE/FALSE cell)", if *b { "TRUE" } else { "FALSE" }),
            Cell::Error(e) => format!("{e} (an error cell)"),
        }
    }

    /// The cell's text, trimmed: a number cell written as Rust writes it
    /// (`12`, not `12.0`); `None` for an empty cell.
    pub fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => None,
            Cell::Text(s) if s.is_empty() => None,
            Cell::Text(s) => Some(s.clone()),
            Cell::Number(v) => Some(v.to_string()),
            Cell::Date(d) if d.time() == NaiveTime::MIN => Some(d.date().to_string()),
            Cell::Date(d) => Some(d.to_string()),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Error(e) => Some(e.clone()),
        }
    }
}

/// The decimal mark of a file's text numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decimal {
    Point,
    Comma,
}

/// One data row: its line in a CSV file, or its row in a sheet (both
/// 1-based, as an editor or Excel shows them), and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub number: usize,
    pub cells: Vec<Cell>,
}

/// A header row and the rows below it, from a CSV file or a sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub file: PathBuf,
    /// The sheet, for a workbook.
    pub sheet: Option<String>,
    /// The header's names, trimmed.
    pub header: Vec<String>,
    /// The header's line or row.
    pub header_row: usize,
    /// The sheet's first column (0 for A), which the header starts in.
    first_column: usize,
    /// Rows with at least one cell that is not empty.
    pub rows: Vec<Row>,
    pub decimal: Decimal,
}

/// A sheet to read from a workbook, and the option or key that names it,
/// for the messages.
#[derive(Debug, Clone, Copy, Default)]
pub struct SheetChoice<'a> {
    /// The sheet's name; `None`: the first.
    pub name: Option<&'a str>,
    /// How a user names another (`--sheet`, `history.sheet`).
    pub option: &'a str,
}

/// The file extensions read as workbooks.
pub const WORKBOOK_EXTENSIONS: [&str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

/// Whether `path` names a workbook by its extension.
pub fn is_workbook_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| WORKBOOK_EXTENSIONS.iter().any(|w| w.eq_ignore_ascii_case(e)))
}

/// Whether `bytes` are a workbook: by extension, or by the zip (xlsx,
/// ods) or OLE (xls) signature.
fn is_workbook(path: &Path, bytes: &[u8]) -> bool {
    is_workbook_path(path)
        || bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
}

/// A table from a file's bytes: a sheet of a workbook, or CSV text in any
/// of the encodings and formats the module reads, with a warning saying
/// what was detected when it is not plain comma-separated UTF-8.
///
/// # Errors
/// Every problem found: a workbook that does not open, a sheet it lacks,
/// a sheet named for a CSV file, a malformed CSV row.
pub fn read(
    path: &Path,
    bytes: &[u8],
    sheet: SheetChoice<'_>,
) -> Result<(Table, Vec<Warning>), Vec<Problem>> {
    if is_workbook(path, bytes) {
        return workbook(path, bytes, sheet);
    }
    if let Some(name) = sheet.name {
        return Err(vec![
            Problem::new(
                path,
                Location::File,
                sheet.option,
                "a workbook (.xlsx, .xls or .ods) to take a sheet from",
                format!("a text file, with the sheet {name:?} named"),
            )
            .with_hint(format!("leave out {} for a CSV file", sheet.option)),
        ]);
    }
    let (text, encoding) = decode(bytes);
    csv_table(path, &text, encoding)
}

/// [`read`] on a CSV file's text already decoded.
///
/// # Errors
/// As [`read`].
pub fn read_text(path: &Path, text: &str) -> Result<(Table, Vec<Warning>), Vec<Problem>> {
    csv_table(path, text, None)
}

/// A file the scenario names, read through `read` (which gives text):
/// a workbook is read from the disk as bytes, and a CSV file that is not
/// UTF-8 is read again as bytes and decoded.
///
/// # Errors
/// The outer error when the file cannot be read; the inner problems as
/// [`read`].
#[allow(clippy::type_complexity)]
pub fn read_named(
    path: &Path,
    sheet: SheetChoice<'_>,
    read_file: &dyn Fn(&Path) -> crate::error::Result<String>,
) -> Result<Result<(Table, Vec<Warning>), Vec<Problem>>, Error> {
    let bytes =
        |path: &Path| std::fs::read(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause });
    if is_workbook_path(path) {
        return Ok(read(path, &bytes(path)?, sheet));
    }
    match read_file(path) {
        Ok(text) if sheet.name.is_none() => Ok(read_text(path, &text)),
        Ok(text) => Ok(read(path, text.as_bytes(), sheet)),
        Err(Error::Read { cause, .. }) if cause.kind() == std::io::ErrorKind::InvalidData => {
            Ok(read(path, &bytes(path)?, sheet))
        }
        Err(e) => Err(e),
    }
}

/// Text from bytes, and the encoding when it is not plain UTF-8.
fn decode(bytes: &[u8]) -> (String, Option<&'static str>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let name = if encoding == encoding_rs::UTF_8 { "UTF-8 with a byte-order mark" } else { "UTF-16" };
        return (text.into_owned(), Some(name));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), None),
        Err(_) => {
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            (text.into_owned(), Some("Windows-1252 (the file is not UTF-8)"))
        }
    }
}

/// The separator of CSV text: from an Excel `sep=` first line, else the
/// one of `,`, `;` and tab the header has most of outside quotes (`,`
/// when it has none), and the lines the `sep=` line takes.
fn separator(text: &str) -> (u8, usize) {
    let first = text.lines().next().unwrap_or("");
    let trimmed = first.trim();
    if trimmed.len() == 5 && trimmed.is_char_boundary(4) && trimmed[..4].eq_ignore_ascii_case("sep=") {
        return (trimmed.as_bytes()[4], 1);
    }
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted && let Some(c) = counts.iter_mut().find(|(s, _)| *s == b) {
            c.1 += 1;
        }
    }
    // The first of the most: a comma wins a tie, as before detection.
    let best = counts.iter().fold(counts[0], |best, c| if c.1 > best.1 { *c } else { best });
    (best.0, 0)
}

fn separator_name(sep: u8) -> String {
    match sep {
        b'\t' => "tab".into(),
        other => format!("'{}'", other as char),
    }
}

fn csv_table(
    path: &Path,
    text: &str,
    encoding: Option<&'static str>,
) -> Result<(Table, Vec<Warning>), Vec<Problem>> {
    let (text, encoding) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, encoding.or(Some("UTF-8 with a byte-order mark"))),
        None => (text, encoding),
    };
    // Excel ends lines with CR LF, on which the csv crate counts a
    // record's line one short: read them as LF.
    let text = text.replace("\r\n", "\n");
    let text = text.as_str();
    let (sep, skipped) = separator(text);
    let body = if skipped > 0 { text.split_once('\n').map_or("", |(_, rest)| rest) } else { text };
    let mut reader =
        csv::ReaderBuilder::new().delimiter(sep).trim(csv::Trim::All).from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| vec![Problem::new(path, Location::File, "", "a CSV file", e.to_string())])?
        .iter()
        .map(str::to_string)
        .collect();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        if problems.len() >= MAX_ROW_PROBLEMS {
            break;
        }
        match record {
            Ok(r) => {
                if r.iter().all(str::is_empty) {
                    continue;
                }
                let number = r.position().map_or(0, |p| p.line() as usize) + skipped;
                let cells = r
                    .iter()
                    .map(|s| if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) })
                    .collect();
                rows.push(Row { number, cells });
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize) + skipped;
                let mut p =
                    Problem::new(path, Location::Row { line }, "", "a well-formed CSV row", e.to_string());
                if let csv::ErrorKind::UnequalLengths { .. } = e.kind() {
                    p = p.with_hint(format!(
                        "the rows are read with {} between columns, as the header has them",
                        separator_name(sep)
                    ));
                }
                problems.push(p);
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let decimal = decimal_mark(&rows, sep);
    let table = Table {
        file: path.to_path_buf(),
        sheet: None,
        header,
        header_row: 1 + skipped,
        first_column: 0,
        rows,
        decimal,
    };
    let mut warnings = Vec::new();
    if sep != b',' || decimal == Decimal::Comma || encoding.is_some_and(|e| !e.starts_with("UTF-8")) {
        let mut message = format!(
            "read with {} as separator and {} as decimal mark",
            separator_name(sep),
            if decimal == Decimal::Comma { "','" } else { "'.'" }
        );
        if let Some(e) = encoding {
            message.push_str(&format!(", in {e}"));
        }
        if sep == b';' && decimal == Decimal::Comma {
            message.push_str(" (Swedish Excel export)");
        }
        warnings.push(Warning { file: path.to_path_buf(), key: String::new(), message });
    }
    Ok((table, warnings))
}

/// The decimal mark of the text numbers of `rows`: a comma when some
/// cells have a decimal comma (`261,80`, `1 477,3`, `1.477,30`) and none a
/// decimal point; else a point. In a comma-separated file, `1,477` (three
/// digits after the comma) reads as thousands and says nothing.
fn decimal_mark(rows: &[Row], sep: u8) -> Decimal {
    let (mut comma, mut point) = (0usize, 0usize);
    for cell in rows.iter().flat_map(|r| &r.cells) {
        let Cell::Text(s) = cell else { continue };
        let s = s.trim_start_matches(['-', '+', '\u{2212}']);
        if !s.starts_with(|c: char| c.is_ascii_digit())
            || !s.chars().all(|c| c.is_ascii_digit() || matches!(c, ',' | '.') || is_group_space(c))
        {
            continue;
        }
        match (s.rfind(','), s.rfind('.')) {
            (Some(c), Some(p)) if c > p => comma += 1,
            (Some(_), Some(_)) => point += 1,
            (Some(c), None) if sep == b',' && s.len() - c - 1 == 3 => {}
            (Some(_), None) => comma += 1,
            (None, Some(_)) => point += 1,
            (None, None) => {}
        }
    }
    if comma > 0 && point == 0 { Decimal::Comma } else { Decimal::Point }
}

fn is_group_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}')
}

/// The number in `s` with `decimal` as its decimal mark, allowing a sign
/// (`-`, `+` or `−`), thousands grouped by spaces (or by the other mark:
/// `1.477,30`, `1,477.30`) and Rust's own forms (`1e6`, `NaN`, which the
/// range checks then judge).
pub fn parse_number(s: &str, decimal: Decimal) -> Option<f64> {
    let s = s.trim().replace('\u{2212}', "-");
    let (mark, group) = match decimal {
        Decimal::Point => ('.', ','),
        Decimal::Comma => (',', '.'),
    };
    let (int, frac) = match s.find(mark) {
        Some(i) => (&s[..i], Some(&s[i + mark.len_utf8()..])),
        None => (s.as_str(), None),
    };
    let int = if int.contains(|c: char| is_group_space(c) || c == group) {
        let (sign, digits) = match int.strip_prefix(['-', '+']) {
            Some(rest) => (&int[..1], rest),
            None => ("", int),
        };
        let groups: Vec<&str> = digits.split(|c: char| is_group_space(c) || c == group).collect();
        let all_digits = |g: &str| g.chars().all(|c| c.is_ascii_digit());
        let well_grouped = (1..=3).contains(&groups[0].len())
            && groups.iter().all(|g| all_digits(g))
            && groups[1..].iter().all(|g| g.len() == 3);
        if !well_grouped {
            return None;
        }
        format!("{sign}{}", groups.concat())
    } else {
        int.to_string()
    };
    let text = match frac {
        Some(f) if f.contains([',', '.']) || f.contains(is_group_space) => return None,
        Some(f) => format!("{int}.{f}"),
        None => int,
    };
    text.parse::<f64>().ok()
}

/// Why text is not a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not a date in any form read.
    Unreadable,
    /// `D/M/YYYY` or `D.M.YYYY` with both day and month 12 or less: the
    /// two dates it may be, in ISO form.
    Ambiguous(NaiveDate, NaiveDate),
}

impl DateError {
    /// A hint for the user.
    pub fn hint(&self) -> String {
        match self {
            DateError::Unreadable => DATE_FORMS.to_string(),
            DateError::Ambiguous(a, b) => format!(
                "day and month could be either way round ({} or {}): write the date as YYYY-MM-DD",
                a.format("%-d %B %Y"),
                b.format("%-d %B %Y")
            ),
        }
    }
}

/// A date in text: `YYYY-MM-DD` (with a time of `00:00` or `00:00:00`
/// after it, as some exports add), `YYYYMMDD`, or `D/M/YYYY` and
/// `D.M.YYYY` when the day is above 12 or equals the month.
///
/// # Errors
/// [`DateError::Ambiguous`] for `05/08/2025`; [`DateError::Unreadable`]
/// for anything else not a date.
pub fn parse_date(s: &str) -> Result<NaiveDate, DateError> {
    let s = s.trim();
    let s = ["T00:00:00", " 00:00:00", " 00:00"].iter().find_map(|t| s.strip_suffix(t)).unwrap_or(s);
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").map_err(|_| DateError::Unreadable);
    }
    if let Some(d) = s.split('-').nth(2).and_then(|_| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()) {
        return Ok(d);
    }
    for sep in ['/', '.'] {
        let parts: Vec<&str> = s.split(sep).collect();
        let [a, b, y] = parts[..] else { continue };
        let short = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit());
        if !(short(a) && short(b) && y.len() == 4 && y.bytes().all(|c| c.is_ascii_digit())) {
            return Err(DateError::Unreadable);
        }
        let (a, b, y): (u32, u32, i32) =
            (a.parse().unwrap_or(0), b.parse().unwrap_or(0), y.parse().unwrap_or(0));
        let day_first = NaiveDate::from_ymd_opt(y, b, a);
        if a > 12 || a == b {
            return day_first.ok_or(DateError::Unreadable);
        }
        return match (day_first, NaiveDate::from_ymd_opt(y, a, b)) {
            (Some(d), Some(m)) => Err(DateError::Ambiguous(d, m)),
            _ => Err(DateError::Unreadable),
        };
    }
    Err(DateError::Unreadable)
}

/// A date given on the command line, in the forms of [`parse_date`];
/// the message says what is read.
///
/// # Errors
/// A message naming the forms read (and the two readings of an ambiguous
/// date).
pub fn parse_date_arg(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).map_err(|e| {
        let found = format!("expected {DATE_EXPECTED} (2025-08-31), found {s:?}");
        match e {
            DateError::Unreadable => format!("{found}; {DATE_FORMS}"),
            ambiguous => format!("{found}: {}", ambiguous.hint()),
        }
    })
}

/// Excel's column letters for a 0-based column: A, ..., Z, AA, ...
fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

fn workbook(
    path: &Path,
    bytes: &[u8],
    sheet: SheetChoice<'_>,
) -> Result<(Table, Vec<Warning>), Vec<Problem>> {
    use calamine::{Data, Reader};
    let file_problem =
        |expected: &str, found: String| vec![Problem::new(path, Location::File, "", expected, found)];
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| {
        file_problem("a workbook Excel or LibreOffice saved (.xlsx, .xlsm, .xlsb, .xls, .ods)", e.to_string())
    })?;
    let names = book.sheet_names();
    let listed = names.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ");
    let mut warnings = Vec::new();
    let name = match sheet.name {
        Some(name) => match names.iter().find(|n| n.as_str() == name) {
            Some(n) => n.clone(),
            None => {
                let p = Problem::new(
                    path,
                    Location::File,
                    sheet.option,
                    format!("one of the workbook's sheets {listed}"),
                    format!("{name:?}"),
                );
                let close = names.iter().find(|n| n.trim().eq_ignore_ascii_case(name.trim()));
                return Err(vec![match close {
                    Some(n) => p.with_hint(format!("did you mean {n:?}?")),
                    None => p,
                }]);
            }
        },
        None => {
            let Some(first) = names.first() else {
                return Err(file_problem("a workbook with a sheet", "no sheets".into()));
            };
            if names.len() > 1 {
                warnings.push(Warning {
                    file: path.to_path_buf(),
                    key: String::new(),
                    message: if sheet.option.is_empty() {
                        format!("read the first sheet, {first:?}, of {listed}")
                    } else {
                        format!(
                            "read the first sheet, {first:?}, of {listed}; name another with {}",
                            sheet.option
                        )
                    },
                });
            }
            first.clone()
        }
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| file_problem("a readable sheet", format!("{name:?}: {e}")))?;
    let (start_row, start_col) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
    let cell = |d: &Data| match d {
        Data::Empty => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => {
            let s = s.trim();
            if s.is_empty() { Cell::Empty } else { Cell::Text(s.to_string()) }
        }
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(v) => Cell::Number(*v),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => match d.as_datetime() {
            Some(dt) if d.is_datetime() => Cell::Date(dt),
            _ => Cell::Number(d.as_f64()),
        },
        Data::Error(e) => Cell::Error(e.to_string()),
    };
    let mut rows = range
        .rows()
        .enumerate()
        .map(|(i, r)| Row { number: start_row + i + 1, cells: r.iter().map(cell).collect() })
        .filter(|r| r.cells.iter().any(|c| *c != Cell::Empty));
    let Some(header) = rows.next() else {
        return Err(vec![Problem::new(
            path,
            Location::File,
            "",
            format!("a header row in the sheet {name:?}"),
            "an empty sheet",
        )]);
    };
    let rows: Vec<Row> = rows.collect();
    let decimal = decimal_mark(&rows, b';');
    let header_row = header.number;
    let header = header.cells.iter().map(|c| c.text().unwrap_or_default()).collect();
    Ok((
        Table {
            file: path.to_path_buf(),
            sheet: Some(name),
            header,
            header_row,
            first_column: start_col,
            rows,
            decimal,
        },
        warnings,
    ))
}

#[allow(clippy::result_large_err)] // a Problem, as every reader returns
impl Table {
    /// The index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// The place of row `number` (a line or a sheet's row), and of its
    /// column `col` in a sheet.
    pub fn place(&self, number: usize, col: Option<usize>) -> Location {
        match &self.sheet {
            None => Location::Row { line: number },
            Some(sheet) => Location::Sheet {
                sheet: sheet.clone(),
                row: number,
                column: col.map(|c| column_letters(self.first_column + c)),
            },
        }
    }

    /// The header's place.
    pub fn header_place(&self) -> Location {
        self.place(self.header_row, None)
    }

    /// The indices of `columns` (each with a hint for when it is missing),
    /// or a problem for each missing one that lists the columns found.
    ///
    /// # Errors
    /// A problem for each column the header lacks.
    pub fn require(&self, columns: &[(&str, Option<&str>)]) -> Result<Vec<usize>, Vec<Problem>> {
        let found: Vec<usize> = columns.iter().filter_map(|(name, _)| self.column(name)).collect();
        if found.len() == columns.len() {
            return Ok(found);
        }
        let names = self.header.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", ");
        Err(columns
            .iter()
            .filter(|(name, _)| self.column(name).is_none())
            .map(|(name, hint)| {
                let p = Problem::new(
                    &self.file,
                    self.header_place(),
                    *name,
                    format!("a column named `{name}` in the header"),
                    format!("the columns {names}"),
                );
                let hint = if self.header.len() == 1 && self.sheet.is_none() {
                    Some(format!(
                        "the header reads as one column: separate the columns with ',', ';' or a tab{}",
                        hint.map_or(String::new(), |h| format!("; {h}"))
                    ))
                } else {
                    hint.map(str::to_string)
                };
                match hint {
                    Some(h) => p.with_hint(h),
                    None => p,
                }
            })
            .collect())
    }

    /// The cell of `row` in column `col` (empty past the row's end).
    pub fn cell<'a>(&self, row: &'a Row, col: usize) -> &'a Cell {
        row.cells.get(col).unwrap_or(&Cell::Empty)
    }

    fn problem(
        &self,
        row: &Row,
        col: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Problem {
        let key = self.header.get(col).cloned().unwrap_or_default();
        Problem::new(&self.file, self.place(row.number, Some(col)), key, expected, found)
    }

    /// Any finite number in a cell: a number cell, or text with the
    /// file's decimal mark. `None` for an empty cell.
    ///
    /// # Errors
    /// A problem expecting `expected`, with a hint on the decimal mark
    /// when the text has the other one.
    pub fn value(&self, row: &Row, col: usize, expected: &str) -> Result<Option<f64>, Problem> {
        match self.cell(row, col) {
            Cell::Empty => Ok(None),
            Cell::Number(v) if v.is_finite() => Ok(Some(*v)),
            Cell::Text(s) => match parse_number(s, self.decimal) {
                Some(v) if v.is_finite() => Ok(Some(v)),
                _ => Err(self.number_problem(row, col, expected, s)),
            },
            other => Err(self.problem(row, col, expected, other.found())),
        }
    }

    fn number_problem(&self, row: &Row, col: usize, expected: &str, s: &str) -> Problem {
        let other = match self.decimal {
            Decimal::Point => Decimal::Comma,
            Decimal::Comma => Decimal::Point,
        };
        let p = self.problem(row, col, expected, format!("{s:?}"));
        match parse_number(s, other) {
            Some(v) if v.is_finite() => {
                let (mark, others) = match self.decimal {
                    Decimal::Point => ("a decimal point", "the file's other numbers have decimal points"),
                    Decimal::Comma => ("a decimal comma", "the file's other numbers have decimal commas"),
                };
                p.with_hint(format!("{others}: write {mark} here too, as in {}", self.write(v)))
            }
            _ => p,
        }
    }

    /// `v` with the file's decimal mark.
    fn write(&self, v: f64) -> String {
        let s = v.to_string();
        match self.decimal {
            Decimal::Point => s,
            Decimal::Comma => s.replace('.', ","),
        }
    }

    /// The number in a cell: `Ok` when it is a number, is finite, passes
    /// `accept`, lies in `range` and is 0 or at least 10^-9 in size (less
    /// is rounding noise that overflows a division); otherwise the
    /// problem, which names the range when the value was only too large
    /// or too small.
    ///
    /// # Errors
    /// The problem, naming the file, the sheet, the row and the column.
    pub fn number(
        &self,
        row: &Row,
        col: usize,
        expected: &str,
        accept: impl Fn(f64) -> bool,
        range: CellRange,
    ) -> Result<f64, Problem> {
        let found = || self.cell(row, col).found();
        match self.value(row, col, expected)? {
            None => Err(self.problem(row, col, expected, found())),
            Some(v) if accept(v) && (range.lo..=range.hi).contains(&v) && (v == 0.0 || v.abs() >= 1e-9) => {
                Ok(v)
            }
            Some(v) if accept(v) => {
                Err(self.problem(row, col, range.expected, found()).with_hint(range.hint))
            }
            Some(_) => Err(self.problem(row, col, expected, found())),
        }
    }

    /// The date in a cell: a date cell (at midnight), text in the forms
    /// of [`parse_date`], or a number cell `YYYYMMDD`; within
    /// [`FIRST_SERIES_DATE`] and [`LAST_SERIES_DATE`].
    ///
    /// # Errors
    /// The problem, naming the file, the sheet, the row and the column,
    /// with the forms read.
    pub fn date(&self, row: &Row, col: usize) -> Result<NaiveDate, Problem> {
        let cell = self.cell(row, col);
        let date = match cell {
            Cell::Date(d) if d.time() == NaiveTime::MIN => d.date(),
            Cell::Date(_) => {
                return Err(self
                    .problem(row, col, "a date without a time of day", cell.found())
                    .with_hint("format the cells as dates (YYYY-MM-DD) with no time"));
            }
            Cell::Text(s) => match parse_date(s) {
                Ok(d) => d,
                Err(e) => {
                    return Err(self.problem(row, col, DATE_EXPECTED, cell.found()).with_hint(e.hint()));
                }
            },
            Cell::Number(v) if v.fract() == 0.0 && (1e7..1e8).contains(v) => {
                match NaiveDate::parse_from_str(&format!("{v}"), "%Y%m%d") {
                    Ok(d) => d,
                    Err(_) => {
                        return Err(self
                            .problem(row, col, DATE_EXPECTED, cell.found())
                            .with_hint(DATE_FORMS));
                    }
                }
            }
            Cell::Number(_) => {
                return Err(self
                    .problem(row, col, DATE_EXPECTED, cell.found())
                    .with_hint("format the column as dates in Excel (a date cell), or write YYYY-MM-DD"));
            }
            other => return Err(self.problem(row, col, DATE_EXPECTED, other.found())),
        };
        if (FIRST_SERIES_DATE..=LAST_SERIES_DATE).contains(&date) {
            Ok(date)
        } else {
            Err(self.problem(
                row,
                col,
                format!("a date from {FIRST_SERIES_DATE} to {LAST_SERIES_DATE}"),
                cell.found(),
            ))
        }
    }

    /// The text of a cell (a number cell as Rust writes it), `None` when
    /// empty.
    pub fn text(&self, row: &Row, col: usize) -> Option<String> {
        self.cell(row, col).text()
    }

    /// A problem at a row and column, for the readers' own checks.
    pub fn problem_at(
        &self,
        row: &Row,
        col: usize,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Problem {
        self.problem(row, col, expected, found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_the_forms_read_and_the_ambiguous_refused() {
        assert_eq!(parse_date("2025-08-31"), Ok(d(2025, 8, 31)));
        assert_eq!(parse_date("2025-08-31 00:00:00"), Ok(d(2025, 8, 31)));
        assert_eq!(parse_date("20250831"), Ok(d(2025, 8, 31)));
        assert_eq!(parse_date("31/08/2025"), Ok(d(2025, 8, 31)));
        assert_eq!(parse_date("31.8.2025"), Ok(d(2025, 8, 31)));
        assert_eq!(parse_date("5/5/2025"), Ok(d(2025, 5, 5)));
        assert_eq!(parse_date("05/08/2025"), Err(DateError::Ambiguous(d(2025, 8, 5), d(2025, 5, 8))));
        for bad in ["08/31/2025", "2025-13-01", "31/08/25", "2025/08/31", "aug 31", "", "20251331"] {
            assert_eq!(parse_date(bad), Err(DateError::Unreadable), "{bad}");
        }
        let e = parse_date_arg("05/08/2025").unwrap_err();
        assert!(e.contains("5 August 2025 or 8 May 2025") && e.contains("YYYY-MM-DD"), "{e}");
        let e = parse_date_arg("aug 31").unwrap_err();
        assert!(
            e.starts_with("expected a date as YYYY-MM-DD (2025-08-31), found \"aug 31\"; dates are read as"),
            "{e}"
        );
    }

    #[test]
    fn numbers_with_either_mark_and_swedish_grouping() {
        use Decimal::{Comma, Point};
        assert_eq!(parse_number("261,80", Comma), Some(261.8));
        assert_eq!(parse_number("1 477,3", Comma), Some(1477.3));
        assert_eq!(parse_number("1\u{a0}477,3", Comma), Some(1477.3));
        assert_eq!(parse_number("−12 345 678,5", Comma), Some(-12_345_678.5));
        assert_eq!(parse_number("1.477,30", Comma), Some(1477.3));
        assert_eq!(parse_number("1,477.30", Point), Some(1477.3));
        assert_eq!(parse_number("261.80", Point), Some(261.8));
        assert_eq!(parse_number("1e3", Point), Some(1000.0));
        for bad in ["261,80", "1 47,3", "12 3456", "1,2.3", "abc", ""] {
            assert_eq!(parse_number(bad, Point), None, "{bad}");
        }
        assert_eq!(parse_number("261.80", Comma), None);
    }

    #[test]
    fn separators_and_decimal_marks_are_detected_and_said() {
        let (t, w) =
            read_text(Path::new("h.csv"), "asset_class;holding_mkr\nfixed_income;1 477,3\n").unwrap();
        assert_eq!(t.header, ["asset_class", "holding_mkr"]);
        assert_eq!(t.decimal, Decimal::Comma);
        assert_eq!(
            w[0].to_string(),
            "h.csv: read with ';' as separator and ',' as decimal mark (Swedish Excel export)"
        );
        let (t, w) = read_text(Path::new("h.csv"), "a,b\nx,\"1,477\"\ny,2\n").unwrap();
        assert_eq!((t.decimal, w.len()), (Decimal::Point, 0));
        let (t, w) = read_text(Path::new("h.csv"), "sep=;\r\na;b\r\nx;1,5\r\n;\r\n").unwrap();
        assert_eq!((t.header_row, t.rows.len(), t.rows[0].number), (2, 1, 3));
        assert!(w[0].message.contains("';'"), "{w:?}");
        let (t, _) = read_text(Path::new("t.csv"), "a\tb\nx\t1,5\n").unwrap();
        assert_eq!(t.header, ["a", "b"]);
    }

    #[test]
    fn bom_and_windows_1252_are_decoded_and_said() {
        let mut bytes = b"\xEF\xBB\xBFa;b\nx;1,5\n".to_vec();
        let (t, w) = read(Path::new("b.csv"), &bytes, SheetChoice::default()).unwrap();
        assert_eq!(t.header[0], "a");
        assert!(w[0].message.ends_with("in UTF-8 with a byte-order mark (Swedish Excel export)"), "{w:?}");
        bytes = b"klass;belopp\nr\xE4nta;1,5\n".to_vec();
        let (t, w) = read(Path::new("c.csv"), &bytes, SheetChoice::default()).unwrap();
        assert_eq!(t.text(&t.rows[0], 0).as_deref(), Some("ränta"));
        assert!(w[0].message.contains("Windows-1252"), "{w:?}");
    }

    #[test]
    fn a_sheet_named_for_a_csv_file_is_an_error() {
        let sheet = SheetChoice { name: Some("Innehav"), option: "--sheet" };
        let p = read(Path::new("h.csv"), b"a,b\n", sheet).unwrap_err();
        assert!(p[0].to_string().contains("leave out --sheet for a CSV file"), "{}", p[0]);
    }

    #[test]
    fn column_letters_run_as_excel_names_them() {
        let names: Vec<String> =
            [0, 1, 25, 26, 27, 51, 52, 701, 702].into_iter().map(column_letters).collect();
        assert_eq!(names, ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    /// A workbook as Swedish Excel saves one: a sheet "Innehav" first, then
    /// "Historik" with real date cells, number cells, a date and a number
    /// typed as text (ISO date, decimal comma), a blank row, and the table
    /// starting in B2.
    fn workbook_bytes() -> Vec<u8> {
        use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
        let mut book = Workbook::new();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        let first = book.add_worksheet();
        first.set_name("Innehav").unwrap();
        first.write_string(0, 0, "asset_class").unwrap();
        let sheet = book.add_worksheet();
        sheet.set_name("Historik").unwrap();
        sheet.write_string(1, 1, "date").unwrap();
        sheet.write_string(1, 2, "value_mkr").unwrap();
        let d = ExcelDateTime::from_ymd(2025, 7, 31).unwrap();
        sheet.write_datetime_with_format(2, 1, &d, &date).unwrap();
        sheet.write_number(2, 2, 1471.25).unwrap();
        sheet.write_string(3, 1, "2025-08-31").unwrap();
        sheet.write_string(3, 2, "1 477,3").unwrap();
        sheet.write_string(5, 1, "05/08/2025").unwrap();
        sheet.write_string(5, 2, "abc").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_named_sheet_gives_date_and_number_cells_and_text_alike() {
        let bytes = workbook_bytes();
        let choice = SheetChoice { name: Some("Historik"), option: "--history-sheet" };
        let (t, w) = read(Path::new("bok.xlsx"), &bytes, choice).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!((t.sheet.as_deref(), t.header_row, t.rows.len()), (Some("Historik"), 2, 3));
        assert_eq!(t.header, ["date", "value_mkr"]);
        let (a, b, c) = (&t.rows[0], &t.rows[1], &t.rows[2]);
        assert_eq!((a.number, b.number, c.number), (3, 4, 6));
        assert_eq!(t.date(a, 0), Ok(d(2025, 7, 31)));
        assert_eq!(t.date(b, 0), Ok(d(2025, 8, 31)));
        let range = CellRange { lo: 0.0, hi: 1e7, expected: "", hint: "" };
        assert_eq!(t.number(a, 1, "an amount", |v| v > 0.0, range), Ok(1471.25));
        assert_eq!(t.number(b, 1, "an amount", |v| v > 0.0, range), Ok(1477.3));
        let p = t.date(c, 0).unwrap_err().to_string();
        assert!(
            p.starts_with("bok.xlsx: sheet \"Historik\", cell B6: `date`: expected a date as YYYY-MM-DD, found \"05/08/2025\""),
            "{p}"
        );
        assert!(p.contains("5 August 2025 or 8 May 2025"), "{p}");
        let p = t.number(c, 1, "a month-end value in mkr", |v| v > 0.0, range).unwrap_err().to_string();
        assert_eq!(
            p,
            "bok.xlsx: sheet \"Historik\", cell C6: `value_mkr`: expected a month-end value in mkr, found \"abc\""
        );
        // A number cell where a date belongs, and a date where a number does.
        let p = t.number(a, 0, "a month-end value in mkr", |v| v > 0.0, range).unwrap_err().to_string();
        assert!(p.ends_with("found 2025-07-31 (a date cell)"), "{p}");
    }

    #[test]
    fn the_first_sheet_by_default_said_and_an_unknown_sheet_listed() {
        let bytes = workbook_bytes();
        let choice = SheetChoice { name: None, option: "--history-sheet" };
        let (t, w) = read(Path::new("bok.xlsx"), &bytes, choice).unwrap();
        assert_eq!(t.sheet.as_deref(), Some("Innehav"));
        assert_eq!(
            w[0].to_string(),
            "bok.xlsx: read the first sheet, \"Innehav\", of \"Innehav\", \"Historik\"; name another with --history-sheet"
        );
        let choice = SheetChoice { name: Some("historik"), option: "--history-sheet" };
        let p = read(Path::new("bok.xlsx"), &bytes, choice).unwrap_err()[0].to_string();
        assert!(p.starts_with("bok.xlsx: `--history-sheet`: expected one of the workbook's sheets \"Innehav\", \"Historik\", found \"historik\""), "{p}");
        assert!(p.contains("did you mean \"Historik\"?"), "{p}");
        let p = read(Path::new("bok.xlsx"), b"not a zip", choice).unwrap_err()[0].to_string();
        assert!(p.starts_with("bok.xlsx: expected a workbook Excel or LibreOffice saved"), "{p}");
    }

    #[test]
    fn a_decimal_comma_in_a_point_file_says_to_write_a_point() {
        let (t, _) =
            read_text(Path::new("p.csv"), "date,close\n2025-08-29,261.5\n2025-08-31,\"261,80\"\n").unwrap();
        let range = CellRange { lo: 0.0, hi: 1e7, expected: "", hint: "" };
        let p =
            t.number(&t.rows[1], 1, "a positive, finite price", |v| v > 0.0, range).unwrap_err().to_string();
        assert_eq!(
            p,
            "p.csv: row at line 3: `close`: expected a positive, finite price, found \"261,80\"\n  hint: the file's other numbers have decimal points: write a decimal point here too, as in 261.8"
        );
    }
}
