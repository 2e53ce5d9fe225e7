//! What a search answers: the page of hits, the exact total and the facets.

use std::time::Duration;

use tantivy::Score;

use super::collapse::Copies;
use crate::article::Article;

/// One ranked article.
#[derive(Debug, Clone)]
pub struct Hit {
    pub article: Article,
    pub score: Score,
    pub snippets: Vec<String>,
    /// With [`Collapse::Story`](super::request::Collapse::Story): the matching copies of the hit's story.
    pub copies: Option<Copies>,
}

/// A value of a facet and how many matching articles have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetValue {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Clone, Default)]
pub struct Facets {
    pub outlets: Vec<FacetValue>,
    pub people: Vec<FacetValue>,
    /// Articles by publication month (`YYYY-MM`) or day (`YYYY-MM-DD`),
    /// oldest first.
    pub dates: Vec<FacetValue>,
}

#[derive(Debug, Clone)]
pub struct SearchResults {
    /// The exact number of matching articles.
    pub total: usize,
    pub hits: Vec<Hit>,
    pub facets: Facets,
    /// What the query parser had to repair or drop.
    pub warnings: Vec<String>,
    pub took: Duration,
}
