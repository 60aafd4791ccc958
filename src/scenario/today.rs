//! Today's figures in place of a scenario's: the holdings a custodian
//! exports (`asset_class,holding_mkr`), the month-end history
//! (`date,value_mkr`), and the valuation date. Each file is CSV (as Excel
//! exports it, read by [`crate::sheet`]) or a workbook's sheet.
//!
//! The files are checked as strictly as a scenario: every bad row is a
//! [`Problem`] naming the file and the row, and the month-ends pass the
//! same checks as a scenario's history (one a month, in order, none after
//! the valuation date, enough of them for the window or a start value).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::validate::{Entry, month_end_problems, month_end_table};
use super::{History, Loaded, MonthEnd, Scenario};
use crate::error::{Error, Location, Problem, Result, Warning};
use crate::prices::AMOUNT_RANGE;
use crate::sheet::{SheetChoice, Table};

/// A month-end on the valuation date may differ from the holdings' sum by
/// this much (figures rounded to the mkr) before a warning.
const VALUE_TOLERANCE_MKR: f64 = 0.5;

/// What replaces the scenario's figures; `None` keeps the scenario's.
#[derive(Debug, Clone, Copy, Default)]
pub struct Today<'a> {
    pub valuation_date: Option<NaiveDate>,
    /// CSV or workbook with `asset_class` and `holding_mkr` columns, a
    /// row a class.
    pub holdings: Option<&'a Path>,
    /// The sheet of a holdings workbook (`None`: its first).
    pub holdings_sheet: Option<&'a str>,
    /// CSV or workbook with `date` and `value_mkr` (or `value`) columns, a
    /// row a month-end, oldest first.
    pub history: Option<&'a Path>,
    /// The sheet of a history workbook (`None`: its first).
    pub history_sheet: Option<&'a str>,
}

