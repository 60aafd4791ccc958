//! The dynamic risk principle (dynamiska riskprincipen): the one
//! implementation that replay and Monte Carlo both call.
//!
//! The semantics are those of `docs/dynamic-risk-rule.md`; each
//! step below cites its number there. A caller drives a [`Managed`]
//! portfolio through each trading day:
//!
//! 1. [`Managed::apply_returns`]: each asset class's return;
//! 2. [`Managed::apply_flow`]: a deposit or withdrawal, if any;
//! 3. to 6. [`Managed::close_day`]: measure, detect a floor breach,
//!    down-weight, take costs, and at a month end store the value and
//!    check for an up-weighting.
//!
//! The module has no notion of dates or randomness: a day is a day, and
//! whether it ends a month is the caller's to say.
//!
//! # Example
//!
//! The worked example of the design document: 1,477 mkr against a high of
//! 1,620 mkr, 44.3 % equities.
//!
//! ```
//! use pensionsim::rule::{Action, Holdings, Managed, MonthEndWindow, Policy};
//!
//! let policy = Policy::DOCUMENT_DEFAULTS;
//! let window = MonthEndWindow::from_history(24, &[1620.0; 24], None).unwrap();
//! let mut fund = Managed::new(policy, Holdings::two_class(1477.0, 0.443), window);
//!
//! let position = fund.position();
//! assert_eq!(position.floor, 1296.0);
//! assert!((position.margin - 0.1225).abs() < 1e-4);
//! assert!((position.max_equity_share - 0.533).abs() < 1e-3);
//! assert_eq!(position.action, Action::Hold);
//!
//! // A 20 % fall in equities: the margin shrinks and the rule sells.
//! fund.apply_returns(&[0.8], &[1.0]);
//! let day = fund.close_day(false);
//! let sale = day.down.expect("a down-weighting");
//! assert!(sale.equity_after < sale.equity_before);
//! ```

mod policy;
mod record;
mod window;

pub use policy::{Policy, PolicyIssue, SHARE_EPSILON};
pub use record::{Extremes, PathRecord};
pub use window::MonthEndWindow;

use serde::Serialize;

/// Holdings per asset class, in mkr (or any one currency unit), with the
/// mixes used when buying.
#[derive(Debug, Clone, PartialEq)]
pub struct Holdings {
    /// One entry per equity class.
    pub equity: Vec<f64>,
    /// One entry per fixed-income class.
    pub fixed_income: Vec<f64>,
    /// The strategic equity mix: up-weightings buy by these weights (sum 1).
    pub equity_mix: Vec<f64>,
    /// The fixed-income mix, used to place sale proceeds when no fixed
    /// income is held (sum 1).
    pub fixed_income_mix: Vec<f64>,
}

impl Holdings {
    /// One equity and one fixed-income class, split by `equity_share`.
    pub fn two_class(value: f64, equity_share: f64) -> Holdings {
        Holdings {
            equity: vec![value * equity_share],
            fixed_income: vec![value * (1.0 - equity_share)],
            equity_mix: vec![1.0],
            fixed_income_mix: vec![1.0],
        }
    }

    pub fn equity_value(&self) -> f64 {
        self.equity.iter().sum()
    }

    pub fn fixed_income_value(&self) -> f64 {
        self.fixed_income.iter().sum()
    }

    pub fn value(&self) -> f64 {
        self.equity_value() + self.fixed_income_value()
    }

    fn scale_all(&mut self, factor: f64) {
        for h in self.equity.iter_mut().chain(self.fixed_income.iter_mut()) {
            *h *= factor;
        }
    }
}

/// Down-weighting (nedviktning) or up-weighting (uppviktning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TradeKind {
    Down,
    Up,
}

/// One rebalancing trade.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Trade {
    pub kind: TradeKind,
    /// Equity share before the trade.
    pub equity_before: f64,
    /// Equity share after the trade and its cost.
    pub equity_after: f64,
    /// Equity amount sold or bought, sized on the value before costs.
    pub amount: f64,
    /// Trading cost taken from all holdings.
    pub cost: f64,
}

/// What happened on one trading day.
///
/// The `*_pre` figures are step 3's, measured after returns and flows but
/// before any trade; the lowest margin of a run is the lowest
/// [`Day::margin_pre`]. Ratios are methods, computed when asked for: on
/// most days of a Monte Carlo path nobody asks, and the rule decides
/// without them (see [`Policy::exceeds_max_equity`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Day {
    pub value_pre: f64,
    pub equity_value_pre: f64,
    pub high_pre: f64,
    pub floor_pre: f64,
    /// End-of-day value, after trades and their costs.
    pub value_post: f64,
    pub down: Option<Trade>,
    pub up: Option<Trade>,
}

