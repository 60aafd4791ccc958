//! The comparison's text: a ranked table for the terminal, each
//! strategy's description, and the long CSV of every figure, in Swedish
//! or English. Nothing here computes a figure.

use std::fmt::Write as _;

use super::document::{self, Align, Column, Document, Layout};
use super::i18n::{Lang, number, percent};
use super::precision;
use super::table::{Cell, Table};
use super::terms::{term, term_in, term_with};
use crate::compare::{Comparison, Figure, Kind, Metric, Strategy, Unit};
use crate::engine::Check;

/// A metric's name in `lang`.
pub fn metric_label(key: &str, lang: Lang) -> &'static str {
    term_in("compare.metric", key, lang).unwrap_or("?")
}

fn check_text(check: Check, lang: Lang) -> &'static str {
    match check {
        Check::Daily => term("compare.check.daily", lang),
        Check::Weekly => term("compare.check.weekly", lang),
        Check::Monthly => term("compare.check.monthly", lang),
    }
}

/// What a strategy is, in a line: the rule's parameters that differ from
/// the first strategy's (all of them for the first), a mix, a cushion.
pub fn describe(s: &Strategy, first: &Strategy, lang: Lang) -> String {
    let pc = |x: f64| percent(x, 0, lang);
    match &s.kind {
        Kind::Rule { policy: p, check } => {
            let base = match &first.kind {
                Kind::Rule { policy, .. } if !std::ptr::eq(s, first) => Some(policy),
                _ => None,
            };
            let mut parts = Vec::new();
            let differs = |a: f64, b: Option<f64>| b.is_none_or(|b| (a - b).abs() > 1e-12);
            if differs(p.max_drawdown, base.map(|b| b.max_drawdown)) {
                parts.push(term_with(
                    "compare.largest_fall",
                    lang,
                    &[("fall", &pc(p.max_drawdown)), ("floor", &pc(p.floor_share()))],
                ));
            }
            if base.is_none_or(|b| b.window_months != p.window_months) {
                parts.push(term_with("compare.window", lang, &[("months", &p.window_months)]));
            }
            if differs(p.cap, base.map(|b| b.cap)) {
                parts.push(term_with("compare.cap", lang, &[("share", &pc(p.cap))]));
            }
            if differs(p.equity_stress, base.map(|b| b.equity_stress)) {
                parts.push(term_with("compare.equity_stress", lang, &[("share", &pc(p.equity_stress))]));
            }
            if differs(p.fixed_income_stress, base.map(|b| b.fixed_income_stress))
                && (base.is_some() || p.fixed_income_stress != 0.0)
            {
                parts.push(term_with(
                    "compare.fixed_income_stress",
                    lang,
                    &[("share", &pc(p.fixed_income_stress))],
                ));
            }
            if differs(p.buffer, base.map(|b| b.buffer)) && (base.is_some() || p.buffer != 0.0) {
                parts.push(term_with("compare.buffer", lang, &[("share", &pc(p.buffer))]));
            }
            if differs(p.down_headroom, base.map(|b| b.down_headroom)) {
                parts.push(term_with("compare.down_headroom", lang, &[("share", &pc(p.down_headroom))]));
            }
            if differs(p.up_band, base.map(|b| b.up_band)) {
                parts.push(term_with("compare.up_band", lang, &[("share", &pc(p.up_band))]));
            }
            if differs(p.up_headroom, base.map(|b| b.up_headroom)) && base.is_some() {
                parts.push(term_with("compare.up_headroom", lang, &[("share", &pc(p.up_headroom))]));
            }
            if differs(p.target, base.map(|b| b.target)) && base.is_some() {
                parts.push(term_with("compare.target", lang, &[("share", &pc(p.target))]));
            }
            if differs(p.cost_bps, base.map(|b| b.cost_bps)) {
                parts.push(term_with("compare.cost", lang, &[("bp", &number(p.cost_bps, 0, lang))]));
            }
            let first_check = match &first.kind {
                Kind::Rule { check, .. } if base.is_some() => Some(*check),
                _ => None,
            };
            if first_check != Some(*check) {
                parts.push(check_text(*check, lang).to_string());
            }
            let head = term("compare.the_rule", lang);
            if parts.is_empty() {
                format!("{head} ({})", term("compare.same_parameters", lang))
            } else {
                format!("{head}: {}", parts.join(", "))
            }
        }
        Kind::Static { equity_share, .. } => {
            term_with("compare.static_mix", lang, &[("share", &pc(*equity_share))])
        }
        Kind::BuyAndHold => term("compare.buy_and_hold", lang).to_string(),
        Kind::Cppi(c) | Kind::Tipp(c) => {
            let tipp = matches!(s.kind, Kind::Tipp(_));
            let floor = if tipp {
                term_with("compare.floor_of_high", lang, &[("share", &pc(c.floor))])
            } else {
                term_with("compare.floor_of_start", lang, &[("share", &pc(c.floor))])
            };
            term_with(
                "compare.insurance",
                lang,
                &[
                    ("kind", &if tipp { "TIPP" } else { "CPPI" }),
                    ("floor", &floor),
                    ("multiplier", &number(c.multiplier, 1, lang)),
                    ("cap", &pc(c.cap)),
                    ("band", &pc(c.band)),
                    ("check", &check_text(c.check, lang)),
                ],
            )
        }
    }
}

