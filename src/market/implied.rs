//! The model beside history: the same figures for an equity index
//! simulated by the market model and for a historical series, computed by
//! one function ([`figures`]) so that they mean the same.
//!
//! The figures of a month-end series (`docs/market-model.md`, "The model
//! beside history"):
//!
//! - the geometric return a year, `exp(12 ln(V_last / V_first) / months) - 1`;
//! - the yearly volatility: the sample standard deviation of the monthly
//!   log returns times `sqrt(12)` (monthly rather than calendar-year
//!   returns: twelve times the observations, so a history of a few
//!   decades gives a steady figure);
//! - the share of complete calendar years (December month-end to December
//!   month-end) whose return is below -10 %, -20 % and -30 %;
//! - how often a fall of 20 % from the highest of the last 24 month-ends
//!   begins, per decade: from the 24th month-end on (the first with a full
//!   window), a month-end below 0.8 times the highest of the 24 month-ends
//!   ending with it starts an episode unless the month-end before was
//!   already below its own threshold; the count is divided by the months
//!   looked at, times 120.
//!
//! The model's figures come from `paths` paths of `years` years of the
//! engine's own daily step ([`MarketState`]: regimes, Student-t and
//! bootstrap shocks as in a run), each path starting in a regime drawn
//! from the chain's stationary distribution ([`super::stationary`]), so
//! the figures describe the model's long run, not the valuation date's
//! regime. Path `p` draws from its own stream, `rng::path_rng(seed ^
//! STREAM, p)`: first one uniform for the starting regime, then what a
//! run's path draws, less the inflation and credit-spread normals (no
//! equity return depends on them, so they are left out). Each figure is the mean over paths of the path's
//! figure, with its standard error from the spread between paths (which
//! are independent); the geometric return is `exp` of the mean log return
//! a year, less 1 (so a stated long-run return reappears as it is), with
//! its error by the delta method. Paths run in parallel and are reduced in
//! path order: the same bits on any thread count.

#![allow(
    clippy::disallowed_methods,
    reason = "the model beside history: figures of finished month-end series, history's or a stationary path's, read once for a table, not the engine's paths"
)]

use chrono::{Datelike, NaiveDate};
use rand::RngExt;
use rayon::prelude::*;
use serde::Serialize;

use super::{DayKernel, GLOBAL_EQUITY, MarketModel, MarketState, SWEDISH_EQUITY, stationary};
use crate::rng::path_rng;

/// Mixed into the run's seed for the model figures' own streams, so they
/// share no draws with the run's paths.
pub const STREAM: u64 = 0x494D_504C_4945_4421;

/// Paths and years of the model figures a run shows.
pub const PATHS: usize = 1_000;
pub const YEARS: usize = 30;

/// Month-ends in the falls' window (the rule's 24 months).
const WINDOW: usize = 24;
/// A fall from the window's high of this share or more.
const FALL: f64 = 0.20;
/// The calendar-year thresholds: returns below -10 %, -20 %, -30 %.
const YEAR_THRESHOLDS: [f64; 3] = [-0.10, -0.20, -0.30];
/// The last trading day of a month is at most this many days before its
/// last calendar day; a series' final month ending earlier is incomplete.
const MONTH_END_SLACK_DAYS: u32 = 6;

/// The last observation of each calendar month of `dates` (increasing,
/// daily or monthly) and its value. A final month the series stops in
/// part-way is kept; [`HistorySeries::from_prices`] drops it.
pub fn month_ends(dates: &[NaiveDate], values: &[f64]) -> (Vec<NaiveDate>, Vec<f64>) {
    let mut out = (Vec::new(), Vec::new());
    for (i, (d, v)) in dates.iter().zip(values).enumerate() {
        let last_of_month =
            dates.get(i + 1).is_none_or(|next| (next.year(), next.month()) != (d.year(), d.month()));
        if last_of_month {
            out.0.push(*d);
            out.1.push(*v);
        }
    }
    out
}

