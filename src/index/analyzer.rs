//! The text analysers of the schema.
//!
//! tantivy does not store analysers in the index, so [`register`] must run
//! every time an index is opened or created, before anything is indexed or
//! searched; `NewsIndex` does this.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenStream, Tokenizer, TokenizerManager,
};

use crate::article::name_key;

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
        .filter(Stemmer::new(Language::English))
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
