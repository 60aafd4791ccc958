//! Checks of the source tree itself, run with the tests.

use std::path::Path;

/// Every Rust file opens with a `//!` comment saying what it owns.
#[test]
fn every_source_file_starts_with_a_module_comment() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut missing = Vec::new();
    let mut seen = 0;
    let mut stack = vec![root.join("src"), root.join("tests"), root.join("benches")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                seen += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                if !text.starts_with("//!") {
                    missing.push(path.strip_prefix(root).unwrap().display().to_string());
                }
            }
        }
    }
    assert!(seen > 10, "found only {seen} files");
    assert!(missing.is_empty(), "files without a leading //! comment: {missing:?}");
}

/// Every module of the library and the binary (each directory under
/// `src/` and each `src/*.rs` other than `lib.rs` and `main.rs`) has its
/// paragraph in ARCHITECTURE.md: a heading `### `src/NAME/`` or
/// `### `src/NAME.rs``, or at least a mention of `src/NAME`. A module
/// added without a word there fails here, named.
#[test]
fn every_module_has_a_paragraph_in_architecture_md() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let mut modules = Vec::new();
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if path.is_dir() {
            modules.push(format!("src/{name}/"));
        } else if let Some(stem) = name.strip_suffix(".rs")
            && stem != "lib"
            && stem != "main"
        {
            modules.push(format!("src/{name}"));
        }
    }
    modules.sort();
    assert!(modules.len() > 10, "found only {} modules: {modules:?}", modules.len());
    let missing: Vec<&String> = modules
        .iter()
        .filter(|module| {
            let bare = module.trim_end_matches('/').trim_end_matches(".rs");
            // A heading for the module, or else any mention of it that is
            // not the start of a longer name (`src/rule` is not `src/rules`).
            !architecture.lines().any(|line| line.starts_with(&format!("### `{module}`")))
                && !architecture.match_indices(bare).any(|(at, _)| {
                    !architecture[at + bare.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
                })
        })
        .collect();
    assert!(missing.is_empty(), "modules without a paragraph in ARCHITECTURE.md: {missing:?}");
}

/// `src/lib.rs`'s module list (its `//! - [`NAME`]` lines) names every
/// `pub mod`, and nothing else.
#[test]
fn lib_rs_lists_every_public_module() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib = std::fs::read_to_string(root.join("src/lib.rs")).unwrap();
    let mut listed: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.strip_prefix("//! - [`")?.split_once("`]").map(|(name, _)| name))
        .collect();
    let mut declared: Vec<&str> =
        lib.lines().filter_map(|line| line.strip_prefix("pub mod ")?.strip_suffix(';')).collect();
    listed.sort_unstable();
    declared.sort_unstable();
    assert!(declared.len() > 10, "found only {} modules", declared.len());
    assert_eq!(listed, declared, "src/lib.rs's module list against its `pub mod` lines");
}
