//! The index here: items read on the calling thread are cleaned, extracted
//! and indexed on another, a chunk at a time, while the next chunk is read;
//! what is indexed is committed every `--commit-interval` and at the end.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::Context;
use indicatif::ProgressBar;

use super::destination::Destination;
use crate::article::PublicationDate;
use crate::cli::args::IngestArgs;
use crate::index::{self, Indexer, NewsIndex, WriterOptions};
use crate::ingest::parse::Item;
use crate::ingest::{Batch, Defaults, Rejection, Report, Warning};

/// The index in a folder of this machine, written by the one writer.
pub struct Local {
    path: String,
    /// Chunks for the indexing thread; `None` once it has stopped.
    chunks: Option<SyncSender<Chunk>>,
    indexing: JoinHandle<Result<(Report, Indexer), index::Error>>,
    pending: Pending,
}

/// What the reading thread hands the indexing thread.
enum Chunk {
    Items(Vec<Item>),
    /// An input that could not be read at all.
    Unreadable(Rejection),
    /// Warnings about a whole input.
    Warnings(Vec<Warning>),
}

impl Local {
    /// Opens (or creates) the index and takes its writer.
    pub fn open(args: &IngestArgs) -> anyhow::Result<Local> {
        let defaults = Defaults {
            outlet: args.outlet.clone().filter(|o| !o.trim().is_empty()),
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
        let (chunks, receive) = sync_channel::<Chunk>(1);
        let indexing =
            std::thread::spawn(move || index_chunks(writer, defaults, commit_interval, receive));
        Ok(Local {
            path: args.index.index.display().to_string(),
            chunks: Some(chunks),
            indexing,
            pending: Pending::default(),
        })
    }

    /// Hands `chunk` to the indexing thread; when that has stopped (the
    /// index failed), nothing more is sent.
    fn send(&mut self, chunk: Chunk) {
        if let Some(chunks) = &self.chunks
            && chunks.send(chunk).is_err()
        {
            self.chunks = None;
        }
    }
}

/// The indexing thread: adds each chunk, commits every `interval` (and
/// whenever the writer holds too much waiting for a commit), and
/// gives back the report and the writer for the last commit.
fn index_chunks(
    mut writer: Indexer,
    defaults: Defaults,
    interval: Duration,
    chunks: Receiver<Chunk>,
) -> Result<(Report, Indexer), index::Error> {
    let mut batch = Batch::new(&mut writer, defaults);
    let mut saved = Instant::now();
    for chunk in chunks {
        match chunk {
            Chunk::Items(items) => {
                batch.add_all(items)?;
                if saved.elapsed() >= interval || batch.wants_commit() {
                    batch.commit()?;
                    saved = Instant::now();
                }
            }
            Chunk::Unreadable(rejection) => batch.reject_input(rejection),
            Chunk::Warnings(warnings) => batch.report.warnings.extend(warnings),
        }
    }
    let report = batch.report;
    Ok((report, writer))
}

impl Destination for Local {
    fn name(&self) -> String {
        self.path.clone()
    }

    fn reject_input(&mut self, rejection: Rejection) {
        self.send(Chunk::Unreadable(rejection));
    }

    fn push(&mut self, item: Item) {
        if let Some(full) = self.pending.push(item) {
            self.send(Chunk::Items(full));
        }
    }

    fn end_input(&mut self, read: Result<Vec<Warning>, Rejection>) {
        // The input's items go before what is said of the input.
        let items = self.pending.take();
        self.send(Chunk::Items(items));
        self.send(match read {
            Ok(warnings) => Chunk::Warnings(warnings),
            Err(rejection) => Chunk::Unreadable(rejection),
        });
    }

    fn stopped(&self) -> bool {
        self.chunks.is_none()
    }

    fn finish(mut self: Box<Self>, bar: &ProgressBar) -> anyhow::Result<Report> {
        let items = self.pending.take();
        self.send(Chunk::Items(items));
        drop(self.chunks.take());
        let indexed = self
            .indexing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        let (report, mut writer) = indexed.context(
            "indexing stopped: the index could not be written; what this run saved before \
             is kept, and running it again completes it",
        )?;
        bar.set_message("committing");
        writer
            .commit()
            .context("the articles could not be saved to the index")?;
        Ok(report)
    }
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