/// The figures of one equity series (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figures {
    pub geometric_return: f64,
    /// Monthly log returns' standard deviation times `sqrt(12)`.
    pub annual_vol: f64,
    pub p_year_below_10: f64,
    pub p_year_below_20: f64,
    pub p_year_below_30: f64,
    pub falls_per_decade: f64,
}

/// A series' figures before the geometric return is taken out of logs.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Raw {
    log_return: f64,
    annual_vol: f64,
    below: [f64; 3],
    falls_per_decade: f64,
}

impl Raw {
    fn figures(&self) -> Figures {
        Figures {
            geometric_return: self.log_return.exp() - 1.0,
            annual_vol: self.annual_vol,
            p_year_below_10: self.below[0],
            p_year_below_20: self.below[1],
            p_year_below_30: self.below[2],
            falls_per_decade: self.falls_per_decade,
        }
    }

    fn values(&self) -> [f64; 6] {
        [self.log_return, self.annual_vol, self.below[0], self.below[1], self.below[2], self.falls_per_decade]
    }
}

/// The least month-ends [`figures`] needs: a full window and one more.
pub const MIN_MONTH_ENDS: usize = WINDOW + 1;

/// The figures of a month-end series given as log levels (`ln V`, one a
/// month, no month missing), `first_month` the calendar month (1 to 12)
/// of the first. `None` with fewer than [`MIN_MONTH_ENDS`] month-ends or
/// no complete calendar year.
pub fn figures(log_levels: &[f64], first_month: u32) -> Option<Figures> {
    raw(log_levels, first_month).map(|r| r.figures())
}

fn raw(log_levels: &[f64], first_month: u32) -> Option<Raw> {
    let n = log_levels.len();
    if n < MIN_MONTH_ENDS || !(1..=12).contains(&first_month) {
        return None;
    }
    let months = (n - 1) as f64;
    let log_return = (log_levels[n - 1] - log_levels[0]) * 12.0 / months;
    let monthly: Vec<f64> = log_levels.windows(2).map(|w| w[1] - w[0]).collect();
    let mean = monthly.iter().sum::<f64>() / months;
    let var = monthly.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (months - 1.0);
    let annual_vol = (var * 12.0).sqrt();

    // Month-end i is in calendar month (first_month - 1 + i) % 12 + 1.
    let first_december = (12 - first_month as usize) % 12;
    let decembers: Vec<f64> = log_levels.iter().skip(first_december).step_by(12).copied().collect();
    let years = decembers.len().checked_sub(1).filter(|y| *y > 0)?;
    let mut below = [0.0; 3];
    for w in decembers.windows(2) {
        let simple = (w[1] - w[0]).exp() - 1.0;
        for (b, t) in below.iter_mut().zip(YEAR_THRESHOLDS) {
            if simple < t {
                *b += 1.0;
            }
        }
    }
    for b in &mut below {
        *b /= years as f64;
    }

    let threshold = (1.0 - FALL).ln();
    let mut falls = 0usize;
    let mut inside = false;
    for t in WINDOW - 1..n {
        let high = log_levels[t + 1 - WINDOW..=t].iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let fallen = log_levels[t] - high < threshold;
        if fallen && !inside {
            falls += 1;
        }
        inside = fallen;
    }
    let looked_at = (n + 1 - WINDOW) as f64;
    Some(Raw { log_return, annual_vol, below, falls_per_decade: falls as f64 * 120.0 / looked_at })
}

/// The model's figures for one factor: each with its Monte Carlo
/// standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelFigures {
    pub geometric_return: f64,
    pub geometric_return_se: f64,
    pub annual_vol: f64,
    pub annual_vol_se: f64,
    pub p_year_below_10: f64,
    pub p_year_below_10_se: f64,
    pub p_year_below_20: f64,
    pub p_year_below_20_se: f64,
    pub p_year_below_30: f64,
    pub p_year_below_30_se: f64,
    pub falls_per_decade: f64,
    pub falls_per_decade_se: f64,
}

