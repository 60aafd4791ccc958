//! The road to full consolidation, strategy by strategy: for a scenario
//! with `[obligations]`, the probability that the consolidation ratio is
//! at least 100 % at the end of the target year under each strategy, with
//! the paired 95 % interval of its difference from the first strategy,
//! and (when asked, it is slow) the deposit a year that reaches 100 % by
//! the target year with [`DEPOSIT_PROBABILITY`].
//!
//! Nothing here models the obligation: each strategy's figures are the
//! obligations library's own ([`ratios_at_target`], the outlook's
//! per-path ratios, and [`solve_deposits`], its deposit search) run on
//! the scenario with the strategy's policy in place of the scenario's.
//! Every strategy runs on the same paths from the same seed (common
//! random numbers), so the paired differences carry little noise.
//!
//! Deposits and withdrawals go through the engine's group, which runs
//! the rule checked daily. A strategy the group cannot run (the rule
//! checked weekly or monthly, a static mix, buy and hold, CPPI, TIPP:
//! the scalar mode, which carries no flows) is reported as not computed,
//! with the reason, never with a number.

use serde::Serialize;

use super::metrics::{Figure, Z95};
use super::{Kind, Strategy};
use crate::engine::Check;
use crate::obligations::{Denominator, ratios_at_target, solve_deposits};
use crate::scenario::Scenario;
use crate::stats::{mean_se, probability};

/// The probability the deposit search of a comparison answers for.
pub const DEPOSIT_PROBABILITY: f64 = 0.75;

/// Why a strategy has no consolidation figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotComputed {
    /// The strategy runs in the engine's scalar mode, which carries no
    /// deposits or withdrawals.
    NoFlows,
}

impl NotComputed {
    /// The reason, in English, as `compare.json` gives it.
    pub fn reason(self) -> &'static str {
        match self {
            NotComputed::NoFlows => {
                "deposits and withdrawals run only with the rule checked daily (the engine's group); \
                 this strategy runs in the scalar mode, which carries no flows"
            }
        }
    }
}

/// The consolidation figures of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Consolidation {
    pub target_year: i32,
    pub denominator: Denominator,
    /// Paths and seed of the probability of 100 % at the target year.
    pub paths: usize,
    pub seed: u64,
    /// The deposit search's setting, when it ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposit_search: Option<SearchSetting>,
    /// One entry a strategy, in the order given.
    pub strategies: Vec<StrategyConsolidation>,
}

/// How the deposits were searched for.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SearchSetting {
    pub probability: f64,
    pub paths: usize,
    /// Deposits each January from `first_year` through `last_year` (the
    /// target year), in place of the scenario's plan.
    pub first_year: i32,
    pub last_year: i32,
}

/// One strategy's consolidation figures.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrategyConsolidation {
    pub name: String,
    /// Why there are no figures; absent when computed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_computed: Option<NotComputed>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_computed_reason: Option<&'static str>,
    /// The probability that the ratio is at least 100 % at the end of the
    /// target year with the scenario's deposit plan; its difference from
    /// the first strategy's is the mean of the per-path differences of
    /// the indicator, with `mean ± 1.96 sd / sqrt(n)`.
    pub p_full_at_target: Option<Figure>,
    /// The deposit a year that reaches 100 % with the search's probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposits: Option<Deposits>,
}

/// The least deposit a year that reaches 100 % by the target year with
/// the search's probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Deposits {
    /// Mkr a year; `None` if no level up to the search's limit does (or
    /// the strategy was not computed).
    pub yearly: Option<f64>,
    /// `yearly` times the number of deposits.
    pub total: Option<f64>,
    /// The share of the search's paths that reach 100 % at that level.
    pub achieved: Option<f64>,
    /// `yearly` less the first strategy's (the same paths; no interval).
    pub diff: Option<f64>,
    /// Monte Carlo runs the search made.
    pub runs: usize,
}

