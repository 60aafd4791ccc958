//! What the charts show a reader: numbers in the report's language, a
//! legend that does not rely on colour, the same bytes on every run.

use plotters::prelude::*;

use super::strategies::{RiskReturn, ValueBox, risk_return_chart, value_distribution_chart};
use super::style::{FLOOR, Line};
use super::{BLUE, Mark, VERMILLION, legend, register_font};
use crate::report::i18n::Lang;

/// The text of every `<text>` element of an SVG.
fn texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim().to_string()))
        .collect()
}

fn boxes() -> Vec<ValueBox> {
    [(1, "rule", 1210.0), (2, "static", 1480.0), (3, "cppi", 1730.0)]
        .into_iter()
        .map(|(rank, name, p5)| ValueBox {
            rank,
            name: name.to_string(),
            p5,
            p25: p5 + 300.0,
            p50: p5 + 450.0,
            p75: p5 + 600.0,
            p95: p5 + 1100.0,
            mean: p5 + 500.0,
        })
        .collect()
}

fn points() -> Vec<RiskReturn> {
    [(1, 0.002, 0.041), (2, 0.03, 0.0385), (3, 0.2, 0.036)]
        .into_iter()
        .map(|(rank, p, r)| RiskReturn {
            rank,
            name: format!("s{rank}"),
            breach: (p, p * 0.8, p * 1.2),
            annual_return: (r, r - 0.001, r + 0.001),
            reference: rank == 1,
        })
        .collect()
}

/// Tick labels of amounts: digits grouped by a space in Swedish
/// (`1 500`), by a comma in English (`1,500`).
#[test]
fn amount_ticks_group_thousands_by_language() {
    let grouped = |t: &String, sep: char| {
        let mut parts = t.split(sep);
        let head = parts.next().unwrap_or_default();
        let tail: Vec<&str> = parts.collect();
        !tail.is_empty()
            && (1..=3).contains(&head.len())
            && head.chars().all(|c| c.is_ascii_digit())
            && tail.iter().all(|p| p.len() == 3 && p.chars().all(|c| c.is_ascii_digit()))
    };
    let sv = texts(&value_distribution_chart(&boxes(), 1477.0, "Värde", Lang::Sv).unwrap().svg);
    let en = texts(&value_distribution_chart(&boxes(), 1477.0, "Value", Lang::En).unwrap().svg);
    assert!(sv.iter().filter(|t| grouped(t, '\u{a0}')).count() >= 3, "{sv:?}");
    assert!(!sv.iter().any(|t| grouped(t, ',')), "{sv:?}");
    assert!(en.iter().filter(|t| grouped(t, ',')).count() >= 3, "{en:?}");
    assert!(!en.iter().any(|t| grouped(t, '\u{a0}')), "{en:?}");
}

/// Tick labels of percentages: `4,0 %` in Swedish, `4.0 %` in English,
/// and never the other language's decimal point.
#[test]
fn percent_ticks_use_the_languages_decimal_sign() {
    let percent_tick = |t: &String, point: char| {
        t.strip_suffix("\u{a0}%")
            .and_then(|n| n.split_once(point))
            .is_some_and(|(i, f)| !i.is_empty() && i.chars().chain(f.chars()).all(|c| c.is_ascii_digit()))
    };
    let sv = texts(&risk_return_chart(&points(), 10_000, "Risk", Lang::Sv).unwrap().svg);
    let en = texts(&risk_return_chart(&points(), 10_000, "Risk", Lang::En).unwrap().svg);
    assert!(sv.iter().filter(|t| percent_tick(t, ',')).count() >= 3, "{sv:?}");
    assert!(!sv.iter().any(|t| percent_tick(t, '.')), "{sv:?}");
    assert!(en.iter().filter(|t| percent_tick(t, '.')).count() >= 3, "{en:?}");
    assert!(!en.iter().any(|t| percent_tick(t, ',')), "{en:?}");
    assert!(sv.iter().any(|t| t.contains("10\u{a0}000 banor")), "{sv:?}");
}

/// The bundled font and a fixed drawing order give the same bytes on
/// every run, so a shipped chart can be compared byte for byte.
#[test]
fn rendering_twice_gives_the_same_bytes() {
    let a = value_distribution_chart(&boxes(), 1477.0, "Värde", Lang::Sv).unwrap();
    let b = value_distribution_chart(&boxes(), 1477.0, "Värde", Lang::Sv).unwrap();
    assert_eq!(a.png, b.png);
    assert_eq!(a.svg, b.svg);
    assert!(a.png.starts_with(b"\x89PNG"));
}

fn draw_legend(items: &[(Mark, &str)]) {
    register_font();
    let mut svg = String::new();
    let area = SVGBackend::with_string(&mut svg, (800, 40)).into_drawing_area();
    legend(&area, items).unwrap();
}

