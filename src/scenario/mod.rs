//! Scenario files: TOML read into raw types (`raw.rs`), then validated into
//! a [`Scenario`] the engine can trust.
//!
//! Reading happens in three passes, each reporting every problem it finds:
//! TOML syntax (all syntax errors at once), then the shape (unknown keys,
//! with a "did you mean"; a value of the wrong type), then the meaning
//! (ranges, sums, dates in order). A problem names the file, the line and
//! column, the key path, what was expected and what was found.
//!
//! The layout of a scenario is documented in `docs/scenario.md`.

#[cfg(test)]
pub(crate) mod fixtures;
pub(crate) mod raw;
pub(crate) mod spans;
mod today;
mod validate;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use crate::error::{Error, LineIndex, Location, Problem, Result, Warning, line_column};
use crate::market::MarketModel;
use crate::obligations::Obligations;
use crate::rule::{Holdings, Managed, MonthEndWindow, Policy};
pub use crate::start::{AssetClass, AssetKind, MonthEnd, Simulation, Start};

use spans::SpanIndex;
pub use today::Today;

/// A validated scenario. It can only be made by [`Scenario::load`] or
/// [`Scenario::parse`] (its fields are private), so holding one means
/// every check passed; code outside the module reads it through its
/// accessors.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    path: PathBuf,
    name: String,
    description: String,
    valuation_date: NaiveDate,
    asset_classes: Vec<AssetClass>,
    history: History,
    policy: Policy,
    /// Which `[policy]` keys the file left to the document defaults.
    policy_defaults: Vec<&'static str>,
    /// The market model, when the scenario has a `[market]`.
    market: Option<MarketModel>,
    /// `[market.history]`: the historical series the model is shown
    /// beside, when the scenario names any.
    market_history: Option<crate::market::implied::MarketHistory>,
    simulation: Simulation,
    /// The loan book and the finance policy, when the scenario has a `[debt]`.
    debt: Option<crate::debt::Debt>,
    /// The pension obligation, when the scenario has an `[obligations]`.
    obligations: Option<Obligations>,
    /// The liquidity forecast, when the scenario has a `[liquidity]`.
    liquidity: Option<crate::liquidity::Liquidity>,
}

/// Completed month-end values before (and possibly at) the valuation date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct History {
    pub month_ends: Vec<MonthEnd>,
    /// The value the fund started at; counts towards the high while the
    /// history is shorter than the window.
    pub start_value: Option<f64>,
    /// The CSV file the month-ends came from, if not inline.
    pub csv: Option<PathBuf>,
}

/// A scenario file as read, once: the scenario is validated from its text
/// ([`Source::load`]), and a comparison's `[[strategy]]` tables and the
/// report's checksum come from the same text, so no command reads the
/// file twice.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// Reads the file at `path`.
    ///
    /// # Errors
    /// [`Error::Read`] if it cannot be read as text.
    pub fn read(path: &Path) -> Result<Source> {
        Ok(Source { path: path.to_path_buf(), text: read_text(path)? })
    }

    /// The scenario, with `[variant.NAME]` merged over it when given; the
    /// CSV files it names are read relative to its folder.
    ///
    /// # Errors
    /// As [`Scenario::load_variant`].
    pub fn load(&self, variant: Option<&str>) -> Result<Loaded> {
        match variant {
            None => Scenario::parse(&self.path, &self.text, &|p| read_text(p)),
            Some(name) => Scenario::parse_variant(&self.path, &self.text, name, &|p| read_text(p)),
        }
    }
}

/// A scenario with the warnings its validation raised.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub scenario: Scenario,
    pub warnings: Vec<Warning>,
}

impl Scenario {
    /// Reads and validates the scenario at `path`, and any CSV file it
    /// names (relative to the scenario's folder).
    ///
    /// # Errors
    /// [`Error::Read`] if a file cannot be read; [`Error::Invalid`] with
    /// every problem found otherwise.
    pub fn load(path: &Path) -> Result<Loaded> {
        let text = read_text(path)?;
        Scenario::parse(path, &text, &|p| read_text(p))
    }

