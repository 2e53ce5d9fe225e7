//! The state of the index that searches see, and how it follows commits
//! without making a search wait.
//!
//! A [`Snapshot`] is a searcher and the people of that state, published
//! together: a search takes the current one (an atomic load) and keeps it
//! to the end, whatever commits meanwhile. After a commit the writer moves
//! the people along (what the new segments add; see `people.rs`) and then
//! publishes the new snapshot; until then searches use the previous one.
//!
//! The grouping of names into people is rebuilt from the archive's name
//! counts when they change: at once while the archive has few names (a
//! small directory builds in a moment), else on a background thread, at
//! most one at a time, and with a pause after each build of at least five
//! seconds and ten times the build's length, so that it takes no more than
//! a tenth of a core however fast writes come. A new spelling is a person
//! of its own until then, and joins its person within seconds.

use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use tantivy::{IndexReader, Searcher};

use super::error::Error;
use super::people::{People, Tracker};
use crate::text::people::directory::Aliases;

/// Below this many distinct names, a changed directory is rebuilt before
/// the commit that changed it returns (a few milliseconds).
const INLINE_NAMES: usize = 2_000;

/// The shortest pause between two background builds of the directory.
const MIN_PAUSE: Duration = Duration::from_secs(5);

/// A background build is followed by a pause of at least this many times
/// its length.
const PAUSE_PER_BUILD: u32 = 10;

/// One state of the index: what a search reads, from start to end.
pub struct Snapshot {
    pub searcher: Searcher,
    pub people: Arc<People>,
}

/// The reader, the snapshot in use, and what follows the index from one
/// state to the next.
pub(super) struct Live {
    reader: IndexReader,
    /// `None` until someone asks for people: a process that only writes
    /// (`newsdesk ingest`) never builds them.
    current: ArcSwapOption<Snapshot>,
    following: Mutex<Following>,
    /// The background builder, started at its first build.
    builder: Mutex<Option<Sender<()>>>,
    /// Directories of up to this many names are rebuilt inline.
    inline_names: usize,
    /// Held by tests to keep a background build from finishing.
    #[cfg(test)]
    pub(super) gate: Arc<Mutex<()>>,
}

struct Following {
    tracker: Tracker,
    /// The searcher the tracker last advanced to.
    searcher: Option<Searcher>,
}

impl Live {
    pub(super) fn new(reader: IndexReader, aliases: Aliases) -> Live {
        Live {
            reader,
            current: ArcSwapOption::empty(),
            following: Mutex::new(Following {
                tracker: Tracker::new(aliases),
                searcher: None,
            }),
            builder: Mutex::new(None),
            inline_names: INLINE_NAMES,
            #[cfg(test)]
            gate: Arc::default(),
        }
    }

    /// Sends every change of the directory to the background builder,
    /// whatever the archive's size: for tests of that path.
    #[cfg(test)]
    pub(super) fn always_in_background(mut self) -> Live {
        self.inline_names = 0;
        self
    }

    /// The one reader, for a new [`Live`] over the same index.
    pub(super) fn reader(&self) -> IndexReader {
        self.reader.clone()
    }

    /// The latest searcher of the reader, ahead of the snapshot while a new
    /// one is being made: for the writer's own lookups.
    pub(super) fn latest(&self) -> Searcher {
        self.reader.searcher()
    }

    /// The searcher of the current snapshot, or the reader's latest when no
    /// one has asked for people yet.
    pub(super) fn searcher(&self) -> Searcher {
        match &*self.current.load() {
            Some(snapshot) => snapshot.searcher.clone(),
            None => self.reader.searcher(),
        }
    }

    /// The current snapshot; the first call makes it.
    pub(super) fn snapshot(&self) -> Result<Arc<Snapshot>, Error> {
        if let Some(snapshot) = self.current.load_full() {
            return Ok(snapshot);
        }
        let mut following = self.follow();
        if let Some(snapshot) = self.current.load_full() {
            return Ok(snapshot);
        }
        let searcher = self.reader.searcher();
        following.tracker.advance(&searcher)?;
        let inputs = following.tracker.inputs();
        let people = following.tracker.install(inputs.build());
        Ok(self.publish(&mut following, searcher, people))
    }

    /// Reloads the reader after a commit (this process's or another's) and
    /// publishes the state it sees.
    pub(super) fn refresh(self: &Arc<Self>) -> Result<(), Error> {
        self.reader.reload()?;
        let mut following = self.follow();
        if self.current.load().is_none() {
            return Ok(());
        }
        let searcher = self.reader.searcher();
        let mut people = following.tracker.advance(&searcher)?;
        if following.tracker.stale() {
            if following.tracker.distinct_names() <= self.inline_names {
                let inputs = following.tracker.inputs();
                people = following.tracker.install(inputs.build());
            } else {
                self.build_in_background();
            }
        }
        self.publish(&mut following, searcher, people);
        Ok(())
    }

