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
        .stdout(predicate::str::contains("Margin to floor              12.3\u{a0}%"))
        .stdout(predicate::str::contains("Maximum equity share         53.6\u{a0}%"))
        .stdout(predicate::str::contains("1,295.2\u{a0}mkr"))
        .stdout(predicate::str::contains("hold: no trade required"));
}

#[test]
fn validate_speaks_swedish() {
    pensionsim()
        .args(["validate", "scenarios/rjh-2025-08.toml", "--lang", "sv"])
        .assert()
        .success()
        .stdout(predicate::str::contains("Riskmarginal"))
        .stdout(predicate::str::contains("12,3\u{a0}%"))
        .stdout(predicate::str::contains("Skyddsnivå                       1\u{a0}295,2\u{a0}mkr"))
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
    let text = std::fs::read_to_string(shipped())
        .unwrap()
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
        .stderr(predicate::str::contains("bad.toml:42:11: `portfolio.asset_class[1].holding`: expected a holding in mkr, zero or more, found -392.69"))
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
            "--out",
        ])
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("Monte Carlo: 200 framtider, 12 månader"))
        .stdout(predicate::str::contains("Under skyddsnivån inom 12 månader"))
        .stdout(predicate::str::contains("± medelfel"))
        .stdout(predicate::str::contains("Oktober 1987"));
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
        .stdout(predicate::str::contains("simulation: 100000 paths, 120 months, seed 1"));
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
