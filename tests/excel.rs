//! The analyst's files as Swedish Excel makes them, through `run`,
//! `suggest` and `replay`: workbooks with named sheets, real date cells and
//! number cells (built here with rust_xlsxwriter), and CSV exported with
//! `;`, decimal commas, a byte-order mark or Windows-1252
//! (`tests/fixtures/excel/`). Each must give the figures the shipped
//! scenario's own tables give, say what was detected, and name the file,
//! sheet, row and column of every bad value.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

fn pensionsim() -> Command {
    let mut cmd = Command::cargo_bin("pensionsim").expect("the binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/excel").join(name)
}

/// The shipped scenario's month-ends, as `(date, value)`.
fn month_ends() -> Vec<(chrono::NaiveDate, f64)> {
    let text = std::fs::read_to_string(fixture("historik.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| *l != ";")
        .map(|l| {
            let (d, v) = l.split_once(';').unwrap();
            let v = v.replace(['\u{a0}', ' '], "").replace(',', ".");
            (d.parse().unwrap(), v.parse().unwrap())
        })
        .collect()
}

fn date_cell(sheet: &mut Worksheet, row: u32, col: u16, d: chrono::NaiveDate) {
    use chrono::Datelike;
    let format = Format::new().set_num_format("yyyy-mm-dd");
    let cell = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8).unwrap();
    sheet.write_datetime_with_format(row, col, &cell, &format).unwrap();
}

/// One workbook as the region keeps it: a cover sheet first, then
/// "Innehav" (holdings, number cells) and "Historik" (month-ends, date
/// cells and number cells).
fn region_workbook(dir: &Path) -> PathBuf {
    let mut book = Workbook::new();
    let cover = book.add_worksheet();
    cover.set_name("Översikt").unwrap();
    cover.write_string(0, 0, "Pensionsmedel 31 augusti 2025").unwrap();
    let holdings = book.add_worksheet();
    holdings.set_name("Innehav").unwrap();
    holdings.write_string(0, 0, "asset_class").unwrap();
    holdings.write_string(0, 1, "holding_mkr").unwrap();
    for (i, (name, mkr)) in
        [("swedish_equity", 261.80), ("global_equity", 392.69), ("fixed_income", 822.91)].iter().enumerate()
    {
        holdings.write_string(i as u32 + 1, 0, *name).unwrap();
        holdings.write_number(i as u32 + 1, 1, *mkr).unwrap();
    }
    let history = book.add_worksheet();
    history.set_name("Historik").unwrap();
    history.write_string(0, 0, "date").unwrap();
    history.write_string(0, 1, "value_mkr").unwrap();
    for (i, (d, v)) in month_ends().into_iter().enumerate() {
        date_cell(history, i as u32 + 1, 0, d);
        history.write_number(i as u32 + 1, 1, v).unwrap();
    }
    let path = dir.join("pensionsmedel.xlsx");
    book.save(&path).unwrap();
    path
}

/// suggest.json's figures, less the names of the files read.
fn suggestion(out: &Path) -> serde_json::Value {
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("suggest.json")).unwrap()).unwrap();
    if let Some(o) = json.as_object_mut() {
        for key in ["holdings_file", "history_file", "elapsed_seconds"] {
            o.remove(key);
        }
    }
    json
}

fn suggest(dir: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    pensionsim()
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--paths", "200", "--out"])
        .arg(dir)
        .args(extra)
        .assert()
}

#[test]
fn suggest_reads_a_workbooks_named_sheets_as_the_scenarios_own_tables() {
    let dir = tempfile::tempdir().unwrap();
    let book = region_workbook(dir.path());
    let book = book.to_str().unwrap();
    suggest(&dir.path().join("plain"), &[]).success();
    suggest(
        &dir.path().join("book"),
        &[
            "--holdings",
            book,
            "--holdings-sheet",
            "Innehav",
            "--history",
            book,
            "--history-sheet",
            "Historik",
            "--date",
            "31/08/2025",
        ],
    )
    .success()
    .stderr(predicate::str::contains("warning").not())
    .stdout(predicate::str::contains("Suggestion under the dynamic risk principle, 2025-08-31"));
    assert_eq!(suggestion(&dir.path().join("book")), suggestion(&dir.path().join("plain")));
}

