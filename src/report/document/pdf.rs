//! A document as a PDF, for papers that are printed or circulated as
//! they are: A4 portrait, the compiled-in DejaVu Sans embedded (a subset),
//! so the text is real text (selectable, searchable) and no font or
//! browser is needed on the machine that makes or opens it.
//!
//! The document is laid out first, into pages of drawing operations, so
//! that the footer can say "Page 3 of 12"; then the pages are drawn with
//! krilla. Headings are kept with what follows them, paragraphs wrap at
//! word spaces (a non-breaking space, as in `1 477,4 mkr`, never breaks),
//! a table that runs onto the next page repeats its caption and column
//! names there, and a chart (its PNG) moves whole to the next page when
//! it does not fit. No date or time goes into the file: the same document
//! gives the same bytes.

use std::cell::RefCell;
use std::collections::HashMap;

use krilla::Document as Pdf;
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::image::Image;
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

use super::{Block, ClassOf, Document};
use crate::error::{Error, Result};
use crate::report::Lang;
use crate::report::chart::FONT;
use crate::report::table::{Cell, Table};
use crate::report::terms::term_with;

/// A4 in points.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
/// 20 mm margins; the bottom one leaves room for the footer.
const LEFT: f32 = 56.69;
const RIGHT: f32 = PAGE_W - 56.69;
const TOP: f32 = 56.69;
const BOTTOM: f32 = PAGE_H - 62.36;
const WIDTH: f32 = RIGHT - LEFT;
/// The footer's baseline.
const FOOTER: f32 = PAGE_H - 34.0;

const BODY: f32 = 10.0;
const BODY_LINE: f32 = 14.0;
const TITLE: f32 = 18.0;
/// The smallest size a title is shrunk to before it wraps.
const TITLE_MIN: f32 = 15.0;
const TABLE: f32 = 8.5;
/// The smallest size a wide table is shrunk to before its text breaks
/// inside words.
const TABLE_MIN: f32 = 7.0;
const CELL_X: f32 = 3.5;
const CELL_Y: f32 = 2.5;
/// DejaVu Sans's ascender, in ems: from a line's top to its baseline.
const ASCENT: f32 = 0.93;

type Colour = (u8, u8, u8);
const BLACK: Colour = (17, 17, 17);
const GREY: Colour = (90, 90, 90);
const RULE: Colour = (153, 153, 153);
const HEAD: Colour = (235, 235, 235);

/// The background of a text cell of a class `class_of` gives, as the
/// HTML page colours it.
fn class_colour(class: &str) -> Option<Colour> {
    match class {
        "met" => Some((207, 232, 208)),
        "partly" => Some((251, 238, 176)),
        "notmet" => Some((245, 196, 189)),
        _ => None,
    }
}

/// One drawing on a page; y grows downwards from the page's top edge.
#[derive(Debug, Clone)]
enum Op {
    /// A line of text, `y` its baseline; `bold` thickens the glyphs with
    /// a stroke of their own colour (the font has no bold face).
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Colour,
        text: String,
    },
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        colour: Colour,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
        colour: Colour,
    },
    Chart {
        index: usize,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
}

/// Text widths, from the same shaping (rustybuzz, with kerning) krilla
/// applies when it draws.
struct Measure {
    face: rustybuzz::Face<'static>,
    per_em: f32,
    /// Widths at one point, by text: a table's cells are measured at
    /// each size it tries, and the same words recur.
    known: RefCell<HashMap<String, f32>>,
}

impl Measure {
    fn new() -> Result<Measure> {
        let face = rustybuzz::Face::from_slice(FONT, 0)
            .ok_or_else(|| Error::Pdf("the compiled-in font does not parse".into()))?;
        let per_em = face.units_per_em() as f32;
        Ok(Measure { face, per_em, known: RefCell::new(HashMap::new()) })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        if text.is_empty() {
            return 0.0;
        }
        if let Some(w) = self.known.borrow().get(text) {
            return w * size;
        }
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.face, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        let w = units as f32 / self.per_em;
        self.known.borrow_mut().insert(text.to_string(), w);
        w * size
    }

