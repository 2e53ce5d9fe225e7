//! Articles by id: one whole, with the pages an aggregator linked it to,
//! and its body marked where a query matches it.

use tantivy::collector::TopDocs;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{TantivyDocument, Term};

use super::compile::Compiler;
use super::error::Error;
use super::query;
use super::snippet::Highlighter;
use crate::article::{Article, ArticleId};
use crate::index::{NewsIndex, People, analyzer};

/// The article `id`, whole.
pub fn article(index: &NewsIndex, id: &ArticleId) -> Result<Option<Article>, Error> {
    let fields = index.fields();
    Ok(by_term(index, fields.id, id.as_str(), 1)?.pop())
}

/// The article `id` with its people as the directory names them.
fn article_for_display(index: &NewsIndex, id: &ArticleId) -> Result<Option<Article>, Error> {
    let people = index.snapshot()?.people.clone();
    Ok(article(index, id)?.map(|a| with_directory_names(a, &people)))
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
    let people = index.snapshot()?.people.clone();
    let parsed = query::parse(query);
    let compiled = Compiler::new(index, people).compile(parsed.root.as_ref());
    let mut highlighter = Highlighter::new(index.analyzer(analyzer::ENGLISH), compiled.highlight);
    Ok(highlighter.highlight_all(body))
}

/// An article's people as the directory names them, each once: its
/// confirmed names, and the unconfirmed ones the directory places.
pub fn with_directory_names(mut article: Article, people: &People) -> Article {
    article.people = people.resolve(&article.people, &article.unconfirmed_people);
    article.unconfirmed_people.clear();
    article
}