impl ModelFigures {
    /// The estimates without their errors.
    pub fn figures(&self) -> Figures {
        Figures {
            geometric_return: self.geometric_return,
            annual_vol: self.annual_vol,
            p_year_below_10: self.p_year_below_10,
            p_year_below_20: self.p_year_below_20,
            p_year_below_30: self.p_year_below_30,
            falls_per_decade: self.falls_per_decade,
        }
    }

    /// The standard errors, in the order of [`Figures`]' fields.
    pub fn standard_errors(&self) -> [f64; 6] {
        [
            self.geometric_return_se,
            self.annual_vol_se,
            self.p_year_below_10_se,
            self.p_year_below_20_se,
            self.p_year_below_30_se,
            self.falls_per_decade_se,
        ]
    }
}

/// The model's long run: `paths` paths of `years` years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Implied {
    pub paths: usize,
    pub years: usize,
    pub seed: u64,
    /// The stationary distribution each path's starting regime is drawn
    /// from, one share a regime.
    pub start_distribution: Vec<f64>,
    pub swedish_equity: ModelFigures,
    /// Local currency.
    pub global_equity: ModelFigures,
}

/// The model's figures for Swedish and global equities (local currency).
/// `None` when the regime chain has no unique stationary distribution, or
/// with fewer than 2 paths or 3 years.
pub fn model_figures(model: &MarketModel, paths: usize, years: usize, seed: u64) -> Option<Implied> {
    if paths < 2 || years < 3 {
        return None;
    }
    let pi = stationary(&model.transition)?;
    // Fully hedged, global equities earn their local return only. The
    // parts no equity return depends on (inflation, the credit spread,
    // Hull-White's level) are left out: their draws would change no
    // equity figure's distribution, only cost time.
    let local = MarketModel {
        hedge_ratio: 1.0,
        inflation_process: None,
        credit_spread: None,
        hull_white: None,
        ..model.clone()
    };
    let kernels = local.kernels();
    let per_path: Vec<[Raw; 2]> =
        (0..paths).into_par_iter().map(|p| path(&local, &kernels, &pi, seed, p as u64, years)).collect();
    let summarise = |factor: usize| {
        let n = paths as f64;
        let mut mean = [0.0; 6];
        for r in &per_path {
            for (m, v) in mean.iter_mut().zip(r[factor].values()) {
                *m += v;
            }
        }
        for m in &mut mean {
            *m /= n;
        }
        let mut var = [0.0; 6];
        for r in &per_path {
            for ((s, v), m) in var.iter_mut().zip(r[factor].values()).zip(mean) {
                *s += (v - m).powi(2);
            }
        }
        let se = var.map(|s| (s / (n - 1.0) / n).sqrt());
        let growth = mean[0].exp();
        ModelFigures {
            geometric_return: growth - 1.0,
            geometric_return_se: growth * se[0],
            annual_vol: mean[1],
            annual_vol_se: se[1],
            p_year_below_10: mean[2],
            p_year_below_10_se: se[2],
            p_year_below_20: mean[3],
            p_year_below_20_se: se[3],
            p_year_below_30: mean[4],
            p_year_below_30_se: se[4],
            falls_per_decade: mean[5],
            falls_per_decade_se: se[5],
        }
    };
    Some(Implied {
        paths,
        years,
        seed,
        start_distribution: pi.clone(),
        swedish_equity: summarise(0),
        global_equity: summarise(1),
    })
}

/// One path's figures for Swedish and global equities.
fn path(model: &MarketModel, kernels: &[DayKernel], pi: &[f64], seed: u64, p: u64, years: usize) -> [Raw; 2] {
    let mut rng = path_rng(seed ^ STREAM, p);
    let mut state = MarketState::start(model);
    let u: f64 = rng.random();
    state.clock.regime = pick(pi, u);
    let months = 12 * years;
    let mut levels = [vec![0.0; months + 1], vec![0.0; months + 1]];
    let plain = model.is_plain();
    for month in 0..months {
        state.start_month(model, month, &mut rng);
        let mut gross = [1.0, 1.0];
        for _ in 0..model.trading_days_per_month {
            let r = if plain {
                state.step_with::<true, _>(model, kernels, &mut rng)
            } else {
                state.step_with::<false, _>(model, kernels, &mut rng)
            };
            gross[SWEDISH_EQUITY] *= r.swedish_equity;
            gross[GLOBAL_EQUITY] *= r.global_equity;
        }
        for (l, g) in levels.iter_mut().zip(gross) {
            l[month + 1] = l[month] + g.ln();
        }
    }
    // Month-end 0 is a December's: each twelve months are a calendar year.
    levels.map(|l| raw(&l, 12).expect("invariant: at least three years of month-ends"))
}

