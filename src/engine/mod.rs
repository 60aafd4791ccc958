//! The Monte Carlo engine: thousands of market futures, the rule applied
//! day by day on each (the same `rule::Managed` replay uses).
//!
//! A path draws from its own stream (`rng::path_rng(seed, path)`) and
//! leaves behind a [`PathSummary`] and its month-end figures in a
//! [`MonthHistograms`]. Paths run in parallel in fixed blocks; each
//! summary is written to its own slot, and histograms merge by integer
//! addition, so the result is the same bits on any number of threads.
//!
//! Within a block, paths run in groups of [`LANES`] side by side: each
//! keeps its own stream (under Gaussian shocks the eight streams step
//! together and draw each normal for all eight at once, [`crate::draws`];
//! lane `i` still draws its path's numbers), and the market's arithmetic,
//! the compounding of the holdings and the quiet-day tests run on the
//! whole group at once ([`crate::lanes`]), as vector instructions. A
//! month's market comes first, all its days' returns in one pass (they do
//! not depend on the portfolio); then its days compound the holdings. A
//! day is quiet for a path when the rule's down-weighting test
//! ([`crate::rule::Policy::exceeds_max_equity`], the test
//! `Managed::close_day` makes) finds nothing to sell, the day ends no
//! month, and there is no breach: the rule has nothing to do, and the
//! day can change only the record's extremes, which the group keeps in
//! its lanes ([`crate::rule::Extremes`]: a new high and a deeper drawdown
//! are one branch-free vector step, a lower margin is observed lane by
//! lane). Any
//! other day hands that path's holdings to its `Managed`, which closes
//! the day in full. Each lane's figures are the bits its path has alone,
//! whatever the processor's vector width: the group code is compiled for
//! AVX-512, AVX2 and the baseline, chosen at run time, from the same
//! IEEE operations.
//!
//! Holdings are kept in three buckets, Swedish equities, global equities
//! and fixed income: classes that follow the same factor earn the same
//! return, and the rule sells pro rata and buys by mix, so within a bucket
//! the split never matters to the rule (the bucket's mix is the sum of its
//! classes' mixes).

use rayon::prelude::*;

use crate::draws::{Layout, MonthDraws, Tilt};
use crate::lanes::{LANES, Real, Wide};
use crate::market::{DayKernel, DayReturns, MarketModel, Rates, SWEDISH_EQUITY};
use crate::rule::{Extremes, Holdings, Managed, PathRecord, SHARE_EPSILON, equity_share};
use crate::start::{Simulation, Start};
use crate::stats::{Binning, MonthHistograms};
pub use crate::stats::{Outcome, PathSummary, Reduced, RootTail};

/// Paths a block: the unit of parallel work and of progress reports (a
/// multiple of [`LANES`]).
const BLOCK: usize = 256;

/// The equity share under which a portfolio counts as locked in cash.
pub const CASH_LOCK_SHARE: f64 = 0.10;
/// Consecutive month-ends under [`CASH_LOCK_SHARE`] that make a cash lock.
pub const CASH_LOCK_MONTHS: u32 = 12;
/// A crash, for the recovery time: a month-end value at least this share
/// below the path's highest month-end value so far (the start counts).
pub const CRASH_FALL: f64 = 0.10;
/// The region's long-term target: 3.5 % real a year over rolling 5 years.
pub const REAL_RETURN_TARGET: f64 = 0.035;
const ROLLING_MONTHS: usize = 60;

/// A floor every strategy of a comparison can be measured against at its
/// month ends: `(1 - max_drawdown)` times the highest of the window's
/// month-end values, the path's own month-end values pushed in as they
/// come. [`Yardstick::of`] gives the scenario's.
#[derive(Debug, Clone, PartialEq)]
pub struct Yardstick {
    pub max_drawdown: f64,
    pub window: crate::rule::MonthEndWindow,
}

impl Yardstick {
    /// The start's floor: its policy's largest fall over its window,
    /// starting from its history.
    pub fn of(start: &Start) -> Yardstick {
        Yardstick { max_drawdown: start.policy().max_drawdown, window: start.window() }
    }

    /// The floor as a share of the high, `1 - dd`, as `Policy::floor_share`.
    pub fn floor_share(&self) -> f64 {
        1.0 - self.max_drawdown
    }
}

/// Everything a run needs, prepared once.
#[derive(Debug, Clone)]
pub struct Engine {
    model: MarketModel,
    kernels: Vec<DayKernel>,
    /// The portfolio at the start, in buckets: equity `[Swedish, global]`,
    /// fixed income `[all]`.
    prototype: Managed,
    simulation: Simulation,
    start_value: f64,
    rebuild_cap: f64,
    vectors: Vectors,
    yardstick: Option<Yardstick>,
    /// The start's equity in the two buckets, mkr: the control variate
    /// holds it unmanaged.
    start_equity: [f64; 2],
}

pub(crate) use crate::draws::Vectors;

/// The importance-sampling measure of a variance-reduced run's tail
/// paths, if any. None: the pilot on the shipped scenario
/// (`cargo bench --bench variance -- pilot`, docs/variance-reduction.md)
/// found no tilt of the chain and the equity drift held over the whole
/// horizon whose weights stay usable (the breaching paths' weights came
/// out 1e-6 to 1e-17), so the tail figures use the antithetic pairs.
pub const TAIL_TILT: Option<Tilt> = None;

/// The multilevel splitting of a variance-reduced run's tail figures
/// (docs/variance-reduction.md, `engine::split`): the levels of the
/// margin and the copies at each; `None`: no splitting pass.
pub const TAIL_SPLITTING: Option<&[Level]> = None;

/// The splitting pass's root paths, as a share of a variance-reduced
/// run's paths (at least two).
pub const SPLIT_SHARE: f64 = 0.5;

