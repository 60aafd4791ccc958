//! The `pensionsim` command as a user runs it: exit codes, what it prints,
//! what it writes, and its errors.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn pensionsim() -> Command {
    let mut cmd = Command::cargo_bin("pensionsim").expect("the binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn shipped() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/rjh-2025-08.toml")
}

/// The shipped scenario's text, its `[market.history]` series named by
/// absolute path, so that a copy in another folder still finds them.
fn shipped_text() -> String {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    std::fs::read_to_string(shipped()).unwrap().replace("\"../data/", &format!("\"{}/", data.display()))
}

/// A printed line in which `label` is followed, after the padding of its
/// columns whatever it is, by `figure`: what a table says, not its layout,
/// which `tests/snapshots.rs` pins.
fn row(label: &str, figure: &str) -> impl Predicate<str> {
    let (label, figure) = (label.to_owned(), figure.to_owned());
    predicate::function(move |out: &str| {
        out.lines().any(|line| {
            line.match_indices(label.as_str()).any(|(at, _)| {
                let rest = &line[at + label.len()..];
                rest.starts_with(' ') && rest.trim_start().starts_with(figure.as_str())
            })
        })
    })
}

/// A short daily series: a month of flat prices, then a 40 % crash.
fn crash_csv(dir: &Path) -> PathBuf {
    let mut text = String::from("date,close\n");
    let mut day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let mut price = 100.0;
    for i in 0..60 {
        day = day.succ_opt().unwrap();
        if i == 40 {
            price *= 0.6;
        }
        text.push_str(&format!("{day},{price}\n"));
    }
    let path = dir.join("crash.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn validate_prints_the_interim_reports_position() {
    pensionsim()
        .args(["validate", "scenarios/rjh-2025-08.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("ok: scenarios/rjh-2025-08.toml is a valid scenario"))
        .stdout(row("Margin to floor", "12.3\u{a0}%"))
        .stdout(row("Maximum equity share", "53.6\u{a0}%"))
        .stdout(predicate::str::contains("1,295.2\u{a0}mkr"))
        .stdout(predicate::str::contains("hold: no trade required"))
        .stdout(row("Capital binding", "1.25 years (policy 1.5-4.0 years: not met)"));
}

#[test]
fn validate_speaks_swedish() {
    pensionsim()
        .args(["validate", "scenarios/rjh-2025-08.toml", "--lang", "sv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Riskmarginal"))
        .stdout(predicate::str::contains("12,3\u{a0}%"))
        .stdout(row("Skyddsnivå", "1\u{a0}295,2\u{a0}mkr"))
        .stdout(predicate::str::contains("behåll"));
}

#[test]
fn a_missing_scenario_exits_2_naming_the_file() {
    pensionsim()
        .args(["validate", "no/such.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: cannot read no/such.toml"));
}

#[test]
fn a_bad_scenario_exits_2_with_every_problem_placed() {
    let dir = tempfile::tempdir().unwrap();
    let text = shipped_text()
        .replace("holding = 392.69", "holding = -392.69")
        .replace("window_months = 24", "window_month = 24");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    pensionsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: 2 problems:"))
        .stderr(predicate::str::contains("bad.toml:46:11: `portfolio.asset_class[1].holding`: expected a holding in mkr, zero or more, found -392.69"))
        .stderr(predicate::str::contains("`policy.window_month`").and(predicate::str::contains("did you mean `window_months`?")));
}

#[test]
fn replay_writes_csv_json_and_charts_and_prints_the_trades() {
    let dir = tempfile::tempdir().unwrap();
    let prices = crash_csv(dir.path());
    let out = dir.path().join("out");
    pensionsim()
        .args(["replay", "--prices"])
        .arg(&prices)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Down-weighting: 1\n"))
        .stdout(predicate::str::contains("2020-02-11"))
        .stdout(predicate::str::contains("Days under the floor"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    for key in
        ["downweights", "upweights", "min_margin", "breach_days", "final_value", "buy_and_hold_final_value"]
    {
        assert!(json.get(key).is_some(), "summary.json lacks {key}");
    }
    let first = &json["downweights"][0];
    for key in ["date", "equity_before", "equity_after", "amount"] {
        assert!(first.get(key).is_some(), "a down-weighting lacks {key}");
    }
    // By hand: equity flat and fixed income accruing, the share drifts just
    // under 80 %, so nothing trades until the 40 % fall on 2020-02-11 takes
    // V to about 680 under a floor of about 800: sell everything. V stays
    // under the floor from then on: 11 February to 1 March, 20 rows.
    assert_eq!(json["downweights"].as_array().map(Vec::len), Some(1));
    assert_eq!(json["downweights"][0]["equity_after"].as_f64(), Some(0.0));
    assert_eq!(json["upweights"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["breach_days"].as_u64(), Some(20));
    let csv = std::fs::read_to_string(out.join("replay.csv")).unwrap();
    assert!(csv.starts_with("date,month_end,value,high,floor,margin_pre_trade,margin,"));
    assert_eq!(csv.lines().count(), 60, "a header and one line for each of 59 trading days");
    let png = std::fs::read(out.join("chart.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let svg = std::fs::read_to_string(out.join("chart.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("Protection level (floor)"));
}

#[test]
fn replay_takes_the_policy_from_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let prices = crash_csv(dir.path());
    let out = dir.path().join("out");
    pensionsim()
        .args(["replay", "--start-equity", "0.5", "--scenario", "scenarios/rjh-2025-08.toml", "--prices"])
        .arg(&prices)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["policy"]["equity_stress"].as_f64(), Some(0.23));
    assert_eq!(json["start_equity"].as_f64(), Some(0.5));
}

#[test]
fn replay_errors_name_the_file_and_row_and_leave_old_output_alone() {
    let dir = tempfile::tempdir().unwrap();
    let prices = dir.path().join("p.csv");
    std::fs::write(&prices, "date,close\n2020-01-02,10\n2020-01-03,NaN\n").unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("summary.json"), "old").unwrap();
    pensionsim().args(["replay", "--prices"]).arg(&prices).arg("--out").arg(&out).assert().code(2).stderr(
        predicate::str::contains(
            "p.csv: row at line 3: `close`: expected a positive, finite price, found \"NaN\"",
        ),
    );
    assert_eq!(std::fs::read_to_string(out.join("summary.json")).unwrap(), "old");
}

#[test]
fn replay_names_a_missing_price_file() {
    pensionsim()
        .args(["replay", "--prices", "data/no-such-series.csv"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: cannot read data/no-such-series.csv"));
}

#[test]
fn replay_names_a_missing_column() {
    let dir = tempfile::tempdir().unwrap();
    let prices = crash_csv(dir.path());
    pensionsim()
        .args(["replay", "--price-col", "adj_close", "--prices"])
        .arg(&prices)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("`adj_close`: expected a column named `adj_close` in the header, found the columns `date`, `close`"));
}

#[test]
fn replay_outside_the_data_is_an_error() {
    pensionsim()
        .args([
            "replay",
            "--prices",
            "data/sp500_daily_1950_2018.csv",
            "--from",
            "2019-01-01",
            "--to",
            "2019-12-31",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no trading day to replay between 2019-01-01 and 2019-12-31"))
        .stderr(predicate::str::contains("1950-01-03 to 2018-12-07"));
}

#[test]
fn replay_refuses_a_bad_start_equity() {
    pensionsim()
        .args(["replay", "--prices", "data/djia_daily_1885_2023.csv", "--start-equity", "80"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--start-equity: expected a share from 0 to 1"));
}

#[test]
fn run_shows_the_position_the_monte_carlo_and_the_crashes() {
    let dir = tempfile::tempdir().unwrap();
    pensionsim()
        .args([
            "run",
            "scenarios/rjh-2025-08.toml",
            "--paths",
            "300",
            "--horizon-months",
            "24",
            "--seed",
            "7",
            "--search-paths",
            "0",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Margin to floor"))
        .stdout(predicate::str::contains("Monte Carlo: 300 paths, 24 months, seed 7"))
        .stdout(predicate::str::contains("Floor breach within 12 months"))
        .stdout(predicate::str::contains("2007-2009"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    assert_eq!(json["crashes"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        (json["paths"].as_u64(), json["seed"].as_u64(), json["months"].as_u64()),
        (Some(300), Some(7), Some(24))
    );
    assert!(json["elapsed_seconds"].as_f64().is_some());
    let p = &json["portfolio"];
    for key in [
        "p_breach_12m",
        "p_breach_12m_se",
        "p_breach_horizon",
        "p_breach_horizon_se",
        "downweights_per_year",
        "downweights_per_year_se",
        "upweights_per_year",
        "upweights_per_year_se",
        "mean_annual_return",
        "mean_annual_return_se",
        "cvar95_12m_return",
        "cvar95_12m_return_se",
    ] {
        assert!(p[key].as_f64().is_some(), "portfolio.{key} missing");
    }
    for q in ["p1", "p5", "p25", "p50", "p75", "p95", "p99"] {
        assert!(p["final_value"][q].as_f64().is_some(), "final_value.{q} missing");
    }
    let csv = std::fs::read_to_string(dir.path().join("month_quantiles.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 24 * 4);
    assert!(dir.path().join("fan.png").exists() && dir.path().join("crash-2008/chart.png").exists());
}

/// `run` with few paths, its output in `dir/out`, from the folder `cwd`.
fn run_from(cwd: &Path, scenario: &Path, dir: &Path) -> assert_cmd::assert::Assert {
    pensionsim()
        .current_dir(cwd)
        .arg("run")
        .arg(scenario)
        .args(["--paths", "20", "--horizon-months", "12", "--search-paths", "0", "--out"])
        .arg(dir.join("out"))
        .assert()
}

#[test]
fn run_finds_the_index_series_from_another_folder() {
    let dir = tempfile::tempdir().unwrap();
    let used =
        std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).unwrap().join("data/djia_daily_1885_2023.csv");
    run_from(dir.path(), &shipped(), dir.path())
        .success()
        .stdout(predicate::str::contains("2007-2009"))
        .stderr(predicate::str::contains(format!("note: no --prices given: using {}\n", used.display())));
}

#[test]
fn run_takes_the_current_folders_index_series_first() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(dir.path().join("data/djia_daily_1885_2023.csv"), "date,close\n2020-01-02,NaN\n").unwrap();
    run_from(dir.path(), &shipped(), dir.path())
        .code(2)
        .stderr(predicate::str::contains(
            "error: the crash replays need a daily index series (give one with --prices): \
             data/djia_daily_1885_2023.csv: row at line 2: `close`",
        ))
        .stderr(predicate::str::contains("note:").not());
}

#[test]
fn run_names_every_place_it_looked_for_the_index_series() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let scenarios = root.join("elsewhere/scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::write(scenarios.join("s.toml"), shipped_text()).unwrap();
    let work = root.join("work");
    std::fs::create_dir(&work).unwrap();
    let mut assert = run_from(&work, &scenarios.join("s.toml"), &root).code(2).stderr(predicate::str::contains(
        "error: the crash replays need a daily index series (give one with --prices): \
         found no data/djia_daily_1885_2023.csv in the current folder nor in the scenario's folder or above it",
    ));
    for folder in [&work, &scenarios, &root.join("elsewhere"), &root] {
        let looked = folder.join("data/djia_daily_1885_2023.csv");
        assert = assert.stderr(predicate::str::contains(looked.display().to_string()));
    }
}

#[test]
fn a_missing_price_file_names_the_file_and_its_cause_once() {
    let cause = std::fs::read("no/such/series.csv").unwrap_err().to_string();
    for args in [
        &["run", "scenarios/rjh-2025-08.toml", "--paths", "20", "--prices", "no/such/series.csv"][..],
        &["replay", "--prices", "no/such/series.csv"],
    ] {
        let out = pensionsim().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains(&format!("cannot read no/such/series.csv: {cause}\n")), "{stderr}");
        assert_eq!(stderr.matches(&cause).count(), 1, "{stderr}");
        assert!(!stderr.contains("give one with --prices"), "{stderr}");
    }
}

#[test]
fn run_speaks_swedish() {
    let dir = tempfile::tempdir().unwrap();
    pensionsim()
        .args([
            "run",
            "scenarios/rjh-2025-08.toml",
            "--paths",
            "200",
            "--horizon-months",
            "12",
            "--lang",
            "sv",
            "--search-paths",
            "0",
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Monte Carlo: 200 banor, 12 månader"))
        .stdout(predicate::str::contains("Under skyddsnivån inom 12 månader"))
        .stdout(predicate::str::contains("± medelfel"))
        .stdout(predicate::str::contains("Oktober 1987"))
        .stdout(predicate::str::contains("Modell och historia"))
        .stdout(predicate::str::contains("Geometrisk avkastning per år"))
        .stdout(predicate::str::contains("± standardfel"));
}

#[test]
fn run_sets_the_model_beside_history_and_states_the_long_run_assumption() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let sp500 = root.join("data/sp500_daily_1950_2018.csv");
    let text = std::fs::read_to_string(root.join("scenarios/bench-w1.toml")).unwrap()
        + "\n[market.long_run]\nswedish_equity = 0.07\nsource = \"a named source\"\n"
        + &format!(
            "\n[market.history]\nglobal_equity = {{ series = {:?}, dividend_yield = 0.03, name = \"S&P 500\" }}\n",
            sp500.display().to_string()
        );
    let scenario = dir.path().join("w1.toml");
    std::fs::write(&scenario, text).unwrap();
    let out = dir.path().join("out");
    pensionsim()
        .arg("run")
        .arg(&scenario)
        .args(["--paths", "100", "--horizon-months", "12", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Model beside history"))
        .stdout(predicate::str::contains("Falls of 20 % from the 24-month high per decade"))
        .stdout(predicate::str::contains("S&P 500, 1950-01 – 2018-11, a price index with a dividend yield"))
        .stdout(predicate::str::contains("Long-run assumption: Swedish equities 7.0\u{a0}% a year"))
        .stdout(predicate::str::contains("source: a named source"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let m = &json["market"];
    assert_eq!(m["long_run"]["swedish_equity"]["stated"].as_f64(), Some(0.07));
    assert_eq!(m["long_run"]["source"].as_str(), Some("a named source"));
    for factor in ["swedish_equity", "global_equity"] {
        for key in [
            "geometric_return",
            "annual_vol",
            "p_year_below_10",
            "p_year_below_20",
            "p_year_below_30",
            "falls_per_decade",
        ] {
            assert!(m["implied"][factor][key].as_f64().is_some(), "implied.{factor}.{key}");
            assert!(
                m["implied"][factor][format!("{key}_se")].as_f64().is_some(),
                "implied.{factor}.{key}_se"
            );
        }
    }
    let h = &m["history"]["global_equity"];
    assert_eq!((h["from"].as_str(), h["to"].as_str()), (Some("1950-01-31"), Some("2018-11-30")));
    assert!(h["geometric_return"].as_f64().is_some() && h.get("geometric_return_se").is_none());
    assert!(m["history"].get("swedish_equity").is_none());
}

#[test]
fn validate_says_what_market_it_read() {
    pensionsim()
        .args(["validate", "scenarios/bench-w1.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "market: 2 regimes (calm, crisis), gaussian shocks, Vasicek short rate",
        ))
        .stdout(predicate::str::contains("simulation: 100,000 paths, 120 months, seed 1"));
}

#[test]
fn run_refuses_zero_paths_and_a_zero_horizon() {
    pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--paths: expected 1 path or more, found 0"));
    pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--horizon-months", "0"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--horizon-months: expected 1 to 1200 months, found 0"));
}

#[test]
fn every_shipped_scenario_validates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            pensionsim().arg("validate").arg(&path).assert().success();
            n += 1;
        }
    }
    assert!(n >= 1);
}

/// 24 month-ends to 2025-08-31 as `date,value_mkr`, 1,500 but the last.
fn month_ends_csv(dir: &Path, extra: &str) -> PathBuf {
    let mut text = String::from("date,value_mkr\n");
    let next = chrono::NaiveDate::from_ymd_opt(2025, 9, 1).unwrap();
    for i in (1..=24).rev() {
        let date = (next - chrono::Months::new(i - 1)).pred_opt().unwrap();
        text.push_str(&format!("{date},{}\n", if i == 1 { 1477.4 } else { 1500.0 }));
    }
    text.push_str(extra);
    let path = dir.join("month_ends.csv");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn suggest_prints_the_regions_position_action_moves_and_outlook() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = pensionsim()
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--paths", "2000", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Suggestion under the dynamic risk principle, 2025-08-31"))
        .stdout(predicate::str::contains("1,619.0\u{a0}mkr (month-end 2025-01-31)"))
        .stdout(predicate::str::contains("1,295.2\u{a0}mkr (80\u{a0}% of the high)"))
        .stdout(predicate::str::contains("12.3\u{a0}% = 182.2\u{a0}mkr"))
        .stdout(predicate::str::contains("53.6\u{a0}% (set by the floor)"))
        .stdout(predicate::str::contains("Hold: no trade required."))
        .stdout(row("Equity fall that triggers a down-weighting", "6.3\u{a0}%"))
        .stdout(row("Equity fall that reaches the floor, no trade", "27.8\u{a0}%"))
        .stdout(predicate::str::contains("2,000 simulated paths, seed 20250831"))
        .stdout(predicate::str::contains("Down-weighting within 12 months"));
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("-10\u{a0}%") && stdout.contains("+10\u{a0}%"), "the currency table:\n{stdout}");

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("suggest.json")).unwrap()).unwrap();
    for key in
        ["position", "high_date", "room_to_max", "room_to_cap", "moves", "currency", "outlook", "month_ends"]
    {
        assert!(json.get(key).is_some(), "suggest.json lacks {key}");
    }
    assert_eq!(json["position"]["action"]["kind"], "hold");
    assert_eq!(json["trade"], serde_json::Value::Null);
    assert_eq!(json["outlook"]["paths"], 2000);
    let o = &json["outlook"];
    let p = |k: &str| o[k].as_f64().unwrap();
    assert!(p("p_downweight_1m") <= p("p_downweight_3m") && p("p_downweight_3m") <= p("p_downweight_12m"));
    assert!(p("p_downweight_12m_se") > 0.0);
    assert_eq!(json["month_ends"].as_array().map(Vec::len), Some(24));
    let png = std::fs::read(out.join("suggest.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
    assert!(std::fs::read_to_string(out.join("suggest.svg")).unwrap().contains("Protection level (floor)"));
}

#[test]
fn suggest_speaks_swedish() {
    let dir = tempfile::tempdir().unwrap();
    pensionsim()
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--paths", "500", "--lang", "sv", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Förslag enligt den dynamiska riskprincipen, 2025-08-31"))
        .stdout(predicate::str::contains("Högsta månadsvärde, 24 mån"))
        .stdout(row("Skyddsnivå", "1\u{a0}295,2\u{a0}mkr"))
        .stdout(row("Riskmarginal", "12,3\u{a0}% = 182,2\u{a0}mkr"))
        .stdout(predicate::str::contains("53,6\u{a0}% (styrs av skyddsnivån)"))
        .stdout(predicate::str::contains("Behåll: ingen omviktning krävs."))
        .stdout(row("Aktiefall som utlöser en nedviktning", "6,3\u{a0}%"))
        .stdout(predicate::str::contains("Nedviktning inom 3 månader"))
        .stdout(predicate::str::contains("Skrev"));
}

#[test]
fn suggest_with_todays_holdings_prints_the_sale_per_asset_class() {
    let dir = tempfile::tempdir().unwrap();
    let holdings = dir.path().join("holdings.csv");
    std::fs::write(
        &holdings,
        "asset_class,holding_mkr\nswedish_equity,400\nglobal_equity,500\nfixed_income,577.4\n",
    )
    .unwrap();
    // V 1,477.4, H 1,619: E_max 53.6 %, E 60.9 %: sell to 48.6 %, by hand
    // 900 - 1,477.4 (182.2 / 1,477.4 / 0.23 - 0.05) = 181.7 mkr, 4:5.
    pensionsim()
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--paths", "200", "--holdings"])
        .arg(&holdings)
        .arg("--out")
        // Beside the input, not over it: the output folder is replaced whole.
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Down-weighting required now: sell 181.7\u{a0}mkr of equities, 60.9\u{a0}% → 48.6\u{a0}%",
        ))
        .stdout(predicate::str::contains("-80.8\u{a0}mkr"))
        .stdout(predicate::str::contains("-100.9\u{a0}mkr"))
        .stdout(predicate::str::contains("+181.7\u{a0}mkr"))
        .stdout(predicate::str::contains("From the holdings after the required sale."));
}

#[test]
fn suggest_names_the_file_and_row_of_bad_holdings() {
    let dir = tempfile::tempdir().unwrap();
    let holdings = dir.path().join("holdings.csv");
    std::fs::write(
        &holdings,
        "asset_class,holding_mkr\nswedish_equity,250\nhedge_funds,100\nglobal_equity,-5\nfixed_income,800\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    pensionsim()
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--holdings"])
        .arg(&holdings)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("error: 2 problems:"))
        .stderr(predicate::str::contains("holdings.csv: row at line 3: `asset_class`: expected one of the scenario's asset classes `swedish_equity`, `global_equity`, `fixed_income`, found \"hedge_funds\""))
        .stderr(predicate::str::contains("holdings.csv: row at line 4: `holding_mkr`: expected a holding in mkr, zero or more, found \"-5\""));
    assert!(!out.exists(), "nothing written on bad input");
}

#[test]
fn suggest_names_the_row_of_a_month_end_after_the_valuation_date() {
    let dir = tempfile::tempdir().unwrap();
    let history = month_ends_csv(dir.path(), "2025-09-30,1490\n");
    pensionsim()
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--history"])
        .arg(&history)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "month_ends.csv: row at line 26: `date`: expected month-ends on or before the valuation date 2025-08-31, found 2025-09-30",
        ));
}

#[test]
fn suggest_refuses_a_history_shorter_than_the_window() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read_to_string(month_ends_csv(dir.path(), "")).unwrap();
    let short: String =
        full.lines().enumerate().filter(|(i, _)| *i != 1).map(|(_, l)| format!("{l}\n")).collect();
    let history = dir.path().join("short.csv");
    std::fs::write(&history, short).unwrap();
    pensionsim()
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--history"])
        .arg(&history)
        .arg("--out")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("short.csv: `value_mkr`: expected the 24 month-ends the rule's window needs (the scenario gives no start value), found 23 month-ends"));
}

#[test]
fn suggest_with_todays_history_uses_its_high() {
    let dir = tempfile::tempdir().unwrap();
    let history = month_ends_csv(dir.path(), "");
    // High 1,500, floor 1,200: margin (1,477.4 - 1,200) / 1,477.4 = 18.8 %.
    pensionsim()
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--paths", "100", "--history"])
        .arg(&history)
        .arg("--out")
        // Beside the input, not over it: the output folder is replaced whole.
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains("1,200.0\u{a0}mkr (80\u{a0}% of the high)"))
        .stdout(predicate::str::contains("18.8\u{a0}% = 277.4\u{a0}mkr"));
}

#[test]
fn suggest_without_a_market_says_so_and_skips_the_outlook() {
    let dir = tempfile::tempdir().unwrap();
    let text = shipped_text();
    let path = dir.path().join("no-market.toml");
    std::fs::write(&path, &text[..text.find("\n[market]").unwrap()]).unwrap();
    let out = dir.path().join("out");
    pensionsim()
        .arg("suggest")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("No [market] in the scenario: no outlook"))
        .stdout(predicate::str::contains("no currency table"))
        .stdout(predicate::str::contains("12.3\u{a0}% = 182.2\u{a0}mkr"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("suggest.json")).unwrap()).unwrap();
    assert_eq!(json["outlook"], serde_json::Value::Null);
}

