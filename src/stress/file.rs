//! Stress files: TOML read in two passes, each reporting every problem it
//! finds with the file, the line and column, the key, what was expected
//! and what was found.
//!
//! The shape (keys, types; an unknown key is a problem) is serde's, with
//! `toml::Spanned` values so the meaning (a known factor, a day inside the
//! horizon, a replay window inside the data, a start date in the
//! scenario's history) can still point at its line and column. The format
//! is documented in `docs/stress.md`.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::error::{Error, LineIndex, Location, Problem, Result, line_column};
use crate::prices::PriceSeries;

/// The dates a stress file may hold: the scenario's.
pub const FIRST_DATE: NaiveDate = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date");
pub const LAST_DATE: NaiveDate = NaiveDate::from_ymd_opt(2200, 12, 31).expect("a date");

/// The most `[[shock]]` tables a file may hold (the shipped ones hold at
/// most a few dozen): each is applied to every day of its span.
pub const MAX_SHOCKS: usize = 1000;

/// How far the shocks and the base may move an asset over a stress, as a
/// multiple of its starting level: a fall of 99.9999 % or a rise of a
/// million times. Beyond, the portfolio's figures underflow to nothing or
/// overflow.
pub const LEVEL_RANGE: (f64, f64) = (1e-6, 1e6);

/// The short rate and the credit spread a stress may reach (100 % a year
/// either way).
pub const RATE_RANGE: (f64, f64) = (-1.0, 1.0);

/// The factors a shock can move.
pub const FACTORS: [&str; 6] =
    ["swedish_equity", "global_equity", "sek_per_usd", "short_rate", "credit_spread", "inflation"];

/// A factor of the deterministic stress market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Factor {
    /// Swedish equities: a return.
    SwedishEquity,
    /// Global equities in their own currency: a return.
    GlobalEquity,
    /// SEK per USD: a return (negative: the dollar falls).
    SekPerUsd,
    /// The short rate: a change in level.
    ShortRate,
    /// The credit spread of fixed income: a change in level.
    CreditSpread,
    /// Annual inflation: a level.
    Inflation,
}

impl Factor {
    fn parse(name: &str) -> Option<Factor> {
        Some(match name {
            "swedish_equity" => Factor::SwedishEquity,
            "global_equity" => Factor::GlobalEquity,
            "sek_per_usd" => Factor::SekPerUsd,
            "short_rate" => Factor::ShortRate,
            "credit_spread" => Factor::CreditSpread,
            "inflation" => Factor::Inflation,
            _ => return None,
        })
    }

    /// Whether the factor is a price (its shock is a return).
    pub fn is_price(self) -> bool {
        matches!(self, Factor::SwedishEquity | Factor::GlobalEquity | Factor::SekPerUsd)
    }
}

/// How big a shock is.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Size {
    /// Over the whole span: a compound return for a price, spread evenly
    /// over its days; a change in level for a rate, spread linearly.
    Total(f64),
    /// On every day of the span: a return for a price, a change in level
    /// for a rate.
    Daily(f64),
    /// Inflation only: the annual rate over the span.
    Level(f64),
}

/// When a shock happens, as the file says it.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// One calendar date (`on`).
    On(NaiveDate),
    /// Calendar dates, inclusive (`from`, `to`).
    Dates(NaiveDate, NaiveDate),
    /// Trading days counted from 1 (the first day after the start), inclusive.
    Days(usize, usize),
    /// Calendar months counted from 1 (the month after the start's), inclusive.
    Months(usize, usize),
}

/// One factor shock over a span of days.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Shock {
    pub factor: Factor,
    pub when: When,
    pub size: Size,
    /// Where it is in its file (`shock[2]`), to name it in errors.
    #[serde(skip)]
    pub key_index: usize,
    #[serde(skip)]
    pub(crate) location: Location,
}

/// The base market under the shocks: annual drifts of the prices and the
/// starting levels of the rates; `None` takes the scenario's.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize)]
pub struct Base {
    pub swedish_equity: f64,
    pub global_equity: f64,
    pub sek_per_usd: f64,
    pub short_rate: Option<f64>,
    pub credit_spread: Option<f64>,
    pub inflation: Option<f64>,
}

/// Where the stress starts: a month-end of the scenario's history, with the
/// equity share held then.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Start {
    pub date: NaiveDate,
    pub equity_share: f64,
    #[serde(skip)]
    pub(crate) location: Location,
}

