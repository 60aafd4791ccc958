//! The strategies that are not the rule: a static mix, buy and hold, CPPI
//! and TIPP, each a [`Steer`] the engine's scalar mode drives on the same
//! market as the rule.
//!
//! They hold the engine's three buckets (Swedish equities, global
//! equities, fixed income), sell equities pro rata and buy them by the
//! strategic mix, and pay `cost_bps` of the equity amount moved, like the
//! rule's trades. They decide nothing about the rule: the scenario's
//! policy only supplies the yardstick they are measured against, the
//! floor `(1 - max_drawdown)` times the highest of their own last
//! `window_months` month-end values, with the scenario's history as the
//! window's start.
//!
//! A flow (the pension obligation's deposits and withdrawals) moves every
//! holding by the same factor `(V + c) / V`, as the rule's flow
//! adjustment does: a static mix keeps its weights and buy and hold its
//! proportions, and CPPI's and TIPP's floor in mkr moves by the same
//! factor, so the cushion stays the same share of the portfolio. The
//! yardstick's window follows the flow when the scenario's policy says
//! so (`flow_adjusted_high`), as the rule's does. A deposit into an empty
//! portfolio goes to fixed income, as the rule's does.

use crate::engine::Steer;
use crate::rule::{Day, Holdings, MonthEndWindow, Policy, SHARE_EPSILON, Trade, TradeKind};

use super::strategy::{Cushion, Kind};

/// How a [`Mixed`] portfolio decides its trades.
#[derive(Debug, Clone, Copy, PartialEq)]
enum How {
    /// Rebalance to this equity share at every month end.
    Static(f64),
    /// Never trade.
    Hold,
    /// CPPI (`ratchet` false) or TIPP, with the floor now in mkr.
    Cushion { c: Cushion, ratchet: bool, level: f64 },
}

/// A portfolio steered by a fixed mix, by nothing, or by a cushion.
#[derive(Debug, Clone)]
pub struct Mixed {
    equity: [f64; 2],
    fixed: f64,
    mix: [f64; 2],
    cost_bps: f64,
    how: How,
    yardstick: Policy,
    window: MonthEndWindow,
    floor: f64,
    /// Whether the first day's set-up is done.
    set_up: bool,
}

impl Mixed {
    /// `kind`'s portfolio from `start` (the engine's buckets), measured
    /// against `yardstick`'s floor over `window`. A static mix, CPPI and
    /// TIPP set themselves up at the close of the first trading day (a
    /// trade, with its cost, like any other). `None` for a rule.
    pub fn new(kind: &Kind, start: &Holdings, yardstick: Policy, window: MonthEndWindow) -> Option<Mixed> {
        let value = start.value();
        let (how, cost_bps) = match *kind {
            Kind::Rule { .. } => return None,
            Kind::Static { equity_share, cost_bps } => (How::Static(equity_share), cost_bps),
            Kind::BuyAndHold => (How::Hold, 0.0),
            Kind::Cppi(c) => (How::Cushion { c, ratchet: false, level: c.floor * value }, c.cost_bps),
            Kind::Tipp(c) => (How::Cushion { c, ratchet: true, level: c.floor * value }, c.cost_bps),
        };
        let floor = yardstick.floor(window.high());
        Some(Mixed {
            equity: [start.equity[0], start.equity[1]],
            fixed: start.fixed_income_value(),
            mix: [start.equity_mix[0], start.equity_mix[1]],
            cost_bps,
            how,
            yardstick,
            window,
            floor,
            set_up: false,
        })
    }

    /// The cushion's equity share: `min(cap, m (V - F) / V)`, at least 0.
    fn cushion_target(&self, c: &Cushion, level: f64) -> f64 {
        let v = self.value();
        if v <= 0.0 { 0.0 } else { (c.multiplier * (v - level) / v).clamp(0.0, c.cap) }
    }

    /// The floor CPPI or TIPP protects now, in mkr.
    pub fn cushion_floor(&self) -> Option<f64> {
        match self.how {
            How::Cushion { level, .. } => Some(level),
            _ => None,
        }
    }

