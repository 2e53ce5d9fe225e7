//! The `newsdesk` command line: flags and settings, and one module a
//! command. `main.rs` only parses and dispatches.
//!
//! Every setting is a flag that can also be given as an environment variable
//! (`NEWSDESK_…`) or in a TOML file (`--config`); a flag wins over the
//! environment, which wins over the file (see [`settings`]).

pub mod args;
mod eval;
mod ingest;
mod inspect;
mod ner;
mod search;
mod serve;
mod settings;
mod stories;

use std::process::ExitCode;

pub use args::Cli;
use args::{Command, EvalCommand, NerCommand};

/// Reads the command line, with the settings file it names. clap's errors
/// and `--help` end the process as clap does; a bad settings file comes back
/// as a message naming the file and line.
pub fn parse() -> Result<Cli, String> {
    match settings::parse_from(std::env::args_os().collect()) {
        Err(err) => err.exit(),
        Ok(Err(message)) => Err(message),
        Ok(Ok(parsed)) if parsed.cli.global.print_settings => {
            print!("{}", parsed.report);
            std::process::exit(0)
        }
        Ok(Ok(parsed)) => Ok(parsed.cli),
    }
}

/// Runs the command. Errors that stop a command come back here for `main`
/// to print; problems with single items are reported by the command itself.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => serve::run(cli.serve),
        Some(Command::Serve(args)) => serve::run(args),
        Some(Command::Ingest(args)) => ingest::run(args),
        Some(Command::Search(args)) => search::run(args),
        Some(Command::Healthcheck(args)) => serve::healthcheck(args),
        Some(Command::Inspect(args)) => inspect::run(args),
        Some(Command::Eval(EvalCommand::Cleaning(args))) => eval::cleaning(args),
        Some(Command::Eval(EvalCommand::People(args))) => eval::people(args),
        Some(Command::Eval(EvalCommand::Stories(args))) => stories::eval(args),
        Some(Command::Ner(NerCommand::Train(args))) => ner::train(args),
        Some(Command::Ner(NerCommand::Eval(args))) => ner::eval(args),
        Some(Command::Ner(NerCommand::Tag(args))) => ner::tag(args),
    }
}

/// Whether this command should log at `info` by default: the server does,
/// the one-shot commands keep their output for their results.
pub fn is_server(cli: &Cli) -> bool {
    matches!(cli.command, None | Some(Command::Serve(_)))
}
