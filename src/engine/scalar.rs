//! The engine's scalar mode: any portfolio stepped on a simulated market,
//! every day closed in full.
//!
//! A [`Steer`] is a portfolio in the engine's three buckets and whatever
//! decides its trades: the rule ([`RuleSteer`], checking daily, weekly or
//! monthly) or any other strategy. The shared pass
//! ([`Engine::run_shared`]) carries it on each path's one market, lane by
//! lane beside the group's, so every portfolio of a path sees the same
//! market, bit for bit (common random numbers), and keeps the same record
//! and month-end tally as the group's paths (`Carried`, the scalar form
//! of the group's book). With the rule checked daily a path gets the bits
//! the group gives it (tested); the group stays the fast path for the
//! rule.
//!
//! Under a flow [`Schedule`] (the pension obligation's deposits and
//! withdrawals) every portfolio takes each month's flow before the
//! month's first day, through its own [`Steer::apply_flow`] (the rule's
//! is `Managed::apply_flow`), and the run keeps each portfolio's
//! [`MonthRecord`]s as the group's run does.

use super::shared::{Carry, Run};
use super::{Engine, MonthRecord, MonthTally, PathSummary, Schedule, Yardstick, finish};
use crate::lanes::{LANES, Wide};
use crate::market::DayReturns;
use crate::rule::{Day, Extremes, Managed, PathRecord};

/// How often a strategy looks at the portfolio between month ends. The
/// month end is always a check day (the rule's month-end review); the
/// month-end value is stored and the month's figures kept whatever the
/// frequency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Check {
    /// Every trading day (the policy's rule).
    Daily,
    /// Every fifth trading day of the run (days 5, 10, 15, ...), and at
    /// each month end.
    Weekly,
    /// At month ends only.
    Monthly,
}

impl Check {
    /// Trading days in a week.
    pub const WEEK: usize = 5;

    /// Whether day `day` of the run (0-based, counted over the whole
    /// horizon) is a check day.
    pub fn is_check_day(self, day: usize, month_end: bool) -> bool {
        month_end
            || match self {
                Check::Daily => true,
                Check::Weekly => (day + 1).is_multiple_of(Check::WEEK),
                Check::Monthly => false,
            }
    }
}

/// A portfolio steered day by day on a simulated market: the holdings in
/// the engine's three buckets (Swedish equities, global equities, fixed
/// income) and whatever decides its trades.
pub trait Steer: Send {
    /// Step 1 of the trading day: the buckets' gross returns.
    fn apply_returns(&mut self, swedish: f64, global: f64, fixed_income: f64);
    /// Steps 3 to 6: measure, trade if the strategy says so, and at a
    /// month end store the month-end value. `day` counts trading days
    /// from the start of the run (0-based).
    fn close_day(&mut self, day: usize, month_end: bool) -> Day;
    /// `V`.
    fn value(&self) -> f64;
    /// `E`.
    fn equity_share(&self) -> f64;
    /// The floor the portfolio is measured against.
    fn floor(&self) -> f64;
    /// A net flow of `amount` mkr (a deposit positive) at a month
    /// boundary; returns the part of a withdrawal the portfolio could not
    /// pay (zero otherwise), as `Managed::apply_flow` does.
    fn apply_flow(&mut self, amount: f64) -> f64;
    /// The equity share counted as rebuilt after a first down-weighting
    /// when the share before it was higher (the rule's target less its
    /// up-weighting headroom); `None`: the engine's own.
    fn rebuild_cap(&self) -> Option<f64> {
        None
    }
}

/// The rule, checked on the days `check` names: on other days the day is
/// measured (step 3: a breach is a breach whatever the check frequency)
/// and nothing is traded.
#[derive(Debug, Clone)]
pub struct RuleSteer {
    pub fund: Managed,
    pub check: Check,
}

impl Steer for RuleSteer {
    fn apply_returns(&mut self, swedish: f64, global: f64, fixed_income: f64) {
        self.fund.apply_returns(&[swedish, global], &[fixed_income]);
    }

    fn close_day(&mut self, day: usize, month_end: bool) -> Day {
        if self.check.is_check_day(day, month_end) {
            self.fund.close_day(month_end)
        } else {
            let h = self.fund.holdings();
            let equity = h.equity_value();
            self.fund.quiet_day(equity, equity + h.fixed_income_value())
        }
    }