/// The tail paths of a variance-reduced run, as a share of its paths
/// (at least a group).
pub const TAIL_SHARE: f64 = 0.5;

/// The tail paths draw from streams this far past the run's own paths'
/// (any run's: a run has at most [`MAX_PATHS`]).
const TAIL_STREAMS: u64 = 1 << 40;

/// How a group draws and what it leaves beside its summaries: each
/// path's control variate and log likelihood ratio, when `extras` has a
/// slot a path (empty: none kept), and each path's month-end factor
/// levels and portfolio, when `record` has [`record::per_path`] slots a
/// path (empty: none kept; [`Engine::scenario_set`]).
struct Reduce<'a> {
    layout: Layout,
    extras: &'a mut [(f64, f64)],
    record: &'a mut [f64],
}

impl Reduce<'_> {
    fn plain() -> Reduce<'static> {
        Reduce { layout: Layout::Plain, extras: &mut [], record: &mut [] }
    }
}

/// Money moved into or out of every path's portfolio at month boundaries,
/// and the month-ends a run keeps for each path (the pension obligation's
/// deposits, withdrawals and year-ends). A flow goes through the rule's
/// own flow adjustment ([`Managed::apply_flow`]) before the month's first
/// day, never inside the daily loop.
pub trait Schedule: Sync {
    /// The months (0-based, increasing) whose month-end figures are kept.
    fn recorded_months(&self) -> &[usize];
    /// Whether anything may flow at the start of `month`.
    fn has_flow(&self, month: usize) -> bool;
    /// The net flow at the start of `month` (mkr; deposits positive) for a
    /// path whose portfolio is worth `value` and whose log price index is
    /// `log_price_index` (zero at the start): the path's own inflation.
    fn flow(&self, month: usize, value: f64, log_price_index: f64) -> f64;
}

/// One path's figures at a month-end a [`Schedule`] asks for.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthRecord {
    /// The portfolio's value.
    pub value: f64,
    /// Log of the path's price index, zero at the start.
    pub log_price_index: f64,
    /// Net flows paid in so far (a withdrawal the portfolio could not pay
    /// in full counts with what it paid).
    pub flows: f64,
    /// The time-weighted value of one unit of the portfolio, one at the
    /// start: its growth is the return net of flows.
    pub unit_value: f64,
}

/// The scalar part of one path of a group: its portfolio under the rule,
/// its record, its month-end bookkeeping and its summary so far.
#[derive(Debug, Clone)]
struct Book {
    fund: Managed,
    record: PathRecord,
    tally: MonthTally,
    out: PathSummary,
}

/// The part of a group's state every day touches, lane by lane: the
/// holdings' buckets, the floor, and the record's extremes. Between full
/// closes the extremes here are the lanes' own; [`Hot::store`] hands them
/// back to the book.
#[derive(Debug, Clone, Copy)]
struct Hot {
    swedish: Wide,
    global: Wide,
    fixed: Wide,
    floor: Wide,
    peak: Wide,
    max_drawdown: Wide,
    worst_floor_ratio: Wide,
    min_margin: Wide,
}

impl Hot {
    /// Lane `i` from its book, after the rule has closed a day on it.
    #[inline]
    fn load(&mut self, i: usize, book: &Book) {
        let h = book.fund.holdings();
        self.swedish.0[i] = h.equity[0];
        self.global.0[i] = h.equity[1];
        self.fixed.0[i] = h.fixed_income[0];
        self.floor.0[i] = book.fund.floor();
        self.set_extremes(i, book.record.extremes());
    }

    /// Lane `i`'s extremes into its book's record.
    #[inline]
    fn store(&self, i: usize, book: &mut Book) {
        book.record.set_extremes(self.extremes(i));
    }

    #[inline(always)]
    fn extremes(&self, i: usize) -> Extremes {
        Extremes {
            peak: self.peak.0[i],
            max_drawdown: self.max_drawdown.0[i],
            worst_floor_ratio: self.worst_floor_ratio.0[i],
            min_margin: self.min_margin.0[i],
        }
    }

    #[inline(always)]
    fn set_extremes(&mut self, i: usize, e: Extremes) {
        self.peak.0[i] = e.peak;
        self.max_drawdown.0[i] = e.max_drawdown;
        self.worst_floor_ratio.0[i] = e.worst_floor_ratio;
        self.min_margin.0[i] = e.min_margin;
    }
}

/// The most paths a run takes (as `[simulation] paths`): beyond it a run
/// takes days, and its per-path arrays outgrow an ordinary machine.
pub const MAX_PATHS: usize = 100_000_000;

/// Bytes a run of `paths` paths holds at once: a [`PathSummary`] a path
/// and, for a run that records months (the obligations' outlook), a
/// [`MonthRecord`] a path a recorded month.
pub fn memory_needed(paths: usize, recorded_months: usize) -> u128 {
    let summary = std::mem::size_of::<PathSummary>() as u128;
    let record = std::mem::size_of::<MonthRecord>() as u128;
    paths as u128 * (summary + recorded_months as u128 * record)
}

/// Checked before anything is allocated: `paths` from 1 to
/// [`MAX_PATHS`], and [`memory_needed`] within the memory the system
/// says is available (where it says so: Linux's `/proc/meminfo`).
///
/// # Errors
/// What is wrong, to be printed after the option's name.
pub fn check_paths(paths: usize, recorded_months: usize) -> std::result::Result<(), String> {
    if !(1..=MAX_PATHS).contains(&paths) {
        return Err(format!("expected 1 to {MAX_PATHS} paths, found {paths}"));
    }
    let need = memory_needed(paths, recorded_months);
    if let Some(available) = available_memory()
        && need > available
    {
        let gb = |b: u128| b as f64 / 1e9;
        return Err(format!(
            "{paths} paths need about {:.1} GB of memory, and {:.1} GB is available; run fewer paths",
            gb(need),
            gb(available)
        ));
    }
    Ok(())
}

