//! Engine tests: the same bits on any number of threads, and blocks that
//! do not change what a path draws.

#![allow(clippy::disallowed_methods, reason = "tests build expected figures in the platform's arithmetic")]

use std::path::Path;

use super::*;
use crate::rng::path_rng;
use crate::scenario::Scenario;

fn w1(paths: usize, months: usize) -> Engine {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-w1.toml");
    let scenario = Scenario::load(&path).unwrap().scenario;
    let sim = Simulation { paths, seed: 11, horizon_months: months, variance_reduction: false };
    Engine::new(&scenario.start(), sim).unwrap()
}

fn run_on(threads: usize, engine: &Engine) -> Outcome {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    pool.install(|| engine.run(&|_| {}))
}

#[test]
fn results_are_the_same_bits_on_one_and_two_threads() {
    // More paths than one block, so the two threads really share the work.
    let engine = w1(2 * BLOCK + 37, 14);
    let one = run_on(1, &engine);
    let two = run_on(2, &engine);
    assert_eq!(one.paths.len(), 2 * BLOCK + 37);
    for (i, (a, b)) in one.paths.iter().zip(&two.paths).enumerate() {
        assert_eq!(a.final_value.to_bits(), b.final_value.to_bits(), "path {i}");
        assert_eq!(a, b, "path {i}");
    }
    assert_eq!(one.months, two.months, "month-end histograms");
    let s1 = crate::stats::summarize(&one.paths, engine.start_value(), 14);
    let s2 = crate::stats::summarize(&two.paths, engine.start_value(), 14);
    assert_eq!(format!("{s1:?}"), format!("{s2:?}"), "statistics");
}

#[test]
fn a_path_is_the_same_alone_or_in_a_run() {
    let engine = w1(50, 6);
    let outcome = engine.run(&|_| {});
    let mut h = MonthHistograms::new(6, engine.start_value());
    assert_eq!(engine.path(42, &mut h), outcome.paths[42]);
}

/// A month's figures are read from the group's lanes after every lane's
/// `Managed` has closed the month; they must be the paths' own. A
/// horizon's last month-end value and equity share are in each path's
/// summary, taken from its `Managed` (for horizons under 12 months), so
/// each horizon from one to eleven months checks one more month end of
/// eight paths side by side, up-weightings included.
#[test]
fn a_months_figures_in_the_histograms_are_each_paths_own() {
    use crate::stats::Series;
    for months in 1..12 {
        let engine = w1(LANES, months);
        let mut h = MonthHistograms::new(months, engine.start_value());
        let mut out = [PathSummary::default(); LANES];
        engine.paths(0, &mut out, &mut h);
        let mut expected = MonthHistograms::new(months, engine.start_value());
        for p in &out {
            expected.add(months - 1, [p.final_value, p.equity_share_12m, 0.0, 0.0]);
        }
        for series in [Series::Value, Series::EquityShare] {
            for k in 1..16 {
                let q = f64::from(k) / 16.0;
                assert_eq!(
                    h.quantile(series, months - 1, q).to_bits(),
                    expected.quantile(series, months - 1, q).to_bits(),
                    "{series:?} at month {months}, quantile {q}"
                );
            }
        }
    }
}

#[test]
fn progress_counts_every_path() {
    let engine = w1(BLOCK + 5, 2);
    let done = std::sync::atomic::AtomicUsize::new(0);
    engine.run(&|n| {
        done.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    });
    assert_eq!(done.into_inner(), BLOCK + 5);
}

#[test]
fn the_cash_lock_needs_twelve_low_month_ends_in_a_row_after_a_down_weighting() {
    let mut tally = MonthTally::new(100.0, 0.75, 40);
    let mut out = PathSummary::default();
    // Low equity before any down-weighting does not count.
    for m in 0..5 {
        tally.month_end(m, 100.0, 0.05, 0.0, &mut out);
    }
    tally.down_weighted(5, 0.60);
    tally.down_weighted(6, 0.30); // only the first counts
    for m in 5..16 {
        tally.month_end(m, 100.0, 0.05, 0.0, &mut out);
    }
    assert!(!out.cash_lock, "11 low month-ends");
    tally.month_end(16, 100.0, 0.09, 0.0, &mut out);
    assert!(out.cash_lock, "the 12th");
    assert_eq!(out.months_to_rebuild, None);
}

