//! Words: the content words of an article's text as the index holds them
//! (stems), counted, each with the form a reader would recognise.
//!
//! Similar articles and significant terms both weigh an article's stems
//! against the archive; both show words, not stems: "negotiations", not
//! "negoti".

use rustc_hash::FxHashMap;
use tantivy::tokenizer::TextAnalyzer;

use super::snippet::floor_boundary;

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

/// Whether `word` (lowercase, unstemmed) can say what a text is about: not
/// a function word, not a number, not a lone letter.
pub fn is_content_word(word: &str) -> bool {
    word.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !STOP_WORDS.contains(&word)
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
        analyzer.token_stream(text).process(&mut |token| {
            let form = text[token.offset_from..token.offset_to].to_lowercase();
            if !is_content_word(&form) {
                return;
            }
            let stem = self.stems.entry(token.text.clone()).or_default();
            stem.count += weight;
            *stem.forms.entry(form).or_default() += weight;
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
