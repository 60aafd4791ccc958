//! What the rule asks of the portfolio today, as a treasurer needs it for a
//! decision memo: the position, the trade in mkr per asset class, how far
//! markets can move before the rule acts, and what the next twelve months
//! may bring (`pensionsim suggest`).
//!
//! Every decision here is the rule's own: the position and the trade come
//! from [`Managed::position`] and [`Managed::carry_out`], the outlook from
//! the Monte Carlo [`Engine`]. The market moves are inverse calculations:
//!
//! - the **equity fall that triggers a down-weighting** solves the rule's
//!   division-free test ([`crate::rule::Policy::exceeds_max_equity`]) in closed form for
//!   a fall `x` of every equity class, fixed income unchanged: with
//!   `d = s_eq - s_fi` and `k = 1 - buffer - s_fi`, the test
//!   `(e' - eps V') d > k V' - F` is linear in `x` (`e' = e (1 - x)`,
//!   `V' = V - e x`), so it flips at `x = -g(0) / (e (k - d + eps d))`
//!   where `g(0) = (e - eps V) d - k V + F`;
//! - the **fall that reaches the floor** with no trade: `V - e x = F`;
//! - the **rise needed for an up-weighting** at the next month-end: found
//!   by bisection, to adjacent floating-point numbers, on the rule itself
//!   (a clone of the portfolio, equities moved, its month-end closed with
//!   [`Managed::close_day`]). The convention: the rise happens before the
//!   next month-end and nothing else moves; that month-end stores the value
//!   (which drops the oldest month-end from the window, and raises the high
//!   if the new value tops it) and runs the up-weighting check;
//! - the **joint move** with the dollar: global equities are held in
//!   kronor, so a change `c` in SEK per USD multiplies an unhedged global
//!   class by `(1 + c)^(1 - hedge_ratio)` (the market model's log-linear
//!   convention); the falls above are then those of the local equity
//!   markets after the currency move.
//!
//! Unit tests check each move by applying it to the portfolio and running
//! the trading day: just past the threshold the rule acts, just short of
//! it it does not.

use chrono::NaiveDate;
use serde::Serialize;

use crate::engine::{Engine, PathSummary};
use crate::market::GLOBAL_EQUITY;
use crate::rule::{Managed, Position, SHARE_EPSILON, TradeKind};
use crate::scenario::{AssetKind, MonthEnd, Scenario, Simulation};
use crate::stats::{mean_se, paired_mean, probability};

/// Paths of the outlook unless the caller says otherwise.
pub const DEFAULT_PATHS: usize = 10_000;
/// Months the outlook looks ahead.
pub const OUTLOOK_MONTHS: usize = 12;
/// Changes in SEK per USD of the currency table: the dollar 10 % and 5 %
/// cheaper in kronor, unchanged, 5 % and 10 % dearer.
pub const CURRENCY_MOVES: [f64; 5] = [-0.10, -0.05, 0.0, 0.05, 0.10];

/// Everything `pensionsim suggest` reports (`suggest.json`, schema in
/// `docs/suggest-json.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Suggestion {
    pub scenario: String,
    pub valuation_date: NaiveDate,
    /// The position and the action, as [`Managed::position`] gives them.
    pub position: Position,
    /// The month-end that sets the high; `None` when the high is the
    /// fund's start value.
    pub high_date: Option<NaiveDate>,
    /// `E_max - E`: negative when a down-weighting is required.
    pub room_to_max: f64,
    /// `cap - E`.
    pub room_to_cap: f64,
    /// `min(target, E_max) - E`: the room the month-end's up-weighting
    /// check compares with `up_band`.
    pub up_room: f64,
    /// The trade the rule asks for, class by class; `None` for hold.
    pub trade: Option<TradePlan>,
    /// Which portfolio the moves start from: today's, or, when a
    /// down-weighting is required now, the one after it.
    pub moves_from: MovesFrom,
    /// Equity moves that bring the rule to act, fixed income unchanged.
    pub moves: Moves,
    /// The same for a move in the dollar at the same time; `None` when the
    /// scenario has no `[market]` (which says which classes are global and
    /// how much of them is hedged).
    pub currency: Option<CurrencyTable>,
    /// The next twelve months on the scenario's market; `None` without a
    /// `[market]`.
    pub outlook: Option<Outlook>,
    /// The month-ends of the rule's window, oldest first.
    pub month_ends: Vec<MonthEnd>,
}

