//! Stress results as users see them: the table across all stresses, each
//! stress's trades, `stress.csv`, and a chart per stress (value, floor and
//! the unmanaged portfolio above, the equity share as a step line below,
//! the rule's trades marked in both). The printout is a [`Document`]
//! written by its text renderer. Nothing is computed here but the
//! presentation.

use std::fmt::Write;

use chrono::NaiveDate;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::style::{CAP, FAN, FLOOR, Line, MAX_EQUITY, OUTER_BAND, REAL_VALUE, VALUE, WITHOUT_RULE};
use super::chart::{Chart, DrawResult, GREEN, Mark, VERMILLION, date_panel_with, legend, page, render};
use super::document::{self, Column, Document, Layout};
use super::i18n::{Lang, Term, mkr, number, percent};
use super::precision;
use super::table::{Cell, Table};
use super::terms::term;
use crate::error::Result;
use crate::scenario::Scenario;
use crate::stats::interval::{Sample, probability_interval};
use crate::stress::StressResult;

fn title(r: &StressResult, lang: Lang) -> &str {
    if lang == Lang::Sv { &r.title_sv } else { &r.title_en }
}

/// Trading days as a duration a reader knows: days, or months of 21.
fn duration(days: usize, lang: Lang) -> String {
    if days < 42 {
        format!("{days} {}", term("stress.days", lang))
    } else {
        format!("{} {}", number(days as f64 / 21.0, 0, lang), term("stress.months", lang))
    }
}

/// The table across all stresses, then each stress's trades and (for a
/// conditional stress) its Monte Carlo figures, as terminal text.
pub fn table(scenario: &Scenario, results: &[StressResult], lang: Lang) -> String {
    document::text(&table_document(scenario, results, lang), None)
}

/// The printout as a document: the table across all stresses, ruled
/// under its column names, each stress's details under its name, and
/// the note on the measures.
pub fn table_document(scenario: &Scenario, results: &[StressResult], lang: Lang) -> Document {
    let heading = term("stress.stress_tests_under_the_dynamic", lang);
    let mut d = Document::new(lang, heading);
    d.heading(1, heading);
    d.para(scenario.name().to_string());
    let pct = |x: f64| percent(x, 1, lang);
    let head = [
        term("stress.stress", lang),
        term("stress.period", lang),
        term("stress.down_weightings", lang),
        term("stress.equity_share_start_lowest", lang),
        Term::LowestMargin.text(lang),
        term("stress.floor_breached", lang),
        term("stress.rule_vs_buy_and_hold", lang),
        term("stress.fall_peak_to_trough", lang),
        term("stress.recovered_the_high", lang),
    ];
    let mut rows = Table::new("stress", heading, &head);
    for r in results {
        let downs = match r.downweights.first() {
            None => "0".into(),
            Some(d) => format!("{} ({} {})", r.downweights.len(), term("stress.first", lang), d.date),
        };
        let breach = if r.breach_days == 0 {
            term("stress.no", lang).to_string()
        } else {
            format!(
                "{} {}, {} {}",
                r.breach_days,
                term("stress.days", lang),
                term("stress.deepest", lang),
                pct(r.worst_breach_depth)
            )
        };
        let rec = &r.recovery;
        let recovered = match (rec.recovered_date, rec.trading_days_to_recover) {
            (Some(d), Some(n)) => format!("{d} ({})", duration(n, lang)),
            _ if rec.trough_value >= rec.peak_value => term("stress.no_fall", lang).into(),
            _ => term("stress.not_recovered", lang).into(),
        };
        rows.push(
            [
                r.name.clone(),
                format!("{} – {}", r.start_date, r.end_date),
                downs,
                format!("{} → {}", pct(r.start_equity_share), pct(r.lowest_equity_share)),
                format!("{} ({})", pct(r.min_margin), r.min_margin_date),
                breach,
                percent(r.vs_buy_and_hold, 1, lang),
                pct(1.0 - rec.trough_value / rec.peak_value),
                recovered,
            ]
            .map(Cell::text)
            .to_vec(),
        );
    }
    d.indent(2);
    d.table_with(rows, Layout { header: true, rule: true, columns: vec![Column::LEFT; head.len()] });
    for r in results {
        details(&mut d, r, lang);
    }
    d.indent(0);
    d.gap();
    d.para(term("stress.rule_vs_buy_and_hold_2", lang));
    d
}

