//! A fuzzer on stable Rust: every input surface (scenario, price CSV,
//! holdings and history CSVs, stress files, strategy files) fed the
//! shipped files mutated by a proptest strategy, and held to the promise
//! of ARCHITECTURE.md: within a second, no panic, and an input either
//! refused with problems or accepted with only finite figures out of a
//! cheap pipeline on it.
//!
//! `PENSIONSIM_FUZZ_SECONDS` (default 10) is each surface's time budget.
//! `PENSIONSIM_FUZZ_SEED` fixes the mutations: round `r` of 32 cases is
//! drawn from seed `SEED + r` (default [`DEFAULT_SEED`]), so `cargo test`
//! and CI explore the same inputs every time and a failure there is the
//! code's, not the draw's. `PENSIONSIM_FUZZ_SEED=random` draws new inputs
//! on every run: the long runs that look for new classes (README.md, Tests).
//! Failing inputs proptest finds are kept in
//! `tests/fuzz/<surface>.proptest-regressions` (replayed first on every
//! run); each class fixed also has its literal input in
//! `tests/fuzz/regressions/<surface>/`, replayed by `regressions`.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pensionsim::engine::Engine;
use pensionsim::error::{Error, Result};
use pensionsim::prices::PriceSeries;
use pensionsim::replay::{FixedIncome, ReplayConfig, replay};
use pensionsim::rule::Policy;
use pensionsim::scenario::{Scenario, Simulation};
use proptest::prelude::*;
use proptest::test_runner::{Config, FileFailurePersistence, RngSeed, TestCaseError, TestRunner};

// ---------------------------------------------------------------- oracle

/// How long one case may take: a second in a release build (the promise),
/// more in a debug build, which is some ten times slower.
fn case_timeout() -> Duration {
    let ms = std::env::var("PENSIONSIM_FUZZ_TIMEOUT_MS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 10_000 } else { 1_000 });
    Duration::from_millis(ms)
}

/// `Ok(true)`: accepted (with finite figures); `Ok(false)`: refused
/// with problems; `Err`: the promise broken, and how.
type Verdict = std::result::Result<bool, String>;

/// A surface's check of one input.
type Oracle = fn(String) -> Verdict;

/// Each surface's time budget.
fn budget() -> Duration {
    let s: f64 = std::env::var("PENSIONSIM_FUZZ_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10.0);
    Duration::from_secs_f64(s.max(0.0))
}

/// The first round's seed when `PENSIONSIM_FUZZ_SEED` is not set.
const DEFAULT_SEED: u64 = 20_261_207;

/// Round `round`'s seed: `PENSIONSIM_FUZZ_SEED` (or [`DEFAULT_SEED`]) plus
/// the round, or a random one under `PENSIONSIM_FUZZ_SEED=random`.
fn round_seed(round: u32) -> RngSeed {
    let var = std::env::var("PENSIONSIM_FUZZ_SEED").ok();
    if var.as_deref() == Some("random") {
        return RngSeed::Random;
    }
    let first = match var {
        Some(text) => text.parse::<u64>().unwrap_or_else(|_| {
            panic!("PENSIONSIM_FUZZ_SEED: expected a whole number or \"random\", found {text:?}")
        }),
        None => DEFAULT_SEED,
    };
    RngSeed::Fixed(first.wrapping_add(u64::from(round)))
}

/// Runs `check` on `input` in a thread of its own: a panic, an error of
/// the oracle, or no answer within [`case_timeout`] is a failure.
fn within_time<T: Send + 'static>(input: T, check: fn(T) -> Verdict) -> Verdict {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let _ = tx.send(check(input));
        })
        .map_err(|e| format!("cannot start a thread: {e}"))?;
    match rx.recv_timeout(case_timeout()) {
        Ok(r) => r,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(format!("no answer within {:?}", case_timeout())),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err("panicked".into()),
    }
}

