//! `pensionsim compare`'s figures gathered into one [`CompareResults`]:
//! the strategies on the same futures, their figures with paired
//! intervals, their order, each one's statistics, and with
//! `[obligations]` their roads to 100 % consolidation. Call [`gather`]
//! inside the caller's rayon pool.

use std::time::Instant;

use super::consolidation::{self, Consolidation};
use super::{Comparison, Figure, Strategy, evaluate, metrics, simulate};
use crate::error::{Error, Result};
use crate::scenario::{Scenario, Simulation};
use crate::stats::{PortfolioStats, summarize};

/// What a comparison is asked for beyond the scenario and its strategies.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The scenario's `[simulation]` with the command line's overrides.
    pub simulation: Simulation,
    /// The metric to rank by, best first (a key of [`metrics()`]).
    pub rank_by: String,
    /// Paths of the consolidation figures (0: none).
    pub obligation_paths: usize,
    /// Paths of the deposit search, when it runs.
    pub deposit_paths: Option<usize>,
}

impl Settings {
    /// Path runs [`gather`] reports through its `progress`, for a bar's
    /// length.
    pub fn work(&self, strategies: &[Strategy]) -> usize {
        self.simulation.paths + consolidation::work(strategies, self.obligation_paths)
    }
}

/// Everything `pensionsim compare` shows and writes.
#[derive(Debug, Clone)]
pub struct CompareResults {
    pub comparison: Comparison,
    /// `figures[s][m]`: strategy `s`'s figure of metric `m` of [`metrics()`].
    pub figures: Vec<Vec<Figure>>,
    /// Strategy indices, best first by the settings' `rank_by`.
    pub order: Vec<usize>,
    /// Each strategy's statistics, as `run` computes a run's.
    pub stats: Vec<PortfolioStats>,
    pub consolidation: Option<Consolidation>,
    /// Worker threads of the pool it ran on.
    pub threads: usize,
    pub elapsed_seconds: f64,
    pub consolidation_elapsed_seconds: f64,
}

impl CompareResults {
    /// Strategy `s`'s place in the order, from 1.
    pub fn rank_of(&self, s: usize) -> usize {
        self.order.iter().position(|&o| o == s).unwrap_or(0) + 1
    }
}

/// Runs `strategies` on `scenario` as `settings` say; `progress` is
/// called with path runs done (see [`Settings::work`]).
///
/// # Errors
/// An unknown `rank_by`, or a strategy the engine cannot run.
pub fn gather(
    scenario: &Scenario,
    strategies: &[Strategy],
    settings: &Settings,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<CompareResults> {
    let simulation = settings.simulation;
    let started = Instant::now();
    let comparison = simulate(scenario, strategies, simulation, progress)?;
    let figures = evaluate(&comparison);
    let elapsed_seconds = started.elapsed().as_secs_f64();
    let consolidation = (settings.obligation_paths > 0)
        .then(|| {
            consolidation::consolidation(
                scenario,
                strategies,
                settings.obligation_paths,
                simulation.seed,
                settings.deposit_paths,
                progress,
            )
        })
        .flatten();
    let consolidation_elapsed_seconds = started.elapsed().as_secs_f64() - elapsed_seconds;
    let order = super::metrics::ranking(&figures, &settings.rank_by).ok_or_else(|| {
        let keys: Vec<&str> = metrics().iter().map(|m| m.key).collect();
        Error::Usage(format!("--rank-by: expected one of {}, found `{}`", keys.join(", "), settings.rank_by))
    })?;
    let stats = comparison
        .paths
        .iter()
        .map(|paths| summarize(paths, comparison.start_value, simulation.horizon_months))
        .collect();
    Ok(CompareResults {
        comparison,
        figures,
        order,
        stats,
        consolidation,
        threads: rayon::current_num_threads(),
        elapsed_seconds,
        consolidation_elapsed_seconds,
    })
}
