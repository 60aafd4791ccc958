//! Statistics over paths, each estimate with its Monte Carlo standard error.
//!
//! Two kinds of accumulation, both independent of thread count:
//!
//! - month-end distributions go into fixed-bin histograms of integer
//!   counts ([`MonthHistograms`]); integer addition gives the same counts
//!   in any merge order, and memory does not grow with the number of paths;
//! - per-path scalars ([`PathSummary`]) are kept in path
//!   order and reduced serially, so floating-point sums are the same on
//!   1 or 64 threads.

use serde::Serialize;

pub mod interval;
mod outcome;
mod reduced;
mod summary;

pub use outcome::{Outcome, PathSummary, Reduced, RootTail};
pub use reduced::{
    controlled_mean, paired_mean, root_mean, sectioned_median, summarize_reduced, weighted_probability,
};
pub use summary::{Distribution, PortfolioStats, QuantileIntervals, probability, summarize};

/// The month-end series a run keeps distributions of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Series {
    Value = 0,
    EquityShare = 1,
    Margin = 2,
    Floor = 3,
}

pub const SERIES: [Series; 4] = [Series::Value, Series::EquityShare, Series::Margin, Series::Floor];

/// The quantile levels reported for every month.
pub const LEVELS: [f64; 7] = [0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99];

/// How a series' values map to bins.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Axis {
    lo: f64,
    hi: f64,
    bins: usize,
    /// Bins per unit of the axis, `bins / (hi - lo)`.
    per_unit: f64,
    /// Bin `ln(x / scale)` instead of `x`.
    log_scale: Option<f64>,
}

impl Axis {
    fn new(lo: f64, hi: f64, bins: usize, log_scale: Option<f64>) -> Axis {
        Axis { lo, hi, bins, per_unit: bins as f64 / (hi - lo), log_scale }
    }
}

impl Axis {
    /// The bin of `x`: the end bins take what lies beyond the axis, and
    /// bin 0 what has no place on it (NaN, or a log axis's `x <= 0`).
    /// Without branches, so a group's lanes bin as one vector.
    #[inline(always)]
    fn bin(&self, x: f64) -> usize {
        match self.log_scale {
            Some(s) => self.bin_on_axis(log_of(x, s)),
            None => self.bin_on_axis(x),
        }
    }

    /// The bin of `t`, a position on the axis (`ln(x / scale)` on a log
    /// axis).
    #[inline(always)]
    fn bin_on_axis(&self, t: f64) -> usize {
        // `max` takes NaN to 0. The whole number under `f` (at most
        // 65,535) lands in the low bits of `floor(f) + 2^52`, exactly: a
        // cast would be tested lane by lane for its range, this runs as
        // one vector.
        let f = ((t - self.lo) * self.per_unit).max(0.0).min((self.bins - 1) as f64);
        ((f.floor() + TWO_TO_52).to_bits() & 0xFFFF) as usize
    }

    /// The value at fractional bin position `f`.
    #[allow(
        clippy::disallowed_methods,
        reason = "a quantile read off the histogram's axis, not a path's figure"
    )]
    fn value(&self, f: f64) -> f64 {
        let t = self.lo + f / self.bins as f64 * (self.hi - self.lo);
        match self.log_scale {
            Some(s) => s * t.exp(),
            None => t,
        }
    }
}

/// `2^52`: from it up, the spacing of `f64`s is one.
const TWO_TO_52: f64 = 4_503_599_627_370_496.0;

/// `ln(x / scale)`; minus infinity for `x <= 0` or NaN.
#[inline(always)]
fn log_of(x: f64, scale: f64) -> f64 {
    let y = crate::lanes::ln(x / scale);
    if x > 0.0 { y } else { f64::NEG_INFINITY }
}

/// How month-end figures map to bins: one axis for each [`Series`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Binning {
    axes: [Axis; 4],
}

impl Binning {
    /// The bins of one path's month-end value, equity share, margin and
    /// floor.
    #[inline]
    pub fn bins(&self, figures: [f64; 4]) -> [u16; 4] {
        // Every axis has fewer than 2^16 bins (`MonthHistograms::new`).
        std::array::from_fn(|s| self.axes[s].bin(figures[s]) as u16)
    }