    /// Validates scenario `text`; `path` names it in errors and anchors
    /// relative paths, and `read` fetches files it refers to.
    pub fn parse(path: &Path, text: &str, read: &dyn Fn(&Path) -> Result<String>) -> Result<Loaded> {
        let doc = match toml::de::DeTable::parse_recoverable(text) {
            (doc, errors) if errors.is_empty() => doc,
            (_, errors) => {
                // A run of bad characters gives an error a character: the
                // first hundred say where to look, and a million would
                // take minutes to place.
                // One index places them all, in time linear in the text.
                let lines = LineIndex::new(text);
                let mut problems: Vec<Problem> = errors
                    .iter()
                    .take(MAX_SYNTAX_PROBLEMS)
                    .map(|e| syntax_problem_in(path, text, &lines, e))
                    .collect();
                hint_carriage_returns(&mut problems);
                return Err(Error::invalid(problems));
            }
        };
        let spans = SpanIndex::new(doc.get_ref());
        let mut cx = validate::Context::new(path, text, &spans);

        let mut unknown = Vec::new();
        let raw = toml::de::Deserializer::parse(text)
            .map_err(|e| Error::one(syntax_problem(path, text, &e)))
            .and_then(|de| {
                serde_ignored::deserialize(de, |p| unknown.push(key_path(&p)))
                    .map_err(|e| Error::one(shape_problem(path, text, &spans, &e)))
            });
        for key in &unknown {
            cx.unknown_key(key);
        }
        let raw: raw::ScenarioFile = match raw {
            Ok(raw) => raw,
            Err(Error::Invalid { mut problems }) => {
                problems.extend(cx.into_problems());
                return Err(Error::invalid(problems));
            }
            Err(other) => return Err(other),
        };
        validate::scenario(cx, raw, read)
    }

    /// [`Scenario::load`] with the `[variant.NAME]` table `variant` merged
    /// over the rest of the file first (`None`: the file as it is).
    ///
    /// # Errors
    /// As [`Scenario::load`]; an unknown variant is a problem naming the
    /// variants the file has.
    pub fn load_variant(path: &Path, variant: Option<&str>) -> Result<Loaded> {
        Source::read(path)?.load(variant)
    }

    /// Merges variant `name` over `text` (tables merged key by key, every
    /// other value, arrays included, replaced) and validates the result.
    /// Problems point into `text`: at the variant's key when the variant
    /// set it, else at the base's.
    pub fn parse_variant(
        path: &Path,
        text: &str,
        name: &str,
        read: &dyn Fn(&Path) -> Result<String>,
    ) -> Result<Loaded> {
        let Ok(mut base) = text.parse::<toml::Table>() else {
            // A syntax error: the plain parse reports it with its place.
            return Scenario::parse(path, text, read);
        };
        let variants = match base.remove("variant") {
            Some(toml::Value::Table(t)) => t,
            _ => toml::Table::new(),
        };
        let Some(toml::Value::Table(over)) = variants.get(name) else {
            let names: Vec<&str> = variants.keys().map(String::as_str).collect();
            let expected = if names.is_empty() {
                "a [variant.NAME] table in the scenario (it has none)".to_string()
            } else {
                format!("one of the scenario's variants: {}", names.join(", "))
            };
            return Err(Error::one(Problem::new(
                path,
                Location::File,
                "variant",
                expected,
                format!("{name:?}"),
            )));
        };
        merge(&mut base, over);
        let merged = toml::to_string(&base).map_err(|e| {
            Error::one(Problem::new(
                path,
                Location::File,
                "variant",
                "a variant TOML can hold",
                e.to_string(),
            ))
        })?;
        let doc = toml::de::DeTable::parse(text).map_err(|e| Error::one(syntax_problem(path, text, &e)))?;
        let spans = SpanIndex::new(doc.get_ref());
        let prefix = format!("variant.{name}.");
        let lines = LineIndex::new(text);
        Scenario::parse(path, &merged, read).map_err(|e| match e {
            Error::Invalid { problems } => Error::invalid(
                problems
                    .into_iter()
                    .map(|mut p| {
                        if p.file == path {
                            let at =
                                spans.find(&format!("{prefix}{}", p.key)).filter(|_| over_has(over, &p.key));
                            p.location = at
                                .or_else(|| spans.find(&p.key))
                                .map_or(Location::File, |s| lines.location(text, s.start));
                        }
                        p
                    })
                    .collect(),
            ),
            other => other,
        })
    }

    /// The file the scenario was read from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `name`, or the file's stem when the file gives none.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `description` (empty when the file gives none).
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The valuation date: the day the holdings are valued.
    pub fn valuation_date(&self) -> NaiveDate {
        self.valuation_date
    }

    /// The asset classes in file order.
    pub fn asset_classes(&self) -> &[AssetClass] {
        &self.asset_classes
    }

    /// The month-end history (and start value) before the valuation date.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The investment policy, its defaults filled in.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Which `[policy]` keys the file left to the document defaults.
    pub fn policy_defaults(&self) -> &[&'static str] {
        &self.policy_defaults
    }

    /// The market model, when the scenario has a `[market]`.
    pub fn market(&self) -> Option<&MarketModel> {
        self.market.as_ref()
    }

    /// `[market.history]`: the historical series the model is shown
    /// beside, when the scenario names any.
    pub fn market_history(&self) -> Option<&crate::market::implied::MarketHistory> {
        self.market_history.as_ref()
    }

    /// The `[simulation]` settings (paths, seed, horizon).
    pub fn simulation(&self) -> Simulation {
        self.simulation
    }

    /// The loan book and the finance policy, when the scenario has a `[debt]`.
    pub fn debt(&self) -> Option<&crate::debt::Debt> {
        self.debt.as_ref()
    }