    fn value(&self) -> f64 {
        self.fund.value()
    }

    fn equity_share(&self) -> f64 {
        self.fund.equity_share()
    }

    fn floor(&self) -> f64 {
        self.fund.floor()
    }

    fn apply_flow(&mut self, amount: f64) -> f64 {
        self.fund.apply_flow(amount)
    }

    fn rebuild_cap(&self) -> Option<f64> {
        let p = self.fund.policy();
        Some(p.target - p.up_headroom)
    }
}

/// Builds a strategy's portfolio at the start of a path.
pub type SteerFactory<'a> = &'a (dyn Fn() -> Box<dyn Steer> + Sync);

/// One path's books beside its portfolio: its record, month-end tally and
/// summary so far, and under a schedule the flows paid in, the units held
/// (one at the start) and the recorded month-ends (the scalar form of the
/// group's `Book`).
#[derive(Debug, Clone)]
pub(super) struct Ledger {
    record: PathRecord,
    tally: MonthTally,
    out: PathSummary,
    paid: f64,
    units: f64,
    kept: Vec<MonthRecord>,
}

impl Ledger {
    pub(super) fn new(
        start_value: f64,
        cap: f64,
        horizon: usize,
        yardstick: Option<&Yardstick>,
        recorded: usize,
    ) -> Ledger {
        Ledger {
            record: PathRecord::new(start_value),
            tally: MonthTally::new(start_value, cap, horizon).with_yardstick(yardstick),
            out: PathSummary::default(),
            paid: 0.0,
            units: 1.0,
            kept: Vec::with_capacity(recorded),
        }
    }

    /// A day of `month` closed in full.
    #[inline]
    pub(super) fn observe(&mut self, d: &Day, month: usize) {
        self.record.observe(d);
        if d.breach_depth().is_some() && self.out.first_breach_month.is_none() {
            self.out.first_breach_month = Some(month as u32);
        }
        if let Some(t) = &d.down {
            self.tally.down_weighted(month as u32, t.equity_before);
        }
    }

    /// A flow that moved a portfolio worth `before` by `paid`: the record's
    /// peak and the rolling windows' values follow it, as the group's
    /// `Book::apply_flow` has them.
    fn flow(&mut self, before: f64, paid: f64) {
        let mut factor = 1.0;
        if before > 0.0 {
            factor = (before + paid) / before;
            self.record.scale(factor);
            self.tally.scale(factor);
        }
        self.paid += paid;
        self.units *= factor;
    }

    /// The end of `month` at `value` and equity share `equity`, log price
    /// index `log_index`, kept as a [`MonthRecord`] when `keep`.
    pub(super) fn month_end(
        &mut self,
        month: usize,
        value: f64,
        equity: f64,
        log_index: f64,
        keep: bool,
        start_value: f64,
    ) {
        if month == 2 {
            self.out.equity_share_3m = equity;
        }
        if month == 11 {
            self.out.value_12m = value;
            self.out.equity_share_12m = equity;
        }
        self.tally.month_end(month as u32, value, equity, log_index, &mut self.out);
        if keep {
            self.kept.push(MonthRecord {
                value,
                log_price_index: log_index,
                flows: self.paid,
                unit_value: value / (self.units * start_value),
            });
        }
    }

    /// The path's summary at the horizon and its recorded month-ends.
    fn finish(
        self,
        value: f64,
        equity: f64,
        horizon: usize,
        log_index: f64,
    ) -> (PathSummary, Vec<MonthRecord>) {
        (self.summary(value, equity, horizon, log_index), self.kept)
    }

    /// The path's summary at the horizon, its final value `value` and
    /// equity share `equity`.
    pub(super) fn summary(&self, value: f64, equity: f64, horizon: usize, log_index: f64) -> PathSummary {
        finish(value, equity, &self.record, &self.tally, self.out, horizon, log_index)
    }
}

/// One portfolio of a path: its steering and its [`Ledger`].
pub(super) struct Carried {
    pub(super) steer: Box<dyn Steer>,
    ledger: Ledger,
}

