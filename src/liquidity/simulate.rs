//! The plan on each path: the deviations, the loans and the financing
//! rules, month by month.
//!
//! Path `p`'s loans step on exactly the engine's draws for path `p`
//! ([`crate::debt::simulate::month_rates`]), so the interest cost moves with the rates the
//! pension portfolio sees. The plan's financial costs already hold the
//! plan's loan interest, so a path adds only its deviation: the interest
//! of its book (the plan's loans and any extra borrowing) on its rates,
//! minus the interest of the plan's book on the rates with every shock
//! zero ([`planned_rates`]).
//!
//! The liquidity's own shocks come from a stream of their own for each
//! path (the seed mixed with [`STREAM`]), never the engine's, so adding a
//! `[liquidity]` changes no other figure of a run. Each month draws, in
//! this order: the cost innovation (a standard normal), the investment
//! slippage (a uniform), in the tax month the year's tax revision (a
//! standard normal), and for each earmarked lump of the month two
//! uniforms (missing, late). Every draw is taken whether it is used or
//! not, so the streams stay in step.
//!
//! Each month-end, in order: the month's flows (plan plus deviations);
//! the loans' month (interest, amortisation, refinancing, the plan's
//! borrowing); the financing rules in the scenario's order.

use chrono::{Datelike, NaiveDate};
use rand::RngExt;
use rand_distr::{Distribution, StandardNormal};
use serde::Serialize;

use super::{Liquidity, Plan, Rule, plan, quick_ratio};
use crate::debt::Debt;
use crate::debt::simulate::{MonthRates, Probability, Stepper, over_paths, planned_rates};
use crate::market::{DayKernel, MarketModel};
use crate::obligations::Obligations;
use crate::rng::path_rng;
use crate::start::{Simulation, Start};

/// Mixed into the seed for the liquidity's own streams.
pub const STREAM: u64 = 0x4C49_5155_4944_4954;

/// What a run of the forecast needs besides `[liquidity]`.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub liquidity: &'a Liquidity,
    pub model: &'a MarketModel,
    pub debt: Option<&'a Debt>,
    pub obligations: Option<&'a Obligations>,
    pub valuation: NaiveDate,
    /// The pension portfolio's value on the valuation date: withdrawals
    /// stop when it (plus deposits, less withdrawals) is used up, mkr.
    pub portfolio_value: f64,
}

impl<'a> Inputs<'a> {
    /// The forecast's inputs from `start`: its market, valuation date and
    /// portfolio value; `None` when the start has no market.
    pub fn from_start(
        start: &'a Start,
        liquidity: &'a Liquidity,
        debt: Option<&'a Debt>,
        obligations: Option<&'a Obligations>,
    ) -> Option<Inputs<'a>> {
        Some(Inputs {
            liquidity,
            model: start.market()?,
            debt,
            obligations,
            valuation: start.valuation_date(),
            portfolio_value: start.managed().value(),
        })
    }
}

/// Bits of [`PathResult::flags`].
pub const USED_OVERDRAFT: u8 = 1;
pub const EXHAUSTED_OVERDRAFT: u8 = 2;
pub const BORROWING_LIMIT: u8 = 4;

/// One path's months and years.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PathResult {
    /// Cash at each month-end after the rules (negative: overdraft drawn).
    pub cash: Vec<f64>,
    /// Per month: [`USED_OVERDRAFT`], [`EXHAUSTED_OVERDRAFT`] (cash needed
    /// beyond the facility when the overdraft's turn came),
    /// [`BORROWING_LIMIT`] (the borrow rule wanted more than the room).
    pub flags: Vec<u8>,
    /// The year's result (the whole year's plan plus the path's
    /// deviations after the valuation date).
    pub results: Vec<f64>,
    /// Extra borrowing taken by each year's last forecast month.
    pub extra_borrowing: Vec<f64>,
    /// Loans outstanding at each year's last forecast month.
    pub debt: Vec<f64>,
    /// Loans outstanding at each month-end (zero without a `[debt]`).
    pub month_debt: Vec<f64>,
    /// Months each rule acted, in [`Rule::ALL`]'s order.
    pub rule_months: [u32; 4],
}