#[test]
fn rebuilding_counts_months_from_the_first_down_weighting_to_the_level_before_it() {
    let mut tally = MonthTally::new(100.0, 0.75, 40);
    let mut out = PathSummary::default();
    tally.down_weighted(3, 0.50);
    tally.month_end(3, 100.0, 0.20, 0.0, &mut out);
    tally.month_end(4, 100.0, 0.49, 0.0, &mut out);
    assert_eq!(out.months_to_rebuild, None);
    tally.month_end(5, 100.0, 0.50, 0.0, &mut out);
    assert_eq!(out.months_to_rebuild, Some(2));
    // A share above what an up-weighting can reach counts as rebuilt at the cap.
    let mut high = MonthTally::new(100.0, 0.75, 40);
    let mut out = PathSummary::default();
    high.down_weighted(0, 0.80);
    high.month_end(0, 100.0, 0.75, 0.0, &mut out);
    assert_eq!(out.months_to_rebuild, Some(0));
}

#[test]
fn rolling_five_year_real_returns_are_judged_against_the_price_index() {
    let mut tally = MonthTally::new(100.0, 0.75, 80);
    let mut out = PathSummary::default();
    // Nominal 6 % a year and inflation 2 % a year (log index), month by month:
    // real (1.06 / 1.02) - 1 = 3.92 % >= 3.5 % in every window.
    for m in 0..72u32 {
        let years = f64::from(m + 1) / 12.0;
        tally.month_end(m, 100.0 * 1.06f64.powf(years), 0.5, 1.02f64.ln() * years, &mut out);
    }
    assert_eq!((out.rolling_windows, out.rolling_hits), (13, 13));
    // The same with 3 % inflation: real 2.9 %, no window meets the target.
    let mut tally = MonthTally::new(100.0, 0.75, 80);
    let mut out = PathSummary::default();
    for m in 0..72u32 {
        let years = f64::from(m + 1) / 12.0;
        tally.month_end(m, 100.0 * 1.06f64.powf(years), 0.5, 1.03f64.ln() * years, &mut out);
    }
    assert_eq!((out.rolling_windows, out.rolling_hits), (13, 0));
    // Close to the line: real 3.51 % meets it, 3.49 % does not.
    for (real, hits) in [(0.0351, 13), (0.0349, 0)] {
        let mut tally = MonthTally::new(100.0, 0.75, 80);
        let mut out = PathSummary::default();
        for m in 0..72u32 {
            let years = f64::from(m + 1) / 12.0;
            let nominal = 100.0 * ((1.0 + real) * 1.02f64).powf(years);
            tally.month_end(m, nominal, 0.5, 1.02f64.ln() * years, &mut out);
        }
        assert_eq!((out.rolling_windows, out.rolling_hits), (13, hits), "real {real}");
    }
}

#[test]
fn two_policies_on_one_seed_see_the_same_market_common_random_numbers() {
    // The rule draws nothing, so changing it leaves every path's market
    // unchanged. The region's scenario has stochastic inflation, whose price
    // index depends on every day's draws: it must match bit for bit.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/rjh-2025-08.toml");
    let base = Scenario::load(&path).unwrap().scenario;
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("max_drawdown = 0.20", "max_drawdown = 0.10")
        .replace("window_months = 24", "window_months = 12")
        .replace("cap = 0.80", "cap = 0.60");
    assert_ne!(text, std::fs::read_to_string(&path).unwrap());
    let other = Scenario::parse(&path, &text, &|p| Ok(std::fs::read_to_string(p).unwrap())).unwrap().scenario;
    let sim = Simulation { paths: 300, seed: 5, horizon_months: 24, variance_reduction: false };
    let (a, b) = (
        Engine::new(&base.start(), sim).unwrap().run(&|_| {}),
        Engine::new(&other.start(), sim).unwrap().run(&|_| {}),
    );
    let mut differ = 0;
    for (x, y) in a.paths.iter().zip(&b.paths) {
        assert_eq!(x.final_log_price_index.to_bits(), y.final_log_price_index.to_bits());
        differ += usize::from(x.final_value != y.final_value);
    }
    assert!(differ > 250, "the policies should trade differently, {differ} of 300 paths differ");
}

