//! Search: from a query and filters to ranked hits, snippets and facets.
//!
//! Plain types in and out; nothing here knows HTTP or JSON. Each call takes a
//! fresh searcher from the index's one reader, so it sees the last commit.
//!
//! - [`query`] parses the query language into a tree (pure code);
//! - [`compile`] turns the tree into a tantivy query;
//! - [`facets`] counts outlets, people and days over the whole result;
//! - [`collapse`] counts copies of one story once;
//! - [`person`] gathers a person's page from the same counts, and quotes;
//! - [`snippet`] cuts and marks the fragments shown with each hit;
//! - [`timeline`] counts several queries by day, week or month;
//! - [`significant`] finds the words that set a result apart;
//! - [`similar`] finds the articles most like one article;
//! - [`export`] hands over every match, one article at a time.

pub mod collapse;
pub mod compile;
pub mod export;
pub mod facets;
pub mod person;
pub mod query;
pub mod significant;
pub mod similar;
pub mod snippet;
pub mod timeline;
mod words;

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::civil::Date;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use crate::article::{Article, ArticleId};
use crate::index::{self, NewsIndex, People, analyzer};
pub use collapse::{Collapse, Copies};
use compile::{Compiler, Terms};
use facets::{FacetCollector, FacetCounts, top};
use query::Node;
use snippet::Highlighter;

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
/// How many outlets and people the facets list.
pub const FACET_SIZE: usize = 20;
/// Snippets per hit.
pub const SNIPPETS_PER_HIT: usize = 3;

/// What failed in a search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request itself is wrong; the message says how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Index(#[from] index::Error),
}

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Error {
        Error::Index(index::Error::Tantivy(err))
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

/// A search: the query language text plus filters and paging.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    /// Any of these outlets (exact, ignoring case).
    pub outlets: Vec<String>,
    /// Any of these people (exact, ignoring case).
    pub people: Vec<String>,
    /// Published on or after this day.
    pub from: Option<Date>,
    /// Published on or before this day.
    pub to: Option<Date>,
    pub sort: Sort,
    pub limit: usize,
    pub offset: usize,
    /// How finely the date facet counts.
    pub histogram: Histogram,
    /// One hit per story, and counts of stories rather than articles.
    pub collapse: Collapse,
    /// How many significant terms to find; 0 finds none.
    pub terms: usize,
}

