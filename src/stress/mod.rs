//! Stress tests (`pensionsim stress`): the portfolio under the rule through
//! a named market episode, from the scenario's own state.
//!
//! Three kinds of stress, each read from a file of `scenarios/stress/`
//! ([`mod@file`], format in `docs/stress.md`):
//!
//! - **shocks**: a deterministic market of trading days (weekdays) from the
//!   start to `end`: a base drift or level per factor, and shocks per
//!   factor over chosen days. Equities follow their factor (global
//!   equities in kronor: their own return times the dollar's,
//!   `(1 + fx)^(1 - hedge_ratio)`, as in the market model); fixed income
//!   earns `1 + r dt - D (r' - r) + s dt - D_s (s' - s)` a day, the market
//!   model's formula (`docs/market-model.md`) with `dt` the calendar days
//!   since the last trading day over 365, `D` and `D_s` the scenario's
//!   durations; inflation only deflates the value (the real change);
//! - **replay**: a window of a daily price series, run by [`crate::replay`]
//!   from the scenario's value, equity share and month-end history;
//! - **conditional**: shocks as above, then a Monte Carlo run of the
//!   scenario's market ([`Engine`]) from the state they leave: holdings,
//!   month-end history, short rate, spread and inflation.
//!
//! The rule is [`Managed`], the one implementation, closed every trading
//! day as replay and the engine close it. A day is a month end when the
//! next weekday is in another month ([`crate::replay::is_month_end`] on the
//! calendar). Beside the managed portfolio, the same starting holdings are
//! carried without the rule (buy and hold).

pub mod crashes;
pub mod file;

use std::path::Path;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::Serialize;

use crate::calendar::months_between;
use crate::engine::{Engine, PathSummary};
use crate::error::{Error, Location, Problem, Result};
use crate::market::GLOBAL_EQUITY;
use crate::prices::PriceSeries;
use crate::replay::{DatedTrade, FixedIncome, ReplayConfig, ReplayDay, is_month_end, replay};
use crate::rule::{Holdings, Managed, MonthEndWindow, Policy, Trade};
use crate::scenario::{MonthEnd, Scenario, Simulation};
use crate::stats::{MonthHistograms, Series, mean_se, probability};

pub use file::{Base, Factor, Kind, Size, StressFile, When};

/// Where a stress starts: the date, the portfolio under the rule, and the
/// month-end history up to then (oldest first).
#[derive(Debug, Clone)]
pub struct StartState {
    pub date: NaiveDate,
    pub fund: Managed,
    pub month_ends: Vec<MonthEnd>,
}

/// A point of the stress's daily path, as `stress.json` lists it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PathPoint {
    pub date: NaiveDate,
    pub value: f64,
    pub floor: f64,
    /// Margin before the day's trades.
    pub margin: f64,
    /// Equity share after the day's trades.
    pub equity_share: f64,
    pub max_equity_share: f64,
    pub buy_and_hold: f64,
    /// The value in the start's money (deflated by the stress's
    /// inflation); `None` for a replay.
    pub real_value: Option<f64>,
}

/// The fall from the highest value before the stress's lowest point, and
/// whether the value came back to that high.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Recovery {
    pub peak_date: NaiveDate,
    pub peak_value: f64,
    pub trough_date: NaiveDate,
    pub trough_value: f64,
    /// First day after the trough with a value at or above the peak;
    /// `None`: not recovered by the end of the stress.
    pub recovered_date: Option<NaiveDate>,
    /// Trading days from the trough to that day.
    pub trading_days_to_recover: Option<usize>,
}

