//! The 95 % intervals printed beside every simulated figure, in one place.
//!
//! - A probability (a share of paths) gets the Clopper–Pearson interval,
//!   two-sided 95 %: the exact binomial interval, from the inverse CDF of
//!   `statrs`' Beta distribution. It is right for small counts where
//!   `p ± 1.96 se` is not (0 hits in 2,000 paths has `se = 0`, yet the
//!   probability may be up to 0.18 %), and it never covers less than 95 %
//!   (it is conservative), which suits a figure a board acts on. Wilson's
//!   interval is shorter but covers less than 95 % for some `p` at small
//!   counts. At 0 hits the lower end is 0 and the upper end,
//!   `1 - 0.025^(1/n)`, is what is printed as `< x`: the same two-sided
//!   interval's upper end (a one-sided 97.5 % bound).
//! - Under variance reduction the paths come in antithetic pairs, not
//!   independently; the interval then uses the effective sample size
//!   `n_eff = p (1 - p) / se²`, `se` the pairs' standard error, with
//!   `p n_eff` hits (both need not be whole). It is never less than the
//!   pairs' count `n / 2` (independent pairs carry at least that much),
//!   and it is the pairs' count when `p` is 0 or 1 or `se` is 0, where no
//!   spread tells the pairs' correlation.
//! - A quantile gets a distribution-free interval from the order
//!   statistics: `[x_(j), x_(k)]` with ranks from Binomial(n, q), the
//!   number of paths below the true quantile; under antithetic pairs the
//!   ranks come from twice a Binomial(n / 2, q), whose spread bounds the
//!   pairs' count from above.
//! - A mean's interval is `mean ± 1.96 se`.

#![allow(
    clippy::disallowed_methods,
    reason = "finished figures: an interval's bound and the paths that would halve it, not a path's step"
)]

use statrs::distribution::{Beta, Binomial, ContinuousCDF, DiscreteCDF};

/// The confidence of every interval printed, two-sided.
pub const CONFIDENCE: f64 = 0.95;
/// The normal quantile of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;
/// Fewer hits (or misses) than this, and a probability is printed with
/// its interval beside it: below it the interval is visibly asymmetric
/// and `p ± 1.96 se` misleads.
pub const SMALL_COUNT: f64 = 100.0;

/// What a probability was estimated from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sample {
    /// `hits` of `n` independent paths.
    Plain { hits: usize, n: usize },
    /// `n` paths in antithetic pairs: the estimate `p` and its standard
    /// error `se` from the pairs.
    Paired { p: f64, se: f64, n: usize },
}

impl Sample {
    /// The (effective) number of paths and hits the interval rests on.
    pub fn effective(self) -> (f64, f64) {
        match self {
            Sample::Plain { hits, n } => (n as f64, hits as f64),
            Sample::Paired { p, se, n } => {
                let pairs = (n / 2).max(1) as f64;
                let n_eff = if p > 0.0 && p < 1.0 && se > 0.0 {
                    (p * (1.0 - p) / (se * se)).max(pairs)
                } else {
                    pairs
                };
                (n_eff, p * n_eff)
            }
        }
    }
}

/// The two-sided Clopper–Pearson interval at `confidence` for `hits` of
/// `n` (both may be fractional, an effective count); `[0, 1]` when `n`
/// is 0.
pub fn clopper_pearson(hits: f64, n: f64, confidence: f64) -> [f64; 2] {
    if n <= 0.0 || hits.is_nan() {
        return [0.0, 1.0];
    }
    let alpha = 1.0 - confidence;
    let hits = hits.clamp(0.0, n);
    let lo = if hits <= 0.0 {
        0.0
    } else {
        Beta::new(hits, n - hits + 1.0).map_or(0.0, |b| b.inverse_cdf(alpha / 2.0))
    };
    let hi = if hits >= n {
        1.0
    } else {
        Beta::new(hits + 1.0, n - hits).map_or(1.0, |b| b.inverse_cdf(1.0 - alpha / 2.0))
    };
    [lo, hi]
}

/// The 95 % interval of a probability estimated from `sample`.
pub fn probability_interval(sample: Sample) -> [f64; 2] {
    let (n, hits) = sample.effective();
    clopper_pearson(hits, n, CONFIDENCE)
}

