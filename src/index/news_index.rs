//! [`NewsIndex`]: the tantivy index in a folder (or in memory), opened or
//! created, with its analysers registered, the one [`IndexReader`] kept for
//! the life of the program and the snapshots searches read (`live.rs`), and
//! the one writer handed out.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::LockError;
use tantivy::indexer::LogMergePolicy;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher, TantivyError, Term};

use super::analyzer;
use super::error::Error;
use super::live::{Live, Snapshot};
use super::schema::{self, Fields, StoryId, names};
use super::stories::live_docs;
use super::writer::{HOLDER_FILE, Indexer, WriterOptions};
use crate::article::ArticleId;
use crate::text::people::directory::Aliases;

/// An open newsdesk index.
pub struct NewsIndex {
    index: Index,
    fields: Fields,
    path: Option<PathBuf>,
    /// The one reader, and the snapshot searches read.
    live: Arc<Live>,
}

impl NewsIndex {
    /// Opens the index in `dir`, or creates it when `dir` is missing or
    /// empty (hidden files such as `.gitignore` do not count).
    pub fn open_or_create(dir: &Path) -> Result<NewsIndex, Error> {
        let io_error = |source| Error::Io {
            path: dir.to_path_buf(),
            source,
        };
        let index = if dir.join("meta.json").exists() {
            Index::open_in_dir(dir)?
        } else {
            if dir.exists() {
                let mut entries = std::fs::read_dir(dir).map_err(io_error)?;
                let has_visible_entry = entries.any(|entry| {
                    entry.is_ok_and(|e| !e.file_name().to_string_lossy().starts_with('.'))
                });
                if has_visible_entry {
                    return Err(Error::NotAnIndex {
                        path: dir.to_path_buf(),
                    });
                }
            } else {
                std::fs::create_dir_all(dir).map_err(io_error)?;
            }
            Index::create_in_dir(dir, schema::build())?
        };
        NewsIndex::from_index(index, Some(dir.to_path_buf()))
    }

    /// An index that lives in memory only, for tests.
    pub fn in_memory() -> Result<NewsIndex, Error> {
        NewsIndex::from_index(Index::create_in_ram(schema::build()), None)
    }

    fn from_index(index: Index, path: Option<PathBuf>) -> Result<NewsIndex, Error> {
        let incompatible = || Error::Incompatible {
            path: path.clone().unwrap_or_default(),
        };
        if index.schema() != schema::build() {
            return Err(incompatible());
        }
        let fields = Fields::from_schema(&index.schema()).ok_or_else(incompatible)?;
        analyzer::register(index.tokenizers());
        // Reloaded by hand after each commit, so that what a write
        // acknowledges is searchable as soon as the write returns.
        let reader: IndexReader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(NewsIndex {
            index,
            fields,
            path,
            live: Arc::new(Live::new(reader, Aliases::default())),
        })
    }

    /// Uses `aliases` to correct how names are grouped into people.
    pub fn with_aliases(mut self, aliases: Aliases) -> NewsIndex {
        self.live = Arc::new(Live::new(self.live.reader(), aliases));
        self
    }