    /// `text` broken into lines of at most `width` points: at spaces, and
    /// inside a word only where the word alone is wider than a line. A
    /// line's width is taken as its words' and spaces' (the font kerns
    /// no pair across a space), so each word is shaped once.
    fn wrap(&self, text: &str, size: f32, width: f32) -> Vec<String> {
        let space = self.width(" ", size);
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut current = String::new();
            let mut used = 0.0;
            for word in paragraph.split(' ').filter(|w| !w.is_empty()) {
                let w = self.width(word, size);
                if !current.is_empty() && used + space + w <= width {
                    current.push(' ');
                    current.push_str(word);
                    used += space + w;
                    continue;
                }
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
                if w <= width {
                    current = word.to_string();
                    used = w;
                } else {
                    // A word wider than the line: as many characters a line as fit.
                    for c in word.chars() {
                        let cw = self.width(c.encode_utf8(&mut [0; 4]), size);
                        if !current.is_empty() && used + cw > width {
                            lines.push(std::mem::take(&mut current));
                            used = 0.0;
                        }
                        current.push(c);
                        used += cw;
                    }
                }
            }
            lines.push(current);
        }
        lines
    }

    /// The widest word of `text`, in points: the narrowest it can wrap to
    /// without breaking a word.
    fn widest_word(&self, text: &str, size: f32) -> f32 {
        text.split(['\n', ' ']).map(|w| self.width(w, size)).fold(0.0, f32::max)
    }

    /// The widest line of `text` unwrapped.
    fn natural(&self, text: &str, size: f32) -> f32 {
        text.split('\n').map(|l| self.width(l, size)).fold(0.0, f32::max)
    }

    /// `text` cut to `width` points, an ellipsis marking the cut.
    fn fit(&self, text: &str, size: f32, width: f32) -> String {
        if self.width(text, size) <= width {
            return text.to_string();
        }
        let mut cut: String = text.to_string();
        while !cut.is_empty() && self.width(&format!("{cut}…"), size) > width {
            cut.pop();
        }
        format!("{}…", cut.trim_end())
    }
}

/// A heading in the PDF's outline (its bookmarks): its level, text,
/// page and position.
struct Mark {
    level: u8,
    text: String,
    page: usize,
    y: f32,
}

/// The pages as they are filled, and where the next block starts.
struct Pages<'a> {
    measure: &'a Measure,
    pages: Vec<Vec<Op>>,
    y: f32,
    marks: Vec<Mark>,
}

impl Pages<'_> {
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn at_top(&self) -> bool {
        self.y <= TOP
    }

    /// A new page unless `height` more fits on this one (or this one is
    /// still empty, where it would not fit either).
    fn room_for(&mut self, height: f32) {
        if self.y + height > BOTTOM && !self.at_top() {
            self.new_page();
        }
    }

    /// Space before a block, dropped at the top of a page.
    fn space(&mut self, points: f32) {
        if !self.at_top() {
            self.y += points;
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, colour: Colour, text: String) {
        let y = self.y + ASCENT * size;
        self.ops().push(Op::Text { x, y, size, bold, colour, text });
    }

    fn rule(&mut self, y: f32, width: f32, colour: Colour) {
        self.ops().push(Op::Line { x1: LEFT, y1: y, x2: RIGHT, y2: y, width, colour });
    }

    fn page_index(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }
}

/// A heading's size, the space above it and below it.
fn heading_style(level: u8) -> (f32, f32, f32) {
    match level {
        1 => (TITLE, 14.0, 10.0),
        2 => (13.5, 16.0, 7.0),
        _ => (11.0, 10.0, 4.0),
    }
}

/// A title's lines: on one line at the largest size from [`TITLE`] down
/// to [`TITLE_MIN`] that fits; otherwise wrapped at [`TITLE`], after its
/// colon where both halves fit a line, else into lines of even length.
fn title_lines(m: &Measure, text: &str, size: f32) -> (f32, Vec<String>) {
    let mut s = size;
    while s >= TITLE_MIN {
        if m.width(text, s) <= WIDTH {
            return (s, vec![text.to_string()]);
        }
        s -= 0.5;
    }
    if let Some((head, tail)) = text.split_once(": ") {
        let head = format!("{head}:");
        if m.width(&head, size) <= WIDTH && m.width(tail, size) <= WIDTH {
            return (size, vec![head, tail.to_string()]);
        }
    }
    (size, balanced(m, text, size, WIDTH))
}

