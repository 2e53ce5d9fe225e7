//! The `newsdesk` binary: parse the command line, set up logging, run the
//! command. Everything else lives in the library.

use std::io::IsTerminal;
use std::process::ExitCode;

use tracing_subscriber::EnvFilter;

use newsdesk::cli::{self, Cli};

/// mimalloc, as meilisearch uses: ingest and search allocate many small,
/// short-lived strings on several threads, where it is markedly cheaper
/// than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match cli::parse() {
        Ok(cli) => cli,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if let Err(message) = init_logging(&cli) {
        eprintln!("error: {message}");
        return ExitCode::from(2);
    }
    match cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to standard error, as text or as one JSON object a line. What is
/// logged: `--log`/NEWSDESK_LOG, else RUST_LOG, else the server logs its
/// requests and the one-shot commands only their problems.
fn init_logging(cli: &Cli) -> Result<(), String> {
    let filter = match &cli.global.log {
        Some(directives) => EnvFilter::try_new(directives)
            .map_err(|err| format!("--log (NEWSDESK_LOG) {directives:?}: {err}"))?,
        None => EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new(if cli::is_server(cli) { "info" } else { "warn" })),
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if cli.global.log_format == "json" {
        logs.json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init();
    } else {
        logs.with_ansi(std::io::stderr().is_terminal()).init();
    }
    Ok(())
}