#[test]
fn stress_runs_the_whole_library_and_writes_the_table_json_csv_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stress");
    pensionsim()
        .args(["stress", "scenarios/rjh-2025-08.toml", "--paths", "200", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Stress tests under the dynamic risk principle"))
        .stdout(
            predicate::str::is_match(r"liberation-day-2025 +2024-12-31 – 2025-08-29 +3 \(first 2025-04-03\)")
                .unwrap(),
        )
        .stdout(row("2025-04-07", "Down-weighting 37.4\u{a0}% → 25.4\u{a0}%"))
        .stdout(predicate::str::contains(
            "Monte Carlo after the shock (200 paths, 12 months from 2025-04-30",
        ));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("stress.json")).unwrap()).unwrap();
    let stresses = json["stresses"].as_array().unwrap();
    assert_eq!(stresses.len(), 11);
    assert_eq!(json["paths"], 200);
    let csv = std::fs::read_to_string(out.join("stress.csv")).unwrap();
    assert_eq!(csv.lines().count(), 12);
    let columns = csv.lines().next().unwrap().split(',').count();
    assert!(csv.lines().all(|l| l.split(',').count() == columns), "{csv}");
    for s in stresses {
        let name = s["name"].as_str().unwrap();
        for ext in ["svg", "png"] {
            assert!(out.join(format!("{name}.{ext}")).is_file(), "{name}.{ext}");
        }
        assert!(!s["source"].as_str().unwrap().is_empty());
    }
}

