//! Daily price series read from a CSV file or a workbook's sheet (the
//! index series in `data/`, or a user's own), through [`crate::sheet`].
//!
//! A series is a header row and one row per trading day, dates strictly
//! increasing. Every bad row is reported with its line (or sheet, row and
//! column), the column and the value found; reading never guesses, and
//! what it detects (a separator, a decimal comma, an encoding, a sheet)
//! it says in a warning.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Location, Problem, Result, Warning};
pub(crate) use crate::sheet::CellRange;
pub use crate::sheet::{FIRST_SERIES_DATE, LAST_SERIES_DATE};
use crate::sheet::{MAX_ROW_PROBLEMS, SheetChoice, Table};

/// The most calendar days between two rows of a series: a year (the CPI
/// series is yearly; the Dow Jones' longest closure, in 1914, was 135
/// days). A longer gap is a hole in the file, and a replay across it
/// would take years of the market as one day's move.
pub const MAX_GAP_DAYS: i64 = 366;

/// Prices and index levels.
pub(crate) const PRICE_RANGE: CellRange = CellRange {
    lo: 1e-6,
    hi: 1e12,
    expected: "a price from 0.000001 to 10^12",
    hint: "a price series' values lie between 10^-6 and 10^12; rescale the series if it does not",
};
/// Rates in % a year.
pub(crate) const RATE_RANGE: CellRange = CellRange {
    lo: -100.0,
    hi: 100.0,
    expected: "a rate from -100 to 100 (% a year)",
    hint: "rates are given in % a year, within ±100 %",
};
/// Amounts in mkr.
pub(crate) const AMOUNT_RANGE: CellRange = CellRange {
    lo: -1e7,
    hi: 1e7,
    expected: "an amount from -10,000,000 to 10,000,000 mkr, 0 or at least 10^-9 in size",
    hint: "amounts are in mkr (millions of kronor) and within ±10^7 mkr",
};

/// Reads the number in a CSV cell's text with a decimal point, as
/// [`Table::number`] does: for the readers still on the csv crate.
#[allow(clippy::result_large_err)] // a Problem, as every reader returns
pub(crate) fn cell_number(
    path: &Path,
    line: usize,
    column: &str,
    raw: &str,
    expected: &str,
    accept: impl Fn(f64) -> bool,
    range: CellRange,
) -> std::result::Result<f64, Problem> {
    let here = Location::Row { line };
    match raw.parse::<f64>() {
        Ok(v)
            if v.is_finite()
                && accept(v)
                && (range.lo..=range.hi).contains(&v)
                && (v == 0.0 || v.abs() >= 1e-9) =>
        {
            Ok(v)
        }
        Ok(v) if v.is_finite() && accept(v) => {
            Err(Problem::new(path, here, column, range.expected, format!("{raw:?}")).with_hint(range.hint))
        }
        _ => Err(Problem::new(path, here, column, expected, format!("{raw:?}"))),
    }
}

/// A daily price series, dates strictly increasing, prices positive.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceSeries {
    pub source: PathBuf,
    pub dates: Vec<NaiveDate>,
    pub prices: Vec<f64>,
}

impl PriceSeries {
    /// Reads `path`, taking dates from `date_col` and prices from
    /// `price_col` (a workbook's first sheet); what reading detected is
    /// dropped (see [`PriceSeries::load_with`]).
    ///
    /// # Errors
    /// [`Error::Read`] when the file cannot be read, [`Error::Invalid`]
    /// with every bad row otherwise.
    pub fn load(path: &Path, date_col: &str, price_col: &str) -> Result<PriceSeries> {
        let sheet = SheetChoice { name: None, option: "--sheet" };
        PriceSeries::load_with(path, sheet, date_col, price_col).map(|(s, _)| s)
    }

