//! A batch: parsed items fed through [`prepare`](super::prepare::prepare)
//! into the index writer, with the [`Report`] of what became of each.

use std::collections::BTreeMap;

use super::parse;
use super::prepare::{Prepared, prepare};
use super::raw::{Defaults, Origin, Rejection, Warning};
use crate::article::{Article, ArticleId};
use crate::index::{self, Added, Indexer};
use crate::text::stories::Signature;

/// What [`prepare`] made of one parsed item: the article with where it came
/// from and the parser's warnings, or why it was refused.
type ItemOutcome = Result<(Prepared, Origin, Vec<String>), Rejection>;

fn prepare_item(item: parse::Item, defaults: &Defaults) -> ItemOutcome {
    let (raw, warnings) = item?;
    let origin = raw.origin.clone();
    let prepared = prepare(raw, defaults)?;
    Ok((prepared, origin, warnings))
}

/// An item's outcome with the signatures of its articles' bodies: the
/// page's, then each appended article's.
type Signed = (ItemOutcome, Vec<Option<Signature>>);

fn signed(outcome: ItemOutcome) -> Signed {
    let signatures = match &outcome {
        Ok((prepared, _, _)) => std::iter::once(&prepared.article)
            .chain(prepared.appended.iter().map(|a| &a.article))
            .map(|article| Signature::of(&article.body))
            .collect(),
        Err(_) => Vec::new(),
    };
    (outcome, signatures)
}

/// An item made ready for the writer, away from it: prepared (cleaned,
/// its people found) with its signatures, or refused.
pub struct Ready(Signed);

impl Ready {
    pub fn new(item: parse::Item, defaults: &Defaults) -> Ready {
        Ready(signed(prepare_item(item, defaults)))
    }
}

/// Feeds parsed items through [`prepare`] into the index writer, keeping
/// the [`Report`]. The caller commits.
pub struct Batch<'a> {
    indexer: &'a mut Indexer,
    defaults: Defaults,
    pub report: Report,
    /// The ids of the accepted articles, in order, with what became of each.
    pub accepted: Vec<(ArticleId, Added)>,
}

impl<'a> Batch<'a> {
    pub fn new(indexer: &'a mut Indexer, defaults: Defaults) -> Batch<'a> {
        Batch {
            indexer,
            defaults,
            report: Report::default(),
            accepted: Vec::new(),
        }
    }

    /// Takes one item. Only a failure of the index itself is an error; a
    /// bad item is recorded in the report.
    pub fn add(&mut self, item: parse::Item) -> Result<(), index::Error> {
        let prepared = signed(prepare_item(item, &self.defaults));
        self.accept(prepared)
    }

    /// Takes an item made [`Ready`] beforehand: only what the writer must do
    /// is left to do.
    pub fn add_ready(&mut self, ready: Ready) -> Result<(), index::Error> {
        self.accept(ready.0)
    }

    /// Takes items in order, cleaning and extracting them on every core
    /// (rayon's pool) and indexing them in their order, so that of two items
    /// with one id the later still wins. The signatures that group copies
    /// into stories are computed on the pool too.
    pub fn add_all(&mut self, items: Vec<parse::Item>) -> Result<(), index::Error> {
        use rayon::prelude::*;
        let defaults = &self.defaults;
        let prepared: Vec<Signed> = items
            .into_par_iter()
            .map(|item| signed(prepare_item(item, defaults)))
            .collect();
        for outcome in prepared {
            self.accept(outcome)?;
        }
        Ok(())
    }

    fn accept(&mut self, (outcome, signatures): Signed) -> Result<(), index::Error> {
        self.report.read += 1;
        let (prepared, origin, warnings) = match outcome {
            Ok(accepted) => accepted,
            Err(rejection) => {
                self.report.reject(rejection);
                return Ok(());
            }
        };
        self.report.warn(&origin, warnings);
        let mut signatures = signatures.iter().map(Option::as_ref);
        self.index(&prepared.article, signatures.next().flatten())?;
        for appended in &prepared.appended {
            self.index(&appended.article, signatures.next().flatten())?;
            self.report.appended += 1;
        }
        Ok(())
    }

    fn index(
        &mut self,
        article: &Article,
        signature: Option<&Signature>,
    ) -> Result<(), index::Error> {
        let added = self.indexer.add_signed(article, signature)?;
        match added {
            Added::New => self.report.indexed += 1,
            Added::Replaced => self.report.replaced += 1,
        }
        self.accepted.push((article.id.clone(), added));
        Ok(())
    }

    /// Whether the writer would rather commit now (see
    /// [`Indexer::wants_commit`]).
    pub fn wants_commit(&self) -> bool {
        self.indexer.wants_commit()
    }

    /// Commits what the batch has indexed so far, so that it survives a
    /// crash before the batch ends.
    pub fn commit(&mut self) -> Result<(), index::Error> {
        self.indexer.commit()
    }

    /// Records an input that failed as a whole (an unreadable file, a JSON
    /// document with a syntax error) as one rejected item.
    pub fn reject_input(&mut self, rejection: Rejection) {
        self.report.read += 1;
        self.report.reject(rejection);
    }
}

/// What became of a batch: the closing summary of `newsdesk ingest` and of
/// `POST /api/articles`.
#[derive(Debug, Default)]
pub struct Report {
    /// Items found (articles and rejected items alike).
    pub read: usize,
    /// Articles new to the index.
    pub indexed: usize,
    /// Articles that replaced one with the same id.
    pub replaced: usize,
    /// Of the indexed and replaced, how many were split off aggregator pages.
    pub appended: usize,
    pub rejected: Vec<Rejection>,
    pub warnings: Vec<Warning>,
    /// Files passed over in folders, by extension.
    pub skipped: BTreeMap<String, usize>,
}

impl Report {
    pub fn reject(&mut self, rejection: Rejection) {
        self.rejected.push(rejection);
    }

    pub fn warn(&mut self, origin: &Origin, messages: Vec<String>) {
        self.warnings
            .extend(messages.into_iter().map(|message| Warning {
                origin: origin.clone(),
                message,
            }));
    }
}