/// The Monte Carlo run after a conditional stress's shocks. Probabilities
/// and means carry their Monte Carlo standard errors (`_se`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conditional {
    pub paths: usize,
    pub seed: u64,
    pub months: usize,
    /// The state the run starts from: the shocks' last day.
    pub start_date: NaiveDate,
    pub start_value: f64,
    pub start_equity_share: f64,
    pub start_short_rate: f64,
    pub start_credit_spread: f64,
    pub start_inflation: f64,
    pub start_regime: String,
    /// At least one down-weighting in the run.
    pub p_downweight: f64,
    pub p_downweight_se: f64,
    pub mean_downweights: f64,
    pub mean_downweights_se: f64,
    pub p_upweight: f64,
    pub p_upweight_se: f64,
    /// A day under the floor.
    pub p_breach: f64,
    pub p_breach_se: f64,
    /// The value at the horizon at or above the high before the shocks
    /// ([`Recovery::peak_value`]).
    pub p_recovered: f64,
    pub p_recovered_se: f64,
    pub final_value_mean: f64,
    pub final_value_mean_se: f64,
    /// Quantiles of the final value at 5 %, 50 % and 95 %.
    pub final_value_p05: f64,
    pub final_value_p50: f64,
    pub final_value_p95: f64,
    /// Mean equity share at month 12 (at the horizon when shorter).
    pub equity_share_12m_mean: f64,
    pub equity_share_12m_mean_se: f64,
    /// Month-end quantiles at [`crate::stats::LEVELS`] (1, 5, 25, 50, 75, 95, 99 %) of
    /// the value and of the equity share, month 1 first.
    pub value_fan: Vec<[f64; 7]>,
    pub equity_fan: Vec<[f64; 7]>,
    /// The floor's month-end quantiles, likewise.
    pub floor_fan: Vec<[f64; 7]>,
    pub month_end_dates: Vec<NaiveDate>,
}

/// One stress's result (`stress.json`'s entries; schema in
/// `docs/stress.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StressResult {
    pub name: String,
    pub title_en: String,
    pub title_sv: String,
    /// The source in English and in Swedish.
    pub source: String,
    pub source_sv: String,
    pub file: String,
    pub kind: &'static str,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub trading_days: usize,
    pub start_value: f64,
    pub start_equity_share: f64,
    pub start_high: f64,
    pub start_floor: f64,
    pub start_margin: f64,
    pub downweights: Vec<DatedTrade>,
    pub upweights: Vec<DatedTrade>,
    /// Lowest margin before a day's trades, and its day.
    pub min_margin: f64,
    pub min_margin_date: NaiveDate,
    /// Days the value was under the floor before trading, and the deepest
    /// breach `(F - V) / F` (0 when none).
    pub breach_days: usize,
    pub worst_breach_depth: f64,
    pub lowest_equity_share: f64,
    pub final_value: f64,
    pub final_equity_share: f64,
    pub buy_and_hold_final_value: f64,
    /// `final_value / buy_and_hold_final_value - 1`: what the rule gained
    /// (positive) or lost against holding the starting mix.
    pub vs_buy_and_hold: f64,
    pub max_drawdown: f64,
    pub buy_and_hold_max_drawdown: f64,
    pub recovery: Recovery,
    /// The final value deflated by the stress's inflation, against the
    /// start: `None` for a replay (no inflation series).
    pub real_value_change: Option<f64>,
    /// The shocks' last levels of the short rate, the spread and inflation
    /// (`None` for a replay).
    pub end_rates: Option<[f64; 3]>,
    pub monte_carlo: Option<Conditional>,
    pub path: Vec<PathPoint>,
    /// Every trading day in full, for the charts.
    #[serde(skip)]
    pub days: Vec<ReplayDay>,
    #[serde(skip)]
    pub policy: Policy,
}

/// How many paths, which seed, for conditional stresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    pub paths: usize,
    pub seed: u64,
}