/// `MemAvailable` of `/proc/meminfo`, in bytes.
fn available_memory() -> Option<u128> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u128 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

impl Engine {
    /// An engine from `start` (its holdings, history, policy and market)
    /// with `simulation`'s paths, seed and horizon; `None` when the start
    /// has no market.
    pub fn new(start: &Start, simulation: Simulation) -> Option<Engine> {
        let model = start.market()?.clone();
        let factors = start.equity_factors()?;
        let fund = start.managed();
        let h = fund.holdings();
        let (mut equity, mut mix) = ([0.0; 2], [0.0; 2]);
        for ((amount, weight), factor) in h.equity.iter().zip(&h.equity_mix).zip(&factors) {
            let bucket = usize::from(*factor != SWEDISH_EQUITY);
            equity[bucket] += amount;
            mix[bucket] += weight;
        }
        let buckets = Holdings {
            equity: equity.to_vec(),
            fixed_income: vec![h.fixed_income_value()],
            equity_mix: mix.to_vec(),
            fixed_income_mix: vec![1.0],
        };
        let policy = start.policy();
        let prototype = Managed::new(policy, buckets, fund.window().clone());
        Some(Engine {
            kernels: model.kernels(),
            model,
            start_value: prototype.value(),
            prototype,
            simulation,
            rebuild_cap: policy.target - policy.up_headroom,
            vectors: Vectors::detect(),
            yardstick: None,
            start_equity: [equity[0], equity[1]],
        })
    }

    /// The engine with `yardstick` as the floor its paths' month-ends are
    /// measured against ([`PathSummary::yardstick_breach_month`]).
    pub fn with_yardstick(self, yardstick: Yardstick) -> Engine {
        Engine { yardstick: Some(yardstick), ..self }
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
        if self.simulation.variance_reduction {
            return self.run_reduced(progress);
        }
        let months = self.simulation.horizon_months;
        let mut paths = vec![PathSummary::default(); self.simulation.paths];
        let histograms = paths
            .par_chunks_mut(BLOCK)
            .enumerate()
            .fold(
                || {
                    let h = MonthHistograms::new(months, self.start_value);
                    let ends = MonthEnds::new(h.binning(), months, BLOCK);
                    (h, ends)
                },
                |(mut h, mut ends), (block, slots)| {
                    for (g, group) in slots.chunks_mut(LANES).enumerate() {
                        let first = (block * BLOCK + g * LANES) as u64;
                        let reduce = Reduce { layout: self.layout(), extras: &mut [], record: &mut [] };
                        self.group(first, group, &mut ends, g * LANES, None, &mut [], reduce);
                    }
                    ends.add_to(&mut h, slots.len());
                    progress(slots.len());
                    (h, ends)
                },
            )
            .map(|(h, _)| h)
            .reduce(|| MonthHistograms::new(months, self.start_value), MonthHistograms::merge);
        Outcome { paths, months: histograms, reduced: None }
    }

    /// The layout of the run's paths: antithetic pairs under variance
    /// reduction.
    fn layout(&self) -> Layout {
        if self.simulation.variance_reduction { Layout::Antithetic } else { Layout::Plain }
    }

    /// [`Engine::run`] with variance reduction: the paths in antithetic
    /// pairs, each with its control variate, and then the tail paths
    /// ([`TAIL_SHARE`] as many) under [`TAIL_TILT`], when there is one. Progress counts the
    /// pairs' paths only.
    fn run_reduced(&self, progress: &(dyn Fn(usize) + Sync)) -> Outcome {
        let months = self.simulation.horizon_months;
        let n = self.simulation.paths;
        let mut paths = vec![PathSummary::default(); n];
        let mut extras = vec![(0.0, 0.0); n];
        let histograms = paths
            .par_chunks_mut(BLOCK)
            .zip(extras.par_chunks_mut(BLOCK))
            .enumerate()
            .fold(
                || {
                    let h = MonthHistograms::new(months, self.start_value);
                    let ends = MonthEnds::new(h.binning(), months, BLOCK);
                    (h, ends)
                },
                |(mut h, mut ends), (block, (slots, extras))| {
                    for (g, (group, extras)) in
                        slots.chunks_mut(LANES).zip(extras.chunks_mut(LANES)).enumerate()
                    {
                        let first = (block * BLOCK + g * LANES) as u64;
                        let reduce = Reduce { layout: Layout::Antithetic, extras, record: &mut [] };
                        self.group(first, group, &mut ends, g * LANES, None, &mut [], reduce);
                    }
                    ends.add_to(&mut h, slots.len());
                    progress(slots.len());
                    (h, ends)
                },
            )
            .map(|(h, _)| h)
            .reduce(|| MonthHistograms::new(months, self.start_value), MonthHistograms::merge);
        let tail = TAIL_TILT
            .map_or_else(Vec::new, |t| self.tail_paths(((n as f64 * TAIL_SHARE) as usize).max(LANES), t));
        let control_mean = self.model.expected_equity_growth(months).map(|[s, g]| {
            let [a, b] = self.start_equity;
            a * s + b * g
        });
        let split = TAIL_SPLITTING.map_or_else(Vec::new, |levels| {
            self.split_roots(TAIL_STREAMS, ((n as f64 * SPLIT_SHARE) as usize).max(2), levels)
        });
        let controls = extras.into_iter().map(|(c, _)| c).collect();
        let reduced = Reduced { controls, control_mean, tail, split };
        Outcome { paths, months: histograms, reduced: Some(reduced) }
    }

