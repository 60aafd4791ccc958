//! The loan book: Kommuninvest loans, the finance policy's limits, and the
//! key figures the region reports (KI Finans definitions).
//!
//! A [`Book`] is the loans outstanding on a date. Its key figures
//! ([`Book::key_figures`]) follow Kommuninvest's definitions, so they agree
//! with what KI Finans prints for the same loans:
//!
//! - **average rate**: the rates of the loans weighted by their outstanding
//!   amounts (a floating loan at its current fixing plus its margin);
//! - **kapitalbindning** (capital binding): the time until each krona is
//!   repaid, weighted by amount; a loan with amortisation counts each
//!   repayment at its own date;
//! - **räntebindning** (interest-rate fixing): the time until each krona's
//!   rate is next set, weighted by amount; the repayment date for a fixed
//!   loan, the next quarterly reset for a floating one (no derivatives);
//! - **share maturing within 12 months** (kapitalförfall inom ett år) and
//!   **share fixing within 12 months** (räntebindning under ett år):
//!   the amounts repaid, or re-fixed, within a year, over the total.
//!
//! Times are in years of 365 days. The rest of the module simulates the
//! book on the market model's rate paths: [`simulate`].

pub mod simulate;

#[cfg(test)]
mod tests;

use chrono::{Months, NaiveDate};
use serde::Serialize;

use crate::calendar::month_end;

/// Days in the year of every time here (actual/365).
pub const DAYS_PER_YEAR: f64 = 365.0;
/// Floating loans reset every this many months (3-month STIBOR).
pub const RESET_MONTHS: u32 = 3;
/// Years in the maturity profile the reports show (the last bucket holds
/// the rest): [`Book::maturity_profile`]`(PROFILE_YEARS)`.
pub const PROFILE_YEARS: usize = 6;

/// How a loan's rate is set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum LoanRate {
    /// Fixed to maturity, a yearly rate.
    Fixed { rate: f64 },
    /// 3-month STIBOR plus `margin`, reset every three months from the
    /// loan's start; `fixing` is the rate (STIBOR) set at the last reset.
    Floating { margin: f64, fixing: f64 },
}

/// One loan, as outstanding on the book's date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Loan {
    pub id: String,
    /// Outstanding amount, mkr.
    pub amount: f64,
    pub start: NaiveDate,
    pub maturity: NaiveDate,
    pub rate: LoanRate,
    /// Repaid each month-end until maturity, mkr a year (0: repaid whole
    /// at maturity, as Kommuninvest's loans usually are).
    pub amortisation: f64,
    /// Kommuninvest's green loan (gröna lån): reported, not priced.
    pub green: bool,
}

impl Loan {
    /// The yearly rate the loan pays now.
    pub fn current_rate(&self) -> f64 {
        match self.rate {
            LoanRate::Fixed { rate } => rate,
            LoanRate::Floating { margin, fixing } => fixing + margin,
        }
    }

    /// The first reset date of a floating loan strictly after `date`; the
    /// maturity for a fixed loan (or when no reset comes before it).
    pub fn next_fixing(&self, date: NaiveDate) -> NaiveDate {
        if let LoanRate::Floating { .. } = self.rate {
            let mut k = 1;
            while let Some(reset) = self.start.checked_add_months(Months::new(RESET_MONTHS * k)) {
                if reset >= self.maturity {
                    break;
                }
                if reset > date {
                    return reset;
                }
                k += 1;
            }
        }
        self.maturity
    }

    /// The repayments from `date` on: `(date, amount)`, amortisations at
    /// each month-end before maturity and the rest at maturity; they sum
    /// to the outstanding amount.
    pub fn repayments(&self, date: NaiveDate) -> Vec<(NaiveDate, f64)> {
        let mut out = Vec::new();
        self.each_repayment(date, |when, paid| out.push((when, paid)));
        out
    }

    /// [`Loan::repayments`] one at a time, without a list.
    pub fn each_repayment(&self, date: NaiveDate, mut f: impl FnMut(NaiveDate, f64)) {
        let mut left = self.amount;
        if self.amortisation > 0.0 {
            let mut end = month_end(date);
            if end <= date {
                end = month_end(end + chrono::Days::new(1));
            }
            while end < self.maturity && left > 0.0 {
                let paid = (self.amortisation / 12.0).min(left);
                f(end, paid);
                left -= paid;
                end = month_end(end + chrono::Days::new(1));
            }
        }
        if left > 0.0 {
            f(self.maturity, left);
        }
    }
}

/// Years from `from` to `to` (actual/365).
pub fn years_between(from: NaiveDate, to: NaiveDate) -> f64 {
    (to - from).num_days() as f64 / DAYS_PER_YEAR
}

/// The finance policy's limits for the debt (finanspolicy).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct DebtPolicy {
    /// Band for the average interest-rate fixing, years (1.5-4).
    pub fixing_years: (f64, f64),
    /// Band for the average capital binding, years (1.5-4).
    pub capital_binding_years: (f64, f64),
    /// At most this share maturing (and fixing) within 12 months (35 %).
    pub max_share_within_12m: f64,
}

/// The key figures of a book on a date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
pub struct KeyFigures {
    /// Outstanding, mkr.
    pub outstanding: f64,
    /// Amount-weighted yearly rate.
    pub average_rate: f64,
    /// Räntebindning, years.
    pub fixing_years: f64,
    /// Kapitalbindning, years.
    pub capital_binding_years: f64,
    /// Share of the amount whose rate is set again within 12 months.
    pub share_fixing_12m: f64,
    /// Share of the amount repaid within 12 months.
    pub share_maturing_12m: f64,
}

