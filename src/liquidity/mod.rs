//! The liquidity forecast (`[liquidity]`, `docs/liquidity.md`): the
//! region's cash month by month from its budget, with the loans' debt
//! service, the pension portfolio's deposits and withdrawals, and the
//! financing rules that keep the account above its floor.
//!
//! The budget is entered as a table by year whose rows follow the income
//! statement and the multi-year plan (digest 5.7), plus the non-cash items
//! that lead from the result to cash, as the finansieringsbudget does
//! (digest 5.4): cash = result + depreciation + the pension provision's
//! increase − the pension portfolio's return (booked as financial income
//! or cost, it stays in the portfolio) − investments + other cash flows.
//! Monthly profiles spread each row over the year; for the valuation year
//! only what the year-to-date actuals leave is spread, over the months
//! left, by the profile renormalised.
//!
//! [`plan`] turns that into one row a month ([`PlanMonth`]); `simulate`
//! runs it on each path with the uncertainty as deviations from the plan,
//! so that with randomness off every deviation is exactly zero and the
//! plan comes back unchanged.

pub mod simulate;

#[cfg(test)]
mod tests;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::calendar::month_after;
use crate::obligations::Obligations;

/// Months in a profile.
pub const MONTHS_A_YEAR: usize = 12;
/// A profile: the share of a year's amount in each calendar month.
pub type Profile = [f64; MONTHS_A_YEAR];
/// The even profile, 1/12 a month.
pub const EVEN: Profile = [1.0 / 12.0; MONTHS_A_YEAR];

/// The amounts of a year (or of the year to date), mkr, each positive in
/// its natural direction (costs as positive amounts).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct Rows {
    /// Verksamhetens intäkter, excluding earmarked state grants.
    pub operating_revenue: f64,
    /// Riktade statsbidrag, paid in lumps.
    pub earmarked_grants: f64,
    pub tax_revenue: f64,
    /// Generella statsbidrag och utjämning.
    pub general_grants: f64,
    /// Statsbidrag för läkemedelsförmånen.
    pub pharmaceutical_grant: f64,
    pub operating_costs: f64,
    pub depreciation: f64,
    pub financial_income: f64,
    pub financial_costs: f64,
    /// Non-cash: the pension provision's increase including its interest,
    /// booked among the costs and financial costs, paid later.
    pub pension_provision_increase: f64,
    /// Non-cash: the pension portfolio's return booked in the financial
    /// items (negative for a loss); it stays in the portfolio.
    pub portfolio_return: f64,
    /// Net investments, paid in cash.
    pub investments: f64,
    /// Other cash flows outside the result (signed: leasing amortisation,
    /// working capital), mkr.
    pub other_cash_flows: f64,
}

impl Rows {
    /// Årets resultat: revenue + grants + tax − costs − depreciation +
    /// financial income − financial costs.
    pub fn result(&self) -> f64 {
        self.operating_revenue
            + self.earmarked_grants
            + self.tax_revenue
            + self.general_grants
            + self.pharmaceutical_grant
            - self.operating_costs
            - self.depreciation
            + self.financial_income
            - self.financial_costs
    }

    /// What is left of `self` (a full year) after `done` (the year to date).
    pub fn minus(&self, done: &Rows) -> Rows {
        Rows {
            operating_revenue: self.operating_revenue - done.operating_revenue,
            earmarked_grants: self.earmarked_grants - done.earmarked_grants,
            tax_revenue: self.tax_revenue - done.tax_revenue,
            general_grants: self.general_grants - done.general_grants,
            pharmaceutical_grant: self.pharmaceutical_grant - done.pharmaceutical_grant,
            operating_costs: self.operating_costs - done.operating_costs,
            depreciation: self.depreciation - done.depreciation,
            financial_income: self.financial_income - done.financial_income,
            financial_costs: self.financial_costs - done.financial_costs,
            pension_provision_increase: self.pension_provision_increase - done.pension_provision_increase,
            portfolio_return: self.portfolio_return - done.portfolio_return,
            investments: self.investments - done.investments,
            other_cash_flows: self.other_cash_flows - done.other_cash_flows,
        }
    }
}

