//! The size and span of the archive: articles, outlets, people, first and
//! last day.

use std::collections::HashSet;

use jiff::civil::Date;
use tantivy::collector::Count;
use tantivy::query::AllQuery;

use super::error::Error;
use super::facets::FacetCollector;
use crate::index::NewsIndex;
use crate::text::names::name_key;

/// The size and span of the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stats {
    pub articles: u64,
    pub outlets: u64,
    pub people: u64,
    pub earliest: Option<Date>,
    pub latest: Option<Date>,
}

pub fn stats(index: &NewsIndex) -> Result<Stats, Error> {
    let snapshot = index.snapshot()?;
    let (searcher, people) = (&snapshot.searcher, &snapshot.people);
    let (articles, counts) = searcher.search(
        &AllQuery,
        &(
            Count,
            FacetCollector {
                people: people.clone(),
            },
        ),
    )?;
    let span = counts.day_span();
    // Spellings that filter as one value count as one.
    let outlets = counts
        .outlets
        .keys()
        .map(|value| name_key(value))
        .collect::<HashSet<_>>()
        .len() as u64;
    Ok(Stats {
        articles: articles as u64,
        outlets,
        people: counts.people_named() as u64,
        earliest: span.map(|(first, _)| first),
        latest: span.map(|(_, last)| last),
    })
}
