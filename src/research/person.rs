//! A person's page: how much the archive names them, where and when, who is
//! named with them, and what they said.
//!
//! Everything but the quotes comes from fast columns in two passes of the
//! facet collector: one over the person's articles (their outlets, months
//! and the people named with them), one over the whole archive for each
//! person's own article count (kept with the people directory until the
//! index changes; with filters, over the filtered articles each time). So
//! a page costs about what a search matching the same articles costs, and
//! no stored article is read for it. Quotes are the one exception: they
//! are read from the bodies of at most [`QUOTE_ARTICLES`] of the person's
//! newest articles.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query};
use tantivy::{DateTime, Order, Searcher, SegmentReader, TantivyDocument};

use crate::article::{Article, lede};
use crate::index::{NewsIndex, People, schema::names};
use crate::search::compile::Compiler;
use crate::search::facets::{FacetCollector, FacetCounts, top};
use crate::search::{
    Check, Error, FACET_SIZE, FacetValue, Filters, Histogram, Valid, with_directory_names,
};
use crate::text::names::name_key;
use crate::text::people::extract::Rules;
use crate::text::quotes::{self, Names};

/// The most articles whose bodies are read for quotes: the newest ones.
pub const QUOTE_ARTICLES: usize = 200;
/// The most quotes a page may ask for.
pub const MAX_QUOTES: usize = 50;
/// The most co-mentions a page may ask for.
pub const MAX_CO_MENTIONS: usize = 100;
/// People named together in fewer articles than this are not listed: one
/// shared article is as likely chance as a connection.
pub const MIN_SHARED: u64 = 2;
/// How many similar names an unknown name is answered with.
const SUGGESTIONS: usize = 5;

/// What to show of a person, and over which articles.
#[derive(Debug, Clone)]
pub struct PersonRequest {
    /// Any spelling the directory knows.
    pub name: String,
    /// Only the articles these leave: their people, the articles that also
    /// name any of them.
    pub filters: Filters,
    pub histogram: Histogram,
    /// How many people named with them to list.
    pub co_mentions: usize,
    /// How many quotes to list.
    pub quotes: usize,
}

impl Default for PersonRequest {
    fn default() -> PersonRequest {
        PersonRequest {
            name: String::new(),
            filters: Filters::default(),
            histogram: Histogram::Month,
            co_mentions: 10,
            quotes: 10,
        }
    }
}

impl Check for PersonRequest {
    /// The limits and the filters.
    fn check(&self) -> Result<(), Error> {
        if self.co_mentions > MAX_CO_MENTIONS {
            return Err(Error::Invalid(format!(
                "co_mentions {} is too large: ask for at most {MAX_CO_MENTIONS}",
                self.co_mentions
            )));
        }
        if self.quotes > MAX_QUOTES {
            return Err(Error::Invalid(format!(
                "quotes {} is too large: ask for at most {MAX_QUOTES}",
                self.quotes
            )));
        }
        self.filters.check()
    }
}

/// Someone named in the same articles as the person.
#[derive(Debug, Clone, PartialEq)]
pub struct CoMention {
    pub name: String,
    /// Articles naming both.
    pub shared: u64,
    /// Articles naming them, with or without the person.
    pub articles: u64,
    /// How much likelier they are named with the person than at random:
    /// `shared · N / (articles of the person · articles)`, N the articles
    /// counted. Above 1, together more often than chance.
    pub lift: f64,
}

/// A quote and the article it is in.
#[derive(Debug, Clone)]
pub struct PersonQuote {
    pub text: String,
    pub sentence: String,
    /// The article, with its body cut to what stands in for a missing
    /// title.
    pub article: Article,
}

#[derive(Debug, Clone)]
pub struct PersonProfile {
    /// The name the directory shows them under.
    pub name: String,
    /// Articles naming them (within the filters).
    pub articles: u64,
    /// The articles counted (the archive, or what the filters leave).
    pub universe: u64,
    /// Their articles by outlet, most first.
    pub outlets: Vec<FacetValue>,
    /// Their articles by month or day, oldest first.
    pub dates: Vec<FacetValue>,
    /// The people most significantly named with them, first first.
    pub co_mentions: Vec<CoMention>,
    /// Their quotes, newest article first.
    pub quotes: Vec<PersonQuote>,
    /// How many articles were read for quotes.
    pub quotes_read_from: usize,
    pub took: Duration,
}