    /// [`Binning::bins`] for several paths side by side, `figures[series][path]`:
    /// `result[series][path]`, each path's bins the ones it gets alone.
    /// Each series' loop has no branch, so a group's paths take it as one
    /// vector.
    #[inline(always)]
    pub fn bins_of_group<const N: usize>(&self, figures: [[f64; N]; 4]) -> [[u16; N]; 4] {
        let mut out = [[0; N]; 4];
        for ((row, axis), xs) in out.iter_mut().zip(&self.axes).zip(figures) {
            // The axis's kind outside the lanes' loop, so that the loop
            // has no branch and runs as one vector.
            match axis.log_scale {
                Some(s) => {
                    for (b, x) in row.iter_mut().zip(xs) {
                        *b = axis.bin_on_axis(log_of(x, s)) as u16;
                    }
                }
                None => {
                    for (b, x) in row.iter_mut().zip(xs) {
                        *b = axis.bin_on_axis(x) as u16;
                    }
                }
            }
        }
        out
    }
}

/// Month-end histograms of value, equity share, margin and floor.
///
/// Value and floor are binned on `ln(x / start value)` from -4.6 to 2.3
/// (1 % to 10 times the start) in 2,048 bins, 0.34 % wide; equity share on
/// 0 to 1 in 1,000 bins; margin on -1 to 1 in 2,000 bins. Quantiles are
/// interpolated within a bin, so their error is far below a bin's width.
/// A value beyond an axis counts in its end bin. The logarithm is the
/// project's own ([`crate::lanes::ln`]), so a figure falls in the same bin
/// on every machine.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthHistograms {
    months: usize,
    binning: Binning,
    /// `counts[series][month * bins + bin]`.
    counts: [Vec<u32>; 4],
}

impl MonthHistograms {
    pub fn new(months: usize, start_value: f64) -> MonthHistograms {
        let log = Axis::new(-4.6, 2.3, 2048, Some(start_value));
        let axes = [log, Axis::new(0.0, 1.0, 1000, None), Axis::new(-1.0, 1.0, 2000, None), log];
        debug_assert!(axes.iter().all(|a| a.bins <= usize::from(u16::MAX)));
        let counts = axes.map(|a| vec![0u32; months * a.bins]);
        MonthHistograms { months, binning: Binning { axes }, counts }
    }

    /// How this accumulator bins figures.
    pub fn binning(&self) -> Binning {
        self.binning
    }

    /// Adds one path's month-end figures for `month` (0-based).
    #[inline]
    pub fn add(&mut self, month: usize, figures: [f64; 4]) {
        self.add_bins(month, self.binning.bins(figures));
    }

    /// Adds one path's month-end figures for `month`, already binned by
    /// [`MonthHistograms::binning`].
    #[inline]
    pub fn add_bins(&mut self, month: usize, bins: [u16; 4]) {
        for ((axis, counts), bin) in self.binning.axes.iter().zip(&mut self.counts).zip(bins) {
            counts[month * axis.bins + usize::from(bin)] += 1;
        }
    }

    /// Adds another accumulator's counts; the order of merging does not
    /// change the result.
    pub fn merge(mut self, other: MonthHistograms) -> MonthHistograms {
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            for (a, b) in mine.iter_mut().zip(theirs) {
                *a += b;
            }
        }
        self
    }

    pub fn months(&self) -> usize {
        self.months
    }

    /// The `p` quantile of `series` at the end of `month` (0-based).
    pub fn quantile(&self, series: Series, month: usize, p: f64) -> f64 {
        let s = series as usize;
        let a = &self.binning.axes[s];
        let row = &self.counts[s][month * a.bins..(month + 1) * a.bins];
        let n: u64 = row.iter().map(|&c| u64::from(c)).sum();
        if n == 0 {
            return f64::NAN;
        }
        let target = p * n as f64;
        let mut below = 0.0;
        for (i, &c) in row.iter().enumerate() {
            let c = f64::from(c);
            if c > 0.0 && below + c >= target {
                let within = ((target - below) / c).clamp(0.0, 1.0);
                return a.value(i as f64 + within);
            }
            below += c;
        }
        a.value(a.bins as f64)
    }

    /// Every month's quantiles at [`LEVELS`] for `series`.
    pub fn fan(&self, series: Series) -> Vec<[f64; 7]> {
        (0..self.months).map(|m| LEVELS.map(|p| self.quantile(series, m, p))).collect()
    }
}

