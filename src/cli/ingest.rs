//! `newsdesk ingest`: files and folders into the index, with a progress bar
//! and a closing summary.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::IngestArgs;
use crate::article::PublicationDate;
use crate::index::{NewsIndex, WriterOptions};
use crate::ingest::parse::Item;
use crate::ingest::source::{self, Input};
use crate::ingest::{Batch, Defaults, Rejection, Report, Warning};

/// Warnings beyond this many are counted, not listed.
const MAX_WARNINGS_SHOWN: usize = 20;

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    if let Some(server) = args.server.clone() {
        return super::send::run(args, &server);
    }
    let started = Instant::now();
    let defaults = Defaults {
        outlet: args.outlet.filter(|o| !o.trim().is_empty()),
        date: args
            .date
            .as_deref()
            .map(PublicationDate::parse)
            .transpose()
            .context("--date")?,
        max_article_bytes: args.article_limit.max_article_bytes,
    };
    let commit_interval = Duration::try_from_secs_f64(args.commit_interval)
        .ok()
        .filter(|interval| !interval.is_zero())
        .context("--commit-interval must be a number of seconds above 0")?;
    let index = NewsIndex::open_or_create(&args.index.index)?;
    let mut writer = index.writer(WriterOptions::default())?;
    writer.announce(&format!("newsdesk ingest (pid {})", std::process::id()));
    let found = source::discover(&args.paths);

    let bar = ProgressBar::new(found.total_bytes());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut batch = Batch::new(&mut writer, defaults);
    for problem in found.problems {
        batch.reject_input(problem);
    }
    // Reading and parsing on this thread; cleaning, extraction and indexing
    // on another, a chunk of items at a time, while the next chunk is read.
    let (chunks, receive) = std::sync::mpsc::sync_channel::<Chunk>(1);
    let indexed = std::thread::scope(|scope| {
        let indexer = scope.spawn(|| -> Result<(), crate::index::Error> {
            let mut saved = Instant::now();
            for chunk in receive {
                match chunk {
                    Chunk::Items(items) => {
                        batch.add_all(items)?;
                        if saved.elapsed() >= commit_interval {
                            batch.commit()?;
                            saved = Instant::now();
                        }
                    }
                    Chunk::Unreadable(rejection) => batch.reject_input(rejection),
                    Chunk::Warnings(warnings) => batch.report.warnings.extend(warnings),
                }
            }
            Ok(())
        });
        let mut read = 0usize;
        let mut pending = Pending::default();
        'inputs: for input in &found.inputs {
            let mut stopped = false;
            let result = source::read(input, &mut |item| {
                read += 1;
                if read.is_multiple_of(64) {
                    bar.set_message(format!("{read} articles"));
                }
                if let Some(full) = pending.push(item)
                    && chunks.send(Chunk::Items(full)).is_err()
                {
                    stopped = true;
                }
            });
            let message = match result {
                Ok(warnings) => Chunk::Warnings(warnings),
                Err(rejection) => Chunk::Unreadable(rejection),
            };
            // The input's items go before what is said of the input.
            let items = Chunk::Items(pending.take());
            if stopped || chunks.send(items).is_err() || chunks.send(message).is_err() {
                break 'inputs;
            }
            if let Input::File { len, .. } = input {
                bar.inc(*len);
            }
        }
        drop(chunks);
        indexer
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    });
    if let Err(err) = indexed {
        bar.abandon();
        return Err(err).context(
            "indexing stopped: the index could not be written; what this run saved before \
             is kept, and running it again completes it",
        );
    }
    let mut report = batch.report;
    report.skipped = found.skipped;
    bar.set_message("committing");
    writer
        .commit()
        .context("the articles could not be saved to the index")?;
    bar.finish_and_clear();
    print_summary(
        &report,
        &args.index.index.display().to_string(),
        started.elapsed().as_secs_f64(),
    );
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// What the reading thread hands the indexing thread.
enum Chunk {
    Items(Vec<Item>),
    /// An input that could not be read at all.
    Unreadable(Rejection),
    /// Warnings about a whole input.
    Warnings(Vec<Warning>),
}

/// Items read but not yet handed over: about a megabyte of text, or 256
/// items, a chunk.
#[derive(Default)]
struct Pending {
    items: Vec<Item>,
    bytes: usize,
}

impl Pending {
    const MAX_ITEMS: usize = 256;
    const MAX_BYTES: usize = 1 << 20;

    /// Adds `item`; returns the chunk when it is full.
    fn push(&mut self, item: Item) -> Option<Vec<Item>> {
        self.bytes += item.as_ref().map_or(0, |(raw, _)| raw.body.len());
        self.items.push(item);
        (self.items.len() >= Self::MAX_ITEMS || self.bytes >= Self::MAX_BYTES).then(|| self.take())
    }

    fn take(&mut self) -> Vec<Item> {
        self.bytes = 0;
        std::mem::take(&mut self.items)
    }
}

/// The warnings, rejections and counts of a run; `destination` is the index
/// folder or the server.
pub(super) fn print_summary(report: &Report, destination: &str, seconds: f64) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for warning in report.warnings.iter().take(MAX_WARNINGS_SHOWN) {
        let _ = writeln!(err, "warning: {warning}");
    }
    if report.warnings.len() > MAX_WARNINGS_SHOWN {
        let _ = writeln!(
            err,
            "warning: … and {} more warnings",
            report.warnings.len() - MAX_WARNINGS_SHOWN
        );
    }
    for rejection in &report.rejected {
        let _ = writeln!(err, "rejected: {rejection}");
    }
    let skipped: usize = report.skipped.values().sum();
    if skipped > 0 {
        let kinds: Vec<String> = report
            .skipped
            .iter()
            .map(|(extension, count)| format!("{count} {extension}"))
            .collect();
        let _ = writeln!(
            err,
            "skipped {skipped} file{} that newsdesk does not read ({})",
            plural(skipped),
            kinds.join(", ")
        );
    }
    let appended = if report.appended > 0 {
        format!(" ({} of them split off aggregator pages)", report.appended)
    } else {
        String::new()
    };
    println!(
        "read {} item{} in {seconds:.1} s into {destination}: {} indexed (new), {} replaced, {} rejected{appended}",
        report.read,
        plural(report.read),
        report.indexed,
        report.replaced,
        report.rejected.len()
    );
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
