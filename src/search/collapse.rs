//! Collapsing copies: one hit per story (`collapse=story`), so that a wire
//! story republished by twenty outlets counts once.
//!
//! [`StoryCollector`] gathers, in the one pass that ranks, each matching
//! story's copies, best score, earliest copy and outlets from fast columns
//! (`story`, `published`, `id`, `outlet`); the facets of people and days
//! are then counted over the earliest copy of each story only. So the cost
//! is a hash-map update per matching article plus a sort of the
//! (story, outlet) pairs, never a stored document beyond the page's.

use std::cmp::Ordering;
use std::collections::HashMap;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::Query;
use tantivy::{DateTime, DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use super::error::Error;
use super::facets::{FacetCollector, FacetCounts};
use super::request::Sort;
use crate::index::schema::names;
use crate::text::names::name_key;

/// What a collapsed hit says of its story.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copies {
    /// Matching articles in the story, the hit included.
    pub count: u64,
    /// The distinct outlets of those articles, as written, sorted.
    pub outlets: Vec<String>,
}

/// The page of stories, the number of stories and their facet counts.
pub struct Collapsed {
    pub page: Vec<(Score, DocAddress, Copies)>,
    pub total: usize,
    pub counts: FacetCounts,
}

/// One pass for the stories, then the facets over their earliest copies.
pub fn collect(
    searcher: &Searcher,
    query: &dyn Query,
    sort: Sort,
    limit: usize,
    offset: usize,
    facets: FacetCollector,
) -> Result<Collapsed, Error> {
    let stories = searcher.search(query, &StoryCollector { sort })?;
    let total = stories.stories.len();
    let mut counts = earliest_facets(searcher, &stories, &facets)?;
    counts.outlets = stories.outlet_counts();
    let page = stories
        .page(sort, limit, offset)
        .into_iter()
        .map(|(story, found)| {
            let copies = Copies {
                count: u64::from(found.copies),
                outlets: stories.outlets_of(story),
            };
            (found.best, found.earliest.address, copies)
        })
        .collect();
    Ok(Collapsed {
        page,
        total,
        counts,
    })
}

/// The people and days of the earliest copy of each story, counted by the
/// facet collector as if those were the only matches.
fn earliest_facets(
    searcher: &Searcher,
    stories: &Stories,
    facets: &FacetCollector,
) -> Result<FacetCounts, Error> {
    let mut by_segment: Vec<Vec<DocId>> = vec![Vec::new(); searcher.segment_readers().len()];
    for found in stories.stories.values() {
        let address = found.earliest.address;
        by_segment[address.segment_ord as usize].push(address.doc_id);
    }
    let mut fruits = Vec::with_capacity(by_segment.len());
    for (ordinal, mut docs) in by_segment.into_iter().enumerate() {
        docs.sort_unstable();
        let segment = searcher.segment_reader(ordinal as SegmentOrdinal);
        let mut child = facets.for_segment(ordinal as SegmentOrdinal, segment)?;
        for doc in docs {
            child.collect(doc, 0.0);
        }
        fruits.push(child.harvest());
    }
    Ok(facets.merge_fruits(fruits)?)
}

/// Gathers the matching stories.
pub struct StoryCollector {
    pub sort: Sort,
}

/// The earliest copy of a story: by publication instant (undated last),
/// then id.
#[derive(Clone)]
struct Earliest {
    /// Seconds since the epoch; `i64::MAX` when undated.
    published: i64,
    /// The id's ordinal in its segment's `id` column, which orders ids as
    /// text within a segment.
    id_ord: u64,
    address: DocAddress,
}

/// A story among the matches.
#[derive(Clone)]
struct Found {
    copies: u32,
    best: Score,
    earliest: Earliest,
}

/// The matching stories of one segment, or of all of them.
pub struct Stories {
    stories: FxHashMap<u64, Found>,
    /// (story, outlet as written), sorted and without repeats.
    outlets: Vec<(u64, u32)>,
    /// The outlets as written, by number.
    outlet_names: Vec<String>,
    /// Each segment's `id` column, to compare ids across segments.
    ids: Vec<Option<StrColumn>>,
}

