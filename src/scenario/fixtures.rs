//! Scenarios for the library's tests: the shipped region scenario, as it
//! is or with its holdings and month-end history replaced.

use std::path::Path;

use chrono::{Months, NaiveDate};

use super::Scenario;

/// The text of `scenarios/rjh-2025-08.toml`.
pub fn shipped_text() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/rjh-2025-08.toml");
    std::fs::read_to_string(path).unwrap()
}

/// A scenario from `text`, placed in `scenarios/`; the files it names
/// (the history of `[market.history]`) are read from the repository.
pub fn parse(text: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/test.toml");
    let read = |p: &Path| {
        std::fs::read_to_string(p).map_err(|cause| crate::Error::Read { path: p.to_path_buf(), cause })
    };
    Scenario::parse(&path, text, &read).unwrap().scenario
}

/// The shipped scenario.
pub fn shipped() -> Scenario {
    parse(&shipped_text())
}

/// The shipped scenario with holdings Swedish, global, fixed income and
/// 24 month-ends of `history`, the last on the valuation date 2025-08-31.
pub fn with_flat_history(holdings: [f64; 3], history: f64) -> Scenario {
    let text = shipped_text()
        .replace("holding = 261.80", &format!("holding = {:?}", holdings[0]))
        .replace("holding = 392.69", &format!("holding = {:?}", holdings[1]))
        .replace("holding = 822.91", &format!("holding = {:?}", holdings[2]));
    let start = text.find("month_ends = [").unwrap();
    let end = start + text[start..].find("\n]\n").unwrap() + 3;
    let last = NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    let ends: String = (1..=24)
        .rev()
        .map(|i| {
            let date = (last - Months::new(i - 1)).pred_opt().unwrap();
            format!("  {{ date = {date}, value = {history:?} }},\n")
        })
        .collect();
    parse(&format!("{}month_ends = [\n{ends}]\n{}", &text[..start], &text[end..]))
}

/// The shipped scenario without its `[table]` and the tables under it
/// (`[table.x]`, `[[table.y]]`): a scenario without `[obligations]`, say.
pub fn shipped_without(table: &str) -> Scenario {
    let mut skipping = false;
    let mut text = String::new();
    for line in shipped_text().lines() {
        if line.starts_with('[') {
            let header = line.trim_matches(['[', ']']);
            skipping = header == table || header.starts_with(&format!("{table}."));
        }
        if !skipping {
            text.push_str(line);
            text.push('\n');
        }
    }
    parse(&text)
}