/// The first NaN or infinity in a figure's `Debug` text (outside quoted
/// strings, where a user's words may say anything), with what is around it.
fn non_finite(what: &str, debug: &str) -> std::result::Result<(), String> {
    let bytes = debug.as_bytes();
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let c = bytes[i];
        if in_string {
            match c {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
            continue;
        }
        if c == b'"' {
            in_string = true;
            i += 1;
            continue;
        }
        if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let word = &debug[start..i];
            if word == "NaN" || word == "inf" {
                let lo = boundary(debug, start.saturating_sub(80));
                let hi = boundary(debug, (i + 40).min(debug.len()));
                return Err(format!("{what} holds {word}: …{}…", &debug[lo..hi]));
            }
            continue;
        }
        i += 1;
    }
    Ok(())
}

/// The char boundary at or before `i`.
fn boundary(text: &str, mut i: usize) -> usize {
    i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// An input refused is fine as long as it was refused with problems that
/// say where; anything else the library returns is a failure.
fn refused(e: &Error) -> Verdict {
    match e {
        Error::Invalid { problems } if !problems.is_empty() => Ok(false),
        Error::Invalid { .. } => Err("refused with no problem named".into()),
        Error::Usage(_) | Error::Read { .. } => Ok(false),
        other => Err(format!("unexpected error: {other}")),
    }
}

fn read_disk(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause })
}

/// A scenario: parsed and validated; if accepted, the rule's position,
/// a tiny engine run (8 paths, 12 months) and, with `[obligations]`, the
/// consolidation outlook on 8 paths, all finite.
fn check_scenario(text: String) -> Verdict {
    let path = Path::new("scenarios/fuzz-case.toml");
    let loaded = match Scenario::parse(path, &text, &read_disk) {
        Ok(l) => l,
        Err(e) => return refused(&e),
    };
    pipeline(&loaded.scenario).map(|()| true)
}

fn pipeline(s: &Scenario) -> std::result::Result<(), String> {
    non_finite("the position", &format!("{:?}", s.managed().position()))?;
    let simulation = Simulation { paths: 8, seed: 1, horizon_months: 12, variance_reduction: false };
    let start = s.start();
    if let Some(engine) = Engine::new(&start, simulation) {
        let outcome = engine.run(&|_| {});
        non_finite("the engine's paths", &format!("{:?}", outcome.paths))?;
    }
    if let (Some(obligations), Some(_)) = (s.obligations(), s.market()) {
        let o = pensionsim::obligations::outlook(&start, obligations, simulation, &|_| {});
        non_finite("the obligation outlook", &format!("{o:?}"))?;
    }
    Ok(())
}

/// A price CSV: parsed; if accepted, a replay from 100 mkr at 60 %
/// equities, all finite.
fn check_prices(text: String) -> Verdict {
    let series = match PriceSeries::parse(Path::new("p.csv"), text.as_bytes(), "date", "close") {
        Ok(s) => s,
        Err(e) => return refused(&e),
    };
    let config = ReplayConfig {
        from: None,
        to: None,
        start_value: 100.0,
        start_equity: 0.6,
        policy: Policy::DOCUMENT_DEFAULTS,
        fixed_income: FixedIncome::Rate(0.02),
        window: None,
    };
    match replay(&series, &config) {
        Ok(r) => {
            non_finite("the replay's summary", &format!("{:?}", r.summary))?;
            non_finite("the replay's days", &format!("{:?}", r.days)).map(|()| true)
        }
        Err(e) => refused(&e),
    }
}

/// The shipped scenario, loaded once a thread.
fn base_scenario() -> Scenario {
    Scenario::load(Path::new("scenarios/rjh-2025-08.toml")).expect("the shipped scenario loads").scenario
}

/// The shipped scenario, loaded once for the whole run.
fn shared_scenario() -> &'static Scenario {
    static SHARED: std::sync::OnceLock<Scenario> = std::sync::OnceLock::new();
    SHARED.get_or_init(base_scenario)
}

/// A holdings CSV (`suggest --holdings`) put into the shipped scenario.
fn check_holdings(text: String) -> Verdict {
    let base = base_scenario();
    match base.with_today_text(None, Some((Path::new("h.csv"), &text)), None) {
        Ok(l) => pipeline(&l.scenario).map(|()| true),
        Err(e) => refused(&e),
    }
}

