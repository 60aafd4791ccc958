//! Variance reduction on the shipped scenario (scenarios/rjh-2025-08.toml):
//! its efficiency against plain Monte Carlo, its agreement with it, and
//! the pilot that chose the importance-sampling tilt.
//!
//! - `cargo bench --bench variance` (or `-- measure PATHS`): a plain run
//!   and a variance-reduced run of PATHS paths (default 20,000), in turns,
//!   each timed; for P(floor breach within the horizon), the mean annual
//!   return and the median final value, the estimate, its standard error
//!   and the work-normalised efficiency `1 / (SE^2 x seconds)`, and the
//!   ratio of the two runs' efficiencies. Then each pair of estimates'
//!   difference in combined standard errors.
//! - `cargo bench --bench variance -- pilot PATHS`: P(breach within the
//!   horizon) from PATHS tilted paths under each tilt of a grid, with the
//!   efficiency of each (docs/variance-reduction.md says how the shipped
//!   tilt was read off it).
//!
//! - `cargo bench --bench variance -- conditional PATHS`: P(breach within
//!   the horizon) from PATHS paths of the scalar mode, as the share that
//!   breached and as the mean of each path's summed conditional breach
//!   probabilities (`Engine::conditional_root`), with the variance ratio
//!   and the efficiency of each against a plain run of the engine.
//!
//! - `cargo bench --bench variance -- tilt PATHS BELOW:DAYS:CAP ...`:
//!   P(breach within the horizon) from PATHS paths tilted towards the
//!   floor on days whose margin is under BELOW (`Engine::tilted_root`), for
//!   each setting, with the efficiency against a plain run of the engine.
//!
//! Figures go in benches/RESULTS.md.

use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

use pensionsim::draws::Tilt;
use pensionsim::engine::{Engine, Level, RootTail};
use pensionsim::market::Integrated;
use pensionsim::scenario::{Scenario, Simulation};
use pensionsim::stats::{Estimate, paired_mean, root_mean, sectioned_median, weighted_probability};

fn shipped() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/rjh-2025-08.toml");
    Scenario::load(&path).expect("the shipped scenario loads").scenario
}

fn engine(paths: usize, variance_reduction: bool) -> Engine {
    let s = shipped();
    let simulation = Simulation { paths, variance_reduction, ..s.simulation() };
    Engine::new(&s.start(), simulation).expect("a market")
}

/// The three figures of a run, and its seconds.
struct Figures {
    breach: Estimate,
    annual: Estimate,
    median: Estimate,
    seconds: f64,
}

fn measure(paths: usize, variance_reduction: bool) -> Figures {
    let e = engine(paths, variance_reduction);
    let started = Instant::now();
    let outcome = e.run(&|_| {});
    let stats = e.stats(&outcome);
    let seconds = started.elapsed().as_secs_f64();
    let finals: Vec<f64> = outcome.paths.iter().map(|p| p.final_value).collect();
    Figures {
        breach: Estimate { value: stats.p_breach_horizon, se: stats.p_breach_horizon_se },
        annual: Estimate { value: stats.mean_annual_return, se: stats.mean_annual_return_se },
        median: sectioned_median(&finals, 40),
        seconds,
    }
}

/// One figure of a run.
type Pick = fn(&Figures) -> Estimate;

fn efficiency(e: Estimate, seconds: f64) -> f64 {
    1.0 / (e.se * e.se * seconds)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let count = |i: usize, default: usize| args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default);
    match args.first().map(String::as_str) {
        Some("pilot") => pilot(count(1, 4000)),
        Some("measure") => compare(count(1, 20_000)),
        Some("margins") => margins(count(1, 100_000)),
        Some("split") => split(count(1, 20_000), args.get(2).map_or(DEFAULT_LEVELS, String::as_str)),
        Some("conditional") => conditional(count(1, 20_000)),
        Some("tilt") => tilt(count(1, 20_000), &args[2..]),
        _ => compare(20_000),
    }
}

fn compare(paths: usize) {
    println!("{paths} paths each, plain then variance-reduced, on {} threads", rayon::current_num_threads());
    let plain = measure(paths, false);
    let reduced = measure(paths, true);
    println!("plain {:.1} s, reduced {:.1} s", plain.seconds, reduced.seconds);
    let rows: [(&str, Pick); 3] = [
        ("P(breach within the horizon)", |f| f.breach),
        ("mean annual return", |f| f.annual),
        ("median final value, mkr", |f| f.median),
    ];
    for (name, of) in rows {
        let (a, b) = (of(&plain), of(&reduced));
        let ratio = efficiency(b, reduced.seconds) / efficiency(a, plain.seconds);
        let apart = (a.value - b.value).abs() / (a.se * a.se + b.se * b.se).sqrt();
        println!(
            "{name}: plain {:.6e} (se {:.3e}), reduced {:.6e} (se {:.3e}); efficiency ratio {ratio:.1}; {apart:.2} combined SEs apart",
            a.value, a.se, b.value, b.se
        );
    }
}

