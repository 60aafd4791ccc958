//! The JSON files the commands write, as serde structs: `run`'s
//! `summary.json` (docs/summary-json.md), a replay's `summary.json`,
//! `suggest.json` (docs/suggest-json.md), `stress.json` (docs/stress.md),
//! `compare.json` (docs/compare.md) and the periodic report's
//! `report.json`. Each is the figures as gathered, laid out; nothing here
//! computes one.

use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

use super::Lang;
use crate::debt::simulate::Outlook as DebtOutlook;
use crate::debt::{Breaches, DebtPolicy, KeyFigures, Refinancing};
use crate::error::Result;
use crate::market::MarketModel;
use crate::market::implied::{HistoryComparison, Implied};
use crate::obligations::Outlook;
use crate::replay::ReplaySummary;
use crate::rule::Position;
use crate::run::RunResults;
use crate::scenario::Scenario;
use crate::stats::PortfolioStats;

mod finite;

pub use finite::check_csv;

/// `value` as pretty JSON with a final newline, written as `file`; an
/// error naming the first figure that is not a finite number (which
/// serde_json would write as `null`, like a figure left out).
pub fn json<T: Serialize + ?Sized>(value: &T, file: &str) -> Result<String> {
    finite::check(value, file)?;
    match serde_json::to_string_pretty(value) {
        Ok(s) => Ok(s + "\n"),
        Err(e) => unreachable!("a derived schema keyed by strings serializes: {e}"),
    }
}

/// `summary.json` of a run (schema: docs/summary-json.md).
#[derive(Serialize)]
struct RunSummary<'a> {
    version: &'static str,
    scenario: &'a str,
    scenario_file: String,
    valuation_date: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    paths: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    months: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threads: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    elapsed_seconds: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    market: Option<MarketSummary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    portfolio: Option<&'a PortfolioStats>,
    position: &'a Position,
    crashes: Vec<CrashSummary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    obligations: Option<&'a Outlook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    debt: Option<DebtSummary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    liquidity: Option<&'a crate::liquidity::simulate::Outlook>,
}

/// `market` in summary.json: every parameter of the model, and the model
/// beside history.
#[derive(Serialize)]
struct MarketSummary<'a> {
    #[serde(flatten)]
    model: &'a MarketModel,
    #[serde(skip_serializing_if = "Option::is_none")]
    implied: Option<&'a Implied>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a HistoryComparison>,
}

/// `debt` in summary.json: today's book and, with a market, its outlook.
#[derive(Serialize)]
struct DebtSummary<'a> {
    today: &'a KeyFigures,
    breaches: &'a Breaches,
    policy: &'a DebtPolicy,
    borrowing_limit: f64,
    overdraft: f64,
    refinancing: &'a Refinancing,
    maturity_profile: &'a [f64],
    #[serde(skip_serializing_if = "Option::is_none")]
    outlook: Option<&'a DebtOutlook>,
}

#[derive(Serialize)]
struct CrashSummary<'a> {
    name: &'a str,
    label: &'a str,
    replay: &'a ReplaySummary,
}

/// `run`'s `summary.json`; `scenario_file` is the scenario's path as the
/// user gave it, and the crashes' labels are in `lang`.
pub fn run(scenario: &Scenario, scenario_file: &Path, r: &RunResults, lang: Lang) -> Result<String> {
    let mc = r.monte_carlo.as_ref();
    let summary = RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        scenario: scenario.name(),
        scenario_file: scenario_file.display().to_string(),
        valuation_date: scenario.valuation_date(),
        paths: mc.map(|m| m.simulation.paths),
        seed: mc.map(|m| m.simulation.seed),
        months: mc.map(|m| m.simulation.horizon_months),
        threads: mc.map(|m| m.threads),
        elapsed_seconds: mc.map(|m| m.elapsed_seconds),
        market: scenario.market().map(|model| MarketSummary {
            model,
            implied: r.beside.as_ref().and_then(|b| b.figures.implied.as_ref()),
            history: r
                .beside
                .as_ref()
                .map(|b| &b.figures.history)
                .filter(|h| h.swedish_equity.is_some() || h.global_equity.is_some()),
        }),
        portfolio: mc.map(|m| &m.stats),
        position: &r.position,
        crashes: r
            .crashes
            .iter()
            .map(|c| CrashSummary {
                name: c.crash.name,
                label: super::run::crash_label(&c.crash, lang),
                replay: &c.replay.summary,
            })
            .collect(),
        debt: scenario.debt().zip(r.debt.as_ref()).map(|(d, today)| DebtSummary {
            today: &today.key_figures,
            breaches: &today.breaches,
            policy: &d.policy,
            borrowing_limit: d.borrowing_limit,
            overdraft: d.overdraft,
            refinancing: &d.refinancing,
            maturity_profile: &today.maturity_profile,
            outlook: r.debt_outlook.as_ref(),
        }),
        obligations: r.obligations.as_ref(),
        liquidity: r.liquidity.as_ref(),
    };
    json(&summary, "summary.json")
}

/// A replay's `summary.json`.
pub fn replay(summary: &ReplaySummary) -> Result<String> {
    json(summary, "summary.json")
}

/// `suggest.json` (schema: docs/suggest-json.md).
#[derive(Serialize)]
struct SuggestFile<'a> {
    version: &'static str,
    scenario_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    holdings_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history_file: Option<String>,
    policy: &'a crate::rule::Policy,
    #[serde(flatten)]
    suggestion: &'a crate::suggest::Suggestion,
}

/// The files a suggestion was made from, as the user named them.
pub struct SuggestInputs<'a> {
    pub scenario_file: &'a Path,
    pub holdings_file: Option<&'a Path>,
    pub history_file: Option<&'a Path>,
}

