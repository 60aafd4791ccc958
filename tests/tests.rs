//! One integration-test binary (see Cargo.toml); a module a topic.

#[cfg(unix)]
mod browser;
mod cli;
mod excel;
mod export;
mod output;
mod reference_path;
mod reference_replay;
mod report;
mod rule_props;
mod tidy;
mod workbook;
