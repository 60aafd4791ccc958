//! Eight paths' random streams side by side, and their standard normals
//! drawn for all eight at once.
//!
//! A path's stream is Xoshiro256++ ([`crate::rng::path_rng`]); a group of
//! eight keeps the eight states as four rows of eight words, so that one
//! step of the generator is a handful of vector instructions for the whole
//! group. Each lane still steps its own state only, so lane `i` yields the
//! words its path's generator yields alone, in the same order.
//!
//! The normals are `rand_distr`'s ziggurat ([`rand_distr::StandardNormal`])
//! re-done for a group: every lane takes its next word and tries the
//! ziggurat's fast path (about 98.8 % of draws succeed there: a table
//! look-up, a multiplication and a comparison); a lane that fails goes on
//! alone, on its own stream, exactly as the crate's sampler goes on. So a
//! lane draws the numbers `StandardNormal` draws from its path's
//! generator, bit for bit; the tests hold the two side by side.

use std::convert::Infallible;

use rand::{Rng, RngExt, SeedableRng, TryRng};
use rand_distr::{Distribution, Open01, StandardNormal};
use rand_xoshiro::SplitMix64;
use rand_xoshiro::rand_core::utils::{fill_bytes_via_next_word, read_words};

use crate::lanes::{LANES, Wide};
use crate::market::{Clock, MarketModel};
use crate::rng::path_seed;

mod month;
mod ziggurat_tables;

pub use month::{DayDraws, Layout, MonthDraws, Tilt, crisis_regime, groups, tilted_chain};

use ziggurat_tables::{ZIG_NORM_F, ZIG_NORM_R, ZIG_NORM_X};

/// One path's stream: Xoshiro256++ as `rand_xoshiro` has it, bit for bit,
/// with a state that can move into a group and out again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathStream {
    s: [u64; 4],
}

impl PathStream {
    /// The stream of path `path` of a run with seed `seed`: the state
    /// [`crate::rng::path_rng`] starts from (its seed expanded by
    /// SplitMix64, as `SeedableRng::seed_from_u64` does).
    pub fn new(seed: u64, path: u64) -> PathStream {
        let mut bytes = [0u8; 32];
        SplitMix64::seed_from_u64(path_seed(seed, path)).fill_bytes(&mut bytes);
        PathStream { s: read_words(&bytes) }
    }

    #[inline(always)]
    fn step(&mut self) -> u64 {
        let s = &mut self.s;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }
}

impl TryRng for PathStream {
    type Error = Infallible;

    #[inline(always)]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok((self.step() >> 32) as u32)
    }

    #[inline(always)]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.step())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        fill_bytes_via_next_word(dst, || self.try_next_u64())
    }
}

/// Eight paths' streams: row `k` holds word `k` of every lane's state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[repr(C, align(64))]
pub struct GroupStreams {
    s: [[u64; LANES]; 4],
}

/// The widest vector instructions this processor runs a group's code in:
/// one check for the draws and the engine alike. AVX-512 asks for DQ as
/// well as F, because the engine's AVX-512 build is compiled with both;
/// every choice gives the same bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vectors {
    Baseline,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Vectors {
    pub fn detect() -> Vectors {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
            {
                return Vectors::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Vectors::Avx2;
            }
        }
        Vectors::Baseline
    }
}

impl GroupStreams {
    /// Lane `i` from `f(i)`.
    pub fn from_fn(mut f: impl FnMut(usize) -> PathStream) -> GroupStreams {
        let mut s = [[0; LANES]; 4];
        for i in 0..LANES {
            let lane = f(i);
            for (row, word) in s.iter_mut().zip(lane.s) {
                row[i] = word;
            }
        }
        GroupStreams { s }
    }

    /// Lane `i`'s stream as it stands.
    #[inline(always)]
    pub fn lane(&self, i: usize) -> PathStream {
        PathStream { s: [self.s[0][i], self.s[1][i], self.s[2][i], self.s[3][i]] }
    }

    /// Puts lane `i`'s stream back after it drew alone.
    #[inline(always)]
    pub fn set_lane(&mut self, i: usize, lane: PathStream) {
        for (row, word) in self.s.iter_mut().zip(lane.s) {
            row[i] = word;
        }
    }

