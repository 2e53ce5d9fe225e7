//! `newsdesk ingest`: files and folders read here, their articles indexed
//! into the index here ([`local`]) or sent to a running server that holds
//! the index ([`remote`]), with one progress bar and one closing summary
//! ([`summary`]); both are a [`Destination`].
//!
//! Whether the articles go to the index here or to a server is decided
//! once, by `--server`; the reading, the progress bar, the summary and the
//! exit code are the same either way.

mod destination;
mod local;
mod remote;
mod summary;

use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::args::IngestArgs;
use crate::ingest::source::{self, Input};
use destination::Destination;

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let mut destination: Box<dyn Destination> = match &args.server {
        Some(server) => Box::new(remote::Remote::connect(&args, server)?),
        None => Box::new(local::Local::open(&args)?),
    };
    let found = source::discover(&args.paths);
    let bar = progress_bar(found.total_bytes());
    for problem in found.problems {
        destination.reject_input(problem);
    }
    let mut read = 0usize;
    for input in &found.inputs {
        let result = source::read(input, &mut |item| {
            read += 1;
            if read.is_multiple_of(64) {
                bar.set_message(format!("{read} articles"));
            }
            destination.push(item);
        });
        destination.end_input(result);
        if destination.stopped() {
            break;
        }
        if let Input::File { len, .. } = input {
            bar.inc(*len);
        }
        bar.set_message(format!("{read} articles"));
    }
    let name = destination.name();
    let mut report = match destination.finish(&bar) {
        Ok(report) => report,
        Err(err) => {
            bar.abandon();
            return Err(err);
        }
    };
    bar.finish_and_clear();
    report.skipped = found.skipped;
    summary::print(&report, &name, started.elapsed().as_secs_f64());
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The bar of bytes read, with the count of articles as its message.
fn progress_bar(total_bytes: u64) -> ProgressBar {
    let bar = ProgressBar::new(total_bytes);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}