    fn equity_value(&self) -> f64 {
        self.equity[0] + self.equity[1]
    }

    /// Moves equities to share `goal` of the value before costs (sold pro
    /// rata, bought by the mix), then takes the cost from all holdings.
    fn trade_to(&mut self, goal: f64) -> Option<Trade> {
        let value = self.value();
        let before = self.equity_value();
        let delta = goal * value - before;
        if value <= 0.0 || delta.abs() <= SHARE_EPSILON * value {
            return None;
        }
        if delta < 0.0 {
            let keep = (before + delta) / before;
            self.equity.iter_mut().for_each(|x| *x *= keep);
        } else {
            for (x, w) in self.equity.iter_mut().zip(self.mix) {
                *x += delta * w;
            }
        }
        self.fixed -= delta;
        let cost = delta.abs() * self.cost_bps / 10_000.0;
        let scale = (value - cost) / value;
        self.equity.iter_mut().for_each(|x| *x *= scale);
        self.fixed *= scale;
        Some(Trade {
            kind: if delta < 0.0 { TradeKind::Down } else { TradeKind::Up },
            equity_before: before / value,
            equity_after: self.equity_share(),
            amount: delta.abs(),
            cost,
        })
    }
}

impl Steer for Mixed {
    fn apply_returns(&mut self, swedish: f64, global: f64, fixed_income: f64) {
        self.equity[0] *= swedish;
        self.equity[1] *= global;
        self.fixed *= fixed_income;
    }

    fn close_day(&mut self, day: usize, month_end: bool) -> Day {
        let equity_value = self.equity_value();
        let value = equity_value + self.fixed;
        let (high, floor) = (self.window.high(), self.floor);
        let first = !std::mem::replace(&mut self.set_up, true);
        let goal = match &mut self.how {
            How::Static(w) => (month_end || first).then_some(*w),
            How::Hold => None,
            How::Cushion { c, ratchet, level } => {
                if *ratchet {
                    *level = level.max(c.floor * value);
                }
                let (c, level) = (*c, *level);
                if first || c.check.is_check_day(day, month_end) {
                    let goal = self.cushion_target(&c, level);
                    let share = if value > 0.0 { equity_value / value } else { 0.0 };
                    let band = if first { SHARE_EPSILON } else { c.band.max(SHARE_EPSILON) };
                    ((goal - share).abs() > band).then_some(goal)
                } else {
                    None
                }
            }
        };
        let trade = goal.and_then(|g| self.trade_to(g));
        if month_end {
            self.window.push(self.value());
            self.floor = self.yardstick.floor(self.window.high());
        }
        let (down, up) = match trade {
            Some(t) if t.kind == TradeKind::Down => (Some(t), None),
            Some(t) => (None, Some(t)),
            None => (None, None),
        };
        Day {
            value_pre: value,
            equity_value_pre: equity_value,
            high_pre: high,
            floor_pre: floor,
            value_post: self.value(),
            down,
            up,
        }
    }

    fn value(&self) -> f64 {
        self.equity_value() + self.fixed
    }

    fn equity_share(&self) -> f64 {
        let v = self.value();
        if v > 0.0 { self.equity_value() / v } else { 0.0 }
    }

    fn floor(&self) -> f64 {
        self.floor
    }

    fn apply_flow(&mut self, amount: f64) -> f64 {
        let before = self.value();
        let paid = amount.max(-before);
        if before > 0.0 {
            let factor = (before + paid) / before;
            self.equity.iter_mut().for_each(|x| *x *= factor);
            self.fixed *= factor;
            if let How::Cushion { level, .. } = &mut self.how {
                *level *= factor;
            }
            if self.yardstick.flow_adjusted_high {
                self.window.scale(factor);
                self.floor = self.yardstick.floor(self.window.high());
            }
        } else {
            self.fixed += paid;
        }
        amount - paid
    }
}