impl Default for SearchRequest {
    fn default() -> SearchRequest {
        SearchRequest {
            query: String::new(),
            outlets: Vec::new(),
            people: Vec::new(),
            from: None,
            to: None,
            sort: Sort::Relevance,
            limit: 10,
            offset: 0,
            histogram: Histogram::Month,
            collapse: Collapse::None,
            terms: 0,
        }
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

impl SearchRequest {
    /// Checks the query's size, the paging and the date range.
    pub fn validate(&self) -> Result<(), Error> {
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
        if self.terms > significant::MAX_TERMS {
            return Err(Error::Invalid(format!(
                "terms {} is too many: ask for at most {} significant terms",
                self.terms,
                significant::MAX_TERMS
            )));
        }
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

/// One ranked article.
#[derive(Debug, Clone)]
pub struct Hit {
    pub article: Article,
    pub score: Score,
    pub snippets: Vec<String>,
    /// With [`Collapse::Story`]: the matching copies of the hit's story.
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
    /// The words that set the matches apart, with `terms`.
    pub terms: Vec<significant::SignificantTerm>,
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

/// Runs `request` against the last commit of `index`.
pub fn search(index: &NewsIndex, request: &SearchRequest) -> Result<SearchResults, Error> {
    let started = Instant::now();
    request.validate()?;
    let searcher = index.searcher();
    let people = index.people(&searcher)?;
    let Matching {
        query,
        scored,
        highlight,
        warnings,
    } = matching(index, people.clone(), request);
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
        Collapse::None => collect(&searcher, &*query, sort, limit, offset, facets)?,
        Collapse::Story => {
            collapse::collect(&searcher, &*query, sort, limit, offset, facets)?.into()
        }
    };
    let terms = match request.terms {
        0 => Vec::new(),
        size => significant::terms(index, &searcher, &*query, &highlight, size)?,
    };
    let fields = index.fields();
    let mut highlighter = Highlighter::new(index.analyzer(analyzer::ENGLISH), highlight);
    let mut hits = Vec::with_capacity(page.len());
    for (score, address, copies) in page {
        let doc: TantivyDocument = searcher.doc(address)?;
        let article = with_directory_names(fields.to_article(&doc), &people.directory);
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
        terms,
    };
    Ok(SearchResults {
        total,
        hits,
        facets,
        warnings,
        took: started.elapsed(),
    })
}

/// What a request matches, as one query, and what its words look for.
struct Matching {
    query: Box<dyn Query>,
    /// Whether any of the query's words scores the matches.
    scored: bool,
    highlight: Terms,
    /// What the query parser had to repair or drop.
    warnings: Vec<String>,
}

/// The query of `request`'s words and filters together.
fn matching(index: &NewsIndex, people: Arc<People>, request: &SearchRequest) -> Matching {
    let parsed = query::parse(&request.query);
    let mut compiler = Compiler::new(index, people);
    let filters = filters(&mut compiler, request);
    let compiled = compiler.compile(parsed.root.as_ref());
    let mut warnings = parsed.warnings;
    warnings.extend(compiled.warnings);
    let query = filtered(compiled.query, filters);
    Matching {
        query,
        scored: compiled.scored,
        highlight: compiled.highlight,
        warnings,
    }
}

/// The request's filters as queries: any of the outlets, any of the
/// people, and the date range.
pub(crate) fn filters(compiler: &mut Compiler, request: &SearchRequest) -> Vec<Box<dyn Query>> {
    let fields = *compiler.fields();
    let mut filters: Vec<Box<dyn Query>> = Vec::new();
    for (values, field) in [
        (&request.outlets, fields.outlet),
        (&request.people, fields.people),
    ] {
        let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        let any: Vec<(Occur, Box<dyn Query>)> = values
            .into_iter()
            .map(|value| (Occur::Should, compiler.keyword(field, value)))
            .collect();
        filters.push(Box::new(BooleanQuery::new(any)));
    }
    if request.from.is_some() || request.to.is_some() {
        filters.push(compiler.dates(request.from, request.to));
    }
    filters
}

/// `query` narrowed by every one of `filters`.
fn filtered(query: Box<dyn Query>, filters: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if filters.is_empty() {
        return query;
    }
    let mut clauses = vec![(Occur::Must, query)];
    clauses.extend(filters.into_iter().map(|filter| (Occur::Must, filter)));
    Box::new(BooleanQuery::new(clauses))
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

/// The article `id`, whole.
pub fn article(index: &NewsIndex, id: &ArticleId) -> Result<Option<Article>, Error> {
    let fields = index.fields();
    Ok(by_term(index, fields.id, id.as_str(), 1)?.pop())
}

/// The article `id` with its people as the directory names them.
fn article_for_display(index: &NewsIndex, id: &ArticleId) -> Result<Option<Article>, Error> {
    let searcher = index.searcher();
    let people = index.people(&searcher)?;
    Ok(article(index, id)?.map(|a| with_directory_names(a, &people.directory)))
}

/// An article with the pages it is linked to by an aggregator: the page it
/// was appended to, and the articles appended to it.
#[derive(Debug, Clone)]
pub struct Linked {
    pub article: Article,
    pub parent: Option<Article>,
    /// In order of title (then id): the index keeps no order of its own
    /// that survives how ingest spread the articles over segments.
    pub appended: Vec<Article>,
}

/// How many appended articles one page may list.
const MAX_APPENDED: usize = 100;

pub fn linked(index: &NewsIndex, id: &ArticleId) -> Result<Option<Linked>, Error> {
    let Some(article) = article_for_display(index, id)? else {
        return Ok(None);
    };
    let parent = match &article.parent {
        Some(parent) => self::article(index, parent)?,
        None => None,
    };
    let mut appended = by_term(index, index.fields().parent, id.as_str(), MAX_APPENDED)?;
    appended.sort_by(|a, b| (&a.title, a.id.as_str()).cmp(&(&b.title, b.id.as_str())));
    Ok(Some(Linked {
        article,
        parent,
        appended,
    }))
}

/// Articles whose exact-value `field` holds `value`, in index order.
fn by_term(
    index: &NewsIndex,
    field: tantivy::schema::Field,
    value: &str,
    limit: usize,
) -> Result<Vec<Article>, Error> {
    let searcher = index.searcher();
    let query = TermQuery::new(
        Term::from_field_text(field, value),
        IndexRecordOption::Basic,
    );
    let found = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
    let mut articles = Vec::with_capacity(found.len());
    for (_, address) in found {
        let doc: TantivyDocument = searcher.doc(address)?;
        articles.push(index.fields().to_article(&doc));
    }
    Ok(articles)
}

/// `body` HTML-escaped, with every match of `query` in `<mark>…</mark>`,
/// as snippets are: how an article is shown as the answer to a search.
pub fn mark_matches(index: &NewsIndex, query: &str, body: &str) -> Result<String, Error> {
    let searcher = index.searcher();
    let people = index.people(&searcher)?;
    let parsed = query::parse(query);
    let compiled = Compiler::new(index, people).compile(parsed.root.as_ref());
    let mut highlighter = Highlighter::new(index.analyzer(analyzer::ENGLISH), compiled.highlight);
    Ok(highlighter.highlight_all(body))
}

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
    let searcher = index.searcher();
    let people = index.people(&searcher)?;
    let (articles, counts) = searcher.search(&AllQuery, &(Count, FacetCollector { people }))?;
    let span = counts.day_span();
    // Spellings that filter as one value count as one.
    let outlets = counts
        .outlets
        .keys()
        .map(|value| crate::text::names::name_key(value))
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    Ok(Stats {
        articles: articles as u64,
        outlets,
        people: counts.people_named() as u64,
        earliest: span.map(|(first, _)| first),
        latest: span.map(|(_, last)| last),
    })
}

/// An article's people as the directory names them, each once: its
/// confirmed names, and the unconfirmed ones the directory places.
pub(crate) fn with_directory_names(
    mut article: Article,
    directory: &crate::text::people::directory::Directory,
) -> Article {
    article.people = directory.resolve(&article.people, &article.unconfirmed_people);
    article.unconfirmed_people.clear();
    article
}
