//! One function per subcommand: read inputs, call the library, write and
//! print. No figure is computed here.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use chrono::NaiveDate;
use indicatif::{ProgressBar, ProgressStyle};
use pensionsim::engine::Engine;
use pensionsim::market::implied::{self, BesideHistory};
use pensionsim::market::{FACTOR_NAMES, MarketModel, Shocks};
use pensionsim::obligations::{DEPOSIT_PROBABILITIES, Outlook, outlook, solve_deposits};
use pensionsim::prices::PriceSeries;
use pensionsim::replay::{FixedIncome, Replay, ReplayConfig, ReplaySummary, replay};
use pensionsim::report::{Lang, chart, text};
use pensionsim::rule::{Policy, Position};
use pensionsim::scenario::{Loaded, Scenario, Simulation};
use pensionsim::stats::{MonthHistograms, PortfolioStats, summarize};
use serde::Serialize;
use std::time::Instant;

use super::args::{CompareArgs, ReplayArgs, RunArgs, StressArgs, SuggestArgs, ValidateArgs};
use super::output::write_files;

/// Text for standard output; warnings go to standard error as they arise.
pub type Printed = String;

fn load_scenario(path: &Path) -> Result<Scenario> {
    let Loaded { scenario, warnings } = Scenario::load(path)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(scenario)
}

/// [`load_scenario`] with a `[variant.NAME]` merged over it.
fn load_scenario_variant(path: &Path, variant: Option<&str>) -> Result<Scenario> {
    let Loaded { scenario, warnings } = Scenario::load_variant(path, variant)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok(scenario)
}

/// The daily index series `run` replays its crashes on when no `--prices`
/// is given.
pub const DEFAULT_PRICES: &str = "data/djia_daily_1885_2023.csv";

/// The data file a command reads: `given` as it is when the user named one;
/// else `default` (a path such as `data/x.csv`) in the current folder, else
/// in the scenario's folder or the nearest folder above it that has it, as
/// paths inside a scenario are relative to the scenario's folder (so
/// `scenarios/x.toml` finds `data/` beside `scenarios/` from any folder).
/// A file found other than in the current folder is named on standard
/// error, with `option` that would choose another. If none is found, the
/// error lists every place looked in.
fn data_file(given: Option<&Path>, default: &str, scenario: &Path, option: &str) -> Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path.to_path_buf());
    }
    let default = Path::new(default);
    if default.is_file() {
        return Ok(default.to_path_buf());
    }
    let mut looked =
        vec![std::env::current_dir().map_or_else(|_| default.to_path_buf(), |cwd| cwd.join(default))];
    let folder = match scenario.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // Absolute, so that the search can go above a relative path's start.
    let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
    for dir in folder.ancestors() {
        let candidate = dir.join(default);
        if looked.contains(&candidate) {
            continue;
        }
        if candidate.is_file() {
            eprintln!("note: no {option} given: using {}", candidate.display());
            return Ok(candidate);
        }
        looked.push(candidate);
    }
    let looked: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
    bail!(
        "found no {} in the current folder nor in the scenario's folder or above it (looked for {})",
        default.display(),
        looked.join(", ")
    )
}

pub fn validate(args: &ValidateArgs) -> Result<Printed> {
    let scenario = load_scenario_variant(&args.scenario, args.variant.as_deref())?;
    let mut out = String::new();
    let s = &scenario;
    let n_eq = s.holdings().equity.len();
    let _ = writeln!(
        out,
        "ok: {} is a valid scenario ({}; {} asset classes, {} equity; {} month-ends{})",
        args.scenario.display(),
        s.name,
        s.asset_classes.len(),
        n_eq,
        s.history.month_ends.len(),
        s.history.csv.as_ref().map_or(String::new(), |p| format!(" from {}", p.display())),
    );
    if !s.policy_defaults.is_empty() {
        let _ = writeln!(out, "policy: the rule document's defaults for {}", s.policy_defaults.join(", "));
    }
    if let Some(m) = &s.market {
        let names: Vec<&str> = m.regimes.iter().map(|r| r.name.as_str()).collect();
        let shocks = match &m.shocks {
            Shocks::Gaussian => "gaussian shocks".to_string(),
            Shocks::StudentT { degrees_of_freedom } => {
                format!("Student-t shocks ({degrees_of_freedom} degrees of freedom)")
            }
            Shocks::Bootstrap(b) => format!(
                "bootstrap shocks ({} daily returns, blocks of {} days)",
                b.shocks.len(),
                b.block_days
            ),
        };
        let rate = if m.hull_white.is_some() { "Hull-White" } else { "Vasicek" };
        let extras: Vec<&str> =
            [m.inflation_process.map(|_| "stochastic inflation"), m.credit_spread.map(|_| "a credit spread")]
                .into_iter()
                .flatten()
                .collect();
        let _ = writeln!(
            out,
            "market: {} regime{} ({}), {shocks}, {rate} short rate{}",
            names.len(),
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
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
        if let Some(h) = &s.market_history {
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
        let sim = &s.simulation;
        let _ = writeln!(
            out,
            "simulation: {} paths, {} months, seed {}",
            sim.paths, sim.horizon_months, sim.seed
        );
    } else {
        let _ = writeln!(out, "market: none (pensionsim run shows the position and the crash replays only)");
    }
    let _ = writeln!(out);
    out.push_str(&text::position(s, &s.managed().position(), args.lang));
    if let Some(debt) = &s.debt {
        let _ = writeln!(out);
        out.push_str(&pensionsim::report::debt::today(debt, &debt.book.key_figures(), args.lang));
    }
    if let Some(l) = &s.liquidity {
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
    Ok(out)
}

/// The historical crashes `run` replays today's portfolio through: from
/// the Dow Jones peak before each crash.
const CRASHES: [(&str, &str, &str, [&str; 2]); 3] = [
    ("crash-1987", "1987-08-25", "1988-08-31", ["October 1987", "Oktober 1987"]),
    ("crash-2008", "2007-10-09", "2009-12-31", ["2007-2009", "2007–2009"]),
    ("crash-2020", "2020-02-12", "2020-12-31", ["February-April 2020", "Februari–april 2020"]),
];

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
    portfolio: Option<PortfolioStats>,
    position: Position,
    crashes: Vec<CrashSummary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    obligations: Option<&'a Outlook>,
    #[serde(skip_serializing_if = "Option::is_none")]
    debt: Option<DebtSummary<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    liquidity: Option<&'a pensionsim::liquidity::simulate::Outlook>,
}

/// `market` in summary.json: every parameter of the model, and the model
/// beside history.
#[derive(Serialize)]
struct MarketSummary<'a> {
    #[serde(flatten)]
    model: &'a MarketModel,
    #[serde(skip_serializing_if = "Option::is_none")]
    implied: Option<&'a pensionsim::market::implied::Implied>,
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a pensionsim::market::implied::HistoryComparison>,
}

/// `debt` in summary.json: today's book and, with a market, its outlook.
#[derive(Serialize)]
struct DebtSummary<'a> {
    today: pensionsim::debt::KeyFigures,
    breaches: pensionsim::debt::Breaches,
    policy: &'a pensionsim::debt::DebtPolicy,
    borrowing_limit: f64,
    overdraft: f64,
    refinancing: &'a pensionsim::debt::Refinancing,
    maturity_profile: Vec<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    outlook: Option<pensionsim::debt::simulate::Outlook>,
}