/// `text` wrapped into as few lines as at `width`, but as even as they
/// can be: the narrowest width that needs no more lines.
fn balanced(m: &Measure, text: &str, size: f32, width: f32) -> Vec<String> {
    let lines = m.wrap(text, size, width);
    let mut best = lines.clone();
    let mut w = width;
    while w > width / 2.0 {
        w -= 4.0;
        let tighter = m.wrap(text, size, w);
        if tighter.len() > lines.len() || tighter.iter().any(|l| m.width(l, size) > w) {
            break;
        }
        best = tighter;
    }
    best
}

fn heading(p: &mut Pages<'_>, level: u8, text: &str, follow: f32) {
    let (size, before, after) = heading_style(level);
    let (size, lines) = if level == 1 {
        title_lines(p.measure, text, size)
    } else {
        (size, balanced(p.measure, text, size, WIDTH))
    };
    let line = size * 1.3;
    let height = lines.len() as f32 * line + after + if level <= 2 { 3.0 } else { 0.0 };
    p.space(before);
    // Kept with the start of what follows.
    p.room_for(height + follow);
    p.marks.push(Mark { level, text: text.to_string(), page: p.page_index(), y: p.y });
    for l in lines {
        p.text(LEFT, size, true, BLACK, l);
        p.y += line;
    }
    match level {
        1 => {
            let y = p.y + 2.0;
            p.rule(y, 1.5, BLACK);
            p.y += 3.0;
        }
        2 => {
            let y = p.y + 1.5;
            p.rule(y, 0.6, RULE);
            p.y += 3.0;
        }
        _ => {}
    }
    p.y += after;
}

fn paragraph(p: &mut Pages<'_>, text: &str) {
    let lines = p.measure.wrap(text, BODY, WIDTH);
    p.space(2.0);
    for l in lines {
        p.room_for(BODY_LINE);
        p.text(LEFT, BODY, false, BLACK, l);
        p.y += BODY_LINE;
    }
    p.y += 6.0;
}

/// A table's column: right-aligned when most of its filled cells are
/// numbers (the first column never is), and its width.
struct Col {
    right: bool,
    width: f32,
}

/// A table laid out to the page's width: its font size, its columns and
/// each row's cells as lines (the column names first).
struct Grid {
    size: f32,
    cols: Vec<Col>,
    rows: Cells,
    /// Each body cell's background, from `class_of`.
    shades: Vec<Vec<Option<Colour>>>,
}

impl Grid {
    fn line(&self) -> f32 {
        self.size * 1.25
    }

    /// What of the table must fit in `room` for it to start there: a
    /// short table whole, and one that fits a page whole when less than
    /// half of it would fit in `room`; else its caption, column names and
    /// first row.
    fn start(&self, room: f32) -> f32 {
        let whole = CAPTION_LINE + (0..self.rows.len()).map(|r| self.row_height(r)).sum::<f32>();
        if whole <= KEEP_WHOLE || (whole <= BOTTOM - TOP && room < whole / 2.0) {
            whole
        } else {
            CAPTION_LINE + (0..self.rows.len().min(2)).map(|r| self.row_height(r)).sum::<f32>()
        }
    }

    fn row_height(&self, row: usize) -> f32 {
        let lines = self.rows[row].iter().map(Vec::len).max().unwrap_or(1).max(1);
        lines as f32 * self.line() + 2.0 * CELL_Y
    }
}

