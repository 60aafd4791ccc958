//! What a simulation starts from: the holdings (each asset class with its
//! kind, holding, mix and market factor), the valuation date and the
//! month-end history before it, the policy, the market model and the
//! simulation settings.
//!
//! A validated scenario makes one ([`crate::scenario::Scenario::start`]);
//! the engine, the loans, the liquidity forecast and the obligation's
//! runs take a [`Start`], never the scenario, so they sit below it. A run
//! from another state than the scenario's (another policy, the state a
//! stress leaves, other settings) adjusts the start through its named
//! methods ([`Start::with_policy`], [`Start::at`], [`Start::with_rates`],
//! [`Start::with_start_regime`], [`Start::with_simulation`]); nothing
//! patches a scenario.
//!
//! It imports only the rule and the market model.

use chrono::NaiveDate;
use serde::Serialize;

use crate::market::MarketModel;
use crate::rule::{Holdings, Managed, MonthEndWindow, Policy};

/// How many paths, which seed, how far ahead (`[simulation]`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Simulation {
    /// Default 10,000.
    pub paths: usize,
    /// Default 1.
    pub seed: u64,
    /// Default 120 (ten years).
    pub horizon_months: usize,
    /// Antithetic pairs, importance sampling of the tails and a control
    /// variate ([`crate::engine`], docs/variance-reduction.md); off by
    /// default, and then every figure is plain Monte Carlo's. Written
    /// to a summary only when on.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub variance_reduction: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssetKind {
    Equity,
    FixedIncome,
}

/// One asset class and its holding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssetClass {
    pub name: String,
    pub kind: AssetKind,
    /// Market value on the valuation date, mkr.
    pub holding: f64,
    /// Weight within its kind's strategic mix.
    pub mix: f64,
    /// For an equity class in a scenario with a market: the factor it
    /// follows (`market::SWEDISH_EQUITY` or `market::GLOBAL_EQUITY`).
    pub factor: Option<usize>,
}

/// A completed month-end value.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MonthEnd {
    pub date: NaiveDate,
    pub value: f64,
}

/// The state a simulation starts from. Made by
/// [`crate::scenario::Scenario::start`] and changed only through its
/// methods, each named for what it changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    valuation_date: NaiveDate,
    asset_classes: Vec<AssetClass>,
    month_ends: Vec<MonthEnd>,
    start_value: Option<f64>,
    policy: Policy,
    market: Option<MarketModel>,
    simulation: Simulation,
}

impl Start {
    /// A start from its parts. `month_ends` (in order, before or at
    /// `valuation_date`) and `start_value` must give the policy's window
    /// something to start from (validation makes sure of it).
    #[allow(clippy::too_many_arguments, reason = "the start's parts, each named")]
    pub(crate) fn new(
        valuation_date: NaiveDate,
        asset_classes: Vec<AssetClass>,
        month_ends: Vec<MonthEnd>,
        start_value: Option<f64>,
        policy: Policy,
        market: Option<MarketModel>,
        simulation: Simulation,
    ) -> Start {
        Start { valuation_date, asset_classes, month_ends, start_value, policy, market, simulation }
    }

    pub fn valuation_date(&self) -> NaiveDate {
        self.valuation_date
    }

    pub fn asset_classes(&self) -> &[AssetClass] {
        &self.asset_classes
    }

    /// The completed month-ends before (and possibly at) the valuation date.
    pub fn month_ends(&self) -> &[MonthEnd] {
        &self.month_ends
    }

    /// The value the fund started at, which counts towards the high while
    /// the history is shorter than the window.
    pub fn start_value(&self) -> Option<f64> {
        self.start_value
    }

    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// The market model; `None` when the scenario has no `[market]`.
    pub fn market(&self) -> Option<&MarketModel> {
        self.market.as_ref()
    }

    /// The scenario's `[simulation]` settings (or those set by
    /// [`Start::with_simulation`]).
    pub fn simulation(&self) -> Simulation {
        self.simulation
    }

    /// Holdings per class in the rule's layout: equity classes, then fixed
    /// income, each in file order.
    pub fn holdings(&self) -> Holdings {
        holdings(&self.asset_classes)
    }

    /// The market factor of each equity class, in the order of
    /// [`Start::holdings`]'s equity entries; `None` without a market.
    pub fn equity_factors(&self) -> Option<Vec<usize>> {
        equity_factors(&self.asset_classes)
    }

    /// The month-end window on the valuation date.
    pub fn window(&self) -> MonthEndWindow {
        window(&self.policy, &self.month_ends, self.start_value)
    }

    /// The portfolio under the rule on the valuation date.
    pub fn managed(&self) -> Managed {
        Managed::new(self.policy, self.holdings(), self.window())
    }

    /// The month-end in the window with the highest value (the one that
    /// sets the floor), if the high is a month-end rather than the start value.
    pub fn high_month_end(&self) -> Option<MonthEnd> {
        high_month_end(&self.policy, &self.month_ends, self.start_value)
    }

    /// The same start under `policy` (a strategy of a comparison).
    pub fn with_policy(self, policy: Policy) -> Start {
        Start { policy, ..self }
    }

    /// The same start with other paths, seed or horizon.
    pub fn with_simulation(self, simulation: Simulation) -> Start {
        Start { simulation, ..self }
    }

