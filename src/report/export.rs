//! The scenario set (`run --export-scenarios FILE`) as files other tools
//! read: a NumPy `.npy` array of paths × months × variables, and a long
//! CSV, one row a path and month end, one column a variable, for Excel's
//! pivot tables (docs/scenario-export.md). Both are written to a stream,
//! so a large set is never held twice in memory.

use std::fmt::Write as _;
use std::io::Write;

use chrono::NaiveDate;
use ndarray_npy::WriteNpyExt;

use crate::calendar::month_after;
use crate::engine::{SCENARIO_VARIABLES, ScenarioSet};
use crate::error::{Error, Result};
use crate::report::terms::term_with;
use crate::report::{Lang, i18n};

/// The CSV's columns before the variables.
pub const CSV_KEYS: [&str; 3] = ["path", "month", "date"];

/// An error naming the first figure of `set` that is NaN or infinite
/// (its path, month and variable), as every file a command writes is
/// checked: nothing is written then.
///
/// # Errors
/// [`Error::NonFinite`], named for `file`.
pub fn check_finite(set: &ScenarioSet, file: &str) -> Result<()> {
    let Some(((path, month, variable), value)) = set.values.indexed_iter().find(|(_, v)| !v.is_finite())
    else {
        return Ok(());
    };
    Err(Error::NonFinite {
        file: file.to_string(),
        path: format!("path {path}, month {month}, {}", SCENARIO_VARIABLES[variable]),
        value: value.to_string(),
        fed_by: "the inputs of `market` and `portfolio` (their sections of the scenario, and the command's settings)"
            .to_string(),
    })
}

/// The set as a NumPy `.npy` file (little-endian `float64`, C order,
/// shape `(paths, months + 1, variables)`) into `out`.
///
/// # Errors
/// What `out` returns.
pub fn write_npy(set: &ScenarioSet, out: impl Write) -> std::io::Result<()> {
    set.values.write_npy(out).map_err(std::io::Error::other)
}

/// The set as a long CSV into `out`: a header `path,month,date,` and the
/// variables, then one row a path and month end (month 0 the valuation
/// date `valuation`, month `m` its `m`-th month end after), comma
/// between fields and a decimal point, as every CSV the commands write;
/// each figure in the shortest form that reads back to the same bits.
///
/// # Errors
/// What `out` returns.
pub fn write_csv(set: &ScenarioSet, valuation: NaiveDate, mut out: impl Write) -> std::io::Result<()> {
    let header: Vec<&str> = CSV_KEYS.iter().chain(&SCENARIO_VARIABLES).copied().collect();
    writeln!(out, "{}", header.join(","))?;
    let (_, months, _) = set.values.dim();
    let dates: Vec<NaiveDate> =
        (0..months).map(|m| if m == 0 { valuation } else { month_after(valuation, m) }).collect();
    let mut line = String::new();
    for (path, rows) in set.values.outer_iter().enumerate() {
        for (month, row) in rows.outer_iter().enumerate() {
            line.clear();
            let _ = write!(line, "{path},{month},{}", dates[month]);
            for x in row {
                let _ = write!(line, ",{x}");
            }
            line.push('\n');
            out.write_all(line.as_bytes())?;
        }
    }
    out.flush()
}

/// The printed line that names the two files and the set's shape.
pub fn written(npy: &str, csv: &str, set: &ScenarioSet, lang: Lang) -> String {
    let (paths, months, variables) = set.values.dim();
    let n = |x: usize| i18n::number(x as f64, 0, lang);
    term_with(
        "export.wrote",
        lang,
        &[
            ("npy", &npy),
            ("csv", &csv),
            ("paths", &n(paths)),
            ("months", &n(months)),
            ("variables", &n(variables)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use ndarray::Array3;

    use super::*;

    fn set() -> ScenarioSet {
        let mut values = Array3::from_elem((2, 3, SCENARIO_VARIABLES.len()), 1.0);
        values[[1, 2, 4]] = 0.1 + 0.2;
        values[[0, 1, 9]] = 1295.25;
        ScenarioSet { values, paths: Vec::new() }
    }

    #[test]
    fn the_csv_has_a_row_a_path_and_month_end_with_every_figures_bits() {
        let mut out = Vec::new();
        let valuation = NaiveDate::from_ymd_opt(2025, 8, 31).unwrap();
        write_csv(&set(), valuation, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 2 * 3);
        assert!(lines[0].starts_with("path,month,date,swedish_equity,global_equity_sek,"), "{}", lines[0]);
        assert!(lines[1].starts_with("0,0,2025-08-31,1,1,"), "{}", lines[1]);
        assert!(lines[2].starts_with("0,1,2025-09-30,"), "{}", lines[2]);
        assert!(lines[2].contains(",1295.25,"), "{}", lines[2]);
        assert!(lines[6].starts_with("1,2,2025-10-31,1,1,1,1,0.30000000000000004,"), "{}", lines[6]);
    }

    #[test]
    fn a_non_finite_figure_is_named_by_path_month_and_variable() {
        let mut s = set();
        assert!(check_finite(&s, "x.csv").is_ok());
        s.values[[1, 2, 5]] = f64::NAN;
        let err = check_finite(&s, "x.csv").unwrap_err().to_string();
        assert!(err.contains("path 1, month 2, credit_spread"), "{err}");
    }

    #[test]
    fn the_npy_reads_back_to_the_same_array() {
        let mut out = Vec::new();
        write_npy(&set(), &mut out).unwrap();
        let back: Array3<f64> = ndarray_npy::ReadNpyExt::read_npy(&out[..]).unwrap();
        assert_eq!(back, set().values);
    }
}
