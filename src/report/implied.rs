//! "Model beside history": the market model's long-run figures for each
//! equity factor, each with its standard error, beside the same figures
//! of the scenario's historical series, and the long-run assumption with
//! its source.

use std::fmt::Write;

use super::document::{self, Document, Layout};
use super::i18n::{Lang, Term, number, percent};
use super::table::{Cell, Table};
use super::terms::{term, term_with};
use crate::market::implied::{BesideHistory, Figures, HistoryFigures};
use crate::market::{GLOBAL_EQUITY, LongRun, SEK_PER_USD, SWEDISH_EQUITY};

pub(crate) fn factor_name(factor: usize, lang: Lang) -> &'static str {
    match factor {
        SWEDISH_EQUITY => term("implied.factor.swedish_equity", lang),
        GLOBAL_EQUITY => term("implied.factor.global_equity", lang),
        _ => term("implied.factor.sek_per_usd", lang),
    }
}

/// The figures of [`Figures`] as text, in its field order.
fn cells(f: &Figures, lang: Lang) -> [String; 6] {
    let pct = |x| percent(x, 1, lang);
    [
        pct(f.geometric_return),
        pct(f.annual_vol),
        pct(f.p_year_below_10),
        pct(f.p_year_below_20),
        pct(f.p_year_below_30),
        number(f.falls_per_decade, 2, lang),
    ]
}

/// The model's figures for `factor`, each with its standard error, or a
/// dash for each without model figures.
fn model_cells(b: &BesideHistory, factor: usize, lang: Lang) -> [String; 6] {
    let model =
        b.implied.as_ref().map(|i| if factor == SWEDISH_EQUITY { i.swedish_equity } else { i.global_equity });
    match model {
        Some(m) => {
            let values = cells(&m.figures(), lang);
            let se = m.standard_errors();
            let mut c: [String; 6] = Default::default();
            for (i, (v, s)) in values.into_iter().zip(se).enumerate() {
                let s = if i == 5 { number(s, 2, lang) } else { number(s * 100.0, 2, lang) };
                c[i] = format!("{v} ± {s}");
            }
            c
        }
        None => std::array::from_fn(|_| "–".to_string()),
    }
}

/// The section "model beside history": for each equity factor a table of
/// the model's figures (± standard error) and, when the scenario names any
/// history, the history's; then the notes. `elapsed` is the seconds the
/// model's figures took.
pub fn beside_history(d: &mut Document, b: &BesideHistory, long_run: Option<&LongRun>, elapsed: f64) {
    let lang = d.lang;
    d.heading(1, Term::ModelBesideHistory.text(lang));
    let histories = [&b.history.swedish_equity, &b.history.global_equity];
    let any_history = histories.iter().any(|h| h.is_some());
    let capitalised = |t: Term| capital(t.text(lang));
    let below = |p: &str| format!("{} {p}", capitalised(Term::YearsBelow));
    let labels = [
        capitalised(Term::GeometricReturn),
        capitalised(Term::AnnualVol),
        below(&percent(-0.1, 0, lang)),
        below(&percent(-0.2, 0, lang)),
        below(&percent(-0.3, 0, lang)),
        capitalised(Term::FallsPerDecade),
    ];
    for ((factor, history), name) in
        [SWEDISH_EQUITY, GLOBAL_EQUITY].into_iter().zip(histories).zip(["implied-swedish", "implied-global"])
    {
        let mut columns = vec!["", Term::Model.text(lang)];
        if any_history {
            columns.push(Term::History.text(lang));
        }
        let mut t = Table::new(name, factor_name(factor, lang), &columns);
        let model = model_cells(b, factor, lang);
        let history = history
            .as_ref()
            .map_or_else(|| std::array::from_fn(|_| "–".to_string()), |h| cells(&h.figures, lang));
        for (row, label) in labels.iter().enumerate() {
            let mut cells = vec![Cell::text(label.clone()), Cell::text(model[row].clone())];
            if any_history {
                cells.push(Cell::text(history[row].clone()));
            }
            t.push(cells);
        }
        d.heading(2, factor_name(factor, lang));
        let mut layout = Layout::for_table(&t);
        layout.rule = false;
        d.table_with(t, layout);
    }
    d.gap();
    d.para(notes(b, long_run, elapsed, lang));
}

/// The lines under the tables: the model's run, each history's source and
/// the long-run assumption with its source.
fn notes(b: &BesideHistory, long_run: Option<&LongRun>, elapsed: f64, lang: Lang) -> String {
    let mut out = String::new();
    let capitalised = |t: Term| capital(t.text(lang));
    match &b.implied {
        Some(i) => {
            let _ = writeln!(
                out,
                "{}: {} {} × {} {}, {}; ± {} ({}); {} s.",
                capitalised(Term::Model),
                number(i.paths as f64, 0, lang),
                term("implied.paths", lang),
                i.years,
                term("implied.years", lang),
                term("implied.stationary_start", lang),
                Term::StandardError.text(lang),
                term("implied.standard_error_unit", lang),
                number(elapsed, 2, lang),
            );
        }
        None => {
            let _ = writeln!(out, "{}", term("implied.no_model_figures", lang));
        }
    }
    let histories = [&b.history.swedish_equity, &b.history.global_equity];
    for (factor, h) in [SWEDISH_EQUITY, GLOBAL_EQUITY].into_iter().zip(histories) {
        if let Some(h) = h {
            out.push_str(&history_note(factor, h, lang));
        }
    }
    if let Some(l) = long_run {
        let stated: Vec<String> = [SWEDISH_EQUITY, GLOBAL_EQUITY, SEK_PER_USD]
            .into_iter()
            .filter_map(|f| l.figure(f).map(|x| (f, x)))
            .map(|(f, x)| {
                format!(
                    "{} {} {} ({} {}{})",
                    factor_name(f, lang),
                    percent(x.stated, 1, lang),
                    term("implied.a_year", lang),
                    term("implied.every_regime_drift", lang),
                    if x.delta >= 0.0 { "+" } else { term("implied.minus", lang) },
                    format_args!(
                        "{} {}",
                        number(x.delta.abs() * 100.0, 2, lang),
                        term("implied.percentage_points", lang)
                    ),
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "{}: {}; {}: {}",
            Term::LongRunAssumption.text(lang),
            stated.join(", "),
            term("implied.source", lang),
            l.source.get(lang)
        );
    }
    out.trim_end().to_string()
}

/// [`beside_history`] alone, as `calibrate --check` prints it.
pub fn beside_history_text(
    b: &BesideHistory,
    long_run: Option<&LongRun>,
    elapsed: f64,
    lang: Lang,
) -> String {
    let mut d = Document::new(lang, Term::ModelBesideHistory.text(lang));
    beside_history(&mut d, b, long_run, elapsed);
    document::text(&d, None)
}

fn history_note(factor: usize, h: &HistoryFigures, lang: Lang) -> String {
    let kind = if h.dividend_yield > 0.0 {
        term_with("implied.price_index", lang, &[("dividend_yield", &percent(h.dividend_yield, 1, lang))])
    } else {
        term("implied.total_return", lang).to_string()
    };
    format!(
        "{}, {}: {}, {} – {}, {}; {}\n",
        capital(Term::History.text(lang)),
        factor_name(factor, lang),
        h.name.get(lang),
        h.from.format("%Y-%m"),
        h.to.format("%Y-%m"),
        kind,
        h.source
    )
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}