#[test]
fn stress_speaks_swedish() {
    let dir = tempfile::tempdir().unwrap();
    pensionsim()
        .args([
            "stress",
            "scenarios/rjh-2025-08.toml",
            "--stress",
            "scenarios/stress/liberation-day-2025.toml",
        ])
        .args(["--lang", "sv", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Stresstester enligt den dynamiska riskprincipen"))
        .stdout(row("Nedviktning", "74,7\u{a0}% → 53,5\u{a0}%"))
        .stdout(predicate::str::contains("Lägsta riskmarginal"));
}

/// A stress file in `dir` named `name`; `../../data` in it becomes the
/// project's data folder (a stress file's paths are relative to it).
fn stress_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let path = dir.join(name);
    std::fs::write(&path, text.replace("../../data", &data.display().to_string())).unwrap();
    path
}

const SHOCK_HEAD: &str =
    "title = { en = \"t\", sv = \"t\" }\nsource = \"test\"\nkind = \"shocks\"\nend = 2025-09-30\n";

#[test]
fn stress_names_the_file_and_key_of_each_kind_of_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "factor.toml",
            format!("{SHOCK_HEAD}[[shock]]\nfactor = \"copper\"\non = 2025-09-02\ntotal = -0.1\n"),
            "factor.toml:6:10: `shock[0].factor`: expected one of `swedish_equity`",
        ),
        (
            "horizon.toml",
            format!(
                "{SHOCK_HEAD}[[shock]]\nfactor = \"swedish_equity\"\nfrom = 2025-09-02\nto = 2025-10-03\ntotal = -0.1\n"
            ),
            "horizon.toml:5:1: `shock[0].to`: expected a day inside the horizon (2025-09-01 to 2025-09-30",
        ),
        (
            "window.toml",
            "title = { en = \"t\", sv = \"t\" }\nsource = \"test\"\nkind = \"replay\"\n[replay]\n\
             prices = \"../../data/sp500_daily_1950_2018.csv\"\nfrom = 2007-10-09\nto = 2020-12-31\n\
             fixed_income_rate = 0.02\n"
                .to_string(),
            "window.toml:7:6: `replay.to`: expected a date inside the data of",
        ),
        (
            "series.toml",
            "title = { en = \"t\", sv = \"t\" }\nsource = \"test\"\nkind = \"replay\"\n[replay]\n\
             prices = \"../../data/missing.csv\"\nfrom = 2007-10-09\nto = 2009-12-31\n\
             fixed_income_rate = 0.02\n"
                .to_string(),
            "series.toml:5:10: `replay.prices`: expected a daily price series",
        ),
    ];
    for (name, text, message) in cases {
        let path = stress_file(dir.path(), name, &text);
        pensionsim()
            .args(["stress", "scenarios/rjh-2025-08.toml", "--stress"])
            .arg(&path)
            .args(["--out"])
            .arg(dir.path().join("out"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
    }
    assert!(!dir.path().join("out").exists(), "nothing is written after bad input");
}

#[test]
fn a_replay_stress_without_history_agrees_with_pensionsim_replay() {
    let dir = tempfile::tempdir().unwrap();
    let path = stress_file(
        dir.path(),
        "fresh-1987.toml",
        "title = { en = \"t\", sv = \"t\" }\nsource = \"test\"\nkind = \"replay\"\n[replay]\n\
         prices = \"../../data/djia_daily_1885_2023.csv\"\nfrom = 1987-08-25\nto = 1988-08-31\n\
         fixed_income_rate = 0.02\nmonth_end_history = false\n",
    );
    pensionsim()
        .args(["stress", "scenarios/rjh-2025-08.toml", "--stress"])
        .arg(&path)
        .arg("--out")
        .arg(dir.path().join("stress"))
        .assert()
        .success();
    // The shipped portfolio's value and equity share, summed as the rule sums them.
    let equity: f64 = 261.80 + 392.69;
    let value = equity + 822.91;
    pensionsim()
        .args([
            "replay",
            "--prices",
            "data/djia_daily_1885_2023.csv",
            "--from",
            "1987-08-25",
            "--to",
            "1988-08-31",
        ])
        .args(["--scenario", "scenarios/rjh-2025-08.toml", "--start-value", &value.to_string()])
        .args(["--start-equity", &(equity / value).to_string(), "--out"])
        .arg(dir.path().join("replay"))
        .assert()
        .success();
    let read = |p: PathBuf| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
    };
    let stress = &read(dir.path().join("stress/stress.json"))["stresses"][0];
    let replay = read(dir.path().join("replay/summary.json"));
    for key in [
        "downweights",
        "upweights",
        "min_margin",
        "min_margin_date",
        "final_value",
        "buy_and_hold_final_value",
        "max_drawdown",
        "breach_days",
        "worst_breach_depth",
    ] {
        assert_eq!(stress[key], replay[key], "{key}");
    }
    assert!(stress["downweights"].as_array().unwrap().len() >= 2);
}

