//! The archive's people (see [`crate::text::people::directory`]) for each
//! state of the index, kept up to date at a cost that does not grow with the
//! archive.
//!
//! What each segment's name columns hold is read once, when the segment
//! first appears (segments never change; a merge makes a new one), and the
//! archive's count of each name is kept by adding what new segments bring
//! and taking away what deleted articles and merged-away segments took. A
//! commit therefore costs what it adds.
//!
//! The grouping of names into people ([`Directory`]) is a function of all
//! of those counts. It is rebuilt from them after changes, on a background
//! thread once it takes longer than a commit should wait (see
//! `news_index.rs`). Until it is, a name the directory does not know yet is
//! a person of its own (a *newcomer*), so an article is found by its people
//! as soon as it is committed; the next directory joins it to the person
//! it is a spelling of.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SegmentReader};

use super::schema::names;
use crate::text::names::name_key;
use crate::text::people::directory::{Aliases, Directory};

/// The name columns: confirmed names, then unconfirmed bare words.
const COLUMNS: [&str; 2] = [names::PEOPLE, names::UNCONFIRMED_PEOPLE];

/// For each name ordinal of a segment's column, the person it names.
pub type OrdMap = Arc<Vec<Option<u32>>>;

/// A segment's name column, as a person map is kept: by segment and column.
type ColumnKey = (SegmentId, usize);

/// A segment's alive articles: the same segment with the same number of
/// deletions holds the same articles (deletions only ever add up).
type AliveKey = (SegmentId, DocId);

/// The confirmed names the directory does not know yet, each a person of
/// its own, numbered after the directory's people.
#[derive(Debug, Clone, Default)]
struct Newcomers {
    by_key: HashMap<String, u32>,
    /// Each newcomer's name as first written, and its key.
    names: Vec<(String, String)>,
}

/// The people of one state of the index: the directory, the newcomers
/// since it was built, and for every segment of that state the person of
/// each name ordinal.
pub struct People {
    directory: Arc<Directory>,
    newcomers: Arc<Newcomers>,
    ord_maps: HashMap<ColumnKey, OrdMap>,
    /// Each segment's articles by person, counted by the first caller that
    /// needs them, shared by every state with this directory.
    article_counts: Arc<Mutex<HashMap<AliveKey, Arc<Vec<u64>>>>>,
}

impl People {
    /// The person a spelling belongs to, as a number below [`len`](People::len).
    pub fn person(&self, name: &str) -> Option<usize> {
        self.directory.person(name).or_else(|| {
            let newcomer = *self.newcomers.by_key.get(&name_key(name))?;
            Some(self.directory.len() + newcomer as usize)
        })
    }

    /// The name a person is shown under.
    pub fn name(&self, person: usize) -> &str {
        match person.checked_sub(self.directory.len()) {
            None => self.directory.name(person),
            Some(newcomer) => self
                .newcomers
                .names
                .get(newcomer)
                .map_or("", |(name, _)| name),
        }
    }