    /// `count` paths under the tilt `tilt`, each summary with its log
    /// likelihood ratio; their month-ends are not kept.
    pub fn tail_paths(&self, count: usize, tilt: Tilt) -> Vec<(PathSummary, f64)> {
        let months = self.simulation.horizon_months;
        let mut out = vec![(PathSummary::default(), 0.0); count];
        out.par_chunks_mut(BLOCK).enumerate().for_each(|(block, slots)| {
            let mut ends = MonthEnds::new(MonthHistograms::new(1, self.start_value).binning(), months, BLOCK);
            let mut summaries = [PathSummary::default(); LANES];
            let mut extras = [(0.0, 0.0); LANES];
            for (g, group) in slots.chunks_mut(LANES).enumerate() {
                let live = group.len();
                let first = TAIL_STREAMS + (block * BLOCK + g * LANES) as u64;
                let reduce =
                    Reduce { layout: Layout::Tilted(tilt), extras: &mut extras[..live], record: &mut [] };
                self.group(first, &mut summaries[..live], &mut ends, g * LANES, None, &mut [], reduce);
                for (slot, (s, (_, lw))) in group.iter_mut().zip(summaries.iter().zip(extras)) {
                    *slot = (*s, lw);
                }
            }
        });
        out
    }

    /// The run's statistics: [`crate::stats::summarize`], or under
    /// variance reduction [`crate::stats::summarize_reduced`].
    pub fn stats(&self, outcome: &Outcome) -> crate::stats::PortfolioStats {
        let months = self.simulation.horizon_months;
        match &outcome.reduced {
            Some(r) => crate::stats::summarize_reduced(&outcome.paths, r, self.start_value, months),
            None => crate::stats::summarize(&outcome.paths, self.start_value, months),
        }
    }

    /// Runs every path with `schedule`'s flows, and returns with the
    /// outcome the recorded month-ends, path by path:
    /// `records[path * k + j]` is path `path`'s `j`-th recorded month of
    /// `k`.
    pub fn run_scheduled(
        &self,
        schedule: &dyn Schedule,
        progress: &(dyn Fn(usize) + Sync),
    ) -> (Outcome, Vec<MonthRecord>) {
        let months = self.simulation.horizon_months;
        let k = schedule.recorded_months().len();
        // At least one slot a path, so the chunks pair with the paths'.
        let slots = k.max(1);
        let mut paths = vec![PathSummary::default(); self.simulation.paths];
        let mut records = vec![MonthRecord::default(); self.simulation.paths * slots];
        let histograms = paths
            .par_chunks_mut(BLOCK)
            .zip(records.par_chunks_mut(BLOCK * slots))
            .enumerate()
            .fold(
                || {
                    let h = MonthHistograms::new(months, self.start_value);
                    let ends = MonthEnds::new(h.binning(), months, BLOCK);
                    (h, ends)
                },
                |(mut h, mut ends), (block, (group_slots, kept))| {
                    for (g, (group, kept)) in
                        group_slots.chunks_mut(LANES).zip(kept.chunks_mut(LANES * slots)).enumerate()
                    {
                        let first = (block * BLOCK + g * LANES) as u64;
                        self.group(first, group, &mut ends, g * LANES, Some(schedule), kept, Reduce::plain());
                    }
                    ends.add_to(&mut h, group_slots.len());
                    progress(group_slots.len());
                    (h, ends)
                },
            )
            .map(|(h, _)| h)
            .reduce(|| MonthHistograms::new(months, self.start_value), MonthHistograms::merge);
        records.truncate(self.simulation.paths * k);
        (Outcome { paths, months: histograms, reduced: None }, records)
    }

    /// Simulates path `path` alone, adding its month-ends to `months` (a
    /// group whose other lanes repeat it: the cost of a group).
    pub fn path(&self, path: u64, months: &mut MonthHistograms) -> PathSummary {
        let mut out = [PathSummary::default()];
        self.paths(path, &mut out, months);
        out[0]
    }

    /// Simulates paths `first ..` into `out`, one to [`LANES`] of them side
    /// by side, adding their month-ends to `months`.
    ///
    /// # Panics
    /// If `out` holds no path or more than [`LANES`].
    pub fn paths(&self, first: u64, out: &mut [PathSummary], months: &mut MonthHistograms) {
        let mut ends = MonthEnds::new(months.binning(), months.months(), out.len());
        self.group(
            first,
            out,
            &mut ends,
            0,
            None,
            &mut [],
            Reduce { layout: self.layout(), extras: &mut [], record: &mut [] },
        );
        ends.add_to(months, out.len());
    }

    /// Simulates paths `first ..` into `out` (at most [`LANES`] of them)
    /// side by side, keeping their month-end figures in `ends` from column
    /// `column` on, with `schedule`'s flows and its recorded month-ends in
    /// `kept` (path by path).
    #[allow(clippy::too_many_arguments, reason = "a group's inputs and outputs, each named")]
    fn group(
        &self,
        first: u64,
        out: &mut [PathSummary],
        ends: &mut MonthEnds,
        column: usize,
        schedule: Option<&dyn Schedule>,
        kept: &mut [MonthRecord],
        reduce: Reduce<'_>,
    ) {
        assert!(!out.is_empty() && out.len() <= LANES, "a group holds 1 to {LANES} paths");
        // A run without flows compiles without their code, so its loop is
        // the one it was before flows existed.
        if schedule.is_some() {
            self.group_of::<true>(first, out, ends, column, schedule, kept, reduce);
        } else {
            self.group_of::<false>(first, out, ends, column, None, kept, reduce);
        }
    }