#[test]
fn run_prints_todays_loan_figures_and_writes_the_debt_outlook() {
    let dir = tempfile::tempdir().unwrap();
    pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "200", "--horizon-months", "36", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(row("Outstanding debt", "290.0\u{a0}mkr"))
        .stdout(row("Average rate", "3.11\u{a0}%"))
        .stdout(row("Interest-rate fixing", "1.25 years (policy 1.5-4.0 years: not met)"))
        .stdout(row("Maturing within 12 months", "29.5\u{a0}% (policy at most 35\u{a0}%: met)"))
        .stdout(predicate::str::contains("Interest cost and the finance policy by year (200 paths"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let debt = &json["debt"];
    assert!((debt["today"]["outstanding"].as_f64().unwrap() - 290.0).abs() < 1e-9);
    assert_eq!(debt["breaches"]["fixing"], true);
    let years = debt["outlook"]["years"].as_array().unwrap();
    assert_eq!(years.first().unwrap()["year"], 2025);
    assert!(years[1]["interest"]["p95"].as_f64().unwrap() >= years[1]["interest"]["p50"].as_f64().unwrap());
    for file in ["debt-maturity.png", "debt-maturity.svg", "debt-interest.png", "debt-interest.svg"] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
}

/// The shipped scenario's constructed actuals (September to November
/// 2025) beside the forecast made on 31 August: the section in the
/// printout, marked as constructed, in both languages, and its figures in
/// summary.json.
#[test]
fn run_sets_the_forecast_beside_the_actuals() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--paths", "200", "--horizon-months", "12", "--search-paths", "0", "--out"];
    let out =
        pensionsim().args(["run", "scenarios/rjh-2025-08.toml"]).args(args).arg(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let section = &text[text.find("Forecast against outcome, mkr\n=").expect("the section")..];
    assert!(section.contains("The liquidity forecast made on 2025-08-31 (200 paths)"), "{section}");
    assert!(section.contains("Constructed example: the actuals are made up"), "{section}");
    let row = |month: &str, figure: &str| {
        section.lines().find(|l| l.starts_with(month) && l.contains(figure)).map(str::to_string)
    };
    let cash = row("2025-09", "Cash").expect("September's cash");
    assert!(cash.contains("371.4"), "{cash}");
    assert!(row("2025-11", "Loans").expect("November's loans").contains("340.0"));
    assert!(row("2025-12", "Cash").is_none(), "only months with an actual");

    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let check = &json["liquidity"]["actuals"];
    assert_eq!(check["constructed"], true);
    let months = check["months"].as_array().unwrap();
    assert_eq!(months.len(), 3);
    let nov = &months[2]["cash"];
    let (outcome, median) = (nov["outcome"].as_f64().unwrap(), nov["median"].as_f64().unwrap());
    assert_eq!(outcome, 352.0);
    assert!((nov["error"].as_f64().unwrap() - (outcome - median)).abs() < 1e-9);
    let p = nov["percentile"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&p), "{p}");
    // The loans: 340 on every path through November, so the actual sits
    // amid them.
    assert_eq!(months[0]["debt"]["median"], 340.0);
    assert_eq!(months[0]["debt"]["percentile"], 0.5);

    let out = pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--lang", "sv"])
        .args(args)
        .arg(dir.path().join("sv"))
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Prognos mot utfall, mkr\n="), "{text}");
    assert!(text.contains("Konstruerat exempel: utfallen är påhittade"), "{text}");
    assert!(text.contains("371,4"), "{text}");
}

#[test]
fn bad_loans_exit_2_naming_the_key_or_row() {
    let dir = tempfile::tempdir().unwrap();
    let text = shipped_text()
        .replace("amount = 45.0", "amount = -45.0")
        .replace("maturity = 2026-06-15", "maturity = 2025-01-15")
        .replace("rate = 0.0305", "")
        .replace(
            "refinancing = { kind = \"policy\", max_years = 5 }",
            "refinancing = { kind = \"policy\", max_years = 5 }\nloans_csv = \"loans.csv\"",
        );
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, text).unwrap();
    std::fs::write(
        dir.path().join("loans.csv"),
        "id,amount,start,maturity,rate,margin\nKI-9,10,2025-01-15,2027-01-15,0.03,\nKI-10,ten,2025-01-15,2027-01-15,,0.002\n",
    )
    .unwrap();
    pensionsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`debt.loan[0].amount`: expected the outstanding amount in mkr, more than 0, found -45",
        ))
        .stderr(predicate::str::contains(
            "`debt.loan[1].maturity`: expected a maturity after the start 2025-06-16",
        ))
        .stderr(predicate::str::contains("`debt.loan[2].rate`: expected a fixed `rate`"))
        .stderr(predicate::str::contains(
            "loans.csv: row at line 3: `amount`: expected a number, found \"ten\"",
        ));
}

