//! Several paths side by side: a fixed-width group of `f64`s ([`Wide`])
//! and the arithmetic the market model needs on it, written so that the
//! compiler turns each operation into vector instructions, and so that
//! every lane gets exactly the bits the same operation gives on one `f64`.
//!
//! Only IEEE basic operations (`+ - * /`, comparisons, bit moves) are
//! used, never a fused multiply-add or a platform `exp`, so the result does
//! not depend on the vector width the processor offers or on its C
//! library: [`exp`] is the portable exponential every path uses, alone or
//! in a group.

use std::ops::{Add, Div, Mul, Sub};

/// Paths a group holds: eight `f64`s, one AVX-512 register or two AVX2 ones.
pub const LANES: usize = 8;

/// One `f64` for each path of a group.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, align(64))]
pub struct Wide(pub [f64; LANES]);

/// The arithmetic the market model is written in, for one path (`f64`) or
/// a group of paths ([`Wide`]), with the same bits in each lane.
pub trait Real:
    Copy + Add<Output = Self> + Sub<Output = Self> + Mul<Output = Self> + Div<Output = Self>
{
    /// The same value in every lane.
    fn splat(x: f64) -> Self;
    /// [`exp`], lane by lane.
    fn exp(self) -> Self;
}

impl Real for f64 {
    #[inline(always)]
    fn splat(x: f64) -> f64 {
        x
    }

    #[inline(always)]
    fn exp(self) -> f64 {
        exp(self)
    }
}

impl Wide {
    /// Lane `i` from `f(i)`.
    #[inline(always)]
    pub fn from_fn(f: impl FnMut(usize) -> f64) -> Wide {
        Wide(std::array::from_fn(f))
    }
}

macro_rules! lane_op {
    ($trait:ident, $method:ident, $assign:tt) => {
        impl $trait for Wide {
            type Output = Wide;
            #[inline(always)]
            fn $method(self, other: Wide) -> Wide {
                let mut out = self.0;
                for (a, b) in out.iter_mut().zip(other.0) {
                    *a $assign b;
                }
                Wide(out)
            }
        }
    };
}

lane_op!(Add, add, +=);
lane_op!(Sub, sub, -=);
lane_op!(Mul, mul, *=);
lane_op!(Div, div, /=);

impl Real for Wide {
    #[inline(always)]
    fn splat(x: f64) -> Wide {
        Wide([x; LANES])
    }

    #[inline(always)]
    fn exp(self) -> Wide {
        let mut out = self.0;
        for x in &mut out {
            *x = exp(*x);
        }
        Wide(out)
    }
}

/// `e^x`, within one unit in the last place, from basic operations only.
///
/// The method of fdlibm's `exp` (Sun Microsystems, 1993; the algorithm
/// musl and the `libm` crate still use): write `x = k ln 2 + r` with
/// `|r| <= ln 2 / 2`, take `e^r` from a rational approximation, and scale
/// by `2^k`. fdlibm branches on the size of `x`; this version has no
/// branch, so a group of lanes runs as one vector: `k` is rounded by the
/// `1.5 * 2^52` shift, `2^k` is built from its bits, and `x` is held to
/// `[-708, 708]`, where `2^k` stays a normal number. A portfolio's daily
/// log-return never comes near that bound; beyond it the result is
/// `e^{±708}`, not infinity or zero.
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const SHIFT: f64 = 6_755_399_441_055_744.0; // 1.5 * 2^52
    const P1: f64 = 0.166_666_666_666_666_02;
    const P2: f64 = -0.002_777_777_777_701_559_3;
    const P3: f64 = 6.613_756_321_437_934e-5;
    const P4: f64 = -1.653_390_220_546_525_2e-6;
    const P5: f64 = 4.138_136_797_057_238_5e-8;

    let x = x.clamp(-708.0, 708.0);
    // k = round(x / ln 2): the shift leaves k in the low bits of `t`.
    let t = x * std::f64::consts::LOG2_E + SHIFT;
    let k = t - SHIFT;
    // r = x - k ln 2 in two parts; k LN2_HI is exact (LN2_HI has 32
    // significant bits, |k| < 2^11).
    let hi = x - k * LN2_HI;
    let lo = k * LN2_LO;
    let r = hi - lo;
    let rr = r * r;
    let c = r - rr * (P1 + rr * (P2 + rr * (P3 + rr * (P4 + rr * P5))));
    let y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    // 2^k from its bits: the low bits of `t` hold k + 2^51 (two's
    // complement for negative k), and the shift by 52 drops the rest.
    let two_k = f64::from_bits(t.to_bits().wrapping_add(1023) << 52);
    y * two_k
}

