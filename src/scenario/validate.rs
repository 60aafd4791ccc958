//! From what the file says to what the engine may trust: every range,
//! sum and date order is checked here, and every problem is collected
//! before the scenario is refused.

mod actuals;
mod debt;
mod liquidity;
mod long_run;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};

use super::raw::{self, AssetClassFile, HistoryFile, PolicyFile, ScenarioFile};
use super::spans::SpanIndex;
use super::{AssetClass, AssetKind, History, Loaded, MonthEnd, Scenario, Simulation};
use crate::calendar::{month_end, months_between};
use crate::error::{Error, LineIndex, Location, Problem, Result, Warning};
use crate::market::{
    Bootstrap, CreditSpread, DriftVol, FACTOR_NAMES, FACTORS, GLOBAL_EQUITY, HullWhite, MarketModel,
    MeanReverting, Regime, SWEDISH_EQUITY, Shocks, Vasicek, cholesky,
};
use crate::obligations::{
    DEFAULT_DISCOUNT_RATE, DEFAULT_PAYROLL_TAX, DEFAULT_TARGET_YEAR, Denominator, Deposit, Obligations,
    ProjectionYear,
};
use crate::prices::{AMOUNT_RANGE, PriceSeries, cell_number, read_dated};
use crate::rule::Policy;
use crate::sheet::{SheetChoice, Table};

/// Sums of weights may be off by this much (rounded inputs such as 0.333).
const MIX_TOLERANCE: f64 = 1e-6;
/// A month-end on the valuation date may differ from the holdings' sum by
/// this much (published figures are rounded to the mkr) before a warning.
const VALUE_TOLERANCE_MKR: f64 = 0.5;
/// The last trading day of a month is at most this many days before its
/// last calendar day.
const MONTH_END_SLACK_DAYS: u32 = 6;
/// No number in a scenario is larger than this in magnitude: amounts are
/// in mkr (10^7 mkr is ten trillion kronor, far above any region's
/// balance sheet), and every rate, share or count has a narrower range
/// of its own. Larger numbers overflow the simulations.
pub(super) const MAX_MAGNITUDE: f64 = 1e7;
/// Nor is a number other than 0 smaller than this in magnitude: such a
/// figure is rounding noise, and dividing by it overflows.
pub(super) const MIN_MAGNITUDE: f64 = 1e-9;
/// The longest name a scenario, an asset class or a regime may have: it
/// heads reports and charts.
pub(super) const MAX_NAME_CHARS: usize = 200;
/// The dates a scenario may hold.
pub(super) const FIRST_DATE: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date");
pub(super) const LAST_DATE: NaiveDate = NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date");

pub struct Context<'a> {
    path: &'a Path,
    text: &'a str,
    spans: &'a SpanIndex,
    lines: LineIndex,
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
}

const MISSING: &str = "nothing (the key is missing)";

impl<'a> Context<'a> {
    pub fn new(path: &'a Path, text: &'a str, spans: &'a SpanIndex) -> Context<'a> {
        Context { path, text, spans, lines: LineIndex::new(text), problems: Vec::new(), warnings: Vec::new() }
    }

    fn location(&self, key: &str) -> Location {
        self.spans.find(key).map_or(Location::File, |s| self.lines.location(self.text, s.start))
    }

    fn problem(&mut self, key: &str, expected: impl Into<String>, found: impl Into<String>) -> &mut Problem {
        let p = Problem::new(self.path, self.location(key), key, expected, found);
        self.problems.push(p);
        self.problems.last_mut().expect("invariant: just pushed")
    }

    fn warn(&mut self, key: &str, message: String) {
        self.warnings.push(Warning { file: self.path.to_path_buf(), key: key.to_string(), message });
    }

    pub fn unknown_key(&mut self, key: &str) {
        let (table, name) = match key.rfind('.') {
            Some(i) => (&key[..i], &key[i + 1..]),
            None => ("", key),
        };
        let table_kind = strip_indices(table);
        let known = raw::known_keys(&table_kind).unwrap_or(&[]);
        let expected =
            if known.is_empty() { "no keys here".to_string() } else { format!("one of {}", quoted(known)) };
        let suggestion = known
            .iter()
            .map(|k| (strsim::jaro_winkler(k, name), *k))
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, k)| k);
        let where_ = if table.is_empty() { "the top level".to_string() } else { format!("[{table_kind}]") };
        let location = self
            .spans
            .find_key(key)
            .map_or_else(|| self.location(key), |s| self.lines.location(self.text, s.start));
        let mut p = Problem::new(
            self.path,
            location,
            key,
            format!("{expected} in {where_}"),
            format!("unknown key `{name}`"),
        );
        if let Some(s) = suggestion {
            p.hint = Some(format!("did you mean `{s}`?"));
        }
        self.problems.push(p);
    }

    pub fn into_problems(self) -> Vec<Problem> {
        sorted(self.problems)
    }

    /// A required number that must be finite, satisfy `ok` and lie
    /// within ±[`MAX_MAGNITUDE`]: the one range check every number of a
    /// scenario goes through.
    fn number(
        &mut self,
        key: &str,
        value: Option<f64>,
        expected: &str,
        ok: impl Fn(f64) -> bool,
    ) -> Option<f64> {
        match value {
            None => {
                self.problem(key, expected, MISSING);
                None
            }
            Some(v) if !v.is_finite() || !ok(v) => {
                self.problem(key, expected, format_value(v));
                None
            }
            Some(v) if v.abs() > MAX_MAGNITUDE || (v != 0.0 && v.abs() < MIN_MAGNITUDE) => {
                self.magnitude_problem(key, expected, v);
                None
            }
            Some(v) => Some(v),
        }
    }

    /// A number that is right in kind but too large, or too near zero,
    /// for any region.
    pub(super) fn magnitude_problem(&mut self, key: &str, expected: &str, v: f64) {
        let found = if v.abs() < 1.0 { format!("{v:e}") } else { format_value(v) };
        self.problem(key, format!("{expected}, and 0 or from 10^-9 to 10^7 in size"), found).hint = Some(
            "amounts are in mkr (millions of kronor) and within ±10^7 mkr (the scenario documentation, Ranges)"
                .into(),
        );
    }

    fn date(&mut self, key: &str, value: Option<&toml::Value>) -> Option<NaiveDate> {
        const EXPECTED: &str = "a date such as 2025-08-31";
        let parsed = match value {
            None => {
                self.problem(key, EXPECTED, MISSING);
                return None;
            }
            Some(toml::Value::Datetime(dt)) => match (dt.date, dt.time, dt.offset) {
                (Some(d), None, None) => NaiveDate::from_ymd_opt(d.year.into(), d.month.into(), d.day.into()),
                _ => None,
            },
            Some(toml::Value::String(s)) => NaiveDate::parse_from_str(s, "%Y-%m-%d").ok(),
            Some(_) => None,
        };
        match parsed {
            None => {
                let found = value.map_or(String::new(), |v| v.to_string());
                self.problem(key, EXPECTED, found);
                None
            }
            Some(d) if !(FIRST_DATE..=LAST_DATE).contains(&d) => {
                self.problem(key, format!("a date from {FIRST_DATE} to {LAST_DATE}"), d.to_string());
                None
            }
            Some(d) => Some(d),
        }
    }
}

