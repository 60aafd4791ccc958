//! The Excel workbook read back with another crate (calamine): every cell
//! holds what the table's CSV holds, numbers as numbers to the bit, text
//! as text, under the number format its unit asks for.
//!
//! [`assert_workbook_matches`] is the check itself, for any tables; the
//! report's tests call it on the report's own.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use pensionsim::report::Lang;
use pensionsim::report::table::{Cell, Table, Unit};
use pensionsim::report::workbook::workbook;

/// Panics, naming the sheet and cell, unless `bytes` is a workbook with
/// one sheet a table of `tables`, in order and named by the table, whose
/// first row is the table's title in bold, whose second is its header in
/// bold, and whose every further cell holds what [`Table::to_csv`] holds
/// for it: a number as a number equal to the CSV's to the bit, with a
/// percent format for a share, a `mkr` format for an amount and as many
/// decimals as the cell; text as a string; nothing where the CSV is empty.
pub fn assert_workbook_matches(bytes: &[u8], tables: &[Table]) {
    let mut book = Xlsx::new(Cursor::new(bytes)).expect("the workbook opens");
    let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(book.sheet_names(), names, "one sheet a table, in order, named by the table");
    for table in tables {
        assert_sheet_matches(&mut book, table);
    }
}

fn assert_sheet_matches(book: &mut Xlsx<Cursor<&[u8]>>, table: &Table) {
    let sheet = &table.name;
    let range = book.worksheet_range(sheet).expect("the sheet reads");
    let styles = book.worksheet_style(sheet).expect("the sheet's styles read");
    let value = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
    let bold = |r: u32, c: u32| styles.get((r, c)).and_then(|s| s.font.as_ref()).is_some_and(|f| f.is_bold());

    assert_eq!(value(0, 0), Data::String(table.title.clone()), "sheet {sheet}: the title in A1");
    assert!(bold(0, 0), "sheet {sheet}: the title is bold");

    let csv = table.to_csv();
    let records: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("the table's CSV parses");
    assert_eq!(records.len(), table.rows.len() + 1, "sheet {sheet}: the CSV has a header and the rows");
    for (i, record) in records.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, field) in record.iter().enumerate() {
            let at = format!("sheet {sheet}, row {}, column {}", r + 1, c + 1);
            let got = value(r, c as u32);
            let Some(row) = i.checked_sub(1).map(|i| &table.rows[i]) else {
                assert_eq!(got, Data::String(field.to_string()), "{at}: the header");
                assert!(bold(r, c as u32), "{at}: the header is bold");
                continue;
            };
            match &row[c] {
                Cell::Number { value, decimals, unit } if !field.is_empty() => {
                    let Data::Float(x) = got else {
                        panic!("{at}: {got:?} where the CSV has the number {field}")
                    };
                    let expected: f64 = field.parse().expect("the CSV holds a number");
                    assert_eq!(x.to_bits(), expected.to_bits(), "{at}: {x:?} where the CSV has {field}");
                    assert_eq!(x.to_bits(), value.to_bits(), "{at}: {x:?} where the table has {value:?}");
                    let code = styles
                        .get((r, c as u32))
                        .and_then(|s| s.number_format.as_ref())
                        .map_or(String::new(), |f| f.format_code.clone());
                    assert_format(&code, *decimals, *unit, &at);
                }
                Cell::Shown { value, .. } if !field.is_empty() => {
                    let Data::Float(x) = got else {
                        panic!("{at}: {got:?} where the CSV has the number {field}")
                    };
                    let expected: f64 = field.parse().expect("the CSV holds a number");
                    assert_eq!(x.to_bits(), expected.to_bits(), "{at}: {x:?} where the CSV has {field}");
                    assert_eq!(x.to_bits(), value.to_bits(), "{at}: {x:?} where the table has {value:?}");
                }
                Cell::Text { .. } if !field.is_empty() => {
                    assert_eq!(got, Data::String(field.to_string()), "{at}: text where the CSV has text");
                }
                _ => assert_eq!(got, Data::Empty, "{at}: blank where the CSV is empty"),
            }
        }
    }
    let (rows, cols) = range.end().unwrap_or_default();
    assert!(
        rows as usize <= table.rows.len() + 1 && (cols as usize) < table.columns.len().max(1),
        "sheet {sheet}: cells beyond the table, up to row {} column {}",
        rows + 1,
        cols + 1
    );
}

