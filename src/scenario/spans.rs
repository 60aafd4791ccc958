//! Where each key of a TOML document is, so that a problem found after
//! deserialisation can still point at a line and column.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::de::{DeTable, DeValue};

/// Byte spans of every key path in a document: `policy.cap`,
/// `portfolio.asset_class[1].holding`, `history.month_ends[3].date`.
#[derive(Debug, Default)]
pub struct SpanIndex {
    /// Span of the value (for a table: of its header or braces).
    values: BTreeMap<String, Range<usize>>,
    /// Span of the key itself.
    keys: BTreeMap<String, Range<usize>>,
}

impl SpanIndex {
    pub fn new(table: &DeTable<'_>) -> SpanIndex {
        let mut index = SpanIndex::default();
        index.add_table("", table);
        index
    }

    fn add_table(&mut self, prefix: &str, table: &DeTable<'_>) {
        for (key, value) in table.iter() {
            let path = if prefix.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{prefix}.{}", key.get_ref())
            };
            self.keys.insert(path.clone(), key.span());
            self.add_value(path, value);
        }
    }

    fn add_value(&mut self, path: String, value: &toml::Spanned<DeValue<'_>>) {
        let span = value.span();
        match value.get_ref() {
            DeValue::Table(t) => self.add_table(&path, t),
            DeValue::Array(a) => {
                for (i, item) in a.iter().enumerate() {
                    self.add_value(format!("{path}[{i}]"), item);
                }
            }
            _ => {}
        }
        // Tables from `[header]` syntax have an empty span; keep the first
        // real span seen (that of the first key inside) instead.
        let span = if span.is_empty() {
            match self.first_child_span(&path) {
                Some(s) => s,
                None => span,
            }
        } else {
            span
        };
        self.values.insert(path, span);
    }

    fn first_child_span(&self, path: &str) -> Option<Range<usize>> {
        // The children's keys sort together after each prefix: a range
        // of the map, not a scan of it (many `[[table]]`s stay linear).
        [format!("{path}."), format!("{path}[")]
            .into_iter()
            .flat_map(|prefix| {
                self.values
                    .range(prefix.clone()..)
                    .take_while(move |(k, _)| k.starts_with(&prefix))
                    .map(|(_, s)| s.clone())
                    .collect::<Vec<_>>()
            })
            .filter(|s| !s.is_empty())
            .min_by_key(|s| s.start)
    }

    /// The span of `path`, or of its nearest enclosing key that exists.
    pub fn find(&self, path: &str) -> Option<Range<usize>> {
        let mut p = path;
        loop {
            if let Some(s) = self.values.get(p) {
                return Some(s.clone());
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// The span of the key `path` itself, when it is a key.
    pub fn find_key(&self, path: &str) -> Option<Range<usize>> {
        self.keys.get(path).cloned()
    }

    /// The deepest key path whose value contains byte `offset`.
    pub fn path_at(&self, offset: usize) -> Option<&str> {
        self.values
            .iter()
            .filter(|(_, s)| s.start <= offset && offset < s.end.max(s.start + 1))
            .min_by_key(|(_, s)| s.end - s.start)
            .map(|(k, _)| k.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_keys_and_array_elements() {
        let text = "[policy]\ncap = 0.8\n\n[[portfolio.asset_class]]\nname = \"a\"\nholding = 5\n";
        let doc = DeTable::parse(text).unwrap();
        let index = SpanIndex::new(doc.get_ref());
        let cap = index.find("policy.cap").unwrap();
        assert_eq!(&text[cap], "0.8");
        let holding = index.find("portfolio.asset_class[0].holding").unwrap();
        assert_eq!(&text[holding.clone()], "5");
        // A missing key falls back to its table.
        assert!(index.find("portfolio.asset_class[0].mix").unwrap().start <= holding.start);
        assert_eq!(index.path_at(holding.start), Some("portfolio.asset_class[0].holding"));
    }
}