impl Carried {
    /// `steer` at the start of a path worth `start_value`, its month-ends
    /// measured against `yardstick` too, `recorded` month-ends to keep;
    /// `rebuild_cap` unless the steer has its own.
    pub(super) fn new(
        steer: Box<dyn Steer>,
        start_value: f64,
        rebuild_cap: f64,
        horizon: usize,
        yardstick: Option<&Yardstick>,
        recorded: usize,
    ) -> Carried {
        let cap = steer.rebuild_cap().unwrap_or(rebuild_cap);
        Carried { steer, ledger: Ledger::new(start_value, cap, horizon, yardstick, recorded) }
    }

    /// A net flow through the portfolio's own flow adjustment; the record's
    /// peak and the rolling windows' values follow it, as the group's
    /// `Book::apply_flow` has them.
    pub(super) fn apply_flow(&mut self, amount: f64) {
        let before = self.steer.value();
        let paid = amount - self.steer.apply_flow(amount);
        self.ledger.flow(before, paid);
    }

    /// The days of `month` on lane `lane` of the month's `returns`, each
    /// closed in full.
    pub(super) fn days(&mut self, returns: &[DayReturns<Wide>], lane: usize, month: usize) {
        let days = returns.len();
        for (day, r) in returns.iter().enumerate() {
            let (sw, gl, fi) = (r.swedish_equity.0[lane], r.global_equity.0[lane], r.fixed_income.0[lane]);
            self.steer.apply_returns(sw, gl, fi);
            let d = self.steer.close_day(month * days + day, day + 1 == days);
            self.ledger.observe(&d, month);
        }
    }

    /// The end of `month` at log price index `log_index`, kept as a
    /// [`MonthRecord`] when `keep`.
    pub(super) fn month_end(&mut self, month: usize, log_index: f64, keep: bool, start_value: f64) {
        let (value, equity) = (self.steer.value(), self.steer.equity_share());
        self.ledger.month_end(month, value, equity, log_index, keep, start_value);
    }

    /// The path's summary at the horizon and its recorded month-ends.
    pub(super) fn finish(self, horizon: usize, log_index: f64) -> (PathSummary, Vec<MonthRecord>) {
        let (value, equity) = (self.steer.value(), self.steer.equity_share());
        self.ledger.finish(value, equity, horizon, log_index)
    }
}

/// Eight paths of a portfolio that is not the rule, stepped side by side
/// on a group's lanes in the shared pass: the lanes' holdings and whatever
/// decides their trades. A month's days go in one call; the steer closes
/// in full, lane by lane, the days it may trade on and hands them to the
/// [`Ledgers`] ([`Ledgers::closed`]), and hands over every other lane's
/// day as its value against its floor ([`Ledgers::quiet`]). Each lane must
/// get the bits its own [`Steer`] gets, closing every day in full.
pub trait SteerLanes: Send {
    /// The days of `month` (0-based), whose gross returns are `returns`,
    /// on every lane.
    fn days(&mut self, returns: &[DayReturns<Wide>], month: usize, ledgers: &mut Ledgers);
    /// Lane `lane`'s `V`, after a month's days.
    fn value(&self, lane: usize) -> f64;
    /// Lane `lane`'s `E`, after a month's days.
    fn equity_share(&self, lane: usize) -> f64;
    /// A net flow of `amount` mkr into lane `lane` at a month boundary, as
    /// [`Steer::apply_flow`].
    fn apply_flow(&mut self, lane: usize, amount: f64) -> f64;
    /// As [`Steer::rebuild_cap`].
    fn rebuild_cap(&self) -> Option<f64> {
        None
    }
}

/// Builds a strategy's eight lanes at the start of a group.
pub type LanesFactory<'a> = &'a (dyn Fn() -> Box<dyn SteerLanes> + Sync);

/// The `Ledger`s of a group's eight lanes of one portfolio, their
/// records' extremes carried in the lanes between full closes, as the
/// group's `Hot` carries them.
pub struct Ledgers {
    ledgers: Vec<Ledger>,
    peak: Wide,
    max_drawdown: Wide,
    worst_floor_ratio: Wide,
    min_margin: Wide,
}