/// The trade the rule asks for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TradePlan {
    /// `down`: a down-weighting required now; `up`: an up-weighting the
    /// month-end check allows.
    pub kind: TradeKind,
    pub equity_before: f64,
    pub equity_after: f64,
    /// Equities sold or bought, mkr.
    pub amount: f64,
    pub cost: f64,
    /// One order per asset class, in the scenario's order.
    pub orders: Vec<Order>,
}

/// One asset class's part of a trade, mkr.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Order {
    pub asset_class: String,
    pub kind: AssetKind,
    pub holding_before: f64,
    /// Bought (positive) or sold (negative), before the cost.
    pub change: f64,
    /// After the trade and its cost (the cost is taken pro rata).
    pub holding_after: f64,
}

/// The portfolio the market moves start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MovesFrom {
    /// Today's holdings.
    Today,
    /// The holdings after the down-weighting required now: the next
    /// down-weighting, not the one already due.
    AfterSale,
}

/// Moves of all equity classes together (fractions: 0.05 is 5 %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Moves {
    /// The fall that triggers the next down-weighting; 0 when one is
    /// required already, `None` when no fall does.
    pub downweight_fall: Option<f64>,
    /// The fall that takes the value to the floor with no trade; 0 when
    /// under it already, `None` when even losing all equities does not.
    pub floor_fall: Option<f64>,
    /// The rise that makes the next month-end up-weight; 0 when it will
    /// with no move, `None` when no rise alone does.
    pub upweight_rise: Option<f64>,
}

/// Market moves for several changes in the dollar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CurrencyTable {
    /// Share of the global equities' currency exposure that is hedged.
    pub hedge_ratio: f64,
    pub rows: Vec<CurrencyRow>,
}

/// [`Moves`] after a change in SEK per USD.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct CurrencyRow {
    /// Change in SEK per USD (-0.05: the dollar 5 % cheaper in kronor).
    pub sek_per_usd: f64,
    pub moves: Moves,
}

/// The next twelve months from today's state, on the scenario's market.
/// Probabilities and means carry their Monte Carlo standard errors (`_se`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Outlook {
    pub paths: usize,
    pub seed: u64,
    pub months: usize,
    /// A down-weighting within the first month, 3 months, 12 months.
    pub p_downweight_1m: f64,
    pub p_downweight_1m_se: f64,
    pub p_downweight_3m: f64,
    pub p_downweight_3m_se: f64,
    pub p_downweight_12m: f64,
    pub p_downweight_12m_se: f64,
    /// A day under the floor within 12 months.
    pub p_breach_12m: f64,
    pub p_breach_12m_se: f64,
    /// Expected equity share at the end of month 3 and month 12.
    pub equity_share_3m: f64,
    pub equity_share_3m_se: f64,
    pub equity_share_12m: f64,
    pub equity_share_12m_se: f64,
}

/// The suggestion for `scenario` as it stands (its holdings, window and
/// valuation date), with an outlook of `paths` paths from `seed` when the
/// scenario has a `[market]`.
pub fn suggest(scenario: &Scenario, paths: usize, seed: u64) -> Suggestion {
    let today = scenario.managed();
    let position = today.position();
    // A sale is due now: the moves that matter are those of what is held after it.
    let mut fund = today.clone();
    let moves_from = match fund.carry_out() {
        Some((sale, _)) if sale.kind == TradeKind::Down => MovesFrom::AfterSale,
        _ => {
            fund = today.clone();
            MovesFrom::Today
        }
    };
    let currency = scenario.market().zip(scenario.equity_factors()).map(|(market, factors)| {
        let global: Vec<bool> = factors.iter().map(|&f| f == GLOBAL_EQUITY).collect();
        let rows = CURRENCY_MOVES
            .iter()
            .map(|&c| CurrencyRow {
                sek_per_usd: c,
                moves: moves(&currency_moved(&fund, &global, market.hedge_ratio, c)),
            })
            .collect();
        CurrencyTable { hedge_ratio: market.hedge_ratio, rows }
    });
    let window = scenario.policy().window_months;
    let ends = &scenario.history().month_ends;
    Suggestion {
        scenario: scenario.name().to_string(),
        valuation_date: scenario.valuation_date(),
        position,
        high_date: scenario.high_month_end().map(|m| m.date),
        room_to_max: position.max_equity_share - position.equity_share,
        room_to_cap: position.cap - position.equity_share,
        up_room: scenario.policy().target.min(position.max_equity_share) - position.equity_share,
        trade: trade_plan(scenario, &today),
        moves_from,
        moves: moves(&fund),
        currency,
        outlook: outlook(scenario, paths, seed),
        month_ends: ends[ends.len().saturating_sub(window)..].to_vec(),
    }
}