fn pilot(paths: usize) {
    let e = engine(paths, false);
    let plain_seconds = {
        let started = Instant::now();
        let o = e.run(&|_| {});
        let p = paired_mean(
            &o.paths.iter().map(|p| f64::from(u8::from(p.first_breach_month.is_some()))).collect::<Vec<_>>(),
        );
        println!("plain: P {:.3e}", p.value);
        started.elapsed().as_secs_f64()
    };
    println!("plain {paths} paths: {plain_seconds:.1} s");
    println!("crisis_scale equity_shift rate_shift  P  se  hit_share  var_per_path");
    for crisis_scale in [1.0, 2.0, 3.0, 4.0] {
        for equity_shift in [0.0, -0.02, -0.03, -0.045] {
            for rate_shift in [0.0, 0.02] {
                let tilt = Tilt { crisis_scale, equity_shift, rate_shift };
                let tail = e.tail_paths(paths, tilt);
                let hits = tail.iter().filter(|(p, _)| p.first_breach_month.is_some()).count();
                let est =
                    weighted_probability(tail.iter().map(|(p, lw)| (p.first_breach_month.is_some(), *lw)));
                println!(
                    "{crisis_scale:.1} {equity_shift:+.3} {rate_shift:+.3}  {:.3e}  {:.2e}  {:.4}  {:.3e}",
                    est.value,
                    est.se,
                    hits as f64 / paths as f64,
                    est.se * est.se * paths as f64
                );
            }
        }
    }
}

/// The share of plain paths whose lowest pre-trade margin fell under each
/// level, and the breaching share among them: the splitting levels' pilot.
fn margins(paths: usize) {
    let e = engine(paths, false);
    let started = Instant::now();
    let o = e.run(&|_| {});
    println!("plain {paths} paths: {:.1} s", started.elapsed().as_secs_f64());
    let breaches = o.paths.iter().filter(|p| p.first_breach_month.is_some()).count();
    println!("breaches {breaches}");
    println!("level  share_under  breach_share_of_those");
    for level in [0.12, 0.10, 0.08, 0.06, 0.05, 0.04, 0.03, 0.02, 0.015, 0.01, 0.005, 0.0025, 0.0] {
        let under: Vec<_> = o.paths.iter().filter(|p| p.min_margin < level).collect();
        let hit = under.iter().filter(|p| p.first_breach_month.is_some()).count();
        println!(
            "{level:.4}  {:.3e}  {:.3e}",
            under.len() as f64 / paths as f64,
            hit as f64 / under.len().max(1) as f64
        );
    }
}

const DEFAULT_LEVELS: &str = "0.06:4,0.03:4,0.015:4,0.0075:4";

/// Levels from `margin:copies,...`.
fn parse_levels(text: &str) -> Vec<Level> {
    text.split(',')
        .map(|l| {
            let (m, k) = l.split_once(':').expect("margin:copies");
            Level { margin: m.parse().expect("a margin"), copies: k.parse().expect("copies") }
        })
        .collect()
}

/// A tail figure of a root, and the same figure's indicator on a path.
type TailOf = fn(&RootTail) -> f64;
type HitOf = fn(&pensionsim::engine::PathSummary) -> bool;

/// `roots` root paths split at `levels`, against a plain run of as many
/// paths: each tail figure's estimate, standard error, and the efficiency
/// ratio, plain's variance taken as the binomial `p (1 - p) / n` at the
/// splitting's estimate (and at plain's own, when it saw a hit).
fn split(roots: usize, levels: &str) {
    let levels = parse_levels(levels);
    println!("{roots} roots, levels {levels:?}, on {} threads", rayon::current_num_threads());
    let e = engine(roots, false);
    let started = Instant::now();
    let o = e.run(&|_| {});
    let plain_seconds = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let tails = e.split_roots(1 << 40, roots, &levels);
    let split_seconds = started.elapsed().as_secs_f64();
    let days: u64 = tails.iter().map(|t| t.days).sum();
    let plain_days = (roots * e.simulation().horizon_months * e.model().trading_days_per_month) as f64;
    println!(
        "plain {plain_seconds:.2} s, split {split_seconds:.2} s; branch days / plain days {:.2}",
        days as f64 / plain_days
    );
    let rows: [(&str, TailOf, HitOf); 3] = [
        ("P(breach within the horizon)", |t| t.breach_horizon, |p| p.first_breach_month.is_some()),
        ("P(breach within 12 months)", |t| t.breach_12m, |p| p.first_breach_month.is_some_and(|m| m < 12)),
        ("P(cash lock)", |t| t.cash_lock, |p| p.cash_lock),
    ];
    for (name, of, hit) in rows {
        let s = root_mean(tails.iter().map(of));
        let plain = root_mean(o.paths.iter().map(|p| f64::from(u8::from(hit(p)))));
        let binomial = (s.value * (1.0 - s.value) / roots as f64).sqrt();
        let ratio = (binomial * binomial * plain_seconds) / (s.se * s.se * split_seconds);
        let apart = (plain.value - s.value).abs() / (plain.se * plain.se + s.se * s.se).sqrt();
        println!(
            "{name}: split {:.4e} (se {:.2e}, rel {:.1} %), plain {:.4e} (se {:.2e}); efficiency ratio {ratio:.1}; {apart:.2} combined SEs apart",
            s.value,
            s.se,
            100.0 * s.se / s.value,
            plain.value,
            plain.se
        );
    }
}