impl Scenario {
    /// The scenario with today's figures in place of its own.
    ///
    /// Without a history file, the scenario's own month-ends must suit the
    /// valuation date. With one, the scenario's start value (if any) still
    /// counts while the file holds fewer month-ends than the window.
    ///
    /// # Errors
    /// [`Error::Read`] if a file cannot be read; [`Error::Invalid`] with
    /// every problem of both files otherwise.
    pub fn with_today(&self, today: &Today<'_>) -> Result<Loaded> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let mut table = |path: Option<&Path>, name: Option<&str>, option: &str| -> Result<Option<Table>> {
            let Some(path) = path else { return Ok(None) };
            let bytes =
                std::fs::read(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause })?;
            match crate::sheet::read(path, &bytes, SheetChoice { name, option }) {
                Ok((t, w)) => {
                    warnings.extend(w);
                    Ok(Some(t))
                }
                Err(p) => {
                    problems.extend(p);
                    Ok(None)
                }
            }
        };
        let holdings = table(today.holdings, today.holdings_sheet, "--holdings-sheet")?;
        let history = table(today.history, today.history_sheet, "--history-sheet")?;
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }
        let mut loaded = self.with_today_tables(today.valuation_date, holdings.as_ref(), history.as_ref())?;
        warnings.append(&mut loaded.warnings);
        loaded.warnings = warnings;
        Ok(loaded)
    }

    /// [`Scenario::with_today`] on CSV file contents already read, each
    /// with the path that names it in errors.
    ///
    /// # Errors
    /// As [`Scenario::with_today`].
    pub fn with_today_text(
        &self,
        valuation_date: Option<NaiveDate>,
        holdings: Option<(&Path, &str)>,
        history: Option<(&Path, &str)>,
    ) -> Result<Loaded> {
        let mut problems = Vec::new();
        let mut warnings = Vec::new();
        let mut table = |file: Option<(&Path, &str)>| {
            file.and_then(|(path, text)| match crate::sheet::read_text(path, text) {
                Ok((t, w)) => {
                    warnings.extend(w);
                    Some(t)
                }
                Err(p) => {
                    problems.extend(p);
                    None
                }
            })
        };
        let (holdings, history) = (table(holdings), table(history));
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }
        let mut loaded = self.with_today_tables(valuation_date, holdings.as_ref(), history.as_ref())?;
        warnings.append(&mut loaded.warnings);
        loaded.warnings = warnings;
        Ok(loaded)
    }

    /// [`Scenario::with_today`] on the tables read.
    fn with_today_tables(
        &self,
        valuation_date: Option<NaiveDate>,
        holdings: Option<&Table>,
        history: Option<&Table>,
    ) -> Result<Loaded> {
        let mut out = self.clone();
        let mut problems = Vec::new();
        if let Some(date) = valuation_date {
            out.valuation_date = date;
        }
        if let Some(table) = holdings {
            match holdings_table(table, self) {
                Ok(amounts) => {
                    for (class, amount) in out.asset_classes.iter_mut().zip(amounts) {
                        class.holding = amount;
                    }
                }
                Err(p) => problems.extend(p),
            }
        }
        let window = self.policy.window_months;
        let entries = match history {
            Some(table) => {
                let path = table.file.as_path();
                let value = if table.column("value_mkr").is_some() { "value_mkr" } else { "value" };
                let columns = [
                    ("date", Some("the month-end dates, YYYY-MM-DD")),
                    (value, Some("the month-end values in mkr, in a column named `value_mkr`")),
                ];
                match month_end_table(table, columns) {
                    Ok(entries) => {
                        if entries.len() < window && self.history.start_value.is_none() {
                            problems.push(
                                Problem::new(
                                    path,
                                    Location::File,
                                    value,
                                    format!(
                                        "the {window} month-ends the rule's window needs (the scenario gives no start value)"
                                    ),
                                    format!("{} month-ends", entries.len()),
                                )
                                .with_hint(format!(
                                    "give the values of the last {window} month-ends, or a start_value under [history] in the scenario"
                                )),
                            );
                        }
                        Some((path.to_path_buf(), entries))
                    }
                    Err(p) => {
                        problems.extend(p);
                        None
                    }
                }
            }
            None => {
                let entries = self
                    .history
                    .month_ends
                    .iter()
                    .enumerate()
                    .map(|(i, m)| Entry {
                        date: m.date,
                        value: m.value,
                        file: self.history.csv.clone().unwrap_or_else(|| self.path.clone()),
                        location: Location::File,
                        key: format!("history.month_ends[{i}].date"),
                    })
                    .collect();
                Some((PathBuf::new(), entries))
            }
        };
        if let Some((path, entries)) = entries {
            problems.extend(month_end_problems(&entries, Some(out.valuation_date)));
            if history.is_some() {
                out.history = History {
                    month_ends: entries.iter().map(|e| MonthEnd { date: e.date, value: e.value }).collect(),
                    start_value: self.history.start_value,
                    csv: Some(path),
                };
            }
        }
        if !problems.is_empty() {
            return Err(Error::invalid(problems));
        }

        let mut warnings = Vec::new();
        let total: f64 = out.asset_classes.iter().map(|c| c.holding).sum();
        if let Some(last) = out.history.month_ends.last().filter(|m| m.date == out.valuation_date)
            && (last.value - total).abs() > VALUE_TOLERANCE_MKR
        {
            let file = out.history.csv.clone().unwrap_or_else(|| out.path.clone());
            warnings.push(Warning {
                file,
                key: "history".into(),
                message: format!(
                    "the month-end on the valuation date is {:.2} but the holdings sum to {total:.2}; the rule uses both",
                    last.value
                ),
            });
        }
        Ok(Loaded { scenario: out, warnings })
    }
}

/// The longest asset class name a holdings row is compared with for a
/// "did you mean" (a scenario's names are at most 200 characters).
const MAX_CLASS_NAME: usize = 200;

