//! The loan book in words and pictures: today's key figures against the
//! finance policy, the outlook by year, the maturity profile and the
//! interest-cost fan.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::style::GRID;
use super::chart::style::{FAN, Line, OUTER_BAND};
use super::chart::{BLUE, Chart, DrawResult, Mark, VERMILLION, builder, legend, mesh, render, single_page};
use super::document::{Document, Layout};
use super::i18n::{Lang, mkr, number, percent};
use super::table::{Cell, Table};
use super::terms::{term, term_with};
use crate::debt::simulate::Outlook;
use crate::debt::{Debt, KeyFigures};
use crate::error::Result;

pub use crate::debt::PROFILE_YEARS;

fn years(x: f64, lang: Lang) -> String {
    format!("{} {}", number(x, 2, lang), term("debt.years", lang))
}

/// Today's loan book: the four figures the region reports, against the
/// policy, as a list under a heading.
pub fn today(d: &mut Document, debt: &Debt, k: &KeyFigures) {
    let lang = d.lang;
    let p = &debt.policy;
    let b = k.breaches(p);
    let verdict = |broken: bool| if broken { term("debt.not_met", lang) } else { term("debt.met", lang) };
    // "1.25 years (policy 1.5-4.0 years: not met)".
    let in_band = |x: f64, (lo, hi): (f64, f64), broken: bool| {
        let unit = term("debt.years", lang);
        Cell::text(format!(
            "{} (policy {}-{} {unit}: {})",
            years(x, lang),
            number(lo, 1, lang),
            number(hi, 1, lang),
            verdict(broken)
        ))
    };
    let heading = term_with("debt.heading", lang, &[("date", &debt.book.date)]);
    d.heading(1, heading.clone());
    let label = |text: &str| text.to_string();
    let rows = vec![
        (label(term("debt.outstanding_debt", lang)), Cell::mkr(k.outstanding, 1)),
        (label(term("debt.average_rate", lang)), Cell::percent(k.average_rate, 2)),
        (label(term("debt.interest_rate_fixing", lang)), in_band(k.fixing_years, p.fixing_years, b.fixing)),
        (
            label(term("debt.capital_binding", lang)),
            in_band(k.capital_binding_years, p.capital_binding_years, b.capital_binding),
        ),
        (
            label(term("debt.maturing_12m", lang)),
            Cell::text(format!(
                "{} (policy {} {}: {})",
                percent(k.share_maturing_12m, 1, lang),
                term("debt.at_most", lang),
                percent(p.max_share_within_12m, 0, lang),
                verdict(b.within_12m)
            )),
        ),
        (
            label(term("debt.borrowing_limit", lang)),
            Cell::text(format!(
                "{} ({} {})",
                mkr(debt.borrowing_limit, 0, lang),
                term("debt.room_left", lang),
                mkr(debt.borrowing_limit - k.outstanding, 0, lang)
            )),
        ),
        (label(term("debt.overdraft_facility", lang)), Cell::mkr(debt.overdraft, 0)),
    ];
    d.indent(2);
    super::text::label_values(d, "debt-today", &heading, rows);
    if !debt.borrowing.is_empty() {
        let plan: Vec<String> = debt
            .borrowing
            .iter()
            .map(|b| format!("{} {}", b.date.format("%Y-%m"), mkr(b.amount, 0, lang)))
            .collect();
        d.para(format!("{}: {}", term("debt.planned_new_borrowing", lang), plan.join(", ")));
    }
    d.indent(0);
}

/// The outlook by calendar year: its set-up, the table and its note.
pub fn outlook(d: &mut Document, o: &Outlook) {
    let lang = d.lang;
    let intro = term_with("debt.outlook_intro", lang, &[("paths", &number(o.paths as f64, 0, lang))]);
    d.heading(2, intro.clone());
    let columns = [
        term("debt.column.year", lang),
        term("debt.column.debt", lang),
        term("debt.column.interest", lang),
        "95 %",
        term("debt.column.plus_one_point", lang),
        term("debt.column.fixing", lang),
        term("debt.column.p_band", lang),
        "P(>35 %)",
        term("debt.column.p_over_limit", lang),
    ];
    let mut t = Table::new("debt-outlook", intro, &columns);
    for y in &o.years {
        let label = if y.months < 12 {
            format!("{} ({} {})", y.year, y.months, term("debt.months_short", lang))
        } else {
            y.year.to_string()
        };
        t.push(vec![
            Cell::text(label),
            Cell::plain(y.debt.p50, 0),
            Cell::plain(y.interest.p50, 1),
            Cell::plain(y.interest.p95, 1),
            Cell::plain(y.plus_one_point, 1),
            Cell::plain(y.fixing_years.p50, 2),
            Cell::percent(y.p_breach_fixing.p.max(y.p_breach_capital_binding.p), 0),
            Cell::percent(y.p_breach_within_12m.p, 0),
            Cell::percent(y.p_over_limit.p, 0),
        ]);
    }
    let mut layout = Layout::for_table(&t);
    layout.rule = false;
    d.table_with(t, layout);
    d.para(term("debt.outlook_note", lang));
}

/// The finance policy's most maturing within 12 months.
const LIMIT: Line = Line::limit(VERMILLION);
/// The median interest cost, bold: the chart's one line to follow.
const MEDIAN: Line = Line::new(FAN, 3, super::chart::style::Dash::Solid);
/// The cost at risk, a level to read the median against.
const COST_AT_RISK: Line = Line::level(VERMILLION);