impl Ledgers {
    fn new(
        start_value: f64,
        cap: f64,
        horizon: usize,
        yardstick: Option<&Yardstick>,
        recorded: usize,
    ) -> Ledgers {
        let ledgers: Vec<Ledger> =
            (0..LANES).map(|_| Ledger::new(start_value, cap, horizon, yardstick, recorded)).collect();
        let zero = Wide([0.0; LANES]);
        let mut out =
            Ledgers { ledgers, peak: zero, max_drawdown: zero, worst_floor_ratio: zero, min_margin: zero };
        for i in 0..LANES {
            out.load(i);
        }
        out
    }

    /// Lane `i`'s extremes from its record.
    #[inline(always)]
    fn load(&mut self, i: usize) {
        let e = self.ledgers[i].record.extremes();
        self.peak.0[i] = e.peak;
        self.max_drawdown.0[i] = e.max_drawdown;
        self.worst_floor_ratio.0[i] = e.worst_floor_ratio;
        self.min_margin.0[i] = e.min_margin;
    }

    #[inline(always)]
    fn extremes(&self, i: usize) -> Extremes {
        Extremes {
            peak: self.peak.0[i],
            max_drawdown: self.max_drawdown.0[i],
            worst_floor_ratio: self.worst_floor_ratio.0[i],
            min_margin: self.min_margin.0[i],
        }
    }

    /// Lane `i`'s extremes into its record.
    #[inline(always)]
    fn store(&mut self, i: usize) {
        let e = self.extremes(i);
        self.ledgers[i].record.set_extremes(e);
    }

    /// Lane `i`'s day of `month`, closed in full: `PathRecord::observe`,
    /// the first breach and the first down-weighting.
    #[inline]
    pub fn closed(&mut self, i: usize, month: usize, d: &Day) {
        self.store(i);
        self.ledgers[i].observe(d, month);
        self.load(i);
    }

    /// The day of `month` of every lane not `closed`: no trade, the value
    /// `value` against the floor `floor`, before and after. What
    /// `PathRecord::observe` does with such a day: on a plain day (no
    /// breach, no new lowest margin) a new high or a deeper drawdown, as
    /// one vector; any other lane's day is observed in full.
    #[inline(always)]
    pub fn quiet(&mut self, month: usize, value: &Wide, floor: &Wide, closed: &[bool; LANES]) {
        let mut plain = [false; LANES];
        for i in 0..LANES {
            let (v, f) = (value.0[i], floor.0[i]);
            let mut x = self.extremes(i);
            let p = !closed[i] & (v >= f) & (v > 0.0) & x.is_plain(v, f);
            x.observe_close(v);
            self.peak.0[i] = if p { x.peak } else { self.peak.0[i] };
            self.max_drawdown.0[i] = if p { x.max_drawdown } else { self.max_drawdown.0[i] };
            plain[i] = p | closed[i];
        }
        if plain.iter().any(|p| !p) {
            self.unplain(month, value, floor, &plain);
        }
    }

    /// The lanes not `plain` of [`Ledgers::quiet`], lane by lane.
    #[inline(never)]
    fn unplain(&mut self, month: usize, value: &Wide, floor: &Wide, plain: &[bool; LANES]) {
        for i in (0..LANES).filter(|&i| !plain[i]) {
            let (v, f) = (value.0[i], floor.0[i]);
            let d = Day {
                value_pre: v,
                equity_value_pre: 0.0,
                high_pre: 0.0,
                floor_pre: f,
                value_post: v,
                down: None,
                up: None,
            };
            self.closed(i, month, &d);
        }
    }

    /// A flow into lane `i`'s portfolio, worth `before`, of which it paid
    /// `paid`.
    fn flow(&mut self, i: usize, before: f64, paid: f64) {
        self.store(i);
        self.ledgers[i].flow(before, paid);
        self.load(i);
    }

    /// The first `live` lanes' summaries at the horizon, and their recorded
    /// month-ends path by path.
    fn finish(mut self, live: usize, lanes: &dyn SteerLanes, horizon: usize, log_index: &Wide) -> Run {
        for i in 0..LANES {
            self.store(i);
        }
        let mut out = Vec::with_capacity(live);
        let mut kept = Vec::new();
        for (i, ledger) in self.ledgers.into_iter().take(live).enumerate() {
            let (summary, records) =
                ledger.finish(lanes.value(i), lanes.equity_share(i), horizon, log_index.0[i]);
            out.push(summary);
            kept.extend(records);
        }
        (out, kept)
    }
}

