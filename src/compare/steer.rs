//! The strategies that are not the rule: a static mix, buy and hold, CPPI
//! and TIPP, each a [`Steer`] the engine's scalar mode drives on the same
//! market as the rule ([`Mixed`]), and eight paths of one side by side
//! on a group's lanes for the shared pass ([`MixedLanes`]).
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

use crate::engine::{Ledgers, Steer, SteerLanes};
use crate::lanes::{LANES, Wide};
use crate::market::DayReturns;
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

/// Eight lanes of one [`Mixed`] portfolio, one path each, stepped side by
/// side on a group's returns ([`SteerLanes`]), with the bits each lane's
/// own `Mixed` gets closing every day in full (tested).
///
/// The lanes' holdings, the cushion's floor and the yardstick's floor are
/// carried as vectors; a day on which a lane may trade (its first, a
/// month end, and for CPPI and TIPP a check day on which the equity share
/// is further from its target than the band) is closed in full by the
/// lane's own `Mixed`, the vectors handed to it and taken back. Any other
/// day trades nothing and changes the portfolio only by its returns (and
/// TIPP's floor by its ratchet, the same `max` the full close takes), so
/// the lane's day is its value against its floor ([`Ledgers::quiet`]).
/// After a month's days every lane has closed the month end in full, so
/// each lane's `Mixed` holds its portfolio.
#[derive(Debug, Clone)]
pub struct MixedLanes {
    lanes: Vec<Mixed>,
    swedish: Wide,
    global: Wide,
    fixed: Wide,
    /// CPPI's and TIPP's floor in mkr (zero for the others).
    level: Wide,
    floor: Wide,
    /// Whether the first day's set-up is done.
    set_up: bool,
}

impl MixedLanes {
    /// Eight lanes of `mixed` at the start.
    pub fn new(mixed: &Mixed) -> MixedLanes {
        let zero = Wide([0.0; LANES]);
        let mut out = MixedLanes {
            lanes: vec![mixed.clone(); LANES],
            swedish: zero,
            global: zero,
            fixed: zero,
            level: zero,
            floor: zero,
            set_up: mixed.set_up,
        };
        for i in 0..LANES {
            out.load(i);
        }
        out
    }

    /// The vectors' lane `i` from its `Mixed`.
    #[inline(always)]
    fn load(&mut self, i: usize) {
        let m = &self.lanes[i];
        self.swedish.0[i] = m.equity[0];
        self.global.0[i] = m.equity[1];
        self.fixed.0[i] = m.fixed;
        self.floor.0[i] = m.floor;
        self.level.0[i] = m.cushion_floor().unwrap_or(0.0);
    }

    /// Lane `i`'s `Mixed` from the vectors.
    #[inline(always)]
    fn store(&mut self, i: usize) {
        let m = &mut self.lanes[i];
        m.equity = [self.swedish.0[i], self.global.0[i]];
        m.fixed = self.fixed.0[i];
        if let How::Cushion { level, .. } = &mut m.how {
            *level = self.level.0[i];
        }
    }

    /// Which lanes may trade on a day that is neither the first nor a month
    /// end, `day` of the run: CPPI's and TIPP's test of `Mixed::close_day`
    /// (TIPP's floor ratcheted first), lane by lane in its arithmetic.
    #[inline(always)]
    fn may_trade(&mut self, day: usize, equity: &Wide, value: &Wide) -> [bool; LANES] {
        let mut trade = [false; LANES];
        if let How::Cushion { c, ratchet, .. } = self.lanes[0].how {
            if ratchet {
                for i in 0..LANES {
                    self.level.0[i] = self.level.0[i].max(c.floor * value.0[i]);
                }
            }
            if c.check.is_check_day(day, false) {
                let band = c.band.max(SHARE_EPSILON);
                for (i, t) in trade.iter_mut().enumerate() {
                    let (e, v, level) = (equity.0[i], value.0[i], self.level.0[i]);
                    let goal =
                        if v <= 0.0 { 0.0 } else { (c.multiplier * (v - level) / v).clamp(0.0, c.cap) };
                    let share = if v > 0.0 { e / v } else { 0.0 };
                    *t = (goal - share).abs() > band;
                }
            }
        }
        trade
    }
}

impl MixedLanes {
    /// [`MixedLanes::days_with`] compiled for AVX2 (the same operations,
    /// none fused, so the same bits).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn days_avx2(&mut self, returns: &[DayReturns<Wide>], month: usize, ledgers: &mut Ledgers) {
        self.days_with(returns, month, ledgers);
    }

    #[inline(always)]
    fn days_with(&mut self, returns: &[DayReturns<Wide>], month: usize, ledgers: &mut Ledgers) {
        let days = returns.len();
        for (day, r) in returns.iter().enumerate() {
            self.swedish = self.swedish * r.swedish_equity;
            self.global = self.global * r.global_equity;
            self.fixed = self.fixed * r.fixed_income;
            let month_end = day + 1 == days;
            let run_day = month * days + day;
            // The sums in the order `Mixed::close_day` takes them.
            let equity = self.swedish + self.global;
            let value = equity + self.fixed;
            let closed = if month_end || !self.set_up {
                [true; LANES]
            } else {
                self.may_trade(run_day, &equity, &value)
            };
            for i in (0..LANES).filter(|&i| closed[i]) {
                self.store(i);
                let d = self.lanes[i].close_day(run_day, month_end);
                ledgers.closed(i, month, &d);
                self.load(i);
            }
            self.set_up = true;
            ledgers.quiet(month, &value, &self.floor, &closed);
        }
    }
}

impl SteerLanes for MixedLanes {
    fn days(&mut self, returns: &[DayReturns<Wide>], month: usize, ledgers: &mut Ledgers) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the processor has AVX2.
            return unsafe { self.days_avx2(returns, month, ledgers) };
        }
        self.days_with(returns, month, ledgers);
    }

    fn value(&self, lane: usize) -> f64 {
        self.lanes[lane].value()
    }

    fn equity_share(&self, lane: usize) -> f64 {
        self.lanes[lane].equity_share()
    }

    fn apply_flow(&mut self, lane: usize, amount: f64) -> f64 {
        let unpaid = self.lanes[lane].apply_flow(amount);
        self.load(lane);
        unpaid
    }
}
