//! The periodic risk report (`pensionsim report`, `docs/report.md`): the
//! figures the region's interim report carries (its sections on the
//! pension funds, the loans and the liquidity), gathered from
//! one scenario by the library's own modules, each with its policy limit
//! and whether it is met.
//!
//! Nothing here computes a figure of its own beyond a ratio or a
//! difference: the position and the trade are `rule`'s (through
//! `suggest`), the forward-looking figures the `engine`'s and `stats`',
//! the stresses `stress`'s, the loans `debt`'s, the obligation
//! `obligations`' and the strategies `compare`'s. A part the scenario
//! cannot feed is a [`Part::Missing`] with its reason, never a placeholder
//! figure.

pub mod period;

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::market::Shocks;
use crate::rule::{Policy, Position};
use crate::scenario::{Scenario, Simulation};
use crate::stats::interval::{Sample, mean_interval, probability_interval};
use crate::stats::{MonthHistograms, PortfolioStats};
use crate::stress::StressResult;
use crate::stress::file::StressFile;
use crate::suggest::{Moves, TradePlan};

pub use period::Period;

/// The region's long-term target: 3.5 % real a year over rolling five
/// years (Delårsrapport 31 augusti 2025, Pensionsportföljen per augusti
/// 2025).
pub const REAL_RETURN_TARGET: f64 = crate::engine::REAL_RETURN_TARGET;

/// The consolidation target: 100 % by 2040 (Plan med budget 2026,
/// Regionstyrelsen, finansiella mål).
pub const FULL_CONSOLIDATION: f64 = 1.0;

/// Share of a lower limit that still counts as partly met: the region's
/// "90-99 procent är gult" (Delårsrapport 31 augusti 2025,
/// Symbolförklaring för måluppfyllelse).
pub const PARTLY_FROM: f64 = 0.90;

/// Whether a figure meets its limit, in the region's three colours, or
/// has no limit to meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Green.
    Met,
    /// Yellow: 90-99 % of a lower limit.
    Partly,
    /// Red.
    NotMet,
    /// A figure reported for information.
    NoLimit,
}

/// A policy limit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Limit {
    AtMost {
        max: f64,
    },
    /// Partly met from [`PARTLY_FROM`] of `min`.
    AtLeast {
        min: f64,
    },
    /// Partly met from [`PARTLY_FROM`] of `lo` below the band.
    Between {
        lo: f64,
        hi: f64,
    },
}

impl Limit {
    pub fn status(self, x: f64) -> Status {
        let at_least = |min: f64| {
            if x >= min {
                Status::Met
            } else if min > 0.0 && x >= PARTLY_FROM * min {
                Status::Partly
            } else {
                Status::NotMet
            }
        };
        match self {
            Limit::AtMost { max } => {
                if x <= max {
                    Status::Met
                } else {
                    Status::NotMet
                }
            }
            Limit::AtLeast { min } => at_least(min),
            Limit::Between { lo, hi } => {
                if x > hi {
                    Status::NotMet
                } else {
                    at_least(lo)
                }
            }
        }
    }
}

/// How a measure's value reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A share, to one decimal of a percent.
    Percent,
    /// A rate, to two decimals of a percent (3.11 %).
    Rate,
    Mkr,
    Years,
    /// A count or an expected number, to two decimals.
    Number,
}

/// One figure of a section: its value, its limit and its status. `key`
/// names it in `report.json`; the pages put it in words.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Measure {
    pub key: &'static str,
    pub value: f64,
    pub unit: Unit,
    /// Monte Carlo standard error, for a simulated figure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub se: Option<f64>,
    /// Its 95 % interval `[lo, hi]` (`stats::interval`): a probability's
    /// Clopper-Pearson, a mean's `± 1.96 se`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci: Option<[f64; 2]>,
    /// What a probability was estimated from (for `< x` at no hits).
    #[serde(skip)]
    pub sample: Option<Sample>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Limit>,
    pub status: Status,
}

impl Measure {
    fn info(key: &'static str, value: f64, unit: Unit) -> Measure {
        Measure { key, value, unit, se: None, ci: None, sample: None, limit: None, status: Status::NoLimit }
    }