/// The 95 % interval of a mean with standard error `se`.
pub fn mean_interval(mean: f64, se: f64) -> [f64; 2] {
    [mean - Z95 * se, mean + Z95 * se]
}

/// The 1-based ranks `(j, k)` of the order statistics that bracket the
/// `q` quantile of `n` independent draws with at least `confidence`:
/// `j` the largest with `P(B <= j - 1) <= alpha / 2`, `k` the smallest
/// with `P(B <= k - 1) >= 1 - alpha / 2`, `B ~ Binomial(n, q)`. `None`
/// for an end that lies beyond the sample (too few draws).
pub fn quantile_ranks(n: usize, q: f64, confidence: f64) -> (Option<usize>, Option<usize>) {
    let Ok(b) = Binomial::new(q, n as u64) else { return (None, None) };
    let alpha = 1.0 - confidence;
    // The smallest `x` with `F(x) >= target`, by bisection (`F` rises).
    let first_at_least = |target: f64| {
        if b.cdf(n as u64) < target {
            return None;
        }
        let (mut lo, mut hi) = (0u64, n as u64);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if b.cdf(mid) >= target { hi = mid } else { lo = mid + 1 }
        }
        Some(lo)
    };
    let lo = match first_at_least(alpha / 2.0) {
        // `F(x) >= alpha / 2` first at `x`: `j - 1` is `x` when equal, else `x - 1`.
        Some(x) if b.cdf(x) <= alpha / 2.0 => Some(x as usize + 1),
        Some(x) => (x >= 1).then_some(x as usize),
        None => None,
    };
    let hi = first_at_least(1.0 - alpha / 2.0).map(|x| x as usize + 1).filter(|&k| k <= n);
    (lo, hi)
}

/// The 95 % interval of the `q` quantile of the sorted `xs`, from the
/// order statistics; `pairs` when the draws are antithetic pairs. `None`
/// when the sample is too small for an end.
pub fn quantile_interval(xs: &[f64], q: f64, pairs: bool) -> Option<[f64; 2]> {
    let (j, k) = if pairs {
        let (j, k) = quantile_ranks(xs.len() / 2, q, CONFIDENCE);
        // `j <= B' <= k - 1` for the pairs' count `B'` gives
        // `2 j <= B <= 2 k - 2` for the paths' count `B`.
        (j.map(|j| 2 * j), k.map(|k| 2 * k - 1))
    } else {
        quantile_ranks(xs.len(), q, CONFIDENCE)
    };
    let (j, k) = (j?, k?);
    Some([xs[j - 1], xs[k - 1]])
}

/// The paths in all that would halve an interval now resting on `n`
/// paths: `4 n` for an interval that shrinks as `1 / sqrt(n)`.
pub fn paths_to_halve(n: usize) -> usize {
    4 * n
}

