//! Which story an article being indexed joins: that of the best of its
//! copies already in the index, committed or not, else its own.
//!
//! Candidates are the articles that share a band of the signature
//! (`stories::Signature::bands`): committed ones through the `story_bands`
//! terms, uncommitted ones through a map kept here until the next commit.
//! Each candidate's signature is then compared with the new one, and the
//! most similar copy gives its story. So an article finds the same copies
//! whether or not the writer committed between them, and the same input in
//! the same order always gives the same stories.

use std::collections::{HashMap, HashSet};

use fastbloom::BloomFilter;
use rustc_hash::FxHashMap;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, Term};

use super::error::Error;
use super::schema::{Fields, StoryId, names};
use crate::article::ArticleId;
use crate::text::stories::{BANDS, Signature, Similarity};

/// The most candidates verified for one article, those sharing the most
/// bands first. A story with more copies than this still has one in the
/// first few, since copies share most bands.
const MAX_CANDIDATES: usize = 32;
/// The most documents read from one band's postings: a band shared by more
/// is a story syndicated that widely, and the first of them are copies of
/// it as well as the rest.
const MAX_POSTINGS_PER_BAND: usize = 256;

/// The stories of the articles added since the last commit, and the
/// committed articles they replaced.
#[derive(Default)]
pub(super) struct Grouper {
    /// The bands of the committed articles, once first needed.
    committed: Option<Committed>,
    pending: Vec<Pending>,
    /// The last slot recorded under each band, by the band's low 32 bits (a
    /// rare clash only adds a candidate that verification turns down). A
    /// slot is one band of one pending article: `index × BANDS + band`.
    band_heads: FxHashMap<u32, u32>,
    /// For each slot, the slot recorded before it under the same band, or
    /// [`NO_SLOT`]: a list a band, in one flat vector, a few bytes an entry
    /// however many articles wait for the next commit.
    band_chain: Vec<u32>,
    /// The live pending copy of each id.
    by_id: HashMap<ArticleId, u32>,
    /// Committed documents replaced or deleted since: no longer copies of
    /// anything.
    stale: HashSet<DocAddress>,
}

/// Which bands committed articles may have: a Bloom filter over the
/// `story_bands` terms of every segment, read from them when first needed
/// and then grown at each commit with the bands committed. A band it has
/// never seen is in no segment and costs no term lookup there: that is most
/// bands of an article that copies nothing, however many segments there
/// are. Deleted articles leave their bands in it, which costs only a lookup.
struct Committed {
    filter: BloomFilter,
    bands: usize,
    /// The bands it was sized for (a hundredth of lookups of absent bands
    /// pass at that many); past them it is read again, twice as large.
    capacity: usize,
}

/// The share of absent bands the filter lets through at its capacity.
const FALSE_POSITIVES: f64 = 0.01;

impl Committed {
    fn read(searcher: &Searcher, fields: &Fields) -> Result<Committed, Error> {
        let bands: u64 = searcher
            .segment_readers()
            .iter()
            .map(|segment| {
                let terms = segment
                    .inverted_index(fields.story_bands)?
                    .terms()
                    .num_terms();
                Ok(terms as u64)
            })
            .sum::<tantivy::Result<u64>>()?;
        let capacity = usize::try_from(bands).unwrap_or(usize::MAX).max(1 << 20) * 2;
        let mut committed = Committed {
            filter: BloomFilter::with_false_pos(FALSE_POSITIVES).expected_items(capacity),
            bands: 0,
            capacity,
        };
        for segment in searcher.segment_readers() {
            let index = segment.inverted_index(fields.story_bands)?;
            let mut terms = index
                .terms()
                .stream()
                .map_err(tantivy::TantivyError::from)?;
            while terms.advance() {
                if let Ok(bytes) = <[u8; 8]>::try_from(terms.key()) {
                    committed.insert(u64::from_be_bytes(bytes));
                }
            }
        }
        Ok(committed)
    }

    fn insert(&mut self, band: u64) {
        self.filter.insert_hash(band);
        self.bands += 1;
    }

    fn may_hold(&self, band: u64) -> bool {
        self.filter.contains_hash(band)
    }
}

/// The end of a band's list of slots.
const NO_SLOT: u32 = u32::MAX;

struct Pending {
    signature: Signature,
    story: StoryId,
    live: bool,
}

/// A possible copy: committed, or added since the last commit.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Candidate {
    Committed(DocAddress),
    Pending(u32),
}

impl Grouper {
    /// How many articles added since the last commit it remembers.
    pub(super) fn len(&self) -> usize {
        self.pending.len()
    }

    /// Forgets the uncommitted state, at a rollback.
    pub(super) fn clear(&mut self) {
        let committed = self.committed.take();
        *self = Grouper {
            committed,
            ..Grouper::default()
        };
    }

    /// The articles added since the last commit are committed: their bands
    /// join the committed ones, and the rest is forgotten.
    pub(super) fn committed(&mut self) {
        if let Some(committed) = &mut self.committed {
            for pending in &self.pending {
                for band in pending.signature.bands() {
                    committed.insert(band);
                }
            }
            if committed.bands > committed.capacity {
                // Read again, larger, when next needed.
                self.committed = None;
            }
        }
        self.clear();
    }