/// Column widths for `texts` (a row each, column names first) at `size`:
/// each column as wide as its longest cell when they all fit the page;
/// else each at least as wide as its widest word (a number, its spaces
/// non-breaking, is one word), and the rest of the page shared out
/// evenly among the columns that want more, none given more than its
/// longest text; so short columns stay on one line and the long ones
/// wrap. Two ways to share: first up to each column's longest cell below
/// the names (the names wrap rather than the cells), or cells and names
/// alike; the caller keeps the one that wraps less. None when not even
/// the widest words fit.
fn widths(m: &Measure, texts: &[Vec<String>], size: f32) -> Vec<Vec<f32>> {
    let n = texts.first().map_or(0, Vec::len);
    let pad = 2.0 * CELL_X;
    let widest = |rows: &[Vec<String>], c: usize, f: &dyn Fn(&str) -> f32| {
        rows.iter().map(|r| f(&r[c])).fold(0.0, f32::max) + pad
    };
    let natural = |t: &str| m.natural(t, size);
    let word = |t: &str| m.widest_word(t, size);
    let full: Vec<f32> = (0..n).map(|c| widest(texts, c, &natural)).collect();
    if full.iter().sum::<f32>() <= WIDTH {
        return vec![full];
    }
    let least: Vec<f32> = (0..n).map(|c| widest(texts, c, &word)).collect();
    let body: Vec<f32> = (0..n).map(|c| widest(&texts[1..], c, &natural).max(least[c])).collect();
    if least.iter().sum::<f32>() > WIDTH {
        return Vec::new();
    }
    let share = |goals: &[&Vec<f32>]| {
        let mut w = least.clone();
        let mut spare = WIDTH - w.iter().sum::<f32>();
        for goal in goals {
            while spare > 0.01 {
                let wanting: Vec<usize> = (0..n).filter(|&c| goal[c] - w[c] > 0.01).collect();
                if wanting.is_empty() {
                    break;
                }
                let each = spare / wanting.len() as f32;
                for c in wanting {
                    let add = each.min(goal[c] - w[c]);
                    w[c] += add;
                    spare -= add;
                }
            }
        }
        w
    };
    vec![share(&[&body, &full]), share(&[&full])]
}

/// A table's cells as lines, a row at a time.
type Cells = Vec<Vec<Vec<String>>>;

/// The table's text wrapped into columns of `widths`.
fn wrapped(m: &Measure, texts: &[Vec<String>], size: f32, widths: &[f32]) -> Cells {
    texts
        .iter()
        .map(|r| r.iter().zip(widths).map(|(text, w)| m.wrap(text, size, w - 2.0 * CELL_X)).collect())
        .collect()
}

/// The lines of wrapped rows, each row as many as its fullest cell.
fn lines(rows: &[Vec<Vec<String>>]) -> usize {
    rows.iter().map(|r| r.iter().map(Vec::len).max().unwrap_or(1).max(1)).sum()
}

fn grid(m: &Measure, t: &Table, lang: Lang, class_of: ClassOf<'_>) -> Grid {
    let n = t.columns.len();
    let mut texts: Vec<Vec<String>> = vec![t.columns.clone()];
    texts.extend(
        t.rows.iter().map(|r| (0..n).map(|c| r.get(c).map_or(String::new(), |x| x.display(lang))).collect()),
    );
    // A column of numbers is right-aligned, its name too; its text cells
    // (a dash, a limit) with it, unless one is wider than every number.
    let right: Vec<bool> = (0..n)
        .map(|c| {
            let (mut number, mut text) = (None::<f32>, 0.0_f32);
            for (r, cells) in t.rows.iter().zip(&texts[1..]) {
                let w = m.natural(&cells[c], TABLE);
                match r.get(c) {
                    Some(Cell::Number { .. } | Cell::Shown { .. }) => {
                        number = Some(number.unwrap_or(0.0).max(w));
                    }
                    _ => text = text.max(w),
                }
            }
            c > 0 && number.is_some_and(|widest| text <= widest)
        })
        .collect();
    // The largest size that fits, and a smaller one where that makes the
    // table wrap at least a fifth fewer lines.
    let mut best: Option<(f32, Vec<f32>, Cells, usize)> = None;
    let mut size = TABLE;
    while size >= TABLE_MIN {
        let fewest = widths(m, &texts, size)
            .into_iter()
            .map(|w| {
                let rows = wrapped(m, &texts, size, &w);
                let h = lines(&rows);
                (size, w, rows, h)
            })
            .min_by_key(|c| c.3);
        if let Some(c) = fewest
            && best.as_ref().is_none_or(|b| 5 * c.3 <= 4 * b.3)
        {
            best = Some(c);
        }
        size -= 0.5;
    }
    let (size, cols, rows) = match best {
        Some((size, w, rows, _)) => (size, w, rows),
        None => {
            // Even the smallest size is too wide: every column wraps,
            // inside words where it must, sharing the page by need.
            let natural: Vec<f32> = (0..n)
                .map(|c| texts.iter().map(|r| m.natural(&r[c], TABLE_MIN)).fold(0.0, f32::max) + 2.0 * CELL_X)
                .collect();
            let total: f32 = natural.iter().sum();
            let w: Vec<f32> = natural.iter().map(|w| w * WIDTH / total).collect();
            let rows = wrapped(m, &texts, TABLE_MIN, &w);
            (TABLE_MIN, w, rows)
        }
    };
    let shades = t
        .rows
        .iter()
        .map(|r| {
            (0..n)
                .map(|c| match r.get(c) {
                    Some(Cell::Text { text }) => {
                        t.columns.get(c).and_then(|name| class_of(name, text)).and_then(class_colour)
                    }
                    _ => None,
                })
                .collect()
        })
        .collect();
    Grid {
        size,
        cols: cols.iter().zip(&right).map(|(&width, &right)| Col { right, width }).collect(),
        rows,
        shades,
    }
}