impl Day {
    /// `E` before trading.
    pub fn equity_pre(&self) -> f64 {
        equity_share(self.equity_value_pre, self.value_pre)
    }

    /// `m` before trading.
    pub fn margin_pre(&self) -> f64 {
        margin(self.value_pre, self.floor_pre)
    }

    /// `E_max` before trading.
    pub fn max_equity_pre(&self, policy: &Policy) -> f64 {
        policy.max_equity_share(self.margin_pre())
    }

    /// `(F - V) / F` when the value was under the floor before trading.
    pub fn breach_depth(&self) -> Option<f64> {
        (self.value_pre < self.floor_pre).then(|| (self.floor_pre - self.value_pre) / self.floor_pre)
    }
}

/// A portfolio managed by the rule: holdings, the month-end window, and
/// the policy.
#[derive(Debug, Clone)]
pub struct Managed {
    policy: Policy,
    holdings: Holdings,
    window: MonthEndWindow,
    /// `F`, kept in step with the window.
    floor: f64,
}

impl Managed {
    pub fn new(policy: Policy, holdings: Holdings, window: MonthEndWindow) -> Managed {
        let floor = policy.floor(window.high());
        Managed { policy, holdings, window, floor }
    }

    /// Step 1: multiply each holding by its gross return `1 + r`, one factor
    /// per class in the order of [`Holdings`] (checked in debug builds).
    #[inline]
    pub fn apply_returns(&mut self, equity_growth: &[f64], fixed_income_growth: &[f64]) {
        debug_assert_eq!(equity_growth.len(), self.holdings.equity.len());
        debug_assert_eq!(fixed_income_growth.len(), self.holdings.fixed_income.len());
        for (h, g) in self.holdings.equity.iter_mut().zip(equity_growth) {
            *h *= g;
        }
        for (h, g) in self.holdings.fixed_income.iter_mut().zip(fixed_income_growth) {
            *h *= g;
        }
    }

    /// Replaces the holdings' amounts, class by class in the order of
    /// [`Holdings`]: for a caller that compounds the returns of quiet days
    /// itself and hands the rule the result before a day the rule must
    /// close (the Monte Carlo engine keeps a group of paths' holdings side
    /// by side, and asks [`Policy::exceeds_max_equity`] of each lane the
    /// same question [`Managed::close_day`] asks).
    #[inline]
    pub fn set_amounts(&mut self, equity: &[f64], fixed_income: &[f64]) {
        self.holdings.equity.copy_from_slice(equity);
        self.holdings.fixed_income.copy_from_slice(fixed_income);
    }

    /// Step 2: a net flow `amount` (positive: deposit, negative:
    /// withdrawal), spread pro rata over the holdings at no cost, with the
    /// flow adjustment of the month-end window.
    ///
    /// A withdrawal larger than the portfolio takes what there is; the
    /// part that could not be paid is returned.
    pub fn apply_flow(&mut self, amount: f64) -> f64 {
        let before = self.value();
        let paid = amount.max(-before);
        if before > 0.0 {
            self.holdings.scale_all((before + paid) / before);
        } else {
            // An empty portfolio receiving a deposit: fixed income by its mix;
            // the month-end check will buy equities if the rule allows.
            for (h, w) in self.holdings.fixed_income.iter_mut().zip(&self.holdings.fixed_income_mix) {
                *h += paid * w;
            }
        }
        // Literally `(V + c) / V`: a withdrawal of everything scales the
        // window to zero, so a later deposit starts the fund afresh.
        if self.policy.flow_adjusted_high && before > 0.0 {
            self.window.scale((before + paid) / before);
            self.floor = self.policy.floor(self.window.high());
        }
        amount - paid
    }

    /// Steps 3 to 6 of the trading day.
    ///
    /// Most days of a path are quiet: not a month end, and nothing to sell.
    /// Such a day is measured and returned here, inlined into the caller's
    /// loop; any other day takes `close_busy_day`, which carries
    /// out steps 4 to 6 in full.
    #[inline(always)]
    pub fn close_day(&mut self, month_end: bool) -> Day {
        // Step 3: measure, and test for a breach before any trade (a quiet
        // day divides nothing: the breach depth and ratios are `Day`'s
        // methods, computed when asked for).
        let equity_value = self.holdings.equity_value();
        let value = equity_value + self.holdings.fixed_income_value();
        let floor = self.floor;
        if month_end || self.policy.exceeds_max_equity(equity_value, value, floor) {
            return self.close_busy_day(equity_value, value, month_end);
        }
        self.quiet_day(equity_value, value)
    }