    /// The pension obligation, when the scenario has an `[obligations]`.
    pub fn obligations(&self) -> Option<&Obligations> {
        self.obligations.as_ref()
    }

    /// The liquidity forecast, when the scenario has a `[liquidity]`.
    pub fn liquidity(&self) -> Option<&crate::liquidity::Liquidity> {
        self.liquidity.as_ref()
    }

    /// What a simulation of this scenario starts from: its holdings,
    /// valuation date and history, policy, market and `[simulation]`.
    pub fn start(&self) -> Start {
        Start::new(
            self.valuation_date,
            self.asset_classes.clone(),
            self.history.month_ends.clone(),
            self.history.start_value,
            self.policy,
            self.market.clone(),
            self.simulation,
        )
    }

    /// Holdings per class in the rule's layout: equity classes, then fixed
    /// income, each in file order ([`Start::holdings`]).
    pub fn holdings(&self) -> Holdings {
        crate::start::holdings(&self.asset_classes)
    }

    /// The market factor of each equity class, in the order of
    /// [`Scenario::holdings`]'s equity entries; `None` without a market.
    pub fn equity_factors(&self) -> Option<Vec<usize>> {
        crate::start::equity_factors(&self.asset_classes)
    }

    /// The month-end window on the valuation date.
    pub fn window(&self) -> MonthEndWindow {
        crate::start::window(&self.policy, &self.history.month_ends, self.history.start_value)
    }

    /// The portfolio under the rule on the valuation date.
    pub fn managed(&self) -> Managed {
        Managed::new(self.policy, self.holdings(), self.window())
    }

    /// The month-end in the window with the highest value (the one that
    /// sets the floor), if the high is a month-end rather than the start value.
    pub fn high_month_end(&self) -> Option<MonthEnd> {
        crate::start::high_month_end(&self.policy, &self.history.month_ends, self.history.start_value)
    }
}

/// Merges `over` into `base`: tables key by key, anything else replaced.
fn merge(base: &mut toml::Table, over: &toml::Table) {
    for (key, value) in over {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// Whether the variant table `over` sets the key path `key` (or the
/// array or table holding it).
fn over_has(over: &toml::Table, key: &str) -> bool {
    let mut table = over;
    for part in key.split('.') {
        let name = part.split('[').next().unwrap_or(part);
        match table.get(name) {
            Some(toml::Value::Table(t)) => table = t,
            Some(_) => return true,
            None => return false,
        }
    }
    true
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|cause| Error::Read { path: path.to_path_buf(), cause })
}

/// `portfolio.asset_class[1].holding` from serde_ignored's path.
fn key_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path as P;
    match path {
        P::Root => String::new(),
        P::Seq { parent, index } => format!("{}[{index}]", key_path(parent)),
        P::Map { parent, key } => {
            let parent = key_path(parent);
            if parent.is_empty() { key.clone() } else { format!("{parent}.{key}") }
        }
        P::Some { parent } | P::NewtypeStruct { parent } | P::NewtypeVariant { parent } => key_path(parent),
    }
}

/// How many TOML syntax errors of one file are reported.
const MAX_SYNTAX_PROBLEMS: usize = 100;

fn syntax_problem(path: &Path, text: &str, e: &toml::de::Error) -> Problem {
    syntax_problem_in(path, text, &LineIndex::new(text), e)
}

/// A TOML syntax error placed by `lines`, the index of `text`.
fn syntax_problem_in(path: &Path, text: &str, lines: &LineIndex, e: &toml::de::Error) -> Problem {
    let location = e.span().map_or(Location::File, |s| lines.location(text, s.start));
    Problem::new(path, location, "", "valid TOML", e.message().trim().to_string())
}

/// Says once, on the first problem of a carriage return alone, what the
/// rest of them are.
fn hint_carriage_returns(problems: &mut [Problem]) {
    if let Some(p) = problems.iter_mut().find(|p| p.found.contains("carriage return")) {
        p.hint = Some(
            "the file's lines end in a carriage return alone (\\r, old Mac line endings): save it with \\n or \\r\\n line endings".into(),
        );
    }
}

/// A value of the wrong type: serde says "invalid type: X, expected Y".
fn shape_problem(path: &Path, text: &str, spans: &SpanIndex, e: &toml::de::Error) -> Problem {
    let span = e.span();
    let location = span.clone().map_or(Location::File, |s| line_column(text, s.start));
    let key = span.and_then(|s| spans.path_at(s.start)).unwrap_or("").to_string();
    let message = e.message().trim();
    let (expected, found) =
        match message.strip_prefix("invalid type: ").and_then(|m| m.split_once(", expected ")) {
            Some((found, expected)) => {
                (expected.replace("f64", "a number").replace("i64", "a whole number"), found.to_string())
            }
            None => ("a valid value".to_string(), message.to_string()),
        };
    Problem::new(path, location, key, expected, found)
}

#[cfg(test)]
mod tests;
