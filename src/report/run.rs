//! `pensionsim run` as users see it: the printout (the position, the Monte
//! Carlo run, the model beside history, the loans, the liquidity, the
//! obligation and the bilingual crash table) and the files it writes.

use std::fmt::Write as _;
use std::path::Path;

use super::chart::{self, Chart};
use super::i18n::{Term, mkr, number, percent};
use super::terms::{term, term_in, term_with};
use super::{Lang, text};
use crate::error::Result;
use crate::replay::Replay;
use crate::run::{CrashReplay, RunResults};
use crate::scenario::Scenario;
use crate::stress::crashes::Crash;

/// A file's name and contents.
pub type File = (String, Vec<u8>);

/// Files to write into a folder: `None` the output folder itself,
/// `Some(name)` a folder of that name inside it.
pub type Folder = (Option<&'static str>, Vec<File>);

/// A crash's name in the printout, the summary and its chart's title.
pub fn crash_label(crash: &Crash, lang: Lang) -> &'static str {
    term_in("crash", crash.name, lang).unwrap_or(crash.name)
}

/// What `run` prints before the list of files it wrote.
pub fn printout(scenario: &Scenario, r: &RunResults, lang: Lang) -> String {
    let mut out = text::position(scenario, &r.position, lang);
    if let Some(mc) = &r.monte_carlo {
        let _ = writeln!(out);
        out.push_str(&text::monte_carlo(&mc.stats, &mc.simulation, mc.threads, mc.elapsed_seconds, lang));
        out.push_str(&text::monte_carlo_notes(&mc.stats, &scenario.policy(), lang));
    }
    if let (Some(b), Some(model)) = (&r.beside, scenario.market()) {
        let _ = writeln!(out);
        out.push_str(&super::implied::beside_history(
            &b.figures,
            model.long_run.as_ref(),
            b.elapsed_seconds,
            lang,
        ));
    }
    if r.monte_carlo.is_none() {
        let _ = writeln!(out, "\n{}", term("run.no_market_in_the_scenario", lang));
    }
    if let (Some(debt), Some(today)) = (scenario.debt(), &r.debt) {
        let _ = writeln!(out);
        out.push_str(&super::debt::today(debt, &today.key_figures, lang));
        if let Some(o) = &r.debt_outlook {
            let _ = writeln!(out);
            out.push_str(&super::debt::outlook(o, lang));
        }
    }
    if let Some(o) = &r.liquidity {
        let _ = writeln!(out);
        out.push_str(&super::liquidity::outlook(o, lang));
    }
    if let Some(o) = &r.obligations {
        let _ = writeln!(out);
        out.push_str(&super::obligations::outlook(o, scenario.valuation_date(), lang));
    }
    out.push_str(&crash_table(&r.crashes, lang));
    out
}

/// The crash table: the rule's trades, its lowest margin, the days under
/// the floor, and the final value and largest fall with and without it.
pub fn crash_table(crashes: &[CrashReplay], lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{}", term("run.todays_portfolio_through_historical_crashes", lang));
    let head = [
        term("run.crash", lang),
        term("run.down", lang),
        term("run.up", lang),
        term("run.lowest_margin", lang),
        term("run.days_floor", lang),
        term("run.final_value", lang),
        term("run.no_rule", lang),
        term("run.largest_fall", lang),
        term("run.no_rule", lang),
    ];
    let _ = writeln!(
        out,
        "{:<22}{:>6}{:>6}{:>16}{:>14}{:>14}{:>14}{:>14}{:>12}",
        head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7], head[8]
    );
    for c in crashes {
        let s = &c.replay.summary;
        let _ = writeln!(
            out,
            "{:<22}{:>6}{:>6}{:>16}{:>14}{:>14}{:>14}{:>14}{:>12}",
            crash_label(&c.crash, lang),
            s.downweights.len(),
            s.upweights.len(),
            percent(s.min_margin, 1, lang),
            s.breach_days,
            mkr(s.final_value, 0, lang),
            mkr(s.buy_and_hold_final_value, 0, lang),
            percent(s.max_drawdown, 1, lang),
            percent(s.buy_and_hold_max_drawdown, 1, lang),
        );
    }
    out
}

/// The line after the files are written: how many, where, and which.
pub fn written(count: usize, out_dir: &Path, r: &RunResults, lang: Lang) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "\n{} {} {} {}/ ({})",
        term("run.wrote", lang),
        count,
        term("run.files_to", lang),
        out_dir.display(),
        term("run.summary_json_month_quantiles_csv", lang)
    );
    if r.obligations.is_some() {
        let _ = writeln!(out, "{}", term("run.the_pension_obligation_obligations_csv", lang));
    }
    if r.liquidity.is_some() {
        let _ = writeln!(out, "{}", term("run.the_liquidity_forecast_liquidity_csv", lang));
    }
    out
}