#[test]
fn a_legend_may_tell_lines_apart_by_dash() {
    draw_legend(&[(Mark::Line(FLOOR), "floor"), (Mark::Line(Line::main(VERMILLION)), "value")]);
}

/// Two entries that differ in colour alone would merge in a grey print.
/// The check is a debug assertion, so the test runs in debug builds.
#[test]
#[cfg(debug_assertions)]
#[should_panic(expected = "colour alone")]
fn a_legend_refuses_entries_that_differ_in_colour_alone() {
    draw_legend(&[(Mark::Line(FLOOR), "floor"), (Mark::Line(Line::limit(BLUE)), "limit")]);
}

/// Whether `text` writes a number the other language's way: for Swedish
/// a decimal point or a comma before three digits (`1,500`), for English
/// a space between digits or a decimal comma (`12,5`).
fn foreign_number(text: &str, lang: Lang) -> bool {
    let c: Vec<char> = text.chars().collect();
    let digit = |i: usize| c.get(i).is_some_and(char::is_ascii_digit);
    (1..c.len()).any(|i| {
        let between = digit(i - 1) && digit(i + 1);
        let thousands = between && digit(i + 2) && digit(i + 3) && !digit(i + 4);
        match lang {
            Lang::Sv => between && (c[i] == '.' || (c[i] == ',' && thousands)),
            Lang::En => between && (c[i] == '\u{a0}' || c[i] == ' ' || (c[i] == ',' && !thousands)),
        }
    })
}

#[test]
fn foreign_numbers_are_recognised() {
    assert!(foreign_number("1,500", Lang::Sv) && foreign_number("12.5 %", Lang::Sv));
    assert!(!foreign_number("1\u{a0}500 och 12,5\u{a0}%, 2025-08-31", Lang::Sv));
    assert!(foreign_number("1\u{a0}500", Lang::En) && foreign_number("12,5 %", Lang::En));
    assert!(!foreign_number("1,500 and 12.5\u{a0}%, 2025-08-31", Lang::En));
}

/// The suggestion's chart of the shipped scenario, every label in it: the
/// ticks, the legend's amounts and the margin's label.
#[test]
fn the_suggestion_chart_writes_every_number_in_its_language() {
    let s = crate::suggest::suggest(&crate::scenario::fixtures::shipped(), 50, 1);
    for lang in [Lang::Sv, Lang::En] {
        let labels = texts(&super::suggest_chart(&s, "Läget", lang).unwrap().svg);
        let foreign: Vec<&String> = labels.iter().filter(|t| foreign_number(t, lang)).collect();
        assert!(foreign.is_empty(), "{lang:?}: {foreign:?}");
        let own = if lang == Lang::Sv { "1\u{a0}619,0\u{a0}mkr" } else { "1,619.0\u{a0}mkr" };
        assert!(labels.iter().any(|t| t.ends_with(own)), "{lang:?}: {labels:?}");
    }
}

/// The figures that once made an axis's tick search run for ever: not a
/// number, infinities, the least positive double and the largest ones.
const POISON: [f64; 6] = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 5e-324, 1e308, -1e308];

/// Renders `draw` on a thread of its own and checks that it ends in
/// seconds, drawn or refused (a hang fails the test rather than stalls it).
fn finishes<T: Send + 'static>(what: &str, draw: impl FnOnce() -> crate::error::Result<T> + Send + 'static) {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = draw();
        let _ = tx.send(());
    });
    let ended = rx.recv_timeout(std::time::Duration::from_secs(30));
    assert!(ended.is_ok(), "{what}: still drawing after 30 s");
}

#[test]
fn axes_are_finite_ordered_and_wide_enough_to_tick() {
    for (lo, hi) in [
        (f64::NAN, f64::NAN),
        (f64::NEG_INFINITY, f64::INFINITY),
        (0.0, 0.0),
        (5e-324, 5e-324),
        (0.0, 5e-324),
        (-1e308, 1e308),
        (1e308, 1e308),
        (3.0, 1.0),
        (f64::NAN, 2.0),
    ] {
        let r = super::axis(lo..hi);
        assert!(r.start.is_finite() && r.end.is_finite(), "{lo}..{hi}: {r:?}");
        assert!(r.end - r.start >= 1e-9, "{lo}..{hi}: {r:?}");
        assert!(r.start.abs() <= 1e15 && r.end.abs() <= 1e15, "{lo}..{hi}: {r:?}");
    }
    assert_eq!(super::axis(1.0..3.0), 1.0..3.0);
}