/// A finished Monte Carlo run.
struct MonteCarlo {
    simulation: Simulation,
    threads: usize,
    elapsed: f64,
    stats: PortfolioStats,
    months: MonthHistograms,
}

/// The scenario's `[simulation]` with `--paths`, `--horizon-months` and
/// `--seed` put in, each checked.
fn with_overrides(
    mut simulation: Simulation,
    paths: Option<usize>,
    horizon_months: Option<usize>,
    seed: Option<u64>,
) -> Result<Simulation> {
    if let Some(paths) = paths {
        if paths == 0 {
            bail!("--paths: expected 1 path or more, found 0");
        }
        simulation.paths = paths;
    }
    if let Some(months) = horizon_months {
        if !(1..=1200).contains(&months) {
            bail!("--horizon-months: expected 1 to 1200 months, found {months}");
        }
        simulation.horizon_months = months;
    }
    // Before anything is allocated; a yearly record a path at most.
    let option = if paths.is_some() { "--paths" } else { "[simulation] paths" };
    pensionsim::engine::check_paths(simulation.paths, simulation.horizon_months.div_ceil(12) + 1)
        .map_err(|e| anyhow::anyhow!("{option}: {e}"))?;
    if let Some(seed) = seed {
        simulation.seed = seed;
    }
    Ok(simulation)
}

