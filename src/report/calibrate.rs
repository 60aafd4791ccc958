//! `pensionsim calibrate`'s printout: the data, the choice of regimes,
//! each regime's figures, and the rate and inflation fits.

use std::fmt::Write as _;

use super::chart::regimes::regime_label;
use super::i18n::{Lang, number, percent};
use crate::calibrate::{Calibration, Factor};

fn t<'a>(lang: Lang, sv: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// The calibration in a few screenfuls.
pub fn calibration_text(c: &Calibration, lang: Lang) -> String {
    let mut o = String::new();
    let (from, to) = (c.dates[0], c.dates[c.dates.len() - 1]);
    let _ = writeln!(
        o,
        "{} {}–{} ({} {})",
        t(lang, "Marknadsmodellen anpassad till historien,", "The market model fitted to history,"),
        from.format("%Y-%m"),
        to.format("%Y-%m"),
        c.dates.len(),
        t(lang, "månader", "months")
    );
    for s in &c.series {
        let dy = s.dividend_yield.map_or(String::new(), |y| {
            format!(
                ", {} {}",
                t(lang, "plus direktavkastning", "plus a dividend yield of"),
                percent(y, 1, lang)
            )
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
    let _ = writeln!(
        o,
        "\n{}",
        t(
            lang,
            "Antal regimer (lägst BIC väljs med --regimes auto):",
            "Number of regimes (the lowest BIC is taken with --regimes auto):"
        )
    );
    let _ = writeln!(
        o,
        "  {:>7} {:>14} {:>10} {:>10} {:>10}",
        t(lang, "regimer", "regimes"),
        t(lang, "log-likelihood", "log-likelihood"),
        t(lang, "parametrar", "parameters"),
        "AIC",
        "BIC"
    );
    for m in &c.by_regimes {
        let used = if m.regimes == c.chosen.regimes { t(lang, "  ← används", "  ← used") } else { "" };
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
    let _ = writeln!(
        o,
        "\n{}",
        t(
            lang,
            "Regimer (mu: drift per år, vol: volatilitet per år, ± ungefärligt standardfel):",
            "Regimes (mu: drift a year, vol: volatility a year, ± approximate standard error):"
        )
    );
    for (k, r) in c.regimes.iter().enumerate() {
        if c.regimes.len() == 1 {
            let _ = writeln!(o, "  {}", regime_label(&r.name, lang));
        } else {
            let _ = writeln!(
                o,
                "  {} — {} {}, {} {} {}",
                regime_label(&r.name, lang),
                percent(r.share_of_months, 0, lang),
                t(lang, "av månaderna", "of the months"),
                t(lang, "varar i snitt", "lasts on average"),
                number(r.expected_duration_months, 1, lang),
                t(lang, "månader", "months")
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
            let _ = writeln!(
                o,
                "    {}",
                t(
                    lang,
                    "(troligast den sista månaden: start_regime)",
                    "(the most likely in the last month: start_regime)"
                )
            );
        }
    }
    if c.regimes.len() > 1 {
        let _ = writeln!(
            o,
            "  {}",
            t(
                lang,
                "Övergångar per månad (rad från, kolumn till):",
                "Transitions a month (row from, column to):"
            )
        );
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
            t(lang, "frihetsgrader per månad", "degrees of freedom a month"),
            number(s.daily_degrees_of_freedom, 2, lang),
            t(lang, "per dag", "a day"),
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
                t(lang, "senast", "last"),
                percent(f.last, 2, lang)
            );
        }
    }
    let _ = writeln!(
        o,
        "\n{}",
        t(
            lang,
            "Driften är historiens; ange den långsiktiga avkastningen, med källa, i [market.long_run].",
            "Drifts are history's; state the long-run returns, with their source, in [market.long_run]."
        )
    );
    o
}