#[test]
fn a_path_reports_its_first_down_weighting_and_its_equity_share_at_3_and_12_months() {
    let engine = w1(400, 14);
    let outcome = engine.run(&|_| {});
    let down = outcome.paths.iter().filter(|p| p.downweighted).count();
    assert!(down > 0, "W1 down-weights on some paths within 14 months");
    for p in &outcome.paths {
        assert_eq!(p.first_downweight_month.is_some(), p.downweighted);
        assert!(p.first_downweight_month.is_none_or(|m| m < 14));
        assert!((0.0..=0.8 + 1e-9).contains(&p.equity_share_3m));
        assert!((0.0..=0.8 + 1e-9).contains(&p.equity_share_12m));
    }
    // The same shares the month-end histograms hold (bins 0.001 wide).
    for month in [2, 11] {
        let share = |p: &PathSummary| if month == 2 { p.equity_share_3m } else { p.equity_share_12m };
        let mut shares: Vec<f64> = outcome.paths.iter().map(share).collect();
        shares.sort_by(f64::total_cmp);
        let exact = crate::stats::quantile_sorted(&shares, 0.5);
        let binned = outcome.months.quantile(crate::stats::Series::EquityShare, month, 0.5);
        assert!((exact - binned).abs() < 0.002, "month {month}: {exact} vs {binned}");
    }
    // A 2-month run reports its final share as the 3- and 12-month share.
    let short = w1(3, 2);
    let mut h = MonthHistograms::new(2, short.start_value());
    let p = short.path(1, &mut h);
    assert_eq!(p.equity_share_3m, p.equity_share_12m);
    assert!(p.equity_share_3m > 0.0);
}

/// The same path, written the plain way: one path, the market's one-path
/// step, and the rule's `close_day` and the record's `observe` on every
/// day, with no quiet day skipped.
fn every_day_closed(engine: &Engine, path: u64) -> PathSummary {
    let model = &engine.model;
    let mut rng = path_rng(engine.simulation.seed, path);
    let mut market = crate::market::MarketState::start(model);
    let mut fund = engine.prototype.clone();
    let mut record = PathRecord::new(engine.start_value);
    let mut out = PathSummary::default();
    for month in 0..engine.simulation.horizon_months {
        market.start_month(model, month, &mut rng);
        for day in 0..model.trading_days_per_month {
            let r = market.step(model, &engine.kernels, &mut rng);
            fund.apply_returns(&[r.swedish_equity, r.global_equity], &[r.fixed_income]);
            let d = fund.close_day(day + 1 == model.trading_days_per_month);
            record.observe(&d);
            if d.breach_depth().is_some() && out.first_breach_month.is_none() {
                out.first_breach_month = Some(month as u32);
            }
        }
    }
    out.final_value = fund.value();
    out.final_log_price_index = market.rates.log_price_index;
    out.downweights = record.downweights;
    out.upweights = record.upweights;
    out.worst_breach = record.worst_breach;
    out.max_drawdown = record.max_drawdown();
    out.min_margin = record.min_margin();
    out.traded = record.traded;
    out.costs = record.costs;
    out
}

#[test]
fn a_group_gives_each_path_the_bits_of_the_path_closed_every_day() {
    // W1 (a plain market) and the region's scenario (stochastic inflation
    // and a credit spread), each over enough years to trade and breach.
    let region = {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/rjh-2025-08.toml");
        let scenario = Scenario::load(&path).unwrap().scenario;
        Engine::new(
            &scenario.start(),
            Simulation { paths: 20, seed: 5, horizon_months: 60, variance_reduction: false },
        )
        .unwrap()
    };
    for engine in [w1(20, 60), region] {
        let outcome = engine.run(&|_| {});
        let mut trades = 0;
        for (p, got) in outcome.paths.iter().enumerate() {
            let want = every_day_closed(&engine, p as u64);
            assert_eq!(got.final_value.to_bits(), want.final_value.to_bits(), "path {p}");
            assert_eq!(got.final_log_price_index.to_bits(), want.final_log_price_index.to_bits(), "path {p}");
            assert_eq!((got.downweights, got.upweights), (want.downweights, want.upweights), "path {p}");
            assert_eq!(got.first_breach_month, want.first_breach_month, "path {p}");
            for (a, b) in [
                (got.worst_breach, want.worst_breach),
                (got.max_drawdown, want.max_drawdown),
                (got.min_margin, want.min_margin),
                (got.traded, want.traded),
                (got.costs, want.costs),
            ] {
                assert_eq!(a.to_bits(), b.to_bits(), "path {p}");
            }
            trades += got.downweights + got.upweights;
        }
        assert!(trades > 20, "the comparison should see trades, saw {trades}");
    }
}