    /// Reads `path`, a CSV file or a workbook's `sheet`, with the warnings
    /// that say what reading detected (separator, decimal mark, encoding,
    /// sheet).
    ///
    /// # Errors
    /// As [`PriceSeries::load`].
    pub fn load_with(
        path: &Path,
        sheet: SheetChoice<'_>,
        date_col: &str,
        price_col: &str,
    ) -> Result<(PriceSeries, Vec<Warning>)> {
        let bytes = std::fs::read(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause })?;
        let (table, warnings) = crate::sheet::read(path, &bytes, sheet).map_err(Error::invalid)?;
        let series = PriceSeries::from_table(
            &table,
            [date_col, price_col],
            "a positive, finite price",
            |v| v > 0.0,
            PRICE_RANGE,
        )?;
        Ok((series, warnings))
    }

    /// Parses the bytes of a CSV file or workbook (its first sheet);
    /// `path` only names the file in errors.
    pub fn parse(path: &Path, bytes: &[u8], date_col: &str, price_col: &str) -> Result<PriceSeries> {
        PriceSeries::parse_with(
            path,
            bytes,
            [date_col, price_col],
            "a positive, finite price",
            |v| v > 0.0,
            PRICE_RANGE,
        )
    }

    /// A dated series of rates (`% a year`, say), which may be zero or
    /// negative: as [`PriceSeries::parse`] but any finite value is taken.
    pub fn parse_rates(path: &Path, bytes: &[u8], date_col: &str, rate_col: &str) -> Result<PriceSeries> {
        PriceSeries::parse_with(path, bytes, [date_col, rate_col], "a finite number", |_| true, RATE_RANGE)
    }

    fn parse_with(
        path: &Path,
        bytes: &[u8],
        columns: [&str; 2],
        expected: &str,
        accept: fn(f64) -> bool,
        range: CellRange,
    ) -> Result<PriceSeries> {
        let sheet = SheetChoice { name: None, option: "--sheet" };
        let (table, _) = crate::sheet::read(path, bytes, sheet).map_err(Error::invalid)?;
        PriceSeries::from_table(&table, columns, expected, accept, range)
    }

    /// The series in `table`'s date and price columns.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every bad row.
    pub fn from_table(
        table: &Table,
        [date_col, price_col]: [&str; 2],
        expected: &str,
        accept: fn(f64) -> bool,
        range: CellRange,
    ) -> Result<PriceSeries> {
        let path = table.file.as_path();
        let rows = read_dated(
            table,
            [
                (date_col, Some("name the date column with --date-col")),
                (price_col, Some("name the price column with --price-col")),
            ],
            expected,
            accept,
            range,
        )
        .map_err(Error::invalid)?;
        let problems: Vec<Problem> = rows
            .windows(2)
            .filter_map(|w| {
                let here = w[1].place.clone();
                let gap = (w[1].date - w[0].date).num_days();
                if gap <= 0 {
                    let expected = format!("a date after {} (dates strictly increasing)", w[0].date);
                    Some(
                        Problem::new(path, here, date_col, expected, w[1].date.to_string())
                            .with_hint("sort the file by date and remove repeated days"),
                    )
                } else if gap > MAX_GAP_DAYS {
                    let expected =
                        format!("a date at most {MAX_GAP_DAYS} days after the row before's {}", w[0].date);
                    Some(
                        Problem::new(
                            path,
                            here,
                            date_col,
                            expected,
                            format!("{} ({gap} days later)", w[1].date),
                        )
                        .with_hint(
                            "the file has a hole of more than a year; fill it or cut the series there",
                        ),
                    )
                } else {
                    None
                }
            })
            .take(MAX_ROW_PROBLEMS)
            .collect();
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }
        if rows.len() < 2 {
            return Err(Error::one(Problem::new(
                path,
                Location::File,
                "",
                "at least two rows of prices",
                format!("{} rows", rows.len()),
            )));
        }
        Ok(PriceSeries {
            source: path.to_path_buf(),
            dates: rows.iter().map(|r| r.date).collect(),
            prices: rows.iter().map(|r| r.value).collect(),
        })
    }

    /// The price on `date`, or on the last trading day before it.
    pub fn price_on_or_before(&self, date: NaiveDate) -> Option<f64> {
        let i = self.dates.partition_point(|d| *d <= date);
        i.checked_sub(1).map(|i| self.prices[i])
    }
}

/// One row of a dated table: its place in the file (a line, or a sheet's
/// row and the date's cell), its date and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedRow {
    pub place: Location,
    pub date: NaiveDate,
    pub value: f64,
}