    /// The start of `month` for every lane: its clock's regime draw
    /// ([`MarketModel::start_month`]), from the lane's own stream.
    pub fn start_month(&mut self, model: &MarketModel, clocks: &mut [Clock; LANES], month: usize) {
        for (i, clock) in clocks.iter_mut().enumerate() {
            let mut lane = self.lane(i);
            model.start_month(clock, month, &mut lane);
            self.set_lane(i, lane);
        }
    }

    /// Every lane's next word: [`PathStream`]'s step, lane by lane, in a
    /// form the compiler turns into vector code.
    #[inline(always)]
    pub fn next_words(&mut self) -> [u64; LANES] {
        let [s0, s1, s2, s3] = &mut self.s;
        let mut out = [0; LANES];
        for i in 0..LANES {
            out[i] = s0[i].wrapping_add(s3[i]).rotate_left(23).wrapping_add(s0[i]);
            let t = s1[i] << 17;
            s2[i] ^= s0[i];
            s3[i] ^= s1[i];
            s1[i] ^= s2[i];
            s0[i] ^= s3[i];
            s2[i] ^= t;
            s3[i] = s3[i].rotate_left(45);
        }
        out
    }

    /// Every lane's next standard normal, the number
    /// `rand_distr::StandardNormal` draws from the lane's stream.
    #[inline(always)]
    pub fn normals(&mut self) -> [f64; LANES] {
        let bits = self.next_words();
        let mut x = [0.0; LANES];
        let mut done = [false; LANES];
        for i in 0..LANES {
            let (u, layer) = uniform_and_layer(bits[i]);
            x[i] = u * ZIG_NORM_X[layer];
            done[i] = x[i].abs() < ZIG_NORM_X[layer + 1];
        }
        if done.iter().any(|d| !d) {
            self.finish_slow(bits, &mut x, &done);
        }
        x
    }

    /// Fills `out` with every lane's next normals in order (`out[k]`'s
    /// lane `i` is lane `i`'s `k`-th next normal): [`GroupStreams::normals`]
    /// over and over, in AVX-512 or AVX2 instructions where the processor has them
    /// (the same operations on the same words, so the same bits).
    pub fn fill_normals(&mut self, out: &mut [Wide]) {
        match Vectors::detect() {
            // SAFETY: `Vectors::detect` found AVX-512F (and DQ) on this processor.
            #[cfg(target_arch = "x86_64")]
            Vectors::Avx512 => unsafe { self.fill_normals_avx512(out) },
            // SAFETY: `Vectors::detect` found AVX2 on this processor.
            #[cfg(target_arch = "x86_64")]
            Vectors::Avx2 => unsafe { self.fill_normals_avx2(out) },
            Vectors::Baseline => {
                for w in out {
                    *w = Wide(self.normals());
                }
            }
        }
    }

