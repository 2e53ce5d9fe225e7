//! The `newsdesk` binary: parse the command line, set up logging, run the
//! command. Everything else lives in the library.

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

use newsdesk::cli::{self, Cli};

/// mimalloc, as meilisearch uses: ingest and search allocate many small,
/// short-lived strings on several threads, where it is markedly cheaper
/// than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // RUST_LOG overrides; by default the server logs its requests and the
    // one-shot commands only their problems.
    let default = if cli::is_server(&cli) { "info" } else { "warn" };
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    match cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