/// `ln x` for a positive, normal, finite `x`, within about one unit in
/// the last place, from basic operations only; any other input gives an
/// unspecified finite number or NaN (callers test `x > 0` first).
///
/// The method of fdlibm's `log`: `x = 2^k m` with `m` in `[sqrt(2)/2,
/// sqrt(2))`, and `ln m` from `s = (m - 1) / (m + 1)` by a polynomial in
/// `s^2`. fdlibm picks between two final formulas by the size of `m`;
/// this one always takes the first, and has no branch, so a group of
/// lanes runs as one vector.
#[inline(always)]
pub fn ln(x: f64) -> f64 {
    const LN2_HI: f64 = 0.693_147_180_369_123_8;
    const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;
    const LG1: f64 = 0.666_666_666_666_673_5;
    const LG2: f64 = 0.399_999_999_994_094_2;
    const LG3: f64 = 0.285_714_287_436_623_9;
    const LG4: f64 = 0.222_221_984_321_497_84;
    const LG5: f64 = 0.181_835_721_616_180_5;
    const LG6: f64 = 0.153_138_376_992_093_73;
    const LG7: f64 = 0.147_981_986_051_165_86;

    let bits = x.to_bits();
    let high = bits >> 32;
    let mantissa_high = high & 0x000f_ffff;
    // Add 1 to the exponent when the mantissa is at least sqrt(2) - 1.
    let carry = (mantissa_high + 0x95f64) & 0x10_0000;
    let k = ((high >> 20) as i64) - 1023 + (carry >> 20) as i64;
    let m = f64::from_bits(((mantissa_high | (carry ^ 0x3ff0_0000)) << 32) | (bits & 0xffff_ffff));
    let f = m - 1.0;
    let s = f / (2.0 + f);
    let dk = k as f64;
    let z = s * s;
    let w = z * z;
    let t1 = w * (LG2 + w * (LG4 + w * LG6));
    let t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
    let r = t2 + t1;
    let hfsq = 0.5 * f * f;
    dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f)
}

#[cfg(test)]
#[allow(clippy::disallowed_methods, reason = "the tests hold the portable functions to the platform's")]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// Distance in units in the last place between two positive finite numbers.
    fn ulps(a: f64, b: f64) -> u64 {
        a.to_bits().abs_diff(b.to_bits())
    }

    #[test]
    fn exp_is_within_one_ulp_of_the_platforms() {
        // glibc's exp is correctly rounded on all but rare inputs; fdlibm's
        // method is within one ulp of the truth, and is expected to be off
        // by one in a few per cent of cases.
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let mut differ = 0;
        let n = 200_000;
        for i in 0..n {
            let x = match i % 4 {
                0 => rng.random_range(-0.2..0.2),   // daily log-returns
                1 => rng.random_range(-1e-9..1e-9), // near zero
                2 => rng.random_range(-50.0..50.0),
                _ => rng.random_range(-708.0..708.0),
            };
            let (ours, platform) = (exp(x), x.exp());
            assert!(ulps(ours, platform) <= 1, "exp({x}): {ours} vs {platform}");
            differ += usize::from(ours != platform);
        }
        assert!(differ < n / 10, "{differ} of {n} differ in the last place");
    }

    #[test]
    fn exp_is_exact_where_the_answer_is_exact_and_held_at_its_range() {
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-0.0), 1.0);
        // Powers of two: r = 0 exactly.
        assert_eq!(exp(10.0 * 0.693_147_180_369_123_8 + 10.0 * 1.908_214_929_270_587_7e-10), 1024.0);
        // Held to the documented range rather than overflowing.
        assert_eq!(exp(1000.0), exp(708.0));
        assert!(exp(708.0).is_finite() && exp(-708.0) > 0.0);
        assert_eq!(exp(-1000.0), exp(-708.0));
    }

    #[test]
    fn ln_is_within_two_ulps_of_the_platforms() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(8);
        for i in 0..200_000 {
            let x: f64 = match i % 3 {
                0 => rng.random_range(0.5..2.0), // month-end value over the start
                1 => rng.random_range(1e-3..1e3),
                _ => 10f64.powf(rng.random_range(-300.0..300.0)),
            };
            let (ours, platform) = (ln(x), x.ln());
            let close = ulps(ours.abs(), platform.abs()) <= 2 || (ours - platform).abs() < 1e-300;
            assert!(close && ours.signum() == platform.signum(), "ln({x}): {ours} vs {platform}");
        }
        assert_eq!(ln(1.0), 0.0);
        assert_eq!(ln(2.0), std::f64::consts::LN_2);
        assert_eq!(ln(exp(3.0)), 3.0);
    }

    #[test]
    fn a_group_gets_each_lane_the_bits_of_one_path() {
        let xs = Wide::from_fn(|i| -0.05 + 0.013 * i as f64);
        let ys = Wide::from_fn(|i| 1.0 + i as f64);
        let got = (xs * ys + Wide::splat(0.5) - xs / ys).exp();
        for i in 0..LANES {
            let (x, y) = (xs.0[i], ys.0[i]);
            assert_eq!(got.0[i].to_bits(), exp(x * y + 0.5 - x / y).to_bits(), "lane {i}");
        }
    }
}