/// Runs `stress` on `scenario`.
///
/// # Errors
/// [`Error::Invalid`] naming the stress file and key when the stress does
/// not fit the scenario (a start date outside its history, a day outside
/// the horizon, a factor the scenario's market cannot carry, an unknown
/// regime); [`Error::Read`] or [`Error::Invalid`] for the price file of a
/// replay.
pub fn run(scenario: &Scenario, stress: &StressFile, options: RunOptions) -> Result<StressResult> {
    let start = start_state(scenario, stress)?;
    match &stress.kind {
        Kind::Shocks { end, base, shocks } => {
            let m = shock_market(scenario, stress, &start, *end, base, shocks)?;
            let run = run_shocks(&start, &m, scenario);
            Ok(result(stress, "shocks", &start, run, scenario.policy()))
        }
        Kind::Conditional { end, base, shocks, monte_carlo } => {
            let m = shock_market(scenario, stress, &start, *end, base, shocks)?;
            let run = run_shocks(&start, &m, scenario);
            let mut r = result(stress, "conditional", &start, run.clone(), scenario.policy());
            let mc =
                conditional(scenario, stress, &start, &run, monte_carlo, r.recovery.peak_value, options)?;
            r.monte_carlo = Some(mc);
            Ok(r)
        }
        Kind::Replay(w) => {
            let prices = PriceSeries::load(&w.prices, &w.date_col, &w.price_col)?;
            let fund = &start.fund;
            let config = ReplayConfig {
                from: Some(w.from),
                to: Some(w.to),
                start_value: fund.value(),
                start_equity: fund.equity_share(),
                policy: scenario.policy(),
                fixed_income: FixedIncome::Rate(w.fixed_income_rate),
                window: w.month_end_history.then(|| fund.window().clone()),
            };
            let rep = replay(&prices, &config)?;
            let first = rep.summary.start_date;
            // The replay's own set-up: its window, or none.
            let set_up = Managed::new(
                scenario.policy(),
                Holdings::two_class(config.start_value, config.start_equity),
                config.window.clone().unwrap_or_else(|| {
                    MonthEndWindow::starting_at(scenario.policy().window_months, config.start_value)
                }),
            );
            let state = StartState { date: first, fund: set_up, month_ends: start.month_ends.clone() };
            let run = Run {
                days: rep.days,
                log_price_index: None,
                end_rates: None,
                month_ends: Vec::new(),
                end: None,
            };
            Ok(result(stress, "replay", &state, run, scenario.policy()))
        }
    }
}

/// Runs every stress of `library`, in order.
///
/// # Errors
/// The first stress's error, as [`run`].
pub fn run_all(
    scenario: &Scenario,
    library: &[StressFile],
    options: RunOptions,
) -> Result<Vec<StressResult>> {
    library.iter().map(|s| run(scenario, s, options)).collect()
}

fn problem(
    stress: &StressFile,
    location: Location,
    key: &str,
    expected: impl Into<String>,
    found: impl Into<String>,
) -> Error {
    Error::one(Problem::new(&stress.path, location, key, expected, found))
}

/// The scenario's state on the stress's start: its valuation date and
/// holdings, or a month-end of its history with the file's equity share
/// (split by the strategic mixes).
pub fn start_state(scenario: &Scenario, stress: &StressFile) -> Result<StartState> {
    let ends = &scenario.history().month_ends;
    let Some(start) = &stress.start else {
        return Ok(StartState {
            date: scenario.valuation_date(),
            fund: scenario.managed(),
            month_ends: ends.clone(),
        });
    };
    let same_month =
        |m: &MonthEnd| (m.date.year(), m.date.month()) == (start.date.year(), start.date.month());
    let Some(i) = ends.iter().position(same_month) else {
        let span = match (ends.first(), ends.last()) {
            (Some(a), Some(b)) => format!("{} to {}", a.date, b.date),
            _ => "none".into(),
        };
        return Err(problem(
            stress,
            start.location.clone(),
            "start.date",
            format!("a month-end of the scenario's history ({}: {span})", scenario.path().display()),
            start.date.to_string(),
        ));
    };
    let value = ends[i].value;
    let values: Vec<f64> = ends[..=i].iter().map(|m| m.value).collect();
    let window = MonthEndWindow::from_history(
        scenario.policy().window_months,
        &values,
        scenario.history().start_value,
    )
    .expect("invariant: the window holds at least this month-end");
    let mut h = scenario.holdings();
    let e = start.equity_share;
    for (x, w) in h.equity.iter_mut().zip(h.equity_mix.clone()) {
        *x = value * e * w;
    }
    for (x, w) in h.fixed_income.iter_mut().zip(h.fixed_income_mix.clone()) {
        *x = value * (1.0 - e) * w;
    }
    Ok(StartState {
        date: ends[i].date,
        fund: Managed::new(scenario.policy(), h, window),
        month_ends: ends[..=i].to_vec(),
    })
}

/// The weekdays after `start` up to `end`.
pub fn calendar(start: NaiveDate, end: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut d = start + Days::new(1);
    while d <= end {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            out.push(d);
        }
        d = d + Days::new(1);
    }
    out
}