#[test]
fn borrowing_over_the_limit_is_a_warning_with_its_date() {
    let dir = tempfile::tempdir().unwrap();
    let text = shipped_text().replace("borrowing_limit = 950", "borrowing_limit = 600");
    let path = dir.path().join("limit.toml");
    std::fs::write(&path, text).unwrap();
    pensionsim().arg("validate").arg(&path).assert().success().stderr(predicate::str::contains(
        "the plan's borrowing on 2026-06-15 takes the debt to 740 mkr, over the borrowing limit of 600 mkr",
    ));
}

/// The shipped scenario with the target and horizon brought near, so a
/// test run is short, and its denominator line replaced by `line`.
fn near_target(dir: &Path, line: &str) -> PathBuf {
    let text = shipped_text();
    let text = text
        .replace("target_year = 2040", "target_year = 2027")
        .replace("horizon_year = 2045", "horizon_year = 2028")
        .replace("denominator = \"whole\"", line);
    // The deposit plan within the nearer horizon.
    let start = text.find("deposits = [\n").unwrap();
    let end = start + text[start..].find("\n]\n").unwrap() + 3;
    let text = format!("{}deposits = [{{ year = 2026, amount = 150.0 }}]\n{}", &text[..start], &text[end..]);
    let path = dir.join("near.toml");
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn run_reports_the_consolidation_outlook_and_the_deposits_it_takes() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = near_target(dir.path(), "denominator = \"whole\"");
    let out = dir.path().join("out");
    pensionsim()
        .arg("run")
        .arg(&scenario)
        .args(["--paths", "120", "--horizon-months", "12", "--search-paths", "60", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Pension obligation: consolidation ratio against the whole obligation (provision + contingent liability)",
        ))
        .stdout(predicate::str::contains(
            "Consolidation ratio 29.5\u{a0}% of the whole obligation, 47.8\u{a0}% of the provision",
        ))
        .stdout(predicate::str::contains("reborrowed funds (återlånade medel) 3,538\u{a0}mkr"))
        .stdout(predicate::str::contains("At least 100 % at the end of 2027"))
        .stdout(predicate::str::contains(
            "Deposit each January 2026–2027 that gives 100 % at the end of 2027 (60 paths",
        ))
        .stdout(predicate::str::contains("probability 90\u{a0}%"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let o = &json["obligations"];
    assert_eq!(o["denominator"], "whole");
    assert_eq!(o["years"].as_array().map(Vec::len), Some(4), "2025 to 2028");
    for key in ["p_full_at_target", "p_full_at_target_se", "p_reached_by_target", "financial_cost_to_target"]
    {
        assert!(o[key].as_f64().is_some(), "obligations.{key} missing");
    }
    let answers = o["deposit_search"]["answers"].as_array().unwrap();
    assert_eq!(answers.len(), 3);
    let yearly: Vec<f64> = answers.iter().map(|a| a["yearly"].as_f64().unwrap()).collect();
    assert!(yearly[0] <= yearly[1] && yearly[1] <= yearly[2], "{yearly:?}");
    let csv = std::fs::read_to_string(out.join("obligations.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 4);
    assert!(csv.lines().nth(1).unwrap().starts_with("2025,whole,"));
    assert!(out.join("consolidation.png").exists() && out.join("consolidation.svg").exists());
}

#[test]
fn run_labels_the_provision_reading_in_swedish() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = near_target(dir.path(), "denominator = \"provision\"");
    pensionsim()
        .arg("run")
        .arg(&scenario)
        .args(["--paths", "40", "--horizon-months", "12", "--search-paths", "0", "--lang", "sv", "--out"])
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Pensionsåtagande: konsolideringsgrad mot endast avsättningen (bokfört värde)",
        ))
        .stdout(predicate::str::contains(
            "Konsolideringsgrad 29,5\u{a0}% av hela åtagandet, 47,8\u{a0}% av avsättningen",
        ))
        .stdout(predicate::str::contains("Minst 100 % vid utgången av 2027"));
}

#[test]
fn bad_obligations_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = near_target(dir.path(), "denominator = \"booked\"");
    let text =
        std::fs::read_to_string(&scenario).unwrap().replace("payroll_tax = 0.2426", "payroll_tax = 24.26");
    std::fs::write(&scenario, text).unwrap();
    pensionsim()
        .arg("validate")
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "`obligations.denominator`: expected one of `whole`, `provision`, found \"booked\"",
        ))
        .stderr(predicate::str::contains("`obligations.payroll_tax`: expected a rate from 0 to 1"));
}

