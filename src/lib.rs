//! pensionsim: a risk simulator for a Swedish region's pension portfolio
//! under the dynamic risk principle (dynamiska riskprincipen).
//!
//! The crate is a library; the `pensionsim` binary is a thin layer over it
//! that parses arguments, reads and writes files, and prints. Modules in
//! pipeline order:
//!
//! - [`calendar`]: month-end dates, below every other module;
//! - [`error`]: the problems bad input raises, each naming its file,
//!   place and key, and the library's error type;
//! - [`lang`]: the language a text is written in (Swedish or English),
//!   below the inputs that carry titles in both;
//! - [`scenario`]: TOML scenario files, read into raw types and validated
//!   into types the simulations can trust; it makes their [`start`] and
//!   holds their plain input types, and no simulation imports it;
//! - [`sheet`]: tables from CSV as Excel exports it (`;`, decimal
//!   commas, a byte-order mark, Windows-1252) or a workbook's sheet,
//!   each detection said and each bad cell named by file, sheet, row and
//!   column;
//! - [`prices`]: daily price series from CSV files or sheets;
//! - [`calibrate`]: the market model fitted to history (regimes by EM,
//!   the short rate by AR(1) maximum likelihood);
//! - [`market`]: the market model, daily returns of the risk factors;
//! - [`rng`]: the per-path random streams;
//! - [`draws`]: eight paths' streams side by side and their normals drawn
//!   for all eight at once, each lane its path's numbers bit for bit;
//! - [`lanes`]: eight `f64`s side by side, the arithmetic the market's
//!   day is written in, and the portable exponential;
//! - [`rule`]: the dynamic risk principle, one implementation for replay
//!   and Monte Carlo alike;
//! - [`start`]: what a simulation starts from (holdings, history,
//!   policy, market, settings), made by a scenario and adjusted only
//!   through its named methods; the simulations take it, not the scenario;
//! - [`replay`]: the rule applied day by day to a real price series;
//! - [`debt`]: the Kommuninvest loan book, its key figures against the
//!   finance policy, and its interest cost on the market's rate paths;
//! - [`engine`]: the rule on thousands of simulated market futures;
//! - [`liquidity`]: the liquidity forecast, the region's cash month by
//!   month from its budget, with the loans and the financing rules;
//! - [`stats`]: the figures of a run, with their Monte Carlo errors;
//! - [`suggest`]: what the rule asks of the portfolio today, how far
//!   markets can move before it asks for more, and the next year's odds;
//! - [`stress`]: the portfolio through historical crashes, factor shocks
//!   and Monte Carlo after a shock, from the scenario's state;
//! - [`obligations`]: the pension obligation, the consolidation ratio
//!   year by year to 2040 and beyond, and the deposits that reach 100 %;
//! - [`compare`]: strategies side by side on the same futures, with
//!   paired intervals for their differences;
//! - [`periodic`]: the periodic risk report's figures, section by
//!   section, each with its policy limit and whether it is met;
//! - [`run`]: `pensionsim run`'s figures gathered from one scenario, the
//!   Monte Carlo run, the outlooks and the crash replays;
//! - [`report`]: terms in Swedish and English, number formats, charts.
//!
//! See ARCHITECTURE.md for the data flow and the invariants.

#![warn(clippy::print_stdout, clippy::print_stderr, clippy::unwrap_used)]

pub mod calendar;
pub mod calibrate;
pub mod compare;
pub mod debt;
pub mod draws;
pub mod engine;
pub mod error;
pub mod lanes;
pub mod lang;
pub mod liquidity;
pub mod market;
pub mod obligations;
pub mod periodic;
pub mod prices;
pub mod replay;
pub mod report;
pub mod rng;
pub mod rule;
pub mod run;
pub mod scenario;
pub mod sheet;
pub mod start;
pub mod stats;
pub mod stress;
pub mod suggest;

pub use error::{Error, Problem, Result};
