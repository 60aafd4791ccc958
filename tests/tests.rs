//! One integration-test binary (see Cargo.toml); a module a topic.

mod cli;
mod reference_path;
mod reference_replay;
mod report;
mod rule_props;
mod tidy;
