//! The liquidity forecast in words and pictures: the plan against the
//! paths by year and by quarter, the financing rules' use, the forecast
//! against actual figures, `liquidity.csv` month by month, and the cash
//! fan with the probabilities below it.

use std::fmt::Write as _;

use chrono::{Datelike, Months, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::style::{self, Dash, Line};
use super::chart::{BLUE, Chart, DrawResult, GREEN, Mark, ORANGE, date_panel_with, legend, page, render};
use super::i18n::{Lang, mkr, number, percent};
use crate::error::Result;
use crate::liquidity::Rule;
use crate::liquidity::simulate::Outlook;

fn rule_label(rule: Rule, lang: Lang) -> &'static str {
    match (rule, lang) {
        (Rule::Overdraft, Lang::Sv) => "checkräkningskrediten",
        (Rule::Overdraft, Lang::En) => "the overdraft",
        (Rule::Borrow, Lang::Sv) => "nya lån hos Kommuninvest",
        (Rule::Borrow, Lang::En) => "new loans from Kommuninvest",
        (Rule::SkipDeposit, Lang::Sv) => "hoppa över insättningen i pensionsportföljen",
        (Rule::SkipDeposit, Lang::En) => "skip the deposit into the pension portfolio",
        (Rule::Withdraw, Lang::Sv) => "uttag ur pensionsportföljen",
        (Rule::Withdraw, Lang::En) => "withdraw from the pension portfolio",
    }
}

/// The forecast's text for `pensionsim run`.
pub fn outlook(o: &Outlook, lang: Lang) -> String {
    let sv = lang == Lang::Sv;
    let mut out = String::new();
    let head = if sv { "Likviditetsprognos" } else { "Liquidity forecast" };
    let _ = writeln!(out, "{head}\n{}", "=".repeat(head.chars().count()));
    let paths = if o.randomness {
        if sv {
            format!("{} framtider, samma räntebanor som pensionsportföljen", number(o.paths as f64, 0, lang))
        } else {
            format!("{} paths, the same rate paths as the pension portfolio", number(o.paths as f64, 0, lang))
        }
    } else if sv {
        "slumpen avstängd: planen".to_string()
    } else {
        "randomness off: the plan".to_string()
    };
    let first = o.months.first().map_or(String::new(), |m| m.date.format("%Y-%m").to_string());
    let last = o.months.last().map_or(String::new(), |m| m.date.format("%Y-%m").to_string());
    let _ = writeln!(
        out,
        "{} {first}–{last} ({paths}); {} {}, {} {}, {} {}",
        if sv { "Kassa vid månadens slut" } else { "Cash at each month-end" },
        if sv { "kassa idag" } else { "cash today" },
        mkr(o.opening_cash, 1, lang),
        if sv { "checkräkningskredit" } else { "overdraft facility" },
        mkr(o.overdraft, 0, lang),
        if sv { "buffert" } else { "buffer" },
        mkr(o.buffer, 0, lang),
    );
    let order: Vec<&str> = o.rules.iter().map(|r| rule_label(*r, lang)).collect();
    let _ = writeln!(
        out,
        "{}: {}",
        if sv { "Finansieringsordning" } else { "Financing order" },
        order.join(", ")
    );

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<8}{:>13}{:>10}{:>20}{:>12}{:>18}{:>18}{:>12}{:>12}",
        if sv { "År" } else { "Year" },
        if sv { "Resultat plan" } else { "Result plan" },
        "Median",
        "5–95 %",
        "P(< plan)",
        if sv { "Extra lån p50" } else { "Extra loans p50" },
        if sv { "Extra lån p95" } else { "Extra loans p95" },
        if sv { "Skuld plan" } else { "Debt plan" },
        if sv { "Skuld p95" } else { "Debt p95" },
    );
    for y in &o.years {
        let band = format!("{} – {}", number(y.result.p5, 0, lang), number(y.result.p95, 0, lang));
        let _ = writeln!(
            out,
            "{:<8}{:>13}{:>10}{:>20}{:>12}{:>18}{:>18}{:>12}{:>12}",
            y.year,
            number(y.plan_result, 1, lang),
            number(y.result.p50, 0, lang),
            band,
            percent(y.p_result_below_plan.p, 0, lang),
            number(y.extra_borrowing.p50, 0, lang),
            number(y.extra_borrowing.p95, 0, lang),
            number(y.plan_debt, 0, lang),
            number(y.debt.p95, 0, lang),
        );
    }

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<10}{:>12}{:>12}{:>12}{:>14}{:>14}{:>18}{:>14}",
        if sv { "Månad" } else { "Month" },
        if sv { "Kassa plan" } else { "Cash plan" },
        "p5",
        "Median",
        if sv { "P(kredit)" } else { "P(overdraft)" },
        if sv { "P(slut kred.)" } else { "P(exhausted)" },
        if sv { "P(låneutrymme)" } else { "P(borrow limit)" },
        if sv { "Kassalikv." } else { "Quick ratio" },
    );
    for m in &o.months {
        let ratio = o.quarters.iter().find(|q| q.date == m.date).map_or(String::new(), |q| {
            format!("{} ({})", percent(q.ratio.p50, 0, lang), percent(q.p_below_target.p, 0, lang))
        });
        let _ = writeln!(
            out,
            "{:<10}{:>12}{:>12}{:>12}{:>14}{:>14}{:>18}{:>14}",
            m.date.format("%Y-%m").to_string(),
            number(m.plan_cash, 0, lang),
            number(m.cash.p5, 0, lang),
            number(m.cash.p50, 0, lang),
            percent(m.p_overdraft.p, 1, lang),
            percent(m.p_overdraft_exhausted.p, 1, lang),
            percent(m.p_borrowing_limit.p, 1, lang),
            ratio,
        );
    }
    let _ = writeln!(
        out,
        "{}",
        if sv {
            format!(
                "Kassalikviditet vid kvartalets slut: median (P(under {})), exklusive pensionsplaceringar.",
                percent(o.quick_ratio_target, 0, lang)
            )
        } else {
            format!(
                "Quick ratio (kassalikviditet) at quarter-ends: median (P(below {})), excluding the pension placements.",
                percent(o.quick_ratio_target, 0, lang)
            )
        }
    );
    for r in &o.rule_use {
        let _ = writeln!(
            out,
            "  {}: {} {}, {} {}",
            rule_label(r.rule, lang),
            percent(r.p_used.p, 1, lang),
            if sv { "av framtiderna" } else { "of paths" },
            number(r.mean_months, 2, lang),
            if sv { "månader i snitt" } else { "months on average" },
        );
    }
    if !o.actuals.is_empty() {
        let _ = writeln!(
            out,
            "\n{}",
            if sv { "Prognos mot utfall (kassa, mkr)" } else { "Forecast against the outcome (cash, mkr)" }
        );
        for a in &o.actuals {
            let _ = writeln!(
                out,
                "  {}: {} {}, median {} (5–95 % {} – {}), {} {}, {} {}",
                a.date.format("%Y-%m"),
                if sv { "utfall" } else { "actual" },
                number(a.actual, 1, lang),
                number(a.median, 1, lang),
                number(a.p5, 0, lang),
                number(a.p95, 0, lang),
                if sv { "fel" } else { "error" },
                number(a.error, 1, lang),
                if sv { "percentil" } else { "percentile" },
                percent(a.percentile, 0, lang),
            );
        }
    }
    out
}