#[test]
fn compare_ranks_the_default_strategies_with_paired_intervals_and_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let assert = pensionsim()
        .args(["compare", "scenarios/rjh-2025-08.toml", "--paths", "400", "--horizon-months", "36"])
        .args(["--obligation-paths", "40", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("Strategy comparison: Region Jämtland Härjedalen, 2025-08-31"))
        .stdout(predicate::str::contains("400 paths, 3 years, seed 20250831"))
        .stdout(predicate::str::contains("Difference from \"current\" [95 % interval]"))
        .stdout(predicate::str::contains("static-60/40"))
        .stdout(predicate::str::contains("cppi-80x4"))
        .stdout(predicate::str::contains("tipp-80x4"));
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    // Sixteen ranked rows in each table (the third: the consolidation's).
    for rank in 1..=16 {
        assert!(
            stdout.lines().filter(|l| l.split_whitespace().next() == Some(rank.to_string().as_str())).count()
                == 3,
            "rank {rank}:\n{stdout}"
        );
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    assert_eq!(json["paths"], 400);
    assert_eq!(json["reference"], "current");
    let strategies = json["strategies"].as_array().unwrap();
    assert_eq!(strategies.len(), 16);
    let r = &strategies[1]["metrics"]["mean_annual_return"];
    let (d, lo, hi) =
        (r["diff"].as_f64().unwrap(), r["diff_lo"].as_f64().unwrap(), r["diff_hi"].as_f64().unwrap());
    assert!(lo < d && d < hi, "{r}");
    assert_eq!(strategies[0]["metrics"]["mean_annual_return"]["diff"], 0.0);
    assert!(strategies[0]["stats"]["final_value"]["p50"].as_f64().unwrap() > 0.0);
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert!(csv.starts_with("rank,strategy,kind,metric,unit,value,se,diff,diff_lo,diff_hi\n"));
    // And one row a strategy for the probability of 100 % consolidation.
    assert_eq!(csv.lines().count(), 1 + 16 * compare_metric_count(&json) + 16);
    for chart in ["compare_risk_return", "compare_values"] {
        assert!(std::fs::read(out.join(format!("{chart}.png"))).unwrap().starts_with(b"\x89PNG"));
        assert!(std::fs::read_to_string(out.join(format!("{chart}.svg"))).unwrap().contains("<svg"));
    }
}

fn compare_metric_count(json: &serde_json::Value) -> usize {
    json["strategies"][0]["metrics"].as_object().unwrap().len()
}

#[test]
fn compare_speaks_swedish_and_takes_strategies_from_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("strategies.toml");
    std::fs::write(
        &file,
        "[[strategy]]\nname = \"nu\"\nkind = \"rule\"\n\n[[strategy]]\nname = \"månad\"\nkind = \"rule\"\ncheck = \"monthly\"\n\n[[strategy]]\nname = \"fast\"\nkind = \"static\"\nequity_share = 0.5\n",
    )
    .unwrap();
    pensionsim()
        .args([
            "compare",
            "scenarios/rjh-2025-08.toml",
            "--paths",
            "200",
            "--horizon-months",
            "24",
            "--lang",
            "sv",
            "--strategies",
        ])
        .arg(&file)
        .arg("--out")
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Jämförelse av strategier"))
        .stdout(predicate::str::contains("Skillnad mot \"nu\" [95 % intervall]"))
        .stdout(predicate::str::contains("riskprincipen: kontroll vid månadsskiften"))
        .stdout(predicate::str::contains("fast mix, 50\u{a0}% aktier"))
        .stdout(predicate::str::contains("Skrev"));
}

#[test]
fn compare_names_the_file_line_and_key_of_a_bad_strategy() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for (body, key, expected) in [
        ("kind = \"momentum\"", "`strategy[0].kind`", "expected one of \"rule\""),
        ("kind = \"rule\"\nmax_drawdown = 0", "`strategy[0].max_drawdown`", "strictly between 0 and 1"),
        ("kind = \"rule\"\nmax_drawdown = 1.0", "`strategy[0].max_drawdown`", "strictly between 0 and 1"),
        ("kind = \"rule\"\ncap = 1.5", "`strategy[0].cap`", "a share from 0 to 1"),
        ("kind = \"rule\"\nwindow_months = 0", "`strategy[0].window_months`", "1 to 600"),
        ("kind = \"rule\"\nfloor = 0.2", "`strategy[0].floor`", "a key of a `rule` strategy"),
    ] {
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, format!("[[strategy]]\nname = \"x\"\n{body}\n")).unwrap();
        pensionsim()
            .args(["compare", "scenarios/rjh-2025-08.toml", "--strategies"])
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("bad.toml:"))
            .stderr(predicate::str::contains(key))
            .stderr(predicate::str::contains(expected));
    }
    assert!(!out.exists(), "nothing is written on bad input");
    // In the scenario itself, the scenario file is named.
    let scenario = dir.path().join("with-strategies.toml");
    let text = shipped_text() + "\n[[strategy]]\nname = \"x\"\nkind = \"cppi\"\nfloor = 1.0\n";
    std::fs::write(&scenario, text).unwrap();
    pensionsim()
        .arg("compare")
        .arg(&scenario)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("with-strategies.toml:"))
        .stderr(predicate::str::contains("`strategy[0].floor`: expected a share strictly between 0 and 1"));
    // A missing strategies file is named too.
    pensionsim()
        .args(["compare", "scenarios/rjh-2025-08.toml", "--strategies", "no-such-file.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-such-file.toml"));
    // An unknown figure to rank by lists the ones there are.
    pensionsim()
        .args(["compare", "scenarios/rjh-2025-08.toml", "--rank-by", "beauty"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--rank-by: expected one of mean_annual_return"))
        .stderr(predicate::str::contains("found `beauty`"));
    // A scenario without a market cannot be compared.
    let text = shipped_text();
    let no_market = dir.path().join("no-market.toml");
    std::fs::write(&no_market, &text[..text.find("[market]").unwrap()]).unwrap();
    pensionsim()
        .arg("compare")
        .arg(&no_market)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no-market.toml: a comparison needs a [market] section"));
}

#[test]
fn compare_reports_each_strategys_road_to_full_consolidation_and_its_deposits() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("strategies.toml");
    std::fs::write(
        &file,
        "[[strategy]]\nname = \"current\"\nkind = \"rule\"\n\n[[strategy]]\nname = \"twin\"\nkind = \"rule\"\n\n[[strategy]]\nname = \"wide\"\nkind = \"rule\"\nmax_drawdown = 0.25\n\n[[strategy]]\nname = \"weekly\"\nkind = \"rule\"\ncheck = \"weekly\"\n\n[[strategy]]\nname = \"60/40\"\nkind = \"static\"\nequity_share = 0.6\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let run = |lang: &str| {
        pensionsim()
            .args(["compare", "scenarios/rjh-2025-08.toml", "--paths", "60", "--horizon-months", "12"])
            .args(["--deposits", "--search-paths", "40", "--lang", lang, "--strategies"])
            .arg(&file)
            .arg("--out")
            .arg(&out)
            .assert()
            .success()
    };
    run("en")
        .stdout(predicate::str::contains("Consolidation ratio at least 100 % at the end of 2040"))
        .stdout(predicate::str::contains("P(≥100 % 2040)"))
        .stdout(predicate::str::contains("Deposit/yr for 75"))
        .stdout(predicate::str::contains("Expected deposit/yr"))
        .stdout(predicate::str::contains(
            "Least deposits among the strategies at least as likely as \"current\"",
        ))
        .stdout(predicate::str::contains("not computed").not());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("compare.json")).unwrap()).unwrap();
    let header = &json["obligations"];
    assert_eq!(header["target_year"], 2040);
    assert_eq!(header["paths"], 60);
    assert_eq!(header["deposit_search"]["paths"], 40);
    assert_eq!(header["deposit_search"]["probability"], 0.75);
    let s = json["strategies"].as_array().unwrap();
    let ob = |i: usize| &s[i]["obligations"];
    // "twin" is "current": exactly zero difference, width zero.
    let twin = &ob(1)["p_full_at_target"];
    assert_eq!(twin["value"], ob(0)["p_full_at_target"]["value"]);
    assert_eq!((twin["diff"].as_f64(), twin["diff_lo"].as_f64()), (Some(0.0), Some(0.0)));
    assert_eq!(ob(1)["deposits"]["yearly"], ob(0)["deposits"]["yearly"]);
    assert!(ob(2)["deposits"]["yearly"].as_f64().unwrap() > 0.0);
    // The rule checked weekly and the static mix run with the flows too.
    for i in [3, 4] {
        assert!(ob(i)["not_computed"].is_null(), "{}", s[i]);
        assert!(ob(i)["p_full_at_target"]["value"].as_f64().is_some(), "{}", s[i]);
        assert!(ob(i)["deposits"]["yearly"].as_f64().unwrap() > 0.0, "{}", s[i]);
        let need = &ob(i)["deposits"]["need"];
        assert!(need["diff_lo"].as_f64().unwrap() <= need["diff_hi"].as_f64().unwrap(), "{need}");
    }
    let csv = std::fs::read_to_string(out.join("compare.csv")).unwrap();
    assert_eq!(csv.lines().filter(|l| l.contains(",p_full_at_target,share,")).count(), 5);
    assert_eq!(csv.lines().filter(|l| l.contains(",deposit_yearly_p75,mkr,")).count(), 5);
    assert_eq!(csv.lines().filter(|l| l.contains(",deposit_expected_yearly,mkr,")).count(), 5);
    assert!(!csv.lines().any(|l| l.contains(",60/40,static,p_full_at_target,share,,,,,")), "{csv}");
    run("sv")
        .stdout(predicate::str::contains("Konsolideringsgrad minst 100 % vid utgången av 2040"))
        .stdout(predicate::str::contains(
            "Minst insättningar bland strategierna som minst lika ofta som \"current\"",
        ))
        .stdout(predicate::str::contains("ej beräknad").not());
    // Deposits need an [obligations] section.
    pensionsim()
        .args(["compare", "scenarios/bench-w1.toml", "--deposits", "--paths", "50", "--out"])
        .arg(dir.path().join("none"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--deposits: the scenario scenarios/bench-w1.toml has no [obligations] section",
        ));
    pensionsim()
        .args(["compare", "scenarios/bench-w1.toml", "--obligation-paths", "50", "--paths", "50", "--out"])
        .arg(dir.path().join("none"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--obligation-paths: the scenario scenarios/bench-w1.toml has no [obligations]",
        ));
    assert!(!dir.path().join("none").exists());
}

