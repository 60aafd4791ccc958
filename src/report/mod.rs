//! What users see: terms in Swedish and English, number formats, tables
//! and charts. Nothing here computes a figure; it only presents them.

pub mod calibrate;
pub mod chart;
pub mod compare;
pub mod compare_obligations;
pub mod debt;
pub mod document;
pub mod export;
pub mod forecast;
pub mod i18n;
pub mod implied;
pub mod liquidity;
pub mod obligations;
pub mod periodic;
pub mod precision;
pub mod run;
pub mod scenario;
pub mod stress;
pub mod suggest;
pub mod summary;
pub mod table;
pub mod terms;
pub mod text;
pub mod workbook;

pub use i18n::Lang;
