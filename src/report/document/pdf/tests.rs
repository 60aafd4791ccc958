//! The PDF read back with lopdf, a PDF reader of its own: it parses,
//! has the pages the layout made, and its text is text (the words come
//! out as written); a long table runs onto the next page under its
//! column names; nothing is drawn past the margins; the bytes repeat.

use super::*;
use crate::report::chart::Chart;
use crate::report::document::{Document, NamedChart};

/// A PNG of `w` by `h` pixels, light grey.
fn png(w: u32, h: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = ::png::Encoder::new(&mut out, w, h);
    encoder.set_color(::png::ColorType::Rgb);
    encoder.set_depth(::png::BitDepth::Eight);
    let mut writer = encoder.write_header().unwrap();
    writer.write_image_data(&vec![200u8; (w * h * 3) as usize]).unwrap();
    writer.finish().unwrap();
    out
}

fn small() -> Document {
    let mut d =
        Document::new(Lang::Sv, "Finansiell riskrapport 2025T2: Region Jämtland Härjedalen, 2025-08-31");
    d.heading(1, d.title.clone());
    d.para("Aktieandelen är 44,3 % och konsolideringsgraden 29,5 %; skyddsnivån nås inte.");
    d.heading(2, "Pensionsportföljen");
    let mut t = Table::new("portfolio", "Pensionsportföljen", &["Mått", "Utfall", "Status"]);
    t.push(vec![Cell::text("Marknadsvärde"), Cell::mkr(1477.4, 1), Cell::text("uppfyllt")]);
    t.push(vec![Cell::text("aktieandel"), Cell::percent(0.443, 1), Cell::text("–")]);
    d.table(t);
    d.chart("fan", "Utfall", Chart { svg: String::new(), png: png(120, 80) });
    d
}

fn read(bytes: &[u8]) -> lopdf::Document {
    lopdf::Document::load_mem(bytes).expect("lopdf reads the PDF")
}

/// Each page's text, as lopdf extracts it, with non-breaking spaces as
/// spaces.
fn texts(doc: &lopdf::Document) -> Vec<String> {
    let pages = doc.get_pages().len() as u32;
    (1..=pages).map(|n| doc.extract_text(&[n]).unwrap().replace('\u{a0}', " ")).collect()
}

#[test]
fn a_small_document_is_one_page_of_real_text() {
    let bytes = pdf(&small()).unwrap();
    let doc = read(&bytes);
    assert_eq!(doc.get_pages().len(), 1);
    let text = texts(&doc).concat();
    for words in [
        "Finansiell riskrapport 2025T2:",
        "Region Jämtland Härjedalen, 2025-08-31",
        "Aktieandelen är 44,3 %",
        "konsolideringsgraden",
        "Marknadsvärde",
        "1 477,4 mkr",
        "aktieandel",
        "Sida 1 av 1",
    ] {
        assert!(text.contains(words), "`{words}` is not in the text:\n{text}");
    }
    // Its title and language are the document's.
    let info = doc.trailer.get(b"Info").and_then(|r| doc.get_dictionary(r.as_reference()?)).unwrap();
    let title = info.get(b"Title").unwrap();
    assert_eq!(lopdf::decode_text_string(title).unwrap(), small().title);
    let catalog = doc.catalog().unwrap();
    assert_eq!(catalog.get(b"Lang").unwrap().as_str().unwrap(), b"sv");
}

#[test]
fn the_same_document_gives_the_same_bytes() {
    assert_eq!(pdf(&small()).unwrap(), pdf(&small()).unwrap());
}

fn long(rows: usize) -> Document {
    let mut d = Document::new(Lang::En, "A long table");
    d.heading(1, "A long table");
    let mut t =
        Table::new("years", "The road to the target year", &["Year", "Obligation", "Consolidation ratio"]);
    for i in 0..rows {
        t.push(vec![Cell::text(format!("row {i}")), Cell::mkr(5000.0 + i as f64, 0), Cell::percent(0.3, 1)]);
    }
    d.table(t);
    d.para("After the table.");
    d
}

#[test]
fn a_long_table_runs_onto_the_next_pages_under_its_column_names() {
    let bytes = pdf(&long(150)).unwrap();
    let doc = read(&bytes);
    let pages = texts(&doc);
    assert!(pages.len() >= 3, "{} pages", pages.len());
    let count = pages.len();
    let mut next = 0;
    for (n, page) in pages.iter().enumerate() {
        assert!(page.contains("Consolidation ratio"), "page {} has no column names:\n{page}", n + 1);
        assert!(page.contains(&format!("Page {} of {count}", n + 1)), "page {}:\n{page}", n + 1);
        if n > 0 {
            assert!(page.contains("The road to the target year (continued)"), "page {}:\n{page}", n + 1);
        }
        // The rows in order, none lost or repeated at a break.
        while page.contains(&format!("row {next}\n")) || page.contains(&format!("row {next} ")) {
            next += 1;
        }
    }
    assert_eq!(next, 150, "rows up to {next} found in order");
    assert!(pages[count - 1].contains("After the table."));
}

