//! One function per subcommand: check the arguments, read the inputs,
//! gather the figures through the library on the command's one thread
//! pool, render them through `report`, write the files and return the text
//! to print. No figure is computed here.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use pensionsim::compare::{self, CompareResults};
use pensionsim::prices::PriceSeries;
use pensionsim::replay::{FixedIncome, ReplayConfig, replay};
use pensionsim::report::summary::{CompareInputs, SuggestInputs};
use pensionsim::report::{self, chart};
use pensionsim::rule::Policy;
use pensionsim::scenario::{Loaded, Scenario, Simulation, Source};
use pensionsim::sheet::SheetChoice;
use pensionsim::{run as gather_run, stress};
use std::time::Instant;

use super::args::{
    CompareArgs, Overrides, ReplayArgs, RunArgs, StressArgs, SuggestArgs, Threads, ValidateArgs,
};
use super::export::Export;
use super::output::Staging;
use super::progress::Display;

/// Text for standard output; warnings go to standard error as they arise.
pub type Printed = String;

/// The scenario at `path` (with `[variant.NAME]` merged over it, when
/// given) and its text as read, its warnings printed.
fn load(path: &Path, variant: Option<&str>) -> Result<(Source, Scenario)> {
    let source = Source::read(path)?;
    let Loaded { scenario, warnings } = source.load(variant)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    Ok((source, scenario))
}

/// The one rayon pool a command computes on: `--threads` workers, or one
/// per core.
fn pool(threads: &Threads) -> Result<rayon::ThreadPool> {
    let mut pool = rayon::ThreadPoolBuilder::new();
    if let Some(threads) = threads.threads {
        if threads == 0 {
            bail!("--threads: expected 1 thread or more, found 0");
        }
        pool = pool.num_threads(threads);
    }
    pool.build().context("cannot start the worker threads")
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

/// `--fi-rate`: an annual rate above -100 % and at most 100 %.
fn checked_fi_rate(rate: f64) -> Result<f64> {
    if !(rate.is_finite() && rate > -1.0 && rate <= 1.0) {
        bail!("--fi-rate: expected an annual rate above -1 and at most 1 (0.02 for 2 %), found {rate}");
    }
    Ok(rate)
}

/// `option`'s path count: at most `limit` (the paths of `limit_name`)
/// when given, an error naming both otherwise; else the default, cut to
/// `limit`.
fn at_most(option: &str, given: Option<usize>, limit: usize, limit_name: &str) -> Result<usize> {
    match given {
        Some(n) if n > limit => {
            bail!("{option}: expected 0 to {limit} paths (at most {limit_name}), found {n}")
        }
        Some(n) => Ok(n),
        None => Ok(pensionsim::obligations::DEFAULT_SEARCH_PATHS.min(limit)),
    }
}

/// `--search-paths`: at most the run's paths.
fn checked_search_paths(given: Option<usize>, paths: usize) -> Result<usize> {
    at_most("--search-paths", given, paths, "--paths")
}

/// [`with_overrides`] of a command's `--paths`, `--horizon-months` and
/// `--seed`.
fn overridden(simulation: Simulation, o: &Overrides) -> Result<Simulation> {
    let variance_reduction = o.variance_reduction.unwrap_or(simulation.variance_reduction);
    let simulation = Simulation { variance_reduction, ..simulation };
    with_overrides(simulation, o.paths.paths, o.horizon_months, o.seed.seed)
}

/// Writes each folder's files (`None` the output folder itself,
/// `Some(name)` a folder inside it) into `staging` and returns how many
/// were written.
fn write_folders(staging: &Staging, folders: &[report::run::Folder]) -> Result<usize> {
    let mut count = 0;
    for (sub, files) in folders {
        count += write_in(staging, *sub, files)?.len();
    }
    Ok(count)
}

/// Writes `files` into `staging` (its folder `sub`, when given) and
/// returns the paths they have once it is committed.
fn write_in(staging: &Staging, sub: Option<&str>, files: &[report::run::File]) -> Result<Vec<PathBuf>> {
    // Every CSV's figures finite, as every JSON's (nothing is committed).
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".csv")) {
        report::summary::check_csv(&String::from_utf8_lossy(bytes), name)?;
    }
    let named: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    staging.write_in(sub, &named)
}

/// Writes `files` into the output folder `out` whole: staged, then
/// swapped in for the old folder. Returns the paths written.
fn write_whole(staging: Staging, files: &[report::run::File]) -> Result<Vec<PathBuf>> {
    let written = write_in(&staging, None, files)?;
    staging.commit()?;
    Ok(written)
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
    let path = &args.file.scenario;
    let (_, scenario) = load(path, args.variant.variant.as_deref())?;
    let position = scenario.managed().position();
    let debt_today = scenario.debt().map(|d| d.book.key_figures());
    Ok(report::scenario::validation(path, &scenario, &position, debt_today.as_ref(), args.lang))
}

