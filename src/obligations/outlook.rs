//! The consolidation outlook of a scenario: one Monte Carlo run to the
//! horizon year with the deposit plan, and its figures year by year, each
//! probability and mean with its Monte Carlo standard error.

use serde::Serialize;

use super::{Calendar, Denominator, Obligations, PathYear, RealProjection};
use crate::engine::{Engine, MonthRecord};
use crate::start::{Simulation, Start};
use crate::stats::{Distribution, mean_se, probability, summarize};

/// The outlook (`summary.json`'s `obligations`, schema in
/// `docs/summary-json.md`). Amounts nominal, mkr, including payroll tax.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outlook {
    /// The denominator of every ratio below.
    pub denominator: Denominator,
    pub target_year: i32,
    pub horizon_year: i32,
    pub paths: usize,
    pub seed: u64,
    pub payroll_tax: f64,
    pub discount_rate: f64,
    pub withdraw_payments: bool,
    pub stop_when_full: bool,
    /// On the valuation date.
    pub start: StartFigures,
    /// One entry a simulated year-end.
    pub years: Vec<YearFigures>,
    /// Probability that the ratio is at least 100 % at the end of the
    /// target year.
    pub p_full_at_target: f64,
    pub p_full_at_target_se: f64,
    /// Probability that some year-end up to and including the target
    /// year's has a ratio of at least 100 %.
    pub p_reached_by_target: f64,
    pub p_reached_by_target_se: f64,
    /// The same up to the horizon year.
    pub p_reached_by_horizon: f64,
    pub p_reached_by_horizon_se: f64,
    /// The median over paths of the first year-end at 100 % or more;
    /// `None` when fewer than half the paths get there by the horizon.
    pub median_year_reached: Option<i32>,
    /// The mean of that year over the paths that get there by the horizon.
    pub mean_year_reached: Option<f64>,
    pub mean_year_reached_se: Option<f64>,
    /// The portfolio's real return a year, net of flows (time-weighted),
    /// from the valuation date to the end of the target year.
    pub mean_real_return_to_target: f64,
    pub mean_real_return_to_target_se: f64,
    /// Share of rolling five-year windows whose real return, net of flows,
    /// meets the 3.5 % target; `None` under five years.
    pub p_rolling_5y_real_target: Option<f64>,
    pub p_rolling_5y_real_target_se: Option<f64>,
    /// Sums from the valuation date to the end of the target year, means
    /// over paths: the obligation's interest and indexation (its financial
    /// cost, of the denominator's parts) against the portfolio's return,
    /// and the net flows into the portfolio.
    pub interest_cost_to_target: f64,
    pub indexation_cost_to_target: f64,
    pub financial_cost_to_target: f64,
    pub financial_cost_to_target_se: f64,
    pub portfolio_return_to_target: f64,
    pub portfolio_return_to_target_se: f64,
    pub flows_to_target: f64,
    /// The deposits a year that reach 100 % by the target year with each
    /// probability, when searched for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deposit_search: Option<super::DepositSearch>,
}

/// The valuation date's figures, as the region reports them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StartFigures {
    pub provision: f64,
    pub contingent: f64,
    pub whole: f64,
    pub portfolio: f64,
    /// Portfolio over the whole obligation (the reported 29 %) and over
    /// the provision only (47.8 %).
    pub ratio_whole: f64,
    pub ratio_provision: f64,
    /// The denominator less the portfolio.
    pub reborrowed: f64,
}

/// One year-end over all paths; means unless named otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct YearFigures {
    pub year: i32,
    pub provision: f64,
    pub contingent: f64,
    /// Provision and contingent liability.
    pub whole: f64,
    pub portfolio: f64,
    /// Quantiles and mean of the portfolio's value.
    pub portfolio_quantiles: Distribution,
    /// Återlånade medel: the denominator less the portfolio.
    pub reborrowed: f64,
    /// Quantiles and mean of the consolidation ratio.
    pub ratio: Distribution,
    pub p_full: f64,
    pub p_full_se: f64,
    /// The year's interest and indexation on the denominator's parts.
    pub interest_cost: f64,
    pub indexation_cost: f64,
    /// The portfolio's change less the year's net flows.
    pub portfolio_return: f64,
    /// Net flows into the portfolio in the year (deposits less withdrawals).
    pub flows: f64,
}