/// Runs the scenario's Monte Carlo with the command line's overrides, with
/// a progress bar on a terminal.
fn monte_carlo(args: &RunArgs, scenario: &Scenario) -> Result<Option<MonteCarlo>> {
    let simulation = with_overrides(scenario.simulation, args.paths, args.horizon_months, args.seed)?;
    let Some(engine) = Engine::new(scenario, simulation) else {
        return Ok(None);
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = args.threads {
        if threads == 0 {
            bail!("--threads: expected 1 thread or more, found 0");
        }
        pool = pool.num_threads(threads);
    }
    let pool = pool.build().context("cannot start the worker threads")?;
    let bar = ProgressBar::new(simulation.paths as u64).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} paths, {elapsed} (about {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let outcome = pool.install(|| engine.run(&|n| bar.inc(n as u64)));
    let elapsed = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let stats = summarize(&outcome, engine.start_value(), simulation.horizon_months);
    Ok(Some(MonteCarlo {
        simulation,
        threads: pool.current_num_threads(),
        elapsed,
        stats,
        months: outcome.months,
    }))
}

/// The model beside history (`market::implied`) on the run's seed and
/// `--threads`, and the seconds it took; `None` without a `[market]`.
fn beside_history(args: &RunArgs, scenario: &Scenario) -> Result<Option<(BesideHistory, f64)>> {
    let Some(model) = &scenario.market else {
        return Ok(None);
    };
    let seed = args.seed.unwrap_or(scenario.simulation.seed);
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = args.threads {
        pool = pool.num_threads(threads);
    }
    let pool = pool.build().context("cannot start the worker threads")?;
    let started = Instant::now();
    let b = pool.install(|| implied::beside_history(model, scenario.market_history.as_ref(), seed));
    Ok(Some((b, started.elapsed().as_secs_f64())))
}

/// The consolidation outlook of a scenario with `[obligations]` and a
/// `[market]`: the run's paths and seed (with the command line's
/// overrides), and the deposit search on `--search-paths` paths.
fn consolidation(args: &RunArgs, scenario: &Scenario) -> Result<Option<Outlook>> {
    if scenario.obligations.is_none() || scenario.market.is_none() {
        return Ok(None);
    }
    let simulation = Simulation {
        paths: args.paths.unwrap_or(scenario.simulation.paths),
        seed: args.seed.unwrap_or(scenario.simulation.seed),
        ..scenario.simulation
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = args.threads {
        pool = pool.num_threads(threads);
    }
    let pool = pool.build().context("cannot start the worker threads")?;
    // A spinner on a terminal (nothing otherwise): the search takes seconds.
    let spinner = ProgressBar::new_spinner().with_message("pension obligation: outlook and deposit search");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let result = pool.install(|| {
        let mut o = outlook(scenario, simulation, &|_| {})?;
        // The search runs at most the run's own paths.
        let search_paths =
            args.search_paths.unwrap_or(pensionsim::obligations::DEFAULT_SEARCH_PATHS).min(simulation.paths);
        if search_paths > 0 {
            o.deposit_search =
                solve_deposits(scenario, search_paths, simulation.seed, &DEPOSIT_PROBABILITIES);
        }
        Some(o)
    });
    spinner.finish_and_clear();
    Ok(result)
}

#[derive(Serialize)]
struct CrashSummary<'a> {
    name: &'a str,
    label: &'a str,
    replay: &'a ReplaySummary,
}

pub fn run(args: &RunArgs) -> Result<Printed> {
    if !(args.fi_rate.is_finite() && args.fi_rate > -1.0 && args.fi_rate <= 1.0) {
        bail!(
            "--fi-rate: expected an annual rate above -1 and at most 1 (0.02 for 2 %), found {}",
            args.fi_rate
        );
    }
    let scenario = load_scenario_variant(&args.scenario, args.variant.as_deref())?;
    let paths = args.paths.unwrap_or(scenario.simulation.paths);
    if let Some(search) = args.search_paths
        && search > paths
    {
        bail!("--search-paths: expected at most --paths ({paths}), found {search}");
    }
    let prices = data_file(args.prices.as_deref(), DEFAULT_PRICES, &args.scenario, "--prices")
        .and_then(|path| Ok(PriceSeries::load(&path, "date", "close")?))
        .with_context(|| {
            let hint = if args.prices.is_none() { " (give one with --prices)" } else { "" };
            format!("the crash replays need a daily index series{hint}")
        })?;
    let managed = scenario.managed();
    let position = managed.position();
    let lang = args.lang;
    let sv = lang == Lang::Sv;
    let mut out = text::position(&scenario, &position, lang);
    let mc = monte_carlo(args, &scenario)?;
    let beside = beside_history(args, &scenario)?;
    if let Some(mc) = &mc {
        let _ = writeln!(out);
        out.push_str(&text::monte_carlo(&mc.stats, &mc.simulation, mc.threads, mc.elapsed, lang));
        out.push_str(&text::monte_carlo_notes(&mc.stats, &scenario.policy, lang));
    }
    if let (Some((b, elapsed)), Some(model)) = (&beside, &scenario.market) {
        let _ = writeln!(out);
        out.push_str(&pensionsim::report::implied::beside_history(
            b,
            model.long_run.as_ref(),
            *elapsed,
            lang,
        ));
    }
    if mc.is_none() {
        let _ = writeln!(
            out,
            "\n{}",
            if sv {
                "Ingen [market] i scenariot: ingen Monte Carlo-körning."
            } else {
                "No [market] in the scenario: no Monte Carlo run."
            }
        );
    }

    // The loan book: today's figures, and its outlook on the same paths.
    let debt_outlook = match (&scenario.debt, &scenario.market, &mc) {
        (Some(debt), Some(model), Some(mc)) => {
            Some(pensionsim::debt::simulate::outlook(debt, model, mc.simulation))
        }
        _ => None,
    };
    if let Some(debt) = &scenario.debt {
        let _ = writeln!(out);
        out.push_str(&pensionsim::report::debt::today(debt, &debt.book.key_figures(), lang));
        if let Some(o) = &debt_outlook {
            let _ = writeln!(out);
            out.push_str(&pensionsim::report::debt::outlook(o, lang));
        }
    }
    // The liquidity forecast: the same paths and seed, after the loans.
    let liquidity = match (&scenario.liquidity, &scenario.market, &mc) {
        (Some(liquidity), Some(model), Some(mc)) => {
            let inputs = pensionsim::liquidity::simulate::Inputs {
                liquidity,
                model,
                debt: scenario.debt.as_ref(),
                obligations: scenario.obligations.as_ref(),
                valuation: scenario.valuation_date,
                portfolio_value: managed.value(),
            };
            Some(pensionsim::liquidity::simulate::outlook(&inputs, mc.simulation.paths, mc.simulation.seed))
        }
        _ => None,
    };
    if let Some(o) = &liquidity {
        let _ = writeln!(out);
        out.push_str(&pensionsim::report::liquidity::outlook(o, lang));
    }
    let obligations = consolidation(args, &scenario)?;
    if let Some(o) = &obligations {
        let _ = writeln!(out);
        out.push_str(&pensionsim::report::obligations::outlook(o, scenario.valuation_date, lang));
    }

    let mut replays: Vec<(&str, &str, Replay)> = Vec::new();
    for (name, from, to, labels) in CRASHES {
        let label = labels[usize::from(sv)];
        let config = ReplayConfig {
            from: Some(from.parse()?),
            to: Some(to.parse()?),
            start_value: managed.value(),
            start_equity: managed.equity_share(),
            policy: scenario.policy,
            fixed_income: FixedIncome::Rate(args.fi_rate),
            window: Some(scenario.window()),
        };
        replays.push((name, label, replay(&prices, &config)?));
    }

    let _ = writeln!(
        out,
        "\n{}",
        if sv {
            "Dagens portfölj genom historiska krascher (dagens högsta värde och skyddsnivå, Dow Jones dagligen, räntor 2 %)"
        } else {
            "Today's portfolio through historical crashes (today's high and floor; Dow Jones daily, fixed income at 2 %)"
        }
    );
    let head = if sv {
        [
            "Kris",
            "Nedv.",
            "Uppv.",
            "Lägsta marginal",
            "Dagar u. golv",
            "Slutvärde",
            "Utan regel",
            "Största fall",
            "Utan regel",
        ]
    } else {
        [
            "Crash",
            "Down",
            "Up",
            "Lowest margin",
            "Days < floor",
            "Final value",
            "No rule",
            "Largest fall",
            "No rule",
        ]
    };
    let _ = writeln!(
        out,
        "{:<22}{:>6}{:>6}{:>16}{:>14}{:>14}{:>14}{:>14}{:>12}",
        head[0], head[1], head[2], head[3], head[4], head[5], head[6], head[7], head[8]
    );
    for (_, label, r) in &replays {
        let s = &r.summary;
        let _ = writeln!(
            out,
            "{:<22}{:>6}{:>6}{:>16}{:>14}{:>14}{:>14}{:>14}{:>12}",
            label,
            s.downweights.len(),
            s.upweights.len(),
            pensionsim::report::i18n::percent(s.min_margin, 1, lang),
            s.breach_days,
            pensionsim::report::i18n::mkr(s.final_value, 0, lang),
            pensionsim::report::i18n::mkr(s.buy_and_hold_final_value, 0, lang),
            pensionsim::report::i18n::percent(s.max_drawdown, 1, lang),
            pensionsim::report::i18n::percent(s.buy_and_hold_max_drawdown, 1, lang),
        );
    }

    let mut written: Vec<PathBuf> = Vec::new();
    for (name, label, r) in &replays {
        let title = format!("{} {label}: {}", Term::Replay.text(lang), scenario.name);
        written.extend(write_replay(&args.out.join(name), r, &title, lang)?);
    }
    if let Some(mc) = &mc {
        let csv = text::month_quantiles_csv(&mc.months, scenario.valuation_date);
        let title = format!(
            "{} {}: {} {}",
            "Monte Carlo",
            scenario.name,
            pensionsim::report::i18n::number(mc.simulation.paths as f64, 0, lang),
            if sv { "framtider" } else { "paths" }
        );
        let fan = chart::fan_chart(
            &mc.months,
            scenario.valuation_date,
            managed.value(),
            managed.equity_share(),
            scenario.policy.cap,
            &title,
            lang,
        )?;
        written.extend(write_files(
            &args.out,
            &[
                ("month_quantiles.csv", csv.as_bytes()),
                ("fan.svg", fan.svg.as_bytes()),
                ("fan.png", &fan.png),
            ],
        )?);
    }
    if let Some(debt) = &scenario.debt {
        let title = if sv {
            format!("Lånens förfallostruktur: {}", scenario.name)
        } else {
            format!("Maturity profile of the loans: {}", scenario.name)
        };
        let profile = pensionsim::report::debt::maturity_chart(debt, &title, lang)?;
        written.extend(write_files(
            &args.out,
            &[("debt-maturity.svg", profile.svg.as_bytes()), ("debt-maturity.png", &profile.png)],
        )?);
        if let Some(o) = &debt_outlook {
            let title = if sv {
                format!("Räntekostnad per år: {}", scenario.name)
            } else {
                format!("Interest cost by year: {}", scenario.name)
            };
            let fan = pensionsim::report::debt::interest_chart(o, &title, lang)?;
            written.extend(write_files(
                &args.out,
                &[("debt-interest.svg", fan.svg.as_bytes()), ("debt-interest.png", &fan.png)],
            )?);
        }
    }
    if let Some(o) = &liquidity {
        let csv = pensionsim::report::liquidity::months_csv(o);
        let title = if sv {
            format!("Likviditetsprognos: {}", scenario.name)
        } else {
            format!("Liquidity forecast: {}", scenario.name)
        };
        let chart = pensionsim::report::liquidity::chart(o, scenario.valuation_date, &title, lang)?;
        written.extend(write_files(
            &args.out,
            &[
                ("liquidity.csv", csv.as_bytes()),
                ("liquidity.svg", chart.svg.as_bytes()),
                ("liquidity.png", &chart.png),
            ],
        )?);
    }
    if let Some(o) = &obligations {
        let csv = pensionsim::report::obligations::years_csv(o);
        let title = format!(
            "{} {} {}",
            Term::ConsolidationRatio.text(lang),
            if sv { "mot" } else { "against the" },
            pensionsim::report::obligations::denominator_label(o.denominator, lang)
        );
        let chart = chart::consolidation_chart(o, scenario.valuation_date, &title, lang)?;
        written.extend(write_files(
            &args.out,
            &[
                ("obligations.csv", csv.as_bytes()),
                ("consolidation.svg", chart.svg.as_bytes()),
                ("consolidation.png", &chart.png),
            ],
        )?);
    }
    let summary = RunSummary {
        version: env!("CARGO_PKG_VERSION"),
        scenario: &scenario.name,
        scenario_file: args.scenario.display().to_string(),
        valuation_date: scenario.valuation_date,
        paths: mc.as_ref().map(|m| m.simulation.paths),
        seed: mc.as_ref().map(|m| m.simulation.seed),
        months: mc.as_ref().map(|m| m.simulation.horizon_months),
        threads: mc.as_ref().map(|m| m.threads),
        elapsed_seconds: mc.as_ref().map(|m| m.elapsed),
        market: scenario.market.as_ref().map(|model| MarketSummary {
            model,
            implied: beside.as_ref().and_then(|(b, _)| b.implied.as_ref()),
            history: beside
                .as_ref()
                .map(|(b, _)| &b.history)
                .filter(|h| h.swedish_equity.is_some() || h.global_equity.is_some()),
        }),
        portfolio: mc.as_ref().map(|m| m.stats.clone()),
        position,
        crashes: replays
            .iter()
            .map(|(name, label, r)| CrashSummary { name, label, replay: &r.summary })
            .collect(),
        debt: scenario.debt.as_ref().map(|d| {
            let today = d.book.key_figures();
            DebtSummary {
                today,
                breaches: today.breaches(&d.policy),
                policy: &d.policy,
                borrowing_limit: d.borrowing_limit,
                overdraft: d.overdraft,
                refinancing: &d.refinancing,
                maturity_profile: d.book.maturity_profile(pensionsim::report::debt::PROFILE_YEARS),
                outlook: debt_outlook.clone(),
            }
        }),
        obligations: obligations.as_ref(),
        liquidity: liquidity.as_ref(),
    };
    let json = serde_json::to_string_pretty(&summary)? + "\n";
    written.extend(write_files(&args.out, &[("summary.json", json.as_bytes())])?);
    let _ = writeln!(
        out,
        "\n{} {} {} {}/ ({})",
        if sv { "Skrev" } else { "Wrote" },
        written.len(),
        if sv { "filer i" } else { "files to" },
        args.out.display(),
        if sv {
            "summary.json, month_quantiles.csv, fan.svg, fan.png, debt-*.svg/png för lånen, och en mapp per kris med replay.csv, summary.json, chart.svg, chart.png"
        } else {
            "summary.json, month_quantiles.csv, fan.svg, fan.png, debt-*.svg/png for the loans, and a folder a crash with replay.csv, summary.json, chart.svg, chart.png"
        }
    );
    if obligations.is_some() {
        let _ = writeln!(
            out,
            "{}",
            if sv {
                "Pensionsåtagandet: obligations.csv, consolidation.svg, consolidation.png, och summary.json under obligations"
            } else {
                "The pension obligation: obligations.csv, consolidation.svg, consolidation.png, and summary.json under obligations"
            }
        );
    }
    if liquidity.is_some() {
        let _ = writeln!(
            out,
            "{}",
            if sv {
                "Likviditetsprognosen: liquidity.csv, liquidity.svg, liquidity.png, och summary.json under liquidity"
            } else {
                "The liquidity forecast: liquidity.csv, liquidity.svg, liquidity.png, and summary.json under liquidity"
            }
        );
    }
    Ok(out)
}

use pensionsim::report::i18n::Term;

pub fn replay_cmd(args: &ReplayArgs) -> Result<Printed> {
    let policy = match &args.scenario {
        Some(path) => load_scenario(path)?.policy,
        None => Policy::DOCUMENT_DEFAULTS,
    };
    let start_equity = args.start_equity.unwrap_or(policy.target);
    if !(0.0..=1.0).contains(&start_equity) {
        bail!("--start-equity: expected a share from 0 to 1 (0.8 for 80 %), found {start_equity}");
    }
    if !(args.start_value.is_finite() && args.start_value > 0.0) {
        bail!("--start-value: expected a value above 0, found {}", args.start_value);
    }
    if !(args.fi_rate.is_finite() && args.fi_rate > -1.0 && args.fi_rate <= 1.0) {
        bail!(
            "--fi-rate: expected an annual rate above -1 and at most 1 (0.02 for 2 %), found {}",
            args.fi_rate
        );
    }
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from >= to
    {
        bail!("--from {from} is not before --to {to}");
    }
    let prices = PriceSeries::load(&args.prices, &args.date_col, &args.price_col)?;
    let fixed_income = match &args.fi_prices {
        Some(path) => FixedIncome::Prices(PriceSeries::load(path, &args.fi_date_col, &args.fi_price_col)?),
        None => FixedIncome::Rate(args.fi_rate),
    };
    let config = ReplayConfig {
        from: args.from,
        to: args.to,
        start_value: args.start_value,
        start_equity,
        policy,
        fixed_income,
        window: None,
    };
    let r = replay(&prices, &config)?;
    let mut out = text::replay(&r, args.lang);
    if args.daily {
        let _ = writeln!(out);
        out.push_str(&text::replay_csv(&r));
    }
    let name = args.prices.file_stem().map_or_else(|| "prices".into(), |s| s.to_string_lossy().into_owned());
    let title =
        format!("{} {name}, {} – {}", Term::Replay.text(args.lang), r.summary.start_date, r.summary.end_date);
    let written = write_replay(&args.out, &r, &title, args.lang)?;
    let _ = writeln!(out, "\n{} {}", if args.lang == Lang::Sv { "Skrev" } else { "Wrote" }, list(&written));
    Ok(out)
}

/// replay.csv, summary.json and the chart as SVG and PNG, into `dir`.
fn write_replay(dir: &Path, r: &Replay, title: &str, lang: Lang) -> Result<Vec<PathBuf>> {
    let csv = text::replay_csv(r);
    let json = serde_json::to_string_pretty(&r.summary)? + "\n";
    let chart = chart::replay_chart(r, title, lang)?;
    write_files(
        dir,
        &[
            ("replay.csv", csv.as_bytes()),
            ("summary.json", json.as_bytes()),
            ("chart.svg", chart.svg.as_bytes()),
            ("chart.png", &chart.png),
        ],
    )
}

fn list(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
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
    policy: &'a Policy,
    #[serde(flatten)]
    suggestion: &'a pensionsim::suggest::Suggestion,
}

pub fn suggest(args: &SuggestArgs) -> Result<Printed> {
    if args.paths == 0 {
        bail!("--paths: expected 1 path or more, found 0");
    }
    pensionsim::engine::check_paths(args.paths, 0).map_err(|e| anyhow::anyhow!("--paths: {e}"))?;
    let scenario = load_scenario(&args.scenario)?;
    let today = pensionsim::scenario::Today {
        valuation_date: args.date,
        holdings: args.holdings.as_deref(),
        history: args.history.as_deref(),
    };
    let Loaded { scenario, warnings } = scenario.with_today(&today)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let seed = args.seed.unwrap_or(scenario.simulation.seed);
    let s = pensionsim::suggest::suggest(&scenario, args.paths, seed);
    let lang = args.lang;
    let mut out = pensionsim::report::suggest::suggestion(&s, &scenario.policy, lang);

    let title = format!("{}: {}", Term::Position.text(lang), s.scenario);
    let chart = chart::suggest_chart(&s, &title, lang)?;
    let display = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
    let file = SuggestFile {
        version: env!("CARGO_PKG_VERSION"),
        scenario_file: args.scenario.display().to_string(),
        holdings_file: display(&args.holdings),
        history_file: display(&args.history),
        policy: &scenario.policy,
        suggestion: &s,
    };
    let json = serde_json::to_string_pretty(&file)? + "\n";
    let written = write_files(
        &args.out,
        &[
            ("suggest.json", json.as_bytes()),
            ("suggest.svg", chart.svg.as_bytes()),
            ("suggest.png", &chart.png),
        ],
    )?;
    let _ = writeln!(out, "\n{} {}", if lang == Lang::Sv { "Skrev" } else { "Wrote" }, list(&written));
    Ok(out)
}

/// `stress.json` (schema: docs/stress.md).
#[derive(Serialize)]
struct StressJson<'a> {
    version: &'static str,
    scenario_file: String,
    paths: usize,
    seed: u64,
    policy: &'a Policy,
    stresses: &'a [pensionsim::stress::StressResult],
}

pub fn stress(args: &StressArgs) -> Result<Printed> {
    use pensionsim::report::stress as report;
    use pensionsim::stress;
    if args.paths == 0 {
        bail!("--paths: expected 1 path or more, found 0");
    }
    pensionsim::engine::check_paths(args.paths, 0).map_err(|e| anyhow::anyhow!("--paths: {e}"))?;
    let scenario = load_scenario(&args.scenario)?;
    let paths = if args.stress.is_empty() {
        vec![stress::default_library(&args.scenario)]
    } else {
        args.stress.clone()
    };
    let library = stress::file::load_all(&paths)?;
    let seed = args.seed.unwrap_or(scenario.simulation.seed);
    let options = stress::RunOptions { paths: args.paths, seed };
    let results = stress::run_all(&scenario, &library, options)?;
    let lang = args.lang;
    let mut out = report::table(&scenario, &results, lang);

    let json = serde_json::to_string_pretty(&StressJson {
        version: env!("CARGO_PKG_VERSION"),
        scenario_file: args.scenario.display().to_string(),
        paths: args.paths,
        seed,
        policy: &scenario.policy,
        stresses: &results,
    })? + "\n";
    let csv = report::csv(&results);
    let mut files: Vec<(String, Vec<u8>)> =
        vec![("stress.json".into(), json.into_bytes()), ("stress.csv".into(), csv.into_bytes())];
    for r in &results {
        let chart = report::chart(r, lang)?;
        files.push((format!("{}.svg", r.name), chart.svg.into_bytes()));
        files.push((format!("{}.png", r.name), chart.png));
    }
    let named: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    let written = write_files(&args.out, &named)?;
    let _ = writeln!(
        out,
        "\n{} {} ({} {})",
        if lang == Lang::Sv { "Skrev" } else { "Wrote" },
        args.out.display(),
        written.len(),
        if lang == Lang::Sv { "filer" } else { "files" }
    );
    Ok(out)
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
    denominator: pensionsim::obligations::Denominator,
    paths: usize,
    seed: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    deposit_search: Option<&'a pensionsim::compare::consolidation::SearchSetting>,
    elapsed_seconds: f64,
}

#[derive(Serialize)]
struct CompareEntry<'a> {
    rank: usize,
    name: &'a str,
    description: String,
    #[serde(flatten)]
    kind: &'a pensionsim::compare::Kind,
    metrics: std::collections::BTreeMap<&'static str, &'a pensionsim::compare::Figure>,
    /// The engine's statistics of this strategy, as `summary.json` has them.
    stats: PortfolioStats,
    /// The road to 100 % consolidation (a scenario with `[obligations]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    obligations: Option<&'a pensionsim::compare::consolidation::StrategyConsolidation>,
}

