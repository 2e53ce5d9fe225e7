//! The one writer: adds, replaces and deletes articles, and commits.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tantivy::indexer::UserOperation;
use tantivy::{DocAddress, IndexWriter, Term};

use super::error::Error;
use super::live::Live;
use super::schema::{Fields, StoryId};
use super::stories::{Grouper, live_docs};
use crate::article::{Article, ArticleId};
use crate::text::stories::Signature;

/// The file in the index folder where the process holding the writer says
/// who it is. Hidden, so that it never makes a folder look taken.
pub(super) const HOLDER_FILE: &str = ".newsdesk-writer";

/// The articles waiting for a commit beyond which [`Indexer::wants_commit`]:
/// what the writer keeps of each to group the next ones (its signature and
/// bands, under a kilobyte) then stays within a few tens of megabytes.
const MAX_WAITING: usize = 40_000;

/// How much the writer may use while indexing.
#[derive(Debug, Clone, Copy)]
pub struct WriterOptions {
    /// Indexing threads.
    pub threads: usize,
    /// Memory shared by the threads before a segment is flushed to disk.
    pub memory_bytes: usize,
}

impl Default for WriterOptions {
    fn default() -> WriterOptions {
        let threads = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
            .clamp(1, 4);
        WriterOptions {
            threads,
            // tantivy needs at least 15 MB a thread; more means fewer, larger
            // segments while bulk indexing.
            memory_bytes: threads * 64 * 1024 * 1024,
        }
    }
}

/// Whether an added article was new to the index or replaced one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    New,
    Replaced,
}

/// The index writer. Changes become visible (and durable) at [`commit`].
///
/// [`commit`]: Indexer::commit
pub struct Indexer {
    writer: IndexWriter,
    /// The reader, refreshed at each commit.
    live: Arc<Live>,
    fields: Fields,
    /// Ids touched since the last commit, and whether each is present now.
    /// The committed index cannot say, since tantivy applies changes only at
    /// commit.
    pending: HashMap<ArticleId, bool>,
    /// The stories of what was added since the last commit.
    grouper: Grouper,
    /// Where this process says who holds the writer; removed on drop.
    holder: Option<PathBuf>,
    /// Changes made since the writer was taken: additions and deletions.
    changes: u64,
}

impl Indexer {
    pub(super) fn new(
        writer: IndexWriter,
        live: Arc<Live>,
        fields: Fields,
        holder: Option<PathBuf>,
    ) -> Indexer {
        Indexer {
            writer,
            live,
            fields,
            pending: HashMap::new(),
            grouper: Grouper::default(),
            holder,
            changes: 0,
        }
    }

    /// Says who holds the writer (for the message a second process gets),
    /// as in "newsdesk serve (pid 12), listening on http://127.0.0.1:8080".
    /// Best effort: the lock works without it.
    pub fn announce(&mut self, who: &str) {
        if let Some(path) = &self.holder {
            let written = std::fs::write(path, format!("{who}\n"));
            if let Err(err) = written {
                tracing::debug!(error = %err, "could not record who holds the writer");
            }
        }
    }

    /// Adds `article`, replacing any article with the same id.
    pub fn add(&mut self, article: &Article) -> Result<Added, Error> {
        self.add_signed(article, Signature::of(&article.body).as_ref())
    }

    /// Adds `article`, whose body's signature is `signature` (computed
    /// ahead, on another thread), replacing any article with the same id.
    ///
    /// The article joins the story of its most similar copy among the
    /// articles indexed so far, committed or not (see `stories.rs`), or
    /// starts its own. A replaced article is grouped afresh, as if new.
    pub fn add_signed(
        &mut self,
        article: &Article,
        signature: Option<&Signature>,
    ) -> Result<Added, Error> {
        // First, so that the article's earlier version is no candidate.
        let existed = self.exists(&article.id)?;
        let story = match signature {
            Some(signature) => self
                .grouper
                .story(&self.live.latest(), &self.fields, signature)?,
            None => None,
        };
        let story = story.unwrap_or_else(|| StoryId::of(&article.id));
        self.insert(article, story, signature, existed)
    }

    /// Adds `article` as a copy of `story`, whatever its body, replacing any
    /// article with the same id: for a source that knows its stories.
    pub fn add_to_story(&mut self, article: &Article, story: StoryId) -> Result<Added, Error> {
        let existed = self.exists(&article.id)?;
        let signature = Signature::of(&article.body);
        self.insert(article, story, signature.as_ref(), existed)
    }

