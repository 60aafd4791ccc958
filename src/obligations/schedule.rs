//! An obligations run as the engine sees it: the plan's deposits and
//! withdrawals as a flow [`Schedule`], and each path's obligation and
//! ratio read from its kept [`MonthRecord`]s.
//!
//! The plain inputs and the deterministic projection are in the parent
//! module, which imports nothing from the engine; the files that run it
//! (this one, `outlook.rs`, `search.rs`) sit beside it, so the scenario
//! can hold an [`Obligations`] without reaching the simulation.

use super::{Calendar, Denominator, Obligations, RealProjection};
use crate::engine::{MonthRecord, Schedule};

impl Obligations {
    /// The flows of a run: this plan's deposits, or `uniform` mkr every
    /// January from the first simulated one through `uniform_to` in their
    /// place; and the payments when they are withdrawn.
    pub fn schedule(&self, calendar: &Calendar, uniform: Option<(f64, i32)>, recorded: Vec<usize>) -> Flows {
        let months = calendar.months();
        let mut deposit = vec![0.0; months];
        let mut withdrawal = vec![0.0; months];
        match uniform {
            Some((amount, last)) => {
                for year in calendar.years.iter().filter(|y| **y <= last) {
                    if let Some(m) = calendar.january(*year) {
                        deposit[m] = amount;
                    }
                }
            }
            None => {
                for d in &self.deposits {
                    if let Some(m) = calendar.january(d.year) {
                        deposit[m] = d.amount;
                    }
                }
            }
        }
        if self.withdraw_payments {
            for year in &calendar.years {
                if let Some(m) = calendar.january(*year) {
                    let row = self.row(*year);
                    withdrawal[m] =
                        (row.provision_payments + row.contingent_payments) * (1.0 + self.payroll_tax);
                }
            }
        }
        // The rule: the denominator (real, with tax) at the year-end before
        // each January; a path at or above it, once indexed, skips the
        // deposit.
        let mut full_at = vec![f64::INFINITY; months];
        if self.stop_when_full && uniform.is_none() {
            let real = self.real_projection(calendar);
            let tax = 1.0 + self.payroll_tax;
            let denominator = |p: f64, c: f64| match self.denominator {
                Denominator::Whole => (p + c) * tax,
                Denominator::Provision => p * tax,
            };
            for (j, year) in calendar.years.iter().enumerate() {
                if let Some(m) = calendar.january(*year) {
                    full_at[m] = match j {
                        0 => denominator(real.provision_start, real.contingent_start),
                        _ => denominator(real.provision[j - 1], real.contingent[j - 1]),
                    };
                }
            }
        }
        Flows { deposit, withdrawal, full_at, recorded }
    }
}

/// An obligations run's [`Schedule`]: deposits in mkr, withdrawals in the
/// valuation date's prices, indexed by each path's own price index.
#[derive(Debug, Clone, PartialEq)]
pub struct Flows {
    pub(super) deposit: Vec<f64>,
    pub(super) withdrawal: Vec<f64>,
    /// The deposit rule's threshold in real terms (infinite: deposit).
    pub(super) full_at: Vec<f64>,
    pub(super) recorded: Vec<usize>,
}

impl Schedule for Flows {
    fn recorded_months(&self) -> &[usize] {
        &self.recorded
    }

    fn has_flow(&self, month: usize) -> bool {
        month < self.deposit.len() && (self.deposit[month] != 0.0 || self.withdrawal[month] != 0.0)
    }

    fn flow(&self, month: usize, value: f64, log_price_index: f64) -> f64 {
        let index = crate::lanes::exp(log_price_index);
        let deposit = if value >= self.full_at[month] * index { 0.0 } else { self.deposit[month] };
        deposit - self.withdrawal[month] * index
    }
}

/// One path's obligation and ratio at a year-end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathYear {
    /// Provision and contingent liability, nominal, with payroll tax.
    pub provision: f64,
    pub contingent: f64,
    pub value: f64,
    /// Value over the chosen denominator.
    pub ratio: f64,
}

impl PathYear {
    /// Year-end `j` of a path whose record there is `record`.
    pub fn of(ob: &Obligations, real: &RealProjection, j: usize, record: &MonthRecord) -> PathYear {
        let index = crate::lanes::exp(record.log_price_index) * (1.0 + ob.payroll_tax);
        let provision = real.provision[j] * index;
        let contingent = real.contingent[j] * index;
        let denominator = match ob.denominator {
            Denominator::Whole => provision + contingent,
            Denominator::Provision => provision,
        };
        PathYear { provision, contingent, value: record.value, ratio: record.value / denominator }
    }

    /// The chosen denominator.
    pub fn denominator(&self, d: Denominator) -> f64 {
        match d {
            Denominator::Whole => self.provision + self.contingent,
            Denominator::Provision => self.provision,
        }
    }
}