/// A figure's value as printed.
pub fn format_value(x: Option<f64>, unit: Unit, lang: Lang) -> String {
    let Some(x) = x else { return "–".into() };
    match unit {
        Unit::Share | Unit::Rate => percent(x, 2, lang),
        Unit::PerYear => number(x, 2, lang),
        Unit::Mkr => number(x, 1, lang),
        Unit::Months => number(x, 0, lang),
    }
}

/// A figure's value as printed: a probability as `report::precision`
/// prints it (`< x` at no hits, its interval beside it for a small
/// count), any other as [`format_value`].
pub fn figure_value(f: &Figure, unit: Unit, lang: Lang) -> String {
    probability_value(f, 2, lang).unwrap_or_else(|| format_value(f.value, unit, lang))
}

/// A probability's value as every table prints one, with `decimals`
/// decimals: `< x` when no path hit, its interval beside it when few
/// did (`report::precision`); `None` for a figure that is no probability.
pub fn probability_value(f: &Figure, decimals: usize, lang: Lang) -> Option<String> {
    let (p, ci, sample) = (f.value?, f.ci?, f.sample?);
    Some(precision::probability(p, ci, sample, decimals, lang))
}

/// A difference as printed: signed, in percentage points for shares.
pub fn format_diff(x: Option<f64>, unit: Unit, lang: Lang) -> String {
    let Some(x) = x else { return "–".into() };
    let (v, suffix, decimals) = match unit {
        Unit::Share | Unit::Rate => (x * 100.0, term("compare.percentage_points", lang), 2),
        Unit::PerYear => (x, "", 2),
        Unit::Mkr => (x, "", 1),
        Unit::Months => (x, "", 0),
    };
    let s = number(v, decimals, lang);
    let sign =
        if s.starts_with('-') || s.starts_with('−') || s.chars().all(|c| !c.is_ascii_digit() || c == '0') {
            ""
        } else {
            "+"
        };
    format!("{sign}{s}{suffix}")
}

/// `+0.12 pp [+0.10, +0.14]`.
pub(crate) fn diff_with_interval(f: &Figure, unit: Unit, lang: Lang) -> String {
    match (f.diff_lo, f.diff_hi) {
        (Some(lo), Some(hi)) => {
            let bare =
                |x| format_diff(Some(x), unit, lang).replace(term("compare.percentage_points", lang), "");
            let sep = term("compare.interval_separator", lang);
            format!("{} [{}{sep}{}]", format_diff(f.diff, unit, lang), bare(lo), bare(hi))
        }
        _ => format_diff(f.diff, unit, lang),
    }
}

