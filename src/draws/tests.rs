//! The group sampler against the crates it re-does: the same words as
//! `rand_xoshiro`'s generator, the same normals as `rand_distr`'s ziggurat.

#![allow(
    clippy::disallowed_methods,
    reason = "tests hold the sampler to rand_distr's and to the exact density"
)]

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

use super::*;
use crate::market::FACTORS;
use crate::rng::path_rng;

#[test]
fn a_path_stream_is_the_paths_generator() {
    for (seed, path) in [(0, 0), (20250831, 7), (u64::MAX, 123_456_789)] {
        let mut ours = PathStream::new(seed, path);
        let mut theirs = path_rng(seed, path);
        for _ in 0..1000 {
            assert_eq!(ours.next_u64(), theirs.next_u64());
        }
        assert_eq!(ours.next_u32(), theirs.next_u32());
        let (mut a, mut b) = ([0u8; 13], [0u8; 13]);
        ours.fill_bytes(&mut a);
        theirs.fill_bytes(&mut b);
        assert_eq!(a, b);
    }
}

#[test]
fn each_lane_of_a_group_steps_its_own_path() {
    let mut group = GroupStreams::from_fn(|i| PathStream::new(42, 100 + i as u64));
    let mut alone: Vec<_> = (0..LANES).map(|i| path_rng(42, 100 + i as u64)).collect();
    for _ in 0..1000 {
        let words = group.next_words();
        for (w, rng) in words.iter().zip(&mut alone) {
            assert_eq!(*w, rng.next_u64());
        }
    }
}

/// Two million normals a lane's worth (a quarter of a million per lane)
/// go through the fast path, the wedges and the tail (about 1.2 % of
/// draws leave the fast path, one in 4,000 or so reaches the tail), and
/// each must be the bits `StandardNormal` draws from the lane's stream;
/// so must the stream's state after them.
#[test]
fn group_normals_are_rand_distrs_normals_bit_for_bit() {
    let mut group = GroupStreams::from_fn(|i| PathStream::new(7, i as u64));
    let mut alone: Vec<_> = (0..LANES).map(|i| path_rng(7, i as u64)).collect();
    let (mut tails, mut slow) = (0, 0);
    for _ in 0..250_000 {
        let before = group.clone();
        let z = group.normals();
        for (i, rng) in alone.iter_mut().enumerate() {
            let expected: f64 = rng.sample(StandardNormal);
            assert_eq!(z[i].to_bits(), expected.to_bits(), "lane {i}");
            if z[i].abs() > ZIG_NORM_R {
                tails += 1;
            }
            let mut copy = before.lane(i);
            let first = copy.next_u64();
            let (u, layer) = uniform_and_layer(first);
            if (u * ZIG_NORM_X[layer]).abs() >= ZIG_NORM_X[layer + 1] {
                slow += 1;
            }
        }
    }
    // The test reaches every branch: the wedges and the tail.
    assert!(slow > 10_000, "{slow} draws left the fast path");
    assert!(tails > 50, "{tails} draws in the tail");
    for (i, rng) in alone.iter_mut().enumerate() {
        assert_eq!(group.lane(i).next_u64(), rng.next_u64(), "lane {i} ends in step");
    }
}

#[test]
fn a_lane_drawn_alone_and_put_back_stays_in_step() {
    let mut group = GroupStreams::from_fn(|i| PathStream::new(3, i as u64));
    let mut lane = group.lane(5);
    let u: f64 = lane.random();
    group.set_lane(5, lane);
    let mut alone = path_rng(3, 5);
    assert_eq!(u, alone.random::<f64>());
    let z = group.normals();
    assert_eq!(z[5], alone.sample::<f64, _>(StandardNormal));
}

