//! The check every file's figures pass before it is written: each
//! finite. serde_json writes NaN and the infinities as `null`, the same
//! as a figure left out (`None`), so a JSON file's check walks the value
//! through serde itself, where the two still differ, keeping the path
//! (`liquidity.months[3].cash.p50`) to name the figure. A CSV file's
//! figures are checked in its text ([`check_csv`]), where Rust writes a
//! NaN as `NaN` and an infinity as `inf`, so that every table a command
//! writes passes the check, whichever part of the reports made it.

use serde::ser::{self, Serialize};

use crate::error::{Error, Result};

/// An error naming the first non-finite figure of `value`, written as `file`.
pub fn check<T: Serialize + ?Sized>(value: &T, file: &str) -> Result<()> {
    let mut walk = Walk { path: Vec::new(), found: None };
    // The walk's only error is its stop at the figure found.
    let _ = value.serialize(&mut walk);
    match walk.found {
        None => Ok(()),
        Some((path, v)) => {
            let fed_by = match path.split_once(['.', '[']) {
                Some((section, _)) if !section.is_empty() => {
                    format!(
                        "the inputs of `{section}` (its section of the scenario, and the command's settings)"
                    )
                }
                _ => "the command's inputs (the scenario, price series or holdings it read)".to_string(),
            };
            Err(Error::NonFinite { file: file.to_string(), path, value: v.to_string(), fed_by })
        }
    }
}

/// Columns of a CSV file that hold a user's words (a strategy's name, a
/// stress file's), never a figure: a strategy may be called `NaN`.
const TEXT_COLUMNS: &[&str] = &["name", "strategy"];

/// An error naming the first non-finite figure of the CSV `text`, written
/// as `file`: its column, line and the row's first cells, and the inputs
/// that fed the file.
pub fn check_csv(text: &str, file: &str) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let header = reader.headers().cloned().unwrap_or_default();
    for record in reader.records() {
        // The reports write the CSV themselves: a record the reader cannot
        // split has no figure it could name.
        let Ok(record) = record else { continue };
        for (j, cell) in record.iter().enumerate() {
            let column = header.get(j).unwrap_or("");
            if TEXT_COLUMNS.contains(&column) {
                continue;
            }
            let Ok(v) = cell.trim().parse::<f64>() else { continue };
            if v.is_finite() {
                continue;
            }
            let line = record.position().map_or(0, |p| p.line());
            let row: Vec<&str> = record.iter().take(2).collect();
            return Err(Error::NonFinite {
                file: file.to_string(),
                path: format!("{column}, line {line} ({})", row.join(", ")),
                value: cell.to_string(),
                fed_by: csv_fed_by(file),
            });
        }
    }
    Ok(())
}

/// The inputs behind a CSV file, by its name.
fn csv_fed_by(file: &str) -> String {
    let stem = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".csv");
    match stem {
        "liquidity" | "obligations" | "debt" => {
            format!("the inputs of `{stem}` (its section of the scenario, and the command's settings)")
        }
        "month_quantiles" => {
            "the inputs of `market` and `portfolio` (their sections of the scenario, and the command's settings)"
                .to_string()
        }
        "stress" => "the stress files and the scenario's portfolio and market".to_string(),
        "compare" => "the strategies and the scenario's portfolio and market".to_string(),
        "replay" => "the price series and the replay's settings".to_string(),
        _ => "the command's inputs (the scenario, price series or holdings it read)".to_string(),
    }
}

/// A path segment: a field or key, or an index in a list.
enum Step {
    Key(String),
    Index(usize),
}

struct Walk {
    path: Vec<Step>,
    found: Option<(String, f64)>,
}

#[derive(Debug)]
struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a non-finite figure")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

type R = std::result::Result<(), Stop>;

impl Walk {
    fn path(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Key(k) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    fn float(&mut self, v: f64) -> R {
        if v.is_finite() {
            return Ok(());
        }
        self.found = Some((self.path(), v));
        Err(Stop)
    }

    fn at<T: Serialize + ?Sized>(&mut self, step: Step, value: &T) -> R {
        self.path.push(step);
        let r = value.serialize(&mut *self);
        self.path.pop();
        r
    }
}

/// A map key as text (every schema here is keyed by strings or numbers).
fn key_text<K: Serialize + ?Sized>(key: &K) -> String {
    match serde_json::to_value(key) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => "?".to_string(),
    }
}

/// Methods of a value without figures: nothing to check.
macro_rules! nothing {
    ($($method:ident($t:ty)),*) => {
        $(fn $method(self, _: $t) -> R {
            Ok(())
        })*
    };
}

