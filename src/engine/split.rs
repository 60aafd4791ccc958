//! Multilevel splitting for the rare tail figures (docs/variance-reduction.md):
//! P(floor breach within 12 months and within the horizon) and P(cash lock).
//! The file also holds the two other estimators of P(floor breach) that
//! were measured against plain paths and are used by no command: a
//! conditional Monte Carlo sum ([`Engine::conditional_root`], section 2c)
//! and a tilt towards the floor on the days near it
//! ([`Engine::tilted_root`], section 2d). Each runs a path in the scalar
//! mode, as a splitting root does.
//!
//! A *root* path runs in the scalar mode (one path, its market stepped by
//! [`MarketState::step`] on its own stream, the rule closing every day).
//! The levels are margins, decreasing: when a branch's pre-trade margin
//! first falls under level `j` (its running lowest margin crosses it), the
//! branch is split at the end of that day into `copies[j]` branches, each
//! carrying the parent's weight divided by `copies[j]` and continuing with
//! its own stream, derived from the parent's stream word, the level and the
//! copy ([`crate::rng::branch_seed`]): no generator is shared, so the
//! result is the same bits on any number of threads. A branch that crosses
//! several levels on one day is split for each.
//!
//! Given the state at a split, the copies are independent and each has the
//! model's law for the rest of the path, so the weighted sum of a root's
//! leaves' indicators has the indicator's expectation: the estimator is
//! unbiased whatever the levels (they only decide its variance), and needs
//! no likelihood ratio. The roots are independent, so a probability's
//! standard error is that of the mean of the roots' weighted sums.

use rand::SeedableRng;
use rayon::prelude::*;

use super::scalar::Ledger;
use super::{Engine, PathSummary, RootTail};
use crate::market::{Integrated, MarketState};
use crate::rng::{PathRng, branch_seed, path_seed};
use crate::rule::Managed;

/// One splitting level: a branch whose pre-trade margin first falls under
/// `margin` is split into `copies` branches.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    pub margin: f64,
    pub copies: u32,
}

/// A branch in flight: everything a path carries between two days.
#[derive(Debug, Clone)]
struct Branch {
    market: MarketState,
    rng: PathRng,
    /// The word the branch's stream was seeded with: its copies' streams
    /// are derived from it.
    word: u64,
    fund: Managed,
    /// What the branch has measured so far, as a path of the scalar mode
    /// measures it.
    ledger: Ledger,
    weight: f64,
    /// The next level the branch has not crossed.
    next_level: usize,
    /// Trading days simulated so far.
    day: usize,
}

impl Engine {
    /// `roots` root paths (streams `first ..`) split at `levels`, in root
    /// order. Each root's figures depend on its stream alone.
    pub fn split_roots(&self, first: u64, roots: usize, levels: &[Level]) -> Vec<RootTail> {
        (0..roots as u64).into_par_iter().map(|p| self.split_root(first + p, levels)).collect()
    }

    /// One root path on stream `stream` (as [`crate::rng::path_rng`] gives
    /// path `stream`) with its branches, depth first.
    pub fn split_root(&self, stream: u64, levels: &[Level]) -> RootTail {
        let horizon = self.simulation.horizon_months;
        let word = path_seed(self.simulation.seed, stream);
        let mut stack = vec![Branch {
            market: MarketState::start(&self.model),
            rng: PathRng::seed_from_u64(word),
            word,
            fund: self.prototype.clone(),
            ledger: Ledger::new(self.start_value, self.rebuild_cap, horizon, self.yardstick.as_ref(), 0),
            weight: 1.0,
            next_level: 0,
            day: 0,
        }];
        let mut tail = RootTail::default();
        while let Some(mut b) = stack.pop() {
            let crossed = match self.advance(&mut b, levels, &mut tail.days) {
                Advance::Crossed(levels) => levels,
                Advance::Finished(s) => {
                    let w = b.weight;
                    tail.breach_12m += w * f64::from(u8::from(s.first_breach_month.is_some_and(|m| m < 12)));
                    tail.breach_horizon += w * f64::from(u8::from(s.first_breach_month.is_some()));
                    tail.cash_lock += w * f64::from(u8::from(s.cash_lock));
                    continue;
                }
            };
            // Split for each level crossed, the copies of the deepest last.
            let mut branches = vec![b];
            for (j, level) in levels.iter().enumerate().take(crossed).skip(branches[0].next_level) {
                let k = level.copies.max(1);
                branches = branches
                    .into_iter()
                    .flat_map(|parent| {
                        (0..k).map(move |c| {
                            let word = branch_seed(parent.word, j as u64, c);
                            Branch {
                                rng: PathRng::seed_from_u64(word),
                                word,
                                weight: parent.weight / f64::from(k),
                                next_level: j + 1,
                                ..parent.clone()
                            }
                        })
                    })
                    .collect();
            }
            // Pushed in reverse, so copy 0 runs first (the order is fixed
            // either way: the sums are added in it).
            stack.extend(branches.into_iter().rev());
        }
        tail
    }

