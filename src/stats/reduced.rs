//! Estimators of a variance-reduced run (docs/variance-reduction.md),
//! each with an honest standard error.
//!
//! The paths come in antithetic pairs `2k, 2k + 1`: the two of a pair are
//! not independent, the pairs are, so a mean's standard error is that of
//! the pairs' averages. A mean with a control variate `X` of known mean
//! `mu` is `mean(Y) - beta (mean(X) - mu)`, `beta` the least-squares slope
//! of the pairs' `Y` on their `X`, and its standard error that of the
//! pairs' residuals `Y - beta X`. A probability under the importance-
//! sampling tilt is the mean of indicator times weight `dP/dQ` over the
//! tilted paths, with the standard error of that mean.

#![allow(
    clippy::disallowed_methods,
    reason = "finished figures: a weight's exponential and a standard error's root, not a path's step"
)]

use super::summary::summarize_with;
use super::summary::{annual_real_return, annual_return};
use super::{Estimate, PathSummary, PortfolioStats, Reduced, RootTail, quantile_sorted};

/// The averages of consecutive pairs of `xs` (a last odd one alone).
fn pairs(xs: &[f64]) -> Vec<f64> {
    xs.chunks(2).map(|c| c.iter().sum::<f64>() / c.len() as f64).collect()
}

fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 { xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    (mean, var)
}

/// The mean of `xs` (antithetic pairs in order), its standard error from
/// the pairs' averages.
pub fn paired_mean(xs: &[f64]) -> Estimate {
    if xs.is_empty() {
        return Estimate { value: f64::NAN, se: f64::NAN };
    }
    let p = pairs(xs);
    let (_, var) = mean_var(&p);
    Estimate { value: xs.iter().sum::<f64>() / xs.len() as f64, se: (var / p.len() as f64).sqrt() }
}

/// The mean of `ys` with control variate `xs` of known mean `mu` (both
/// antithetic pairs in order): `beta` and the standard error from the
/// pairs' averages.
pub fn controlled_mean(ys: &[f64], xs: &[f64], mu: f64) -> Estimate {
    assert_eq!(ys.len(), xs.len(), "one control a path");
    let (py, px) = (pairs(ys), pairs(xs));
    if py.len() < 3 {
        return paired_mean(ys);
    }
    let (my, _) = mean_var(&py);
    let (mx, vx) = mean_var(&px);
    let cov = py.iter().zip(&px).map(|(y, x)| (y - my) * (x - mx)).sum::<f64>() / (py.len() - 1) as f64;
    let beta = if vx > 0.0 { cov / vx } else { 0.0 };
    let residuals: Vec<f64> = py.iter().zip(&px).map(|(y, x)| y - beta * x).collect();
    let (_, vr) = mean_var(&residuals);
    let n = ys.len() as f64;
    let (ay, ax) = (ys.iter().sum::<f64>() / n, xs.iter().sum::<f64>() / n);
    Estimate { value: ay - beta * (ax - mu), se: (vr / py.len() as f64).sqrt() }
}

/// `P(hit)` from paths drawn under a tilt: the mean of `1{hit} dP/dQ`
/// over `(hit, ln dP/dQ)`, with its standard error.
pub fn weighted_probability(paths: impl ExactSizeIterator<Item = (bool, f64)>) -> Estimate {
    let xs: Vec<f64> = paths.map(|(hit, lw)| if hit { lw.exp() } else { 0.0 }).collect();
    if xs.is_empty() {
        return Estimate { value: f64::NAN, se: f64::NAN };
    }
    let (mean, var) = mean_var(&xs);
    Estimate { value: mean, se: (var / xs.len() as f64).sqrt() }
}

/// The mean of independent figures `xs` (multilevel splitting's roots'
/// weighted sums) with its standard error.
pub fn root_mean(xs: impl Iterator<Item = f64>) -> Estimate {
    let xs: Vec<f64> = xs.collect();
    if xs.is_empty() {
        return Estimate { value: f64::NAN, se: f64::NAN };
    }
    let (mean, var) = mean_var(&xs);
    Estimate { value: mean, se: (var / xs.len() as f64).sqrt() }
}

/// The median of `xs` (in path order) and its standard error by
/// sectioning: the paths cut into `sections` runs of whole pairs, the
/// standard error that of the mean of the runs' medians. The same for a
/// plain run (pairs are then just two paths), so the two compare.
pub fn sectioned_median(xs: &[f64], sections: usize) -> Estimate {
    let mut all = xs.to_vec();
    all.sort_by(f64::total_cmp);
    let value = quantile_sorted(&all, 0.5);
    let per = (xs.len() / sections / 2 * 2).max(2);
    let medians: Vec<f64> = xs
        .chunks(per)
        .filter(|c| c.len() == per)
        .map(|c| {
            let mut c = c.to_vec();
            c.sort_by(f64::total_cmp);
            quantile_sorted(&c, 0.5)
        })
        .collect();
    let (_, var) = mean_var(&medians);
    Estimate { value, se: (var / medians.len() as f64).sqrt() }
}

