//! Facet counts over a whole result set, read from fast columns in the same
//! pass that ranks the hits.

use std::collections::HashMap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DateTime, DocId, Score, SegmentOrdinal, SegmentReader};

use crate::article::name_key;
use crate::index::People;
use crate::index::schema::{day_of, names};

/// Counts outlets, people and publication days of every matching article.
/// People are counted as the directory groups them: an article naming
/// "Starmer" and "Keir Starmer" counts once for Keir Starmer.
pub struct FacetCollector {
    pub people: Arc<People>,
}

/// The counts of one search, not yet sorted or cut.
#[derive(Debug, Default)]
pub struct FacetCounts {
    pub outlets: HashMap<String, u64>,
    pub people: HashMap<String, u64>,
    /// Articles by publication day (seconds since the epoch at midnight UTC).
    pub days: HashMap<i64, u64>,
}

impl FacetCounts {
    /// Articles by day, as `YYYY-MM-DD`, oldest first.
    pub fn days(&self) -> Vec<(String, u64)> {
        let mut days: Vec<(i64, u64)> = self.days.iter().map(|(d, c)| (*d, *c)).collect();
        days.sort();
        days.into_iter()
            .filter_map(|(seconds, count)| {
                day_of(DateTime::from_timestamp_secs(seconds)).map(|day| (day.to_string(), count))
            })
            .collect()
    }

    /// Articles by month, as `YYYY-MM`, oldest first.
    pub fn months(&self) -> Vec<(String, u64)> {
        let mut months: HashMap<(i16, i8), u64> = HashMap::new();
        for (&seconds, &count) in &self.days {
            if let Some(day) = day_of(DateTime::from_timestamp_secs(seconds)) {
                *months.entry((day.year(), day.month())).or_default() += count;
            }
        }
        let mut months: Vec<((i16, i8), u64)> = months.into_iter().collect();
        months.sort();
        months
            .into_iter()
            .map(|((year, month), count)| (format!("{year:04}-{month:02}"), count))
            .collect()
    }

    /// The first and last publication days.
    pub fn day_span(&self) -> Option<(jiff::civil::Date, jiff::civil::Date)> {
        let first = self.days.keys().min()?;
        let last = self.days.keys().max()?;
        Some((
            day_of(DateTime::from_timestamp_secs(*first))?,
            day_of(DateTime::from_timestamp_secs(*last))?,
        ))
    }
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
        Ok(SegmentFacets {
            outlet_counts: vec![0; outlets.as_ref().map_or(0, |c| c.num_terms())],
            name_columns,
            person_counts: HashMap::new(),
            seen: Vec::new(),
            people: self.people.clone(),
            outlets,
            days: fast.column_opt(names::DAY)?,
            day_counts: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut total = FacetCounts::default();
        for segment in segments {
            for (value, count) in segment.outlets {
                *total.outlets.entry(value).or_default() += count;
            }
            for (value, count) in segment.people {
                *total.people.entry(value).or_default() += count;
            }
            for (day, count) in segment.days {
                *total.days.entry(day).or_default() += count;
            }
        }
        Ok(total)
    }
}

/// Counts by term ordinal (outlets) or person (people) within one
/// segment; they become names once, at harvest.
pub struct SegmentFacets {
    outlets: Option<StrColumn>,
    outlet_counts: Vec<u64>,
    /// The people columns (confirmed and unconfirmed names), each with the
    /// person of each ordinal.
    name_columns: Vec<(StrColumn, Arc<Vec<Option<u32>>>)>,
    person_counts: HashMap<u32, u64>,
    /// The people of the document being counted, to count each once.
    seen: Vec<u32>,
    people: Arc<People>,
    days: Option<Column<DateTime>>,
    day_counts: HashMap<i64, u64>,
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
                *self.person_counts.entry(person).or_default() += 1;
            }
        }
        if let Some(day) = self.days.as_ref().and_then(|days| days.first(doc)) {
            *self
                .day_counts
                .entry(day.into_timestamp_secs())
                .or_default() += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        let directory = &self.people.directory;
        FacetCounts {
            outlets: resolve(self.outlets.as_ref(), &self.outlet_counts),
            people: self
                .person_counts
                .into_iter()
                .map(|(person, count)| (directory.name(person as usize).to_string(), count))
                .collect(),
            days: self.day_counts,
        }
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