#[test]
fn nothing_is_drawn_past_the_margins() {
    let mut d = long(60);
    let wide: Vec<String> = (0..9).map(|i| format!("A long column name number {i}")).collect();
    let names: Vec<&str> = wide.iter().map(String::as_str).collect();
    let mut t = Table::new("wide", "Nine wide columns", &names);
    for _ in 0..5 {
        let mut row =
            vec![Cell::text("Befrielsedagen 2025, as the interim report describes it, and more words")];
        row.extend((0..8).map(|i| Cell::mkr(-1234.5 * f64::from(i), 1)));
        t.push(row);
    }
    d.table(t);
    d.para(format!("A word too long for a line: {}", "9ebde1478".repeat(12)));
    d.chart("tall", "Tall", Chart { svg: String::new(), png: png(100, 400) });
    let m = Measure::new().unwrap();
    let (pages, _) = layout(&d, &m, &|_, _| None).unwrap();
    let inside = |x: f32, y: f32| {
        (LEFT - 0.01..=RIGHT + 0.01).contains(&x) && (TOP - 0.01..=BOTTOM + 0.01).contains(&y)
    };
    for (n, ops) in pages.iter().enumerate() {
        for op in ops {
            let fits = match op {
                Op::Text { x, y, size, text, .. } => {
                    inside(*x, *y) && inside(x + m.width(text, *size), y - ASCENT * size)
                }
                Op::Fill { x, y, w, h, .. } => inside(*x, *y) && inside(x + w, y + h),
                Op::Line { x1, y1, x2, y2, .. } => inside(*x1, *y1) && inside(*x2, *y2),
                Op::Chart { x, y, w, h, .. } => inside(*x, *y) && inside(x + w, y + h),
            };
            assert!(fits, "page {}: {op:?} is past the margins", n + 1);
        }
    }
    // The numbers stay whole on their lines.
    let text = texts(&read(&pdf(&d).unwrap())).concat();
    let number = Cell::mkr(-8641.5, 1).display(Lang::En).replace('\u{a0}', " ");
    assert!(text.contains(&number), "{number} is not whole in:\n{text}");
}

#[test]
fn a_title_too_long_for_a_line_breaks_after_its_colon() {
    let m = Measure::new().unwrap();
    let (size, lines) = title_lines(&m, &small().title, TITLE);
    assert_eq!(size, TITLE);
    assert_eq!(lines, ["Finansiell riskrapport 2025T2:", "Region Jämtland Härjedalen, 2025-08-31"]);
    let (size, lines) = title_lines(&m, "Risk report", TITLE);
    assert_eq!((size, lines.len()), (TITLE, 1));
}

#[test]
fn a_number_never_breaks_at_its_spaces() {
    let m = Measure::new().unwrap();
    let lines =
        m.wrap("the portfolio is 1\u{a0}477,4\u{a0}mkr today", BODY, m.width("the portfolio is 1", BODY));
    assert!(lines.contains(&"1\u{a0}477,4\u{a0}mkr".to_string()), "{lines:?}");
}

#[test]
fn a_chart_that_is_not_a_png_is_an_error_not_a_panic() {
    let mut d = small();
    d.charts[0] = NamedChart {
        name: "fan".into(),
        title: "Fan".into(),
        chart: Chart { svg: String::new(), png: b"not a png".to_vec() },
    };
    let e = pdf(&d).unwrap_err().to_string();
    assert!(e.contains("chart `fan` is not a PNG image"), "{e}");
}

#[test]
fn the_font_kerns_no_pair_across_a_space() {
    // Measure::wrap adds up words and spaces; that is exact only so.
    let m = Measure::new().unwrap();
    let chars = "AFLPTVWYafrtvwy0147.,:;%()–−\"'åäöÅÄÖ";
    for a in chars.chars() {
        for b in chars.chars() {
            let joined = m.width(&format!("{a} {b}"), 1000.0);
            let parts =
                m.width(&a.to_string(), 1000.0) + m.width(" ", 1000.0) + m.width(&b.to_string(), 1000.0);
            assert!((joined - parts).abs() < 1e-3, "`{a} {b}`: {joined} against {parts}");
        }
    }
}