/// `liquidity.csv`: one row a month-end, the cash quantiles and the
/// probabilities (plain numbers, a point as decimal mark).
pub fn months_csv(o: &Outlook) -> String {
    let mut out = String::from(
        "date,plan_cash,cash_mean,cash_p5,cash_p25,cash_p50,cash_p75,cash_p95,p_overdraft,p_overdraft_exhausted,p_borrowing_limit,quick_ratio_p50,p_quick_ratio_below_target\n",
    );
    for m in &o.months {
        let q = o.quarters.iter().find(|q| q.date == m.date);
        let _ = writeln!(
            out,
            "{},{:.3},{:.3},{:.3},{:.3},{:.3},{:.3},{:.3},{:.6},{:.6},{:.6},{},{}",
            m.date,
            m.plan_cash,
            m.cash.mean,
            m.cash.p5,
            m.cash.p25,
            m.cash.p50,
            m.cash.p75,
            m.cash.p95,
            m.p_overdraft.p,
            m.p_overdraft_exhausted.p,
            m.p_borrowing_limit.p,
            q.map_or(String::new(), |q| format!("{:.6}", q.ratio.p50)),
            q.map_or(String::new(), |q| format!("{:.6}", q.p_below_target.p)),
        );
    }
    out
}

/// The region's plan: a level to read the paths against.
const PLAN: Line = Line::level(BLACK);
/// The cash buffer the financing rules defend.
const BUFFER: Line = Line::new(GREEN, 2, Dash::Dotted);
/// The monthly probabilities: the overdraft used, exhausted, and the
/// borrowing limit reached, told apart by their dashes too.
const P_USED: Line = Line::new(BLUE, 3, Dash::Solid);
const P_EXHAUSTED: Line = Line::new(ORANGE, 3, Dash::Long);
const P_LIMIT: Line = Line::new(BLACK, 2, Dash::Dotted);