/// One year of the budget table (`[[liquidity.year]]`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BudgetYear {
    pub year: i32,
    pub rows: Rows,
    /// The calendar months (1-12) the earmarked grants arrive in, in equal
    /// lumps.
    pub earmarked_months: Vec<u32>,
    /// Part of the tax revenue paid in January (the settlement, slutavräkning),
    /// the rest evenly month by month; mkr, signed.
    pub tax_settlement: f64,
}

/// A financing rule (`[liquidity].rules`, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Let cash go below zero, down to the overdraft facility; the rules
    /// after it act only once the overdraft is used up.
    Overdraft,
    /// Borrow from Kommuninvest in whole blocks within the borrowing limit.
    Borrow,
    /// Skip the month's planned deposit into the pension portfolio.
    SkipDeposit,
    /// Withdraw from the pension portfolio.
    Withdraw,
}

impl Rule {
    pub const ALL: [Rule; 4] = [Rule::Overdraft, Rule::Borrow, Rule::SkipDeposit, Rule::Withdraw];

    pub fn name(self) -> &'static str {
        match self {
            Rule::Overdraft => "overdraft",
            Rule::Borrow => "borrow",
            Rule::SkipDeposit => "skip_deposit",
            Rule::Withdraw => "withdraw",
        }
    }
}

/// The uncertainty around the plan (`[liquidity.uncertainty]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Uncertainty {
    /// Standard deviation of a calendar year's summed cost deviation, mkr.
    pub cost_spread: f64,
    /// The monthly cost deviation's AR(1) coefficient, 0 to below 1.
    pub cost_persistence: f64,
    /// Standard deviation of a year's tax-base revision, mkr.
    pub tax_spread: f64,
    /// The calendar month a year's tax revision is paid in.
    pub tax_month: u32,
    /// Probability that an earmarked lump arrives late.
    pub grant_delay: f64,
    /// How late, months.
    pub grant_delay_months: u32,
    /// Probability that an earmarked lump never arrives.
    pub grant_missing: f64,
    /// Mean share of a month's investments pushed to the next month (the
    /// share is uniform on 0 to twice this).
    pub investment_slippage: f64,
}

impl Uncertainty {
    /// The monthly innovation's standard deviation that gives a calendar
    /// year's summed AR(1) deviation (starting from zero) the standard
    /// deviation `cost_spread`: the sum is `σ Σ_j (1 − φ^j) / (1 − φ)` over
    /// the innovations of months `j` = 12, 11, …, 1 from the year's end.
    pub fn cost_sigma(&self) -> f64 {
        let phi = self.cost_persistence;
        let mut weight_sq = 0.0;
        let mut geometric = 0.0;
        for _ in 0..MONTHS_A_YEAR {
            geometric = 1.0 + phi * geometric;
            weight_sq += geometric * geometric;
        }
        self.cost_spread / weight_sq.sqrt()
    }
}

/// One month-end's actual figures (`[[actuals.month]]`), entered as they
/// arrive: the cash (kassa och bank) and the loans outstanding, mkr; at
/// least one of the two.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ActualMonth {
    pub date: NaiveDate,
    pub cash: Option<f64>,
    pub debt: Option<f64>,
}

/// The actual month-ends the forecast made on the valuation date is held
/// against (`[actuals]`, validated in `scenario/validate/actuals.rs`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Actuals {
    /// The figures are made up (an example), not the region's: every
    /// output that shows them says so.
    pub constructed: bool,
    /// Free text shown with the figures (their source, or why they are
    /// constructed).
    pub note: Option<String>,
    /// By date, each a month-end of the forecast.
    pub months: Vec<ActualMonth>,
}

