//! Person names in running text: a statistical named-entity recogniser.
//!
//! A first-order structured perceptron (averaged, Collins 2002) over word,
//! shape, affix, context and gazetteer features ([`features`]), decoded
//! with Viterbi ([`model`]), trained on CoNLL-2003 (by `newsdesk ner
//! train`, whose trainer and CoNLL reader are evaluation code outside this
//! layer).
//! It tags all four CoNLL types, since knowing what is a place or an
//! organisation keeps those out of the people; newsdesk keeps the people.
//!
//! The trained model (`model.bin`) is compiled into the binary and loaded
//! once. `newsdesk ner train` makes it again from the training data, which
//! stays outside the repository.

pub mod features;
pub mod model;
pub mod tokenize;

use std::ops::Range;
use std::sync::LazyLock;

use features::Word;
pub use model::Tagger;
use model::{Model, kind};

/// The model newsdesk ships, as trained by `newsdesk ner train`.
const BUILTIN: &[u8] = include_bytes!("model.bin");

/// The built-in model. It is part of the binary and checked by the tests,
/// so it always loads.
pub fn builtin() -> &'static Model {
    static MODEL: LazyLock<Model> = LazyLock::new(|| {
        Model::from_bytes(BUILTIN).unwrap_or_else(|err| panic!("src/text/ner/model.bin: {err}"))
    });
    &MODEL
}

/// The labels of a sentence's words.
pub fn tag_words(model: &Model, words: &[impl AsRef<str>]) -> Vec<usize> {
    let words: Vec<Word> = words.iter().map(|w| Word::new(w.as_ref())).collect();
    let features = features::sentence(&words, &model.gazetteer);
    model.decode(&features)
}

/// A token of a text with the label the model gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged<'a> {
    pub text: &'a str,
    pub span: Range<usize>,
    pub label: usize,
}

/// The sentences of `text`, each token with its label.
///
/// A sentence with no capitalised word but an ordinary one opening it
/// ("The talks went on.") cannot hold a name, and is labelled `O` without
/// running the model: in news that is a good share of the text.
pub fn tag_text<'a>(tagger: &mut Tagger, text: &'a str) -> Vec<Vec<Tagged<'a>>> {
    let model = tagger.model();
    let tokens = tokenize::tokens(text);
    tokenize::sentences(&tokens)
        .into_iter()
        .map(|sentence| {
            let labels = if could_name_someone(model, sentence) {
                let words: Vec<&str> = sentence.iter().map(|t| t.text).collect();
                tagger.tag(&words)
            } else {
                vec![0; sentence.len()]
            };
            labels
                .into_iter()
                .zip(sentence)
                .map(|(label, token)| Tagged {
                    text: token.text,
                    span: token.span.clone(),
                    label,
                })
                .collect()
        })
        .collect()
}

fn could_name_someone(model: &Model, sentence: &[tokenize::Token]) -> bool {
    let capitalised = |t: &tokenize::Token| t.text.starts_with(char::is_uppercase);
    match sentence.split_first() {
        None => false,
        Some((first, rest)) => {
            rest.iter().any(capitalised)
                || (capitalised(first) && !model.gazetteer.is_common(&Word::new(first.text).norm))
        }
    }
}

/// A name found in a text: its words as written and its byte range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub text: String,
    pub span: Range<usize>,
}

/// The person names `model` finds in `text`, in order.
pub fn people(model: &Model, text: &str) -> Vec<Mention> {
    let mut out = Vec::new();
    for sentence in tag_text(&mut Tagger::new(model), text) {
        let mut i = 0;
        while i < sentence.len() {
            if kind(sentence[i].label) != Some("PER") {
                i += 1;
                continue;
            }
            let start = i;
            i += 1;
            while i < sentence.len() && model::LABELS[sentence[i].label] == "I-PER" {
                i += 1;
            }
            let span = sentence[start].span.start..sentence[i - 1].span.end;
            out.push(Mention {
                text: text[span.clone()].to_string(),
                span,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_model_loads_and_finds_people() {
        let model = builtin();
        assert!(model.weights.len() > 10_000);
        let found: Vec<String> = people(
            model,
            "Keir Starmer met Donald Trump in Washington on Monday, Downing Street said.",
        )
        .into_iter()
        .map(|m| m.text)
        .collect();
        assert_eq!(found, ["Keir Starmer", "Donald Trump"]);
    }
}
