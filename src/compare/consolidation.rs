//! The road to full consolidation, strategy by strategy: for a scenario
//! with `[obligations]`, the probability that the consolidation ratio is
//! at least 100 % at the end of the target year under each strategy, with
//! the paired 95 % interval of its difference from the first strategy,
//! and (when asked, it is slow) the deposit a year that reaches 100 % by
//! the target year with [`DEPOSIT_PROBABILITY`].
//!
//! Nothing here models the obligation: each strategy's figures are the
//! obligations library's own ([`ratios_at_target_shared`], the outlook's
//! per-path ratios, and [`solve_deposits`], its deposit search) run on
//! the scenario with the strategy's policy in place of the scenario's.
//! Every strategy runs on the same paths from the same seed (common
//! random numbers), so the paired differences carry little noise.
//!
//! Deposits and withdrawals go through each strategy's own flow
//! adjustment, every strategy on one shared pass of the engine
//! ([`ratios_at_target_shared`]): the rule on the group's lanes, with the
//! bits the obligations library's own run gives it (as `pensionsim run`
//! makes it), every other strategy (a static mix, buy and hold, CPPI,
//! TIPP) lane by lane on the same market. The deposit search runs each
//! strategy on its own: the rule checked daily on the engine's group
//! ([`solve_deposits`]), every other strategy in the engine's scalar mode.
//! Every strategy has its figures.
//!
//! With the deposit search, each strategy also has its expected deposit:
//! the mean over the paths of each path's own deposit a year that brings
//! it to 100 % by the target year, with the paired 95 % interval of its
//! difference from the first strategy's; and the footnote names, among
//! the strategies at least as likely as the first to reach 100 % with
//! the scenario's plan, the one with the least expected deposit
//! ([`Consolidation::least_deposits`]).

use serde::Serialize;

use super::metrics::{Figure, Z95};
use super::{Kind, Strategy};
use crate::engine::{Carry, Check, SteerFactory};
use crate::obligations::{Denominator, ratios_at_target_shared, solve_deposits, solve_deposits_steered};
use crate::scenario::Scenario;
use crate::stats::interval::{Sample, probability_interval};
use crate::stats::{mean_se, probability};

/// The probability the deposit search of a comparison answers for.
pub const DEPOSIT_PROBABILITY: f64 = 0.75;

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
    /// The probability that the ratio is at least 100 % at the end of the
    /// target year with the scenario's deposit plan; its difference from
    /// the first strategy's is the mean of the per-path differences of
    /// the indicator, with `mean ± 1.96 sd / sqrt(n)`.
    pub p_full_at_target: Figure,
    /// The deposit a year that reaches 100 % with the search's probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposits: Option<Deposits>,
}

/// The least deposit a year that reaches 100 % by the target year with
/// the search's probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Deposits {
    /// Mkr a year; `None` if no level up to the search's limit does.
    pub yearly: Option<f64>,
    /// `yearly` times the number of deposits.
    pub total: Option<f64>,
    /// The share of the search's paths that reach 100 % at that level.
    pub achieved: Option<f64>,
    /// `yearly` less the first strategy's (the same paths; no interval).
    pub diff: Option<f64>,
    /// The expected deposit a year, mkr: the mean over the search's paths
    /// of each path's own deposit a year that brings it to 100 % by the
    /// target year (zero for a path there without deposits; the search's
    /// first guess, `obligations::DepositSearch::needs`), with its
    /// standard error, and its difference from the first strategy's as
    /// the mean of the per-path differences, `mean ± 1.96 sd / sqrt(n)`.
    /// `None` when some path cannot get there by deposits.
    pub need: Option<Figure>,
    /// Monte Carlo runs the search made.
    pub runs: usize,
}

/// The policy of a strategy whose deposit search runs on the engine's
/// group (the rule checked daily); `None`: the scalar mode runs it.
pub fn on_the_group(kind: &Kind) -> Option<crate::rule::Policy> {
    match kind {
        Kind::Rule { policy, check: Check::Daily } => Some(*policy),
        _ => None,
    }
}

/// The paths [`consolidation`] runs for the probability: `paths`, one
/// pass for every strategy.
pub fn work(strategies: &[Strategy], paths: usize) -> usize {
    if strategies.is_empty() { 0 } else { paths }
}

