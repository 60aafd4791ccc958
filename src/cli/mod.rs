//! The binary's own modules: argument parsing, the subcommands, and
//! writing files. Only this layer touches the file system for output,
//! the terminal and the process exit code.

pub mod args;
pub mod commands;
pub mod export;
pub mod output;
pub mod progress;
