//! Facet counts over a whole result set, read from fast columns in the same
//! pass that ranks the hits.

use std::collections::HashMap;
use std::sync::Arc;

use rustc_hash::FxHashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::index::People;
use crate::index::schema::day_of;
use crate::index::schema::names;
use crate::text::names::name_key;

const SECONDS_PER_DAY: i64 = 86_400;

/// Counts outlets, people and publication days of every matching article.
/// People are counted as the directory groups them: an article naming
/// "Starmer" and "Keir Starmer" counts once for Keir Starmer.
pub struct FacetCollector {
    pub people: Arc<People>,
}

/// The counts of one search, not yet sorted or cut.
pub struct FacetCounts {
    pub outlets: HashMap<String, u64>,
    /// Articles by person of the directory.
    people: Tally,
    directory: Arc<People>,
    /// Articles by publication day (days since the epoch).
    days: Tally,
}

impl FacetCounts {
    fn new(directory: Arc<People>) -> FacetCounts {
        FacetCounts {
            outlets: HashMap::new(),
            people: Tally::new(directory.len()),
            directory,
            days: Tally::new(0),
        }
    }

    /// The `limit` people named by the most matches, most first; ties in
    /// alphabetical order so that the same search always lists them the
    /// same way. Only these are looked up by name.
    pub fn top_people(&self, limit: usize) -> Vec<(String, u64)> {
        let directory = &self.directory;
        let mut all: Vec<(u32, u64)> = self.people.iter().collect();
        let order = |a: &(u32, u64), b: &(u32, u64)| {
            b.1.cmp(&a.1).then_with(|| {
                directory
                    .name(a.0 as usize)
                    .cmp(directory.name(b.0 as usize))
            })
        };
        if all.len() > limit && limit > 0 {
            all.select_nth_unstable_by(limit - 1, order);
        }
        all.truncate(limit);
        all.sort_unstable_by(order);
        all.into_iter()
            .map(|(person, count)| (directory.name(person as usize).to_string(), count))
            .collect()
    }

    /// Every person the matches name, by directory id, with the number of
    /// matches naming them, in no particular order.
    pub fn people_counts(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.people
            .iter()
            .map(|(person, count)| (person as usize, count))
    }

    /// How many people the matches name.
    pub fn people_named(&self) -> usize {
        self.people.iter().count()
    }

    /// Articles by day, as `YYYY-MM-DD`, oldest first.
    pub fn days(&self) -> Vec<(String, u64)> {
        self.sorted_days()
            .into_iter()
            .filter_map(|(day, count)| date(day).map(|day| (day.to_string(), count)))
            .collect()
    }

    /// Articles by month, as `YYYY-MM`, oldest first.
    pub fn months(&self) -> Vec<(String, u64)> {
        let mut months: Vec<((i16, i8), u64)> = Vec::new();
        for (day, count) in self.sorted_days() {
            let Some(day) = date(day) else { continue };
            let month = (day.year(), day.month());
            match months.last_mut() {
                Some((last, total)) if *last == month => *total += count,
                _ => months.push((month, count)),
            }
        }
        months
            .into_iter()
            .map(|((year, month), count)| (format!("{year:04}-{month:02}"), count))
            .collect()
    }

    /// The first and last publication days.
    pub fn day_span(&self) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
        let days = self.sorted_days();
        Some((date(days.first()?.0)?, date(days.last()?.0)?))
    }

    /// (days since the epoch, articles), oldest first.
    fn sorted_days(&self) -> Vec<(i64, u64)> {
        self.days.sorted_days()
    }
}

/// The day a number of days since the epoch falls on.
pub fn date(days_since_epoch: i64) -> Option<jiff::civil::Date> {
    day_of(DateTime::from_timestamp_secs(
        days_since_epoch.checked_mul(SECONDS_PER_DAY)?,
    ))
}

/// The `limit` largest counts, largest first; ties in alphabetical order so
/// that the same search always lists facets the same way.
///
/// Spellings that share a [`name_key`] ("The Harbour Gazette", "Harbour
/// Gazette") are one value, as they are one filter: counted together and
/// shown in their most frequent spelling.
pub fn top(counts: &HashMap<String, u64>, limit: usize) -> Vec<(String, u64)> {
    let mut merged: HashMap<String, (u64, &String, u64)> = HashMap::new();
    for (value, &count) in counts {
        let entry = merged.entry(name_key(value)).or_insert((0, value, 0));
        entry.0 += count;
        if count > entry.2 || (count == entry.2 && value < entry.1) {
            entry.1 = value;
            entry.2 = count;
        }
    }
    let mut all: Vec<(u64, &String)> = merged
        .into_values()
        .map(|(total, value, _)| (total, value))
        .collect();
    all.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    all.into_iter()
        .take(limit)
        .map(|(count, value)| (value.clone(), count))
        .collect()
}

/// Counts by small integer key: a hash map while few keys are seen, an
/// array over the whole key range once many are. A search matching a
/// handful of articles then costs a handful of entries, and one matching
/// the whole archive costs one array increment per value.
struct Tally {
    /// Keys are offsets from this base (days), or ids from zero (people).
    base: i64,
    /// How many distinct keys there can be, or 0 when unknown.
    universe: usize,
    sparse: FxHashMap<u32, u64>,
    dense: Vec<u64>,
}