pub fn compare(args: &CompareArgs) -> Result<Printed> {
    use pensionsim::compare;
    let scenario = load_scenario(&args.scenario)?;
    let strategies = match &args.strategies {
        Some(file) => {
            let text =
                std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
            compare::parse(file, &text, &scenario.policy, true)?.unwrap_or_default()
        }
        None => {
            let text = std::fs::read_to_string(&args.scenario)
                .with_context(|| format!("cannot read {}", args.scenario.display()))?;
            compare::parse(&args.scenario, &text, &scenario.policy, false)?
                .unwrap_or_else(|| compare::default_set(&scenario.policy))
        }
    };
    let simulation = with_overrides(scenario.simulation, args.paths, args.horizon_months, args.seed)?;
    let keys: Vec<&str> = compare::metrics().iter().map(|m| m.key).collect();
    if !keys.contains(&args.rank_by.as_str()) {
        bail!("--rank-by: expected one of {}, found `{}`", keys.join(", "), args.rank_by);
    }
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = args.threads {
        if threads == 0 {
            bail!("--threads: expected 1 thread or more, found 0");
        }
        pool = pool.num_threads(threads);
    }
    let pool = pool.build().context("cannot start the worker threads")?;
    // The road to 100 % consolidation, for a scenario with [obligations].
    let with_obligations = scenario.obligations.is_some() && scenario.market.is_some();
    let obligation_paths = if with_obligations {
        args.obligation_paths.unwrap_or(pensionsim::obligations::DEFAULT_SEARCH_PATHS.min(simulation.paths))
    } else {
        0
    };
    if let Some(n) = args.obligation_paths
        && n > simulation.paths
    {
        bail!("--obligation-paths: expected at most --paths ({}), found {n}", simulation.paths);
    }
    if args.obligation_paths.is_some_and(|n| n > 0) && !with_obligations {
        bail!("--obligation-paths: the scenario {} has no [obligations] section", args.scenario.display());
    }
    if args.deposits {
        if !with_obligations {
            bail!("--deposits: the scenario {} has no [obligations] section", args.scenario.display());
        }
        if obligation_paths == 0 || args.search_paths == 0 {
            bail!("--deposits: expected --obligation-paths and --search-paths of 1 path or more, found 0");
        }
    }
    let deposit_paths = args.deposits.then(|| args.search_paths.min(obligation_paths));
    let total = (compare::work(&strategies) * simulation.paths
        + compare::consolidation::work(&strategies, obligation_paths)) as u64;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} path runs, {elapsed} (about {eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let (comparison, figures) = pool.install(|| -> Result<_> {
        let c = compare::simulate(&scenario, &strategies, simulation, &|n| bar.inc(n as u64))?;
        let figures = compare::evaluate(&c);
        Ok((c, figures))
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let consolidation = (obligation_paths > 0)
        .then(|| {
            pool.install(|| {
                compare::consolidation::consolidation(
                    &scenario,
                    &strategies,
                    obligation_paths,
                    simulation.seed,
                    deposit_paths,
                    &|n| bar.inc(n as u64),
                )
            })
        })
        .flatten();
    let consolidation_elapsed = started.elapsed().as_secs_f64() - elapsed;
    bar.finish_and_clear();
    let metrics = compare::metrics();
    let Some(order) = compare::metrics::ranking(&figures, &args.rank_by) else {
        unreachable!("--rank-by is checked before the run")
    };
    let lang = args.lang;
    let sv = lang == Lang::Sv;
    let title =
        format!("{}: {}", if sv { "Jämförelse av strategier" } else { "Strategy comparison" }, scenario.name);
    let mut out = pensionsim::report::compare::table(
        &comparison,
        &metrics,
        &figures,
        &order,
        &args.rank_by,
        &title,
        lang,
    );
    if let Some(c) = &consolidation {
        out.push_str(&pensionsim::report::compare_obligations::table(c, &order, lang));
    }
    let _ = writeln!(
        out,
        "{}",
        if sv {
            format!(
                "Tid: {} s på {} trådar.",
                pensionsim::report::i18n::number(elapsed, 1, lang),
                pool.current_num_threads()
            )
        } else {
            format!("Time: {elapsed:.1} s on {} threads.", pool.current_num_threads())
        }
    );
    if consolidation.is_some() {
        let _ = writeln!(
            out,
            "{}",
            if sv {
                format!(
                    "Tid för konsolideringsgraden: {} s.",
                    pensionsim::report::i18n::number(consolidation_elapsed, 1, lang)
                )
            } else {
                format!("Time for the consolidation ratio: {consolidation_elapsed:.1} s.")
            }
        );
    }

    let rank_of = |s: usize| order.iter().position(|&o| o == s).unwrap_or(0) + 1;
    let months = simulation.horizon_months;
    let entries = comparison
        .strategies
        .iter()
        .enumerate()
        .map(|(s, st)| {
            let outcome = pensionsim::engine::Outcome {
                paths: comparison.paths[s].clone(),
                months: MonthHistograms::new(1, comparison.start_value),
            };
            CompareEntry {
                rank: rank_of(s),
                name: &st.name,
                description: pensionsim::report::compare::describe(st, &comparison.strategies[0], Lang::En),
                kind: &st.kind,
                metrics: metrics.iter().map(|m| m.key).zip(&figures[s]).collect(),
                stats: summarize(&outcome, comparison.start_value, months),
                obligations: consolidation.as_ref().map(|c| &c.strategies[s]),
            }
        })
        .collect();
    let file = CompareFile {
        version: env!("CARGO_PKG_VERSION"),
        scenario: &scenario.name,
        scenario_file: args.scenario.display().to_string(),
        strategies_file: args.strategies.as_ref().map(|p| p.display().to_string()),
        paths: simulation.paths,
        seed: simulation.seed,
        months,
        threads: pool.current_num_threads(),
        elapsed_seconds: elapsed,
        reference: &comparison.strategies[0].name,
        ranked_by: &args.rank_by,
        bootstrap_resamples: compare::metrics::RESAMPLES,
        strategies: entries,
        obligations: consolidation.as_ref().map(|c| CompareObligations {
            target_year: c.target_year,
            denominator: c.denominator,
            paths: c.paths,
            seed: c.seed,
            deposit_search: c.deposit_search.as_ref(),
            elapsed_seconds: consolidation_elapsed,
        }),
    };
    let json = serde_json::to_string_pretty(&file)? + "\n";
    let mut csv = pensionsim::report::compare::csv(&comparison, &metrics, &figures, &order);
    if let Some(c) = &consolidation {
        csv.push_str(&pensionsim::report::compare_obligations::csv_rows(c, &comparison.strategies, &order));
    }

    use pensionsim::report::chart::strategies::{
        RiskReturn, ValueBox, risk_return_chart, value_distribution_chart,
    };
    let at = |key: &str| metrics.iter().position(|m| m.key == key).unwrap_or(0);
    let (breach, ret) = (at("p_breach_horizon"), at("mean_annual_return"));
    let with_interval = |f: &compare::Figure| {
        let v = f.value.unwrap_or(f64::NAN);
        let (lo, hi) = f.interval().unwrap_or((v, v));
        (v, lo, hi)
    };
    let points: Vec<RiskReturn> = (0..comparison.strategies.len())
        .map(|s| RiskReturn {
            rank: rank_of(s),
            name: comparison.strategies[s].name.clone(),
            breach: with_interval(&figures[s][breach]),
            annual_return: with_interval(&figures[s][ret]),
            reference: s == 0,
        })
        .collect();
    let boxes: Vec<ValueBox> = order
        .iter()
        .map(|&s| {
            let d = &file.strategies[s].stats.final_value;
            ValueBox {
                rank: rank_of(s),
                name: comparison.strategies[s].name.clone(),
                p5: d.p5,
                p25: d.p25,
                p50: d.p50,
                p75: d.p75,
                p95: d.p95,
                mean: d.mean,
            }
        })
        .collect();
    let risk_title = if sv {
        format!("Avkastning mot risken att hamna under skyddsnivån: {}", scenario.name)
    } else {
        format!("Return against the risk of a floor breach: {}", scenario.name)
    };
    let span = pensionsim::report::compare::horizon(months, lang);
    let value_title = if sv {
        format!("Värdet om {span} per strategi: {}", scenario.name)
    } else {
        format!("The value in {span} per strategy: {}", scenario.name)
    };
    let risk = risk_return_chart(&points, simulation.paths, &risk_title, lang)?;
    let values = value_distribution_chart(&boxes, comparison.start_value, &value_title, lang)?;
    let written = write_files(
        &args.out,
        &[
            ("compare.json", json.as_bytes()),
            ("compare.csv", csv.as_bytes()),
            ("compare_risk_return.svg", risk.svg.as_bytes()),
            ("compare_risk_return.png", &risk.png),
            ("compare_values.svg", values.svg.as_bytes()),
            ("compare_values.png", &values.png),
        ],
    )?;
    let _ = writeln!(out, "\n{} {}", if sv { "Skrev" } else { "Wrote" }, list(&written));
    Ok(out)
}

/// `report.json`: the report's figures and the tables as shown.
#[derive(Serialize)]
struct ReportFile<'a> {
    lang: &'static str,
    #[serde(flatten)]
    report: &'a pensionsim::periodic::RiskReport,
    tables: &'a [pensionsim::report::table::Table],
}

/// The command line as typed, with the program called `pensionsim` and
/// arguments with spaces quoted, for the report's method section.
fn command_line() -> String {
    let mut words = vec!["pensionsim".to_string()];
    for a in std::env::args().skip(1) {
        if a.is_empty() || a.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
            words.push(format!("'{}'", a.replace('\'', "'\\''")));
        } else {
            words.push(a);
        }
    }
    words.join(" ")
}

pub fn report(args: &super::args::ReportArgs) -> Result<Printed> {
    use pensionsim::periodic::{self, Missing, Options};
    use pensionsim::report::periodic as page;
    let scenario = load_scenario(&args.scenario)?;
    periodic::check_period(&scenario, args.period)?;
    let simulation = with_overrides(scenario.simulation, args.paths, None, args.seed)?;
    let out = args.out.clone().unwrap_or_else(|| Path::new("out/report").join(args.period.to_string()));
    // The folder is replaced whole: only an empty one or an earlier report.
    if out.is_dir()
        && !out.join("report.json").is_file()
        && std::fs::read_dir(&out).map_or(true, |mut d| d.next().is_some())
    {
        bail!(
            "--out {}: the folder exists and holds no report (no report.json); the report replaces its folder whole, so give a new or empty folder, or an earlier report's",
            out.display()
        );
    }
    let staging = super::output::Staging::new(&out)?;

    let library = pensionsim::stress::default_library(&args.scenario);
    let stresses = if library.is_dir() {
        Some(pensionsim::stress::file::load_all(&[library])?).filter(|l| !l.is_empty())
    } else {
        None
    };
    let bytes =
        std::fs::read(&args.scenario).with_context(|| format!("cannot read {}", args.scenario.display()))?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let strategies = pensionsim::compare::parse(&args.scenario, &text, &scenario.policy, false)?;
    // The parts the user requires, and what each needs of the scenario.
    {
        use super::args::ReportPart as P;
        let wants = |p: P| args.require.contains(&p) || args.require.contains(&P::All);
        let lacking: Vec<String> = [
            (P::Risk, "risk", scenario.market.is_none(), "[market]"),
            (P::Stress, "stress", stresses.is_none(), "a stress library in stress/ beside it"),
            (P::Obligations, "obligations", scenario.obligations.is_none(), "[obligations]"),
            (P::Debt, "debt", scenario.debt.is_none(), "[debt]"),
            (P::Liquidity, "liquidity", scenario.liquidity.is_none(), "[liquidity]"),
            (P::Comparison, "comparison", strategies.is_none(), "[[strategy]] tables"),
        ]
        .into_iter()
        .filter(|(p, _, lacks, _)| wants(*p) && *lacks)
        .map(|(_, name, _, section)| format!("the {name} part needs {section}"))
        .collect();
        if !lacking.is_empty() {
            bail!(
                "--require: the scenario {} cannot feed every part asked for: {}",
                args.scenario.display(),
                lacking.join("; ")
            );
        }
    }
    let options = Options {
        period: args.period,
        simulation,
        stresses,
        strategies,
        scenario_bytes: bytes,
        command: command_line(),
    };
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = args.threads {
        if threads == 0 {
            bail!("--threads: expected 1 thread or more, found 0");
        }
        pool = pool.num_threads(threads);
    }
    let pool = pool.build().context("cannot start the worker threads")?;
    let spinner = ProgressBar::new_spinner().with_message("report: simulating and drawing");
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let gathered = pool.install(|| periodic::gather(&scenario, &options));
    spinner.finish_and_clear();
    let report = gathered?;

    let lang = args.lang;
    let doc = page::document(&report, lang)?;
    let markdown = page::markdown(&doc);
    let html = page::html(&doc);
    let json = serde_json::to_string_pretty(&ReportFile {
        lang: if lang == Lang::Sv { "sv" } else { "en" },
        report: &report,
        tables: &doc.tables,
    })? + "\n";
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("report.html".into(), html.into_bytes()),
        ("report.md".into(), markdown.into_bytes()),
        ("report.json".into(), json.into_bytes()),
    ];
    for t in &doc.tables {
        files.push((format!("{}.csv", t.name), t.to_csv().into_bytes()));
    }
    files.push(("report.xlsx".into(), pensionsim::report::workbook::workbook(&doc.tables, lang)?));
    for c in &doc.charts {
        files.push((format!("{}.svg", c.name), c.chart.svg.clone().into_bytes()));
        files.push((format!("{}.png", c.name), c.chart.png.clone()));
    }
    let named: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    staging.write(&named)?;
    let dir = staging.commit()?;

    let sv = lang == Lang::Sv;
    let mut printed = String::new();
    let left_out: Vec<(&str, Missing)> = [
        ("risk", report.risk.missing()),
        ("stress", report.stress.missing()),
        ("obligations", report.obligations.missing()),
        ("debt", report.debt.missing()),
        ("liquidity", report.liquidity.missing()),
        ("comparison", report.comparison.missing()),
    ]
    .into_iter()
    .filter_map(|(name, m)| m.map(|m| (name, m)))
    .collect();
    for (name, m) in &left_out {
        let _ = writeln!(printed, "{name}: {}", page::missing_text(*m, lang));
    }
    let _ = writeln!(
        printed,
        "{} {} {} {}/ (report.html, report.md, report.json, report.xlsx, {} CSV, {} {})",
        if sv { "Skrev" } else { "Wrote" },
        files.len(),
        if sv { "filer till" } else { "files to" },
        dir.display(),
        doc.tables.len(),
        doc.charts.len(),
        if sv { "diagram som SVG och PNG" } else { "charts as SVG and PNG" }
    );
    Ok(printed)
}

