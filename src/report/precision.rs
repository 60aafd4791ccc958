//! How sure a simulated figure is, as printed: a probability's estimate
//! with its 95 % interval (`stats::interval`), and how many paths a
//! figure rests on and how many would halve its interval.
//!
//! One rule everywhere: a probability with no hits reads `< x`, the upper
//! end of its interval rounded up (so the statement stays true); one with
//! fewer than [`SMALL_COUNT`] hits (or misses) reads `p (lo–hi)` inline;
//! any other reads as before, its interval in a table's interval column
//! where the table has one. A table with a standard-error column gains a
//! 95 % interval column beside it.

use super::i18n::{Lang, number, percent};
use super::terms::{term, term_with};
use crate::stats::interval::{SMALL_COUNT, Sample, paths_to_halve, paths_to_halve_bound};

/// Decimals that give a percentage of `share` two significant digits,
/// one to three.
#[allow(clippy::disallowed_methods, reason = "a printed figure's decimals, not a path's step")]
fn decimals(share: f64) -> usize {
    let pct = (share * 100.0).abs();
    if pct <= 0.0 || !pct.is_finite() {
        return 2;
    }
    (1.0 - pct.log10().floor()).clamp(1.0, 3.0) as usize
}

/// Whether `sample` had no hits.
pub fn no_hits(sample: Sample) -> bool {
    sample.effective().1 <= 0.0
}

/// Whether every path of `sample` hit.
pub fn all_hits(sample: Sample) -> bool {
    let (n, hits) = sample.effective();
    n > 0.0 && hits >= n
}

/// Whether `sample` hit on no path or on every one: its standard error is
/// then 0 and would read as certainty, so it is not shown.
pub fn certain(sample: Sample) -> bool {
    no_hits(sample) || all_hits(sample)
}

/// Whether `sample` had fewer than [`SMALL_COUNT`] hits or misses (but
/// some hits).
pub fn small(sample: Sample) -> bool {
    let (n, hits) = sample.effective();
    hits > 0.0 && hits < n && (hits < SMALL_COUNT || n - hits < SMALL_COUNT)
}

/// `x` percent to `decimals`, rounded down (`up`: up), so that an
/// interval printed is never narrower than the one computed.
fn rounded(share: f64, decimals: usize, up: bool, lang: Lang) -> String {
    let scale = 10f64.powi(decimals as i32);
    // Shed the last bits of a product like 0.5 * 100 before rounding.
    let x = (share * 100.0 * scale * 1e9).round() / 1e9;
    let x = if up { x.ceil() } else { x.floor() };
    number(x / scale, decimals, lang)
}

/// `< 0,19 %`: the upper end `hi` of an interval, rounded up to two
/// significant digits.
pub fn bound(hi: f64, lang: Lang) -> String {
    format!("< {}\u{a0}%", rounded(hi, decimals(hi), true, lang))
}

/// `> 99,8 %`: the lower end `lo` of an interval, rounded down, for a
/// probability that every path hit.
pub fn lower_bound(lo: f64, lang: Lang) -> String {
    format!("> {}\u{a0}%", rounded(lo, decimals(1.0 - lo), false, lang))
}

/// `0,10–0,40 %`, to `decimals` of a percent, rounded outwards.
pub fn interval(ci: [f64; 2], decimals: usize, lang: Lang) -> String {
    format!("{}–{}\u{a0}%", rounded(ci[0], decimals, false, lang), rounded(ci[1], decimals, true, lang))
}

/// `lo–hi` of a mean's interval, with spaces around the dash when an
/// end is negative (`-8,1 – -7,4`).
pub fn range(lo: String, hi: String) -> String {
    if lo.starts_with(['-', '−']) || hi.starts_with(['-', '−']) {
        format!("{lo} – {hi}")
    } else {
        format!("{lo}–{hi}")
    }
}

/// A probability's interval as a table's interval column shows it, to
/// two significant digits of its upper end (at least `decimals`).
pub fn interval_cell(ci: [f64; 2], decimals: usize, lang: Lang) -> String {
    interval(ci, self::decimals(ci[1].min(1.0 - ci[0])).max(decimals), lang)
}

