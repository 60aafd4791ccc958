//! The engine's scalar mode: one path at a time, every day closed in full,
//! for any number of portfolios on the same market.
//!
//! Each path steps the market once a day with its own stream (the same
//! draws in the same order, and the same arithmetic side by side in
//! groups of eight, as the group engine) and hands the day's returns to
//! every portfolio it carries: a [`Steer`] each, the rule ([`RuleSteer`], checking daily,
//! weekly or monthly) or any other strategy. Every portfolio of a path
//! therefore sees the same market, bit for bit (common random numbers),
//! and keeps the same record and month-end tally as the group's paths.
//! With the rule checked daily a path gets the bits the group gives it
//! (tested); the group stays the fast path for that case.
//!
//! Under a flow [`Schedule`] (the pension obligation's deposits and
//! withdrawals) every portfolio takes each month's flow before the
//! month's first day, through its own [`Steer::apply_flow`] (the rule's
//! is `Managed::apply_flow`), and the run keeps each portfolio's
//! [`MonthRecord`]s as the group's run does.

use rayon::prelude::*;

use super::{Engine, MonthRecord, MonthTally, PathSummary, Schedule, Vectors, finish};
use crate::draws::MonthDraws;
use crate::lanes::{LANES, Wide};
use crate::market::Rates;
use crate::rule::{Day, Managed, PathRecord};

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

/// One portfolio of a path: its steering, record, tally and summary (the
/// scalar form of the group's `Book`).
struct Carried {
    steer: Box<dyn Steer>,
    record: PathRecord,
    tally: MonthTally,
    out: PathSummary,
    /// Under a schedule: net flows paid in, units held (one at the start),
    /// and the recorded month-ends so far.
    paid: f64,
    units: f64,
    kept: Vec<MonthRecord>,
}

impl Carried {
    /// A net flow through the portfolio's own flow adjustment; the record's
    /// peak and the rolling windows' values follow it, as the group's
    /// `Book::apply_flow` has them.
    fn apply_flow(&mut self, amount: f64) {
        let before = self.steer.value();
        let paid = amount - self.steer.apply_flow(amount);
        let mut factor = 1.0;
        if before > 0.0 {
            factor = (before + paid) / before;
            self.record.scale(factor);
            self.tally.scale(factor);
        }
        self.paid += paid;
        self.units *= factor;
    }
}

/// One portfolio's run of one path: its summary and, under a schedule,
/// its recorded month-ends in order.
type PathRun = (PathSummary, Vec<MonthRecord>);

