//! `pensionsim run` as users see it: the printout (the position, the Monte
//! Carlo run, the model beside history, the loans, the liquidity, the
//! obligation and the bilingual crash table) and the files it writes.

use std::path::Path;

use super::chart::{self, Chart};
use super::document::{self, Document, Layout};
use super::i18n::{Term, number};
use super::table::{Cell, Table};
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

/// What `run` prints before the list of files it wrote, as a document:
/// today's position, the Monte Carlo run, the model beside history, the
/// loans, the liquidity, the obligation and the crash table.
pub fn document(scenario: &Scenario, r: &RunResults, lang: Lang) -> Document {
    let mut d = Document::new(lang, scenario.name());
    text::position(&mut d, scenario, &r.position);
    if let Some(mc) = &r.monte_carlo {
        text::monte_carlo(
            &mut d,
            &mc.stats,
            &mc.simulation,
            mc.threads,
            mc.elapsed_seconds,
            &scenario.policy(),
        );
    }
    if let (Some(b), Some(model)) = (&r.beside, scenario.market()) {
        d.gap();
        super::implied::beside_history(&mut d, &b.figures, model.long_run.as_ref(), b.elapsed_seconds);
    }
    if r.monte_carlo.is_none() {
        d.gap();
        d.para(term("run.no_market_in_the_scenario", lang));
    }
    if let (Some(debt), Some(today)) = (scenario.debt(), &r.debt) {
        d.gap();
        super::debt::today(&mut d, debt, &today.key_figures);
        if let Some(o) = &r.debt_outlook {
            super::debt::outlook(&mut d, o);
        }
    }
    if let Some(o) = &r.liquidity {
        d.gap();
        super::liquidity::outlook(&mut d, o);
        if let Some(check) = &o.actuals {
            d.gap();
            super::forecast::section(&mut d, o, check, scenario.valuation_date(), 1);
        }
    }
    if let Some(o) = &r.obligations {
        d.gap();
        super::obligations::outlook(&mut d, o, scenario.valuation_date());
    }
    crash_table(&mut d, &r.crashes);
    d
}

/// [`document()`] as terminal text.
pub fn printout(scenario: &Scenario, r: &RunResults, lang: Lang) -> String {
    document::text(&document(scenario, r, lang), None)
}

/// The crash table: the rule's trades, its lowest margin, the days under
/// the floor, and the final value and largest fall with and without it.
pub fn crash_table(d: &mut Document, crashes: &[CrashReplay]) {
    let lang = d.lang;
    let title = term("run.todays_portfolio_through_historical_crashes", lang);
    d.heading(2, title);
    let columns = [
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
    let mut t = Table::new("crashes", title, &columns);
    for c in crashes {
        let s = &c.replay.summary;
        t.push(vec![
            Cell::text(crash_label(&c.crash, lang)),
            Cell::plain(s.downweights.len() as f64, 0),
            Cell::plain(s.upweights.len() as f64, 0),
            Cell::percent(s.min_margin, 1),
            Cell::plain(s.breach_days as f64, 0),
            Cell::mkr(s.final_value, 0),
            Cell::mkr(s.buy_and_hold_final_value, 0),
            Cell::percent(s.max_drawdown, 1),
            Cell::percent(s.buy_and_hold_max_drawdown, 1),
        ]);
    }
    let mut layout = Layout::for_table(&t);
    layout.rule = false;
    d.table_with(t, layout);
}

/// The lines after the files are written: how many, where, the names of
/// those in the output folder itself in the order written, and what each
/// crash's folder holds; then where summary.json keeps the obligation's
/// and the liquidity's figures.
pub fn written(count: usize, out_dir: &Path, folders: &[Folder], r: &RunResults, lang: Lang) -> String {
    let names = |files: &[File]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    let top: Vec<String> =
        folders.iter().filter(|(sub, _)| sub.is_none()).flat_map(|(_, f)| names(f)).collect();
    let crashes: Vec<&str> = folders.iter().filter_map(|(sub, _)| *sub).collect();
    let list = match folders.iter().find(|(sub, _)| sub.is_some()) {
        Some((_, files)) => term_with(
            "run.files_and_crash_folders",
            lang,
            &[
                ("files", &top.join(", ")),
                ("folders", &crashes.join(", ")),
                ("crash_files", &names(files).join(", ")),
            ],
        ),
        None => top.join(", "),
    };
    let mut d = Document::new(lang, term("run.wrote", lang));
    d.gap();
    d.para(format!(
        "{} {count} {} {}/ ({list})",
        term("run.wrote", lang),
        term("run.files_to", lang),
        out_dir.display()
    ));
    if r.obligations.is_some() {
        d.para(term("run.the_pension_obligation_obligations_csv", lang));
    }
    if r.liquidity.is_some() {
        d.para(term("run.the_liquidity_forecast_liquidity_csv", lang));
    }
    document::text(&d, None)
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
    let mut d = Document::new(lang, term("run.wrote", lang));
    d.gap();
    d.para(format!("{} {}", term("run.wrote", lang), list.join(", ")));
    document::text(&d, None)
}
