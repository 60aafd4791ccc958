//! The figures a treasurer acts on, from the paths of a run. Every
//! probability and mean carries its standard error (`_se`):
//! `sqrt(p (1 - p) / n)` for a probability, `s / sqrt(n)` for a mean.

use serde::Serialize;

use super::interval::{Sample, mean_interval, probability_interval, quantile_interval};
use super::{Estimate, LEVELS, PathSummary, mean_se, quantile_sorted};

/// Quantiles p1 .. p99 of a per-path figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Distribution {
    pub p1: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
    pub p99: f64,
    pub mean: f64,
}

impl Distribution {
    /// Of `xs`, which is sorted in place.
    pub fn of(xs: &mut [f64]) -> Distribution {
        xs.sort_by(f64::total_cmp);
        let q = LEVELS.map(|p| quantile_sorted(xs, p));
        let mean = if xs.is_empty() { f64::NAN } else { xs.iter().sum::<f64>() / xs.len() as f64 };
        Distribution { p1: q[0], p5: q[1], p25: q[2], p50: q[3], p75: q[4], p95: q[5], p99: q[6], mean }
    }

    /// Of `xs`, which is sorted in place, with the 95 % interval of each
    /// quantile from the order statistics (`pairs`: the draws are
    /// antithetic pairs).
    pub fn with_intervals(xs: &mut [f64], pairs: bool) -> (Distribution, QuantileIntervals) {
        let d = Distribution::of(xs);
        let ci = LEVELS.map(|q| quantile_interval(xs, q, pairs));
        let intervals = QuantileIntervals {
            p1: ci[0],
            p5: ci[1],
            p25: ci[2],
            p50: ci[3],
            p75: ci[4],
            p95: ci[5],
            p99: ci[6],
        };
        (d, intervals)
    }
}

/// The 95 % interval `[lo, hi]` of each quantile of a [`Distribution`],
/// from the order statistics; `None` where the paths are too few for an
/// end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct QuantileIntervals {
    pub p1: Option<[f64; 2]>,
    pub p5: Option<[f64; 2]>,
    pub p25: Option<[f64; 2]>,
    pub p50: Option<[f64; 2]>,
    pub p75: Option<[f64; 2]>,
    pub p95: Option<[f64; 2]>,
    pub p99: Option<[f64; 2]>,
}

/// The portfolio's statistics, as `summary.json` carries them under
/// `portfolio` (schema in `docs/summary-json.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PortfolioStats {
    pub start_value: f64,
    /// Probability of at least one day under the floor within 12 months.
    pub p_breach_12m: f64,
    pub p_breach_12m_se: f64,
    /// Its 95 % interval (Clopper–Pearson, `stats::interval`), as every
    /// probability's `_ci`.
    pub p_breach_12m_ci: [f64; 2],
    /// Within the whole horizon.
    pub p_breach_horizon: f64,
    pub p_breach_horizon_se: f64,
    pub p_breach_horizon_ci: [f64; 2],
    /// Deepest breach `(F - V) / F` of the paths that breached.
    pub breach_depth: Option<Distribution>,
    pub downweights_per_year: f64,
    pub downweights_per_year_se: f64,
    pub upweights_per_year: f64,
    pub upweights_per_year_se: f64,
    /// Equity traded a year, mkr, both directions.
    pub traded_per_year: f64,
    pub traded_per_year_se: f64,
    pub costs_per_year: f64,
    pub costs_per_year_se: f64,
    /// Largest fall from a running high of the daily value, per path.
    pub max_drawdown: Distribution,
    pub max_drawdown_ci: QuantileIntervals,
    /// Mean over paths of `(V_T / V_0)^(12 / months) - 1`.
    pub mean_annual_return: f64,
    pub mean_annual_return_se: f64,
    /// The same, deflated by the path's price index (constant or
    /// stochastic inflation, as the market says).
    pub mean_annual_real_return: f64,
    pub mean_annual_real_return_se: f64,
    /// Share of rolling five-year windows (over paths and their month-ends)
    /// with a real return of at least 3.5 % a year; the standard error
    /// treats each path's share of windows as one observation.
    pub p_rolling_5y_real_target: Option<f64>,
    pub p_rolling_5y_real_target_se: Option<f64>,
    /// `± 1.96 se`: a share of windows, not of independent paths.
    pub p_rolling_5y_real_target_ci: Option<[f64; 2]>,
    /// Mean of the worst 5 % of 12-month returns.
    pub cvar95_12m_return: f64,
    pub cvar95_12m_return_se: f64,
    /// The 5 % quantile of the 12-month return.
    pub var95_12m_return: f64,
    /// Probability of an equity share under 10 % for 12 month-ends in a row
    /// after a down-weighting.
    pub p_cash_lock: f64,
    pub p_cash_lock_se: f64,
    pub p_cash_lock_ci: [f64; 2],
    /// Probability of at least one down-weighting.
    pub p_downweight: f64,
    pub p_downweight_se: f64,
    pub p_downweight_ci: [f64; 2],
    /// Of the paths that down-weighted: the share that rebuilt the equity
    /// share within the horizon, and the months it took those that did.
    pub p_rebuilt: Option<f64>,
    /// Its 95 % interval among the paths that down-weighted.
    pub p_rebuilt_ci: Option<[f64; 2]>,
    pub months_to_rebuild: Option<Distribution>,
    /// Final value quantiles, mkr.
    pub final_value: Distribution,
    pub final_value_ci: QuantileIntervals,
    /// The paths the figures rest on.
    #[serde(skip)]
    pub paths: usize,
    /// Whether they are antithetic pairs (`summarize_reduced`).
    #[serde(skip)]
    pub paired: bool,
}