impl Stories {
    /// How many stories each outlet ran. Spellings of one outlet (one
    /// [`name_key`]) count a story once, under the spelling with the most
    /// stories.
    fn outlet_counts(&self) -> HashMap<String, u64> {
        // Each spelling's outlet, numbered: few, looked up once each.
        let mut key_numbers: HashMap<String, u32> = HashMap::new();
        let key_of: Vec<u32> = self
            .outlet_names
            .iter()
            .map(|name| {
                let next = key_numbers.len() as u32;
                *key_numbers.entry(name_key(name)).or_insert(next)
            })
            .collect();
        let mut by_key: Vec<(u64, u32)> = self
            .outlets
            .iter()
            .map(|&(story, outlet)| (story, key_of[outlet as usize]))
            .collect();
        by_key.sort_unstable();
        by_key.dedup();
        let mut stories_by_key = vec![0u64; key_numbers.len()];
        for (_, key) in by_key {
            stories_by_key[key as usize] += 1;
        }
        let mut stories_by_spelling = vec![0u64; self.outlet_names.len()];
        for &(_, outlet) in &self.outlets {
            stories_by_spelling[outlet as usize] += 1;
        }
        // Shown under the spelling with the most stories (then the first
        // in alphabetical order).
        let mut spelling: Vec<Option<usize>> = vec![None; key_numbers.len()];
        for (outlet, &count) in stories_by_spelling.iter().enumerate() {
            let slot = &mut spelling[key_of[outlet] as usize];
            let better = slot.is_none_or(|best| {
                let best_count = stories_by_spelling[best];
                count > best_count
                    || (count == best_count && self.outlet_names[outlet] < self.outlet_names[best])
            });
            if better {
                *slot = Some(outlet);
            }
        }
        spelling
            .into_iter()
            .zip(stories_by_key)
            .filter_map(|(outlet, count)| {
                Some((self.outlet_names[outlet?].clone(), count)).filter(|_| count > 0)
            })
            .collect()
    }

    /// The outlets of `story`, as written, sorted.
    fn outlets_of(&self, story: u64) -> Vec<String> {
        let start = self.outlets.partition_point(|&(s, _)| s < story);
        let mut names: Vec<String> = self.outlets[start..]
            .iter()
            .take_while(|&&(s, _)| s == story)
            .map(|&(_, outlet)| self.outlet_names[outlet as usize].clone())
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The stories from `offset` on, `limit` of them, in the order of
    /// `sort`: the best score of a copy, or the date of the earliest copy
    /// (undated last in both orders); ties by story.
    fn page(&self, sort: Sort, limit: usize, offset: usize) -> Vec<(u64, &Found)> {
        let order = |a: &(u64, &Found), b: &(u64, &Found)| -> Ordering {
            let (ea, eb) = (&a.1.earliest, &b.1.earliest);
            let undated = (ea.published == i64::MAX).cmp(&(eb.published == i64::MAX));
            match sort {
                Sort::Relevance => b.1.best.total_cmp(&a.1.best),
                Sort::Newest => undated.then(eb.published.cmp(&ea.published)),
                Sort::Oldest => undated.then(ea.published.cmp(&eb.published)),
            }
            .then(a.0.cmp(&b.0))
        };
        let mut all: Vec<(u64, &Found)> = self.stories.iter().map(|(s, f)| (*s, f)).collect();
        let end = offset.saturating_add(limit).min(all.len());
        if end == 0 {
            return Vec::new();
        }
        if end < all.len() {
            all.select_nth_unstable_by(end - 1, order);
            all.truncate(end);
        }
        all.sort_unstable_by(order);
        all.into_iter().skip(offset).collect()
    }

    /// Whether copy `a` is earlier than copy `b` (in other segments, or the
    /// same).
    fn earlier(&self, a: &Earliest, b: &Earliest) -> bool {
        match a.published.cmp(&b.published) {
            Ordering::Less => true,
            Ordering::Greater => false,
            Ordering::Equal if a.address.segment_ord == b.address.segment_ord => {
                a.id_ord < b.id_ord
            }
            Ordering::Equal => self.id(a) < self.id(b),
        }
    }

    fn id(&self, copy: &Earliest) -> String {
        let mut id = String::new();
        if let Some(Some(column)) = self.ids.get(copy.address.segment_ord as usize) {
            let _ = column.ord_to_str(copy.id_ord, &mut id);
        }
        id
    }
}

impl Collector for StoryCollector {
    type Fruit = Stories;
    type Child = SegmentStories;

