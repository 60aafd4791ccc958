//! `[liquidity]`: the cash on the valuation date, the budget table by
//! year, the year to date, the monthly profiles, the financing rules and
//! the uncertainty around the plan.

use chrono::{Datelike, NaiveDate};

use super::{Context, MAX_MAGNITUDE, format_value, quoted};
use crate::calendar::month_after;
use crate::debt::Debt;
use crate::liquidity::{
    Actuals, BudgetYear, DEFAULT_BLOCK, DEFAULT_MONTHS, DEFAULT_QUICK_RATIO_TARGET, DEFAULT_RULES,
    DEFAULT_UNCERTAINTY, EVEN, Liquidity, MONTHS_A_YEAR, Profile, Rows, Rule, Uncertainty,
};
use crate::scenario::raw::{LiquidityFile, LiquidityYearFile, RowsFile, UncertaintyFile};

/// A profile's shares may sum to one within this (shares written with
/// a few decimals).
const PROFILE_TOLERANCE: f64 = 1e-6;
/// The most months the forecast runs.
const MAX_MONTHS: i64 = 36;

pub(super) fn liquidity(
    cx: &mut Context<'_>,
    raw: LiquidityFile,
    valuation: Option<NaiveDate>,
    debt: Option<&Debt>,
    debt_refused: bool,
) -> Option<Liquidity> {
    let before = cx.problems.len();
    let amount = |v: f64| v >= 0.0;
    let opening_cash = cx.number(
        "liquidity.opening_cash",
        raw.opening_cash,
        "kassa och bank on the valuation date in mkr, zero or more",
        |v| v.is_finite(),
    );
    let receivables =
        cx.number("liquidity.receivables", raw.receivables, "receivables in mkr, zero or more", amount);
    let current_liabilities = cx.number(
        "liquidity.current_liabilities",
        raw.current_liabilities,
        "current liabilities in mkr, above zero",
        |v| v > 0.0,
    );
    let quick_ratio_target = cx.number(
        "liquidity.quick_ratio_target",
        Some(raw.quick_ratio_target.unwrap_or(DEFAULT_QUICK_RATIO_TARGET)),
        "the kassalikviditet target as a fraction, 0 to 10",
        |v| (0.0..=10.0).contains(&v),
    );
    let buffer = cx.number(
        "liquidity.buffer",
        Some(raw.buffer.unwrap_or(0.0)),
        "a cash buffer in mkr, zero or more",
        amount,
    );
    let block = cx.number(
        "liquidity.borrowing_block",
        Some(raw.borrowing_block.unwrap_or(DEFAULT_BLOCK)),
        "the block of extra borrowing in mkr, above zero",
        |v| v > 0.0,
    );
    let overdraft = overdraft(cx, raw.overdraft, debt, debt_refused);
    let months = match raw.months.unwrap_or(DEFAULT_MONTHS as i64) {
        m if (1..=MAX_MONTHS).contains(&m) => Some(m as usize),
        m => {
            cx.problem("liquidity.months", format!("1 to {MAX_MONTHS} months"), m.to_string());
            None
        }
    };
    let rules = rules(cx, raw.rules, debt.is_some() || debt_refused);
    let cost_profile = profile(cx, "liquidity.cost_profile", raw.cost_profile);
    let revenue_profile = profile(cx, "liquidity.revenue_profile", raw.revenue_profile);
    let investment_profile = profile(cx, "liquidity.investment_profile", raw.investment_profile);
    let uncertainty = uncertainty(cx, raw.uncertainty.unwrap_or_default());

    let mut years = Vec::new();
    for (i, y) in raw.year.unwrap_or_default().into_iter().enumerate() {
        years.extend(budget_year(cx, i, y));
    }
    let year_to_date = raw.year_to_date.and_then(|r| rows(cx, "liquidity.year_to_date", r));

    if let (Some(valuation), Some(months)) = (valuation, months) {
        coverage(cx, &years, valuation, months, year_to_date.is_some());
    }

    if cx.problems.len() > before {
        return None;
    }
    Some(Liquidity {
        opening_cash: opening_cash?,
        receivables: receivables?,
        current_liabilities: current_liabilities?,
        quick_ratio_target: quick_ratio_target?,
        buffer: buffer?,
        overdraft: overdraft?,
        borrowing_block: block?,
        months: months?,
        randomness: raw.randomness.unwrap_or(true),
        rules: rules?,
        years,
        year_to_date,
        cost_profile: cost_profile?,
        revenue_profile: revenue_profile?,
        investment_profile: investment_profile?,
        uncertainty: uncertainty?,
        // `[actuals]`, a table of its own, is read after and put in.
        actuals: Actuals::default(),
    })
}

