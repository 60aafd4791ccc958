//! The consolidation outlook as text and as a CSV table year by year, in
//! Swedish and English. Every ratio names its denominator.

use std::fmt::Write as _;

use super::document::{Column, Document, Layout};
use super::i18n::{Lang, Term, mkr, number, percent};
use super::table::{Cell, Table};
use super::terms::{term, term_with};
use crate::obligations::{Denominator, Outlook};

/// What the ratio divides by, in words: "of the whole obligation
/// (provision and contingent liability)" or "of the provision only".
pub fn denominator_label(d: Denominator, lang: Lang) -> &'static str {
    match d {
        Denominator::Whole => term("obligations.whole", lang),
        Denominator::Provision => term("obligations.provision_only", lang),
    }
}

/// The outlook as `pensionsim run` prints it: today's figures, the
/// assumptions, the table by year, the target's probabilities and, when
/// searched, the deposits that reach it.
pub fn outlook(d: &mut Document, o: &Outlook, valuation_date: chrono::NaiveDate) {
    let lang = d.lang;
    let ratio = Term::ConsolidationRatio.text(lang);
    let against =
        term_with("obligations.against", lang, &[("denominator", &denominator_label(o.denominator, lang))]);
    d.heading(1, format!("{}: {} {against}", Term::Obligation.text(lang), ratio.to_lowercase()));
    d.para(set_up(o, valuation_date, lang));
    d.gap();
    d.table_with(
        years_table(o, lang),
        Layout::headed(&[
            Column::LEFT,
            Column::right(10),
            Column::right(10),
            Column::right(10),
            Column::right(7),
            Column::right(7),
            Column::right(7),
            Column::right(7),
            Column::right(7),
            Column::right(9),
            Column::LEFT,
        ]),
    );
    d.para(term("obligations.table_note", lang));
    d.gap();
    d.para(target_lines(o, lang));
    if let Some(search) = &o.deposit_search {
        d.gap();
        d.para(format!(
            "{} {}–{} {} {} ({} {}, {} {}, {}):",
            term("obligations.deposit_each_january", lang),
            search.first_year,
            search.last_year,
            term("obligations.that_gives_full", lang),
            o.target_year,
            number(search.paths as f64, 0, lang),
            term("obligations.paths", lang),
            term("obligations.seed", lang),
            search.seed,
            term("obligations.same_paths_every_level", lang),
        ));
        d.indent(2);
        for a in &search.answers {
            let line = match (a.yearly, a.total, a.achieved) {
                (Some(y), Some(total), Some(achieved)) => format!(
                    "{} {} {}, {} {} ({} {})",
                    mkr(y, 0, lang),
                    term("obligations.a_year", lang),
                    term("obligations.in_place_of_the_plan", lang),
                    mkr(total, 0, lang),
                    term("obligations.in_all", lang),
                    term("obligations.reaches_full_in", lang),
                    percent(achieved, 1, lang),
                ),
                _ => term("obligations.out_of_reach", lang).to_string(),
            };
            d.para(format!(
                "{} {}: {line}",
                term("obligations.probability", lang),
                percent(a.probability, 0, lang)
            ));
        }
        d.indent(0);
    }
}

/// Today's obligation and portfolio, the ratio both ways, the
/// assumptions and the paths, a line each.
fn set_up(o: &Outlook, valuation_date: chrono::NaiveDate, lang: Lang) -> String {
    let s = &o.start;
    let ratio = Term::ConsolidationRatio.text(lang);
    let mut out = format!(
        "{valuation_date}: {} {}, {} {}, {} {}; {} {}",
        Term::Provision.text(lang).to_lowercase(),
        mkr(s.provision, 1, lang),
        Term::Contingent.text(lang).to_lowercase(),
        mkr(s.contingent, 1, lang),
        term("obligations.in_all", lang),
        mkr(s.whole, 1, lang),
        term("obligations.the_portfolio", lang),
        mkr(s.portfolio, 1, lang),
    );
    let _ = write!(
        out,
        "\n{ratio} {} {}, {} {}; {} {}",
        percent(s.ratio_whole, 1, lang),
        term("obligations.of_whole", lang),
        percent(s.ratio_provision, 1, lang),
        term("obligations.of_provision", lang),
        Term::Reborrowed.text(lang).to_lowercase(),
        mkr(s.reborrowed, 0, lang),
    );
    let _ = write!(
        out,
        "\n{} {}, {} {} real (RIPS), {} {} {}–{}{}",
        Term::PayrollTax.text(lang),
        percent(o.payroll_tax, 2, lang),
        term("obligations.discount_rate", lang),
        percent(o.discount_rate, 2, lang),
        term("obligations.net_flows", lang),
        mkr(o.flows_to_target, 0, lang),
        o.years.first().map_or(o.target_year, |y| y.year),
        o.target_year,
        if o.withdraw_payments {
            term("obligations.payments_withdrawn", lang)
        } else {
            term("obligations.payments_outside", lang)
        },
    );
    if o.stop_when_full {
        let _ = write!(out, "\n{}", term("obligations.deposit_rule", lang));
    }
    let _ = write!(
        out,
        "\n{} {}, {} {}",
        number(o.paths as f64, 0, lang),
        term("obligations.paths", lang),
        term("obligations.seed", lang),
        o.seed
    );
    out
}