impl PortfolioStats {
    /// What a probability of these paths, `p` with standard error `se`,
    /// was estimated from.
    pub fn sample(&self, p: f64, se: f64) -> Sample {
        PortfolioStats::sample_of(self.paths, self.paired, p, se)
    }

    fn sample_of(paths: usize, paired: bool, p: f64, se: f64) -> Sample {
        if paired {
            Sample::Paired { p, se, n: paths }
        } else {
            Sample::Plain { hits: (p * paths as f64).round() as usize, n: paths }
        }
    }

    /// Sets every probability's `_ci` from its value and standard error.
    pub(super) fn set_intervals(&mut self) {
        let (paths, paired) = (self.paths, self.paired);
        let ci = |p: f64, se: f64| probability_interval(PortfolioStats::sample_of(paths, paired, p, se));
        self.p_breach_12m_ci = ci(self.p_breach_12m, self.p_breach_12m_se);
        self.p_breach_horizon_ci = ci(self.p_breach_horizon, self.p_breach_horizon_se);
        self.p_cash_lock_ci = ci(self.p_cash_lock, self.p_cash_lock_se);
        self.p_downweight_ci = ci(self.p_downweight, self.p_downweight_se);
        self.p_rolling_5y_real_target_ci = self
            .p_rolling_5y_real_target
            .zip(self.p_rolling_5y_real_target_se)
            .map(|(p, se)| mean_interval(p, se));
    }
}

/// The share `hits / n` with its binomial standard error.
pub fn probability(hits: usize, n: usize) -> Estimate {
    let p = hits as f64 / n as f64;
    Estimate { value: p, se: (p * (1.0 - p) / n as f64).sqrt() }
}

/// CVaR at level `alpha` (mean of the worst `alpha` share) of `xs`, with
/// its asymptotic standard error
/// `sqrt((Var(tail) + (1 - alpha) (VaR - CVaR)^2) / (n alpha))`.
fn cvar(xs: &mut [f64], alpha: f64) -> (Estimate, f64) {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    let k = ((n as f64 * alpha).ceil() as usize).clamp(1, n);
    let tail = &xs[..k];
    let var_level = xs[k - 1];
    let mean = tail.iter().sum::<f64>() / k as f64;
    let var_tail = tail.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (k.max(2) - 1) as f64;
    let se = ((var_tail + (1.0 - alpha) * (var_level - mean).powi(2)) / (n as f64 * alpha)).sqrt();
    (Estimate { value: mean, se }, var_level)
}

/// A path's annualised return over `years`: `(V_T / V_0)^(1 / years) - 1`.
#[allow(
    clippy::disallowed_methods,
    reason = "finished figures: a path's annualised return, with no portable powf; a last-bit difference stays far below the printed digits"
)]
pub(super) fn annual_return(p: &PathSummary, start_value: f64, years: f64) -> f64 {
    (p.final_value / start_value).powf(1.0 / years) - 1.0
}

/// The same deflated by the path's price index.
#[allow(
    clippy::disallowed_methods,
    reason = "finished figures: a path's annualised real return, with no portable powf; a last-bit difference stays far below the printed digits"
)]
pub(super) fn annual_real_return(p: &PathSummary, start_value: f64, years: f64) -> f64 {
    (p.final_value / start_value / p.final_log_price_index.exp()).powf(1.0 / years) - 1.0
}

/// The statistics of a run's `paths` (an `Outcome`'s, or one strategy's
/// of a comparison) over `months` months from `start_value`; real returns
/// divide by each path's own price index.
pub fn summarize(paths: &[PathSummary], start_value: f64, months: usize) -> PortfolioStats {
    summarize_with(paths, start_value, months, false)
}

