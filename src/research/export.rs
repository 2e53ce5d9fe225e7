//! Export: every article a search matches, whole, handed over one at a
//! time.
//!
//! The matches are not ranked or sorted: sorting needs them all at once.
//! They come in index order, segment by segment, each read from the store
//! only when the one before it has been taken, so an export holds one
//! article in memory however many match, and stops as soon as whoever
//! takes them stops.

use tantivy::query::EnableScoring;
use tantivy::{DocSet, TERMINATED, TantivyDocument};

use crate::article::Article;
use crate::index::{NewsIndex, StoryId};
use crate::search::{
    Check, Error, Filters, Matching, Valid, check_query, matching, with_directory_names,
};

/// What to export: the articles a query matches within the filters.
#[derive(Debug, Clone, Default)]
pub struct ExportRequest {
    /// In the query language; empty for every article the filters leave.
    pub query: String,
    pub filters: Filters,
}

impl Check for ExportRequest {
    /// The query's size and the filters.
    fn check(&self) -> Result<(), Error> {
        check_query(&self.query)?;
        self.filters.check()
    }
}

/// An article as exported: everything the index keeps of it.
#[derive(Debug, Clone)]
pub struct Exported {
    /// With its people as the directory names them, as a search shows them.
    pub article: Article,
    pub story: Option<StoryId>,
}

/// Whether the export goes on after an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Stop,
}

/// Hands every article matching `request`'s query and filters to `take`,
/// in index order, until `take` says stop. Returns how many were handed
/// over.
///
/// The cost is one pass over the matching documents and one stored
/// document read at a time; nothing is gathered.
pub fn export(
    index: &NewsIndex,
    request: &Valid<ExportRequest>,
    mut take: impl FnMut(Exported) -> Flow,
) -> Result<u64, Error> {
    let snapshot = index.snapshot()?;
    let (searcher, people) = (&snapshot.searcher, &snapshot.people);
    let Matching { query, .. } = matching(index, people.clone(), &request.query, &request.filters);
    let weight = query.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let fields = index.fields();
    let mut handed = 0;
    for segment in searcher.segment_readers() {
        // Matches come in order of document, so neighbours share the one
        // block of the store kept decompressed.
        let store = segment
            .get_store_reader(1)
            .map_err(tantivy::TantivyError::from)?;
        let alive = segment.alive_bitset();
        let mut matches = weight.scorer(segment, 1.0)?;
        let mut doc = matches.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|alive| alive.is_alive(doc)) {
                let stored: TantivyDocument = store.get(doc)?;
                let exported = Exported {
                    article: with_directory_names(fields.to_article(&stored), people),
                    story: StoryId::read(fields, &stored),
                };
                handed += 1;
                if take(exported) == Flow::Stop {
                    return Ok(handed);
                }
            }
            doc = matches.advance();
        }
    }
    Ok(handed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::ArticleId;
    use crate::index::WriterOptions;
    use crate::search::SearchRequest;

    fn export(
        index: &NewsIndex,
        request: &ExportRequest,
        take: impl FnMut(Exported) -> Flow,
    ) -> Result<u64, Error> {
        super::export(index, &request.clone().validate()?, take)
    }

    fn article(id: &str, body: &str) -> Article {
        Article {
            title: Some(format!("Title of {id}")),
            outlet: Some("Harbour Gazette".to_string()),
            ..Article::bare(id, body)
        }
    }

    #[test]
    fn every_live_match_is_handed_over_once_and_stop_stops() {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.writer(WriterOptions::default()).unwrap();
        for i in 0..30 {
            let body = if i % 3 == 0 { "ferry news" } else { "bin news" };
            writer.add(&article(&format!("a{i}"), body)).unwrap();
        }
        writer.commit().unwrap();
        writer.delete(&ArticleId::parse("a3").unwrap()).unwrap();
        writer.commit().unwrap();

        let request = ExportRequest {
            query: "ferry".to_string(),
            ..ExportRequest::default()
        };
        let mut ids = Vec::new();
        let handed = export(&index, &request, |exported| {
            assert_eq!(exported.story, Some(StoryId::of(&exported.article.id)));
            ids.push(exported.article.id.to_string());
            Flow::Continue
        })
        .unwrap();
        assert_eq!(handed, 9);
        ids.sort();
        let mut expected: Vec<String> = (0..30)
            .filter(|i| i % 3 == 0 && *i != 3)
            .map(|i| format!("a{i}"))
            .collect();
        expected.sort();
        assert_eq!(ids, expected);

        let mut taken = 0;
        let handed = export(&index, &ExportRequest::default(), |_| {
            taken += 1;
            if taken == 4 {
                Flow::Stop
            } else {
                Flow::Continue
            }
        })
        .unwrap();
        assert_eq!((handed, taken), (4, 4));
    }

    /// An excluded phrase whose words are all in a segment but never in
    /// that order excludes nothing, in a search and an export alike.
    #[test]
    fn an_excluded_phrase_no_article_holds_excludes_nothing() {
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.writer(WriterOptions::default()).unwrap();
        for i in 0..5 {
            writer
                .add(&article(&format!("a{i}"), "ferry news today"))
                .unwrap();
        }
        writer.commit().unwrap();
        for (query, expected) in [
            ("news -\"today ferry\"", 5),
            ("-\"today ferry\"", 5),
            ("news -\"news today\"", 0),
        ] {
            let search = SearchRequest {
                query: query.to_string(),
                ..SearchRequest::default()
            };
            let found = crate::search::search(&index, &search.validate().unwrap())
                .unwrap()
                .total;
            let request = ExportRequest {
                query: query.to_string(),
                ..ExportRequest::default()
            };
            let exported = export(&index, &request, |_| Flow::Continue).unwrap();
            assert_eq!((found, exported), (expected, expected as u64), "{query}");
        }
    }
}