/// Path counts above their limit are refused, naming the option, the
/// value and the range, and nothing is computed or written.
#[test]
fn compare_refuses_path_counts_above_their_limit() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--obligation-paths", "51"],
            "--obligation-paths: expected 0 to 50 paths (at most --paths), found 51",
        ),
        (
            &["--search-paths", "51"],
            "--search-paths: expected 0 to 50 paths (at most --obligation-paths), found 51",
        ),
        (
            &["--obligation-paths", "20", "--search-paths", "30", "--deposits"],
            "--search-paths: expected 0 to 20 paths (at most --obligation-paths), found 30",
        ),
        (
            &["--obligation-paths", "0", "--search-paths", "1"],
            "--search-paths: expected 0 to 0 paths (at most --obligation-paths), found 1",
        ),
    ];
    for (args, message) in cases {
        pensionsim()
            .args(["compare", "scenarios/rjh-2025-08.toml", "--paths", "50", "--horizon-months", "12"])
            .args(args)
            .arg("--out")
            .arg(dir.path().join("none"))
            .assert()
            .code(2)
            .stderr(predicate::str::contains(message));
        assert!(!dir.path().join("none").exists(), "{args:?}");
    }
    pensionsim()
        .args(["compare", "scenarios/bench-w1.toml", "--search-paths", "5", "--paths", "50", "--out"])
        .arg(dir.path().join("none"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--search-paths: the scenario scenarios/bench-w1.toml has no [obligations]",
        ));
    pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "50", "--search-paths", "51", "--out"])
        .arg(dir.path().join("none"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--search-paths: expected 0 to 50 paths (at most --paths), found 51",
        ));
    assert!(!dir.path().join("none").exists());
}

#[test]
fn run_prints_the_liquidity_forecast_and_writes_its_files() {
    let dir = tempfile::tempdir().unwrap();
    pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "100", "--horizon-months", "36"])
        .args(["--search-paths", "0", "--out"])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Liquidity forecast"))
        .stdout(predicate::str::contains("Cash at each month-end 2025-09–2027-12 (100 paths"))
        .stdout(predicate::str::contains("Financing order: skip the deposit into the pension portfolio"))
        .stdout(predicate::str::contains("liquidity.csv, liquidity.svg, liquidity.png"));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("summary.json")).unwrap()).unwrap();
    let liquidity = &json["liquidity"];
    assert_eq!(liquidity["paths"], 100);
    assert_eq!(liquidity["months"].as_array().unwrap().len(), 28);
    let years = liquidity["years"].as_array().unwrap();
    assert_eq!(years.len(), 3);
    assert!((years[0]["plan_result"].as_f64().unwrap() + 420.0).abs() < 1e-9);
    assert!((years[0]["plan_debt"].as_f64().unwrap() - 590.0).abs() < 1e-9);
    assert_eq!(liquidity["quarters"].as_array().unwrap().len(), 10);
    let csv = std::fs::read_to_string(dir.path().join("liquidity.csv")).unwrap();
    assert_eq!(csv.lines().count(), 29);
    assert!(csv.starts_with("date,plan_cash,cash_mean,cash_p5"));
    for file in ["liquidity.png", "liquidity.svg"] {
        assert!(dir.path().join(file).is_file(), "{file}");
    }
    pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "20", "--horizon-months", "12"])
        .args(["--search-paths", "0", "--lang", "sv", "--out"])
        .arg(dir.path().join("sv"))
        .assert()
        .success()
        .stdout(predicate::str::contains("Likviditetsprognos"))
        .stdout(predicate::str::contains("Finansieringsordning: hoppa över insättningen"));
}

#[test]
fn the_plan_with_randomness_off_and_the_september_variant() {
    let dir = tempfile::tempdir().unwrap();
    let text = shipped_text().replace("randomness = true", "randomness = false");
    let path = dir.path().join("plan.toml");
    std::fs::write(&path, text).unwrap();
    let run = |variant: &str| {
        let out = dir.path().join(variant);
        pensionsim()
            .arg("run")
            .arg(&path)
            .args(["--paths", "20", "--horizon-months", "12", "--search-paths", "0", "--variant", variant])
            .arg("--out")
            .arg(&out)
            .assert()
            .success()
            .stdout(predicate::str::contains("randomness off: the plan"));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
        let year = json["liquidity"]["years"][0].clone();
        (year["plan_result"].as_f64().unwrap(), year["plan_debt"].as_f64().unwrap())
    };
    let (result, debt) = run("august");
    assert!((result + 420.0).abs() < 1e-9 && (debt - 590.0).abs() < 1e-9, "{result} {debt}");
    let (result, debt) = run("september");
    assert!((result + 420.0).abs() < 1e-9 && (debt - 490.0).abs() < 1e-9, "{result} {debt}");
}

