//! The catalogue of terms: every text of the reports and charts in
//! Swedish and English, kept as data in `terms.toml` (compiled in) and
//! read once. A text is found by its key, `section.name`
//! (`term("compare.strategy", lang)`); a text with figures names them
//! (`"{paths} banor"`) and [`term_with`] fills them in.
//!
//! The tests below read the catalogue and the sources: every entry has
//! both languages, non-empty and with the same placeholders; every key the
//! code asks for is in the catalogue; every entry is asked for somewhere.

use std::collections::BTreeMap;
use std::fmt::Display;
use std::sync::LazyLock;

use super::i18n::Lang;

/// The catalogue's source, compiled in.
const SOURCE: &str = include_str!("terms.toml");

/// An entry's two texts.
#[derive(Debug, Clone, Copy)]
struct Entry {
    sv: &'static str,
    en: &'static str,
}

/// The catalogue, key by key, read on first use.
static CATALOGUE: LazyLock<BTreeMap<String, Entry>> = LazyLock::new(|| match parse(SOURCE) {
    Ok(entries) => entries,
    Err(problems) => panic!("src/report/terms.toml: {}", problems.join("; ")),
});

/// Every entry of `source` by its dotted key, or every problem found: an
/// entry without `sv` or `en`, an empty text, a key other than the two
/// languages, or placeholders that differ between the languages.
fn parse(source: &'static str) -> Result<BTreeMap<String, Entry>, Vec<String>> {
    let table: toml::Table = toml::from_str(source).map_err(|e| vec![e.to_string()])?;
    let mut entries = BTreeMap::new();
    let mut problems = Vec::new();
    walk(&table, "", &mut entries, &mut problems);
    if problems.is_empty() { Ok(entries) } else { Err(problems) }
}

fn walk(
    table: &toml::Table,
    prefix: &str,
    entries: &mut BTreeMap<String, Entry>,
    problems: &mut Vec<String>,
) {
    for (name, value) in table {
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        let Some(inner) = value.as_table() else {
            problems
                .push(format!("`{key}` is neither a section nor an entry `{{ sv = \"…\", en = \"…\" }}`"));
            continue;
        };
        if !(inner.contains_key("sv") || inner.contains_key("en")) {
            walk(inner, &key, entries, problems);
            continue;
        }
        let (sv, en) = (text(inner, &key, "sv", problems), text(inner, &key, "en", problems));
        for other in inner.keys().filter(|k| *k != "sv" && *k != "en") {
            problems.push(format!("`{key}` has `{other}`, not a language (sv, en)"));
        }
        if let (Some(sv), Some(en)) = (sv, en) {
            if placeholders(sv) != placeholders(en) {
                problems.push(format!("`{key}`: sv and en name different placeholders"));
            }
            entries.insert(key, Entry { sv, en });
        }
    }
}

/// An entry's text in `lang`, leaked once for the program's life; a
/// missing or empty text is a problem.
fn text(entry: &toml::Table, key: &str, lang: &str, problems: &mut Vec<String>) -> Option<&'static str> {
    match entry.get(lang).and_then(toml::Value::as_str) {
        Some(s) if !s.is_empty() => Some(Box::leak(s.to_owned().into_boxed_str())),
        _ => {
            problems.push(format!("`{key}` has no {lang} text"));
            None
        }
    }
}

/// The `{name}`s of a text, sorted.
fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .filter(|name| is_name(name))
        .collect();
    names.sort_unstable();
    names
}

fn is_name(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The text of `key` in `lang`. A key not in the catalogue panics, naming
/// it; the tests check that every key the code asks for is there.
pub fn term(key: &str, lang: Lang) -> &'static str {
    match CATALOGUE.get(key) {
        Some(entry) => match lang {
            Lang::Sv => entry.sv,
            Lang::En => entry.en,
        },
        None => panic!("`{key}` is not in src/report/terms.toml"),
    }
}

/// The text of `name` in the catalogue's `section`, for a name known only
/// at run time (a metric's key); `None` where the section has no such
/// entry.
pub fn term_in(section: &str, name: &str, lang: Lang) -> Option<&'static str> {
    CATALOGUE.get(&format!("{section}.{name}")).map(|entry| match lang {
        Lang::Sv => entry.sv,
        Lang::En => entry.en,
    })
}

/// The text of `key` in `lang` with its placeholders filled:
/// `term_with("compare.paths", lang, &[("paths", &n)])`.
pub fn term_with(key: &str, lang: Lang, args: &[(&str, &dyn Display)]) -> String {
    fill(term(key, lang), args)
}

