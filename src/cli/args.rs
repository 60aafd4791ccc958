//! Command-line arguments (clap). Parsing only: turning them into library
//! calls is `commands.rs`'s work.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use pensionsim::report::Lang;

/// A date on the command line: YYYY-MM-DD, YYYYMMDD, or D/M/YYYY and
/// D.M.YYYY when the day is above 12; the error names the forms read.
fn date_arg(s: &str) -> Result<NaiveDate, String> {
    pensionsim::sheet::parse_date_arg(s)
}

#[derive(Debug, Parser)]
#[command(
    name = "pensionsim",
    version,
    about = "Risk simulator for a pension portfolio under the dynamic risk principle",
    long_about = "Risk simulator for a Swedish region's pension portfolio under the dynamic \
                  risk principle (dynamiska riskprincipen): the equity share is steered so that \
                  the portfolio loses at most 20 % from its highest month-end value of the last \
                  24 months, and equities never exceed 80 %.\n\nExit codes: 0 success, 2 bad \
                  input or arguments."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a scenario file and print the portfolio's position under the
    /// rule (and today's loan figures, with a [debt]).
    Validate(ValidateArgs),
    /// The main job on a scenario: today's position, a Monte Carlo run of
    /// the rule over the horizon, today's portfolio through the crashes of
    /// 1987, 2008 and 2020, and with [debt] and [obligations] the loans'
    /// outlook and the road to full consolidation by 2040.
    Run(RunArgs),
    /// Apply the rule day by day to a historical daily price series.
    Replay(ReplayArgs),
    /// What the rule asks of the portfolio today: the position, the trade
    /// per asset class, how far markets can move before the rule acts, and
    /// the odds of the next twelve months.
    Suggest(SuggestArgs),
    /// Run the stress library (or the given stress files) on the
    /// scenario's portfolio: historical crashes, factor shocks, and Monte
    /// Carlo after a shock, with the rule's trades, the lowest margin and
    /// the floor breaches of each.
    Stress(StressArgs),
    /// Compare strategies (variants of the rule, static mixes, buy and
    /// hold, CPPI, TIPP) on the same simulated futures, each difference
    /// from the first with a 95 % interval.
    Compare(CompareArgs),
    /// The periodic risk report for the board: the portfolio, the risk
    /// ahead, the stresses, the obligation, the loans and the method, each
    /// figure against its limit, as HTML, Markdown, charts, CSV and JSON.
    Report(ReportArgs),
    /// Fit the market model to history: regimes of the equities and the
    /// currency (Markov switching, by EM), the short rate and inflation
    /// (Vasicek by exact maximum likelihood); writes a [market] block to
    /// paste into a scenario, calibration.json and the regime chart.
    Calibrate(CalibrateArgs),
}

/// The scenario a command reads.
#[derive(Debug, Args)]
pub struct ScenarioFile {
    /// The scenario file (TOML).
    pub scenario: PathBuf,
}

/// A `[variant.NAME]` to merge over the scenario.
#[derive(Debug, Args)]
pub struct Variant {
    /// A `[variant.NAME]` of the scenario to merge over it first.
    #[arg(long)]
    pub variant: Option<String>,
}

/// The Monte Carlo run's paths.
#[derive(Debug, Args)]
pub struct Paths {
    /// Number of Monte Carlo paths [default: the scenario's [simulation] paths]
    #[arg(long)]
    pub paths: Option<usize>,
}

/// The random streams' seed.
#[derive(Debug, Args)]
pub struct Seed {
    /// Seed of the random streams [default: the scenario's [simulation] seed]
    #[arg(long)]
    pub seed: Option<u64>,
}

/// The scenario's `[simulation]` as the command line overrides it.
#[derive(Debug, Args)]
pub struct Overrides {
    #[command(flatten)]
    pub paths: Paths,
    #[command(flatten)]
    pub seed: Seed,
    /// Months to simulate [default: the scenario's [simulation] horizon_months]
    #[arg(long)]
    pub horizon_months: Option<usize>,
    /// Variance reduction of the Monte Carlo run: antithetic pairs and a control variate (docs/variance-reduction.md) [default: the scenario's [simulation] variance_reduction, on]
    #[arg(long, value_name = "on|off", value_parser = parse_on_off, action = clap::ArgAction::Set)]
    pub variance_reduction: Option<bool>,
}