/// One path's year: its figures, the financial cost and the return.
#[derive(Debug, Clone, Copy)]
struct PathFlow {
    at: PathYear,
    interest: f64,
    indexation: f64,
    portfolio_return: f64,
    flows: f64,
}

/// Runs the obligations outlook of `ob` from `start` on `simulation`'s
/// paths and seed (its horizon is the obligations' own); `None` when the
/// start has no market.
pub fn outlook(
    start: &Start,
    ob: &Obligations,
    simulation: Simulation,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Outlook> {
    let calendar = ob.calendar(start.valuation_date());
    let simulation = Simulation { horizon_months: calendar.months(), ..simulation };
    let engine = Engine::new(start, simulation)?;
    let flows = ob.schedule(&calendar, None, calendar.december.clone());
    let (outcome, records) = engine.run_scheduled(&flows, progress);
    let real = ob.real_projection(&calendar);
    let start_value = engine.start_value();
    let years = year_figures(ob, &calendar, &real, &records, start_value);
    let k = calendar.years.len();
    let n = simulation.paths;
    let target =
        calendar.index(ob.target_year).expect("invariant: validation keeps the target year simulated");

    let (real_ref, records_ref) = (&real, &records);
    let path_years = |p: usize| {
        (0..k).map(move |j| path_flow(ob, real_ref, &records_ref[p * k..(p + 1) * k], j, start_value))
    };
    let full = (0..n).filter(|&p| ratio_at(ob, &real, &records, p, k, target) >= 1.0).count();
    let first: Vec<Option<usize>> =
        (0..n).map(|p| (0..k).find(|&j| ratio_at(ob, &real, &records, p, k, j) >= 1.0)).collect();
    let by_target = probability(first.iter().filter(|f| f.is_some_and(|j| j <= target)).count(), n);
    let by_horizon = probability(first.iter().filter(|f| f.is_some()).count(), n);
    let mut reach: Vec<usize> = first.iter().map(|f| f.unwrap_or(usize::MAX)).collect();
    reach.sort_unstable();
    let median = reach.get(n.div_ceil(2).saturating_sub(1)).filter(|j| **j != usize::MAX);
    let reached: Vec<f64> = first.iter().flatten().map(|j| f64::from(calendar.years[*j])).collect();
    let mean_reach = (!reached.is_empty()).then(|| mean_se(reached.iter().copied()));

    let years_to_target = (calendar.december[target] + 1) as f64 / 12.0;
    #[allow(
        clippy::disallowed_methods,
        reason = "finished figures: a path's annualised real return to the target year, with no portable powf"
    )]
    let real_return = mean_se((0..n).map(|p| {
        let r = &records[p * k + target];
        (r.unit_value / crate::lanes::exp(r.log_price_index)).powf(1.0 / years_to_target) - 1.0
    }));
    let sums: Vec<[f64; 4]> = (0..n)
        .map(|p| {
            path_years(p).take(target + 1).fold([0.0; 4], |s, y| {
                [s[0] + y.interest, s[1] + y.indexation, s[2] + y.portfolio_return, s[3] + y.flows]
            })
        })
        .collect();
    let mean_of = |i: usize| sums.iter().map(|s| s[i]).sum::<f64>() / n as f64;
    let cost = mean_se(sums.iter().map(|s| s[0] + s[1]));
    let ret = mean_se(sums.iter().map(|s| s[2]));
    let stats = summarize(&outcome.paths, start_value, simulation.horizon_months);
    let p_full = probability(full, n);

    let tax = 1.0 + ob.payroll_tax;
    let (provision, contingent) = (real.provision_start * tax, real.contingent_start * tax);
    let start_denominator = match ob.denominator {
        Denominator::Whole => provision + contingent,
        Denominator::Provision => provision,
    };
    Some(Outlook {
        denominator: ob.denominator,
        target_year: ob.target_year,
        horizon_year: ob.horizon_year,
        paths: n,
        seed: simulation.seed,
        payroll_tax: ob.payroll_tax,
        discount_rate: ob.discount_rate,
        withdraw_payments: ob.withdraw_payments,
        stop_when_full: ob.stop_when_full,
        start: StartFigures {
            provision,
            contingent,
            whole: provision + contingent,
            portfolio: start_value,
            ratio_whole: start_value / (provision + contingent),
            ratio_provision: start_value / provision,
            reborrowed: start_denominator - start_value,
        },
        years,
        p_full_at_target: p_full.value,
        p_full_at_target_se: p_full.se,
        p_reached_by_target: by_target.value,
        p_reached_by_target_se: by_target.se,
        p_reached_by_horizon: by_horizon.value,
        p_reached_by_horizon_se: by_horizon.se,
        median_year_reached: median.map(|j| calendar.years[*j]),
        mean_year_reached: mean_reach.map(|e| e.value),
        mean_year_reached_se: mean_reach.map(|e| e.se),
        mean_real_return_to_target: real_return.value,
        mean_real_return_to_target_se: real_return.se,
        p_rolling_5y_real_target: stats.p_rolling_5y_real_target,
        p_rolling_5y_real_target_se: stats.p_rolling_5y_real_target_se,
        interest_cost_to_target: mean_of(0),
        indexation_cost_to_target: mean_of(1),
        financial_cost_to_target: cost.value,
        financial_cost_to_target_se: cost.se,
        portfolio_return_to_target: ret.value,
        portfolio_return_to_target_se: ret.se,
        flows_to_target: mean_of(3),
        deposit_search: None,
    })
}

