//! The report's tables as an Excel workbook, one sheet a table, since that
//! is where a finance department works with them. Numbers stay numbers,
//! with the value the CSV carries (shares as fractions under a percent
//! format, amounts under a `mkr` format), so a reader can sum and chart
//! them; text stays text.
//!
//! The number formats are the same in both languages: a format code is
//! stored with `.` and `,`, and Excel shows them with the reader's own
//! decimal and grouping separators, so a Swedish Excel shows `1 477,4 mkr`
//! from the file an English one shows as `1,477.4 mkr`. The language only
//! sizes the columns, measured on the cells as the pages show them.
//!
//! The file says it was made on 1980-01-01, the date its zip entries carry
//! too, so that the same tables give the same bytes on every run and a
//! report can be reproduced and checked exactly.

use rust_xlsxwriter::{
    ColNum, DocProperties, ExcelDateTime, Format, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};

use super::Lang;
use super::table::{Cell, Table, Unit};
use crate::error::{Error, Result};

/// Rows above the data: the title and the header.
const HEAD_ROWS: RowNum = 2;

/// A column's width in characters: room for its widest cell and a margin,
/// within bounds that keep a sheet readable.
const WIDTH: std::ops::RangeInclusive<usize> = 8..=60;

/// Excel's limit on a sheet name, in UTF-16 units.
const MAX_SHEET_NAME: usize = 31;

/// The `.xlsx` file of `tables`, one sheet a table named by
/// [`Table::name`]: the title in bold, the header in bold under it and
/// frozen, then the rows. A number that is not finite and an empty text
/// are left blank, as in the CSV.
pub fn workbook(tables: &[Table], lang: Lang) -> Result<Vec<u8>> {
    check_names(tables)?;
    let mut book = Workbook::new();
    let made = ExcelDateTime::from_ymd(1980, 1, 1).map_err(|e| Error::Workbook(e.to_string()))?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&made));
    let title = Format::new().set_bold().set_font_size(13);
    let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin);
    for table in tables {
        write_sheet(book.add_worksheet(), table, lang, &title, &header)
            .map_err(|e| Error::Workbook(format!("table `{}`: {e}", table.name)))?;
    }
    book.save_to_buffer().map_err(|e| Error::Workbook(e.to_string()))
}

/// The Excel number format of a cell shown with `decimals` decimals in
/// `unit`, as [`Cell::display`] shows it: grouped thousands, a share as a
/// percentage, an amount followed by `mkr`, a year without grouping.
/// Points are stored as the fraction they are, like a share, so Excel
/// shows them with its percent sign (a format cannot scale by 100 without
/// it).
fn number_format(decimals: usize, unit: Unit) -> String {
    let digits = match decimals {
        0 => "0".to_string(),
        d => format!("0.{}", "0".repeat(d)),
    };
    match unit {
        Unit::Plain => format!("#,##{digits}"),
        Unit::Percent | Unit::Points => format!("{digits} %"),
        Unit::Year => "0".to_string(),
        Unit::Mkr => format!("#,##{digits} \"mkr\""),
    }
}

/// Every name one Excel accepts as a sheet's, and no two the same (Excel
/// compares them regardless of case). [`Table::new`] makes such names; this
/// catches a table built otherwise with an error that names it.
fn check_names(tables: &[Table]) -> Result<()> {
    if tables.is_empty() {
        return Err(Error::Workbook("there are no tables; a workbook needs at least one sheet".into()));
    }
    for (i, table) in tables.iter().enumerate() {
        let name = &table.name;
        let fail = |why: String| Err(Error::Workbook(format!("table `{name}` ({}): {why}", table.title)));
        let length = name.encode_utf16().count();
        if length == 0 {
            return fail("the sheet name is empty".into());
        }
        if length > MAX_SHEET_NAME {
            return fail(format!(
                "the sheet name has {length} characters; Excel allows at most {MAX_SHEET_NAME}"
            ));
        }
        if let Some(c) = name.chars().find(|c| "[]:*?/\\".contains(*c)) {
            return fail(format!("the sheet name contains `{c}`, which Excel does not allow in one"));
        }
        if name.starts_with('\'') || name.ends_with('\'') {
            return fail("the sheet name starts or ends with `'`, which Excel does not allow".into());
        }
        if name.eq_ignore_ascii_case("history") {
            return fail("Excel reserves the sheet name `History`".into());
        }
        let folded = name.to_lowercase();
        if let Some(first) = tables[..i].iter().find(|t| t.name.to_lowercase() == folded) {
            return fail(format!(
                "the table `{}` ({}) has the same sheet name; each table needs its own",
                first.name, first.title
            ));
        }
    }
    Ok(())
}