/// A horizon as read: `10 years`, `18 months` / `10 år`, `18 månader`.
pub fn horizon(months: usize, lang: Lang) -> String {
    match (months % 12, months / 12) {
        (0, 1) => term("compare.one_year", lang).to_string(),
        (0, y) => term_with("compare.years", lang, &[("years", &y)]),
        _ if months == 1 => term("compare.one_month", lang).to_string(),
        _ => term_with("compare.months", lang, &[("months", &months)]),
    }
}

/// The columns of a strategy table: `#` right-aligned, the strategy's
/// name left-aligned at least `name_width` wide, the figures
/// right-aligned.
pub(crate) fn strategy_layout(columns: usize, name_width: usize) -> Layout {
    let mut cols = vec![Column::RIGHT, Column { align: Align::Left, min: name_width }];
    cols.resize(columns, Column::RIGHT);
    Layout::headed(&cols)
}

/// The widest strategy name, at least 8.
pub(crate) fn name_width(c: &Comparison) -> usize {
    c.strategies.iter().map(|s| s.name.chars().count()).max().unwrap_or(8).max(8)
}

/// The ranked tables: the headline figures of each strategy, highest mean
/// return first, then each strategy's difference from the first with its
/// 95 % interval, and what each strategy is.
#[allow(clippy::too_many_arguments, reason = "the comparison, its figures, their order and the page's words")]
pub fn table(
    d: &mut Document,
    c: &Comparison,
    metrics: &[Metric],
    figures: &[Vec<Figure>],
    order: &[usize],
    rank_by: &str,
    title: &str,
) {
    let lang = d.lang;
    let at = |key: &str| {
        metrics.iter().position(|m| m.key == key).unwrap_or_else(|| unreachable!("{key} is a metric"))
    };
    let span = horizon(c.simulation.horizon_months, lang);
    d.para(title);
    d.para(term_with(
        "compare.paths",
        lang,
        &[
            ("paths", &number(c.simulation.paths as f64, 0, lang)),
            ("span", &span),
            ("seed", &c.simulation.seed),
            ("first", &c.strategies[0].name),
        ],
    ));
    let headline = [
        "mean_annual_return",
        "p_breach_horizon",
        "p_month_end_under_policy_floor",
        "trades_per_year",
        "cost_of_protection",
        "p_cash_lock",
        "final_value_p50",
        "months_to_recover_p50",
    ];
    let short = |key: &str| -> &'static str { term_in("compare.short", key, lang).unwrap_or("?") };
    let name_width = name_width(c);
    let columns = |keys: &[&str]| {
        let mut v = vec!["#", term("compare.strategy", lang)];
        v.extend(keys.iter().map(|k| short(k)));
        v
    };
    let mut t = Table::new("compare", title, &columns(&headline));
    for (rank, &s) in order.iter().enumerate() {
        let mut row = vec![Cell::plain((rank + 1) as f64, 0), Cell::text(c.strategies[s].name.clone())];
        for key in headline {
            let i = at(key);
            row.push(Cell::text(figure_value(&figures[s][i], metrics[i].unit, lang)));
        }
        t.push(row);
    }
    d.table_with(t, strategy_layout(headline.len() + 2, name_width));

    let difference = term_with("compare.difference_from", lang, &[("first", &c.strategies[0].name)]);
    d.heading(2, difference.clone());
    let diff_keys = ["mean_annual_return", "p_breach_horizon", "trades_per_year", "final_value_p50"];
    let mut t = Table::new("compare-differences", difference, &columns(&diff_keys));
    for (rank, &s) in order.iter().enumerate() {
        let mut row = vec![Cell::plain((rank + 1) as f64, 0), Cell::text(c.strategies[s].name.clone())];
        for key in diff_keys {
            let i = at(key);
            row.push(Cell::text(if s == 0 {
                term("compare.reference", lang).to_string()
            } else {
                diff_with_interval(&figures[s][i], metrics[i].unit, lang)
            }));
        }
        t.push(row);
    }
    d.table_with(t, strategy_layout(diff_keys.len() + 2, name_width));

    let strategies = term("compare.strategies", lang);
    d.heading(2, strategies);
    let mut t = Table::new("compare-strategies", strategies, &[term("compare.strategy", lang), strategies]);
    for &s in order {
        t.push(vec![
            Cell::text(c.strategies[s].name.clone()),
            Cell::text(describe(&c.strategies[s], &c.strategies[0], lang)),
        ]);
    }
    d.indent(2);
    d.table_with(t, Layout::rows(&[Column { align: Align::Left, min: name_width }, Column::LEFT]));
    d.indent(0);
    d.gap();
    d.para(term_with(
        "compare.notes",
        lang,
        &[
            ("rank_by", &metric_label(rank_by, lang).to_lowercase()),
            ("floor", &percent(c.yardstick.floor_share(), 0, lang)),
            ("window", &c.yardstick.window_months),
        ],
    ));
    let bound = figures.iter().flatten().any(|f| f.sample.is_some_and(precision::no_hits));
    d.para(format!(
        "{}\n{}",
        precision::definition(lang),
        precision::paths_line(c.simulation.paths, c.simulation.variance_reduction, bound, lang)
    ));
}

