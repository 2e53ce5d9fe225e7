//! The archive's people directory (see [`crate::text::people::directory`]), built from the
//! names the index holds and kept until the index changes.
//!
//! Building reads every article's names once (a pass over a fast column);
//! each search then maps a segment's name ordinals to people once, and
//! reuses the map for the life of that segment.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use tantivy::columnar::StrColumn;
use tantivy::index::SegmentId;
use tantivy::{Searcher, SegmentReader};

use super::schema::names;
use crate::text::people::directory::{Aliases, Directory};

/// For each name ordinal of a segment's column, the person it names.
type OrdMap = Arc<Vec<Option<u32>>>;

/// The directory of one state of the index, with per-segment maps.
pub struct People {
    generation: u64,
    pub directory: Directory,
    ord_maps: Mutex<HashMap<(SegmentId, &'static str), OrdMap>>,
    /// Each person's articles in the whole archive, by directory id: counted
    /// by the first caller that needs them, then kept with the directory.
    article_counts: OnceLock<Arc<Vec<u64>>>,
}

/// How many articles give each value of a name column.
fn count(searcher: &Searcher, field: &str) -> tantivy::Result<HashMap<String, u64>> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    for segment in searcher.segment_readers() {
        let Some(column) = segment.fast_fields().str(field)? else {
            continue;
        };
        let mut per_ord = vec![0u64; column.num_terms()];
        for doc in segment.doc_ids_alive() {
            for ord in column.term_ords(doc) {
                per_ord[ord as usize] += 1;
            }
        }
        let mut name = String::new();
        for (ord, count) in per_ord.into_iter().enumerate() {
            if count > 0 && column.ord_to_str(ord as u64, &mut name)? {
                *counts.entry(name.clone()).or_default() += count;
            }
        }
    }
    Ok(counts)
}

impl People {
    /// Builds the directory of what `searcher` sees.
    pub fn build(searcher: &Searcher, aliases: &Aliases) -> tantivy::Result<People> {
        let confirmed = count(searcher, names::PEOPLE)?;
        let unconfirmed = count(searcher, names::UNCONFIRMED_PEOPLE)?;
        Ok(People {
            generation: searcher.generation().generation_id(),
            directory: Directory::build(
                confirmed.iter().map(|(n, c)| (n.as_str(), *c)),
                unconfirmed.iter().map(|(n, c)| (n.as_str(), *c)),
                aliases,
            ),
            ord_maps: Mutex::new(HashMap::new()),
            article_counts: OnceLock::new(),
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Each person's articles in the whole archive, by directory id:
    /// `count` counts them the first time, and the answer is kept for as
    /// long as this state of the index.
    pub fn article_counts<E>(
        &self,
        count: impl FnOnce() -> Result<Vec<u64>, E>,
    ) -> Result<Arc<Vec<u64>>, E> {
        if let Some(counts) = self.article_counts.get() {
            return Ok(counts.clone());
        }
        let counts = Arc::new(count()?);
        // Two first callers count alike; either answer will do.
        Ok(self.article_counts.get_or_init(|| counts).clone())
    }

    /// For each ordinal of `segment`'s name column `field`, the person.
    pub fn ord_map(
        &self,
        segment: &SegmentReader,
        field: &'static str,
        column: &StrColumn,
    ) -> OrdMap {
        let key = (segment.segment_id(), field);
        let mut maps = self
            .ord_maps
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(map) = maps.get(&key) {
            return map.clone();
        }
        let mut name = String::new();
        let map: Vec<Option<u32>> = (0..column.num_terms() as u64)
            .map(|ord| {
                column
                    .ord_to_str(ord, &mut name)
                    .ok()
                    .filter(|found| *found)
                    .and_then(|_| self.directory.person(&name))
                    .map(|p| p as u32)
            })
            .collect();
        let map = Arc::new(map);
        maps.insert(key, map.clone());
        map
    }
}
