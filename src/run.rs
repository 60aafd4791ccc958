//! `pensionsim run`'s figures, gathered from one scenario into one
//! [`RunResults`], as [`crate::periodic::gather`] gathers the periodic
//! report's: today's position, the Monte Carlo run of the rule, the model
//! beside history, the loans' and the liquidity's outlooks on the run's
//! paths, the consolidation outlook with its deposit search, and today's
//! portfolio through the historical crashes ([`crate::stress::crashes`]).
//!
//! Every parallel step runs on the caller's rayon pool: call [`gather`]
//! inside `pool.install` to choose the threads. Nothing here prints or
//! writes; [`Progress`] tells the caller how far the run is.

use std::time::Instant;

use crate::debt::simulate::Outlook as DebtOutlook;
use crate::debt::{Breaches, KeyFigures};
use crate::engine::{Engine, ScenarioSet};
use crate::error::Result;
use crate::liquidity::simulate::Outlook as LiquidityOutlook;
use crate::market::implied::{BesideHistory, beside_history};
use crate::obligations::{DEPOSIT_PROBABILITIES, Outlook, outlook, solve_deposits};
use crate::prices::PriceSeries;
use crate::replay::{FixedIncome, Replay, ReplayConfig, replay};
use crate::rule::Position;
use crate::scenario::Scenario;
use crate::start::{Simulation, Start};
use crate::stats::{MonthHistograms, PortfolioStats};
use crate::stress::crashes::{CRASHES, Crash};

/// What a run is asked for beyond the scenario.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The scenario's `[simulation]` with the command line's overrides.
    pub simulation: Simulation,
    /// Paths of the deposit search of an `[obligations]` scenario, at
    /// most the run's (0: no search).
    pub search_paths: usize,
    /// The annual rate fixed income earns during the crashes.
    pub fi_rate: f64,
}

/// The step a run has reached, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The Monte Carlo run of this many paths starts; [`Progress::paths`]
    /// counts them.
    MonteCarlo { paths: usize },
    /// The consolidation outlook and the deposit search start.
    Consolidation,
    /// Nothing long is left.
    Done,
}

/// Callbacks a caller sees the run's progress through.
pub struct Progress<'a> {
    pub stage: &'a (dyn Fn(Stage) + Sync),
    /// Paths of the Monte Carlo run finished, a batch at a time.
    pub paths: &'a (dyn Fn(usize) + Sync),
}

impl Progress<'_> {
    /// No display.
    pub const NONE: Progress<'static> = Progress { stage: &|_| {}, paths: &|_| {} };
}

/// A finished Monte Carlo run.
#[derive(Debug, Clone)]
pub struct MonteCarlo {
    pub simulation: Simulation,
    /// Worker threads of the pool it ran on.
    pub threads: usize,
    pub elapsed_seconds: f64,
    pub stats: PortfolioStats,
    pub months: MonthHistograms,
}

/// The model beside history and the seconds it took.
#[derive(Debug, Clone)]
pub struct Beside {
    pub figures: BesideHistory,
    pub elapsed_seconds: f64,
}

/// The loan book today: its key figures, their breaches of the finance
/// policy and the maturity profile the report shows.
#[derive(Debug, Clone)]
pub struct DebtToday {
    pub key_figures: KeyFigures,
    pub breaches: Breaches,
    pub maturity_profile: Vec<f64>,
}

/// Today's portfolio through one historical crash.
#[derive(Debug, Clone)]
pub struct CrashReplay {
    pub crash: Crash,
    pub replay: Replay,
}

/// Everything `pensionsim run` shows and writes.
#[derive(Debug, Clone)]
pub struct RunResults {
    pub position: Position,
    /// `None` without a `[market]`.
    pub monte_carlo: Option<MonteCarlo>,
    pub beside: Option<Beside>,
    /// With a `[debt]`.
    pub debt: Option<DebtToday>,
    /// With a `[debt]` and a `[market]`, on the run's paths.
    pub debt_outlook: Option<DebtOutlook>,
    /// With a `[liquidity]` and a `[market]`, on the run's paths and seed.
    pub liquidity: Option<LiquidityOutlook>,
    /// With an `[obligations]` and a `[market]`.
    pub obligations: Option<Outlook>,
    pub crashes: Vec<CrashReplay>,
}