    /// Reads which bands the committed articles have, unless already read:
    /// what the first grouping after opening an index would otherwise do,
    /// a pass over every segment's bands.
    pub(super) fn prepare(&mut self, searcher: &Searcher, fields: &Fields) -> Result<(), Error> {
        if self.committed.is_none() {
            self.committed = Some(Committed::read(searcher, fields)?);
        }
        Ok(())
    }

    /// The committed document `address` is replaced or deleted.
    pub(super) fn stale(&mut self, address: DocAddress) {
        self.stale.insert(address);
    }

    /// The article `id` added since the last commit is replaced or deleted.
    pub(super) fn supersede(&mut self, id: &ArticleId) {
        if let Some(index) = self.by_id.remove(id) {
            self.pending[index as usize].live = false;
        }
    }

    /// Remembers the article `id`, added with `signature` into `story`.
    pub(super) fn record(&mut self, id: &ArticleId, signature: Option<&Signature>, story: StoryId) {
        let Some(signature) = signature else { return };
        let index = self.pending.len() as u32;
        for (position, band) in signature.bands().into_iter().enumerate() {
            let slot = index * BANDS as u32 + position as u32;
            let previous = self.band_heads.insert(band as u32, slot);
            self.band_chain.push(previous.unwrap_or(NO_SLOT));
        }
        self.pending.push(Pending {
            signature: signature.clone(),
            story,
            live: true,
        });
        self.by_id.insert(id.clone(), index);
    }

    /// The story of an article with `signature`: that of its most similar
    /// copy (ties to the smaller story), or `None` if it has none.
    ///
    /// The cost is bounded: [`BANDS`](crate::text::stories::BANDS) term lookups a
    /// segment (only for the bands [`Committed`] may hold), at most [`MAX_POSTINGS_PER_BAND`] documents a band and
    /// [`MAX_CANDIDATES`] signatures read and compared.
    pub(super) fn story(
        &mut self,
        searcher: &Searcher,
        fields: &Fields,
        signature: &Signature,
    ) -> Result<Option<StoryId>, Error> {
        self.prepare(searcher, fields)?;
        let mut hits: FxHashMap<Candidate, u32> = FxHashMap::default();
        let bands = signature.bands();
        for band in bands {
            let mut slot = self.band_heads.get(&(band as u32)).copied();
            while let Some(at) = slot.filter(|&at| at != NO_SLOT) {
                let index = at / BANDS as u32;
                if self.pending[index as usize].live {
                    *hits.entry(Candidate::Pending(index)).or_default() += 1;
                }
                slot = self.band_chain.get(at as usize).copied();
            }
        }
        let committed: Vec<u64> = match &self.committed {
            Some(committed) => bands
                .into_iter()
                .filter(|&band| committed.may_hold(band))
                .collect(),
            None => bands.to_vec(),
        };
        for (ordinal, segment) in searcher.segment_readers().iter().enumerate() {
            for &band in &committed {
                let term = Term::from_field_u64(fields.story_bands, band);
                for doc in live_docs(segment, &term, MAX_POSTINGS_PER_BAND)? {
                    let address = DocAddress::new(ordinal as u32, doc);
                    if !self.stale.contains(&address) {
                        *hits.entry(Candidate::Committed(address)).or_default() += 1;
                    }
                }
            }
        }
        let mut candidates: Vec<(Candidate, u32)> = hits.into_iter().collect();
        candidates.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        candidates.truncate(MAX_CANDIDATES);

        let mut best: Option<(Similarity, StoryId)> = None;
        for (candidate, _) in candidates {
            let Some((other, story)) = self.read(searcher, candidate)? else {
                continue;
            };
            let Some(similarity) = signature.copy_of(&other) else {
                continue;
            };
            let better = best.is_none_or(|(best, best_story)| {
                similarity
                    .jaccard
                    .total_cmp(&best.jaccard)
                    .then(similarity.containment.total_cmp(&best.containment))
                    .then(best_story.cmp(&story))
                    .is_gt()
            });
            if better {
                best = Some((similarity, story));
            }
        }
        Ok(best.map(|(_, story)| story))
    }

    /// A candidate's signature and story.
    fn read(
        &self,
        searcher: &Searcher,
        candidate: Candidate,
    ) -> Result<Option<(Signature, StoryId)>, Error> {
        match candidate {
            Candidate::Pending(index) => {
                let pending = &self.pending[index as usize];
                Ok(Some((pending.signature.clone(), pending.story)))
            }
            Candidate::Committed(address) => {
                let segment = searcher.segment_reader(address.segment_ord);
                let fast = segment.fast_fields();
                let story = fast.u64(names::STORY)?.first(address.doc_id);
                // Plain numbers: read in place, with no dictionary to
                // decompress.
                let numbers = fast.u64(names::SIGNATURE)?;
                let signature = Signature::from_numbers(numbers.values_for_doc(address.doc_id));
                Ok(signature.zip(story.map(StoryId)))
            }
        }
    }
}