fn rule_index(rule: Rule) -> usize {
    Rule::ALL.iter().position(|r| *r == rule).unwrap_or(0)
}

/// The loans' interest on the plan's book at the planned rates, by month.
fn planned_interest(inputs: &Inputs<'_>, rates: &[MonthRates], plan: &Plan) -> Vec<f64> {
    let Some(debt) = inputs.debt else { return vec![0.0; plan.months.len()] };
    let mut stepper = Stepper::new(debt, inputs.model, 0.0);
    plan.months.iter().enumerate().map(|(m, pm)| stepper.step(m, pm.end, rates[m]).interest).collect()
}

/// Runs one path. `rates` are the path's month-end rates (the planned
/// rates when randomness is off); `rng` is `None` when it is off.
pub fn run_path(
    inputs: &Inputs<'_>,
    plan: &Plan,
    base_interest: &[f64],
    rates: &[MonthRates],
    mut rng: Option<&mut crate::rng::PathRng>,
) -> PathResult {
    let liq = inputs.liquidity;
    let u = &liq.uncertainty;
    let n = plan.months.len();
    let years = plan.years.len();
    let mut out = PathResult {
        cash: Vec::with_capacity(n),
        flags: Vec::with_capacity(n),
        results: plan.results.clone(),
        extra_borrowing: vec![0.0; years],
        debt: vec![0.0; years],
        month_debt: Vec::with_capacity(n),
        rule_months: [0; 4],
    };
    let sigma = u.cost_sigma();
    let delay = u.grant_delay_months as usize;
    let mut late = vec![0.0; n];
    let mut stepper = inputs.debt.map(|d| Stepper::new(d, inputs.model, 0.0));
    let limit = inputs.debt.map_or(0.0, |d| d.borrowing_limit);
    let mut cash = liq.opening_cash;
    let (mut cost_dev, mut slipped, mut extra) = (0.0, 0.0, 0.0);
    let mut portfolio = inputs.portfolio_value;
    for (m, pm) in plan.months.iter().enumerate() {
        let y = pm.year;
        let mut flow = pm.operating - pm.deposit + pm.withdrawal + late[m];
        let mut investments = pm.investments + slipped;
        slipped = 0.0;
        let mut grants = pm.grants;
        if let Some(rng) = rng.as_deref_mut() {
            let e: f64 = StandardNormal.sample(rng);
            cost_dev = u.cost_persistence * cost_dev + sigma * e;
            flow -= cost_dev;
            out.results[y] -= cost_dev;
            let share = (rng.random::<f64>() * 2.0 * u.investment_slippage).min(1.0);
            slipped = investments * share;
            investments -= slipped;
            if pm.end.month() == u.tax_month {
                let t: f64 = StandardNormal.sample(rng);
                flow += u.tax_spread * t;
                out.results[y] += u.tax_spread * t;
            }
            if pm.grants != 0.0 {
                let (missing, delayed) = (rng.random::<f64>(), rng.random::<f64>());
                if missing < u.grant_missing {
                    out.results[y] -= grants;
                    grants = 0.0;
                } else if delayed < u.grant_delay {
                    if let Some(slot) = late.get_mut(m + delay) {
                        *slot += grants;
                    }
                    grants = 0.0;
                }
            }
        }
        cash += flow + grants - investments;
        let mut deposit_left = pm.deposit;
        portfolio += pm.deposit - pm.withdrawal;
        if let Some(stepper) = stepper.as_mut() {
            let step = stepper.step(m, pm.end, rates[m]);
            let deviation = step.interest - base_interest[m];
            cash += step.borrowed - step.amortised - deviation;
            out.results[y] -= deviation;
        }
        // The financing rules, each defending the level left by the ones
        // before it.
        let mut level = liq.buffer;
        let mut flags = 0u8;
        for &rule in &liq.rules {
            let acted = match rule {
                Rule::Overdraft => {
                    if cash < -liq.overdraft - 1e-9 {
                        flags |= EXHAUSTED_OVERDRAFT;
                    }
                    level = level.min(-liq.overdraft);
                    cash < 0.0
                }
                Rule::SkipDeposit if deposit_left > 0.0 && cash < level => {
                    cash += deposit_left;
                    portfolio -= deposit_left;
                    deposit_left = 0.0;
                    true
                }
                Rule::Withdraw if cash < level && portfolio > 0.0 => {
                    let w = (level - cash).min(portfolio);
                    cash += w;
                    portfolio -= w;
                    true
                }
                Rule::Borrow if cash < level => match stepper.as_mut() {
                    Some(stepper) => {
                        let block = liq.borrowing_block;
                        let wanted = ((level - cash) / block).ceil();
                        let room = ((limit - stepper.book.outstanding()) / block + 1e-9).floor().max(0.0);
                        if wanted > room {
                            flags |= BORROWING_LIMIT;
                        }
                        let amount = wanted.min(room) * block;
                        if amount > 0.0 {
                            let curve = stepper.curve(m, rates[m]);
                            stepper.borrow(&curve, amount);
                            cash += amount;
                            extra += amount;
                        }
                        amount > 0.0
                    }
                    None => false,
                },
                _ => false,
            };
            if acted {
                out.rule_months[rule_index(rule)] += 1;
            }
        }
        if cash < 0.0 {
            flags |= USED_OVERDRAFT;
        }
        out.cash.push(cash);
        out.flags.push(flags);
        out.extra_borrowing[y] = extra;
        let debt = stepper.as_ref().map_or(0.0, |s| s.book.outstanding());
        out.debt[y] = debt;
        out.month_debt.push(debt);
    }
    out
}

