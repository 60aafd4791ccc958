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

/// Upward references tolerated while they are being removed: pairs
/// (from, to) of top-level modules where `from` sits below `to` in
/// ARCHITECTURE.md's layer table. None today. The test fails on an upward
/// reference not listed here, and on a listed one that no longer exists,
/// so the list can only shrink.
const KNOWN_UPWARD: [(&str, &str); 0] = [];

/// ARCHITECTURE.md's "## Layers" section: its numbered lines, lowest
/// first, each naming its modules in backticks (a parenthesis after them
/// is a note). The module's layer by name.
fn layers(architecture: &str) -> std::collections::BTreeMap<String, usize> {
    let section =
        architecture.split("\n## Layers\n").nth(1).expect("ARCHITECTURE.md has a `## Layers` section");
    let section = section.split("\n## ").next().unwrap();
    let mut layer_of = std::collections::BTreeMap::new();
    let mut layer = 0;
    for line in section.lines() {
        let Some((number, rest)) = line.split_once(". ") else { continue };
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        layer += 1;
        assert_eq!(
            number.parse::<usize>().unwrap(),
            layer,
            "the layers are numbered 1, 2, 3, … in order: {line}"
        );
        // The names before any parenthesis: `cli` (the binary: `src/main.rs` …).
        for name in rest.split(" (").next().unwrap().split('`').skip(1).step_by(2) {
            let before = layer_of.insert(name.to_owned(), layer);
            assert!(before.is_none(), "`{name}` is in two layers of ARCHITECTURE.md");
        }
    }
    assert!(layer > 5, "ARCHITECTURE.md's `## Layers` has only {layer} numbered lines");
    layer_of
}

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// A file's text without its `#[cfg(test)] mod NAME { … }` blocks and
/// its `//` comments, and the files its `#[cfg(test)] mod NAME;` lines
/// bring in (tests only, so not part of the layering).
fn non_test_code(path: &Path, text: &str) -> (String, Vec<std::path::PathBuf>) {
    let lines: Vec<&str> = text.lines().collect();
    let dir = match path.file_name().unwrap().to_str().unwrap() {
        "mod.rs" | "lib.rs" | "main.rs" => path.parent().unwrap().to_path_buf(),
        _ => path.with_extension(""),
    };
    let mut code = String::new();
    let mut test_files = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        let declared = next.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
        if lines[i].trim() == "#[cfg(test)]"
            && let Some(name) = declared.strip_prefix("mod ")
        {
            if let Some(name) = name.strip_suffix(';') {
                test_files.push(dir.join(format!("{name}.rs")));
                test_files.push(dir.join(name).join("mod.rs"));
                i += 2;
                continue;
            }
            // Skip the inline module to its closing brace.
            let mut depth = 0i64;
            let mut j = i + 1;
            loop {
                depth += lines[j].matches('{').count() as i64 - lines[j].matches('}').count() as i64;
                j += 1;
                if depth <= 0 || j == lines.len() {
                    break;
                }
            }
            i = j;
            continue;
        }
        code.push_str(lines[i].split("//").next().unwrap());
        code.push('\n');
        i += 1;
    }
    (code, test_files)
}

/// The names right after each `prefix` (`crate::` or `pensionsim::`) in
/// `code`: `crate::a::b` names `a`, `crate::{a, b::c}` names `a` and `b`.
fn first_segments(code: &str, prefix: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == ':') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        let ident = |s: &str| {
            s.trim_start().chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>()
        };
        if let Some(group) = rest.strip_prefix('{') {
            // The group's items at depth 0, up to its closing brace.
            let mut depth = 0;
            let mut item_start = true;
            for (k, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && !c.is_whitespace() => {
                        item_start = false;
                        names.push(ident(&group[k..]));
                    }
                    _ => {}
                }
            }
        } else {
            names.push(ident(rest));
        }
    }
    names.retain(|n| !n.is_empty() && n != "self");
    names
}

