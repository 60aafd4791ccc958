//! The only place a random generator is built.
//!
//! Every path has its own stream, so a result does not depend on how paths
//! are spread over threads. Path `p` of a run with seed `s` draws from
//! Xoshiro256++ seeded with `mix(s ^ mix(p + GOLDEN))`, where `mix` is the
//! SplitMix64 finaliser (a bijection of 64-bit words); the generator's own
//! `seed_from_u64` then expands that word to its 256-bit state with
//! SplitMix64. For one seed, distinct paths therefore get distinct seeds,
//! and the streams are as independent as Xoshiro256++ streams from
//! SplitMix64-expanded seeds are (the construction its authors recommend).
//!
//! Xoshiro256++ is a named, portable generator (the same bits on every
//! platform and rand version) and one of the fastest sound ones, which
//! matters at a billion normal draws a run; `benches/engine.rs` measures
//! it against ChaCha8 (figures in `benches/history/RESULTS-2026-11.md`).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator of one path.
pub type PathRng = Xoshiro256PlusPlus;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finaliser.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The generator for path `path` of a run with seed `seed`.
pub fn path_rng(seed: u64, path: u64) -> PathRng {
    PathRng::seed_from_u64(path_seed(seed, path))
}

/// The word path `path`'s generator is seeded with.
pub fn path_seed(seed: u64, path: u64) -> u64 {
    mix(seed ^ mix(path.wrapping_add(GOLDEN)))
}

/// The word of copy `copy` of a branch split at level `level` from a
/// branch whose stream was seeded with `parent` (multilevel splitting,
/// `engine::split`): a function of the path's lineage alone, so a split
/// path's streams do not depend on the order branches run in.
pub fn branch_seed(parent: u64, level: u64, copy: u32) -> u64 {
    mix(parent ^ mix((level << 32 | u64::from(copy)).wrapping_add(GOLDEN)))
}

#[cfg(test)]
mod tests {
    use rand::RngExt;

    use super::*;

    #[test]
    fn mix_is_a_bijection_on_a_sample() {
        let mut seen: Vec<u64> = (0..100_000u64).map(mix).collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 100_000);
    }

    #[test]
    fn paths_get_different_streams_and_the_same_path_the_same_one() {
        let a: u64 = path_rng(1, 0).random();
        let b: u64 = path_rng(1, 1).random();
        let c: u64 = path_rng(2, 0).random();
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_eq!(a, path_rng(1, 0).random::<u64>());
    }
}