/// The holding of each of `scenario`'s asset classes, in its order, from
/// an `asset_class,holding_mkr` table: every class once, none unknown,
/// each amount a number of mkr, zero or more, and not all zero.
fn holdings_table(table: &Table, scenario: &Scenario) -> std::result::Result<Vec<f64>, Vec<Problem>> {
    const CLASS: &str = "asset_class";
    const AMOUNT: &str = "holding_mkr";
    let path = table.file.as_path();
    let names: Vec<&str> = scenario.asset_classes.iter().map(|c| c.name.as_str()).collect();
    let known = names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
    let hint = Some("the header is `asset_class,holding_mkr` (or with ';' between them)");
    let columns = table.require(&[(CLASS, hint), (AMOUNT, hint)])?;
    let (class_idx, amount_idx) = (columns[0], columns[1]);

    let mut problems = Vec::new();
    let mut amounts: Vec<Option<f64>> = vec![None; names.len()];
    let mut seen: HashMap<usize, usize> = HashMap::new();
    for row in &table.rows {
        let line = row.number;
        let name = table.text(row, class_idx).unwrap_or_default();
        let name = name.as_str();
        let expected = "a holding in mkr, zero or more";
        let amount = table
            .number(row, amount_idx, expected, |v| v >= 0.0, AMOUNT_RANGE)
            .map_err(|p| problems.push(p))
            .ok();
        let Some(class) = names.iter().position(|n| *n == name) else {
            // A name far longer than any class is no misspelling: no
            // suggestion (its comparison grows with the length), and the
            // error quotes its start only.
            let long = name.chars().count() > MAX_CLASS_NAME;
            let closest = names
                .iter()
                .filter(|_| !long)
                .map(|n| (strsim::jaro_winkler(n, name), *n))
                .filter(|(score, _)| *score > 0.8)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let found = if long {
                let start: String = name.chars().take(40).collect();
                format!("{start:?}… ({} characters)", name.chars().count())
            } else {
                format!("{name:?}")
            };
            let p = table.problem_at(
                row,
                class_idx,
                format!("one of the scenario's asset classes {known}"),
                found,
            );
            problems.push(match closest {
                Some((_, n)) => p.with_hint(format!("did you mean `{n}`?")),
                None => p,
            });
            continue;
        };
        if let Some(first) = seen.insert(class, line) {
            let before = if table.sheet.is_some() { "row" } else { "line" };
            problems.push(table.problem_at(
                row,
                class_idx,
                format!("each asset class once (`{name}` is on {before} {first} already)"),
                format!("{name:?} again"),
            ));
            continue;
        }
        amounts[class] = amount;
    }
    for (class, name) in names.iter().enumerate() {
        if !seen.contains_key(&class) {
            problems.push(
                Problem::new(
                    path,
                    Location::File,
                    CLASS,
                    format!("a row for every asset class: {known}"),
                    format!("no row for `{name}`"),
                )
                .with_hint(format!("add a row `{name},<holding in mkr>` (0 if nothing is held)")),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let amounts: Vec<f64> = amounts.into_iter().map(|a| a.unwrap_or(0.0)).collect();
    if amounts.iter().sum::<f64>() <= 0.0 {
        return Err(vec![Problem::new(path, Location::File, AMOUNT, "holdings summing to more than 0", "0")]);
    }
    Ok(amounts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Scenario {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/rjh-2025-08.toml");
        Scenario::load(&path).unwrap().scenario
    }

    fn holdings(text: &str) -> Result<Loaded> {
        shipped().with_today_text(None, Some((Path::new("h.csv"), text)), None)
    }

    fn history(text: &str) -> Result<Loaded> {
        shipped().with_today_text(None, None, Some((Path::new("m.csv"), text)))
    }

    fn problems(r: Result<Loaded>) -> Vec<String> {
        match r {
            Err(Error::Invalid { problems }) => problems.iter().map(|p| p.to_string()).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    /// `n` month-ends ending on 2025-08-31, 1,500 each but the last.
    fn month_ends(n: u32, last_value: f64) -> String {
        let mut text = String::from("date,value_mkr\n");
        let first_next = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
        for i in (1..=n).rev() {
            let date = (first_next - chrono::Months::new(i - 1)).pred_opt().unwrap();
            let value = if i == 1 { last_value } else { 1500.0 };
            text.push_str(&format!("{date},{value}\n"));
        }
        text
    }

    #[test]
    fn todays_holdings_replace_the_scenarios() {
        let loaded =
            holdings("asset_class,holding_mkr\nfixed_income,800\nswedish_equity,250.5\nglobal_equity,400\n")
                .unwrap();
        let h: Vec<f64> = loaded.scenario.asset_classes.iter().map(|c| c.holding).collect();
        assert_eq!(h, [250.5, 400.0, 800.0]);
        // 1,450.5 against the month-end of 1,477 on the valuation date.
        assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
        assert!(loaded.warnings[0].message.contains("1450.50"), "{}", loaded.warnings[0]);
    }

    #[test]
    fn bad_holdings_rows_are_each_named_by_file_and_row() {
        let p = problems(holdings(
            "asset_class,holding_mkr\nswedish_equty,250\nglobal_equity,-400\nfixed_income,abc\nglobal_equity,1\n",
        ));
        assert_eq!(p.len(), 5, "{p:#?}");
        assert!(p[0].starts_with(
            "h.csv: row at line 2: `asset_class`: expected one of the scenario's asset classes"
        ));
        assert!(p[0].contains("found \"swedish_equty\"") && p[0].contains("did you mean `swedish_equity`?"));
        let huge = format!("asset_class,holding_mkr\nfixe{},577.4\n", "x".repeat(1_000_000));
        let long = problems(holdings(&huge));
        assert!(
            long[0].contains("(1000004 characters)") && long[0].len() < 500,
            "{}",
            long[0].chars().take(500).collect::<String>()
        );
        assert!(p[1].starts_with(
            "h.csv: row at line 3: `holding_mkr`: expected a holding in mkr, zero or more, found \"-400\""
        ));
        assert!(p[2].starts_with("h.csv: row at line 4: `holding_mkr`") && p[2].contains("\"abc\""));
        assert!(
            p[3].starts_with("h.csv: row at line 5: `asset_class`: expected each asset class once"),
            "{}",
            p[3]
        );
        assert!(p[4].starts_with("h.csv: `asset_class`") && p[4].contains("no row for `swedish_equity`"));
    }

    #[test]
    fn a_holdings_file_without_its_columns_says_which_it_has() {
        let p = problems(holdings("class,mkr\nfixed_income,1\n"));
        assert_eq!(p.len(), 2);
        assert!(p[0].contains("h.csv: row at line 1: `asset_class`: expected a column named `asset_class`"));
        assert!(p[0].contains("`class`, `mkr`"));
    }

    #[test]
    fn a_history_file_replaces_the_month_ends() {
        let loaded = history(&month_ends(24, 1477.4)).unwrap();
        let s = loaded.scenario;
        assert_eq!(s.history.month_ends.len(), 24);
        assert_eq!(s.window().high(), 1500.0);
        assert_eq!(s.history.csv.as_deref(), Some(Path::new("m.csv")));
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        // The older column name of a scenario's history CSV is read too.
        let old = month_ends(24, 1477.4).replace("value_mkr", "value");
        assert_eq!(history(&old).unwrap().scenario.history.month_ends, s.history.month_ends);
    }

    #[test]
    fn too_short_a_history_without_a_start_value_is_an_error() {
        let p = problems(history(&month_ends(23, 1477.4)));
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].starts_with("m.csv: `value_mkr`: expected the 24 month-ends"), "{}", p[0]);
        assert!(p[0].contains("found 23 month-ends"));
    }

    #[test]
    fn a_month_end_after_the_valuation_date_is_named_by_row() {
        let mut text = month_ends(24, 1477.4);
        text.push_str("2025-09-30,1490\n");
        let p = problems(history(&text));
        assert_eq!(p.len(), 1, "{p:#?}");
        assert_eq!(
            p[0],
            "m.csv: row at line 26: `date`: expected month-ends on or before the valuation date 2025-08-31, found 2025-09-30"
        );
        // A later valuation date accepts it.
        let later = NaiveDate::from_ymd_opt(2025, 9, 30);
        let loaded = shipped().with_today_text(later, None, Some((Path::new("m.csv"), &text))).unwrap();
        assert_eq!(loaded.scenario.valuation_date, later.unwrap());
    }

    #[test]
    fn a_valuation_date_before_the_scenarios_history_is_an_error() {
        let p = problems(shipped().with_today_text(NaiveDate::from_ymd_opt(2025, 8, 15), None, None));
        assert!(p[0].contains("`history.month_ends[23].date`: expected month-ends on or before the valuation date 2025-08-15"), "{}", p[0]);
    }

    #[test]
    fn bad_history_rows_are_named() {
        let text = month_ends(24, 1477.4).replace("2025-03-31,1500", "2025-03-31,-5");
        let p = problems(history(&text));
        assert!(
            p[0].starts_with("m.csv: row at line 20: `value_mkr`: expected a month-end value in mkr above 0"),
            "{p:#?}"
        );
    }
}