pub fn scenario(
    mut cx: Context<'_>,
    raw: ScenarioFile,
    read: &dyn Fn(&Path) -> Result<String>,
) -> Result<Loaded> {
    let policy_present = raw_has(&cx, "policy");
    let (policy, policy_defaults) = policy(&mut cx, raw.policy.unwrap_or_default(), policy_present);
    let portfolio = raw.portfolio;
    if portfolio.is_none() {
        cx.problem(
            "portfolio",
            "a [portfolio] table with valuation_date and [[portfolio.asset_class]] entries",
            "no [portfolio]",
        );
    }
    let portfolio = portfolio.unwrap_or_default();
    let valuation_date = if raw_has(&cx, "portfolio") {
        cx.date("portfolio.valuation_date", portfolio.valuation_date.as_ref())
    } else {
        None
    };
    let simulation = simulation(&mut cx, raw.simulation);
    let has_market = raw.market.is_some();
    let mut raw_market = raw.market;
    let market_history =
        raw_market.as_mut().and_then(|m| m.history.take()).and_then(|h| long_run::history(&mut cx, h, read));
    let market = raw_market.and_then(|m| market(&mut cx, m, read));
    let classes = if raw_has(&cx, "portfolio") {
        asset_classes(&mut cx, portfolio.asset_class.unwrap_or_default(), has_market)
    } else {
        None
    };

    let history = match raw.history {
        None => {
            cx.problem(
                "history",
                "a [history] table with month_ends (inline) or csv (a file)",
                "no [history]",
            )
            .hint = Some("the rule needs the month-end values of the last 24 months".into());
            None
        }
        Some(h) => history(&mut cx, h, read, policy.window_months, valuation_date),
    };

    if let (Some(history), Some(classes), Some(date)) = (&history, &classes, valuation_date) {
        let last = history.month_ends.last();
        if let Some(last) = last.filter(|m| m.date == date) {
            let total: f64 = classes.iter().map(|c| c.holding).sum();
            if (last.value - total).abs() > VALUE_TOLERANCE_MKR {
                let message = format!(
                    "the month-end on the valuation date is {} but the holdings sum to {}; the rule uses both",
                    format_value(last.value),
                    format_value(total)
                );
                cx.warn("history", message);
            }
        }
    }

    let debt_given = raw.debt.is_some();
    let debt = raw.debt.and_then(|d| debt::debt(&mut cx, d, valuation_date, read));
    let obligations = match (raw.obligations, valuation_date) {
        (Some(o), Some(date)) => obligations(&mut cx, o, date, read),
        _ => None,
    };
    let liquidity_given = raw.liquidity.is_some();
    let mut liquidity = raw.liquidity.and_then(|l| {
        liquidity::liquidity(&mut cx, l, valuation_date, debt.as_ref(), debt_given && debt.is_none())
    });
    if let Some(raw_actuals) = raw.actuals {
        let against = actuals::Against {
            valuation: valuation_date,
            months: liquidity.as_ref().map(|l| l.months),
            liquidity_given,
            debt_given,
        };
        let read = actuals::actuals(&mut cx, raw_actuals, &against);
        if let (Some(l), Some(a)) = (liquidity.as_mut(), read) {
            l.actuals = a;
        }
    }
    if liquidity.is_some() && !has_market {
        cx.problem("liquidity", "a [market] for the loans' rates and the paths", "no [market]").hint =
            Some("the liquidity forecast runs on the market model's paths; add a [market]".into());
    }
    if obligations.is_some() && !has_market {
        cx.problem("obligations", "a [market] to simulate the portfolio and inflation with", "no [market]")
            .hint = Some("the obligation is indexed by the market model's inflation; add a [market]".into());
    }

    if let Some(n) = raw.name.as_ref().filter(|n| n.chars().count() > MAX_NAME_CHARS) {
        cx.problem(
            "name",
            format!("a name of at most {MAX_NAME_CHARS} characters"),
            format!("{} characters", n.chars().count()),
        )
        .hint = Some("the name heads every report and chart; put longer text in `description`".into());
    }
    let name = raw.name.unwrap_or_else(|| {
        cx.path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    });
    match (cx.problems.is_empty(), valuation_date, classes, history) {
        (true, Some(valuation_date), Some(asset_classes), Some(history)) => Ok(Loaded {
            scenario: Scenario {
                path: cx.path.to_path_buf(),
                name,
                description: raw.description.unwrap_or_default(),
                valuation_date,
                asset_classes,
                history,
                policy,
                policy_defaults,
                market,
                market_history,
                simulation,
                debt,
                obligations,
                liquidity,
            },
            warnings: cx.warnings,
        }),
        _ => Err(Error::invalid(sorted(cx.problems))),
    }
}

/// Problems in reading order: by file, then by place; whole-file problems
/// after the placed ones.
fn sorted(mut problems: Vec<Problem>) -> Vec<Problem> {
    let rank = |l: &Location| match *l {
        Location::LineColumn { line, column } => (0, line, column),
        Location::Row { line } | Location::Sheet { row: line, .. } => (0, line, 0),
        Location::File => (1, 0, 0),
    };
    problems.sort_by(|a, b| a.file.cmp(&b.file).then(rank(&a.location).cmp(&rank(&b.location))));
    problems
}

fn raw_has(cx: &Context<'_>, key: &str) -> bool {
    cx.spans.find(key).is_some()
}

fn policy(cx: &mut Context<'_>, raw: PolicyFile, present: bool) -> (Policy, Vec<&'static str>) {
    let d = Policy::DOCUMENT_DEFAULTS;
    let mut defaults = Vec::new();
    let mut take = |value: Option<f64>, key: &'static str, default: f64| {
        value.unwrap_or_else(|| {
            defaults.push(key);
            default
        })
    };
    let mut policy = Policy {
        max_drawdown: take(raw.max_drawdown, "max_drawdown", d.max_drawdown),
        window_months: d.window_months,
        equity_stress: take(raw.equity_stress, "equity_stress", d.equity_stress),
        fixed_income_stress: take(raw.fixed_income_stress, "fixed_income_stress", d.fixed_income_stress),
        buffer: take(raw.buffer, "buffer", d.buffer),
        cap: take(raw.cap, "cap", d.cap),
        target: take(raw.target, "target", d.target),
        down_headroom: take(raw.down_headroom, "down_headroom", d.down_headroom),
        up_band: take(raw.up_band, "up_band", d.up_band),
        up_headroom: take(raw.up_headroom, "up_headroom", d.up_headroom),
        cost_bps: take(raw.cost_bps, "cost_bps", d.cost_bps),
        flow_adjusted_high: d.flow_adjusted_high,
    };
    match raw.window_months {
        None => defaults.push("window_months"),
        Some(w) => match usize::try_from(w) {
            Ok(w) => policy.window_months = w,
            Err(_) => {
                cx.problem("policy.window_months", "a whole number of months from 1 to 600", w.to_string());
            }
        },
    }
    match raw.flow_adjusted_high {
        None => defaults.push("flow_adjusted_high"),
        Some(f) => policy.flow_adjusted_high = f,
    }
    for issue in policy.check() {
        let key = format!("policy.{}", issue.field);
        let p = cx.problem(&key, issue.expected, issue.found);
        if !present || defaults.contains(&issue.field) {
            p.hint =
                Some(format!("`{}` was not set; its default conflicts with another setting", issue.field));
        }
    }
    defaults.sort_by_key(|k| raw::keys::<raw::PolicyFile>().iter().position(|p| p == k));
    (policy, defaults)
}