/// The cash fan with the overdraft floor and the buffer, and the monthly
/// probabilities below.
pub fn chart(o: &Outlook, valuation: NaiveDate, title: &str, lang: Lang) -> Result<Chart> {
    render!("liquidity", |root| draw(&root, o, valuation, title, lang))
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    o: &Outlook,
    valuation: NaiveDate,
    title: &str,
    lang: Lang,
) -> DrawResult
where
    DB::ErrorType: 'static,
{
    let sv = lang == Lang::Sv;
    let [top_legend, top, bottom_legend, bottom] = page(root, title, 62)?;
    let start = crate::calendar::month_end(valuation);
    let end = o.months.last().map_or(start, |m| m.date);
    let x = start..end.checked_add_months(Months::new(1)).unwrap_or(end);
    let floor = -o.overdraft;
    let floor_label =
        format!("{} ({})", if sv { "Checkräkningskredit" } else { "Overdraft limit" }, mkr(floor, 0, lang));
    let buffer_label = format!("{} ({})", if sv { "Buffert" } else { "Buffer" }, mkr(o.buffer, 0, lang));
    legend(
        &top_legend,
        &[
            (Mark::Band(BLUE, 0.15), "5–95 %"),
            (Mark::Band(BLUE, 0.35), "25–75 %"),
            (Mark::Line(style::VALUE), "Median"),
            (Mark::Line(PLAN), "Plan"),
            (Mark::Line(style::FLOOR), &floor_label),
            (Mark::Line(BUFFER), &buffer_label),
        ],
    )?;
    let lo = o.months.iter().map(|m| m.cash.p5).fold(floor, f64::min);
    let hi =
        o.months.iter().map(|m| m.cash.p95.max(m.plan_cash)).fold(o.opening_cash.max(o.buffer), f64::max);
    let pad = (hi - lo).max(1.0) * 0.08;
    let mut panel = date_panel_with(
        &top,
        x.clone(),
        (lo - pad)..(hi + pad),
        if sv { "Kassa vid månadens slut, mkr" } else { "Cash at month-end, mkr" },
        &|v| number(*v, 0, lang),
        "%Y-%m",
    )?;
    let line = |f: &dyn Fn(&crate::liquidity::simulate::MonthOutlook) -> f64| -> Vec<(NaiveDate, f64)> {
        std::iter::once((start, o.opening_cash)).chain(o.months.iter().map(|m| (m.date, f(m)))).collect()
    };
    for ((lo, hi), opacity) in [((0, 4), 0.15), ((1, 3), 0.35)] {
        let pick = |m: &crate::liquidity::simulate::MonthOutlook, i: usize| {
            [m.cash.p5, m.cash.p25, m.cash.p50, m.cash.p75, m.cash.p95][i]
        };
        let mut points = line(&|m| pick(m, hi));
        points.extend(line(&|m| pick(m, lo)).into_iter().rev());
        panel.draw_series(std::iter::once(Polygon::new(points, BLUE.mix(opacity).filled())))?;
    }
    style::VALUE.draw(&mut panel, line(&|m| m.cash.p50))?;
    PLAN.draw(&mut panel, line(&|m| m.plan_cash))?;
    style::FLOOR.draw(&mut panel, vec![(x.start, floor), (x.end, floor)])?;
    BUFFER.draw(&mut panel, vec![(x.start, o.buffer), (x.end, o.buffer)])?;
    style::WITHOUT_RULE.draw(&mut panel, vec![(x.start, 0.0), (x.end, 0.0)])?;
    // Year-ends, faintly.
    for m in o.months.iter().filter(|m| m.date.month() == 12) {
        style::WHEN.draw(&mut panel, vec![(m.date, lo - pad), (m.date, hi + pad)])?;
    }

    let used = if sv { "P(checkräkningskrediten används)" } else { "P(overdraft used)" };
    let exhausted = if sv { "P(krediten räcker inte)" } else { "P(overdraft exhausted)" };
    let limit = if sv { "P(låneutrymmet nås)" } else { "P(borrowing limit reached)" };
    legend(
        &bottom_legend,
        &[(Mark::Line(P_USED), used), (Mark::Line(P_EXHAUSTED), exhausted), (Mark::Line(P_LIMIT), limit)],
    )?;
    let top_p = o
        .months
        .iter()
        .map(|m| m.p_overdraft.p.max(m.p_overdraft_exhausted.p).max(m.p_borrowing_limit.p))
        .fold(0.05, f64::max)
        .min(1.0)
        * 1.1;
    let mut panel = date_panel_with(
        &bottom,
        x,
        0.0..top_p,
        if sv { "Sannolikhet" } else { "Probability" },
        &|v| percent(*v, 0, lang),
        "%Y-%m",
    )?;
    let series = |f: &dyn Fn(&crate::liquidity::simulate::MonthOutlook) -> f64| -> Vec<(NaiveDate, f64)> {
        o.months.iter().map(|m| (m.date, f(m))).collect()
    };
    P_USED.draw(&mut panel, series(&|m| m.p_overdraft.p))?;
    P_EXHAUSTED.draw(&mut panel, series(&|m| m.p_overdraft_exhausted.p))?;
    P_LIMIT.draw(&mut panel, series(&|m| m.p_borrowing_limit.p))?;
    root.present()?;
    Ok(())
}