#[test]
fn titles_and_labels_are_cut_with_an_ellipsis() {
    let long = "å".repeat(1_000_000);
    let cut = super::short(&long);
    assert_eq!(cut.chars().count(), 201);
    assert!(cut.ends_with('…'));
    assert_eq!(super::short("Läget"), "Läget");
    assert_eq!(super::short(&"x".repeat(200)), "x".repeat(200));
}

#[test]
fn a_replay_of_extreme_prices_draws_in_seconds() {
    use crate::prices::PriceSeries;
    use crate::replay::{FixedIncome, ReplayConfig, replay};
    let config = ReplayConfig {
        from: None,
        to: None,
        start_value: 1000.0,
        start_equity: 0.5,
        policy: crate::rule::Policy::DOCUMENT_DEFAULTS,
        fixed_income: FixedIncome::Rate(0.02),
        window: None,
    };
    for price in [5e-324, 1e308, f64::MAX] {
        let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let dates: Vec<_> = (0..40).map(|d| start + chrono::Days::new(d)).collect();
        let mut prices = vec![100.0; 40];
        prices[20] = price;
        let series = PriceSeries { source: "p.csv".into(), dates, prices };
        let r = replay(&series, &config).unwrap();
        finishes(&format!("replay of a price {price}"), move || {
            super::replay_chart(&r, &long_title(), Lang::En)
        });
    }
}

fn long_title() -> String {
    "n".repeat(1_000_000)
}

#[test]
fn the_suggestion_chart_of_non_finite_figures_draws_in_seconds() {
    let s = crate::suggest::suggest(&crate::scenario::fixtures::shipped(), 50, 1);
    for v in POISON {
        let mut s = s.clone();
        s.position.value = v;
        s.position.floor = v;
        s.month_ends[3].value = v;
        finishes(&format!("suggest with {v}"), move || super::suggest_chart(&s, &long_title(), Lang::En));
    }
}

#[test]
fn the_comparisons_charts_of_non_finite_figures_draw_in_seconds() {
    for v in POISON {
        let mut b = boxes();
        b[1].p5 = v;
        b[2].p95 = v;
        b[0].name = long_title();
        finishes(&format!("values with {v}"), move || {
            value_distribution_chart(&b, 1000.0, &long_title(), Lang::En)
        });
        let mut p = points();
        p[1].annual_return = (v, v, v);
        p[2].breach = (v, v, v);
        finishes(&format!("risk-return with {v}"), move || {
            risk_return_chart(&p, 100, &long_title(), Lang::En)
        });
    }
}

/// Every chart draws through [`super::ValueAxis`]: a consolidation outlook
/// and a stress with poisoned figures draw (or are refused) in seconds.
#[test]
fn the_consolidation_and_stress_charts_of_non_finite_figures_draw_in_seconds() {
    let scenario = crate::scenario::fixtures::shipped();
    let simulation =
        crate::scenario::Simulation { paths: 8, seed: 1, horizon_months: 12, variance_reduction: false };
    let obligations = scenario.obligations().expect("the shipped scenario has [obligations]");
    let o =
        crate::obligations::outlook(&scenario.start(), obligations, simulation, &|_| {}).expect("an outlook");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/stress/stagflation.toml");
    let stress = crate::stress::file::load(&path).expect("a shipped stress");
    let options = crate::stress::RunOptions { paths: 8, seed: 1 };
    let r = crate::stress::run(&scenario, &stress, options).expect("it runs");
    let valuation = scenario.valuation_date();
    for v in POISON {
        let mut o = o.clone();
        o.years[0].whole = v;
        o.years[1].portfolio = v;
        o.years[2].ratio.p50 = v;
        o.start.portfolio = v;
        finishes(&format!("consolidation with {v}"), move || {
            super::consolidation_chart(&o, valuation, &long_title(), Lang::En)
        });
        let mut r = r.clone();
        r.days[5].value = v;
        r.days[6].floor = v;
        r.days[7].equity = v;
        r.path[3].value = v;
        finishes(&format!("stress with {v}"), move || crate::report::stress::chart(&r, Lang::En));
    }
}

/// A value axis maps every figure to a pixel near the chart: one span
/// off either end at most, a non-finite one in the middle.
#[test]
fn the_value_axis_maps_every_figure_near_the_chart() {
    use plotters::coord::ranged1d::Ranged;
    let y = super::ValueAxis::from(0.0..100.0);
    assert_eq!(y.map(&50.0, (0, 400)), 200);
    assert_eq!(y.map(&1e308, (0, 400)), 800);
    assert_eq!(y.map(&-1e308, (0, 400)), -400);
    assert_eq!(y.map(&f64::NAN, (0, 400)), 200);
    assert_eq!(y.map(&5e-324, (0, 400)), 0);
    assert_eq!(super::ValueAxis::from(f64::NAN..f64::INFINITY).range(), 0.0..1.0);
}
