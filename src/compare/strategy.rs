//! The strategies a comparison runs: `[[strategy]]` tables in a scenario
//! or in a strategies file (`docs/compare.md`), or the default set.
//!
//! Every table is checked in full before anything runs: an unknown kind,
//! an unknown key, a value of the wrong type or out of range is a
//! [`Problem`] naming the file, the line and column, and the key.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::LazyLock;

use serde::Serialize;
use toml::de::DeTable;

use crate::engine::Check;
use crate::error::{Error, LineIndex, Location, Problem, Result, line_column};
use crate::rule::Policy;
use crate::scenario::Source;
use crate::scenario::raw::{PolicyFile, keys};
use crate::scenario::spans::SpanIndex;

/// One strategy: a name and how it steers the portfolio.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Strategy {
    pub name: String,
    #[serde(flatten)]
    pub kind: Kind,
}

/// How a strategy steers the portfolio.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kind {
    /// The dynamic risk principle with these parameters, checked on the
    /// days `check` names.
    Rule { policy: Policy, check: Check },
    /// A fixed equity share, rebalanced to it at every month end (and on
    /// the valuation date).
    Static { equity_share: f64, cost_bps: f64 },
    /// Today's holdings, never traded.
    BuyAndHold,
    /// Constant proportion portfolio insurance: equities
    /// `min(cap, multiplier (V - F) / V)` of the value, `F` fixed at
    /// `floor` times the starting value.
    Cppi(Cushion),
    /// Time-invariant portfolio protection: CPPI whose floor ratchets up
    /// to `floor` times the highest daily value so far.
    Tipp(Cushion),
}

/// The parameters CPPI and TIPP share.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Cushion {
    /// The floor as a share of the starting value (CPPI) or of the highest
    /// value so far (TIPP).
    pub floor: f64,
    /// Equity exposure per unit of cushion.
    pub multiplier: f64,
    /// Highest equity share (no borrowing: at most 1).
    pub cap: f64,
    /// Rebalance only when the equity share is more than this far from
    /// its target (0: every check day).
    pub band: f64,
    pub cost_bps: f64,
    /// Which days the target is looked at.
    pub check: Check,
}

impl Kind {
    /// The kind's name as a file writes it.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Rule { .. } => "rule",
            Kind::Static { .. } => "static",
            Kind::BuyAndHold => "buy_and_hold",
            Kind::Cppi(_) => "cppi",
            Kind::Tipp(_) => "tipp",
        }
    }
}

const KINDS: &[&str] = &["rule", "static", "buy_and_hold", "cppi", "tipp"];
/// The most strategies one comparison runs (the default set has 16): each
/// is an engine run, and a row of every table.
pub const MAX_STRATEGIES: usize = 100;
/// The longest name a strategy may have: it heads table rows and chart
/// legends (as a scenario's name, at most 200 characters).
pub const MAX_NAME_CHARS: usize = 200;
/// A rule strategy's keys: the scenario's `[policy]` keys, read from its
/// type, but `flow_adjusted_high` (every strategy's flows follow the
/// scenario's, so that they differ only in how they invest), and `check`.
pub(super) static RULE_KEYS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    keys::<PolicyFile>().iter().copied().filter(|k| *k != "flow_adjusted_high").chain(["check"]).collect()
});
const STATIC_KEYS: &[&str] = &["equity_share", "cost_bps"];
const CUSHION_KEYS: &[&str] = &["floor", "multiplier", "cap", "band", "cost_bps", "check"];

/// Default multiplier and floor of the default CPPI and TIPP: four times
/// a 20 % cushion is 80 % equities, the policy's cap, at the start.
const CUSHION_DEFAULT: (f64, f64) = (0.80, 4.0);
/// Default rebalancing band of CPPI and TIPP: the rule's down-weighting
/// headroom, so that they do not trade every day.
const CUSHION_BAND: f64 = 0.05;

