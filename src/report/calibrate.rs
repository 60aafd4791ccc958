//! `pensionsim calibrate`'s printout: the data, the choice of regimes,
//! each regime's figures, and the rate and inflation fits.

use std::fmt::Write as _;

use super::chart::regimes::regime_label;
use super::i18n::{Lang, number, percent};
use super::terms::term;
use crate::calibrate::{Calibration, Factor};

/// The calibration in a few screenfuls.
pub fn calibration_text(c: &Calibration, lang: Lang) -> String {
    let mut o = String::new();
    let (from, to) = (c.dates[0], c.dates[c.dates.len() - 1]);
    let _ = writeln!(
        o,
        "{} {}–{} ({} {})",
        term("calibrate.heading", lang),
        from.format("%Y-%m"),
        to.format("%Y-%m"),
        c.dates.len(),
        term("calibrate.months", lang)
    );
    for s in &c.series {
        let dy = s.dividend_yield.map_or(String::new(), |y| {
            format!(", {} {}", term("calibrate.plus_dividend_yield", lang), percent(y, 1, lang))
        });
        let _ = writeln!(
            o,
            "  {:<15} {} ({}–{}{dy})",
            s.factor.name(),
            s.source,
            s.from.format("%Y-%m"),
            s.to.format("%Y-%m")
        );
    }
    let _ = writeln!(o, "\n{}", term("calibrate.regime_choice", lang));
    let _ = writeln!(
        o,
        "  {:>7} {:>14} {:>10} {:>10} {:>10}",
        term("calibrate.regimes", lang),
        term("calibrate.log_likelihood", lang),
        term("calibrate.parameters", lang),
        "AIC",
        "BIC"
    );
    for m in &c.by_regimes {
        let used = if m.regimes == c.chosen.regimes { term("calibrate.used_mark", lang) } else { "" };
        let _ = writeln!(
            o,
            "  {:>7} {:>14} {:>10} {:>10} {:>10}{used}",
            m.regimes,
            number(m.log_likelihood, 1, lang),
            m.parameters,
            number(m.aic, 1, lang),
            number(m.bic, 1, lang)
        );
    }
    let _ = writeln!(o, "\n{}", term("calibrate.regime_legend", lang));
    for (k, r) in c.regimes.iter().enumerate() {
        if c.regimes.len() == 1 {
            let _ = writeln!(o, "  {}", regime_label(&r.name, lang));
        } else {
            let _ = writeln!(
                o,
                "  {} — {} {}, {} {} {}",
                regime_label(&r.name, lang),
                percent(r.share_of_months, 0, lang),
                term("calibrate.of_the_months", lang),
                term("calibrate.lasts_on_average", lang),
                number(r.expected_duration_months, 1, lang),
                term("calibrate.months", lang)
            );
        }
        for (f, dv) in &r.factors {
            let _ = writeln!(
                o,
                "    {:<15} mu {:>8} ± {:<7} vol {:>7} ± {}",
                f.name(),
                percent(dv.mu, 1, lang),
                percent(dv.mu_se, 1, lang),
                percent(dv.vol, 1, lang),
                percent(dv.vol_se, 1, lang)
            );
        }
        if let Some(s) = r.rate_sigma {
            let _ = writeln!(o, "    {:<15} sigma {}", Factor::ShortRate.name(), percent(s, 2, lang));
        }
        if k == c.start_regime {
            let _ = writeln!(o, "    {}", term("calibrate.most_likely_note", lang));
        }
    }
    if c.regimes.len() > 1 {
        let _ = writeln!(o, "  {}", term("calibrate.transitions", lang));
        for row in &c.transition {
            let cells: Vec<String> = row.iter().map(|p| percent(*p, 1, lang)).collect();
            let _ = writeln!(o, "    {}", cells.join("  "));
        }
    }
    if let Some(s) = c.student_t {
        let _ = writeln!(
            o,
            "\nStudent-t: {} {} ({} {}), LR {} p = {}",
            number(s.monthly_degrees_of_freedom, 1, lang),
            term("calibrate.degrees_of_freedom_a_month", lang),
            number(s.daily_degrees_of_freedom, 2, lang),
            term("calibrate.a_day", lang),
            number(s.likelihood_ratio, 1, lang),
            number(s.p_value, 3, lang)
        );
    }
    for (name, fit) in [(Factor::ShortRate.name(), c.short_rate), (Factor::Inflation.name(), c.inflation)] {
        if let Some(f) = fit {
            let _ = writeln!(
                o,
                "\n{name} (Vasicek, AR(1) ML): kappa {} ± {}, theta {} ± {}, sigma {} ± {}; {} {}",
                number(f.kappa, 3, lang),
                number(f.kappa_se, 3, lang),
                percent(f.theta, 2, lang),
                percent(f.theta_se, 2, lang),
                percent(f.sigma, 2, lang),
                percent(f.sigma_se, 2, lang),
                term("calibrate.last", lang),
                percent(f.last, 2, lang)
            );
        }
    }
    let _ = writeln!(o, "\n{}", term("calibrate.drift_note", lang));
    o
}