fn details(d: &mut Document, r: &StressResult, lang: Lang) {
    let pct = |x: f64| percent(x, 1, lang);
    d.heading(2, format!("{}: {}", r.name, title(r, lang)));
    d.indent(2);
    let source = if lang == Lang::Sv { &r.source_sv } else { &r.source };
    d.para(format!("{}: {}", term("stress.source", lang), source));
    d.para(format!(
        "{} {}: {} {}, {} {}, {} {}, {} {}",
        term("stress.start", lang),
        r.start_date,
        Term::MarketValue.text(lang).to_lowercase(),
        mkr(r.start_value, 1, lang),
        Term::EquityShare.text(lang).to_lowercase(),
        pct(r.start_equity_share),
        Term::Floor.text(lang).to_lowercase(),
        mkr(r.start_floor, 1, lang),
        Term::Margin.text(lang).to_lowercase(),
        pct(r.start_margin),
    ));
    let trades: Vec<_> = r
        .downweights
        .iter()
        .map(|d| (d, Term::DownWeighting))
        .chain(r.upweights.iter().map(|u| (u, Term::UpWeighting)))
        .collect();
    let mut trades = trades;
    trades.sort_by_key(|(d, _)| d.date);
    for (trade, kind) in trades {
        d.para(format!(
            "{}  {:<14} {} → {}  {}",
            trade.date,
            kind.text(lang),
            pct(trade.equity_before),
            pct(trade.equity_after),
            mkr(trade.amount, 1, lang)
        ));
    }
    d.para(format!(
        "{}: {} ({} {}: {}); {}: {}",
        Term::FinalValue.text(lang),
        mkr(r.final_value, 1, lang),
        term("stress.without_the_rule", lang),
        term("stress.held", lang),
        mkr(r.buy_and_hold_final_value, 1, lang),
        Term::EquityShare.text(lang),
        pct(r.final_equity_share),
    ));
    if let Some(real) = r.real_value_change {
        d.para(format!(
            "{}: {}",
            term("stress.change_in_value_after_inflation", lang),
            percent(real, 1, lang)
        ));
    }
    if let Some(m) = &r.monte_carlo {
        // A probability no path reached has no standard error to speak of.
        // With fewer than 100 hits, its interval beside it
        // (`report::precision`).
        let pm = |p: f64, se: f64| {
            let sample = Sample::Plain { hits: (p * m.paths as f64).round() as usize, n: m.paths };
            let ci = probability_interval(sample);
            if p == 0.0 {
                format!(
                    "0 {} {} ({})",
                    term("stress.of", lang),
                    number(m.paths as f64, 0, lang),
                    precision::bound(ci[1], lang)
                )
            } else if precision::small(sample) || precision::all_hits(sample) {
                precision::probability(p, ci, sample, 1, lang)
            } else {
                format!("{} ± {}", pct(p), percent(se, 1, lang))
            }
        };
        d.para(format!(
            "{} ({} {}, {} {} {}, {} {}):",
            term("stress.monte_carlo_after_the_shock", lang),
            number(m.paths as f64, 0, lang),
            term("stress.paths", lang),
            m.months,
            term("stress.months_from", lang),
            m.start_date,
            term("stress.regime", lang),
            m.start_regime,
        ));
        let rows = [
            (term("stress.at_least_one_more_down", lang), pm(m.p_downweight, m.p_downweight_se)),
            (term("stress.at_least_one_up_weighting", lang), pm(m.p_upweight, m.p_upweight_se)),
            (term("stress.a_day_under_the_floor", lang), pm(m.p_breach, m.p_breach_se)),
            (term("stress.back_at_the_high_before", lang), pm(m.p_recovered, m.p_recovered_se)),
            (
                term("stress.final_value_mean", lang),
                format!("{} ± {}", mkr(m.final_value_mean, 1, lang), mkr(m.final_value_mean_se, 1, lang)),
            ),
            (
                term("stress.final_value_5_50_95", lang),
                format!(
                    "{} / {} / {}",
                    mkr(m.final_value_p05, 0, lang),
                    mkr(m.final_value_p50, 0, lang),
                    mkr(m.final_value_p95, 0, lang)
                ),
            ),
            (
                term("stress.equity_share_at_month_12", lang),
                format!(
                    "{} ± {}",
                    pct(m.equity_share_12m_mean),
                    percent(m.equity_share_12m_mean_se, 1, lang)
                ),
            ),
        ];
        let mut table = Table::new("stress-monte-carlo", r.name.as_str(), &["measure", "value"]);
        for (k, v) in rows {
            table.push(vec![Cell::text(k), Cell::text(v)]);
        }
        d.indent(4);
        d.table_with(table, Layout::rows(&[Column::LEFT, Column::LEFT]));
    }
}

