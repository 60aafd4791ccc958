//! The pension obligation and the road to full consolidation
//! (`[obligations]`; `docs/obligations.md`).
//!
//! The obligation has two parts under the mixed model (blandmodellen):
//! the provision (avsättning, pensions earned from 1998, on the balance
//! sheet) and the contingent liability (ansvarsförbindelse, earned before
//! 1998, disclosed only). Each is carried **excluding** the special
//! payroll tax (särskild löneskatt) in the valuation date's prices,
//! rolled forward a year at a time with the real discount rate `r` (RIPS)
//! and the scenario's projection of new earnings `E` and payments `P`:
//!
//! ```text
//! L_real(end of y) = L_real(start of y) (1 + r)^f + f (E_y - P_y)
//! ```
//!
//! where `f` is the share of year `y` the simulation covers (the months
//! after the valuation date in its own year, otherwise 1). The obligation
//! follows the price base amount, which follows prices: on a path whose
//! price index (the market model's own inflation path) stands at `I`, the
//! obligation including payroll tax is `L_real I (1 + t)`. So a path with
//! higher inflation has a higher obligation, by exactly its index's ratio.
//!
//! The year's change of the nominal obligation splits into a financial
//! cost, interest `L I_start ((1 + r)^f - 1)` and indexation
//! `L (1 + r)^f (I_end - I_start)` (both times `1 + t`), and the
//! operating part, earnings less payments at the year-end's prices.
//!
//! The portfolio is the rule's, simulated by the [`crate::engine::Engine`] with the
//! scenario's deposits (and, as an option, the year's pension payments
//! withdrawn) at the start of each January: flows go through
//! [`crate::rule::Managed::apply_flow`], the rule's one flow adjustment.
//! The consolidation ratio (konsolideringsgrad) divides the portfolio's
//! value by the chosen [`Denominator`]; återlånade medel is that
//! denominator less the portfolio.

mod outlook;
mod schedule;
mod search;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub use outlook::{Outlook, YearFigures, outlook, ratios_at_target, ratios_at_target_shared, year_figures};
pub use schedule::{Flows, PathYear};
pub use search::{
    DepositAnswer, DepositSearch, MAX_DEPOSIT_MKR, PROBE_MKR, TOLERANCE_MKR, share_reaching, solve_deposits,
    solve_deposits_steered,
};

/// Särskild löneskatt, 24.26 % (digest 3.3).
pub const DEFAULT_PAYROLL_TAX: f64 = 0.2426;
/// The real discount rate of the obligation (RIPS), 1 % a year.
pub const DEFAULT_DISCOUNT_RATE: f64 = 0.01;
/// The council's target year for full consolidation (digest 3.4).
pub const DEFAULT_TARGET_YEAR: i32 = 2040;
/// Paths of the deposit search unless the caller says otherwise: each
/// level is a full run, so fewer than the outlook's (a probability's
/// standard error at most 1.1 points).
pub const DEFAULT_SEARCH_PATHS: usize = 2_000;
/// The probabilities the deposit search answers for.
pub const DEPOSIT_PROBABILITIES: [f64; 3] = [0.50, 0.75, 0.90];

/// What the consolidation ratio divides by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Denominator {
    /// Provision and contingent liability: the region's reported 29 %.
    Whole,
    /// The booked provision only: the target's literal "bokförda värde",
    /// 47.8 % (digest 3.4).
    Provision,
}

impl Denominator {
    /// The names a scenario may use.
    pub const NAMES: [&'static str; 2] = ["whole", "provision"];

    pub fn parse(name: &str) -> Option<Denominator> {
        match name {
            "whole" => Some(Denominator::Whole),
            "provision" => Some(Denominator::Provision),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Denominator::Whole => "whole",
            Denominator::Provision => "provision",
        }
    }
}

/// One year of the projection: amounts in the valuation date's prices,
/// excluding payroll tax, mkr.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ProjectionYear {
    pub year: i32,
    pub provision_payments: f64,
    pub provision_earnings: f64,
    pub contingent_payments: f64,
    pub contingent_earnings: f64,
}

/// A deposit into the portfolio at the start of January of `year`, mkr.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Deposit {
    pub year: i32,
    pub amount: f64,
}