/// The overdraft lives in `[debt]` when there is one; `[liquidity]` may
/// repeat it but not contradict it. A `[debt]` refused for problems of
/// its own (`debt_refused`) is not held against `[liquidity]` as well.
fn overdraft(
    cx: &mut Context<'_>,
    value: Option<f64>,
    debt: Option<&Debt>,
    debt_refused: bool,
) -> Option<f64> {
    const KEY: &str = "liquidity.overdraft";
    match (value, debt) {
        (Some(v), _) if !(0.0..=MAX_MAGNITUDE).contains(&v) => {
            cx.problem(
                KEY,
                "the overdraft facility in mkr, zero or more and at most 10,000,000",
                format_value(v),
            );
            None
        }
        (_, None) if debt_refused => None,
        (Some(v), Some(d)) if v != d.overdraft => {
            cx.problem(
                KEY,
                format!("[debt].overdraft's {} mkr, or no key", format_value(d.overdraft)),
                format_value(v),
            )
            .hint = Some("the overdraft facility is set once, in [debt]".into());
            None
        }
        (Some(v), _) => Some(v),
        (None, Some(d)) => Some(d.overdraft),
        (None, None) => {
            cx.problem(KEY, "the overdraft facility in mkr (or a [debt] with overdraft)", super::MISSING);
            None
        }
    }
}

fn rules(cx: &mut Context<'_>, raw: Option<Vec<String>>, has_debt: bool) -> Option<Vec<Rule>> {
    // Without a loan book the default order has no borrowing.
    let Some(names) = raw else {
        return Some(DEFAULT_RULES.into_iter().filter(|r| has_debt || *r != Rule::Borrow).collect());
    };
    let known: Vec<&str> = Rule::ALL.iter().map(|r| r.name()).collect();
    let mut rules = Vec::new();
    let mut ok = true;
    for (i, name) in names.iter().enumerate() {
        let key = format!("liquidity.rules[{i}]");
        match Rule::ALL.iter().find(|r| r.name() == name) {
            Some(r) if rules.contains(r) => {
                cx.problem(&key, "each rule at most once", format!("{name:?} again"));
                ok = false;
            }
            Some(Rule::Borrow) if !has_debt => {
                cx.problem(&key, "a rule other than \"borrow\" without a [debt] loan book", "\"borrow\"");
                ok = false;
            }
            Some(r) => rules.push(*r),
            None => {
                cx.problem(&key, format!("one of {}", quoted(&known)), format!("{name:?}"));
                ok = false;
            }
        }
    }
    ok.then_some(rules)
}

/// Twelve shares summing to one; even when left out.
fn profile(cx: &mut Context<'_>, key: &str, raw: Option<Vec<f64>>) -> Option<Profile> {
    let Some(shares) = raw else { return Some(EVEN) };
    let sum: f64 = shares.iter().sum();
    if shares.len() != MONTHS_A_YEAR || shares.iter().any(|s| !s.is_finite() || *s < 0.0) {
        cx.problem(key, "12 shares, one a month, each zero or more", format!("{} values", shares.len()));
        return None;
    }
    if (sum - 1.0).abs() > PROFILE_TOLERANCE {
        cx.problem(key, "12 shares summing to 1 (100 %)", format!("a sum of {}", format_value(sum)));
        return None;
    }
    let mut out = [0.0; MONTHS_A_YEAR];
    out.copy_from_slice(&shares);
    Some(out)
}