pub fn run(args: &RunArgs) -> Result<Printed> {
    let path = &args.file.scenario;
    let (_, scenario) = load(path, args.variant.variant.as_deref())?;
    let prices = data_file(args.prices.as_deref(), DEFAULT_PRICES, path, "--prices")
        .and_then(|path| {
            let (series, warnings) = PriceSeries::load_with(&path, SheetChoice::default(), "date", "close")?;
            warnings.iter().for_each(|w| eprintln!("warning: {w}"));
            Ok(series)
        })
        .with_context(|| {
            let hint = if args.prices.is_none() { " (give one with --prices)" } else { "" };
            format!("the crash replays need a daily index series{hint}")
        })?;
    let simulation = overridden(scenario.simulation(), &args.overrides)?;
    let settings = gather_run::Settings {
        simulation,
        search_paths: checked_search_paths(args.search.search_paths, simulation.paths)?,
        fi_rate: checked_fi_rate(args.fi_rate)?,
    };
    let (lang, out) = (args.output.lang, &args.output.out);
    let export =
        args.export_scenarios.as_deref().map(|f| Export::new(f, out, &scenario, simulation)).transpose()?;
    let staging = Staging::new(out, "summary.json")?;
    let pool = pool(&args.threads)?;
    let display = Display::default();
    let stage = |stage: gather_run::Stage| match stage {
        gather_run::Stage::MonteCarlo { paths } => display.bar(paths, "paths"),
        // The search takes seconds.
        gather_run::Stage::Consolidation => display.spinner("pension obligation: outlook and deposit search"),
        gather_run::Stage::Done => display.clear(),
    };
    let progress = gather_run::Progress { stage: &stage, paths: &|n| display.inc(n) };
    let results = pool.install(|| gather_run::gather(&scenario, &prices, settings, &progress));
    display.clear();
    let results = results?;
    let set = export.as_ref().and_then(|_| {
        display.bar(simulation.paths, "paths (scenario set)");
        let set = pool.install(|| gather_run::scenario_set(&scenario, simulation, &|n| display.inc(n)));
        display.clear();
        set
    });
    let mut printed = report::run::printout(&scenario, &results, lang);
    let folders = report::run::files(&scenario, path, &results, lang)?;
    let count = write_folders(&staging, &folders)?;
    let exported = match (export, &set) {
        (Some(e), Some(set)) => Some((e.write(&staging, &folders, set, scenario.valuation_date())?, set)),
        _ => None,
    };
    staging.commit()?;
    printed.push_str(&report::run::written(count, out, &folders, &results, lang));
    if let Some((written, set)) = exported {
        printed.push_str(&written.commit(set, lang)?);
    }
    Ok(printed)
}

/// `replay`'s arguments checked, with the policy they choose.
fn replay_policy(args: &ReplayArgs) -> Result<(Policy, f64)> {
    let policy = match &args.scenario {
        Some(path) => load(path, None)?.1.policy(),
        None => Policy::DOCUMENT_DEFAULTS,
    };
    let start_equity = args.start_equity.unwrap_or(policy.target);
    if !(0.0..=1.0).contains(&start_equity) {
        bail!("--start-equity: expected a share from 0 to 1 (0.8 for 80 %), found {start_equity}");
    }
    if !(args.start_value.is_finite() && args.start_value > 0.0) {
        bail!("--start-value: expected a value above 0, found {}", args.start_value);
    }
    checked_fi_rate(args.fi_rate)?;
    if let (Some(from), Some(to)) = (args.from, args.to)
        && from >= to
    {
        bail!("--from {from} is not before --to {to}");
    }
    Ok((policy, start_equity))
}