/// A validated `[liquidity]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Liquidity {
    /// Kassa och bank on the valuation date, mkr.
    pub opening_cash: f64,
    /// Short-term receivables, mkr (kept at this level).
    pub receivables: f64,
    /// Current liabilities, mkr (kept at this level; the overdraft drawn
    /// is added to them).
    pub current_liabilities: f64,
    /// The kassalikviditet target (0.67).
    pub quick_ratio_target: f64,
    /// The level the rules before the overdraft defend, mkr.
    pub buffer: f64,
    /// The overdraft facility, mkr (from `[debt]` when present).
    pub overdraft: f64,
    /// Extra borrowing is taken in whole blocks of this, mkr.
    pub borrowing_block: f64,
    /// Months forecast after the valuation date.
    pub months: usize,
    /// Off: every path is the plan.
    pub randomness: bool,
    pub rules: Vec<Rule>,
    pub years: Vec<BudgetYear>,
    /// Actuals of the valuation year up to the valuation date.
    pub year_to_date: Option<Rows>,
    pub cost_profile: Profile,
    pub revenue_profile: Profile,
    pub investment_profile: Profile,
    pub uncertainty: Uncertainty,
    /// The actual month-ends of `[actuals]` (none without one).
    pub actuals: Actuals,
}

/// The defaults of `[liquidity.uncertainty]` (`docs/liquidity.md` says
/// why): a year's costs one 190 mkr standard deviation off plan, the
/// deviation persistent; one tax revision of 36 mkr a year, paid in
/// December; a tenth of the grants three months late, one in twenty
/// missing; a tenth of a month's investments slipping a month.
pub const DEFAULT_UNCERTAINTY: Uncertainty = Uncertainty {
    cost_spread: 190.0,
    cost_persistence: 0.9,
    tax_spread: 36.0,
    tax_month: 12,
    grant_delay: 0.1,
    grant_delay_months: 3,
    grant_missing: 0.05,
    investment_slippage: 0.1,
};

/// The default financing order: the overdraft, then Kommuninvest, then
/// the pension portfolio.
pub const DEFAULT_RULES: [Rule; 4] = [Rule::Overdraft, Rule::Borrow, Rule::SkipDeposit, Rule::Withdraw];
/// The default block of extra borrowing, mkr.
pub const DEFAULT_BLOCK: f64 = 50.0;

/// Default months forecast: to the end of 2027 from the end of August 2025.
pub const DEFAULT_MONTHS: usize = 28;
/// The region's kassalikviditet target (digest 5.2).
pub const DEFAULT_QUICK_RATIO_TARGET: f64 = 0.67;

/// One month of the plan, amounts in mkr (inflows positive).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PlanMonth {
    pub end: NaiveDate,
    /// Index of the month's year in the forecast's years.
    pub year: usize,
    /// Everything but the items below: revenue, tax, general and
    /// pharmaceutical grants, costs, financial items and the non-cash
    /// add-backs, other cash flows.
    pub operating: f64,
    /// The month's operating costs (inside `operating`), mkr.
    pub costs: f64,
    /// Earmarked grants arriving this month.
    pub grants: f64,
    pub investments: f64,
    /// The planned deposit into the pension portfolio.
    pub deposit: f64,
    /// Pension payments withdrawn from the portfolio into cash.
    pub withdrawal: f64,
    /// Whether the month ends a quarter.
    pub quarter_end: bool,
}

/// The plan month by month, and the result by year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub months: Vec<PlanMonth>,
    /// The calendar years the months touch.
    pub years: Vec<i32>,
    /// The budget's result of each year (the whole year, also the
    /// valuation year's), mkr.
    pub results: Vec<f64>,
}

/// The share of `profile` in each month of `months` (calendar months
/// 1-12), renormalised to sum to one over them; even if the profile
/// gives them nothing.
fn renormalised(profile: &Profile, months: &[u32]) -> Vec<f64> {
    let total: f64 = months.iter().map(|&m| profile[m as usize - 1]).sum();
    months
        .iter()
        .map(|&m| if total > 0.0 { profile[m as usize - 1] / total } else { 1.0 / months.len() as f64 })
        .collect()
}

