//! What each command prints, pinned whole: `validate`, `run`, `suggest`,
//! `stress`, `replay` and `compare` on the shipped files, in English and
//! Swedish, compared with the snapshots in `tests/snapshots/`.
//!
//! These pin the layout (columns, padding, headings, notes) so that the
//! other tests can assert meaning. Only what varies from run to run is
//! masked: seconds taken, the thread count and the temporary output
//! folder. Small `--paths` keep each command to seconds in a debug build.
//!
//! A change to the printout that is meant: `INSTA_UPDATE=always cargo test
//! --test snapshots`, then review the rewritten `.snap` files with
//! `git diff` (or `cargo insta review`) and commit them with the change.
//! A missing or different snapshot fails the test, and CI (`.ci/run`)
//! never writes one.

use std::path::Path;

use assert_cmd::Command;

/// The binary, run from the crate's folder as `tests/cli.rs` runs it, so
/// that the shipped files' relative paths print the same everywhere.
fn pensionsim() -> Command {
    let mut cmd = Command::cargo_bin("pensionsim").expect("the binary is built");
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// What `pensionsim ARGS` prints on success, with `--out` a fresh
/// temporary folder (when `out`), whose path prints as `[OUT]`.
fn printed(args: &[&str], out: bool) -> String {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("out");
    let mut cmd = pensionsim();
    cmd.args(args);
    if out {
        cmd.arg("--out").arg(&folder);
    }
    let output = cmd.output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "pensionsim {args:?} failed:\n{stderr}\n{stdout}");
    stdout.replace(&folder.display().to_string(), "[OUT]")
}

/// Compares `text` with the snapshot `name`, seconds and thread counts
/// masked: `2 threads, 14.11 s` prints as `[N] threads, [SECONDS] s`.
/// A last line `[end of output]` pins the final newlines, which insta
/// would otherwise trim.
fn check(name: &str, text: &str) {
    let text = format!("{text}[end of output]");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"));
    // "2 threads", "2 trådar".
    settings.add_filter(r"\b\d+ (threads?|trådar|tråd)\b", "[N] $1");
    // "…, 14.11 s" and "…; 6,75 s." at a line's end; "Time: 6.9 s on".
    settings.add_filter(r"(?m)\b\d+(?:[.,]\d+)? s(\.?)$", "[SECONDS] s$1");
    settings.add_filter(r"\b\d+(?:[.,]\d+)? s (on|på) ", "[SECONDS] s $1 ");
    settings.bind(|| insta::assert_snapshot!(name, &text));
}

const SHIPPED: &str = "scenarios/rjh-2025-08.toml";

#[test]
fn validate_en() {
    check("validate_en", &printed(&["validate", SHIPPED], false));
}

#[test]
fn validate_sv() {
    check("validate_sv", &printed(&["validate", SHIPPED, "--lang", "sv"], false));
}

/// Every section of `run` on the shipped scenario (the position, Monte
/// Carlo, the model beside history, the loans, liquidity, the obligation
/// with a small deposit search, the crashes), on a short horizon.
#[test]
fn run_en() {
    let args = ["run", SHIPPED, "--paths", "200", "--horizon-months", "24", "--search-paths", "20"];
    check("run_en", &printed(&args, true));
}

#[test]
fn run_sv() {
    let args =
        ["run", SHIPPED, "--paths", "100", "--horizon-months", "24", "--search-paths", "0", "--lang", "sv"];
    check("run_sv", &printed(&args, true));
}

#[test]
fn suggest_en() {
    check("suggest_en", &printed(&["suggest", SHIPPED, "--paths", "200"], true));
}

#[test]
fn suggest_sv() {
    check("suggest_sv", &printed(&["suggest", SHIPPED, "--paths", "200", "--lang", "sv"], true));
}

/// The whole shipped stress library; the conditional stress's Monte
/// Carlo on few paths.
#[test]
fn stress_en() {
    check("stress_en", &printed(&["stress", SHIPPED, "--paths", "50"], true));
}

#[test]
fn stress_sv() {
    check("stress_sv", &printed(&["stress", SHIPPED, "--paths", "50", "--lang", "sv"], true));
}

const REPLAY: [&str; 7] =
    ["replay", "--prices", "data/djia_daily_1885_2023.csv", "--from", "2007-06-01", "--to", "2009-12-31"];

#[test]
fn replay_en() {
    check("replay_en", &printed(&REPLAY, true));
}

#[test]
fn replay_sv() {
    let args: Vec<&str> = REPLAY.iter().copied().chain(["--lang", "sv"]).collect();
    check("replay_sv", &printed(&args, true));
}

/// The default sixteen strategies on few short futures, without the
/// consolidation ratio (its run is the slow part).
#[test]
fn compare_en() {
    let args = ["compare", SHIPPED, "--paths", "100", "--horizon-months", "24", "--obligation-paths", "0"];
    check("compare_en", &printed(&args, true));
}

