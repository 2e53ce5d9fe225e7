//! Significant terms: the words that set the articles a search matches
//! apart from the whole archive ("turbines" and "offshore" for `wind farm`,
//! where "council" is everywhere).
//!
//! As Elasticsearch's `significant_text` does it: a sample of the best
//! matches is analysed again, and each word's share of the sample (the
//! foreground) is weighed against its share of the archive (the background,
//! from the index's document frequencies) with the JLH score, which favours
//! words both common in the sample and much commoner there than elsewhere.
//!
//! The cost is bounded whatever a search matches: at most [`SAMPLE_SIZE`]
//! stored articles are read and analysed (each up to
//! [`MAX_ANALYSED_BYTES`](super::words::MAX_ANALYSED_BYTES)), and at most
//! [`MAX_CANDIDATES`] words have their document frequency looked up.
//!
//! [`search`] answers a search with its significant terms, both from one
//! state of the index.

use std::collections::HashSet;
use std::time::Instant;

use rustc_hash::FxHashMap;
use tantivy::collector::TopDocs;
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{Searcher, TantivyDocument};

use super::words::{MAX_ANALYSED_BYTES, Stem, Words, doc_freqs};
use crate::index::{NewsIndex, StoryId, analyzer};
use crate::search::compile::Terms;
use crate::search::{Check, Error, SearchRequest, SearchResults, Valid, matching, ranked};

/// The most significant terms one search may ask for.
pub const MAX_TERMS: usize = 50;

/// How many of the best matches are analysed: enough to tell a topic's
/// words from chance, few enough to read in a few milliseconds.
pub const SAMPLE_SIZE: usize = 100;

/// How many of the sample's words, the commonest in it first, are weighed
/// against the archive.
pub const MAX_CANDIDATES: usize = 1_000;

/// In how many sampled articles a word must be at least: one article's
/// pet word is not what a result is about. A narrow search (a sample under
/// [`NARROW_SAMPLE`] articles) needs only two.
const MIN_ARTICLES: u64 = 3;
const NARROW_SAMPLE: usize = 50;

/// A word that sets the matching articles apart.
#[derive(Debug, Clone, PartialEq)]
pub struct SignificantTerm {
    /// The commonest form of the word in the sample.
    pub value: String,
    /// The sampled articles that hold it (copies of one story counted once).
    pub count: u64,
    /// Its JLH score: the more positive, the more distinctive.
    pub score: f64,
}

/// A search, checked already, and how many of its significant terms to
/// find.
#[derive(Debug, Clone)]
pub struct TermsRequest {
    pub search: Valid<SearchRequest>,
    /// 0 finds none.
    pub terms: usize,
}

impl Check for TermsRequest {
    /// The number of terms.
    fn check(&self) -> Result<(), Error> {
        if self.terms > MAX_TERMS {
            return Err(Error::Invalid(format!(
                "terms {} is too many: ask for at most {MAX_TERMS} significant terms",
                self.terms
            )));
        }
        Ok(())
    }
}

/// A search's results and its `terms` most significant terms, from one
/// state of the index.
pub fn search(
    index: &NewsIndex,
    request: &Valid<TermsRequest>,
) -> Result<(SearchResults, Vec<SignificantTerm>), Error> {
    let started = Instant::now();
    let snapshot = index.snapshot()?;
    let (searcher, people) = (&snapshot.searcher, &snapshot.people);
    let search = &request.search;
    let matched = matching(index, people.clone(), &search.query, &search.filters);
    let terms = match request.terms {
        0 => Vec::new(),
        size => terms(index, searcher, &*matched.query, &matched.highlight, size)?,
    };
    let results = ranked(index, searcher, people, matched, search, started)?;
    Ok((results, terms))
}

/// The `size` most significant terms of the matches of `query`, leaving
/// out the query's own words.
pub fn terms(
    index: &NewsIndex,
    searcher: &Searcher,
    query: &dyn Query,
    own: &Terms,
    size: usize,
) -> Result<Vec<SignificantTerm>, Error> {
    let sample = searcher.search(query, &TopDocs::with_limit(SAMPLE_SIZE).order_by_score())?;
    if sample.is_empty() || size == 0 {
        return Ok(Vec::new());
    }
    let fields = index.fields();
    let mut english = index.analyzer(analyzer::ENGLISH);
    // Per stem: the sampled articles holding it, and its forms.
    let mut foreground: FxHashMap<String, (u64, Stem)> = FxHashMap::default();
    // Copies of one story would make its every word look significant: each
    // story counts once, and each paragraph once, so that copies not (yet)
    // grouped into a story, and articles that reuse a wire story's
    // paragraphs, add only what they say anew.
    let mut stories = HashSet::new();
    let mut paragraphs = HashSet::new();
    let mut sampled = 0usize;
    for (_, address) in &sample {
        let doc: TantivyDocument = searcher.doc(*address)?;
        if StoryId::read(fields, &doc).is_some_and(|story| !stories.insert(story)) {
            continue;
        }
        let text = |field| doc.get_first(field).and_then(|v| v.as_str());
        let fresh: Vec<&str> = text(fields.title)
            .into_iter()
            .chain(text(fields.body).unwrap_or_default().split("\n\n"))
            .filter(|paragraph| paragraphs.insert(blake3::hash(paragraph.trim().as_bytes())))
            .collect();
        if fresh.is_empty() {
            continue;
        }
        sampled += 1;
        let mut words = Words::default();
        let mut analysed = 0;
        for paragraph in fresh {
            if analysed >= MAX_ANALYSED_BYTES {
                break;
            }
            words.add(&mut english, paragraph, 1);
            analysed += paragraph.len();
        }
        for (stem, counted) in words.stems {
            let (articles, forms) = foreground.entry(stem).or_default();
            *articles += 1;
            forms.merge(&counted);
        }
    }
    let min_articles = if sampled < NARROW_SAMPLE {
        2
    } else {
        MIN_ARTICLES
    };
    let mut candidates: Vec<(String, u64, Stem)> = foreground
        .into_iter()
        .filter(|(stem, (articles, _))| *articles >= min_articles && !is_own(own, stem))
        .map(|(stem, (articles, forms))| (stem, articles, forms))
        .collect();
    candidates.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    candidates.truncate(MAX_CANDIDATES);

    let sampled = sampled as f64;
    let archive = searcher.num_docs().max(1) as f64;
    let stems: Vec<&str> = candidates
        .iter()
        .map(|(stem, _, _)| stem.as_str())
        .collect();
    let backgrounds = doc_freqs(searcher, fields.body, &stems)?;
    let mut found = Vec::new();
    for ((_, articles, forms), background) in candidates.iter().zip(backgrounds) {
        let (articles, background) = (*articles, background.max(*articles) as f64);
        let score = jlh(articles as f64 / sampled, background / archive);
        if score > 0.0 {
            found.push(SignificantTerm {
                value: forms.form().to_string(),
                count: articles,
                score,
            });
        }
    }
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.value.cmp(&b.value))
    });
    found.truncate(size);
    Ok(found)
}