impl Tally {
    fn new(universe: usize) -> Tally {
        Tally {
            base: 0,
            universe,
            sparse: FxHashMap::default(),
            dense: Vec::new(),
        }
    }

    fn add(&mut self, key: u32, count: u64) {
        if let Some(slot) = self.dense.get_mut(key as usize) {
            *slot += count;
            return;
        }
        if !self.dense.is_empty() {
            // Past the range the array was sized for (only when the
            // universe was a guess): grow it.
            self.dense.resize(key as usize + 1, 0);
            self.dense[key as usize] += count;
            return;
        }
        *self.sparse.entry(key).or_default() += count;
        // An array of the whole range beats the map once a sixteenth of
        // the range is in use.
        if self.universe > 0 && self.sparse.len() * 16 > self.universe {
            self.dense = vec![0; self.universe];
            for (key, count) in self.sparse.drain() {
                let key = key as usize;
                if key >= self.dense.len() {
                    self.dense.resize(key + 1, 0);
                }
                self.dense[key] += count;
            }
        }
    }

    /// Every key counted, with its count, in no particular order.
    fn iter(&self) -> impl Iterator<Item = (u32, u64)> + '_ {
        let dense = self
            .dense
            .iter()
            .enumerate()
            .filter(|(_, count)| **count > 0)
            .map(|(key, count)| (key as u32, *count));
        let sparse = self.sparse.iter().map(|(key, count)| (*key, *count));
        dense.chain(sparse)
    }

    /// (base + key, count) for every key counted, smallest first: for a
    /// tally of days, (days since the epoch, articles), oldest first.
    fn sorted_days(&self) -> Vec<(i64, u64)> {
        let mut days: Vec<(i64, u64)> = self
            .iter()
            .map(|(key, count)| (self.base + i64::from(key), count))
            .collect();
        days.sort_unstable();
        days
    }

    /// An empty tally of the days a segment's `day` column spans.
    fn for_days(days: Option<&Column<DateTime>>) -> Tally {
        let mut tally = Tally::new(0);
        if let Some(days) = days {
            let first = day_number(days.min_value());
            let last = day_number(days.max_value());
            tally.base = first;
            tally.universe = usize::try_from(last - first + 1).unwrap_or(0);
        }
        tally
    }

    /// An empty tally of the days all of `segments` span.
    fn spanning<'a>(segments: impl Iterator<Item = &'a Tally> + Clone) -> Tally {
        let mut tally = Tally::new(0);
        let days = segments.filter(|s| s.universe > 0);
        if let (Some(first), Some(end)) = (
            days.clone().map(|s| s.base).min(),
            days.map(|s| s.base + s.universe as i64).max(),
        ) {
            tally.base = first;
            tally.universe = usize::try_from(end - first).unwrap_or(0);
        }
        tally
    }

    /// Counts the day of `doc` in `days`; false when it has none.
    fn add_day(&mut self, days: Option<&Column<DateTime>>, doc: DocId) -> bool {
        let Some(day) = days.and_then(|days| days.first(doc)) else {
            return false;
        };
        if let Ok(key) = u32::try_from(day_number(day) - self.base) {
            self.add(key, 1);
        }
        true
    }

    /// Adds every count of `other`.
    fn absorb(&mut self, other: Tally) {
        let shift = other.base - self.base;
        for (key, count) in other.iter() {
            if let Ok(key) = u32::try_from(i64::from(key) + shift) {
                self.add(key, count);
            }
        }
    }
}

impl Collector for FacetCollector {
    type Fruit = FacetCounts;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let fast = segment.fast_fields();
        let outlets = fast.str(names::OUTLET)?;
        let name_columns = [names::PEOPLE, names::UNCONFIRMED_PEOPLE]
            .into_iter()
            .filter_map(|field| match fast.str(field) {
                Ok(Some(column)) => {
                    let map = self.people.ord_map(segment, field, &column);
                    Some(Ok((column, map)))
                }
                Ok(None) => None,
                Err(err) => Some(Err(err)),
            })
            .collect::<tantivy::Result<Vec<_>>>()?;
        let days: Option<Column<DateTime>> = fast.column_opt(names::DAY)?;
        let mut counts = FacetCounts::new(self.people.clone());
        counts.days = Tally::for_days(days.as_ref());
        Ok(SegmentFacets {
            outlet_counts: vec![0; outlets.as_ref().map_or(0, |c| c.num_terms())],
            name_columns,
            seen: Vec::new(),
            outlets,
            days,
            counts,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut total = FacetCounts::new(self.people.clone());
        total.days = Tally::spanning(segments.iter().map(|s| &s.days));
        for segment in segments {
            for (value, count) in segment.outlets {
                *total.outlets.entry(value).or_default() += count;
            }
            total.people.absorb(segment.people);
            total.days.absorb(segment.days);
        }
        Ok(total)
    }
}

/// Counts by term ordinal (outlets), person (people) and day within one
/// segment; outlets become names once, at harvest, and people only if
/// they make the top of the list.
pub struct SegmentFacets {
    outlets: Option<StrColumn>,
    outlet_counts: Vec<u64>,
    /// The people columns (confirmed and unconfirmed names), each with the
    /// person of each ordinal.
    name_columns: Vec<(StrColumn, Arc<Vec<Option<u32>>>)>,
    /// The people of the document being counted, to count each once.
    seen: Vec<u32>,
    days: Option<Column<DateTime>>,
    counts: FacetCounts,
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(outlets) = &self.outlets {
            for ord in outlets.term_ords(doc) {
                self.outlet_counts[ord as usize] += 1;
            }
        }
        if !self.name_columns.is_empty() {
            self.seen.clear();
            for (column, person_of) in &self.name_columns {
                self.seen.extend(
                    column
                        .term_ords(doc)
                        .filter_map(|ord| person_of.get(ord as usize).copied().flatten()),
                );
            }
            self.seen.sort_unstable();
            self.seen.dedup();
            for &person in &self.seen {
                self.counts.people.add(person, 1);
            }
        }
        self.counts.days.add_day(self.days.as_ref(), doc);
    }

