//! The liquidity forecast in words and pictures: the plan against the
//! paths by year and by quarter, the financing rules' use, the forecast
//! against actual figures, `liquidity.csv` month by month, and the cash
//! fan with the probabilities below it.

use std::fmt::Write as _;

use chrono::{Datelike, Months, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::chart::style::{self, Dash, Line};
use super::chart::{
    BLUE, Chart, DrawResult, GREEN, Mark, ORANGE, VERMILLION, date_panel_with, legend, page, render,
};
use super::document::{Column, Document, Layout};
use super::i18n::{Lang, mkr, number, percent};
use super::table::{Cell, Table};
use super::terms::{term, term_with};
use crate::error::Result;
use crate::liquidity::Rule;
use crate::liquidity::simulate::Outlook;

fn rule_label(rule: Rule, lang: Lang) -> &'static str {
    match rule {
        Rule::Overdraft => term("liquidity.rule.overdraft", lang),
        Rule::Borrow => term("liquidity.rule.borrow", lang),
        Rule::SkipDeposit => term("liquidity.rule.skip_deposit", lang),
        Rule::Withdraw => term("liquidity.rule.withdraw", lang),
    }
}

/// The forecast as `pensionsim run` prints it: the set-up with today's
/// kassalikviditet, the years, the months, the financing rules' use and
/// the forecast against actual figures.
pub fn outlook(d: &mut Document, o: &Outlook) {
    let lang = d.lang;
    d.heading(1, term("liquidity.heading", lang));
    let paths = if o.randomness {
        term_with("liquidity.paths", lang, &[("paths", &number(o.paths as f64, 0, lang))])
    } else {
        term("liquidity.randomness_off", lang).to_string()
    };
    let first = o.months.first().map_or(String::new(), |m| m.date.format("%Y-%m").to_string());
    let last = o.months.last().map_or(String::new(), |m| m.date.format("%Y-%m").to_string());
    let today = term_with(
        "liquidity.quick_ratio_today",
        lang,
        &[
            ("ratio", &percent(o.quick_ratio_today, 0, lang)),
            ("target", &percent(o.quick_ratio_target, 0, lang)),
        ],
    );
    let order: Vec<&str> = o.rules.iter().map(|r| rule_label(*r, lang)).collect();
    d.para(format!(
        "{} {first}–{last} ({paths}); {} {}, {today}, {} {}, {} {}\n{}: {}",
        term("liquidity.cash_each_month_end", lang),
        term("liquidity.cash_today", lang),
        mkr(o.opening_cash, 1, lang),
        term("liquidity.overdraft_facility", lang),
        mkr(o.overdraft, 0, lang),
        term("liquidity.buffer", lang),
        mkr(o.buffer, 0, lang),
        term("liquidity.financing_order", lang),
        order.join(", ")
    ));
    d.gap();
    let wide = |n: usize| {
        let mut columns = vec![Column::LEFT];
        columns.resize(n, Column::right(12));
        Layout::headed(&columns)
    };
    let years = years_table(o, lang);
    let width = years.columns.len();
    d.table_with(years, wide(width));
    d.gap();
    let months = months_table(o, Rows::EveryMonth, lang);
    let width = months.columns.len();
    d.table_with(months, wide(width));
    d.gap();
    let quarters = quarters_table(o, lang);
    let width = quarters.columns.len();
    d.table_with(quarters, wide(width));
    d.para(term_with(
        "liquidity.quick_ratio_note",
        lang,
        &[("target", &percent(o.quick_ratio_target, 0, lang))],
    ));
    d.indent(2);
    for r in &o.rule_use {
        d.para(format!(
            "{}: {} {}, {} {}",
            rule_label(r.rule, lang),
            percent(r.p_used.p, 1, lang),
            term("liquidity.of_paths", lang),
            number(r.mean_months, 2, lang),
            term("liquidity.months_on_average", lang),
        ));
    }
    d.indent(0);
}

/// The plan's result and debt against the paths', by year: the one
/// table of the command line and the periodic report.
pub(crate) fn years_table(o: &Outlook, lang: Lang) -> Table {
    let columns = [
        term("periodic.year", lang),
        term("periodic.result_plan", lang),
        term("periodic.result_median", lang),
        term("periodic.p5", lang),
        term("periodic.below_the_plan", lang),
        term("periodic.extra_borrowing_median", lang),
        term("periodic.p95", lang),
        term("periodic.debt_plan", lang),
        term("periodic.debt_95", lang),
    ];
    let title = term("periodic.result_and_borrowing_by_year", lang);
    let mut years = Table::new("liquidity-years", title, &columns);
    for y in &o.years {
        years.push(vec![
            Cell::year(y.year),
            Cell::mkr(y.plan_result, 1),
            Cell::mkr(y.result.p50, 1),
            Cell::mkr(y.result.p5, 1),
            Cell::percent(y.p_result_below_plan.p, 1),
            Cell::mkr(y.extra_borrowing.p50, 0),
            Cell::mkr(y.extra_borrowing.p95, 0),
            Cell::mkr(y.plan_debt, 0),
            Cell::mkr(y.debt.p95, 0),
        ]);
    }
    years
}

/// Which month-ends [`months_table`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rows {
    /// Every month-end: the command line.
    EveryMonth,
    /// March, June, September and December: the periodic report.
    QuarterEnds,
}

