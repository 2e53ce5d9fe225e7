//! `newsdesk ingest --server URL`: the files' articles, read here, sent to
//! a running server in batches, for when that server holds the index (only
//! one process may write to it).
//!
//! Each article goes as one NDJSON line of the fields its file gave, so the
//! server cleans and extracts it as a local ingest would, and gives it the
//! same id: sending a folder again replaces instead of duplicating.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::body::Bytes;
use indicatif::{ProgressBar, ProgressStyle};

use super::IngestArgs;
use super::ingest::print_summary;
use crate::api::client::Remote;
use crate::ingest::parse::{self, Item};
use crate::ingest::source::{self, Input};
use crate::ingest::{Origin, Rejection, Report, Warning, oversize};

/// A batch: at most this many articles or bytes (one article alone may be
/// bigger), well under the server's default body limit of 64 MB.
const BATCH_ITEMS: usize = 500;
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// How long the server may take over one batch.
const TIMEOUT: Duration = Duration::from_secs(300);

pub fn run(args: IngestArgs, server: &str) -> anyhow::Result<ExitCode> {
    if args.outlet.is_some() || args.date.is_some() {
        anyhow::bail!(
            "--outlet and --date apply when ingesting into an index here; with --server, give \
             the outlet and date in the articles (front matter or JSON fields)"
        );
    }
    let started = Instant::now();
    let remote = Remote::new(server, args.api_key.clone(), TIMEOUT).map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    runtime
        .block_on(remote.health())
        .map_err(anyhow::Error::msg)?;
    let mut sender = Sender {
        remote: &remote,
        runtime: &runtime,
        report: Report::default(),
        lines: Vec::new(),
        batch_bytes: 0,
        origins: Vec::new(),
        failed: None,
        max_article_bytes: args.article_limit.max_article_bytes,
    };
    let found = source::discover(&args.paths);
    let bar = ProgressBar::new(found.total_bytes());
    for problem in found.problems {
        sender.report.read += 1;
        sender.report.reject(problem);
    }
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    for input in &found.inputs {
        let result = source::read(input, &mut |item| sender.push(item));
        match result {
            Ok(warnings) => sender.report.warnings.extend(warnings),
            Err(rejection) => {
                sender.report.read += 1;
                sender.report.reject(rejection);
            }
        }
        if sender.failed.is_some() {
            break;
        }
        if let Input::File { len, .. } = input {
            bar.inc(*len);
        }
        bar.set_message(format!("{} articles", sender.report.read));
    }
    sender.flush();
    bar.finish_and_clear();
    let mut report = sender.report;
    if let Some(message) = sender.failed {
        anyhow::bail!(
            "{message}\nsending stopped: the server had acknowledged {} articles ({} new, {} \
             replaced), which it keeps; running this again completes it without duplicates",
            report.indexed + report.replaced,
            report.indexed,
            report.replaced
        );
    }
    report.skipped = found.skipped;
    print_summary(
        &report,
        remote.address().as_str(),
        started.elapsed().as_secs_f64(),
    );
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Articles waiting to be sent, and what became of those sent.
struct Sender<'a> {
    remote: &'a Remote,
    runtime: &'a tokio::runtime::Runtime,
    report: Report,
    /// The batch: a line an article, and where each came from.
    lines: Vec<String>,
    /// The bytes of `lines`, newlines included.
    batch_bytes: usize,
    origins: Vec<Origin>,
    /// Why sending stopped: the server went away or refused a batch.
    failed: Option<String>,
    max_article_bytes: usize,
}

impl Sender<'_> {
    fn push(&mut self, item: Item) {
        if self.failed.is_some() {
            return;
        }
        self.report.read += 1;
        let (raw, warnings) = match item {
            Ok(parsed) => parsed,
            Err(rejection) => return self.report.reject(rejection),
        };
        self.report.warn(&raw.origin, warnings);
        // Refused here rather than making the whole batch too big.
        if let Some(rejection) = oversize(&raw, self.max_article_bytes) {
            return self.report.reject(rejection);
        }
        let line = parse::to_json_line(&raw);
        if !self.lines.is_empty() && self.batch_bytes + line.len() > BATCH_BYTES {
            self.flush();
        }
        self.batch_bytes += line.len() + 1;
        self.lines.push(line);
        self.origins.push(raw.origin);
        if self.lines.len() >= BATCH_ITEMS {
            self.flush();
        }
    }

    /// Sends the batch and records the server's answer against each
    /// article's file and line.
    fn flush(&mut self) {
        if self.lines.is_empty() || self.failed.is_some() {
            return;
        }
        let mut body = self.lines.join("\n");
        body.push('\n');
        self.lines.clear();
        self.batch_bytes = 0;
        let origins = std::mem::take(&mut self.origins);
        let sent = self
            .runtime
            .block_on(self.remote.post_ndjson(Bytes::from(body)));
        let outcome = match sent {
            Ok(outcome) => outcome,
            Err(message) => {
                self.failed = Some(message);
                return;
            }
        };
        self.report.indexed += outcome.indexed;
        self.report.replaced += outcome.replaced;
        let origin = |line: usize| {
            origins
                .get(line.wrapping_sub(1))
                .cloned()
                .unwrap_or_else(|| Origin::line("request", line))
        };
        for (line, reason) in outcome.rejected {
            self.report.reject(Rejection::new(origin(line), reason));
        }
        for (line, message) in outcome.warnings {
            self.report.warnings.push(Warning {
                origin: origin(line),
                message,
            });
        }
    }
}
