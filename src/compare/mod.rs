//! `pensionsim compare`: strategies side by side on the same simulated
//! futures (common random numbers), each figure with its difference from
//! the first strategy and a 95 % interval from the paired per-path
//! differences.
//!
//! The rule checked daily runs on the engine's group (its fast path), once
//! a rule strategy; everything else (the rule checked weekly or monthly,
//! a static mix, buy and hold, CPPI, TIPP) runs in the engine's scalar
//! mode, all on one pass over the paths. Both modes draw a path's market
//! from the path's own stream in the same order, so every strategy sees
//! the same market bit for bit (tested), and both carry the pension
//! obligation's flows ([`consolidation`]). The rule decides only through
//! `rule::Managed`; the other strategies are in [`steer`].

pub mod consolidation;
mod gather;
pub mod metrics;
pub mod steer;
pub mod strategy;

use crate::engine::{Engine, PathSummary, Steer, SteerFactory};
use crate::error::{Error, Result};
use crate::scenario::{Scenario, Simulation};

pub use gather::{CompareResults, Settings, gather};
pub use metrics::{Figure, Metric, Unit, evaluate, metrics};
pub use strategy::{Cushion, Kind, Strategy, choose, default_set, parse};

/// Makes a strategy's portfolio at the start of a path, for the engine's
/// scalar mode.
pub type Made = Box<dyn Fn() -> Box<dyn Steer> + Sync>;

/// `kind`'s portfolio on `scenario`'s start, for the scalar mode: the rule
/// (checked as `kind` says) from the start with its policy, any other
/// strategy from the engine's buckets, measured against the scenario's
/// policy's floor.
///
/// # Errors
/// [`Error::Usage`] when the scenario has no `[market]`.
pub fn made(scenario: &Scenario, kind: &Kind) -> Result<Made> {
    let start = scenario.start();
    let simulation = Simulation { paths: 1, ..scenario.simulation() };
    let no_market =
        || Error::Usage(format!("{}: a comparison needs a [market] section", scenario.path().display()));
    Ok(match *kind {
        Kind::Rule { policy, check } => {
            let rule =
                Engine::new(&start.with_policy(policy), simulation).ok_or_else(no_market)?.rule_steer(check);
            Box::new(move || Box::new(rule.clone()))
        }
        kind => {
            let base = Engine::new(&start, simulation).ok_or_else(no_market)?;
            let mixed = steer::Mixed::new(
                &kind,
                base.start_holdings(),
                scenario.policy(),
                base.start_window().clone(),
            )
            .unwrap_or_else(|| unreachable!("a rule is matched above"));
            Box::new(move || Box::new(mixed.clone()))
        }
    })
}

/// The paths of every strategy.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub strategies: Vec<Strategy>,
    /// `paths[s][p]`: strategy `s` on path `p`.
    pub paths: Vec<Vec<PathSummary>>,
    /// Today's holdings never traded, on the same paths: the yardstick of
    /// the cost of protection.
    pub buy_and_hold: Vec<PathSummary>,
    pub start_value: f64,
    pub simulation: Simulation,
    /// The scenario's policy, whose floor the strategies that are not the
    /// rule are measured against.
    pub yardstick: crate::rule::Policy,
}

/// Runs `strategies` on `scenario`'s market for `simulation`'s paths,
/// seed and horizon. `progress` is called with paths done; the total is
/// [`work`]`(strategies) × paths`.
///
/// # Errors
/// [`Error::Usage`] when the scenario has no `[market]` or no strategy is
/// given.
pub fn simulate(
    scenario: &Scenario,
    strategies: &[Strategy],
    simulation: Simulation,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<Comparison> {
    let no_market =
        || Error::Usage(format!("{}: a comparison needs a [market] section", scenario.path().display()));
    if strategies.is_empty() {
        return Err(Error::Usage("no strategy to compare".into()));
    }
    // Every strategy is measured at month ends against the scenario's floor.
    let start = scenario.start();
    let yardstick = crate::engine::Yardstick::of(&start);
    let base = Engine::new(&start, simulation).ok_or_else(no_market)?.with_yardstick(yardstick.clone());
    let engine_for = |policy| {
        let variant = start.clone().with_policy(policy);
        Engine::new(&variant, simulation).map(|e| e.with_yardstick(yardstick.clone())).ok_or_else(no_market)
    };

    // Everything the scalar mode runs, with the strategy it belongs to;
    // the reference buy-and-hold last.
    let mut steered: Vec<Made> = Vec::new();
    let mut owner = Vec::new();
    let mut paths: Vec<Option<Vec<PathSummary>>> = vec![None; strategies.len()];
    for (i, s) in strategies.iter().enumerate() {
        match s.kind {
            Kind::Rule { policy, check: crate::engine::Check::Daily } => {
                paths[i] = Some(engine_for(policy)?.run(progress).paths);
            }
            kind => {
                steered.push(made(scenario, &kind)?);
                owner.push(Some(i));
            }
        }
    }
    steered.push(made(scenario, &Kind::BuyAndHold)?);
    owner.push(None);

    let factories: Vec<SteerFactory<'_>> = steered.iter().map(|f| f.as_ref() as SteerFactory<'_>).collect();
    let mut results = base.run_steered(&factories, progress);
    let buy_and_hold = results.pop().unwrap_or_default();
    for (result, o) in results.into_iter().zip(owner) {
        if let Some(i) = o {
            paths[i] = Some(result);
        }
    }
    Ok(Comparison {
        strategies: strategies.to_vec(),
        paths: paths.into_iter().map(|p| p.unwrap_or_else(|| unreachable!("every strategy ran"))).collect(),
        buy_and_hold,
        start_value: base.start_value(),
        simulation,
        yardstick: scenario.policy(),
    })
}

/// How many passes over the paths [`simulate`] makes: one a rule
/// checked daily, and one for all the rest.
pub fn work(strategies: &[Strategy]) -> usize {
    1 + strategies
        .iter()
        .filter(|s| matches!(s.kind, Kind::Rule { check: crate::engine::Check::Daily, .. }))
        .count()
}

#[cfg(test)]
mod tests;