/// `on` or `off`.
fn parse_on_off(s: &str) -> Result<bool, String> {
    match s {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("expected on or off, found {s}")),
    }
}

/// The worker threads everything the command computes runs on.
#[derive(Debug, Args)]
pub struct Threads {
    /// Worker threads [default: one per core]; results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

/// Where the files go and the language of what is printed and drawn. Each
/// command sets `--out`'s default, and its own help where this one's is
/// too general (`mut_arg`).
#[derive(Debug, Args)]
pub struct Output {
    /// Folder for the results.
    #[arg(long, required = false)]
    pub out: PathBuf,
    /// Language of the printout and charts: sv or en.
    #[arg(long, default_value = "en")]
    pub lang: Lang,
}

/// The columns of a CSV of dated values.
#[derive(Debug, Args)]
pub struct Columns {
    /// Column holding the date (YYYY-MM-DD, YYYYMMDD, an Excel date, or D/M/YYYY with a day above 12).
    #[arg(long, default_value = "date")]
    pub date_col: String,
    /// Column holding the price.
    #[arg(long, default_value = "close")]
    pub price_col: String,
}

/// The deposit search of an `[obligations]` scenario.
#[derive(Debug, Args)]
pub struct SearchPaths {
    /// Paths of the deposit search of an [obligations] scenario, at most --paths [default: 2000, or --paths if fewer] (0: no search).
    #[arg(long)]
    pub search_paths: Option<usize>,
}

#[derive(Debug, Args)]
#[command(
    mut_arg("date_col", |a| a.help("Column holding the date (YYYY-MM-DD), in every file")),
    mut_arg("price_col", |a| a.help("Column holding the value, where a --series names none")),
    mut_arg("out", |a| a
        .default_value("out/calibrate")
        .help("Folder for market.toml, calibration.json and regimes.svg/.png (replaced whole)")),
    mut_arg("lang", |a| a.help("Language of the printout and the chart: sv or en")),
)]
pub struct CalibrateArgs {
    /// A series to fit, repeated: FACTOR=CSV or FACTOR=CSV:COLUMN, FACTOR one of swedish_equity, global_equity, sek_per_usd (index or price levels), short_rate (% a year), inflation (a price index); daily, monthly or (inflation) yearly.
    #[arg(long = "series", value_name = "FACTOR=CSV[:COLUMN]", required = true)]
    pub series: Vec<String>,
    #[command(flatten)]
    pub columns: Columns,
    /// First month end to fit [default: the first all series share]
    #[arg(long, value_parser = date_arg)]
    pub from: Option<NaiveDate>,
    /// Last month end to fit [default: the last all series share]
    #[arg(long, value_parser = date_arg)]
    pub to: Option<NaiveDate>,
    /// Regimes of the equities and the currency: 1, 2, 3, or auto (the lowest BIC).
    #[arg(long, default_value = "auto")]
    pub regimes: String,
    /// Shocks within a regime: gaussian, or student_t (degrees of freedom fitted by maximum likelihood).
    #[arg(long, default_value = "gaussian")]
    pub shocks: String,
    /// A price index's yearly dividend yield, repeated: FACTOR=RATE (0.03 for 3 %), added to its returns, since the model's equities are total return.
    #[arg(long = "dividend-yield", value_name = "FACTOR=RATE")]
    pub dividend_yield: Vec<String>,
    /// A scenario whose market keys that history cannot give (fixed-income duration, hedge ratio, credit spread) go into market.toml unchanged.
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Instead of fitting: set this scenario's market model beside the history of the --series given (swedish_equity and global_equity), figure by figure, and print the table (nothing is written).
    #[arg(long, value_name = "SCENARIO")]
    pub check: Option<PathBuf>,
    /// Seed of the EM's random starts.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub file: ScenarioFile,
    /// The reporting period: a tertial (2025T1 January-April, 2025T2 May-August, 2025T3 September-December) or a quarter (2025Q1 to 2025Q4); it must contain the valuation date.
    #[arg(long)]
    pub period: pensionsim::periodic::Period,
    /// Folder for the report (replaced whole at the end) [default: out/report/PERIOD]
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Language of the report: sv or en.
    #[arg(long, default_value = "en")]
    pub lang: Lang,
    #[command(flatten)]
    pub paths: Paths,
    #[command(flatten)]
    pub seed: Seed,
    #[command(flatten)]
    pub threads: Threads,
    /// Parts the report must have, comma-separated: risk, stress, obligations, debt, liquidity, comparison, or all; a requested part the scenario cannot feed is an error (exit 2) naming the section it lacks [default: none required: a part the scenario cannot feed is left out and said so]
    #[arg(long, value_delimiter = ',', value_name = "PARTS")]
    pub require: Vec<ReportPart>,
}