    fn limited(key: &'static str, value: f64, unit: Unit, limit: Limit) -> Measure {
        Measure {
            key,
            value,
            unit,
            se: None,
            ci: None,
            sample: None,
            limit: Some(limit),
            status: limit.status(value),
        }
    }

    /// A mean's standard error, and its interval `± 1.96 se`.
    fn with_se(self, se: f64) -> Measure {
        Measure { se: Some(se), ci: Some(mean_interval(self.value, se)), ..self }
    }

    /// A probability's standard error, and its interval from `sample`.
    fn with_probability(self, se: f64, sample: Sample) -> Measure {
        Measure { se: Some(se), ci: Some(probability_interval(sample)), sample: Some(sample), ..self }
    }
}

/// Why a part of the report is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// The scenario has no `[market]`: nothing can be simulated.
    NoMarket,
    NoDebt,
    NoObligations,
    NoLiquidity,
    /// No stress files in the folder `stress/` beside the scenario.
    NoStressLibrary,
}

/// A part of the report, or why it is left out.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part<T> {
    Shown(T),
    Missing(Missing),
}

impl<T> Part<T> {
    pub fn shown(&self) -> Option<&T> {
        match self {
            Part::Shown(t) => Some(t),
            Part::Missing(_) => None,
        }
    }

    pub fn missing(&self) -> Option<Missing> {
        match self {
            Part::Shown(_) => None,
            Part::Missing(m) => Some(*m),
        }
    }
}

/// The value at the start of the year, from the month-end history.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct YearToDate {
    pub from: NaiveDate,
    pub from_value: f64,
    /// Value today over the year's first value, less one: the history
    /// carries no flows, so this is the return only when none were made
    /// (the interim report's cash-flow statement shows none for 2025).
    pub change: f64,
}

/// The pension portfolio today ("Pensionsportföljen per augusti 2025"
/// and "Uppföljning av dynamiska riskprincipen" in the interim report).
#[derive(Debug, Clone, Serialize)]
pub struct PortfolioSection {
    pub position: Position,
    pub high_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year_to_date: Option<YearToDate>,
    /// Month-ends in the history: a five-year real return needs 61 and a
    /// price index, which scenarios do not carry.
    pub history_month_ends: usize,
    /// The trade the rule asks for now, per asset class.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trade: Option<TradePlan>,
    /// The equity falls that bring a down-weighting and the floor.
    pub moves: Moves,
    pub measures: Vec<Measure>,
}

/// The forward-looking figures of the scenario's Monte Carlo run.
#[derive(Debug, Clone, Serialize)]
pub struct RiskSection {
    pub simulation: Simulation,
    /// The 12-month figures of the same run's paths.
    pub outlook: crate::suggest::Outlook,
    pub stats: PortfolioStats,
    pub measures: Vec<Measure>,
    /// Month-end quantiles, for the fan chart.
    #[serde(skip)]
    pub months: MonthHistograms,
    /// The month-end at which today's 24-month high leaves the window,
    /// when that falls within the horizon.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub high_leaves: Option<HighLeaves>,
}

/// The month-end at which the high the floor is taken from today leaves
/// the rule's window: from then on the floor is taken from a lower high
/// on every path that has not made a new one, the margin widens and the
/// rule buys equities back, so the equity share's median steps up there.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct HighLeaves {
    /// The month-end of today's high.
    pub high_date: NaiveDate,
    pub high: f64,
    /// The first month-end whose window no longer holds it.
    pub date: NaiveDate,
    /// Months after the valuation date (1 is the first month-end).
    pub month: usize,
    /// The history's next month-end after the high, which leaves the
    /// window a month later (the shipped scenario's February 2025, 1,604
    /// mkr, close under January's 1,619): the floor steps down over both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<crate::start::MonthEnd>,
    /// The equity share's median at the month-end before `date` and at
    /// the one after it (at `date` when that is the horizon's last).
    pub equity_median_before: f64,
    pub equity_median_after: f64,
}