/// Whether the obligations' flows can run under `kind`: the rule checked
/// daily, on the engine's group.
pub fn computable(kind: &Kind) -> Option<crate::rule::Policy> {
    match kind {
        Kind::Rule { policy, check: Check::Daily } => Some(*policy),
        _ => None,
    }
}

/// The paths [`consolidation`] runs for the probability: `paths` a
/// computable strategy.
pub fn work(strategies: &[Strategy], paths: usize) -> usize {
    strategies.iter().filter(|s| computable(&s.kind).is_some()).count() * paths
}

/// The consolidation figures of `strategies` on `scenario`, `paths` paths
/// from `seed`; with `deposit_paths`, the deposit search on that many
/// paths too. `progress` is called with paths done (see [`work`]). `None`
/// without a `[market]` or an `[obligations]`.
pub fn consolidation(
    scenario: &Scenario,
    strategies: &[Strategy],
    paths: usize,
    seed: u64,
    deposit_paths: Option<usize>,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Consolidation> {
    let ob = scenario.obligations()?;
    scenario.market()?;
    let start = scenario.start();
    // Each path's indicator of 100 % or more, a computable strategy.
    let mut hits: Vec<Option<Vec<f64>>> = Vec::with_capacity(strategies.len());
    let mut searched = Vec::with_capacity(strategies.len());
    for s in strategies {
        let Some(policy) = computable(&s.kind) else {
            hits.push(None);
            searched.push(None);
            continue;
        };
        let variant = start.clone().with_policy(policy);
        let ratios = ratios_at_target(&variant, ob, paths, seed, progress)?;
        hits.push(Some(ratios.iter().map(|r| if *r >= 1.0 { 1.0 } else { 0.0 }).collect()));
        searched.push(match deposit_paths {
            Some(n) => Some(solve_deposits(&variant, ob, n, seed, &[DEPOSIT_PROBABILITY])?),
            None => None,
        });
    }
    let first = hits[0].clone();
    let first_yearly = searched[0].as_ref().and_then(|d| d.answers[0].yearly);
    let setting = searched.iter().flatten().next().map(|d| SearchSetting {
        probability: DEPOSIT_PROBABILITY,
        paths: d.paths,
        first_year: d.first_year,
        last_year: d.last_year,
    });
    let rows = strategies
        .iter()
        .zip(hits.iter().zip(&searched))
        .map(|(s, (h, d))| {
            let Some(h) = h else {
                let why = NotComputed::NoFlows;
                return StrategyConsolidation {
                    name: s.name.clone(),
                    not_computed: Some(why),
                    not_computed_reason: Some(why.reason()),
                    p_full_at_target: None,
                    deposits: None,
                };
            };
            // As the outlook counts it: hits over paths, `sqrt(p (1 - p) / n)`.
            let value = probability(h.iter().filter(|x| **x == 1.0).count(), h.len());
            let diff = first.as_ref().map(|f| mean_se(h.iter().zip(f).map(|(a, b)| a - b)));
            let deposits = d.as_ref().map(|d| {
                let a = d.answers[0];
                Deposits {
                    yearly: a.yearly,
                    total: a.total,
                    achieved: a.achieved,
                    diff: a.yearly.zip(first_yearly).map(|(x, y)| x - y),
                    runs: d.runs,
                }
            });
            StrategyConsolidation {
                name: s.name.clone(),
                not_computed: None,
                not_computed_reason: None,
                p_full_at_target: Some(Figure {
                    value: Some(value.value),
                    se: Some(value.se),
                    diff: diff.map(|d| d.value),
                    diff_lo: diff.map(|d| d.value - Z95 * d.se),
                    diff_hi: diff.map(|d| d.value + Z95 * d.se),
                }),
                deposits,
            }
        })
        .collect();
    Some(Consolidation {
        target_year: ob.target_year,
        denominator: ob.denominator,
        paths,
        seed,
        deposit_search: setting,
        strategies: rows,
    })
}
