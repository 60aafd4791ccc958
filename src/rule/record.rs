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
        } else if after < self.peak * (1.0 - self.max_drawdown) {
            self.max_drawdown = 1.0 - after / self.peak;
        }
    }
}
