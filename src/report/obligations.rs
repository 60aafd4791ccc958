//! The consolidation outlook as text and as a CSV table year by year, in
//! Swedish and English. Every ratio names its denominator.

use std::fmt::Write as _;

use super::i18n::{Lang, Term, mkr, number, percent};
use crate::obligations::{Denominator, Outlook};

/// What the ratio divides by, in words: "of the whole obligation
/// (provision and contingent liability)" or "of the provision only".
pub fn denominator_label(d: Denominator, lang: Lang) -> &'static str {
    match (d, lang) {
        (Denominator::Whole, Lang::En) => "whole obligation (provision + contingent liability)",
        (Denominator::Whole, Lang::Sv) => "hela pensionsåtagandet (avsättning + ansvarsförbindelse)",
        (Denominator::Provision, Lang::En) => "provision only (booked value)",
        (Denominator::Provision, Lang::Sv) => "endast avsättningen (bokfört värde)",
    }
}

/// The outlook's text for `pensionsim run`.
pub fn outlook(o: &Outlook, valuation_date: chrono::NaiveDate, lang: Lang) -> String {
    let sv = lang == Lang::Sv;
    let mut out = String::new();
    let ratio = Term::ConsolidationRatio.text(lang);
    let head = format!("{}: {} {}", Term::Obligation.text(lang), ratio.to_lowercase(), {
        let d = denominator_label(o.denominator, lang);
        if sv { format!("mot {d}") } else { format!("against the {d}") }
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
        if sv { "totalt" } else { "in all" },
        mkr(s.whole, 1, lang),
        if sv { "portföljen" } else { "portfolio" },
        mkr(s.portfolio, 1, lang),
    );
    let _ = writeln!(
        out,
        "{ratio} {} {}, {} {}; {} {}",
        percent(s.ratio_whole, 1, lang),
        if sv { "av hela åtagandet" } else { "of the whole obligation" },
        percent(s.ratio_provision, 1, lang),
        if sv { "av avsättningen" } else { "of the provision" },
        Term::Reborrowed.text(lang).to_lowercase(),
        mkr(s.reborrowed, 0, lang),
    );
    let deposits: f64 = o.years.iter().filter(|y| y.year <= o.target_year).map(|y| y.flows).sum();
    let _ = writeln!(
        out,
        "{} {}, {} {} real (RIPS), {} {} {}–{}{}",
        Term::PayrollTax.text(lang),
        percent(o.payroll_tax, 2, lang),
        if sv { "diskonteringsränta" } else { "discount rate" },
        percent(o.discount_rate, 2, lang),
        if sv { "nettoflöden in i portföljen (medel)" } else { "net flows into the portfolio (mean)" },
        mkr(deposits, 0, lang),
        o.years.first().map_or(o.target_year, |y| y.year),
        o.target_year,
        if o.withdraw_payments {
            if sv {
                ", pensionsutbetalningarna tas ur portföljen"
            } else {
                ", pension payments withdrawn from the portfolio"
            }
        } else if sv {
            "; pensionerna betalas utanför portföljen"
        } else {
            "; pensions paid outside the portfolio"
        },
    );
    if o.stop_when_full {
        let _ = writeln!(
            out,
            "{}",
            if sv {
                "Insättningsregel: en framtid hoppar över årets insättning när konsolideringsgraden vid förra årsskiftet är minst 100 %"
            } else {
                "Deposit rule: a path skips the year's deposit when its ratio at the year-end before is at least 100 %"
            }
        );
    }
    let _ = writeln!(
        out,
        "{} {}, {} {}",
        number(o.paths as f64, 0, lang),
        if sv { "framtider" } else { "paths" },
        if sv { "frö" } else { "seed" },
        o.seed
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{:<6}{:>12}{:>12}{:>12}{:>9}{:>9}{:>9}{:>9}{:>9}{:>11}",
        if sv { "År" } else { "Year" },
        if sv { "Åtagande" } else { "Obligation" },
        if sv { "Portfölj" } else { "Portfolio" },
        if sv { "Återlånat" } else { "Reborrowed" },
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
            if y.year == o.target_year { if sv { "  ← mål" } else { "  ← target" } } else { "" },
        );
    }
    let _ = writeln!(
        out,
        "{}",
        if sv {
            "Åtagande, portfölj och återlånade medel: medel över framtiderna, mkr vid årets slut, inkl. särskild löneskatt; kvantiler av konsolideringsgraden."
        } else {
            "Obligation, portfolio and reborrowed funds (återlånade medel): means over paths, mkr at each year-end, with payroll tax; quantiles of the ratio."
        }
    );
    let _ = writeln!(out);
    let pp = |x: f64| format!("± {} {}", number(x * 100.0, 1, lang), if sv { "p.e." } else { "pp" });
    let t = o.target_year;
    let _ = writeln!(
        out,
        "{} {t}: {} {}",
        if sv { "Minst 100 % vid utgången av" } else { "At least 100 % at the end of" },
        percent(o.p_full_at_target, 1, lang),
        pp(o.p_full_at_target_se)
    );
    let _ = writeln!(
        out,
        "{} {t}: {} {}",
        if sv {
            "100 % nått vid något årsskifte till och med"
        } else {
            "100 % reached at some year-end up to"
        },
        percent(o.p_reached_by_target, 1, lang),
        pp(o.p_reached_by_target_se)
    );
    let _ = writeln!(
        out,
        "{} {}: {} {}",
        if sv { "100 % nått till och med" } else { "100 % reached by" },
        o.horizon_year,
        percent(o.p_reached_by_horizon, 1, lang),
        pp(o.p_reached_by_horizon_se)
    );
    let median = o.median_year_reached.map_or_else(
        || {
            if sv {
                format!("inte före {} (färre än hälften av framtiderna)", o.horizon_year + 1)
            } else {
                format!("not before {} (fewer than half the paths)", o.horizon_year + 1)
            }
        },
        |y| y.to_string(),
    );
    let _ = writeln!(
        out,
        "{}: {median}",
        if sv { "År då 100 % nås, median" } else { "Year 100 % is first reached, median" }
    );
    if let (Some(m), Some(se)) = (o.mean_year_reached, o.mean_year_reached_se) {
        let _ = writeln!(
            out,
            "{}: {} ± {}",
            if sv {
                "Förväntat år, bland framtider som når 100 % inom horisonten"
            } else {
                "Expected year, among paths that reach 100 % within the horizon"
            },
            year_number(m, lang),
            year_number(se, lang)
        );
    }
    let _ = writeln!(
        out,
        "{} {t}: {} ± {} {}",
        if sv {
            "Real avkastning per år, rensad för flöden, till"
        } else {
            "Real return a year, net of flows, to"
        },
        percent(o.mean_real_return_to_target, 2, lang),
        number(o.mean_real_return_to_target_se * 100.0, 2, lang),
        if sv { "p.e." } else { "pp" }
    );
    if let (Some(p), Some(se)) = (o.p_rolling_5y_real_target, o.p_rolling_5y_real_target_se) {
        let _ = writeln!(
            out,
            "{}: {} {}",
            if sv {
                "Rullande femårsperioder med minst 3,5 % real avkastning"
            } else {
                "Rolling five-year windows at 3.5 % real or more"
            },
            percent(p, 1, lang),
            pp(se)
        );
    }
    let _ = writeln!(
        out,
        "{} {t}, {}: {} ({} {} + {} {}) ± {}",
        if sv {
            "Pensionsskuldens finansiella kostnad till och med"
        } else {
            "The obligation's financial cost up to"
        },
        denominator_label(o.denominator, lang),
        mkr(o.financial_cost_to_target, 0, lang),
        if sv { "ränta" } else { "interest" },
        mkr(o.interest_cost_to_target, 0, lang),
        if sv { "indexering" } else { "indexation" },
        mkr(o.indexation_cost_to_target, 0, lang),
        mkr(o.financial_cost_to_target_se, 0, lang),
    );
    let _ = writeln!(
        out,
        "{}: {} ± {}",
        if sv { "Portföljens avkastning samma år" } else { "The portfolio's return in the same years" },
        mkr(o.portfolio_return_to_target, 0, lang),
        mkr(o.portfolio_return_to_target_se, 0, lang),
    );
    if let Some(search) = &o.deposit_search {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{} {}–{} {} {t} ({} {}, {} {}, {}):",
            if sv { "Insättning varje januari" } else { "Deposit each January" },
            search.first_year,
            search.last_year,
            if sv { "som ger 100 % vid utgången av" } else { "that gives 100 % at the end of" },
            number(search.paths as f64, 0, lang),
            if sv { "framtider" } else { "paths" },
            if sv { "frö" } else { "seed" },
            search.seed,
            if sv { "samma framtider för varje nivå" } else { "the same paths at every level" },
        );
        for a in &search.answers {
            let line = match (a.yearly, a.total, a.achieved) {
                (Some(y), Some(total), Some(achieved)) => format!(
                    "{} {} {}, {} {} ({} {})",
                    mkr(y, 0, lang),
                    if sv { "per år" } else { "a year" },
                    if sv { "i stället för planen" } else { "in place of the plan" },
                    mkr(total, 0, lang),
                    if sv { "totalt" } else { "in all" },
                    if sv { "når 100 % i" } else { "reaches 100 % in" },
                    percent(achieved, 1, lang),
                ),
                _ => {
                    if sv {
                        "inte nåbart med insättningar".to_string()
                    } else {
                        "out of reach by deposits".to_string()
                    }
                }
            };
            let _ = writeln!(
                out,
                "  {} {}: {line}",
                if sv { "sannolikhet" } else { "probability" },
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