/// An estimate and its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub se: f64,
}

/// Mean and standard error of the mean of `xs`.
pub fn mean_se(xs: impl ExactSizeIterator<Item = f64> + Clone) -> Estimate {
    let n = xs.len() as f64;
    if n == 0.0 {
        return Estimate { value: f64::NAN, se: f64::NAN };
    }
    let mean = xs.clone().sum::<f64>() / n;
    let var = if n > 1.0 { xs.map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0) } else { 0.0 };
    Estimate { value: mean, se: (var / n).sqrt() }
}

/// The crate's one definition of a quantile over paths: the `p` quantile
/// of `n` figures lies `frac` of the way from order statistic `lo` (from
/// 0) to the next, by linear interpolation (type 7 of Hyndman and Fan, the
/// default of R and NumPy).
fn rank(n: usize, p: f64) -> (usize, f64) {
    let h = (n - 1) as f64 * p;
    let lo = h.floor() as usize;
    (lo, h - lo as f64)
}

/// The `p` quantile (type 7, by `rank`) of sorted `xs`; NaN if empty.
pub fn quantile_sorted(xs: &[f64], p: f64) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let (lo, frac) = rank(xs.len(), p);
    let hi = (lo + 1).min(xs.len() - 1);
    xs[lo] + frac * (xs[hi] - xs[lo])
}

/// Where `x` falls among sorted `xs`, as a share from 0 to 1: the
/// inverse of [`quantile_sorted`], so that `quantile_sorted(xs,
/// percentile_sorted(xs, x))` is `x` for any `x` within the figures (a
/// figure at the 5 % quantile is at 5 %, one at the median at 50 %).
/// Linear between order statistics as the quantile is; where several
/// figures equal `x` (a flat stretch of the quantile function) the middle
/// of the stretch; 0 below the least figure and 1 above the greatest;
/// NaN if `xs` is empty or `x` is NaN.
pub fn percentile_sorted(xs: &[f64], x: f64) -> f64 {
    let n = xs.len();
    if n == 0 || x.is_nan() {
        return f64::NAN;
    }
    if n == 1 {
        return match x.total_cmp(&xs[0]) {
            std::cmp::Ordering::Less => 0.0,
            std::cmp::Ordering::Equal => 0.5,
            std::cmp::Ordering::Greater => 1.0,
        };
    }
    let last = (n - 1) as f64;
    // Order statistics below `x`, and those equal to it.
    let below = xs.partition_point(|v| *v < x);
    let through = xs.partition_point(|v| *v <= x);
    if through > below {
        // `x` is order statistics `below..through`: the quantile is `x`
        // from rank `below` to rank `through - 1`.
        return (below + through - 1) as f64 / 2.0 / last;
    }
    if below == 0 {
        return 0.0;
    }
    if below == n {
        return 1.0;
    }
    // Strictly between order statistics `below - 1` and `below`.
    let (lo, hi) = (xs[below - 1], xs[below]);
    ((below - 1) as f64 + (x - lo) / (hi - lo)) / last
}

/// The `p` quantile (type 7, the same bits as [`quantile_sorted`]) of
/// `xs`, which is reordered: two selections instead of a sort. `None` if
/// empty.
pub fn quantile_unsorted(xs: &mut [f64], p: f64) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    let (lo, frac) = rank(xs.len(), p);
    let (_, &mut below, above) = xs.select_nth_unstable_by(lo, f64::total_cmp);
    let next = above.iter().copied().min_by(f64::total_cmp).unwrap_or(below);
    Some(below + frac * (next - below))
}

/// A bootstrap resample's figures, without building the resample: the
/// figures defined on the original paths, ascending, each with its path
/// (`sorted`), and how often the resample drew each path (`counts`, by
/// path). The resample holds `total` figures: the sum of the counts of
/// the paths in `sorted`.
#[derive(Debug, Clone, Copy)]
pub struct Resampled<'a> {
    pub sorted: &'a [(f64, u32)],
    pub counts: &'a [u32],
    pub total: usize,
}

