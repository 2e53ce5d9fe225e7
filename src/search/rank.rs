//! Ranking: one pass over a search's matches for the page of hits, the
//! exact total and the facet counts; then the page's articles read, their
//! people named as the directory names them, and their snippets cut.

use std::sync::Arc;
use std::time::Instant;

use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument};

use super::articles::with_directory_names;
use super::collapse::{self, Copies};
use super::error::Error;
use super::facets::{FacetCollector, FacetCounts, top};
use super::matching::{Matching, matching};
use super::request::{Collapse, Histogram, SearchRequest, Sort, Valid};
use super::results::{FacetValue, Facets, Hit, SearchResults};
use super::snippet::Highlighter;
use crate::index::{self, NewsIndex, People, analyzer};

/// How many outlets and people the facets list.
pub const FACET_SIZE: usize = 20;
/// Snippets per hit.
pub const SNIPPETS_PER_HIT: usize = 3;

/// Runs `request` against the last commit of `index`.
pub fn search(index: &NewsIndex, request: &Valid<SearchRequest>) -> Result<SearchResults, Error> {
    let started = Instant::now();
    let snapshot = index.snapshot()?;
    let (searcher, people) = (&snapshot.searcher, &snapshot.people);
    let matched = matching(index, people.clone(), &request.query, &request.filters);
    ranked(index, searcher, people, matched, request, started)
}

/// The page, total and facets of what `matched` (`request`'s query and
/// filters, compiled against `people`) matches in what `searcher` sees;
/// `took` counts from `started`.
pub fn ranked(
    index: &NewsIndex,
    searcher: &Searcher,
    people: &Arc<People>,
    matched: Matching,
    request: &Valid<SearchRequest>,
    started: Instant,
) -> Result<SearchResults, Error> {
    let Matching {
        query,
        scored,
        highlight,
        warnings,
    } = matched;
    let sort = match request.sort {
        Sort::Relevance if !scored => Sort::Newest,
        sort => sort,
    };

    let facets = FacetCollector {
        people: people.clone(),
    };
    let (limit, offset) = (request.limit, request.offset);
    let Collected {
        page,
        total,
        counts,
    } = match request.collapse {
        Collapse::None => collect(searcher, &*query, sort, limit, offset, facets)?,
        Collapse::Story => {
            collapse::collect(searcher, &*query, sort, limit, offset, facets)?.into()
        }
    };
    let fields = index.fields();
    let mut highlighter = Highlighter::new(index.analyzer(analyzer::ENGLISH), highlight);
    let mut hits = Vec::with_capacity(page.len());
    for (score, address, copies) in page {
        let doc: TantivyDocument = searcher.doc(address)?;
        let article = with_directory_names(fields.to_article(&doc), people);
        let snippets = highlighter.snippets(&article.body, SNIPPETS_PER_HIT);
        hits.push(Hit {
            article,
            score,
            snippets,
            copies,
        });
    }
    let value = |(value, count)| FacetValue { value, count };
    let facets = Facets {
        outlets: top(&counts.outlets, FACET_SIZE)
            .into_iter()
            .map(value)
            .collect(),
        people: counts
            .top_people(FACET_SIZE)
            .into_iter()
            .map(value)
            .collect(),
        dates: match request.histogram {
            Histogram::Month => counts.months(),
            Histogram::Day => counts.days(),
        }
        .into_iter()
        .map(value)
        .collect(),
    };
    Ok(SearchResults {
        total,
        hits,
        facets,
        warnings,
        took: started.elapsed(),
    })
}

/// What one pass over the matches gathers: the requested page, the exact
/// count and the facet counts.
struct Collected {
    page: Vec<(Score, DocAddress, Option<Copies>)>,
    total: usize,
    counts: FacetCounts,
}

/// One pass over the matches.
fn collect(
    searcher: &Searcher,
    query: &dyn Query,
    sort: Sort,
    limit: usize,
    offset: usize,
    facets: FacetCollector,
) -> Result<Collected, Error> {
    // tantivy's TopDocs needs a limit of at least one; a page of zero
    // (counts and facets only) is cut afterwards.
    let top = TopDocs::with_limit(limit.max(1)).and_offset(offset);
    let (mut page, total, counts) = match sort {
        Sort::Relevance => searcher.search(query, &(top.order_by_score(), Count, facets))?,
        Sort::Newest | Sort::Oldest => {
            // Date first, then relevance among articles of the same moment;
            // undated articles last in both orders.
            let newest = sort == Sort::Newest;
            let by_date = top.tweak_score(move |segment: &tantivy::SegmentReader| {
                let published = segment
                    .fast_fields()
                    .column_opt::<tantivy::DateTime>(index::schema::names::PUBLISHED)
                    .ok()
                    .flatten();
                move |doc, score: Score| {
                    let seconds = published
                        .as_ref()
                        .and_then(|column| column.first(doc))
                        .map(|date| date.into_timestamp_secs());
                    let key = match seconds {
                        Some(seconds) if newest => seconds,
                        Some(seconds) => -seconds,
                        None => i64::MIN,
                    };
                    (key, score)
                }
            });
            let (page, total, counts) = searcher.search(query, &(by_date, Count, facets))?;
            let page = page
                .into_iter()
                .map(|((_, score), address)| (score, address))
                .collect();
            (page, total, counts)
        }
    };
    page.truncate(limit);
    Ok(Collected {
        page: page
            .into_iter()
            .map(|(score, address)| (score, address, None))
            .collect(),
        total,
        counts,
    })
}

impl From<collapse::Collapsed> for Collected {
    fn from(collapsed: collapse::Collapsed) -> Collected {
        Collected {
            page: collapsed
                .page
                .into_iter()
                .map(|(score, address, copies)| (score, address, Some(copies)))
                .collect(),
            total: collapsed.total,
            counts: collapsed.counts,
        }
    }
}