const CAPTION: f32 = 9.5;
/// A table no taller than this (about a third of a page) is not split.
const KEEP_WHOLE: f32 = 240.0;
const CAPTION_LINE: f32 = 13.0;

fn caption(p: &mut Pages<'_>, text: &str) {
    p.text(LEFT, CAPTION, true, BLACK, text.to_string());
    p.y += CAPTION_LINE;
}

/// One row of the grid at the current position; `row` 0 is the column
/// names.
fn row(p: &mut Pages<'_>, g: &Grid, row: usize) {
    let height = g.row_height(row);
    let top = p.y;
    let mut x = LEFT;
    for (c, col) in g.cols.iter().enumerate() {
        let shade = if row == 0 { Some(HEAD) } else { g.shades[row - 1][c] };
        if let Some(colour) = shade {
            p.ops().push(Op::Fill { x, y: top, w: col.width, h: height, colour });
        }
        let bold = row == 0 || shade.is_some();
        for (i, line) in g.rows[row][c].iter().enumerate() {
            let w = p.measure.width(line, g.size);
            let lx = if col.right { x + col.width - CELL_X - w } else { x + CELL_X };
            let y = top + CELL_Y + i as f32 * g.line() + ASCENT * g.size;
            p.ops().push(Op::Text { x: lx, y, size: g.size, bold, colour: BLACK, text: line.clone() });
        }
        x += col.width;
    }
    p.y += height;
    let right = LEFT + g.cols.iter().map(|c| c.width).sum::<f32>();
    let y = p.y;
    p.ops().push(Op::Line { x1: LEFT, y1: y, x2: right, y2: y, width: 0.5, colour: RULE });
}

/// The grid's vertical rules and its top edge, from `top` to the current
/// position: drawn once a page's part of the table is done.
fn frame(p: &mut Pages<'_>, g: &Grid, top: f32) {
    let bottom = p.y;
    let mut x = LEFT;
    let right = LEFT + g.cols.iter().map(|c| c.width).sum::<f32>();
    p.ops().push(Op::Line { x1: LEFT, y1: top, x2: right, y2: top, width: 0.5, colour: RULE });
    p.ops().push(Op::Line { x1: x, y1: top, x2: x, y2: bottom, width: 0.5, colour: RULE });
    for col in &g.cols {
        x += col.width;
        p.ops().push(Op::Line { x1: x, y1: top, x2: x, y2: bottom, width: 0.5, colour: RULE });
    }
}

fn table(p: &mut Pages<'_>, t: &Table, lang: Lang, class_of: ClassOf<'_>) {
    let g = grid(p.measure, t, lang, class_of);
    p.space(4.0);
    let room = BOTTOM - p.y;
    p.room_for(g.start(room));
    caption(p, &t.title);
    let mut top = p.y;
    row(p, &g, 0);
    let last = g.rows.len() - 1;
    for r in 1..g.rows.len() {
        // The last row never goes over alone: the one before it goes too.
        let lone = r + 1 == last && r > 1 && p.y + g.row_height(r) + g.row_height(last) > BOTTOM;
        if p.y + g.row_height(r) > BOTTOM || lone {
            frame(p, &g, top);
            p.new_page();
            caption(p, &term_with("pdf.continued", lang, &[("title", &t.title)]));
            top = p.y;
            row(p, &g, 0);
        }
        row(p, &g, r);
    }
    frame(p, &g, top);
    p.y += 12.0;
}

