//! The Monte Carlo engine: thousands of market futures, the rule applied
//! day by day on each (the same `rule::Managed` replay uses).
//!
//! A path draws from its own stream (`rng::path_rng(seed, path)`), keeps
//! its daily state only in registers and a few small vectors, and leaves
//! behind a [`PathSummary`] and its month-end figures in a
//! [`MonthHistograms`]. Paths run in parallel in fixed blocks; each
//! summary is written to its own slot, and histograms merge by integer
//! addition, so the result is the same bits on any number of threads.

use rayon::prelude::*;

use crate::market::{DayKernel, MarketModel, MarketState, SWEDISH_EQUITY};
use crate::rng::path_rng;
use crate::rule::{Managed, PathRecord, SHARE_EPSILON};
use crate::scenario::{Scenario, Simulation};
use crate::stats::MonthHistograms;

/// Paths a block: the unit of parallel work and of progress reports.
const BLOCK: usize = 256;

/// The equity share under which a portfolio counts as locked in cash.
pub const CASH_LOCK_SHARE: f64 = 0.10;
/// Consecutive month-ends under [`CASH_LOCK_SHARE`] that make a cash lock.
pub const CASH_LOCK_MONTHS: u32 = 12;
/// The region's long-term target: 3.5 % real a year over rolling 5 years.
pub const REAL_RETURN_TARGET: f64 = 0.035;
const ROLLING_MONTHS: usize = 60;

/// What one path leaves behind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PathSummary {
    pub final_value: f64,
    /// Value at the end of month 12 (the final value for shorter horizons).
    pub value_12m: f64,
    /// Month (0-based) of the first day under the floor.
    pub first_breach_month: Option<u32>,
    /// Deepest breach `(F - V) / F`.
    pub worst_breach: f64,
    pub downweights: u32,
    pub upweights: u32,
    pub traded: f64,
    pub costs: f64,
    pub max_drawdown: f64,
    pub min_margin: f64,
    /// Equity share under 10 % for 12 month-ends or more in a row after a
    /// down-weighting.
    pub cash_lock: bool,
    /// Whether the path down-weighted at all.
    pub downweighted: bool,
    /// Month (0-based) of the first down-weighting.
    pub first_downweight_month: Option<u32>,
    /// Equity share at the end of month 3 and month 12 (the final share
    /// for shorter horizons).
    pub equity_share_3m: f64,
    pub equity_share_12m: f64,
    /// Months from the first down-weighting until the equity share is back
    /// at its level before it (or at the most the rule's up-weighting can
    /// reach, target less headroom, if that is lower).
    pub months_to_rebuild: Option<u32>,
    /// Rolling five-year windows ending in this path's month-ends, and how
    /// many of them earned at least the real-return target.
    pub rolling_windows: u32,
    pub rolling_hits: u32,
    /// Log of the price index at the horizon (zero at the start), for
    /// real returns.
    pub final_log_price_index: f64,
}

/// Everything a run needs, prepared once.
#[derive(Debug, Clone)]
pub struct Engine {
    model: MarketModel,
    kernels: Vec<DayKernel>,
    prototype: Managed,
    /// For each equity class, whether it follows Swedish equities (else global).
    swedish: Vec<bool>,
    n_fixed_income: usize,
    simulation: Simulation,
    start_value: f64,
    rebuild_cap: f64,
}

/// The run's raw result: a summary a path, in path order, and the
/// month-end distributions.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub paths: Vec<PathSummary>,
    pub months: MonthHistograms,
}

impl Engine {
    /// An engine for `scenario` with `simulation`'s paths, seed and horizon;
    /// `None` when the scenario has no `[market]`.
    pub fn new(scenario: &Scenario, simulation: Simulation) -> Option<Engine> {
        let model = scenario.market.clone()?;
        let factors = scenario.equity_factors()?;
        let prototype = scenario.managed();
        let policy = scenario.policy;
        Some(Engine {
            kernels: model.kernels(),
            model,
            swedish: factors.iter().map(|&f| f == SWEDISH_EQUITY).collect(),
            n_fixed_income: prototype.holdings().fixed_income.len(),
            start_value: prototype.value(),
            prototype,
            simulation,
            rebuild_cap: policy.target - policy.up_headroom,
        })
    }

    pub fn simulation(&self) -> Simulation {
        self.simulation
    }

    pub fn model(&self) -> &MarketModel {
        &self.model
    }

    pub fn start_value(&self) -> f64 {
        self.start_value
    }

    /// Runs every path; `progress` is called with the number of paths each
    /// finished block held.
    pub fn run(&self, progress: &(dyn Fn(usize) + Sync)) -> Outcome {
        let months = self.simulation.horizon_months;
        let mut paths = vec![PathSummary::default(); self.simulation.paths];
        let histograms = paths
            .par_chunks_mut(BLOCK)
            .enumerate()
            .fold(
                || MonthHistograms::new(months, self.start_value),
                |mut h, (block, slots)| {
                    for (i, slot) in slots.iter_mut().enumerate() {
                        *slot = self.path((block * BLOCK + i) as u64, &mut h);
                    }
                    progress(slots.len());
                    h
                },
            )
            .reduce(|| MonthHistograms::new(months, self.start_value), MonthHistograms::merge);
        Outcome { paths, months: histograms }
    }

