//! The forecast against the outcome: for each `[actuals]` month-end, the
//! liquidity forecast made on the valuation date (its median and 5-95 %
//! band of the month-end cash, and of the loans outstanding) beside the
//! actual figure, the error and where the actual fell among the paths.
//! Laid out once as a `Document` section, which `run`'s printout and the
//! periodic report both take.

use chrono::NaiveDate;

use super::document::{Column, Document, Layout};
use super::i18n::{Lang, number};
use super::table::{Cell, Table};
use super::terms::{term, term_with};
use crate::liquidity::simulate::{Check, ForecastCheck, Outlook};

/// The section, under a heading of `level`: what was forecast when, the
/// "constructed example" line when the figures are made up, the note,
/// and the table (named `forecast-check`, its CSV and sheet name).
pub fn section(d: &mut Document, o: &Outlook, check: &ForecastCheck, valuation: NaiveDate, level: u8) {
    let lang = d.lang;
    d.heading(level, term("forecast.heading", lang));
    let paths = number(o.paths as f64, 0, lang);
    d.para(term_with("forecast.explanation", lang, &[("date", &valuation), ("paths", &paths)]));
    if check.constructed {
        d.para(term("forecast.constructed", lang));
    }
    if let Some(note) = &check.note {
        d.para(format!("{}: {note}", term("forecast.note", lang)));
    }
    let t = table(check, lang);
    let mut layout = Layout::for_table(&t);
    layout.columns[1] = Column::LEFT;
    d.table_with(t, layout);
}

/// One row a figure a month: the cash, then the loans.
pub fn table(check: &ForecastCheck, lang: Lang) -> Table {
    let columns = [
        term("forecast.month", lang),
        term("forecast.figure", lang),
        term("forecast.outcome", lang),
        term("forecast.plan", lang),
        term("forecast.median", lang),
        "5 %",
        "95 %",
        term("forecast.error_mkr", lang),
        term("forecast.error_share", lang),
        term("forecast.percentile", lang),
    ];
    let mut t = Table::new("forecast-check", term("forecast.heading", lang), &columns);
    for m in &check.months {
        let month = m.date.format("%Y-%m").to_string();
        let figures = [(term("forecast.cash", lang), m.cash), (term("forecast.debt", lang), m.debt)];
        for (name, c) in figures {
            if let Some(c) = c {
                t.push(row(&month, name, &c));
            }
        }
    }
    t
}

fn row(month: &str, name: &str, c: &Check) -> Vec<Cell> {
    vec![
        Cell::text(month),
        Cell::text(name),
        Cell::plain(c.outcome, 1),
        Cell::plain(c.plan, 0),
        Cell::plain(c.median, 1),
        Cell::plain(c.p5, 0),
        Cell::plain(c.p95, 0),
        Cell::plain(c.error, 1),
        c.error_share.map_or(Cell::Empty, |s| Cell::percent(s, 1)),
        Cell::percent(c.percentile, 0),
    ]
}