/// One stress, as the region would read it in a table.
#[derive(Debug, Clone, Serialize)]
pub struct StressRow {
    pub name: String,
    pub title_en: String,
    pub title_sv: String,
    pub source: String,
    pub source_sv: String,
    pub kind: &'static str,
    pub downweights: usize,
    pub start_equity_share: f64,
    pub lowest_equity_share: f64,
    pub min_margin: f64,
    pub breach_days: usize,
    pub max_drawdown: f64,
    pub buy_and_hold_max_drawdown: f64,
    /// Final value with the rule less without it, mkr.
    pub vs_buy_and_hold: f64,
}

impl StressRow {
    fn of(r: &StressResult) -> StressRow {
        StressRow {
            name: r.name.clone(),
            title_en: r.title_en.clone(),
            title_sv: r.title_sv.clone(),
            source: r.source.clone(),
            source_sv: r.source_sv.clone(),
            kind: r.kind,
            downweights: r.downweights.len(),
            start_equity_share: r.start_equity_share,
            lowest_equity_share: r.lowest_equity_share,
            min_margin: r.min_margin,
            breach_days: r.breach_days,
            max_drawdown: r.max_drawdown,
            buy_and_hold_max_drawdown: r.buy_and_hold_max_drawdown,
            vs_buy_and_hold: r.vs_buy_and_hold,
        }
    }
}

/// The obligation's figures today and its road to the target year.
#[derive(Debug, Clone, Serialize)]
pub struct ObligationsSection {
    pub outlook: crate::obligations::Outlook,
    pub measures: Vec<Measure>,
}

/// The loans from Kommuninvest (the interim report's Skuldförvaltning)
/// and their outlook.
#[derive(Debug, Clone, Serialize)]
pub struct DebtSection {
    pub date: NaiveDate,
    pub today: crate::debt::KeyFigures,
    pub policy: crate::debt::DebtPolicy,
    pub borrowing_limit: f64,
    /// Outstanding times today's average rate: a year's interest at
    /// today's rates (the interim report's is the last twelve months',
    /// which needs the past year's loans).
    pub interest_a_year_today: f64,
    /// Repayments by year from today, the last bucket the rest.
    pub maturity_profile: Vec<f64>,
    pub measures: Vec<Measure>,
    /// Interest cost and policy breaches by calendar year, on the run's
    /// rate paths; `None` without a `[market]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<crate::debt::simulate::Outlook>,
    #[serde(skip)]
    pub debt: crate::debt::Debt,
}

/// One strategy of the comparison: its figures in the order of
/// [`COMPARISON_KEYS`].
#[derive(Debug, Clone, Serialize)]
pub struct StrategyRow {
    pub name: String,
    pub figures: Vec<(&'static str, crate::compare::Figure)>,
}

/// The comparison figures the report shows (keys of `compare.json`).
pub const COMPARISON_KEYS: [&str; 5] =
    ["mean_annual_return", "p_breach_horizon", "trades_per_year", "cost_of_protection", "p_cash_lock"];

#[derive(Debug, Clone, Serialize)]
pub struct ComparisonSection {
    pub simulation: Simulation,
    /// Whose strategies these are.
    pub source: StrategySource,
    pub strategies: Vec<StrategyRow>,
}

/// Where the compared strategies come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StrategySource {
    /// The scenario's `[[strategy]]` tables.
    Scenario,
    /// [`default_strategies`]: the scenario defines none.
    Default,
}

