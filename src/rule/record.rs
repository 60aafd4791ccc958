//! What a run records for each path (`dynamic-risk-rule.md`, "What a run
//! records for each path"): counts, volumes, breaches and drawdown.
//!
//! Month-end series are the caller's to keep (replay keeps every day,
//! Monte Carlo keeps streaming quantiles); this accumulator holds only
//! the scalars, so a path costs a few bytes whatever its length.

use super::{Day, TradeKind, margin};

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
    extremes: Extremes,
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
            extremes: Extremes::new(start_value),
        }
    }

    /// Lowest pre-trade margin.
    pub fn min_margin(&self) -> f64 {
        self.extremes.min_margin
    }

    /// Largest fall from the running high of the end-of-day value.
    pub fn max_drawdown(&self) -> f64 {
        self.extremes.max_drawdown
    }

    /// The running high, the drawdown and the margin so far.
    pub fn extremes(&self) -> Extremes {
        self.extremes
    }

    /// Takes over `extremes` a caller carried on through days it observed
    /// itself ([`Extremes::is_plain`]).
    pub fn set_extremes(&mut self, extremes: Extremes) {
        self.extremes = extremes;
    }

    /// A flow that scaled the portfolio by `factor` (`(V + c) / V`): the
    /// running high scales with it, so the drawdown measures returns, not
    /// cash moved; the ratios kept are unchanged.
    pub fn scale(&mut self, factor: f64) {
        self.extremes.peak *= factor;
    }

    /// Adds one day. A breach and a new lowest margin are tested by
    /// multiplication; the drawdown's division is taken every day, so the
    /// same step runs without a branch on a group of paths
    /// ([`Extremes::observe_close`]).
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
        self.extremes.observe(value, floor, day.value_post);
    }
}

/// The part of a [`PathRecord`] that follows the day's values rather
/// than its trades: the running high of the end-of-day value, the deepest
/// fall from it, and the lowest margin. A day without trades and without a
/// breach changes nothing else in the record, so a caller that keeps many
/// paths side by side may carry these in its own lanes through such days
/// ([`Extremes::is_plain`], [`Extremes::observe_close`]) and hand them back
/// with [`PathRecord::set_extremes`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extremes {
    /// The highest end-of-day value so far.
    pub peak: f64,
    /// Largest fall from the running high of the end-of-day value.
    pub max_drawdown: f64,
    /// The highest `F / V` so far (the lowest margin).
    pub worst_floor_ratio: f64,
    /// Lowest pre-trade margin.
    pub min_margin: f64,
}

impl Extremes {
    fn new(start_value: f64) -> Extremes {
        Extremes {
            peak: start_value,
            max_drawdown: 0.0,
            worst_floor_ratio: f64::NEG_INFINITY,
            min_margin: f64::INFINITY,
        }
    }

    /// `peak (1 - max_drawdown)`: a value under it deepens the drawdown.
    #[inline(always)]
    pub fn drawdown_line(&self) -> f64 {
        self.peak * (1.0 - self.max_drawdown)
    }

    /// A day at `value` against `floor` before trading, ending at `after`.
    /// A new lowest margin is tested by multiplication, so a day that sets
    /// none divides nothing for it.
    #[inline(always)]
    pub fn observe(&mut self, value: f64, floor: f64, after: f64) {
        // m = 1 - F / V is lowest when F / V is highest.
        if floor > self.worst_floor_ratio * value || value <= 0.0 {
            self.worst_floor_ratio = if value > 0.0 { floor / value } else { f64::INFINITY };
            self.min_margin = self.min_margin.min(margin(value, floor));
        }
        self.observe_close(after);
    }

    /// The end-of-day value `after` against the high: a value above it is
    /// the new high, a value under the drawdown line deepens the drawdown
    /// (the two exclude each other, as the line is at most the high).
    /// Without a branch, so a group of paths takes it as one vector.
    #[inline(always)]
    pub fn observe_close(&mut self, after: f64) {
        let deeper = after < self.drawdown_line();
        let drawdown = 1.0 - after / self.peak;
        self.max_drawdown = if deeper { drawdown } else { self.max_drawdown };
        self.peak = if after > self.peak { after } else { self.peak };
    }

    /// Whether a day without trades at `value` (positive) against `floor`
    /// sets no new lowest margin: then [`Extremes::observe_close`] is all
    /// [`Extremes::observe`] does. Without a branch, like it.
    #[inline(always)]
    pub fn is_plain(&self, value: f64, floor: f64) -> bool {
        floor <= self.worst_floor_ratio * value
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
        /// On a day without trades, a day `is_plain` calls plain changes
        /// the extremes only as its closing value does, and a day it does
        /// not call plain changes more (the test asks no more than it must).
        #[test]
        fn a_plain_day_changes_only_what_its_value_does(
            history in prop::collection::vec((50.0f64..150.0, 60.0f64..100.0), 1..20),
            value in 40.0f64..160.0,
            floor in 60.0f64..100.0,
        ) {
            let mut record = PathRecord::new(100.0);
            for (v, f) in history {
                record.observe(&quiet_day(v, f));
            }
            let before = record.extremes();
            let mut observed = before;
            observed.observe(value, floor, value);
            let mut closed = before;
            closed.observe_close(value);
            prop_assert_eq!(before.is_plain(value, floor), observed == closed);
            // And the record observes a day through the same extremes.
            record.observe(&quiet_day(value, floor));
            prop_assert_eq!(record.extremes(), observed);
        }
    }
}