    /// The day a quiet day closes as: equities worth `equity_value` in a
    /// portfolio worth `value`, measured against today's high and floor,
    /// with nothing to trade. For a caller that has asked
    /// [`Policy::exceeds_max_equity`] itself, on a day that ends no month.
    #[inline(always)]
    pub fn quiet_day(&self, equity_value: f64, value: f64) -> Day {
        Day {
            value_pre: value,
            equity_value_pre: equity_value,
            high_pre: self.window.high(),
            floor_pre: self.floor,
            value_post: value,
            down: None,
            up: None,
        }
    }

    /// Steps 4 to 6 of a day that may trade or ends a month.
    #[inline(never)]
    fn close_busy_day(&mut self, equity_value: f64, value: f64, month_end: bool) -> Day {
        let high = self.window.high();
        let floor = self.floor;

        // Steps 4 and 5: down-weighting, with its cost.
        let down = self.policy.exceeds_max_equity(equity_value, value, floor).then(|| {
            let max_equity = self.policy.max_equity_share(margin(value, floor));
            let goal = (max_equity - self.policy.down_headroom).max(0.0);
            self.trade_to(TradeKind::Down, goal)
        });

        // Step 6: the month end, then the up-weighting check.
        let up = if month_end {
            // The holdings' sums once, for the window and the up-weighting
            // test alike (the figures `value`, `equity_share` and
            // `max_equity_share` give).
            let equity = self.holdings.equity_value();
            let value = equity + self.holdings.fixed_income_value();
            self.window.push(value);
            self.floor = self.policy.floor(self.window.high());
            let max_equity = self.policy.max_equity_share(margin(value, self.floor));
            let goal = self.policy.up_weighting(equity_share(equity, value), max_equity);
            goal.map(|goal| self.trade_to(TradeKind::Up, goal))
        } else {
            None
        };

        let value_post = if down.is_some() || up.is_some() { self.value() } else { value };
        Day {
            value_pre: value,
            equity_value_pre: equity_value,
            high_pre: high,
            floor_pre: floor,
            value_post,
            down,
            up,
        }
    }

    /// Moves equities to share `goal` of the value before costs, then takes
    /// the cost from all holdings pro rata (steps 4, 5 and 6).
    fn trade_to(&mut self, kind: TradeKind, goal: f64) -> Trade {
        self.trade_to_observed(kind, goal, |_| {})
    }

    /// [`Managed::trade_to`], showing `observe` the holdings after the move
    /// and before its cost.
    fn trade_to_observed(&mut self, kind: TradeKind, goal: f64, observe: impl FnOnce(&Holdings)) -> Trade {
        let value = self.value();
        let equity_before = self.holdings.equity_value();
        let fixed_before = self.holdings.fixed_income_value();
        let share_before = equity_before / value;
        let delta = goal * value - equity_before; // > 0 buys, < 0 sells
        let h = &mut self.holdings;
        if delta < 0.0 {
            // Sell equities pro rata across equity classes.
            let keep = (equity_before + delta) / equity_before;
            h.equity.iter_mut().for_each(|x| *x *= keep);
            add_pro_rata(&mut h.fixed_income, &h.fixed_income_mix, fixed_before, -delta);
        } else {
            // Buy by the strategic equity mix, funded pro rata from fixed income.
            for (x, w) in h.equity.iter_mut().zip(&h.equity_mix) {
                *x += delta * w;
            }
            let keep = (fixed_before - delta) / fixed_before;
            h.fixed_income.iter_mut().for_each(|x| *x *= keep);
        }
        observe(&self.holdings);
        let cost = self.policy.cost(delta);
        self.holdings.scale_all((value - cost) / value);
        Trade {
            kind,
            equity_before: share_before,
            equity_after: self.equity_share(),
            amount: delta.abs(),
            cost,
        }
    }