/// A historical replay window.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ReplayWindow {
    /// The price file, resolved against the stress file's folder.
    pub prices: PathBuf,
    pub date_col: String,
    pub price_col: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub fixed_income_rate: f64,
    /// Start from the scenario's month-end history (true) or, as
    /// `pensionsim replay` does, from none.
    pub month_end_history: bool,
}

/// A Monte Carlo run after the shocks.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MonteCarlo {
    pub months: usize,
    /// The regime the first month is in; `None` keeps the scenario's.
    pub start_regime: Option<String>,
    #[serde(skip)]
    pub(crate) location: Location,
}

/// What a stress does.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kind {
    /// Deterministic factor shocks on a base market, up to `end`.
    Shocks { end: NaiveDate, base: Base, shocks: Vec<Shock> },
    /// Daily history from a price file.
    Replay(ReplayWindow),
    /// Deterministic shocks up to `end`, then a Monte Carlo run from there.
    Conditional { end: NaiveDate, base: Base, shocks: Vec<Shock>, monte_carlo: MonteCarlo },
}

/// A validated stress file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StressFile {
    pub path: PathBuf,
    /// The file's stem: `liberation-day-2025`.
    pub name: String,
    pub title_en: String,
    pub title_sv: String,
    /// The source in English, and in Swedish (the same text when the file
    /// gives one for both).
    pub source: String,
    pub source_sv: String,
    /// `None`: from the scenario's valuation date and holdings.
    pub start: Option<Start>,
    #[serde(flatten)]
    pub kind: Kind,
}

impl StressFile {
    pub fn title(&self, lang: crate::lang::Lang) -> &str {
        match lang {
            crate::lang::Lang::En => &self.title_en,
            crate::lang::Lang::Sv => &self.title_sv,
        }
    }