    /// Runs `b` to the horizon, or to the end of the first day its
    /// pre-trade margin falls under its next level (not on the last day).
    fn advance(&self, b: &mut Branch, levels: &[Level], days: &mut u64) -> Advance {
        let model = &self.model;
        let per_month = model.trading_days_per_month;
        let horizon = self.simulation.horizon_months;
        while b.day < horizon * per_month {
            let (month, day) = (b.day / per_month, b.day % per_month);
            if day == 0 {
                b.market.start_month(model, month, &mut b.rng);
            }
            let r = b.market.step(model, &self.kernels, &mut b.rng);
            b.fund.apply_returns(&[r.swedish_equity, r.global_equity], &[r.fixed_income]);
            let month_end = day + 1 == per_month;
            let d = b.fund.close_day(month_end);
            b.ledger.observe(&d, month);
            if month_end {
                let (value, equity) = (b.fund.value(), b.fund.equity_share());
                let log_index = b.market.rates.log_price_index;
                b.ledger.month_end(month, value, equity, log_index, false, self.start_value);
            }
            b.day += 1;
            *days += 1;
            let m = d.margin_pre();
            let crossed = b.next_level + levels[b.next_level..].iter().take_while(|l| m < l.margin).count();
            if crossed > b.next_level && b.day < horizon * per_month {
                return Advance::Crossed(crossed);
            }
        }
        let (value, equity) = (b.fund.value(), b.fund.equity_share());
        Advance::Finished(b.ledger.summary(value, equity, horizon, b.market.rates.log_price_index))
    }
}

impl Engine {
    /// The conditional Monte Carlo pilot (docs/variance-reduction.md,
    /// section 2c): path `stream` in the scalar mode, the rule closing
    /// every day. Returns whether the path fell under the floor within the
    /// horizon, and the sum, over its days up to the first that did, of
    /// each day's probability of falling under it given the path so far
    /// and every draw of the day but those `over` names
    /// ([`MarketState::step_conditioned`]). Both have the probability of a
    /// breach within the horizon as their expectation: the sum's terms are
    /// the chances of a first breach on each day, averaged over the shocks
    /// they integrate out. `None` unless the shocks are Gaussian and the
    /// portfolio holds two equity classes and one of fixed income.
    pub fn conditional_root(&self, stream: u64, over: Integrated) -> Option<(bool, f64)> {
        let mut sum = 0.0;
        let breached = self.pilot_path(stream, |market, rng, fund, amounts| {
            let (r, under) =
                market.step_conditioned(&self.model, &self.kernels, rng, over, amounts, fund.floor());
            sum += under?;
            Some(r)
        })?;
        Some((breached, sum))
    }