impl<'a> Resampled<'a> {
    /// The figures of `sorted` as `counts` draws them, `draws` the sum of
    /// all the counts: when every path defines a figure, that is the
    /// total, and no pass is needed to count it.
    pub fn new(sorted: &'a [(f64, u32)], counts: &'a [u32], draws: usize) -> Resampled<'a> {
        let total = if sorted.len() == counts.len() {
            draws
        } else {
            sorted.iter().map(|&(_, i)| counts[i as usize] as usize).sum()
        };
        Resampled { sorted, counts, total }
    }

    /// The figures' `p` quantile by the rule of [`quantile_sorted`]
    /// (type 7); `None` when the resample holds none. It walks the sorted
    /// figures from the nearer end, only as far as the quantile.
    pub fn quantile(&self, p: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let (lo, frac) = rank(self.total, p);
        let hi = (lo + 1).min(self.total - 1);
        let (below, above) = if 2 * lo < self.total {
            self.ranks_up(lo, hi)?
        } else {
            // Ranks counted from the top: `hi`'s comes first.
            let (a, b) = self.ranks_down(self.total - 1 - hi, self.total - 1 - lo)?;
            (b, a)
        };
        Some(below + frac * (above - below))
    }

    /// The figures at ascending ranks `lo <= hi` (from 0).
    fn ranks_up(&self, lo: usize, hi: usize) -> Option<(f64, f64)> {
        Self::ranks(self.sorted.iter(), self.counts, lo, hi)
    }

    /// The figures at descending ranks `lo <= hi` (from 0, the greatest).
    fn ranks_down(&self, lo: usize, hi: usize) -> Option<(f64, f64)> {
        Self::ranks(self.sorted.iter().rev(), self.counts, lo, hi)
    }

    fn ranks<'b>(
        walk: impl Iterator<Item = &'b (f64, u32)>,
        counts: &[u32],
        lo: usize,
        hi: usize,
    ) -> Option<(f64, f64)> {
        let mut seen = 0;
        let mut first = None;
        for &(x, i) in walk {
            seen += counts[i as usize] as usize;
            if seen > lo && first.is_none() {
                first = Some(x);
            }
            if seen > hi {
                return Some((first?, x));
            }
        }
        None
    }

    /// The mean of the `k` least figures, `k = ceil(share * total)` (at
    /// least 1), and the greatest of them: a tail's mean and its edge.
    pub fn lower_tail(&self, share: f64) -> Option<(f64, f64)> {
        if self.total == 0 {
            return None;
        }
        let k = ((self.total as f64 * share).ceil() as usize).clamp(1, self.total);
        let (mut taken, mut sum) = (0, 0.0);
        for &(x, i) in self.sorted {
            let take = (self.counts[i as usize] as usize).min(k - taken);
            sum += x * take as f64;
            taken += take;
            if taken == k {
                return Some((sum / k as f64, x));
            }
        }
        None
    }

    /// The figures' mean; `None` when the resample holds none.
    pub fn mean(&self) -> Option<f64> {
        let sum: f64 = self.sorted.iter().map(|&(x, i)| x * f64::from(self.counts[i as usize])).sum();
        (self.total > 0).then(|| sum / self.total as f64)
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "tests build expected figures in the platform's arithmetic")]
mod tests {
    use super::*;

    #[test]
    fn histogram_quantiles_land_within_a_bin_of_the_exact_ones() {
        let mut h = MonthHistograms::new(1, 1000.0);
        let values: Vec<f64> = (1..=10_000).map(|i| 500.0 + i as f64 * 0.1).collect();
        for v in &values {
            h.add(0, [*v, 0.3, 0.1, 800.0]);
        }
        for p in LEVELS {
            let exact = quantile_sorted(&values, p);
            let got = h.quantile(Series::Value, 0, p);
            // A value bin is 0.34 % wide.
            assert!((got / exact - 1.0).abs() < 0.0034, "p {p}: {got} vs {exact}");
        }
        assert!((h.quantile(Series::EquityShare, 0, 0.5) - 0.3).abs() < 0.001);
    }

