//! Output folders written whole or not at all: a run killed at any moment
//! leaves its folder as the earlier run left it or as the new run writes
//! it, and a folder that cannot be written fails before the work starts.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A small `run` (its crashes, Monte Carlo, loans and liquidity, no
/// deposit search): seconds in the test profile, most of them drawing
/// and writing.
fn run_args(seed: u64, out: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pensionsim"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "100", "--horizon-months", "12"])
        .args(["--search-paths", "0", "--seed", &seed.to_string(), "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn run(seed: u64, out: &Path) {
    assert!(run_args(seed, out).status().unwrap().success(), "pensionsim run --seed {seed} failed");
}

/// Every file under `dir` by its path inside it, with `summary.json`'s
/// timing and thread count (which differ between runs of one seed) left out.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, into);
                continue;
            }
            let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let mut bytes = std::fs::read(&path).unwrap();
            if name == "summary.json" {
                let mut json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                let map = json.as_object_mut().unwrap();
                map.remove("elapsed_seconds");
                map.remove("threads");
                bytes = serde_json::to_vec(&json).unwrap();
            }
            into.insert(name, bytes);
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

fn seed_of(dir: &Path) -> u64 {
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
    json["seed"].as_u64().unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

/// What `dir` holds besides `out`: staging folders or temporary files.
fn others(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "out" && n != "old" && n != "new")
        .collect()
}

#[cfg(unix)]
#[test]
fn a_run_killed_at_any_moment_leaves_the_old_run_or_the_new_one_whole() {
    let base = tempfile::tempdir().unwrap();
    let refs = tempfile::tempdir().unwrap();
    let (old_dir, new_dir) = (refs.path().join("old"), refs.path().join("new"));
    run(1, &old_dir);
    let started = Instant::now();
    run(2, &new_dir);
    let took = started.elapsed();
    let (old, new) = (contents(&old_dir), contents(&new_dir));
    assert_ne!(old, new);
    let out = base.path().join("out");
    copy_dir(&old_dir, &out);
    let mut seen = (0, 0);
    // Kills from the start (reading the scenario) to past the end
    // (drawing, writing, swapping in).
    for percent in [5, 25, 45, 60, 75, 85, 92, 97, 100, 105] {
        let mut child = run_args(2, &out).spawn().unwrap();
        std::thread::sleep(took * percent / 100);
        let _ = child.kill(); // SIGKILL
        child.wait().unwrap();
        let now = contents(&out);
        if now == old {
            assert_eq!(seed_of(&out), 1);
            seen.0 += 1;
        } else if now == new {
            assert_eq!(seed_of(&out), 2);
            seen.1 += 1;
            std::fs::remove_dir_all(&out).unwrap();
            copy_dir(&old_dir, &out);
        } else {
            let differ: Vec<&String> = now
                .keys()
                .chain(old.keys())
                .filter(|k| now.get(*k) != old.get(*k) && now.get(*k) != new.get(*k))
                .collect();
            panic!("killed at {percent} % of a run, the folder mixes two runs: {differ:?}");
        }
    }
    eprintln!("killed runs: {} left the old folder, {} the new one", seen.0, seen.1);
    // The next run cleans up what the killed ones left beside the folder.
    run(2, &out);
    assert_eq!(contents(&out), new);
    assert_eq!(others(base.path()), Vec::<String>::new());
}

/// Whether this process may write where its permissions say it may not
/// (root may, so a read-only folder cannot be tested as root).
#[cfg(unix)]
fn ignores_permissions() -> bool {
    // SAFETY: geteuid only reads the process's user id.
    unsafe { libc::geteuid() == 0 }
}

#[cfg(unix)]
#[test]
fn a_read_only_output_folder_fails_at_once_naming_it() {
    use std::os::unix::fs::PermissionsExt;
    if ignores_permissions() {
        eprintln!("skipped: running as root, which writes into read-only folders");
        return;
    }
    let base = tempfile::tempdir().unwrap();
    let parent = base.path().join("locked");
    std::fs::create_dir(&parent).unwrap();
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).unwrap();
    let out = parent.join("out");
    let started = Instant::now();
    // A million paths take minutes, yet pass the memory check: the folder must be checked first.
    let output = Command::new(env!("CARGO_BIN_EXE_pensionsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "1000000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("cannot write the output folder {}", out.display())), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}

#[test]
fn an_output_folder_that_cannot_be_made_fails_before_the_work() {
    let base = tempfile::tempdir().unwrap();
    let file = base.path().join("a-file");
    std::fs::write(&file, "not a folder").unwrap();
    let out = file.join("out");
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_pensionsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "scenarios/rjh-2025-08.toml", "--paths", "1000000", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("cannot create the output folder {}", out.display())), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
}

#[test]
fn a_folder_of_other_files_is_not_replaced() {
    let base = tempfile::tempdir().unwrap();
    std::fs::write(base.path().join("notes.txt"), "mine").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_pensionsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["suggest", "scenarios/rjh-2025-08.toml", "--paths", "1000000", "--out"])
        .arg(base.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no suggest.json"), "{stderr}");
    assert_eq!(std::fs::read_to_string(base.path().join("notes.txt")).unwrap(), "mine");
}

/// A price of 5e-324 once hung the chart's axis; now its figures that are
/// not finite stop the replay at once, naming one, and nothing is written.
#[test]
fn a_replay_of_a_denormal_price_fails_at_once_and_writes_nothing() {
    let base = tempfile::tempdir().unwrap();
    let prices = base.path().join("P.csv");
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    let rows: String = (0..60)
        .map(|i| format!("{},{}\n", start + chrono::Days::new(i), if i == 30 { "5e-324" } else { "100" }))
        .collect();
    std::fs::write(&prices, format!("date,close\n{rows}")).unwrap();
    let out = base.path().join("out");
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_pensionsim"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["replay", "--prices"])
        .arg(&prices)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(started.elapsed() < Duration::from_secs(60), "took {:?}", started.elapsed());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error: "), "{stderr}");
    assert!(!out.exists());
    assert_eq!(others(base.path()), vec!["P.csv".to_string()]);
}