    pub fn source(&self, lang: crate::lang::Lang) -> &str {
        match lang {
            crate::lang::Lang::En => &self.source,
            crate::lang::Lang::Sv => &self.source_sv,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    title: Spanned<RawTitle>,
    source: Spanned<RawSource>,
    kind: Spanned<String>,
    start: Option<Spanned<RawStart>>,
    end: Option<Spanned<toml::value::Datetime>>,
    base: Option<RawBase>,
    #[serde(default)]
    shock: Vec<Spanned<RawShock>>,
    replay: Option<Spanned<RawReplay>>,
    monte_carlo: Option<Spanned<RawMonteCarlo>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTitle {
    en: String,
    sv: String,
}

/// `source = "…"` for both languages, or `source = { en = "…", sv = "…" }`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawSource {
    One(String),
    Both(RawTitle),
}

impl RawSource {
    fn texts(&self) -> (&str, &str) {
        match self {
            RawSource::One(s) => (s, s),
            RawSource::Both(t) => (&t.en, &t.sv),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStart {
    date: Spanned<toml::value::Datetime>,
    equity_share: Spanned<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBase {
    swedish_equity: Option<Spanned<f64>>,
    global_equity: Option<Spanned<f64>>,
    sek_per_usd: Option<Spanned<f64>>,
    short_rate: Option<Spanned<f64>>,
    credit_spread: Option<Spanned<f64>>,
    inflation: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawShock {
    factor: Spanned<String>,
    on: Option<Spanned<toml::value::Datetime>>,
    from: Option<Spanned<toml::value::Datetime>>,
    to: Option<Spanned<toml::value::Datetime>>,
    days: Option<Spanned<Vec<i64>>>,
    months: Option<Spanned<Vec<i64>>>,
    total: Option<Spanned<f64>>,
    daily: Option<Spanned<f64>>,
    level: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReplay {
    prices: Spanned<String>,
    date_col: Option<String>,
    price_col: Option<String>,
    from: Spanned<toml::value::Datetime>,
    to: Spanned<toml::value::Datetime>,
    fixed_income_rate: Spanned<f64>,
    month_end_history: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMonteCarlo {
    months: Spanned<i64>,
    start_regime: Option<Spanned<String>>,
}

/// Collects the problems of one file.
struct Cx<'a> {
    path: &'a Path,
    text: &'a str,
    lines: LineIndex,
    problems: Vec<Problem>,
}

impl Cx<'_> {
    fn at(&self, span: std::ops::Range<usize>) -> Location {
        self.lines.location(self.text, span.start)
    }

    fn problem(
        &mut self,
        location: Location,
        key: &str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) {
        self.problems.push(Problem::new(self.path, location, key, expected, found));
    }

    /// A date of the scenario's span, [`FIRST_DATE`] to [`LAST_DATE`].
    fn date(&mut self, v: &Spanned<toml::value::Datetime>, key: &str) -> Option<NaiveDate> {
        self.date_in(v, key, (FIRST_DATE, LAST_DATE))
    }

    /// A date from `span.0` to `span.1`.
    fn date_in(
        &mut self,
        v: &Spanned<toml::value::Datetime>,
        key: &str,
        (first, last): (NaiveDate, NaiveDate),
    ) -> Option<NaiveDate> {
        let d = v.get_ref();
        let parsed = match (d.date, d.time) {
            (Some(date), None) => {
                NaiveDate::from_ymd_opt(date.year.into(), date.month.into(), date.day.into())
            }
            _ => None,
        };
        match parsed {
            None => {
                let loc = self.at(v.span());
                self.problem(loc, key, "a date, YYYY-MM-DD", d.to_string());
                None
            }
            Some(date) if !(first..=last).contains(&date) => {
                let loc = self.at(v.span());
                self.problem(loc, key, format!("a date from {first} to {last}"), date.to_string());
                None
            }
            date => date,
        }
    }
}

/// Reads and validates the stress file at `path`.
///
/// # Errors
/// [`Error::Read`] when it cannot be read; [`Error::Invalid`] with every
/// problem found otherwise.
pub fn load(path: &Path) -> Result<StressFile> {
    let text =
        std::fs::read_to_string(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause })?;
    parse(path, &text)
}

/// Every stress file in `dir` (`*.toml`), sorted by name.
///
/// # Errors
/// [`Error::Read`] when the folder cannot be listed or holds no stress
/// file; the first file's error otherwise, with every problem of every
/// file collected.
pub fn load_dir(dir: &Path) -> Result<Vec<StressFile>> {
    let entries = std::fs::read_dir(dir).map_err(|cause| Error::Read { path: dir.to_path_buf(), cause })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Error::one(Problem::new(
            dir,
            Location::File,
            "",
            "a folder of stress files (*.toml)",
            "none",
        )));
    }
    load_all(&paths)
}

/// The stress files at `paths`, each a file or a folder of them; every
/// problem of every file reported together.
///
/// # Errors
/// As [`load`] and [`load_dir`].
pub fn load_all(paths: &[PathBuf]) -> Result<Vec<StressFile>> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for p in paths {
        let loaded = if p.is_dir() { load_dir(p) } else { load(p).map(|f| vec![f]) };
        match loaded {
            Ok(files) => out.extend(files),
            Err(Error::Invalid { problems: more }) => problems.extend(more),
            Err(other) => return Err(other),
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(Error::invalid(problems)) }
}

/// Validates stress `text`; `path` names it in errors and anchors the
/// replay's price file.
///
/// # Errors
/// [`Error::Invalid`] with every problem found.
pub fn parse(path: &Path, text: &str) -> Result<StressFile> {
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let location = e.span().map_or(Location::File, |s| line_column(text, s.start));
        let message = e.message().trim().replace("f64", "a number").replace("i64", "a whole number");
        let (expected, found) = match message.split_once(", expected ") {
            Some((found, expected)) => (expected.to_string(), found.to_string()),
            None => ("a valid stress file".to_string(), message),
        };
        Error::one(Problem::new(path, location, "", expected, found))
    })?;
    let mut cx = Cx { path, text, lines: LineIndex::new(text), problems: Vec::new() };
    let name = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let title = raw.title.get_ref();
    if title.en.trim().is_empty() || title.sv.trim().is_empty() {
        let loc = cx.at(raw.title.span());
        cx.problem(loc, "title", "a title in English and Swedish (`en`, `sv`)", "an empty title");
    }
    let (source_en, source_sv) = raw.source.get_ref().texts();
    if source_en.trim().is_empty() || source_sv.trim().is_empty() {
        let loc = cx.at(raw.source.span());
        cx.problem(
            loc,
            "source",
            "the stress's source (a document, a data file, a section), one text or `{ en = \"…\", sv = \"…\" }`",
            "\"\"",
        );
    }
    let start = raw.start.as_ref().and_then(|s| {
        let location = cx.at(s.span());
        let r = s.get_ref();
        let date = cx.date(&r.date, "start.date");
        let e = *r.equity_share.get_ref();
        if !(0.0..=1.0).contains(&e) {
            let loc = cx.at(r.equity_share.span());
            cx.problem(loc, "start.equity_share", "a share between 0 and 1", e.to_string());
        }
        date.map(|date| Start { date, equity_share: e, location })
    });

    let kind_name = raw.kind.get_ref().as_str();
    let kind = match kind_name {
        "shocks" | "conditional" => {
            let end = match &raw.end {
                Some(e) => cx.date(e, "end"),
                None => {
                    cx.problem(
                        Location::File,
                        "end",
                        "the last day of the stress, `end = YYYY-MM-DD`",
                        "none",
                    );
                    None
                }
            };
            let base = base(&mut cx, raw.base.as_ref());
            if let Some(extra) = raw.shock.get(MAX_SHOCKS) {
                let loc = cx.at(extra.span());
                cx.problem(
                    loc,
                    &format!("shock[{MAX_SHOCKS}]"),
                    format!("at most {MAX_SHOCKS} [[shock]] tables"),
                    format!("{} of them", raw.shock.len()),
                );
                return Err(Error::invalid(cx.problems));
            }
            let shocks: Vec<Shock> =
                raw.shock.iter().enumerate().filter_map(|(i, s)| shock(&mut cx, i, s)).collect();
            if shocks.is_empty() {
                cx.problem(Location::File, "shock", "at least one [[shock]]", "none");
            }
            if let Some(r) = &raw.replay {
                let loc = cx.at(r.span());
                cx.problem(
                    loc,
                    "replay",
                    format!("no [replay] in a stress of kind `{kind_name}`"),
                    "[replay]",
                );
            }
            let monte_carlo = match (&raw.monte_carlo, kind_name) {
                (Some(m), "conditional") => monte_carlo(&mut cx, m),
                (None, "conditional") => {
                    cx.problem(Location::File, "monte_carlo", "a [monte_carlo] table with `months`", "none");
                    None
                }
                (Some(m), _) => {
                    let loc = cx.at(m.span());
                    cx.problem(
                        loc,
                        "monte_carlo",
                        "no [monte_carlo] in a stress of kind `shocks` (use kind = \"conditional\")",
                        "[monte_carlo]",
                    );
                    None
                }
                (None, _) => None,
            };
            match (end, monte_carlo) {
                (Some(end), Some(monte_carlo)) => Some(Kind::Conditional { end, base, shocks, monte_carlo }),
                (Some(end), None) if kind_name == "shocks" => Some(Kind::Shocks { end, base, shocks }),
                _ => None,
            }
        }
        "replay" => {
            for (present, key) in [
                (raw.end.is_some(), "end"),
                (raw.base.is_some(), "base"),
                (!raw.shock.is_empty(), "shock"),
                (raw.monte_carlo.is_some(), "monte_carlo"),
            ] {
                if present {
                    cx.problem(
                        Location::File,
                        key,
                        "no such key in a stress of kind `replay`",
                        format!("`{key}`"),
                    );
                }
            }
            match &raw.replay {
                Some(r) => replay_window(&mut cx, r),
                None => {
                    cx.problem(
                        Location::File,
                        "replay",
                        "a [replay] table (prices, from, to, fixed_income_rate)",
                        "none",
                    );
                    None
                }
            }
        }
        other => {
            let loc = cx.at(raw.kind.span());
            cx.problem(loc, "kind", "`shocks`, `replay` or `conditional`", format!("`{other}`"));
            None
        }
    };
    match kind {
        Some(kind) if cx.problems.is_empty() => Ok(StressFile {
            path: path.to_path_buf(),
            name,
            title_en: title.en.clone(),
            title_sv: title.sv.clone(),
            source: source_en.to_string(),
            source_sv: source_sv.to_string(),
            start,
            kind,
        }),
        _ => Err(Error::invalid(cx.problems)),
    }
}

fn base(cx: &mut Cx<'_>, raw: Option<&RawBase>) -> Base {
    let Some(b) = raw else { return Base::default() };
    let mut get = |v: &Option<Spanned<f64>>, key: &str, lo: f64, hi: f64, what: &str| -> Option<f64> {
        let v = v.as_ref()?;
        let x = *v.get_ref();
        if !(lo..=hi).contains(&x) {
            let loc = cx.at(v.span());
            cx.problem(loc, &format!("base.{key}"), what.to_string(), x.to_string());
        }
        Some(x)
    };
    let drift = "an annual return between -0.99 and 10";
    let level = "an annual rate between -0.1 and 1";
    Base {
        swedish_equity: get(&b.swedish_equity, "swedish_equity", -0.99, 10.0, drift).unwrap_or(0.0),
        global_equity: get(&b.global_equity, "global_equity", -0.99, 10.0, drift).unwrap_or(0.0),
        sek_per_usd: get(&b.sek_per_usd, "sek_per_usd", -0.99, 10.0, drift).unwrap_or(0.0),
        short_rate: get(&b.short_rate, "short_rate", -0.1, 1.0, level),
        credit_spread: get(&b.credit_spread, "credit_spread", -0.1, 1.0, level),
        inflation: get(&b.inflation, "inflation", -0.1, 1.0, level),
    }
}

fn shock(cx: &mut Cx<'_>, i: usize, s: &Spanned<RawShock>) -> Option<Shock> {
    let location = cx.at(s.span());
    let r = s.get_ref();
    let key = |k: &str| format!("shock[{i}].{k}");
    let factor = match Factor::parse(r.factor.get_ref()) {
        Some(f) => Some(f),
        None => {
            let loc = cx.at(r.factor.span());
            let known = FACTORS.map(|f| format!("`{f}`")).join(", ");
            cx.problem(loc, &key("factor"), format!("one of {known}"), format!("`{}`", r.factor.get_ref()));
            None
        }
    };
    let forms = [r.on.is_some(), r.from.is_some() || r.to.is_some(), r.days.is_some(), r.months.is_some()];
    let when = if forms.iter().filter(|x| **x).count() != 1 {
        cx.problem(
            location.clone(),
            &format!("shock[{i}]"),
            "exactly one of `on`, `from` and `to`, `days` or `months`",
            format!("{} of them", forms.iter().filter(|x| **x).count()),
        );
        None
    } else if let Some(on) = &r.on {
        cx.date(on, &key("on")).map(When::On)
    } else if r.from.is_some() || r.to.is_some() {
        match (&r.from, &r.to) {
            (Some(f), Some(t)) => {
                let (a, b) = (cx.date(f, &key("from")), cx.date(t, &key("to")));
                match (a, b) {
                    (Some(a), Some(b)) if b < a => {
                        let loc = cx.at(t.span());
                        cx.problem(
                            loc,
                            &key("to"),
                            format!("a date on or after `from` ({a})"),
                            b.to_string(),
                        );
                        None
                    }
                    (Some(a), Some(b)) => Some(When::Dates(a, b)),
                    _ => None,
                }
            }
            _ => {
                cx.problem(
                    location.clone(),
                    &format!("shock[{i}]"),
                    "both `from` and `to`",
                    "only one of them",
                );
                None
            }
        }
    } else {
        let (v, name) = match (&r.days, &r.months) {
            (Some(d), _) => (d, "days"),
            (_, Some(m)) => (m, "months"),
            _ => unreachable!("one form is present"),
        };
        match v.get_ref().as_slice() {
            [a, b] if *a >= 1 && b >= a => {
                let (a, b) = (*a as usize, *b as usize);
                Some(if name == "days" { When::Days(a, b) } else { When::Months(a, b) })
            }
            other => {
                let loc = cx.at(v.span());
                cx.problem(
                    loc,
                    &key(name),
                    format!(
                        "[first, last], counted from 1, last >= first (a single {} is [n, n])",
                        &name[..name.len() - 1]
                    ),
                    format!("{other:?}"),
                );
                None
            }
        }
    };
    let sizes = [&r.total, &r.daily, &r.level];
    let size = if sizes.iter().filter(|x| x.is_some()).count() != 1 {
        cx.problem(
            location.clone(),
            &format!("shock[{i}]"),
            "exactly one of `total`, `daily` or `level`",
            format!("{} of them", sizes.iter().filter(|x| x.is_some()).count()),
        );
        None
    } else if let Some(t) = &r.total {
        Some((Size::Total(*t.get_ref()), t.span(), "total"))
    } else if let Some(d) = &r.daily {
        Some((Size::Daily(*d.get_ref()), d.span(), "daily"))
    } else {
        r.level.as_ref().map(|l| (Size::Level(*l.get_ref()), l.span(), "level"))
    };
    let size = match (factor, size) {
        (Some(f), Some((size, span, name))) => {
            let x = match size {
                Size::Total(x) | Size::Daily(x) | Size::Level(x) => x,
            };
            let bad = match (f, size) {
                (Factor::Inflation, Size::Level(_)) => (!(-0.1..=1.0).contains(&x))
                    .then_some("an annual inflation rate between -0.1 and 1".to_string()),
                (Factor::Inflation, _) => Some("`level`: inflation is set as an annual rate".to_string()),
                (_, Size::Level(_)) => Some("`total` or `daily` (`level` is for inflation only)".to_string()),
                (f, _) if f.is_price() => {
                    (!(x > -1.0 && x <= 10.0)).then_some("a return above -1 (-0.113 is -11.3 %)".to_string())
                }
                _ => (!(-1.0..=1.0).contains(&x))
                    .then_some("a change in level between -1 and 1 (0.03 is 3 points)".to_string()),
            };
            match bad {
                Some(expected) => {
                    let loc = cx.at(span);
                    cx.problem(loc, &key(name), expected, x.to_string());
                    None
                }
                None => Some(size),
            }
        }
        _ => None,
    };
    Some(Shock { factor: factor?, when: when?, size: size?, key_index: i, location })
}

fn replay_window(cx: &mut Cx<'_>, r: &Spanned<RawReplay>) -> Option<Kind> {
    let raw = r.get_ref();
    // History reaches back before the scenario's dates.
    let series = (crate::prices::FIRST_SERIES_DATE, crate::prices::LAST_SERIES_DATE);
    let from = cx.date_in(&raw.from, "replay.from", series);
    let to = cx.date_in(&raw.to, "replay.to", series);
    let rate = *raw.fixed_income_rate.get_ref();
    if !(-0.1..=1.0).contains(&rate) {
        let loc = cx.at(raw.fixed_income_rate.span());
        cx.problem(loc, "replay.fixed_income_rate", "an annual rate between -0.1 and 1", rate.to_string());
    }
    let prices = cx.path.parent().unwrap_or(Path::new("")).join(raw.prices.get_ref());
    let date_col = raw.date_col.clone().unwrap_or_else(|| "date".into());
    let price_col = raw.price_col.clone().unwrap_or_else(|| "close".into());
    let (from, to) = (from?, to?);
    if to <= from {
        let loc = cx.at(raw.to.span());
        cx.problem(loc, "replay.to", format!("a date after `from` ({from})"), to.to_string());
        return None;
    }
    // The window must lie inside the data: read the series now, so the
    // error names this file and key.
    match PriceSeries::load(&prices, &date_col, &price_col) {
        Ok(series) => {
            let (first, last) = (series.dates[0], series.dates[series.dates.len() - 1]);
            for (d, span, key) in [(from, raw.from.span(), "replay.from"), (to, raw.to.span(), "replay.to")] {
                if d < first || d > last {
                    let loc = cx.at(span);
                    cx.problem(
                        loc,
                        key,
                        format!("a date inside the data of {} ({first} to {last})", prices.display()),
                        d.to_string(),
                    );
                }
            }
        }
        Err(e) => {
            let loc = cx.at(raw.prices.span());
            let found = match e {
                Error::Read { cause, .. } => format!("`{}`: {cause}", raw.prices.get_ref()),
                other => other.to_string(),
            };
            cx.problem(loc, "replay.prices", "a daily price series (CSV, relative to this file)", found);
        }
    }
    Some(Kind::Replay(ReplayWindow {
        prices,
        date_col,
        price_col,
        from,
        to,
        fixed_income_rate: rate,
        month_end_history: raw.month_end_history.unwrap_or(true),
    }))
}

fn monte_carlo(cx: &mut Cx<'_>, m: &Spanned<RawMonteCarlo>) -> Option<MonteCarlo> {
    let raw = m.get_ref();
    let months = *raw.months.get_ref();
    if !(1..=600).contains(&months) {
        let loc = cx.at(raw.months.span());
        cx.problem(loc, "monte_carlo.months", "a number of months from 1 to 600", months.to_string());
        return None;
    }
    let location = raw.start_regime.as_ref().map_or(Location::File, |s| cx.at(s.span()));
    Some(MonteCarlo {
        months: months as usize,
        start_regime: raw.start_regime.as_ref().map(|s| s.get_ref().clone()),
        location,
    })
}

/// Checks the levels the shocks and the base make, day by day: each asset
/// within [`LEVEL_RANGE`] of its start, fixed income losing less than
/// everything in a day, the short rate and the spread within
/// [`RATE_RANGE`]. The first day one leaves its range is an error naming
/// the shock that moved it on that day (else the last one before it, else
/// the base), so that no stress runs into figures that overflow.
/// `spans` holds each shock's trading days, `lo..hi`.
///
/// # Errors
/// [`Error::Invalid`] naming the stress file, the shock and the day.
pub(crate) fn check_levels(
    stress: &StressFile,
    m: &super::ShockMarket,
    start: NaiveDate,
    spans: &[(usize, usize, &Shock)],
) -> Result<()> {
    use Factor::{CreditSpread, GlobalEquity, SekPerUsd, ShortRate, SwedishEquity};
    let (lo, hi) = LEVEL_RANGE;
    let mut level = [1.0f64; 3];
    for (i, &date) in m.dates.iter().enumerate() {
        let prev = if i == 0 { start } else { m.dates[i - 1] };
        let dt = (date - prev).num_days() as f64 / 365.0;
        let fi = m.fixed_income_growth(i, dt);
        let day = format!("{date}, trading day {}", i + 1);
        if fi.is_nan() || fi <= 0.0 {
            return Err(blame(
                stress,
                spans,
                i,
                &[ShortRate, CreditSpread],
                "base.short_rate",
                "rate and spread changes fixed income survives: it loses everything when a day's change times its duration passes 1 plus the day's interest".to_string(),
                format!("fixed income's return {:.1} % on {day}", (fi - 1.0) * 100.0),
            ));
        }
        let grown = [m.growth[0][i], m.global_in_sek(i), fi];
        let names: [(&str, &[Factor], &str); 3] = [
            ("Swedish equities", &[SwedishEquity], "base.swedish_equity"),
            ("global equities in kronor", &[GlobalEquity, SekPerUsd], "base.global_equity"),
            ("fixed income", &[ShortRate, CreditSpread], "base.short_rate"),
        ];
        for ((l, g), (name, factors, base_key)) in level.iter_mut().zip(grown).zip(names) {
            *l *= g;
            if !(lo..=hi).contains(l) {
                return Err(blame(
                    stress,
                    spans,
                    i,
                    factors,
                    base_key,
                    format!("a stress that keeps {name} from {lo:e} to {hi:e} times the level at the start"),
                    format!("{l:.3e} times on {day}"),
                ));
            }
        }
        for (x, name, factor, base_key) in [
            (m.rate[i + 1], "the short rate", ShortRate, "base.short_rate"),
            (m.spread[i + 1], "the credit spread", CreditSpread, "base.credit_spread"),
        ] {
            if !(RATE_RANGE.0..=RATE_RANGE.1).contains(&x) {
                return Err(blame(
                    stress,
                    spans,
                    i,
                    &[factor],
                    base_key,
                    format!("a stress that keeps {name} from {} to {}", RATE_RANGE.0, RATE_RANGE.1),
                    format!("{x} on {day}"),
                ));
            }
        }
    }
    Ok(())
}

/// The problem of day `i`'s level, at the shock of `factors` that moved
/// it that day; else, for a level that earlier shocks leave behind (a
/// rate's), the last one before it; else at `base_key` (a price's drift).
fn blame(
    stress: &StressFile,
    spans: &[(usize, usize, &Shock)],
    i: usize,
    factors: &[Factor],
    base_key: &str,
    expected: String,
    found: String,
) -> Error {
    let of = |s: &&(usize, usize, &Shock)| factors.contains(&s.2.factor);
    let on_the_day = spans.iter().filter(of).find(|(lo, hi, _)| (*lo..*hi).contains(&i));
    let carried = factors.iter().any(|f| !f.is_price());
    let before =
        || spans.iter().filter(of).filter(|(lo, _, _)| carried && *lo <= i).max_by_key(|(_, hi, _)| *hi);
    let (location, key) = match on_the_day.or_else(before) {
        Some((_, _, s)) => {
            let name = match s.size {
                Size::Total(_) => "total",
                Size::Daily(_) => "daily",
                Size::Level(_) => "level",
            };
            (s.location.clone(), format!("shock[{}].{name}", s.key_index))
        }
        None => (Location::File, base_key.to_string()),
    };
    Error::one(Problem::new(&stress.path, location, key, expected, found))
}
