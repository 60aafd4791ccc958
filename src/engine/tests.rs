//! Engine tests: the same bits on any number of threads, and blocks that
//! do not change what a path draws.

use std::path::Path;

use super::*;
use crate::scenario::Scenario;

fn w1(paths: usize, months: usize) -> Engine {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-w1.toml");
    let scenario = Scenario::load(&path).unwrap().scenario;
    let sim = Simulation { paths, seed: 11, horizon_months: months };
    Engine::new(&scenario, sim).unwrap()
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
    let s1 = crate::stats::summarize(&one, engine.start_value(), 14);
    let s2 = crate::stats::summarize(&two, engine.start_value(), 14);
    assert_eq!(format!("{s1:?}"), format!("{s2:?}"), "statistics");
}

#[test]
fn a_path_is_the_same_alone_or_in_a_run() {
    let engine = w1(50, 6);
    let outcome = engine.run(&|_| {});
    let mut h = MonthHistograms::new(6, engine.start_value());
    assert_eq!(engine.path(42, &mut h), outcome.paths[42]);
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
