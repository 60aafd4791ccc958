//! The comparison's consolidation table (a scenario with `[obligations]`):
//! each strategy's probability of a consolidation ratio of 100 % or more
//! at the end of the target year, its difference from the first strategy,
//! and the deposits that reach it, in Swedish or English; and the rows it
//! adds to `compare.csv`. Nothing here computes a figure.

use std::fmt::Write as _;

use super::compare::{diff_with_interval, figure_value, format_diff, format_value, strategy_layout};
use super::document::Document;
use super::i18n::{number, percent};
use super::obligations::denominator_label;
use super::table::{Cell, Table};
use super::terms::{term, term_with};
use crate::compare::consolidation::Consolidation;
use crate::compare::{Strategy, Unit};

/// The strategy the footnote names, and its expected deposit a year
/// ([`Consolidation::least_deposits`]: among those at least as likely as
/// the first to reach 100 %, the least expected deposit).
pub fn least_deposits(c: &Consolidation) -> Option<(usize, f64)> {
    c.least_deposits()
}

/// The table, strategies in `order` (the comparison's ranking), under
/// its heading and introduction, with the deposits' line under it.
pub fn table(d: &mut Document, c: &Consolidation, order: &[usize]) {
    let lang = d.lang;
    let reference = &c.strategies[0].name;
    let head = term_with("compare_obligations.head", lang, &[("year", &c.target_year)]);
    d.heading(2, head.clone());
    d.para(term_with(
        "compare_obligations.intro",
        lang,
        &[
            ("denominator", &denominator_label(c.denominator, lang)),
            ("paths", &number(c.paths as f64, 0, lang)),
            ("seed", &c.seed),
            ("reference", reference),
        ],
    ));
    let search = c.deposit_search;
    let full = format!("P(≥100 % {})", c.target_year);
    let mut columns = vec![
        "#",
        term("compare.strategy", lang),
        &full,
        term("compare_obligations.difference_interval", lang),
    ];
    let deposit_for = search.map(|s| {
        let p = percent(s.probability, 0, lang);
        term_with("compare_obligations.deposit_for", lang, &[("probability", &p)])
    });
    if let Some(deposit_for) = &deposit_for {
        columns.push(deposit_for);
        columns.push(term("compare_obligations.expected_deposit", lang));
        columns.push(term("compare_obligations.difference_interval", lang));
    }
    let mut t = Table::new("compare-consolidation", head, &columns);
    let reference_cell = || Cell::text(term("compare.reference", lang));
    for (rank, &i) in order.iter().enumerate() {
        let s = &c.strategies[i];
        let mut row = vec![Cell::plain((rank + 1) as f64, 0), Cell::text(s.name.clone())];
        let f = &s.p_full_at_target;
        row.push(Cell::text(figure_value(f, Unit::Share, lang)));
        row.push(if i == 0 {
            reference_cell()
        } else {
            Cell::text(diff_with_interval(f, Unit::Share, lang))
        });
        if search.is_some() {
            match s.deposits {
                Some(dep) => {
                    let out_of_reach = || term("compare_obligations.out_of_reach", lang).to_string();
                    row.push(Cell::text(dep.yearly.map_or_else(out_of_reach, |y| number(y, 1, lang))));
                    row.push(Cell::text(
                        dep.need.map_or_else(out_of_reach, |n| format_value(n.value, Unit::Mkr, lang)),
                    ));
                    row.push(match dep.need {
                        _ if i == 0 => reference_cell(),
                        Some(n) => Cell::text(diff_with_interval(&n, Unit::Mkr, lang)),
                        None => Cell::text(format_diff(None, Unit::Mkr, lang)),
                    });
                }
                None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty]),
            }
        }
        t.push(row);
    }
    let width = t.columns.len();
    d.table_with(t, strategy_layout(width, name_width_of(c)));
    let notes = match search {
        Some(s) => match least_deposits(c) {
            Some((i, y)) => term_with(
                "compare_obligations.least_deposits",
                lang,
                &[
                    ("strategy", &c.strategies[i].name),
                    ("reference", &reference),
                    ("year", &c.target_year),
                    ("yearly", &number(y, 1, lang)),
                    ("first", &s.first_year),
                    ("last", &s.last_year),
                    ("paths", &number(s.paths as f64, 0, lang)),
                ],
            ),
            None => term("compare_obligations.none_reaches", lang).to_string(),
        },
        None => term("compare_obligations.ask_deposits", lang).to_string(),
    };
    d.para(notes);
}

/// The widest strategy name, at least 8.
fn name_width_of(c: &Consolidation) -> usize {
    c.strategies.iter().map(|s| s.name.chars().count()).max().unwrap_or(8).max(8)
}

/// The rows the consolidation adds to `compare.csv` (same columns), in
/// `order`: `p_full_at_target` (share) and, when searched,
/// `deposit_yearly_p75` (mkr a year; `diff` the difference from the first
/// strategy, no interval) and `deposit_expected_yearly` (mkr a year, with
/// the paired interval of its difference).
pub fn csv_rows(c: &Consolidation, strategies: &[Strategy], order: &[usize]) -> String {
    let mut out = String::new();
    let num = |x: Option<f64>| x.map_or(String::new(), |x| format!("{x}"));
    let key = c.deposit_search.map(|s| format!("deposit_yearly_p{}", (s.probability * 100.0).round()));
    for (rank, &i) in order.iter().enumerate() {
        let (s, st) = (&c.strategies[i], &strategies[i]);
        let name = if st.name.contains([',', '"']) {
            format!("\"{}\"", st.name.replace('"', "\"\""))
        } else {
            st.name.clone()
        };
        let f = s.p_full_at_target;
        let _ = writeln!(
            out,
            "{},{name},{},p_full_at_target,share,{},{},{},{},{}",
            rank + 1,
            st.kind.name(),
            num(f.value),
            num(f.se),
            num(f.diff),
            num(f.diff_lo),
            num(f.diff_hi)
        );
        if let Some(key) = &key {
            let d = s.deposits;
            let _ = writeln!(
                out,
                "{},{name},{},{key},mkr,{},,{},,",
                rank + 1,
                st.kind.name(),
                num(d.and_then(|d| d.yearly)),
                num(d.and_then(|d| d.diff)),
            );
            let n = d.and_then(|d| d.need);
            let _ = writeln!(
                out,
                "{},{name},{},deposit_expected_yearly,mkr,{},{},{},{},{}",
                rank + 1,
                st.kind.name(),
                num(n.and_then(|n| n.value)),
                num(n.and_then(|n| n.se)),
                num(n.and_then(|n| n.diff)),
                num(n.and_then(|n| n.diff_lo)),
                num(n.and_then(|n| n.diff_hi)),
            );
        }
    }
    out
}