#[test]
fn every_vector_width_gives_the_same_bits() {
    let engine = w1(2 * LANES + 3, 24);
    let baseline = Engine { vectors: Vectors::Baseline, ..engine.clone() }.run(&|_| {});
    for vectors in [Vectors::detect(), engine.vectors] {
        let outcome = Engine { vectors, ..engine.clone() }.run(&|_| {});
        assert_eq!(outcome.paths, baseline.paths, "{vectors:?}");
        assert_eq!(outcome.months, baseline.months, "{vectors:?}");
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        let outcome = Engine { vectors: Vectors::Avx2, ..engine.clone() }.run(&|_| {});
        assert_eq!(outcome.paths, baseline.paths, "AVX2");
    }
}

#[test]
fn a_crash_is_a_month_end_ten_percent_under_the_high_and_recovery_is_the_way_back() {
    let mut tally = MonthTally::new(100.0, 0.75, 40);
    let mut out = PathSummary::default();
    // 9.9 % under the start is no crash; the high moves to 120 first.
    for (m, v) in [(0, 90.1), (1, 120.0), (2, 108.5)].into_iter() {
        tally.month_end(m, v, 0.5, 0.0, &mut out);
    }
    assert_eq!(out.crash_month, None);
    tally.month_end(3, 108.0, 0.5, 0.0, &mut out); // exactly 10 % under 120
    assert_eq!(out.crash_month, Some(3));
    for (m, v) in [(4, 90.0), (5, 119.9)] {
        tally.month_end(m, v, 0.5, 0.0, &mut out);
    }
    assert_eq!(out.months_to_recover, None, "back near, not at, the old high");
    tally.month_end(6, 120.0, 0.5, 0.0, &mut out);
    assert_eq!(out.months_to_recover, Some(3));
    // A later crash does not start another count.
    tally.month_end(7, 50.0, 0.5, 0.0, &mut out);
    assert_eq!((out.crash_month, out.months_to_recover), (Some(3), Some(3)));
}

#[test]
fn a_month_end_under_the_yardstick_floor_is_dated_against_the_months_before_it() {
    // A window of three month-ends at 100: the floor is 80 until a higher
    // month-end moves it; the month's own value is not yet in the window.
    let y = Yardstick {
        max_drawdown: 0.20,
        window: crate::rule::MonthEndWindow::from_history(3, &[100.0; 3], None).unwrap(),
    };
    let mut tally = MonthTally::new(100.0, 0.75, 40).with_yardstick(Some(&y));
    let mut out = PathSummary::default();
    // 80 against 100's floor of 80 is not under it; then 125 raises the
    // floor to 100 from the next month on.
    for (m, v) in [(0, 80.0), (1, 125.0), (2, 100.0)] {
        tally.month_end(m, v, 0.5, 0.0, &mut out);
    }
    assert_eq!(out.yardstick_breach_month, None, "100 is not under 0.8 x 125");
    tally.month_end(3, 99.9, 0.5, 0.0, &mut out);
    assert_eq!(out.yardstick_breach_month, Some(3));
    // Without a yardstick nothing is measured.
    let mut plain = MonthTally::new(100.0, 0.75, 40);
    let mut out = PathSummary::default();
    plain.month_end(0, 1.0, 0.5, 0.0, &mut out);
    assert_eq!(out.yardstick_breach_month, None);
}

fn shipped_reduced(paths: usize, months: usize) -> Engine {
    let scenario = crate::scenario::fixtures::shipped();
    let sim = Simulation { paths, seed: 11, horizon_months: months, variance_reduction: true };
    Engine::new(&scenario.start(), sim).unwrap()
}

/// Variance reduction keeps the engine's promise: the same bits on one
/// thread and two, the pairs, their controls and the tilted paths alike.
#[test]
fn reduced_results_are_the_same_bits_on_one_and_two_threads() {
    let engine = shipped_reduced(2 * BLOCK + 37, 14);
    let one = run_on(1, &engine);
    let two = run_on(2, &engine);
    assert_eq!(one.paths, two.paths);
    assert_eq!(one.months, two.months);
    let (r1, r2) = (one.reduced.as_ref().unwrap(), two.reduced.as_ref().unwrap());
    assert_eq!(r1, r2);
    // Tilted paths, too, are the same bits on any number of threads.
    let tilt = Tilt { crisis_scale: 2.0, equity_shift: -0.02, rate_shift: 0.0 };
    let pool = |t: usize| rayon::ThreadPoolBuilder::new().num_threads(t).build().unwrap();
    let t1 = pool(1).install(|| engine.tail_paths(BLOCK + 13, tilt));
    let t2 = pool(2).install(|| engine.tail_paths(BLOCK + 13, tilt));
    assert_eq!(t1, t2);
    assert!(t1.iter().all(|(_, lw)| *lw != 0.0), "the tail paths are weighted");
    assert_eq!(format!("{:?}", engine.stats(&one)), format!("{:?}", engine.stats(&two)));
    // A path alone is the path of the run, its pair's mirror included.
    let mut h = MonthHistograms::new(14, engine.start_value());
    assert_eq!(engine.path(43, &mut h), one.paths[43]);
}