/// The deterministic market of a shocks stress, a day at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct ShockMarket {
    pub dates: Vec<NaiveDate>,
    /// Gross returns a day: Swedish equities, global equities in their
    /// currency, SEK per USD.
    pub growth: [Vec<f64>; 3],
    /// Short rate and spread at the close of each day, and the day before
    /// the first.
    pub rate: Vec<f64>,
    pub spread: Vec<f64>,
    pub inflation: Vec<f64>,
    pub duration: f64,
    pub spread_duration: f64,
    pub unhedged: f64,
}

fn shock_market(
    scenario: &Scenario,
    stress: &StressFile,
    start: &StartState,
    end: NaiveDate,
    base: &Base,
    shocks: &[file::Shock],
) -> Result<ShockMarket> {
    let Some(market) = scenario.market() else {
        return Err(problem(
            stress,
            Location::File,
            "kind",
            format!(
                "a scenario with a [market] ({} has none): a factor stress takes the fixed-income duration and the dollar's hedge ratio from it",
                scenario.path().display()
            ),
            "no [market]",
        ));
    };
    let dates = calendar(start.date, end);
    if dates.is_empty() {
        return Err(problem(
            stress,
            Location::File,
            "end",
            format!("a date after the stress's start ({})", start.date),
            end.to_string(),
        ));
    }
    let n = dates.len();
    let horizon = format!("a day inside the horizon ({} to {end}, trading days 1 to {n})", dates[0]);
    let dt: Vec<f64> = dates
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let prev = if i == 0 { start.date } else { dates[i - 1] };
            (*d - prev).num_days() as f64 / 365.0
        })
        .collect();
    #[allow(
        clippy::disallowed_methods,
        reason = "a stress episode's deterministic calendar, not a simulated path: the base drift a calendar day"
    )]
    let drift = |mu: f64| dt.iter().map(|t| (1.0 + mu).powf(*t)).collect::<Vec<f64>>();
    let mut growth = [drift(base.swedish_equity), drift(base.global_equity), drift(base.sek_per_usd)];
    let mut rate_step = vec![0.0; n];
    let mut spread_step = vec![0.0; n];
    let r0 = base.short_rate.unwrap_or(market.initial_short_rate);
    let s0 = base.credit_spread.unwrap_or(market.credit_spread.map_or(0.0, |c| c.spread.initial));
    let i0 = base.inflation.unwrap_or(market.inflation_process.map_or(market.inflation, |p| p.initial));
    let mut inflation = vec![i0; n];
    // Each shock's trading days, for the check of the levels they make.
    let mut spans = Vec::with_capacity(shocks.len());
    for s in shocks {
        let key = |k: &str| format!("shock[{}].{k}", s.key_index);
        let (lo, hi) = match s.when {
            When::On(_) | When::Dates(..) => {
                let ((a, b), (from_key, to_key)) = match s.when {
                    When::On(d) => ((d, d), ("on", "on")),
                    When::Dates(a, b) => ((a, b), ("from", "to")),
                    _ => unreachable!("matched above"),
                };
                if a < dates[0] || b > end {
                    let (k, found) = if a < dates[0] { (from_key, a) } else { (to_key, b) };
                    return Err(problem(stress, s.location.clone(), &key(k), horizon, found.to_string()));
                }
                let lo = dates.partition_point(|d| *d < a);
                let hi = dates.partition_point(|d| *d <= b);
                if lo >= hi {
                    return Err(problem(
                        stress,
                        s.location.clone(),
                        &key(from_key),
                        "a span holding a trading day (weekdays only)",
                        if a == b { format!("{a}, a {}", a.weekday()) } else { format!("{a} to {b}") },
                    ));
                }
                (lo, hi)
            }
            When::Days(a, b) => {
                if b > n {
                    return Err(problem(
                        stress,
                        s.location.clone(),
                        &key("days"),
                        horizon,
                        format!("day {b}"),
                    ));
                }
                (a - 1, b)
            }
            When::Months(a, b) => {
                let month = |d: &NaiveDate| i64::from(months_between(start.date, *d));
                let lo = dates.partition_point(|d| month(d) < a as i64);
                let hi = dates.partition_point(|d| month(d) <= b as i64);
                let last_month = month(&dates[n - 1]);
                if b as i64 > last_month || lo >= hi {
                    return Err(problem(
                        stress,
                        s.location.clone(),
                        &key("months"),
                        format!(
                            "months inside the horizon (1 to {last_month}, counted from the month after {})",
                            start.date
                        ),
                        format!("[{a}, {b}]"),
                    ));
                }
                (lo, hi)
            }
        };
        spans.push((lo, hi, s));
        let days = (hi - lo) as f64;
        #[allow(
            clippy::disallowed_methods,
            reason = "a stress episode's deterministic shock spread over its days, not a simulated path"
        )]
        let price = |g: &mut Vec<f64>| match s.size {
            Size::Total(x) => {
                // Once a shock, not once a day: a thousand shocks over a
                // century of days took seconds.
                let daily = (1.0 + x).powf(1.0 / days);
                g[lo..hi].iter_mut().for_each(|v| *v *= daily);
            }
            Size::Daily(x) => g[lo..hi].iter_mut().for_each(|v| *v *= 1.0 + x),
            Size::Level(_) => unreachable!("validation allows a level for inflation only"),
        };
        let level = |steps: &mut Vec<f64>| match s.size {
            Size::Total(x) => steps[lo..hi].iter_mut().for_each(|v| *v += x / days),
            Size::Daily(x) => steps[lo..hi].iter_mut().for_each(|v| *v += x),
            Size::Level(_) => unreachable!("validation allows a level for inflation only"),
        };
        match s.factor {
            Factor::SwedishEquity => price(&mut growth[0]),
            Factor::GlobalEquity => price(&mut growth[1]),
            Factor::SekPerUsd => price(&mut growth[2]),
            Factor::ShortRate => level(&mut rate_step),
            Factor::CreditSpread => {
                if market.credit_spread.is_none() {
                    return Err(problem(
                        stress,
                        s.location.clone(),
                        &key("factor"),
                        format!(
                            "a factor of the scenario's market ({} has no credit_spread, so no spread duration)",
                            scenario.path().display()
                        ),
                        "`credit_spread`",
                    ));
                }
                level(&mut spread_step)
            }
            Factor::Inflation => {
                if let Size::Level(x) = s.size {
                    inflation[lo..hi].iter_mut().for_each(|v| *v = x);
                }
            }
        }
    }
    let cumulative = |x0: f64, steps: &[f64]| {
        std::iter::once(x0)
            .chain(steps.iter().scan(x0, |x, d| {
                *x += d;
                Some(*x)
            }))
            .collect::<Vec<f64>>()
    };
    let m = ShockMarket {
        rate: cumulative(r0, &rate_step),
        spread: cumulative(s0, &spread_step),
        inflation,
        growth,
        duration: market.fixed_income_duration,
        spread_duration: market.credit_spread.map_or(0.0, |c| c.duration),
        unhedged: 1.0 - market.hedge_ratio,
        dates,
    };
    file::check_levels(stress, &m, start.date, &spans)?;
    Ok(m)
}

