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
//!
//! Variance reduction ([`Layout`]) changes the numbers here and nowhere
//! else. Under [`Layout::Antithetic`] path `2k + 1` draws from path
//! `2k`'s stream with every normal negated and every regime uniform `u`
//! replaced by `1 - u` (under bootstrap shocks the historical day and its
//! block stay the partner's: history has no mirror image); a group starts
//! at a multiple of eight paths, so a pair is always in one group. Under
//! [`Layout::Tilted`] every path draws from its own stream under an
//! importance-sampling measure: the regime chain tilted towards its worst
//! regime and the equity normals shifted down by a constant, each lane
//! keeping the log likelihood ratio of what it drew
//! ([`MonthDraws::log_weight`]).

use std::ops::Range;

use rand::RngExt;

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

/// How a group's lanes take their numbers from their streams.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Layout {
    /// Each path its own stream, as drawn: plain Monte Carlo.
    Plain,
    /// Pairs of paths `2k, 2k + 1`, the second the first's mirror image.
    Antithetic,
    /// Each path its own stream under the importance-sampling measure.
    Tilted(Tilt),
}

/// An importance-sampling measure (docs/variance-reduction.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tilt {
    /// The worst regime (lowest Swedish equity drift) comes this many
    /// times as often from the others (`q = min(c p, 0.95)`), and lasts
    /// this many times as long (its exit probabilities divided by it);
    /// the rest of each row scaled to sum to one. One leaves the chain.
    pub crisis_scale: f64,
    /// Added to the Swedish and global equity factors' standard normals
    /// every day (negative: down), Gaussian shocks only.
    pub equity_shift: f64,
    /// Added to the short rate's and the credit spread's standard normals
    /// every day (positive: up, a loss on fixed income), Gaussian only.
    pub rate_shift: f64,
}

/// A tilt's chain and shifts, prepared once for a group.
#[derive(Debug, Clone)]
struct Tilted {
    transition: Vec<Vec<f64>>,
    /// `ln p_ij - ln q_ij`: a month start's term of the log weight.
    log_ratio: Vec<Vec<f64>>,
    /// Added to each normal of a day (factors, inflation, spread).
    shift: [f64; FACTORS + 2],
}

impl Tilted {
    fn new(model: &MarketModel, tilt: Tilt) -> Tilted {
        let transition = tilted_chain(model, tilt.crisis_scale);
        let log_ratio = model
            .transition
            .iter()
            .zip(&transition)
            .map(|(p, q)| {
                p.iter()
                    .zip(q)
                    .map(|(&p, &q)| if p > 0.0 && q > 0.0 { crate::lanes::ln(p / q) } else { 0.0 })
                    .collect()
            })
            .collect();
        let gaussian = model.gaussian_extras().is_some();
        let (e, r) = if gaussian { (tilt.equity_shift, tilt.rate_shift) } else { (0.0, 0.0) };
        Tilted { transition, log_ratio, shift: [e, e, 0.0, r, 0.0, r] }
    }
}

/// The worst regime of `model`: the lowest Swedish equity drift.
pub fn crisis_regime(model: &MarketModel) -> usize {
    (0..model.regimes.len())
        .min_by(|&a, &b| model.regimes[a].swedish_equity.mu.total_cmp(&model.regimes[b].swedish_equity.mu))
        .unwrap_or(0)
}

/// `model`'s chain tilted towards its crisis regime by `scale` (see
/// [`Tilt::crisis_scale`]). A probability the model gives as zero stays
/// zero, so every path the tilted chain draws the model could draw.
pub fn tilted_chain(model: &MarketModel, scale: f64) -> Vec<Vec<f64>> {
    let c = crisis_regime(model);
    model
        .transition
        .iter()
        .enumerate()
        .map(|(i, row)| {
            // The crisis column's new probability: more often into it,
            // less often out of it.
            let into = if i == c { 1.0 - (1.0 - row[c]) / scale } else { (row[c] * scale).min(0.95) };
            let into = if row[c] > 0.0 && row[c] < 1.0 { into.clamp(row[c].min(0.05), 0.95) } else { row[c] };
            let rest = 1.0 - row[c];
            row.iter()
                .enumerate()
                .map(|(j, &p)| {
                    if j == c {
                        into
                    } else if rest > 0.0 {
                        p * (1.0 - into) / rest
                    } else {
                        p
                    }
                })
                .collect()
        })
        .collect()
}

/// The next regime after `row`'s from one uniform `u`, as
/// [`MarketModel::next_regime`] picks it.
fn pick(row: &[f64], u: f64) -> usize {
    let mut acc = 0.0;
    for (j, p) in row.iter().enumerate() {
        acc += p;
        if u < acc {
            return j;
        }
    }
    row.len() - 1
}

/// A group's streams and clocks, and its current month's draws.
#[derive(Debug, Clone)]
pub struct MonthDraws {
    streams: GroupStreams,
    clocks: [Clock; LANES],
    /// A month's normals under Gaussian shocks, day after day.
    normals: Vec<Wide>,
    days: Vec<DayDraws>,
    /// Whether each lane mirrors its partner (an odd path, antithetic).
    mirror: [bool; LANES],
    antithetic: bool,
    tilted: Option<Box<Tilted>>,
    /// Each lane's log likelihood ratio `ln dP/dQ` so far (zero untilted).
    log_weight: Wide,
}

