//! `run --export-scenarios`: the scenario set read back as a consultant
//! would (the `.npy` with `ndarray_npy::read_npy`, the CSV as text), its
//! figures reproducing the run's own `summary.json`, the two files
//! agreeing to the bit, and the memory check refusing a set too large.

#![allow(
    clippy::disallowed_methods,
    reason = "a reader's own figures, in the platform's arithmetic as NumPy's"
)]

use std::path::Path;

use assert_cmd::Command;
use ndarray::{Array3, s};
use predicates::prelude::*;

const VARIABLES: [&str; 11] = [
    "swedish_equity",
    "global_equity_sek",
    "sek_per_usd",
    "fixed_income",
    "short_rate",
    "credit_spread",
    "inflation",
    "price_index",
    "regime",
    "portfolio_value",
    "equity_share",
];

fn var(name: &str) -> usize {
    VARIABLES.iter().position(|v| *v == name).unwrap()
}

fn pensionsim() -> Command {
    let mut cmd = Command::cargo_bin("pensionsim").expect("the binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// `run` on the shipped scenario, `paths` paths over `months` months,
/// writing its folder to `out` and the scenario set to `file`.
fn export(paths: usize, months: usize, out: &Path, file: &Path, extra: &[&str]) -> String {
    let output = pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--seed", "3", "--search-paths", "0"])
        .args(["--paths", &paths.to_string(), "--horizon-months", &months.to_string()])
        .args(extra)
        .arg("--out")
        .arg(out)
        .arg("--export-scenarios")
        .arg(file)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn summary(out: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap()
}

/// The type 7 quantile (R's default, NumPy's `linear`) of sorted `xs`.
fn quantile(xs: &[f64], p: f64) -> f64 {
    let h = (xs.len() - 1) as f64 * p;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(xs.len() - 1);
    xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo])
}

fn sorted(mut xs: Vec<f64>) -> Vec<f64> {
    xs.sort_by(f64::total_cmp);
    xs
}

/// `a` and `b` the same figure to summary.json's precision (it writes
/// every bit; the sums may run in another order).
fn same(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1e-300), "{what}: export {a}, summary {b}");
}

/// A CSV row: path, month, date and the figures.
type Row = (usize, usize, String, Vec<f64>);

/// The set's CSV parsed: a header and a row of figures a path and month.
fn read_csv(path: &Path) -> (Vec<String>, Vec<Row>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(str::to_string).collect();
    let rows = lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            let figures = cells[3..].iter().map(|c| c.parse::<f64>().unwrap()).collect();
            (cells[0].parse().unwrap(), cells[1].parse().unwrap(), cells[2].to_string(), figures)
        })
        .collect();
    (header, rows)
}

/// The export's final values, 12-month returns and final equity shares
/// give `summary.json`'s final-value quantiles and mean, the 12-month
/// VaR and CVaR (the worst 5 % of paths, a share of paths below a level),
/// the mean nominal and real annual returns, and `month_quantiles.csv`'s
/// median equity share at the horizon (read from bins of 0.1 points).
#[test]
fn the_exported_paths_reproduce_the_runs_summary() {
    let dir = tempfile::tempdir().unwrap();
    let (n, months) = (120, 24);
    let out = dir.path().join("out");
    // Plain paths: under variance reduction (the default) the mean returns
    // are control-variate estimates, not the set's plain means.
    let printed = export(n, months, &out, &dir.path().join("sets/rjh"), &["--variance-reduction", "off"]);
    assert!(printed.contains("The scenario set:"), "{printed}");
    assert!(printed.contains("(120 paths × 25 month ends × 11 variables)"), "{printed}");
    let set: Array3<f64> = ndarray_npy::read_npy(dir.path().join("sets/rjh.npy")).unwrap();
    assert_eq!(set.dim(), (n, months + 1, VARIABLES.len()));
    let json = summary(&out);
    let p = &json["portfolio"];
    let start = p["start_value"].as_f64().unwrap();
    let value = var("portfolio_value");
    assert!(set.slice(s![.., 0, value]).iter().all(|&v| v == start));

    let finals = sorted(set.slice(s![.., months, value]).to_vec());
    for (q, level) in [("p1", 0.01), ("p5", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)]
    {
        same(quantile(&finals, level), p["final_value"][q].as_f64().unwrap(), q);
    }
    same(finals.iter().sum::<f64>() / n as f64, p["final_value"]["mean"].as_f64().unwrap(), "mean");

    let returns = sorted(set.slice(s![.., 12, value]).iter().map(|v| v / start - 1.0).collect());
    let k = (n as f64 * 0.05).ceil() as usize;
    let var95 = p["var95_12m_return"].as_f64().unwrap();
    same(returns[k - 1], var95, "var95_12m_return");
    assert_eq!(returns.iter().filter(|&&r| r <= var95).count(), k, "paths at or below the VaR");
    same(returns[..k].iter().sum::<f64>() / k as f64, p["cvar95_12m_return"].as_f64().unwrap(), "cvar95");

    let years = months as f64 / 12.0;
    let yearly = |growth: f64| growth.powf(1.0 / years) - 1.0;
    let index = var("price_index");
    let nominal: f64 = (0..n).map(|i| yearly(set[[i, months, value]] / start)).sum::<f64>() / n as f64;
    let real: f64 =
        (0..n).map(|i| yearly(set[[i, months, value]] / start / set[[i, months, index]])).sum::<f64>()
            / n as f64;
    same(nominal, p["mean_annual_return"].as_f64().unwrap(), "mean_annual_return");
    same(real, p["mean_annual_real_return"].as_f64().unwrap(), "mean_annual_real_return");

    let shares = sorted(set.slice(s![.., months, var("equity_share")]).to_vec());
    let quantiles = std::fs::read_to_string(out.join("month_quantiles.csv")).unwrap();
    let last = quantiles
        .lines()
        .find(|l| l.starts_with(&format!("{months},")) && l.contains(",equity_share,"))
        .unwrap();
    let binned: f64 = last.split(',').nth(6).unwrap().parse().unwrap();
    let median = quantile(&shares, 0.5);
    assert!((median - binned).abs() <= 0.002, "median equity share {median}, binned {binned}");
}

