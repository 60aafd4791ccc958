//! The `pensionsim` command: parse arguments, call the library, print,
//! and decide the exit code in one place (0 success, 2 any error).

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use cli::args::{Cli, Command};
use cli::commands;

fn main() -> ExitCode {
    cli::output::started();
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Validate(args) => commands::validate(args),
        Command::Run(args) => commands::run(args),
        Command::Replay(args) => commands::replay_cmd(args),
        Command::Suggest(args) => commands::suggest(args),
        Command::Stress(args) => commands::stress(args),
        Command::Compare(args) => commands::compare(args),
        Command::Report(args) => commands::report(args),
        Command::Calibrate(args) => commands::calibrate(args),
    };
    match result {
        Ok(printed) => match std::io::stdout().lock().write_all(printed.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            // A closed pipe (`| head`) is not a failure.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: cannot write to standard output: {e}");
                ExitCode::from(2)
            }
        },
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