#[test]
fn bad_liquidity_input_exits_2_naming_the_key_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let shipped_text = shipped_text();
    let cases: [(&str, &str, &str, &str); 6] = [
        ("cost_profile = [0.080,", "cost_profile = [0.085,", "`liquidity.cost_profile`", "summing to 1"),
        ("randomness = true", "randomness = true\noverdraft = -1", "`liquidity.overdraft`", "zero or more"),
        (
            "earmarked_months = [3, 5, 6, 9, 12]",
            "earmarked_months = [0, 5]",
            "earmarked_months[0]",
            "1 to 12",
        ),
        ("year = 2026\nsource", "year = 2028\nsource", "`liquidity.year`", "no row for 2026"),
        ("rules = [\"skip_deposit\",", "rules = [\"sell_hospital\",", "`liquidity.rules[0]`", "`borrow`"),
        ("[variant.august]", "[variant.august]", "`variant`", "august, september"),
    ];
    for (i, (from, to, key, expected)) in cases.iter().enumerate() {
        assert!(shipped_text.contains(from), "{from}");
        let path = dir.path().join(format!("bad{i}.toml"));
        std::fs::write(&path, shipped_text.replacen(from, to, 1)).unwrap();
        let out = dir.path().join(format!("out{i}"));
        let variant = if i == 5 { "october" } else { "august" };
        pensionsim()
            .arg("run")
            .arg(&path)
            .args(["--paths", "10", "--variant", variant, "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(*key))
            .stderr(predicate::str::contains(*expected));
        assert!(!out.exists(), "case {i} wrote {}", out.display());
    }
}

#[test]
fn validate_says_what_liquidity_it_read() {
    pensionsim()
        .args(["validate", "scenarios/rjh-2025-08.toml", "--variant", "september"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Planned new borrowing: 2025-09 50\u{a0}mkr, 2025-12 150\u{a0}mkr"))
        .stdout(predicate::str::contains(
            "liquidity: 28 months from 304.7 mkr of cash, 3 budget years and the year to date, rules skip_deposit, overdraft, borrow, withdraw, randomness on",
        ));
}

/// The shipped calibration's series, as docs/market-model.md gives them.
const CALIBRATION_SERIES: [&str; 5] = [
    "swedish_equity=data/se_equity_monthly_1901_2013.csv:se_stock_total_return_index_1901m10_eq_1",
    "global_equity=data/sp500_daily_1950_2018.csv:close",
    "sek_per_usd=data/sek_per_usd_daily_1971_2025.csv:sek_per_usd",
    "short_rate=data/se_short_rate_monthly_1856_2012.csv:se_short_rate_pct_pa",
    "inflation=data/se_cpi_annual_1290_2014.csv:se_cpi_inflation_index_1914_eq_100",
];

#[test]
fn calibrate_fits_the_shipped_data_and_its_block_pastes_into_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("cal");
    let mut cmd = pensionsim();
    cmd.arg("calibrate");
    for s in CALIBRATION_SERIES {
        cmd.args(["--series", s]);
    }
    cmd.args(["--dividend-yield", "global_equity=0.03", "--from", "1971-01-01", "--to", "2012-12-31"])
        .args(["--scenario", "scenarios/rjh-2025-08.toml", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("503 months").and(predicate::str::contains("← used")));
    for f in ["market.toml", "calibration.json", "regimes.png", "regimes.svg"] {
        assert!(out.join(f).is_file(), "{f}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("calibration.json")).unwrap()).unwrap();
    assert_eq!(json["regimes"].as_array().unwrap().len(), 2, "BIC picks two regimes on 1971-2012");
    assert!(json["regimes"][1]["swedish_equity"]["vol"].as_f64().unwrap() > 0.25);
    assert_eq!(json["by_regimes"].as_array().unwrap().len(), 3);
    // The block replaces the scenario's [market] (up to its first
    // [[market.regime]]'s end: the whole block) and validates.
    let scenario = shipped_text();
    let start = scenario.find("[market]\n").unwrap();
    let end = scenario.find("[debt]\n").unwrap();
    let block = std::fs::read_to_string(out.join("market.toml")).unwrap();
    let pasted = format!("{}{block}\n{}", &scenario[..start], &scenario[end..]);
    let path = dir.path().join("pasted.toml");
    std::fs::write(&path, pasted).unwrap();
    pensionsim().arg("validate").arg(&path).assert().success();
}

#[test]
fn calibrate_check_sets_the_scenario_beside_the_given_history() {
    pensionsim()
        .args(["calibrate", "--check", "scenarios/rjh-2025-08.toml", "--lang", "sv"])
        .args(["--series", CALIBRATION_SERIES[0]])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("Modell och historia").and(predicate::str::contains("Svenska aktier")),
        );
}

#[test]
fn calibrate_errors_name_the_factor_the_file_and_what_was_expected() {
    pensionsim()
        .args(["calibrate", "--series", "bonds=data/se_cpi_annual_1290_2014.csv"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("unknown factor \"bonds\"")
                .and(predicate::str::contains("swedish_equity")),
        );
    pensionsim()
        .args(["calibrate", "--series", "swedish_equity=data/se_equity_monthly_1901_2013.csv:nope"])
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("se_equity_monthly_1901_2013.csv")
                .and(predicate::str::contains("`nope`")),
        );
    // Daily and monthly series that share too few months.
    pensionsim()
        .args(["calibrate", "--series", CALIBRATION_SERIES[0], "--series", CALIBRATION_SERIES[2]])
        .args(["--from", "2012-01-01", "--to", "2012-12-31", "--out"])
        .arg(tempfile::tempdir().unwrap().path().join("x"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("at least 36 months"));
}

/// Every probability in `summary.json` has its 95 % interval beside it,
/// around the estimate, and one that no path hit prints as a bound.
#[test]
fn every_probability_has_an_interval_and_no_hits_print_as_a_bound() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run = pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "200", "--horizon-months", "12"])
        .args(["--variance-reduction", "off", "--search-paths", "0", "--out"])
        .arg(&out)
        .assert()
        .success();
    let stdout = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    // Under the default antithetic pairs no hit in 200 paths is no hit in
    // 100 independent pairs: the bound is the pairs', 1 - 0.025^(1/100).
    let paired = pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "200", "--horizon-months", "12"])
        .args(["--search-paths", "0", "--out"])
        .arg(dir.path().join("paired"))
        .assert()
        .success();
    let paired = String::from_utf8(paired.get_output().stdout.clone()).unwrap();
    let line = paired.lines().find(|l| l.starts_with("Floor breach within 12 months")).unwrap();
    assert!(line.contains("< 3.7\u{a0}%"), "{line}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let portfolio = json["portfolio"].as_object().unwrap();
    let mut checked = 0;
    for (key, value) in portfolio {
        let Some(p) = value.as_f64() else { continue };
        if !key.starts_with("p_") || key.ends_with("_se") {
            continue;
        }
        let ci = portfolio.get(&format!("{key}_ci")).and_then(|c| c.as_array()).unwrap_or_else(|| {
            panic!("{key} has no {key}_ci");
        });
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(lo <= p && p <= hi && (0.0..=1.0).contains(&lo) && hi <= 1.0, "{key}: {lo} {p} {hi}");
        checked += 1;
    }
    assert!(checked >= 5, "{checked} probabilities checked");
    // A year on the shipped scenario: no path falls under the floor, and
    // the table says "under the interval's upper end", not "0.0 %".
    assert_eq!(portfolio["p_breach_12m"].as_f64(), Some(0.0));
    let line = stdout.lines().find(|l| l.starts_with("Floor breach within 12 months")).unwrap();
    assert!(line.contains("< 1.9\u{a0}%") && !line.contains("0.0 %"), "{line}");
    for level in ["p5", "p50", "p95"] {
        let [lo, hi] = [0, 1].map(|i| portfolio["final_value_ci"][level][i].as_f64().unwrap());
        let q = portfolio["final_value"][level].as_f64().unwrap();
        assert!(lo <= q && q <= hi, "final_value {level}: {lo} {q} {hi}");
    }
    assert!(stdout.contains("Precision: each figure rests on 200 paths"), "{stdout}");
}
