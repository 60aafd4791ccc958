//! The deposits a year that bring the portfolio to 100 % of the obligation
//! by the end of the target year with a given probability, found by
//! bisection over the deposit level on common random numbers: every level
//! is run on the same paths from the same seed, so the share of paths
//! that reach 100 % moves only with the level. The rule scales with its
//! portfolio (every limit is a ratio, the trading cost is in basis
//! points, and a flow scales the month-end window with the holdings), so
//! a larger deposit never leaves a path further from 100 %: the share is
//! non-decreasing in the level and bisection finds the least level that
//! reaches it. The same scaling makes each path's value at the target
//! linear in the level, which gives the search its first guess.

use serde::Serialize;

use super::{Obligations, PathYear};
use crate::engine::{Engine, SteerFactory};
use crate::start::{Simulation, Start};

/// The search stops when the bracket is this narrow, mkr a year.
pub const TOLERANCE_MKR: f64 = 0.1;
/// A level above this many mkr a year counts as out of reach.
pub const MAX_DEPOSIT_MKR: f64 = 100_000.0;

/// What the search found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DepositSearch {
    pub paths: usize,
    pub seed: u64,
    /// Deposits are made each January from `first_year` through the target
    /// year, the same amount each year, in place of the scenario's plan.
    pub first_year: i32,
    pub last_year: i32,
    pub answers: Vec<DepositAnswer>,
    /// Monte Carlo runs the search made.
    pub runs: usize,
    /// Each path's own deposit a year that brings it to 100 % by the end
    /// of the target year, in path order, from the first two runs (the
    /// search's first guess, [`solve_deposits`]): zero for a path there
    /// without deposits, infinite for one no deposit brings there. For
    /// paired comparisons of strategies on the same paths; not written.
    #[serde(skip)]
    pub needs: Vec<f64>,
}

/// The least deposit a year that reaches 100 % by the target year with
/// `probability`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DepositAnswer {
    pub probability: f64,
    /// Mkr a year; `None` if no level up to [`MAX_DEPOSIT_MKR`] does.
    pub yearly: Option<f64>,
    /// `yearly` times the number of deposits.
    pub total: Option<f64>,
    /// The share of the search's paths that reach 100 % at that level.
    pub achieved: Option<f64>,
}

/// The share of `paths` paths from `seed` whose ratio is at least 100 % at
/// the end of the target year with `yearly` mkr deposited each January
/// through it (with `ob`'s withdrawals, if any), from `start`. `None`
/// when the start has no market.
pub fn share_reaching(start: &Start, ob: &Obligations, paths: usize, seed: u64, yearly: f64) -> Option<f64> {
    let at = target_year_ends(start, ob, paths, seed, yearly, None)?;
    Some(count(&at) as f64 / paths as f64)
}

/// Each path's portfolio value and ratio's denominator at the end of the
/// target year with `yearly` mkr deposited each January through it.
fn target_year_ends(
    start: &Start,
    ob: &Obligations,
    paths: usize,
    seed: u64,
    yearly: f64,
    steer: Option<SteerFactory<'_>>,
) -> Option<Vec<(f64, f64)>> {
    let calendar = ob.calendar(start.valuation_date());
    let target = calendar.index(ob.target_year)?;
    let end = calendar.december[target];
    let simulation = Simulation { paths, seed, horizon_months: end + 1, variance_reduction: false };
    let engine = Engine::new(start, simulation)?;
    let flows = ob.schedule(&calendar, Some((yearly, ob.target_year)), vec![end]);
    let records = match steer {
        None => engine.run_scheduled(&flows, &|_| {}).1,
        Some(make) => engine.run_steered_scheduled(&[make], &flows, &|_| {}).remove(0).1,
    };
    let real = ob.real_projection(&calendar);
    Some(
        records
            .iter()
            .map(|r| {
                let y = PathYear::of(ob, &real, target, r);
                (y.value, y.value / y.ratio)
            })
            .collect(),
    )
}

/// Paths at 100 % or more.
fn count(at: &[(f64, f64)]) -> usize {
    at.iter().filter(|(v, d)| v / d >= 1.0).count()
}

/// Searches the deposit level of `ob` from `start` for each of
/// `probabilities` on `paths` paths from `seed`. `None` when the start
/// has no market.
///
/// The first guess comes from two runs, at no deposit and at
/// [`PROBE_MKR`] a year: the rule scales with its portfolio, so each
/// path's value at the target is linear in the level, and the level that
/// brings path `i` to 100 % is `gap_i / slope_i`; the guess for
/// probability `p` is the `p`-quantile of those levels. The guess is then
/// checked by runs at [`TOLERANCE_MKR`] / 2 either side, and the bracket
/// widened and bisected when a check fails (as it may when a withdrawal
/// empties a portfolio, which is not linear).
pub fn solve_deposits(
    start: &Start,
    ob: &Obligations,
    paths: usize,
    seed: u64,
    probabilities: &[f64],
) -> Option<DepositSearch> {
    solve_deposits_steered(start, ob, paths, seed, probabilities, None)
}

