//! `[debt]`: the loan book (inline, a CSV file or a workbook's sheet), the borrowing plan, the
//! finance policy's limits and the refinancing strategy.

use std::path::Path;

use chrono::NaiveDate;

use super::{Context, FIRST_DATE, LAST_DATE, MAX_MAGNITUDE, MISSING, format_value};
use crate::debt::{Book, Borrowing, Debt, DebtPolicy, Loan, LoanRate, Refinancing};
use crate::error::{Problem, Result};
use crate::scenario::raw::{DebtFile, LoanFile};
use crate::sheet::{Cell, SheetChoice, Table};

/// The finance policy's limits when `[debt.policy]` leaves them out: the
/// region's (digest 4.1): 1.5-4 years, at most 35 % within a year.
const DEFAULT_BAND: (f64, f64) = (1.5, 4.0);
const DEFAULT_MAX_SHARE: f64 = 0.35;

/// Where a loan's problems are reported: a key of the scenario, or a row
/// of the loans file.
enum Place<'a> {
    Key(usize),
    Row { table: &'a Table, row: usize },
}

pub(super) fn debt(
    cx: &mut Context<'_>,
    raw: DebtFile,
    valuation: Option<NaiveDate>,
    read: &dyn Fn(&Path) -> Result<String>,
) -> Option<Debt> {
    let before = cx.problems.len();
    let mut loans = Vec::new();
    for (i, l) in raw.loan.unwrap_or_default().into_iter().enumerate() {
        let d = (cx.date(&format!("debt.loan[{i}].start"), l.start.as_ref()), {
            cx.date(&format!("debt.loan[{i}].maturity"), l.maturity.as_ref())
        });
        loans.extend(loan(cx, l, d, Place::Key(i), valuation));
    }
    if let Some(file) = &raw.loans_csv {
        let path = cx.path.parent().unwrap_or(Path::new("")).join(file);
        let sheet = SheetChoice { name: raw.loans_sheet.as_deref(), option: "debt.loans_sheet" };
        match crate::sheet::read_named(&path, sheet, read) {
            Ok(Ok((table, warnings))) => {
                cx.warnings.extend(warnings);
                loans.extend(table_loans(cx, &table, valuation));
            }
            Ok(Err(problems)) => cx.problems.extend(problems),
            Err(e) => {
                cx.problem(
                    "debt.loans_csv",
                    "a readable CSV file or workbook of loans",
                    format!("{file:?}: {e}"),
                );
            }
        }
    } else if raw.loans_sheet.is_some() {
        cx.problem("debt.loans_sheet", "a sheet only beside loans_csv naming a workbook", "no loans_csv");
    }

    let mut borrowing = Vec::new();
    for (i, b) in raw.borrowing.unwrap_or_default().into_iter().enumerate() {
        let key = |f: &str| format!("debt.borrowing[{i}].{f}");
        let date = cx.date(&key("date"), b.date.as_ref());
        let amount = cx.number(&key("amount"), b.amount, "an amount in mkr, zero or more", |v| v >= 0.0);
        if let (Some(date), Some(v)) = (date, valuation)
            && date <= v
        {
            cx.problem(&key("date"), format!("a date after the valuation date {v}"), date.to_string());
        }
        if let (Some(date), Some(amount)) = (date, amount) {
            borrowing.push(Borrowing { date, amount });
        }
    }

    let positive = |v: f64| v >= 0.0;
    let borrowing_limit = cx.number(
        "debt.borrowing_limit",
        raw.borrowing_limit,
        "the borrowing limit in mkr, zero or more",
        positive,
    );
    let overdraft =
        cx.number("debt.overdraft", raw.overdraft, "the overdraft facility in mkr, zero or more", positive);
    let rate = |v: f64| (-0.05..=0.5).contains(&v);
    let stibor_3m = cx.number(
        "debt.stibor_3m",
        raw.stibor_3m,
        "3-month STIBOR on the valuation date, -0.05 to 0.5",
        rate,
    );
    let fixed_spread = cx.number(
        "debt.fixed_spread",
        raw.fixed_spread,
        "Kommuninvest's spread over the market curve for fixed loans, -0.05 to 0.5",
        rate,
    );
    let floating_margin = cx.number(
        "debt.floating_margin",
        raw.floating_margin,
        "the margin over 3-month STIBOR for new floating loans, -0.05 to 0.5",
        rate,
    );
    let refinancing = refinancing(cx, raw.refinancing);
    let policy = policy(cx, raw.policy);

    if cx.problems.len() > before {
        return None;
    }
    let debt = Debt {
        book: Book { date: valuation?, loans },
        borrowing,
        borrowing_limit: borrowing_limit?,
        overdraft: overdraft?,
        policy,
        refinancing: refinancing?,
        fixed_spread: fixed_spread?,
        floating_margin: floating_margin?,
        stibor_3m: stibor_3m?,
    };
    let debt = with_fixings(debt);
    if let Some((date, total)) = debt.plan_over_limit() {
        cx.warn(
            "debt.borrowing",
            format!(
                "the plan's borrowing on {date} takes the debt to {} mkr, over the borrowing limit of {} mkr",
                format_value(total),
                format_value(debt.borrowing_limit)
            ),
        );
    }
    Some(debt)
}