impl Consolidation {
    /// The strategy the table's footnote names, and its expected deposit a
    /// year: among the strategies at least as likely as the first to be
    /// at 100 % at the end of the target year with the scenario's plan
    /// (the same paths), the one with the least expected deposit
    /// ([`Deposits::need`]); ties: the first given. `None` without the
    /// deposit search or when none of them has an expected deposit.
    pub fn least_deposits(&self) -> Option<(usize, f64)> {
        let bar = self.strategies.first()?.p_full_at_target.value?;
        self.strategies
            .iter()
            .enumerate()
            .filter(|(_, s)| s.p_full_at_target.value.is_some_and(|p| p >= bar))
            .filter_map(|(i, s)| Some((i, s.deposits?.need?.value?)))
            .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
    }
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
    // Every strategy on one pass with the flows.
    let portfolios: Vec<super::Portfolio> = strategies
        .iter()
        .map(|s| super::Portfolio::of(scenario, &s.kind))
        .collect::<crate::error::Result<_>>()
        .ok()?;
    let carries: Vec<Carry<'_>> = portfolios.iter().map(super::Portfolio::carry).collect();
    let ratios = ratios_at_target_shared(&start, ob, paths, seed, &carries, progress)?;
    // The deposit search, strategy by strategy.
    let mut searched = Vec::with_capacity(strategies.len());
    for s in strategies {
        searched.push(match deposit_paths {
            None => None,
            Some(n) => Some(match on_the_group(&s.kind) {
                Some(policy) => {
                    let variant = start.clone().with_policy(policy);
                    solve_deposits(&variant, ob, n, seed, &[DEPOSIT_PROBABILITY])?
                }
                None => {
                    let make = super::made(scenario, &s.kind).ok()?;
                    let make = make.as_ref() as SteerFactory<'_>;
                    solve_deposits_steered(&start, ob, n, seed, &[DEPOSIT_PROBABILITY], Some(make))?
                }
            }),
        });
    }
    // Each path's indicator of 100 % or more.
    let hits: Vec<Vec<f64>> =
        ratios.iter().map(|r| r.iter().map(|r| if *r >= 1.0 { 1.0 } else { 0.0 }).collect()).collect();
    let first = &hits[0];
    let first_yearly = searched[0].as_ref().and_then(|d| d.answers[0].yearly);
    let first_needs = searched[0].as_ref().map(|d| &d.needs);
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
            // As the outlook counts it: hits over paths, `sqrt(p (1 - p) / n)`.
            let full = h.iter().filter(|x| **x == 1.0).count();
            let value = probability(full, h.len());
            let sample = Sample::Plain { hits: full, n: h.len() };
            let diff = mean_se(h.iter().zip(first).map(|(a, b)| a - b));
            let deposits = d.as_ref().map(|d| {
                let a = d.answers[0];
                Deposits {
                    yearly: a.yearly,
                    total: a.total,
                    achieved: a.achieved,
                    diff: a.yearly.zip(first_yearly).map(|(x, y)| x - y),
                    need: need(&d.needs, first_needs.map(Vec::as_slice)),
                    runs: d.runs,
                }
            });
            StrategyConsolidation {
                name: s.name.clone(),
                p_full_at_target: Figure {
                    value: Some(value.value),
                    se: Some(value.se),
                    diff: Some(diff.value),
                    diff_lo: Some(diff.value - Z95 * diff.se),
                    diff_hi: Some(diff.value + Z95 * diff.se),
                    ci: Some(probability_interval(sample)),
                    sample: Some(sample),
                },
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

/// The expected deposit of a strategy whose paths need `needs`, and its
/// paired difference from the first's `first` (the same paths): `None`
/// when a path cannot get there by deposits.
fn need(needs: &[f64], first: Option<&[f64]>) -> Option<Figure> {
    if needs.is_empty() || needs.iter().any(|x| !x.is_finite()) {
        return None;
    }
    let own = mean_se(needs.iter().copied());
    let diff = first
        .filter(|f| f.len() == needs.len() && f.iter().all(|x| x.is_finite()))
        .map(|f| mean_se(needs.iter().zip(f).map(|(a, b)| a - b)));
    Some(Figure {
        value: Some(own.value),
        se: Some(own.se),
        diff: diff.map(|d| d.value),
        diff_lo: diff.map(|d| d.value - Z95 * d.se),
        diff_hi: diff.map(|d| d.value + Z95 * d.se),
        ci: None,
        sample: None,
    })
}