    /// [`Engine::group`] for the processor's vector width and the market's
    /// plainness; `FLOWS` when there is a schedule.
    #[allow(clippy::too_many_arguments, reason = "a group's inputs and outputs, each named")]
    fn group_of<const FLOWS: bool>(
        &self,
        first: u64,
        out: &mut [PathSummary],
        ends: &mut MonthEnds,
        column: usize,
        schedule: Option<&dyn Schedule>,
        kept: &mut [MonthRecord],
        reduce: Reduce<'_>,
    ) {
        let plain = self.model.is_plain();
        match (self.vectors, plain) {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Vectors::detect` found the features on this processor.
            (Vectors::Avx512, true) => unsafe {
                self.group_avx512::<true, FLOWS>(first, out, ends, column, schedule, kept, reduce)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx512, false) => unsafe {
                self.group_avx512::<false, FLOWS>(first, out, ends, column, schedule, kept, reduce)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx2, true) => unsafe {
                self.group_avx2::<true, FLOWS>(first, out, ends, column, schedule, kept, reduce)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx2, false) => unsafe {
                self.group_avx2::<false, FLOWS>(first, out, ends, column, schedule, kept, reduce)
            },
            (Vectors::Baseline, true) => {
                self.group_with::<true, FLOWS>(first, out, ends, column, schedule, kept, reduce)
            }
            (Vectors::Baseline, false) => {
                self.group_with::<false, FLOWS>(first, out, ends, column, schedule, kept, reduce)
            }
        }
    }

    /// [`Engine::group_with`] compiled for AVX-512 (the same operations,
    /// so the same bits).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx2")]
    #[allow(clippy::too_many_arguments, reason = "a group's inputs and outputs, each named")]
    unsafe fn group_avx512<const PLAIN: bool, const FLOWS: bool>(
        &self,
        first: u64,
        out: &mut [PathSummary],
        ends: &mut MonthEnds,
        column: usize,
        schedule: Option<&dyn Schedule>,
        kept: &mut [MonthRecord],
        reduce: Reduce<'_>,
    ) {
        self.group_with::<PLAIN, FLOWS>(first, out, ends, column, schedule, kept, reduce);
    }

    /// [`Engine::group_with`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    #[allow(clippy::too_many_arguments, reason = "a group's inputs and outputs, each named")]
    unsafe fn group_avx2<const PLAIN: bool, const FLOWS: bool>(
        &self,
        first: u64,
        out: &mut [PathSummary],
        ends: &mut MonthEnds,
        column: usize,
        schedule: Option<&dyn Schedule>,
        kept: &mut [MonthRecord],
        reduce: Reduce<'_>,
    ) {
        self.group_with::<PLAIN, FLOWS>(first, out, ends, column, schedule, kept, reduce);
    }

    /// A group's paths from start to horizon; `PLAIN` for a plain market
    /// ([`MarketModel::is_plain`]), whose days carry none of the options'
    /// branches.
    #[inline(always)]
    #[allow(clippy::too_many_arguments, reason = "a group's inputs and outputs, each named")]
    fn group_with<const PLAIN: bool, const FLOWS: bool>(
        &self,
        first: u64,
        out: &mut [PathSummary],
        ends: &mut MonthEnds,
        column: usize,
        schedule: Option<&dyn Schedule>,
        kept: &mut [MonthRecord],
        reduce: Reduce<'_>,
    ) {
        let model = &self.model;
        let constants = model.day_constants();
        let days = model.trading_days_per_month;
        let horizon = self.simulation.horizon_months;
        let live = out.len();
        // Lanes past the live paths repeat the last one and are not counted.
        let mut draws =
            MonthDraws::with_layout(model, self.simulation.seed, first..first + live as u64, reduce.layout);
        // The unmanaged equity's growth, for the control variate.
        let keep_extras = !reduce.extras.is_empty();
        let (mut held_swedish, mut held_global) = (Wide([1.0; LANES]), Wide([1.0; LANES]));
        // The factors' levels, for a recorded run (the scenario export).
        let recording = !reduce.record.is_empty();
        let mut levels = record::Levels::start();
        let mut rates = Rates::<Wide>::start(model);
        let mut fleet =
            Fleet::new(&self.prototype, Check::Daily, self.start_value, horizon, self.yardstick.as_ref());
        if recording {
            self.record_start(reduce.record, live);
        }

        let zero = Wide::splat(0.0);
        let mut returns =
            vec![DayReturns { swedish_equity: zero, global_equity: zero, fixed_income: zero }; days];
        let mut day_count = 0;
        let recorded = schedule.map_or(&[][..], |s| s.recorded_months());
        let mut next_record = 0;
        for month in 0..horizon {
            // Flows at the month boundary: every lane's book is in step
            // with its holdings here (the rule closed the month-end).
            if let Some(s) = schedule.filter(|s| FLOWS && s.has_flow(month)) {
                fleet.flows(s, month, &rates.log_price_index);
            }
            // A month's draws (each lane's stream in its own order), then
            // the month's days on the whole group.
            draws.next::<PLAIN>(model, &self.kernels, month);
            let coefficients = draws.coefficients(&self.kernels);
            for (d, r) in draws.days().iter().zip(returns.iter_mut()) {
                *r = rates.apply::<PLAIN>(
                    &coefficients,
                    &constants,
                    model,
                    day_count,
                    d.n,
                    d.inflation,
                    d.spread,
                );
                if keep_extras {
                    held_swedish = held_swedish * r.swedish_equity;
                    held_global = held_global * r.global_equity;
                }
                if recording {
                    levels.day(r, coefficients.fx_log_return(&d.n));
                }
                day_count += 1;
            }
            fleet.days(&returns, month);
            let figures = fleet.month_end(month, &rates.log_price_index);
            ends.set_group(month, column, live, &figures);
            if recording {
                let end =
                    record::MonthEnd { month: month + 1, levels: &levels, rates: &rates, draws: &draws };
                end.write(reduce.record, live, horizon, figures[0], figures[1]);
            }
            if FLOWS && recorded.get(next_record) == Some(&month) {
                fleet.keep(
                    live,
                    &rates.log_price_index,
                    self.start_value,
                    &mut kept[next_record..],
                    recorded.len(),
                );
                next_record += 1;
            }
        }
        fleet.finish(out, horizon, &rates.log_price_index);
        let [swedish, global] = self.start_equity;
        for (i, extra) in reduce.extras.iter_mut().enumerate() {
            *extra = (swedish * held_swedish.0[i] + global * held_global.0[i], draws.log_weight().0[i]);
        }
    }
}

/// One rule portfolio on a group's eight lanes: each lane's book (the
/// rule's `Managed`, its record and month-end tally), the lanes' hot
/// state side by side, and under a schedule each lane's net flows paid in
/// and units held (one at the start; a flow buys or sells units at the
/// moment's unit value). The group steps one fleet; a shared pass
/// ([`Engine::run_shared`]) steps several on the same month's returns.
#[derive(Debug, Clone)]
struct Fleet {
    policy: crate::rule::Policy,
    check: Check,
    books: [Book; LANES],
    hot: Hot,
    paid: [f64; LANES],
    units: [f64; LANES],
}

impl Fleet {
    /// Eight lanes of `prototype`'s portfolio at the start, checked as
    /// `check` says, their month-ends measured against `yardstick` too.
    fn new(
        prototype: &Managed,
        check: Check,
        start_value: f64,
        horizon: usize,
        yardstick: Option<&Yardstick>,
    ) -> Fleet {
        let policy = *prototype.policy();
        let rebuild_cap = policy.target - policy.up_headroom;
        let books: [Book; LANES] = std::array::from_fn(|_| Book {
            fund: prototype.clone(),
            record: PathRecord::new(start_value),
            tally: MonthTally::new(start_value, rebuild_cap, horizon).with_yardstick(yardstick),
            out: PathSummary::default(),
        });
        let mut hot = Hot {
            swedish: Wide::splat(0.0),
            global: Wide::splat(0.0),
            fixed: Wide::splat(0.0),
            floor: Wide::splat(0.0),
            peak: Wide::splat(0.0),
            max_drawdown: Wide::splat(0.0),
            worst_floor_ratio: Wide::splat(0.0),
            min_margin: Wide::splat(0.0),
        };
        for (i, book) in books.iter().enumerate() {
            hot.load(i, book);
        }
        Fleet { policy, check, books, hot, paid: [0.0; LANES], units: [1.0; LANES] }
    }

    /// A schedule's flows at the start of `month`, lane by lane (out of
    /// line: at most once a month, and the group's loop stays as small as
    /// it was). Every lane's book is in step with its holdings here (the
    /// rule closed the month-end).
    #[inline(never)]
    fn flows(&mut self, s: &dyn Schedule, month: usize, log_index: &Wide) {
        for (i, book) in self.books.iter_mut().enumerate() {
            let amount = s.flow(month, book.fund.value(), log_index.0[i]);
            if amount != 0.0 {
                let (p, factor) = book.apply_flow(amount);
                self.paid[i] += p;
                self.units[i] *= factor;
                self.hot.load(i, book);
            }
        }
    }

    /// The days of `month`, whose gross returns are `returns`: the
    /// compounding and the quiet-day tests on all lanes at once, and a full
    /// close for a lane whose day is not quiet. On a day the check does not
    /// look (the rule checked weekly or monthly), nothing is traded: a lane
    /// is quiet unless it breaches, and a breaching lane is measured
    /// (`Managed::quiet_day`), as [`RuleSteer`] measures it.
    #[inline(always)]
    fn days(&mut self, returns: &[DayReturns<Wide>], month: usize) {
        let (policy, hot, books) = (&self.policy, &mut self.hot, &mut self.books);
        let days = returns.len();
        for (day, r) in returns.iter().enumerate() {
            hot.swedish = hot.swedish * r.swedish_equity;
            hot.global = hot.global * r.global_equity;
            hot.fixed = hot.fixed * r.fixed_income;

            let month_end = day + 1 == days;
            let check = self.check.is_check_day(month * days + day, month_end);
            // The sums in the order `Holdings` takes them.
            let equity = hot.swedish + hot.global;
            let value = equity + hot.fixed;
            // A lane is quiet when the rule has nothing to do: no month
            // end, nothing to sell (or no check), no breach. A quiet lane's
            // day changes its record's extremes at most; a plain one (the
            // usual day: no new lowest margin) only as its value moves the
            // high and the drawdown, here, as one vector; the others
            // observe the day lane by lane.
            let mut quiet = [false; LANES];
            let mut plain = [false; LANES];
            if !month_end {
                for i in 0..LANES {
                    let (e, v, f) = (equity.0[i], value.0[i], hot.floor.0[i]);
                    let sells = check & policy.exceeds_max_equity(e, v, f);
                    let q = !sells & (v >= f) & (v > 0.0);
                    let mut x = hot.extremes(i);
                    let p = q & x.is_plain(v, f);
                    x.observe_close(v);
                    hot.peak.0[i] = if p { x.peak } else { hot.peak.0[i] };
                    hot.max_drawdown.0[i] = if p { x.max_drawdown } else { hot.max_drawdown.0[i] };
                    quiet[i] = q;
                    plain[i] = p;
                }
            }
            if plain.iter().any(|p| !p) {
                for i in (0..LANES).filter(|&i| !plain[i]) {
                    if quiet[i] {
                        let (v, f) = (value.0[i], hot.floor.0[i]);
                        let mut e = hot.extremes(i);
                        e.observe(v, f, v);
                        hot.set_extremes(i, e);
                    } else {
                        close(&mut books[i], hot, i, month as u32, month_end, check);
                    }
                }
            }
        }
    }

    /// The end of `month`, after its last day: every lane closed the month
    /// end in full, and its holdings and floor are back in `hot`, so the
    /// month's figures (value, equity share, margin, floor) are one vector
    /// each, in the rule's own formulas; each lane's tally takes them.
    #[inline(always)]
    fn month_end(&mut self, month: usize, log_index: &Wide) -> [Wide; 4] {
        let (hot, books) = (&self.hot, &mut self.books);
        let equity = hot.swedish + hot.global;
        let value = equity + hot.fixed;
        let share = Wide::from_fn(|i| equity_share(equity.0[i], value.0[i]));
        let margin = Wide::from_fn(|i| crate::rule::margin(value.0[i], hot.floor.0[i]));
        let figures = [value, share, margin, hot.floor];
        // Every lane's tally is as long as the others', so their rolling
        // windows fill together, and their real growth is one vector.
        let rolling = books[0].tally.rolling_start().map(|_| {
            let starts: [(f64, f64); LANES] = std::array::from_fn(|i| {
                books[i].tally.rolling_start().expect("invariant: every lane's tally is as long")
            });
            let then = Wide::from_fn(|i| starts[i].0);
            let index_then = Wide::from_fn(|i| starts[i].1);
            real_growth(value, then, *log_index, index_then)
        });
        for (i, book) in books.iter_mut().enumerate() {
            let (value, equity) = (value.0[i], share.0[i]);
            let out = &mut book.out;
            if month == 2 {
                out.equity_share_3m = equity;
            }
            if month == 11 {
                out.value_12m = value;
                out.equity_share_12m = equity;
            }
            let growth = rolling.map(|g| g.0[i]);
            book.tally.month_end_grown(month as u32, value, equity, log_index.0[i], growth, out);
        }
        figures
    }

    /// The month-end figures of the first `live` lanes into `kept`, path
    /// `i`'s at `kept[i * k]`.
    #[inline(never)]
    fn keep(&self, live: usize, log_index: &Wide, start_value: f64, kept: &mut [MonthRecord], k: usize) {
        for (i, book) in self.books[..live].iter().enumerate() {
            let value = book.fund.value();
            kept[i * k] = MonthRecord {
                value,
                log_price_index: log_index.0[i],
                flows: self.paid[i],
                unit_value: value / (self.units[i] * start_value),
            };
        }
    }

    /// The first `out.len()` lanes' summaries at the horizon.
    fn finish(self, out: &mut [PathSummary], horizon: usize, log_index: &Wide) {
        let Fleet { mut books, hot, .. } = self;
        // Every lane closed the horizon's last day in full, so the books
        // hold their extremes; storing them once more costs nothing.
        for (i, book) in books.iter_mut().enumerate() {
            hot.store(i, book);
        }
        for ((slot, book), log_index) in out.iter_mut().zip(books).zip(log_index.0) {
            *slot = book.finish(horizon, log_index);
        }
    }
}

/// Closes a day in full on lane `i`: the rule's `close_day` on its
/// holdings (on a day the check does not look, the day measured, nothing
/// traded), the record, the first breach and the first down-weighting.
#[inline(never)]
fn close(book: &mut Book, hot: &mut Hot, i: usize, month: u32, month_end: bool, check: bool) {
    hot.store(i, book);
    book.fund.set_amounts(&[hot.swedish.0[i], hot.global.0[i]], &[hot.fixed.0[i]]);
    let d = if check {
        book.fund.close_day(month_end)
    } else {
        let h = book.fund.holdings();
        let equity = h.equity_value();
        book.fund.quiet_day(equity, equity + h.fixed_income_value())
    };
    book.record.observe(&d);
    if d.breach_depth().is_some() && book.out.first_breach_month.is_none() {
        book.out.first_breach_month = Some(month);
    }
    if let Some(t) = &d.down {
        book.tally.down_weighted(month, t.equity_before);
    }
    hot.load(i, book);
}

impl Book {
    /// A net flow through the rule's flow adjustment; the record's peak
    /// and the rolling windows' values follow it, so they keep measuring
    /// the return net of flows. Returns what was paid and the factor
    /// `(V + c) / V` the portfolio moved by (one from an empty portfolio).
    fn apply_flow(&mut self, amount: f64) -> (f64, f64) {
        let before = self.fund.value();
        let paid = amount - self.fund.apply_flow(amount);
        let mut factor = 1.0;
        if before > 0.0 {
            factor = (before + paid) / before;
            self.record.scale(factor);
            self.tally.scale(factor);
        }
        (paid, factor)
    }

    /// The path's summary at the horizon.
    fn finish(self, horizon: usize, log_price_index: f64) -> PathSummary {
        let Book { fund, record, tally, out } = self;
        finish(fund.value(), fund.equity_share(), &record, &tally, out, horizon, log_price_index)
    }
}

/// A path's summary at the horizon, from its final value and equity share,
/// its record and its month-end tally.
fn finish(
    value: f64,
    equity_share: f64,
    record: &PathRecord,
    tally: &MonthTally,
    mut out: PathSummary,
    horizon: usize,
    log_price_index: f64,
) -> PathSummary {
    out.final_value = value;
    out.final_log_price_index = log_price_index;
    if horizon < 3 {
        out.equity_share_3m = equity_share;
    }
    if horizon < 12 {
        out.value_12m = out.final_value;
        out.equity_share_12m = equity_share;
    }
    out.worst_breach = record.worst_breach;
    out.downweights = record.downweights;
    out.upweights = record.upweights;
    out.traded = record.traded;
    out.costs = record.costs;
    out.max_drawdown = record.max_drawdown();
    out.min_margin = record.min_margin();
    out.downweighted = tally.first_down.is_some();
    out.first_downweight_month = tally.first_down.map(|(month, _)| month);
    out
}

/// Month-end figures of a block of paths, binned as they come and kept
/// until the block is done, then added to the histograms month by month:
/// one month's rows of the histograms stay in cache while a whole block's
/// figures go in, where adding each path's months as it finished them
/// would walk all 3.4 MB of counts once a path.
#[derive(Debug, Clone)]
struct MonthEnds {
    binning: Binning,
    width: usize,
    /// `bins[month * width + column]`: value, equity share, margin, floor.
    bins: Vec<[u16; 4]>,
}

impl MonthEnds {
    fn new(binning: Binning, months: usize, width: usize) -> MonthEnds {
        MonthEnds { binning, width, bins: vec![[0; 4]; months * width] }
    }

    /// A group's figures for `month` (`figures[series][lane]`), its first
    /// `live` lanes in columns `column ..`.
    #[inline(always)]
    fn set_group(&mut self, month: usize, column: usize, live: usize, figures: &[Wide; 4]) {
        let bins = self.binning.bins_of_group(figures.map(|w| w.0));
        let row = &mut self.bins[month * self.width + column..][..live];
        for (i, slot) in row.iter_mut().enumerate() {
            *slot = [bins[0][i], bins[1][i], bins[2][i], bins[3][i]];
        }
    }

    /// Adds the first `columns` paths' figures to `months`.
    fn add_to(&self, months: &mut MonthHistograms, columns: usize) {
        for (month, row) in self.bins.chunks_exact(self.width).enumerate() {
            for bins in &row[..columns] {
                months.add_bins(month, *bins);
            }
        }
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
    /// `(1 + REAL_RETURN_TARGET)^5`, real growth over a rolling window
    /// that meets the target.
    target_growth: f64,
    /// The highest month-end value so far, the start included.
    month_high: f64,
    /// The high a crash fell from, once there was one.
    crash_high: Option<f64>,
    /// The yardstick's window and `1 - max_drawdown`, when measured.
    yardstick: Option<(crate::rule::MonthEndWindow, f64)>,
}

impl MonthTally {
    fn new(start_value: f64, rebuild_cap: f64, months: usize) -> MonthTally {
        let mut history = Vec::with_capacity(months + 1);
        history.push((start_value, 0.0));
        let target_growth = (1.0 + REAL_RETURN_TARGET).powi((ROLLING_MONTHS / 12) as i32);
        MonthTally {
            first_down: None,
            low_streak: 0,
            rebuild_cap,
            history,
            target_growth,
            month_high: start_value,
            crash_high: None,
            yardstick: None,
        }
    }

    /// The tally measuring month-ends against `y` as well, if given.
    fn with_yardstick(self, y: Option<&Yardstick>) -> MonthTally {
        MonthTally { yardstick: y.map(|y| (y.window.clone(), y.floor_share())), ..self }
    }

    /// A flow that scaled the portfolio by `factor`: past values scale with
    /// it, so a rolling window's growth is the return net of flows.
    fn scale(&mut self, factor: f64) {
        for (value, _) in &mut self.history {
            *value *= factor;
        }
    }

    /// A down-weighting in `month` from share `equity_before`; only the
    /// first counts.
    fn down_weighted(&mut self, month: u32, equity_before: f64) {
        self.first_down.get_or_insert((month, equity_before));
    }

    /// The end of `month` at `value`, equity share `equity` and log price
    /// index `log_index`.
    fn month_end(&mut self, month: u32, value: f64, equity: f64, log_index: f64, out: &mut PathSummary) {
        let growth =
            self.rolling_start().map(|(then, index_then)| real_growth(value, then, log_index, index_then));
        self.month_end_grown(month, value, equity, log_index, growth, out);
    }

    /// The value and log price index at the start of the rolling window
    /// the next month-end closes, once the path is that long.
    #[inline(always)]
    fn rolling_start(&self) -> Option<(f64, f64)> {
        let months = self.history.len();
        (months >= ROLLING_MONTHS).then(|| self.history[months - ROLLING_MONTHS])
    }

    /// [`MonthTally::month_end`] with the rolling window's real growth
    /// ([`real_growth`]) already taken, when the window is full: a group
    /// takes its lanes' at once.
    fn month_end_grown(
        &mut self,
        month: u32,
        value: f64,
        equity: f64,
        log_index: f64,
        real_growth: Option<f64>,
        out: &mut PathSummary,
    ) {
        if let Some((start, before)) = self.first_down {
            self.low_streak = if equity < CASH_LOCK_SHARE { self.low_streak + 1 } else { 0 };
            out.cash_lock |= self.low_streak >= CASH_LOCK_MONTHS;
            if out.months_to_rebuild.is_none() && equity >= before.min(self.rebuild_cap) - SHARE_EPSILON {
                out.months_to_rebuild = Some(month - start);
            }
        }
        match (self.crash_high, out.crash_month) {
            (None, _) if value <= (1.0 - CRASH_FALL) * self.month_high => {
                self.crash_high = Some(self.month_high);
                out.crash_month = Some(month);
            }
            (Some(high), Some(start)) if out.months_to_recover.is_none() && value >= high => {
                out.months_to_recover = Some(month - start);
            }
            _ => {}
        }
        self.month_high = self.month_high.max(value);
        if let Some((window, keep)) = &mut self.yardstick {
            if out.yardstick_breach_month.is_none() && value < *keep * window.high() {
                out.yardstick_breach_month = Some(month);
            }
            window.push(value);
        }
        self.history.push((value, log_index));
        if let Some(growth) = real_growth {
            // The real return a year is at least the target when the real
            // growth over five years is at least (1 + target)^5: no root.
            out.rolling_windows += 1;
            out.rolling_hits += u32::from(growth >= self.target_growth);
        }
    }
}

/// Real growth from a month-end worth `then` at log price index
/// `index_then` to one worth `value` at `log_index`: for one path or a
/// group's lanes, with the same bits in each.
#[inline(always)]
fn real_growth<T: Real>(value: T, then: T, log_index: T, index_then: T) -> T {
    (value / then) / (log_index - index_then).exp()
}

mod record;
mod scalar;
mod shared;
mod split;

pub use record::{SCENARIO_VARIABLES, ScenarioSet, check_export, export_memory_needed};
pub use scalar::{Check, LanesFactory, Ledgers, RuleSteer, Steer, SteerFactory, SteerLanes};
pub use shared::{Carry, Run};
pub use split::Level;

#[cfg(test)]
mod tests;