/// Quantiles of a figure over the paths.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantiles {
    pub mean: f64,
    pub p5: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p95: f64,
}

/// Sorts `xs` and reads its quantiles (type 7, `stats::quantile_sorted`,
/// as the run's summary does).
pub fn quantiles(xs: &mut [f64]) -> Quantiles {
    let mean = xs.iter().sum::<f64>() / xs.len() as f64;
    xs.sort_by(f64::total_cmp);
    let q = |p: f64| crate::stats::quantile_sorted(xs, p);
    Quantiles { mean, p5: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) }
}

fn probability(hits: usize, n: usize) -> Probability {
    let p = hits as f64 / n as f64;
    Probability { p, se: (p * (1.0 - p) / n as f64).sqrt() }
}

/// One month-end of the forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthOutlook {
    pub date: NaiveDate,
    /// The plan's cash (randomness off), mkr.
    pub plan_cash: f64,
    pub cash: Quantiles,
    pub p_overdraft: Probability,
    pub p_overdraft_exhausted: Probability,
    pub p_borrowing_limit: Probability,
}

/// One calendar year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearOutlook {
    pub year: i32,
    /// The year's last forecast month-end.
    pub date: NaiveDate,
    /// The plan's result (the budget table's, plus the interest of any
    /// extra borrowing the plan itself needs), mkr.
    pub plan_result: f64,
    pub result: Quantiles,
    pub p_result_below_plan: Probability,
    pub plan_extra_borrowing: f64,
    pub extra_borrowing: Quantiles,
    /// Loans outstanding at `date`: the plan's, and over the paths.
    pub plan_debt: f64,
    pub debt: Quantiles,
}

/// Kassalikviditet at a quarter-end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuarterOutlook {
    pub date: NaiveDate,
    pub plan_ratio: f64,
    pub ratio: Quantiles,
    pub p_below_target: Probability,
}

/// How often a rule acted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleUse {
    pub rule: Rule,
    /// Share of paths where it acted at least once.
    pub p_used: Probability,
    /// Mean number of months it acted, over all paths.
    pub mean_months: f64,
}

/// A forecast figure against its outcome at one month-end.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Check {
    /// The actual figure, mkr.
    pub outcome: f64,
    /// The plan's figure (randomness off), mkr.
    pub plan: f64,
    /// The paths' median and 5 % and 95 % quantiles, mkr.
    pub median: f64,
    pub p5: f64,
    pub p95: f64,
    /// Outcome less median, mkr.
    pub error: f64,
    /// The error as a share of the median's size; `None` when the median
    /// is within [`MIN_MEDIAN_FOR_SHARE`] mkr of zero, where a share says
    /// nothing.
    pub error_share: Option<f64>,
    /// Where the outcome falls among the paths, 0 to 1
    /// ([`crate::stats::percentile_sorted`], the inverse of the quantiles
    /// above: an outcome at the median is at 0.5).
    pub percentile: f64,
}