/// `suggest.json`.
pub fn suggest(
    inputs: &SuggestInputs<'_>,
    policy: &crate::rule::Policy,
    suggestion: &crate::suggest::Suggestion,
) -> Result<String> {
    json(
        &SuggestFile {
            version: env!("CARGO_PKG_VERSION"),
            scenario_file: inputs.scenario_file.display().to_string(),
            holdings_file: inputs.holdings_file.map(|p| p.display().to_string()),
            history_file: inputs.history_file.map(|p| p.display().to_string()),
            policy,
            suggestion,
        },
        "suggest.json",
    )
}

/// `stress.json` (schema: docs/stress.md).
#[derive(Serialize)]
struct StressJson<'a> {
    version: &'static str,
    scenario_file: String,
    paths: usize,
    seed: u64,
    policy: &'a crate::rule::Policy,
    stresses: &'a [crate::stress::StressResult],
}

/// `stress.json`: the stresses run `options` on the scenario at
/// `scenario_file` under `policy`.
pub fn stress(
    scenario_file: &Path,
    options: crate::stress::RunOptions,
    policy: &crate::rule::Policy,
    stresses: &[crate::stress::StressResult],
) -> Result<String> {
    json(
        &StressJson {
            version: env!("CARGO_PKG_VERSION"),
            scenario_file: scenario_file.display().to_string(),
            paths: options.paths,
            seed: options.seed,
            policy,
            stresses,
        },
        "stress.json",
    )
}

/// `compare.json` (schema: docs/compare.md).
#[derive(Serialize)]
struct CompareFile<'a> {
    version: &'static str,
    scenario: &'a str,
    scenario_file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    strategies_file: Option<String>,
    paths: usize,
    seed: u64,
    months: usize,
    threads: usize,
    elapsed_seconds: f64,
    reference: &'a str,
    ranked_by: &'a str,
    bootstrap_resamples: usize,
    strategies: Vec<CompareEntry<'a>>,
    /// The consolidation's settings (a scenario with `[obligations]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    obligations: Option<CompareObligations<'a>>,
}

/// `compare.json`'s `obligations`: how the consolidation figures were
/// computed; each strategy's are under its own `obligations`.
#[derive(Serialize)]
struct CompareObligations<'a> {
    target_year: i32,
    denominator: crate::obligations::Denominator,
    paths: usize,
    seed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    deposit_search: Option<&'a crate::compare::consolidation::SearchSetting>,
    elapsed_seconds: f64,
}

#[derive(Serialize)]
struct CompareEntry<'a> {
    rank: usize,
    name: &'a str,
    description: String,
    #[serde(flatten)]
    kind: &'a crate::compare::Kind,
    metrics: std::collections::BTreeMap<&'static str, &'a crate::compare::Figure>,
    /// The engine's statistics of this strategy, as `summary.json` has them.
    stats: &'a PortfolioStats,
    /// The road to 100 % consolidation (a scenario with `[obligations]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    obligations: Option<&'a crate::compare::consolidation::StrategyConsolidation>,
}

/// The files a comparison was made from, as the user named them, and the
/// metric it ranks by.
pub struct CompareInputs<'a> {
    pub scenario_file: &'a Path,
    pub strategies_file: Option<&'a Path>,
    pub rank_by: &'a str,
}

/// `compare.json`.
pub fn compare(
    scenario: &Scenario,
    inputs: &CompareInputs<'_>,
    settings: &crate::compare::Settings,
    r: &crate::compare::CompareResults,
) -> Result<String> {
    let c = &r.comparison;
    let metrics = crate::compare::metrics();
    let simulation = settings.simulation;
    let strategies = c
        .strategies
        .iter()
        .enumerate()
        .map(|(s, st)| CompareEntry {
            rank: r.rank_of(s),
            name: &st.name,
            description: super::compare::describe(st, &c.strategies[0], Lang::En),
            kind: &st.kind,
            metrics: metrics.iter().map(|m| m.key).zip(&r.figures[s]).collect(),
            stats: &r.stats[s],
            obligations: r.consolidation.as_ref().map(|o| &o.strategies[s]),
        })
        .collect();
    json(
        &CompareFile {
            version: env!("CARGO_PKG_VERSION"),
            scenario: scenario.name(),
            scenario_file: inputs.scenario_file.display().to_string(),
            strategies_file: inputs.strategies_file.map(|p| p.display().to_string()),
            paths: simulation.paths,
            seed: simulation.seed,
            months: simulation.horizon_months,
            threads: r.threads,
            elapsed_seconds: r.elapsed_seconds,
            reference: &c.strategies[0].name,
            ranked_by: inputs.rank_by,
            bootstrap_resamples: crate::compare::metrics::RESAMPLES,
            strategies,
            obligations: r.consolidation.as_ref().map(|o| CompareObligations {
                target_year: o.target_year,
                denominator: o.denominator,
                paths: o.paths,
                seed: o.seed,
                deposit_search: o.deposit_search.as_ref(),
                elapsed_seconds: r.consolidation_elapsed_seconds,
            }),
        },
        "compare.json",
    )
}

/// `report.json`: the report's figures and the tables as shown.
#[derive(Serialize)]
struct ReportFile<'a> {
    lang: &'static str,
    #[serde(flatten)]
    report: &'a crate::periodic::RiskReport,
    tables: &'a [super::table::Table],
}

/// The periodic report's `report.json`.
pub fn report(
    report: &crate::periodic::RiskReport,
    tables: &[super::table::Table],
    lang: Lang,
) -> Result<String> {
    json(&ReportFile { lang: if lang == Lang::Sv { "sv" } else { "en" }, report, tables }, "report.json")
}