impl ShockMarket {
    /// Day `i`'s gross return of fixed income.
    pub fn fixed_income_growth(&self, i: usize, dt: f64) -> f64 {
        let (r, r1) = (self.rate[i], self.rate[i + 1]);
        let (s, s1) = (self.spread[i], self.spread[i + 1]);
        1.0 + r * dt - self.duration * (r1 - r) + s * dt - self.spread_duration * (s1 - s)
    }

    /// Day `i`'s gross return of global equities in kronor.
    #[allow(
        clippy::disallowed_methods,
        reason = "a stress episode's deterministic day, not a simulated path"
    )]
    pub fn global_in_sek(&self, i: usize) -> f64 {
        self.growth[1][i] * self.growth[2][i].powf(self.unhedged)
    }
}

/// A stress's trading days and what it leaves behind.
#[derive(Debug, Clone)]
struct Run {
    days: Vec<ReplayDay>,
    /// The price index's log on each day (shocks only).
    log_price_index: Option<Vec<f64>>,
    end_rates: Option<[f64; 3]>,
    /// Month-ends of the stress (dated on their trading day), with the
    /// value the window stored.
    month_ends: Vec<MonthEnd>,
    /// The portfolio after the last day.
    end: Option<Managed>,
}

fn run_shocks(start: &StartState, m: &ShockMarket, scenario: &Scenario) -> Run {
    let mut fund = start.fund.clone();
    let mut hold = fund.holdings().clone();
    let factors = scenario.equity_factors().unwrap_or_default();
    let global: Vec<bool> = factors.iter().map(|&f| f == GLOBAL_EQUITY).collect();
    let n_fi = hold.fixed_income.len();
    let mut days = Vec::with_capacity(m.dates.len());
    let mut month_ends = Vec::new();
    let mut log_index = 0.0;
    let mut log_indices = Vec::with_capacity(m.dates.len());
    for (i, &date) in m.dates.iter().enumerate() {
        let prev = if i == 0 { start.date } else { m.dates[i - 1] };
        let dt = (date - prev).num_days() as f64 / 365.0;
        let eq: Vec<f64> =
            global.iter().map(|&g| if g { m.global_in_sek(i) } else { m.growth[0][i] }).collect();
        let fi = vec![m.fixed_income_growth(i, dt); n_fi];
        fund.apply_returns(&eq, &fi);
        for (h, g) in hold.equity.iter_mut().zip(&eq) {
            *h *= g;
        }
        for (h, g) in hold.fixed_income.iter_mut().zip(&fi) {
            *h *= g;
        }
        log_index += m.inflation[i] * dt;
        log_indices.push(log_index);
        let month_end = is_month_end(&m.dates, i);
        let day = fund.close_day(month_end);
        if month_end {
            let stored = fund.window().month_ends().last().expect("invariant: a month-end was just stored");
            month_ends.push(MonthEnd { date, value: stored });
        }
        days.push(replay_day(&fund, date, month_end, day, hold.value()));
    }
    let last = m.dates.len() - 1;
    Run {
        days,
        log_price_index: Some(log_indices),
        end_rates: Some([m.rate[last + 1], m.spread[last + 1], m.inflation[last]]),
        month_ends,
        end: Some(fund),
    }
}