/// `fill_normals` (in AVX-512 where the processor has it) draws the same
/// numbers as `StandardNormal` lane by lane, across calls and through
/// the slow lanes' spills.
#[test]
fn filled_normals_are_rand_distrs_normals_bit_for_bit() {
    let mut group = GroupStreams::from_fn(|i| PathStream::new(11, 1000 + i as u64));
    let mut alone: Vec<_> = (0..LANES).map(|i| path_rng(11, 1000 + i as u64)).collect();
    let mut month = vec![Wide([0.0; LANES]); 84];
    for _ in 0..3000 {
        group.fill_normals(&mut month);
        for z in &month {
            for (i, rng) in alone.iter_mut().enumerate() {
                let expected: f64 = rng.sample(StandardNormal);
                assert_eq!(z.0[i].to_bits(), expected.to_bits(), "lane {i}");
            }
        }
    }
    for (i, rng) in alone.iter_mut().enumerate() {
        assert_eq!(group.lane(i).next_u64(), rng.next_u64(), "lane {i} ends in step");
    }
}

/// The AVX2 fill, which a processor without AVX-512 takes, draws the same
/// numbers as `StandardNormal` lane by lane, through the slow lanes and
/// across calls (on any processor that has AVX2, this one included).
#[cfg(target_arch = "x86_64")]
#[test]
fn the_avx2_fill_draws_rand_distrs_normals_bit_for_bit() {
    if !std::arch::is_x86_feature_detected!("avx2") {
        // A processor without AVX2 never takes this fill.
        return;
    }
    let mut group = GroupStreams::from_fn(|i| PathStream::new(13, 500 + i as u64));
    let mut alone: Vec<_> = (0..LANES).map(|i| path_rng(13, 500 + i as u64)).collect();
    let mut month = vec![Wide([0.0; LANES]); 84];
    let mut tails = 0;
    for _ in 0..3000 {
        // SAFETY: the processor has AVX2 (tested above).
        unsafe { group.fill_normals_avx2(&mut month) };
        for z in &month {
            for (i, rng) in alone.iter_mut().enumerate() {
                let expected: f64 = rng.sample(StandardNormal);
                assert_eq!(z.0[i].to_bits(), expected.to_bits(), "lane {i}");
                tails += usize::from(z.0[i].abs() > ZIG_NORM_R);
            }
        }
    }
    // Two million normals reach the tail some 500 times (and the wedges
    // some 24,000), so the slow lanes' spills are exercised.
    assert!(tails > 50, "{tails} draws in the tail");
    for (i, rng) in alone.iter_mut().enumerate() {
        assert_eq!(group.lane(i).next_u64(), rng.next_u64(), "lane {i} ends in step");
    }
}

/// The wedge bounds lean on the tables' densities being the exponential
/// at the layers' edges, to within 3e-16.
#[test]
fn the_tables_densities_are_the_exponential_at_the_edges() {
    for layer in 1..=256 {
        let x = ZIG_NORM_X[layer];
        let exact = (-x * x / 2.0).exp();
        let off = (ZIG_NORM_F[layer] - exact).abs() / exact;
        assert!(off <= 3e-16, "layer {layer}: F is {off:e} off the exponential");
    }
}

/// Where the wedge bounds answer, they answer as the exponential does:
/// over the slow path's own draws (a million wedge tests, each layer
/// alike) and at the razor's edge, densities a few ulps either side of
/// the exponential itself, where a bound without its margin would be
/// wrong at the layers' edges. And they answer nearly always, which is
/// what they are for.
#[test]
fn wedge_bounds_answer_as_the_exponential_does() {
    let mut rng = path_rng(11, 0);
    let (mut tests, mut settled) = (0u32, 0u32);
    while tests < 1_000_000 {
        let layer = rng.random_range(1..256);
        let x = (2.0 * rng.random::<f64>() - 1.0) * ZIG_NORM_X[layer];
        if x.abs() < ZIG_NORM_X[layer + 1] {
            continue;
        }
        let f = ZIG_NORM_F[layer + 1] + (ZIG_NORM_F[layer] - ZIG_NORM_F[layer + 1]) * rng.random::<f64>();
        let z = -x * x / 2.0;
        tests += 1;
        if let Some(answer) = wedge_bounds(layer, f, z) {
            settled += 1;
            assert_eq!(answer, f < z.exp(), "layer {layer}, x {x}, f {f}");
        }
        assert_eq!(under_density(layer, f, z), f < z.exp(), "layer {layer}, x {x}, f {f}");
    }
    assert!(f64::from(settled) > 0.98 * f64::from(tests), "the bounds settled {settled} of {tests}");

    for layer in 1..256 {
        let (outer, inner) = (ZIG_NORM_X[layer], ZIG_NORM_X[layer + 1]);
        for x in [outer, inner, (outer + inner) / 2.0, -outer, -inner] {
            let z = -x * x / 2.0;
            let e = z.exp();
            let mut f = e;
            for _ in 0..8 {
                f = f.next_down();
            }
            for _ in 0..17 {
                assert_eq!(under_density(layer, f, z), f < e, "layer {layer}, x {x}, f {f} against {e}");
                f = f.next_up();
            }
        }
    }
}