/// The outlook by year: the denominator, portfolio and reborrowed funds,
/// the ratio's quantiles and the probability of 100 %, the target year
/// marked.
fn years_table(o: &Outlook, lang: Lang) -> Table {
    let columns = [
        term("obligations.column_year", lang),
        term("obligations.column_obligation", lang),
        term("obligations.column_portfolio", lang),
        term("obligations.column_reborrowed", lang),
        "p5",
        "p25",
        "median",
        "p75",
        "p95",
        "P(≥100 %)",
        "",
    ];
    let mut t = Table::new("obligations-years", Term::ConsolidationRatio.text(lang), &columns);
    for y in &o.years {
        let denominator = match o.denominator {
            Denominator::Whole => y.whole,
            Denominator::Provision => y.provision,
        };
        let r = &y.ratio;
        let mark = if y.year == o.target_year { term("obligations.target_mark", lang).trim() } else { "" };
        t.push(vec![
            Cell::text(y.year.to_string()),
            Cell::plain(denominator, 0),
            Cell::plain(y.portfolio, 0),
            Cell::plain(y.reborrowed, 0),
            Cell::percent(r.p5, 0),
            Cell::percent(r.p25, 0),
            Cell::percent(r.p50, 0),
            Cell::percent(r.p75, 0),
            Cell::percent(r.p95, 0),
            Cell::percent(y.p_full, 1),
            Cell::text(mark),
        ]);
    }
    t
}

/// The target's probabilities, the year 100 % is reached, the return and
/// the financial cost to the target year, a line each.
fn target_lines(o: &Outlook, lang: Lang) -> String {
    let pp = |x: f64| format!("± {} {}", number(x * 100.0, 1, lang), term("obligations.pp", lang));
    let t = o.target_year;
    let mut lines = vec![
        format!(
            "{} {t}: {} {}",
            term("obligations.full_at_end_of", lang),
            percent(o.p_full_at_target, 1, lang),
            pp(o.p_full_at_target_se)
        ),
        format!(
            "{} {t}: {} {}",
            term("obligations.reached_up_to", lang),
            percent(o.p_reached_by_target, 1, lang),
            pp(o.p_reached_by_target_se)
        ),
        format!(
            "{} {}: {} {}",
            term("obligations.reached_by", lang),
            o.horizon_year,
            percent(o.p_reached_by_horizon, 1, lang),
            pp(o.p_reached_by_horizon_se)
        ),
    ];
    let median = o.median_year_reached.map_or_else(
        || term_with("obligations.not_before", lang, &[("year", &(o.horizon_year + 1))]),
        |y| y.to_string(),
    );
    lines.push(format!("{}: {median}", term("obligations.median_year", lang)));
    if let (Some(m), Some(se)) = (o.mean_year_reached, o.mean_year_reached_se) {
        lines.push(format!(
            "{}: {} ± {}",
            term("obligations.expected_year", lang),
            year_number(m, lang),
            year_number(se, lang)
        ));
    }
    lines.push(format!(
        "{} {t}: {} ± {} {}",
        term("obligations.real_return_to", lang),
        percent(o.mean_real_return_to_target, 2, lang),
        number(o.mean_real_return_to_target_se * 100.0, 2, lang),
        term("obligations.pp", lang)
    ));
    if let (Some(p), Some(se)) = (o.p_rolling_5y_real_target, o.p_rolling_5y_real_target_se) {
        lines.push(format!(
            "{}: {} {}",
            term("obligations.rolling_five_years", lang),
            percent(p, 1, lang),
            pp(se)
        ));
    }
    lines.push(format!(
        "{} {t}, {}: {} ({} {} + {} {}) ± {}",
        term("obligations.financial_cost_to", lang),
        denominator_label(o.denominator, lang),
        mkr(o.financial_cost_to_target, 0, lang),
        term("obligations.interest", lang),
        mkr(o.interest_cost_to_target, 0, lang),
        term("obligations.indexation", lang),
        mkr(o.indexation_cost_to_target, 0, lang),
        mkr(o.financial_cost_to_target_se, 0, lang),
    ));
    lines.push(format!(
        "{}: {} ± {}",
        term("obligations.portfolio_return_same_years", lang),
        mkr(o.portfolio_return_to_target, 0, lang),
        mkr(o.portfolio_return_to_target_se, 0, lang),
    ));
    lines.join("\n")
}

/// `obligations.csv`: the outlook year by year (amounts in mkr, shares as
/// fractions); the same columns in either language.
pub fn years_csv(o: &Outlook) -> String {
    let mut out = String::from(
        "year,denominator,provision,contingent,whole,portfolio,reborrowed,ratio_p5,ratio_p25,ratio_p50,ratio_p75,ratio_p95,ratio_mean,p_full,p_full_se,interest_cost,indexation_cost,portfolio_return,flows\n",
    );
    for y in &o.years {
        let r = &y.ratio;
        let _ = writeln!(
            out,
            "{},{},{:.3},{:.3},{:.3},{:.3},{:.3},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.3},{:.3},{:.3},{:.3}",
            y.year,
            o.denominator.name(),
            y.provision,
            y.contingent,
            y.whole,
            y.portfolio,
            y.reborrowed,
            r.p5,
            r.p25,
            r.p50,
            r.p75,
            r.p95,
            r.mean,
            y.p_full,
            y.p_full_se,
            y.interest_cost,
            y.indexation_cost,
            y.portfolio_return,
            y.flows
        );
    }
    out
}

/// A year or a span of years with one decimal and no thousands group:
/// `2040.2` / `2040,2`.
fn year_number(x: f64, lang: Lang) -> String {
    let s = format!("{x:.1}");
    if lang == Lang::Sv { s.replace('.', ",") } else { s }
}