/// A format that shows `decimals` decimals of `unit`, read from the code
/// itself: `%` for a share (and points), `mkr` for an amount, the zeros
/// after the point.
fn assert_format(code: &str, decimals: usize, unit: Unit, at: &str) {
    let shown = code.split_once('.').map_or(0, |(_, rest)| rest.chars().take_while(|&ch| ch == '0').count());
    assert_eq!(shown, decimals, "{at}: the format `{code}` shows {shown} decimals, the cell {decimals}");
    // Points are a fraction like a share: Excel scales by 100 only with `%`.
    let percent = matches!(unit, Unit::Percent | Unit::Points);
    assert_eq!(code.contains('%'), percent, "{at}: the format `{code}` for a {unit:?} cell");
    assert_eq!(code.contains("mkr"), unit == Unit::Mkr, "{at}: the format `{code}` for a {unit:?} cell");
}

/// Tables with the values a workbook could get wrong: floats that do not
/// print short, a negative zero, numbers written as text, a formula-like
/// text, a blank, a value that is not finite, Swedish letters.
fn samples() -> Vec<Table> {
    let mut debt = Table::new("debt", "Lån och räntebindning", &["Mått", "Värde", "Gräns"]);
    debt.push(vec![Cell::text("Utestående, mkr"), Cell::mkr(290.0, 1), Cell::mkr(950.0, 0)]);
    debt.push(vec![
        Cell::text("Förfaller inom 12 månader"),
        Cell::percent(0.2954, 1),
        Cell::percent(0.35, 0),
    ]);
    debt.push(vec![Cell::text("Räntebindning, år"), Cell::plain(1.0 / 3.0 + 2.0, 2), Cell::text("1,5-4")]);
    debt.push(vec![Cell::text("Not, med \"citat\""), Cell::Empty, Cell::plain(f64::NAN, 1)]);
    let mut risk = Table::new("portfolio-risk-and-the-floor-31", "Risk", &["Measure", "Value"]);
    risk.push(vec![Cell::text("0.1 + 0.2"), Cell::plain(0.1 + 0.2, 3)]);
    risk.push(vec![Cell::text("290"), Cell::mkr(-0.0, 1)]);
    risk.push(vec![Cell::text("=SUM(A1:A3)"), Cell::percent(1e-12, 4)]);
    risk.push(vec![Cell::text(""), Cell::mkr(1_477_123.456_789_012_3, 1)]);
    risk.push(vec![Cell::text("Infinite"), Cell::plain(f64::INFINITY, 0)]);
    let empty = Table::new("empty", "A table without rows", &["Only a header"]);
    vec![debt, risk, empty]
}

#[test]
fn the_workbook_holds_the_csvs_numbers_in_both_languages() {
    let tables = samples();
    for lang in [Lang::Sv, Lang::En] {
        let bytes = workbook(&tables, lang).expect("the samples make a workbook");
        assert_workbook_matches(&bytes, &tables);
    }
}

#[test]
fn the_workbook_is_a_zip_excel_opens_as_a_spreadsheet() {
    let bytes = workbook(&samples(), Lang::Sv).unwrap();
    assert_eq!(&bytes[..4], b"PK\x03\x04");
    let mut book = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = book.worksheet_range("debt").unwrap();
    assert_eq!(range.get_value((2, 1)), Some(&Data::Float(290.0)));
    assert_eq!(range.get_value((3, 1)), Some(&Data::Float(0.2954)));
}

/// The same tables give the same bytes: the file carries no time of day.
#[test]
fn the_workbook_is_reproducible() {
    let bytes = workbook(&samples(), Lang::Sv).unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let properties = book.workbook_properties().unwrap();
    assert_eq!(properties.created.as_deref(), Some("1980-01-01T00:00:00Z"));
    assert_eq!(bytes, workbook(&samples(), Lang::Sv).unwrap());
}

/// The check finds a number written as text: it cannot pass a workbook
/// that only looks right.
#[test]
#[should_panic(expected = "sheet debt, row 3, column 2: String(\"290\") where the CSV has the number 290")]
fn the_check_fails_on_a_number_written_as_text() {
    let tables = samples();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet().set_name("debt").unwrap();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    sheet.write_string_with_format(0, 0, &tables[0].title, &bold).unwrap();
    for (c, name) in tables[0].columns.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, name, &bold).unwrap();
    }
    sheet.write_string(2, 0, "Utestående, mkr").unwrap();
    sheet.write_string(2, 1, "290").unwrap();
    assert_workbook_matches(&book.save_to_buffer().unwrap(), &tables[..1]);
}

#[test]
#[should_panic(expected = "one sheet a table, in order")]
fn the_check_fails_on_sheets_out_of_order() {
    let mut tables = samples();
    let bytes = workbook(&tables, Lang::En).unwrap();
    tables.swap(0, 1);
    assert_workbook_matches(&bytes, &tables);
}
