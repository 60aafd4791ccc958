//! `pensionsim calibrate`'s printout, laid out as a [`Document`]: the
//! data, the choice of regimes, each regime's figures, and the rate and
//! inflation fits.

use super::chart::regimes::regime_label;
use super::document::{self, Align, Column, Document, Layout};
use super::i18n::{Lang, number, percent};
use super::table::{Cell, Table};
use super::terms::term;
use crate::calibrate::{Calibration, Factor};

/// The calibration in a few screenfuls, as terminal text.
pub fn calibration_text(c: &Calibration, lang: Lang) -> String {
    document::text(&calibration_document(c, lang), None)
}

/// The line after the files are written: the folder and the files.
pub fn written(dir: &std::path::Path, lang: Lang) -> String {
    let mut d = Document::new(lang, term("cli.wrote", lang));
    d.gap();
    d.para(format!(
        "{} {}: market.toml, calibration.json, regimes.svg, regimes.png",
        term("cli.wrote", lang),
        dir.display()
    ));
    document::text(&d, None)
}

/// The calibration as a document.
pub fn calibration_document(c: &Calibration, lang: Lang) -> Document {
    let (from, to) = (c.dates[0], c.dates[c.dates.len() - 1]);
    let heading = format!(
        "{} {}–{} ({} {})",
        term("calibrate.heading", lang),
        from.format("%Y-%m"),
        to.format("%Y-%m"),
        c.dates.len(),
        term("calibrate.months", lang)
    );
    let mut d = Document::new(lang, heading.clone());
    d.para(heading);
    let mut t = Table::new(
        "calibrate-series",
        term("calibrate.heading", lang),
        &[term("calibrate.factor", lang), term("calibrate.source", lang)],
    );
    for s in &c.series {
        let dy = s.dividend_yield.map_or(String::new(), |y| {
            format!(", {} {}", term("calibrate.plus_dividend_yield", lang), percent(y, 1, lang))
        });
        let source = format!("{} ({}–{}{dy})", s.source, s.from.format("%Y-%m"), s.to.format("%Y-%m"));
        t.push(vec![Cell::text(s.factor.name()), Cell::text(source)]);
    }
    d.indent(2);
    d.table_with(t, Layout::rows(&[Column { align: Align::Left, min: 15 }, Column::LEFT]));
    d.indent(0);
    regime_choice(&mut d, c);
    regimes(&mut d, c);
    fits(&mut d, c);
    d.gap();
    d.para(term("calibrate.drift_note", lang));
    d
}

/// The fit by number of regimes, the one used marked.
fn regime_choice(d: &mut Document, c: &Calibration) {
    let lang = d.lang;
    d.heading(2, term("calibrate.regime_choice", lang));
    let columns = [
        term("calibrate.regimes", lang),
        term("calibrate.log_likelihood", lang),
        term("calibrate.parameters", lang),
        "AIC",
        "BIC",
        "",
    ];
    let mut t = Table::new("calibrate-regimes", term("calibrate.regime_choice", lang), &columns);
    for m in &c.by_regimes {
        let used = if m.regimes == c.chosen.regimes { term("calibrate.used_mark", lang).trim() } else { "" };
        t.push(vec![
            Cell::plain(m.regimes as f64, 0),
            Cell::plain(m.log_likelihood, 1),
            Cell::plain(m.parameters as f64, 0),
            Cell::plain(m.aic, 1),
            Cell::plain(m.bic, 1),
            Cell::text(used),
        ]);
    }
    d.indent(2);
    let mut layout = Layout::for_table(&t);
    layout.rule = false;
    layout.columns = vec![
        Column::RIGHT,
        Column::right(14),
        Column::right(10),
        Column::right(10),
        Column::right(10),
        Column::LEFT,
    ];
    d.table_with(t, layout);
    d.indent(0);
}

/// Each regime: its share of the months and length, each factor's drift
/// and volatility with their standard errors, and the transitions.
fn regimes(d: &mut Document, c: &Calibration) {
    let lang = d.lang;
    d.heading(2, term("calibrate.regime_legend", lang));
    for (k, r) in c.regimes.iter().enumerate() {
        d.indent(2);
        if c.regimes.len() == 1 {
            d.para(regime_label(&r.name, lang));
        } else {
            d.para(format!(
                "{} — {} {}, {} {} {}",
                regime_label(&r.name, lang),
                percent(r.share_of_months, 0, lang),
                term("calibrate.of_the_months", lang),
                term("calibrate.lasts_on_average", lang),
                number(r.expected_duration_months, 1, lang),
                term("calibrate.months", lang)
            ));
        }
        let mut t = Table::new("calibrate-regime", regime_label(&r.name, lang), &["", "mu", "±", "vol", "±"]);
        for (f, dv) in &r.factors {
            let pm = |x: f64| Cell::text(format!("± {}", percent(x, 1, lang)));
            t.push(vec![
                Cell::text(f.name()),
                Cell::percent(dv.mu, 1),
                pm(dv.mu_se),
                Cell::percent(dv.vol, 1),
                pm(dv.vol_se),
            ]);
        }
        d.indent(4);
        let columns = [
            Column { align: Align::Left, min: 15 },
            Column::right(8),
            Column::LEFT,
            Column::right(7),
            Column::LEFT,
        ];
        d.table_with(t, Layout::headed(&columns));
        if let Some(s) = r.rate_sigma {
            d.para(format!("{:<15}  sigma {}", Factor::ShortRate.name(), percent(s, 2, lang)));
        }
        if k == c.start_regime {
            d.para(term("calibrate.most_likely_note", lang));
        }
    }
    if c.regimes.len() > 1 {
        d.indent(2);
        d.para(term("calibrate.transitions", lang));
        let names: Vec<&str> = c.regimes.iter().map(|r| r.name.as_str()).collect();
        let mut t = Table::new("calibrate-transitions", term("calibrate.transitions", lang), &names);
        for row in &c.transition {
            t.push(row.iter().map(|p| Cell::percent(*p, 1)).collect());
        }
        d.indent(4);
        d.table_with(t, Layout::rows(&vec![Column::RIGHT; names.len()]));
    }
    d.indent(0);
}

/// The Student-t shocks' test and the short rate's and inflation's fits,
/// a paragraph each.
fn fits(d: &mut Document, c: &Calibration) {
    let lang = d.lang;
    if let Some(s) = c.student_t {
        d.gap();
        d.para(format!(
            "Student-t: {} {} ({} {}), LR {} p = {}",
            number(s.monthly_degrees_of_freedom, 1, lang),
            term("calibrate.degrees_of_freedom_a_month", lang),
            number(s.daily_degrees_of_freedom, 2, lang),
            term("calibrate.a_day", lang),
            number(s.likelihood_ratio, 1, lang),
            number(s.p_value, 3, lang)
        ));
    }
    for (name, fit) in [(Factor::ShortRate.name(), c.short_rate), (Factor::Inflation.name(), c.inflation)] {
        if let Some(f) = fit {
            d.gap();
            d.para(format!(
                "{name} (Vasicek, AR(1) ML): kappa {} ± {}, theta {} ± {}, sigma {} ± {}; {} {}",
                number(f.kappa, 3, lang),
                number(f.kappa_se, 3, lang),
                percent(f.theta, 2, lang),
                percent(f.theta_se, 2, lang),
                percent(f.sigma, 2, lang),
                percent(f.sigma_se, 2, lang),
                term("calibrate.last", lang),
                percent(f.last, 2, lang)
            ));
        }
    }
}