/// The documents of `segment` that hold `term` and are not deleted, at
/// most `limit` of them.
pub(super) fn live_docs(
    segment: &SegmentReader,
    term: &Term,
    limit: usize,
) -> Result<Vec<DocId>, Error> {
    let mut docs = Vec::new();
    let Some(mut postings) = segment
        .inverted_index(term.field())?
        .read_postings(term, IndexRecordOption::Basic)
        .map_err(tantivy::TantivyError::from)?
    else {
        return Ok(docs);
    };
    let mut doc = postings.doc();
    while doc != TERMINATED && docs.len() < limit {
        if segment.alive_bitset().is_none_or(|a| a.is_alive(doc)) {
            docs.push(doc);
        }
        doc = postings.advance();
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use crate::article::ArticleId;
    use crate::index::{NewsIndex, StoryId, test_article as article};
    use crate::text::perturb::{Kind, Rng, Text, copy};

    /// The sample's five articles on one subject, as raw bodies.
    fn bodies() -> Vec<String> {
        crate::sample::ARTICLES
            .iter()
            .map(|(_, text)| text.to_string())
            .collect()
    }

    fn edited(body: &str, seed: u64) -> String {
        let text = Text {
            title: String::new(),
            body: body.to_string(),
        };
        let kinds = [Kind::Edits, Kind::Trim, Kind::Furniture];
        copy(&mut Rng::new(seed), &text, &kinds).body
    }

    fn writer(index: &NewsIndex) -> crate::index::Indexer {
        index.test_writer()
    }

    fn story(index: &NewsIndex, id: &str) -> StoryId {
        index
            .story(&ArticleId::parse(id).unwrap())
            .unwrap()
            .unwrap()
    }

    /// Indexes originals `o0…`, then copies `c0…` of each, committing after
    /// the articles whose positions `commit_after` lists; returns the
    /// stories of originals and copies.
    fn group(commit_after: &[usize]) -> Vec<StoryId> {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = writer(&index);
        let bodies = bodies();
        let mut ids = Vec::new();
        let mut articles = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            articles.push(article(&format!("o{i}"), body));
        }
        for (i, body) in bodies.iter().enumerate() {
            articles.push(article(&format!("c{i}"), &edited(body, i as u64)));
        }
        for (position, article) in articles.iter().enumerate() {
            writer.add(article).unwrap();
            ids.push(article.id.to_string());
            if commit_after.contains(&position) {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        ids.iter().map(|id| story(&index, id)).collect()
    }

    #[test]
    fn copies_join_their_original_whether_committed_or_not() {
        for commits in [&[][..], &[4], &[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], &[2, 6]] {
            let stories = group(commits);
            let (originals, copies) = stories.split_at(5);
            assert_eq!(originals, copies, "commits after {commits:?}");
            let distinct: std::collections::HashSet<_> = originals.iter().collect();
            assert_eq!(distinct.len(), 5, "articles on one subject stay apart");
            // The first of a story keeps the story its id gives it.
            for (i, story) in originals.iter().enumerate() {
                let id = ArticleId::parse(&format!("o{i}")).unwrap();
                assert_eq!(*story, StoryId::of(&id));
            }
        }
        assert_eq!(group(&[3]), group(&[3]), "deterministic");
    }

    #[test]
    fn a_replaced_article_is_grouped_afresh_and_a_deleted_one_groups_nothing() {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = writer(&index);
        let bodies = bodies();
        writer.add(&article("a", &bodies[0])).unwrap();
        writer.add(&article("b", &edited(&bodies[0], 1))).unwrap();
        writer.commit().unwrap();
        assert_eq!(story(&index, "b"), story(&index, "a"));

        // b now carries another article's text: it leaves a's story for
        // that one's.
        writer.add(&article("x", &bodies[1])).unwrap();
        writer.add(&article("b", &edited(&bodies[1], 2))).unwrap();
        writer.commit().unwrap();
        assert_eq!(story(&index, "b"), story(&index, "x"));
        assert_ne!(story(&index, "b"), story(&index, "a"));

        // A copy of a replaced or deleted text finds nothing to join.
        writer.add(&article("a", &bodies[2])).unwrap();
        writer.delete(&ArticleId::parse("x").unwrap()).unwrap();
        writer.add(&article("c", &edited(&bodies[0], 3))).unwrap();
        writer.add(&article("d", &edited(&bodies[1], 4))).unwrap();
        writer.commit().unwrap();
        assert_eq!(
            story(&index, "c"),
            StoryId::of(&ArticleId::parse("c").unwrap())
        );
        assert_eq!(
            story(&index, "d"),
            story(&index, "b"),
            "b still holds that text"
        );
    }

    #[test]
    fn a_short_article_starts_its_own_story() {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = writer(&index);
        let short = "Ferry cancelled again because of the storm.";
        writer.add(&article("s1", short)).unwrap();
        writer.add(&article("s2", short)).unwrap();
        writer.commit().unwrap();
        assert_ne!(story(&index, "s1"), story(&index, "s2"));
    }
}