/// The records of a small CSV file with the line each starts on; a record
/// that does not parse becomes a problem naming its line instead.
pub(crate) fn records_with_lines<R: std::io::Read>(
    path: &Path,
    reader: &mut csv::Reader<R>,
    problems: &mut Vec<Problem>,
) -> Vec<(usize, csv::StringRecord)> {
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => rows.push((r.position().map_or(0, |p| p.line() as usize), r)),
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                problems.push(Problem::new(
                    path,
                    Location::Row { line },
                    "",
                    "a well-formed CSV row",
                    e.to_string(),
                ));
            }
        }
    }
    rows
}

/// Reads the date column and the value column (`columns`, each with a hint
/// for when it is missing) of every row of a table. Every bad cell is a
/// problem, up to [`MAX_ROW_PROBLEMS`]; other columns are ignored. Values
/// must be finite, pass `accept` (`value_expected` says what it asks) and
/// lie in `range`; dates must lie in
/// [`FIRST_SERIES_DATE`]..=[`LAST_SERIES_DATE`].
pub(crate) fn read_dated(
    table: &Table,
    columns: [(&str, Option<&str>); 2],
    value_expected: &str,
    accept: fn(f64) -> bool,
    range: CellRange,
) -> std::result::Result<Vec<DatedRow>, Vec<Problem>> {
    let found = table.require(&columns)?;
    let (date_idx, value_idx) = (found[0], found[1]);
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for row in &table.rows {
        if problems.len() >= MAX_ROW_PROBLEMS {
            break;
        }
        let date = table.date(row, date_idx).map_err(|p| problems.push(p)).ok();
        let value =
            table.number(row, value_idx, value_expected, accept, range).map_err(|p| problems.push(p)).ok();
        if let (Some(date), Some(value)) = (date, value) {
            rows.push(DatedRow { place: table.place(row.number, Some(date_idx)), date, value });
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<PriceSeries> {
        PriceSeries::parse(Path::new("p.csv"), text.as_bytes(), "date", "close")
    }

    fn problems(text: &str) -> Vec<String> {
        match parse(text) {
            Err(Error::Invalid { problems }) => problems.iter().map(|p| p.to_string()).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn reads_dates_and_prices() {
        let s = parse("date,close\n2020-01-02,10\n2020-01-03,11.5\n").unwrap();
        assert_eq!(s.prices, [10.0, 11.5]);
        assert_eq!(s.price_on_or_before(NaiveDate::from_ymd_opt(2020, 1, 5).unwrap()), Some(11.5));
        assert_eq!(s.price_on_or_before(NaiveDate::from_ymd_opt(2019, 1, 5).unwrap()), None);
    }

    #[test]
    fn missing_column_lists_the_columns_found() {
        let p = problems("day,close\n2020-01-02,10\n");
        assert_eq!(p.len(), 1);
        assert!(p[0].contains("p.csv: row at line 1: `date`: expected a column named `date`"), "{}", p[0]);
        assert!(p[0].contains("`day`, `close`") && p[0].contains("--date-col"), "{}", p[0]);
    }

    #[test]
    fn bad_date_price_and_nan_are_named_by_line() {
        let p = problems("date,close\n2020-01-02,10\n2020-13-01,11\n2020-01-06,abc\n2020-01-07,NaN\n");
        assert_eq!(p.len(), 3, "{p:#?}");
        assert!(p[0].contains("line 3: `date`: expected a date as YYYY-MM-DD, found \"2020-13-01\""));
        assert!(p[1].contains("line 4: `close`: expected a positive, finite price, found \"abc\""));
        assert!(p[2].contains("line 5: `close`") && p[2].contains("\"NaN\""));
    }

    #[test]
    fn dates_out_of_order_are_errors() {
        let p = problems("date,close\n2020-01-03,10\n2020-01-02,11\n");
        assert!(p[0].contains("line 3: `date`: expected a date after 2020-01-03"), "{}", p[0]);
    }

    #[test]
    fn negative_and_zero_prices_are_errors() {
        assert_eq!(problems("date,close\n2020-01-02,0\n2020-01-03,-1\n").len(), 2);
    }

    #[test]
    fn too_few_rows_is_an_error() {
        assert!(problems("date,close\n2020-01-02,1\n")[0].contains("at least two rows"));
    }
}