/// Gathers every figure of `pensionsim run` on `scenario`, replaying the
/// crashes on `prices` (a daily index series).
///
/// # Errors
/// A crash window the series does not cover.
pub fn gather(
    scenario: &Scenario,
    prices: &PriceSeries,
    settings: Settings,
    progress: &Progress<'_>,
) -> Result<RunResults> {
    let position = scenario.managed().position();
    let start = scenario.start();
    let monte_carlo = monte_carlo(&start, settings.simulation, progress);
    let beside = scenario.market().map(|model| {
        let started = Instant::now();
        let figures = beside_history(model, scenario.market_history(), settings.simulation.seed);
        Beside { figures, elapsed_seconds: started.elapsed().as_secs_f64() }
    });
    let simulation = monte_carlo.as_ref().map(|mc| mc.simulation);
    let debt_outlook = match (scenario.debt(), simulation) {
        (Some(debt), Some(simulation)) => crate::debt::simulate::outlook_from(&start, debt, simulation),
        _ => None,
    };
    let liquidity = liquidity(scenario, &start, simulation);
    let obligations = consolidation(scenario, &start, settings, progress);
    Ok(RunResults {
        position,
        monte_carlo,
        beside,
        debt: scenario.debt().map(|d| {
            let key_figures = d.book.key_figures();
            DebtToday {
                key_figures,
                breaches: key_figures.breaches(&d.policy),
                maturity_profile: d.book.maturity_profile(crate::debt::PROFILE_YEARS),
            }
        }),
        debt_outlook,
        liquidity,
        obligations,
        crashes: crashes(scenario, prices, settings.fi_rate)?,
    })
}

/// The scenario's Monte Carlo run; `None` without a `[market]`.
fn monte_carlo(start: &Start, simulation: Simulation, progress: &Progress<'_>) -> Option<MonteCarlo> {
    let engine = Engine::new(start, simulation)?;
    (progress.stage)(Stage::MonteCarlo { paths: simulation.paths });
    let started = Instant::now();
    let outcome = engine.run(progress.paths);
    let elapsed_seconds = started.elapsed().as_secs_f64();
    (progress.stage)(Stage::Done);
    let stats = engine.stats(&outcome);
    Some(MonteCarlo {
        simulation,
        threads: rayon::current_num_threads(),
        elapsed_seconds,
        stats,
        months: outcome.months,
    })
}

/// The run's paths recorded month end by month end for
/// `--export-scenarios` (docs/scenario-export.md): the same paths, seed
/// and layout as [`gather`]'s Monte Carlo run, so the same figures, run
/// a second time with every factor's level kept; `None` without a
/// `[market]`. `paths` is called with the paths each finished block
/// held. Check [`crate::engine::check_export`] first: this allocates
/// the whole set.
pub fn scenario_set(
    scenario: &Scenario,
    simulation: Simulation,
    paths: &(dyn Fn(usize) + Sync),
) -> Option<ScenarioSet> {
    Some(Engine::new(&scenario.start(), simulation)?.scenario_set(paths))
}

/// The liquidity forecast on the run's paths and seed, after the loans.
fn liquidity(scenario: &Scenario, start: &Start, simulation: Option<Simulation>) -> Option<LiquidityOutlook> {
    crate::liquidity::simulate::outlook_from(
        start,
        scenario.liquidity()?,
        scenario.debt(),
        scenario.obligations(),
        simulation?,
    )
}

/// The consolidation outlook of a scenario with `[obligations]` and a
/// `[market]`: the run's paths and seed over the scenario's own horizon,
/// and the deposit search on at most the run's paths.
fn consolidation(
    scenario: &Scenario,
    start: &Start,
    settings: Settings,
    progress: &Progress<'_>,
) -> Option<Outlook> {
    let obligations = scenario.obligations()?;
    scenario.market()?;
    (progress.stage)(Stage::Consolidation);
    let simulation = Simulation {
        paths: settings.simulation.paths,
        seed: settings.simulation.seed,
        ..scenario.simulation()
    };
    let mut o = outlook(start, obligations, simulation, &|_| {});
    let search_paths = settings.search_paths.min(simulation.paths);
    if let Some(o) = &mut o
        && search_paths > 0
    {
        o.deposit_search =
            solve_deposits(start, obligations, search_paths, simulation.seed, &DEPOSIT_PROBABILITIES);
    }
    (progress.stage)(Stage::Done);
    o
}

/// Today's portfolio, its high and its floor through each crash, fixed
/// income earning `fi_rate`.
fn crashes(scenario: &Scenario, prices: &PriceSeries, fi_rate: f64) -> Result<Vec<CrashReplay>> {
    let managed = scenario.managed();
    CRASHES
        .iter()
        .map(|&crash| {
            let config = ReplayConfig {
                from: Some(crash.from),
                to: Some(crash.to),
                start_value: managed.value(),
                start_equity: managed.equity_share(),
                policy: scenario.policy(),
                fixed_income: FixedIncome::Rate(fi_rate),
                window: Some(scenario.window()),
            };
            Ok(CrashReplay { crash, replay: replay(prices, &config)? })
        })
        .collect()
}