    /// [`GroupStreams::fill_normals`] in AVX2: as in AVX-512, with each
    /// row of eight words in two registers of four, rotations made of
    /// shifts, and the lanes that miss the fast path finished one by one
    /// through memory.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn fill_normals_avx2(&mut self, out: &mut [Wide]) {
        use std::arch::x86_64::*;
        #[inline(always)]
        fn rol<const K: i32, const R: i32>(x: __m256i) -> __m256i {
            // SAFETY (of the intrinsics): the caller has AVX2.
            unsafe { _mm256_or_si256(_mm256_slli_epi64::<K>(x), _mm256_srli_epi64::<R>(x)) }
        }
        let rows = self.s.as_mut_ptr().cast::<__m256i>();
        // Row k's lanes 0-3 at `rows + 2k`, lanes 4-7 at `rows + 2k + 1`.
        // SAFETY: `GroupStreams` is 64-byte aligned and each row is 64 bytes.
        let load = |k: usize| unsafe { _mm256_load_si256(rows.add(k)) };
        let mut s: [[__m256i; 2]; 4] = std::array::from_fn(|k| [load(2 * k), load(2 * k + 1)]);
        let exponent = _mm256_set1_epi64x((1024u64 << 52) as i64);
        let low8 = _mm256_set1_epi64x(0xff);
        let three = _mm256_set1_pd(3.0);
        let magnitude = _mm256_castsi256_pd(_mm256_set1_epi64x(i64::MAX));
        let table = ZIG_NORM_X.as_ptr();
        for w in out {
            let mut bits = [_mm256_setzero_si256(); 2];
            let mut fast = 0u8;
            for h in 0..2 {
                let [s0, s1, s2, s3] = [&s[0][h], &s[1][h], &s[2][h], &s[3][h]].map(|r| *r);
                let b = _mm256_add_epi64(rol::<23, 41>(_mm256_add_epi64(s0, s3)), s0);
                let t = _mm256_slli_epi64::<17>(s1);
                let n2 = _mm256_xor_si256(s2, s0);
                let n3 = _mm256_xor_si256(s3, s1);
                let n1 = _mm256_xor_si256(s1, n2);
                let n0 = _mm256_xor_si256(s0, n3);
                [s[0][h], s[1][h], s[2][h], s[3][h]] = [n0, n1, _mm256_xor_si256(n2, t), rol::<45, 19>(n3)];

                let layer = _mm256_and_si256(b, low8);
                let u = _mm256_sub_pd(
                    _mm256_castsi256_pd(_mm256_or_si256(_mm256_srli_epi64::<12>(b), exponent)),
                    three,
                );
                // SAFETY: `layer` is at most 255 and the table has 257 entries.
                let (edge, next) = unsafe {
                    (_mm256_i64gather_pd::<8>(table, layer), _mm256_i64gather_pd::<8>(table.add(1), layer))
                };
                let x = _mm256_mul_pd(u, edge);
                let ok = _mm256_cmp_pd::<_CMP_LT_OQ>(_mm256_and_pd(x, magnitude), next);
                fast |= (_mm256_movemask_pd(ok) as u8) << (4 * h);
                // SAFETY: `Wide` is 64-byte aligned, so each half is 32-byte aligned.
                unsafe { _mm256_store_pd(w.0.as_mut_ptr().add(4 * h), x) };
                bits[h] = b;
            }
            if fast != 0xff {
                for (k, row) in s.iter().enumerate() {
                    // SAFETY: as for the loads.
                    unsafe {
                        _mm256_store_si256(rows.add(2 * k), row[0]);
                        _mm256_store_si256(rows.add(2 * k + 1), row[1]);
                    }
                }
                let mut words = [0u64; LANES];
                // SAFETY: eight u64s, unaligned stores.
                unsafe {
                    _mm256_storeu_si256(words.as_mut_ptr().cast(), bits[0]);
                    _mm256_storeu_si256(words.as_mut_ptr().add(4).cast(), bits[1]);
                }
                let done: [bool; LANES] = std::array::from_fn(|i| fast & (1 << i) != 0);
                self.finish_slow(words, &mut w.0, &done);
                s = std::array::from_fn(|k| [load(2 * k), load(2 * k + 1)]);
            }
        }
        for (k, row) in s.iter().enumerate() {
            // SAFETY: as for the loads.
            unsafe {
                _mm256_store_si256(rows.add(2 * k), row[0]);
                _mm256_store_si256(rows.add(2 * k + 1), row[1]);
            }
        }
    }

    /// [`GroupStreams::fill_normals`] in AVX-512: the eight states in four
    /// registers through the whole of `out`, the ziggurat's two table
    /// look-ups as gathers; a lane that misses the fast path goes on alone,
    /// its state taken out of the registers and put back.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512f")]
    fn fill_normals_avx512(&mut self, out: &mut [Wide]) {
        use std::arch::x86_64::*;
        let rows = self.s.as_mut_ptr().cast::<__m512i>();
        // SAFETY: `GroupStreams` is 64-byte aligned and each row is 64 bytes.
        let load = |k: usize| unsafe { _mm512_load_si512(rows.add(k).cast()) };
        let [mut s0, mut s1, mut s2, mut s3] = [load(0), load(1), load(2), load(3)];
        let exponent = _mm512_set1_epi64((1024u64 << 52) as i64);
        let low8 = _mm512_set1_epi64(0xff);
        let three = _mm512_set1_pd(3.0);
        let table = ZIG_NORM_X.as_ptr();
        for w in out {
            let bits = _mm512_add_epi64(_mm512_rol_epi64::<23>(_mm512_add_epi64(s0, s3)), s0);
            let t = _mm512_slli_epi64::<17>(s1);
            s2 = _mm512_xor_si512(s2, s0);
            s3 = _mm512_xor_si512(s3, s1);
            s1 = _mm512_xor_si512(s1, s2);
            s0 = _mm512_xor_si512(s0, s3);
            s2 = _mm512_xor_si512(s2, t);
            s3 = _mm512_rol_epi64::<45>(s3);

            let layer = _mm512_and_si512(bits, low8);
            let u = _mm512_sub_pd(
                _mm512_castsi512_pd(_mm512_or_si512(_mm512_srli_epi64::<12>(bits), exponent)),
                three,
            );
            // SAFETY: `layer` is at most 255 and the table has 257 entries.
            let (edge, next) = unsafe {
                (_mm512_i64gather_pd::<8>(layer, table), _mm512_i64gather_pd::<8>(layer, table.add(1)))
            };
            let x = _mm512_mul_pd(u, edge);
            let fast = _mm512_cmp_pd_mask::<_CMP_LT_OQ>(_mm512_abs_pd(x), next);
            // SAFETY: `Wide` is 64-byte aligned.
            unsafe { _mm512_store_pd(w.0.as_mut_ptr(), x) };
            if fast != 0xff {
                // The lanes that missed go on alone, their states taken
                // out of the registers and put back lane by lane (through
                // memory, a 64-byte store read back 8 bytes at a time
                // stalls the processor).
                let mut pending = !fast;
                while pending != 0 {
                    let i = pending.trailing_zeros() as usize;
                    pending &= pending - 1;
                    let lane_of = |v: __m512i| {
                        _mm_cvtsi128_si64(_mm512_castsi512_si128(_mm512_permutexvar_epi64(
                            _mm512_set1_epi64(i as i64),
                            v,
                        ))) as u64
                    };
                    let mut lane = PathStream { s: [lane_of(s0), lane_of(s1), lane_of(s2), lane_of(s3)] };
                    let x = f64::from_bits(lane_of(_mm512_castpd_si512(x)));
                    w.0[i] = slow_normal(&mut lane, lane_of(bits), x);
                    let only = 1u8 << i;
                    s0 = _mm512_mask_set1_epi64(s0, only, lane.s[0] as i64);
                    s1 = _mm512_mask_set1_epi64(s1, only, lane.s[1] as i64);
                    s2 = _mm512_mask_set1_epi64(s2, only, lane.s[2] as i64);
                    s3 = _mm512_mask_set1_epi64(s3, only, lane.s[3] as i64);
                }
            }
        }
        for (k, row) in [s0, s1, s2, s3].into_iter().enumerate() {
            // SAFETY: as for the loads.
            unsafe { _mm512_store_si512(rows.add(k).cast(), row) };
        }
    }

    /// The lanes whose first word missed the fast path go on alone.
    #[cold]
    #[inline(never)]
    fn finish_slow(&mut self, bits: [u64; LANES], x: &mut [f64; LANES], done: &[bool; LANES]) {
        for i in (0..LANES).filter(|&i| !done[i]) {
            let mut lane = self.lane(i);
            x[i] = slow_normal(&mut lane, bits[i], x[i]);
            self.set_lane(i, lane);
        }
    }
}

