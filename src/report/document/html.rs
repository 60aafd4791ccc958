//! A document as one HTML page: the style inline, the charts inline as
//! SVG, nothing fetched from anywhere, so the file can be mailed, opened
//! offline and printed.

use super::{Block, Document};
use crate::report::Lang;
use crate::report::table::{Cell, Table};

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Verdana, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #111; line-height: 1.45; }
h1 { font-size: 1.6rem; border-bottom: 2px solid #111; padding-bottom: .3rem; }
h2 { font-size: 1.3rem; margin-top: 2.2rem; border-bottom: 1px solid #999; }
h3 { font-size: 1.1rem; }
table { border-collapse: collapse; margin: .6rem 0 1.4rem; font-size: .9rem; }
caption { text-align: left; font-weight: bold; padding: .3rem 0; }
th, td { border: 1px solid #999; padding: .25rem .5rem; vertical-align: top; }
th { background: #eee; text-align: left; }
td.num { text-align: right; }
td:not(:first-child) { white-space: nowrap; }
td.met { background: #cfe8d0; font-weight: bold; }
td.partly { background: #fbeeb0; font-weight: bold; font-style: italic; }
td.notmet { background: #f5c4bd; font-weight: bold; text-decoration: underline; }
figure { margin: 1rem 0 2rem; break-inside: avoid; }
figure svg { width: 100%; height: auto; }
@media print { body { margin: 0; max-width: none; } h2 { break-before: auto; } table, figure { break-inside: avoid; } }
";

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A chart's SVG for inlining: without its XML declaration and namespace
/// (HTML knows `<svg>`), so the page names no address at all.
pub(super) fn inline_svg(svg: &str) -> String {
    let start = svg.find("<svg").unwrap_or(0);
    svg[start..].replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1)
}

/// A text cell's CSS class, from its column's name and its text; the
/// page's style colours `met`, `partly` and `notmet`.
pub type ClassOf<'a> = &'a dyn Fn(&str, &str) -> Option<&'static str>;

fn table(t: &Table, lang: Lang, class_of: ClassOf<'_>) -> String {
    let mut out = format!("<table id=\"{}\">\n<caption>{}</caption>\n<tr>", t.name, escape(&t.title));
    for c in &t.columns {
        out.push_str(&format!("<th>{}</th>", escape(c)));
    }
    out.push_str("</tr>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let text = cell.display(lang);
            let class = match cell {
                Cell::Number { .. } | Cell::Shown { .. } => Some("num"),
                _ => t.columns.get(i).and_then(|c| class_of(c, &text)),
            };
            match class {
                Some(class) => out.push_str(&format!("<td class=\"{class}\">{}</td>", escape(&text))),
                None => out.push_str(&format!("<td>{}</td>", escape(&text))),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    out
}

/// The document as one self-contained HTML page.
pub fn html(d: &Document) -> String {
    html_with(d, &|_, _| None)
}

/// The page with text cells given a CSS class by `class_of`.
pub fn html_with(d: &Document, class_of: ClassOf<'_>) -> String {
    let lang_code = if d.lang == Lang::Sv { "sv" } else { "en" };
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang_code}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&d.title)
    );
    for block in &d.blocks {
        match block {
            Block::Heading(level, text) => out.push_str(&format!("<h{level}>{}</h{level}>\n", escape(text))),
            Block::Paragraph(text) => out.push_str(&format!("<p>{}</p>\n", escape(text))),
            Block::Table(i) => out.push_str(&table(&d.tables[*i], d.lang, class_of)),
            Block::Chart(i) => {
                let c = &d.charts[*i];
                // The chart draws its own title; the label is for screen readers.
                out.push_str(&format!(
                    "<figure id=\"{}\" role=\"img\" aria-label=\"{}\">\n{}\n</figure>\n",
                    c.name,
                    escape(&c.title),
                    inline_svg(&c.chart.svg)
                ));
            }
            Block::Gap | Block::Indent(_) => {}
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}
