//! A month's draws for a group of eight paths: the one place that knows
//! how a group's streams are laid out over a month.
//!
//! A path's own order is [`MarketModel::draw`]'s (the regime's uniform at
//! the start of every month after the first, then each day's draws); a
//! group draws each lane's numbers in that order from the lane's own
//! stream. Under Gaussian shocks the eight lanes draw each normal together
//! ([`GroupStreams::fill_normals`]): a day is the four factors' normals,
//! then inflation's and the spread's when the model has them, which is
//! `MarketModel::draw`'s order without its options. Other shocks go lane
//! by lane through `MarketModel::draw` itself. The engine and the loan
//! book both draw through [`MonthDraws`], so they cannot disagree; the
//! tests hold each lane against its path drawn alone.

use std::ops::Range;

use super::{GroupStreams, PathStream};
use crate::lanes::{LANES, Wide};
use crate::market::{Clock, Coefficients, DayKernel, FACTORS, MarketModel, Shock};

/// One day's draws for a group: lane `i` from path `i`'s stream.
#[derive(Debug, Clone, Copy)]
pub struct DayDraws {
    /// The four factors' standard normals (scaled under Student-t shocks,
    /// the first replaced by a historical day under bootstrap ones).
    pub n: [Wide; FACTORS],
    /// Inflation's normal; zero when the model has no inflation process.
    pub inflation: Wide,
    /// The credit spread's normal; zero when the model has no spread.
    pub spread: Wide,
}

impl DayDraws {
    const ZERO: DayDraws = DayDraws {
        n: [Wide([0.0; LANES]); FACTORS],
        inflation: Wide([0.0; LANES]),
        spread: Wide([0.0; LANES]),
    };

    /// Lane `i`'s draws from its path's `shock`.
    #[inline(always)]
    fn set_lane(&mut self, i: usize, shock: Shock) {
        for (f, x) in self.n.iter_mut().zip(shock.n) {
            f.0[i] = x;
        }
        self.inflation.0[i] = shock.inflation;
        self.spread.0[i] = shock.spread;
    }
}

/// A group's streams and clocks, and its current month's draws.
#[derive(Debug, Clone)]
pub struct MonthDraws {
    streams: GroupStreams,
    clocks: [Clock; LANES],
    /// A month's normals under Gaussian shocks, day after day.
    normals: Vec<Wide>,
    days: Vec<DayDraws>,
}

impl MonthDraws {
    /// The group of `paths` (one to eight paths) of a run with seed
    /// `seed`, at the start; lanes past the last path repeat it, and their
    /// figures are the caller's to ignore.
    ///
    /// # Panics
    /// If `paths` is empty or longer than a group.
    pub fn new(model: &MarketModel, seed: u64, paths: Range<u64>) -> MonthDraws {
        let count = paths.end.saturating_sub(paths.start) as usize;
        assert!((1..=LANES).contains(&count), "a group holds 1 to {LANES} paths");
        let last = paths.end - 1;
        MonthDraws {
            streams: GroupStreams::from_fn(|i| PathStream::new(seed, (paths.start + i as u64).min(last))),
            clocks: [model.start_clock(); LANES],
            normals: Vec::new(),
            days: vec![DayDraws::ZERO; model.trading_days_per_month],
        }
    }

    /// Draws month `month` (0-based) for every lane, in each path's own
    /// order ([`MonthDraws::days`] then holds its days). `PLAIN` only for
    /// a plain model ([`MarketModel::is_plain`]), as for
    /// [`MarketModel::draw`].
    #[inline(always)]
    pub fn next<const PLAIN: bool>(&mut self, model: &MarketModel, kernels: &[DayKernel], month: usize) {
        let MonthDraws { streams, clocks, normals, days } = self;
        if let Some((inflation, spread)) = model.gaussian_extras() {
            streams.start_month(model, clocks, month);
            let per_day = FACTORS + usize::from(!PLAIN && inflation) + usize::from(!PLAIN && spread);
            normals.resize(per_day * days.len(), Wide([0.0; LANES]));
            streams.fill_normals(normals);
            for (d, day) in days.iter_mut().zip(normals.chunks_exact(per_day)) {
                d.n.copy_from_slice(&day[..FACTORS]);
                if !PLAIN && inflation {
                    d.inflation = day[FACTORS];
                }
                if !PLAIN && spread {
                    d.spread = day[per_day - 1];
                }
            }
            return;
        }
        for (i, clock) in clocks.iter_mut().enumerate() {
            // The lane's state in registers through its month.
            let mut lane = streams.lane(i);
            model.start_month(clock, month, &mut lane);
            for d in days.iter_mut() {
                d.set_lane(i, model.draw::<PLAIN, _>(kernels, clock, &mut lane));
            }
            streams.set_lane(i, lane);
        }
    }

    /// The month's days, as [`MonthDraws::next`] drew them.
    #[inline(always)]
    pub fn days(&self) -> &[DayDraws] {
        &self.days
    }

    /// Lane `i`'s regime this month.
    #[inline(always)]
    pub fn regime(&self, i: usize) -> usize {
        self.clocks[i].regime
    }

    /// This month's coefficients, lane `i` from its regime's.
    #[inline(always)]
    pub fn coefficients(&self, kernels: &[DayKernel]) -> Coefficients<Wide> {
        Coefficients::gather(|i| &kernels[self.clocks[i].regime].coefficients)
    }
}

/// The groups `paths` paths run in, in path order: eight paths at a time
/// from path 0, the last group perhaps shorter.
pub fn groups(paths: usize) -> impl rayon::iter::IndexedParallelIterator<Item = Range<u64>> {
    use rayon::prelude::*;
    (0..paths.div_ceil(LANES))
        .into_par_iter()
        .map(move |g| (g * LANES) as u64..((g + 1) * LANES).min(paths) as u64)
}