/// The PNG's size in pixels, from its header.
fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    let w = png.get(16..20)?;
    let h = png.get(20..24)?;
    let (w, h) = (u32::from_be_bytes(w.try_into().ok()?), u32::from_be_bytes(h.try_into().ok()?));
    (png.starts_with(b"\x89PNG\r\n\x1a\n") && w > 0 && h > 0).then_some((w, h))
}

/// The tallest a chart is drawn, so that two of the usual 3:2 ones fit
/// a page: a taller one is drawn narrower, centred.
const CHART_MAX: f32 = 340.0;

/// A chart's width and height: the page's width, or less where it would
/// be taller than [`CHART_MAX`].
fn chart_size(d: &Document, index: usize) -> Result<(f32, f32)> {
    let c = &d.charts[index];
    let (w, h) =
        png_size(&c.chart.png).ok_or_else(|| Error::Pdf(format!("chart `{}` is not a PNG image", c.name)))?;
    let aspect = h as f32 / w as f32;
    let height = (WIDTH * aspect).min(CHART_MAX);
    Ok((height / aspect, height))
}

fn chart(p: &mut Pages<'_>, d: &Document, index: usize) -> Result<()> {
    let (w, h) = chart_size(d, index)?;
    p.space(6.0);
    p.room_for(h);
    let y = p.y;
    p.ops().push(Op::Chart { index, x: LEFT + (WIDTH - w) / 2.0, y, w, h });
    p.y += h + 10.0;
    Ok(())
}

/// How much of `block` must fit below a heading for the heading to stay
/// on this page: two lines of a paragraph, what a table needs to start
/// ([`Grid::start`]), a whole chart.
fn follow(p: &Pages<'_>, d: &Document, block: Option<&Block>, class_of: ClassOf<'_>) -> Result<f32> {
    Ok(match block {
        Some(Block::Paragraph(text)) => BODY_LINE * p.measure.wrap(text, BODY, WIDTH).len().min(2) as f32,
        Some(Block::Table(i)) => {
            // Less room than under any heading, so that a table this
            // decides to move whole never leaves its heading behind.
            let room = BOTTOM - p.y - 60.0;
            grid(p.measure, &d.tables[*i], d.lang, class_of).start(room) + 4.0
        }
        Some(Block::Chart(i)) => chart_size(d, *i)?.1 + 6.0,
        Some(Block::Heading(level, _)) => heading_style(*level).0 * 1.3 + BODY_LINE * 2.0,
        _ => BODY_LINE * 2.0,
    })
}

/// The document as a PDF.
pub fn pdf(d: &Document) -> Result<Vec<u8>> {
    pdf_with(d, &|_, _| None)
}

/// The PDF with text cells shaded as the HTML page colours the classes
/// `class_of` gives them (`met`, `partly`, `notmet`).
pub fn pdf_with(d: &Document, class_of: ClassOf<'_>) -> Result<Vec<u8>> {
    let measure = Measure::new()?;
    let (pages, marks) = layout(d, &measure, class_of)?;
    draw(d, &measure, pages, &marks)
}

/// The document laid out into pages of drawings (the footers not yet
/// among them), and its headings' places.
fn layout(d: &Document, measure: &Measure, class_of: ClassOf<'_>) -> Result<(Vec<Vec<Op>>, Vec<Mark>)> {
    let mut p = Pages { measure, pages: vec![Vec::new()], y: TOP, marks: Vec::new() };
    let blocks: Vec<&Block> =
        d.blocks.iter().filter(|b| !matches!(b, Block::Gap | Block::Indent(_))).collect();
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Heading(level, text) => {
                let follow = follow(&p, d, blocks.get(i + 1).copied(), class_of)?;
                heading(&mut p, *level, text, follow);
            }
            Block::Paragraph(text) => paragraph(&mut p, text),
            Block::Table(t) => table(&mut p, &d.tables[*t], d.lang, class_of),
            Block::Chart(c) => chart(&mut p, d, *c)?,
            Block::Gap | Block::Indent(_) => {}
        }
    }
    Ok((p.pages, p.marks))
}