fn uncertainty(cx: &mut Context<'_>, raw: UncertaintyFile) -> Option<Uncertainty> {
    let d = DEFAULT_UNCERTAINTY;
    let key = |k: &str| format!("liquidity.uncertainty.{k}");
    let share = |v: f64| (0.0..=1.0).contains(&v);
    let amount = |v: f64| v >= 0.0;
    let cost_spread = cx.number(
        &key("cost_spread"),
        Some(raw.cost_spread.unwrap_or(d.cost_spread)),
        "mkr, zero or more",
        amount,
    );
    let cost_persistence = cx.number(
        &key("cost_persistence"),
        Some(raw.cost_persistence.unwrap_or(d.cost_persistence)),
        "a monthly AR(1) coefficient, 0 to below 1",
        |v| (0.0..1.0).contains(&v),
    );
    let tax_spread = cx.number(
        &key("tax_spread"),
        Some(raw.tax_spread.unwrap_or(d.tax_spread)),
        "mkr, zero or more",
        amount,
    );
    let tax_month = month(cx, &key("tax_month"), raw.tax_month.unwrap_or(i64::from(d.tax_month)));
    let grant_delay = cx.number(
        &key("grant_delay"),
        Some(raw.grant_delay.unwrap_or(d.grant_delay)),
        "a probability, 0 to 1",
        share,
    );
    let grant_missing = cx.number(
        &key("grant_missing"),
        Some(raw.grant_missing.unwrap_or(d.grant_missing)),
        "a probability, 0 to 1",
        share,
    );
    let delay_months = match raw.grant_delay_months.unwrap_or(i64::from(d.grant_delay_months)) {
        m if (1..=12).contains(&m) => Some(m as u32),
        m => {
            cx.problem(&key("grant_delay_months"), "1 to 12 months", m.to_string());
            None
        }
    };
    let slippage = cx.number(
        &key("investment_slippage"),
        Some(raw.investment_slippage.unwrap_or(d.investment_slippage)),
        "a mean share, 0 to 0.5",
        |v| (0.0..=0.5).contains(&v),
    );
    Some(Uncertainty {
        cost_spread: cost_spread?,
        cost_persistence: cost_persistence?,
        tax_spread: tax_spread?,
        tax_month: tax_month?,
        grant_delay: grant_delay?,
        grant_delay_months: delay_months?,
        grant_missing: grant_missing?,
        investment_slippage: slippage?,
    })
}

fn month(cx: &mut Context<'_>, key: &str, m: i64) -> Option<u32> {
    if (1..=12).contains(&m) {
        Some(m as u32)
    } else {
        cx.problem(key, "a calendar month, 1 to 12", m.to_string());
        None
    }
}

/// The rows of a budget year that are costs, positive in the file.
const COST_ROWS: [&str; 3] = ["operating_costs", "depreciation", "financial_costs"];

/// The rows of a year or of the year to date, each required.
fn rows(cx: &mut Context<'_>, at: &str, r: RowsFile) -> Option<Rows> {
    let before = cx.problems.len();
    // Costs are written as positive amounts (the forecast subtracts them).
    let mut num = |name: &str, v: Option<f64>| -> f64 {
        let cost = COST_ROWS.contains(&name);
        let expected = if cost { "a cost in mkr, zero or more" } else { "an amount in mkr" };
        cx.number(&format!("{at}.{name}"), v, expected, |v| !cost || v >= 0.0).unwrap_or(0.0)
    };
    let rows = Rows {
        operating_revenue: num("operating_revenue", r.operating_revenue),
        earmarked_grants: num("earmarked_grants", r.earmarked_grants),
        tax_revenue: num("tax_revenue", r.tax_revenue),
        general_grants: num("general_grants", r.general_grants),
        pharmaceutical_grant: num("pharmaceutical_grant", r.pharmaceutical_grant),
        operating_costs: num("operating_costs", r.operating_costs),
        depreciation: num("depreciation", r.depreciation),
        financial_income: num("financial_income", r.financial_income),
        financial_costs: num("financial_costs", r.financial_costs),
        pension_provision_increase: num("pension_provision_increase", r.pension_provision_increase),
        portfolio_return: num("portfolio_return", r.portfolio_return),
        investments: num("investments", r.investments),
        other_cash_flows: num("other_cash_flows", r.other_cash_flows),
    };
    (cx.problems.len() == before).then_some(rows)
}