/// The CSV holds the `.npy`'s every figure, to the bit, a row a path and
/// month end with its date; under variance reduction too (antithetic
/// pairs are ordinary paths), and inside the output folder the files
/// arrive with it.
#[test]
fn the_csv_and_the_npy_agree_and_variance_reduction_exports_too() {
    let dir = tempfile::tempdir().unwrap();
    let (n, months) = (18, 13);
    let out = dir.path().join("out");
    export(n, months, &out, &out.join("set.npy"), &["--variance-reduction", "on"]);
    let set: Array3<f64> = ndarray_npy::read_npy(out.join("set.npy")).unwrap();
    let (header, rows) = read_csv(&out.join("set.csv"));
    let mut want = vec!["path".to_string(), "month".to_string(), "date".to_string()];
    want.extend(VARIABLES.iter().map(|v| v.to_string()));
    assert_eq!(header, want);
    assert_eq!(rows.len(), n * (months + 1));
    for (r, (path, month, date, figures)) in rows.iter().enumerate() {
        assert_eq!((*path, *month), (r / (months + 1), r % (months + 1)));
        for (v, x) in figures.iter().enumerate() {
            assert_eq!(x.to_bits(), set[[*path, *month, v]].to_bits(), "path {path}, month {month}, {v}");
        }
        let expected = match month {
            0 => "2025-08-31",
            1 => "2025-09-30",
            4 => "2025-12-31",
            13 => "2026-09-30",
            _ => continue,
        };
        assert_eq!(date, expected);
    }
    let json = summary(&out);
    let finals = sorted(set.slice(s![.., months, var("portfolio_value")]).to_vec());
    same(quantile(&finals, 0.5), json["portfolio"]["final_value"]["p50"].as_f64().unwrap(), "p50");
    // An antithetic pair's second path mirrors the first's Swedish equity.
    let sw = var("swedish_equity");
    assert!(set[[0, 1, sw]].ln() * set[[1, 1, sw]].ln() < 0.0, "{} {}", set[[0, 1, sw]], set[[1, 1, sw]]);
    // The same seed without the export gives the same summary.
    let plain = dir.path().join("plain");
    let output = pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--seed", "3", "--search-paths", "0", "--paths", "18"])
        .args(["--horizon-months", "13", "--variance-reduction", "on", "--out"])
        .arg(&plain)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert_eq!(summary(&plain)["portfolio"], json["portfolio"]);
}

#[test]
fn an_export_too_large_for_memory_is_refused_before_the_run() {
    let dir = tempfile::tempdir().unwrap();
    pensionsim()
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "1000000", "--horizon-months", "1200"])
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--export-scenarios")
        .arg(dir.path().join("set"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--export-scenarios: 1000000 paths × 1201 month ends × 11 variables",
        ))
        .stderr(predicate::str::contains("--paths"))
        .stderr(predicate::str::contains("--horizon-months"));
    assert!(!dir.path().join("out").exists() && !dir.path().join("set.npy").exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "nothing left behind");
}
