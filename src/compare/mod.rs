//! `pensionsim compare`: strategies side by side on the same simulated
//! futures (common random numbers), each figure with its difference from
//! the first strategy and a 95 % interval from the paired per-path
//! differences.
//!
//! Every strategy steps on one pass of each path's market, the engine's
//! shared pass ([`Engine::run_shared`]): a group of eight paths draws a
//! month once, and the rule (checked daily, weekly or monthly) steps on
//! its returns on the group's lanes, and so does everything else (a
//! static mix, buy and hold, CPPI, TIPP: [`steer::MixedLanes`], each
//! lane with the bits of its own [`steer::Mixed`]). So every strategy sees the same
//! market bit for bit (tested), with the bits a separate run gives it,
//! and the pension obligation's flows go through each strategy's own
//! flow adjustment ([`consolidation`]). The rule decides only through
//! `rule::Managed`; the other strategies are in [`steer`].

pub mod consolidation;
mod gather;
pub mod metrics;
pub mod steer;
pub mod strategy;

use crate::engine::{Carry, Engine, PathSummary, RuleSteer, Steer, SteerLanes};
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
            let mixed = mixed(scenario, &kind)?;
            Box::new(move || Box::new(mixed.clone()))
        }
    })
}

/// `kind`'s portfolio, not a rule, on `scenario`'s start, measured
/// against the scenario's policy's floor.
///
/// # Errors
/// [`Error::Usage`] when the scenario has no `[market]`.
fn mixed(scenario: &Scenario, kind: &Kind) -> Result<steer::Mixed> {
    let simulation = Simulation { paths: 1, ..scenario.simulation() };
    let base = Engine::new(&scenario.start(), simulation).ok_or_else(|| {
        Error::Usage(format!("{}: a comparison needs a [market] section", scenario.path().display()))
    })?;
    let window = base.start_window().clone();
    Ok(steer::Mixed::new(kind, base.start_holdings(), scenario.policy(), window)
        .unwrap_or_else(|| unreachable!("a rule is matched before")))
}

/// Makes eight lanes of a strategy's portfolio at the start of a group,
/// for the engine's shared pass.
pub type MadeLanes = Box<dyn Fn() -> Box<dyn SteerLanes> + Sync>;

/// A strategy's portfolio for the engine's shared pass: the rule from
/// the start with the strategy's policy, checked as it says, or any other
/// strategy's eight lanes ([`steer::MixedLanes`]).
pub enum Portfolio {
    Rule(Box<RuleSteer>),
    Lanes(MadeLanes),
}

impl Portfolio {
    /// `kind`'s portfolio on `scenario`'s start.
    ///
    /// # Errors
    /// [`Error::Usage`] when the scenario has no `[market]`.
    pub fn of(scenario: &Scenario, kind: &Kind) -> Result<Portfolio> {
        Ok(match *kind {
            Kind::Rule { policy, check } => {
                let start = scenario.start().with_policy(policy);
                let simulation = Simulation { paths: 1, ..scenario.simulation() };
                let engine = Engine::new(&start, simulation).ok_or_else(|| {
                    Error::Usage(format!(
                        "{}: a comparison needs a [market] section",
                        scenario.path().display()
                    ))
                })?;
                Portfolio::Rule(Box::new(engine.rule_steer(check)))
            }
            kind => {
                let mixed = mixed(scenario, &kind)?;
                Portfolio::Lanes(Box::new(move || Box::new(steer::MixedLanes::new(&mixed))))
            }
        })
    }

    /// What the shared pass carries.
    pub fn carry(&self) -> Carry<'_> {
        match self {
            Portfolio::Rule(rule) => Carry::Rule(rule),
            Portfolio::Lanes(make) => Carry::Lanes(make.as_ref()),
        }
    }
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
/// seed and horizon, on one pass over the paths. `progress` is called
/// with paths done; the total is the paths.
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
    let base = Engine::new(&start, simulation).ok_or_else(no_market)?.with_yardstick(yardstick);

    // Every strategy's portfolio on one pass, and the reference buy and
    // hold: a strategy's own when one is buy and hold, else one more.
    let mut portfolios =
        strategies.iter().map(|s| Portfolio::of(scenario, &s.kind)).collect::<Result<Vec<_>>>()?;
    let reference = strategies.iter().position(|s| matches!(s.kind, Kind::BuyAndHold));
    if reference.is_none() {
        portfolios.push(Portfolio::of(scenario, &Kind::BuyAndHold)?);
    }
    let carries: Vec<Carry<'_>> = portfolios.iter().map(Portfolio::carry).collect();
    let mut paths: Vec<Vec<PathSummary>> =
        base.run_shared(&carries, None, progress).into_iter().map(|(p, _)| p).collect();
    let buy_and_hold = match reference {
        Some(i) => paths[i].clone(),
        None => paths.pop().unwrap_or_default(),
    };
    Ok(Comparison {
        strategies: strategies.to_vec(),
        paths,
        buy_and_hold,
        start_value: base.start_value(),
        simulation,
        yardstick: scenario.policy(),
    })
}

#[cfg(test)]
mod tests;