/// replay.csv, summary.json and the chart as SVG and PNG: a replay's files.
pub fn replay_files(r: &Replay, title: &str, lang: Lang) -> Result<Vec<File>> {
    replay_files_in(r, title, None, lang)
}

/// [`replay_files`] with the chart's value axis in `unit` (a crash
/// replays the scenario's portfolio, in mkr).
fn replay_files_in(r: &Replay, title: &str, unit: Option<&str>, lang: Lang) -> Result<Vec<File>> {
    let csv = text::replay_csv(r);
    let json = super::summary::replay(&r.summary)?;
    let chart = chart::replay_chart_in(r, title, unit, lang)?;
    Ok(vec![
        ("replay.csv".into(), csv.into_bytes()),
        ("summary.json".into(), json.into_bytes()),
        ("chart.svg".into(), chart.svg.into_bytes()),
        ("chart.png".into(), chart.png),
    ])
}

/// A chart as its SVG and PNG files, `name.svg` and `name.png`.
fn chart_files(name: &str, chart: Chart) -> [File; 2] {
    [(format!("{name}.svg"), chart.svg.into_bytes()), (format!("{name}.png"), chart.png)]
}

/// Every file `run` writes, folder by folder in the order written:
/// each crash's folder, then the Monte Carlo's, the loans', the
/// liquidity's and the obligation's files, and `summary.json` last.
/// `scenario_file` is the scenario's path as the user gave it.
pub fn files(scenario: &Scenario, scenario_file: &Path, r: &RunResults, lang: Lang) -> Result<Vec<Folder>> {
    let name = scenario.name();
    // First, so that a non-finite figure is refused before any drawing.
    let json = super::summary::run(scenario, scenario_file, r, lang)?;
    let mut folders: Vec<Folder> = Vec::new();
    for c in &r.crashes {
        let title = format!("{} {}: {name}", Term::Replay.text(lang), crash_label(&c.crash, lang));
        folders.push((Some(c.crash.name), replay_files_in(&c.replay, &title, Some("mkr"), lang)?));
    }
    let managed = scenario.managed();
    if let Some(mc) = &r.monte_carlo {
        let csv = text::month_quantiles_csv(&mc.months, scenario.valuation_date());
        let title = format!(
            "Monte Carlo {name}: {} {}",
            number(mc.simulation.paths as f64, 0, lang),
            term("run.paths", lang)
        );
        let fan = chart::fan_chart(
            &mc.months,
            scenario.valuation_date(),
            managed.value(),
            managed.equity_share(),
            scenario.policy().cap,
            &title,
            lang,
        )?;
        let mut files = vec![("month_quantiles.csv".to_string(), csv.into_bytes())];
        files.extend(chart_files("fan", fan));
        folders.push((None, files));
    }
    if let Some(debt) = scenario.debt() {
        let title = term_with("run.maturity_profile_of_the_loans", lang, &[("name", &name)]);
        let profile = super::debt::maturity_chart(debt, &title, lang)?;
        folders.push((None, chart_files("debt-maturity", profile).into()));
        if let Some(o) = &r.debt_outlook {
            let title = term_with("run.interest_cost_by_year_name", lang, &[("name", &name)]);
            let fan = super::debt::interest_chart(o, &title, lang)?;
            folders.push((None, chart_files("debt-interest", fan).into()));
        }
    }
    if let Some(o) = &r.liquidity {
        let csv = super::liquidity::months_csv(o);
        let title = term_with("run.liquidity_forecast_name", lang, &[("name", &name)]);
        let chart = super::liquidity::chart(o, scenario.valuation_date(), &title, lang)?;
        let mut files = vec![("liquidity.csv".to_string(), csv.into_bytes())];
        files.extend(chart_files("liquidity", chart));
        folders.push((None, files));
    }
    if let Some(o) = &r.obligations {
        let csv = super::obligations::years_csv(o);
        let title = format!(
            "{} {} {}",
            Term::ConsolidationRatio.text(lang),
            term("run.against_the", lang),
            super::obligations::denominator_label(o.denominator, lang)
        );
        let chart = chart::consolidation_chart(o, scenario.valuation_date(), &title, lang)?;
        let mut files = vec![("obligations.csv".to_string(), csv.into_bytes())];
        files.extend(chart_files("consolidation", chart));
        folders.push((None, files));
    }
    folders.push((None, vec![("summary.json".into(), json.into_bytes())]));
    Ok(folders)
}

/// A replay's chart title: the series' `name` and the days replayed.
pub fn replay_title(name: &str, r: &Replay, lang: Lang) -> String {
    format!("{} {name}, {} – {}", Term::Replay.text(lang), r.summary.start_date, r.summary.end_date)
}

/// The line after a command's files are written: each path.
pub fn wrote(paths: &[std::path::PathBuf], lang: Lang) -> String {
    let list: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    format!("\n{} {}\n", term("run.wrote", lang), list.join(", "))
}