/// `text` with each `{name}` replaced by its argument. A placeholder
/// without an argument panics, naming it; braces around anything else are
/// kept as they are.
pub fn fill(text: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.split_once('}') {
            Some((name, tail)) if is_name(name) => {
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => panic!("no value for `{{{name}}}` in \"{text}\""),
                }
                rest = tail;
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;

    #[test]
    fn every_entry_has_both_languages_non_empty_with_the_same_placeholders() {
        if let Err(problems) = parse(SOURCE) {
            panic!("src/report/terms.toml:\n  {}", problems.join("\n  "));
        }
        assert!(CATALOGUE.len() > 40, "only {} entries", CATALOGUE.len());
    }

    #[test]
    fn a_missing_language_an_empty_text_or_a_stray_key_is_named() {
        let problems = parse(
            "[a]\nonly_sv = { sv = \"x\" }\nempty = { sv = \"\", en = \"y\" }\nextra = { sv = \"x\", en = \"y\", de = \"z\" }\nholes = { sv = \"{n} st\", en = \"{m} pcs\" }\nfine = { sv = \"x\", en = \"y\" }\n",
        )
        .unwrap_err();
        let all = problems.join("\n");
        assert!(all.contains("`a.only_sv` has no en text"), "{all}");
        assert!(all.contains("`a.empty` has no sv text"), "{all}");
        assert!(all.contains("`a.extra` has `de`"), "{all}");
        assert!(all.contains("`a.holes`: sv and en name different placeholders"), "{all}");
        assert!(!all.contains("a.fine"), "{all}");
    }

    #[test]
    fn fill_replaces_named_placeholders_and_keeps_other_braces() {
        let n = 1000;
        assert_eq!(fill("{paths} paths, seed {seed}", &[("paths", &n), ("seed", &7)]), "1000 paths, seed 7");
        assert_eq!(fill("a {x} {not a name} {}", &[("x", &"b")]), "a b {not a name} {}");
    }

    #[test]
    #[should_panic(expected = "no value for `{seed}`")]
    fn fill_names_a_placeholder_without_a_value() {
        fill("seed {seed}", &[]);
    }

    /// Every string literal passed as the first argument of `call` in
    /// `source` (comments skipped).
    fn literal_arguments<'a>(source: &'a str, call: &str) -> Vec<&'a str> {
        let mut found = Vec::new();
        let code: String = source
            .lines()
            .map(|line| if line.trim_start().starts_with("//") { "" } else { line })
            .collect::<Vec<_>>()
            .join("\n");
        let code: &'a str = Box::leak(code.into_boxed_str());
        for (at, _) in code.match_indices(call) {
            let before = code[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest = code[at + call.len()..].trim_start();
            if let Some(quoted) = rest.strip_prefix('"')
                && let Some((key, _)) = quoted.split_once('"')
            {
                found.push(key);
            }
        }
        found
    }

    fn rust_sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("report/terms.rs") {
                out.push((path.display().to_string(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }

    /// The keys the sources ask for by name (`term("…"`, `term_with("…"`)
    /// and the sections they ask by a name known at run time
    /// (`term_in("…"`).
    fn used() -> (Vec<(String, String)>, BTreeSet<String>) {
        let mut sources = Vec::new();
        rust_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut sources);
        assert!(sources.len() > 20, "found only {} sources", sources.len());
        let mut keys = Vec::new();
        let mut sections = BTreeSet::new();
        for (path, text) in &sources {
            for call in ["term(", "term_with("] {
                keys.extend(literal_arguments(text, call).into_iter().map(|k| (path.clone(), k.to_string())));
            }
            sections.extend(literal_arguments(text, "term_in(").into_iter().map(str::to_string));
        }
        (keys, sections)
    }

    #[test]
    fn every_key_the_code_asks_for_is_in_the_catalogue() {
        let (keys, sections) = used();
        assert!(keys.len() > 40, "found only {} uses", keys.len());
        let missing: Vec<String> = keys
            .iter()
            .filter(|(_, key)| !CATALOGUE.contains_key(key))
            .map(|(path, key)| format!("{key} ({path})"))
            .collect();
        assert!(missing.is_empty(), "keys not in src/report/terms.toml: {missing:?}");
        let empty: Vec<&String> =
            sections.iter().filter(|s| !CATALOGUE.keys().any(|k| k.starts_with(&format!("{s}.")))).collect();
        assert!(empty.is_empty(), "sections asked for but not in src/report/terms.toml: {empty:?}");
    }

    #[test]
    fn every_entry_is_used() {
        let (keys, sections) = used();
        let keys: BTreeSet<&str> = keys.iter().map(|(_, k)| k.as_str()).collect();
        let unused: Vec<&String> = CATALOGUE
            .keys()
            .filter(|k| {
                !keys.contains(k.as_str())
                    && !sections
                        .iter()
                        .any(|s| k.strip_prefix(s.as_str()).is_some_and(|r| r.starts_with('.')))
            })
            .collect();
        assert!(unused.is_empty(), "entries of src/report/terms.toml no code asks for: {unused:?}");
    }
}