/// `stress.csv`: one row a stress, shares as fractions, amounts in mkr.
pub fn csv(results: &[StressResult]) -> String {
    let mut out = String::from(
        "name,kind,start_date,end_date,trading_days,start_value,start_equity_share,start_margin,\
         downweights,first_downweight,upweights,lowest_equity_share,min_margin,min_margin_date,\
         breach_days,worst_breach_depth,final_value,buy_and_hold_final_value,vs_buy_and_hold,\
         max_drawdown,buy_and_hold_max_drawdown,peak_date,trough_date,recovered_date,\
         trading_days_to_recover,real_value_change,mc_paths,mc_months,mc_p_downweight,mc_p_breach,\
         mc_p_recovered,mc_final_value_p05,mc_final_value_p50,mc_final_value_p95\n",
    );
    let opt = |x: Option<String>| x.unwrap_or_default();
    for r in results {
        let rec = &r.recovery;
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.name,
            r.kind,
            r.start_date,
            r.end_date,
            r.trading_days,
            r.start_value,
            r.start_equity_share,
            r.start_margin,
            r.downweights.len(),
            opt(r.downweights.first().map(|d| d.date.to_string())),
            r.upweights.len(),
            r.lowest_equity_share,
            r.min_margin,
            r.min_margin_date,
            r.breach_days,
            r.worst_breach_depth,
            r.final_value,
            r.buy_and_hold_final_value,
            r.vs_buy_and_hold,
            r.max_drawdown,
            r.buy_and_hold_max_drawdown,
            rec.peak_date,
            rec.trough_date,
            opt(rec.recovered_date.map(|d| d.to_string())),
            opt(rec.trading_days_to_recover.map(|d| d.to_string())),
            opt(r.real_value_change.map(|x| x.to_string())),
            match &r.monte_carlo {
                Some(m) => format!(
                    "{},{},{},{},{},{},{},{}",
                    m.paths,
                    m.months,
                    m.p_downweight,
                    m.p_breach,
                    m.p_recovered,
                    m.final_value_p05,
                    m.final_value_p50,
                    m.final_value_p95
                ),
                None => ",,,,,,,".to_string(),
            },
        );
    }
    out
}

/// The stress's chart in SVG and PNG.
pub fn chart(r: &StressResult, lang: Lang) -> Result<Chart> {
    render!(&r.name, |root| draw(root, r, lang))
}

fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, r: &StressResult, lang: Lang) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let heading = match &r.monte_carlo {
        None => format!("{} ({} – {})", title(r, lang), r.start_date, r.end_date),
        Some(m) => format!(
            "{} ({} – {}; Monte Carlo {} {})",
            title(r, lang),
            r.start_date,
            r.end_date,
            term("stress.to", lang),
            m.month_end_dates.last().copied().unwrap_or(r.end_date)
        ),
    };
    let [top_legend, top, bottom_legend, bottom] = page(&root, &heading, 58)?;
    let mc = r.monte_carlo.as_ref();
    // The value in the start's money, when inflation changes the story
    // (two points or more over the stress).
    let real: Vec<(NaiveDate, f64)> = match r.real_value_change {
        Some(x) if (x - (r.final_value / r.start_value - 1.0)).abs() >= 0.02 => {
            r.path.iter().filter_map(|p| p.real_value.map(|v| (p.date, v))).collect()
        }
        _ => Vec::new(),
    };
    let mut top_items = vec![
        (Mark::Line(VALUE), Term::WithRule.text(lang)),
        (Mark::Line(FLOOR), Term::Floor.text(lang)),
        (Mark::Line(WITHOUT_RULE), Term::BuyAndHold.text(lang)),
        (Mark::Cross(VERMILLION), Term::DownWeighting.text(lang)),
        (Mark::Triangle(GREEN), Term::UpWeighting.text(lang)),
    ];
    if !real.is_empty() {
        // Room for one more entry: the short name of the unmanaged line.
        top_items[2].1 = term("stress.without_the_rule_2", lang);
        top_items.push((Mark::Line(REAL_VALUE), term("stress.with_the_rule_after_inflation", lang)));
    }
    legend(&top_legend, &top_items)?;
    let mut bottom_items = vec![
        (Mark::Line(VALUE), Term::EquityShare.text(lang)),
        (Mark::Line(MAX_EQUITY), Term::MaxEquityShare.text(lang)),
        (Mark::Line(CAP), Term::Cap.text(lang)),
    ];
    if mc.is_some() {
        bottom_items.push((Mark::Band(FAN, OUTER_BAND), term("stress.monte_carlo_5_95_of", lang)));
    }
    legend(&bottom_legend, &bottom_items)?;
    let x0 = r.start_date;
    let x1 = mc.and_then(|m| m.month_end_dates.last().copied()).unwrap_or(r.end_date);
    let span_days = (x1 - x0).num_days();
    // Room after the last day, so its trade's mark is not cut in half.
    let x1 = x1 + chrono::Days::new((span_days / 60).max(1) as u64);
    let format = if span_days <= 550 { "%Y-%m-%d" } else { "%Y-%m" };

    let mut lo = r.start_floor.min(r.start_value);
    let mut hi = r.start_value;
    for d in &r.days {
        for v in [d.value, d.floor, d.buy_and_hold] {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    if let Some(m) = mc {
        for q in &m.value_fan {
            lo = lo.min(q[1]);
            hi = hi.max(q[5]);
        }
    }
    for (_, v) in &real {
        lo = lo.min(*v);
        hi = hi.max(*v);
    }
    let pad = (hi - lo).max(1e-9) * 0.06;
    let value_label = format!("{} (mkr)", Term::MarketValue.text(lang));
    let mut chart = date_panel_with(
        &top,
        x0..x1,
        (lo - pad)..(hi + pad),
        &value_label,
        &|v| number(*v, 0, lang),
        format,
    )?;
    let start = std::iter::once((x0, r.start_value));
    WITHOUT_RULE
        .draw(&mut chart, start.clone().chain(r.days.iter().map(|d| (d.date, d.buy_and_hold))).collect())?;
    // The floor from the stress's first day: it is a step (it moves only
    // at month-ends), drawn as one.
    FLOOR.draw(
        &mut chart,
        steps(std::iter::once((x0, r.start_floor)).chain(r.days.iter().map(|d| (d.date, d.floor)))),
    )?;
    if !real.is_empty() {
        REAL_VALUE
            .draw(&mut chart, std::iter::once((x0, r.start_value)).chain(real.iter().copied()).collect())?;
    }
    VALUE.draw(&mut chart, start.chain(r.days.iter().map(|d| (d.date, d.value))).collect())?;
    if let Some(m) = mc {
        let last = (r.end_date, r.final_value);
        let band: Vec<(NaiveDate, f64)> = std::iter::once(last)
            .chain(m.month_end_dates.iter().zip(&m.value_fan).map(|(d, q)| (*d, q[5])))
            .chain(m.month_end_dates.iter().zip(&m.value_fan).rev().map(|(d, q)| (*d, q[1])))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(band, FAN.mix(OUTER_BAND).filled())))?;
        Line::main(FAN).draw(
            &mut chart,
            std::iter::once(last)
                .chain(m.month_end_dates.iter().zip(&m.value_fan).map(|(d, q)| (*d, q[3])))
                .collect(),
        )?;
        let floor = (r.end_date, r.days.last().map_or(r.start_floor, |d| d.floor));
        FLOOR.draw(
            &mut chart,
            steps(
                std::iter::once(floor)
                    .chain(m.month_end_dates.iter().zip(&m.floor_fan).map(|(d, q)| (*d, q[3]))),
            ),
        )?;
    }
    let downs = r.days.iter().filter(|d| d.day.down.is_some());
    let ups = r.days.iter().filter(|d| d.day.up.is_some());
    chart.draw_series(downs.clone().map(|d| Cross::new((d.date, d.value), 7, VERMILLION.stroke_width(3))))?;
    chart.draw_series(ups.clone().map(|d| TriangleMarker::new((d.date, d.value), 8, GREEN.filled())))?;

    let mut shares = date_panel_with(
        &bottom,
        x0..x1,
        0.0..1.0,
        Term::EquityShare.text(lang),
        &|v| percent(*v, 0, lang),
        format,
    )?;
    let cap = r.policy.cap;
    CAP.draw(&mut shares, vec![(x0, cap), (x1, cap)])?;
    let start_max = r.policy.max_equity_share(r.start_margin);
    MAX_EQUITY.draw(
        &mut shares,
        std::iter::once((x0, start_max)).chain(r.days.iter().map(|d| (d.date, d.max_equity))).collect(),
    )?;
    VALUE.draw(
        &mut shares,
        steps(std::iter::once((x0, r.start_equity_share)).chain(r.days.iter().map(|d| (d.date, d.equity)))),
    )?;
    if let Some(m) = mc {
        let last = (r.end_date, r.final_equity_share);
        let band: Vec<(NaiveDate, f64)> = std::iter::once(last)
            .chain(m.month_end_dates.iter().zip(&m.equity_fan).map(|(d, q)| (*d, q[5])))
            .chain(m.month_end_dates.iter().zip(&m.equity_fan).rev().map(|(d, q)| (*d, q[1])))
            .collect();
        shares.draw_series(std::iter::once(Polygon::new(band, FAN.mix(OUTER_BAND).filled())))?;
        Line::main(FAN).draw(
            &mut shares,
            std::iter::once(last)
                .chain(m.month_end_dates.iter().zip(&m.equity_fan).map(|(d, q)| (*d, q[3])))
                .collect(),
        )?;
    }
    shares.draw_series(downs.map(|d| Cross::new((d.date, d.equity), 7, VERMILLION.stroke_width(3))))?;
    shares.draw_series(ups.map(|d| TriangleMarker::new((d.date, d.equity), 8, GREEN.filled())))?;
    root.present()?;
    Ok(())
}