/// A portfolio's eight lanes and their ledgers, in the shared pass.
pub(super) struct Steered {
    lanes: Box<dyn SteerLanes>,
    ledgers: Ledgers,
}

impl Steered {
    /// `make`'s lanes at the start of a group; as [`Carried::new`].
    pub(super) fn new(
        make: LanesFactory<'_>,
        start_value: f64,
        rebuild_cap: f64,
        horizon: usize,
        yardstick: Option<&Yardstick>,
        recorded: usize,
    ) -> Steered {
        let lanes = make();
        let cap = lanes.rebuild_cap().unwrap_or(rebuild_cap);
        Steered { lanes, ledgers: Ledgers::new(start_value, cap, horizon, yardstick, recorded) }
    }

    /// The flows of `month` into the first `live` lanes, at each lane's
    /// log price index, as [`Carried::apply_flow`] takes them.
    pub(super) fn flows(&mut self, s: &dyn Schedule, month: usize, live: usize, log_index: &Wide) {
        for i in 0..live {
            let before = self.lanes.value(i);
            let amount = s.flow(month, before, log_index.0[i]);
            if amount != 0.0 {
                let paid = amount - self.lanes.apply_flow(i, amount);
                self.ledgers.flow(i, before, paid);
            }
        }
    }

    /// The days of `month` and its end on the first `live` lanes, as
    /// [`Carried::days`] and [`Carried::month_end`].
    pub(super) fn month(
        &mut self,
        returns: &[DayReturns<Wide>],
        month: usize,
        live: usize,
        log_index: &Wide,
        keep: bool,
        start_value: f64,
    ) {
        self.lanes.days(returns, month, &mut self.ledgers);
        for i in 0..live {
            let (value, equity) = (self.lanes.value(i), self.lanes.equity_share(i));
            self.ledgers.ledgers[i].month_end(month, value, equity, log_index.0[i], keep, start_value);
        }
    }

    /// The first `live` lanes' [`Run`].
    pub(super) fn finish(self, live: usize, horizon: usize, log_index: &Wide) -> Run {
        self.ledgers.finish(live, self.lanes.as_ref(), horizon, log_index)
    }
}
impl Engine {
    /// The rule of this engine's scenario, checked as `check` says, as a
    /// portfolio for [`Engine::run_steered`] or [`Engine::run_shared`].
    pub fn rule_steer(&self, check: Check) -> RuleSteer {
        RuleSteer { fund: self.prototype.clone(), check }
    }

    /// The portfolio at the start in the engine's buckets: equity
    /// `[Swedish, global]`, fixed income `[all]`, with the bucket mixes.
    pub fn start_holdings(&self) -> &crate::rule::Holdings {
        self.prototype.holdings()
    }

    /// The rule's month-end window on the valuation date.
    pub fn start_window(&self) -> &crate::rule::MonthEndWindow {
        self.prototype.window()
    }