    /// The state of the index searches read: a searcher and its people,
    /// made once for each commit, never waited for by a search once made.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, Error> {
        self.live.snapshot()
    }

    /// Takes the one writer. Fails with [`Error::Locked`] while another
    /// process holds it.
    ///
    /// `holder` says who takes it ("newsdesk ingest (pid 12)"), for the
    /// message another process gets while this one holds it.
    pub fn writer(&self, options: WriterOptions) -> Result<Indexer, Error> {
        let writer = self
            .index
            .writer_with_num_threads(options.threads, options.memory_bytes)
            .map_err(|err| match err {
                TantivyError::LockFailure(LockError::LockBusy, _) => Error::Locked {
                    path: self.path.clone().unwrap_or_default(),
                    holder: self.path.as_deref().and_then(|path| {
                        let text = std::fs::read_to_string(path.join(HOLDER_FILE)).ok()?;
                        Some(text.trim().to_string()).filter(|text| !text.is_empty())
                    }),
                },
                other => Error::Tantivy(other),
            })?;
        // A writer killed before its commit leaves files no commit names.
        // tantivy deletes them only at its next collection, and meanwhile a
        // writer that repeats the same operations (an ingest run again)
        // would write a file of the same name, such as a segment's
        // `.<opstamp>.del`, and fail: so collect them before any writing.
        writer.garbage_collect_files().wait()?;
        writer.set_merge_policy(Box::new(merge_policy()));
        let holder = self.path.as_ref().map(|path| path.join(HOLDER_FILE));
        let mut indexer = Indexer::new(writer, self.live.clone(), self.fields, holder);
        indexer.announce(&format!("a newsdesk process (pid {})", std::process::id()));
        Ok(indexer)
    }

    /// A searcher over the state searches read (the last commit this
    /// process has seen, once its snapshot is made).
    pub fn searcher(&self) -> Searcher {
        self.live.searcher()
    }

    /// Picks up commits made by other processes (the server sees its own
    /// writes at once).
    pub fn reload(&self) -> Result<(), Error> {
        self.live.refresh()
    }

    /// A writer on one thread with the least memory tantivy takes: for
    /// tests.
    #[cfg(test)]
    pub(crate) fn test_writer(&self) -> crate::index::Indexer {
        self.writer(crate::index::WriterOptions {
            threads: 1,
            memory_bytes: 15_000_000,
        })
        .expect("a test writer opens")
    }

    /// The reader's latest searcher, even before its snapshot is made.
    #[cfg(test)]
    pub(crate) fn reader_searcher(&self) -> Searcher {
        self.live.latest()
    }

    /// Sends every change of the people directory to the background
    /// builder, as a large archive's are, and gives the lock that holds a
    /// background build back from finishing.
    #[cfg(test)]
    pub(crate) fn people_in_background(mut self) -> (NewsIndex, Arc<std::sync::Mutex<()>>) {
        let live = Live::new(self.live.reader(), Aliases::default()).always_in_background();
        let gate = live.gate.clone();
        self.live = Arc::new(live);
        (self, gate)
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    pub fn num_articles(&self) -> u64 {
        self.searcher().num_docs()
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The bytes the files of the index folder take, `None` for an index in
    /// memory. tantivy keeps every file in the folder itself, so one listing
    /// is enough: it costs a `stat` a file, however large the index.
    pub fn size_on_disk(&self) -> Result<Option<u64>, Error> {
        let Some(dir) = &self.path else {
            return Ok(None);
        };
        let io_error = |source| Error::Io {
            path: dir.clone(),
            source,
        };
        let mut bytes = 0;
        for entry in std::fs::read_dir(dir).map_err(io_error)? {
            // A file removed by a merge while it is being listed no longer
            // takes any room: it counts for nothing rather than failing.
            if let Ok(metadata) = entry.map_err(io_error)?.metadata()
                && metadata.is_file()
            {
                bytes += metadata.len();
            }
        }
        Ok(Some(bytes))
    }

    /// The analyser of a field, as registered at open.
    pub fn analyzer(&self, name: &str) -> tantivy::tokenizer::TextAnalyzer {
        self.index
            .tokenizers()
            .get(name)
            .unwrap_or_else(analyzer::english)
    }

    /// The story of the article `id` in the last commit.
    pub fn story(&self, id: &ArticleId) -> Result<Option<StoryId>, Error> {
        let searcher = self.searcher();
        let term = Term::from_field_text(self.fields.id, id.as_str());
        for segment in searcher.segment_readers() {
            if let Some(&doc) = live_docs(segment, &term, 1)?.first() {
                let stories = segment.fast_fields().u64(names::STORY)?;
                return Ok(stories.first(doc).map(StoryId));
            }
        }
        Ok(None)
    }
}

/// How segments are merged in the background: tantivy's log merge policy,
/// which merges eight segments of about one size (by powers of 1.68, all
/// those under 100 articles counting as one size) into one, and so keeps
/// their number logarithmic in the archive's size however writes come.
/// Set here, not left to tantivy's defaults, with two changes. Its default
/// counts every segment under 10,000 articles as one size, so under a
/// steady trickle of commits one growing segment of up to 10,000 articles
/// was rewritten with every seven new ones: most of the server's CPU went
/// to merging. And a segment whose articles are more than a third deleted
/// (replaced, or taken away) is rewritten, so that dead articles do not
/// pile up in old segments.
fn merge_policy() -> LogMergePolicy {
    let mut policy = LogMergePolicy::default();
    policy.set_min_num_segments(8);
    policy.set_min_layer_size(100);
    policy.set_level_log_size(0.75);
    policy.set_max_docs_before_merge(10_000_000);
    policy.set_del_docs_ratio_before_merge(1.0 / 3.0);
    policy
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::WriterOptions;

    #[test]
    fn a_new_writer_first_deletes_the_files_a_killed_one_left() {
        use std::io::Write;
        use tantivy::Directory;
        use tantivy::directory::TerminatingWrite;

        let dir = tempfile::tempdir().unwrap();
        let index = NewsIndex::open_or_create(dir.path()).unwrap();
        let mut writer = index.writer(WriterOptions::default()).unwrap();
        writer.commit().unwrap();
        drop(writer);
        // What a writer killed between writing a segment's deletions and
        // its commit leaves: a file tantivy manages that no commit names.
        let orphan = "0123456789abcdef0123456789abcdef.7.del";
        let mut file = index
            .index
            .directory()
            .open_write(Path::new(orphan))
            .unwrap();
        file.write_all(b"deletes").unwrap();
        file.terminate().unwrap();
        assert!(dir.path().join(orphan).exists());

        let _writer = index.writer(WriterOptions::default()).unwrap();
        assert!(!dir.path().join(orphan).exists());
    }

    #[test]
    fn a_folder_with_other_files_is_not_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        assert!(matches!(
            NewsIndex::open_or_create(dir.path()),
            Err(Error::NotAnIndex { .. })
        ));
    }

    #[test]
    fn an_empty_folder_with_hidden_files_becomes_an_index_that_reopens() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(".gitignore"), "*").unwrap();
        NewsIndex::open_or_create(dir.path()).unwrap();
        let reopened = NewsIndex::open_or_create(dir.path()).unwrap();
        assert_eq!(reopened.num_articles(), 0);
    }

    #[test]
    fn the_size_on_disk_grows_with_a_commit_and_is_none_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let index = NewsIndex::open_or_create(dir.path()).unwrap();
        let empty = index.size_on_disk().unwrap().unwrap();
        let mut writer = index.writer(WriterOptions::default()).unwrap();
        writer
            .add(&crate::article::Article::bare(
                "test",
                "The ferry sailed at dawn.",
            ))
            .unwrap();
        writer.commit().unwrap();
        assert!(index.size_on_disk().unwrap().unwrap() > empty);
        assert_eq!(
            NewsIndex::in_memory().unwrap().size_on_disk().unwrap(),
            None
        );
    }

    #[test]
    fn a_second_writer_is_refused_while_the_first_lives() {
        let dir = tempfile::tempdir().unwrap();
        let index = NewsIndex::open_or_create(dir.path()).unwrap();
        let mut first = index.writer(WriterOptions::default()).unwrap();
        let other = NewsIndex::open_or_create(dir.path()).unwrap();
        let err = other.writer(WriterOptions::default()).err().unwrap();
        assert!(matches!(err, Error::Locked { .. }), "{err}");
        let pid = format!("pid {}", std::process::id());
        assert!(err.to_string().contains(&pid), "{err}");
        first.announce("newsdesk serve, listening on http://127.0.0.1:9");
        let err = other.writer(WriterOptions::default()).err().unwrap();
        assert!(
            err.to_string()
                .contains("newsdesk ingest --server http://127.0.0.1:9 PATH"),
            "{err}"
        );
        drop(first);
        assert!(other.writer(WriterOptions::default()).is_ok());
    }
}