/// The report's own comparison when the scenario defines no strategies:
/// the current rule, the rule with a 15 % and a 25 % largest fall, the
/// rule with a 12-month window, a static mix at today's equity share
/// (whole percent, rebalanced monthly) and buy and hold. Smaller than
/// `pensionsim compare`'s default sixteen: the questions a board asks of
/// the rule (tighter or looser, shorter memory, or no rule at all).
pub fn default_strategies(base: &Policy, equity_share: f64) -> Vec<crate::compare::Strategy> {
    use crate::compare::{Kind, Strategy};
    use crate::engine::Check;
    let rule = |name: &str, change: &dyn Fn(&mut Policy)| {
        let mut policy = *base;
        change(&mut policy);
        Strategy { name: name.to_string(), kind: Kind::Rule { policy, check: Check::Daily } }
    };
    let current = base.max_drawdown;
    let equity = (equity_share * 100.0).round().clamp(0.0, 100.0);
    vec![
        rule("current", &|_| {}),
        rule("drawdown-15", &|p| p.max_drawdown = current - 0.05),
        rule("drawdown-25", &|p| p.max_drawdown = current + 0.05),
        rule("window-12", &|p| p.window_months = 12),
        Strategy {
            name: format!("static-{equity:.0}/{:.0}", 100.0 - equity),
            kind: Kind::Static { equity_share: equity / 100.0, cost_bps: base.cost_bps },
        },
        Strategy { name: "buy-and-hold".into(), kind: Kind::BuyAndHold },
    ]
}

/// How the figures were made, so that they can be made again.
#[derive(Debug, Clone, Serialize)]
pub struct MethodSection {
    pub version: &'static str,
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes (files it names, such as a
    /// history CSV, are not included).
    pub scenario_sha256: String,
    pub command: String,
    pub simulation: Simulation,
    /// What the market model is, `None` without a `[market]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelSummary>,
    pub policy: Policy,
    /// Paths of each conditional stress's Monte Carlo run.
    pub stress_paths: usize,
    /// The market model's long-run figures beside the scenario's history,
    /// `None` without a `[market]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_implied: Option<crate::market::implied::Implied>,
    pub history: crate::market::implied::HistoryComparison,
    /// The stated long-run returns and their source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub long_run: Option<crate::market::LongRun>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct RiskReport {
    pub scenario: String,
    pub valuation_date: NaiveDate,
    pub period: Period,
    pub period_start: NaiveDate,
    pub period_end: NaiveDate,
    pub portfolio: PortfolioSection,
    pub risk: Part<RiskSection>,
    pub stress: Part<Vec<StressRow>>,
    pub obligations: Part<ObligationsSection>,
    pub debt: Part<DebtSection>,
    pub liquidity: Part<LiquiditySection>,
    pub comparison: Part<ComparisonSection>,
    pub method: MethodSection,
}

/// What [`gather`] needs besides the scenario.
#[derive(Debug, Clone)]
pub struct Options {
    pub period: Period,
    /// Paths, seed and horizon of the run (the scenario's, with the
    /// command line's overrides).
    pub simulation: Simulation,
    /// The stress library (`None` when the scenario has none beside it).
    pub stresses: Option<Vec<StressFile>>,
    /// The scenario's `[[strategy]]` tables, if it defines any; without
    /// them the report compares [`default_strategies`].
    pub strategies: Option<Vec<crate::compare::Strategy>>,
    /// The scenario file's bytes, for its hash.
    pub scenario_bytes: Vec<u8>,
    /// The command line as typed, for the method section.
    pub command: String,
}

/// Checks that the valuation date falls in the period.
///
/// # Errors
/// [`Error::Usage`] naming both dates.
pub fn check_period(scenario: &Scenario, period: Period) -> Result<()> {
    if period.contains(scenario.valuation_date()) {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "--period {period}: runs from {} to {}, but the valuation date of {} is {}; \
         give the period that contains it",
        period.start(),
        period.end(),
        scenario.path().display(),
        scenario.valuation_date()
    )))
}