fn asset_classes(
    cx: &mut Context<'_>,
    raw: Vec<AssetClassFile>,
    need_factor: bool,
) -> Option<Vec<AssetClass>> {
    let before = cx.problems.len();
    if raw.is_empty() {
        cx.problem(
            "portfolio.asset_class",
            "[[portfolio.asset_class]] entries, at least one equity and one fixed_income",
            "none",
        );
        return None;
    }
    let mut classes = Vec::new();
    let mut mix_given = Vec::new();
    for (i, c) in raw.into_iter().enumerate() {
        let key = |field: &str| format!("portfolio.asset_class[{i}].{field}");
        let name = match c.name {
            Some(n) if n.chars().count() > MAX_NAME_CHARS => {
                cx.problem(
                    &key("name"),
                    format!("a name of at most {MAX_NAME_CHARS} characters"),
                    format!("{} characters", n.chars().count()),
                );
                String::new()
            }
            Some(n) if !n.trim().is_empty() => {
                if classes.iter().any(|k: &AssetClass| k.name == n) {
                    cx.problem(&key("name"), "a name no other asset class has", format!("{n:?} again"));
                }
                n
            }
            other => {
                cx.problem(
                    &key("name"),
                    "a name such as \"swedish_equity\"",
                    other.map_or(MISSING.into(), |n| format!("{n:?}")),
                );
                String::new()
            }
        };
        let kind = match c.kind.as_deref() {
            Some("equity") => Some(AssetKind::Equity),
            Some("fixed_income") => Some(AssetKind::FixedIncome),
            other => {
                let found = other.map_or(MISSING.into(), |k| format!("{k:?}"));
                let p = cx.problem(&key("kind"), "\"equity\" or \"fixed_income\"", found);
                if let Some(k) = other {
                    let k = k.to_lowercase();
                    let hint = if ["bonds", "interest", "räntor", "fixed income", "fixed-income", "rates"]
                        .iter()
                        .any(|w| k.contains(w))
                    {
                        Some("write kind = \"fixed_income\"")
                    } else if ["aktie", "stock", "share", "equities"].iter().any(|w| k.contains(w)) {
                        Some("write kind = \"equity\"")
                    } else {
                        None
                    };
                    p.hint = hint.map(String::from);
                }
                None
            }
        };
        let holding = cx.number(&key("holding"), c.holding, "a holding in mkr, zero or more", |v| v >= 0.0);
        let mix = match c.mix {
            None => None,
            Some(m) => cx.number(&key("mix"), Some(m), "a weight from 0 to 1 within its kind's mix", |v| {
                (0.0..=1.0).contains(&v)
            }),
        };
        mix_given.push(c.mix.is_some());
        let factor = match (kind, c.factor.as_deref()) {
            (Some(AssetKind::FixedIncome), Some(f)) => {
                cx.problem(
                    &key("factor"),
                    "no factor on a fixed-income class (it follows the short rate)",
                    format!("{f:?}"),
                );
                None
            }
            (Some(AssetKind::Equity), f @ Some(_)) => equity_factor(cx, &key("factor"), f),
            (Some(AssetKind::Equity), None) if need_factor => equity_factor(cx, &key("factor"), None),
            _ => None,
        };
        classes.push(AssetClass {
            name,
            kind: kind.unwrap_or(AssetKind::Equity),
            holding: holding.unwrap_or(0.0),
            mix: mix.unwrap_or(f64::NAN),
            factor,
        });
    }
    if cx.problems.len() > before {
        return None;
    }

    for kind in [AssetKind::Equity, AssetKind::FixedIncome] {
        let label = match kind {
            AssetKind::Equity => "equity",
            AssetKind::FixedIncome => "fixed_income",
        };
        let members: Vec<usize> = (0..classes.len()).filter(|&i| classes[i].kind == kind).collect();
        match members.as_slice() {
            [] => {
                cx.problem(
                    "portfolio.asset_class",
                    format!("at least one asset class of kind \"{label}\""),
                    "none",
                )
                .hint = Some("the rule moves money between equity and fixed income, so it needs both".into());
            }
            [only] => {
                let c = &mut classes[*only];
                if mix_given[*only] && (c.mix - 1.0).abs() > MIX_TOLERANCE {
                    cx.problem(
                        &format!("portfolio.asset_class[{only}].mix"),
                        format!("1, since it is the only {label} class"),
                        format_value(c.mix),
                    );
                }
                c.mix = 1.0;
            }
            many => {
                let missing: Vec<usize> = many.iter().copied().filter(|&i| !mix_given[i]).collect();
                if let Some(&first) = missing.first() {
                    cx.problem(
                        &format!("portfolio.asset_class[{first}].mix"),
                        format!("a mix weight on every {label} class, since there are {}", many.len()),
                        MISSING,
                    );
                    continue;
                }
                let sum: f64 = many.iter().map(|&i| classes[i].mix).sum();
                if (sum - 1.0).abs() > MIX_TOLERANCE {
                    let parts: Vec<String> = many
                        .iter()
                        .map(|&i| format!("{} {}", classes[i].name, format_value(classes[i].mix)))
                        .collect();
                    cx.problem(
                        &format!("portfolio.asset_class[{}].mix", many[0]),
                        format!("{label} mix weights that sum to 1 (100 %)"),
                        format!("{} = {}", parts.join(" + "), format_value(sum)),
                    );
                }
            }
        }
    }
    let total: f64 = classes.iter().map(|c| c.holding).sum();
    if total <= 0.0 {
        cx.problem("portfolio.asset_class", "holdings that sum to more than 0 mkr", "0");
    }
    (cx.problems.len() == before).then_some(classes)
}

/// One month-end as read, with where it came from.
pub(super) struct Entry {
    pub(super) date: NaiveDate,
    pub(super) value: f64,
    pub(super) file: PathBuf,
    pub(super) location: Location,
    pub(super) key: String,
}

fn history(
    cx: &mut Context<'_>,
    raw: HistoryFile,
    read: &dyn Fn(&Path) -> Result<String>,
    window_months: usize,
    valuation_date: Option<NaiveDate>,
) -> Option<History> {
    let before = cx.problems.len();
    let start_value = match raw.start_value {
        None => None,
        Some(v) => cx.number("history.start_value", Some(v), "a start value in mkr above 0", |v| v > 0.0),
    };
    let (entries, csv) = match (raw.csv, raw.month_ends) {
        (Some(_), Some(_)) => {
            cx.problem("history.csv", "either csv or month_ends", "both");
            return None;
        }
        (None, None) => {
            cx.problem("history", "month_ends = [...] or csv = \"file.csv\"", "neither");
            return None;
        }
        (None, Some(_)) if raw.sheet.is_some() => {
            cx.problem("history.sheet", "a sheet only beside history.csv naming a workbook", "month_ends");
            return None;
        }
        (None, Some(list)) => {
            let mut entries = Vec::new();
            for (i, m) in list.iter().enumerate() {
                let key = format!("history.month_ends[{i}]");
                let date = cx.date(&format!("{key}.date"), m.date.as_ref());
                let value =
                    cx.number(&format!("{key}.value"), m.value, "a month-end value in mkr above 0", |v| {
                        v > 0.0
                    });
                if let (Some(date), Some(value)) = (date, value) {
                    entries.push(Entry {
                        date,
                        value,
                        file: cx.path.to_path_buf(),
                        location: cx.location(&format!("{key}.date")),
                        key: format!("{key}.date"),
                    });
                }
            }
            (entries, None)
        }
        (Some(csv), None) => {
            let csv_path = cx.path.parent().unwrap_or(Path::new("")).join(&csv);
            let sheet = SheetChoice { name: raw.sheet.as_deref(), option: "history.sheet" };
            match crate::sheet::read_named(&csv_path, sheet, read) {
                Err(e) => {
                    cx.problem(
                        "history.csv",
                        "a readable CSV file or workbook (relative to the scenario's folder)",
                        e.to_string(),
                    );
                    return None;
                }
                Ok(Err(problems)) => {
                    cx.problems.extend(problems);
                    return None;
                }
                Ok(Ok((table, warnings))) => {
                    cx.warnings.extend(warnings);
                    let value = if table.column("value_mkr").is_some() { "value_mkr" } else { "value" };
                    match month_end_table(&table, [("date", None), (value, None)]) {
                        Ok(entries) => (entries, Some(csv_path)),
                        Err(problems) => {
                            cx.problems.extend(problems);
                            return None;
                        }
                    }
                }
            }
        }
    };
    if cx.problems.len() > before {
        return None;
    }
    if entries.is_empty() && start_value.is_none() {
        cx.problem("history.month_ends", "at least one month-end, or a start_value", "none");
        return None;
    }

    cx.problems.extend(month_end_problems(&entries, valuation_date));
    if entries.len() < window_months && start_value.is_none() {
        cx.problem(
            "history.start_value",
            format!(
                "a start value, since the history has {} of the {window_months} month-ends the window needs",
                entries.len()
            ),
            MISSING,
        )
        .hint = Some(format!(
            "give all {window_months} month-ends, or history.start_value: the value the fund started at, which counts towards the high until {window_months} month-ends exist"
        ));
    }
    (cx.problems.len() == before).then(|| History {
        month_ends: entries.iter().map(|e| MonthEnd { date: e.date, value: e.value }).collect(),
        start_value,
        csv,
    })
}