    /// Carries out now the trade [`Managed::position`] names, with the
    /// trading day's own code (steps 4 and 5, or the buy of step 6 at
    /// today's window), and returns it with the holdings after the move and
    /// before its cost: the orders per asset class. `None` when the rule
    /// asks for nothing.
    ///
    /// A sale is what [`Managed::close_day`] would do today; a buy is the
    /// up-weighting today's figures allow (the month-end check itself
    /// first stores the month's value, which may move the high).
    pub fn carry_out(&mut self) -> Option<(Trade, Holdings)> {
        let (kind, goal) = match self.position().action {
            Action::Hold => return None,
            Action::Sell { to_share, .. } => (TradeKind::Down, to_share),
            Action::MayBuy { to_share, .. } => (TradeKind::Up, to_share),
        };
        let mut moved = self.holdings.clone();
        let trade = self.trade_to_observed(kind, goal, |h| moved.clone_from(h));
        Some((trade, moved))
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    pub fn holdings(&self) -> &Holdings {
        &self.holdings
    }

    pub fn window(&self) -> &MonthEndWindow {
        &self.window
    }

    /// `V`.
    pub fn value(&self) -> f64 {
        self.holdings.value()
    }

    /// `E`; zero for an empty portfolio.
    pub fn equity_share(&self) -> f64 {
        equity_share(self.holdings.equity_value(), self.value())
    }

    /// `H`.
    pub fn high(&self) -> f64 {
        self.window.high()
    }

    /// `F`.
    pub fn floor(&self) -> f64 {
        self.floor
    }

    /// `m`, as a share of the current value.
    pub fn margin(&self) -> f64 {
        margin(self.value(), self.floor())
    }

    /// `E_max`.
    pub fn max_equity_share(&self) -> f64 {
        self.policy.max_equity_share(self.margin())
    }

    /// Where the portfolio stands now, and what the rule asks for.
    pub fn position(&self) -> Position {
        let value = self.value();
        let equity = self.equity_share();
        let floor = self.floor();
        let margin = self.margin();
        let max_equity = self.max_equity_share();
        let p = &self.policy;
        let binding = if max_equity >= p.cap { Constraint::Cap } else { Constraint::Floor };
        let action = if p.exceeds_max_equity(self.holdings.equity_value(), value, floor) {
            let goal = (max_equity - p.down_headroom).max(0.0);
            let amount = (equity - goal) * value;
            Action::Sell { to_share: goal, amount, cost: p.cost(amount) }
        } else if let Some(goal) = p.up_weighting(equity, max_equity) {
            let amount = (goal - equity) * value;
            Action::MayBuy { to_share: goal, amount, cost: p.cost(amount) }
        } else {
            Action::Hold
        };
        Position {
            value,
            equity_share: equity,
            high: self.high(),
            floor,
            margin,
            margin_amount: value - floor,
            max_equity_share: max_equity,
            cap: p.cap,
            binding,
            action,
        }
    }
}

/// Adds `amount` to `holdings` pro rata to what they hold (`total`), or by
/// `mix` when they hold nothing.
fn add_pro_rata(holdings: &mut [f64], mix: &[f64], total: f64, amount: f64) {
    if total > 0.0 {
        let grow = (total + amount) / total;
        holdings.iter_mut().for_each(|x| *x *= grow);
    } else {
        for (x, w) in holdings.iter_mut().zip(mix) {
            *x += amount * w;
        }
    }
}

/// `E`: equities worth `equity` in a portfolio worth `value`; zero for an
/// empty portfolio.
#[inline(always)]
pub fn equity_share(equity: f64, value: f64) -> f64 {
    if value > 0.0 { equity / value } else { 0.0 }
}

/// `m = (V - F) / V`; minus infinity for an empty portfolio.
pub fn margin(value: f64, floor: f64) -> f64 {
    if value > 0.0 { (value - floor) / value } else { f64::NEG_INFINITY }
}

/// Which limit sets the maximum equity share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// The margin to the floor.
    Floor,
    /// The policy's cap on equities.
    Cap,
}

/// What the rule asks for at a valuation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Action {
    /// Nothing to do.
    Hold,
    /// Equity share above the maximum: a down-weighting is required now.
    Sell { to_share: f64, amount: f64, cost: f64 },
    /// Room for an up-weighting at the next month-end check.
    MayBuy { to_share: f64, amount: f64, cost: f64 },
}

/// The portfolio against the rule at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Position {
    pub value: f64,
    pub equity_share: f64,
    pub high: f64,
    pub floor: f64,
    /// Margin to the floor as a share of the value; also the fall in value
    /// that would bring the portfolio to the floor.
    pub margin: f64,
    /// `V - F`.
    pub margin_amount: f64,
    pub max_equity_share: f64,
    pub cap: f64,
    pub binding: Constraint,
    pub action: Action,
}

#[cfg(test)]
mod tests;
