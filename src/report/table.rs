//! A table as the reports hand it on: to the terminal, Markdown, HTML,
//! CSV and a spreadsheet alike. Cells keep their numbers as numbers and
//! say how to show them, so a CSV or a workbook carries the value and a
//! page the value formatted for its language.

use serde::{Deserialize, Serialize};

use super::Lang;
use super::i18n::number;

/// How a number is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A plain number (a count, years, mkr when the column says so).
    Plain,
    /// A share, stored as a fraction (0.123) and shown as `12.3 %`.
    Percent,
    /// Million kronor, shown with ` mkr`.
    Mkr,
    /// A difference of shares or the error of one, stored as a fraction
    /// (0.0016) and shown in percentage points: `0.16 pp`, `0,16 p.e.`.
    Points,
    /// A calendar year, a number shown without grouping: `2025`.
    Year,
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Cell {
    Empty,
    Text {
        text: String,
    },
    Number {
        value: f64,
        decimals: usize,
        unit: Unit,
    },
    /// A figure a reader sees in words (`< 0,74 %` for a probability with
    /// no hits, `0,2 % (0,1–0,4 %)`) and a machine gets as its number.
    Shown {
        value: f64,
        text: String,
    },
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text { text: s.into() }
    }

    pub fn plain(value: f64, decimals: usize) -> Cell {
        Cell::Number { value, decimals, unit: Unit::Plain }
    }

    pub fn percent(share: f64, decimals: usize) -> Cell {
        Cell::Number { value: share, decimals, unit: Unit::Percent }
    }

    pub fn mkr(amount: f64, decimals: usize) -> Cell {
        Cell::Number { value: amount, decimals, unit: Unit::Mkr }
    }

    /// A share's difference or error (a fraction) in percentage points.
    pub fn points(share: f64, decimals: usize) -> Cell {
        Cell::Number { value: share, decimals, unit: Unit::Points }
    }

    /// `value` for a machine, `text` for a reader ([`Cell::Shown`]).
    pub fn shown(value: f64, text: impl Into<String>) -> Cell {
        Cell::Shown { value, text: text.into() }
    }

    /// A calendar year, a number a spreadsheet can compute with.
    pub fn year(year: i32) -> Cell {
        Cell::Number { value: f64::from(year), decimals: 0, unit: Unit::Year }
    }

    /// The cell as a reader of `lang` expects it: `1 477,4 mkr`, `12,3 %`.
    pub fn display(&self, lang: Lang) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text { text } | Cell::Shown { text, .. } => text.clone(),
            Cell::Number { value, decimals, unit } => match unit {
                Unit::Plain => number(*value, *decimals, lang),
                Unit::Percent => format!("{}\u{a0}%", number(value * 100.0, *decimals, lang)),
                Unit::Mkr => format!("{}\u{a0}mkr", number(*value, *decimals, lang)),
                Unit::Points => {
                    let pp = if lang == Lang::Sv { "p.e." } else { "pp" };
                    format!("{}\u{a0}{pp}", number(value * 100.0, *decimals, lang))
                }
                Unit::Year if value.is_finite() => format!("{value:.0}"),
                Unit::Year => number(*value, 0, lang),
            },
        }
    }

    /// The cell for a machine: full precision, a decimal point, no
    /// grouping, shares as fractions; a figure that is not there (NaN,
    /// which some tables use for "no limit") is an empty cell.
    pub fn raw(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text { text } => text.clone(),
            Cell::Number { value, .. } | Cell::Shown { value, .. } if value.is_finite() => format!("{value}"),
            Cell::Number { .. } | Cell::Shown { .. } => String::new(),
        }
    }
}

/// A titled table of cells, one row a `Vec<Cell>` as long as `columns`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// A file and sheet name: lowercase ASCII, digits and `-`, at most 31
    /// characters (a spreadsheet's limit).
    pub name: String,
    /// The heading a reader sees.
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    pub fn new(name: &str, title: impl Into<String>, columns: &[&str]) -> Table {
        debug_assert!(
            name.len() <= 31
                && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "table name {name:?}"
        );
        Table {
            name: name.to_string(),
            title: title.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(
            row.len(),
            self.columns.len(),
            "row of {} in a table of {}",
            row.len(),
            self.columns.len()
        );
        self.rows.push(row);
    }

    /// RFC 4180 CSV with a header row, numbers raw (see [`Cell::raw`]).
    pub fn to_csv(&self) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&self.columns);
        for row in &self.rows {
            let _ = w.write_record(row.iter().map(Cell::raw));
        }
        let bytes = w.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut t = Table::new("debt", "Loans", &["Measure", "Value", "Limit"]);
        t.push(vec![Cell::text("Outstanding, mkr"), Cell::mkr(290.0, 1), Cell::mkr(950.0, 0)]);
        t.push(vec![Cell::text("Within 12 months"), Cell::percent(0.2954, 1), Cell::percent(0.35, 0)]);
        t.push(vec![Cell::text("Note, with \"quotes\""), Cell::Empty, Cell::plain(f64::NAN, 1)]);
        t
    }

    #[test]
    fn cells_show_in_the_readers_format() {
        let t = sample();
        assert_eq!(t.rows[0][1].display(Lang::Sv), "290,0\u{a0}mkr");
        assert_eq!(t.rows[1][1].display(Lang::Sv), "29,5\u{a0}%");
        assert_eq!(t.rows[1][1].display(Lang::En), "29.5\u{a0}%");
        assert_eq!(Cell::points(0.0016, 2).display(Lang::Sv), "0,16\u{a0}p.e.");
        assert_eq!(Cell::points(0.0016, 2).display(Lang::En), "0.16\u{a0}pp");
        assert_eq!(Cell::year(2025).display(Lang::Sv), "2025");
        assert_eq!(Cell::year(2025).raw(), "2025");
    }

    #[test]
    fn csv_keeps_numbers_raw_and_quotes_text() {
        let csv = sample().to_csv();
        assert_eq!(
            csv,
            "Measure,Value,Limit\n\"Outstanding, mkr\",290,950\nWithin 12 months,0.2954,0.35\n\"Note, with \"\"quotes\"\"\",,\n"
        );
    }
}