/// A step line through `points`: each value holds until the next point's
/// date, then jumps.
fn steps(points: impl Iterator<Item = (NaiveDate, f64)>) -> Vec<(NaiveDate, f64)> {
    let mut out: Vec<(NaiveDate, f64)> = Vec::new();
    for (d, v) in points {
        if let Some(&(_, prev)) = out.last() {
            out.push((d, prev));
        }
        out.push((d, v));
    }
    out
}

/// Every file `stress` writes, in order: stress.json, stress.csv, and
/// each stress's chart as SVG and PNG; `scenario_file` is the scenario's
/// path as the user gave it.
pub fn files(
    scenario_file: &std::path::Path,
    options: crate::stress::RunOptions,
    policy: &crate::rule::Policy,
    results: &[StressResult],
    lang: Lang,
) -> Result<Vec<super::run::File>> {
    let json = super::summary::stress(scenario_file, options, policy, results)?;
    let mut files: Vec<super::run::File> =
        vec![("stress.json".into(), json.into_bytes()), ("stress.csv".into(), csv(results).into_bytes())];
    for r in results {
        let chart = chart(r, lang)?;
        files.push((format!("{}.svg", r.name), chart.svg.into_bytes()));
        files.push((format!("{}.png", r.name), chart.png));
    }
    Ok(files)
}

/// The line after the files are written: where, and how many.
pub fn written(out: &std::path::Path, count: usize, lang: Lang) -> String {
    format!("\n{} {} ({count} {})\n", term("stress.wrote", lang), out.display(), term("stress.files", lang))
}
