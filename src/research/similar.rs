//! Similar articles: the articles most like one article, by the words that
//! characterise it and the people it names.
//!
//! The article's title and body are analysed as the index analyses them;
//! each word is weighed as BM25 weighs a term, by how often the article
//! uses it (saturating) and how rare it is in the archive, and the best
//! [`MAX_TERMS`] become one query of boosted terms, with the article's
//! people as boosted exact terms. The article itself, its copies (its
//! story) and the pages an aggregator linked it to are left out.
//!
//! The cost is bounded by one article, not by the archive: one stored
//! article read and analysed (up to
//! [`MAX_ANALYSED_BYTES`](super::words::MAX_ANALYSED_BYTES)), a
//! document-frequency lookup for each of its distinct words, a search for
//! at most [`MAX_TERMS`] words and its people, and the `limit` hits read
//! and analysed again to say what they share.

use std::collections::HashSet;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, Score, Searcher, TantivyDocument, Term};

use super::words::{Words, doc_freqs};
use crate::article::{Article, ArticleId};
use crate::index::{NewsIndex, StoryId, analyzer};
use crate::search::compile::Compiler;
use crate::search::{Check, Error, Valid, with_directory_names};
use crate::text::names::name_key;

/// The most similar articles one request may ask for.
pub const MAX_LIMIT: usize = 50;
/// How many similar articles a request lists unless it says otherwise.
pub const DEFAULT_LIMIT: usize = 10;

/// Which article to find others like, and how many.
#[derive(Debug, Clone)]
pub struct SimilarRequest {
    pub id: ArticleId,
    pub limit: usize,
}

impl Check for SimilarRequest {
    /// At most [`MAX_LIMIT`] articles.
    fn check(&self) -> Result<(), Error> {
        if self.limit > MAX_LIMIT {
            return Err(Error::Invalid(format!(
                "limit {} is too large: ask for at most {MAX_LIMIT} similar articles",
                self.limit
            )));
        }
        Ok(())
    }
}

/// How many of the article's words the search looks for: enough to pin
/// down a topic, few enough for the search to cost what a long query does.
pub const MAX_TERMS: usize = 25;

/// A word in more than this share of the archive says nothing of what an
/// article is about.
const MAX_DOC_SHARE: f64 = 0.5;

/// BM25's saturation of a word's count: its tenth use says little more
/// than its third.
const K1: f64 = 1.2;

/// A person in common counts as much as this many of the best words.
const PEOPLE_BOOST: Score = 2.0;

/// How many shared words each hit lists.
const SHARED_TERMS: usize = 8;

/// An article like the one asked about.
#[derive(Debug, Clone)]
pub struct SimilarHit {
    pub article: Article,
    pub score: Score,
    /// The people both name, as the directory names them.
    pub people: Vec<String>,
    /// The words both use, most characteristic first.
    pub terms: Vec<String>,
}

/// The answer: what was looked for, and what was found.
#[derive(Debug, Clone)]
pub struct Similar {
    /// The article's words that were looked for, most characteristic first.
    pub terms: Vec<String>,
    pub hits: Vec<SimilarHit>,
}

/// A word of the article, weighed.
struct Weighed {
    stem: String,
    form: String,
    weight: f64,
}