/// Today's floating loans carry today's 3-month STIBOR.
fn with_fixings(mut debt: Debt) -> Debt {
    for loan in &mut debt.book.loans {
        if let LoanRate::Floating { fixing, .. } = &mut loan.rate {
            *fixing = debt.stibor_3m;
        }
    }
    debt
}

/// One loan, its problems reported at `place`.
fn loan(
    cx: &mut Context<'_>,
    l: LoanFile,
    (start, maturity): (Option<NaiveDate>, Option<NaiveDate>),
    place: Place<'_>,
    valuation: Option<NaiveDate>,
) -> Option<Loan> {
    let before = cx.problems.len();
    let report = |cx: &mut Context<'_>, field: &str, expected: &str, found: String| match place {
        Place::Key(i) => {
            cx.problem(&format!("debt.loan[{i}].{field}"), expected, found);
        }
        Place::Row { table, row } => {
            let place = table.place(row, table.column(field));
            cx.problems.push(Problem::new(&table.file, place, field, expected, found));
        }
    };
    let id = l.id.filter(|s| !s.trim().is_empty());
    if id.is_none() {
        report(cx, "id", "a name for the loan, such as \"KI-1\"", MISSING.into());
    }
    let amount = match l.amount {
        Some(a) if a.is_finite() && a > 0.0 && a <= MAX_MAGNITUDE => Some(a),
        other => {
            report(
                cx,
                "amount",
                "the outstanding amount in mkr, more than 0",
                other.map_or(MISSING.into(), format_value),
            );
            None
        }
    };
    let rate = match (l.rate, l.margin) {
        (Some(r), None) if (-0.05..=0.5).contains(&r) => Some(LoanRate::Fixed { rate: r }),
        (None, Some(m)) if (-0.05..=0.5).contains(&m) => Some(LoanRate::Floating { margin: m, fixing: 0.0 }),
        (Some(_), Some(_)) => {
            report(cx, "margin", "either a fixed `rate` or a floating `margin`, not both", "both".into());
            None
        }
        (None, None) => {
            report(
                cx,
                "rate",
                "a fixed `rate` (yearly, e.g. 0.0311), or a `margin` over 3-month STIBOR for a floating loan",
                MISSING.into(),
            );
            None
        }
        (Some(r), None) => {
            report(cx, "rate", "a yearly rate from -0.05 to 0.5", format_value(r));
            None
        }
        (None, Some(m)) => {
            report(cx, "margin", "a margin from -0.05 to 0.5", format_value(m));
            None
        }
    };
    let amortisation = match l.amortisation {
        None => 0.0,
        Some(a) if (0.0..=MAX_MAGNITUDE).contains(&a) => a,
        Some(a) => {
            report(cx, "amortisation", "mkr repaid a year, from 0 to 10,000,000", format_value(a));
            0.0
        }
    };
    for (field, date) in [("start", start), ("maturity", maturity)] {
        if let Some(d) = date.filter(|d| !(FIRST_DATE..=LAST_DATE).contains(d)) {
            report(cx, field, &format!("a date from {FIRST_DATE} to {LAST_DATE}"), d.to_string());
        }
    }
    if let (Some(s), Some(m)) = (start, maturity)
        && m <= s
    {
        report(cx, "maturity", &format!("a maturity after the start {s}"), m.to_string());
    }
    if let (Some(m), Some(v)) = (maturity, valuation)
        && m <= v
    {
        report(
            cx,
            "maturity",
            &format!("a maturity after the valuation date {v} (the book holds loans outstanding then)"),
            m.to_string(),
        );
    }
    if let (Some(s), Some(v)) = (start, valuation)
        && s > v
    {
        report(
            cx,
            "start",
            &format!("a start on or before the valuation date {v} (put later loans in [[debt.borrowing]])"),
            s.to_string(),
        );
    }
    if cx.problems.len() > before {
        return None;
    }
    Some(Loan {
        id: id?,
        amount: amount?,
        start: start?,
        maturity: maturity?,
        rate: rate?,
        amortisation,
        green: l.green.unwrap_or(false),
    })
}

