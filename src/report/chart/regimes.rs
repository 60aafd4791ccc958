//! The calibration's chart: the fitted history above, and under it each
//! month's smoothed probability of each regime, stacked, so a reader sees
//! which months the fit calls a crisis.

#![allow(clippy::disallowed_methods, reason = "a chart's axis labels")]

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{BLUE, Line, ORANGE, VERMILLION};
use super::{Chart, DrawResult, Mark, date_panel, legend, page, render};
use crate::calibrate::{Calibration, Factor};
use crate::error::Result;
use crate::report::i18n::{Lang, number, percent};
use crate::report::terms::{term, term_in, term_with};

/// A regime's name in the report's language.
pub fn regime_label(name: &str, lang: Lang) -> &str {
    term_in("chart.regimes.name", name, lang).unwrap_or(name)
}

/// A factor's name in the report's language: the equities' and the
/// currency's as the model-beside-history table writes them.
pub fn factor_label(f: Factor, lang: Lang) -> &'static str {
    use crate::market::{GLOBAL_EQUITY, SEK_PER_USD, SWEDISH_EQUITY};
    use crate::report::implied::factor_name;
    match (f, lang) {
        (Factor::SwedishEquity, _) => factor_name(SWEDISH_EQUITY, lang),
        (Factor::GlobalEquity, _) => factor_name(GLOBAL_EQUITY, lang),
        (Factor::SekPerUsd, _) => factor_name(SEK_PER_USD, lang),
        (Factor::ShortRate, _) => term("chart.regimes.short_rate", lang),
        (Factor::Inflation, _) => "Inflation",
    }
}

/// Colour and fill of regime `k` of `n`, calmest first; each fill differs
/// in opacity too, so the legend tells them apart in grey.
fn look(k: usize, n: usize) -> (RGBColor, f64) {
    match (n, k) {
        (1, _) => (BLUE, 0.35),
        (_, 0) => (BLUE, 0.30),
        (3, 1) => (ORANGE, 0.55),
        _ => (VERMILLION, 0.75),
    }
}

/// The chart of `c`: the first return factor's index (log scale), and the
/// smoothed regime probabilities.
pub fn regime_chart(c: &Calibration, lang: Lang) -> Result<Chart> {
    render!("regimes", |root| draw(&root, c, lang))
}

fn draw<DB: DrawingBackend>(root: &DrawingArea<DB, Shift>, c: &Calibration, lang: Lang) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let factor = factor_label(c.return_factors[0], lang);
    let (from, to) = (c.dates[0], c.dates[c.dates.len() - 1]);
    let title =
        term_with("chart.regimes.title", lang, &[("from", &from.format("%Y")), ("to", &to.format("%Y"))]);
    let [top_legend, top, bottom_legend, bottom] = page(root, &title, 50)?;
    let index_label = term_with("chart.regimes.factor_index_start_100_log", lang, &[("factor", &factor)]);
    legend(&top_legend, &[(Mark::Line(Line::main(BLUE)), &index_label)])?;
    let names: Vec<String> = c
        .regimes
        .iter()
        .map(|r| {
            let p = term("chart.regimes.probability", lang);
            format!("{} ({p})", regime_label(&r.name, lang))
        })
        .collect();
    let n = c.regimes.len();
    let items: Vec<(Mark, &str)> = names
        .iter()
        .enumerate()
        .map(|(k, name)| {
            let (colour, opacity) = look(k, n);
            (Mark::Band(colour, opacity), name.as_str())
        })
        .collect();
    legend(&bottom_legend, &items)?;

    // The index in base-10 logs, from 100 at the month before the first
    // return, so that the axis's round ticks are powers of ten and their
    // halves.
    let mut level = 2.0;
    let mut points: Vec<(NaiveDate, f64)> = Vec::with_capacity(c.dates.len());
    for (i, d) in c.dates.iter().enumerate() {
        level += c.returns[[i, 0]] / std::f64::consts::LN_10;
        points.push((*d, level));
    }
    let lo = points.iter().map(|p| p.1).fold(2.0, f64::min);
    let hi = points.iter().map(|p| p.1).fold(2.0, f64::max);
    let pad = (hi - lo).max(1e-6) * 0.05;
    let y_label = |v: &f64| number(10f64.powf(*v), 0, lang);
    let mut panel = date_panel(&top, from..to, (lo - pad)..(hi + pad), "index", &y_label)?;
    Line::main(BLUE).draw(&mut panel, points)?;

    let probability = term("chart.regimes.probability_2", lang);
    let mut panel = date_panel(&bottom, from..to, 0.0..1.0, probability, &|v| percent(*v, 0, lang))?;
    // Stacked: regime k fills from the sum of the calmer ones to that sum
    // plus its own probability.
    let mut below = vec![0.0; c.dates.len()];
    for k in 0..n {
        let (colour, opacity) = look(k, n);
        let above: Vec<f64> = below.iter().enumerate().map(|(i, b)| b + c.fit.smoothed[[i, k]]).collect();
        let mut outline: Vec<(NaiveDate, f64)> = c.dates.iter().copied().zip(above.iter().copied()).collect();
        outline.extend(c.dates.iter().copied().zip(below.iter().copied()).rev());
        panel.draw_series(std::iter::once(Polygon::new(outline, colour.mix(opacity).filled())))?;
        below = above;
    }
    root.present()?;
    Ok(())
}
