//! The text analysers of the schema.
//!
//! tantivy does not store analysers in the index, so [`register`] must run
//! every time an index is opened or created, before anything is indexed or
//! searched; `NewsIndex` does this.

use std::cell::RefCell;

use compact_str::CompactString;
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token,
    TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

use crate::text::names::name_key;

/// Title and body: words, lowercased, folded to ASCII ("Zelenskyy's" and
/// "zelenskyy" meet; "café" finds "cafe"), and stemmed ("talks" finds "talk").
pub const ENGLISH: &str = "newsdesk_en";

/// Outlet and people: the whole value as one token, its [`name_key`]
/// folded to ASCII, so `outlet:"the independent"` finds "The Independent"
/// and `person:"Zelensky"` never finds "Zelenskyy".
pub const KEYWORD: &str = "newsdesk_keyword";

/// Words longer than this are not words (URLs, base64, runs of digits) and
/// would only bloat the term dictionary.
const MAX_TOKEN_BYTES: usize = 40;

pub fn english() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(CachedStemmer)
        .build()
}

/// The English analyser without stemming: how a prefix query (`negotiat*`)
/// is normalised, since a prefix is not a word and must not be stemmed.
pub fn english_unstemmed() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

pub fn keyword() -> TextAnalyzer {
    TextAnalyzer::builder(NameKeyTokenizer::default())
        .filter(AsciiFoldingFilter)
        .build()
}

/// Emits one token: the [`name_key`] of the whole value.
#[derive(Clone, Default)]
pub struct NameKeyTokenizer {
    token: Token,
}

pub struct NameKeyStream<'a> {
    token: &'a mut Token,
    pending: bool,
}

impl Tokenizer for NameKeyTokenizer {
    type TokenStream<'a> = NameKeyStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &str) -> NameKeyStream<'a> {
        self.token.reset();
        self.token.position = 0;
        self.token.position_length = 1;
        self.token.offset_from = 0;
        self.token.offset_to = text.len();
        self.token.text = name_key(text);
        NameKeyStream {
            pending: !self.token.text.is_empty(),
            token: &mut self.token,
        }
    }
}

impl TokenStream for NameKeyStream<'_> {
    fn advance(&mut self) -> bool {
        std::mem::replace(&mut self.pending, false)
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The Snowball English stemmer (what tantivy's `Stemmer` runs), with the
/// stems of the words each thread has met remembered: news text repeats its
/// words, and a lookup costs a fraction of stemming, which is otherwise the
/// largest part of indexing a body and of cutting its snippets.
#[derive(Clone, Copy, Default)]
pub struct CachedStemmer;

/// Words a thread remembers the stems of at most; past this it starts
/// afresh. News vocabulary fits, with room to spare.
const MAX_REMEMBERED_STEMS: usize = 200_000;

thread_local! {
    /// Words are short enough to be kept inline, so a lookup compares bytes
    /// in the table itself rather than following a pointer to each key.
    static STEMS: RefCell<(frostem::Stemmer, FxHashMap<CompactString, CompactString>)> = RefCell::new((
        frostem::Stemmer::new(frostem::Algorithm::English),
        FxHashMap::default(),
    ));
}

impl TokenFilter for CachedStemmer {
    type Tokenizer<T: Tokenizer> = CachedStemmerFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> CachedStemmerFilter<T> {
        CachedStemmerFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
pub struct CachedStemmerFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for CachedStemmerFilter<T> {
    type TokenStream<'a> = CachedStemmerStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CachedStemmerStream {
            tail: self.inner.token_stream(text),
        }
    }
}

pub struct CachedStemmerStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for CachedStemmerStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let text = &mut self.tail.token_mut().text;
        STEMS.with_borrow_mut(|(stemmer, stems)| {
            if let Some(stem) = stems.get(text.as_str()) {
                text.clear();
                text.push_str(stem);
                return;
            }
            let stem = CompactString::from(stemmer.stem(text));
            if stems.len() >= MAX_REMEMBERED_STEMS {
                stems.clear();
            }
            stems.insert(CompactString::from(text.as_str()), stem.clone());
            text.clear();
            text.push_str(&stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

pub fn register(tokenizers: &TokenizerManager) {
    tokenizers.register(ENGLISH, english());
    tokenizers.register(KEYWORD, keyword());
}

/// The tokens `analyzer` makes of `text`.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |token| out.push(token.text.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_folds_case_accents_and_endings() {
        assert_eq!(
            tokens(&mut english(), "Talks in Zürich: Zelenskyy's negotiations"),
            ["talk", "in", "zurich", "zelenskyy", "s", "negoti"]
        );
    }

    #[test]
    fn remembered_stems_are_the_stemmers_own() {
        use tantivy::tokenizer::{Language, Stemmer};
        let text = "Negotiations negotiated; negotiators negotiating generously, \
                    generously again: talks, talked, talking. Running runners ran.";
        let mut plain = TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
            .filter(LowerCaser)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(Language::English))
            .build();
        let expected = tokens(&mut plain, text);
        // Twice: once filling the cache, once reading from it.
        assert_eq!(tokens(&mut english(), text), expected);
        assert_eq!(tokens(&mut english(), text), expected);
    }

    #[test]
    fn keywords_stay_whole_without_case_punctuation_or_a_leading_the() {
        assert_eq!(tokens(&mut keyword(), "The Indépendent"), ["independent"]);
        assert_eq!(tokens(&mut keyword(), "independent."), ["independent"]);
        assert_eq!(
            tokens(&mut keyword(), "Jean-Luc  Picard"),
            ["jean luc picard"]
        );
        assert!(tokens(&mut keyword(), " - ").is_empty());
    }
}