/// Gathers every section of the report for `scenario`.
///
/// # Errors
/// [`Error::Usage`] when the valuation date is outside the period; a
/// stress's error when a stress file does not fit the scenario.
pub fn gather(scenario: &Scenario, options: &Options) -> Result<RiskReport> {
    check_period(scenario, options.period)?;
    let simulation = options.simulation;
    let stress_paths = simulation.paths.min(crate::suggest::DEFAULT_PATHS);
    let stress = match &options.stresses {
        None => Part::Missing(Missing::NoStressLibrary),
        Some(library) => {
            let run = crate::stress::RunOptions { paths: stress_paths, seed: simulation.seed };
            let results = crate::stress::run_all(scenario, library, run)?;
            Part::Shown(results.iter().map(StressRow::of).collect())
        }
    };
    let risk = risk(scenario, simulation);
    let beside = scenario
        .market()
        .map(|m| crate::market::implied::beside_history(m, scenario.market_history(), simulation.seed));
    let (model_implied, history) = match beside {
        Some(b) => (b.implied, b.history),
        None => (None, Default::default()),
    };
    Ok(RiskReport {
        scenario: scenario.name().to_string(),
        valuation_date: scenario.valuation_date(),
        period: options.period,
        period_start: options.period.start(),
        period_end: options.period.end(),
        portfolio: portfolio(scenario, risk.shown()),
        debt: debt(scenario, simulation),
        obligations: obligations(scenario, simulation),
        risk,
        stress,
        liquidity: liquidity(scenario, simulation),
        comparison: comparison(scenario, options.strategies.as_deref(), simulation)?,
        method: MethodSection {
            version: env!("CARGO_PKG_VERSION"),
            scenario_file: scenario.path().display().to_string(),
            scenario_sha256: sha256_hex(&options.scenario_bytes),
            command: options.command.clone(),
            simulation,
            model: scenario.market().map(describe_market),
            policy: scenario.policy(),
            stress_paths,
            model_implied,
            history,
            long_run: scenario.market().and_then(|m| m.long_run.clone()),
        },
    })
}

/// Lowercase hexadecimal SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the market model is, for the method section to put in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelSummary {
    /// The regimes' names, in the scenario's order.
    pub regimes: Vec<String>,
    pub shocks: ShockModel,
    pub short_rate: ShortRateModel,
    /// Inflation mean-reverting (`true`) or constant.
    pub inflation_varies: bool,
    pub credit_spread: bool,
    /// Share of the foreign equities' dollar exposure hedged.
    pub hedge_ratio: f64,
}

/// How a day's shocks are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ShockModel {
    Gaussian,
    StudentT { degrees_of_freedom: f64 },
    Bootstrap { block_days: usize },
}

/// The short rate's model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ShortRateModel {
    Vasicek,
    HullWhite,
}

/// The market model in the terms the method section names it by.
pub fn describe_market(m: &crate::market::MarketModel) -> ModelSummary {
    let shocks = match &m.shocks {
        Shocks::Gaussian => ShockModel::Gaussian,
        Shocks::StudentT { degrees_of_freedom } => {
            ShockModel::StudentT { degrees_of_freedom: *degrees_of_freedom }
        }
        Shocks::Bootstrap(b) => ShockModel::Bootstrap { block_days: b.block_days },
    };
    ModelSummary {
        regimes: m.regimes.iter().map(|r| r.name.clone()).collect(),
        shocks,
        short_rate: if m.hull_white.is_some() { ShortRateModel::HullWhite } else { ShortRateModel::Vasicek },
        inflation_varies: m.inflation_process.is_some(),
        credit_spread: m.credit_spread.is_some(),
        hedge_ratio: m.hedge_ratio,
    }
}

