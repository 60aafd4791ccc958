//! A date axis whose ticks fall on the calendar: the first of a month,
//! every 1, 2, 3 or 6 months or every 1, 2, 5 or 10 years, counted from
//! January, so that quarters, tertials' neighbours and years read as they
//! do in the region's reports (plotters' own date axis spaces its ticks by
//! days and lands on months such as 2026-08, 2027-07, 2028-06).

use std::ops::Range;

use chrono::{Datelike, Months, NaiveDate};
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedDate;

/// Months between ticks, the shortest first.
const STEPS: [u32; 9] = [1, 2, 3, 6, 12, 24, 60, 120, 240];

/// Dates across, ticked on month starts.
#[derive(Clone)]
pub struct Calendar {
    dates: Range<NaiveDate>,
    days: RangedDate<NaiveDate>,
}

impl Calendar {
    pub fn new(dates: Range<NaiveDate>) -> Calendar {
        Calendar { days: dates.clone().into(), dates }
    }

    /// The first days of months within the range, in order.
    fn month_starts(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        let start = self.dates.start;
        let first =
            if start.day() == 1 { start } else { start.with_day(1).unwrap_or(start) + Months::new(1) };
        (0..).map(move |m| first + Months::new(m)).take_while(|d| *d <= self.dates.end)
    }

    /// The ticks `step` months apart, counted from January.
    fn ticks(&self, step: u32) -> Vec<NaiveDate> {
        self.month_starts().filter(|d| (d.year() * 12 + d.month0() as i32) % step as i32 == 0).collect()
    }

    /// Months between ticks for at most `max` ticks; `None` when the
    /// range holds fewer than three month starts and days serve better.
    pub fn tick_months(&self, max: usize) -> Option<u32> {
        self.month_starts().nth(2)?;
        STEPS.into_iter().find(|&step| self.ticks(step).len() <= max.max(2))
    }
}

impl Ranged for Calendar {
    type FormatOption = DefaultFormatting;
    type ValueType = NaiveDate;

    fn map(&self, value: &NaiveDate, limit: (i32, i32)) -> i32 {
        self.days.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<NaiveDate> {
        match self.tick_months(hint.max_num_points()) {
            Some(step) => self.ticks(step),
            None => self.days.key_points(hint),
        }
    }

    fn range(&self) -> Range<NaiveDate> {
        self.dates.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn ten_years_are_ticked_on_new_years_day() {
        let axis = Calendar::new(date(2025, 8, 31)..date(2035, 8, 31));
        assert_eq!(axis.tick_months(10), Some(12));
        let ticks = axis.key_points(10);
        assert_eq!((ticks.first(), ticks.len()), (Some(&date(2026, 1, 1)), 10));
        assert!(ticks.iter().all(|d| d.month() == 1 && d.day() == 1));
        assert_eq!(axis.tick_months(6), Some(24));
        assert!(axis.key_points(6).iter().all(|d| d.year() % 2 == 0));
    }

    #[test]
    fn two_years_are_ticked_by_quarter() {
        let axis = Calendar::new(date(2007, 10, 9)..date(2009, 12, 31));
        assert_eq!(axis.tick_months(10), Some(3));
        let ticks = axis.key_points(10);
        assert_eq!(ticks.first(), Some(&date(2008, 1, 1)));
        assert!(ticks.iter().all(|d| [1, 4, 7, 10].contains(&d.month())));
    }

    #[test]
    fn a_few_weeks_fall_back_to_days() {
        let axis = Calendar::new(date(1987, 10, 9)..date(1987, 11, 30));
        assert_eq!(axis.tick_months(10), None);
        assert!(!axis.key_points(10).is_empty());
    }
}