fn fill(colour: Colour) -> Fill {
    Fill {
        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn draw(d: &Document, m: &Measure, pages: Vec<Vec<Op>>, marks: &[Mark]) -> Result<Vec<u8>> {
    let font =
        Font::new(FONT.into(), 0).ok_or_else(|| Error::Pdf("the compiled-in font does not parse".into()))?;
    let images = d
        .charts
        .iter()
        .map(|c| {
            Image::from_png(c.chart.png.clone().into(), true)
                .map_err(|e| Error::Pdf(format!("chart `{}`: {e}", c.name)))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut doc = Pdf::new();
    let count = pages.len();
    let footer_title = m.fit(&d.title, 8.0, WIDTH * 0.7);
    for (n, ops) in pages.into_iter().enumerate() {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H)
            .ok_or_else(|| Error::Pdf("A4 is not a page size".into()))?;
        let mut page = doc.start_page_with(settings);
        let mut surface = page.surface();
        let footer = term_with("pdf.page", d.lang, &[("page", &(n + 1)), ("pages", &count)]);
        let footer_ops = [
            Op::Line { x1: LEFT, y1: FOOTER - 11.0, x2: RIGHT, y2: FOOTER - 11.0, width: 0.4, colour: RULE },
            Op::Text { x: LEFT, y: FOOTER, size: 8.0, bold: false, colour: GREY, text: footer_title.clone() },
            Op::Text {
                x: RIGHT - m.width(&footer, 8.0),
                y: FOOTER,
                size: 8.0,
                bold: false,
                colour: GREY,
                text: footer,
            },
        ];
        for op in ops.iter().chain(&footer_ops) {
            match op {
                Op::Text { x, y, size, bold, colour, text } => {
                    surface.set_fill(Some(fill(*colour)));
                    surface.set_stroke(bold.then(|| Stroke {
                        paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
                        width: size * 0.035,
                        ..Default::default()
                    }));
                    surface.draw_text(
                        Point::from_xy(*x, *y),
                        font.clone(),
                        *size,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                    surface.set_stroke(None);
                }
                Op::Fill { x, y, w, h, colour } => {
                    let mut b = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                        b.push_rect(r);
                    }
                    if let Some(path) = b.finish() {
                        surface.set_fill(Some(fill(*colour)));
                        surface.draw_path(&path);
                    }
                }
                Op::Line { x1, y1, x2, y2, width, colour } => {
                    let mut b = PathBuilder::new();
                    b.move_to(*x1, *y1);
                    b.line_to(*x2, *y2);
                    if let Some(path) = b.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(colour.0, colour.1, colour.2).into(),
                            width: *width,
                            ..Default::default()
                        }));
                        surface.draw_path(&path);
                        surface.set_stroke(None);
                    }
                }
                Op::Chart { index, x, y, w, h } => {
                    if let Some(size) = Size::from_wh(*w, *h) {
                        surface.push_transform(&Transform::from_translate(*x, *y));
                        surface.draw_image(images[*index].clone(), size);
                        surface.pop();
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    doc.set_outline(outline(marks));
    let lang = match d.lang {
        Lang::Sv => "sv",
        Lang::En => "en",
    };
    doc.set_metadata(
        Metadata::new().title(d.title.clone()).language(lang.to_string()).creator("pensionsim".to_string()),
    );
    doc.finish().map_err(|e| Error::Pdf(format!("{e:?}")))
}

/// The headings as nested bookmarks: each under the nearest heading of a
/// higher level before it.
fn outline(marks: &[Mark]) -> Outline {
    fn node(marks: &[Mark], at: &mut usize) -> OutlineNode {
        let m = &marks[*at];
        let mut n = OutlineNode::new(m.text.clone(), XyzDestination::new(m.page, Point::from_xy(LEFT, m.y)));
        *at += 1;
        while *at < marks.len() && marks[*at].level > m.level {
            n.push_child(node(marks, at));
        }
        n
    }
    let mut outline = Outline::new();
    let mut at = 0;
    while at < marks.len() {
        outline.push_child(node(marks, &mut at));
    }
    outline
}

#[cfg(test)]
mod tests;