    fn for_segment(
        &self,
        segment_ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentStories> {
        let fast = segment.fast_fields();
        let outlets = fast.str(names::OUTLET)?;
        let mut ids = vec![None; segment_ord as usize + 1];
        ids[segment_ord as usize] = fast.str(names::ID)?;
        Ok(SegmentStories {
            segment_ord,
            story: fast.column_opt(names::STORY)?,
            published: fast.column_opt(names::PUBLISHED)?,
            id: ids[segment_ord as usize].as_ref().map(|c| c.ords().clone()),
            outlet: outlets.as_ref().map(|c| c.ords().clone()),
            stories: Stories {
                stories: FxHashMap::default(),
                outlets: Vec::new(),
                outlet_names: Vec::new(),
                ids,
            },
            outlet_column: outlets,
        })
    }

    fn requires_scoring(&self) -> bool {
        self.sort == Sort::Relevance
    }

    fn merge_fruits(&self, segments: Vec<Stories>) -> tantivy::Result<Stories> {
        let mut all = Stories {
            stories: FxHashMap::default(),
            outlets: Vec::new(),
            outlet_names: Vec::new(),
            ids: Vec::new(),
        };
        for segment in &segments {
            for (ordinal, column) in segment.ids.iter().enumerate() {
                if let Some(column) = column {
                    if all.ids.len() <= ordinal {
                        all.ids.resize(ordinal + 1, None);
                    }
                    all.ids[ordinal] = Some(column.clone());
                }
            }
        }
        let mut numbers: HashMap<String, u32> = HashMap::new();
        for segment in segments {
            for (story, found) in segment.stories {
                let earlier = all
                    .stories
                    .get(&story)
                    .map(|known| all.earlier(&found.earliest, &known.earliest));
                let Some(earlier) = earlier else {
                    all.stories.insert(story, found);
                    continue;
                };
                let known = all.stories.get_mut(&story).expect("present");
                known.copies += found.copies;
                known.best = known.best.max(found.best);
                if earlier {
                    known.earliest = found.earliest;
                }
            }
            let global: Vec<u32> = segment
                .outlet_names
                .iter()
                .map(|name| {
                    let next = numbers.len() as u32;
                    let number = *numbers.entry(name.clone()).or_insert(next);
                    if number == next {
                        all.outlet_names.push(name.clone());
                    }
                    number
                })
                .collect();
            all.outlets.extend(
                segment
                    .outlets
                    .into_iter()
                    .map(|(story, outlet)| (story, global[outlet as usize])),
            );
        }
        all.outlets.sort_unstable();
        all.outlets.dedup();
        Ok(all)
    }
}

/// The stories of one segment.
pub struct SegmentStories {
    segment_ord: SegmentOrdinal,
    story: Option<Column<u64>>,
    published: Option<Column<DateTime>>,
    id: Option<Column<u64>>,
    outlet: Option<Column<u64>>,
    outlet_column: Option<StrColumn>,
    stories: Stories,
}

impl SegmentCollector for SegmentStories {
    type Fruit = Stories;

