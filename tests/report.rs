//! `pensionsim report` as a user runs it: the golden files of a small
//! scenario, the page's self-containment, the shipped example in
//! `reports/`, bad input, and an old report folder surviving a failed run.
//!
//! `UPDATE_GOLDEN=1 cargo test report` rewrites the golden files and the
//! shipped example instead of comparing against them.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use pensionsim::report::table::Table;
use predicates::prelude::*;

fn pensionsim() -> Command {
    let mut cmd = Command::cargo_bin("pensionsim").expect("the binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

const SMALL: &str = "tests/golden/report/small.toml";

/// The shipped example's command, as docs/report.md and README.md give it.
const EXAMPLE: [&str; 10] = [
    "report",
    "scenarios/rjh-2025-08.toml",
    "--period",
    "2025T2",
    "--lang",
    "sv",
    "--paths",
    "500",
    "--out",
    "reports/2025T2",
];

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Runs `args` with `--out` replaced by a fresh folder; returns the folder
/// (kept alive by the `TempDir`).
fn report_into(args: &[&str], out_as: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("report");
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let i = args.iter().position(|a| a == "--out").unwrap();
    args[i + 1] = out.display().to_string();
    pensionsim().args(&args).assert().success();
    // The method section names the folder; the golden files name `out_as`.
    for name in ["report.md", "report.json"] {
        let path = out.join(name);
        let text = std::fs::read_to_string(&path).unwrap().replace(&out.display().to_string(), out_as);
        std::fs::write(&path, text).unwrap();
    }
    (tmp, out)
}

/// Compares `got` with the file `expected`, or rewrites it when updating;
/// a difference shows the first differing lines.
fn golden(got: &str, expected: &Path) {
    if updating() {
        std::fs::create_dir_all(expected.parent().unwrap()).unwrap();
        std::fs::write(expected, got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(expected)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", expected.display()));
    if got == want {
        return;
    }
    let (g, w): (Vec<&str>, Vec<&str>) = (got.lines().collect(), want.lines().collect());
    let first = (0..g.len().max(w.len())).find(|&i| g.get(i) != w.get(i)).unwrap_or(0);
    let mut diff = String::new();
    for i in first..(first + 5).min(g.len().max(w.len())) {
        diff.push_str(&format!(
            "line {}:\n  expected: {}\n  got:      {}\n",
            i + 1,
            w.get(i).unwrap_or(&"<end of file>"),
            g.get(i).unwrap_or(&"<end of file>")
        ));
    }
    panic!(
        "{} differs from this run (UPDATE_GOLDEN=1 cargo test report rewrites it if the change is meant):\n{diff}",
        expected.display()
    );
}

#[test]
fn the_small_scenarios_report_matches_its_golden_files() {
    let args = ["report", SMALL, "--period", "2025T2", "--lang", "sv", "--out", "OUT"];
    let (_tmp, out) = report_into(&args, "OUT");
    let dir = root().join("tests/golden/report");
    golden(&std::fs::read_to_string(out.join("report.md")).unwrap(), &dir.join("report.md"));
    golden(&std::fs::read_to_string(out.join("debt-maturity.svg")).unwrap(), &dir.join("debt-maturity.svg"));
    // Every table is a CSV file and every chart a PNG beside the page.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for link in md.split("](").skip(1) {
        let name = &link[..link.find(')').unwrap()];
        assert!(out.join(name).is_file(), "report.md links {name}, which is not there");
    }
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).unwrap()).unwrap();
    for table in json["tables"].as_array().unwrap() {
        let name = table["name"].as_str().unwrap();
        assert!(out.join(format!("{name}.csv")).is_file(), "no {name}.csv");
    }
    assert_eq!(json["comparison"]["shown"]["strategies"].as_array().unwrap().len(), 2);
    assert_eq!(json["stress"]["missing"], "no_stress_library");
}

#[test]
fn the_page_names_no_address_and_holds_every_chart() {
    let args = ["report", SMALL, "--period", "2025T2", "--lang", "en", "--out", "OUT"];
    let (_tmp, out) = report_into(&args, "OUT");
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let lower = html.to_lowercase();
    for bad in ["http:", "https:", "<link", "<script", "src=", "url(", "<img", "@import", "href="] {
        assert!(!lower.contains(bad), "report.html contains `{bad}`");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let charts = md.matches("![").count();
    assert_eq!(charts, 5, "fan, consolidation, debt maturity and interest, liquidity");
    assert_eq!(html.matches("<svg").count(), charts, "every chart inline");
    assert!(html.contains("<title>Financial risk report 2025T2"));

    // The workbook holds the numbers of the tables report.json lists (the
    // folder named as the run named it).
    let text = std::fs::read_to_string(out.join("report.json")).unwrap();
    let text = text.replace("--out OUT", &format!("--out {}", out.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let tables: Vec<Table> = serde_json::from_value(json["tables"].clone()).unwrap();
    assert!(tables.len() > 5, "{} tables", tables.len());
    crate::workbook::assert_workbook_matches(&std::fs::read(out.join("report.xlsx")).unwrap(), &tables);

    // The PDF of the same document reads back as text, a page number on
    // every page.
    let pdf = lopdf::Document::load_mem(&std::fs::read(out.join("report.pdf")).unwrap()).unwrap();
    let pages = pdf.get_pages().len() as u32;
    assert!(pages > 3, "{pages} pages");
    let text = pdf.extract_text(&(1..=pages).collect::<Vec<_>>()).unwrap();
    assert!(text.contains("Financial risk report 2025T2"), "{text}");
    assert!(text.contains(&format!("Page {pages} of {pages}")), "{text}");

    // And a real browser opens the page: it loads, carries its title and
    // shows a chart.
    #[cfg(unix)]
    check_in_browser(&out, &html);
}

#[cfg(unix)]
fn check_in_browser(out: &Path, html: &str) {
    let title = &html[html.find("<title>").unwrap() + 7..html.find("</title>").unwrap()];
    let title = title.replace("&amp;", "&");
    if let Some(png) = crate::browser::check_page(&out.join("report.html"), &title).unwrap() {
        let shot = root().join("target/tmp/report-page.png");
        std::fs::create_dir_all(shot.parent().unwrap()).unwrap();
        std::fs::write(shot, png).unwrap();
    }
}

#[test]
fn the_shipped_example_is_current() {
    if updating() {
        // The documented command itself, into the shipped folder, so
        // every file names the folder as a user's run would.
        pensionsim().args(EXAMPLE).assert().success();
        return;
    }
    let (_tmp, out) = report_into(&EXAMPLE, "reports/2025T2");
    let shipped = root().join("reports/2025T2");
    for name in ["report.md", "report.json"] {
        golden(&std::fs::read_to_string(out.join(name)).unwrap(), &shipped.join(name));
    }
}

#[test]
fn an_unknown_period_form_is_refused() {
    pensionsim()
        .args(["report", SMALL, "--period", "2025H1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("YYYYT1").and(predicate::str::contains("2025H1")));
}

#[test]
fn a_period_without_the_valuation_date_is_refused_with_both_dates() {
    pensionsim().args(["report", SMALL, "--period", "2025Q4"]).assert().code(2).stderr(
        predicate::str::contains("2025-10-01")
            .and(predicate::str::contains("2025-12-31"))
            .and(predicate::str::contains("2025-08-31")),
    );
}

#[test]
fn an_output_folder_that_cannot_be_written_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    for out in [file.clone(), file.join("report")] {
        pensionsim()
            .args(["report", SMALL, "--period", "2025T2", "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("output folder"));
    }
}

/// The small scenario without its `[market]`, `[[market.regime]]`s,
/// `[obligations]` and `[liquidity]` (which need a market) and
/// `[[strategy]]`s, in `dir`.
fn without_market(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join(SMALL)).unwrap();
    let mut kept = String::new();
    let mut skipping = false;
    for line in text.lines() {
        if line.starts_with('[') {
            skipping = line.starts_with("[market")
                || line.starts_with("[[market")
                || line == "[obligations]"
                || line.starts_with("[liquidity")
                || line.starts_with("[[liquidity")
                || line == "[[strategy]]";
        }
        if !skipping {
            kept.push_str(line);
            kept.push('\n');
        }
    }
    let path = dir.join("no-market.toml");
    std::fs::write(&path, kept).unwrap();
    path
}

#[test]
fn a_scenario_without_a_market_says_what_is_left_out_or_fails_when_the_part_is_required() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = without_market(tmp.path());
    let out = tmp.path().join("report");
    pensionsim()
        .args(["report", "--period", "2025T2", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success()
        .stdout(predicate::str::contains("risk: The scenario has no [market]"));
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("Equity share against the cap") && md.contains("no [market]"));
    pensionsim()
        .args(["report", "--require", "debt,risk", "--period", "2025T2", "--out"])
        .arg(tmp.path().join("required"))
        .arg(&scenario)
        .assert()
        .code(2)
        .stderr(
            predicate::str::contains("--require")
                .and(predicate::str::contains("the risk part needs [market]"))
                .and(predicate::str::contains("the debt part").not()),
        );
    let left: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert!(!tmp.path().join("required").exists(), "nothing written: {left:?}");
    assert_eq!(left.len(), 2, "only the scenario and the first report: {left:?}");
}

#[test]
fn a_failed_run_leaves_the_old_report_and_a_good_one_replaces_it_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("scenario.toml");
    std::fs::copy(root().join(SMALL), &scenario).unwrap();
    let out = tmp.path().join("report");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("report.json"), "the previous report").unwrap();
    // A stress library whose file is broken: the run fails after the
    // new folder is begun.
    std::fs::create_dir(tmp.path().join("stress")).unwrap();
    std::fs::write(tmp.path().join("stress/broken.toml"), "name = 3\n").unwrap();
    let run = |out: &Path| {
        let mut cmd = pensionsim();
        cmd.args(["report", "--period", "2025T2", "--out"]).arg(out).arg(&scenario);
        cmd.assert()
    };
    run(&out).code(2).stderr(predicate::str::contains("broken.toml"));
    assert_eq!(std::fs::read_to_string(out.join("report.json")).unwrap(), "the previous report");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 1);
    let siblings = || std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(siblings(), 3, "scenario, stress and report only: no temporary folder left");

    std::fs::remove_dir_all(tmp.path().join("stress")).unwrap();
    run(&out).success();
    assert!(std::fs::read_to_string(out.join("report.json")).unwrap().starts_with('{'), "the new report");
    assert!(out.join("report.html").is_file());
    assert_eq!(siblings(), 2, "scenario and report only");
}

#[test]
fn a_folder_that_holds_no_report_is_not_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("notes");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("minutes.txt"), "the board's minutes").unwrap();
    pensionsim()
        .args(["report", SMALL, "--period", "2025T2", "--out"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("holds no report"));
    assert_eq!(std::fs::read_to_string(out.join("minutes.txt")).unwrap(), "the board's minutes");
}
