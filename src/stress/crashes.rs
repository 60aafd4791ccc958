//! The historical crashes `pensionsim run` replays today's portfolio
//! through, each from the Dow Jones peak before it.

use chrono::NaiveDate;

/// A crash: its key (the folder its files go to) and its window of the
/// daily index series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crash {
    pub name: &'static str,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

const fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(d) => d,
        None => panic!("not a date"),
    }
}

/// October 1987, 2007-2009 and February-April 2020.
pub const CRASHES: [Crash; 3] = [
    Crash { name: "crash-1987", from: date(1987, 8, 25), to: date(1988, 8, 31) },
    Crash { name: "crash-2008", from: date(2007, 10, 9), to: date(2009, 12, 31) },
    Crash { name: "crash-2020", from: date(2020, 2, 12), to: date(2020, 12, 31) },
];