/// The ziggurat's split of a word (as `rand_distr` makes it): the low
/// eight bits pick the layer, the top 52 make `u` in [-1, 1).
#[inline(always)]
fn uniform_and_layer(bits: u64) -> (f64, usize) {
    let u = f64::from_bits((bits >> 12) | (1024u64 << 52)) - 3.0;
    (u, (bits & 0xff) as usize)
}

/// The rest of `StandardNormal`'s draw after its first word `bits` (with
/// `x`, the candidate from it) missed the fast path: the tail, or the
/// wedge test with one more uniform, and else a draw from the top.
#[cold]
#[inline(never)]
#[allow(
    clippy::disallowed_methods,
    reason = "rand_distr's ziggurat tail, bit for bit: the crate takes the platform's logarithm, and a lane must draw the crate's numbers"
)]
fn slow_normal(rng: &mut PathStream, bits: u64, x: f64) -> f64 {
    let (u, layer) = uniform_and_layer(bits);
    if layer == 0 {
        let (mut tail, mut y) = (1.0f64, 0.0f64);
        while -2.0 * y < tail * tail {
            let a: f64 = rng.sample(Open01);
            let b: f64 = rng.sample(Open01);
            tail = a.ln() / ZIG_NORM_R;
            y = b.ln();
        }
        return if u < 0.0 { tail - ZIG_NORM_R } else { ZIG_NORM_R - tail };
    }
    let f = ZIG_NORM_F[layer + 1] + (ZIG_NORM_F[layer] - ZIG_NORM_F[layer + 1]) * rng.random::<f64>();
    if under_density(layer, f, -x * x / 2.0) {
        return x;
    }
    <StandardNormal as Distribution<f64>>::sample(&StandardNormal, rng)
}