/// The page of `request.name`, or `None` when the directory knows no
/// such person.
pub fn person(
    index: &NewsIndex,
    request: &Valid<PersonRequest>,
) -> Result<Option<PersonProfile>, Error> {
    let started = Instant::now();
    let snapshot = index.snapshot()?;
    let (searcher, people) = (&snapshot.searcher, &snapshot.people);
    let Some(id) = find(people, &request.name) else {
        return Ok(None);
    };
    let name = people.name(id).to_string();

    let mut compiler = Compiler::new(index, people.clone());
    let filters = compiler.filters(&request.filters);
    let mut clauses = vec![(Occur::Must, compiler.keyword(index.fields().people, &name))];
    clauses.extend(filters.iter().map(|f| (Occur::Must, f.box_clone())));
    let query = BooleanQuery::new(clauses);
    let newest = TopDocs::with_limit(QUOTE_ARTICLES)
        .order_by_fast_field::<DateTime>(names::PUBLISHED, Order::Desc);
    let collector = FacetCollector {
        people: people.clone(),
    };
    let (articles, counts, newest) = searcher.search(&query, &(Count, collector, newest))?;

    let (universe, totals) = totals(searcher, people, request, filters)?;
    let co_mentions = rank(people, id, &counts, &totals, universe, request.co_mentions);
    let value = |(value, count)| FacetValue { value, count };
    let outlets = top(&counts.outlets, FACET_SIZE)
        .into_iter()
        .map(value)
        .collect();
    let dates = match request.histogram {
        Histogram::Month => counts.months(),
        Histogram::Day => counts.days(),
    }
    .into_iter()
    .map(value)
    .collect();

    let addresses: Vec<_> = newest.into_iter().map(|(_, address)| address).collect();
    let (quotes, quotes_read_from) =
        read_quotes(index, searcher, people, id, &addresses, request.quotes)?;
    Ok(Some(PersonProfile {
        name,
        articles: articles as u64,
        universe,
        outlets,
        dates,
        co_mentions,
        quotes,
        quotes_read_from,
        took: started.elapsed(),
    }))
}

/// The person `name` names: as written, else without its titles ("Mr.
/// Zelensky", "President Volodymyr Zelensky").
fn find(directory: &People, name: &str) -> Option<usize> {
    directory.person(name).or_else(|| {
        let words: Vec<&str> = name.split_whitespace().collect();
        let rules = Rules::builtin();
        let mut start = 0;
        while start < words.len() {
            match rules.title_len(&words[start..]) {
                0 => break,
                n => start += n,
            }
        }
        (start > 0 && start < words.len())
            .then(|| directory.person(&words[start..].join(" ")))
            .flatten()
    })
}

/// The number of articles counted, and each person's articles among them,
/// by directory id.
fn totals(
    searcher: &Searcher,
    people: &Arc<People>,
    request: &PersonRequest,
    filters: Vec<Box<dyn Query>>,
) -> Result<(u64, Arc<Vec<u64>>), Error> {
    if request.filters.any() {
        let clauses = filters.into_iter().map(|f| (Occur::Must, f)).collect();
        let (n, totals) = per_person(searcher, people, &BooleanQuery::new(clauses))?;
        return Ok((n, Arc::new(totals)));
    }
    Ok((searcher.num_docs(), archive_counts(searcher, people)?))
}

/// Each person's articles in the whole archive, counted once for each
/// segment (see [`People::article_counts`]).
fn archive_counts(searcher: &Searcher, people: &Arc<People>) -> Result<Arc<Vec<u64>>, Error> {
    let counts = people.article_counts(searcher, |segment| segment_counts(people, segment))?;
    Ok(Arc::new(counts))
}

/// Each person's alive articles in one segment, by person.
fn segment_counts(people: &Arc<People>, segment: &SegmentReader) -> Result<Vec<u64>, Error> {
    let collector = FacetCollector {
        people: people.clone(),
    };
    let mut counting = collector.for_segment(0, segment)?;
    for doc in segment.doc_ids_alive() {
        counting.collect(doc, 0.0);
    }
    let counts = collector.merge_fruits(vec![counting.harvest()])?;
    let mut totals = vec![0; people.len()];
    for (person, count) in counts.people_counts() {
        if let Some(slot) = totals.get_mut(person) {
            *slot = count;
        }
    }
    Ok(totals)
}

/// How many articles `query` matches, and how many of them name each
/// person, by directory id.
fn per_person(
    searcher: &Searcher,
    people: &Arc<People>,
    query: &dyn Query,
) -> Result<(u64, Vec<u64>), Error> {
    let collector = FacetCollector {
        people: people.clone(),
    };
    let (n, counts) = searcher.search(query, &(Count, collector))?;
    let mut totals = vec![0; people.len()];
    for (person, count) in counts.people_counts() {
        if let Some(slot) = totals.get_mut(person) {
            *slot = count;
        }
    }
    Ok((n as u64, totals))
}

