//! Scenarios for the library's tests: the shipped region scenario, as it
//! is or with its holdings and month-end history replaced, and a market
//! without randomness for checks by hand.

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

/// A market without randomness ([`flat`]): each factor's constant rate.
#[derive(Debug, Clone, Copy)]
pub struct Flat {
    /// Equities' drift a year: they return `exp(drift / 252)` a day.
    pub equity_drift: f64,
    /// The constant short rate: fixed income returns `1 + rate / 252` a day.
    pub short_rate: f64,
    /// Inflation a year.
    pub inflation: f64,
}

/// The text of a scenario on a market without randomness (every
/// volatility zero, 21 trading days a month, 252 a year, no duration, no
/// currency), holding 400 mkr of Swedish equities and 600 of fixed income
/// with one month-end of 1,000 on the valuation date 2025-08-31, trading
/// at no cost; `obligations` is appended (its `[obligations]` table, or
/// nothing). The tests of the obligation and of the comparison check
/// their figures against this market by hand.
pub fn flat(market: Flat, obligations: &str) -> String {
    let Flat { equity_drift, short_rate, inflation } = market;
    format!(
        r#"
name = "flat market"
[simulation]
paths = 8
seed = 1
[portfolio]
valuation_date = 2025-08-31
[[portfolio.asset_class]]
name = "eq"
kind = "equity"
factor = "swedish_equity"
holding = 400.0
[[portfolio.asset_class]]
name = "fi"
kind = "fixed_income"
holding = 600.0
[history]
start_value = 1000.0
month_ends = [{{ date = 2025-08-31, value = 1000.0 }}]
[policy]
cost_bps = 0.0
[market]
trading_days_per_month = 21
days_per_year = 252
inflation = {inflation:?}
initial_short_rate = {short_rate:?}
fixed_income_duration = 0.0
hedge_ratio = 0.0
[[market.regime]]
name = "flat"
swedish_equity = {{ mu = {equity_drift:?}, vol = 0.0 }}
global_equity = {{ mu = {equity_drift:?}, vol = 0.0 }}
sek_per_usd = {{ mu = 0.0, vol = 0.0 }}
short_rate = {{ kappa = 0.1, theta = {short_rate:?}, sigma = 0.0 }}
correlation = [[1,0,0,0],[0,1,0,0],[0,0,1,0],[0,0,0,1]]
{obligations}
"#
    )
}