pub fn replay_cmd(args: &ReplayArgs) -> Result<Printed> {
    let (policy, start_equity) = replay_policy(args)?;
    let staging = Staging::new(&args.output.out, "summary.json")?;
    let (prices, warnings) = PriceSeries::load_with(
        &args.prices,
        SheetChoice { name: args.sheet.as_deref(), option: "--sheet" },
        &args.columns.date_col,
        &args.columns.price_col,
    )?;
    let fixed_income = match &args.fi_prices {
        Some(path) => {
            let fi = SheetChoice { name: args.fi_sheet.as_deref(), option: "--fi-sheet" };
            let (series, w) = PriceSeries::load_with(path, fi, &args.fi_date_col, &args.fi_price_col)?;
            warnings.iter().chain(&w).for_each(|w| eprintln!("warning: {w}"));
            FixedIncome::Prices(series)
        }
        None => {
            warnings.iter().for_each(|w| eprintln!("warning: {w}"));
            FixedIncome::Rate(args.fi_rate)
        }
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
    let lang = args.output.lang;
    let mut out = report::text::replay(&r, lang);
    if args.daily {
        out.push('\n');
        out.push_str(&report::text::replay_csv(&r));
    }
    let name = args.prices.file_stem().map_or_else(|| "prices".into(), |s| s.to_string_lossy().into_owned());
    let title = report::run::replay_title(&name, &r, lang);
    let written = write_whole(staging, &report::run::replay_files(&r, &title, lang)?)?;
    out.push_str(&report::run::wrote(&written, lang));
    Ok(out)
}

pub fn suggest(args: &SuggestArgs) -> Result<Printed> {
    if args.paths == 0 {
        bail!("--paths: expected 1 path or more, found 0");
    }
    pensionsim::engine::check_paths(args.paths, 0).map_err(|e| anyhow::anyhow!("--paths: {e}"))?;
    let (_, scenario) = load(&args.file.scenario, None)?;
    let today = pensionsim::scenario::Today {
        valuation_date: args.date,
        holdings: args.holdings.as_deref(),
        holdings_sheet: args.holdings_sheet.as_deref(),
        history: args.history.as_deref(),
        history_sheet: args.history_sheet.as_deref(),
    };
    let Loaded { scenario, warnings } = scenario.with_today(&today)?;
    for w in warnings {
        eprintln!("warning: {w}");
    }
    let seed = args.seed.seed.unwrap_or(scenario.simulation().seed);
    let staging = Staging::new(&args.output.out, "suggest.json")?;
    let pool = pool(&args.threads)?;
    let s = pool.install(|| pensionsim::suggest::suggest(&scenario, args.paths, seed));
    let lang = args.output.lang;
    let mut out = report::suggest::suggestion(&s, &scenario.policy(), lang);
    let inputs = SuggestInputs {
        scenario_file: &args.file.scenario,
        holdings_file: args.holdings.as_deref(),
        history_file: args.history.as_deref(),
    };
    let written = write_whole(staging, &report::suggest::files(&inputs, &scenario.policy(), &s, lang)?)?;
    out.push_str(&report::run::wrote(&written, lang));
    Ok(out)
}

pub fn stress(args: &StressArgs) -> Result<Printed> {
    if args.paths == 0 {
        bail!("--paths: expected 1 path or more, found 0");
    }
    pensionsim::engine::check_paths(args.paths, 0).map_err(|e| anyhow::anyhow!("--paths: {e}"))?;
    let path = &args.file.scenario;
    let (_, scenario) = load(path, None)?;
    let files =
        if args.stress.is_empty() { vec![stress::default_library(path)] } else { args.stress.clone() };
    let library = stress::file::load_all(&files)?;
    let options =
        stress::RunOptions { paths: args.paths, seed: args.seed.seed.unwrap_or(scenario.simulation().seed) };
    let staging = Staging::new(&args.output.out, "stress.json")?;
    let pool = pool(&args.threads)?;
    let results = pool.install(|| stress::run_all(&scenario, &library, options))?;
    let lang = args.output.lang;
    let mut out = report::stress::table(&scenario, &results, lang);
    let files = report::stress::files(path, options, &scenario.policy(), &results, lang)?;
    let count = write_whole(staging, &files)?.len();
    out.push_str(&report::stress::written(&args.output.out, count, lang));
    Ok(out)
}

/// `compare`'s settings from its arguments, each checked against the
/// scenario.
fn compare_settings(
    args: &CompareArgs,
    scenario: &Scenario,
    simulation: Simulation,
) -> Result<compare::Settings> {
    let path = args.file.scenario.display();
    let with_obligations = scenario.obligations().is_some() && scenario.market().is_some();
    for (option, given) in
        [("--obligation-paths", args.obligation_paths), ("--search-paths", args.search.search_paths)]
    {
        if given.is_some_and(|n| n > 0) && !with_obligations {
            bail!("{option}: the scenario {path} has no [obligations] section");
        }
    }
    let obligation_paths = at_most("--obligation-paths", args.obligation_paths, simulation.paths, "--paths")?;
    let obligation_paths = if with_obligations { obligation_paths } else { 0 };
    let search_paths =
        at_most("--search-paths", args.search.search_paths, obligation_paths, "--obligation-paths")?;
    if args.deposits {
        if !with_obligations {
            bail!("--deposits: the scenario {path} has no [obligations] section");
        }
        if obligation_paths == 0 || search_paths == 0 {
            bail!("--deposits: expected --obligation-paths and --search-paths of 1 path or more, found 0");
        }
    }
    Ok(compare::Settings {
        simulation,
        rank_by: args.rank_by.clone(),
        obligation_paths,
        deposit_paths: args.deposits.then_some(search_paths),
    })
}

pub fn compare(args: &CompareArgs) -> Result<Printed> {
    let (source, scenario) = load(&args.file.scenario, None)?;
    let file = args.strategies.as_deref().map(Source::read).transpose()?;
    let strategies = compare::choose(&source, file.as_ref(), &scenario.policy())?;
    let simulation = overridden(scenario.simulation(), &args.overrides)?;
    let keys: Vec<&str> = compare::metrics().iter().map(|m| m.key).collect();
    if !keys.contains(&args.rank_by.as_str()) {
        bail!("--rank-by: expected one of {}, found `{}`", keys.join(", "), args.rank_by);
    }
    let settings = compare_settings(args, &scenario, simulation)?;
    let staging = Staging::new(&args.output.out, "compare.json")?;
    let pool = pool(&args.threads)?;
    let display = Display::default();
    display.bar(settings.work(&strategies), "path runs");
    let results: pensionsim::Result<CompareResults> =
        pool.install(|| compare::gather(&scenario, &strategies, &settings, &|n| display.inc(n)));
    display.clear();
    let results = results?;
    let lang = args.output.lang;
    let mut out = report::compare::printout(scenario.name(), &results, &args.rank_by, lang);
    let inputs = CompareInputs {
        scenario_file: &args.file.scenario,
        strategies_file: args.strategies.as_deref(),
        rank_by: &args.rank_by,
    };
    let files = report::compare::files(&scenario, &inputs, &settings, &results, lang)?;
    let written = write_whole(staging, &files)?;
    out.push_str(&report::run::wrote(&written, lang));
    Ok(out)
}

/// The report's folder: `--out`, or `out/report/PERIOD`; refused when it
/// exists and holds something other than a report, since it is replaced
/// whole.
fn report_folder(args: &super::args::ReportArgs) -> Result<PathBuf> {
    let out = args.out.clone().unwrap_or_else(|| Path::new("out/report").join(args.period.to_string()));
    if out.is_dir()
        && !out.join("report.json").is_file()
        && std::fs::read_dir(&out).map_or(true, |mut d| d.next().is_some())
    {
        bail!(
            "--out {}: the folder exists and holds no report (no report.json); the report replaces its folder whole, so give a new or empty folder, or an earlier report's",
            out.display()
        );
    }
    Ok(out)
}

/// The stress library beside the scenario, when it has one with a stress.
fn report_stresses(path: &Path) -> Result<Option<Vec<pensionsim::stress::file::StressFile>>> {
    let library = stress::default_library(path);
    if !library.is_dir() {
        return Ok(None);
    }
    Ok(Some(stress::file::load_all(&[library])?).filter(|l| !l.is_empty()))
}

/// Refuses a report that lacks a part `--require` asks for, naming the
/// section each needs.
fn check_required(
    args: &super::args::ReportArgs,
    scenario: &Scenario,
    options: &pensionsim::periodic::Options,
) -> Result<()> {
    use super::args::ReportPart as P;
    let wants = |p: P| args.require.contains(&p) || args.require.contains(&P::All);
    let lacking: Vec<String> = [
        (P::Risk, "risk", scenario.market().is_none(), "[market]"),
        (P::Stress, "stress", options.stresses.is_none(), "a stress library in stress/ beside it"),
        (P::Obligations, "obligations", scenario.obligations().is_none(), "[obligations]"),
        (P::Debt, "debt", scenario.debt().is_none(), "[debt]"),
        (P::Liquidity, "liquidity", scenario.liquidity().is_none(), "[liquidity]"),
        (P::Comparison, "comparison", scenario.market().is_none(), "[market]"),
    ]
    .into_iter()
    .filter(|(p, _, lacks, _)| wants(*p) && *lacks)
    .map(|(_, name, _, section)| format!("the {name} part needs {section}"))
    .collect();
    if !lacking.is_empty() {
        bail!(
            "--require: the scenario {} cannot feed every part asked for: {}",
            args.file.scenario.display(),
            lacking.join("; ")
        );
    }
    Ok(())
}

pub fn report(args: &super::args::ReportArgs) -> Result<Printed> {
    use pensionsim::periodic::{self, Options};
    let path = &args.file.scenario;
    let (source, scenario) = load(path, None)?;
    periodic::check_period(&scenario, args.period)?;
    let simulation = with_overrides(scenario.simulation(), args.paths.paths, None, args.seed.seed)?;
    let out = report_folder(args)?;
    let staging = Staging::new(&out, "report.json")?;
    let stresses = report_stresses(path)?;
    let strategies = compare::parse(path, &source.text, &scenario.policy(), false)?;
    let options = Options {
        period: args.period,
        simulation,
        stresses,
        strategies,
        scenario_bytes: source.text.into_bytes(),
        command: command_line(),
    };
    check_required(args, &scenario, &options)?;
    let pool = pool(&args.threads)?;
    let display = Display::default();
    display.spinner("report: simulating and drawing");
    let gathered = pool.install(|| periodic::gather(&scenario, &options));
    display.clear();
    let gathered = gathered?;
    let (files, doc) = report::periodic::files(&gathered, args.lang)?;
    let named: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    staging.write(&named)?;
    let dir = staging.commit()?;
    Ok(report::periodic::written(&gathered, &doc, files.len(), &dir, args.lang))
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

/// `--regimes`, `--shocks` (Student-t or not) and `--dividend-yield`
/// checked.
type Choices = (
    pensionsim::calibrate::RegimeChoice,
    bool,
    std::collections::BTreeMap<pensionsim::calibrate::Factor, f64>,
);

fn calibrate_choices(args: &super::args::CalibrateArgs) -> Result<Choices> {
    use pensionsim::calibrate::{Factor, RegimeChoice};
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
    Ok((regimes, student_t, dividend_yield))
}

pub fn calibrate(args: &super::args::CalibrateArgs) -> Result<Printed> {
    use pensionsim::calibrate::Settings;
    let (regimes, student_t, dividend_yield) = calibrate_choices(args)?;
    let observed = read_series(args)?;
    if let Some(check) = &args.check {
        return calibrate_check(check, &observed, &dividend_yield, args);
    }
    let keep = match &args.scenario {
        Some(path) => Some(load(path, None)?.1.market().cloned().with_context(|| {
            format!("--scenario {}: the scenario has no [market] to keep keys from", path.display())
        })?),
        None => None,
    };
    let staging = Staging::new(&args.output.out, "calibration.json")?;
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
    let chart = chart::regimes::regime_chart(&c, args.output.lang)?;
    let json = serde_json::to_string_pretty(&c.json())?;
    let toml = c.market_toml(keep.as_ref());
    staging.write(&[
        ("market.toml", toml.as_bytes()),
        ("calibration.json", json.as_bytes()),
        ("regimes.svg", chart.svg.as_bytes()),
        ("regimes.png", &chart.png),
    ])?;
    let dir = staging.commit()?;
    let mut printed = pensionsim::report::calibrate::calibration_text(&c, args.output.lang);
    printed.push_str(&pensionsim::report::calibrate::written(&dir, args.output.lang));
    Ok(printed)
}

/// Every `--series` read as it is given.
fn read_series(args: &super::args::CalibrateArgs) -> Result<Vec<pensionsim::calibrate::Observed>> {
    let mut observed = Vec::new();
    for given in &args.series {
        let (factor, file) = factor_pair("--series", given)?;
        let (file, column) = match file.rsplit_once(':') {
            Some((f, c)) if !c.is_empty() && !c.contains(['/', '\\']) => (f, c),
            _ => (file, args.columns.price_col.as_str()),
        };
        let path = Path::new(file);
        let bytes = std::fs::read(path).with_context(|| format!("--series {given:?}: cannot read {file}"))?;
        let series = if factor.is_rate() {
            PriceSeries::parse_rates(path, &bytes, &args.columns.date_col, column)?
        } else {
            PriceSeries::parse(path, &bytes, &args.columns.date_col, column)?
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
    let (_, scenario) = load(scenario_path, None)?;
    let model = scenario
        .market()
        .with_context(|| format!("--check {}: the scenario has no [market]", scenario_path.display()))?;
    let series = |factor: Factor| {
        observed.iter().find(|o| o.factor == factor).map(|o| {
            let (dates, values) = o.between(args.from, args.to);
            HistorySeries::from_prices(
                pensionsim::lang::Words::one(o.source.clone()),
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
    let seed = scenario.simulation().seed;
    let b = beside_history(model, Some(&history), seed);
    Ok(pensionsim::report::implied::beside_history_text(
        &b,
        model.long_run.as_ref(),
        started.elapsed().as_secs_f64(),
        args.output.lang,
    ))
}