/// The `limit` articles most like the article `id`; `None` when no article
/// has that id.
pub fn similar(
    index: &NewsIndex,
    request: &Valid<SimilarRequest>,
) -> Result<Option<Similar>, Error> {
    let (id, limit) = (&request.id, request.limit);
    let snapshot = index.snapshot()?;
    let (searcher, people) = (&snapshot.searcher, &snapshot.people);
    let fields = *index.fields();
    let Some(address) = address_of(searcher, fields.id, id)? else {
        return Ok(None);
    };
    let doc: TantivyDocument = searcher.doc(address)?;
    let article = with_directory_names(fields.to_article(&doc), people);
    let story = StoryId::read(&fields, &doc).unwrap_or_else(|| StoryId::of(id));

    let mut english = index.analyzer(analyzer::ENGLISH);
    let words = Words::of_article(&mut english, article.title.as_deref(), &article.body);
    let weighed = weigh(searcher, fields.body, words)?;

    let term = |field: Field, stem: &str| -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, stem),
            IndexRecordOption::WithFreqs,
        ))
    };
    let best = weighed.first().map_or(1.0, |w| w.weight);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for word in &weighed {
        let boost = (word.weight / best) as Score;
        for field in [fields.title, fields.body] {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(term(field, &word.stem), boost)),
            ));
        }
    }
    let mut compiler = Compiler::new(index, people.clone());
    for person in &article.people {
        let query = compiler.keyword(fields.people, person);
        clauses.push((
            Occur::Should,
            Box::new(BoostQuery::new(query, PEOPLE_BOOST)),
        ));
    }
    if clauses.is_empty() {
        // Nothing to go by: an article of function words and numbers.
        return Ok(Some(Similar {
            terms: Vec::new(),
            hits: Vec::new(),
        }));
    }
    // Itself and its copies; the pages appended to it; the page it was
    // appended to.
    clauses.push((
        Occur::MustNot,
        Box::new(TermQuery::new(
            Term::from_field_u64(fields.story, story.0),
            IndexRecordOption::Basic,
        )),
    ));
    clauses.push((Occur::MustNot, term(fields.id, id.as_str())));
    clauses.push((Occur::MustNot, term(fields.parent, id.as_str())));
    if let Some(parent) = &article.parent {
        clauses.push((Occur::MustNot, term(fields.id, parent.as_str())));
    }
    let query = BooleanQuery::new(clauses);
    let found = searcher.search(&query, &TopDocs::with_limit(limit.max(1)).order_by_score())?;

    let own_people: HashSet<String> = article.people.iter().map(|p| name_key(p)).collect();
    let mut hits = Vec::with_capacity(found.len());
    for (score, address) in found.into_iter().take(limit) {
        let doc: TantivyDocument = searcher.doc(address)?;
        let other = with_directory_names(fields.to_article(&doc), people);
        let theirs = Words::of_article(&mut english, other.title.as_deref(), &other.body);
        let (people, terms) = in_common(&own_people, &other, &theirs, &weighed);
        hits.push(SimilarHit {
            article: other,
            score,
            people,
            terms,
        });
    }
    Ok(Some(Similar {
        terms: weighed.into_iter().map(|word| word.form).collect(),
        hits,
    }))
}

/// What a similar article has in common with the one asked about: the
/// people both name (`own_people` by key), and the words both use, most
/// characteristic first (`theirs` are its words).
fn in_common(
    own_people: &HashSet<String>,
    other: &Article,
    theirs: &Words,
    weighed: &[Weighed],
) -> (Vec<String>, Vec<String>) {
    let people: Vec<String> = other
        .people
        .iter()
        .filter(|person| own_people.contains(&name_key(person)))
        .cloned()
        .collect();
    // The words of the people in common are listed as the people.
    let names: HashSet<String> = people
        .iter()
        .flat_map(|person| {
            name_key(person)
                .split(' ')
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let terms = weighed
        .iter()
        .filter(|word| theirs.stems.contains_key(&word.stem) && !names.contains(&word.form))
        .take(SHARED_TERMS)
        .map(|word| word.form.clone())
        .collect();
    (people, terms)
}

/// Where the article `id` is.
fn address_of(
    searcher: &Searcher,
    field: Field,
    id: &ArticleId,
) -> Result<Option<DocAddress>, Error> {
    let query = TermQuery::new(
        Term::from_field_text(field, id.as_str()),
        IndexRecordOption::Basic,
    );
    let found = searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?;
    Ok(found.first().map(|(_, address)| *address))
}

/// The [`MAX_TERMS`] words of `words` that say most about it, best first:
/// each weighed by its saturated count times its BM25 idf in `field`.
/// Words no other article uses cannot find one, and words in most articles
/// say nothing; both are left out.
fn weigh(searcher: &Searcher, field: Field, words: Words) -> Result<Vec<Weighed>, Error> {
    let archive = searcher.num_docs() as f64;
    let stems: Vec<&str> = words.stems.keys().map(String::as_str).collect();
    let counts = doc_freqs(searcher, field, &stems)?;
    let mut weighed = Vec::new();
    for ((stem, counted), articles) in words.stems.iter().zip(counts) {
        let articles = articles as f64;
        if articles < 2.0 || articles > MAX_DOC_SHARE * archive {
            continue;
        }
        let idf = (1.0 + (archive - articles + 0.5) / (articles + 0.5)).ln();
        let count = f64::from(counted.count);
        let weight = count * (K1 + 1.0) / (count + K1) * idf;
        weighed.push(Weighed {
            form: counted.form().to_string(),
            stem: stem.clone(),
            weight,
        });
    }
    weighed.sort_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.stem.cmp(&b.stem))
    });
    weighed.truncate(MAX_TERMS);
    Ok(weighed)
}
