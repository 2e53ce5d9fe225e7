//! `newsdesk ingest`: files and folders into the index, with a progress bar
//! and a closing summary.

use std::io::Write;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::IngestArgs;
use crate::article::PublicationDate;
use crate::index::{NewsIndex, WriterOptions};
use crate::ingest::source::{self, Input};
use crate::ingest::{Batch, Defaults, Report};

/// Warnings beyond this many are counted, not listed.
const MAX_WARNINGS_SHOWN: usize = 20;

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let defaults = Defaults {
        outlet: args.outlet.filter(|o| !o.trim().is_empty()),
        date: args
            .date
            .as_deref()
            .map(PublicationDate::parse)
            .transpose()
            .context("--date")?,
    };
    let index = NewsIndex::open_or_create(&args.index.index)?;
    let mut writer = index.writer(WriterOptions::default())?;
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
    for input in &found.inputs {
        let mut failure = None;
        let result = source::read(input, &mut |item| {
            if failure.is_none()
                && let Err(err) = batch.add(item)
            {
                failure = Some(err);
            }
            if batch.report.read.is_multiple_of(64) {
                bar.set_message(format!("{} articles", batch.report.read));
            }
        });
        if let Some(err) = failure {
            bar.abandon();
            return Err(err).context(
                "indexing stopped: the index could not be written, so nothing of this run was saved",
            );
        }
        match result {
            Ok(warnings) => batch.report.warnings.extend(warnings),
            Err(rejection) => batch.reject_input(rejection),
        }
        if let Input::File { len, .. } = input {
            bar.inc(*len);
        }
    }
    let mut report = batch.report;
    report.skipped = found.skipped;
    bar.set_message("committing");
    writer
        .commit()
        .context("the articles could not be saved to the index")?;
    bar.finish_and_clear();
    print_summary(&report, &args.index.index, started.elapsed().as_secs_f64());
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_summary(report: &Report, index: &std::path::Path, seconds: f64) {
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
        "read {} item{} in {seconds:.1} s into {}: {} indexed (new), {} replaced, {} rejected{appended}",
        report.read,
        plural(report.read),
        index.display(),
        report.indexed,
        report.replaced,
        report.rejected.len()
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