/// [`summarize`], `paired` when the paths are antithetic pairs (for the
/// quantiles' intervals; the probabilities' follow their standard errors).
pub(super) fn summarize_with(
    paths: &[PathSummary],
    start_value: f64,
    months: usize,
    paired: bool,
) -> PortfolioStats {
    let n = paths.len();
    let years = months as f64 / 12.0;
    let count = |f: &dyn Fn(&PathSummary) -> bool| paths.iter().filter(|p| f(p)).count();

    let breach_12 = probability(count(&|p| p.first_breach_month.is_some_and(|m| m < 12)), n);
    let breach_all = probability(count(&|p| p.first_breach_month.is_some()), n);
    let mut depths: Vec<f64> =
        paths.iter().filter(|p| p.first_breach_month.is_some()).map(|p| p.worst_breach).collect();
    let per_year = |f: fn(&PathSummary) -> f64| mean_se(paths.iter().map(move |p| f(p) / years));
    let down = per_year(|p| f64::from(p.downweights));
    let up = per_year(|p| f64::from(p.upweights));
    let traded = per_year(|p| p.traded);
    let costs = per_year(|p| p.costs);
    let nominal = mean_se(paths.iter().map(|p| annual_return(p, start_value, years)));
    let real = mean_se(paths.iter().map(|p| annual_real_return(p, start_value, years)));
    let rolling = paths.iter().any(|p| p.rolling_windows > 0).then(|| {
        let hits: u64 = paths.iter().map(|p| u64::from(p.rolling_hits)).sum();
        let windows: u64 = paths.iter().map(|p| u64::from(p.rolling_windows)).sum();
        let per_path =
            mean_se(paths.iter().map(|p| f64::from(p.rolling_hits) / f64::from(p.rolling_windows.max(1))));
        (hits as f64 / windows as f64, per_path.se)
    });
    let mut returns_12m: Vec<f64> = paths.iter().map(|p| p.value_12m / start_value - 1.0).collect();
    let (cvar95, var95) = cvar(&mut returns_12m, 0.05);
    let lock = probability(count(&|p| p.cash_lock), n);
    let downweighted = count(&|p| p.downweighted);
    let p_down = probability(downweighted, n);
    let mut rebuild: Vec<f64> = paths.iter().filter_map(|p| p.months_to_rebuild.map(f64::from)).collect();
    let p_rebuilt = (downweighted > 0).then(|| rebuild.len() as f64 / downweighted as f64);
    let p_rebuilt_ci = (downweighted > 0)
        .then(|| probability_interval(Sample::Plain { hits: rebuild.len(), n: downweighted }));
    let (max_drawdown, max_drawdown_ci) =
        Distribution::with_intervals(&mut paths.iter().map(|p| p.max_drawdown).collect::<Vec<_>>(), paired);
    let (final_value, final_value_ci) =
        Distribution::with_intervals(&mut paths.iter().map(|p| p.final_value).collect::<Vec<_>>(), paired);

    let mut stats = PortfolioStats {
        start_value,
        p_breach_12m: breach_12.value,
        p_breach_12m_se: breach_12.se,
        p_breach_12m_ci: [0.0, 1.0],
        p_breach_horizon: breach_all.value,
        p_breach_horizon_se: breach_all.se,
        p_breach_horizon_ci: [0.0, 1.0],
        breach_depth: (!depths.is_empty()).then(|| Distribution::of(&mut depths)),
        downweights_per_year: down.value,
        downweights_per_year_se: down.se,
        upweights_per_year: up.value,
        upweights_per_year_se: up.se,
        traded_per_year: traded.value,
        traded_per_year_se: traded.se,
        costs_per_year: costs.value,
        costs_per_year_se: costs.se,
        max_drawdown,
        max_drawdown_ci,
        mean_annual_return: nominal.value,
        mean_annual_return_se: nominal.se,
        mean_annual_real_return: real.value,
        mean_annual_real_return_se: real.se,
        p_rolling_5y_real_target: rolling.map(|r| r.0),
        p_rolling_5y_real_target_se: rolling.map(|r| r.1),
        p_rolling_5y_real_target_ci: None,
        cvar95_12m_return: cvar95.value,
        cvar95_12m_return_se: cvar95.se,
        var95_12m_return: var95,
        p_cash_lock: lock.value,
        p_cash_lock_se: lock.se,
        p_cash_lock_ci: [0.0, 1.0],
        p_downweight: p_down.value,
        p_downweight_se: p_down.se,
        p_downweight_ci: [0.0, 1.0],
        p_rebuilt,
        p_rebuilt_ci,
        months_to_rebuild: (!rebuild.is_empty()).then(|| Distribution::of(&mut rebuild)),
        final_value,
        final_value_ci,
        paths: n,
        paired,
    };
    stats.set_intervals();
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cvar_of_a_uniform_grid_is_the_mean_of_its_lowest_share() {
        let mut xs: Vec<f64> = (0..1000).map(f64::from).collect();
        let (e, var) = cvar(&mut xs, 0.05);
        assert_eq!(e.value, 24.5); // mean of 0..=49
        assert_eq!(var, 49.0);
        assert!(e.se > 0.0);
    }

    #[test]
    fn probability_se_is_binomial() {
        let e = probability(25, 100);
        assert_eq!(e.value, 0.25);
        assert!((e.se - (0.25f64 * 0.75 / 100.0).sqrt()).abs() < 1e-15);
    }
}