/// A validated `[obligations]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Obligations {
    /// The provision on the valuation date, including payroll tax, mkr.
    pub provision: f64,
    /// The contingent liability on the valuation date, including payroll
    /// tax, mkr.
    pub contingent: f64,
    pub payroll_tax: f64,
    /// Real, a year.
    pub discount_rate: f64,
    pub denominator: Denominator,
    pub target_year: i32,
    /// The last year-end projected.
    pub horizon_year: i32,
    /// Whether each year's pension payments (with payroll tax, indexed)
    /// are withdrawn from the portfolio in January.
    pub withdraw_payments: bool,
    /// The deposit rule: a path skips a planned deposit when its ratio at
    /// the year-end before is already at least 100 %.
    pub stop_when_full: bool,
    /// One row a year from the valuation date's year to `horizon_year`.
    pub projection: Vec<ProjectionYear>,
    /// The deposit plan, at most one a year.
    pub deposits: Vec<Deposit>,
}

/// The year-ends of an obligations run as simulation months.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    /// The years whose end the simulation reaches, in order.
    pub years: Vec<i32>,
    /// `december[j]`: the month (0-based, month 0 ends a month after the
    /// valuation date's month) that ends year `years[j]`.
    pub december: Vec<usize>,
    /// The share of each year the simulation covers.
    pub fraction: Vec<f64>,
}

impl Calendar {
    /// The year-ends from `valuation_date` through `last_year`.
    pub fn new(valuation_date: NaiveDate, last_year: i32) -> Calendar {
        let (y0, m0) = (valuation_date.year(), valuation_date.month() as i32);
        let first = if m0 == 12 { y0 + 1 } else { y0 };
        let years: Vec<i32> = (first..=last_year).collect();
        let december: Vec<usize> = years.iter().map(|y| (12 * (y - y0) + (12 - m0) - 1) as usize).collect();
        let fraction = december
            .iter()
            .enumerate()
            .map(|(j, d)| if j == 0 { (d + 1) as f64 / 12.0 } else { 1.0 })
            .collect();
        Calendar { years, december, fraction }
    }

    /// Months simulated: through the last year-end.
    pub fn months(&self) -> usize {
        self.december.last().map_or(0, |d| d + 1)
    }

    /// The index of `year` in [`Calendar::years`].
    pub fn index(&self, year: i32) -> Option<usize> {
        self.years.iter().position(|y| *y == year)
    }

    /// The month whose start is January of `year`, if simulated.
    pub fn january(&self, year: i32) -> Option<usize> {
        let j = self.index(year)?;
        (self.december[j] >= 11).then(|| self.december[j] - 11)
    }
}

/// The deterministic part: each part's obligation at each year-end in the
/// valuation date's prices, excluding payroll tax.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RealProjection {
    pub years: Vec<i32>,
    /// At the valuation date, then at each year-end.
    pub provision_start: f64,
    pub contingent_start: f64,
    pub provision: Vec<f64>,
    pub contingent: Vec<f64>,
    /// The share of each year simulated (the calendar's).
    pub fraction: Vec<f64>,
}

impl Obligations {
    /// The calendar from `valuation_date` to the horizon year.
    pub fn calendar(&self, valuation_date: NaiveDate) -> Calendar {
        Calendar::new(valuation_date, self.horizon_year)
    }

    /// The row of `year` (zeros if there is none: validation requires one
    /// for every simulated year, so only a hand-built value lacks one).
    fn row(&self, year: i32) -> ProjectionYear {
        self.projection.iter().copied().find(|r| r.year == year).unwrap_or(ProjectionYear {
            year,
            provision_payments: 0.0,
            provision_earnings: 0.0,
            contingent_payments: 0.0,
            contingent_earnings: 0.0,
        })
    }

    /// Rolls both parts forward year by year (see the module's formula).
    pub fn real_projection(&self, calendar: &Calendar) -> RealProjection {
        let tax = 1.0 + self.payroll_tax;
        let (mut p, mut c) = (self.provision / tax, self.contingent / tax);
        let mut out = RealProjection {
            years: calendar.years.clone(),
            provision_start: p,
            contingent_start: c,
            provision: Vec::new(),
            contingent: Vec::new(),
            fraction: calendar.fraction.clone(),
        };
        for (year, f) in calendar.years.iter().zip(&calendar.fraction) {
            let row = self.row(*year);
            #[allow(
                clippy::disallowed_methods,
                reason = "the obligation's projection, computed once, not a simulated path"
            )]
            let growth = (1.0 + self.discount_rate).powf(*f);
            p = p * growth + f * (row.provision_earnings - row.provision_payments);
            c = c * growth + f * (row.contingent_earnings - row.contingent_payments);
            out.provision.push(p);
            out.contingent.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests;