/// The shipped scenario's market (Gaussian, two regimes, inflation and
/// a spread): every kind of draw a Gaussian month has.
fn shipped_model() -> MarketModel {
    crate::scenario::fixtures::shipped().market().expect("the shipped scenario has a market").clone()
}

/// Under antithetic pairs an even path draws what it draws alone, and the
/// odd path after it draws its partner's numbers negated, its regime from
/// `1 - u`: month after month, in every kind of normal.
#[test]
fn antithetic_pairs_mirror_each_other_and_the_even_path_is_plain() {
    let model = shipped_model();
    let kernels = model.kernels();
    let mut plain = MonthDraws::new(&model, 9, 16..24);
    let mut anti = MonthDraws::with_layout(&model, 9, 16..24, Layout::Antithetic);
    let crisis = crisis_regime(&model);
    let (mut differ, mut checked) = (0, 0);
    for month in 0..60 {
        plain.next::<false>(&model, &kernels, month);
        anti.next::<false>(&model, &kernels, month);
        for (p, a) in plain.days().iter().zip(anti.days()) {
            for k in (0..LANES).step_by(2) {
                for f in 0..FACTORS {
                    assert_eq!(a.n[f].0[k].to_bits(), p.n[f].0[k].to_bits(), "even lane {k}");
                    assert_eq!(a.n[f].0[k + 1], -p.n[f].0[k], "odd lane {}", k + 1);
                }
                assert_eq!(a.inflation.0[k + 1], -p.inflation.0[k]);
                assert_eq!(a.spread.0[k + 1], -p.spread.0[k]);
                assert_ne!(a.spread.0[k], 0.0, "the spread is drawn");
                checked += 1;
            }
        }
        for k in (0..LANES).step_by(2) {
            assert_eq!(anti.regime(k), plain.regime(k));
            differ += usize::from(anti.regime(k) != anti.regime(k + 1));
        }
        assert!(anti.log_weight().0.iter().all(|&w| w == 0.0));
    }
    assert!(checked > 1000);
    // With a two-regime chain a mirrored uniform picks the other regime
    // often: the pairs' chains are not the same chain.
    assert!(differ > 10, "{differ} months with the pair in different regimes (crisis {crisis})");
}

/// A mirrored regime draw is the model's pick from `1 - u`, for the
/// paths of a pair drawn by hand from the even path's stream.
#[test]
fn a_mirrored_regime_is_the_pick_of_one_minus_u() {
    let model = shipped_model();
    let kernels = model.kernels();
    let mut anti = MonthDraws::with_layout(&model, 4, 0..2, Layout::Antithetic);
    let mut rng = path_rng(4, 0);
    let (mut r0, mut r1) = (model.start_regime, model.start_regime);
    for month in 0..24 {
        anti.next::<false>(&model, &kernels, month);
        if month > 0 {
            let u: f64 = rng.random();
            r0 = model.next_regime(r0, u);
            r1 = model.next_regime(r1, 1.0 - u);
        }
        // The month's normals: six a day.
        for _ in 0..model.trading_days_per_month * 6 {
            let _: f64 = rng.sample(StandardNormal);
        }
        assert_eq!((anti.regime(0), anti.regime(1)), (r0, r1), "month {month}");
    }
}

