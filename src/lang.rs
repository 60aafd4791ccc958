//! The language a report, a chart or a stress's title is written in:
//! Swedish (the region's own terms) or English. It imports nothing from
//! the crate, so the input files below `report` (a stress's `title_sv`
//! and `title_en`) can choose by it without importing the report layer.

use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Sv,
}

impl FromStr for Lang {
    type Err = String;

    fn from_str(s: &str) -> Result<Lang, String> {
        match s {
            "en" => Ok(Lang::En),
            "sv" => Ok(Lang::Sv),
            other => Err(format!("expected `sv` or `en`, found `{other}`")),
        }
    }
}