/// A part of the periodic report that `--require` can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportPart {
    Risk,
    Stress,
    Obligations,
    Debt,
    Liquidity,
    Comparison,
    All,
}

#[derive(Debug, Args)]
#[command(
    mut_arg("scenario", |a| a.help("The scenario file (TOML): the portfolio, the policy, the market, and optionally [[strategy]] tables")),
    mut_arg("out", |a| a.default_value("out/compare").help("Folder for compare.json, compare.csv and the charts")),
    mut_arg("search_paths", |a| a.help("Paths of that deposit search, at most the obligation paths")),
)]
pub struct CompareArgs {
    #[command(flatten)]
    pub file: ScenarioFile,
    /// A TOML file of [[strategy]] tables, instead of the scenario's [default: the scenario's, or the default set of 16]
    #[arg(long)]
    pub strategies: Option<PathBuf>,
    #[command(flatten)]
    pub overrides: Overrides,
    #[command(flatten)]
    pub threads: Threads,
    /// The figure to rank by, best first (a key of compare.json's metrics,
    /// e.g. p_breach_horizon, trades_per_year, cost_of_protection).
    #[arg(long, default_value = "mean_annual_return")]
    pub rank_by: String,
    #[command(flatten)]
    pub output: Output,
    /// Paths of the probability of 100 % consolidation by the target year, for a scenario with [obligations] [default: 2000, at most --paths]; 0: none.
    #[arg(long)]
    pub obligation_paths: Option<usize>,
    /// Also search, strategy by strategy, the deposit a year that reaches 100 % by the target year with 75 % probability (slow).
    #[arg(long)]
    pub deposits: bool,
    #[command(flatten)]
    pub search: SearchPaths,
}

#[derive(Debug, Args)]
#[command(
    mut_arg("scenario", |a| a.help("The scenario file (TOML): the policy, the market, and the portfolio unless --holdings and --history replace it")),
    mut_arg("seed", |a| a.help("Seed of the outlook's random streams [default: the scenario's [simulation] seed]")),
    mut_arg("out", |a| a.default_value("out/suggest").help("Folder for suggest.json and suggest.svg/.png")),
)]
pub struct SuggestArgs {
    #[command(flatten)]
    pub file: ScenarioFile,
    /// Today's holdings: CSV (',' or ';' between columns, decimal point or
    /// comma) or a workbook (.xlsx) with columns asset_class and
    /// holding_mkr, a row for each of the scenario's asset classes.
    #[arg(long)]
    pub holdings: Option<PathBuf>,
    /// The sheet of a --holdings workbook [default: its first sheet]
    #[arg(long, value_name = "NAME")]
    pub holdings_sheet: Option<String>,
    /// The month-end values: CSV or a workbook (.xlsx) with columns date
    /// and value_mkr, oldest first, at least the rule's window (24).
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// The sheet of a --history workbook [default: its first sheet]
    #[arg(long, value_name = "NAME")]
    pub history_sheet: Option<String>,
    /// Valuation date of the holdings: YYYY-MM-DD (or YYYYMMDD, or D/M/YYYY with a day above 12) [default: the scenario's]
    #[arg(long, value_parser = date_arg)]
    pub date: Option<NaiveDate>,
    /// Paths of the 12-month outlook.
    #[arg(long, default_value_t = pensionsim::suggest::DEFAULT_PATHS)]
    pub paths: usize,
    #[command(flatten)]
    pub seed: Seed,
    #[command(flatten)]
    pub threads: Threads,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub file: ScenarioFile,
    #[command(flatten)]
    pub variant: Variant,
    /// Language of the printed position: sv or en.
    #[arg(long, default_value = "en")]
    pub lang: Lang,
}

