//! `newsdesk ingest --server URL`: the files' articles, read here, sent to
//! a running server in batches, for when that server holds the index (only
//! one process may write to it).
//!
//! Each article goes as one NDJSON line of the fields its file gave, so the
//! server cleans and extracts it as a local ingest would, and gives it the
//! same id: sending a folder again replaces instead of duplicating.

use std::time::Duration;

use anyhow::Context;
use indicatif::ProgressBar;

use super::destination::Destination;
use crate::api::client::Remote as Client;
use crate::cli::args::IngestArgs;
use crate::ingest::parse::{self, Item};
use crate::ingest::{Origin, Rejection, Report, Warning, oversize};

/// A batch: at most this many articles or bytes (one article alone may be
/// bigger), well under the server's default body limit of 64 MB.
const BATCH_ITEMS: usize = 500;
const BATCH_BYTES: usize = 8 * 1024 * 1024;

/// How long the server may take over one batch.
const TIMEOUT: Duration = Duration::from_secs(300);

/// A running server that holds the index.
pub struct Remote {
    remote: Client,
    runtime: tokio::runtime::Runtime,
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

impl Remote {
    /// Checks that the server at `server` answers before anything is read.
    pub fn connect(args: &IngestArgs, server: &str) -> anyhow::Result<Remote> {
        if args.outlet.is_some() || args.date.is_some() {
            anyhow::bail!(
                "--outlet and --date apply when ingesting into an index here; with --server, \
                 give the outlet and date in the articles (front matter or JSON fields)"
            );
        }
        let remote =
            Client::new(server, args.api_key.clone(), TIMEOUT).map_err(anyhow::Error::msg)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("could not start the async runtime")?;
        runtime
            .block_on(remote.health())
            .map_err(anyhow::Error::msg)?;
        Ok(Remote {
            remote,
            runtime,
            report: Report::default(),
            lines: Vec::new(),
            batch_bytes: 0,
            origins: Vec::new(),
            failed: None,
            max_article_bytes: args.article_limit.max_article_bytes,
        })
    }
}

impl Destination for Remote {
    fn name(&self) -> String {
        self.remote.address().to_string()
    }

    fn reject_input(&mut self, rejection: Rejection) {
        self.report.read += 1;
        self.report.reject(rejection);
    }

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

    fn end_input(&mut self, read: Result<Vec<Warning>, Rejection>) {
        match read {
            Ok(warnings) => self.report.warnings.extend(warnings),
            Err(rejection) => self.reject_input(rejection),
        }
    }

    fn stopped(&self) -> bool {
        self.failed.is_some()
    }

    fn finish(mut self: Box<Self>, _bar: &ProgressBar) -> anyhow::Result<Report> {
        self.flush();
        let report = self.report;
        if let Some(message) = self.failed {
            anyhow::bail!(
                "{message}\nsending stopped: the server had acknowledged {} articles ({} new, {} \
                 replaced), which it keeps; running this again completes it without duplicates",
                report.indexed + report.replaced,
                report.indexed,
                report.replaced
            );
        }
        Ok(report)
    }
}

impl Remote {
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
        let sent = self.runtime.block_on(self.remote.post_ndjson(body));
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
