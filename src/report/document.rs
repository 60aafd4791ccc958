//! What a command shows, as one document: headings, paragraphs, tables
//! and charts in order, in one language. A command's figures are laid out
//! once into a [`Document`]; the renderers here write it as terminal text
//! ([`text`]), Markdown ([`markdown`]), one self-contained HTML page
//! ([`html()`], in `html.rs`) and a CSV a table ([`csv()`]); the workbook
//! (`workbook.rs`) takes its tables. Every renderer reads the same
//! blocks, so the outputs carry the same content.
//!
//! Two blocks are for the terminal only: [`Block::Gap`] (a blank line)
//! and [`Block::Indent`] (the margin of the paragraphs and tables after
//! it). Markdown and HTML part and place blocks by their own rules and
//! pass them by.

mod html;
mod pdf;

use super::chart::Chart;
use super::i18n::Lang;
use super::table::Table;

pub use html::{ClassOf, html, html_with};
pub use pdf::{pdf, pdf_with};

/// A chart with the file stem it is written under.
#[derive(Debug, Clone)]
pub struct NamedChart {
    pub name: String,
    pub title: String,
    pub chart: Chart,
}

/// One piece of the document; tables and charts by index.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading(u8, String),
    Paragraph(String),
    Table(usize),
    Chart(usize),
    /// A blank line on the terminal.
    Gap,
    /// The terminal's left margin, in spaces, for the paragraphs and
    /// tables that follow (headings stay at the edge).
    Indent(usize),
}

/// How a column lines up on the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Right,
}

/// A column on the terminal: its alignment and its least width in
/// characters; a column is as wide as its widest cell, or this.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub align: Align,
    pub min: usize,
}

impl Column {
    /// Left-aligned, as wide as its widest cell.
    pub const LEFT: Column = Column { align: Align::Left, min: 0 };
    /// Right-aligned, as wide as its widest cell.
    pub const RIGHT: Column = Column { align: Align::Right, min: 0 };

    /// Right-aligned, at least `min` wide.
    pub const fn right(min: usize) -> Column {
        Column { align: Align::Right, min }
    }
}

/// How a table is laid out on the terminal: whether its column names
/// head it (and a rule of dashes under them), and each column's
/// alignment. Columns are parted by two spaces; a line ends at its last
/// character, so a left-aligned last column and empty last cells leave no
/// spaces behind. The title is not printed: a printout
/// gives its tables the headings and paragraphs it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub header: bool,
    pub rule: bool,
    pub columns: Vec<Column>,
}

impl Layout {
    /// Column names on top, ruled; the first column left-aligned and the
    /// rest right-aligned, as Markdown aligns them.
    pub fn for_table(t: &Table) -> Layout {
        let columns =
            (0..t.columns.len()).map(|i| if i == 0 { Column::LEFT } else { Column::RIGHT }).collect();
        Layout { header: true, rule: true, columns }
    }

    /// Column names on top, unruled: the command line's tables.
    pub fn headed(columns: &[Column]) -> Layout {
        Layout { header: true, rule: false, columns: columns.to_vec() }
    }

    /// Rows of `label  value` and no column names: a list of figures.
    pub fn rows(columns: &[Column]) -> Layout {
        Layout { header: false, rule: false, columns: columns.to_vec() }
    }
}

/// A command's output laid out in `lang`: its blocks, the tables and the
/// charts they point at, and each table's terminal layout.
#[derive(Debug, Clone)]
pub struct Document {
    pub lang: Lang,
    pub title: String,
    pub blocks: Vec<Block>,
    pub tables: Vec<Table>,
    /// `layouts[i]` lays out `tables[i]` on the terminal.
    pub layouts: Vec<Layout>,
    pub charts: Vec<NamedChart>,
}

impl Document {
    /// An empty document; `title` names the HTML page.
    pub fn new(lang: Lang, title: impl Into<String>) -> Document {
        Document {
            lang,
            title: title.into(),
            blocks: Vec::new(),
            tables: Vec::new(),
            layouts: Vec::new(),
            charts: Vec::new(),
        }
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading(level, text.into()));
    }

    pub fn para(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    /// A table, laid out on the terminal by [`Layout::for_table`].
    pub fn table(&mut self, t: Table) {
        let layout = Layout::for_table(&t);
        self.table_with(t, layout);
    }

    /// A table with its own terminal layout.
    pub fn table_with(&mut self, t: Table, layout: Layout) {
        debug_assert_eq!(layout.columns.len(), t.columns.len(), "layout of table {}", t.name);
        self.blocks.push(Block::Table(self.tables.len()));
        self.tables.push(t);
        self.layouts.push(layout);
    }

    pub fn chart(&mut self, name: impl Into<String>, title: impl Into<String>, chart: Chart) {
        self.blocks.push(Block::Chart(self.charts.len()));
        self.charts.push(NamedChart { name: name.into(), title: title.into(), chart });
    }

    /// A blank line on the terminal.
    pub fn gap(&mut self) {
        self.blocks.push(Block::Gap);
    }

    /// The terminal's left margin from here on.
    pub fn indent(&mut self, spaces: usize) {
        self.blocks.push(Block::Indent(spaces));
    }
}