/// [`summarize`](super::summarize) of a variance-reduced run: the same figures, the means
/// with the pairs' standard errors, the mean returns with the control
/// variate (when the model gives its mean), and the probabilities of a
/// breach within 12 months and the horizon and of a cash lock from the
/// tilted paths when there are any (else from the pairs).
pub fn summarize_reduced(
    paths: &[PathSummary],
    reduced: &Reduced,
    start_value: f64,
    months: usize,
) -> PortfolioStats {
    let mut s = summarize_with(paths, start_value, months, true);
    let years = months as f64 / 12.0;
    let of = |f: &dyn Fn(&PathSummary) -> f64| paths.iter().map(f).collect::<Vec<f64>>();
    let mean = |ys: &[f64]| match reduced.control_mean {
        Some(mu) => controlled_mean(ys, &reduced.controls, mu),
        None => paired_mean(ys),
    };
    let nominal = mean(&of(&|p| annual_return(p, start_value, years)));
    let real = mean(&of(&|p| annual_real_return(p, start_value, years)));
    (s.mean_annual_return, s.mean_annual_return_se) = (nominal.value, nominal.se);
    (s.mean_annual_real_return, s.mean_annual_real_return_se) = (real.value, real.se);
    let per_year = |f: &dyn Fn(&PathSummary) -> f64| paired_mean(&of(&|p| f(p) / years)).se;
    s.downweights_per_year_se = per_year(&|p| f64::from(p.downweights));
    s.upweights_per_year_se = per_year(&|p| f64::from(p.upweights));
    s.traded_per_year_se = per_year(&|p| p.traded);
    s.costs_per_year_se = per_year(&|p| p.costs);
    s.p_downweight_se = paired_mean(&of(&|p| f64::from(u8::from(p.downweighted)))).se;
    let pairs_of = |hit: &dyn Fn(&PathSummary) -> bool| paired_mean(&of(&|p| f64::from(u8::from(hit(p))))).se;
    s.p_breach_12m_se = pairs_of(&|p| p.first_breach_month.is_some_and(|m| m < 12));
    s.p_breach_horizon_se = pairs_of(&|p| p.first_breach_month.is_some());
    s.p_cash_lock_se = pairs_of(&|p| p.cash_lock);
    if !reduced.split.is_empty() {
        let split = |of: fn(&RootTail) -> f64| root_mean(reduced.split.iter().map(of));
        let b12 = split(|t| t.breach_12m);
        let all = split(|t| t.breach_horizon);
        let lock = split(|t| t.cash_lock);
        (s.p_breach_12m, s.p_breach_12m_se) = (b12.value, b12.se);
        (s.p_breach_horizon, s.p_breach_horizon_se) = (all.value, all.se);
        (s.p_cash_lock, s.p_cash_lock_se) = (lock.value, lock.se);
    } else if !reduced.tail.is_empty() {
        let tail = |hit: &dyn Fn(&PathSummary) -> bool| {
            weighted_probability(reduced.tail.iter().map(|(p, lw)| (hit(p), *lw)))
        };
        let b12 = tail(&|p| p.first_breach_month.is_some_and(|m| m < 12));
        let all = tail(&|p| p.first_breach_month.is_some());
        let lock = tail(&|p| p.cash_lock);
        (s.p_breach_12m, s.p_breach_12m_se) = (b12.value, b12.se);
        (s.p_breach_horizon, s.p_breach_horizon_se) = (all.value, all.se);
        (s.p_cash_lock, s.p_cash_lock_se) = (lock.value, lock.se);
    }
    s.set_intervals();
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_perfect_antithetic_pair_has_no_error() {
        let xs = [1.0, 3.0, 0.0, 4.0, 2.5, 1.5];
        let e = paired_mean(&xs);
        assert_eq!(e.value, 2.0);
        assert_eq!(e.se, 0.0);
        // Paths that are not pairs at all: the pairs' spread shows.
        assert!(paired_mean(&[1.0, 1.0, 5.0, 5.0]).se > 1.0);
    }

    #[test]
    fn a_control_that_is_the_figure_itself_leaves_its_known_mean() {
        let xs = [0.3, 1.7, 2.2, 0.1, 4.0, 3.3, 0.9, 1.1];
        let ys: Vec<f64> = xs.iter().map(|x| 2.0 * x + 1.0).collect();
        let e = controlled_mean(&ys, &xs, 2.0);
        assert!((e.value - 5.0).abs() < 1e-12, "{}", e.value);
        assert!(e.se < 1e-12);
        // Against the wrong mean, the estimate moves by beta times the error.
        let off = controlled_mean(&ys, &xs, 2.5);
        assert!((off.value - 6.0).abs() < 1e-12, "{}", off.value);
    }

    #[test]
    fn weights_recover_a_probability() {
        // Hits drawn with probability 1/2 each worth weight 0.1: P = 0.05.
        let paths = (0..1000).map(|i| (i % 2 == 0, 0.1f64.ln()));
        let e = weighted_probability(paths);
        assert!((e.value - 0.05).abs() < 1e-12);
        assert!((e.se - (0.0025f64 / 999.0 * 1000.0 / 1000.0).sqrt()).abs() < 1e-4);
    }

    #[test]
    fn a_root_mean_is_the_mean_with_the_roots_spread() {
        // Roots' weighted sums of a split at two levels of 4 copies: a
        // root worth 3/16 and three worth nothing.
        let e = root_mean([3.0 / 16.0, 0.0, 0.0, 0.0].into_iter());
        assert!((e.value - 3.0 / 64.0).abs() < 1e-15);
        let var = (3.0f64 / 16.0).powi(2) * 3.0 / 4.0 / 3.0;
        assert!((e.se - (var / 4.0).sqrt()).abs() < 1e-15, "{}", e.se);
        assert!(root_mean(std::iter::empty()).value.is_nan());
    }

    #[test]
    fn a_sectioned_median_is_the_median_with_a_spread() {
        let xs: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64).collect();
        let e = sectioned_median(&xs, 10);
        assert_eq!(e.value, 499.5);
        assert!(e.se > 0.0 && e.se < 50.0);
    }
}