    /// The start moved to `date` with `holdings` (in the rule's layout, as
    /// [`Start::holdings`] gives them: equity classes, then fixed income,
    /// each in order) and `month_ends` as its history: the state a stress
    /// leaves. The start value and the mixes stay.
    ///
    /// # Panics
    /// When `holdings` does not hold one amount a class.
    pub fn at(mut self, date: NaiveDate, holdings: &Holdings, month_ends: Vec<MonthEnd>) -> Start {
        let (mut eq, mut fi) = (holdings.equity.iter(), holdings.fixed_income.iter());
        for c in &mut self.asset_classes {
            let amount = match c.kind {
                AssetKind::Equity => eq.next(),
                AssetKind::FixedIncome => fi.next(),
            };
            c.holding = *amount.expect("invariant: the rule's holdings are the start's classes");
        }
        assert!(eq.next().is_none() && fi.next().is_none(), "one holding a class");
        self.valuation_date = date;
        self.month_ends = month_ends;
        self
    }

    /// The same start with the market's short rate, credit spread (when
    /// the model has one) and inflation (the process's initial value, or
    /// the constant rate) starting from the given values. Without a market,
    /// the start as it is.
    pub fn with_rates(mut self, short_rate: f64, spread: f64, inflation: f64) -> Start {
        if let Some(market) = self.market.as_mut() {
            market.initial_short_rate = short_rate;
            if let Some(c) = market.credit_spread.as_mut() {
                c.spread.initial = spread;
            }
            match market.inflation_process.as_mut() {
                Some(p) => p.initial = inflation,
                None => market.inflation = inflation,
            }
        }
        self
    }

    /// The same start with the market's regime chain starting in regime
    /// `regime` (an index of its `regimes`). Without a market, the start
    /// as it is.
    ///
    /// # Panics
    /// When the market has no regime `regime`.
    pub fn with_start_regime(mut self, regime: usize) -> Start {
        if let Some(market) = self.market.as_mut() {
            assert!(regime < market.regimes.len(), "regime {regime} of {}", market.regimes.len());
            market.start_regime = regime;
        }
        self
    }
}

// The start's figures from its parts, which a scenario (holding the
// same parts) computes the same way without making a start.

/// Holdings per class in the rule's layout: equity classes, then fixed
/// income, each in order.
pub(crate) fn holdings(classes: &[AssetClass]) -> Holdings {
    let of = |kind| classes.iter().filter(move |c| c.kind == kind);
    Holdings {
        equity: of(AssetKind::Equity).map(|c| c.holding).collect(),
        fixed_income: of(AssetKind::FixedIncome).map(|c| c.holding).collect(),
        equity_mix: of(AssetKind::Equity).map(|c| c.mix).collect(),
        fixed_income_mix: of(AssetKind::FixedIncome).map(|c| c.mix).collect(),
    }
}

/// The market factor of each equity class; `None` without a market.
pub(crate) fn equity_factors(classes: &[AssetClass]) -> Option<Vec<usize>> {
    classes.iter().filter(|c| c.kind == AssetKind::Equity).map(|c| c.factor).collect()
}

/// The policy's month-end window after `month_ends`.
pub(crate) fn window(policy: &Policy, month_ends: &[MonthEnd], start_value: Option<f64>) -> MonthEndWindow {
    let values: Vec<f64> = month_ends.iter().map(|m| m.value).collect();
    MonthEndWindow::from_history(policy.window_months, &values, start_value)
        .expect("invariant: validation requires month-ends or a start value")
}

/// The month-end in the window with the highest value, if the high is a
/// month-end rather than the start value.
pub(crate) fn high_month_end(
    policy: &Policy,
    ends: &[MonthEnd],
    start_value: Option<f64>,
) -> Option<MonthEnd> {
    let n = policy.window_months;
    let high = window(policy, ends, start_value).high();
    ends[ends.len().saturating_sub(n)..].iter().rev().find(|m| m.value == high).copied()
}

#[cfg(test)]
mod tests {
    use crate::scenario::fixtures::shipped;

    #[test]
    fn a_scenario_s_start_is_its_state() {
        let s = shipped();
        let start = s.start();
        assert_eq!(start.valuation_date(), s.valuation_date());
        assert_eq!(start.holdings(), s.holdings());
        assert_eq!(start.window(), s.window());
        assert_eq!(start.managed().value(), s.managed().value());
        assert_eq!(start.equity_factors(), s.equity_factors());
        assert_eq!(start.simulation(), s.simulation());
    }

    #[test]
    fn at_moves_the_holdings_and_the_history_only() {
        let s = shipped();
        let start = s.start();
        let mut h = start.holdings();
        for x in h.equity.iter_mut().chain(h.fixed_income.iter_mut()) {
            *x *= 0.5;
        }
        let ends = start.month_ends()[..start.month_ends().len() - 1].to_vec();
        let date = ends.last().expect("the shipped history").date;
        let moved = start.clone().at(date, &h, ends.clone());
        assert_eq!(moved.holdings(), h);
        assert_eq!(moved.valuation_date(), date);
        assert_eq!(moved.month_ends(), &ends[..]);
        assert_eq!(moved.policy(), start.policy());
        assert_eq!(moved.market(), start.market());
    }

    #[test]
    fn with_rates_and_regime_change_only_the_market_s_start() {
        let s = shipped();
        let start = s.start();
        let m = start.market().expect("the shipped scenario has a market").clone();
        let moved = start.clone().with_rates(0.01, 0.002, 0.03).with_start_regime(m.regimes.len() - 1);
        let n = moved.market().expect("still a market");
        assert_eq!(n.initial_short_rate, 0.01);
        assert_eq!(n.start_regime, m.regimes.len() - 1);
        assert_eq!(n.regimes, m.regimes);
        assert_eq!(moved.holdings(), start.holdings());
    }
}