    fn insert(
        &mut self,
        article: &Article,
        story: StoryId,
        signature: Option<&Signature>,
        existed: bool,
    ) -> Result<Added, Error> {
        let document = self.fields.to_document(article, story, signature);
        if existed {
            self.writer.run([
                UserOperation::Delete(self.id_term(&article.id)),
                UserOperation::Add(document),
            ])?;
        } else {
            // Nothing to replace: a delete would only lengthen the queue
            // that every new segment is checked against.
            self.writer.add_document(document)?;
        }
        self.pending.insert(article.id.clone(), true);
        self.changes += 1;
        self.grouper.record(&article.id, signature, story);
        Ok(if existed { Added::Replaced } else { Added::New })
    }

    /// Deletes the article `id`; returns whether there was one.
    pub fn delete(&mut self, id: &ArticleId) -> Result<bool, Error> {
        let existed = self.exists(id)?;
        if existed {
            self.writer.delete_term(self.id_term(id));
            self.pending.insert(id.clone(), false);
            self.changes += 1;
        }
        Ok(existed)
    }

    /// Reads what grouping copies needs from the committed articles (a
    /// pass over the archive's story bands: about ten seconds at a million
    /// articles), which the first article added would otherwise wait for.
    pub fn prepare_grouping(&mut self) -> Result<(), Error> {
        self.grouper.prepare(&self.live.latest(), &self.fields)
    }

    /// Whether so many articles wait for a commit that the memory kept to
    /// group them into stories should be given back: a long ingest commits
    /// when this says so as well as on its clock.
    pub fn wants_commit(&self) -> bool {
        self.grouper.len() >= MAX_WAITING
    }

    /// How many additions and deletions this writer has made, committed or
    /// not: a caller compares two counts to know whether it changed anything.
    pub fn changes(&self) -> u64 {
        self.changes
    }

    /// Makes every change so far durable and visible to searches.
    pub fn commit(&mut self) -> Result<(), Error> {
        self.writer.commit()?;
        self.pending.clear();
        self.grouper.committed();
        self.live.refresh()
    }

    /// Merges every segment into one and waits for it: for tests of what
    /// follows segments.
    #[cfg(test)]
    pub(crate) fn merge_all(&mut self) -> Result<(), Error> {
        let ids = self
            .live
            .latest()
            .segment_readers()
            .iter()
            .map(|s| s.segment_id())
            .collect::<Vec<_>>();
        if ids.len() > 1 {
            self.writer.merge(&ids).wait()?;
        }
        self.commit()
    }

    /// Drops every change since the last commit.
    pub fn rollback(&mut self) -> Result<(), Error> {
        self.writer.rollback()?;
        self.pending.clear();
        self.grouper.clear();
        Ok(())
    }

    fn id_term(&self, id: &ArticleId) -> Term {
        Term::from_field_text(self.fields.id, id.as_str())
    }

    /// Whether `id` is in the index, counting uncommitted changes. Callers
    /// replace or delete it when it is: so its copies, committed or not,
    /// stop being candidates for grouping.
    fn exists(&mut self, id: &ArticleId) -> Result<bool, Error> {
        self.grouper.supersede(id);
        if let Some(&present) = self.pending.get(id) {
            return Ok(present);
        }
        let term = self.id_term(id);
        let searcher = self.live.latest();
        let mut found = false;
        for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in live_docs(segment, &term, usize::MAX)? {
                self.grouper.stale(DocAddress::new(ordinal as u32, doc));
                found = true;
            }
        }
        Ok(found)
    }
}

impl Drop for Indexer {
    fn drop(&mut self) {
        if let Some(path) = &self.holder {
            let _ = std::fs::remove_file(path);
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::index::NewsIndex;

    /// An article with only an id and a body.
    pub(crate) fn article(id: &str, body: &str) -> Article {
        Article::bare(id, body)
    }

    #[test]
    fn adding_an_id_twice_replaces_before_and_after_commit() {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.test_writer();
        assert_eq!(writer.add(&article("a", "one")).unwrap(), Added::New);
        assert_eq!(writer.add(&article("a", "two")).unwrap(), Added::Replaced);
        writer.commit().unwrap();
        assert_eq!(index.num_articles(), 1);
        assert_eq!(writer.add(&article("a", "three")).unwrap(), Added::Replaced);
        assert_eq!(writer.add(&article("b", "four")).unwrap(), Added::New);
        writer.commit().unwrap();
        assert_eq!(index.num_articles(), 2);
        assert!(writer.delete(&ArticleId::parse("a").unwrap()).unwrap());
        assert!(!writer.delete(&ArticleId::parse("a").unwrap()).unwrap());
        writer.commit().unwrap();
        assert_eq!(index.num_articles(), 1);
        assert!(!writer.delete(&ArticleId::parse("a").unwrap()).unwrap());
    }
}