/// The default set: the scenario's rule first, then one variant of each
/// kind of parameter, two static mixes, buy and hold, CPPI and TIPP.
pub fn default_set(base: &Policy) -> Vec<Strategy> {
    let rule = |name: &str, change: &dyn Fn(&mut Policy), check: Check| {
        let mut policy = *base;
        change(&mut policy);
        Strategy { name: name.to_string(), kind: Kind::Rule { policy, check } }
    };
    let cushion = |check| Cushion {
        floor: CUSHION_DEFAULT.0,
        multiplier: CUSHION_DEFAULT.1,
        cap: base.cap,
        band: CUSHION_BAND,
        cost_bps: base.cost_bps,
        check,
    };
    let current = base.max_drawdown;
    vec![
        rule("current", &|_| {}, Check::Daily),
        rule("drawdown-15", &|p| p.max_drawdown = current - 0.05, Check::Daily),
        rule("drawdown-25", &|p| p.max_drawdown = current + 0.05, Check::Daily),
        rule("window-12", &|p| p.window_months = 12, Check::Daily),
        rule("window-36", &|p| p.window_months = 36, Check::Daily),
        rule("cap-60", &|p| p.cap = p.cap.min(0.60), Check::Daily),
        rule("stress-30", &|p| p.equity_stress = 0.30, Check::Daily),
        rule("headroom-10", &|p| p.down_headroom = 0.10, Check::Daily),
        rule("band-5", &|p| p.up_band = 0.05, Check::Daily),
        rule("weekly", &|_| {}, Check::Weekly),
        rule("monthly", &|_| {}, Check::Monthly),
        Strategy {
            name: "static-44/56".into(),
            kind: Kind::Static { equity_share: 0.44, cost_bps: base.cost_bps },
        },
        Strategy {
            name: "static-60/40".into(),
            kind: Kind::Static { equity_share: 0.60, cost_bps: base.cost_bps },
        },
        Strategy { name: "buy-and-hold".into(), kind: Kind::BuyAndHold },
        Strategy { name: "cppi-80x4".into(), kind: Kind::Cppi(cushion(Check::Daily)) },
        Strategy { name: "tipp-80x4".into(), kind: Kind::Tipp(cushion(Check::Daily)) },
    ]
}

/// The strategies a comparison runs: `file`'s `[[strategy]]` tables when
/// a strategies file is given, else the scenario's own, else the default
/// set; both texts as read once by the caller.
///
/// # Errors
/// Every problem of the tables, as [`parse`] reports them.
pub fn choose(scenario: &Source, file: Option<&Source>, base: &Policy) -> Result<Vec<Strategy>> {
    Ok(match file {
        Some(f) => parse(&f.path, &f.text, base, true)?.unwrap_or_default(),
        None => parse(&scenario.path, &scenario.text, base, false)?.unwrap_or_else(|| default_set(base)),
    })
}

/// The `[[strategy]]` tables of `text` (read from `path`), each rule
/// starting from `base`; `None` when the file has none. In a strategies
/// file (`only_strategies`) every other top-level key is an error, and
/// at least one strategy is required.
///
/// # Errors
/// [`Error::Invalid`] with every problem found.
pub fn parse(path: &Path, text: &str, base: &Policy, only_strategies: bool) -> Result<Option<Vec<Strategy>>> {
    let doc = DeTable::parse(text).map_err(|e| {
        let location = e.span().map_or(Location::File, |s| line_column(text, s.start));
        Error::one(Problem::new(path, location, "", "valid TOML", e.message().trim().to_string()))
    })?;
    let spans = SpanIndex::new(doc.get_ref());
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        Error::one(Problem::new(path, Location::File, "", "valid TOML", e.message().trim().to_string()))
    })?;
    let mut cx = Cx { path, text, lines: LineIndex::new(text), spans: &spans, problems: Vec::new() };
    if only_strategies {
        for key in table.keys().filter(|k| *k != "strategy") {
            cx.problem(key, "only `[[strategy]]` tables in a strategies file", format!("`{key}`"));
        }
    }
    let Some(list) = table.get("strategy") else {
        if only_strategies {
            cx.problem("", "at least one `[[strategy]]` table", "none");
            return Err(Error::invalid(cx.problems));
        }
        return Ok(None);
    };
    let Some(list) = list.as_array().filter(|a| a.iter().all(toml::Value::is_table)) else {
        cx.problem("strategy", "`[[strategy]]` tables", describe(list));
        return Err(Error::invalid(cx.problems));
    };
    if list.is_empty() {
        cx.problem("strategy", "at least one strategy", "an empty list");
    }
    if list.len() > MAX_STRATEGIES {
        cx.problem(
            &format!("strategy[{MAX_STRATEGIES}]"),
            format!("at most {MAX_STRATEGIES} strategies"),
            format!("{} of them", list.len()),
        );
        return Err(Error::invalid(cx.problems));
    }
    let mut names = BTreeSet::new();
    let mut out = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let t = item.as_table().unwrap_or_else(|| unreachable!("checked above"));
        let at = format!("strategy[{i}]");
        if let Some(s) = cx.strategy(&at, t, base) {
            if names.insert(s.name.clone()) {
                out.push(s);
            } else {
                cx.problem(
                    &format!("{at}.name"),
                    "a name no other strategy has",
                    format!("\"{}\" again", s.name),
                );
            }
        }
    }
    if cx.problems.is_empty() { Ok(Some(out)) } else { Err(Error::invalid(cx.problems)) }
}