    fn harvest(mut self) -> FacetCounts {
        self.counts.outlets = resolve(self.outlets.as_ref(), &self.outlet_counts);
        self.counts
    }
}

/// Days since the epoch of a `day` column value.
fn day_number(day: DateTime) -> i64 {
    day.into_timestamp_secs().div_euclid(SECONDS_PER_DAY)
}

/// Counts matching articles by publication day, and those without one:
/// the day part of the facets alone, one fast-column read a match, for
/// counting several queries over time.
pub struct DayCollector;

/// The articles of one search by day, and how many had no day.
pub struct DayCounts {
    days: Tally,
    pub undated: u64,
}

impl DayCounts {
    /// (days since the epoch, articles), oldest first.
    pub fn sorted_days(&self) -> Vec<(i64, u64)> {
        self.days.sorted_days()
    }
}

impl Collector for DayCollector {
    type Fruit = DayCounts;
    type Child = SegmentDays;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentDays> {
        let column: Option<Column<DateTime>> = segment.fast_fields().column_opt(names::DAY)?;
        Ok(SegmentDays {
            counts: DayCounts {
                days: Tally::for_days(column.as_ref()),
                undated: 0,
            },
            column,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<DayCounts>) -> tantivy::Result<DayCounts> {
        let mut total = DayCounts {
            days: Tally::spanning(segments.iter().map(|s| &s.days)),
            undated: 0,
        };
        for segment in segments {
            total.undated += segment.undated;
            total.days.absorb(segment.days);
        }
        Ok(total)
    }
}

pub struct SegmentDays {
    column: Option<Column<DateTime>>,
    counts: DayCounts,
}

impl SegmentCollector for SegmentDays {
    type Fruit = DayCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if !self.counts.days.add_day(self.column.as_ref(), doc) {
            self.counts.undated += 1;
        }
    }

    fn harvest(self) -> DayCounts {
        self.counts
    }
}

fn resolve(column: Option<&StrColumn>, counts: &[u64]) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    let Some(column) = column else {
        return out;
    };
    let mut value = String::new();
    for (ord, &count) in counts.iter().enumerate() {
        if count > 0 && column.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
            *out.entry(value.clone()).or_default() += count;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_counts_the_same_whether_sparse_or_dense() {
        let keys = [3u32, 7, 3, 0, 99, 7, 3, 250, 12, 3];
        let mut small = Tally::new(0);
        let mut large = Tally::new(16);
        for key in keys {
            small.add(key, 1);
            large.add(key, 1);
        }
        assert!(small.dense.is_empty(), "no universe, so never dense");
        assert!(!large.dense.is_empty(), "a sixteenth of 16 keys in use");
        let sorted = |tally: &Tally| {
            let mut all: Vec<(u32, u64)> = tally.iter().collect();
            all.sort_unstable();
            all
        };
        let expected = vec![(0, 1), (3, 4), (7, 2), (12, 1), (99, 1), (250, 1)];
        assert_eq!(sorted(&small), expected);
        assert_eq!(sorted(&large), expected);

        let mut shifted = Tally::new(0);
        shifted.base = 10;
        shifted.add(2, 5);
        let mut total = Tally::new(0);
        total.base = 5;
        total.absorb(shifted);
        assert_eq!(sorted(&total), [(7, 5)], "day 12 is key 7 from day 5");
    }

    #[test]
    fn spellings_of_one_value_count_together_under_the_commonest() {
        let counts: HashMap<String, u64> = [
            ("The Harbour Gazette".to_string(), 1),
            ("Harbour Gazette".to_string(), 3),
            ("Valley Times".to_string(), 2),
        ]
        .into_iter()
        .collect();
        assert_eq!(
            top(&counts, 10),
            [
                ("Harbour Gazette".to_string(), 4),
                ("Valley Times".to_string(), 2)
            ]
        );
        assert_eq!(top(&counts, 1).len(), 1);
    }
}
