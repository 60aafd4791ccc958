//! The figures of a comparison, each strategy's value and its difference
//! from the first strategy with a 95 % interval from the paired per-path
//! differences.
//!
//! Two kinds of figure:
//!
//! - a mean over paths of a per-path quantity (a probability is the mean
//!   of an indicator): the difference is the mean of the per-path
//!   differences `d_p = x_p(s) - x_p(first)`, its interval
//!   `mean(d) ± 1.96 sd(d) / sqrt(n)`. Two strategies that agree on every
//!   path differ by exactly 0 with an interval of width 0;
//! - any other statistic (a quantile, a tail mean, a share among the
//!   paths where something happened): the interval is the 2.5 % to
//!   97.5 % range of the difference over [`RESAMPLES`] paired bootstrap
//!   resamples (the same resampled paths for both strategies), drawn from
//!   the run's seed, so the same run gives the same interval. A resample
//!   is kept as how often it drew each path, and a statistic is read off
//!   each strategy's figures sorted once ([`crate::stats::Resampled`]),
//!   not from a resampled copy sorted again.

use rayon::prelude::*;
use serde::Serialize;

use super::Comparison;
use crate::engine::PathSummary;
use crate::rng::path_rng;
use crate::stats::interval::{Sample, probability_interval};
use crate::stats::{Resampled, mean_se, quantile_sorted};

/// Paired bootstrap resamples for the intervals of statistics that are not means.
pub const RESAMPLES: usize = 200;
/// The normal quantile of a two-sided 95 % interval.
pub use crate::stats::interval::Z95;
/// Added to the run's seed for the bootstrap's streams.
const BOOTSTRAP_SALT: u64 = 0xB007_5743_0000_0001;

/// How a figure is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A probability or share, printed as a percentage.
    Share,
    /// A rate a year (a return), printed as a percentage.
    Rate,
    /// A count a year.
    PerYear,
    Mkr,
    Months,
}

/// Context a per-path quantity needs.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub start_value: f64,
    pub years: f64,
}

type PerPath = fn(&PathSummary, &PathSummary, &Ctx) -> f64;
/// A path's figure for a statistic; `None` on a path that does not
/// define it (a breach's depth on a path that never breached).
type Defined = fn(&PathSummary, &Ctx) -> Option<f64>;

#[derive(Clone, Copy)]
enum How {
    /// Mean over paths of `f(strategy's path, buy-and-hold's path)`.
    Mean(PerPath),
    /// A statistic of the figures the paths define.
    Stat(Defined, Reduce),
}

/// How a statistic sums up the figures its paths define.
#[derive(Clone, Copy)]
enum Reduce {
    /// The `p` quantile (type 7); undefined when it is not finite.
    Quantile(f64),
    /// The mean: a share among the paths that define it, when the
    /// figures are 0 and 1.
    Mean,
    /// The mean of the worst [`TAIL`] (CVaR).
    TailMean,
    /// The best of the worst [`TAIL`] (VaR).
    TailEdge,
}

/// The share of the worst 12-month returns a tail figure averages.
const TAIL: f64 = 0.05;

impl Reduce {
    fn of(self, figures: Resampled) -> Option<f64> {
        match self {
            Reduce::Quantile(p) => figures.quantile(p).filter(|q| q.is_finite()),
            Reduce::Mean => figures.mean(),
            Reduce::TailMean => figures.lower_tail(TAIL).map(|t| t.0),
            Reduce::TailEdge => figures.lower_tail(TAIL).map(|t| t.1),
        }
    }
}

/// One figure of the comparison.
#[derive(Clone, Copy)]
pub struct Metric {
    /// Its key in `compare.json` and `compare.csv`.
    pub key: &'static str,
    pub unit: Unit,
    /// Whether more is better (for the reader; the ranking uses the mean
    /// annual return).
    pub higher_is_better: Option<bool>,
    /// A probability over paths (the mean of an indicator): its value
    /// gets a Clopper-Pearson interval (`stats::interval`).
    pub probability: bool,
    how: How,
}