impl<'a> ser::Serializer for &'a mut Walk {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Seq<'a>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    nothing!(
        serialize_bool(bool),
        serialize_i8(i8),
        serialize_i16(i16),
        serialize_i32(i32),
        serialize_i64(i64),
        serialize_u8(u8),
        serialize_u16(u16),
        serialize_u32(u32),
        serialize_u64(u64),
        serialize_char(char),
        serialize_str(&str),
        serialize_bytes(&[u8]),
        serialize_unit_struct(&'static str)
    );

    fn serialize_f32(self, v: f32) -> R {
        self.float(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> R {
        self.float(v)
    }
    fn serialize_none(self) -> R {
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_unit(self) -> R {
        Ok(())
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> R {
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> R {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> R {
        self.at(Step::Key(variant.to_string()), value)
    }
    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Seq<'a>, Stop> {
        Ok(Seq { walk: self, index: 0 })
    }
    fn serialize_tuple(self, _: usize) -> std::result::Result<Seq<'a>, Stop> {
        Ok(Seq { walk: self, index: 0 })
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> std::result::Result<Seq<'a>, Stop> {
        Ok(Seq { walk: self, index: 0 })
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Seq<'a>, Stop> {
        Ok(Seq { walk: self, index: 0 })
    }
    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Map<'a>, Stop> {
        Ok(Map { walk: self, key: String::new() })
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> std::result::Result<Self, Stop> {
        Ok(self)
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self, Stop> {
        Ok(self)
    }
}

struct Seq<'a> {
    walk: &'a mut Walk,
    index: usize,
}

impl Seq<'_> {
    fn next<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        let i = self.index;
        self.index += 1;
        self.walk.at(Step::Index(i), value)
    }
}

macro_rules! seq {
    ($trait:ident, $method:ident) => {
        impl ser::$trait for Seq<'_> {
            type Ok = ();
            type Error = Stop;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
                self.next(value)
            }
            fn end(self) -> R {
                Ok(())
            }
        }
    };
}
seq!(SerializeSeq, serialize_element);
seq!(SerializeTuple, serialize_element);
seq!(SerializeTupleStruct, serialize_field);
seq!(SerializeTupleVariant, serialize_field);

struct Map<'a> {
    walk: &'a mut Walk,
    key: String,
}

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> R {
        self.key = key_text(key);
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> R {
        let key = std::mem::take(&mut self.key);
        self.walk.at(Step::Key(key), value)
    }
    fn end(self) -> R {
        Ok(())
    }
}

macro_rules! fields {
    ($trait:ident) => {
        impl ser::$trait for &mut Walk {
            type Ok = ();
            type Error = Stop;
            fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> R {
                self.at(Step::Key(key.to_string()), value)
            }
            fn end(self) -> R {
                Ok(())
            }
        }
    };
}
fields!(SerializeStruct);
fields!(SerializeStructVariant);

#[cfg(test)]
mod tests {
    use serde::Serialize;

    #[derive(Serialize)]
    struct Cash {
        p50: f64,
        left_out: Option<f64>,
    }

    #[derive(Serialize)]
    struct Month {
        cash: Cash,
    }

    #[derive(Serialize)]
    struct Liquidity {
        months: Vec<Month>,
    }

    #[derive(Serialize)]
    struct File {
        liquidity: Liquidity,
    }

    fn file(v: f64) -> File {
        let month = |i| Month { cash: Cash { p50: if i == 3 { v } else { 1.0 }, left_out: None } };
        File { liquidity: Liquidity { months: (0..5).map(month).collect() } }
    }

    #[test]
    fn a_non_finite_csv_figure_is_named_by_its_column_and_line_and_words_pass() {
        let good = "rank,strategy,kind,value,se\n1,NaN,static,0.5,\n2,\"a, inf\",rule,1e-300,0.1\n";
        assert!(super::check_csv(good, "compare.csv").is_ok());
        for v in ["NaN", "inf", "-inf"] {
            let bad = format!(
                "month,date,series,p1,p50\n1,2025-09-30,value,1.0,2.0\n2,2025-10-31,margin,0.1,{v}\n"
            );
            let e = super::check_csv(&bad, "month_quantiles.csv").unwrap_err().to_string();
            assert!(
                e.starts_with(&format!(
                    "month_quantiles.csv: `p50, line 3 (2, 2025-10-31)` is {v}, not a finite"
                )),
                "{e}"
            );
            assert!(e.contains("the inputs of `market` and `portfolio`"), "{e}");
        }
    }

    #[test]
    fn a_non_finite_figure_is_named_by_its_path_and_a_left_out_one_passes() {
        assert!(super::check(&file(2.0), "summary.json").is_ok());
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let e = super::check(&file(v), "summary.json").unwrap_err().to_string();
            assert!(e.starts_with("summary.json: `liquidity.months[3].cash.p50` is "), "{e}");
            assert!(e.contains("the inputs of `liquidity`"), "{e}");
        }
    }
}