fn write_sheet(
    sheet: &mut Worksheet,
    table: &Table,
    lang: Lang,
    title: &Format,
    header: &Format,
) -> std::result::Result<(), XlsxError> {
    sheet.set_name(&table.name)?;
    sheet.write_string_with_format(0, 0, &table.title, title)?;
    for (c, name) in table.columns.iter().enumerate() {
        sheet.write_string_with_format(HEAD_ROWS - 1, col_num(c), name, header)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = HEAD_ROWS.saturating_add(RowNum::try_from(r).unwrap_or(RowNum::MAX));
        for (c, cell) in row.iter().enumerate() {
            write_cell(sheet, r, col_num(c), cell)?;
        }
    }
    for (c, width) in column_widths(table, lang).into_iter().enumerate() {
        sheet.set_column_width(col_num(c), width as f64)?;
    }
    sheet.set_freeze_panes(HEAD_ROWS, 0)?;
    Ok(())
}

/// A column's number; one past Excel's last column is [`ColNum::MAX`],
/// which the writer refuses with its own error.
fn col_num(c: usize) -> ColNum {
    ColNum::try_from(c).unwrap_or(ColNum::MAX)
}

fn write_cell(
    sheet: &mut Worksheet,
    r: RowNum,
    c: ColNum,
    cell: &Cell,
) -> std::result::Result<(), XlsxError> {
    match cell {
        Cell::Text { text } if !text.is_empty() => {
            sheet.write_string(r, c, text)?;
        }
        Cell::Number { value, decimals, unit } if value.is_finite() => {
            let format = Format::new().set_num_format(number_format(*decimals, *unit));
            sheet.write_number_with_format(r, c, *value, &format)?;
        }
        // A bound (`< 0,74 %`, a share) is its number, as in the CSV beside it.
        Cell::Shown { value, .. } if value.is_finite() => {
            let format = Format::new().set_num_format(number_format(1, Unit::Percent));
            sheet.write_number_with_format(r, c, *value, &format)?;
        }
        Cell::Text { .. } | Cell::Number { .. } | Cell::Shown { .. } | Cell::Empty => {}
    }
    Ok(())
}

/// Each column's width in characters: its header (bold, so a character
/// wider) or its widest cell as a reader of `lang` sees it, plus a margin.
fn column_widths(table: &Table, lang: Lang) -> Vec<usize> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let cells =
                table.rows.iter().map(|row| row.get(c).map_or(0, |cell| cell.display(lang).chars().count()));
            let widest = cells.fold(name.chars().count() + 1, usize::max);
            (widest + 2).clamp(*WIDTH.start(), *WIDTH.end())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str) -> Table {
        let mut t = Table {
            name: name.into(),
            title: format!("Title of {name}"),
            columns: vec!["A".into()],
            rows: vec![],
        };
        t.push(vec![Cell::plain(1.0, 0)]);
        t
    }

    fn error(tables: &[Table]) -> String {
        workbook(tables, Lang::En).expect_err("the names are refused").to_string()
    }

    #[test]
    fn formats_follow_the_cells_decimals_and_unit() {
        assert_eq!(number_format(0, Unit::Plain), "#,##0");
        assert_eq!(number_format(2, Unit::Plain), "#,##0.00");
        assert_eq!(number_format(1, Unit::Percent), "0.0 %");
        assert_eq!(number_format(0, Unit::Percent), "0 %");
        assert_eq!(number_format(1, Unit::Mkr), "#,##0.0 \"mkr\"");
        assert_eq!(number_format(0, Unit::Year), "0");
    }

    #[test]
    fn a_sheet_name_may_have_31_characters_but_not_32() {
        let name = "a".repeat(31);
        assert!(workbook(&[table(&name)], Lang::Sv).is_ok());
        let long = "b".repeat(32);
        let e = error(&[table(&long)]);
        assert!(
            e.contains(&format!("table `{long}`")) && e.contains("32 characters") && e.contains("at most 31"),
            "{e}"
        );
    }

    #[test]
    fn two_tables_of_one_name_are_refused_naming_both() {
        let e = error(&[table("debt"), table("risk"), table("Debt")]);
        assert!(
            e.contains("table `Debt` (Title of Debt)") && e.contains("the table `debt` (Title of debt)"),
            "{e}"
        );
    }

    #[test]
    fn names_excel_refuses_are_refused_before_it_would() {
        assert!(error(&[table("a/b")]).contains("contains `/`"));
        assert!(error(&[table("")]).contains("empty"));
        assert!(error(&[table("'quoted'")]).contains("starts or ends"));
        assert!(error(&[table("history")]).contains("reserves"));
        assert!(error(&[]).contains("no tables"));
    }

    #[test]
    fn columns_fit_their_widest_cell_in_the_readers_language() {
        let mut t = Table::new("w", "A long title that overflows into the next cells", &["Measure", "Value"]);
        t.push(vec![Cell::text("Outstanding debt at the end"), Cell::mkr(1_477_123.4, 1)]);
        // "1,477,123.4 mkr" and "1 477 123,4 mkr" are both 15 characters;
        // a percentage is shown times a hundred.
        assert_eq!(column_widths(&t, Lang::Sv), vec![27 + 2, 15 + 2]);
        t.push(vec![Cell::Empty, Cell::percent(123_456.0, 2)]);
        assert_eq!(column_widths(&t, Lang::En), vec![29, "12,345,600.00 %".len() + 2]);
        let narrow = Table::new("n", "T", &["x"]);
        assert_eq!(column_widths(&narrow, Lang::En), vec![8]);
    }
}
