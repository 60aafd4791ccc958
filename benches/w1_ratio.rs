//! W1 against its floor, measured in turns: the floor (W1's draws alone,
//! three ways), then the whole engine with its statistics, then the floor
//! again, and so on, on all cores, in short rounds so that both see the
//! same machine at nearly the same moment. On a shared machine whose speed
//! drifts by half within minutes, each figure alone means little; the
//! ratio of the two best times (noise only ever adds time) and the median
//! of the rounds' ratios are the figures to trust.
//!
//! Issue 3 set its targets against the first way, W1's normals drawn a
//! path at a time with Xoshiro256++ and `rand_distr`'s ziggurat (1.2 s at
//! 100,000 paths where it was measured); the benchmark gives the engine's
//! ratio to that as well as to the fastest.
//!
//! Run with `cargo bench --bench w1_ratio` (`-- PATHS ROUNDS` to change
//! the defaults, 4,096 paths a round and 31 rounds); figures go in
//! benches/RESULTS.md.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use pensionsim::draws::{GroupStreams, PathStream};
use pensionsim::engine::Engine;
use pensionsim::lanes::{Real, Wide};
use pensionsim::rng::path_rng;
use pensionsim::scenario::{Scenario, Simulation};
use pensionsim::stats::summarize;
use rand::{Rng, RngExt};
use rand_distr::StandardNormal;
use rayon::prelude::*;

/// W1's draws for one path, in the engine's order: a uniform at the start
/// of each month after the first, then four normals a day.
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

/// The same draws for eight paths, their streams interleaved day by day
/// as the engine draws them, so that eight independent generator chains
/// keep the processor busy where one path's chain waits on itself.
fn draws_interleaved(first: u64) -> f64 {
    let mut rngs: [_; 8] = std::array::from_fn(|i| path_rng(1, first + i as u64));
    let mut acc = [0.0f64; 4];
    for month in 0..120 {
        if month > 0 {
            for rng in &mut rngs {
                acc[0] += rng.random::<f64>();
            }
        }
        for _ in 0..21 {
            for rng in &mut rngs {
                for a in &mut acc {
                    *a += rng.sample::<f64, _>(StandardNormal);
                }
            }
        }
    }
    acc.iter().sum()
}

/// The same draws for eight paths with the engine's group sampler: the
/// eight streams step together and each normal is drawn for all eight at
/// once, a month at a time ([`GroupStreams::fill_normals`]), the numbers
/// of the two ways above.
fn draws_grouped(first: u64) -> f64 {
    let mut streams = GroupStreams::from_fn(|i| PathStream::new(1, first + i as u64));
    let mut acc = [0.0f64; 8];
    let mut month = vec![Wide::splat(0.0); 21 * 4];
    for m in 0..120 {
        if m > 0 {
            for (i, a) in acc.iter_mut().enumerate() {
                let mut lane = streams.lane(i);
                *a += lane.random::<f64>();
                streams.set_lane(i, lane);
            }
        }
        streams.fill_normals(&mut month);
        for z in &month {
            for (a, x) in acc.iter_mut().zip(z.0) {
                *a += x;
            }
        }
    }
    acc.iter().sum()
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[allow(clippy::print_stdout, reason = "a benchmark's report")]
fn main() {
    // `cargo bench` passes `--bench`; numbers are ours.
    let numbers: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let paths = numbers.first().copied().unwrap_or(4096);
    let rounds = numbers.get(1).copied().unwrap_or(31);

    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench-w1.toml");
    let scenario = Scenario::load(&file).expect("bench-w1.toml loads").scenario;
    let engine = Engine::new(&scenario.start(), Simulation { paths, ..scenario.simulation() })
        .expect("W1 has a market");

    let floor = || {
        let t = Instant::now();
        let s: f64 = (0..paths as u64).into_par_iter().map(|p| draws(&mut path_rng(1, p))).sum();
        black_box(s);
        t.elapsed().as_secs_f64()
    };
    let interleaved = || {
        let t = Instant::now();
        let s: f64 = (0..paths as u64 / 8).into_par_iter().map(|g| draws_interleaved(8 * g)).sum();
        black_box(s);
        t.elapsed().as_secs_f64()
    };
    let grouped = || {
        let t = Instant::now();
        let s: f64 = (0..paths as u64 / 8).into_par_iter().map(|g| draws_grouped(8 * g)).sum();
        black_box(s);
        t.elapsed().as_secs_f64()
    };
    let whole = || {
        let t = Instant::now();
        let outcome = engine.run(&|_| {});
        black_box(summarize(&outcome.paths, engine.start_value(), 120));
        t.elapsed().as_secs_f64()
    };
    floor();
    interleaved();
    grouped();
    whole();

    // The floor is the fastest of the three ways to draw, round by round.
    let (mut f, mut w, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut one, mut eight, mut group) = (Vec::new(), Vec::new(), Vec::new());
    let mut to_reference = Vec::new();
    for _ in 0..rounds {
        let a1 = floor();
        let a8 = interleaved();
        let ag = grouped();
        let b = whole();
        let a = a1.min(a8).min(ag);
        one.push(a1);
        eight.push(a8);
        group.push(ag);
        f.push(a);
        w.push(b);
        ratios.push(b / a);
        to_reference.push(b / a1);
    }
    let threads = rayon::current_num_threads();
    let best = |xs: &[f64]| xs.iter().copied().fold(f64::INFINITY, f64::min);
    let (bf, bw) = (best(&f), best(&w));
    let (mf, mw, mr) = (median(&mut f), median(&mut w), median(&mut ratios));
    let per_100k = |t: f64| t * 1e5 / paths as f64;
    println!("W1, {paths} paths a round, {threads} threads, {rounds} rounds in turns");
    println!("draws, a path at a time:        median {:.4} s, best {:.4} s", median(&mut one), best(&one));
    println!(
        "draws, eight paths interleaved: median {:.4} s, best {:.4} s",
        median(&mut eight),
        best(&eight)
    );
    println!(
        "draws, eight paths as a group:  median {:.4} s, best {:.4} s",
        median(&mut group),
        best(&group)
    );
    println!("floor (the fastest of the three): median {mf:.4} s, best {bf:.4} s");
    println!("engine + statistics:            median {mw:.4} s, best {bw:.4} s");
    println!("engine / floor: best against best {:.2}; median of the rounds' ratios {mr:.2}", bw / bf);
    println!(
        "engine / a path at a time (the issue's reference floor): best against best {:.2}; median of the rounds' ratios {:.2}",
        bw / best(&one),
        median(&mut to_reference)
    );
    println!(
        "scaled to 100,000 paths: floor {:.2} s (best), engine {:.2} s (best)",
        per_100k(bf),
        per_100k(bw)
    );
}
