//! The renderers: the terminal's layout, wrapping, and what Markdown and
//! HTML make of the terminal's blocks.

use super::*;
use crate::report::table::Cell;

fn sample() -> Document {
    let mut d = Document::new(Lang::En, "Title");
    d.heading(1, "Title");
    d.para("Region, 2025-08-31");
    d.heading(2, "1. Position");
    d.indent(2);
    let mut t = Table::new("position", "Position", &["measure", "value"]);
    t.push(vec![Cell::text("Market value"), Cell::mkr(1477.4, 1)]);
    t.push(vec![Cell::text("Margin"), Cell::percent(0.123, 1)]);
    d.table_with(t, Layout::rows(&[Column::LEFT, Column::LEFT]));
    d.gap();
    let mut t = Table::new("moves", "Moves", &["USD", "Fall"]);
    t.push(vec![Cell::percent(-0.1, 0), Cell::text("none needed")]);
    d.table_with(t, Layout { header: true, rule: false, columns: vec![Column::right(6), Column::RIGHT] });
    d.indent(0);
    d.gap();
    d.para("One line.\nAnother line.");
    d
}

#[test]
fn text_lays_out_headings_tables_and_margins_as_the_printouts_do() {
    assert_eq!(
        text(&sample(), None),
        "Title\n=====\nRegion, 2025-08-31\n\n1. Position\n  Market value  1,477.4\u{a0}mkr\n  Margin        12.3\u{a0}%\n\n     USD         Fall\n   -10\u{a0}%  none needed\n\nOne line.\nAnother line.\n"
    );
}

#[test]
fn a_ruled_table_has_a_rule_as_wide_as_its_columns() {
    let mut d = Document::new(Lang::En, "T");
    let mut t = Table::new("t", "T", &["Stress", "Fall"]);
    t.push(vec![Cell::text("april-2025"), Cell::text("10.1 %")]);
    d.indent(2);
    d.table_with(t, Layout::rows(&[Column::LEFT, Column::LEFT]));
    let Some(layout) = d.layouts.last_mut() else { unreachable!() };
    layout.header = true;
    layout.rule = true;
    assert_eq!(text(&d, None), "  Stress      Fall\n  ------------------\n  april-2025  10.1 %\n");
}

#[test]
fn paragraphs_wrap_at_the_width_less_the_margin() {
    let mut d = Document::new(Lang::En, "T");
    d.indent(2);
    d.para("the rule sells equities when the margin is thin");
    assert_eq!(text(&d, Some(20)), "  the rule sells\n  equities when the\n  margin is thin\n");
    assert_eq!(text(&d, None), "  the rule sells equities when the margin is thin\n");
}

#[test]
fn markdown_and_html_pass_the_terminals_blocks_by() {
    let d = sample();
    let md = markdown(&d);
    assert!(
        md.starts_with(
            "# Title\n\nRegion, 2025-08-31\n\n## 1. Position\n\n**Position**\n\n| measure | value |"
        ),
        "{md}"
    );
    assert!(md.ends_with("One line.\nAnother line.\n\n"), "{md}");
    let page = html(&d);
    assert!(page.contains("<td class=\"num\">1,477.4\u{a0}mkr</td>"), "{page}");
    assert!(page.contains("<td>none needed</td>"), "{page}");
}

#[test]
fn each_table_is_a_csv_file_by_its_name() {
    let files = csv(&sample());
    assert_eq!(files.len(), 2);
    assert_eq!(
        files[0],
        ("position.csv".to_string(), "measure,value\nMarket value,1477.4\nMargin,0.123\n".to_string())
    );
}

#[test]
fn an_inlined_chart_names_no_namespace_address() {
    let svg = "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n</svg>";
    assert_eq!(html::inline_svg(svg), "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\">\n</svg>");
}