#[derive(Debug, Args)]
#[command(mut_arg("out", |a| a.default_value("out/run")))]
pub struct RunArgs {
    #[command(flatten)]
    pub file: ScenarioFile,
    #[command(flatten)]
    pub variant: Variant,
    #[command(flatten)]
    pub overrides: Overrides,
    #[command(flatten)]
    pub threads: Threads,
    /// Daily index series for the historical crashes [default: data/djia_daily_1885_2023.csv in the current folder, else in the scenario's folder or the nearest folder above it that has one]
    #[arg(long)]
    pub prices: Option<PathBuf>,
    /// Annual rate fixed income earns during the crashes.
    #[arg(long, default_value_t = 0.02)]
    pub fi_rate: f64,
    #[command(flatten)]
    pub output: Output,
    #[command(flatten)]
    pub search: SearchPaths,
    /// Also write the run's paths month end by month end (every factor, and the portfolio under the rule) to FILE.npy (NumPy, paths × months × variables) and FILE.csv (one row a path and month end); docs/scenario-export.md
    #[arg(long, value_name = "FILE")]
    pub export_scenarios: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(
    mut_arg("out", |a| a.default_value("out/replay").help("Folder for replay.csv, summary.json and chart.svg/.png")),
    mut_arg("lang", |a| a.help("Language of the printout and chart: sv or en")),
)]
pub struct ReplayArgs {
    /// Daily price series: CSV with a header row (',' or ';' between
    /// columns, decimal point or comma), or a workbook (.xlsx).
    #[arg(long)]
    pub prices: PathBuf,
    /// The sheet of a --prices workbook [default: its first sheet]
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,
    #[command(flatten)]
    pub columns: Columns,
    /// Set up the portfolio at the close of the first trading day on or after this date (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg)]
    pub from: Option<NaiveDate>,
    /// Replay up to the last trading day on or before this date (YYYY-MM-DD).
    #[arg(long, value_parser = date_arg)]
    pub to: Option<NaiveDate>,
    /// Starting value of the portfolio.
    #[arg(long, default_value_t = 1000.0)]
    pub start_value: f64,
    /// Starting equity share (0 to 1) [default: the policy's target]
    #[arg(long)]
    pub start_equity: Option<f64>,
    /// Annual rate fixed income earns, compounded by calendar days.
    #[arg(long, default_value_t = 0.02, conflicts_with = "fi_prices")]
    pub fi_rate: f64,
    /// A price series for fixed income instead of a rate (CSV or workbook).
    #[arg(long)]
    pub fi_prices: Option<PathBuf>,
    /// The sheet of a --fi-prices workbook [default: its first sheet]
    #[arg(long, value_name = "NAME")]
    pub fi_sheet: Option<String>,
    /// Date column of --fi-prices.
    #[arg(long, default_value = "date")]
    pub fi_date_col: String,
    /// Price column of --fi-prices.
    #[arg(long, default_value = "close")]
    pub fi_price_col: String,
    /// Take the rule's parameters from this scenario's [policy] [default: the rule document's defaults]
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    /// Also print every trading day.
    #[arg(long)]
    pub daily: bool,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Debug, Args)]
#[command(
    mut_arg("scenario", |a| a.help("The scenario file (TOML): the portfolio, its month-end history, the policy and the market")),
    mut_arg("seed", |a| a.help("Seed of the Monte Carlo runs [default: the scenario's [simulation] seed]")),
    mut_arg("out", |a| a.default_value("out/stress").help("Folder for stress.json, stress.csv and a chart per stress")),
)]
pub struct StressArgs {
    #[command(flatten)]
    pub file: ScenarioFile,
    /// A stress file or a folder of them; repeat for more [default: the
    /// folder `stress/` beside the scenario]
    #[arg(long = "stress")]
    pub stress: Vec<PathBuf>,
    /// Paths of each conditional stress's Monte Carlo run.
    #[arg(long, default_value_t = pensionsim::suggest::DEFAULT_PATHS)]
    pub paths: usize,
    #[command(flatten)]
    pub seed: Seed,
    #[command(flatten)]
    pub threads: Threads,
    #[command(flatten)]
    pub output: Output,
}