impl MonthDraws {
    /// The group of `paths` (one to eight paths) of a run with seed
    /// `seed`, at the start; lanes past the last path repeat it, and their
    /// figures are the caller's to ignore.
    ///
    /// # Panics
    /// If `paths` is empty or longer than a group.
    pub fn new(model: &MarketModel, seed: u64, paths: Range<u64>) -> MonthDraws {
        MonthDraws::with_layout(model, seed, paths, Layout::Plain)
    }

    /// [`MonthDraws::new`] with the lanes laid out as `layout` says. Under
    /// [`Layout::Antithetic`] the groups must start at an even path (the
    /// engine's and the loan book's start at multiples of eight).
    ///
    /// # Panics
    /// As [`MonthDraws::new`].
    pub fn with_layout(model: &MarketModel, seed: u64, paths: Range<u64>, layout: Layout) -> MonthDraws {
        let count = paths.end.saturating_sub(paths.start) as usize;
        assert!((1..=LANES).contains(&count), "a group holds 1 to {LANES} paths");
        let last = paths.end - 1;
        let path = |i: usize| (paths.start + i as u64).min(last);
        let antithetic = layout == Layout::Antithetic;
        let mirror = std::array::from_fn(|i| antithetic && path(i) % 2 == 1);
        let stream = |i: usize| if antithetic { path(i) & !1 } else { path(i) };
        MonthDraws {
            streams: GroupStreams::from_fn(|i| PathStream::new(seed, stream(i))),
            clocks: [model.start_clock(); LANES],
            normals: Vec::new(),
            days: vec![DayDraws::ZERO; model.trading_days_per_month],
            mirror,
            antithetic,
            tilted: match layout {
                Layout::Tilted(t) => Some(Box::new(Tilted::new(model, t))),
                _ => None,
            },
            log_weight: Wide([0.0; LANES]),
        }
    }

    /// Each lane's log likelihood ratio `ln dP/dQ` of what it has drawn
    /// (zero unless tilted): its path's weight is its exponential.
    #[inline(always)]
    pub fn log_weight(&self) -> Wide {
        self.log_weight
    }

    /// Draws month `month` (0-based) for every lane, in each path's own
    /// order ([`MonthDraws::days`] then holds its days). `PLAIN` only for
    /// a plain model ([`MarketModel::is_plain`]), as for
    /// [`MarketModel::draw`].
    #[inline(always)]
    pub fn next<const PLAIN: bool>(&mut self, model: &MarketModel, kernels: &[DayKernel], month: usize) {
        if self.antithetic || self.tilted.is_some() {
            return self.next_reduced::<PLAIN>(model, kernels, month);
        }
        let MonthDraws { streams, clocks, normals, days, .. } = self;
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

    /// [`MonthDraws::next`] under antithetic pairs or a tilt: the same
    /// draws from the streams, mirrored or shifted, lane by lane.
    #[inline(never)]
    fn next_reduced<const PLAIN: bool>(&mut self, model: &MarketModel, kernels: &[DayKernel], month: usize) {
        let MonthDraws { streams, clocks, normals, days, mirror, tilted, log_weight, .. } = self;
        // The month's regime: one uniform from the lane's stream, as
        // `MarketModel::start_month` draws it.
        if month > 0 && model.regimes.len() > 1 {
            for (i, clock) in clocks.iter_mut().enumerate() {
                let mut lane = streams.lane(i);
                let u: f64 = lane.random();
                streams.set_lane(i, lane);
                let u = if mirror[i] { 1.0 - u } else { u };
                let from = clock.regime;
                clock.regime = match tilted.as_deref() {
                    Some(t) => {
                        let to = pick(&t.transition[from], u);
                        log_weight.0[i] += t.log_ratio[from][to];
                        to
                    }
                    None => model.next_regime(from, u),
                };
            }
        }
        let bootstrap = matches!(model.shocks, crate::market::Shocks::Bootstrap(_));
        if let Some((inflation, spread)) = model.gaussian_extras() {
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
        } else {
            for (i, clock) in clocks.iter_mut().enumerate() {
                // The regime is drawn above; the days as `MarketModel::draw`
                // draws them.
                let mut lane = streams.lane(i);
                for d in days.iter_mut() {
                    d.set_lane(i, model.draw::<PLAIN, _>(kernels, clock, &mut lane));
                }
                streams.set_lane(i, lane);
            }
        }
        for d in days.iter_mut() {
            for i in (0..LANES).filter(|&i| mirror[i]) {
                // History's day stays the partner's.
                for (f, x) in d.n.iter_mut().enumerate() {
                    if !(bootstrap && f == 0) {
                        x.0[i] = -x.0[i];
                    }
                }
                d.inflation.0[i] = -d.inflation.0[i];
                d.spread.0[i] = -d.spread.0[i];
            }
            if let Some(t) = tilted.as_deref() {
                // Drawn `n`, used `y = n + s`: `y` has density phi(y - s)
                // under the tilt and phi(y) under the model, a ratio
                // phi(y) / phi(y - s) = exp(-s y + s^2 / 2) = exp(-s n - s^2 / 2).
                let mut shifted: [&mut Wide; FACTORS + 2] = {
                    let [a, b, c, e] = &mut d.n;
                    [a, b, c, e, &mut d.inflation, &mut d.spread]
                };
                for (x, &s) in shifted.iter_mut().zip(&t.shift) {
                    if s != 0.0 {
                        for i in 0..LANES {
                            log_weight.0[i] += -s * x.0[i] - 0.5 * s * s;
                            x.0[i] += s;
                        }
                    }
                }
            }
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