/// The paths in all that would halve the upper bound `1 - 0.025^(1/n)`
/// of a probability with no hits in `n` paths: the least `m` with
/// `1 - 0.025^(1/m)` at most half of it, about `2 n`.
pub fn paths_to_halve_bound(n: usize) -> usize {
    let alpha = (1.0 - CONFIDENCE) / 2.0;
    let bound = clopper_pearson(0.0, n as f64, CONFIDENCE)[1];
    (alpha.ln() / (1.0 - bound / 2.0).ln()).ceil() as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} against {b}");
    }

    #[test]
    fn no_hits_in_2000_paths_is_under_0_184_percent_two_sided() {
        let [lo, hi] = clopper_pearson(0.0, 2000.0, 0.95);
        assert_eq!(lo, 0.0);
        // 1 - 0.025^(1/2000), by hand: 0.0018427.
        close(hi, 1.0 - 0.025f64.powf(1.0 / 2000.0), 1e-9);
        close(hi, 0.001_842_7, 1e-7);
        // The one-sided 95 % bound is the two-sided 90 % interval's upper
        // end: 1 - 0.05^(1/2000) = 0.1497 %.
        close(clopper_pearson(0.0, 2000.0, 0.90)[1], 0.001_496_7, 1e-7);
    }

    #[test]
    fn clopper_pearson_matches_published_values() {
        // 5 of 100 (Clopper and Pearson's exact interval as R's
        // binom.test gives it): 0.01643 to 0.11284.
        let [lo, hi] = clopper_pearson(5.0, 100.0, 0.95);
        close(lo, 0.016_431, 1e-5);
        close(hi, 0.112_836, 1e-5);
        // All hits mirror no hits.
        let [lo, hi] = clopper_pearson(2000.0, 2000.0, 0.95);
        close(lo, 1.0 - 0.001_842_7, 1e-7);
        assert_eq!(hi, 1.0);
        // 1 of 10: 0.00253 to 0.44502.
        let [lo, hi] = clopper_pearson(1.0, 10.0, 0.95);
        close(lo, 0.002_529, 1e-5);
        close(hi, 0.445_016, 1e-5);
    }

    #[test]
    fn independent_pairs_count_as_their_paths() {
        // A paired estimate with the binomial standard error of n paths
        // has n paths' interval.
        let (p, n) = (0.05, 2000);
        let se = (p * (1.0 - p) / n as f64).sqrt();
        let (n_eff, hits) = Sample::Paired { p, se, n }.effective();
        close(n_eff, 2000.0, 1e-9);
        close(hits, 100.0, 1e-9);
        // No hits: the pairs' count, 1,000, so the bound is wider.
        let (n_eff, _) = Sample::Paired { p: 0.0, se: 0.0, n }.effective();
        assert_eq!(n_eff, 1000.0);
        // A standard error larger than any pairs allow: still the pairs.
        let (n_eff, _) = Sample::Paired { p, se: 1.0, n }.effective();
        assert_eq!(n_eff, 1000.0);
    }

    #[test]
    fn the_median_of_ten_lies_between_the_second_and_ninth() {
        // Binomial(10, 1/2): F(1) = 11/1024 <= 0.025 < F(2) = 56/1024, and
        // F(7) = 968/1024 < 0.975 <= F(8) = 1013/1024: ranks 2 and 9,
        // coverage (1013 - 11) / 1024 = 97.9 %, the published table's.
        assert_eq!(quantile_ranks(10, 0.5, 0.95), (Some(2), Some(9)));
        let xs: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(quantile_interval(&xs, 0.5, false), Some([2.0, 9.0]));
        // The 5 % quantile of 10 draws has no lower end.
        assert_eq!(quantile_interval(&xs, 0.05, false), None);
        // Five draws are too few for either end of the median's interval:
        // F(0) = 1/32 > 0.025 and F(4) = 31/32 < 0.975.
        assert_eq!(quantile_ranks(5, 0.5, 0.95), (None, None));
        // Ten paths as five pairs: no interval; twenty as ten pairs:
        // pair ranks 2 and 9, path ranks 4 and 17.
        assert_eq!(quantile_interval(&xs, 0.5, true), None);
        let ys: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(quantile_interval(&ys, 0.5, true), Some([4.0, 17.0]));
    }

    #[test]
    fn quantile_ranks_cover_at_least_the_confidence() {
        for (n, q) in [(2000, 0.05), (2000, 0.5), (2000, 0.95), (500, 0.01), (137, 0.25)] {
            let (j, k) = quantile_ranks(n, q, 0.95);
            let (j, k) = (j.unwrap(), k.unwrap());
            let b = Binomial::new(q, n as u64).unwrap();
            let cover = b.cdf(k as u64 - 1) - b.cdf(j as u64 - 1);
            assert!(cover >= 0.95, "{n} {q}: {cover}");
            // And the ranks are the tightest: one step in loses it.
            assert!(b.cdf(j as u64) > 0.025 && b.cdf(k as u64 - 2) < 0.975, "{n} {q}");
        }
    }

    #[test]
    fn halving_takes_four_times_the_paths_or_twice_for_a_bound() {
        assert_eq!(paths_to_halve(2000), 8000);
        let m = paths_to_halve_bound(2000);
        assert!((3990..=4010).contains(&m), "{m}");
        let half = clopper_pearson(0.0, 2000.0, 0.95)[1] / 2.0;
        assert!(clopper_pearson(0.0, m as f64, 0.95)[1] <= half);
        assert!(clopper_pearson(0.0, (m - 1) as f64, 0.95)[1] > half);
    }
}