fn ratio_at(
    ob: &Obligations,
    real: &RealProjection,
    records: &[MonthRecord],
    p: usize,
    k: usize,
    j: usize,
) -> f64 {
    PathYear::of(ob, real, j, &records[p * k + j]).ratio
}

/// Year-end `j` of one path (`records`: its year-ends), with the year's
/// financial cost on the denominator's parts and the portfolio's return.
fn path_flow(
    ob: &Obligations,
    real: &RealProjection,
    records: &[MonthRecord],
    j: usize,
    start_value: f64,
) -> PathFlow {
    let at = PathYear::of(ob, real, j, &records[j]);
    let (value_before, flows_before, index_before, real_before) = if j == 0 {
        (start_value, 0.0, 1.0, part_sum(ob, real.provision_start, real.contingent_start))
    } else {
        let r = &records[j - 1];
        (
            r.value,
            r.flows,
            crate::lanes::exp(r.log_price_index),
            part_sum(ob, real.provision[j - 1], real.contingent[j - 1]),
        )
    };
    let r = &records[j];
    let index = crate::lanes::exp(r.log_price_index);
    #[allow(
        clippy::disallowed_methods,
        reason = "the obligation's discounting, a closed form the same on every path"
    )]
    let growth = (1.0 + ob.discount_rate).powf(real.fraction[j]);
    let tax = 1.0 + ob.payroll_tax;
    let flows = r.flows - flows_before;
    PathFlow {
        at,
        interest: real_before * index_before * (growth - 1.0) * tax,
        indexation: real_before * growth * (index - index_before) * tax,
        portfolio_return: r.value - value_before - flows,
        flows,
    }
}

/// The denominator's parts of a real obligation.
fn part_sum(ob: &Obligations, provision: f64, contingent: f64) -> f64 {
    match ob.denominator {
        Denominator::Whole => provision + contingent,
        Denominator::Provision => provision,
    }
}