#[test]
fn suggest_reads_swedish_csv_exports_and_says_what_it_detected() {
    let dir = tempfile::tempdir().unwrap();
    suggest(&dir.path().join("plain"), &[]).success();
    let (holdings, history) = (fixture("innehav.csv"), fixture("historik.csv"));
    suggest(
        &dir.path().join("csv"),
        &["--holdings", holdings.to_str().unwrap(), "--history", history.to_str().unwrap(), "--date", "20250831"],
    )
    .success()
    .stderr(predicate::str::contains(
        "innehav.csv: read with ';' as separator and ',' as decimal mark, in UTF-8 with a byte-order mark (Swedish Excel export)",
    ))
    .stderr(predicate::str::contains(
        "historik.csv: read with ';' as separator and ',' as decimal mark (Swedish Excel export)",
    ));
    assert_eq!(suggestion(&dir.path().join("csv")), suggestion(&dir.path().join("plain")));
}

#[test]
fn a_bad_cell_in_a_sheet_is_named_by_file_sheet_cell_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Innehav").unwrap();
    for (col, name) in ["asset_class", "holding_mkr"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "swedish_equity").unwrap();
    sheet.write_number(1, 1, 261.8).unwrap();
    sheet.write_string(2, 0, "global_equity").unwrap();
    sheet.write_string(2, 1, "cirka 400").unwrap();
    sheet.write_string(3, 0, "fixed_income").unwrap();
    date_cell(sheet, 3, 1, chrono::NaiveDate::from_ymd_opt(2025, 8, 31).unwrap());
    let path = dir.path().join("innehav.xlsx");
    book.save(&path).unwrap();
    suggest(&dir.path().join("out"), &["--holdings", path.to_str().unwrap()])
        .code(2)
        .stderr(predicate::str::contains(
            "innehav.xlsx: sheet \"Innehav\", cell B3: `holding_mkr`: expected a holding in mkr, zero or more, found \"cirka 400\"",
        ))
        .stderr(predicate::str::contains(
            "innehav.xlsx: sheet \"Innehav\", cell B4: `holding_mkr`: expected a holding in mkr, zero or more, found 2025-08-31 (a date cell)",
        ));
    suggest(&dir.path().join("out"), &["--holdings", path.to_str().unwrap(), "--holdings-sheet", "Blad1"])
        .code(2)
        .stderr(predicate::str::contains(
            "innehav.xlsx: `--holdings-sheet`: expected one of the workbook's sheets \"Innehav\", found \"Blad1\"",
        ));
}