/// A day's figures in the replay's layout.
fn replay_day(fund: &Managed, date: NaiveDate, month_end: bool, day: crate::rule::Day, bh: f64) -> ReplayDay {
    ReplayDay {
        date,
        month_end,
        value: fund.value(),
        high: fund.high(),
        floor: fund.floor(),
        margin_pre: day.margin_pre(),
        margin: fund.margin(),
        equity_pre: day.equity_pre(),
        equity: fund.equity_share(),
        max_equity: fund.max_equity_share(),
        day,
        buy_and_hold: bh,
    }
}

fn dated(date: NaiveDate, t: &Trade) -> DatedTrade {
    DatedTrade {
        date,
        equity_before: t.equity_before,
        equity_after: t.equity_after,
        amount: t.amount,
        cost: t.cost,
    }
}

/// The figures of a stress from its days.
#[allow(clippy::disallowed_methods, reason = "a stress episode's finished figures deflated for the report")]
fn result(
    stress: &StressFile,
    kind: &'static str,
    start: &StartState,
    run: Run,
    policy: Policy,
) -> StressResult {
    let fund = &start.fund;
    let days = run.days;
    let v0 = fund.value();
    let mut min_margin = (f64::INFINITY, start.date);
    let (mut breach_days, mut worst_breach) = (0, 0.0f64);
    let (mut peak, mut dd, mut bh_peak, mut bh_dd) = (v0, 0.0f64, v0, 0.0f64);
    let mut lowest_equity = fund.equity_share();
    // Peak before the trough, the trough, and the recovery.
    let (mut run_peak, mut run_peak_date) = (v0, start.date);
    let mut trough = (v0, start.date, v0, start.date); // value, date, its peak, peak date
    for d in &days {
        if d.margin_pre < min_margin.0 {
            min_margin = (d.margin_pre, d.date);
        }
        if let Some(depth) = d.day.breach_depth() {
            breach_days += 1;
            worst_breach = worst_breach.max(depth);
        }
        lowest_equity = lowest_equity.min(d.equity);
        peak = peak.max(d.value);
        dd = dd.max(1.0 - d.value / peak);
        bh_peak = bh_peak.max(d.buy_and_hold);
        bh_dd = bh_dd.max(1.0 - d.buy_and_hold / bh_peak);
        if d.value > run_peak {
            (run_peak, run_peak_date) = (d.value, d.date);
        }
        if d.value < trough.0 {
            trough = (d.value, d.date, run_peak, run_peak_date);
        }
    }
    let trough_index = days.iter().position(|d| d.date == trough.1);
    let recovered = trough_index.and_then(|t| {
        days[t + 1..].iter().position(|d| d.value >= trough.2).map(|k| (days[t + 1 + k].date, k + 1))
    });
    let last = days.last().expect("invariant: a stress has a trading day");
    let deflate = |i: usize, v: f64| run.log_price_index.as_ref().map(|l| v * (-l[i]).exp());
    let path = days
        .iter()
        .enumerate()
        .map(|(i, d)| PathPoint {
            real_value: deflate(i, d.value),
            date: d.date,
            value: d.value,
            floor: d.floor,
            margin: d.margin_pre,
            equity_share: d.equity,
            max_equity_share: d.max_equity,
            buy_and_hold: d.buy_and_hold,
        })
        .collect();
    StressResult {
        name: stress.name.clone(),
        title_en: stress.title_en.clone(),
        title_sv: stress.title_sv.clone(),
        source: stress.source.clone(),
        source_sv: stress.source_sv.clone(),
        file: stress.path.display().to_string(),
        kind,
        start_date: start.date,
        end_date: last.date,
        trading_days: days.len(),
        start_value: v0,
        start_equity_share: fund.equity_share(),
        start_high: fund.high(),
        start_floor: fund.floor(),
        start_margin: fund.margin(),
        downweights: days.iter().filter_map(|d| d.day.down.map(|t| dated(d.date, &t))).collect(),
        upweights: days.iter().filter_map(|d| d.day.up.map(|t| dated(d.date, &t))).collect(),
        min_margin: min_margin.0,
        min_margin_date: min_margin.1,
        breach_days,
        worst_breach_depth: worst_breach,
        lowest_equity_share: lowest_equity,
        final_value: last.value,
        final_equity_share: last.equity,
        buy_and_hold_final_value: last.buy_and_hold,
        vs_buy_and_hold: last.value / last.buy_and_hold - 1.0,
        max_drawdown: dd,
        buy_and_hold_max_drawdown: bh_dd,
        recovery: Recovery {
            peak_date: trough.3,
            peak_value: trough.2,
            trough_date: trough.1,
            trough_value: trough.0,
            recovered_date: recovered.map(|r| r.0),
            trading_days_to_recover: recovered.map(|r| r.1),
        },
        real_value_change: run
            .log_price_index
            .as_ref()
            .and_then(|l| l.last())
            .map(|l| last.value * (-l).exp() / v0 - 1.0),
        end_rates: run.end_rates,
        monte_carlo: None,
        path,
        days,
        policy,
    }
}