fn budget_year(cx: &mut Context<'_>, i: usize, y: LiquidityYearFile) -> Option<BudgetYear> {
    let at = format!("liquidity.year[{i}]");
    let before = cx.problems.len();
    let year = match y.year {
        Some(v) if (1900..=2200).contains(&v) => Some(v as i32),
        Some(v) => {
            cx.problem(&format!("{at}.year"), "a year such as 2025", v.to_string());
            None
        }
        None => {
            cx.problem(&format!("{at}.year"), "a year such as 2025", super::MISSING);
            None
        }
    };
    let mut months = Vec::new();
    for (j, m) in y.earmarked_months.unwrap_or_default().into_iter().enumerate() {
        months.extend(month(cx, &format!("{at}.earmarked_months[{j}]"), m));
    }
    let tax_settlement = cx
        .number(
            &format!("{at}.tax_settlement"),
            Some(y.tax_settlement.unwrap_or(0.0)),
            "an amount in mkr",
            |_| true,
        )
        .unwrap_or(0.0);
    let raw = RowsFile {
        operating_revenue: y.operating_revenue,
        earmarked_grants: y.earmarked_grants,
        tax_revenue: y.tax_revenue,
        general_grants: y.general_grants,
        pharmaceutical_grant: y.pharmaceutical_grant,
        operating_costs: y.operating_costs,
        depreciation: y.depreciation,
        financial_income: y.financial_income,
        financial_costs: y.financial_costs,
        pension_provision_increase: y.pension_provision_increase,
        portfolio_return: y.portfolio_return,
        investments: y.investments,
        other_cash_flows: y.other_cash_flows,
    };
    let rows = rows(cx, &at, raw);
    if let Some(r) = &rows
        && r.earmarked_grants != 0.0
        && months.is_empty()
        && cx.problems.len() == before
    {
        cx.problem(
            &format!("{at}.earmarked_months"),
            "the months (1-12) the earmarked grants arrive in",
            "no months",
        );
    }
    if cx.problems.len() > before {
        return None;
    }
    Some(BudgetYear { year: year?, rows: rows?, earmarked_months: months, tax_settlement })
}

/// Every calendar year the forecast touches has one row, once; the
/// valuation year's earmarked grants left have a month to arrive in.
fn coverage(cx: &mut Context<'_>, years: &[BudgetYear], valuation: NaiveDate, months: usize, ytd: bool) {
    let last = month_after(valuation, months).year();
    let listed: Vec<i32> = years.iter().map(|y| y.year).collect();
    for (i, y) in listed.iter().enumerate() {
        if listed[..i].contains(y) {
            cx.problem(&format!("liquidity.year[{i}].year"), "each year once", format!("{y} again"));
        }
    }
    for year in valuation.year()..=last {
        if !listed.contains(&year) && (year > valuation.year() || valuation.month() < 12) {
            cx.problem(
                "liquidity.year",
                format!("a [[liquidity.year]] row for every year from {} to {last}", valuation.year()),
                format!("no row for {year}"),
            );
        }
    }
    if ytd && let Some(y) = years.iter().find(|y| y.year == valuation.year()) {
        let left = y.earmarked_months.iter().any(|&m| m > valuation.month());
        if y.rows.earmarked_grants != 0.0 && !left {
            let i = listed.iter().position(|&v| v == y.year).unwrap_or(0);
            cx.problem(
                &format!("liquidity.year[{i}].earmarked_months"),
                format!("a month after the valuation date's ({}) for the grants left", valuation.month()),
                "none",
            );
        }
    }
}