/// The document as Markdown, charts linked as `<name>.png` beside it.
pub fn markdown(d: &Document) -> String {
    let mut out = String::new();
    for block in &d.blocks {
        match block {
            Block::Heading(level, text) => {
                out.push_str(&"#".repeat(usize::from(*level)));
                out.push(' ');
                out.push_str(text);
                out.push_str("\n\n");
            }
            Block::Paragraph(text) => {
                out.push_str(text);
                out.push_str("\n\n");
            }
            Block::Table(i) => out.push_str(&markdown_table(&d.tables[*i], d.lang)),
            Block::Chart(i) => {
                let c = &d.charts[*i];
                out.push_str(&format!("![{}]({}.png)\n\n", c.title, c.name));
            }
            Block::Gap | Block::Indent(_) => {}
        }
    }
    out
}

fn markdown_table(table: &Table, lang: Lang) -> String {
    let esc = |s: &str| s.replace('|', "\\|");
    let mut out = format!("**{}**\n\n", table.title);
    out.push_str(&format!("| {} |\n", table.columns.iter().map(|c| esc(c)).collect::<Vec<_>>().join(" | ")));
    let align: Vec<&str> = (0..table.columns.len()).map(|i| if i == 0 { "---" } else { "--:" }).collect();
    out.push_str(&format!("| {} |\n", align.join(" | ")));
    for row in &table.rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter().map(|c| esc(&c.display(lang))).collect::<Vec<_>>().join(" | ")
        ));
    }
    out.push('\n');
    out
}

/// The document as terminal text: a level-1 heading underlined with
/// `=`, a lower one after a blank line, paragraphs as written (each line
/// at the margin) or, given `wrap`, wrapped at that many characters, and
/// tables padded to their columns. Charts are files, not text: they
/// print nothing.
pub fn text(d: &Document, wrap: Option<usize>) -> String {
    let mut out = String::new();
    let mut margin = String::new();
    for block in &d.blocks {
        match block {
            Block::Heading(1, text) => {
                out.push_str(text);
                out.push('\n');
                out.push_str(&"=".repeat(text.chars().count()));
                out.push('\n');
            }
            Block::Heading(_, text) => {
                out.push('\n');
                out.push_str(text);
                out.push('\n');
            }
            Block::Paragraph(text) => {
                for line in text.lines() {
                    let lines = match wrap {
                        Some(width) => wrapped(line, width.saturating_sub(margin.chars().count()).max(1)),
                        None => vec![line.to_string()],
                    };
                    for line in lines {
                        out.push_str(&margin);
                        out.push_str(&line);
                        out.push('\n');
                    }
                }
            }
            Block::Table(i) => text_table(&mut out, &margin, &d.tables[*i], &d.layouts[*i], d.lang),
            Block::Chart(_) => {}
            Block::Gap => out.push('\n'),
            Block::Indent(n) => margin = " ".repeat(*n),
        }
    }
    out
}

/// `line` broken at spaces into lines of at most `width` characters; a
/// word longer than that stands alone.
fn wrapped(line: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in line.split(' ') {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        } else if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    lines.push(current);
    lines
}

fn text_table(out: &mut String, margin: &str, t: &Table, layout: &Layout, lang: Lang) {
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(t.rows.len() + 1);
    if layout.header {
        rows.push(t.columns.clone());
    }
    rows.extend(t.rows.iter().map(|r| r.iter().map(|c| c.display(lang)).collect()));
    let widths: Vec<usize> = layout
        .columns
        .iter()
        .enumerate()
        .map(|(c, col)| {
            rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0).max(col.min)
        })
        .collect();
    let last = layout.columns.len().saturating_sub(1);
    for (i, row) in rows.iter().enumerate() {
        let mut line = String::from(margin);
        for (c, cell) in row.iter().enumerate() {
            if c > 0 {
                line.push_str("  ");
            }
            let pad = " ".repeat(widths[c].saturating_sub(cell.chars().count()));
            match layout.columns[c].align {
                Align::Right => {
                    line.push_str(&pad);
                    line.push_str(cell);
                }
                Align::Left if c == last => line.push_str(cell),
                Align::Left => {
                    line.push_str(cell);
                    line.push_str(&pad);
                }
            }
        }
        // Empty cells at the end leave no spaces behind.
        out.push_str(line.trim_end_matches(' '));
        out.push('\n');
        if i == 0 && layout.header && layout.rule {
            let width = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
            out.push_str(margin);
            out.push_str(&"-".repeat(width));
            out.push('\n');
        }
    }
}

/// Each table of the document as a CSV file: its name with `.csv`, and
/// its cells as [`Table::to_csv`] writes them.
pub fn csv(d: &Document) -> Vec<(String, String)> {
    d.tables.iter().map(|t| (format!("{}.csv", t.name), t.to_csv())).collect()
}

#[cfg(test)]
mod tests;