    fn publish(
        &self,
        following: &mut Following,
        searcher: Searcher,
        people: Arc<People>,
    ) -> Arc<Snapshot> {
        following.searcher = Some(searcher.clone());
        let snapshot = Arc::new(Snapshot { searcher, people });
        self.current.store(Some(snapshot.clone()));
        snapshot
    }

    fn follow(&self) -> MutexGuard<'_, Following> {
        self.following
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Asks the background builder for a new directory, starting it first
    /// if need be.
    fn build_in_background(self: &Arc<Self>) {
        let mut builder = self.builder.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = builder.as_ref()
            && sender.send(()).is_ok()
        {
            return;
        }
        let (sender, receiver) = channel();
        let live = Arc::downgrade(self);
        let started = std::thread::Builder::new()
            .name("newsdesk-people".to_string())
            .spawn(move || build_directories(&live, &receiver));
        match started {
            Ok(_) => {
                let _ = sender.send(());
                *builder = Some(sender);
            }
            Err(err) => tracing::warn!(error = %err, "could not start the people builder"),
        }
    }
}

/// The background builder: waits for a request, builds the directory from
/// the counts of that moment without holding any lock, puts it in use with
/// a new snapshot, and pauses. Ends with the index.
fn build_directories(live: &Weak<Live>, requests: &Receiver<()>) {
    while requests.recv().is_ok() {
        while requests.try_recv().is_ok() {}
        let Some(live) = live.upgrade() else { return };
        let inputs = {
            let following = live.follow();
            if !following.tracker.stale() {
                continue;
            }
            following.tracker.inputs()
        };
        #[cfg(test)]
        let gate = live.gate.clone();
        #[cfg(test)]
        let _held = gate.lock().unwrap_or_else(PoisonError::into_inner);
        let built = inputs.build();
        let pause = {
            let mut following = live.follow();
            let people = following.tracker.install(built);
            if let Some(searcher) = following.searcher.clone() {
                live.publish(&mut following, searcher, people);
            }
            tracing::debug!(
                took_ms = following.tracker.last_build.as_secs_f64() * 1000.0,
                "people directory rebuilt"
            );
            MIN_PAUSE.max(following.tracker.last_build * PAUSE_PER_BUILD)
        };
        drop(live);
        #[cfg(not(test))]
        std::thread::sleep(pause);
        #[cfg(test)]
        let _ = pause;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;
    use crate::article::Article;
    use crate::index::NewsIndex;

    fn named(id: &str, person: &str) -> Article {
        let mut article = Article::bare(id, "The council met on Monday to discuss the budget.");
        article.people = vec![person.to_string()];
        article
    }

    #[test]
    fn a_write_is_searchable_with_its_people_while_the_directory_is_rebuilt() {
        let (index, gate) = NewsIndex::in_memory().unwrap().people_in_background();
        let index = Arc::new(index);
        let mut writer = index.test_writer();
        writer.add(&named("a", "Volodymyr Zelensky")).unwrap();
        writer.add(&named("b", "Volodymyr Zelensky")).unwrap();
        writer.commit().unwrap();
        assert_eq!(index.snapshot().unwrap().people.len(), 1);

        // Hold every background build of the directory back, then write and
        // search: neither may wait for the build.
        let held = gate.lock().unwrap();
        let (done, finished) = mpsc::channel();
        let searching = index.clone();
        std::thread::spawn(move || {
            writer.add(&named("c", "Volodymyr Zelenskyy")).unwrap();
            writer.commit().unwrap();
            let snapshot = searching.snapshot().unwrap();
            let _ = done.send((snapshot, writer));
        });
        let (snapshot, _writer) = finished
            .recv_timeout(Duration::from_secs(60))
            .expect("a commit or a search waited for the directory to be rebuilt");
        assert_eq!(snapshot.searcher.num_docs(), 3);
        // The new spelling is a person of its own until the directory knows
        // it, and a filter on it finds its article.
        let newcomer = snapshot.people.person("Volodymyr Zelenskyy");
        assert!(newcomer.is_some());
        assert_ne!(newcomer, snapshot.people.person("Volodymyr Zelensky"));
        assert_eq!(
            snapshot.people.spellings("Volodymyr Zelenskyy"),
            ["volodymyr zelenskyy"]
        );

        drop(held);
        let joined = (0..6000).any(|_| {
            let people = index.snapshot().unwrap().people.clone();
            if people.canonical("Volodymyr Zelenskyy") == "Volodymyr Zelensky" {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
            false
        });
        assert!(joined, "the rebuilt directory never joined the spellings");
        // The snapshot taken before keeps its own people.
        assert_eq!(snapshot.people.len(), 2);
    }
}