impl Engine {
    /// The rule of this engine's scenario, checked as `check` says, as a
    /// portfolio for [`Engine::run_steered`].
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
    /// on the path's one market; returns the summaries strategy by
    /// strategy, each in path order. `progress` is called with the number
    /// of paths each finished group held. The result does not depend on
    /// the thread count.
    pub fn run_steered(
        &self,
        strategies: &[SteerFactory<'_>],
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<Vec<PathSummary>> {
        let by_path = self.steered_paths(strategies, None, progress);
        (0..strategies.len()).map(|s| by_path.iter().map(|p| p[s].0).collect()).collect()
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
        let by_path = self.steered_paths(strategies, Some(schedule), progress);
        (0..strategies.len())
            .map(|s| {
                let summaries = by_path.iter().map(|p| p[s].0).collect();
                let records = by_path.iter().flat_map(|p| p[s].1.iter().copied()).collect();
                (summaries, records)
            })
            .collect()
    }

    fn steered_paths(
        &self,
        strategies: &[SteerFactory<'_>],
        schedule: Option<&dyn Schedule>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<Vec<PathRun>> {
        let paths = self.simulation.paths;
        (0..paths.div_ceil(LANES))
            .into_par_iter()
            .flat_map_iter(|g| {
                let first = g * LANES;
                let live = LANES.min(paths - first);
                let out = self.steered_group(first as u64, live, strategies, schedule);
                progress(live);
                out
            })
            .collect()
    }

    /// Path `path` in scalar mode, one summary per factory.
    pub fn steered_path(&self, path: u64, strategies: &[SteerFactory<'_>]) -> Vec<PathSummary> {
        self.steered_group(path, 1, strategies, None).remove(0).into_iter().map(|r| r.0).collect()
    }

    /// Paths `first .. first + live` (at most [`LANES`]), one summary per
    /// factory for each. The market of the group is stepped side by side
    /// as the group engine steps it (the same operations, so each lane
    /// gets the bits of its path alone); the portfolios are closed one by
    /// one, every day.
    fn steered_group(
        &self,
        first: u64,
        live: usize,
        strategies: &[SteerFactory<'_>],
        schedule: Option<&dyn Schedule>,
    ) -> Vec<Vec<PathRun>> {
        let plain = self.model.is_plain();
        match (self.vectors, plain) {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Vectors::detect` found the features on this processor.
            (Vectors::Avx512, true) => unsafe {
                self.steered_avx512::<true>(first, live, strategies, schedule)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx512, false) => unsafe {
                self.steered_avx512::<false>(first, live, strategies, schedule)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx2, true) => unsafe { self.steered_avx2::<true>(first, live, strategies, schedule) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx2, false) => unsafe {
                self.steered_avx2::<false>(first, live, strategies, schedule)
            },
            (Vectors::Baseline, true) => self.steered_group_with::<true>(first, live, strategies, schedule),
            (Vectors::Baseline, false) => self.steered_group_with::<false>(first, live, strategies, schedule),
        }
    }

    /// [`Engine::steered_group_with`] compiled for AVX-512 (the same
    /// operations, so the same bits).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx2")]
    unsafe fn steered_avx512<const PLAIN: bool>(
        &self,
        first: u64,
        live: usize,
        strategies: &[SteerFactory<'_>],
        schedule: Option<&dyn Schedule>,
    ) -> Vec<Vec<PathRun>> {
        self.steered_group_with::<PLAIN>(first, live, strategies, schedule)
    }

    /// [`Engine::steered_group_with`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn steered_avx2<const PLAIN: bool>(
        &self,
        first: u64,
        live: usize,
        strategies: &[SteerFactory<'_>],
        schedule: Option<&dyn Schedule>,
    ) -> Vec<Vec<PathRun>> {
        self.steered_group_with::<PLAIN>(first, live, strategies, schedule)
    }

    #[inline(always)]
    fn steered_group_with<const PLAIN: bool>(
        &self,
        first: u64,
        live: usize,
        strategies: &[SteerFactory<'_>],
        schedule: Option<&dyn Schedule>,
    ) -> Vec<Vec<PathRun>> {
        let model = &self.model;
        let horizon = self.simulation.horizon_months;
        let days = model.trading_days_per_month;
        let constants = model.day_constants();
        // Lanes past the live paths repeat the last one and are dropped.
        let mut draws = MonthDraws::new(model, self.simulation.seed, first..first + live as u64);
        let mut rates = Rates::<Wide>::start(model);
        let recorded = schedule.map_or(&[][..], |s| s.recorded_months());
        let mut carried: Vec<Vec<Carried>> = (0..live)
            .map(|_| {
                strategies
                    .iter()
                    .map(|make| {
                        let steer = make();
                        let cap = steer.rebuild_cap().unwrap_or(self.rebuild_cap);
                        Carried {
                            steer,
                            record: PathRecord::new(self.start_value),
                            tally: MonthTally::new(self.start_value, cap, horizon)
                                .with_yardstick(self.yardstick.as_ref()),
                            out: PathSummary::default(),
                            paid: 0.0,
                            units: 1.0,
                            kept: Vec::with_capacity(recorded.len()),
                        }
                    })
                    .collect()
            })
            .collect();
        let mut day_count = 0;
        let mut next_record = 0;
        for month in 0..horizon {
            // Flows at the month boundary, at the path's price index so far.
            if let Some(s) = schedule.filter(|s| s.has_flow(month)) {
                for (i, lane) in carried.iter_mut().enumerate() {
                    let log_index = rates.log_price_index.0[i];
                    for c in lane {
                        let amount = s.flow(month, c.steer.value(), log_index);
                        if amount != 0.0 {
                            c.apply_flow(amount);
                        }
                    }
                }
            }
            draws.next::<PLAIN>(model, &self.kernels, month);
            let coefficients = draws.coefficients(&self.kernels);
            for (day, d) in draws.days().iter().enumerate() {
                let r = rates.apply::<PLAIN>(
                    &coefficients,
                    &constants,
                    model,
                    day_count,
                    d.n,
                    d.inflation,
                    d.spread,
                );
                let month_end = day + 1 == days;
                for (i, lane) in carried.iter_mut().enumerate() {
                    let (sw, gl, fi) = (r.swedish_equity.0[i], r.global_equity.0[i], r.fixed_income.0[i]);
                    for c in lane {
                        c.steer.apply_returns(sw, gl, fi);
                        let d = c.steer.close_day(day_count, month_end);
                        c.record.observe(&d);
                        if d.breach_depth().is_some() && c.out.first_breach_month.is_none() {
                            c.out.first_breach_month = Some(month as u32);
                        }
                        if let Some(t) = &d.down {
                            c.tally.down_weighted(month as u32, t.equity_before);
                        }
                    }
                }
                day_count += 1;
            }
            for (i, lane) in carried.iter_mut().enumerate() {
                let log_index = rates.log_price_index.0[i];
                for c in lane {
                    let (value, equity) = (c.steer.value(), c.steer.equity_share());
                    if month == 2 {
                        c.out.equity_share_3m = equity;
                    }
                    if month == 11 {
                        c.out.value_12m = value;
                        c.out.equity_share_12m = equity;
                    }
                    c.tally.month_end(month as u32, value, equity, log_index, &mut c.out);
                    if recorded.get(next_record) == Some(&month) {
                        c.kept.push(MonthRecord {
                            value,
                            log_price_index: log_index,
                            flows: c.paid,
                            unit_value: value / (c.units * self.start_value),
                        });
                    }
                }
            }
            if recorded.get(next_record) == Some(&month) {
                next_record += 1;
            }
        }
        carried
            .into_iter()
            .enumerate()
            .map(|(i, lane)| {
                let log_index = rates.log_price_index.0[i];
                lane.into_iter()
                    .map(|c| {
                        let (value, equity) = (c.steer.value(), c.steer.equity_share());
                        (finish(value, equity, &c.record, &c.tally, c.out, horizon, log_index), c.kept)
                    })
                    .collect()
            })
            .collect()
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
