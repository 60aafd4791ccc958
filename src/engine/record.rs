//! The scenario set: a run's paths recorded month end by month end, every
//! factor's level and the portfolio under the rule, as an economic
//! scenario generator hands its futures to an actuary's or an ALM
//! consultant's own tools (docs/scenario-export.md).
//!
//! The recording is a second pass of the run's own paths on the group
//! engine: the same streams, the same layout (antithetic pairs under
//! variance reduction) and the same arithmetic, so each path's figures
//! are those the run reported (tested against its summaries, bit for
//! bit). A run without the export keeps no levels: the group checks one
//! flag a day and a month, and its figures do not change.

use ndarray::Array3;
use rayon::prelude::*;

use super::{BLOCK, Engine, MonthEnds, PathSummary, Reduce};
use crate::draws::MonthDraws;
use crate::lanes::{LANES, Real, Wide};
use crate::market::{DayReturns, Rates};
use crate::stats::MonthHistograms;

/// The variables of a scenario set, the last axis in this order: the
/// equity indices (Swedish; global in SEK as the portfolio holds it, the
/// unhedged share of the dollar's move included), SEK per USD and the
/// fixed-income index, each 1 on the valuation date; the short rate, the
/// credit spread and the inflation rate (a year, as fractions); the price
/// index (KPI, 1 on the valuation date); the regime (0-based); the
/// portfolio's value (mkr) and its equity share under the rule.
pub const SCENARIO_VARIABLES: [&str; VARIABLES] = [
    "swedish_equity",
    "global_equity_sek",
    "sek_per_usd",
    "fixed_income",
    "short_rate",
    "credit_spread",
    "inflation",
    "price_index",
    "regime",
    "portfolio_value",
    "equity_share",
];

/// How many variables a month end holds.
const VARIABLES: usize = 11;

/// The largest scenario set an export holds, in bytes, whatever memory
/// the system says it has: its CSV is about three times as large on disk.
pub const MAX_EXPORT_BYTES: u128 = 1 << 36;

/// A run's paths recorded at each month end.
#[derive(Debug, Clone)]
pub struct ScenarioSet {
    /// `values[[path, month, variable]]`: month 0 is the valuation date,
    /// month `m` the `m`-th month end after it; the variables in
    /// [`SCENARIO_VARIABLES`]'s order.
    pub values: Array3<f64>,
    /// Each path's summary, as the run gives it.
    pub paths: Vec<PathSummary>,
}

/// Slots a path takes in a recording: its month ends, the valuation
/// date's included, times the variables.
pub(super) fn per_path(months: usize) -> usize {
    (months + 1) * VARIABLES
}

/// Bytes a scenario set of `paths` paths over `months` months holds: its
/// values (`paths × (months + 1) × variables × 8`) and a summary a path.
pub fn export_memory_needed(paths: usize, months: usize) -> u128 {
    let values = paths as u128 * per_path(months) as u128 * std::mem::size_of::<f64>() as u128;
    values + super::memory_needed(paths, 0)
}

/// Checked before anything is allocated: the scenario set of `paths`
/// paths over `months` months within `MAX_EXPORT_BYTES` (64 GiB) and within the
/// memory the system says is available, as [`super::check_paths`] checks
/// a run.
///
/// # Errors
/// What is wrong and what to change, to be printed after the option's
/// name.
pub fn check_export(paths: usize, months: usize) -> std::result::Result<(), String> {
    let need = export_memory_needed(paths, months);
    let gb = |b: u128| b as f64 / 1e9;
    let size = format!(
        "{paths} paths × {} month ends × {VARIABLES} variables need about {:.1} GB of memory",
        months + 1,
        gb(need)
    );
    let fewer = "export fewer paths (--paths) or fewer months (--horizon-months)";
    if need > MAX_EXPORT_BYTES {
        return Err(format!("{size}, above the export's limit of {:.1} GB; {fewer}", gb(MAX_EXPORT_BYTES)));
    }
    if let Some(available) = super::available_memory()
        && need > available
    {
        return Err(format!("{size}, and {:.1} GB is available; {fewer}", gb(available)));
    }
    Ok(())
}

/// A group's factor levels since the valuation date: the equity and
/// fixed-income indices (products of the days' gross returns) and the
/// log of SEK per USD (a sum of the days' log changes).
pub(super) struct Levels {
    swedish: Wide,
    global: Wide,
    fixed: Wide,
    log_fx: Wide,
}

