//! Extract: settle an article's title, outlet, date and people.
//!
//! No I/O and no failure. What the source gave wins; what it did not give is
//! looked for in the cleaned text. Today that means the title: the first
//! paragraph when it reads as a headline.

use super::clean::{Cleaned, normalise_line};
use super::{Defaults, RawArticle};
use crate::article::PublicationDate;

/// The settled fields of an article, and the paragraphs of its body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub date: Option<PublicationDate>,
    pub people: Vec<String>,
    pub paragraphs: Vec<String>,
}

pub fn extract(raw: &RawArticle, cleaned: Cleaned, defaults: &Defaults) -> Extracted {
    let mut paragraphs = cleaned.paragraphs;
    let title = match raw.title.as_deref().map(normalise_line) {
        Some(title) if !title.is_empty() => Some(title),
        _ => take_headline(&mut paragraphs),
    };
    let outlet = raw
        .outlet
        .as_deref()
        .or(defaults.outlet.as_deref())
        .map(normalise_line)
        .filter(|outlet| !outlet.is_empty());
    Extracted {
        title,
        outlet,
        date: raw.date.or(defaults.date),
        people: unique_names(&raw.people),
        paragraphs,
    }
}

/// Removes and returns the first paragraph when it reads as a headline and
/// the article has more text after it.
fn take_headline(paragraphs: &mut Vec<String>) -> Option<String> {
    if paragraphs.len() < 2 || !reads_as_headline(&paragraphs[0]) {
        return None;
    }
    Some(paragraphs.remove(0))
}

/// A headline is a short line that does not end like a sentence: news
/// headlines drop the full stop ("Starmer to hold further Ukraine talks"),
/// while a lede that opens the text without a headline is a sentence that
/// ends with one. Questions and exclamations are headlines too.
pub fn reads_as_headline(line: &str) -> bool {
    const MAX_WORDS: usize = 25;
    const MAX_CHARS: usize = 200;
    let words = line.split_whitespace().count();
    let starts_well = line
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_numeric() || "'\"‘“".contains(c));
    let ends_like_sentence = line.ends_with(['.', ',', ';', ':']) && !line.ends_with("...");
    (2..=MAX_WORDS).contains(&words)
        && line.chars().count() <= MAX_CHARS
        && starts_well
        && !ends_like_sentence
}

/// Normalises names and keeps each once (ignoring case), in order.
fn unique_names(names: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .map(|name| normalise_line(name))
        .filter(|name| !name.is_empty() && seen.insert(name.to_lowercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Origin, clean::clean};

    fn run(body: &str) -> Extracted {
        let raw = RawArticle::from_body(Origin::file("t"), body.to_string());
        extract(&raw, clean(body), &Defaults::default())
    }

    #[test]
    fn a_headline_first_line_becomes_the_title() {
        let got = run(
            "\nStarmer could attend second meeting, says Trump\nThe Prime Minister has been a key player.",
        );
        assert_eq!(
            got.title.as_deref(),
            Some("Starmer could attend second meeting, says Trump")
        );
        assert_eq!(
            got.paragraphs,
            ["The Prime Minister has been a key player."]
        );
    }

    #[test]
    fn a_lede_sentence_is_not_a_title() {
        let got =
            run("Keir Starmer is set to join a call with Donald Trump on Wednesday.\nMore text.");
        assert_eq!(got.title, None);
        assert_eq!(got.paragraphs.len(), 2);
    }

    #[test]
    fn long_or_lowercase_or_lonely_lines_are_not_titles() {
        assert!(!reads_as_headline(&"word ".repeat(30)));
        assert!(!reads_as_headline("lowercase start of a line"));
        assert!(!reads_as_headline("Single"));
        assert!(reads_as_headline("Is this the end of the war?"));
        assert!(reads_as_headline("'Best ever' BBC drama hailed"));
        // A text that is one line only keeps it as its body.
        assert_eq!(run("Just one short line").title, None);
    }

    #[test]
    fn given_people_are_normalised_and_kept_once() {
        let mut raw = RawArticle::from_body(Origin::file("t"), "Body.".into());
        raw.people = vec![
            "Keir  Starmer".into(),
            "keir starmer".into(),
            " ".into(),
            "JD Vance".into(),
        ];
        let got = extract(&raw, clean("Body."), &Defaults::default());
        assert_eq!(got.people, ["Keir Starmer", "JD Vance"]);
    }
}