/// A month-end history CSV (`suggest --history`) put into the shipped
/// scenario.
fn check_history(text: String) -> Verdict {
    let base = base_scenario();
    match base.with_today_text(None, None, Some((Path::new("m.csv"), &text))) {
        Ok(l) => pipeline(&l.scenario).map(|()| true),
        Err(e) => refused(&e),
    }
}

/// A stress file: parsed and validated, then run on the shipped scenario
/// (a conditional one on 8 paths) as `pensionsim stress` runs it; if
/// accepted, the result and its `stress.csv` all finite.
fn check_stress(text: String) -> Verdict {
    let file = match pensionsim::stress::file::parse(Path::new("scenarios/stress/fuzz-case.toml"), &text) {
        Ok(f) => f,
        Err(e) => return refused(&e),
    };
    non_finite("the stress file", &format!("{file:?}"))?;
    let options = pensionsim::stress::RunOptions { paths: 8, seed: 1 };
    match pensionsim::stress::run(shared_scenario(), &file, options) {
        Ok(r) => {
            non_finite("the stress's result", &format!("{r:?}"))?;
            let csv = pensionsim::report::stress::csv(std::slice::from_ref(&r));
            pensionsim::report::summary::check_csv(&csv, "stress.csv").map_err(|e| e.to_string())?;
            Ok(true)
        }
        Err(e) => refused(&e),
    }
}

/// A strategies file: parsed against the shipped scenario's policy, then
/// compared on it as `pensionsim compare` does (8 paths, 12 months, the
/// consolidation on 8 paths); if accepted, every figure finite.
fn check_strategies(text: String) -> Verdict {
    let scenario = shared_scenario();
    let list = match pensionsim::compare::parse(Path::new("s.toml"), &text, &scenario.policy(), true) {
        Ok(Some(list)) => list,
        Ok(None) => return Err("a strategies file accepted with no strategy".into()),
        Err(e) => return refused(&e),
    };
    non_finite("the strategies", &format!("{list:?}"))?;
    let settings = pensionsim::compare::Settings {
        simulation: Simulation { paths: 8, seed: 1, horizon_months: 12, variance_reduction: false },
        rank_by: "mean_annual_return".into(),
        obligation_paths: 8,
        deposit_paths: None,
    };
    match pensionsim::compare::gather(scenario, &list, &settings, &|_| {}) {
        Ok(r) => {
            non_finite("the comparison's figures", &format!("{:?}", r.figures))?;
            non_finite("the comparison's statistics", &format!("{:?}", r.stats))?;
            non_finite("the consolidation", &format!("{:?}", r.consolidation)).map(|()| true)
        }
        Err(e) => refused(&e),
    }
}

// ---------------------------------------------------------------- inputs

/// Numbers a mutation puts in place of one in the file.
const NUMBERS: &[&str] = &[
    "nan",
    "inf",
    "-inf",
    "NaN",
    "1e308",
    "-1e308",
    "5e-324",
    "0",
    "-0",
    "-1",
    "1",
    "0.5",
    "2",
    "4294967297",
    "18446744073709551616",
    "-9223372036854775808",
    "1e10",
    "1e7",
    "-1e7",
    "1e-300",
    "100",
    "99999999",
];

/// Dates a mutation puts in place of one in the file.
const DATES: &[&str] = &[
    "0001-01-01",
    "1899-12-31",
    "1900-01-01",
    "2200-12-31",
    "2201-01-01",
    "9999-12-31",
    "+10000-01-03",
    "2025-02-30",
    "2025-02-28",
    "2024-02-29",
    "2025-08-31",
    "2025-09-30",
    "1970-01-01",
    "2038-01-19",
    "2025-13-01",
];

#[derive(Debug, Clone, Copy, PartialEq)]
enum Token {
    Number,
    Date,
}

/// The number and date tokens of `text`: byte ranges and kinds.
fn tokens(text: &str) -> Vec<(std::ops::Range<usize>, Token)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let starts =
            b[i].is_ascii_digit() && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b"._+-:".contains(&b[j])) {
            j += 1;
        }
        let t = &text[i..j];
        let date = t.len() >= 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
        if date {
            out.push((i..i + 10, Token::Date));
        } else {
            let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
            out.push((start..j, Token::Number));
        }
        i = j;
    }
    out
}