fn portfolio(scenario: &Scenario, risk: Option<&RiskSection>) -> PortfolioSection {
    let fund = scenario.managed();
    let position = fund.position();
    let start = period::year_start(scenario.valuation_date());
    let year_to_date = scenario.history().month_ends.iter().find(|m| m.date == start).map(|m| YearToDate {
        from: m.date,
        from_value: m.value,
        change: position.value / m.value - 1.0,
    });
    let mut measures = vec![Measure::info("market_value", position.value, Unit::Mkr)];
    if let Some(y) = &year_to_date {
        measures.push(Measure::info("return_ytd", y.change, Unit::Percent));
    }
    if let Some(r) = risk {
        let s = &r.stats;
        measures.push(
            Measure::limited(
                "mean_annual_real_return",
                s.mean_annual_real_return,
                Unit::Percent,
                Limit::AtLeast { min: REAL_RETURN_TARGET },
            )
            .with_se(s.mean_annual_real_return_se),
        );
        if let (Some(p), Some(se)) = (s.p_rolling_5y_real_target, s.p_rolling_5y_real_target_se) {
            measures.push(Measure::info("p_rolling_5y_real_target", p, Unit::Percent).with_se(se));
        }
    }
    measures.extend([
        Measure::limited(
            "equity_share",
            position.equity_share,
            Unit::Percent,
            Limit::AtMost { max: position.cap },
        ),
        Measure::limited(
            "equity_share_vs_max",
            position.equity_share,
            Unit::Percent,
            Limit::AtMost { max: position.max_equity_share },
        ),
        Measure::info("max_equity_share", position.max_equity_share, Unit::Percent),
        Measure::info("high", position.high, Unit::Mkr),
        Measure::info("floor", position.floor, Unit::Mkr),
        Measure::limited("margin", position.margin, Unit::Percent, Limit::AtLeast { min: 0.0 }),
        Measure::info("margin_amount", position.margin_amount, Unit::Mkr),
    ]);
    PortfolioSection {
        position,
        high_date: scenario.high_month_end().map(|m| m.date),
        year_to_date,
        history_month_ends: scenario.history().month_ends.len(),
        trade: crate::suggest::trade_plan(scenario, &fund),
        moves: crate::suggest::moves(&fund),
        measures,
    }
}

/// The month-end `months` calendar months after `date`'s month.
fn month_end_after(date: NaiveDate, months: usize) -> Option<NaiveDate> {
    use chrono::{Datelike, Months};
    let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1)?;
    first.checked_add_months(Months::new(u32::try_from(months).ok()? + 1))?.pred_opt()
}

/// Whole calendar months from `from`'s month to `to`'s.
fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    use chrono::Datelike;
    i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month())
}

/// When today's high leaves the window, within the run's horizon.
fn high_leaves(scenario: &Scenario, months: &MonthHistograms) -> Option<HighLeaves> {
    let high = scenario.high_month_end()?;
    let window = scenario.policy().window_months;
    let date = month_end_after(high.date, window)?;
    let month = usize::try_from(months_between(scenario.valuation_date(), date)).ok()?;
    if month < 2 || month > months.months() {
        return None;
    }
    let median = |m: usize| months.quantile(crate::stats::Series::EquityShare, m - 1, 0.5);
    let next = scenario.history().month_ends.iter().find(|m| m.date > high.date).copied();
    Some(HighLeaves {
        high_date: high.date,
        high: high.value,
        date,
        month,
        next,
        equity_median_before: median(month - 1),
        equity_median_after: median((month + 1).min(months.months())),
    })
}

fn risk(scenario: &Scenario, simulation: Simulation) -> Part<RiskSection> {
    let Some(engine) = Engine::new(&scenario.start(), simulation) else {
        return Part::Missing(Missing::NoMarket);
    };
    let outcome = engine.run(&|_| {});
    let stats = engine.stats(&outcome);
    let outlook = crate::suggest::outlook_of(&outcome.paths, simulation);
    let measures = vec![
        Measure::info("p_breach_12m", stats.p_breach_12m, Unit::Percent)
            .with_probability(stats.p_breach_12m_se, stats.sample(stats.p_breach_12m, stats.p_breach_12m_se)),
        Measure::info("p_downweight_12m", outlook.p_downweight_12m, Unit::Percent).with_probability(
            outlook.p_downweight_12m_se,
            stats.sample(outlook.p_downweight_12m, outlook.p_downweight_12m_se),
        ),
        Measure::info("downweights_per_year", stats.downweights_per_year, Unit::Number)
            .with_se(stats.downweights_per_year_se),
        Measure::info("p_breach_horizon", stats.p_breach_horizon, Unit::Percent).with_probability(
            stats.p_breach_horizon_se,
            stats.sample(stats.p_breach_horizon, stats.p_breach_horizon_se),
        ),
        Measure::info("max_drawdown_p95", stats.max_drawdown.p95, Unit::Percent),
        Measure::info("cvar95_12m_return", stats.cvar95_12m_return, Unit::Percent)
            .with_se(stats.cvar95_12m_return_se),
        Measure::info("var95_12m_return", stats.var95_12m_return, Unit::Percent),
        Measure::info("p_cash_lock", stats.p_cash_lock, Unit::Percent)
            .with_probability(stats.p_cash_lock_se, stats.sample(stats.p_cash_lock, stats.p_cash_lock_se)),
    ];
    let high_leaves = high_leaves(scenario, &outcome.months);
    Part::Shown(RiskSection { simulation, outlook, stats, measures, months: outcome.months, high_leaves })
}

