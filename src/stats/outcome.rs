//! What a run leaves behind: a [`PathSummary`] a path, in path order,
//! and the month-end distributions ([`Outcome`]). The engine fills them
//! (and re-exports them); they live here, below it, so that the
//! statistics read them without importing the engine.

use super::MonthHistograms;

/// What one path leaves behind.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PathSummary {
    pub final_value: f64,
    /// Value at the end of month 12 (the final value for shorter horizons).
    pub value_12m: f64,
    /// Month (0-based) of the first day under the floor.
    pub first_breach_month: Option<u32>,
    /// Deepest breach `(F - V) / F`.
    pub worst_breach: f64,
    pub downweights: u32,
    pub upweights: u32,
    pub traded: f64,
    pub costs: f64,
    pub max_drawdown: f64,
    pub min_margin: f64,
    /// Equity share under 10 % for 12 month-ends or more in a row after a
    /// down-weighting.
    pub cash_lock: bool,
    /// Whether the path down-weighted at all.
    pub downweighted: bool,
    /// Month (0-based) of the first down-weighting.
    pub first_downweight_month: Option<u32>,
    /// Equity share at the end of month 3 and month 12 (the final share
    /// for shorter horizons).
    pub equity_share_3m: f64,
    pub equity_share_12m: f64,
    /// Months from the first down-weighting until the equity share is back
    /// at its level before it (or at the most the rule's up-weighting can
    /// reach, target less headroom, if that is lower).
    pub months_to_rebuild: Option<u32>,
    /// Rolling five-year windows ending in this path's month-ends, and how
    /// many of them earned at least the real-return target.
    pub rolling_windows: u32,
    pub rolling_hits: u32,
    /// Log of the price index at the horizon (zero at the start), for
    /// real returns.
    pub final_log_price_index: f64,
    /// Month (0-based) of the first crash: the first month-end value at
    /// least [`crate::engine::CRASH_FALL`] below the highest month-end value before it
    /// (the start value counts).
    pub crash_month: Option<u32>,
    /// Months from the crash's month-end to the first month-end value at
    /// or above that earlier high; `None` if it did not come back within
    /// the horizon (or there was no crash).
    pub months_to_recover: Option<u32>,
    /// Month (0-based) of the first month-end whose value is under the
    /// engine's [`crate::engine::Yardstick`] floor, when it has one.
    pub yardstick_breach_month: Option<u32>,
}

/// The run's raw result: a summary a path, in path order, and the
/// month-end distributions.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub paths: Vec<PathSummary>,
    pub months: MonthHistograms,
    /// What variance reduction leaves beside the paths (`None` when off):
    /// the paths are then antithetic pairs.
    pub reduced: Option<Reduced>,
}

/// A variance-reduced run's extra figures (docs/variance-reduction.md).
#[derive(Debug, Clone, PartialEq)]
pub struct Reduced {
    /// Path by path, the control variate: the start's equity holdings
    /// held unmanaged to the horizon, mkr.
    pub controls: Vec<f64>,
    /// The control's expectation in closed form; `None` where the model
    /// has none (non-Gaussian shocks), and then no control is used.
    pub control_mean: Option<f64>,
    /// The paths drawn under the importance-sampling tilt, each with its
    /// log likelihood ratio `ln dP/dQ`: the tail figures' sample.
    pub tail: Vec<(PathSummary, f64)>,
    /// The multilevel-splitting pass's roots, in order: the tail figures'
    /// sample when the run splits (`engine::TAIL_SPLITTING`).
    pub split: Vec<RootTail>,
}

/// The tail figures of one root path of multilevel splitting
/// (docs/variance-reduction.md): the weighted sums over its leaves of the
/// indicators of a breach within 12 months, a breach within the horizon
/// and a cash lock (each an unbiased estimate of its probability), and the
/// days its branches simulated (the work).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RootTail {
    pub breach_12m: f64,
    pub breach_horizon: f64,
    pub cash_lock: f64,
    pub days: u64,
}