#[allow(clippy::needless_range_loop, reason = "lane i of several arrays side by side")]
/// The tilt's log weight is the sum of its terms, recomputed by hand from
/// the plain draws of the same stream; and the tilted chain moves into
/// and stays in the crisis regime more.
#[test]
fn a_tilted_lane_carries_its_log_likelihood_ratio() {
    let model = shipped_model();
    let kernels = model.kernels();
    let tilt = Tilt { crisis_scale: 2.0, equity_shift: -0.05, rate_shift: 0.03 };
    let q = tilted_chain(&model, tilt.crisis_scale);
    let c = crisis_regime(&model);
    let calm = 1 - c;
    assert!(q[calm][c] > model.transition[calm][c] && q[c][c] > model.transition[c][c]);
    for row in &q {
        assert!((row.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    let mut plain = MonthDraws::new(&model, 5, 0..8);
    let mut tilted = MonthDraws::with_layout(&model, 5, 0..8, Layout::Tilted(tilt));
    let mut expected = [0.0f64; LANES];
    let mut regimes = [model.start_regime; LANES];
    let mut rngs: Vec<_> = (0..LANES).map(|i| path_rng(5, i as u64)).collect();
    for month in 0..36 {
        plain.next::<false>(&model, &kernels, month);
        tilted.next::<false>(&model, &kernels, month);
        for i in 0..LANES {
            if month > 0 {
                let u: f64 = rngs[i].random();
                let to = {
                    let mut acc = 0.0;
                    q[regimes[i]].iter().position(|p| {
                        acc += p;
                        u < acc
                    })
                }
                .unwrap_or(1);
                expected[i] += (model.transition[regimes[i]][to] / q[regimes[i]][to]).ln();
                regimes[i] = to;
            }
            for _ in 0..model.trading_days_per_month * 6 {
                let _: f64 = rngs[i].sample(StandardNormal);
            }
            assert_eq!(tilted.regime(i), regimes[i]);
        }
        for (p, t) in plain.days().iter().zip(tilted.days()) {
            for i in 0..LANES {
                let raw = [p.n[0].0[i], p.n[1].0[i], p.n[3].0[i], p.spread.0[i]];
                let s = [-0.05, -0.05, 0.03, 0.03];
                for (n, s) in raw.iter().zip(s) {
                    expected[i] += -s * n - 0.5 * s * s;
                }
                assert_eq!(t.n[0].0[i], p.n[0].0[i] - 0.05);
                assert_eq!(t.n[2].0[i], p.n[2].0[i], "the currency is not shifted");
                assert_eq!(t.inflation.0[i], p.inflation.0[i], "nor inflation");
            }
        }
    }
    for i in 0..LANES {
        let got = tilted.log_weight().0[i];
        assert!(
            (got - expected[i]).abs() < 1e-9 * expected[i].abs().max(1.0),
            "lane {i}: {got} vs {}",
            expected[i]
        );
    }
}

/// The weights have mean one under the tilt (`E_Q[dP/dQ] = 1`), within
/// four standard errors over 4,000 paths of two years: a wrong sign or a
/// missing term in the log weight moves the mean far off.
#[test]
fn tilted_weights_average_one() {
    let model = shipped_model();
    let kernels = model.kernels();
    let tilt = Tilt { crisis_scale: 2.0, equity_shift: -0.02, rate_shift: 0.01 };
    let mut w = Vec::new();
    for g in 0..500u64 {
        let mut d = MonthDraws::with_layout(&model, 1, g * 8..g * 8 + 8, Layout::Tilted(tilt));
        for month in 0..24 {
            d.next::<false>(&model, &kernels, month);
        }
        w.extend(d.log_weight().0.map(f64::exp));
    }
    let n = w.len() as f64;
    let mean = w.iter().sum::<f64>() / n;
    let sd = (w.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert!((mean - 1.0).abs() < 4.0 * sd / n.sqrt(), "mean weight {mean}, se {}", sd / n.sqrt());
    assert!(sd > 0.1, "the tilt moves the weights: sd {sd}");
}