/// The wedge test of layer `layer` (1 to 255): `f < z.exp()`, the answer
/// `rand_distr` gets, with the exponential taken only when the layer's
/// bounds on it leave the answer open (well under one test in a hundred).
///
/// In `z = -x^2 / 2` the density `exp(z)` is convex, so between the
/// layer's edges `a <= z <= b` it lies under the chord through
/// `(a, F[layer])` and `(b, F[layer + 1])`, and everywhere above the
/// tangents there. Each bound, computed in floating point, is within about
/// 1e-15 of its exact value (the tables' `F` are within 3e-16 of the
/// exponential at their edges, a test holds them to it) and the platform's
/// exponential within an ulp of the true one; a margin of 1e-12 covers
/// both, so a bound that settles the test settles it as the exponential
/// would.
#[inline]
fn under_density(layer: usize, f: f64, z: f64) -> bool {
    wedge_bounds(layer, f, z).unwrap_or_else(|| under_exp(f, z))
}

/// `f < z.exp()`, out of line: inlined, the compiler would take the
/// exponential on every test, before the bounds, as it may with a function
/// that has no side effects.
#[cold]
#[inline(never)]
#[allow(
    clippy::disallowed_methods,
    reason = "rand_distr's wedge test, bit for bit: the crate takes the platform's exponential, and a lane must draw the crate's numbers"
)]
fn under_exp(f: f64, z: f64) -> bool {
    f < z.exp()
}

/// [`under_density`]'s answer where the layer's bounds settle it.
#[inline(always)]
fn wedge_bounds(layer: usize, f: f64, z: f64) -> Option<bool> {
    const MARGIN: f64 = 1e-12;
    let w = &WEDGES[layer];
    let tangents = (w.ea * (1.0 + (z - w.a))).max(w.eb * (1.0 + (z - w.b)));
    if f < tangents * (1.0 - MARGIN) {
        return Some(true);
    }
    let chord = w.ea + (z - w.a) * w.slope;
    if (w.a..=w.b).contains(&z) && f > chord * (1.0 + MARGIN) {
        return Some(false);
    }
    None
}

/// A layer's edges in `z = -x^2 / 2` (`a` the outer, `b` the inner), the
/// density there (`ea`, `eb`: the tables' `F`), and the chord's slope.
#[derive(Debug, Clone, Copy)]
struct Wedge {
    a: f64,
    b: f64,
    ea: f64,
    eb: f64,
    slope: f64,
}

/// Every layer's [`Wedge`], from the tables (layer 0, the base and tail,
/// has none).
static WEDGES: [Wedge; 256] = wedges();

const fn wedges() -> [Wedge; 256] {
    let mut w = [Wedge { a: 0.0, b: 0.0, ea: 0.0, eb: 0.0, slope: 0.0 }; 256];
    let mut layer = 1;
    while layer < 256 {
        let (outer, inner) = (ZIG_NORM_X[layer], ZIG_NORM_X[layer + 1]);
        let (a, b) = (-outer * outer / 2.0, -inner * inner / 2.0);
        let (ea, eb) = (ZIG_NORM_F[layer], ZIG_NORM_F[layer + 1]);
        w[layer] = Wedge { a, b, ea, eb, slope: (eb - ea) / (b - a) };
        layer += 1;
    }
    w
}

#[cfg(test)]
mod tests;