/// One change to a file.
#[derive(Debug, Clone)]
enum Mutation {
    Number { which: usize, to: &'static str },
    Date { which: usize, to: &'static str },
    DeleteLine(usize),
    DuplicateLine(usize),
    Truncate(usize),
    LongString { at: usize, len: usize },
    Separators { from: char, to: char },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        6 => (any::<usize>(), proptest::sample::select(NUMBERS)).prop_map(|(which, to)| Mutation::Number { which, to }),
        3 => (any::<usize>(), proptest::sample::select(DATES)).prop_map(|(which, to)| Mutation::Date { which, to }),
        2 => any::<usize>().prop_map(Mutation::DeleteLine),
        1 => any::<usize>().prop_map(Mutation::DuplicateLine),
        1 => any::<usize>().prop_map(Mutation::Truncate),
        1 => (any::<usize>(), prop_oneof![Just(100_000usize), Just(1_000_000), 1usize..200])
            .prop_map(|(at, len)| Mutation::LongString { at, len }),
        1 => proptest::sample::select(&[(',', ';'), ('=', ':'), ('\n', '\r'), ('.', ','), ('"', '\''), (',', '\t')][..])
            .prop_map(|(from, to)| Mutation::Separators { from, to }),
    ]
}

fn apply(text: &str, m: &Mutation) -> String {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    match *m {
        Mutation::Number { which, to } | Mutation::Date { which, to } => {
            let kind = if matches!(m, Mutation::Number { .. }) { Token::Number } else { Token::Date };
            let found: Vec<_> = tokens(text).into_iter().filter(|(_, k)| *k == kind).collect();
            if found.is_empty() {
                return text.to_string();
            }
            let (range, _) = &found[which % found.len()];
            format!("{}{}{}", &text[..range.start], to, &text[range.end..])
        }
        Mutation::DeleteLine(i) if !lines.is_empty() => {
            let i = i % lines.len();
            lines.iter().enumerate().filter(|(k, _)| *k != i).map(|(_, l)| *l).collect()
        }
        Mutation::DuplicateLine(i) if !lines.is_empty() => {
            let i = i % lines.len();
            let mut out: Vec<&str> = lines.clone();
            out.insert(i, lines[i]);
            out.concat()
        }
        Mutation::Truncate(at) => {
            let at = boundary(text, at % (text.len() + 1));
            text[..at].to_string()
        }
        Mutation::LongString { at, len } => {
            // Into a quoted string when there is one, else anywhere.
            let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i + 1).collect();
            let at = if quotes.is_empty() {
                boundary(text, at % (text.len() + 1))
            } else {
                quotes[at % quotes.len()]
            };
            format!("{}{}{}", &text[..at], "x".repeat(len), &text[at..])
        }
        Mutation::Separators { from, to } => text.replace(from, &to.to_string()),
        _ => text.to_string(),
    }
}

/// A seed chosen from `seeds` and one to four mutations of it.
fn mutated(seeds: Vec<String>) -> impl Strategy<Value = String> {
    let n = seeds.len();
    (0..n, proptest::collection::vec(mutation(), 1..=4))
        .prop_map(move |(i, ms)| ms.iter().fold(seeds[i].clone(), |text, m| apply(&text, m)))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// `rows` data rows of a CSV from `skip` on, with its header.
fn slice(path: &str, skip: usize, rows: usize) -> String {
    let text = read(path);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let body: Vec<&str> = lines.skip(skip).take(rows).collect();
    format!("{header}\n{}\n", body.join("\n"))
}

fn files_in(dir: &str, ext: &str) -> Vec<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    paths.sort();
    paths.iter().map(|p| read(&p.display().to_string())).collect()
}

fn scenario_seeds() -> Vec<String> {
    files_in("scenarios", "toml")
}

fn price_seeds() -> Vec<String> {
    vec![
        slice("data/djia_daily_1885_2023.csv", 11_000, 300),
        slice("data/sp500_daily_1950_2018.csv", 9_000, 300),
        slice("data/sp500_daily_1950_2018.csv", 14_500, 60),
        slice("data/sek_per_usd_daily_1971_2025.csv", 5_000, 300).replacen("sek_per_usd", "close", 1),
    ]
}

