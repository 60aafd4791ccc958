//! Daily price series read from CSV files (the index series in `data/`, or
//! a user's own).
//!
//! A series is a header row and one row per trading day, dates strictly
//! increasing. Every bad row is reported with its line, the column and the
//! value found; reading never guesses.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::error::{Error, Location, Problem, Result};

/// Reports at most this many bad rows; a file with more is plainly the
/// wrong file or the wrong columns, and a screenful says so.
const MAX_ROW_PROBLEMS: usize = 20;

/// The dates a dated CSV may hold: history reaches back centuries (the
/// Swedish CPI series starts in 1290), and nothing is dated after 2200.
pub const FIRST_SERIES_DATE: NaiveDate = NaiveDate::from_ymd_opt(1000, 1, 1).expect("a date");
pub const LAST_SERIES_DATE: NaiveDate = NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date");

/// The most calendar days between two rows of a series: a year (the CPI
/// series is yearly; the Dow Jones' longest closure, in 1914, was 135
/// days). A longer gap is a hole in the file, and a replay across it
/// would take years of the market as one day's move.
pub const MAX_GAP_DAYS: i64 = 366;

/// The range of a number in a CSV cell beyond its sign and meaning: a
/// price, an amount in mkr or a rate a region could meet. Out of it, the
/// problem names the range and `hint` says why.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CellRange {
    pub lo: f64,
    pub hi: f64,
    pub expected: &'static str,
    pub hint: &'static str,
}

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

/// Reads the number in a CSV cell: `Ok` when it parses, is finite, passes
/// `accept`, lies in `range` and is 0 or at least 10^-9 in size (less is
/// rounding noise that overflows a division); otherwise the problem,
/// which names the range when the value was only too large or too small.
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

/// Reads a date in a CSV cell as `YYYY-MM-DD`, within
/// [`FIRST_SERIES_DATE`] and [`LAST_SERIES_DATE`].
#[allow(clippy::result_large_err)] // a Problem, as every reader returns
pub(crate) fn cell_date(
    path: &Path,
    line: usize,
    column: &str,
    raw: &str,
) -> std::result::Result<NaiveDate, Problem> {
    let here = Location::Row { line };
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(d) if (FIRST_SERIES_DATE..=LAST_SERIES_DATE).contains(&d) => Ok(d),
        Ok(_) => Err(Problem::new(
            path,
            here,
            column,
            format!("a date from {FIRST_SERIES_DATE} to {LAST_SERIES_DATE}"),
            format!("{raw:?}"),
        )),
        Err(_) => Err(Problem::new(path, here, column, "a date as YYYY-MM-DD", format!("{raw:?}"))),
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
    /// Reads `path`, taking dates from `date_col` and prices from `price_col`.
    ///
    /// # Errors
    /// [`Error::Read`] when the file cannot be read, [`Error::Invalid`]
    /// with every bad row otherwise.
    pub fn load(path: &Path, date_col: &str, price_col: &str) -> Result<PriceSeries> {
        let bytes = std::fs::read(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause })?;
        PriceSeries::parse(path, &bytes, date_col, price_col)
    }

    /// Parses CSV `bytes`; `path` only names the file in errors.
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
        [date_col, price_col]: [&str; 2],
        expected: &str,
        accept: fn(f64) -> bool,
        range: CellRange,
    ) -> Result<PriceSeries> {
        let rows = read_dated_csv(
            path,
            bytes,
            [
                (date_col, Some("name the column with --date-col")),
                (price_col, Some("name the column with --price-col")),
            ],
            expected,
            accept,
            range,
        )
        .map_err(Error::invalid)?;
        let problems: Vec<Problem> = rows
            .windows(2)
            .filter_map(|w| {
                let here = Location::Row { line: w[1].line };
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

/// One row of a dated CSV: its line in the file, its date and its value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DatedRow {
    pub line: usize,
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
/// for when it is missing) of every row of a CSV with a header. Values
/// must be positive and finite (`value_expected` says so to the user).
/// Every bad cell is a problem, up to [`MAX_ROW_PROBLEMS`]; other columns
/// are ignored. Values must be finite, pass `accept` and lie in `range`;
/// dates must lie in [`FIRST_SERIES_DATE`]..=[`LAST_SERIES_DATE`].
pub(crate) fn read_dated_csv(
    path: &Path,
    bytes: &[u8],
    columns: [(&str, Option<&str>); 2],
    value_expected: &str,
    accept: fn(f64) -> bool,
    range: CellRange,
) -> std::result::Result<Vec<DatedRow>, Vec<Problem>> {
    let [(date_col, _), (value_col, _)] = columns;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| vec![Problem::new(path, Location::File, "", "a CSV file", e.to_string())])?
        .clone();
    let index = |name: &str| headers.iter().position(|h| h == name);
    let (Some(date_idx), Some(value_idx)) = (index(date_col), index(value_col)) else {
        let names: Vec<_> = headers.iter().map(|h| format!("`{h}`")).collect();
        return Err(columns
            .iter()
            .filter(|(name, _)| index(name).is_none())
            .map(|(name, hint)| {
                let p = Problem::new(
                    path,
                    Location::Row { line: 1 },
                    *name,
                    format!("a column named `{name}` in the header"),
                    format!("the columns {}", names.join(", ")),
                );
                match hint {
                    Some(h) => p.with_hint(*h),
                    None => p,
                }
            })
            .collect());
    };

    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        if problems.len() >= MAX_ROW_PROBLEMS {
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                let here = Location::Row { line };
                problems.push(Problem::new(path, here, "", "a well-formed CSV row", e.to_string()));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line() as usize);
        let raw_date = record.get(date_idx).unwrap_or("");
        let raw_value = record.get(value_idx).unwrap_or("");
        let date = cell_date(path, line, date_col, raw_date).map_err(|p| problems.push(p)).ok();
        let value = cell_number(path, line, value_col, raw_value, value_expected, accept, range)
            .map_err(|p| problems.push(p))
            .ok();
        if let (Some(date), Some(value)) = (date, value) {
            rows.push(DatedRow { line, date, value });
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