#[test]
fn a_date_on_the_command_line_names_the_forms_it_reads() {
    let dir = tempfile::tempdir().unwrap();
    suggest(dir.path(), &["--date", "05/08/2025"]).code(2).stderr(predicate::str::contains(
        "expected a date as YYYY-MM-DD (2025-08-31), found \"05/08/2025\": day and month could be either way round (5 August 2025 or 8 May 2025)",
    ));
    pensionsim()
        .args(["replay", "--prices", "data/djia_daily_1885_2023.csv", "--from", "aug 2008"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("expected a date as YYYY-MM-DD (2025-08-31), found \"aug 2008\""))
        .stderr(predicate::str::contains("YYYYMMDD (20250831)"));
}

/// A month of flat prices then a 40 % crash, as `(date, price)`.
fn crash() -> Vec<(chrono::NaiveDate, f64)> {
    let mut day = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    (0..60)
        .map(|i| {
            day = day.succ_opt().unwrap();
            (day, if i >= 40 { 60.0 } else { 100.5 })
        })
        .collect()
}

fn replay(prices: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    pensionsim()
        .args(["replay", "--daily", "--prices"])
        .arg(prices)
        .args(extra)
        .arg("--out")
        .arg(out)
        .assert()
}

#[test]
fn replay_reads_prices_from_a_sheet_and_from_a_swedish_csv() {
    let dir = tempfile::tempdir().unwrap();
    let mut plain = String::from("date,close\n");
    let mut swedish = String::from("Datum;Stängning\r\n");
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Kurser").unwrap();
    sheet.write_string(0, 0, "Datum").unwrap();
    sheet.write_string(0, 1, "Stängning").unwrap();
    for (i, (d, p)) in crash().into_iter().enumerate() {
        plain.push_str(&format!("{d},{p}\n"));
        swedish.push_str(&format!("{d};{}\r\n", format!("{p:.2}").replace('.', ",")));
        date_cell(sheet, i as u32 + 1, 0, d);
        sheet.write_number(i as u32 + 1, 1, p).unwrap();
    }
    let paths = ["plain.csv", "swedish.csv", "kurser.xlsx"].map(|n| dir.path().join(n));
    std::fs::write(&paths[0], plain).unwrap();
    std::fs::write(&paths[1], swedish).unwrap();
    book.save(&paths[2]).unwrap();

    let columns = ["--date-col", "Datum", "--price-col", "Stängning"];
    let expected = String::from_utf8(
        replay(&paths[0], &dir.path().join("a"), &[]).success().get_output().stdout.clone(),
    )
    .unwrap();
    let daily =
        |s: &str| s.lines().filter(|l| l.starts_with("2020-")).map(str::to_string).collect::<Vec<_>>();
    let from_csv =
        replay(&paths[1], &dir.path().join("b"), &columns).success().stderr(predicate::str::contains(
            "swedish.csv: read with ';' as separator and ',' as decimal mark (Swedish Excel export)",
        ));
    let from_csv = String::from_utf8(from_csv.get_output().stdout.clone()).unwrap();
    let mut args = columns.to_vec();
    args.extend(["--sheet", "Kurser"]);
    let from_book = replay(&paths[2], &dir.path().join("c"), &args).success();
    let from_book = String::from_utf8(from_book.get_output().stdout.clone()).unwrap();
    assert!(daily(&expected).len() >= 50, "{expected}");
    assert_eq!(daily(&from_csv), daily(&expected));
    assert_eq!(daily(&from_book), daily(&expected));

    // The header read as one column says so, instead of only `--date-col`.
    std::fs::write(&paths[0], "date|close\n2020-01-02|1\n").unwrap();
    replay(&paths[0], &dir.path().join("d"), &[])
        .code(2)
        .stderr(predicate::str::contains("found the columns `date|close`"))
        .stderr(predicate::str::contains(
            "the header reads as one column: separate the columns with ',', ';' or a tab",
        ));
}

/// The shipped scenario's text, its `[market.history]` series named by
/// absolute path, so that a copy in another folder still finds them.
fn shipped_text() -> String {
    let data = root().join("data");
    std::fs::read_to_string(root().join("scenarios/rjh-2025-08.toml"))
        .unwrap()
        .replace("\"../data/", &format!("\"{}/", data.display()))
}

/// The shipped scenario with its history and loans in `history` and
/// `loans` (with their sheets) instead of inline.
fn scenario_with_files(dir: &Path, history: &str, loans: &str) -> PathBuf {
    let text = shipped_text();
    let start = text.find("month_ends = [").unwrap();
    let end = start + text[start..].find("]\n").unwrap() + 2;
    let text = format!("{}{history}\n{}", &text[..start], &text[end..]);
    let first_loan = text.find("[[debt.loan]]").unwrap();
    let after = text.find("# New borrowing").unwrap();
    let text = format!("{}{}", &text[..first_loan], &text[after..]).replacen(
        "[debt]\n",
        &format!("[debt]\n{loans}\n"),
        1,
    );
    let path = dir.join("scenario.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// The first place where `a` and `b` differ, as a path of keys.
fn difference(a: &serde_json::Value, b: &serde_json::Value, at: &str) -> Option<String> {
    use serde_json::Value::{Array, Object};
    match (a, b) {
        (Object(x), Object(y)) => x
            .keys()
            .chain(y.keys())
            .find_map(|k| {
                difference(x.get(k)?, y.get(k)?, &format!("{at}.{k}")).or_else(|| {
                    (x.contains_key(k) != y.contains_key(k)).then(|| format!("{at}.{k} on one side only"))
                })
            })
            .or_else(|| {
                x.keys()
                    .chain(y.keys())
                    .find(|k| x.contains_key(*k) != y.contains_key(*k))
                    .map(|k| format!("{at}.{k} on one side only"))
            }),
        (Array(x), Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| difference(p, q, &format!("{at}[{i}]")))
        }
        _ if a == b => None,
        _ => Some(format!("{at}: {a} against {b}")),
    }
}

/// `run`'s summary.json, less its timing.
fn run(scenario: &Path, out: &Path) -> (serde_json::Value, String) {
    let assert = pensionsim()
        .arg("run")
        .arg(scenario)
        .args(["--paths", "40", "--horizon-months", "12", "--seed", "3", "--search-paths", "0", "--out"])
        .arg(out)
        .assert()
        .success();
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let mut json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    if let Some(o) = json.as_object_mut() {
        for key in ["elapsed_seconds", "scenario_file"] {
            o.remove(key);
        }
    }
    (json, stderr)
}

#[test]
fn run_reads_the_history_and_the_loan_book_from_a_workbook_and_from_swedish_csv() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = dir.path().join("shipped.toml");
    std::fs::write(&shipped, shipped_text()).unwrap();
    let (plain, _) = run(&shipped, &dir.path().join("plain"));

    // The loan book as a sheet "Lån", with date cells and number cells;
    // the history from the region's workbook's "Historik".
    let book = region_workbook(dir.path());
    let mut loans = Workbook::new();
    let sheet = loans.add_worksheet();
    sheet.set_name("Lån").unwrap();
    for (col, name) in ["id", "amount", "start", "maturity", "rate", "green"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    let lan = std::fs::read(fixture("lan.csv")).unwrap();
    let lan: String = lan.iter().map(|&b| if b == 0xE5 { 'å' } else { b as char }).collect();
    for (i, line) in lan.lines().skip(1).enumerate() {
        let f: Vec<&str> = line.split(';').collect();
        let row = i as u32 + 1;
        let number = |s: &str| s.replace(',', ".").parse::<f64>().unwrap();
        sheet.write_string(row, 0, f[0]).unwrap();
        sheet.write_number(row, 1, number(f[1])).unwrap();
        date_cell(sheet, row, 2, f[2].parse().unwrap());
        date_cell(sheet, row, 3, f[3].parse().unwrap());
        sheet.write_number(row, 4, number(f[4])).unwrap();
        sheet.write_boolean(row, 5, f[5] == "SANT").unwrap();
    }
    let loans_path = dir.path().join("lån.xlsx");
    loans.save(&loans_path).unwrap();
    let scenario = scenario_with_files(
        dir.path(),
        &format!("csv = {:?}\nsheet = \"Historik\"", book.display().to_string()),
        &format!("loans_csv = {:?}\nloans_sheet = \"Lån\"", loans_path.display().to_string()),
    );
    let (from_book, stderr) = run(&scenario, &dir.path().join("book"));
    assert!(!stderr.contains("warning"), "{stderr}");
    assert_eq!(difference(&from_book, &plain, ""), None);

    let scenario = scenario_with_files(
        dir.path(),
        &format!("csv = {:?}", fixture("historik.csv").display().to_string()),
        &format!("loans_csv = {:?}", fixture("lan.csv").display().to_string()),
    );
    let (from_csv, stderr) = run(&scenario, &dir.path().join("csv"));
    assert!(
        stderr.contains(
            "historik.csv: read with ';' as separator and ',' as decimal mark (Swedish Excel export)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("lan.csv: read with ';' as separator and ',' as decimal mark, in Windows-1252 (the file is not UTF-8) (Swedish Excel export)"),
        "{stderr}"
    );
    assert_eq!(difference(&from_csv, &plain, ""), None);
}

#[test]
fn a_bad_loan_in_a_sheet_is_named_by_its_cell() {
    let dir = tempfile::tempdir().unwrap();
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Lån").unwrap();
    for (col, name) in ["id", "amount", "start", "maturity", "rate"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "KI-1").unwrap();
    sheet.write_string(1, 1, "45,0").unwrap();
    sheet.write_string(1, 2, "12/15/2023").unwrap();
    date_cell(sheet, 1, 3, chrono::NaiveDate::from_ymd_opt(2027, 12, 15).unwrap());
    sheet.write_number(1, 4, 0.9).unwrap();
    let path = dir.path().join("lån.xlsx");
    book.save(&path).unwrap();
    let scenario = scenario_with_files(
        dir.path(),
        &format!("csv = {:?}", fixture("historik.csv").display().to_string()),
        &format!("loans_csv = {:?}", path.display().to_string()),
    );
    pensionsim().arg("validate").arg(&scenario).assert().code(2).stderr(predicate::str::contains(
        "lån.xlsx: sheet \"Lån\", cell C2: `start`: expected a date as YYYY-MM-DD, found \"12/15/2023\"",
    ));
    sheet_fix(&path);
    pensionsim().arg("validate").arg(&scenario).assert().code(2).stderr(predicate::str::contains(
        "lån.xlsx: sheet \"Lån\", cell E2: `rate`: expected a yearly rate from -0.05 to 0.5, found 0.9",
    ));
}

/// The loan of `a_bad_loan_in_a_sheet_is_named_by_its_cell` with its
/// start date mended, its rate still 90 %.
fn sheet_fix(path: &Path) {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("Lån").unwrap();
    for (col, name) in ["id", "amount", "start", "maturity", "rate"].iter().enumerate() {
        sheet.write_string(0, col as u16, *name).unwrap();
    }
    sheet.write_string(1, 0, "KI-1").unwrap();
    sheet.write_string(1, 1, "45,0").unwrap();
    sheet.write_string(1, 2, "15/12/2023").unwrap();
    date_cell(sheet, 1, 3, chrono::NaiveDate::from_ymd_opt(2027, 12, 15).unwrap());
    sheet.write_number(1, 4, 0.9).unwrap();
    book.save(path).unwrap();
}
