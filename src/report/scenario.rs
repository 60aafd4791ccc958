//! What `pensionsim validate` prints: the scenario described (its asset
//! classes, history, policy defaults, market, simulation), today's
//! position, the loans today and the liquidity plan.

use std::fmt::Write as _;
use std::path::Path;

use super::{Lang, text};
use crate::debt::KeyFigures;
use crate::market::FACTOR_NAMES;
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
    let mut out = String::new();
    let n_eq = s.holdings().equity.len();
    let _ = writeln!(
        out,
        "ok: {} is a valid scenario ({}; {} asset classes, {} equity; {} month-ends{})",
        path.display(),
        s.name(),
        s.asset_classes().len(),
        n_eq,
        s.history().month_ends.len(),
        s.history().csv.as_ref().map_or(String::new(), |p| format!(" from {}", p.display())),
    );
    if !s.policy_defaults().is_empty() {
        let _ = writeln!(out, "policy: the rule document's defaults for {}", s.policy_defaults().join(", "));
    }
    if let Some(m) = s.market() {
        // The model in the report's words and language (the periodic
        // report's method line), then what else it simulates.
        let model = super::periodic::model_line(&crate::periodic::describe_market(m), lang);
        let extras: Vec<&str> =
            [m.inflation_process.map(|_| "stochastic inflation"), m.credit_spread.map(|_| "a credit spread")]
                .into_iter()
                .flatten()
                .collect();
        let _ = writeln!(
            out,
            "market: {model}{}",
            if extras.is_empty() { String::new() } else { format!(", {}", extras.join(", ")) }
        );
        if let Some(l) = &m.long_run {
            let stated: Vec<String> = (0..3)
                .filter_map(|f| l.figure(f).map(|x| (f, x)))
                .map(|(f, x)| {
                    format!("{} {:.2} % (drifts {:+.4})", FACTOR_NAMES[f], x.stated * 100.0, x.delta)
                })
                .collect();
            let _ = writeln!(out, "long-run returns stated: {} (source: {})", stated.join(", "), l.source);
        }
        if let Some(h) = s.market_history() {
            for (factor, series) in
                [("swedish_equity", &h.swedish_equity), ("global_equity", &h.global_equity)]
            {
                if let Some(series) = series {
                    let (from, to) = (series.dates.first(), series.dates.last());
                    let _ = writeln!(
                        out,
                        "history beside the model: {factor} {} ({} month-ends, {} to {})",
                        series.name,
                        series.dates.len(),
                        from.map_or(String::new(), |d| d.format("%Y-%m").to_string()),
                        to.map_or(String::new(), |d| d.format("%Y-%m").to_string()),
                    );
                }
            }
        }
        let sim = &s.simulation();
        let _ = writeln!(
            out,
            "simulation: {} paths, {} months, seed {}",
            sim.paths, sim.horizon_months, sim.seed
        );
    } else {
        let _ = writeln!(out, "market: none (pensionsim run shows the position and the crash replays only)");
    }
    let _ = writeln!(out);
    out.push_str(&text::position(s, position, lang));
    if let (Some(debt), Some(k)) = (s.debt(), debt_today) {
        let _ = writeln!(out);
        out.push_str(&super::debt::today(debt, k, lang));
    }
    if let Some(l) = s.liquidity() {
        let rules: Vec<&str> = l.rules.iter().map(|r| r.name()).collect();
        let _ = writeln!(
            out,
            "\nliquidity: {} months from {} mkr of cash, {} budget years{}, rules {}, randomness {}",
            l.months,
            l.opening_cash,
            l.years.len(),
            if l.year_to_date.is_some() { " and the year to date" } else { "" },
            rules.join(", "),
            if l.randomness { "on" } else { "off" },
        );
    }
    out
}