struct Cx<'a> {
    path: &'a Path,
    text: &'a str,
    lines: LineIndex,
    spans: &'a SpanIndex,
    problems: Vec<Problem>,
}

impl Cx<'_> {
    fn problem(&mut self, key: &str, expected: impl Into<String>, found: impl Into<String>) -> &mut Problem {
        let location = self
            .spans
            .find_key(key)
            .or_else(|| self.spans.find(key))
            .map_or(Location::File, |s| self.lines.location(self.text, s.start));
        self.problems.push(Problem::new(self.path, location, key, expected, found));
        self.problems.last_mut().unwrap_or_else(|| unreachable!("just pushed"))
    }

    /// A number at `key`, if present and a number.
    fn number(&mut self, t: &toml::Table, at: &str, key: &str) -> Option<f64> {
        let v = t.get(key)?;
        match v {
            toml::Value::Float(x) => Some(*x),
            toml::Value::Integer(i) => Some(*i as f64),
            other => {
                self.problem(&format!("{at}.{key}"), "a number", describe(other));
                None
            }
        }
    }

    /// A number that must satisfy `ok`, described by `expected`.
    fn ranged(
        &mut self,
        t: &toml::Table,
        at: &str,
        key: &str,
        default: f64,
        ok: impl Fn(f64) -> bool,
        expected: &str,
    ) -> f64 {
        match self.number(t, at, key) {
            Some(x) if ok(x) && x.is_finite() => x,
            Some(x) => {
                self.problem(&format!("{at}.{key}"), expected, format_number(x));
                default
            }
            None => default,
        }
    }

    fn check(&mut self, t: &toml::Table, at: &str) -> Check {
        match t.get("check") {
            None => Check::Daily,
            Some(toml::Value::String(s)) => match s.as_str() {
                "daily" => Check::Daily,
                "weekly" => Check::Weekly,
                "monthly" => Check::Monthly,
                other => {
                    self.problem(
                        &format!("{at}.check"),
                        "\"daily\", \"weekly\" or \"monthly\"",
                        format!("\"{other}\""),
                    );
                    Check::Daily
                }
            },
            Some(other) => {
                self.problem(&format!("{at}.check"), "\"daily\", \"weekly\" or \"monthly\"", describe(other));
                Check::Daily
            }
        }
    }

    fn strategy(&mut self, at: &str, t: &toml::Table, base: &Policy) -> Option<Strategy> {
        let before = self.problems.len();
        let name = match t.get("name") {
            Some(toml::Value::String(s)) if s.chars().count() > MAX_NAME_CHARS => {
                let shown: String = s.chars().take(40).collect();
                self.problem(
                    &format!("{at}.name"),
                    format!("a name of at most {MAX_NAME_CHARS} characters"),
                    format!("\"{shown}…\", {} characters", s.chars().count()),
                );
                None
            }
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Some(s.clone()),
            Some(toml::Value::String(_)) => {
                self.problem(&format!("{at}.name"), "a name that is not empty", "\"\"");
                None
            }
            Some(other) => {
                self.problem(&format!("{at}.name"), "a string", describe(other));
                None
            }
            None => {
                self.problem(at, "a `name` in each strategy", "none");
                None
            }
        };
        let kind = match t.get("kind") {
            Some(toml::Value::String(s)) if KINDS.contains(&s.as_str()) => Some(s.as_str()),
            Some(toml::Value::String(s)) => {
                let p = self.problem(&format!("{at}.kind"), one_of(KINDS), format!("\"{s}\""));
                p.hint = Some(
                    "rule (a variant of the policy), static (a fixed mix), buy_and_hold, cppi or tipp".into(),
                );
                None
            }
            Some(other) => {
                self.problem(&format!("{at}.kind"), one_of(KINDS), describe(other));
                None
            }
            None => {
                self.problem(at, format!("a `kind` in each strategy: {}", one_of(KINDS)), "none");
                None
            }
        };
        let allowed: &[&str] = match kind {
            Some("rule") => &RULE_KEYS,
            Some("static") => STATIC_KEYS,
            Some("cppi" | "tipp") => CUSHION_KEYS,
            _ => &[],
        };
        if let Some(kind) = kind {
            for key in
                t.keys().filter(|k| !["name", "kind"].contains(&k.as_str()) && !allowed.contains(&k.as_str()))
            {
                let expected = if allowed.is_empty() {
                    format!("no parameters for a `{kind}` strategy")
                } else {
                    format!("a key of a `{kind}` strategy: {}", allowed.join(", "))
                };
                self.problem(&format!("{at}.{key}"), expected, format!("`{key}`"));
            }
        }
        let cost = |cx: &mut Cx, default: f64| {
            cx.ranged(
                t,
                at,
                "cost_bps",
                default,
                |x| (0.0..=1000.0).contains(&x),
                "basis points from 0 to 1000",
            )
        };
        let kind = match kind? {
            "rule" => {
                let mut p = *base;
                let mut given = Vec::new();
                for key in RULE_KEYS.iter().filter(|k| **k != "check" && **k != "window_months") {
                    if let Some(x) = self.number(t, at, key) {
                        given.push(*key);
                        let field = match *key {
                            "max_drawdown" => &mut p.max_drawdown,
                            "equity_stress" => &mut p.equity_stress,
                            "fixed_income_stress" => &mut p.fixed_income_stress,
                            "buffer" => &mut p.buffer,
                            "cap" => &mut p.cap,
                            "target" => &mut p.target,
                            "down_headroom" => &mut p.down_headroom,
                            "up_band" => &mut p.up_band,
                            "up_headroom" => &mut p.up_headroom,
                            "cost_bps" => &mut p.cost_bps,
                            other => unreachable!("a policy key a rule strategy does not set: {other}"),
                        };
                        *field = x;
                    }
                }
                match t.get("window_months") {
                    None => {}
                    Some(toml::Value::Integer(n)) if (1..=600).contains(n) => {
                        p.window_months = *n as usize;
                        given.push("window_months");
                    }
                    Some(toml::Value::Integer(n)) => {
                        self.problem(
                            &format!("{at}.window_months"),
                            "a whole number of months from 1 to 600",
                            n.to_string(),
                        );
                    }
                    Some(other) => {
                        self.problem(
                            &format!("{at}.window_months"),
                            "a whole number of months from 1 to 600",
                            describe(other),
                        );
                    }
                }
                for issue in p.check() {
                    let key = if given.contains(&issue.field) {
                        format!("{at}.{}", issue.field)
                    } else {
                        at.to_string()
                    };
                    self.problem(&key, issue.expected, issue.found);
                }
                Kind::Rule { policy: p, check: self.check(t, at) }
            }
            "static" => {
                let share = match self.number(t, at, "equity_share") {
                    Some(x) if (0.0..=1.0).contains(&x) => x,
                    Some(x) => {
                        self.problem(
                            &format!("{at}.equity_share"),
                            "a share from 0 to 1 (0.60 for 60 %)",
                            format_number(x),
                        );
                        0.0
                    }
                    None => {
                        if !t.contains_key("equity_share") {
                            self.problem(at, "an `equity_share` for a `static` strategy", "none");
                        }
                        0.0
                    }
                };
                Kind::Static { equity_share: share, cost_bps: cost(self, base.cost_bps) }
            }
            "buy_and_hold" => Kind::BuyAndHold,
            kind => {
                let floor = self.ranged(
                    t,
                    at,
                    "floor",
                    CUSHION_DEFAULT.0,
                    |x| x > 0.0 && x < 1.0,
                    "a share strictly between 0 and 1 (0.80 for a floor at 80 %)",
                );
                let multiplier = self.ranged(
                    t,
                    at,
                    "multiplier",
                    CUSHION_DEFAULT.1,
                    |x| x > 0.0 && x <= 100.0,
                    "a number above 0, at most 100",
                );
                let cap = self.ranged(
                    t,
                    at,
                    "cap",
                    base.cap,
                    |x| x > 0.0 && x <= 1.0,
                    "a share above 0, at most 1 (no borrowing)",
                );
                let band = self.ranged(
                    t,
                    at,
                    "band",
                    CUSHION_BAND,
                    |x| (0.0..1.0).contains(&x),
                    "a share from 0 up to, not including, 1",
                );
                let c = Cushion {
                    floor,
                    multiplier,
                    cap,
                    band,
                    cost_bps: cost(self, base.cost_bps),
                    check: self.check(t, at),
                };
                if kind == "cppi" { Kind::Cppi(c) } else { Kind::Tipp(c) }
            }
        };
        let name = name?;
        (self.problems.len() == before).then_some(Strategy { name, kind })
    }
}

fn one_of(list: &[&str]) -> String {
    format!("one of {}", list.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", "))
}

fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("the string \"{s}\""),
        toml::Value::Integer(i) => format!("the number {i}"),
        toml::Value::Float(x) => format!("the number {}", format_number(*x)),
        toml::Value::Boolean(b) => format!("{b}"),
        toml::Value::Datetime(d) => format!("the date {d}"),
        toml::Value::Array(_) => "a list".into(),
        toml::Value::Table(_) => "a table".into(),
    }
}

fn format_number(x: f64) -> String {
    format!("{x}")
}