/// The regime a uniform `u` picks from the distribution `pi`.
fn pick(pi: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (k, p) in pi.iter().enumerate() {
        acc += p;
        if u < acc {
            return k;
        }
    }
    pi.len() - 1
}

/// A historical index series to set beside the model, as month-ends.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistorySeries {
    /// What the series is, as the scenario names it.
    pub name: crate::lang::Words,
    /// The file it was read from.
    pub source: String,
    /// A yearly dividend yield added to a price index's returns (0 for a
    /// total-return series).
    pub dividend_yield: f64,
    #[serde(skip)]
    pub dates: Vec<NaiveDate>,
    #[serde(skip)]
    pub values: Vec<f64>,
}

impl HistorySeries {
    /// From daily or monthly prices: their month-ends, less a final month
    /// the series stops in more than six days before its end.
    pub fn from_prices(
        name: crate::lang::Words,
        source: String,
        dividend_yield: f64,
        dates: &[NaiveDate],
        prices: &[f64],
    ) -> HistorySeries {
        let (mut dates, mut values) = month_ends(dates, prices);
        if let Some(last) = dates.last()
            && u32::from(last.num_days_in_month()) - last.day() > MONTH_END_SLACK_DAYS
        {
            dates.pop();
            values.pop();
        }
        HistorySeries { name, source, dividend_yield, dates, values }
    }

    /// The series' log levels with the dividend yield put in:
    /// `ln(1 + y) / 12` added to each monthly log return.
    pub fn log_levels(&self) -> Vec<f64> {
        let monthly = (1.0 + self.dividend_yield).ln() / 12.0;
        self.values.iter().enumerate().map(|(i, v)| v.ln() + monthly * i as f64).collect()
    }

    /// Its figures (see [`figures`]); `None` if the series is too short.
    pub fn figures(&self) -> Option<HistoryFigures> {
        let first = self.dates.first()?;
        let figures = figures(&self.log_levels(), first.month())?;
        Some(HistoryFigures {
            name: self.name.clone(),
            source: self.source.clone(),
            from: *first,
            to: *self.dates.last()?,
            dividend_yield: self.dividend_yield,
            figures,
        })
    }
}

/// `[market.history]`: the series per factor.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct MarketHistory {
    pub swedish_equity: Option<HistorySeries>,
    pub global_equity: Option<HistorySeries>,
}

/// A historical series' figures and what they cover.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryFigures {
    pub name: crate::lang::Words,
    pub source: String,
    /// The first and last month-ends.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub dividend_yield: f64,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The historical figures per factor.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HistoryComparison {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub swedish_equity: Option<HistoryFigures>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub global_equity: Option<HistoryFigures>,
}

/// The model beside history, as a run shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct BesideHistory {
    /// `None` when the regime chain has no unique stationary distribution.
    pub implied: Option<Implied>,
    pub history: HistoryComparison,
}

/// The model's figures ([`PATHS`] paths of [`YEARS`] years, seeded from
/// `seed`) and those of the scenario's historical series, if any.
pub fn beside_history(model: &MarketModel, history: Option<&MarketHistory>, seed: u64) -> BesideHistory {
    let of = |s: Option<&HistorySeries>| s.and_then(HistorySeries::figures);
    BesideHistory {
        implied: model_figures(model, PATHS, YEARS, seed),
        history: HistoryComparison {
            swedish_equity: of(history.and_then(|h| h.swedish_equity.as_ref())),
            global_equity: of(history.and_then(|h| h.global_equity.as_ref())),
        },
    }
}

#[cfg(test)]
mod tests;
