//! The consolidation outlook as text and as a CSV table year by year, in
//! Swedish and English. Every ratio names its denominator.

use std::fmt::Write as _;

use super::i18n::{Lang, Term, mkr, number, percent};
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

/// The outlook's text for `pensionsim run`.
pub fn outlook(o: &Outlook, valuation_date: chrono::NaiveDate, lang: Lang) -> String {
    let mut out = String::new();
    let ratio = Term::ConsolidationRatio.text(lang);
    let head = format!("{}: {} {}", Term::Obligation.text(lang), ratio.to_lowercase(), {
        let d = denominator_label(o.denominator, lang);
        term_with("obligations.against", lang, &[("denominator", &d)])
    });
    let _ = writeln!(out, "{head}\n{}", "=".repeat(head.chars().count()));
    let s = &o.start;
    let _ = writeln!(
        out,
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
    let _ = writeln!(
        out,
        "{ratio} {} {}, {} {}; {} {}",
        percent(s.ratio_whole, 1, lang),
        term("obligations.of_whole", lang),
        percent(s.ratio_provision, 1, lang),
        term("obligations.of_provision", lang),
        Term::Reborrowed.text(lang).to_lowercase(),
        mkr(s.reborrowed, 0, lang),
    );
    let deposits: f64 = o.years.iter().filter(|y| y.year <= o.target_year).map(|y| y.flows).sum();
    let _ = writeln!(
        out,
        "{} {}, {} {} real (RIPS), {} {} {}–{}{}",
        Term::PayrollTax.text(lang),
        percent(o.payroll_tax, 2, lang),
        term("obligations.discount_rate", lang),
        percent(o.discount_rate, 2, lang),
        term("obligations.net_flows", lang),
        mkr(deposits, 0, lang),
        o.years.first().map_or(o.target_year, |y| y.year),
        o.target_year,
        if o.withdraw_payments {
            term("obligations.payments_withdrawn", lang)
        } else {
            term("obligations.payments_outside", lang)
        },
    );
    if o.stop_when_full {
        let _ = writeln!(out, "{}", term("obligations.deposit_rule", lang));
    }
    let _ = writeln!(
        out,
        "{} {}, {} {}",
        number(o.paths as f64, 0, lang),
        term("obligations.paths", lang),
        term("obligations.seed", lang),
        o.seed
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<6}{:>12}{:>12}{:>12}{:>9}{:>9}{:>9}{:>9}{:>9}{:>11}",
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
    );
    for y in &o.years {
        let denominator = match o.denominator {
            Denominator::Whole => y.whole,
            Denominator::Provision => y.provision,
        };
        let r = &y.ratio;
        let _ = writeln!(
            out,
            "{:<6}{:>12}{:>12}{:>12}{:>9}{:>9}{:>9}{:>9}{:>9}{:>11}{}",
            y.year,
            number(denominator, 0, lang),
            number(y.portfolio, 0, lang),
            number(y.reborrowed, 0, lang),
            percent(r.p5, 0, lang),
            percent(r.p25, 0, lang),
            percent(r.p50, 0, lang),
            percent(r.p75, 0, lang),
            percent(r.p95, 0, lang),
            percent(y.p_full, 1, lang),
            if y.year == o.target_year { term("obligations.target_mark", lang) } else { "" },
        );
    }
    let _ = writeln!(out, "{}", term("obligations.table_note", lang));
    let _ = writeln!(out);
    let pp = |x: f64| format!("± {} {}", number(x * 100.0, 1, lang), term("obligations.pp", lang));
    let t = o.target_year;
    let _ = writeln!(
        out,
        "{} {t}: {} {}",
        term("obligations.full_at_end_of", lang),
        percent(o.p_full_at_target, 1, lang),
        pp(o.p_full_at_target_se)
    );
    let _ = writeln!(
        out,
        "{} {t}: {} {}",
        term("obligations.reached_up_to", lang),
        percent(o.p_reached_by_target, 1, lang),
        pp(o.p_reached_by_target_se)
    );
    let _ = writeln!(
        out,
        "{} {}: {} {}",
        term("obligations.reached_by", lang),
        o.horizon_year,
        percent(o.p_reached_by_horizon, 1, lang),
        pp(o.p_reached_by_horizon_se)
    );
    let median = o.median_year_reached.map_or_else(
        || term_with("obligations.not_before", lang, &[("year", &(o.horizon_year + 1))]),
        |y| y.to_string(),
    );
    let _ = writeln!(out, "{}: {median}", term("obligations.median_year", lang));
    if let (Some(m), Some(se)) = (o.mean_year_reached, o.mean_year_reached_se) {
        let _ = writeln!(
            out,
            "{}: {} ± {}",
            term("obligations.expected_year", lang),
            year_number(m, lang),
            year_number(se, lang)
        );
    }
    let _ = writeln!(
        out,
        "{} {t}: {} ± {} {}",
        term("obligations.real_return_to", lang),
        percent(o.mean_real_return_to_target, 2, lang),
        number(o.mean_real_return_to_target_se * 100.0, 2, lang),
        term("obligations.pp", lang)
    );
    if let (Some(p), Some(se)) = (o.p_rolling_5y_real_target, o.p_rolling_5y_real_target_se) {
        let _ = writeln!(
            out,
            "{}: {} {}",
            term("obligations.rolling_five_years", lang),
            percent(p, 1, lang),
            pp(se)
        );
    }
    let _ = writeln!(
        out,
        "{} {t}, {}: {} ({} {} + {} {}) ± {}",
        term("obligations.financial_cost_to", lang),
        denominator_label(o.denominator, lang),
        mkr(o.financial_cost_to_target, 0, lang),
        term("obligations.interest", lang),
        mkr(o.interest_cost_to_target, 0, lang),
        term("obligations.indexation", lang),
        mkr(o.indexation_cost_to_target, 0, lang),
        mkr(o.financial_cost_to_target_se, 0, lang),
    );
    let _ = writeln!(
        out,
        "{}: {} ± {}",
        term("obligations.portfolio_return_same_years", lang),
        mkr(o.portfolio_return_to_target, 0, lang),
        mkr(o.portfolio_return_to_target_se, 0, lang),
    );
    if let Some(search) = &o.deposit_search {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{} {}–{} {} {t} ({} {}, {} {}, {}):",
            term("obligations.deposit_each_january", lang),
            search.first_year,
            search.last_year,
            term("obligations.that_gives_full", lang),
            number(search.paths as f64, 0, lang),
            term("obligations.paths", lang),
            term("obligations.seed", lang),
            search.seed,
            term("obligations.same_paths_every_level", lang),
        );
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
            let _ = writeln!(
                out,
                "  {} {}: {line}",
                term("obligations.probability", lang),
                percent(a.probability, 0, lang)
            );
        }
    }
    out
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