    #[test]
    fn merging_in_any_order_gives_the_same_counts() {
        let mut a = MonthHistograms::new(2, 100.0);
        let mut b = MonthHistograms::new(2, 100.0);
        a.add(0, [90.0, 0.5, 0.1, 80.0]);
        b.add(1, [110.0, 0.6, 0.2, 88.0]);
        assert_eq!(a.clone().merge(b.clone()), b.merge(a));
    }

    proptest::proptest! {
        /// A figure's bin is the whole number under its place on the axis,
        /// the end bins take what lies beyond, and a group bins each lane
        /// as one path alone.
        #[test]
        fn a_figure_falls_in_the_bin_under_it(
            xs in proptest::collection::vec(-3000.0f64..30_000.0, 8),
            shares in proptest::collection::vec(-0.5f64..1.5, 8),
        ) {
            let h = MonthHistograms::new(1, 1477.0);
            let binning = h.binning();
            let group = binning.bins_of_group([
                std::array::from_fn::<_, 8, _>(|i| xs[i]),
                std::array::from_fn(|i| shares[i]),
                std::array::from_fn(|i| shares[i] * 2.0 - 1.0),
                std::array::from_fn(|i| xs[i] * 0.8),
            ]);
            for i in 0..8 {
                let figures = [xs[i], shares[i], shares[i] * 2.0 - 1.0, xs[i] * 0.8];
                let one = binning.bins(figures);
                for (s, axis) in binning.axes.iter().enumerate() {
                    let t = match axis.log_scale {
                        Some(scale) if figures[s] > 0.0 => (figures[s] / scale).ln(),
                        Some(_) => f64::NEG_INFINITY,
                        None => figures[s],
                    };
                    let place = ((t - axis.lo) * axis.per_unit).clamp(0.0, (axis.bins - 1) as f64);
                    // The platform's logarithm may differ from the
                    // project's in the last place: a bin either side.
                    let want = place.floor() as i64;
                    proptest::prop_assert!((i64::from(one[s]) - want).abs() <= 1, "{s}: {} vs {want}", one[s]);
                    proptest::prop_assert_eq!(group[s][i], one[s]);
                    if axis.log_scale.is_none() {
                        proptest::prop_assert_eq!(i64::from(one[s]), want);
                    }
                }
            }
        }
    }

    #[test]
    fn figures_off_the_axes_count_in_the_end_bins() {
        let binning = MonthHistograms::new(1, 1000.0).binning();
        assert_eq!(binning.bins([f64::NAN, f64::NAN, f64::NAN, 0.0]), [0; 4]);
        assert_eq!(binning.bins([-5.0, -1.0, -2.0, f64::NEG_INFINITY]), [0; 4]);
        assert_eq!(binning.bins([f64::INFINITY, 2.0, 2.0, 1e9]), [2047, 999, 1999, 2047]);
    }

