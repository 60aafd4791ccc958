//! The shared pass: every portfolio of a comparison on one pass of each
//! path's market.
//!
//! A group of eight paths draws a month once (each path from its own
//! stream, as the group run draws it) and works out the month's returns
//! once, every day's in one pass; then every portfolio it carries steps
//! on those returns. The rule ([`Carry::Rule`], checked daily, weekly or
//! monthly) steps as a fleet of eight lanes, the group's own vector code
//! with its quiet-day skips ([`super::Fleet`]); a comparison's other
//! strategies ([`Carry::Lanes`]) step as eight lanes side by side too,
//! closing in full only the days they may trade on
//! ([`super::SteerLanes`]); any other portfolio ([`Carry::Steer`])
//! steps lane by lane, every day closed in full. So
//! every portfolio sees the same market, bit for bit, and the rule
//! checked daily gets the bits a group run gives it (tested), flows and
//! recorded month-ends included.

use rayon::prelude::*;

use super::scalar::{Carried, LanesFactory, RuleSteer, SteerFactory, Steered};
use super::{Engine, Fleet, MonthRecord, PathSummary, Schedule, Vectors};
use crate::draws::MonthDraws;
use crate::lanes::{LANES, Real, Wide};
use crate::market::{DayReturns, Rates};

/// A portfolio a shared pass carries on every path.
#[derive(Clone, Copy)]
pub enum Carry<'a> {
    /// The rule from this portfolio, checked as it says, on the group's
    /// lanes.
    Rule(&'a RuleSteer),
    /// The portfolio the factory makes, closed in full every day.
    Steer(SteerFactory<'a>),
    /// The eight lanes the factory makes, stepped side by side.
    Lanes(LanesFactory<'a>),
}

/// One portfolio's run: its summaries in path order, and its recorded
/// month-ends path by path (`records[path * k + j]`, `k` recorded months;
/// empty without a schedule).
pub type Run = (Vec<PathSummary>, Vec<MonthRecord>);

/// One portfolio of a group: a fleet of the rule with its recorded
/// month-ends (path by path), or a steer a lane.
enum Portfolio {
    Fleet(Box<Fleet>, Vec<MonthRecord>),
    Lanes(Vec<Carried>),
    Steered(Box<Steered>),
}

impl Engine {
    /// Runs every path once, carrying every portfolio of `carries` on the
    /// path's one market, with `schedule`'s flows if given; returns a
    /// [`Run`] a portfolio, in the order given. `progress` is called with
    /// the number of paths each finished group held. The result does not
    /// depend on the thread count.
    pub fn run_shared(
        &self,
        carries: &[Carry<'_>],
        schedule: Option<&dyn Schedule>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Vec<Run> {
        let paths = self.simulation.paths;
        let groups: Vec<Vec<Run>> = (0..paths.div_ceil(LANES))
            .into_par_iter()
            .map(|g| {
                let first = g * LANES;
                let live = LANES.min(paths - first);
                let out = self.shared_group(first as u64, live, carries, schedule);
                progress(live);
                out
            })
            .collect();
        let k = schedule.map_or(0, |s| s.recorded_months().len());
        let mut runs: Vec<Run> =
            carries.iter().map(|_| (Vec::with_capacity(paths), Vec::with_capacity(paths * k))).collect();
        for group in groups {
            for ((summaries, records), (s, r)) in runs.iter_mut().zip(group) {
                summaries.extend(s);
                records.extend(r);
            }
        }
        runs
    }

    /// Paths `first .. first + live` (at most [`LANES`]), a [`Run`] of
    /// them for each portfolio.
    pub(super) fn shared_group(
        &self,
        first: u64,
        live: usize,
        carries: &[Carry<'_>],
        schedule: Option<&dyn Schedule>,
    ) -> Vec<Run> {
        let plain = self.model.is_plain();
        match (self.vectors, plain) {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: `Vectors::detect` found the features on this processor.
            (Vectors::Avx512, true) => unsafe { self.shared_avx512::<true>(first, live, carries, schedule) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx512, false) => unsafe {
                self.shared_avx512::<false>(first, live, carries, schedule)
            },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx2, true) => unsafe { self.shared_avx2::<true>(first, live, carries, schedule) },
            #[cfg(target_arch = "x86_64")]
            // SAFETY: as above.
            (Vectors::Avx2, false) => unsafe { self.shared_avx2::<false>(first, live, carries, schedule) },
            (Vectors::Baseline, true) => self.shared_group_with::<true>(first, live, carries, schedule),
            (Vectors::Baseline, false) => self.shared_group_with::<false>(first, live, carries, schedule),
        }
    }

    /// [`Engine::shared_group_with`] compiled for AVX-512 (the same
    /// operations, so the same bits).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f,avx512dq,avx2")]
    unsafe fn shared_avx512<const PLAIN: bool>(
        &self,
        first: u64,
        live: usize,
        carries: &[Carry<'_>],
        schedule: Option<&dyn Schedule>,
    ) -> Vec<Run> {
        self.shared_group_with::<PLAIN>(first, live, carries, schedule)
    }

    /// [`Engine::shared_group_with`] compiled for AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn shared_avx2<const PLAIN: bool>(
        &self,
        first: u64,
        live: usize,
        carries: &[Carry<'_>],
        schedule: Option<&dyn Schedule>,
    ) -> Vec<Run> {
        self.shared_group_with::<PLAIN>(first, live, carries, schedule)
    }

    #[inline(always)]
    fn shared_group_with<const PLAIN: bool>(
        &self,
        first: u64,
        live: usize,
        carries: &[Carry<'_>],
        schedule: Option<&dyn Schedule>,
    ) -> Vec<Run> {
        let model = &self.model;
        let horizon = self.simulation.horizon_months;
        let days = model.trading_days_per_month;
        let constants = model.day_constants();
        // Lanes past the live paths repeat the last one and are dropped.
        let mut draws =
            MonthDraws::with_layout(model, self.simulation.seed, first..first + live as u64, self.layout());
        let mut rates = Rates::<Wide>::start(model);
        let recorded = schedule.map_or(&[][..], |s| s.recorded_months());
        let k = recorded.len();
        let yardstick = self.yardstick.as_ref();
        let mut portfolios: Vec<Portfolio> = carries
            .iter()
            .map(|c| match c {
                Carry::Rule(rule) => Portfolio::Fleet(
                    Box::new(Fleet::new(&rule.fund, rule.check, self.start_value, horizon, yardstick)),
                    vec![MonthRecord::default(); live * k],
                ),
                Carry::Steer(make) => Portfolio::Lanes(
                    (0..live)
                        .map(|_| {
                            Carried::new(make(), self.start_value, self.rebuild_cap, horizon, yardstick, k)
                        })
                        .collect(),
                ),
                Carry::Lanes(make) => Portfolio::Steered(Box::new(Steered::new(
                    *make,
                    self.start_value,
                    self.rebuild_cap,
                    horizon,
                    yardstick,
                    k,
                ))),
            })
            .collect();

        let zero = Wide::splat(0.0);
        let mut returns =
            vec![DayReturns { swedish_equity: zero, global_equity: zero, fixed_income: zero }; days];
        let mut day_count = 0;
        let mut next_record = 0;
        for month in 0..horizon {
            // Flows at the month boundary, at each path's price index so far.
            if let Some(s) = schedule.filter(|s| s.has_flow(month)) {
                let log_index = &rates.log_price_index;
                for p in &mut portfolios {
                    match p {
                        Portfolio::Fleet(fleet, _) => fleet.flows(s, month, log_index),
                        Portfolio::Lanes(lanes) => {
                            for (c, index) in lanes.iter_mut().zip(log_index.0) {
                                let amount = s.flow(month, c.steer.value(), index);
                                if amount != 0.0 {
                                    c.apply_flow(amount);
                                }
                            }
                        }
                        Portfolio::Steered(steered) => steered.flows(s, month, live, log_index),
                    }
                }
            }
            // The month's market, once for every portfolio.
            draws.next::<PLAIN>(model, &self.kernels, month);
            let coefficients = draws.coefficients(&self.kernels);
            for (d, r) in draws.days().iter().zip(returns.iter_mut()) {
                *r = rates.apply::<PLAIN>(
                    &coefficients,
                    &constants,
                    model,
                    day_count,
                    d.n,
                    d.inflation,
                    d.spread,
                );
                day_count += 1;
            }
            let keep = recorded.get(next_record) == Some(&month);
            let log_index = &rates.log_price_index;
            for p in &mut portfolios {
                match p {
                    Portfolio::Fleet(fleet, kept) => {
                        fleet.days(&returns, month);
                        fleet.month_end(month, log_index);
                        if keep {
                            fleet.keep(live, log_index, self.start_value, &mut kept[next_record..], k);
                        }
                    }
                    Portfolio::Lanes(lanes) => {
                        for (lane, (c, index)) in lanes.iter_mut().zip(log_index.0).enumerate() {
                            c.days(&returns, lane, month);
                            c.month_end(month, index, keep, self.start_value);
                        }
                    }
                    Portfolio::Steered(steered) => {
                        steered.month(&returns, month, live, log_index, keep, self.start_value);
                    }
                }
            }
            if keep {
                next_record += 1;
            }
        }
        let log_index = &rates.log_price_index;
        portfolios
            .into_iter()
            .map(|p| match p {
                Portfolio::Fleet(fleet, kept) => {
                    let mut out = vec![PathSummary::default(); live];
                    fleet.finish(&mut out, horizon, log_index);
                    (out, kept)
                }
                Portfolio::Lanes(lanes) => {
                    let mut out = Vec::with_capacity(live);
                    let mut kept = Vec::with_capacity(live * k);
                    for (c, index) in lanes.into_iter().zip(log_index.0) {
                        let (summary, records) = c.finish(horizon, index);
                        out.push(summary);
                        kept.extend(records);
                    }
                    (out, kept)
                }
                Portfolio::Steered(steered) => steered.finish(live, horizon, log_index),
            })
            .collect()
    }
}