    fn collect(&mut self, doc: DocId, score: Score) {
        // Every article has a story; were one missing, the article would
        // be a story of its own.
        let story = self
            .story
            .as_ref()
            .and_then(|c| c.first(doc))
            .unwrap_or_else(|| !(u64::from(self.segment_ord) << 32 | u64::from(doc)));
        let earliest = Earliest {
            published: self
                .published
                .as_ref()
                .and_then(|c| c.first(doc))
                .map_or(i64::MAX, |date| date.into_timestamp_secs()),
            id_ord: self.id.as_ref().and_then(|c| c.first(doc)).unwrap_or(0),
            address: DocAddress::new(self.segment_ord, doc),
        };
        if let Some(outlet) = self.outlet.as_ref().and_then(|c| c.first(doc)) {
            self.stories.outlets.push((story, outlet as u32));
        }
        let found = self.stories.stories.entry(story).or_insert_with(|| Found {
            copies: 0,
            best: score,
            earliest: earliest.clone(),
        });
        found.copies += 1;
        found.best = found.best.max(score);
        let current = &found.earliest;
        if (earliest.published, earliest.id_ord) < (current.published, current.id_ord) {
            found.earliest = earliest;
        }
    }

    fn harvest(mut self) -> Stories {
        // Outlets by their ordinal here become names, each looked up once.
        self.stories.outlets.sort_unstable();
        self.stories.outlets.dedup();
        let mut renumber: FxHashMap<u32, u32> = FxHashMap::default();
        let mut name = String::new();
        for (_, outlet) in self.stories.outlets.iter_mut() {
            let next = renumber.len() as u32;
            let number = *renumber.entry(*outlet).or_insert(next);
            if number == next {
                name.clear();
                if let Some(column) = &self.outlet_column {
                    let _ = column.ord_to_str(u64::from(*outlet), &mut name);
                }
                self.stories.outlet_names.push(name.clone());
            }
            *outlet = number;
        }
        self.stories
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::{Article, PublicationDate};
    use crate::index::{NewsIndex, test_article};
    use crate::search::{
        Check, Collapse, FacetValue, Filters, Histogram, SearchRequest, SearchResults,
    };
    use crate::text::perturb::{Kind, Rng, Text, copy};

    fn search(index: &NewsIndex, request: &SearchRequest) -> Result<SearchResults, Error> {
        crate::search::search(index, &request.clone().validate()?)
    }

    /// (id, outlet, date, which sample body, copy seed or none).
    type Spec = (
        &'static str,
        Option<&'static str>,
        Option<&'static str>,
        usize,
        Option<u64>,
    );

    /// Three stories: `a` in four copies (the earliest, a1, is not the
    /// first indexed; a3 is undated), `b` in two copies of one day, `c`
    /// alone. Each article is committed alone, so copies lie in different
    /// segments.
    const ARTICLES: [Spec; 7] = [
        ("a0", Some("Harbour Gazette"), Some("2025-01-10"), 0, None),
        (
            "b1",
            Some("The Northern Star"),
            Some("2025-02-01"),
            1,
            Some(1),
        ),
        ("a1", Some("Valley Times"), Some("2025-01-09"), 0, Some(2)),
        (
            "a2",
            Some("Harbour Gazette"),
            Some("2025-01-12"),
            0,
            Some(3),
        ),
        ("b0", Some("Valley Times"), Some("2025-02-01"), 1, None),
        ("a3", Some("City Ledger"), None, 0, Some(4)),
        ("c0", None, Some("2025-03-01"), 2, None),
    ];

    fn index() -> NewsIndex {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.test_writer();
        for (id, outlet, date, body, seed) in ARTICLES {
            let body = crate::sample::ARTICLES[body].1.to_string();
            let body = match seed {
                None => body,
                Some(seed) => {
                    let text = Text {
                        title: String::new(),
                        body,
                    };
                    copy(&mut Rng::new(seed), &text, &[Kind::Edits, Kind::Trim]).body
                }
            };
            let article = Article {
                title: Some(format!("Title {id}")),
                outlet: outlet.map(str::to_string),
                date: date.map(|d| PublicationDate::parse(d).unwrap()),
                ..test_article(id, &body)
            };
            writer.add(&article).unwrap();
            writer.commit().unwrap();
        }
        index
    }

    fn collapsed(index: &NewsIndex, request: SearchRequest) -> SearchResults {
        let request = SearchRequest {
            collapse: Collapse::Story,
            histogram: Histogram::Day,
            ..request
        };
        search(index, &request).unwrap()
    }

    fn ids(results: &SearchResults) -> Vec<&str> {
        results.hits.iter().map(|h| h.article.id.as_str()).collect()
    }

    #[test]
    fn one_hit_per_story_its_earliest_copy_with_its_copies_and_outlets() {
        let index = index();
        let all = search(&index, &SearchRequest::default()).unwrap();
        assert_eq!(all.total, 7);
        assert!(all.hits.iter().all(|hit| hit.copies.is_none()));

        let results = collapsed(&index, SearchRequest::default());
        assert_eq!(results.total, 3);
        // No words to rank by: newest first, by each story's earliest copy;
        // b0 and b1 share a day, and b0 comes first by id.
        assert_eq!(ids(&results), ["c0", "b0", "a1"]);
        let copies: Vec<_> = results
            .hits
            .iter()
            .map(|h| h.copies.clone().unwrap())
            .collect();
        assert_eq!(copies[0].count, 1);
        assert_eq!(copies[1].count, 2);
        assert_eq!(copies[1].outlets, ["The Northern Star", "Valley Times"]);
        assert_eq!(copies[2].count, 4);
        assert_eq!(
            copies[2].outlets,
            ["City Ledger", "Harbour Gazette", "Valley Times"]
        );

        let oldest = collapsed(
            &index,
            SearchRequest {
                sort: Sort::Oldest,
                ..SearchRequest::default()
            },
        );
        assert_eq!(ids(&oldest), ["a1", "b0", "c0"]);
    }

    #[test]
    fn totals_facets_and_the_histogram_count_stories() {
        let results = collapsed(&index(), SearchRequest::default());
        let facet = |values: &[FacetValue]| -> Vec<(String, u64)> {
            values.iter().map(|v| (v.value.clone(), v.count)).collect()
        };
        assert_eq!(
            facet(&results.facets.outlets),
            [
                ("Valley Times".to_string(), 2),
                ("City Ledger".to_string(), 1),
                ("Harbour Gazette".to_string(), 1),
                ("The Northern Star".to_string(), 1),
            ]
        );
        // Each story once, on the day of its earliest copy.
        assert_eq!(
            facet(&results.facets.dates),
            [
                ("2025-01-09".to_string(), 1),
                ("2025-02-01".to_string(), 1),
                ("2025-03-01".to_string(), 1),
            ]
        );
    }

    #[test]
    fn pages_are_pages_of_stories_and_filters_choose_the_copies() {
        let index = index();
        let second = collapsed(
            &index,
            SearchRequest {
                limit: 1,
                offset: 1,
                ..SearchRequest::default()
            },
        );
        assert_eq!(second.total, 3);
        assert_eq!(ids(&second), ["b0"]);
        let past = collapsed(
            &index,
            SearchRequest {
                offset: 3,
                ..SearchRequest::default()
            },
        );
        assert!(past.hits.is_empty());

        // Only the Harbour Gazette's copies match: the story's earliest of
        // those is shown, and counted.
        let gazette = collapsed(
            &index,
            SearchRequest {
                filters: Filters {
                    outlets: vec!["harbour gazette".into()],
                    ..Filters::default()
                },
                ..SearchRequest::default()
            },
        );
        assert_eq!(ids(&gazette), ["a0"]);
        assert_eq!(gazette.hits[0].copies.as_ref().unwrap().count, 2);

        // Ranked by relevance, a story ranks by its best copy.
        let ranked = collapsed(
            &index,
            SearchRequest {
                query: "Ukraine".into(),
                ..SearchRequest::default()
            },
        );
        let scores: Vec<f32> = ranked.hits.iter().map(|h| h.score).collect();
        assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    }
}
