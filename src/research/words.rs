//! Words: the content words of an article's text as the index holds them
//! (stems), counted, each with the form a reader would recognise.
//!
//! Similar articles and significant terms both weigh an article's stems
//! against the archive; both show words, not stems: "negotiations", not
//! "negoti".

use std::borrow::Cow;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Searcher, Term};

use crate::search::snippet::floor_boundary;

/// How much of a text is analysed, in bytes: far more than any news
/// article's body, so that one huge document costs a request no more than a
/// long article does. What an article is about is said long before this.
pub const MAX_ANALYSED_BYTES: usize = 32 * 1024;

/// English function words: frequent in every newsroom's text and never what
/// an article is about. Compared with the lowercase, unstemmed word.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "down",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
];

/// [`STOP_WORDS`] as a set: every word of every analysed text is looked up.
static STOP_SET: LazyLock<FxHashSet<&'static str>> =
    LazyLock::new(|| STOP_WORDS.iter().copied().collect());

/// Whether `word` (lowercase, unstemmed) can say what a text is about: not
/// a function word, not a number, not a lone letter.
pub fn is_content_word(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).nth(1).is_some() && !STOP_SET.contains(word)
}

/// One stem of a text: how often it occurs, and in which forms.
#[derive(Debug, Clone, Default)]
pub struct Stem {
    pub count: u32,
    forms: FxHashMap<String, u32>,
}

impl Stem {
    /// The commonest form, the shorter (then the first in order) of equally
    /// common ones.
    pub fn form(&self) -> &str {
        self.forms
            .iter()
            .max_by(|(a, m), (b, n)| m.cmp(n).then(b.len().cmp(&a.len())).then(b.cmp(a)))
            .map_or("", |(form, _)| form)
    }

    /// Adds the occurrences of `other`, a count of the same stem.
    pub fn merge(&mut self, other: &Stem) {
        self.count += other.count;
        for (form, n) in &other.forms {
            *self.forms.entry(form.clone()).or_default() += n;
        }
    }
}

/// The content words of some texts, by stem.
#[derive(Debug, Clone, Default)]
pub struct Words {
    pub stems: FxHashMap<String, Stem>,
}

impl Words {
    /// Analyses `text` (its first [`MAX_ANALYSED_BYTES`]) with `analyzer`,
    /// counting every word `weight` times.
    pub fn add(&mut self, analyzer: &mut TextAnalyzer, text: &str, weight: u32) {
        let text = &text[..floor_boundary(text, text.len().min(MAX_ANALYSED_BYTES))];
        // Most tokens repeat a word already met: they are counted without
        // allocating anything.
        analyzer.token_stream(text).process(&mut |token| {
            let raw = &text[token.offset_from..token.offset_to];
            let form = if raw.chars().any(char::is_uppercase) {
                Cow::Owned(raw.to_lowercase())
            } else {
                Cow::Borrowed(raw)
            };
            if !is_content_word(&form) {
                return;
            }
            let stem = match self.stems.get_mut(token.text.as_str()) {
                Some(stem) => stem,
                None => self.stems.entry(token.text.clone()).or_default(),
            };
            stem.count += weight;
            match stem.forms.get_mut(form.as_ref()) {
                Some(count) => *count += weight,
                None => {
                    stem.forms.insert(form.into_owned(), weight);
                }
            }
        });
    }

    /// The content words of an article's title and body; the title's count
    /// twice, as a search weighs them.
    pub fn of_article(analyzer: &mut TextAnalyzer, title: Option<&str>, body: &str) -> Words {
        let mut words = Words::default();
        if let Some(title) = title {
            words.add(analyzer, title, 2);
        }
        words.add(analyzer, body, 1);
        words
    }
}

/// How many articles of the archive `searcher` sees hold each of `stems`
/// in `field`: one pass over the segments, each segment's term dictionary
/// looked up once a stem.
pub fn doc_freqs(searcher: &Searcher, field: Field, stems: &[&str]) -> tantivy::Result<Vec<u64>> {
    let terms: Vec<Term> = stems
        .iter()
        .map(|stem| Term::from_field_text(field, stem))
        .collect();
    let mut counts = vec![0u64; stems.len()];
    for segment in searcher.segment_readers() {
        let inverted = segment.inverted_index(field)?;
        for (count, term) in counts.iter_mut().zip(&terms) {
            *count += u64::from(inverted.doc_freq(term)?);
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analyzer;

    #[test]
    fn stems_are_counted_with_their_commonest_form() {
        let mut english = analyzer::english();
        let words = Words::of_article(
            &mut english,
            Some("Negotiations resume"),
            "The negotiations stalled; negotiators said negotiations would resume in 2025.",
        );
        let stem = &words.stems["negoti"];
        assert_eq!(stem.count, 2 + 2 + 1);
        assert_eq!(stem.form(), "negotiations");
        assert!(!words.stems.contains_key("the"));
        assert!(!words.stems.contains_key("2025"));
        assert!(words.stems.contains_key("stall"));
    }

    #[test]
    fn long_texts_are_cut_at_a_char_boundary() {
        let mut english = analyzer::english();
        // Four bytes a word after three: the limit falls inside an "é".
        let text = format!("abc{}", "ée ".repeat(MAX_ANALYSED_BYTES));
        assert!(!text.is_char_boundary(MAX_ANALYSED_BYTES));
        let mut words = Words::default();
        words.add(&mut english, &text, 1);
        let counted: u32 = words.stems.values().map(|stem| stem.count).sum();
        // The words before the cut, the first being "abcée".
        assert_eq!(counted, (MAX_ANALYSED_BYTES / 4 - 1) as u32);
    }
}