/// The trade [`Managed::carry_out`] makes on a copy of the portfolio,
/// class by class in the scenario's order.
pub fn trade_plan(scenario: &Scenario, fund: &Managed) -> Option<TradePlan> {
    let before = fund.holdings().clone();
    let mut after = fund.clone();
    let (trade, moved) = after.carry_out()?;
    let done = after.holdings();
    let (mut eq, mut fi) = (0, 0);
    let orders = scenario
        .asset_classes()
        .iter()
        .map(|c| {
            let (b, m, a) = match c.kind {
                AssetKind::Equity => {
                    eq += 1;
                    (before.equity[eq - 1], moved.equity[eq - 1], done.equity[eq - 1])
                }
                AssetKind::FixedIncome => {
                    fi += 1;
                    (before.fixed_income[fi - 1], moved.fixed_income[fi - 1], done.fixed_income[fi - 1])
                }
            };
            Order {
                asset_class: c.name.clone(),
                kind: c.kind,
                holding_before: b,
                change: m - b,
                holding_after: a,
            }
        })
        .collect();
    Some(TradePlan {
        kind: trade.kind,
        equity_before: trade.equity_before,
        equity_after: trade.equity_after,
        amount: trade.amount,
        cost: trade.cost,
        orders,
    })
}

/// The three moves for `fund`.
pub fn moves(fund: &Managed) -> Moves {
    Moves {
        downweight_fall: downweight_fall(fund),
        floor_fall: floor_fall(fund),
        upweight_rise: upweight_rise(fund),
    }
}

/// The fall `x` of every equity class after which the down-weighting test
/// of the trading day holds: it holds for any fall larger than `x` and
/// for none smaller. 0 when it holds now; `None` when no fall of 100 % or
/// less makes it hold. Closed form, see the module documentation.
pub fn downweight_fall(fund: &Managed) -> Option<f64> {
    let p = fund.policy();
    let e = fund.holdings().equity_value();
    let v = fund.value();
    let f = fund.floor();
    if p.exceeds_max_equity(e, v, f) {
        return Some(0.0);
    }
    let d = p.equity_stress - p.fixed_income_stress;
    let k = 1.0 - p.buffer - p.fixed_income_stress;
    let g0 = (e - SHARE_EPSILON * v) * d - k * v + f;
    let slope = e * (k - d + SHARE_EPSILON * d);
    if e <= 0.0 || slope <= 0.0 {
        return None;
    }
    let x = -g0 / slope;
    (x < 1.0).then_some(x.max(0.0))
}

/// The fall `x` of every equity class that takes the value to the floor
/// with no trade: `V - e x = F`. 0 when under the floor already; `None`
/// when losing every equity leaves the value above it.
pub fn floor_fall(fund: &Managed) -> Option<f64> {
    let e = fund.holdings().equity_value();
    let v = fund.value();
    let f = fund.floor();
    if v < f {
        return Some(0.0);
    }
    let x = (v - f) / e;
    (e > 0.0 && x <= 1.0).then_some(x)
}

/// Whether equities growing by `1 + rise` before the next month-end make
/// that month-end up-weight: the rule's own month-end, on a copy.
pub fn upweights_at_month_end(fund: &Managed, rise: f64) -> bool {
    let mut copy = fund.clone();
    let growth = vec![1.0 + rise; copy.holdings().equity.len()];
    let flat = vec![1.0; copy.holdings().fixed_income.len()];
    copy.apply_returns(&growth, &flat);
    copy.close_day(true).up.is_some()
}

/// Largest equity rise [`upweight_rise`] looks at: 300 %.
const MAX_RISE: f64 = 3.0;
/// Step of its first scan; the up-weighting region is far wider.
const RISE_STEP: f64 = 0.001;