/// A median nearer zero than this (mkr) gets no error share.
pub const MIN_MEDIAN_FOR_SHARE: f64 = 1.0;

impl Check {
    /// `outcome` against the paths' figures `xs` (sorted here) and the
    /// plan's.
    pub fn of(outcome: f64, plan: f64, xs: &mut [f64]) -> Check {
        let q = quantiles(xs);
        let error = outcome - q.p50;
        Check {
            outcome,
            plan,
            median: q.p50,
            p5: q.p5,
            p95: q.p95,
            error,
            error_share: (q.p50.abs() >= MIN_MEDIAN_FOR_SHARE).then(|| error / q.p50.abs()),
            percentile: crate::stats::percentile_sorted(xs, outcome),
        }
    }
}

/// The forecast against an actual month-end: the cash, and the loans
/// outstanding (the liquidity's paths' book, with the financing rules'
/// extra borrowing), each when the month has it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActualCheck {
    pub date: NaiveDate,
    pub cash: Option<Check>,
    pub debt: Option<Check>,
}

/// The forecast made on the valuation date against what came
/// (`[actuals]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ForecastCheck {
    /// The actual figures are constructed, not the region's.
    pub constructed: bool,
    pub note: Option<String>,
    pub months: Vec<ActualCheck>,
}

/// The liquidity forecast of a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlook {
    pub paths: usize,
    pub seed: u64,
    pub randomness: bool,
    pub opening_cash: f64,
    pub overdraft: f64,
    pub buffer: f64,
    /// Kassalikviditet on the valuation date, from the opening cash, for
    /// the printout (the JSON outputs carry it where they need it: the
    /// periodic report's measures).
    #[serde(skip)]
    pub quick_ratio_today: f64,
    pub quick_ratio_target: f64,
    pub rules: Vec<Rule>,
    pub months: Vec<MonthOutlook>,
    pub years: Vec<YearOutlook>,
    pub quarters: Vec<QuarterOutlook>,
    pub rule_use: Vec<RuleUse>,
    /// The forecast against `[actuals]`, when the scenario has any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actuals: Option<ForecastCheck>,
}

/// Runs the forecast of `liquidity` from `start` over `simulation`'s paths
/// and seed (its horizon is the budget's own); `None` when the start has
/// no market.
pub fn outlook_from(
    start: &Start,
    liquidity: &Liquidity,
    debt: Option<&Debt>,
    obligations: Option<&Obligations>,
    simulation: Simulation,
) -> Option<Outlook> {
    let inputs = Inputs::from_start(start, liquidity, debt, obligations)?;
    Some(outlook(&inputs, simulation.paths, simulation.seed))
}

/// Runs the forecast over `paths` paths with `seed` (one path, the plan,
/// when randomness is off).
pub fn outlook(inputs: &Inputs<'_>, paths: usize, seed: u64) -> Outlook {
    let liq = inputs.liquidity;
    let plan = plan(liq, inputs.valuation, inputs.obligations);
    let n_months = plan.months.len();
    let kernels: Vec<DayKernel> = inputs.model.kernels();
    let planned = planned_rates(inputs.model, &kernels, n_months);
    let base = planned_interest(inputs, &planned, &plan);
    let the_plan = run_path(inputs, &plan, &base, &planned, None);
    let paths = if liq.randomness { paths.max(1) } else { 1 };
    let results: Vec<PathResult> = if liq.randomness {
        over_paths(inputs.model, &kernels, seed, paths, n_months, |p, rates| {
            let mut rng = path_rng(seed ^ STREAM, p);
            run_path(inputs, &plan, &base, &rates, Some(&mut rng))
        })
    } else {
        vec![the_plan.clone()]
    };
    summarise(inputs, &plan, &the_plan, &results, seed)
}