/// An antithetic pair's even path is the plain run's path; its odd path
/// is not (it is the mirror image).
#[test]
fn reduced_runs_pair_the_plain_paths_with_their_mirrors() {
    let reduced = shipped_reduced(16, 12).run(&|_| {});
    let scenario = crate::scenario::fixtures::shipped();
    let sim = Simulation { paths: 16, seed: 11, horizon_months: 12, variance_reduction: false };
    let plain = Engine::new(&scenario.start(), sim).unwrap().run(&|_| {});
    for k in (0..16).step_by(2) {
        assert_eq!(reduced.paths[k], plain.paths[k], "path {k}");
        assert_ne!(reduced.paths[k + 1].final_value, plain.paths[k + 1].final_value, "path {}", k + 1);
    }
}

/// The control variate's closed-form mean against the mean of the run's
/// own controls, 40,000 paths (20,000 antithetic pairs) over two years:
/// within four standard errors. A missing `vol^2 / 2`, the currency left
/// out of the global factor, or a month too many or too few each move the
/// closed form by some fifty standard errors.
#[test]
fn the_controls_closed_form_mean_is_the_simulated_one() {
    let engine = shipped_reduced(40_000, 24);
    let outcome = engine.run(&|_| {});
    let r = outcome.reduced.unwrap();
    let mu = r.control_mean.expect("Gaussian shocks have the closed form");
    let sim = crate::stats::paired_mean(&r.controls);
    assert!(
        (sim.value - mu).abs() < 4.0 * sim.se,
        "closed form {mu}, simulated {} (se {})",
        sim.value,
        sim.se
    );
    // The test can tell: a model a month shorter is many errors away.
    let [a, b] = engine.start_equity;
    let [s, g] = engine.model.expected_equity_growth(23).unwrap();
    assert!((sim.value - (a * s + b * g)).abs() > 10.0 * sim.se, "a month's growth shows (se {})", sim.se);
}

fn shipped(paths: usize, months: usize, variance_reduction: bool) -> Engine {
    let scenario = crate::scenario::fixtures::shipped();
    let sim = Simulation { paths, seed: 11, horizon_months: months, variance_reduction };
    Engine::new(&scenario.start(), sim).unwrap()
}

/// The variable's column in a scenario set.
fn var(name: &str) -> usize {
    SCENARIO_VARIABLES.iter().position(|v| *v == name).unwrap()
}

/// The scenario set is a second pass of the run's own paths: the same
/// summaries, plain and in antithetic pairs, and its month ends are the
/// figures the summaries keep (the final value, the value and equity
/// share at 12 months, the equity share at 3, the price index), bit for
/// bit. Two groups and a part of a third.
#[test]
fn a_scenario_set_holds_the_runs_own_paths_plain_and_antithetic() {
    for reduced in [false, true] {
        let (n, months) = (2 * LANES + 3, 14);
        let engine = shipped(n, months, reduced);
        let run = engine.run(&|_| {});
        let set = engine.scenario_set(&|_| {});
        assert_eq!(set.paths, run.paths, "reduced {reduced}");
        assert_eq!(set.values.dim(), (n, months + 1, SCENARIO_VARIABLES.len()));
        let v = &set.values;
        let (value, share, index) = (var("portfolio_value"), var("equity_share"), var("price_index"));
        for (p, s) in run.paths.iter().enumerate() {
            assert_eq!(v[[p, months, value]].to_bits(), s.final_value.to_bits(), "path {p}");
            assert_eq!(v[[p, 12, value]].to_bits(), s.value_12m.to_bits(), "path {p}");
            assert_eq!(v[[p, 12, share]].to_bits(), s.equity_share_12m.to_bits(), "path {p}");
            assert_eq!(v[[p, 3, share]].to_bits(), s.equity_share_3m.to_bits(), "path {p}");
            let kpi = crate::lanes::exp(s.final_log_price_index);
            assert_eq!(v[[p, months, index]].to_bits(), kpi.to_bits(), "path {p}");
            assert_eq!(v[[p, 0, value]], engine.start_value());
            for name in ["swedish_equity", "global_equity_sek", "sek_per_usd", "fixed_income", "price_index"]
            {
                assert_eq!(v[[p, 0, var(name)]], 1.0, "{name}");
            }
        }
        if reduced {
            // A pair's second path mirrors the first: its Swedish equity
            // moves the other way in the first month.
            let sw = var("swedish_equity");
            assert!((v[[0, 1, sw]].ln() + v[[1, 1, sw]].ln()).abs() < (v[[0, 1, sw]].ln()).abs());
        }
    }
}