impl std::fmt::Debug for Metric {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metric").field("key", &self.key).field("unit", &self.unit).finish()
    }
}

/// A strategy's value of one metric and its difference from the first
/// strategy's, with the 95 % interval of the difference. The default
/// is a figure no path defines.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Figure {
    /// `None` when no path defines it (a share among paths that crashed,
    /// when none did).
    pub value: Option<f64>,
    /// Monte Carlo standard error of the value (means only).
    pub se: Option<f64>,
    pub diff: Option<f64>,
    pub diff_lo: Option<f64>,
    pub diff_hi: Option<f64>,
    /// A probability's 95 % interval `[lo, hi]` (Clopper-Pearson).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ci: Option<[f64; 2]>,
    /// What a probability was estimated from.
    #[serde(skip)]
    pub sample: Option<Sample>,
}

impl Figure {
    /// The 95 % interval of the value itself: a probability's
    /// Clopper-Pearson interval, a mean's `value ± 1.96 se` (means only).
    pub fn interval(&self) -> Option<(f64, f64)> {
        if let Some([lo, hi]) = self.ci {
            return Some((lo, hi));
        }
        let (v, se) = (self.value?, self.se?);
        Some((v - Z95 * se, v + Z95 * se))
    }
}

#[allow(
    clippy::disallowed_methods,
    reason = "finished figures: a path's annualised return, with no portable powf"
)]
fn annual(p: &PathSummary, c: &Ctx) -> f64 {
    (p.final_value / c.start_value).powf(1.0 / c.years) - 1.0
}