    #[test]
    fn mean_se_of_a_known_sample() {
        let e = mean_se([1.0, 2.0, 3.0, 4.0].into_iter());
        assert_eq!(e.value, 2.5);
        assert!((e.se - (5.0f64 / 3.0 / 4.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn sorted_quantiles_interpolate() {
        assert_eq!(quantile_sorted(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), 3.0);
        assert_eq!(quantile_sorted(&[1.0, 2.0], 0.25), 1.25);
    }

    /// Hand-computed: five paths 10, 20, 30, 40, 50 put the quantile
    /// at rank `4 p`; 35 lies halfway between ranks 2 and 3, so at 2.5 / 4.
    #[test]
    fn a_figure_among_a_few_paths_has_its_hand_computed_percentile() {
        let xs = [10.0, 20.0, 30.0, 40.0, 50.0];
        assert_eq!(percentile_sorted(&xs, 35.0), 0.625);
        assert_eq!(percentile_sorted(&xs, 30.0), 0.5);
        assert_eq!(percentile_sorted(&xs, 12.0), 0.05);
        assert_eq!(percentile_sorted(&xs, 10.0), 0.0);
        assert_eq!(percentile_sorted(&xs, 50.0), 1.0);
        assert_eq!(percentile_sorted(&xs, 9.0), 0.0);
        assert_eq!(percentile_sorted(&xs, 51.0), 1.0);
        // Three paths at 2: the quantile is 2 from rank 1 to rank 3, so
        // the middle, rank 2 of 4.
        assert_eq!(percentile_sorted(&[1.0, 2.0, 2.0, 2.0, 3.0], 2.0), 0.5);
        assert_eq!(percentile_sorted(&[7.0], 7.0), 0.5);
        assert!(percentile_sorted(&[], 1.0).is_nan());
        assert!(percentile_sorted(&xs, f64::NAN).is_nan());
    }

    proptest::proptest! {
        /// The percentile undoes the quantile: a figure within the paths
        /// read back at its percentile is itself.
        #[test]
        fn the_percentile_inverts_the_quantile(
            mut xs in proptest::collection::vec(-1000.0f64..1000.0, 2..40),
            t in 0.0f64..1.0,
        ) {
            xs.sort_by(f64::total_cmp);
            let x = xs[0] + t * (xs[xs.len() - 1] - xs[0]);
            let p = percentile_sorted(&xs, x);
            proptest::prop_assert!((0.0..=1.0).contains(&p));
            let back = quantile_sorted(&xs, p);
            proptest::prop_assert!((back - x).abs() <= 1e-9 * (1.0 + x.abs()), "{x} at {p} reads {back}");
        }
    }

    #[test]
    fn selection_gives_the_sorted_quantile_to_the_bit() {
        let xs: Vec<f64> = (0..1001).map(|i| ((i * 7919) % 1001) as f64 * 0.37 - 50.0).collect();
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        for p in [0.0, 0.01, 0.05, 0.25, 0.333, 0.5, 0.95, 0.975, 1.0] {
            let got = quantile_unsorted(&mut xs.clone(), p).map(f64::to_bits);
            assert_eq!(got, Some(quantile_sorted(&sorted, p).to_bits()), "p {p}");
        }
        assert_eq!(quantile_unsorted(&mut [], 0.5), None);
    }

    #[test]
    fn a_resample_read_through_its_counts_has_the_figures_of_the_resample_built() {
        // Figures with ties, a resample drawn path by path, and the
        // figures of the resample written out against those read off the
        // sorted originals and the counts.
        use rand::RngExt;
        let mut rng = crate::rng::path_rng(7, 0);
        for n in [1usize, 2, 5, 40, 1001] {
            let figures: Vec<f64> =
                (0..n).map(|_| f64::from(rng.random_range(0..30u32)) * 0.5 - 3.0).collect();
            let mut counts = vec![0u32; n];
            let mut built = Vec::new();
            for _ in 0..n {
                let i = rng.random_range(0..n);
                counts[i] += 1;
                built.push(figures[i]);
            }
            let mut sorted: Vec<(f64, u32)> = figures.iter().copied().zip(0..n as u32).collect();
            sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
            let r = Resampled::new(&sorted, &counts, n);
            // Every path defines a figure here; a resample of some of them
            // counts its figures itself.
            let odd: Vec<(f64, u32)> = sorted.iter().copied().filter(|&(_, i)| i % 2 == 1).collect();
            let mut odd_built: Vec<f64> = counts
                .iter()
                .zip(&figures)
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .flat_map(|(_, (&c, &x))| std::iter::repeat_n(x, c as usize))
                .collect();
            let some = Resampled::new(&odd, &counts, n);
            assert_eq!(some.total, odd_built.len());
            assert_eq!(some.quantile(0.3), quantile_unsorted(&mut odd_built, 0.3), "n {n}");
            assert_eq!(r.total, n);
            for p in [0.0, 0.05, 0.5, 0.95, 1.0] {
                assert_eq!(r.quantile(p), quantile_unsorted(&mut built.clone(), p), "n {n} p {p}");
            }
            let mut b = built.clone();
            b.sort_by(f64::total_cmp);
            let k = ((n as f64 * 0.05).ceil() as usize).clamp(1, n);
            let (mean, top) = r.lower_tail(0.05).unwrap();
            assert!((mean - b[..k].iter().sum::<f64>() / k as f64).abs() < 1e-12, "n {n}");
            assert_eq!(top, b[k - 1]);
            assert!((r.mean().unwrap() - b.iter().sum::<f64>() / n as f64).abs() < 1e-12);
        }
        let none = Resampled::new(&[], &[], 0);
        assert_eq!((none.quantile(0.5), none.lower_tail(0.05), none.mean()), (None, None, None));
    }
}