    /// The state-dependent importance-sampling pilot
    /// (docs/variance-reduction.md, section 2d): path `stream` in the
    /// scalar mode, each day whose pre-day margin is under `tilt_below`
    /// drawn under a tilt towards the floor ([`MarketState::step_tilted`])
    /// of `min(cap, distance / days)` standard deviations, `distance` the
    /// value's distance to the floor in the day's standard deviations.
    /// Returns whether the path breached within the horizon and its weight
    /// `dP/dQ` up to its first breach: the product has the breach
    /// probability as its expectation. `None` unless the shocks are
    /// Gaussian and the portfolio holds two equity classes and one of
    /// fixed income.
    pub fn tilted_root(&self, stream: u64, tilt_below: f64, days: f64, cap: f64) -> Option<(bool, f64)> {
        if !matches!(self.model.shocks, crate::market::Shocks::Gaussian) {
            return None;
        }
        let mut log_weight = 0.0;
        let breached = self.pilot_path(stream, |market, rng, fund, amounts| {
            let shift = if fund.margin() < tilt_below {
                let sd = market.value_sd(&self.model, &self.kernels, amounts);
                let distance = amounts.iter().sum::<f64>() - fund.floor();
                if sd > 0.0 { (distance / sd / days).clamp(0.0, cap) } else { 0.0 }
            } else {
                0.0
            };
            let (r, log_ratio) = market.step_tilted(&self.model, &self.kernels, rng, amounts, shift);
            log_weight += log_ratio;
            Some(r)
        })?;
        Some((breached, crate::lanes::exp(log_weight)))
    }

    /// A pilot's path: path `stream` in the scalar mode, `day` drawing and
    /// moving each day's market for the fund's holdings (Swedish equities,
    /// global equities, fixed income), the rule closing every day, to the
    /// first breach. Whether there was one within the horizon; `None` when
    /// `day` says so or the holdings are not those three classes.
    fn pilot_path(
        &self,
        stream: u64,
        mut day: impl FnMut(
            &mut MarketState,
            &mut PathRng,
            &Managed,
            [f64; 3],
        ) -> Option<crate::market::DayReturns>,
    ) -> Option<bool> {
        let model = &self.model;
        let per_month = model.trading_days_per_month;
        let mut rng = PathRng::seed_from_u64(path_seed(self.simulation.seed, stream));
        let mut market = MarketState::start(model);
        let mut fund = self.prototype.clone();
        for month in 0..self.simulation.horizon_months {
            market.start_month(model, month, &mut rng);
            for d in 0..per_month {
                let h = fund.holdings();
                let (&[sw, gl], &[fi]) = (h.equity.as_slice(), h.fixed_income.as_slice()) else {
                    return None;
                };
                let r = day(&mut market, &mut rng, &fund, [sw, gl, fi])?;
                fund.apply_returns(&[r.swedish_equity, r.global_equity], &[r.fixed_income]);
                if fund.close_day(d + 1 == per_month).breach_depth().is_some() {
                    return Some(true);
                }
            }
        }
        Some(false)
    }
}

/// Where [`Engine::advance`] left a branch.
enum Advance {
    /// Under this many levels (more than the branch had crossed): split.
    Crossed(usize),
    /// At the horizon, with its summary.
    Finished(PathSummary),
}

#[cfg(test)]
mod tests {
    #![allow(clippy::disallowed_methods, reason = "tests take square roots of variances")]

    use std::path::Path;

    use super::*;
    use crate::scenario::{Scenario, Simulation};

    /// W1 under a tight policy (a floor 8 % under the high, equities
    /// assumed to fall 4 % in a stress), so breaches are common.
    fn w1(paths: usize, months: usize) -> Engine {
        w1_under(paths, months, "max_drawdown = 0.08\nequity_stress = 0.04\n")
    }

    /// W1 with `policy`'s lines added to its `[policy]`.
    fn w1_under(paths: usize, months: usize, policy: &str) -> Engine {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-w1.toml");
        let text =
            std::fs::read_to_string(&path).unwrap().replace("[policy]\n", &format!("[policy]\n{policy}"));
        let read = |p: &Path| Ok(std::fs::read_to_string(p).unwrap());
        let scenario = Scenario::parse(&path, &text, &read).unwrap().scenario;
        let sim = Simulation { paths, seed: 3, horizon_months: months, variance_reduction: false };
        Engine::new(&scenario.start(), sim).unwrap()
    }