/// The Monte Carlo run from the state the shocks leave: the scenario's
/// [`Start`](crate::start::Start) moved to that state ([`crate::start::Start::at`]: its
/// valuation date, holdings and month-end history), its market starting
/// from the shocks' last rates, spread and inflation
/// ([`crate::start::Start::with_rates`]) and, when the file names one, in
/// its start regime, run by the [`Engine`] as `suggest` runs its outlook.
#[allow(clippy::too_many_arguments, reason = "the stress's parts, each named")]
fn conditional(
    scenario: &Scenario,
    stress: &StressFile,
    start: &StartState,
    run: &Run,
    mc: &file::MonteCarlo,
    pre_shock_high: f64,
    options: RunOptions,
) -> Result<Conditional> {
    let fund = run.end.as_ref().expect("invariant: a shocks run keeps its portfolio");
    let last = run.days.last().expect("invariant: a stress has a trading day");
    let [rate, spread, inflation] = run.end_rates.expect("invariant: a shocks run ends with its rates");
    let month_ends = start.month_ends.iter().chain(&run.month_ends).copied().collect();
    let mut post =
        scenario.start().at(last.date, fund.holdings(), month_ends).with_rates(rate, spread, inflation);
    debug_assert_eq!(post.window(), *fund.window(), "the engine starts from the shocks' window");
    let market = post.market().expect("invariant: a shocks stress needs a [market]");
    if let Some(name) = &mc.start_regime {
        match market.regimes.iter().position(|r| &r.name == name) {
            Some(i) => post = post.with_start_regime(i),
            None => {
                let known: Vec<String> = market.regimes.iter().map(|r| format!("`{}`", r.name)).collect();
                return Err(problem(
                    stress,
                    mc.location.clone(),
                    "monte_carlo.start_regime",
                    format!("a regime of the scenario's market: {}", known.join(", ")),
                    format!("`{name}`"),
                ));
            }
        }
    }
    let market = post.market().expect("invariant: a shocks stress needs a [market]");
    let start_regime = market.regimes[market.start_regime].name.clone();
    let simulation = Simulation {
        paths: options.paths,
        seed: options.seed,
        horizon_months: mc.months,
        variance_reduction: false,
    };
    let engine = Engine::new(&post, simulation).expect("invariant: the scenario has a [market]");
    let outcome = engine.run(&|_| {});
    Ok(summarize_conditional(
        &outcome.paths,
        &outcome.months,
        simulation,
        fund,
        last.date,
        pre_shock_high,
        [rate, spread, inflation],
        start_regime,
    ))
}