/// A probability as an estimate column shows it: `< x` with no hits,
/// else the percentage to `decimals`.
pub fn estimate(p: f64, ci: [f64; 2], sample: Sample, decimals: usize, lang: Lang) -> String {
    if no_hits(sample) {
        bound(ci[1], lang)
    } else if all_hits(sample) {
        lower_bound(ci[0], lang)
    } else {
        percent(p, decimals, lang)
    }
}

/// A probability inline, with no interval column beside it: `< x` with
/// no hits, `p (lo–hi)` for a small count, else the percentage to
/// `decimals`.
pub fn probability(p: f64, ci: [f64; 2], sample: Sample, decimals: usize, lang: Lang) -> String {
    if no_hits(sample) {
        bound(ci[1], lang)
    } else if all_hits(sample) {
        lower_bound(ci[0], lang)
    } else if small(sample) {
        let d = self::decimals(ci[1].min(1.0 - ci[0])).max(decimals);
        format!("{} ({})", percent(p, d, lang), interval(ci, d, lang))
    } else {
        percent(p, decimals, lang)
    }
}

/// `n` to two significant digits, rounded up: the paths that would do.
fn about(n: usize) -> usize {
    let mut scale = 1;
    while n / scale >= 100 {
        scale *= 10;
    }
    n.div_ceil(scale) * scale
}

/// What every interval is, one line.
pub fn definition(lang: Lang) -> String {
    term_with("precision.definition", lang, &[("small", &number(SMALL_COUNT, 0, lang))])
}

/// How many paths the figures rest on and how many would halve their
/// intervals, one line; `bound` when some probability had no hits (its
/// bound halves sooner), `paired` under antithetic pairs.
pub fn paths_line(paths: usize, paired: bool, bound: bool, lang: Lang) -> String {
    let count = |n: usize| number(n as f64, 0, lang);
    // The paths in all rounded up, and the more the difference, so that
    // the two add up.
    let halve = about(paths_to_halve(paths));
    let mut line = term_with(
        "precision.paths",
        lang,
        &[("paths", &count(paths)), ("halve", &count(halve)), ("more", &count(halve - paths))],
    );
    if bound {
        let b = about(paths_to_halve_bound(paths));
        line.push_str(&term_with(
            "precision.bound",
            lang,
            &[("halve", &count(b)), ("more", &count(b.saturating_sub(paths)))],
        ));
    }
    if paired {
        line.push_str(term("precision.paired", lang));
    }
    line.push('.');
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::interval::probability_interval;

    #[test]
    fn no_hits_print_as_a_bound_and_few_with_their_interval() {
        let zero = Sample::Plain { hits: 0, n: 2000 };
        let ci = probability_interval(zero);
        assert_eq!(probability(0.0, ci, zero, 1, Lang::Sv), "< 0,19\u{a0}%");
        assert_eq!(probability(0.0, ci, zero, 1, Lang::En), "< 0.19\u{a0}%");
        let four = Sample::Plain { hits: 4, n: 2000 };
        let ci = probability_interval(four);
        assert_eq!(probability(0.002, ci, four, 1, Lang::Sv), "0,20\u{a0}% (0,05–0,52\u{a0}%)");
        let all = Sample::Plain { hits: 2000, n: 2000 };
        let ci = probability_interval(all);
        assert_eq!(estimate(1.0, ci, all, 1, Lang::En), "> 99.81\u{a0}%");
        assert!(certain(all) && certain(zero) && !certain(four));
        let many = Sample::Plain { hits: 862, n: 2000 };
        let ci = probability_interval(many);
        assert_eq!(probability(0.431, ci, many, 1, Lang::En), "43.1\u{a0}%");
        assert_eq!(estimate(0.431, ci, many, 1, Lang::En), "43.1\u{a0}%");
        assert!(!small(many) && small(Sample::Plain { hits: 1950, n: 2000 }));
    }

    #[test]
    fn the_paths_line_says_how_many_would_halve() {
        let line = paths_line(2000, false, true, Lang::En);
        assert!(line.contains("2,000") && line.contains("8,000") && line.contains("6,000"), "{line}");
        assert!(line.contains("4,100") && line.contains("2,100"), "{line}");
        assert_eq!((about(4002), about(99), about(123_456)), (4100, 99, 130_000));
    }
}