/// The plan's cash against the paths' at month-ends, with the chances of
/// using the overdraft, exhausting it and reaching the borrowing limit.
pub(crate) fn months_table(o: &Outlook, rows: Rows, lang: Lang) -> Table {
    let columns = [
        term("periodic.month_column", lang),
        term("periodic.plan", lang),
        term("periodic.p5", lang),
        term("periodic.median", lang),
        term("periodic.p95", lang),
        term("periodic.overdraft_used", lang),
        term("periodic.overdraft_exhausted", lang),
        term("periodic.borrowing_limit_reached", lang),
    ];
    let title = match rows {
        Rows::EveryMonth => term("liquidity.cash_each_month_end", lang),
        Rows::QuarterEnds => term("periodic.cash_at_quarter_ends_and", lang),
    };
    let mut months = Table::new("liquidity-months", title, &columns);
    for m in o.months.iter().filter(|m| rows == Rows::EveryMonth || m.date.month() % 3 == 0) {
        months.push(vec![
            Cell::text(m.date.format("%Y-%m").to_string()),
            Cell::mkr(m.plan_cash, 0),
            Cell::mkr(m.cash.p5, 0),
            Cell::mkr(m.cash.p50, 0),
            Cell::mkr(m.cash.p95, 0),
            Cell::percent(m.p_overdraft.p, 1),
            Cell::percent(m.p_overdraft_exhausted.p, 1),
            Cell::percent(m.p_borrowing_limit.p, 1),
        ]);
    }
    months
}

/// Kassalikviditet at quarter-ends: the plan's, the paths' median and
/// 5 % quantile, and the chance of being under the target.
pub(crate) fn quarters_table(o: &Outlook, lang: Lang) -> Table {
    let columns = [
        term("periodic.quarter_end", lang),
        term("periodic.plan", lang),
        term("periodic.median", lang),
        term("periodic.p5", lang),
        term("periodic.under_the_target", lang),
    ];
    let title = format!(
        "{} {}",
        term("periodic.quick_ratio_by_quarter", lang),
        percent(o.quick_ratio_target, 0, lang)
    );
    let mut quarters = Table::new("liquidity-quarters", title, &columns);
    for q in &o.quarters {
        quarters.push(vec![
            Cell::text(q.date.format("%Y-%m").to_string()),
            Cell::percent(q.plan_ratio, 1),
            Cell::percent(q.ratio.p50, 1),
            Cell::percent(q.ratio.p5, 1),
            Cell::percent(q.p_below_target.p, 1),
        ]);
    }
    quarters
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
/// The actual month-end cash, a point for each `[actuals]` month.
const ACTUAL: RGBColor = VERMILLION;

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
    let [top_legend, top, bottom_legend, bottom] = page(root, title, 62)?;
    let start = crate::calendar::month_end(valuation);
    let end = o.months.last().map_or(start, |m| m.date);
    let x = start..end.checked_add_months(Months::new(1)).unwrap_or(end);
    let floor = -o.overdraft;
    let floor_label = format!("{} ({})", term("liquidity.overdraft_limit_label", lang), mkr(floor, 0, lang));
    let buffer_label = format!("{} ({})", term("liquidity.buffer_label", lang), mkr(o.buffer, 0, lang));
    // The actual month-end cash of `[actuals]`, as points on the fan.
    let actuals: Vec<(NaiveDate, f64)> = o
        .actuals
        .iter()
        .flat_map(|c| &c.months)
        .filter_map(|m| m.cash.map(|c| (m.date, c.outcome)))
        .collect();
    let mut items = vec![
        (Mark::Band(BLUE, 0.15), "5–95 %"),
        (Mark::Band(BLUE, 0.35), "25–75 %"),
        (Mark::Line(style::VALUE), "Median"),
        (Mark::Line(PLAN), "Plan"),
        (Mark::Line(style::FLOOR), &floor_label),
        (Mark::Line(BUFFER), &buffer_label),
    ];
    if !actuals.is_empty() {
        items.push((Mark::Triangle(ACTUAL), term("liquidity.actual_label", lang)));
    }
    legend(&top_legend, &items)?;
    let lo = o.months.iter().map(|m| m.cash.p5).chain(actuals.iter().map(|a| a.1)).fold(floor, f64::min);
    let hi = o
        .months
        .iter()
        .map(|m| m.cash.p95.max(m.plan_cash))
        .chain(actuals.iter().map(|a| a.1))
        .fold(o.opening_cash.max(o.buffer), f64::max);
    let pad = (hi - lo).max(1.0) * 0.08;
    let mut panel = date_panel_with(
        &top,
        x.clone(),
        (lo - pad)..(hi + pad),
        term("liquidity.cash_axis", lang),
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
    panel.draw_series(actuals.iter().map(|&p| TriangleMarker::new(p, 9, ACTUAL.filled())))?;
    // Year-ends, faintly.
    for m in o.months.iter().filter(|m| m.date.month() == 12) {
        style::WHEN.draw(&mut panel, vec![(m.date, lo - pad), (m.date, hi + pad)])?;
    }

    let used = term("liquidity.p_overdraft_used", lang);
    let exhausted = term("liquidity.p_overdraft_exhausted", lang);
    let limit = term("liquidity.p_borrowing_limit_reached", lang);
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
        term("liquidity.probability", lang),
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