/// What is wrong with month-ends as read, oldest first: a date not in the
/// last week of its month, dates out of order or a month missing, a
/// month-end after `valuation_date` or too old to reach the month before it.
pub(super) fn month_end_problems(entries: &[Entry], valuation_date: Option<NaiveDate>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let order_problem = |e: &Entry, expected: String, found: String| {
        Problem::new(&e.file, e.location.clone(), e.key.clone(), expected, found)
    };
    for e in entries {
        let last_day = month_end(e.date);
        if last_day.day() - e.date.day() > MONTH_END_SLACK_DAYS {
            problems.push(
                order_problem(
                    e,
                    format!("a date in the last week of its month (month end {last_day})"),
                    e.date.to_string(),
                )
                .with_hint("a month-end value is the value on the last trading day of its month"),
            );
        }
    }
    // Gaps are looked for only in a history in order: after a date out of
    // place, every "missing month" would be a consequence, not a finding.
    let in_order = entries.windows(2).all(|w| months_between(w[0].date, w[1].date) > 0);
    for pair in entries.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let gap = months_between(a.date, b.date);
        if gap <= 0 {
            let expected = if gap == 0 {
                format!("one month-end a month, after {}", a.date)
            } else {
                format!("a date after {} (month-ends oldest first)", a.date)
            };
            problems.push(
                order_problem(b, expected, b.date.to_string()).with_hint("sort the month-ends by date"),
            );
        } else if gap > 1 && in_order {
            let missing = a.date.checked_add_months(chrono::Months::new(1)).unwrap_or(a.date);
            problems.push(order_problem(
                b,
                format!("the month-end of {} next (no months missing)", missing.format("%Y-%m")),
                b.date.to_string(),
            ));
        }
    }
    if let (Some(last), Some(valuation)) = (entries.last(), valuation_date) {
        let behind = months_between(last.date, valuation);
        if let Some(late) = entries.iter().find(|e| e.date > valuation) {
            problems.push(order_problem(
                late,
                format!("month-ends on or before the valuation date {valuation}"),
                late.date.to_string(),
            ));
        } else if behind > 1 {
            problems.push(order_problem(
                last,
                format!(
                    "month-ends up to {} at least, the month before the valuation date {valuation}",
                    (valuation - chrono::Months::new(1)).format("%Y-%m")
                ),
                format!("the last month-end on {}", last.date),
            ));
        }
    }
    problems
}

/// Month-ends from a table (a CSV file or a sheet) with the given date
/// and value columns (others, such as `source`, are allowed and ignored).
pub(super) fn month_end_table(
    table: &Table,
    columns: [(&str, Option<&str>); 2],
) -> std::result::Result<Vec<Entry>, Vec<Problem>> {
    let rows = read_dated(table, columns, "a month-end value in mkr above 0", |v| v > 0.0, AMOUNT_RANGE)?;
    Ok(rows
        .into_iter()
        .map(|r| Entry {
            date: r.date,
            value: r.value,
            file: table.file.clone(),
            location: r.place,
            key: columns[0].0.into(),
        })
        .collect())
}

fn strip_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

fn quoted(keys: &[&str]) -> String {
    keys.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

fn format_value(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        format!("{}", (v * 1e9).round() / 1e9)
    }
}

/// The `[simulation]` table, with its documented defaults.
pub(super) fn simulation(cx: &mut Context<'_>, raw: Option<raw::SimulationFile>) -> Simulation {
    let raw = raw.unwrap_or_default();
    let mut whole = |key: &str, value: Option<i64>, default: u64, lo: i64, hi: i64, expected: &str| -> u64 {
        match value {
            None => default,
            Some(v) if (lo..=hi).contains(&v) => v as u64,
            Some(v) => {
                cx.problem(key, expected, v.to_string());
                default
            }
        }
    };
    Simulation {
        paths: whole(
            "simulation.paths",
            raw.paths,
            10_000,
            1,
            100_000_000,
            "a number of paths from 1 to 100,000,000",
        ) as usize,
        seed: whole("simulation.seed", raw.seed, 1, 0, i64::MAX, "a seed of 0 or more"),
        horizon_months: whole(
            "simulation.horizon_months",
            raw.horizon_months,
            120,
            1,
            1200,
            "a horizon of 1 to 1200 months",
        ) as usize,
        variance_reduction: raw.variance_reduction.unwrap_or(DEFAULT_VARIANCE_REDUCTION),
    }
}

/// Whether a run is variance-reduced when neither the scenario's
/// `[simulation] variance_reduction` nor `--variance-reduction` says
/// (docs/variance-reduction.md): on, for the same figures with smaller
/// errors on the same work.
pub const DEFAULT_VARIANCE_REDUCTION: bool = true;