fn holdings_seeds() -> Vec<String> {
    vec![
        "asset_class,holding_mkr\nswedish_equity,261.80\nglobal_equity,392.69\nfixed_income,822.91\n".into(),
        "asset_class,holding_mkr\nswedish_equity,400\nglobal_equity,500\nfixed_income,577.4\n".into(),
    ]
}

fn history_seeds() -> Vec<String> {
    let s = base_scenario();
    let mut text = String::from("date,value_mkr\n");
    for m in &s.history().month_ends {
        text.push_str(&format!("{},{}\n", m.date, m.value));
    }
    vec![text]
}

fn stress_seeds() -> Vec<String> {
    files_in("scenarios/stress", "toml")
}

fn strategy_seeds() -> Vec<String> {
    vec![read("tests/fuzz/seeds/strategies.toml")]
}

// ---------------------------------------------------------------- runner

/// Runs `check` on mutations of `seeds` for the time budget, in rounds of
/// 32 cases; the first failure (shrunk) fails the test and is kept in
/// `regressions` (a path from the package root).
fn fuzz(surface: &str, regressions: &'static str, seeds: Vec<String>, check: fn(String) -> Verdict) {
    // The seeds themselves must pass, or every finding is noise.
    for (i, s) in seeds.iter().enumerate() {
        if let Err(e) = within_time(s.clone(), check) {
            panic!("{surface}: seed {i} fails unmutated: {e}");
        }
    }
    let strategy = mutated(seeds);
    let deadline = Instant::now() + budget();
    let (mut rounds, mut cases) = (0u32, 0u64);
    loop {
        let config = Config {
            cases: 32,
            failure_persistence: Some(Box::new(FileFailurePersistence::Direct(regressions))),
            max_shrink_iters: 256,
            max_shrink_time: 60_000,
            rng_seed: round_seed(rounds),
            ..Config::default()
        };
        let mut runner = TestRunner::new(config);
        let result =
            runner.run(&strategy, |text| within_time(text, check).map(|_| ()).map_err(TestCaseError::fail));
        if let Err(e) = result {
            panic!("{surface}: {e}");
        }
        rounds += 1;
        cases += 32;
        if Instant::now() >= deadline {
            break;
        }
    }
    eprintln!("{surface}: {cases} cases in {rounds} rounds, no failure");
}

#[test]
fn scenario_files() {
    fuzz("scenario", "tests/fuzz/scenario.proptest-regressions", scenario_seeds(), check_scenario);
}

#[test]
fn price_csv() {
    fuzz("prices", "tests/fuzz/prices.proptest-regressions", price_seeds(), check_prices);
}

#[test]
fn holdings_csv() {
    fuzz("holdings", "tests/fuzz/holdings.proptest-regressions", holdings_seeds(), check_holdings);
}

#[test]
fn history_csv() {
    fuzz("history", "tests/fuzz/history.proptest-regressions", history_seeds(), check_history);
}

#[test]
fn stress_files() {
    fuzz("stress", "tests/fuzz/stress.proptest-regressions", stress_seeds(), check_stress);
}

#[test]
fn strategy_files() {
    fuzz("strategies", "tests/fuzz/strategies.proptest-regressions", strategy_seeds(), check_strategies);
}

