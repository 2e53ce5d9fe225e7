//! Extract: settle an article's title, outlet, date and people, and say
//! where each came from.
//!
//! No I/O and no failure. What the source gave wins; then what the page's
//! address says; then what its own text says; else nothing. Text that
//! cleaning removed still counts as evidence (a newsletter plug names its
//! outlet, a date stamp its date), except what came from appended articles.
//!
//! - title: given > the first paragraph when it reads as a headline > none
//! - outlet: given (or `--outlet`) > the url's domain > a signature in the
//!   page > none; always in the one spelling of `outlets.toml`
//! - date: given (or `--date`) > a date stamp or a dateline with a year in
//!   the article's own text > none
//! - people: given > the people the cleaned title and body name (see
//!   [`crate::text::people::extract`]); never from furniture or appended articles

pub mod date;
pub mod outlets;

use super::clean::{Appended, Cleaned};
use super::raw::{Defaults, RawArticle};
use crate::article::{PublicationDate, Source};
use crate::text::normalise::normalise_line;
use crate::text::people::extract as people;
use outlets::Outlets;

/// The settled fields of an article, and the paragraphs of its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    pub title: Option<String>,
    pub title_source: Source,
    pub outlet: Option<String>,
    pub outlet_source: Source,
    pub date: Option<PublicationDate>,
    pub date_source: Source,
    pub people: Vec<String>,
    /// Bare one-word names that may be people (see [`people::Found`](crate::text::people::extract::Found)).
    pub unconfirmed_people: Vec<String>,
    pub paragraphs: Vec<String>,
}

pub fn extract(raw: &RawArticle, cleaned: &Cleaned, defaults: &Defaults) -> Extracted {
    let outlets = Outlets::builtin();
    let mut paragraphs = cleaned.paragraphs.clone();

    let (title, title_source) = match raw.title.as_deref().map(normalise_line) {
        Some(title) if !title.is_empty() => (Some(title), Source::Given),
        _ => match take_headline(&mut paragraphs) {
            Some(title) => (Some(title), Source::Heuristic),
            None => (None, Source::None),
        },
    };

    // The page's own text, furniture included, without appended articles.
    let own_text = || {
        cleaned.paragraphs.iter().map(String::as_str).chain(
            cleaned
                .removed
                .iter()
                .filter(|r| !r.outside)
                .map(|r| r.text.as_str()),
        )
    };
    let given_outlet = raw
        .outlet
        .as_deref()
        .or(defaults.outlet.as_deref())
        .map(|name| outlets.canonical(name))
        .filter(|name| !name.is_empty());
    let (outlet, outlet_source) = if let Some(outlet) = given_outlet {
        (Some(outlet), Source::Given)
    } else if let Some(outlet) = raw
        .url
        .as_ref()
        .and_then(|url| outlets.by_host(url.domain()))
    {
        (Some(outlet.to_string()), Source::Url)
    } else if let Some(outlet) = outlets.by_signature(own_text()) {
        (Some(outlet.to_string()), Source::Text)
    } else {
        (None, Source::None)
    };

    let (date, date_source) = match raw.date.or(defaults.date) {
        Some(date) => (Some(date), Source::Given),
        None => match date_in_text(cleaned) {
            Some(day) => (Some(PublicationDate::from_day(day)), Source::Text),
            None => (None, Source::None),
        },
    };

    let found = if raw.people.is_empty() {
        people::people(title.iter().chain(&paragraphs).map(String::as_str))
    } else {
        people::Found {
            people: unique_names(&raw.people),
            unconfirmed: Vec::new(),
        }
    };
    Extracted {
        title,
        title_source,
        outlet,
        outlet_source,
        date,
        date_source,
        people: found.people,
        unconfirmed_people: found.unconfirmed,
        paragraphs,
    }
}

/// The fields of an article appended to a page: what its block says.
pub fn extract_appended(card: &Appended) -> Extracted {
    let outlet = card
        .outlet
        .as_deref()
        .map(|name| Outlets::builtin().canonical(name))
        .filter(|name| !name.is_empty());
    let title = card
        .title
        .as_deref()
        .map(normalise_line)
        .filter(|t| !t.is_empty());
    let found = people::people(title.iter().chain(&card.paragraphs).map(String::as_str));
    Extracted {
        title_source: if title.is_some() {
            Source::Text
        } else {
            Source::None
        },
        title,
        outlet_source: if outlet.is_some() {
            Source::Text
        } else {
            Source::None
        },
        outlet,
        date: None,
        date_source: Source::None,
        people: found.people,
        unconfirmed_people: found.unconfirmed,
        paragraphs: card.paragraphs.clone(),
    }
}