/// Every year-end's figures over the paths of a run (`records`: path by
/// path, one a year-end of `calendar`).
pub fn year_figures(
    ob: &Obligations,
    calendar: &Calendar,
    real: &RealProjection,
    records: &[MonthRecord],
    start_value: f64,
) -> Vec<YearFigures> {
    let k = calendar.years.len();
    let n = records.len() / k.max(1);
    (0..k)
        .map(|j| {
            let rows: Vec<PathFlow> =
                (0..n).map(|p| path_flow(ob, real, &records[p * k..(p + 1) * k], j, start_value)).collect();
            let mean = |f: &dyn Fn(&PathFlow) -> f64| rows.iter().map(f).sum::<f64>() / n as f64;
            let mut ratios: Vec<f64> = rows.iter().map(|r| r.at.ratio).collect();
            let full = probability(ratios.iter().filter(|r| **r >= 1.0).count(), n);
            YearFigures {
                year: calendar.years[j],
                provision: mean(&|r| r.at.provision),
                contingent: mean(&|r| r.at.contingent),
                whole: mean(&|r| r.at.provision + r.at.contingent),
                portfolio: mean(&|r| r.at.value),
                portfolio_quantiles: Distribution::of(
                    &mut rows.iter().map(|r| r.at.value).collect::<Vec<_>>(),
                ),
                reborrowed: mean(&|r| r.at.denominator(ob.denominator) - r.at.value),
                ratio: Distribution::of(&mut ratios),
                p_full: full.value,
                p_full_se: full.se,
                interest_cost: mean(&|r| r.interest),
                indexation_cost: mean(&|r| r.indexation),
                portfolio_return: mean(&|r| r.portfolio_return),
                flows: mean(&|r| r.flows),
            }
        })
        .collect()
}

/// Each path's consolidation ratio at the end of the target year under
/// `ob`'s deposit plan (and its rule and withdrawals), on `paths` paths
/// from `seed`: the figure behind [`Outlook::p_full_at_target`], path by
/// path, for comparisons on common random numbers. The run stops at the
/// target year's end; a path's market and flows up to then do not depend
/// on the horizon, so the ratios are those [`outlook`] counts, bit for bit
/// (tested). `None` when the start has no market.
pub fn ratios_at_target(
    start: &Start,
    ob: &Obligations,
    paths: usize,
    seed: u64,
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Vec<f64>> {
    let calendar = ob.calendar(start.valuation_date());
    let target = calendar.index(ob.target_year)?;
    let end = calendar.december[target];
    let engine =
        Engine::new(start, Simulation { paths, seed, horizon_months: end + 1, variance_reduction: false })?;
    let flows = ob.schedule(&calendar, None, vec![end]);
    let (_, records) = engine.run_scheduled(&flows, progress);
    let real = ob.real_projection(&calendar);
    Some(records.iter().map(|r| PathYear::of(ob, &real, target, r).ratio).collect())
}

/// [`ratios_at_target`] for each portfolio `carries` names, all on one
/// shared pass of the engine over `start`'s market (the paths
/// [`ratios_at_target`] runs, bit for bit: the same streams), each with
/// `ob`'s flows through its own flow adjustment; the rule carried with
/// a policy gets the ratios [`ratios_at_target`] gives the start with
/// that policy. One vector of ratios a portfolio, in path order. `None`
/// when the start has no market.
pub fn ratios_at_target_shared(
    start: &Start,
    ob: &Obligations,
    paths: usize,
    seed: u64,
    carries: &[crate::engine::Carry<'_>],
    progress: &(dyn Fn(usize) + Sync),
) -> Option<Vec<Vec<f64>>> {
    let calendar = ob.calendar(start.valuation_date());
    let target = calendar.index(ob.target_year)?;
    let end = calendar.december[target];
    let engine =
        Engine::new(start, Simulation { paths, seed, horizon_months: end + 1, variance_reduction: false })?;
    let flows = ob.schedule(&calendar, None, vec![end]);
    let real = ob.real_projection(&calendar);
    let runs = engine.run_shared(carries, Some(&flows), progress);
    Some(
        runs.iter()
            .map(|(_, records)| records.iter().map(|r| PathYear::of(ob, &real, target, r).ratio).collect())
            .collect(),
    )
}