fn obligations(scenario: &Scenario, simulation: Simulation) -> Part<ObligationsSection> {
    let Some(ob) = scenario.obligations() else {
        return Part::Missing(Missing::NoObligations);
    };
    let Some(o) = crate::obligations::outlook(&scenario.start(), ob, simulation, &|_| {}) else {
        return Part::Missing(Missing::NoMarket);
    };
    let s = o.start;
    let mut measures = vec![
        Measure::info("obligation_provision", s.provision, Unit::Mkr),
        Measure::info("obligation_contingent", s.contingent, Unit::Mkr),
        Measure::info("obligation_whole", s.whole, Unit::Mkr),
        Measure::info("portfolio", s.portfolio, Unit::Mkr),
        Measure::info("reborrowed", s.reborrowed, Unit::Mkr),
        Measure::info("ratio_whole", s.ratio_whole, Unit::Percent),
        Measure::info("ratio_provision", s.ratio_provision, Unit::Percent),
    ];
    if let Some(y) = o.years.iter().find(|y| y.year == o.target_year) {
        measures.push(Measure::limited(
            "ratio_target_median",
            y.ratio.p50,
            Unit::Percent,
            Limit::AtLeast { min: FULL_CONSOLIDATION },
        ));
    }
    measures.push(Measure::info("p_full_at_target", o.p_full_at_target, Unit::Percent).with_probability(
        o.p_full_at_target_se,
        Sample::Plain { hits: (o.p_full_at_target * o.paths as f64).round() as usize, n: o.paths },
    ));
    Part::Shown(ObligationsSection { outlook: o, measures })
}

fn debt(scenario: &Scenario, simulation: Simulation) -> Part<DebtSection> {
    let Some(debt) = scenario.debt() else {
        return Part::Missing(Missing::NoDebt);
    };
    let k = debt.book.key_figures();
    let p = &debt.policy;
    let interest = k.outstanding * k.average_rate;
    let (fix_lo, fix_hi) = p.fixing_years;
    let (cap_lo, cap_hi) = p.capital_binding_years;
    let measures = vec![
        Measure::limited(
            "outstanding",
            k.outstanding,
            Unit::Mkr,
            Limit::AtMost { max: debt.borrowing_limit },
        ),
        Measure::info("average_rate", k.average_rate, Unit::Rate),
        Measure::info("interest_a_year_today", interest, Unit::Mkr),
        Measure::limited(
            "fixing_years",
            k.fixing_years,
            Unit::Years,
            Limit::Between { lo: fix_lo, hi: fix_hi },
        ),
        Measure::limited(
            "capital_binding_years",
            k.capital_binding_years,
            Unit::Years,
            Limit::Between { lo: cap_lo, hi: cap_hi },
        ),
        Measure::limited(
            "share_fixing_12m",
            k.share_fixing_12m,
            Unit::Percent,
            Limit::AtMost { max: p.max_share_within_12m },
        ),
        Measure::limited(
            "share_maturing_12m",
            k.share_maturing_12m,
            Unit::Percent,
            Limit::AtMost { max: p.max_share_within_12m },
        ),
    ];
    Part::Shown(DebtSection {
        date: debt.book.date,
        today: k,
        policy: *p,
        borrowing_limit: debt.borrowing_limit,
        interest_a_year_today: interest,
        maturity_profile: debt.book.maturity_profile(crate::debt::PROFILE_YEARS),
        measures,
        outlook: crate::debt::simulate::outlook_from(&scenario.start(), debt, simulation),
        debt: debt.clone(),
    })
}