#[test]
fn compare_sv() {
    let args = [
        "compare",
        SHIPPED,
        "--paths",
        "100",
        "--horizon-months",
        "24",
        "--obligation-paths",
        "0",
        "--lang",
        "sv",
    ];
    check("compare_sv", &printed(&args, true));
}

/// The texts of the catalogue (`src/report/terms.toml`, which holds the
/// market model's description among the report's texts) and of the stress
/// files' titles and sources that differ between the languages, as
/// (Swedish, English) pairs of fixed fragments: a text with
/// `{placeholders}` is cut at them.
fn language_fragments() -> Vec<(String, String)> {
    fn walk(table: &toml::Table, out: &mut Vec<(String, String)>) {
        for value in table.values() {
            let Some(inner) = value.as_table() else { continue };
            match (inner.get("sv").and_then(|v| v.as_str()), inner.get("en").and_then(|v| v.as_str())) {
                (Some(sv), Some(en)) => out.push((sv.to_string(), en.to_string())),
                _ => walk(inner, out),
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut pairs = Vec::new();
    let terms = std::fs::read_to_string(root.join("src/report/terms.toml")).unwrap();
    walk(&toml::from_str(&terms).unwrap(), &mut pairs);
    for entry in std::fs::read_dir(root.join("scenarios/stress")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let file: toml::Table = toml::from_str(&text).unwrap();
        let mut texts = toml::Table::new();
        for key in ["title", "source"] {
            texts.insert(key.into(), file[key].clone());
        }
        walk(&texts, &mut pairs);
    }
    pairs
}

/// The fragments of `text` between its placeholders, trimmed.
fn fragments(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, part) in text.split('{').enumerate() {
        let rest = if i == 0 { part } else { part.split_once('}').map_or(part, |(_, r)| r) };
        for line in rest.split('\n') {
            out.push(line.trim().to_string());
        }
    }
    out
}

/// Texts of one language found in an output of the other: every fragment
/// of an entry whose two texts differ, at least 12 characters long (shorter
/// ones, "Period", "Start", "5 %", are words both languages use or too
/// generic to judge) and found in no text of the output's own language
/// (names and file lists: "Monte Carlo", "Plan med budget 2026",
/// "summary.json").
fn foreign(output: &str, own_is_sv: bool, pairs: &[(String, String)]) -> Vec<String> {
    let own: Vec<&str> =
        pairs.iter().map(|(sv, en)| if own_is_sv { sv.as_str() } else { en.as_str() }).collect();
    let mut found = Vec::new();
    for (sv, en) in pairs.iter().filter(|(sv, en)| sv != en) {
        let other = if own_is_sv { en } else { sv };
        for f in fragments(other) {
            if f.chars().count() >= 12
                && output.contains(&f)
                && !own.iter().any(|o| o.contains(&f))
                && !found.contains(&f)
            {
                found.push(f);
            }
        }
    }
    found
}

/// No English in a Swedish output and no Swedish in an English one: every
/// command's printout (the snapshots, which the tests above keep equal to
/// what the commands print) and the periodic report's golden files.
#[test]
fn no_english_in_swedish_output_and_the_reverse() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pairs = language_fragments();
    assert!(pairs.len() > 300, "only {} texts", pairs.len());
    assert!(
        foreign("Läge: Down-weighting required now.", true, &pairs)
            .contains(&"Down-weighting required now".into())
    );
    assert!(foreign("Action: Nedviktning krävs nu", false, &pairs).contains(&"Nedviktning krävs nu".into()));
    // What the report used to print in Swedish: a stress's English source
    // and the market model described in English.
    for start in ["Stylised on 2022", "Hypothetical"] {
        let (_, en) = pairs.iter().find(|(_, en)| en.starts_with(start)).expect(start);
        let found = foreign(&format!("Stresstester: {en}."), true, &pairs);
        assert!(found.contains(en), "{start}: {found:?}");
    }
    let model = foreign(
        "Marknadsmodell | 2 regimes (calm, crisis), Gaussian shocks, Vasicek short rate",
        true,
        &pairs,
    );
    assert!(
        model.contains(&"Gaussian shocks".into()) && model.contains(&"Vasicek short rate".into()),
        "{model:?}"
    );
    let mut outputs = Vec::new();
    for entry in std::fs::read_dir(root.join("tests/snapshots")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if let Some(sv) = name.strip_suffix(".snap").map(|stem| stem.ends_with("_sv")) {
            outputs.push((name, sv, std::fs::read_to_string(&path).unwrap()));
        }
    }
    for swedish in ["tests/golden/report/report.md", "reports/2025T2/report.md"] {
        outputs.push((swedish.to_string(), true, std::fs::read_to_string(root.join(swedish)).unwrap()));
    }
    assert!(outputs.len() >= 14, "only {} outputs", outputs.len());
    let mut problems = Vec::new();
    for (name, sv, text) in &outputs {
        for f in foreign(text, *sv, &pairs) {
            problems.push(format!("{name} ({}): {f:?}", if *sv { "sv" } else { "en" }));
        }
    }
    assert!(problems.is_empty(), "texts of the other language:\n  {}", problems.join("\n  "));
}