/// The `[market]` table into a model.
pub(super) fn market(
    cx: &mut Context<'_>,
    mut raw: raw::MarketFile,
    read: &dyn Fn(&Path) -> Result<String>,
) -> Option<MarketModel> {
    let before = cx.problems.len();
    let stated = raw.long_run.take().and_then(|l| long_run::stated(cx, l));
    let shocks = match raw.shocks.as_deref() {
        None | Some("gaussian") => {
            if let Some(nu) = raw.degrees_of_freedom {
                cx.problem(
                    "market.degrees_of_freedom",
                    "no degrees_of_freedom with gaussian shocks",
                    format_value(nu),
                )
                .hint = Some("set shocks = \"student_t\" for fat tails".into());
            }
            Shocks::Gaussian
        }
        Some("student_t") => {
            let nu = cx.number(
                "market.degrees_of_freedom",
                raw.degrees_of_freedom,
                "degrees of freedom above 2 and at most 1000 (4 to 10 gives fat tails)",
                |v| v > 2.0 && v <= 1000.0,
            );
            Shocks::StudentT { degrees_of_freedom: nu.unwrap_or(5.0) }
        }
        Some("bootstrap") => match bootstrap(cx, raw.bootstrap.take(), read) {
            Some(b) => Shocks::Bootstrap(b),
            None => Shocks::Gaussian,
        },
        Some(other) => {
            cx.problem("market.shocks", "\"gaussian\", \"student_t\" or \"bootstrap\"", format!("{other:?}"));
            Shocks::Gaussian
        }
    };
    if raw.bootstrap.is_some() {
        cx.problem(
            "market.bootstrap",
            "no [market.bootstrap] unless shocks = \"bootstrap\"",
            "a bootstrap table",
        );
    }
    let days = match raw.trading_days_per_month {
        None => 21,
        Some(d) if (1..=31).contains(&d) => d as usize,
        Some(d) => {
            cx.problem("market.trading_days_per_month", "1 to 31 trading days a month", d.to_string());
            21
        }
    };
    let days_per_year = match raw.days_per_year {
        None => 252.0,
        Some(v) => cx
            .number("market.days_per_year", Some(v), "trading days a year from 1 to 366", |v| {
                (1.0..=366.0).contains(&v)
            })
            .unwrap_or(252.0),
    };
    // A day's share of a year must fit the month's days: 21 days a month in
    // a year of one day would make every day a year of returns, and the
    // paths overflow. Half to twice the usual 12 months of days.
    let (fewest, most) = (6.0 * days as f64, (24.0 * days as f64).min(366.0));
    if raw.days_per_year.is_some() && !(fewest..=most).contains(&days_per_year) {
        cx.problem(
            "market.days_per_year",
            format!(
                "trading days a year from {fewest} to {most}: 6 to 24 months of trading_days_per_month = {days} days (12 months are {})",
                12 * days
            ),
            format_value(days_per_year),
        );
    }
    let hull_white = match raw.short_rate_model.as_deref() {
        None | Some("vasicek") => {
            if raw.initial_curve.is_some() {
                cx.problem(
                    "market.initial_curve",
                    "no initial curve with the vasicek short rate",
                    "a curve",
                )
                .hint = Some("set short_rate_model = \"hull_white\" to fit the rate to the curve".into());
            }
            false
        }
        Some("hull_white") => true,
        Some(other) => {
            cx.problem("market.short_rate_model", "\"vasicek\" or \"hull_white\"", format!("{other:?}"));
            false
        }
    };
    let r0 = match (hull_white, raw.initial_short_rate) {
        (true, Some(r)) => {
            cx.problem(
                "market.initial_short_rate",
                "no initial_short_rate with hull_white",
                format_value(r),
            )
            .hint = Some("the initial curve sets the starting rate (its instantaneous forward at 0)".into());
            None
        }
        (true, None) => Some(0.0),
        (false, r) => cx.number("market.initial_short_rate", r, "an annual rate from -0.1 to 0.5", |v| {
            (-0.1..=0.5).contains(&v)
        }),
    };
    let curve = if hull_white { initial_curve(cx, raw.initial_curve) } else { None };
    let duration = cx.number(
        "market.fixed_income_duration",
        raw.fixed_income_duration,
        "a duration in years from 0 to 30",
        |v| (0.0..=30.0).contains(&v),
    );
    let hedge = cx.number("market.hedge_ratio", raw.hedge_ratio, "a hedged share from 0 to 1", |v| {
        (0.0..=1.0).contains(&v)
    });
    let inflation_process =
        raw.inflation_process.and_then(|p| mean_reverting(cx, "market.inflation_process", p, false));
    let credit_spread = raw.credit_spread.and_then(|p| {
        let duration = cx.number(
            "market.credit_spread.duration",
            p.duration,
            "a spread duration in years from 0 to 30",
            |v| (0.0..=30.0).contains(&v),
        );
        let spread = mean_reverting(cx, "market.credit_spread", p, true)?;
        Some(CreditSpread { spread, duration: duration? })
    });
    let inflation = match (raw.inflation, inflation_process.is_some()) {
        (Some(v), true) => {
            cx.problem(
                "market.inflation",
                "no constant inflation beside an inflation_process",
                format_value(v),
            );
            None
        }
        (None, true) => Some(0.0),
        (v, false) => cx.number(
            "market.inflation",
            v,
            "an annual inflation rate from -0.05 to 0.5 (or an inflation_process)",
            |v| (-0.05..=0.5).contains(&v),
        ),
    };

    let raw_regimes = raw.regime.unwrap_or_default();
    if raw_regimes.is_empty() {
        cx.problem("market.regime", "at least one [[market.regime]]", "none");
    }
    // Names as written, so that one bad regime does not make every
    // reference to its name a second problem.
    let names: Vec<String> = raw_regimes.iter().map(|r| r.name.clone().unwrap_or_default()).collect();
    let regimes: Vec<Option<Regime>> = raw_regimes
        .into_iter()
        .enumerate()
        .map(|(i, r)| regime(cx, &format!("market.regime[{i}]"), r))
        .collect();
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) {
            cx.problem(
                &format!("market.regime[{i}].name"),
                "a name no other regime has",
                format!("{name:?} again"),
            );
        }
    }

    let k = regimes.len();
    let transition = match (raw.transition, k) {
        (None, 0 | 1) => vec![vec![1.0]],
        (None, _) => {
            cx.problem(
                "market.transition",
                format!("a {k} × {k} matrix of monthly transition probabilities"),
                MISSING,
            );
            vec![]
        }
        (Some(t), _) => {
            if t.len() != k || t.iter().any(|row| row.len() != k) {
                let shape =
                    format!("{} rows of lengths {:?}", t.len(), t.iter().map(Vec::len).collect::<Vec<_>>());
                cx.problem(
                    "market.transition",
                    format!("a {k} × {k} matrix (one row and column a regime)"),
                    shape,
                );
            } else {
                for (i, row) in t.iter().enumerate() {
                    if let Some(p) = row.iter().find(|p| !(0.0..=1.0).contains(*p)) {
                        cx.problem(
                            &format!("market.transition[{i}]"),
                            "probabilities from 0 to 1",
                            format_value(*p),
                        );
                    } else if (row.iter().sum::<f64>() - 1.0).abs() > MIX_TOLERANCE {
                        cx.problem(
                            &format!("market.transition[{i}]"),
                            "a row that sums to 1 (from each regime to all regimes)",
                            format!("a sum of {}", format_value(row.iter().sum())),
                        );
                    }
                }
            }
            t
        }
    };
    let start_regime = match (raw.start_regime, k) {
        (None, 0 | 1) => 0,
        (None, _) => {
            cx.problem(
                "market.start_regime",
                format!("the name of the regime month 1 is in (one of {names:?})"),
                MISSING,
            );
            0
        }
        (Some(name), _) => names.iter().position(|n| *n == name).unwrap_or_else(|| {
            cx.problem("market.start_regime", format!("one of {names:?}"), format!("{name:?}"));
            0
        }),
    };
    if hull_white && k > 1 {
        cx.problem("market.short_rate_model", "\"vasicek\" with more than one regime", "\"hull_white\"")
            .hint = Some("hull_white is fitted with one regime's kappa and sigma in this version".into());
    }
    if cx.problems.len() > before {
        return None;
    }
    let regimes: Vec<Regime> = regimes.into_iter().flatten().collect();
    let dt = 1.0 / days_per_year;
    let hull_white = curve.map(|c| {
        let v = regimes[0].short_rate;
        HullWhite::new(c, v.kappa, v.sigma, dt, 1200 * days)
    });
    let r0 = hull_white.as_ref().map_or(r0, |hw| Some(hw.initial_rate()));
    let mut model = MarketModel {
        shocks,
        regimes,
        transition,
        start_regime,
        initial_short_rate: r0?,
        fixed_income_duration: duration?,
        hedge_ratio: hedge?,
        inflation: inflation?,
        inflation_process,
        credit_spread,
        hull_white,
        trading_days_per_month: days,
        days_per_year,
        long_run: None,
    };
    if let Some(stated) = stated {
        long_run::apply(cx, &mut model, stated)?;
    }
    Some(model)
}