/// `FACTOR=CSV[:COLUMN]` or `FACTOR=VALUE` split at the `=`.
fn factor_pair<'a>(option: &str, given: &'a str) -> Result<(pensionsim::calibrate::Factor, &'a str)> {
    use pensionsim::calibrate::Factor;
    let names = Factor::ALL.map(Factor::name).join(", ");
    let Some((name, rest)) = given.split_once('=') else {
        bail!("{option} {given:?}: expected FACTOR=…, FACTOR one of {names}");
    };
    let factor = Factor::parse(name)
        .with_context(|| format!("{option} {given:?}: unknown factor {name:?}; expected one of {names}"))?;
    Ok((factor, rest))
}

pub fn calibrate(args: &super::args::CalibrateArgs) -> Result<Printed> {
    use pensionsim::calibrate::{Factor, RegimeChoice, Settings};
    let regimes = match args.regimes.as_str() {
        "auto" => RegimeChoice::Auto,
        "1" => RegimeChoice::Fixed(1),
        "2" => RegimeChoice::Fixed(2),
        "3" => RegimeChoice::Fixed(3),
        other => bail!("--regimes {other:?}: expected 1, 2, 3 or auto"),
    };
    let student_t = match args.shocks.as_str() {
        "gaussian" => false,
        "student_t" => true,
        other => bail!("--shocks {other:?}: expected gaussian or student_t"),
    };
    let mut dividend_yield = std::collections::BTreeMap::new();
    for given in &args.dividend_yield {
        let (factor, rate) = factor_pair("--dividend-yield", given)?;
        let rate: f64 = rate.parse().ok().filter(|r: &f64| (0.0..=0.2).contains(r)).with_context(|| {
            format!("--dividend-yield {given:?}: expected a yearly rate from 0 to 0.2 (0.03 for 3 %)")
        })?;
        if !factor.is_return() || factor == Factor::SekPerUsd {
            bail!("--dividend-yield {given:?}: only swedish_equity and global_equity pay dividends");
        }
        dividend_yield.insert(factor, rate);
    }
    let observed = read_series(args)?;
    if let Some(check) = &args.check {
        return calibrate_check(check, &observed, &dividend_yield, args);
    }
    let keep = match &args.scenario {
        Some(path) => Some(load_scenario(path)?.market.with_context(|| {
            format!("--scenario {}: the scenario has no [market] to keep keys from", path.display())
        })?),
        None => None,
    };
    let staging = super::output::Staging::new(&args.out)?;
    let settings = Settings {
        from: args.from,
        to: args.to,
        regimes,
        student_t,
        dividend_yield,
        seed: args.seed,
        trading_days_per_month: keep.as_ref().map_or(21, |m| m.trading_days_per_month),
    };
    let c = pensionsim::calibrate::calibrate(&observed, &settings)
        .map_err(|e| anyhow::anyhow!("calibrate: {e}"))?;
    let chart = chart::regimes::regime_chart(&c, args.lang)?;
    let json = serde_json::to_string_pretty(&c.json())?;
    let toml = c.market_toml(keep.as_ref());
    staging.write(&[
        ("market.toml", toml.as_bytes()),
        ("calibration.json", json.as_bytes()),
        ("regimes.svg", chart.svg.as_bytes()),
        ("regimes.png", &chart.png),
    ])?;
    let dir = staging.commit()?;
    let mut printed = pensionsim::report::calibrate::calibration_text(&c, args.lang);
    let _ = writeln!(
        printed,
        "\n{} {}: market.toml, calibration.json, regimes.svg, regimes.png",
        if args.lang == Lang::Sv { "Skrev" } else { "Wrote" },
        dir.display()
    );
    Ok(printed)
}