/// Every literal input under `tests/fuzz/regressions/<surface>/` through
/// its surface's oracle, and refused: each is a class of bad input once
/// accepted, hung or panicked on, and fixed.
#[test]
fn regressions() {
    let surfaces: [(&str, Oracle); 6] = [
        ("scenario", check_scenario),
        ("prices", check_prices),
        ("holdings", check_holdings),
        ("history", check_history),
        ("stress", check_stress),
        ("strategies", check_strategies),
    ];
    let mut failures = Vec::new();
    let mut count = 0;
    for (surface, check) in surfaces {
        let dir = Path::new("tests/fuzz/regressions").join(surface);
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.expect("a directory entry").path()).collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            count += 1;
            match within_time(text, check) {
                Ok(false) => {}
                Ok(true) => {
                    failures.push(format!("{}: accepted; every input kept here is bad", path.display()))
                }
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} regression inputs fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// One bad date in `[debt]` is one problem: `[liquidity]`, which takes
/// its overdraft and its borrowing from `[debt]`, adds none of its own.
#[test]
fn one_bad_date_is_one_problem() {
    let text = read("scenarios/rjh-2025-08.toml").replacen("start = 2023-12-15", "start = 1850-12-15", 1);
    match Scenario::parse(Path::new("scenarios/fuzz-case.toml"), &text, &read_disk) {
        Err(Error::Invalid { problems }) => {
            let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
            assert_eq!(keys, ["debt.loan[0].start"], "{problems:#?}");
        }
        other => panic!("expected one problem, got {other:?}"),
    }
}

/// Validation is near linear in the number of month-ends: every one
/// since 1900 takes well under a second (it was quadratic: placing each
/// scanned the text from its start; 9 s for 50,000).
#[test]
fn a_long_history_validates_quickly() {
    let base = read("scenarios/rjh-2025-08.toml");
    let start = base.find("month_ends = [").expect("inline month-ends");
    let end = start + base[start..].find("\n]").expect("the list's end") + 2;
    let mut list = String::from("month_ends = [\n");
    let mut date = chrono::NaiveDate::from_ymd_opt(1900, 1, 31).expect("a date");
    let valuation = chrono::NaiveDate::from_ymd_opt(2025, 8, 31).expect("a date");
    let months = ((2025 - 1900) * 12 + 8) as usize;
    let mut dates = Vec::new();
    for _ in 0..months {
        dates.push(date);
        date = pensionsim::calendar::month_end(date + chrono::Months::new(1));
    }
    for d in dates.iter().filter(|d| **d <= valuation) {
        list.push_str(&format!("  {{ date = {d}, value = 1477.0 }},\n"));
    }
    list.push(']');
    let text = format!("{}{}{}", &base[..start], list, &base[end..]);
    let started = Instant::now();
    let result = Scenario::parse(Path::new("scenarios/fuzz-case.toml"), &text, &read_disk);
    let took = started.elapsed();
    assert!(result.is_ok(), "{:?}", result.err());
    assert!(took < Duration::from_secs(if cfg!(debug_assertions) { 10 } else { 1 }), "{took:?}");
}

#[test]
fn the_tokenizer_finds_numbers_and_dates() {
    let t = "a = -1.5e3\nd = 2025-08-31\nx[2]\n";
    let found: Vec<_> = tokens(t).into_iter().map(|(r, k)| (&t[r], k)).collect();
    assert_eq!(found, [("-1.5e3", Token::Number), ("2025-08-31", Token::Date), ("2", Token::Number)]);
    assert!(non_finite("x", "Foo { a: NaN }").is_err());
    assert!(non_finite("x", "Foo { a: -inf }").is_err());
    assert!(non_finite("x", "Foo { inflation: 1.0, info: 2 }").is_ok());
    assert!(non_finite("x", r#"Foo { title: "The \"inf\" NaN crash", a: 1e-5 }"#).is_ok());
}

/// A file whose lines end in a carriage return alone is refused with its
/// errors placed on their lines, in time linear in the text: placing each
/// by a scan of its (one, long) line was quadratic.
#[test]
fn carriage_returns_alone_place_quickly() {
    let base = read("scenarios/rjh-2025-08.toml");
    let text = format!("# {}\n{base}", "é".repeat(1_000_000)).replace('\n', "\r");
    let started = Instant::now();
    let result = Scenario::parse(Path::new("scenarios/fuzz-case.toml"), &text, &read_disk);
    let took = started.elapsed();
    match result {
        Err(Error::Invalid { problems }) => {
            assert_eq!(problems.len(), 100, "at most a hundred syntax errors");
            assert_eq!(problems[0].location, pensionsim::error::Location::LineColumn { line: 2, column: 1 });
            assert!(problems[0].hint.as_deref().is_some_and(|h| h.contains("carriage return alone")));
            assert!(problems[1..].iter().all(|p| p.hint.is_none()), "the hint once");
        }
        other => panic!("expected syntax problems, got {other:?}"),
    }
    assert!(took < Duration::from_secs(if cfg!(debug_assertions) { 10 } else { 1 }), "{took:?}");
}