/// The loans of a table (a CSV file or a sheet) with the columns of
/// `[[debt.loan]]`.
fn table_loans(cx: &mut Context<'_>, table: &Table, valuation: Option<NaiveDate>) -> Vec<Loan> {
    let path = table.file.as_path();
    let known = crate::scenario::raw::keys::<crate::scenario::raw::LoanFile>();
    for h in table.header.iter().filter(|h| !known.contains(&h.as_str())) {
        cx.problems.push(Problem::new(
            path,
            table.header_place(),
            h,
            format!("columns among {}", known.join(", ")),
            format!("a column `{h}`"),
        ));
    }
    let mut loans = Vec::new();
    for row in &table.rows {
        let column = |name: &str| table.column(name);
        let mut bad: Vec<Problem> = Vec::new();
        let mut number = |name: &'static str| {
            column(name).and_then(|i| match table.value(row, i, "a number") {
                Ok(v) => v,
                Err(p) => {
                    bad.push(p);
                    None
                }
            })
        };
        let (amount, rate, margin, amortisation) =
            (number("amount"), number("rate"), number("margin"), number("amortisation"));
        let mut date = |name: &'static str| match column(name) {
            Some(i) if table.text(row, i).is_some() => match table.date(row, i) {
                Ok(d) => Some(d),
                Err(p) => {
                    bad.push(p);
                    None
                }
            },
            _ => {
                let place = table.place(row.number, column(name));
                bad.push(Problem::new(path, place, name, "a date such as 2025-08-31", MISSING));
                None
            }
        };
        let (start, maturity) = (date("start"), date("maturity"));
        let green = match column("green").map(|i| (i, table.cell(row, i))) {
            None | Some((_, Cell::Empty)) => None,
            Some((_, Cell::Bool(b))) => Some(*b),
            Some((i, cell)) => match cell.text().unwrap_or_default().to_lowercase().as_str() {
                "true" | "sant" => Some(true),
                "false" | "falskt" => Some(false),
                _ => {
                    bad.push(table.problem_at(row, i, "true or false", cell.found()));
                    None
                }
            },
        };
        let ok = bad.is_empty();
        cx.problems.extend(bad);
        let raw = LoanFile {
            id: column("id").and_then(|i| table.text(row, i)),
            amount,
            start: None,
            maturity: None,
            rate,
            margin,
            amortisation,
            green,
            source: None,
        };
        if ok {
            let place = Place::Row { table, row: row.number };
            loans.extend(loan(cx, raw, (start, maturity), place, valuation));
        }
    }
    loans
}

fn refinancing(
    cx: &mut Context<'_>,
    raw: Option<crate::scenario::raw::RefinancingFile>,
) -> Option<Refinancing> {
    let Some(raw) = raw else {
        cx.problem(
            "debt.refinancing",
            "a strategy such as { kind = \"policy\", max_years = 5 } (ladder, floating, fixed or policy)",
            MISSING,
        );
        return None;
    };
    let mut years = |key: &str, value: Option<i64>| match value {
        Some(y) if (1..=30).contains(&y) => Some(y as u32),
        other => {
            cx.problem(
                key,
                "a whole number of years from 1 to 30",
                other.map_or(MISSING.into(), |y| y.to_string()),
            );
            None
        }
    };
    match raw.kind.as_deref() {
        Some("ladder") => Some(Refinancing::Ladder { years: years("debt.refinancing.years", raw.years)? }),
        Some("floating") => {
            Some(Refinancing::Floating { years: years("debt.refinancing.years", raw.years)? })
        }
        Some("fixed") => Some(Refinancing::Fixed { years: years("debt.refinancing.years", raw.years)? }),
        Some("policy") => {
            Some(Refinancing::Policy { max_years: years("debt.refinancing.max_years", raw.max_years)? })
        }
        other => {
            cx.problem(
                "debt.refinancing.kind",
                "\"ladder\", \"floating\", \"fixed\" or \"policy\"",
                other.map_or(MISSING.into(), |k| format!("{k:?}")),
            );
            None
        }
    }
}

fn policy(cx: &mut Context<'_>, raw: Option<crate::scenario::raw::DebtPolicyFile>) -> DebtPolicy {
    let raw = raw.unwrap_or_default();
    let mut band = |key: &str, value: Option<Vec<f64>>| match value.as_deref() {
        None => DEFAULT_BAND,
        Some([lo, hi]) if 0.0 <= *lo && lo <= hi && *hi <= 50.0 => (*lo, *hi),
        Some(other) => {
            cx.problem(key, "a band [lowest, highest] in years, such as [1.5, 4.0]", format!("{other:?}"));
            DEFAULT_BAND
        }
    };
    let fixing_years = band("debt.policy.fixing_years", raw.fixing_years);
    let capital_binding_years = band("debt.policy.capital_binding_years", raw.capital_binding_years);
    let max_share_within_12m = match raw.max_share_within_12m {
        None => DEFAULT_MAX_SHARE,
        Some(v) => cx
            .number("debt.policy.max_share_within_12m", Some(v), "a share from 0 to 1", |v| {
                (0.0..=1.0).contains(&v)
            })
            .unwrap_or(DEFAULT_MAX_SHARE),
    };
    DebtPolicy { fixing_years, capital_binding_years, max_share_within_12m }
}