/// [`solve_deposits`] for the portfolio `steer` makes, run in the
/// engine's scalar mode on `start`'s market (`None`: `start`'s rule on
/// the engine's group, [`solve_deposits`] itself). The first guess
/// assumes the same scaling, which a static mix and buy and hold have
/// exactly; the runs that check and bisect it assume nothing.
pub fn solve_deposits_steered(
    start: &Start,
    ob: &Obligations,
    paths: usize,
    seed: u64,
    probabilities: &[f64],
    steer: Option<SteerFactory<'_>>,
) -> Option<DepositSearch> {
    let calendar = ob.calendar(start.valuation_date());
    let deposit_years: Vec<i32> = calendar
        .years
        .iter()
        .copied()
        .filter(|y| *y <= ob.target_year && calendar.january(*y).is_some())
        .collect();
    let mut runs = 0;
    let mut seen: Vec<(f64, usize)> = Vec::new();
    let mut eval = |level: f64| -> Option<usize> {
        if let Some((_, h)) = seen.iter().find(|(l, _)| *l == level) {
            return Some(*h);
        }
        let h = count(&target_year_ends(start, ob, paths, seed, level, steer)?);
        seen.push((level, h));
        Some(h)
    };
    let zero = target_year_ends(start, ob, paths, seed, 0.0, steer)?;
    runs += 1;
    let mut needs: Vec<f64> = zero.iter().map(|(v, d)| if v >= d { 0.0 } else { f64::INFINITY }).collect();
    let mut guesses: Vec<f64> = Vec::new();
    if !deposit_years.is_empty() && count(&zero) < paths {
        let probe = target_year_ends(start, ob, paths, seed, PROBE_MKR, steer)?;
        runs += 1;
        needs = zero
            .iter()
            .zip(&probe)
            .map(|((v0, d), (v1, _))| {
                let slope = (v1 - v0) / PROBE_MKR;
                if v0 >= d {
                    0.0
                } else if slope > 0.0 {
                    (d - v0) / slope
                } else {
                    f64::INFINITY
                }
            })
            .collect();
        guesses = needs.clone();
        guesses.sort_by(f64::total_cmp);
    }
    let zero_hits = count(&zero);
    let mut answers = Vec::new();
    for &p in probabilities {
        // At least `need` paths must reach 100 %.
        let need = ((p * paths as f64) - 1e-9).ceil().max(0.0) as usize;
        let answer = if zero_hits >= need {
            Some(0.0)
        } else if deposit_years.is_empty() {
            None
        } else {
            let guess = guesses[need.clamp(1, paths) - 1];
            search(&mut eval, need, guess)?
        };
        let achieved = match answer {
            Some(0.0) => Some(zero_hits as f64 / paths as f64),
            Some(level) => Some(eval(level)? as f64 / paths as f64),
            None => None,
        };
        answers.push(DepositAnswer {
            probability: p,
            yearly: answer,
            total: answer.map(|a| a * deposit_years.len() as f64),
            achieved,
        });
    }
    Some(DepositSearch {
        paths,
        seed,
        first_year: deposit_years.first().copied().unwrap_or(ob.target_year),
        last_year: ob.target_year,
        answers,
        runs: runs + seen.len(),
        needs,
    })
}

/// The deposit of the probe run, mkr a year.
pub const PROBE_MKR: f64 = 100.0;

/// The least level (to [`TOLERANCE_MKR`]) at which `eval` gives `need`
/// hits or more, starting from `guess`, when level 0 does not;
/// `Some(None)` if none up to [`MAX_DEPOSIT_MKR`] does, `None` if a run
/// could not be made.
fn search(eval: &mut dyn FnMut(f64) -> Option<usize>, need: usize, guess: f64) -> Option<Option<f64>> {
    let half = 0.5 * TOLERANCE_MKR;
    let guess = if guess.is_finite() { guess.clamp(half, MAX_DEPOSIT_MKR) } else { MAX_DEPOSIT_MKR };
    // A bracket around the guess: `lo` short of `need`, `hi` at or above.
    let mut width = half;
    let mut hi = guess + half;
    while eval(hi)? < need {
        if hi >= MAX_DEPOSIT_MKR {
            return Some(None);
        }
        width *= 4.0;
        hi = (guess + width).min(MAX_DEPOSIT_MKR);
    }
    let mut width = half;
    let mut lo = (guess - half).max(0.0);
    while lo > 0.0 && eval(lo)? >= need {
        hi = lo;
        width *= 4.0;
        lo = (guess - width).max(0.0);
    }
    while hi - lo > TOLERANCE_MKR {
        let mid = 0.5 * (lo + hi);
        if eval(mid)? >= need {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(Some(hi))
}