impl Levels {
    pub(super) fn start() -> Levels {
        let one = Wide::splat(1.0);
        Levels { swedish: one, global: one, fixed: one, log_fx: Wide::splat(0.0) }
    }

    /// A day's returns `r` and the currency's log change `fx`.
    #[inline(always)]
    pub(super) fn day(&mut self, r: &DayReturns<Wide>, fx: Wide) {
        self.swedish = self.swedish * r.swedish_equity;
        self.global = self.global * r.global_equity;
        self.fixed = self.fixed * r.fixed_income;
        self.log_fx = self.log_fx + fx;
    }
}

/// A group's month end, as recorded.
pub(super) struct MonthEnd<'a> {
    /// Months since the valuation date (1 for the first month end).
    pub month: usize,
    pub levels: &'a Levels,
    pub rates: &'a Rates<Wide>,
    pub draws: &'a MonthDraws,
}

impl MonthEnd<'_> {
    /// The month end's row of each of the first `live` lanes into
    /// `record` (path by path, [`per_path`] slots each), the portfolio at
    /// `value` with equity share `share`.
    #[inline(never)]
    pub(super) fn write(&self, record: &mut [f64], live: usize, horizon: usize, value: Wide, share: Wide) {
        let fx = self.levels.log_fx.exp();
        let price_index = self.rates.log_price_index.exp();
        for (i, path) in record.chunks_exact_mut(per_path(horizon)).take(live).enumerate() {
            let row = &mut path[self.month * VARIABLES..][..VARIABLES];
            row.copy_from_slice(&[
                self.levels.swedish.0[i],
                self.levels.global.0[i],
                fx.0[i],
                self.levels.fixed.0[i],
                self.rates.short_rate.0[i],
                self.rates.spread.0[i],
                self.rates.inflation.0[i],
                price_index.0[i],
                self.draws.regime(i) as f64,
                value.0[i],
                share.0[i],
            ]);
        }
    }
}

impl Engine {
    /// The valuation date's row (month 0) of each of the first `live`
    /// paths of a group into `record`.
    pub(super) fn record_start(&self, record: &mut [f64], live: usize) {
        let rates = Rates::<f64>::start(&self.model);
        let row = [
            1.0,
            1.0,
            1.0,
            1.0,
            rates.short_rate,
            rates.spread,
            rates.inflation,
            1.0,
            self.model.start_clock().regime as f64,
            self.start_value,
            self.prototype.equity_share(),
        ];
        let per_path = per_path(self.simulation.horizon_months);
        for path in record.chunks_exact_mut(per_path).take(live) {
            path[..VARIABLES].copy_from_slice(&row);
        }
    }

    /// The run's paths recorded at every month end: the paths
    /// [`Engine::run`] runs (the same streams and layout, so the same
    /// summaries), with each one's factor levels and portfolio. Check
    /// [`check_export`] before calling: this allocates
    /// [`export_memory_needed`]. `progress` is called with the number of
    /// paths each finished block held.
    pub fn scenario_set(&self, progress: &(dyn Fn(usize) + Sync)) -> ScenarioSet {
        let months = self.simulation.horizon_months;
        let n = self.simulation.paths;
        let per_path = per_path(months);
        let mut paths = vec![PathSummary::default(); n];
        let mut values = vec![0.0; n * per_path];
        let binning = MonthHistograms::new(1, self.start_value).binning();
        paths.par_chunks_mut(BLOCK).zip(values.par_chunks_mut(BLOCK * per_path)).enumerate().for_each(
            |(block, (slots, record))| {
                let mut ends = MonthEnds::new(binning, months, BLOCK);
                for (g, (group, record)) in
                    slots.chunks_mut(LANES).zip(record.chunks_mut(LANES * per_path)).enumerate()
                {
                    let first = (block * BLOCK + g * LANES) as u64;
                    let reduce = Reduce { layout: self.layout(), extras: &mut [], record };
                    self.group(first, group, &mut ends, g * LANES, None, &mut [], reduce);
                }
                progress(slots.len());
            },
        );
        let values = Array3::from_shape_vec((n, months + 1, VARIABLES), values)
            .expect("invariant: a path's slots are its months times the variables");
        ScenarioSet { values, paths }
    }
}