/// Every figure of every strategy, one row each: `rank, strategy, kind,
/// metric, unit, value, se, diff, diff_lo, diff_hi` (plain numbers,
/// shares as fractions; empty where a figure is undefined).
pub fn csv(c: &Comparison, metrics: &[Metric], figures: &[Vec<Figure>], order: &[usize]) -> String {
    let mut out = String::from("rank,strategy,kind,metric,unit,value,se,diff,diff_lo,diff_hi\n");
    let num = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x}"));
    for (rank, &s) in order.iter().enumerate() {
        let st = &c.strategies[s];
        let name = if st.name.contains([',', '"']) {
            format!("\"{}\"", st.name.replace('"', "\"\""))
        } else {
            st.name.clone()
        };
        for (m, f) in metrics.iter().zip(&figures[s]) {
            let unit = serde_json::to_value(m.unit)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{},{name},{},{},{unit},{},{},{},{},{}",
                rank + 1,
                st.kind.name(),
                m.key,
                num(f.value),
                num(f.se),
                num(f.diff),
                num(f.diff_lo),
                num(f.diff_hi)
            );
        }
    }
    out
}

/// What `compare` prints before the list of files it wrote, as a
/// document: the ranked tables, with `[obligations]` the consolidation
/// table, and the times.
pub fn document(
    scenario_name: &str,
    r: &crate::compare::CompareResults,
    rank_by: &str,
    lang: Lang,
) -> Document {
    let title = format!("{}: {scenario_name}", term("compare.strategy_comparison", lang));
    let mut d = Document::new(lang, title.clone());
    let metrics = crate::compare::metrics();
    table(&mut d, &r.comparison, &metrics, &r.figures, &r.order, rank_by, &title);
    if let Some(c) = &r.consolidation {
        super::compare_obligations::table(&mut d, c, &r.order);
    }
    let (elapsed, threads) = (r.elapsed_seconds, r.threads);
    let mut times =
        term_with("compare.time", lang, &[("seconds", &number(elapsed, 1, lang)), ("threads", &threads)]);
    if r.consolidation.is_some() {
        let elapsed = r.consolidation_elapsed_seconds;
        times.push('\n');
        times.push_str(&term_with(
            "compare.time_consolidation",
            lang,
            &[("seconds", &number(elapsed, 1, lang))],
        ));
    }
    d.para(times);
    d
}