#[allow(clippy::too_many_arguments, reason = "the run's parts, each named")]
fn summarize_conditional(
    paths: &[PathSummary],
    months: &MonthHistograms,
    simulation: Simulation,
    fund: &Managed,
    start_date: NaiveDate,
    pre_shock_high: f64,
    [rate, spread, inflation]: [f64; 3],
    start_regime: String,
) -> Conditional {
    let n = paths.len();
    let down = probability(paths.iter().filter(|p| p.downweights > 0).count(), n);
    let up = probability(paths.iter().filter(|p| p.upweights > 0).count(), n);
    let breach = probability(paths.iter().filter(|p| p.first_breach_month.is_some()).count(), n);
    let recovered = probability(paths.iter().filter(|p| p.final_value >= pre_shock_high).count(), n);
    let downs = mean_se(paths.iter().map(|p| f64::from(p.downweights)));
    let value = mean_se(paths.iter().map(|p| p.final_value));
    let equity = mean_se(paths.iter().map(|p| p.equity_share_12m));
    let mut finals: Vec<f64> = paths.iter().map(|p| p.final_value).collect();
    finals.sort_by(f64::total_cmp);
    let q = |p: f64| crate::stats::quantile_sorted(&finals, p);
    let month_end_dates = (1..=simulation.horizon_months)
        .map(|m| crate::calendar::month_end(start_date + chrono::Months::new(m as u32)))
        .collect();
    Conditional {
        paths: n,
        seed: simulation.seed,
        months: simulation.horizon_months,
        start_date,
        start_value: fund.value(),
        start_equity_share: fund.equity_share(),
        start_short_rate: rate,
        start_credit_spread: spread,
        start_inflation: inflation,
        start_regime,
        p_downweight: down.value,
        p_downweight_se: down.se,
        mean_downweights: downs.value,
        mean_downweights_se: downs.se,
        p_upweight: up.value,
        p_upweight_se: up.se,
        p_breach: breach.value,
        p_breach_se: breach.se,
        p_recovered: recovered.value,
        p_recovered_se: recovered.se,
        final_value_mean: value.value,
        final_value_mean_se: value.se,
        final_value_p05: q(0.05),
        final_value_p50: q(0.50),
        final_value_p95: q(0.95),
        equity_share_12m_mean: equity.value,
        equity_share_12m_mean_se: equity.se,
        value_fan: months.fan(Series::Value),
        equity_fan: months.fan(Series::EquityShare),
        floor_fan: months.fan(Series::Floor),
        month_end_dates,
    }
}

/// The stress library a scenario runs by default: the folder `stress/`
/// beside it (`scenarios/stress/` for the shipped scenario).
pub fn default_library(scenario_path: &Path) -> std::path::PathBuf {
    scenario_path.parent().unwrap_or(Path::new(".")).join("stress")
}

#[cfg(test)]
mod tests;