/// The JLH score of a word in `foreground` of the sample and `background`
/// of the archive: the rise in share times the ratio of the shares; zero
/// for a word no commoner in the sample than elsewhere.
fn jlh(foreground: f64, background: f64) -> f64 {
    if foreground <= background || background <= 0.0 {
        return 0.0;
    }
    (foreground - background) * (foreground / background)
}

/// Whether the query itself looks for `stem`: a word of it, a word of one
/// of its phrases, or a stem one of its prefixes begins.
fn is_own(own: &Terms, stem: &str) -> bool {
    own.words.contains(stem)
        || own.phrases.iter().flatten().any(|word| word == stem)
        || own.prefixes.iter().any(|prefix| stem.starts_with(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jlh_favours_words_common_in_the_sample_and_rare_elsewhere() {
        let topical = jlh(0.5, 0.01);
        let rare_but_scarce = jlh(0.02, 0.0001);
        let everywhere = jlh(0.9, 0.85);
        assert!(topical > rare_but_scarce, "{topical} {rare_but_scarce}");
        assert!(
            rare_but_scarce > everywhere,
            "{rare_but_scarce} {everywhere}"
        );
        assert_eq!(jlh(0.1, 0.2), 0.0);
    }

    #[test]
    fn the_querys_own_words_phrases_and_prefixes_are_left_out() {
        let own = Terms {
            words: ["ferri".to_string()].into_iter().collect(),
            phrases: vec![vec!["wind".to_string(), "farm".to_string()]],
            prefixes: vec!["negot".to_string()],
        };
        for stem in ["ferri", "farm", "negoti"] {
            assert!(is_own(&own, stem), "{stem}");
        }
        assert!(!is_own(&own, "island"));
    }

    /// The five most significant terms of a search for `query`.
    fn significant(index: &NewsIndex, query: &str) -> Vec<SignificantTerm> {
        let plain = SearchRequest {
            query: query.to_string(),
            ..Default::default()
        };
        let request = TermsRequest {
            search: plain.validate().unwrap(),
            terms: 5,
        };
        search(index, &request.validate().unwrap()).unwrap().1
    }

    #[test]
    fn a_search_about_a_topic_surfaces_its_words_not_the_query_or_function_words() {
        use crate::article::Article;
        use crate::index::WriterOptions;
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.writer(WriterOptions::default()).unwrap();
        let texts = [
            "The ferry to the island sailed late; the island harbour was full of ferry passengers.",
            "Ferry fares to the island rise again, the ferry operator said on Monday.",
            "A storm kept the island ferry in port for a third day.",
            "The council said the library would open on Monday.",
            "The council budget for roads was approved on Monday.",
            "Schools open again after the holiday, the council said.",
        ];
        for (i, body) in texts.iter().enumerate() {
            let article = Article::bare(&format!("a{i}"), body);
            writer.add(&article).unwrap();
        }
        writer.commit().unwrap();
        let terms = significant(&index, "ferry");
        let words: Vec<&str> = terms.iter().map(|t| t.value.as_str()).collect();
        assert_eq!(words.first(), Some(&"island"), "{words:?}");
        for unwanted in ["ferry", "the", "to", "monday", "said"] {
            assert!(!words.contains(&unwanted), "{unwanted} in {words:?}");
        }
        assert_eq!(terms[0].count, 3);
    }

    #[test]
    fn copies_of_one_text_count_once() {
        use crate::article::Article;
        use crate::index::WriterOptions;
        let index = NewsIndex::in_memory().unwrap();
        let mut writer = index.writer(WriterOptions::default()).unwrap();
        let copied =
            "The ferry captain praised the lighthouse keepers.\n\nGulls nested on the pier.";
        let texts = [
            copied,
            copied,
            copied,
            "The island ferry sailed late.",
            "The island ferry was full.",
            "The council met on Monday.",
            "Schools open after the holiday.",
        ];
        for (i, body) in texts.iter().enumerate() {
            // Each its own story, as copies are until they are grouped.
            writer.add(&Article::bare(&format!("a{i}"), body)).unwrap();
        }
        writer.commit().unwrap();
        let terms = significant(&index, "ferry");
        let words: Vec<&str> = terms.iter().map(|t| t.value.as_str()).collect();
        // The copied words are in one text, once: below the minimum of two.
        assert_eq!(words, ["island"]);
    }
}
