//! A reporting period: a tertial (the region's own cadence, January-April,
//! May-August, September-December) or a quarter, written `2025T2` or
//! `2025Q3` (the reporting calendar of Plan med budget 2026).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

/// The period forms `Period::from_str` accepts, for error messages.
pub const FORMS: &str = "YYYYT1 to YYYYT3 (tertials: January-April, May-August, September-December) \
                         or YYYYQ1 to YYYYQ4 (quarters), e.g. 2025T2 or 2025Q3";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Tertial,
    Quarter,
}

/// One tertial or quarter of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub year: i32,
    pub kind: Kind,
    /// 1 to 3 for a tertial, 1 to 4 for a quarter.
    pub number: u32,
}

impl Period {
    fn months(self) -> u32 {
        match self.kind {
            Kind::Tertial => 4,
            Kind::Quarter => 3,
        }
    }

    /// The first month of the period, 1 to 12.
    pub fn first_month(self) -> u32 {
        (self.number - 1) * self.months() + 1
    }

    /// The last month of the period, 1 to 12.
    pub fn last_month(self) -> u32 {
        self.number * self.months()
    }

    pub fn start(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.first_month(), 1)
            .unwrap_or_else(|| unreachable!("a parsed period has a valid year and month"))
    }

    /// The period's last day.
    pub fn end(self) -> NaiveDate {
        let first = NaiveDate::from_ymd_opt(self.year, self.last_month(), 1)
            .unwrap_or_else(|| unreachable!("a parsed period has a valid year and month"));
        crate::calendar::month_end(first)
    }

    pub fn contains(self, date: NaiveDate) -> bool {
        (self.start()..=self.end()).contains(&date)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Period, String> {
        let bad = || format!("expected {FORMS}, found `{s}`");
        let upper = s.trim().to_ascii_uppercase();
        if upper.len() != 6 || !upper.is_ascii() {
            return Err(bad());
        }
        let (year, rest) = upper.split_at(4);
        let year: i32 = year.parse().map_err(|_| bad())?;
        let (kind, max) = match &rest[..1] {
            "T" => (Kind::Tertial, 3),
            "Q" => (Kind::Quarter, 4),
            _ => return Err(bad()),
        };
        let number: u32 = rest[1..].parse().map_err(|_| bad())?;
        if !(1900..=2999).contains(&year) || !(1..=max).contains(&number) {
            return Err(bad());
        }
        Ok(Period { year, kind, number })
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self.kind {
            Kind::Tertial => 'T',
            Kind::Quarter => 'Q',
        };
        write!(f, "{}{letter}{}", self.year, self.number)
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The last month-end of the year before `date`'s: where "this year's"
/// return starts.
pub fn year_start(date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(date.year() - 1, 12, 31).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn tertials_and_quarters_cover_their_months() {
        let t2: Period = "2025T2".parse().unwrap();
        assert_eq!((t2.start(), t2.end()), (d("2025-05-01"), d("2025-08-31")));
        let t3: Period = "2025t3".parse().unwrap();
        assert_eq!((t3.start(), t3.end()), (d("2025-09-01"), d("2025-12-31")));
        let q1: Period = "2024Q1".parse().unwrap();
        assert_eq!((q1.start(), q1.end()), (d("2024-01-01"), d("2024-03-31")));
        let q3: Period = "2025Q3".parse().unwrap();
        assert!(q3.contains(d("2025-08-31")) && !q3.contains(d("2025-06-30")));
        assert_eq!(t3.to_string(), "2025T3");
    }

    #[test]
    fn other_forms_are_refused_with_the_expected_ones() {
        for bad in ["2025T4", "2025Q5", "2025T0", "2025H1", "25T2", "2025-T2", "2025T", "T22025", "2025Ö2"] {
            let e = bad.parse::<Period>().unwrap_err();
            assert!(e.contains("YYYYT1") && e.contains(bad), "{bad}: {e}");
        }
    }
}
