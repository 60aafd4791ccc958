//! The Monte Carlo engine against its floor: drawing W1's normals alone.
//! Run with `cargo bench --bench engine`; figures go in benches/RESULTS.md.
//!
//! - `floor/*`: 1,000 paths' worth of W1's draws (2,520 days × 4 normals,
//!   plus one uniform a month), a stream per path, on all cores, with the
//!   engine's generator (Xoshiro256++) and with ChaCha8 for comparison;
//! - `engine/*`: on one thread, eight paths' draws alone, and eight W1
//!   paths side by side (one group of the engine), everything included;
//! - `w1/*`: the whole engine, statistics included, at 1,000 and 10,000 paths.
//!
//! The machine's speed drifts between benchmarks; `benches/w1_ratio.rs`
//! times the floor and the engine in turns for the ratio.

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pensionsim::engine::{Engine, PathSummary};
use pensionsim::rng::{mix, path_rng};
use pensionsim::scenario::{Scenario, Simulation};
use pensionsim::stats::{MonthHistograms, summarize};
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::StandardNormal;
use rayon::prelude::*;

const DAYS: usize = 2520;

fn w1() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-w1.toml");
    Scenario::load(&path).expect("bench-w1.toml loads").scenario
}

/// W1's draws for one path: 119 uniforms and 2,520 × 4 normals, consumed
/// by four independent sums (one a factor, as the engine consumes them),
/// so that no addition chain hides the generator's cost.
fn draws<R: Rng>(rng: &mut R) -> f64 {
    let mut acc = [0.0f64; 4];
    for month in 0..120 {
        if month > 0 {
            acc[0] += rng.random::<f64>();
        }
        for _ in 0..21 {
            for a in &mut acc {
                *a += rng.sample::<f64, _>(StandardNormal);
            }
        }
    }
    acc.iter().sum()
}

fn floor(c: &mut Criterion) {
    let paths = 1000u64;
    let mut group = c.benchmark_group("floor");
    group.throughput(Throughput::Elements(paths * DAYS as u64 * 4));
    group.bench_function("xoshiro256++ normals, 1k paths", |b| {
        b.iter(|| (0..paths).into_par_iter().map(|p| draws(&mut path_rng(1, p))).collect::<Vec<f64>>());
    });
    group.bench_function("chacha8 normals, 1k paths", |b| {
        b.iter(|| {
            (0..paths)
                .into_par_iter()
                .map(|p| draws(&mut rand_chacha::ChaCha8Rng::seed_from_u64(mix(p))))
                .collect::<Vec<f64>>()
        });
    });
    group.finish();
}

fn engine(c: &mut Criterion) {
    let scenario = w1();
    let mut group = c.benchmark_group("engine");
    group.throughput(Throughput::Elements(DAYS as u64));
    group.throughput(Throughput::Elements(8 * DAYS as u64));
    group.bench_function("floor: 8 paths' draws, one thread", |b| {
        let mut p = 0;
        b.iter(|| {
            p += 8;
            (p..p + 8).map(|q| draws(&mut path_rng(1, q))).sum::<f64>()
        });
    });
    let engine = Engine::new(&scenario.start(), scenario.simulation()).expect("W1 has a market");
    group.bench_function("8 paths side by side, one thread", |b| {
        let mut h = MonthHistograms::new(120, engine.start_value());
        let mut out = [PathSummary::default(); 8];
        let mut p = 0;
        b.iter(|| {
            p += 8;
            engine.paths(p, &mut out, &mut h);
            black_box(&out);
        });
    });
    group.finish();
}

fn w1_runs(c: &mut Criterion) {
    let scenario = w1();
    let mut group = c.benchmark_group("w1");
    group.sample_size(10);
    for paths in [1_000usize, 10_000] {
        let sim = Simulation { paths, ..scenario.simulation() };
        let engine = Engine::new(&scenario.start(), sim).expect("W1 has a market");
        group.throughput(Throughput::Elements((paths * DAYS) as u64));
        group.bench_function(format!("{paths} paths"), |b| {
            b.iter(|| {
                let outcome = engine.run(&|_| {});
                black_box(summarize(&outcome.paths, engine.start_value(), 120))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, floor, engine, w1_runs);
criterion_main!(benches);