    /// Runs every path in scalar mode with one portfolio per factory, all
    /// on the path's one market (a shared pass, [`Engine::run_shared`],
    /// of [`Carry::Steer`]s); returns the summaries strategy by strategy,
    /// each in path order. `progress` is called with the number of paths
    /// each finished group held. The result does not depend on the thread
    /// count.
    pub fn run_steered(
        &self,
        strategies: &[SteerFactory<'_>],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<Vec<PathSummary>> {
        let carries: Vec<Carry<'_>> = strategies.iter().map(|s| Carry::Steer(*s)).collect();
        self.run_shared(&carries, None, progress).into_iter().map(|(paths, _)| paths).collect()
    }

    /// [`Engine::run_steered`] with `schedule`'s flows: returns, strategy
    /// by strategy, the summaries in path order and the recorded
    /// month-ends path by path (`records[s][path * k + j]`, `k` recorded
    /// months), as [`Engine::run_scheduled`] gives the rule's.
    pub fn run_steered_scheduled(
        &self,
        strategies: &[SteerFactory<'_>],
        schedule: &dyn Schedule,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<(Vec<PathSummary>, Vec<MonthRecord>)> {
        let carries: Vec<Carry<'_>> = strategies.iter().map(|s| Carry::Steer(*s)).collect();
        self.run_shared(&carries, Some(schedule), progress)
    }

    /// Path `path` in scalar mode, one summary per factory.
    pub fn steered_path(&self, path: u64, strategies: &[SteerFactory<'_>]) -> Vec<PathSummary> {
        let carries: Vec<Carry<'_>> = strategies.iter().map(|s| Carry::Steer(*s)).collect();
        self.shared_group(path, 1, &carries, None).into_iter().map(|(mut paths, _)| paths.remove(0)).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::rng::path_rng;
    use crate::scenario::{Scenario, Simulation};

    fn engine(file: &str, paths: usize, months: usize) -> Engine {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
        let scenario = Scenario::load(&path).unwrap().scenario;
        Engine::new(
            &scenario.start(),
            Simulation { paths, seed: 5, horizon_months: months, variance_reduction: false },
        )
        .unwrap()
    }

    #[test]
    fn the_scalar_mode_with_daily_checks_gives_each_path_the_groups_bits() {
        // W1 (a plain market) and the region's scenario (stochastic
        // inflation and a credit spread), long enough to trade and breach.
        for e in [engine("bench-w1.toml", 24, 60), engine("rjh-2025-08.toml", 24, 60)] {
            let group = e.run(&|_| {}).paths;
            let rule = e.rule_steer(Check::Daily);
            let make = move || Box::new(rule.clone()) as Box<dyn Steer>;
            let scalar = e.run_steered(&[&make], &|_| {});
            assert_eq!(scalar.len(), 1);
            let trades: u32 = group.iter().map(|p| p.downweights + p.upweights).sum();
            assert!(trades > 20, "the comparison should see trades, saw {trades}");
            for (p, (a, b)) in group.iter().zip(&scalar[0]).enumerate() {
                assert_eq!(a, b, "path {p}");
                assert_eq!(a.final_value.to_bits(), b.final_value.to_bits(), "path {p}");
            }
        }
    }

    /// Deposits in some Januaries and a withdrawal of a fifth of the
    /// value, indexed by the path's inflation; four year-ends kept.
    struct Plan;
    impl Schedule for Plan {
        fn recorded_months(&self) -> &[usize] {
            &[3, 15, 27, 39]
        }
        fn has_flow(&self, month: usize) -> bool {
            matches!(month, 4 | 16 | 28 | 40)
        }
        fn flow(&self, month: usize, value: f64, log_price_index: f64) -> f64 {
            match month {
                4 | 16 => 150.0,
                28 => -0.2 * value * crate::lanes::exp(log_price_index),
                _ => 400.0,
            }
        }
    }

    #[test]
    fn the_scalar_mode_with_daily_checks_and_flows_gives_each_path_the_groups_bits() {
        for e in [engine("bench-w1.toml", 20, 48), engine("rjh-2025-08.toml", 20, 48)] {
            let (group, records) = e.run_scheduled(&Plan, &|_| {});
            let rule = e.rule_steer(Check::Daily);
            let make = move || Box::new(rule.clone()) as Box<dyn Steer>;
            let scalar = e.run_steered_scheduled(&[&make], &Plan, &|_| {});
            let (paths, kept) = &scalar[0];
            assert_eq!(kept.len(), records.len());
            assert_eq!(kept.len(), 20 * 4);
            for (p, (a, b)) in group.paths.iter().zip(paths).enumerate() {
                assert_eq!(a, b, "path {p}");
            }
            for (j, (a, b)) in records.iter().zip(kept).enumerate() {
                assert_eq!(a, b, "record {j}");
                assert_eq!(a.unit_value.to_bits(), b.unit_value.to_bits(), "record {j}");
            }
            // The flows were paid: the first deposit on every path, and the
            // withdrawal took money out after the second.
            assert!(kept.iter().skip(2).step_by(4).all(|r| r.flows == 300.0), "{:?}", &kept[..4]);
            assert!(kept.iter().skip(3).step_by(4).all(|r| r.flows < 300.0 && r.value > 0.0));
        }
    }

    #[test]
    fn weekly_and_monthly_checks_trade_less_often_and_only_on_check_days() {
        assert!(Check::Weekly.is_check_day(4, false));
        assert!(!Check::Weekly.is_check_day(5, false));
        assert!(Check::Weekly.is_check_day(9, false));
        assert!(Check::Monthly.is_check_day(7, true));
        assert!(!Check::Monthly.is_check_day(4, false));
        assert!((0..100).all(|d| Check::Daily.is_check_day(d, false)));

        // A steer that remembers on which days the rule sold.
        struct Spy {
            rule: RuleSteer,
            sold_on: std::sync::Arc<std::sync::Mutex<Vec<(usize, bool)>>>,
        }
        impl Steer for Spy {
            fn apply_returns(&mut self, s: f64, g: f64, f: f64) {
                self.rule.apply_returns(s, g, f);
            }
            fn close_day(&mut self, day: usize, month_end: bool) -> Day {
                let d = self.rule.close_day(day, month_end);
                if d.down.is_some() {
                    self.sold_on.lock().unwrap().push((day, month_end));
                }
                d
            }
            fn value(&self) -> f64 {
                self.rule.value()
            }
            fn equity_share(&self) -> f64 {
                self.rule.equity_share()
            }
            fn floor(&self) -> f64 {
                self.rule.floor()
            }
            fn apply_flow(&mut self, amount: f64) -> f64 {
                self.rule.apply_flow(amount)
            }
        }
        let e = engine("bench-w1.toml", 200, 36);
        let mut downs = Vec::new();
        for check in [Check::Daily, Check::Weekly, Check::Monthly] {
            let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
            let (rule, sold_on) = (e.rule_steer(check), log.clone());
            let make =
                move || Box::new(Spy { rule: rule.clone(), sold_on: sold_on.clone() }) as Box<dyn Steer>;
            let out = e.run_steered(&[&make], &|_| {});
            let days = log.lock().unwrap().clone();
            assert!(!days.is_empty(), "{check:?} sells on some path");
            assert!(days.iter().all(|&(d, m)| check.is_check_day(d, m)), "{check:?} sold off a check day");
            downs.push(out[0].iter().map(|p| p.downweights).sum::<u32>());
        }
        assert!(downs[0] > downs[1] && downs[1] > downs[2], "down-weightings {downs:?}");
    }

    #[test]
    fn each_portfolio_gets_the_returns_of_the_paths_own_market_step_bit_for_bit() {
        // A steer that keeps the returns it is handed; each path's must be
        // those of the one-path market (`MarketState::step`) on its stream.
        type Log = std::sync::Arc<std::sync::Mutex<Vec<[f64; 3]>>>;
        struct Tape(Log, f64);
        impl Steer for Tape {
            fn apply_returns(&mut self, s: f64, g: f64, f: f64) {
                self.0.lock().unwrap().push([s, g, f]);
            }
            fn close_day(&mut self, _: usize, _: bool) -> Day {
                Day {
                    value_pre: self.1,
                    equity_value_pre: 0.0,
                    high_pre: self.1,
                    floor_pre: 0.0,
                    value_post: self.1,
                    down: None,
                    up: None,
                }
            }
            fn value(&self) -> f64 {
                self.1
            }
            fn equity_share(&self) -> f64 {
                0.0
            }
            fn floor(&self) -> f64 {
                0.0
            }
            fn apply_flow(&mut self, _: f64) -> f64 {
                0.0
            }
        }
        let e = engine("rjh-2025-08.toml", 11, 3);
        for path in [0u64, 7, 10] {
            let log: Log = Default::default();
            let tape = log.clone();
            let make = move || Box::new(Tape(tape.clone(), 1.0)) as Box<dyn Steer>;
            e.steered_path(path, &[&make]);
            let mut rng = path_rng(e.simulation.seed, path);
            let mut market = crate::market::MarketState::start(&e.model);
            let mut want = Vec::new();
            for month in 0..3 {
                market.start_month(&e.model, month, &mut rng);
                for _ in 0..e.model.trading_days_per_month {
                    let r = market.step(&e.model, &e.kernels, &mut rng);
                    want.push([r.swedish_equity, r.global_equity, r.fixed_income]);
                }
            }
            let got = log.lock().unwrap().clone();
            assert_eq!(got.len(), want.len());
            for (d, (a, b)) in got.iter().zip(&want).enumerate() {
                assert_eq!(a.map(f64::to_bits), b.map(f64::to_bits), "path {path}, day {d}");
            }
        }
    }
}
