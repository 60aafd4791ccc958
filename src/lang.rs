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

/// A user's words in both languages, as a scenario gives them: `"…"`
/// (the same in both) or `{ en = "…", sv = "…" }`. Machine files carry
/// the English text (serialised as a plain string, as before).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Words {
    pub en: String,
    pub sv: String,
}

impl Words {
    /// The same text in both languages.
    pub fn one(text: impl Into<String>) -> Words {
        let text = text.into();
        Words { en: text.clone(), sv: text }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Sv => &self.sv,
        }
    }

    /// Empty or only spaces in either language.
    pub fn is_blank(&self) -> bool {
        self.en.trim().is_empty() || self.sv.trim().is_empty()
    }
}

impl<'de> serde::Deserialize<'de> for Words {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Words, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(untagged)]
        enum Raw {
            One(String),
            Both { en: String, sv: String },
        }
        Ok(match Raw::deserialize(d)? {
            Raw::One(text) => Words::one(text),
            Raw::Both { en, sv } => Words { en, sv },
        })
    }
}

impl serde::Serialize for Words {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.en)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_come_as_one_text_or_one_for_each_language() {
        #[derive(serde::Deserialize)]
        struct T {
            a: Words,
            b: Words,
        }
        let t: T = toml::from_str("a = \"x\"\nb = { en = \"stocks\", sv = \"aktier\" }").unwrap();
        assert_eq!((t.a.get(Lang::Sv), t.a.get(Lang::En)), ("x", "x"));
        assert_eq!((t.b.get(Lang::Sv), t.b.get(Lang::En)), ("aktier", "stocks"));
        assert!(toml::from_str::<T>("a = 1\nb = \"y\"").is_err());
        assert!(Words { en: "a".into(), sv: " ".into() }.is_blank());
        assert_eq!(serde_json::to_string(&t.b).unwrap(), "\"stocks\"");
    }
}