/// Every `--series` read as it is given.
fn read_series(args: &super::args::CalibrateArgs) -> Result<Vec<pensionsim::calibrate::Observed>> {
    let mut observed = Vec::new();
    for given in &args.series {
        let (factor, file) = factor_pair("--series", given)?;
        let (file, column) = match file.rsplit_once(':') {
            Some((f, c)) if !c.is_empty() && !c.contains(['/', '\\']) => (f, c),
            _ => (file, args.price_col.as_str()),
        };
        let path = Path::new(file);
        let bytes = std::fs::read(path).with_context(|| format!("--series {given:?}: cannot read {file}"))?;
        let series = if factor.is_rate() {
            PriceSeries::parse_rates(path, &bytes, &args.date_col, column)?
        } else {
            PriceSeries::parse(path, &bytes, &args.date_col, column)?
        };
        observed.push(pensionsim::calibrate::Observed {
            factor,
            source: format!("{file}:{column}"),
            dates: series.dates,
            values: series.prices,
        });
    }
    Ok(observed)
}

/// `calibrate --check`: the scenario's model beside the given history.
fn calibrate_check(
    scenario_path: &Path,
    observed: &[pensionsim::calibrate::Observed],
    dividend_yield: &std::collections::BTreeMap<pensionsim::calibrate::Factor, f64>,
    args: &super::args::CalibrateArgs,
) -> Result<Printed> {
    use pensionsim::calibrate::Factor;
    use pensionsim::market::implied::{HistorySeries, MarketHistory, beside_history};
    let scenario = load_scenario(scenario_path)?;
    let model = scenario
        .market
        .as_ref()
        .with_context(|| format!("--check {}: the scenario has no [market]", scenario_path.display()))?;
    let series = |factor: Factor| {
        observed.iter().find(|o| o.factor == factor).map(|o| {
            let keep: Vec<usize> = (0..o.dates.len())
                .filter(|&i| {
                    args.from.is_none_or(|f| o.dates[i] >= f) && args.to.is_none_or(|t| o.dates[i] <= t)
                })
                .collect();
            let dates: Vec<NaiveDate> = keep.iter().map(|&i| o.dates[i]).collect();
            let values: Vec<f64> = keep.iter().map(|&i| o.values[i]).collect();
            HistorySeries::from_prices(
                o.source.clone(),
                o.source.clone(),
                dividend_yield.get(&factor).copied().unwrap_or(0.0),
                &dates,
                &values,
            )
        })
    };
    let history = MarketHistory {
        swedish_equity: series(Factor::SwedishEquity),
        global_equity: series(Factor::GlobalEquity),
    };
    if history.swedish_equity.is_none() && history.global_equity.is_none() {
        bail!("--check needs a --series swedish_equity=… or global_equity=… to set the model beside");
    }
    let started = Instant::now();
    let seed = scenario.simulation.seed;
    let b = beside_history(model, Some(&history), seed);
    Ok(pensionsim::report::implied::beside_history(
        &b,
        model.long_run.as_ref(),
        started.elapsed().as_secs_f64(),
        args.lang,
    ))
}