/// Which of the policy's limits a book breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
pub struct Breaches {
    /// Average fixing outside its band.
    pub fixing: bool,
    /// Average capital binding outside its band.
    pub capital_binding: bool,
    /// More than the maximum share maturing or fixing within 12 months.
    pub within_12m: bool,
}

impl Breaches {
    pub fn any(self) -> bool {
        self.fixing || self.capital_binding || self.within_12m
    }
}

impl KeyFigures {
    /// The limits these figures break; an empty book breaks none.
    pub fn breaches(&self, policy: &DebtPolicy) -> Breaches {
        if self.outstanding <= 0.0 {
            return Breaches::default();
        }
        let outside = |x: f64, (lo, hi): (f64, f64)| x < lo || x > hi;
        Breaches {
            fixing: outside(self.fixing_years, policy.fixing_years),
            capital_binding: outside(self.capital_binding_years, policy.capital_binding_years),
            within_12m: self.share_maturing_12m.max(self.share_fixing_12m) > policy.max_share_within_12m,
        }
    }
}

/// The loans outstanding on a date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Book {
    pub date: NaiveDate,
    pub loans: Vec<Loan>,
}

impl Book {
    pub fn outstanding(&self) -> f64 {
        self.loans.iter().map(|l| l.amount).sum()
    }

    /// The key figures on the book's date.
    pub fn key_figures(&self) -> KeyFigures {
        let date = self.date;
        let year_on = date.checked_add_months(Months::new(12)).unwrap_or(date);
        let mut k = KeyFigures::default();
        let (mut rate, mut fixing, mut binding) = (0.0, 0.0, 0.0);
        let (mut fixing_12m, mut maturing_12m) = (0.0, 0.0);
        for loan in &self.loans {
            k.outstanding += loan.amount;
            rate += loan.amount * loan.current_rate();
            let next_fixing = loan.next_fixing(date);
            loan.each_repayment(date, |when, paid| {
                let t = years_between(date, when);
                binding += paid * t;
                // A krona repaid before the next reset is fixed until it
                // is repaid.
                let fixed_until = when.min(next_fixing);
                fixing += paid * years_between(date, fixed_until);
                if when <= year_on {
                    maturing_12m += paid;
                }
                if fixed_until <= year_on {
                    fixing_12m += paid;
                }
            });
        }
        if k.outstanding > 0.0 {
            k.average_rate = rate / k.outstanding;
            k.fixing_years = fixing / k.outstanding;
            k.capital_binding_years = binding / k.outstanding;
            k.share_fixing_12m = fixing_12m / k.outstanding;
            k.share_maturing_12m = maturing_12m / k.outstanding;
        }
        k
    }

    /// Amounts repaid by year from the book's date: `[0-1, 1-2, ...]`
    /// years, the last bucket holding everything from `years - 1` on.
    pub fn maturity_profile(&self, years: usize) -> Vec<f64> {
        let mut buckets = vec![0.0; years.max(1)];
        for loan in &self.loans {
            loan.each_repayment(self.date, |when, paid| {
                let t = years_between(self.date, when);
                let i = ((t.max(0.0) - 1e-9).max(0.0).floor() as usize).min(buckets.len() - 1);
                buckets[i] += paid;
            });
        }
        buckets
    }
}

/// New borrowing the plan has on a date, mkr.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Borrowing {
    pub date: NaiveDate,
    pub amount: f64,
}

/// How maturing loans and new borrowing are placed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Refinancing {
    /// Split evenly into loans of 1, 2, ..., `years` years (a ladder).
    Ladder { years: u32 },
    /// All floating (3-month STIBOR plus the margin), `years` to maturity.
    Floating { years: u32 },
    /// All fixed for `years`.
    Fixed { years: u32 },
    /// For each amount, the cheapest maturity of 1 to `max_years` years
    /// (or floating) that keeps the book inside the policy; when none
    /// does, the one that brings it closest.
    Policy { max_years: u32 },
}

/// The whole `[debt]` section: today's book, the plan and the policy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Debt {
    pub book: Book,
    pub borrowing: Vec<Borrowing>,
    /// Total borrowing room (låneutrymme), mkr.
    pub borrowing_limit: f64,
    /// The overdraft facility (checkräkningskredit), mkr.
    pub overdraft: f64,
    pub policy: DebtPolicy,
    pub refinancing: Refinancing,
    /// Kommuninvest's spread over the market curve for fixed loans, yearly.
    pub fixed_spread: f64,
    /// The margin over 3-month STIBOR for new floating loans, yearly.
    pub floating_margin: f64,
    /// 3-month STIBOR on the valuation date (the fixing of today's
    /// floating loans until their next reset).
    pub stibor_3m: f64,
}

impl Debt {
    /// Planned borrowing that takes the book over the limit, with the
    /// date, assuming no loan is repaid without being refinanced:
    /// `(date, debt after it)`.
    pub fn plan_over_limit(&self) -> Option<(NaiveDate, f64)> {
        let mut plan = self.borrowing.clone();
        plan.sort_by_key(|b| b.date);
        let mut debt = self.book.outstanding();
        for b in plan {
            debt += b.amount;
            if debt > self.borrowing_limit + 1e-9 {
                return Some((b.date, debt));
            }
        }
        None
    }
}
