//! What `pensionsim validate` prints: the scenario described (its asset
//! classes, history, policy defaults, market, simulation), today's
//! position, the loans today and the liquidity plan, laid out as a
//! [`Document`].

use std::path::Path;

use super::document::{self, Document};
use super::i18n::{Lang, number, percent};
use super::terms::{term, term_with};
use super::text;
use crate::debt::KeyFigures;
use crate::market::{FACTOR_NAMES, MarketModel, Shocks};
use crate::rule::Position;
use crate::scenario::Scenario;

/// What `validate` prints of a valid scenario: what it holds, its market
/// and simulation, today's position, loans and liquidity plan; `path` is
/// the file as the user named it, `position` the rule's today and
/// `debt_today` the loan book's key figures, with a `[debt]`.
pub fn validation(
    path: &Path,
    s: &Scenario,
    position: &Position,
    debt_today: Option<&KeyFigures>,
    lang: Lang,
) -> String {
    document::text(&validation_document(path, s, position, debt_today, lang), None)
}

/// [`validation`] as a document.
pub fn validation_document(
    path: &Path,
    s: &Scenario,
    position: &Position,
    debt_today: Option<&KeyFigures>,
    lang: Lang,
) -> Document {
    let mut d = Document::new(lang, s.name());
    let from = s
        .history()
        .csv
        .as_ref()
        .map_or(String::new(), |p| term_with("scenario.from_file", lang, &[("file", &p.display())]));
    let mut lines = vec![term_with(
        "scenario.ok",
        lang,
        &[
            ("path", &path.display()),
            ("name", &s.name()),
            ("classes", &s.asset_classes().len()),
            ("equity", &s.holdings().equity.len()),
            ("month_ends", &s.history().month_ends.len()),
            ("from", &from),
        ],
    )];
    if !s.policy_defaults().is_empty() {
        lines.push(term_with("scenario.policy_defaults", lang, &[("keys", &s.policy_defaults().join(", "))]));
    }
    match s.market() {
        Some(m) => lines.extend(market_lines(s, m, lang)),
        None => lines.push(term("scenario.no_market", lang).to_string()),
    }
    d.para(lines.join("\n"));
    d.gap();
    text::position(&mut d, s, position);
    if let (Some(debt), Some(k)) = (s.debt(), debt_today) {
        d.gap();
        super::debt::today(&mut d, debt, k);
    }
    if let Some(l) = s.liquidity() {
        let rules: Vec<&str> = l.rules.iter().map(|r| r.name()).collect();
        let ytd = if l.year_to_date.is_some() { term("scenario.and_the_year_to_date", lang) } else { "" };
        let randomness = if l.randomness { term("scenario.on", lang) } else { term("scenario.off", lang) };
        d.gap();
        d.para(term_with(
            "scenario.liquidity",
            lang,
            &[
                ("months", &l.months),
                ("cash", &number(l.opening_cash, 1, lang)),
                ("years", &l.years.len()),
                ("year_to_date", &ytd),
                ("rules", &rules.join(", ")),
                ("randomness", &randomness),
            ],
        ));
    }
    d
}

/// The market's lines: its regimes and processes, the long-run returns
/// stated, the history set beside the model, and the simulation.
fn market_lines(s: &Scenario, m: &MarketModel, lang: Lang) -> Vec<String> {
    let names: Vec<&str> = m.regimes.iter().map(|r| r.name.as_str()).collect();
    let shocks = match &m.shocks {
        Shocks::Gaussian => term("scenario.gaussian_shocks", lang).to_string(),
        Shocks::StudentT { degrees_of_freedom } => term_with(
            "scenario.student_t_shocks",
            lang,
            &[("degrees", &number(*degrees_of_freedom, 1, lang))],
        ),
        Shocks::Bootstrap(b) => term_with(
            "scenario.bootstrap_shocks",
            lang,
            &[("returns", &b.shocks.len()), ("days", &b.block_days)],
        ),
    };
    let rate = if m.hull_white.is_some() { "Hull-White" } else { "Vasicek" };
    let extras: String = [
        m.inflation_process.map(|_| term("scenario.stochastic_inflation", lang)),
        m.credit_spread.map(|_| term("scenario.a_credit_spread", lang)),
    ]
    .into_iter()
    .flatten()
    .map(|e| format!(", {e}"))
    .collect();
    let count: [(&str, &dyn std::fmt::Display); 1] = [("count", &names.len())];
    let regimes = if names.len() == 1 {
        term_with("scenario.one_regime", lang, &count)
    } else {
        term_with("scenario.regimes", lang, &count)
    };
    let mut lines = vec![term_with(
        "scenario.market",
        lang,
        &[
            ("regimes", &regimes),
            ("names", &names.join(", ")),
            ("shocks", &shocks),
            ("rate", &rate),
            ("extras", &extras),
        ],
    )];
    if let Some(l) = &m.long_run {
        let stated: Vec<String> = (0..3)
            .filter_map(|f| l.figure(f).map(|x| (f, x)))
            .map(|(f, x)| {
                let sign = if x.delta >= 0.0 { "+" } else { "" };
                let drift = format!("{sign}{}", number(x.delta, 4, lang));
                term_with(
                    "scenario.stated_return",
                    lang,
                    &[("factor", &FACTOR_NAMES[f]), ("rate", &percent(x.stated, 2, lang)), ("drift", &drift)],
                )
            })
            .collect();
        lines.push(term_with(
            "scenario.long_run",
            lang,
            &[("stated", &stated.join(", ")), ("source", &l.source.get(lang))],
        ));
    }
    if let Some(h) = s.market_history() {
        for (factor, series) in [("swedish_equity", &h.swedish_equity), ("global_equity", &h.global_equity)] {
            if let Some(series) = series {
                let month = |d: Option<&chrono::NaiveDate>| {
                    d.map_or(String::new(), |d| d.format("%Y-%m").to_string())
                };
                lines.push(term_with(
                    "scenario.history",
                    lang,
                    &[
                        ("factor", &factor),
                        ("name", &series.name.get(lang)),
                        ("month_ends", &series.dates.len()),
                        ("from", &month(series.dates.first())),
                        ("to", &month(series.dates.last())),
                    ],
                ));
            }
        }
    }
    let sim = &s.simulation();
    lines.push(term_with(
        "scenario.simulation",
        lang,
        &[
            ("paths", &number(sim.paths as f64, 0, lang)),
            ("months", &sim.horizon_months),
            ("seed", &sim.seed),
        ],
    ));
    lines
}