/// [`document()`] as terminal text.
pub fn printout(
    scenario_name: &str,
    r: &crate::compare::CompareResults,
    rank_by: &str,
    lang: Lang,
) -> String {
    document::text(&document(scenario_name, r, rank_by, lang), None)
}

/// Every file `compare` writes, in order: compare.json, compare.csv and
/// the two charts as SVG and PNG.
pub fn files(
    scenario: &crate::scenario::Scenario,
    inputs: &super::summary::CompareInputs<'_>,
    settings: &crate::compare::Settings,
    r: &crate::compare::CompareResults,
    lang: Lang,
) -> crate::Result<Vec<super::run::File>> {
    use super::chart::strategies::{risk_return_chart, value_distribution_chart};
    let json = super::summary::compare(scenario, inputs, settings, r)?;
    let metrics = crate::compare::metrics();
    let mut csv = self::csv(&r.comparison, &metrics, &r.figures, &r.order);
    if let Some(c) = &r.consolidation {
        csv.push_str(&super::compare_obligations::csv_rows(c, &r.comparison.strategies, &r.order));
    }
    let name = scenario.name();
    let risk_title = term_with("compare.return_against_the_risk_of", lang, &[("name", &name)]);
    let span = horizon(settings.simulation.horizon_months, lang);
    let value_title = term_with("compare.the_value_in_span_per", lang, &[("name", &name), ("span", &span)]);
    let risk = risk_return_chart(&risk_return_points(r), settings.simulation.paths, &risk_title, lang)?;
    let values = value_distribution_chart(&value_boxes(r), r.comparison.start_value, &value_title, lang)?;
    Ok(vec![
        ("compare.json".into(), json.into_bytes()),
        ("compare.csv".into(), csv.into_bytes()),
        ("compare_risk_return.svg".into(), risk.svg.into_bytes()),
        ("compare_risk_return.png".into(), risk.png),
        ("compare_values.svg".into(), values.svg.into_bytes()),
        ("compare_values.png".into(), values.png),
    ])
}

/// Each strategy's probability of a floor breach and mean annual return,
/// with their intervals, for the risk-return chart.
fn risk_return_points(r: &crate::compare::CompareResults) -> Vec<super::chart::strategies::RiskReturn> {
    let metrics = crate::compare::metrics();
    let at = |key: &str| metrics.iter().position(|m| m.key == key).unwrap_or(0);
    let (breach, ret) = (at("p_breach_horizon"), at("mean_annual_return"));
    let with_interval = |f: &Figure| {
        let v = f.value.unwrap_or(f64::NAN);
        let (lo, hi) = f.interval().unwrap_or((v, v));
        (v, lo, hi)
    };
    (0..r.comparison.strategies.len())
        .map(|s| super::chart::strategies::RiskReturn {
            rank: r.rank_of(s),
            name: r.comparison.strategies[s].name.clone(),
            breach: with_interval(&r.figures[s][breach]),
            annual_return: with_interval(&r.figures[s][ret]),
            reference: s == 0,
        })
        .collect()
}

/// Each strategy's final value's quantiles and mean, best first, for the
/// value chart.
fn value_boxes(r: &crate::compare::CompareResults) -> Vec<super::chart::strategies::ValueBox> {
    r.order
        .iter()
        .map(|&s| {
            let d = &r.stats[s].final_value;
            super::chart::strategies::ValueBox {
                rank: r.rank_of(s),
                name: r.comparison.strategies[s].name.clone(),
                p5: d.p5,
                p25: d.p25,
                p50: d.p50,
                p75: d.p75,
                p95: d.p95,
                mean: d.mean,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_metric_has_a_name_in_both_languages() {
        for m in crate::compare::metrics() {
            for lang in [Lang::Sv, Lang::En] {
                assert_ne!(metric_label(m.key, lang), "?", "{} in {lang:?}", m.key);
            }
        }
    }
}