/// The plan: each budget row spread over its months.
pub fn plan(liq: &Liquidity, valuation: NaiveDate, obligations: Option<&Obligations>) -> Plan {
    let ends: Vec<NaiveDate> = (1..=liq.months).map(|m| month_after(valuation, m)).collect();
    let mut years: Vec<i32> = Vec::new();
    for e in &ends {
        if years.last() != Some(&e.year()) {
            years.push(e.year());
        }
    }
    let mut months = Vec::with_capacity(ends.len());
    let mut results = Vec::with_capacity(years.len());
    for (yi, &year) in years.iter().enumerate() {
        let budget =
            liq.years.iter().find(|b| b.year == year).expect("invariant: validation covers every year");
        results.push(budget.rows.result());
        // The calendar months of the year still to come, and what is left.
        let first = if year == valuation.year() { valuation.month() + 1 } else { 1 };
        let open: Vec<u32> = (first..=12).collect();
        let left = match (&liq.year_to_date, year == valuation.year()) {
            (Some(done), true) => budget.rows.minus(done),
            _ => budget.rows,
        };
        // Without year-to-date actuals a part year takes its profile's share.
        let scale = |profile: &Profile| -> Vec<f64> {
            if liq.year_to_date.is_some() || first == 1 {
                renormalised(profile, &open)
            } else {
                open.iter().map(|&m| profile[m as usize - 1]).collect()
            }
        };
        let (cost, revenue, invest, even) = (
            scale(&liq.cost_profile),
            scale(&liq.revenue_profile),
            scale(&liq.investment_profile),
            scale(&EVEN),
        );
        let settlement = if first == 1 { budget.tax_settlement } else { 0.0 };
        let lumps: Vec<u32> = budget.earmarked_months.iter().copied().filter(|&m| m >= first).collect();
        let lump_share = if year == valuation.year() && liq.year_to_date.is_none() {
            lumps.len() as f64 / budget.earmarked_months.len().max(1) as f64
        } else {
            1.0
        };
        let deposit =
            obligations.and_then(|o| o.deposits.iter().find(|d| d.year == year)).map_or(0.0, |d| d.amount);
        let withdrawal = obligations.filter(|o| o.withdraw_payments).map_or(0.0, |o| {
            o.projection
                .iter()
                .find(|p| p.year == year)
                .map_or(0.0, |p| (p.provision_payments + p.contingent_payments) * (1.0 + o.payroll_tax))
        });
        for (i, &m) in open.iter().enumerate() {
            let Some(&end) = ends.get(months.len()) else { break };
            let costs = left.operating_costs * cost[i];
            let operating = left.operating_revenue * revenue[i]
                + (left.tax_revenue - settlement) * even[i]
                + if m == 1 { settlement } else { 0.0 }
                + (left.general_grants + left.pharmaceutical_grant + left.financial_income
                    - left.financial_costs
                    + left.pension_provision_increase
                    - left.portfolio_return
                    + left.other_cash_flows)
                    * even[i]
                - costs;
            let grants = if lumps.contains(&m) {
                left.earmarked_grants * lump_share / lumps.len() as f64
            } else {
                0.0
            };
            months.push(PlanMonth {
                end,
                year: yi,
                operating,
                costs,
                grants,
                investments: left.investments * invest[i],
                deposit: if m == 1 { deposit } else { 0.0 },
                withdrawal: if m == 1 { withdrawal } else { 0.0 },
                quarter_end: m % 3 == 0,
            });
        }
    }
    Plan { months, years, results }
}

/// Kassalikviditet: (receivables + cash) / current liabilities, excluding
/// the pension placements and inventories (digest 9.6); an overdraft drawn
/// (negative cash) is a current liability.
pub fn quick_ratio(receivables: f64, cash: f64, current_liabilities: f64) -> f64 {
    (receivables + cash.max(0.0)) / (current_liabilities + (-cash).max(0.0))
}