/// The smallest rise of every equity class that makes the next month-end
/// up-weight; 0 when it will with no move, `None` when no rise up to
/// 300 % does.
///
/// The rise's region is an interval: the room to the maximum grows with
/// the margin until the new value tops the high or the maximum reaches the
/// target or cap, and shrinks after. A scan in steps of 0.1 points (and at
/// both of those turning points) finds a rise inside it, and bisection on
/// [`upweights_at_month_end`] then narrows the edge to adjacent
/// floating-point numbers.
pub fn upweight_rise(fund: &Managed) -> Option<f64> {
    if upweights_at_month_end(fund, 0.0) {
        return Some(0.0);
    }
    let e = fund.holdings().equity_value();
    if e <= 0.0 {
        return None;
    }
    let p = fund.policy();
    let v = fund.value();
    // The high after the month-end stores a value too low to count.
    let mut rest = fund.window().clone();
    rest.push(0.0);
    let floor_rest = p.floor(rest.high());
    let top = p.target.min(p.cap);
    let k = 1.0 - p.buffer - p.fixed_income_stress;
    let d = p.equity_stress - p.fixed_income_stress;
    let turns = [rest.high(), floor_rest / (k - top * d)].map(|u| (u - v) / e);
    let grid = (1..=(MAX_RISE / RISE_STEP).round() as usize).map(|i| i as f64 * RISE_STEP);
    let mut candidates: Vec<f64> =
        grid.chain(turns.into_iter().filter(|y| y.is_finite() && *y > 0.0 && *y <= MAX_RISE)).collect();
    candidates.sort_by(f64::total_cmp);
    let hit = candidates.iter().position(|&y| upweights_at_month_end(fund, y))?;
    let (mut lo, mut hi) = (if hit == 0 { 0.0 } else { candidates[hit - 1] }, candidates[hit]);
    loop {
        let mid = lo + (hi - lo) / 2.0;
        if mid <= lo || mid >= hi {
            return Some(hi);
        }
        if upweights_at_month_end(fund, mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
}

/// `fund` after SEK per USD changes by `sek_per_usd`: each global class
/// (`global`, in the order of the equity holdings) grows by
/// `(1 + sek_per_usd)^(1 - hedge_ratio)`.
#[allow(
    clippy::disallowed_methods,
    reason = "an inverse calculation on today's holdings, not a simulated path"
)]
pub fn currency_moved(fund: &Managed, global: &[bool], hedge_ratio: f64, sek_per_usd: f64) -> Managed {
    let mut moved = fund.clone();
    let fx = (1.0 + sek_per_usd).powf(1.0 - hedge_ratio);
    let growth: Vec<f64> = global.iter().map(|&g| if g { fx } else { 1.0 }).collect();
    let flat = vec![1.0; moved.holdings().fixed_income.len()];
    moved.apply_returns(&growth, &flat);
    moved
}

/// The outlook of `paths` paths from `seed` over [`OUTLOOK_MONTHS`];
/// `None` when the scenario has no `[market]`.
pub fn outlook(scenario: &Scenario, paths: usize, seed: u64) -> Option<Outlook> {
    let simulation = Simulation { paths, seed, horizon_months: OUTLOOK_MONTHS, variance_reduction: false };
    let engine = Engine::new(&scenario.start(), simulation)?;
    let outcome = engine.run(&|_| {});
    Some(outlook_of(&outcome.paths, simulation))
}

/// The outlook's figures from the paths of a run.
pub fn outlook_of(paths: &[PathSummary], simulation: Simulation) -> Outlook {
    let n = paths.len();
    // Antithetic pairs are not independent paths: their errors are the
    // pairs' (`stats::paired_mean`).
    let paired = simulation.variance_reduction;
    let share = |hit: &dyn Fn(&PathSummary) -> bool| {
        if paired {
            paired_mean(&paths.iter().map(|s| f64::from(u8::from(hit(s)))).collect::<Vec<_>>())
        } else {
            probability(paths.iter().filter(|s| hit(s)).count(), n)
        }
    };
    let mean = |of: fn(&PathSummary) -> f64| {
        if paired {
            paired_mean(&paths.iter().map(of).collect::<Vec<_>>())
        } else {
            mean_se(paths.iter().map(of))
        }
    };
    let down_within = |months: u32| share(&|s| s.first_downweight_month.is_some_and(|m| m < months));
    let (d1, d3, d12) = (down_within(1), down_within(3), down_within(12));
    let breach = share(&|s| s.first_breach_month.is_some_and(|m| m < 12));
    let e3 = mean(|s| s.equity_share_3m);
    let e12 = mean(|s| s.equity_share_12m);
    Outlook {
        paths: n,
        seed: simulation.seed,
        months: simulation.horizon_months,
        p_downweight_1m: d1.value,
        p_downweight_1m_se: d1.se,
        p_downweight_3m: d3.value,
        p_downweight_3m_se: d3.se,
        p_downweight_12m: d12.value,
        p_downweight_12m_se: d12.se,
        p_breach_12m: breach.value,
        p_breach_12m_se: breach.se,
        equity_share_3m: e3.value,
        equity_share_3m_se: e3.se,
        equity_share_12m: e12.value,
        equity_share_12m_se: e12.se,
    }
}

#[cfg(test)]
mod tests;
