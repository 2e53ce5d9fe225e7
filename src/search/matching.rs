//! What a request matches: its query and its filters compiled into one
//! tantivy query, with the terms to highlight and what the query parser
//! had to repair. Search and every research answer match this way.

use std::sync::Arc;

use tantivy::query::{BooleanQuery, Occur, Query};

use super::compile::{Compiler, Terms};
use super::query;
use super::request::Filters;
use crate::index::{NewsIndex, People};

/// What a request matches, as one query, and what its words look for.
pub struct Matching {
    pub query: Box<dyn Query>,
    /// Whether any of the query's words scores the matches.
    pub scored: bool,
    pub highlight: Terms,
    /// What the query parser had to repair or drop.
    pub warnings: Vec<String>,
}

/// The articles `query` (in the query language; empty for every article)
/// matches within `filters`.
pub fn matching(
    index: &NewsIndex,
    people: Arc<People>,
    query: &str,
    filters: &Filters,
) -> Matching {
    let parsed = query::parse(query);
    let mut compiler = Compiler::new(index, people);
    let narrowing = compiler.filters(filters);
    let compiled = compiler.compile(parsed.root.as_ref());
    let mut warnings = parsed.warnings;
    warnings.extend(compiled.warnings);
    Matching {
        query: filtered(compiled.query, narrowing),
        scored: compiled.scored,
        highlight: compiled.highlight,
        warnings,
    }
}

/// `query` narrowed by every one of `filters`.
pub fn filtered(query: Box<dyn Query>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if filters.is_empty() {
        return query;
    }
    let mut clauses = vec![(Occur::Must, query)];
    clauses.extend(filters.into_iter().map(|filter| (Occur::Must, filter)));
    Box::new(BooleanQuery::new(clauses))
}