/// The people named with the person, most significant first.
///
/// Each is scored `shared · ln(lift)`: the articles they share, weighed by
/// how far above chance that is. Sharing many articles is not enough, since
/// someone named in nearly every article shares many with anyone (and
/// their lift is near or below 1, so their score is near or below 0); a
/// high lift is not enough either, since two people named once, together,
/// have the highest lift there is. People sharing fewer than
/// [`MIN_SHARED`] articles are left out.
fn rank(
    people: &People,
    person: usize,
    counts: &FacetCounts,
    totals: &[u64],
    universe: u64,
    limit: usize,
) -> Vec<CoMention> {
    let own = totals.get(person).copied().unwrap_or(0);
    let mut scored: Vec<(f64, CoMention)> = counts
        .people_counts()
        .filter(|&(other, shared)| other != person && shared >= MIN_SHARED)
        .map(|(other, shared)| {
            // At least the shared articles, whatever the totals say.
            let articles = totals.get(other).copied().unwrap_or(0).max(shared);
            let lift = lift(shared, own.max(shared), articles, universe);
            let mention = CoMention {
                name: people.name(other).to_string(),
                shared,
                articles,
                lift,
            };
            (shared as f64 * lift.ln(), mention)
        })
        .collect();
    scored.sort_by(|(a, x), (b, y)| {
        b.total_cmp(a)
            .then_with(|| y.shared.cmp(&x.shared))
            .then_with(|| x.name.cmp(&y.name))
    });
    scored.truncate(limit);
    scored.into_iter().map(|(_, mention)| mention).collect()
}

/// P(both) / (P(a) · P(b)) over `universe` articles.
pub fn lift(shared: u64, a: u64, b: u64, universe: u64) -> f64 {
    if a == 0 || b == 0 {
        return 0.0;
    }
    shared as f64 * universe as f64 / (a as f64 * b as f64)
}

/// The person's quotes in the articles at `addresses` (newest first), at
/// most `limit`, and how many articles were read to find them.
fn read_quotes(
    index: &NewsIndex,
    searcher: &Searcher,
    people: &People,
    person: usize,
    addresses: &[tantivy::DocAddress],
    limit: usize,
) -> Result<(Vec<PersonQuote>, usize), Error> {
    let directory = people;
    let names = Names::new(&directory.spellings(directory.name(person)));
    let mut found = Vec::new();
    let mut read = 0;
    for &address in addresses {
        if found.len() >= limit {
            break;
        }
        let doc: TantivyDocument = searcher.doc(address)?;
        read += 1;
        let article = index.fields().to_article(&doc);
        let others: Vec<&String> = article
            .people
            .iter()
            .chain(&article.unconfirmed_people)
            .filter(|name| directory.person(name) != Some(person))
            .collect();
        let others = Names::new(&others);
        let said = quotes::quotes(&article.body, &names, &others);
        if said.is_empty() {
            continue;
        }
        let shown = shown(article, directory);
        for quote in said.into_iter().take(limit - found.len()) {
            found.push(PersonQuote {
                text: quote.text,
                sentence: quote.sentence,
                article: shown.clone(),
            });
        }
    }
    Ok((found, read))
}

/// An article as a quote links to it: people as the directory names them,
/// and of the body only what stands in for a missing title.
fn shown(article: Article, directory: &People) -> Article {
    let mut article = with_directory_names(article, directory);
    article.body = match article.title {
        Some(_) => String::new(),
        None => lede(&article.body),
    };
    article
}

/// Names the directory knows that share a word with `name`, allowing a
/// typo or two ("Zelinski" finds Zelensky), the most written about first:
/// what an unknown name is answered with. Costs a pass over the directory,
/// only when a name is not found.
pub fn suggestions(index: &NewsIndex, name: &str) -> Result<Vec<String>, Error> {
    let snapshot = index.snapshot()?;
    let (searcher, people) = (&snapshot.searcher, &snapshot.people);
    let totals = archive_counts(searcher, people)?;
    let key = name_key(name);
    // A few words are enough to suggest from; a long text is no name.
    let words: Vec<&str> = key.split(' ').filter(|w| w.len() >= 3).take(4).collect();
    let directory = people;
    let mut similar: Vec<(u64, &str)> = (0..directory.len())
        .map(|person| {
            (
                totals.get(person).copied().unwrap_or(0),
                directory.name(person),
            )
        })
        .filter(|(_, candidate)| {
            name_key(candidate)
                .split(' ')
                .any(|word| words.iter().any(|w| alike(w, word)))
        })
        .collect();
    similar.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    Ok(similar
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, name)| name.to_string())
        .collect())
}

/// Whether two lowercase words are one with a typo: one edit apart, two in
/// words of five letters or more, or one the start of the other.
fn alike(typed: &str, known: &str) -> bool {
    let allowed = if typed.chars().count() >= 5 { 2 } else { 1 };
    (typed.len() >= 4 && known.starts_with(typed)) || edits(typed, known) <= allowed
}

/// The Levenshtein distance between two words.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lift_is_how_much_likelier_together_than_by_chance() {
        assert_eq!(lift(8, 20, 10, 100), 4.0);
        assert_eq!(lift(18, 20, 90, 100), 1.0);
        assert!(lift(15, 20, 90, 100) < 1.0);
        assert_eq!(lift(1, 0, 10, 100), 0.0);
    }

    #[test]
    fn typos_are_alike_and_other_names_are_not() {
        assert_eq!(edits("zelinski", "zelensky"), 2);
        assert!(alike("zelinski", "zelensky"));
        assert!(alike("zelen", "zelensky"));
        assert!(alike("trmp", "trump"));
        assert!(!alike("putin", "patten"));
        assert!(!alike("may", "macron"));
    }
}
