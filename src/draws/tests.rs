//! The group sampler against the crates it re-does: the same words as
//! `rand_xoshiro`'s generator, the same normals as `rand_distr`'s ziggurat.

#![allow(
    clippy::disallowed_methods,
    reason = "tests hold the sampler to rand_distr's and to the exact density"
)]

use rand::{Rng, RngExt};
use rand_distr::StandardNormal;

use super::*;
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