fn regime(cx: &mut Context<'_>, key: &str, raw: raw::RegimeFile) -> Option<Regime> {
    let before = cx.problems.len();
    let name = match raw.name {
        Some(n) if n.chars().count() > MAX_NAME_CHARS => {
            cx.problem(
                &format!("{key}.name"),
                format!("a name of at most {MAX_NAME_CHARS} characters"),
                format!("{} characters", n.chars().count()),
            );
            String::new()
        }
        Some(n) if !n.trim().is_empty() => n,
        other => {
            cx.problem(
                &format!("{key}.name"),
                "a name such as \"calm\"",
                other.map_or(MISSING.into(), |n| format!("{n:?}")),
            );
            String::new()
        }
    };
    let mut drift_vol = |factor: &str, value: Option<raw::DriftVolFile>| -> Option<DriftVol> {
        let k = format!("{key}.{factor}");
        let Some(v) = value else {
            cx.problem(&k, "{ mu = …, vol = … } (annual drift and volatility)", MISSING);
            return None;
        };
        let mu = cx
            .number(&format!("{k}.mu"), v.mu, "an annual drift from -1 to 1", |x| (-1.0..=1.0).contains(&x));
        let vol = cx.number(&format!("{k}.vol"), v.vol, "an annual volatility from 0 to 2", |x| {
            (0.0..=2.0).contains(&x)
        });
        Some(DriftVol { mu: mu?, vol: vol? })
    };
    let se = drift_vol("swedish_equity", raw.swedish_equity);
    let gl = drift_vol("global_equity", raw.global_equity);
    let fx = drift_vol("sek_per_usd", raw.sek_per_usd);
    let rate = match raw.short_rate {
        None => {
            cx.problem(
                &format!("{key}.short_rate"),
                "{ kappa = …, theta = …, sigma = … } (Vasicek)",
                MISSING,
            );
            None
        }
        Some(v) => {
            let k = format!("{key}.short_rate");
            let kappa = cx.number(
                &format!("{k}.kappa"),
                v.kappa,
                "a mean-reversion speed above 0 and at most 10",
                |x| x > 0.0 && x <= 10.0,
            );
            let theta = cx.number(&format!("{k}.theta"), v.theta, "a long-run rate from -0.1 to 0.5", |x| {
                (-0.1..=0.5).contains(&x)
            });
            let sigma = cx.number(&format!("{k}.sigma"), v.sigma, "a rate volatility from 0 to 0.2", |x| {
                (0.0..=0.2).contains(&x)
            });
            Some(Vasicek { kappa: kappa?, theta: theta?, sigma: sigma? })
        }
    };
    let correlation = correlation(cx, &format!("{key}.correlation"), raw.correlation);
    if cx.problems.len() > before {
        return None;
    }
    Some(Regime {
        name,
        swedish_equity: se?,
        global_equity: gl?,
        sek_per_usd: fx?,
        short_rate: rate?,
        correlation: correlation?,
    })
}

fn correlation(
    cx: &mut Context<'_>,
    key: &str,
    raw: Option<Vec<Vec<f64>>>,
) -> Option<[[f64; FACTORS]; FACTORS]> {
    let order = FACTOR_NAMES.join(", ");
    let Some(rows) = raw else {
        cx.problem(key, format!("a {FACTORS} × {FACTORS} correlation matrix in the order {order}"), MISSING);
        return None;
    };
    if rows.len() != FACTORS || rows.iter().any(|r| r.len() != FACTORS) {
        let shape =
            format!("{} rows of lengths {:?}", rows.len(), rows.iter().map(Vec::len).collect::<Vec<_>>());
        cx.problem(key, format!("a {FACTORS} × {FACTORS} matrix in the order {order}"), shape);
        return None;
    }
    let mut m = [[0.0; FACTORS]; FACTORS];
    let mut ok = true;
    for i in 0..FACTORS {
        for j in 0..FACTORS {
            let v = rows[i][j];
            let here = format!("{key}[{i}][{j}]");
            if !v.is_finite() || !(-1.0..=1.0).contains(&v) {
                cx.problem(&here, "a correlation from -1 to 1", format_value(v));
                ok = false;
            } else if i == j && v != 1.0 {
                cx.problem(
                    &here,
                    format!("1 on the diagonal ({} with itself)", FACTOR_NAMES[i]),
                    format_value(v),
                );
                ok = false;
            } else if j < i && (v - rows[j][i]).abs() > 1e-12 {
                cx.problem(
                    &here,
                    format!("a symmetric matrix: the same as [{j}][{i}] = {}", format_value(rows[j][i])),
                    format_value(v),
                );
                ok = false;
            }
            m[i][j] = v;
        }
    }
    if ok && cholesky(&m).is_none() {
        cx.problem(key, "a positive definite correlation matrix", "a matrix that is not positive definite")
            .hint = Some(
            "some correlations contradict each other; lower the largest ones or check their signs".into(),
        );
        ok = false;
    }
    ok.then_some(m)
}

/// A mean-reverting rate's `{ initial, mean, kappa, sigma }` (and, for a
/// spread, `duration`, read by the caller).
fn mean_reverting(
    cx: &mut Context<'_>,
    key: &str,
    raw: raw::MeanRevertingFile,
    spread: bool,
) -> Option<MeanReverting> {
    if !spread && let Some(d) = raw.duration {
        cx.problem(&format!("{key}.duration"), "no duration on inflation", format_value(d));
    }
    let range = |v: f64| (-0.1..=0.5).contains(&v);
    let initial = cx.number(&format!("{key}.initial"), raw.initial, "an annual rate from -0.1 to 0.5", range);
    let mean = cx.number(&format!("{key}.mean"), raw.mean, "a long-run annual rate from -0.1 to 0.5", range);
    let kappa =
        cx.number(&format!("{key}.kappa"), raw.kappa, "a mean-reversion speed above 0 and at most 10", |v| {
            v > 0.0 && v <= 10.0
        });
    let sigma = cx.number(&format!("{key}.sigma"), raw.sigma, "a volatility from 0 to 0.2", |v| {
        (0.0..=0.2).contains(&v)
    });
    Some(MeanReverting { initial: initial?, process: Vasicek { kappa: kappa?, theta: mean?, sigma: sigma? } })
}

/// The initial zero curve of Hull-White: `[[years, rate], …]`, maturities
/// above 0 and strictly increasing.
fn initial_curve(cx: &mut Context<'_>, raw: Option<Vec<Vec<f64>>>) -> Option<Vec<(f64, f64)>> {
    const KEY: &str = "market.initial_curve";
    let Some(rows) = raw else {
        cx.problem(KEY, "[[years, zero rate], …] (continuously compounded, maturities increasing)", MISSING);
        return None;
    };
    if rows.is_empty() {
        cx.problem(KEY, "at least one [years, zero rate] point", "none");
        return None;
    }
    let mut curve = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let here = format!("{KEY}[{i}]");
        match row.as_slice() {
            [t, y] if t.is_finite() && *t > 0.0 && *t <= 200.0 && (-0.1..=0.5).contains(y) => {
                if let Some((prev, _)) = curve.last()
                    && t <= prev
                {
                    cx.problem(&here, format!("a maturity after {}", format_value(*prev)), format_value(*t));
                    return None;
                }
                curve.push((*t, *y));
            }
            _ => {
                cx.problem(
                    &here,
                    "[years above 0 and at most 200, zero rate from -0.1 to 0.5]",
                    format!("{row:?}"),
                );
                return None;
            }
        }
    }
    Some(curve)
}

/// A price series a scenario names at `key.series` (relative to the
/// scenario's folder), with its `date_column` and `price_column`
/// (`date` and `close` when not given): the path it was read from and
/// the series, or `None` with every problem recorded.
pub(super) fn price_series(
    cx: &mut Context<'_>,
    key: &str,
    series: Option<&str>,
    [date_col, price_col]: [Option<&str>; 2],
    what: &str,
    read: &dyn Fn(&Path) -> Result<String>,
) -> Option<(PathBuf, PriceSeries)> {
    let Some(file) = series else {
        cx.problem(
            &format!("{key}.series"),
            format!("{what} (CSV, relative to the scenario's folder)"),
            MISSING,
        );
        return None;
    };
    let path = cx.path.parent().unwrap_or(Path::new("")).join(file);
    let text = match read(&path) {
        Ok(t) => t,
        Err(e) => {
            cx.problem(
                &format!("{key}.series"),
                "a readable CSV file (relative to the scenario's folder)",
                e.to_string(),
            );
            return None;
        }
    };
    let (date_col, price_col) = (date_col.unwrap_or("date"), price_col.unwrap_or("close"));
    match PriceSeries::parse(&path, text.as_bytes(), date_col, price_col) {
        Ok(p) => Some((path, p)),
        Err(Error::Invalid { problems }) => {
            cx.problems.extend(problems);
            None
        }
        Err(e) => {
            cx.problem(&format!("{key}.series"), what, e.to_string());
            None
        }
    }
}