    fn mean_se(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, (var / n).sqrt())
    }

    #[test]
    fn a_root_that_is_never_split_is_its_plain_path() {
        // No levels: each root is the group's path on the same stream, bit
        // for bit, and its figures are that path's indicators.
        let e = w1(64, 48);
        let plain = e.run(&|_| {}).paths;
        let tails = e.split_roots(0, 64, &[]);
        assert!(plain.iter().any(|p| p.first_breach_month.is_some()), "W1 should breach on some path");
        for (p, (a, t)) in plain.iter().zip(&tails).enumerate() {
            assert_eq!(t.breach_horizon, f64::from(u8::from(a.first_breach_month.is_some())), "path {p}");
            assert_eq!(t.breach_12m, f64::from(u8::from(a.first_breach_month.is_some_and(|m| m < 12))));
            assert_eq!(t.cash_lock, f64::from(u8::from(a.cash_lock)), "path {p}");
            assert_eq!(t.days, 48 * e.model.trading_days_per_month as u64);
        }
    }

    #[test]
    fn split_weights_sum_to_one_and_the_streams_do_not_depend_on_threads() {
        // Levels every path crosses (a margin under 100 %) split every root
        // at its first day: 3 x 2 branches, each weighed 1/6.
        let e = w1(40, 24);
        let levels = [Level { margin: 1.0, copies: 3 }, Level { margin: 0.99, copies: 2 }];
        let pool = |n| rayon::ThreadPoolBuilder::new().num_threads(n).build().unwrap();
        let one = pool(1).install(|| e.split_roots(7, 40, &levels));
        let two = pool(2).install(|| e.split_roots(7, 40, &levels));
        assert_eq!(one, two);
        let per_month = e.model.trading_days_per_month as u64;
        for t in &one {
            // The first day once, then six branches for the rest.
            assert_eq!(t.days, 1 + 6 * (24 * per_month - 1));
            for x in [t.breach_12m, t.breach_horizon, t.cash_lock] {
                let sixths = x * 6.0;
                assert!((sixths - sixths.round()).abs() < 1e-9 && (0.0..=1.0).contains(&x), "{x}");
            }
        }
        assert!(one.iter().any(|t| t.breach_horizon > 0.0 && t.breach_horizon < 1.0), "copies differ");
    }

    /// A floor 9.5 % under W1's high of 1,620 mkr: W1 starts at 1,477, a
    /// margin of 0.74 %, and about 5 % of its paths breach within 36
    /// months (0.0549 of 10,000 paths on W1's own seed with `pensionsim
    /// run`, 0.0592 on this test's seed).
    const MID_RANGE: &str = "max_drawdown = 0.095\n";

    #[test]
    fn splitting_estimates_the_breach_probability_of_a_large_plain_run() {
        // W1 under a floor close below its start breaches often enough over
        // 36 months for a plain run to know its probability well; the split
        // estimate must agree within four combined standard errors, and,
        // split at margins under the start's, with a smaller error per root.
        let months = 36;
        let plain = w1_under(10_000, months, MID_RANGE).run(&|_| {}).paths;
        let hits: Vec<f64> =
            plain.iter().map(|p| f64::from(u8::from(p.first_breach_month.is_some()))).collect();
        let (p, p_se) = mean_se(&hits);
        assert!(p > 0.002 && p < 0.2, "plain P(breach) {p}");
        let e = w1_under(1, months, MID_RANGE);
        let levels = [Level { margin: 0.005, copies: 3 }, Level { margin: 0.0025, copies: 3 }];
        let roots = 1_000;
        let tails = e.split_roots(1 << 40, roots, &levels);
        let ys: Vec<f64> = tails.iter().map(|t| t.breach_horizon).collect();
        let (s, s_se) = mean_se(&ys);
        let apart = (s - p).abs() / (s_se * s_se + p_se * p_se).sqrt();
        assert!(apart < 4.0, "split {s} ({s_se}) against plain {p} ({p_se}): {apart} SE apart");
        // Per root the split's variance is below a plain path's.
        let (plain_var, split_var) = (p * (1.0 - p), s_se * s_se * roots as f64);
        assert!(split_var < plain_var, "variance a root {split_var} against {plain_var}");
    }
}