/// Each actual month-end against the paths' figures of that month.
fn forecast_check(
    liq: &Liquidity,
    plan: &Plan,
    the_plan: &PathResult,
    results: &[PathResult],
) -> ForecastCheck {
    let mut column = vec![0.0; results.len()];
    let mut check = |outcome: f64, plan: f64, f: &dyn Fn(&PathResult) -> f64| {
        for (slot, r) in column.iter_mut().zip(results) {
            *slot = f(r);
        }
        Check::of(outcome, plan, &mut column)
    };
    let months = liq
        .actuals
        .months
        .iter()
        .filter_map(|a| {
            // Validation keeps every date a month-end of the forecast.
            let m = plan.months.iter().position(|pm| pm.end == a.date)?;
            Some(ActualCheck {
                date: a.date,
                cash: a.cash.map(|x| check(x, the_plan.cash[m], &|r| r.cash[m])),
                debt: a.debt.map(|x| check(x, the_plan.month_debt[m], &|r| r.month_debt[m])),
            })
        })
        .collect();
    ForecastCheck { constructed: liq.actuals.constructed, note: liq.actuals.note.clone(), months }
}

fn summarise(
    inputs: &Inputs<'_>,
    plan: &Plan,
    the_plan: &PathResult,
    results: &[PathResult],
    seed: u64,
) -> Outlook {
    let liq = inputs.liquidity;
    let n = results.len();
    let mut column = vec![0.0; n];
    let mut fill = |f: &dyn Fn(&PathResult) -> f64| -> Quantiles {
        for (slot, r) in column.iter_mut().zip(results) {
            *slot = f(r);
        }
        quantiles(&mut column)
    };
    let count = |f: &dyn Fn(&PathResult) -> bool| probability(results.iter().filter(|r| f(r)).count(), n);
    let months = plan
        .months
        .iter()
        .enumerate()
        .map(|(m, pm)| MonthOutlook {
            date: pm.end,
            plan_cash: the_plan.cash[m],
            cash: fill(&|r| r.cash[m]),
            p_overdraft: count(&|r| r.flags[m] & USED_OVERDRAFT != 0),
            p_overdraft_exhausted: count(&|r| r.flags[m] & EXHAUSTED_OVERDRAFT != 0),
            p_borrowing_limit: count(&|r| r.flags[m] & BORROWING_LIMIT != 0),
        })
        .collect();
    let years = plan
        .years
        .iter()
        .enumerate()
        .map(|(y, &year)| {
            let last = plan.months.iter().rposition(|pm| pm.year == y).unwrap_or(0);
            let plan_result = the_plan.results[y];
            YearOutlook {
                year,
                date: plan.months[last].end,
                plan_result,
                result: fill(&|r| r.results[y]),
                p_result_below_plan: count(&|r| r.results[y] < plan_result - 1e-9),
                plan_extra_borrowing: the_plan.extra_borrowing[y],
                extra_borrowing: fill(&|r| r.extra_borrowing[y]),
                plan_debt: the_plan.debt[y],
                debt: fill(&|r| r.debt[y]),
            }
        })
        .collect();
    let ratio = |cash: f64| quick_ratio(liq.receivables, cash, liq.current_liabilities);
    let quarters = plan
        .months
        .iter()
        .enumerate()
        .filter(|(_, pm)| pm.quarter_end)
        .map(|(m, pm)| QuarterOutlook {
            date: pm.end,
            plan_ratio: ratio(the_plan.cash[m]),
            ratio: fill(&|r| ratio(r.cash[m])),
            p_below_target: count(&|r| ratio(r.cash[m]) < liq.quick_ratio_target),
        })
        .collect();
    let rule_use = liq
        .rules
        .iter()
        .map(|&rule| {
            let i = rule_index(rule);
            RuleUse {
                rule,
                p_used: count(&|r| r.rule_months[i] > 0),
                mean_months: results.iter().map(|r| f64::from(r.rule_months[i])).sum::<f64>() / n as f64,
            }
        })
        .collect();
    let actuals = (!liq.actuals.months.is_empty()).then(|| forecast_check(liq, plan, the_plan, results));
    Outlook {
        paths: n,
        seed,
        randomness: liq.randomness,
        opening_cash: liq.opening_cash,
        overdraft: liq.overdraft,
        buffer: liq.buffer,
        quick_ratio_today: ratio(liq.opening_cash),
        quick_ratio_target: liq.quick_ratio_target,
        rules: liq.rules.clone(),
        months,
        years,
        quarters,
        rule_use,
        actuals,
    }
}