/// The liquidity: kassalikviditet today against its target, and the
/// forecast of cash, the overdraft and new borrowing on the run's paths.
#[derive(Debug, Clone, Serialize)]
pub struct LiquiditySection {
    pub measures: Vec<Measure>,
    pub outlook: crate::liquidity::simulate::Outlook,
}

fn liquidity(scenario: &Scenario, simulation: Simulation) -> Part<LiquiditySection> {
    let Some(l) = scenario.liquidity() else {
        return Part::Missing(Missing::NoLiquidity);
    };
    let start = scenario.start();
    let (debt, obligations) = (scenario.debt(), scenario.obligations());
    let Some(outlook) = crate::liquidity::simulate::outlook_from(&start, l, debt, obligations, simulation)
    else {
        return Part::Missing(Missing::NoMarket);
    };
    let today = crate::liquidity::quick_ratio(l.receivables, l.opening_cash, l.current_liabilities);
    // The next twelve month-ends: the month most likely to need the
    // overdraft, and the quarter-end most likely under the target.
    let year = &outlook.months[..outlook.months.len().min(12)];
    let worst_month = year.iter().map(|m| m.p_overdraft).max_by(|a, b| a.p.total_cmp(&b.p));
    let worst_quarter =
        outlook.quarters.iter().take(4).map(|q| q.p_below_target).max_by(|a, b| a.p.total_cmp(&b.p));
    let mut measures = vec![
        Measure::limited(
            "quick_ratio_today",
            today,
            Unit::Percent,
            Limit::AtLeast { min: l.quick_ratio_target },
        ),
        Measure::info("cash_today", l.opening_cash, Unit::Mkr),
        Measure::info("overdraft_facility", l.overdraft, Unit::Mkr),
    ];
    // With randomness off the one path is the plan: no interval.
    let n = outlook.paths;
    let probability = |key, p: crate::debt::simulate::Probability| {
        let m = Measure::info(key, p.p, Unit::Percent);
        if outlook.randomness {
            m.with_probability(p.se, Sample::Plain { hits: (p.p * n as f64).round() as usize, n })
        } else {
            Measure { se: Some(p.se), ..m }
        }
    };
    if let Some(p) = worst_month {
        measures.push(probability("p_overdraft_month_12m", p));
    }
    if let Some(p) = worst_quarter {
        measures.push(probability("p_quick_ratio_below_target", p));
    }
    if let (Some(y), Some(debt)) = (outlook.years.first(), scenario.debt()) {
        measures.push(Measure::limited(
            "debt_year_end_p95",
            y.debt.p95,
            Unit::Mkr,
            Limit::AtMost { max: debt.borrowing_limit },
        ));
    }
    Part::Shown(LiquiditySection { measures, outlook })
}

fn comparison(
    scenario: &Scenario,
    strategies: Option<&[crate::compare::Strategy]>,
    simulation: Simulation,
) -> Result<Part<ComparisonSection>> {
    if scenario.market().is_none() {
        return Ok(Part::Missing(Missing::NoMarket));
    }
    let defaults;
    let (strategies, source) = match strategies.filter(|s| !s.is_empty()) {
        Some(s) => (s, StrategySource::Scenario),
        None => {
            defaults = default_strategies(&scenario.policy(), scenario.managed().position().equity_share);
            (&defaults[..], StrategySource::Default)
        }
    };
    let c = crate::compare::simulate(scenario, strategies, simulation, &|_| {})?;
    let figures = crate::compare::evaluate(&c);
    let metrics = crate::compare::metrics();
    let rows = c
        .strategies
        .iter()
        .zip(&figures)
        .map(|(s, f)| StrategyRow {
            name: s.name.clone(),
            figures: COMPARISON_KEYS
                .iter()
                .filter_map(|&key| metrics.iter().position(|m| m.key == key).map(|i| (key, f[i])))
                .collect(),
        })
        .collect();
    Ok(Part::Shown(ComparisonSection { simulation, source, strategies: rows }))
}

#[cfg(test)]
mod tests;
