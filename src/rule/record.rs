//! What a run records for each path (`dynamic-risk-rule.md`, "What a run
//! records for each path"): counts, volumes, breaches and drawdown.
//!
//! Month-end series are the caller's to keep (replay keeps every day,
//! Monte Carlo keeps streaming quantiles); this accumulator holds only
//! the scalars, so a path costs a few bytes whatever its length.

use super::{Day, TradeKind};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PathRecord {
    pub downweights: u32,
    pub upweights: u32,
    /// Equity amount traded, both directions.
    pub traded: f64,
    pub costs: f64,
    pub breach_days: u32,
    /// Deepest breach `(F - V) / F`, zero when there was none.
    pub worst_breach: f64,
    /// Lowest pre-trade margin.
    pub min_margin: f64,
    /// Largest fall from the running high of the end-of-day value.
    pub max_drawdown: f64,
    peak: f64,
    worst_floor_ratio: f64,
}

impl PathRecord {
    /// A record for a path starting at `start_value`.
    pub fn new(start_value: f64) -> PathRecord {
        PathRecord {
            downweights: 0,
            upweights: 0,
            traded: 0.0,
            costs: 0.0,
            breach_days: 0,
            worst_breach: 0.0,
            min_margin: f64::INFINITY,
            max_drawdown: 0.0,
            peak: start_value,
            worst_floor_ratio: f64::NEG_INFINITY,
        }
    }

    /// What a day is compared with to tell whether it changes this record.
    pub fn watch(&self) -> Watch {
        Watch {
            worst_floor_ratio: self.worst_floor_ratio,
            peak: self.peak,
            drawdown_line: self.peak * (1.0 - self.max_drawdown),
        }
    }

    /// A flow that scaled the portfolio by `factor` (`(V + c) / V`): the
    /// running high scales with it, so the drawdown measures returns, not
    /// cash moved; the ratios kept are unchanged.
    pub fn scale(&mut self, factor: f64) {
        self.peak *= factor;
    }

    /// Adds one day. New extremes are tested by multiplication, so a
    /// quiet day divides nothing.
    #[inline]
    pub fn observe(&mut self, day: &Day) {
        for trade in day.down.iter().chain(&day.up) {
            match trade.kind {
                TradeKind::Down => self.downweights += 1,
                TradeKind::Up => self.upweights += 1,
            }
            self.traded += trade.amount;
            self.costs += trade.cost;
        }
        let (value, floor) = (day.value_pre, day.floor_pre);
        if value < floor {
            self.breach_days += 1;
            self.worst_breach = self.worst_breach.max((floor - value) / floor);
        }
        // m = 1 - F / V is lowest when F / V is highest.
        if floor > self.worst_floor_ratio * value || value <= 0.0 {
            self.worst_floor_ratio = if value > 0.0 { floor / value } else { f64::INFINITY };
            self.min_margin = self.min_margin.min(day.margin_pre());
        }
        let after = day.value_post;
        if after > self.peak {
            self.peak = after;
        } else if after < self.watch().drawdown_line {
            self.max_drawdown = 1.0 - after / self.peak;
        }
    }
}

/// The thresholds of a [`PathRecord`] a day is tested against: a day
/// without trades that [`Watch::is_quiet`] passes leaves the record as it
/// is, so a caller that keeps many paths side by side may skip
/// [`PathRecord::observe`] on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Watch {
    /// The highest `F / V` so far (the lowest margin).
    pub worst_floor_ratio: f64,
    /// The highest end-of-day value so far.
    pub peak: f64,
    /// `peak (1 - max_drawdown)`: a value under it deepens the drawdown.
    pub drawdown_line: f64,
}

impl Watch {
    /// Whether a day without trades, at `value` against `floor`, would
    /// leave the record unchanged: no breach, no lower margin, no new peak
    /// and no deeper drawdown. The negation of each test in
    /// [`PathRecord::observe`], joined without branches.
    #[inline(always)]
    pub fn is_quiet(&self, value: f64, floor: f64) -> bool {
        (value >= floor)
            & (value > 0.0)
            & (floor <= self.worst_floor_ratio * value)
            & (value <= self.peak)
            & (value >= self.drawdown_line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rule::Day;
    use proptest::prelude::*;

    fn quiet_day(value: f64, floor: f64) -> Day {
        Day {
            value_pre: value,
            equity_value_pre: value * 0.4,
            high_pre: floor / 0.8,
            floor_pre: floor,
            value_post: value,
            down: None,
            up: None,
        }
    }

    proptest! {
        /// A day the watch calls quiet leaves the record as it was, and a
        /// day it does not call quiet changes it (the watch asks no more
        /// than it must).
        #[test]
        fn a_quiet_day_leaves_the_record_unchanged(
            history in prop::collection::vec((50.0f64..150.0, 60.0f64..100.0), 1..20),
            value in 40.0f64..160.0,
            floor in 60.0f64..100.0,
        ) {
            let mut record = PathRecord::new(100.0);
            for (v, f) in history {
                record.observe(&quiet_day(v, f));
            }
            let before = record;
            let quiet = record.watch().is_quiet(value, floor);
            record.observe(&quiet_day(value, floor));
            prop_assert_eq!(quiet, record == before);
        }
    }
}
