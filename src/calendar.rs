//! Month-end dates and month counts: the one calendar the crate counts months with (the
//! scenario's history and liquidity checks, the loan book and its
//! simulation, the liquidity plan, calibration's month ends, stress
//! windows, and the dates of the reports' monthly figures).
//!
//! A simulation's month `m` (0-based) ends `m + 1` month-ends after the
//! valuation date's month; the helpers here turn such counts into dates.
//! The module imports nothing from the crate, so the scenario layer and
//! the simulations alike can use it without a loop between them.

use chrono::{Datelike, Months, NaiveDate};

/// The last day of `date`'s month.
pub fn month_end(date: NaiveDate) -> NaiveDate {
    let first = date.with_day(1).unwrap_or(date);
    first.checked_add_months(Months::new(1)).map_or(date, |next| next.pred_opt().unwrap_or(date))
}

/// Calendar months from `a`'s month to `b`'s (negative when `b`'s month
/// is earlier); the days within the months do not count.
pub fn months_between(a: NaiveDate, b: NaiveDate) -> i32 {
    (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32
}

/// The month-end `m` months after `valuation`'s.
pub fn month_after(valuation: NaiveDate, m: usize) -> NaiveDate {
    let first = valuation.with_day(1).unwrap_or(valuation);
    month_end(first.checked_add_months(Months::new(m as u32)).unwrap_or(first))
}