/// A publication date stamp removed from the page (a first-published one
/// before an updated one), else a dateline with a year opening the text.
fn date_in_text(cleaned: &Cleaned) -> Option<jiff::civil::Date> {
    let stamps: Vec<&str> = cleaned
        .removed
        .iter()
        .filter(|r| r.date && !r.outside)
        .map(|r| r.text.as_str())
        .collect();
    stamps
        .iter()
        .filter(|line| !date::is_update(line))
        .chain(stamps.iter().filter(|line| date::is_update(line)))
        .find_map(|line| date::find(line))
        .or_else(|| {
            cleaned
                .paragraphs
                .first()
                .and_then(|p| date::from_dateline(p))
        })
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
    // Not with a lowercase word, unless the word is a brand such as
    // "iTunes": "$1m payoff for former Shell boss" is a headline.
    let first_word = line.split_whitespace().next().unwrap_or_default();
    let starts_well = first_word
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_numeric() || "'\"‘“$£€¥".contains(c))
        || first_word.chars().skip(1).any(char::is_uppercase);
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
    use crate::article::ArticleUrl;
    use crate::ingest::{Origin, clean::clean};

    fn raw(body: &str) -> RawArticle {
        RawArticle::from_body(Origin::file("t"), body.to_string())
    }

    fn run(body: &str) -> Extracted {
        extract(&raw(body), &clean(body), &Defaults::default())
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
        assert_eq!(got.title_source, Source::Heuristic);
        assert_eq!(
            got.paragraphs,
            ["The Prime Minister has been a key player."]
        );
    }

    #[test]
    fn a_lede_sentence_is_not_a_title() {
        let got =
            run("Keir Starmer is set to join a call with Donald Trump on Wednesday.\nMore text.");
        assert_eq!((got.title, got.title_source), (None, Source::None));
        assert_eq!(got.paragraphs.len(), 2);
    }

    #[test]
    fn long_or_lowercase_or_lonely_lines_are_not_titles() {
        assert!(!reads_as_headline(&"word ".repeat(30)));
        assert!(!reads_as_headline("lowercase start of a line"));
        assert!(!reads_as_headline("Single"));
        assert!(reads_as_headline("Is this the end of the war?"));
        assert!(reads_as_headline("'Best ever' BBC drama hailed"));
        assert!(reads_as_headline("$1m payoff for former Shell boss"));
        assert!(reads_as_headline("iTunes now selling Band Aid song"));
        assert!(!reads_as_headline("- a dash and lowercase"));
        assert_eq!(run("Just one short line").title, None);
    }

    #[test]
    fn the_outlet_comes_from_metadata_then_address_then_signature() {
        let body = "Text of the article.\nREAD MORE: Join our Mirror politics WhatsApp group to get updates";
        let got = run(body);
        assert_eq!(
            (got.outlet.as_deref(), got.outlet_source),
            (Some("Mirror"), Source::Text)
        );

        let mut with_url = raw(body);
        with_url.url = Some(ArticleUrl::parse("https://www.independent.co.uk/news/x").unwrap());
        let got = extract(&with_url, &clean(body), &Defaults::default());
        assert_eq!(
            (got.outlet.as_deref(), got.outlet_source),
            (Some("The Independent"), Source::Url)
        );

        let mut given = with_url.clone();
        given.outlet = Some("independent".into());
        let got = extract(&given, &clean(body), &Defaults::default());
        assert_eq!(
            (got.outlet.as_deref(), got.outlet_source),
            (Some("The Independent"), Source::Given)
        );
    }

    #[test]
    fn the_date_comes_from_the_pages_own_stamp_or_dateline_only() {
        let got = run(
            "Headline of the piece\nUpdated: 16 August 2025\nPublished: 14 August 2025\nThe text.",
        );
        assert_eq!(got.date.unwrap().to_string(), "2025-08-14");
        assert_eq!(got.date_source, Source::Text);

        let got = run("LONDON, Aug 14, 2025 (Reuters) - Britain said on Thursday it would act.");
        assert_eq!(got.date.unwrap().to_string(), "2025-08-14");

        // An embedded post's date and a historical year are not publication dates.
        let got = run("The model is the West Bank, occupied since 1967.\n\
                       Canada hosts the talks. pic.twitter.com/abc\n— Canada G7 (@G7Canada) March 7, 2025");
        assert_eq!((got.date, got.date_source), (None, Source::None));
    }

    #[test]
    fn appended_blocks_keep_their_own_outlet_and_title() {
        let card = Appended {
            outlet: Some("Times".into()),
            title: Some("Four key moments".into()),
            paragraphs: vec!["After private talks…".into()],
            removed: Vec::new(),
        };
        let got = extract_appended(&card);
        assert_eq!(got.outlet.as_deref(), Some("The Times"));
        assert_eq!(got.title_source, Source::Text);
    }

    #[test]
    fn given_people_are_normalised_and_kept_once() {
        let mut item = raw("Body.");
        item.people = vec![
            "Keir  Starmer".into(),
            "keir starmer".into(),
            " ".into(),
            "JD Vance".into(),
        ];
        let got = extract(&item, &clean("Body."), &Defaults::default());
        assert_eq!(got.people, ["Keir Starmer", "JD Vance"]);
    }
}