    /// The name `name`'s person is shown under (`name` itself if unknown).
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.person(name).map_or(name, |p| self.name(p))
    }

    /// The keys of every spelling of `name`'s person (just `name`'s own key
    /// when no one is known by it).
    pub fn spellings(&self, name: &str) -> Vec<String> {
        match self.directory.person(name) {
            Some(_) => self.directory.spellings(name),
            None => vec![name_key(name)],
        }
    }

    /// An article's people as they are shown, each once: its confirmed
    /// names, then the unconfirmed ones the directory places.
    pub fn resolve(&self, people: &[String], unconfirmed: &[String]) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let confirmed = people.iter().map(|name| self.canonical(name).to_string());
        let placed = unconfirmed.iter().filter_map(|name| {
            self.directory
                .person(name)
                .map(|p| self.name(p).to_string())
        });
        confirmed
            .chain(placed)
            .filter(|name| seen.insert(name.clone()))
            .collect()
    }

    /// How many people there are: the directory's and the newcomers.
    pub fn len(&self) -> usize {
        self.directory.len() + self.newcomers.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// For each ordinal of `segment`'s name column `field`, the person.
    /// Made for every segment before this state was published; made here
    /// only for a segment of another state.
    pub fn ord_map(&self, segment: &SegmentReader, field: &str, column: &StrColumn) -> OrdMap {
        let Some(position) = COLUMNS.iter().position(|c| *c == field) else {
            return Arc::new(Vec::new());
        };
        if let Some(map) = self.ord_maps.get(&(segment.segment_id(), position)) {
            return map.clone();
        }
        let mut name = String::new();
        let map = (0..column.num_terms() as u64)
            .map(|ord| {
                let found = column.ord_to_str(ord, &mut name).unwrap_or(false);
                found
                    .then(|| self.person(&name))
                    .flatten()
                    .map(|p| p as u32)
            })
            .collect();
        Arc::new(map)
    }

    /// Each person's articles in the whole of `searcher`'s state, by
    /// person: the sum of each segment's, which `count` counts the first
    /// time a segment (with its deletions) is asked for, and which are then
    /// kept for as long as the directory.
    pub fn article_counts<E>(
        &self,
        searcher: &Searcher,
        count: impl Fn(&SegmentReader) -> Result<Vec<u64>, E>,
    ) -> Result<Vec<u64>, E> {
        let mut totals = vec![0; self.len()];
        let mut alive = Vec::new();
        for segment in searcher.segment_readers() {
            let key = (segment.segment_id(), segment.num_deleted_docs());
            alive.push(key);
            let cached = self.lock_counts().get(&key).cloned();
            let counts = match cached {
                Some(counts) => counts,
                None => {
                    let counts = Arc::new(count(segment)?);
                    self.lock_counts().insert(key, counts.clone());
                    counts
                }
            };
            for (total, count) in totals.iter_mut().zip(counts.iter()) {
                *total += count;
            }
        }
        // Segments merged away or with more deletions since are no longer
        // asked for.
        let mut cache = self.lock_counts();
        if cache.len() > alive.len() {
            cache.retain(|key, _| alive.contains(key));
        }
        Ok(totals)
    }

    fn lock_counts(&self) -> std::sync::MutexGuard<'_, HashMap<AliveKey, Arc<Vec<u64>>>> {
        self.article_counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// One name column of a segment, read once.
struct NameColumn {
    column: Option<StrColumn>,
    /// Each ordinal's name.
    names: Vec<Arc<str>>,
    /// The articles giving each ordinal, deleted or not.
    all: Vec<u32>,
}

impl NameColumn {
    fn read(segment: &SegmentReader, field: &str) -> tantivy::Result<NameColumn> {
        let Some(column) = segment.fast_fields().str(field)? else {
            return Ok(NameColumn {
                column: None,
                names: Vec::new(),
                all: Vec::new(),
            });
        };
        let mut names = Vec::with_capacity(column.num_terms());
        let mut terms = column.dictionary().stream()?;
        while terms.advance() {
            names.push(Arc::from(String::from_utf8_lossy(terms.key())));
        }
        // Every value of the column, read straight from its values: one
        // article names each person once, so this is the articles a name.
        let mut all = vec![0u32; names.len()];
        for ord in column.ords().values.iter() {
            if let Some(count) = all.get_mut(ord as usize) {
                *count += 1;
            }
        }
        Ok(NameColumn {
            column: Some(column),
            names,
            all,
        })
    }

    /// The articles giving each ordinal among those `segment` has not
    /// deleted: all of them, less those of the deleted articles.
    fn alive(&self, segment: &SegmentReader) -> Vec<u32> {
        let mut alive = self.all.clone();
        if let (Some(column), Some(bits)) = (&self.column, segment.alive_bitset()) {
            for doc in 0..segment.max_doc() {
                if !bits.is_alive(doc) {
                    for ord in column.term_ords(doc) {
                        if let Some(count) = alive.get_mut(ord as usize) {
                            *count = count.saturating_sub(1);
                        }
                    }
                }
            }
        }
        alive
    }
}

/// A segment the tracker has read: its names, and how many articles give
/// each among those alive at its last count.
struct Tracked {
    columns: Arc<[NameColumn; 2]>,
    deleted: DocId,
    alive: [Vec<u32>; 2],
}

/// What a new directory is built from: the archive's name counts at one
/// moment, and the names of the segments then.
pub(super) struct Inputs {
    totals: [HashMap<Arc<str>, u64>; 2],
    aliases: Aliases,
    segments: Vec<(SegmentId, Arc<[NameColumn; 2]>)>,
    changes: u64,
}

/// A directory built from [`Inputs`], with its newcomers and person maps.
pub(super) struct Built {
    directory: Arc<Directory>,
    newcomers: Newcomers,
    ord_maps: HashMap<ColumnKey, OrdMap>,
    changes: u64,
    took: Duration,
}

impl Inputs {
    /// Builds the directory: the slow part, which holds no lock.
    pub(super) fn build(self) -> Built {
        let started = Instant::now();
        let [confirmed, unconfirmed] = &self.totals;
        let directory = Arc::new(Directory::build(
            confirmed.iter().map(|(n, c)| (&**n, *c)),
            unconfirmed.iter().map(|(n, c)| (&**n, *c)),
            &self.aliases,
        ));
        let mut newcomers = Newcomers::default();
        let mut ord_maps = HashMap::new();
        for (id, columns) in &self.segments {
            for (position, column) in columns.iter().enumerate() {
                let map = person_map(&directory, &mut newcomers, column, position);
                ord_maps.insert((*id, position), map);
            }
        }
        Built {
            directory,
            newcomers,
            ord_maps,
            changes: self.changes,
            took: started.elapsed(),
        }
    }
}

/// The person of each name of `column`: the directory's, else for a
/// confirmed name a newcomer (added when new).
fn person_map(
    directory: &Directory,
    newcomers: &mut Newcomers,
    column: &NameColumn,
    position: usize,
) -> OrdMap {
    let map = column
        .names
        .iter()
        .map(|name| {
            if let Some(person) = directory.person(name) {
                return Some(person as u32);
            }
            let key = name_key(name);
            if key.is_empty() {
                return None;
            }
            let newcomer = match newcomers.by_key.get(&key) {
                Some(&newcomer) => newcomer,
                // Unconfirmed words are people only once the directory
                // places them.
                None if position == 1 => return None,
                None => {
                    let newcomer = newcomers.names.len() as u32;
                    newcomers.names.push((name.to_string(), key.clone()));
                    newcomers.by_key.insert(key, newcomer);
                    newcomer
                }
            };
            Some((directory.len() + newcomer as usize) as u32)
        })
        .collect();
    Arc::new(map)
}

/// Follows the index from state to state on the writing side: the names of
/// every segment, the archive's count of each, and the directory in use.
pub(super) struct Tracker {
    aliases: Aliases,
    segments: HashMap<SegmentId, Tracked>,
    /// The articles giving each name, confirmed and unconfirmed, over every
    /// alive article.
    totals: [HashMap<Arc<str>, u64>; 2],
    /// Bumped at every change of `totals`.
    changes: u64,
    directory: Arc<Directory>,
    /// The `changes` the directory was built at.
    built_at: u64,
    /// How long the last directory took to build.
    pub(super) last_build: Duration,
    newcomers: Arc<Newcomers>,
    ord_maps: HashMap<ColumnKey, OrdMap>,
    article_counts: Arc<Mutex<HashMap<AliveKey, Arc<Vec<u64>>>>>,
}

impl Tracker {
    pub(super) fn new(aliases: Aliases) -> Tracker {
        Tracker {
            aliases,
            segments: HashMap::new(),
            totals: Default::default(),
            changes: 0,
            directory: Arc::default(),
            built_at: 0,
            last_build: Duration::ZERO,
            newcomers: Arc::default(),
            ord_maps: HashMap::new(),
            article_counts: Arc::default(),
        }
    }

    /// Moves to the state `searcher` sees: reads the segments it has not
    /// seen, recounts those with new deletions, forgets those gone, and
    /// gives every new segment's names a person.
    pub(super) fn advance(&mut self, searcher: &Searcher) -> tantivy::Result<Arc<People>> {
        let current: HashMap<SegmentId, &SegmentReader> = searcher
            .segment_readers()
            .iter()
            .map(|segment| (segment.segment_id(), segment))
            .collect();
        let gone: Vec<SegmentId> = self
            .segments
            .keys()
            .filter(|id| !current.contains_key(id))
            .copied()
            .collect();
        for id in gone {
            if let Some(tracked) = self.segments.remove(&id) {
                self.count(&tracked.columns, &tracked.alive, false);
            }
            for position in 0..COLUMNS.len() {
                self.ord_maps.remove(&(id, position));
            }
        }
        let mut newcomers = None;
        for (id, segment) in current {
            let deleted = segment.num_deleted_docs();
            let columns = match self.segments.get(&id) {
                Some(tracked) if tracked.deleted == deleted => continue,
                Some(tracked) => tracked.columns.clone(),
                None => Arc::new([
                    NameColumn::read(segment, COLUMNS[0])?,
                    NameColumn::read(segment, COLUMNS[1])?,
                ]),
            };
            let alive = [columns[0].alive(segment), columns[1].alive(segment)];
            if let Some(old) = self.segments.remove(&id) {
                self.count(&old.columns, &old.alive, false);
            } else {
                let newcomers = newcomers.get_or_insert_with(|| (*self.newcomers).clone());
                for (position, column) in columns.iter().enumerate() {
                    let map = person_map(&self.directory, newcomers, column, position);
                    self.ord_maps.insert((id, position), map);
                }
            }
            self.count(&columns, &alive, true);
            self.segments.insert(
                id,
                Tracked {
                    columns,
                    deleted,
                    alive,
                },
            );
        }
        if let Some(newcomers) = newcomers {
            self.newcomers = Arc::new(newcomers);
        }
        Ok(self.people())
    }

    /// Adds (or takes away) one segment's alive counts to the totals.
    fn count(&mut self, columns: &[NameColumn; 2], alive: &[Vec<u32>; 2], add: bool) {
        for (position, (column, alive)) in columns.iter().zip(alive).enumerate() {
            let totals = &mut self.totals[position];
            for (name, &count) in column.names.iter().zip(alive) {
                if count == 0 {
                    continue;
                }
                self.changes += 1;
                if add {
                    *totals.entry(name.clone()).or_default() += u64::from(count);
                } else if let Some(total) = totals.get_mut(name) {
                    *total = total.saturating_sub(u64::from(count));
                    if *total == 0 {
                        totals.remove(name);
                    }
                }
            }
        }
    }

    /// The people of the state last advanced to.
    pub(super) fn people(&self) -> Arc<People> {
        Arc::new(People {
            directory: self.directory.clone(),
            newcomers: self.newcomers.clone(),
            ord_maps: self.ord_maps.clone(),
            article_counts: self.article_counts.clone(),
        })
    }

    /// Whether the counts changed since the directory was built.
    pub(super) fn stale(&self) -> bool {
        self.changes != self.built_at
    }

    /// What a new directory is built from, as of now.
    pub(super) fn inputs(&self) -> Inputs {
        Inputs {
            totals: self.totals.clone(),
            aliases: self.aliases.clone(),
            segments: self
                .segments
                .iter()
                .map(|(id, tracked)| (*id, tracked.columns.clone()))
                .collect(),
            changes: self.changes,
        }
    }

    /// Puts a newly built directory in use, giving the segments that came
    /// after its inputs their persons too.
    pub(super) fn install(&mut self, built: Built) -> Arc<People> {
        let mut newcomers = built.newcomers;
        let mut ord_maps = built.ord_maps;
        ord_maps.retain(|(id, _), _| self.segments.contains_key(id));
        for (id, tracked) in &self.segments {
            for (position, column) in tracked.columns.iter().enumerate() {
                if let std::collections::hash_map::Entry::Vacant(e) =
                    ord_maps.entry((*id, position))
                {
                    let map = person_map(&built.directory, &mut newcomers, column, position);
                    e.insert(map);
                }
            }
        }
        self.directory = built.directory;
        self.newcomers = Arc::new(newcomers);
        self.ord_maps = ord_maps;
        self.built_at = built.changes;
        self.last_build = built.took;
        self.article_counts = Arc::default();
        self.people()
    }

    /// The number of distinct names the archive gives.
    pub(super) fn distinct_names(&self) -> usize {
        self.totals[0].len() + self.totals[1].len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::index::NewsIndex;

    fn named(id: &str, people: &[&str]) -> Article {
        let mut article = Article::bare(id, "The council met on Monday to discuss the budget.");
        article.people = people.iter().map(|p| p.to_string()).collect();
        article
    }

    fn totals(tracker: &Tracker) -> Vec<(String, u64)> {
        let mut all: Vec<(String, u64)> = tracker.totals[0]
            .iter()
            .map(|(n, c)| (n.to_string(), *c))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn counts_follow_additions_deletions_and_merges_without_a_full_recount() {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.test_writer();
        let mut tracker = Tracker::new(Aliases::default());
        writer.add(&named("a", &["Keir Starmer"])).unwrap();
        writer.commit().unwrap();
        tracker.advance(&index.reader_searcher()).unwrap();
        writer
            .add(&named("b", &["Keir Starmer", "Ed Miliband"]))
            .unwrap();
        writer.commit().unwrap();
        let people = tracker.advance(&index.reader_searcher()).unwrap();
        assert_eq!(
            totals(&tracker),
            [
                ("Ed Miliband".to_string(), 1),
                ("Keir Starmer".to_string(), 2)
            ]
        );
        // Both names are newcomers: people of their own before any directory.
        assert!(people.person("Ed Miliband").is_some());
        assert_ne!(people.person("Ed Miliband"), people.person("Keir Starmer"));

        writer
            .delete(&crate::article::ArticleId::parse("b").unwrap())
            .unwrap();
        writer.commit().unwrap();
        tracker.advance(&index.reader_searcher()).unwrap();
        assert_eq!(totals(&tracker), [("Keir Starmer".to_string(), 1)]);

        writer.merge_all().unwrap();
        tracker.advance(&index.reader_searcher()).unwrap();
        assert_eq!(totals(&tracker), [("Keir Starmer".to_string(), 1)]);
        assert_eq!(tracker.segments.len(), 1);
    }

    #[test]
    fn a_new_directory_joins_newcomers_to_their_person() {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.test_writer();
        let mut tracker = Tracker::new(Aliases::default());
        writer.add(&named("a", &["Volodymyr Zelensky"])).unwrap();
        writer.add(&named("b", &["Volodymyr Zelensky"])).unwrap();
        writer.add(&named("c", &["Volodymyr Zelenskyy"])).unwrap();
        writer.commit().unwrap();
        let before = tracker.advance(&index.reader_searcher()).unwrap();
        assert_ne!(
            before.person("Volodymyr Zelenskyy"),
            before.person("Volodymyr Zelensky")
        );
        assert!(tracker.stale());
        let after = tracker.install(tracker.inputs().build());
        assert!(!tracker.stale());
        assert_eq!(after.canonical("Volodymyr Zelenskyy"), "Volodymyr Zelensky");
        assert_eq!(after.len(), 1);
        // The state built before keeps its own view.
        assert_eq!(before.len(), 2);
    }
}