/// Today's repayments by year: bars of mkr for 0-1, 1-2, ... years.
pub fn maturity_chart(debt: &Debt, title: &str, lang: Lang) -> Result<Chart> {
    let profile = debt.book.maturity_profile(PROFILE_YEARS);
    let limit = debt.policy.max_share_within_12m * debt.book.outstanding();
    render!("maturity profile", |root| draw_profile(&root, &profile, limit, title, lang))
}

fn draw_profile<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    profile: &[f64],
    limit: f64,
    title: &str,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let [legend_area, panel] = single_page(root, title)?;
    let label = term("debt.maturing_label", lang);
    let limit_label = term_with("debt.limit_label", lang, &[("limit", &mkr(limit, 1, lang))]);
    legend(&legend_area, &[(Mark::Band(BLUE, 0.8), label), (Mark::Line(LIMIT), &limit_label)])?;
    let top = profile.iter().copied().fold(limit, f64::max).max(1.0) * 1.15;
    let n = profile.len();
    let mut chart = builder(&panel, 40, 40, 90)
        .build_cartesian_2d((0..n - 1).into_segmented(), super::chart::ValueAxis::from(0.0..top))?;
    let bucket = |i: usize| {
        if i + 1 == n {
            format!("{}+ {}", i, term("debt.years", lang))
        } else {
            format!("{}-{} {}", i, i + 1, term("debt.years", lang))
        }
    };
    mesh(&mut chart, GRID)
        .disable_x_mesh()
        .y_desc("mkr")
        .x_desc(term("debt.time_to_maturity", lang))
        .y_label_formatter(&|v| number(*v, 0, lang))
        .x_label_formatter(&|x| match x {
            SegmentValue::CenterOf(i) => bucket(*i),
            _ => String::new(),
        })
        .draw()?;
    chart.draw_series(profile.iter().enumerate().map(|(i, v)| {
        let mut bar = Rectangle::new(
            [(SegmentValue::Exact(i), 0.0), (SegmentValue::Exact(i + 1), *v)],
            BLUE.mix(0.8).filled(),
        );
        bar.set_margin(0, 0, 18, 18);
        bar
    }))?;
    LIMIT.draw(&mut chart, vec![(SegmentValue::Exact(0), limit), (SegmentValue::Exact(1), limit)])?;
    let total: f64 = profile.iter().sum();
    let font = ("sans-serif", 16).into_font().color(&BLACK);
    for (i, v) in profile.iter().enumerate().filter(|(_, v)| **v > 0.0) {
        let text = format!("{} ({})", number(*v, 1, lang), percent(v / total, 1, lang));
        let (w, _) = panel.estimate_text_size(&text, &font)?;
        chart.draw_series(std::iter::once(
            EmptyElement::at((SegmentValue::CenterOf(i), *v))
                + Text::new(text, (-(w as i32) / 2, -24), font.clone()),
        ))?;
    }
    root.present()?;
    Ok(())
}

/// The interest cost by year: the median and the 5-95 % band.
pub fn interest_chart(o: &Outlook, title: &str, lang: Lang) -> Result<Chart> {
    render!("interest cost", |root| draw_interest(&root, o, title, lang))
}

fn draw_interest<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    o: &Outlook,
    title: &str,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let [legend_area, panel] = single_page(root, title)?;
    // Whole years only: a part year's cost is not comparable.
    let years: Vec<_> = o.years.iter().filter(|y| y.months == 12).collect();
    let band = term("debt.band_label", lang);
    let median = "Median";
    let p95 = term("debt.cost_at_risk_label", lang);
    legend(
        &legend_area,
        &[(Mark::Band(FAN, OUTER_BAND), band), (Mark::Line(MEDIAN), median), (Mark::Line(COST_AT_RISK), p95)],
    )?;
    let (Some(first), Some(last)) = (years.first(), years.last()) else {
        root.present()?;
        return Ok(());
    };
    let top = years.iter().map(|y| y.interest.p95).fold(0.0, f64::max).max(1.0) * 1.1;
    let (x0, x1) = (first.year as f64 - 0.5, last.year as f64 + 0.5);
    let mut chart =
        builder(&panel, 40, 40, 90).build_cartesian_2d(x0..x1, super::chart::ValueAxis::from(0.0..top))?;
    mesh(&mut chart, GRID)
        .x_labels(years.len())
        .y_desc(term("debt.interest_axis", lang))
        .x_label_formatter(&|x| format!("{}", x.round() as i64))
        .y_label_formatter(&|v| number(*v, 0, lang))
        .draw()?;
    let at = |y: &&crate::debt::simulate::YearOutlook, v: f64| (f64::from(y.year), v);
    let upper: Vec<_> = years.iter().map(|y| at(y, y.interest.p95)).collect();
    let lower: Vec<_> = years.iter().rev().map(|y| at(y, y.interest.p5)).collect();
    chart.draw_series(std::iter::once(Polygon::new(
        upper.iter().chain(lower.iter()).copied().collect::<Vec<_>>(),
        FAN.mix(OUTER_BAND).filled(),
    )))?;
    MEDIAN.draw(&mut chart, years.iter().map(|y| at(y, y.interest.p50)).collect())?;
    chart.draw_series(years.iter().map(|y| Circle::new(at(y, y.interest.p50), 4, FAN.filled())))?;
    COST_AT_RISK.draw(&mut chart, upper)?;
    root.present()?;
    Ok(())
}
