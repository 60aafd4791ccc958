//! `[actuals]`: the actual month-end cash and loans, entered as they
//! arrive, that the liquidity forecast made on the valuation date is held
//! against.

use chrono::NaiveDate;

use super::{Context, MAX_NAME_CHARS};
use crate::calendar::{month_after, month_end};
use crate::liquidity::{ActualMonth, Actuals};
use crate::scenario::raw::ActualsFile;

/// The longest `note`, in characters: a sentence or two under a table.
const MAX_NOTE_CHARS: usize = 4 * MAX_NAME_CHARS;

/// What `[actuals]` is checked against: the forecast's months and which
/// of the tables it is held against the file has.
pub(super) struct Against {
    pub valuation: Option<NaiveDate>,
    /// `[liquidity]`'s months, when it was read without problems.
    pub months: Option<usize>,
    /// Whether the file has a `[liquidity]` (read or refused).
    pub liquidity_given: bool,
    /// Whether the file has a `[debt]` (read or refused).
    pub debt_given: bool,
}

pub(super) fn actuals(cx: &mut Context<'_>, raw: ActualsFile, against: &Against) -> Option<Actuals> {
    let before = cx.problems.len();
    if !against.liquidity_given {
        cx.problem(
            "actuals",
            "a [liquidity] whose forecast the actual figures are held against",
            "no [liquidity]",
        )
        .hint = Some("the forecast of each month-end's cash and loans is the liquidity forecast's".into());
    }
    if let Some(note) = &raw.note {
        let chars = note.chars().count();
        if chars > MAX_NOTE_CHARS {
            cx.problem(
                "actuals.note",
                format!("a note of at most {MAX_NOTE_CHARS} characters"),
                format!("{chars} characters"),
            );
        }
    }
    let rows = raw.month.unwrap_or_default();
    if rows.is_empty() {
        cx.problem("actuals", "at least one [[actuals.month]] with a date and cash, debt or both", "none");
    }
    // The forecast's month-ends, when they are known.
    let ends: Option<Vec<NaiveDate>> = against
        .valuation
        .zip(against.months)
        .map(|(valuation, months)| (1..=months).map(|m| month_after(valuation, m)).collect());
    let mut months: Vec<(usize, ActualMonth)> = Vec::with_capacity(rows.len());
    for (i, row) in rows.into_iter().enumerate() {
        let key = |f: &str| format!("actuals.month[{i}].{f}");
        let date = cx
            .date(&key("date"), row.date.as_ref())
            .filter(|&d| month_end_in(cx, &key("date"), d, against, ends.as_deref()));
        let cash = row.cash.and_then(|v| {
            cx.number(&key("cash"), Some(v), "the actual month-end cash (kassa och bank) in mkr", |v| {
                v.is_finite()
            })
        });
        let debt = row.debt.and_then(|v| {
            cx.number(
                &key("debt"),
                Some(v),
                "the actual loans outstanding at the month-end in mkr, zero or more",
                |v| v >= 0.0,
            )
        });
        if row.cash.is_none() && row.debt.is_none() {
            cx.problem(
                &format!("actuals.month[{i}]"),
                "cash, debt or both: the month-end's actual figures in mkr",
                "neither",
            );
        }
        if row.debt.is_some() && !against.debt_given {
            cx.problem(&key("debt"), "a [debt] whose loan book the actual debt is held against", "no [debt]");
        }
        if let Some(date) = date {
            if let Some((j, _)) = months.iter().find(|(_, m)| m.date == date) {
                cx.problem(
                    &key("date"),
                    "each month-end once",
                    format!("{date} again (also actuals.month[{j}].date)"),
                );
            }
            months.push((i, ActualMonth { date, cash, debt }));
        }
    }
    if cx.problems.len() > before {
        return None;
    }
    let mut months: Vec<ActualMonth> = months.into_iter().map(|(_, m)| m).collect();
    months.sort_by_key(|m| m.date);
    Some(Actuals { constructed: raw.constructed.unwrap_or(false), note: raw.note, months })
}

/// Whether `date` is a month-end of the forecast: after the valuation
/// date and within `[liquidity].months` of it; a problem at `key` if not.
fn month_end_in(
    cx: &mut Context<'_>,
    key: &str,
    date: NaiveDate,
    against: &Against,
    ends: Option<&[NaiveDate]>,
) -> bool {
    if month_end(date) != date {
        cx.problem(key, "a month-end date such as 2025-09-30", date.to_string()).hint =
            Some(format!("the month ends on {}", month_end(date)));
        return false;
    }
    if let Some(valuation) = against.valuation.filter(|&v| date <= v) {
        cx.problem(key, format!("a month-end after the valuation date {valuation}"), date.to_string()).hint =
            Some("the forecast starts on the valuation date; earlier months are history".into());
        return false;
    }
    match ends.and_then(|e| e.first().zip(e.last())) {
        Some((first, last)) if !(*first..=*last).contains(&date) => {
            cx.problem(
                key,
                format!("a month-end of the liquidity forecast, {first} to {last}"),
                date.to_string(),
            )
            .hint = Some("[liquidity].months sets how far the forecast runs".into());
            false
        }
        _ => true,
    }
}
