//! What a search asks: the query, the [`Filters`] every kind of request
//! shares, paging and order, and the one place where each is checked.
//!
//! Requests are checked in one place, their [`Check`], and the code that
//! answers them takes only a [`Valid`] request, which nothing but that check
//! makes: the API and the command line call [`Check::validate`] once, when
//! they have read a request, so a bad one is refused before it waits for a
//! core, and never checked twice.

use std::ops::Deref;

use jiff::civil::Date;

use super::error::Error;
use super::query::{self, Node};

/// The most hits one page may hold.
pub const MAX_LIMIT: usize = 100;
/// How deep pagination may go. Deeper pages cost more with every step and
/// nobody reads them: narrow the query instead.
pub const MAX_OFFSET: usize = 10_000;
/// The longest query, in bytes. Long enough for a researcher's list of
/// names joined by OR; a query longer than this is a mistake or an attack.
pub const MAX_QUERY_BYTES: usize = 8 * 1024;
/// The most words (and filters) one query may hold: each is a term to look
/// up in title and body, and every match of each is scored.
pub const MAX_QUERY_TERMS: usize = 512;

/// A request's own checks: limits, ranges, the size of its queries.
pub trait Check: Sized {
    fn check(&self) -> Result<(), Error>;

    /// The request, checked: the form the code that answers it takes.
    fn validate(self) -> Result<Valid<Self>, Error> {
        self.check()?;
        Ok(Valid(self))
    }
}

/// A request that has passed its [`Check`]: only [`Check::validate`] makes
/// one.
#[derive(Debug, Clone)]
pub struct Valid<T>(T);

impl<T> Deref for Valid<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// What narrows a search, a timeline, a person's page or an export to part
/// of the archive. Filters decide what matches, never how well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Any of these outlets (exact, ignoring case).
    pub outlets: Vec<String>,
    /// Any of these people (exact, ignoring case; any spelling the people
    /// directory knows).
    pub people: Vec<String>,
    /// Published on or after this day.
    pub from: Option<Date>,
    /// Published on or before this day.
    pub to: Option<Date>,
}

impl Filters {
    /// Whether any filter is set.
    pub fn any(&self) -> bool {
        !self.outlets.is_empty()
            || !self.people.is_empty()
            || self.from.is_some()
            || self.to.is_some()
    }
}

impl Check for Filters {
    /// The date range must run forwards.
    fn check(&self) -> Result<(), Error> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from > to
        {
            return Err(Error::Invalid(format!(
                "from ({from}) is after to ({to}): swap them"
            )));
        }
        Ok(())
    }
}

/// How finely the date histogram counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Histogram {
    #[default]
    Month,
    Day,
}

impl Histogram {
    pub fn parse(text: &str) -> Result<Histogram, Error> {
        match text {
            "month" => Ok(Histogram::Month),
            "day" => Ok(Histogram::Day),
            other => Err(Error::Invalid(format!(
                "histogram {other:?} is not known: use month or day"
            ))),
        }
    }
}

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Best match first. For a query with no words to rank by (only
    /// filters, or nothing), newest first.
    #[default]
    Relevance,
    Newest,
    Oldest,
}

impl Sort {
    pub fn parse(text: &str) -> Result<Sort, Error> {
        match text {
            "relevance" => Ok(Sort::Relevance),
            "newest" => Ok(Sort::Newest),
            "oldest" => Ok(Sort::Oldest),
            other => Err(Error::Invalid(format!(
                "sort {other:?} is not known: use relevance, newest or oldest"
            ))),
        }
    }
}

/// Whether copies of one story are collapsed into one hit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Collapse {
    /// Every matching article is a hit.
    #[default]
    None,
    /// One hit per story: its earliest matching copy.
    Story,
}

impl Collapse {
    pub fn parse(text: &str) -> Result<Collapse, Error> {
        match text {
            "story" => Ok(Collapse::Story),
            other => Err(Error::Invalid(format!(
                "collapse {other:?} is not known: use story, or leave it out"
            ))),
        }
    }
}

/// A search: the query language text plus filters and paging.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub filters: Filters,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
    /// How finely the date facet counts.
    pub histogram: Histogram,
    /// One hit per story, and counts of stories rather than articles.
    pub collapse: Collapse,
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            query: String::new(),
            filters: Filters::default(),
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            histogram: Histogram::Month,
            collapse: Collapse::None,
        }
    }
}

impl Check for SearchRequest {
    /// The query's size, the paging and the date range.
    fn check(&self) -> Result<(), Error> {
        check_query(&self.query)?;
        if self.limit > MAX_LIMIT {
            return Err(Error::Invalid(format!(
                "limit {} is too large: ask for at most {MAX_LIMIT} hits and page with offset",
                self.limit
            )));
        }
        if self.offset > MAX_OFFSET {
            return Err(Error::Invalid(format!(
                "offset {} is too deep: pages go to offset {MAX_OFFSET}; \
                 narrow the query with filters or dates instead",
                self.offset
            )));
        }
        self.filters.check()
    }
}

/// Checks that `query` is within the limits on length, words and nesting.
pub fn check_query(query: &str) -> Result<(), Error> {
    if query.len() > MAX_QUERY_BYTES {
        return Err(Error::Invalid(format!(
            "the query is {} bytes long; the limit is {MAX_QUERY_BYTES}: shorten it, or split it \
             into several searches",
            query.len()
        )));
    }
    let depth = nesting(query);
    if depth > query::MAX_DEPTH {
        return Err(Error::Invalid(format!(
            "the query nests parentheses {depth} deep; the limit is {}: remove the extra \
             parentheses",
            query::MAX_DEPTH
        )));
    }
    let terms = query::parse(query).root.as_ref().map_or(0, count_terms);
    if terms > MAX_QUERY_TERMS {
        return Err(Error::Invalid(format!(
            "the query holds {terms} words and filters; the limit is {MAX_QUERY_TERMS}: \
             split it into several searches"
        )));
    }
    Ok(())
}

/// How deep parentheses outside quotes nest.
fn nesting(query: &str) -> usize {
    let (mut depth, mut deepest, mut quoted) = (0usize, 0usize, false);
    for c in query.chars() {
        match c {
            '"' | '“' | '”' => quoted = !quoted,
            '(' if !quoted => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' if !quoted => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The terms a query tree looks up: a word each, a phrase's words, a filter.
fn count_terms(node: &Node) -> usize {
    match node {
        Node::Word { .. } | Node::Prefix { .. } | Node::Keyword { .. } | Node::Dates { .. } => 1,
        Node::Phrase { text, .. } => text.split_whitespace().count().max(1),
        Node::And(children) | Node::Or(children) => children.iter().map(count_terms).sum(),
        Node::Not(inner) => count_terms(inner),
    }
}