    /// Simulates path `path`, adding its month-ends to `months`.
    pub fn path(&self, path: u64, months: &mut MonthHistograms) -> PathSummary {
        if self.model.is_plain() {
            self.path_with::<true>(path, months)
        } else {
            self.path_with::<false>(path, months)
        }
    }

    /// [`Engine::path`], its day loop compiled for a plain market or not.
    fn path_with<const PLAIN: bool>(&self, path: u64, months: &mut MonthHistograms) -> PathSummary {
        let model = &self.model;
        let days = model.trading_days_per_month;
        let horizon = self.simulation.horizon_months;
        let mut rng = path_rng(self.simulation.seed, path);
        let mut market = MarketState::start(model);
        let mut fund = self.prototype.clone();
        let mut record = PathRecord::new(self.start_value);
        let mut equity_growth = vec![0.0; self.swedish.len()];
        let mut fixed_growth = vec![0.0; self.n_fixed_income];

        let mut out = PathSummary::default();
        let mut tally = MonthTally::new(self.start_value, self.rebuild_cap, horizon);

        for month in 0..horizon {
            market.start_month(model, month, &mut rng);
            let kernel = &self.kernels[market.regime];
            for day in 0..days {
                let r = market.step_with::<PLAIN, _>(kernel, model, &mut rng);
                for (g, &se) in equity_growth.iter_mut().zip(&self.swedish) {
                    *g = if se { r.swedish_equity } else { r.global_equity };
                }
                fixed_growth.fill(r.fixed_income);
                fund.apply_returns(&equity_growth, &fixed_growth);
                let d = fund.close_day(day + 1 == days);
                record.observe(&d);
                if d.breach_depth().is_some() && out.first_breach_month.is_none() {
                    out.first_breach_month = Some(month as u32);
                }
                if let Some(t) = &d.down {
                    tally.down_weighted(month as u32, t.equity_before);
                }
            }

            let value = fund.value();
            let equity = fund.equity_share();
            months.add(month, [value, equity, fund.margin(), fund.floor()]);
            if month == 2 {
                out.equity_share_3m = equity;
            }
            if month == 11 {
                out.value_12m = value;
                out.equity_share_12m = equity;
            }
            tally.month_end(month as u32, value, equity, market.log_price_index, &mut out);
        }
        out.final_value = fund.value();
        out.final_log_price_index = market.log_price_index;
        if horizon < 3 {
            out.equity_share_3m = fund.equity_share();
        }
        if horizon < 12 {
            out.value_12m = out.final_value;
            out.equity_share_12m = fund.equity_share();
        }
        out.worst_breach = record.worst_breach;
        out.downweights = record.downweights;
        out.upweights = record.upweights;
        out.traded = record.traded;
        out.costs = record.costs;
        out.max_drawdown = record.max_drawdown;
        out.min_margin = record.min_margin;
        out.downweighted = tally.first_down.is_some();
        out.first_downweight_month = tally.first_down.map(|(month, _)| month);
        out
    }
}

/// A path's month-end bookkeeping beyond the rule's own record: the cash
/// lock, the months to rebuild the equity share after the first
/// down-weighting, and rolling five-year real returns.
#[derive(Debug, Clone)]
struct MonthTally {
    /// Month and equity share before of the first down-weighting.
    first_down: Option<(u32, f64)>,
    low_streak: u32,
    /// The most an up-weighting can reach: target less headroom.
    rebuild_cap: f64,
    /// Month-end values and log price index, the start at index 0.
    history: Vec<(f64, f64)>,
}

impl MonthTally {
    fn new(start_value: f64, rebuild_cap: f64, months: usize) -> MonthTally {
        let mut history = Vec::with_capacity(months + 1);
        history.push((start_value, 0.0));
        MonthTally { first_down: None, low_streak: 0, rebuild_cap, history }
    }

    /// A down-weighting in `month` from share `equity_before`; only the
    /// first counts.
    fn down_weighted(&mut self, month: u32, equity_before: f64) {
        self.first_down.get_or_insert((month, equity_before));
    }

    /// The end of `month` at `value`, equity share `equity` and log price
    /// index `log_index`.
    fn month_end(&mut self, month: u32, value: f64, equity: f64, log_index: f64, out: &mut PathSummary) {
        if let Some((start, before)) = self.first_down {
            self.low_streak = if equity < CASH_LOCK_SHARE { self.low_streak + 1 } else { 0 };
            out.cash_lock |= self.low_streak >= CASH_LOCK_MONTHS;
            if out.months_to_rebuild.is_none() && equity >= before.min(self.rebuild_cap) - SHARE_EPSILON {
                out.months_to_rebuild = Some(month - start);
            }
        }
        self.history.push((value, log_index));
        if self.history.len() > ROLLING_MONTHS {
            let (then, index_then) = self.history[self.history.len() - 1 - ROLLING_MONTHS];
            let real = ((value / then) / (log_index - index_then).exp()).powf(0.2) - 1.0;
            out.rolling_windows += 1;
            out.rolling_hits += u32::from(real >= REAL_RETURN_TARGET);
        }
    }
}

#[cfg(test)]
mod tests;