fn indicator(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

/// Share among the paths where `when` holds of those that also have
/// `then`: the figure is 1 or 0 on those paths, undefined on the others.
fn share(p: &PathSummary, when: fn(&PathSummary) -> bool, then: fn(&PathSummary) -> bool) -> Option<f64> {
    when(p).then(|| indicator(then(p)))
}

/// A path's 12-month return (the engine's definition).
fn return_12m(p: &PathSummary, c: &Ctx) -> f64 {
    p.value_12m / c.start_value - 1.0
}

/// Every figure of the comparison, in report order.
#[allow(
    clippy::disallowed_methods,
    reason = "finished figures: a path's annualised real return, with no portable powf"
)]
pub fn metrics() -> Vec<Metric> {
    let mean = |key, unit, better, f: PerPath| Metric {
        key,
        unit,
        higher_is_better: better,
        probability: false,
        how: How::Mean(f),
    };
    let prob = |key, better, f: PerPath| Metric {
        key,
        unit: Unit::Share,
        higher_is_better: better,
        probability: true,
        how: How::Mean(f),
    };
    let stat = |key, unit, better, f: Defined, reduce| Metric {
        key,
        unit,
        higher_is_better: better,
        probability: false,
        how: How::Stat(f, reduce),
    };
    vec![
        mean("mean_annual_return", Unit::Rate, Some(true), |p, _, c| annual(p, c)),
        mean("mean_annual_real_return", Unit::Rate, Some(true), |p, _, c| {
            (p.final_value / c.start_value / p.final_log_price_index.exp()).powf(1.0 / c.years) - 1.0
        }),
        mean("cost_of_protection", Unit::Rate, Some(false), |p, hold, c| annual(hold, c) - annual(p, c)),
        prob("p_breach_12m", Some(false), |p, _, _| indicator(p.first_breach_month.is_some_and(|m| m < 12))),
        prob("p_breach_horizon", Some(false), |p, _, _| indicator(p.first_breach_month.is_some())),
        prob("p_month_end_under_policy_floor", Some(false), |p, _, _| {
            indicator(p.yardstick_breach_month.is_some())
        }),
        stat(
            "breach_depth_p50",
            Unit::Share,
            Some(false),
            |p, _| p.first_breach_month.map(|_| p.worst_breach),
            Reduce::Quantile(0.5),
        ),
        mean("trades_per_year", Unit::PerYear, Some(false), |p, _, c| {
            f64::from(p.downweights + p.upweights) / c.years
        }),
        mean("downweights_per_year", Unit::PerYear, None, |p, _, c| f64::from(p.downweights) / c.years),
        mean("upweights_per_year", Unit::PerYear, None, |p, _, c| f64::from(p.upweights) / c.years),
        mean("traded_per_year", Unit::Mkr, Some(false), |p, _, c| p.traded / c.years),
        mean("costs_per_year", Unit::Mkr, Some(false), |p, _, c| p.costs / c.years),
        prob("p_downweight", None, |p, _, _| indicator(p.downweighted)),
        prob("p_cash_lock", Some(false), |p, _, _| indicator(p.cash_lock)),
        stat(
            "p_rebuilt",
            Unit::Share,
            Some(true),
            |p, _| share(p, |p| p.downweighted, |p| p.months_to_rebuild.is_some()),
            Reduce::Mean,
        ),
        stat(
            "months_to_rebuild_p50",
            Unit::Months,
            Some(false),
            |p, _| p.months_to_rebuild.map(f64::from),
            Reduce::Quantile(0.5),
        ),
        prob("p_crash", Some(false), |p, _, _| indicator(p.crash_month.is_some())),
        stat(
            "p_recovered",
            Unit::Share,
            Some(true),
            |p, _| share(p, |p| p.crash_month.is_some(), |p| p.months_to_recover.is_some()),
            Reduce::Mean,
        ),
        stat(
            "months_to_recover_p50",
            Unit::Months,
            Some(false),
            // Paths that did not recover count as never: the median is
            // undefined when half of the crashed paths did not.
            |p, _| p.crash_month.map(|_| p.months_to_recover.map_or(f64::INFINITY, f64::from)),
            Reduce::Quantile(0.5),
        ),
        mean("p_rolling_5y_real_target", Unit::Share, Some(true), |p, _, _| {
            f64::from(p.rolling_hits) / f64::from(p.rolling_windows.max(1))
        }),
        stat("cvar95_12m_return", Unit::Share, Some(true), |p, c| Some(return_12m(p, c)), Reduce::TailMean),
        stat("var95_12m_return", Unit::Share, Some(true), |p, c| Some(return_12m(p, c)), Reduce::TailEdge),
        mean("max_drawdown_mean", Unit::Share, Some(false), |p, _, _| p.max_drawdown),
        stat(
            "max_drawdown_p95",
            Unit::Share,
            Some(false),
            |p, _| Some(p.max_drawdown),
            Reduce::Quantile(0.95),
        ),
        mean("min_margin_mean", Unit::Share, Some(true), |p, _, _| p.min_margin),
        mean("final_value_mean", Unit::Mkr, Some(true), |p, _, _| p.final_value),
        stat("final_value_p5", Unit::Mkr, Some(true), |p, _| Some(p.final_value), Reduce::Quantile(0.05)),
        stat("final_value_p50", Unit::Mkr, Some(true), |p, _| Some(p.final_value), Reduce::Quantile(0.50)),
        stat("final_value_p95", Unit::Mkr, Some(true), |p, _| Some(p.final_value), Reduce::Quantile(0.95)),
    ]
}