/// `[market.bootstrap]`: the series read and standardised.
fn bootstrap(
    cx: &mut Context<'_>,
    raw: Option<raw::BootstrapFile>,
    read: &dyn Fn(&Path) -> Result<String>,
) -> Option<Bootstrap> {
    const KEY: &str = "market.bootstrap";
    let Some(raw) = raw else {
        cx.problem(KEY, "a [market.bootstrap] table with series and block_days", MISSING);
        return None;
    };
    let block_days = match raw.block_days {
        Some(b) if (1..=2520).contains(&b) => Some(b as usize),
        other => {
            let found = other.map_or(MISSING.into(), |b| b.to_string());
            cx.problem(
                &format!("{KEY}.block_days"),
                "a block length of 1 to 2520 trading days (21 for a month)",
                found,
            );
            None
        }
    };
    let from = raw.from.as_ref().and_then(|v| cx.date(&format!("{KEY}.from"), Some(v)));
    let to = raw.to.as_ref().and_then(|v| cx.date(&format!("{KEY}.to"), Some(v)));
    let columns = [raw.date_column.as_deref(), raw.price_column.as_deref()];
    let (path, prices) = price_series(cx, KEY, raw.series.as_deref(), columns, "a daily price series", read)?;
    let window: Vec<f64> = prices
        .dates
        .iter()
        .zip(&prices.prices)
        .filter(|(d, _)| from.is_none_or(|f| **d >= f) && to.is_none_or(|t| **d <= t))
        .map(|(_, p)| *p)
        .collect();
    let block_days = block_days?;
    let returns = window.len().saturating_sub(1);
    if returns <= block_days {
        cx.problem(
            &format!("{KEY}.block_days"),
            format!("a block shorter than the series' {returns} daily returns (in the window chosen)"),
            block_days.to_string(),
        )
        .hint = Some("choose a longer series or window, or shorter blocks".into());
        return None;
    }
    Some(Bootstrap::from_prices(path.display().to_string(), &window, block_days))
}

/// The market factor of an equity class.
pub(super) fn equity_factor(cx: &mut Context<'_>, key: &str, value: Option<&str>) -> Option<usize> {
    let expected = "\"swedish_equity\" or \"global_equity\" (the market factor an equity class follows)";
    match value {
        Some("swedish_equity") => Some(SWEDISH_EQUITY),
        Some("global_equity") => Some(GLOBAL_EQUITY),
        other => {
            cx.problem(key, expected, other.map_or(MISSING.into(), |f| format!("{f:?}")));
            None
        }
    }
}

/// The `[obligations]` table: amounts, rates, the projection with one row
/// a year from the valuation date's year through the horizon year, and the
/// deposit plan.
pub(super) fn obligations(
    cx: &mut Context<'_>,
    raw: raw::ObligationsFile,
    valuation_date: NaiveDate,
    read: &dyn Fn(&Path) -> Result<String>,
) -> Option<Obligations> {
    let before = cx.problems.len();
    let amount = "an amount in mkr of 0 or more, including payroll tax";
    let provision = cx.number("obligations.provision", raw.provision, amount, |v| v >= 0.0);
    let contingent = cx.number("obligations.contingent", raw.contingent, amount, |v| v >= 0.0);
    let payroll_tax = cx.number(
        "obligations.payroll_tax",
        Some(raw.payroll_tax.unwrap_or(DEFAULT_PAYROLL_TAX)),
        "a rate from 0 to 1 (0.2426 for 24.26 %)",
        |v| (0.0..=1.0).contains(&v),
    );
    let discount_rate = cx.number(
        "obligations.discount_rate",
        Some(raw.discount_rate.unwrap_or(DEFAULT_DISCOUNT_RATE)),
        "a real rate a year above -1 and at most 1 (0.01 for 1 %)",
        |v| v > -1.0 && v <= 1.0,
    );
    let denominator = match raw.denominator.as_deref() {
        None => Some(Denominator::Whole),
        Some(name) => {
            let d = Denominator::parse(name);
            if d.is_none() {
                cx.problem("obligations.denominator", format!("one of {}", quoted(&Denominator::NAMES)), format!("\"{name}\""))
                    .hint = Some("\"whole\": provision and contingent liability (the reported ratio); \"provision\": the booked provision only".into());
            }
            d
        }
    };
    let first_year =
        if valuation_date.month() == 12 { valuation_date.year() + 1 } else { valuation_date.year() };
    let target_year = match raw.target_year.unwrap_or(i64::from(DEFAULT_TARGET_YEAR)) {
        y if y >= i64::from(first_year) && y <= i64::from(valuation_date.year()) + 100 => Some(y as i32),
        y => {
            cx.problem(
                "obligations.target_year",
                format!(
                    "a year from {first_year} to {} (a year-end after the valuation date)",
                    valuation_date.year() + 100
                ),
                y.to_string(),
            );
            None
        }
    };
    let horizon_year = match (raw.horizon_year, target_year) {
        (None, t) => t.map(|t| t + 5),
        (Some(h), t)
            if h >= i64::from(t.unwrap_or(first_year)) && h <= i64::from(valuation_date.year()) + 100 =>
        {
            Some(h as i32)
        }
        (Some(h), t) => {
            cx.problem(
                "obligations.horizon_year",
                format!(
                    "a year from the target year{} to {}",
                    t.map_or(String::new(), |t| format!(" ({t})")),
                    valuation_date.year() + 100
                ),
                h.to_string(),
            );
            None
        }
    };

    let mut projection = Vec::new();
    let mut seen: BTreeSet<i64> = BTreeSet::new();
    let mut table_key = "obligations.projection";
    let table_start = cx.problems.len();
    match (&raw.projection, &raw.projection_csv) {
        (Some(_), Some(_)) => {
            cx.problem(
                "obligations.projection_csv",
                "either projection (inline) or projection_csv (a file)",
                "both",
            );
        }
        (None, None) => {
            cx.problem(
                "obligations.projection",
                "a table of years: { year, provision_payments, provision_earnings, contingent_payments, contingent_earnings }, or projection_csv = \"file.csv\"",
                MISSING,
            )
            .hint = Some("one row a year from the valuation date's year through the horizon year".into());
        }
        (Some(rows), None) => {
            let money = "an amount in mkr of 0 or more (valuation-date prices, excluding payroll tax)";
            for (i, row) in rows.iter().enumerate() {
                let key = |field: &str| format!("obligations.projection[{i}].{field}");
                let year = match row.year {
                    None => {
                        cx.problem(&key("year"), "a year", MISSING);
                        None
                    }
                    Some(y) if !seen.insert(y) => {
                        cx.problem(&key("year"), "each year once", format!("{y} again"));
                        None
                    }
                    Some(y) => Some(y),
                };
                let values = [
                    cx.number(&key("provision_payments"), row.provision_payments, money, |v| v >= 0.0),
                    cx.number(&key("provision_earnings"), row.provision_earnings, money, |v| v >= 0.0),
                    cx.number(&key("contingent_payments"), row.contingent_payments, money, |v| v >= 0.0),
                    cx.number(&key("contingent_earnings"), row.contingent_earnings, money, |v| v >= 0.0),
                ];
                if let (Some(y), [Some(a), Some(b), Some(c), Some(d)]) = (year, values) {
                    projection.push(ProjectionYear {
                        year: y as i32,
                        provision_payments: a,
                        provision_earnings: b,
                        contingent_payments: c,
                        contingent_earnings: d,
                    });
                }
            }
        }
        (None, Some(file)) => {
            table_key = "obligations.projection_csv";
            let csv_path = cx.path.parent().unwrap_or(Path::new("")).join(file);
            match read(&csv_path) {
                Err(e) => {
                    cx.problem(
                        table_key,
                        "a readable CSV file (relative to the scenario's folder)",
                        e.to_string(),
                    );
                }
                Ok(text) => match projection_csv(&csv_path, &text) {
                    Ok(rows) => {
                        seen = rows.iter().map(|r| i64::from(r.year)).collect();
                        projection = rows;
                    }
                    Err(problems) => cx.problems.extend(problems),
                },
            }
        }
    }
    // Every year once: checked when one table was given and read.
    let one_table = raw.projection.is_some() != raw.projection_csv.is_some();
    let table_read = cx.problems.len() == table_start || !seen.is_empty();
    if let (Some(h), true) = (horizon_year, one_table && table_read) {
        let missing: Vec<String> = (i64::from(first_year)..=i64::from(h))
            .filter(|y| !seen.contains(y))
            .map(|y| y.to_string())
            .collect();
        if !missing.is_empty() {
            cx.problem(
                table_key,
                format!("a row for every year from {first_year} through the horizon year {h}"),
                format!("no row for {}", missing.join(", ")),
            );
        }
    }
    projection.sort_by_key(|r| r.year);

    let mut deposits = Vec::new();
    let mut seen: BTreeSet<i64> = BTreeSet::new();
    for (i, row) in raw.deposits.iter().flatten().enumerate() {
        let key = |field: &str| format!("obligations.deposits[{i}].{field}");
        let last = horizon_year.map_or(i64::from(valuation_date.year()) + 100, i64::from);
        let expected = format!(
            "a year from {} to {last} (deposits are made in January, after the valuation date)",
            valuation_date.year() + 1
        );
        let year = match row.year {
            None => {
                cx.problem(&key("year"), expected, MISSING);
                None
            }
            Some(y) if seen.contains(&y) => {
                cx.problem(&key("year"), "each year once", format!("{y} again"));
                None
            }
            Some(y) if y <= i64::from(valuation_date.year()) || y > last => {
                cx.problem(&key("year"), expected, y.to_string());
                None
            }
            Some(y) => {
                seen.insert(y);
                Some(y as i32)
            }
        };
        let amount = cx.number(&key("amount"), row.amount, "an amount in mkr of 0 or more", |v| v >= 0.0);
        if let (Some(year), Some(amount)) = (year, amount) {
            deposits.push(Deposit { year, amount });
        }
    }
    deposits.sort_by_key(|d| d.year);

    if cx.problems.len() > before {
        return None;
    }
    let obligations = Obligations {
        provision: provision?,
        contingent: contingent?,
        payroll_tax: payroll_tax?,
        discount_rate: discount_rate?,
        denominator: denominator?,
        target_year: target_year?,
        horizon_year: horizon_year?,
        withdraw_payments: raw.withdraw_payments.unwrap_or(false),
        stop_when_full: raw.stop_when_full.unwrap_or(false),
        projection,
        deposits,
    };
    obligation_stays_measurable(cx, &obligations, valuation_date, table_key)?;
    Some(obligations)
}