/// Each path's factors are those of its one-path market
/// (`MarketState::step` on its own stream): the equity and fixed-income
/// indices as products of the days' returns, the rates, the price index
/// and the regime, bit for bit.
#[test]
fn a_scenario_sets_factors_are_each_paths_one_path_market() {
    let months = 5;
    let engine = shipped(11, months, false);
    let set = engine.scenario_set(&|_| {});
    for path in [0usize, 7, 10] {
        let mut rng = path_rng(engine.simulation.seed, path as u64);
        let mut market = crate::market::MarketState::start(&engine.model);
        let mut index = [1.0f64; 3];
        for month in 0..months {
            market.start_month(&engine.model, month, &mut rng);
            for _ in 0..engine.model.trading_days_per_month {
                let r = market.step(&engine.model, &engine.kernels, &mut rng);
                index[0] *= r.swedish_equity;
                index[1] *= r.global_equity;
                index[2] *= r.fixed_income;
            }
            let row = set.values.slice(ndarray::s![path, month + 1, ..]);
            let want = [
                ("swedish_equity", index[0]),
                ("global_equity_sek", index[1]),
                ("fixed_income", index[2]),
                ("short_rate", market.rates.short_rate),
                ("credit_spread", market.rates.spread),
                ("inflation", market.rates.inflation),
                ("price_index", crate::lanes::exp(market.rates.log_price_index)),
                ("regime", market.clock.regime as f64),
            ];
            for (name, x) in want {
                assert_eq!(row[var(name)].to_bits(), x.to_bits(), "path {path}, month {}, {name}", month + 1);
            }
        }
    }
}

/// SEK per USD, which no return of the portfolio shows alone: each
/// month's log change, taken in the regime the set records for the
/// month, has the mean and variance of that regime's `sek_per_usd`
/// (`mu dt`, `vol² dt` over the month's days), within four standard
/// errors. The shipped regimes' volatilities differ by a factor of two,
/// so a wrong regime or a missing term is many errors away.
#[test]
fn a_scenario_sets_currency_moves_as_its_regimes_say() {
    let months = 24;
    let engine = shipped(2_000, months, false);
    let set = engine.scenario_set(&|_| {});
    let (fx, regime) = (var("sek_per_usd"), var("regime"));
    let model = &engine.model;
    let t = model.trading_days_per_month as f64 / model.days_per_year;
    for (k, r) in model.regimes.iter().enumerate() {
        let moves: Vec<f64> = (0..2_000)
            .flat_map(|p| (1..=months).map(move |m| (p, m)))
            .filter(|&(p, m)| set.values[[p, m, regime]] == k as f64)
            .map(|(p, m)| (set.values[[p, m, fx]] / set.values[[p, m - 1, fx]]).ln())
            .collect();
        let n = moves.len() as f64;
        assert!(n > 1_000.0, "regime {k}: {n} months");
        let mean = moves.iter().sum::<f64>() / n;
        let variance = moves.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        let (mu, var) = (r.sek_per_usd.mu * t, r.sek_per_usd.vol.powi(2) * t);
        assert!((mean - mu).abs() < 4.0 * (var / n).sqrt(), "regime {k}: mean {mean}, model {mu}");
        assert!((variance - var).abs() < 4.0 * var * (2.0 / n).sqrt(), "regime {k}: {variance}, model {var}");
    }
}

#[test]
fn an_export_too_large_for_memory_is_refused_naming_what_to_change() {
    assert!(check_export(100, 120).is_ok());
    assert_eq!(export_memory_needed(10, 11), 10 * 12 * 11 * 8 + memory_needed(10, 0));
    let err = check_export(10_000_000, 1_200).unwrap_err();
    assert!(err.contains("10000000 paths × 1201 month ends × 11 variables"), "{err}");
    assert!(err.contains("--paths") && err.contains("--horizon-months"), "{err}");
}