/// The conditional Monte Carlo pilot: the same paths, the indicator and
/// the summed conditional probabilities under each choice of the shocks
/// integrated out.
fn conditional(paths: usize) {
    let (e, plain, plain_seconds) = plain_breach(paths);
    println!(
        "plain engine {plain_seconds:.2} s: {:.4e} (se {:.2e}, rel {:.1} %)",
        plain.value,
        plain.se,
        100.0 * plain.se / plain.value
    );
    for over in [Integrated::FixedIncome, Integrated::SwedishEquity] {
        let started = Instant::now();
        let roots: Vec<(bool, f64)> = (0..paths as u64)
            .into_par_iter()
            .map(|p| {
                e.conditional_root(p, over)
                    .expect("Gaussian shocks, two equity classes and one of fixed income")
            })
            .collect();
        let seconds = started.elapsed().as_secs_f64();
        let hit = root_mean(roots.iter().map(|r| f64::from(u8::from(r.0))));
        let smooth = root_mean(roots.iter().map(|r| r.1));
        let var = |x: Estimate| x.se * x.se * paths as f64;
        // Where the sums' mass lies: how many paths carry any, and how
        // much of it the paths that breached carry.
        let carrying = roots.iter().filter(|r| r.1 > 1e-3).count();
        let on_breached: f64 = roots.iter().filter(|r| r.0).map(|r| r.1).sum();
        let total: f64 = roots.iter().map(|r| r.1).sum();
        let largest = roots.iter().map(|r| r.1).fold(0.0, f64::max);
        println!(
            "{over:?}: {carrying} paths with a sum over 0.001, the largest {largest:.3}; the breached paths carry {:.0} % of the sums",
            100.0 * on_breached / total
        );
        println!(
            "{over:?}: scalar mode {seconds:.2} s; breached {:.4e}, conditional sum {:.4e} (se {:.2e}, rel {:.1} %); variance ratio on the same paths {:.2}; efficiency ratio to the plain engine {:.2}; {:.2} combined SEs from it",
            hit.value,
            smooth.value,
            smooth.se,
            100.0 * smooth.se / smooth.value,
            var(hit) / var(smooth),
            (plain.se * plain.se * plain_seconds) / (smooth.se * smooth.se * seconds),
            (plain.value - smooth.value).abs() / (plain.se * plain.se + smooth.se * smooth.se).sqrt()
        );
    }
}

/// The state-dependent tilt pilot: each setting `below:days:cap`.
fn tilt(paths: usize, settings: &[String]) {
    let (e, plain, plain_seconds) = plain_breach(paths);
    println!("plain engine {plain_seconds:.2} s: {:.4e} (se {:.2e})", plain.value, plain.se);
    // Plain's variance as the binomial at the plain estimate of 5e-5 from
    // 200,000 paths when this run saw too few breaches.
    let p_ref = if plain.value > 0.0 { plain.value } else { 5e-5 };
    let plain_var_per_second = p_ref * (1.0 - p_ref) / paths as f64 * plain_seconds;
    for setting in settings {
        let v: Vec<f64> = setting.split(':').map(|x| x.parse().expect("below:days:cap")).collect();
        let started = Instant::now();
        let roots: Vec<(bool, f64)> = (0..paths as u64)
            .into_par_iter()
            .map(|p| {
                e.tilted_root(p, v[0], v[1], v[2])
                    .expect("Gaussian shocks, two equity classes and one of fixed income")
            })
            .collect();
        let seconds = started.elapsed().as_secs_f64();
        let est = root_mean(roots.iter().map(|r| if r.0 { r.1 } else { 0.0 }));
        let hits = roots.iter().filter(|r| r.0).count();
        let mean_weight = root_mean(roots.iter().map(|r| r.1));
        println!(
            "{setting}: {seconds:.2} s, {hits} breached; estimate {:.4e} (se {:.2e}, rel {:.1} %); mean weight {:.3} (se {:.3}); efficiency ratio to plain {:.2}; {:.2} combined SEs from plain",
            est.value,
            est.se,
            100.0 * est.se / est.value,
            mean_weight.value,
            mean_weight.se,
            plain_var_per_second / (est.se * est.se * seconds),
            (plain.value - est.value).abs() / (plain.se * plain.se + est.se * est.se).sqrt()
        );
    }
}

/// The engine of `paths` plain paths, and its P(breach within the horizon)
/// with the seconds it took: the pilots' yardstick.
fn plain_breach(paths: usize) -> (Engine, Estimate, f64) {
    println!("{paths} paths, on {} threads", rayon::current_num_threads());
    let e = engine(paths, false);
    let started = Instant::now();
    let o = e.run(&|_| {});
    let seconds = started.elapsed().as_secs_f64();
    let plain = root_mean(o.paths.iter().map(|p| f64::from(u8::from(p.first_breach_month.is_some()))));
    (e, plain, seconds)
}