/// The smallest obligation a consolidation ratio is measured against, mkr.
/// Every region and municipality has far more; below it a ratio is not a
/// figure a board can read (and at zero it has no value at all).
pub const MIN_OBLIGATION_MKR: f64 = 1.0;

/// The consolidation ratio divides by the obligation: the provision on the
/// valuation date (the report shows the provision's ratio whatever the
/// denominator) and the chosen denominator at every year-end through the
/// horizon must be at least [`MIN_OBLIGATION_MKR`]. A projection whose
/// payments run the obligation out is refused with the first such year.
fn obligation_stays_measurable(
    cx: &mut Context<'_>,
    ob: &Obligations,
    valuation_date: NaiveDate,
    table_key: &str,
) -> Option<()> {
    let expected = format!("at least {MIN_OBLIGATION_MKR} mkr: the consolidation ratio divides by it");
    if ob.provision < MIN_OBLIGATION_MKR {
        cx.problem("obligations.provision", expected, format!("{} mkr", ob.provision)).hint =
            Some("the provision (avsättning) including payroll tax, as in the balance sheet".into());
        return None;
    }
    let tax = 1.0 + ob.payroll_tax;
    let real = ob.real_projection(&ob.calendar(valuation_date));
    let denominator = |p: f64, c: f64| match ob.denominator {
        Denominator::Whole => (p + c) * tax,
        Denominator::Provision => p * tax,
    };
    let short =
        std::iter::once((valuation_date.year(), denominator(real.provision_start, real.contingent_start)))
            .chain(
                real.years
                    .iter()
                    .zip(real.provision.iter().zip(&real.contingent))
                    .map(|(y, (p, c))| (*y, denominator(*p, *c))),
            )
            .find(|(_, d)| d.is_nan() || *d < MIN_OBLIGATION_MKR);
    if let Some((year, d)) = short {
        cx.problem(
            table_key,
            format!(
                "an obligation ({}) of {expected}, in every year through the horizon",
                ob.denominator.name()
            ),
            format!("{d:.3} mkr at the end of {year}"),
        )
        .hint = Some(
            "the payments run the obligation out: check the payments and earnings rows, or the amounts"
                .into(),
        );
        return None;
    }
    Some(())
}

/// The columns of a projection CSV, in the order of [`ProjectionYear`].
const PROJECTION_COLUMNS: [&str; 5] =
    ["year", "provision_payments", "provision_earnings", "contingent_payments", "contingent_earnings"];

/// A projection from a CSV with the columns of [`PROJECTION_COLUMNS`]
/// (others allowed), one row a year; every bad row is reported by line.
fn projection_csv(path: &Path, text: &str) -> std::result::Result<Vec<ProjectionYear>, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.as_bytes());
    let header_problem = |found: String| {
        vec![Problem::new(
            path,
            Location::Row { line: 1 },
            "header",
            format!("a header with the columns {}", quoted(&PROJECTION_COLUMNS)),
            found,
        )]
    };
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(header_problem(e.to_string())),
    };
    let mut index = [0usize; 5];
    for (slot, name) in index.iter_mut().zip(PROJECTION_COLUMNS) {
        match headers.iter().position(|h| h == name) {
            Some(i) => *slot = i,
            None => {
                return Err(header_problem(format!(
                    "no column `{name}` in `{}`",
                    headers.iter().collect::<Vec<_>>().join(",")
                )));
            }
        }
    }
    let mut problems = Vec::new();
    let mut rows: Vec<ProjectionYear> = Vec::new();
    let mut years = std::collections::BTreeSet::new();
    for (line, record) in crate::prices::records_with_lines(path, &mut reader, &mut problems) {
        let here = Location::Row { line };
        let field = |i: usize| record.get(index[i]).unwrap_or("");
        let year = match field(0).parse::<i32>() {
            Ok(y) if !years.insert(y) => {
                problems.push(Problem::new(
                    path,
                    here.clone(),
                    "year",
                    "each year once",
                    format!("{y} again"),
                ));
                None
            }
            Ok(y) => Some(y),
            Err(_) => {
                problems.push(Problem::new(path, here.clone(), "year", "a year such as 2026", field(0)));
                None
            }
        };
        let mut values = [0.0; 4];
        let mut ok = year.is_some();
        for (k, v) in values.iter_mut().enumerate() {
            let expected = "an amount in mkr of 0 or more (valuation-date prices, excluding payroll tax)";
            match cell_number(
                path,
                line,
                PROJECTION_COLUMNS[k + 1],
                field(k + 1),
                expected,
                |x| x >= 0.0,
                AMOUNT_RANGE,
            ) {
                Ok(x) => *v = x,
                Err(p) => {
                    ok = false;
                    problems.push(p);
                }
            }
        }
        if let (true, Some(year)) = (ok, year) {
            rows.push(ProjectionYear {
                year,
                provision_payments: values[0],
                provision_earnings: values[1],
                contingent_payments: values[2],
                contingent_earnings: values[3],
            });
        }
    }
    if problems.is_empty() { Ok(rows) } else { Err(problems) }
}