/// Every metric of every strategy: `figures[strategy][metric]`, in the
/// order of [`metrics`].
pub fn evaluate(c: &Comparison) -> Vec<Vec<Figure>> {
    let ctx = Ctx { start_value: c.start_value, years: c.simulation.horizon_months as f64 / 12.0 };
    let n = c.buy_and_hold.len();
    let list = metrics();
    // Each statistic's figures, sorted, strategy by strategy:
    // `sorted[strategy][metric]` (empty for a mean).
    let sorted: Vec<Vec<Vec<(f64, u32)>>> = c
        .paths
        .par_iter()
        .map(|paths| {
            list.iter()
                .map(|m| match m.how {
                    How::Stat(f, _) => {
                        let mut xs: Vec<(f64, u32)> =
                            paths.iter().zip(0..).filter_map(|(p, i)| Some((f(p, &ctx)?, i))).collect();
                        xs.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
                        xs
                    }
                    How::Mean(_) => Vec::new(),
                })
                .collect()
        })
        .collect();
    // Every resample draws `n` paths.
    let statistics = |counts: &[u32], strategy: usize| -> Vec<Option<f64>> {
        list.iter()
            .zip(&sorted[strategy])
            .map(|(m, xs)| match m.how {
                How::Stat(_, reduce) => reduce.of(Resampled::new(xs, counts, n)),
                How::Mean(_) => None,
            })
            .collect()
    };
    // Every statistic of every strategy on each resample, the same
    // resamples for all: `boot[resample][strategy][metric]`. A resample
    // is how often it drew each path.
    let boot: Vec<Vec<Vec<Option<f64>>>> = (0..RESAMPLES as u64)
        .into_par_iter()
        .map(|b| {
            let mut rng = path_rng(c.simulation.seed.wrapping_add(BOOTSTRAP_SALT), b);
            let mut counts = vec![0u32; n];
            for _ in 0..n {
                counts[rand::RngExt::random_range(&mut rng, 0..n as u32) as usize] += 1;
            }
            (0..c.paths.len()).map(|s| statistics(&counts, s)).collect()
        })
        .collect();
    let all = vec![1u32; n];
    let first = &c.paths[0];
    let first_stats = statistics(&all, 0);
    c.paths
        .par_iter()
        .enumerate()
        .map(|(strategy, paths)| {
            let stats = statistics(&all, strategy);
            list.iter()
                .enumerate()
                .map(|(j, m)| match m.how {
                    How::Mean(f) => {
                        let x = paths.iter().zip(&c.buy_and_hold).map(|(p, h)| f(p, h, &ctx));
                        let value = mean_se(x.clone().collect::<Vec<_>>().into_iter());
                        let d: Vec<f64> = paths
                            .iter()
                            .zip(first)
                            .zip(&c.buy_and_hold)
                            .map(|((p, q), h)| f(p, h, &ctx) - f(q, h, &ctx))
                            .collect();
                        let diff = mean_se(d.into_iter());
                        let sample = m.probability.then(|| {
                            let n = paths.len();
                            if c.simulation.variance_reduction {
                                Sample::Paired { p: value.value, se: value.se, n }
                            } else {
                                Sample::Plain { hits: (value.value * n as f64).round() as usize, n }
                            }
                        });
                        Figure {
                            value: Some(value.value),
                            se: Some(value.se),
                            diff: Some(diff.value),
                            diff_lo: Some(diff.value - Z95 * diff.se),
                            diff_hi: Some(diff.value + Z95 * diff.se),
                            ci: sample.map(probability_interval),
                            sample,
                        }
                    }
                    How::Stat(..) => {
                        let value = stats[j];
                        let diff = value.zip(first_stats[j]).map(|(a, b)| a - b);
                        let mut ds: Vec<f64> =
                            boot.iter().filter_map(|b| Some(b[strategy][j]? - b[0][j]?)).collect();
                        ds.sort_unstable_by(f64::total_cmp);
                        // An interval only when most resamples define the figure.
                        let ok = diff.is_some() && ds.len() * 10 >= RESAMPLES * 9;
                        Figure {
                            value,
                            se: None,
                            diff,
                            diff_lo: ok.then(|| quantile_sorted(&ds, 0.025)),
                            diff_hi: ok.then(|| quantile_sorted(&ds, 0.975)),
                            ci: None,
                            sample: None,
                        }
                    }
                })
                .collect()
        })
        .collect()
}

/// The order to list strategies in: by metric `key`, best first (highest
/// first unless less is better), ties and undefined figures by position
/// in the file; `None` when `key` is no metric.
pub fn ranking(figures: &[Vec<Figure>], key: &str) -> Option<Vec<usize>> {
    let list = metrics();
    let at = list.iter().position(|m| m.key == key)?;
    let lower_first = list[at].higher_is_better == Some(false);
    let mut order: Vec<usize> = (0..figures.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (figures[a][at].value, figures[b][at].value);
        let by_value = match (x, y) {
            (Some(x), Some(y)) if lower_first => x.total_cmp(&y),
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        };
        by_value.then(a.cmp(&b))
    });
    Some(order)
}