/// The layers of ARCHITECTURE.md hold: every top-level module (each
/// directory and `.rs` file under `src/`, the binary's `main.rs` and
/// `cli/` as `cli`) is in exactly one layer, and its code outside tests
/// (`tests.rs` files and `#[cfg(test)]` modules left out) names, through
/// `crate::` (in the binary, `pensionsim::`), only modules of its own
/// layer or below, but for `KNOWN_UPWARD`; and no references between
/// top-level modules go round in a circle.
#[test]
fn modules_reference_only_their_own_layer_and_below() {
    use std::collections::{BTreeMap, BTreeSet};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("src");
    let layer_of = layers(&std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap());
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    // `crate::Error` and the like: lib.rs's `pub use MODULE::…` re-exports.
    let mut reexported: BTreeMap<String, String> = BTreeMap::new();
    for line in lib.lines() {
        if let Some((module, items)) = line.strip_prefix("pub use ").and_then(|l| l.split_once("::")) {
            for item in items.trim_end_matches(';').trim_matches(['{', '}']).split(',') {
                reexported.insert(item.trim().to_owned(), module.to_owned());
            }
        }
    }

    let files = rust_files(&src);
    let mut test_files = BTreeSet::new();
    let mut code_of = Vec::new();
    for path in &files {
        let (code, tests) = non_test_code(path, &std::fs::read_to_string(path).unwrap());
        test_files.extend(tests);
        code_of.push((path, code));
    }
    let mut modules = BTreeSet::new();
    // (from, to) -> the files that make the reference.
    let mut edges: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (path, code) in code_of {
        let relative = path.strip_prefix(&src).unwrap();
        let first = relative.components().next().unwrap().as_os_str().to_str().unwrap();
        let from = match first {
            "lib.rs" => continue,
            "main.rs" => "cli",
            name => name.trim_end_matches(".rs"),
        };
        modules.insert(from.to_owned());
        if test_files.contains(path) || path.file_name().is_some_and(|n| n == "tests.rs") {
            continue;
        }
        let prefix = if from == "cli" { "pensionsim::" } else { "crate::" };
        for name in first_segments(&code, prefix) {
            let to = match (layer_of.contains_key(&name), reexported.get(&name)) {
                (true, _) => name,
                (false, Some(module)) => module.clone(),
                (false, None) if from == "cli" && name == "cli" => continue,
                (false, None) => {
                    problems.push(format!(
                        "src/{}: `{prefix}{name}` is no module of the layer table",
                        relative.display()
                    ));
                    continue;
                }
            };
            if to != from {
                edges.entry((from.to_owned(), to)).or_default().insert(format!("src/{}", relative.display()));
            }
        }
    }

    let listed: BTreeSet<String> = layer_of.keys().cloned().collect();
    for module in modules.difference(&listed) {
        problems.push(format!("`{module}` is in no layer of ARCHITECTURE.md's `## Layers`"));
    }
    for module in listed.difference(&modules) {
        problems.push(format!("`{module}` is in ARCHITECTURE.md's `## Layers` but not under src/"));
    }
    let known: BTreeSet<(String, String)> =
        KNOWN_UPWARD.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
    for ((from, to), files) in &edges {
        let (Some(a), Some(b)) = (layer_of.get(from), layer_of.get(to)) else { continue };
        if a < b && !known.contains(&(from.clone(), to.clone())) {
            problems.push(format!("`{from}` (layer {a}) names `{to}` (layer {b}), above it, in {files:?}"));
        }
    }
    for (from, to) in &known {
        let upward = layer_of.get(from) < layer_of.get(to);
        if !edges.contains_key(&(from.clone(), to.clone())) || !upward {
            problems.push(format!(
                "KNOWN_UPWARD lists `{from}` -> `{to}`, which is no longer an upward reference: remove it from the list"
            ));
        }
    }

    // Cycles among the references that are not known to be upward (every
    // known one is, so a loop through one of them is being removed with it).
    let mut graph: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        if !known.contains(&(from.clone(), to.clone())) {
            graph.entry(from.as_str()).or_default().push(to.as_str());
        }
    }
    // Depth-first search: a reference back to a module on the current
    // path closes a loop.
    fn visit<'a>(
        node: &'a str,
        graph: &BTreeMap<&'a str, Vec<&'a str>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
        loops: &mut Vec<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut ring = path[at..].to_vec();
            ring.push(node);
            loops.push(ring.join(" -> "));
            return;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, loops);
        }
        path.pop();
        done.insert(node);
    }
    let mut done = BTreeSet::new();
    let mut loops = Vec::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut loops);
    }
    for ring in loops {
        problems.push(format!("the modules reference each other in a loop: {ring}"));
    }
    assert!(edges.len() > 30, "found only {} references between modules", edges.len());
    assert!(problems.is_empty(), "the layers of ARCHITECTURE.md:\n{}", problems.join("\n"));
}
