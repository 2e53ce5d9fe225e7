//! The [`Article`] that flows through ingest, index and search, and the small
//! validated types it is made of.
//!
//! Every type here is built through a `parse` (or `derive`) function that
//! checks its input once, so the rest of the program can trust the values it
//! is handed.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::fmt::temporal::Pieces;
use jiff::tz::{Offset, TimeZone};

/// A news article as newsdesk stores and serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    pub id: ArticleId,
    /// The headline; `None` when the source gave none and none could be found.
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub date: Option<PublicationDate>,
    pub url: Option<ArticleUrl>,
    /// Person names, each once, in the order they were first found.
    pub people: Vec<String>,
    /// Bare one-word names the text gives without anything to vouch that
    /// they are people ("Starmer", "Chelsea"). They count as the person an
    /// archive's other articles name in full, when there is one.
    pub unconfirmed_people: Vec<String>,
    /// The article's text: paragraphs separated by blank lines.
    pub body: String,
    /// The page this article was appended to, when an aggregator appended it
    /// to another article's page.
    pub parent: Option<ArticleId>,
    /// Where the title, outlet and date came from.
    pub sources: Sources,
}

#[cfg(test)]
impl Article {
    /// An article with an id and a body and nothing else, for tests.
    pub(crate) fn bare(id: &str, body: &str) -> Article {
        Article {
            id: ArticleId::parse(id).expect("a valid id"),
            title: None,
            outlet: None,
            date: None,
            url: None,
            people: Vec::new(),
            unconfirmed_people: Vec::new(),
            body: body.to_string(),
            parent: None,
            sources: Sources::default(),
        }
    }
}

/// Where a field's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Source {
    /// The source's metadata, or the user (`ingest --outlet`).
    Given,
    /// The article's web address.
    Url,
    /// Something the article's text states (a dateline, an outlet's
    /// signature, an appended block's heading).
    Text,
    /// A guess from the text's shape (a first line that reads as a headline).
    Heuristic,
    /// Nowhere: the field is empty.
    #[default]
    None,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Given => "given",
            Source::Url => "url",
            Source::Text => "text",
            Source::Heuristic => "heuristic",
            Source::None => "none",
        }
    }

    pub fn parse(text: &str) -> Source {
        match text {
            "given" => Source::Given,
            "url" => Source::Url,
            "text" => Source::Text,
            "heuristic" => Source::Heuristic,
            _ => Source::None,
        }
    }
}

/// Where an article's title, outlet and date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sources {
    pub title: Source,
    pub outlet: Source,
    pub date: Source,
}

/// The first sentence of `body`, at most about 160 characters: what stands
/// in for the title of an article that has none.
pub fn lede(body: &str) -> String {
    const MAX_CHARS: usize = 160;
    let paragraph = body.split("\n\n").next().unwrap_or_default().trim();
    let end = paragraph
        .char_indices()
        .find(|&(i, c)| matches!(c, '.' | '!' | '?') && ends_sentence(paragraph, i))
        .map_or(paragraph.len(), |(i, _)| i + 1);
    let sentence = &paragraph[..end];
    if sentence.chars().count() <= MAX_CHARS {
        return sentence.to_string();
    }
    let cut: String = sentence.chars().take(MAX_CHARS).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// Whether the stop at byte `i` of `text` ends a sentence: it is followed
/// by a space and a capital (or a quote, or nothing), and does not close an
/// abbreviation such as "Mr." or "U.S.".
fn ends_sentence(text: &str, i: usize) -> bool {
    let rest = &text[i + 1..];
    let next = rest.chars().next();
    let after = rest.trim_start().chars().next();
    let word = text[..i].rsplit(' ').next().unwrap_or_default();
    let abbreviation = word.contains('.')
        || (word.chars().count() <= 3 && word.chars().next().is_some_and(char::is_uppercase));
    next.is_none_or(char::is_whitespace)
        && after.is_none_or(|c| c.is_uppercase() || "\"“‘'".contains(c))
        && !abbreviation
}

/// The stable identifier of an article.
///
/// Either given by the source (and then checked by [`ArticleId::parse`]) or
/// derived from the article by [`ArticleId::derive`], so that ingesting the
/// same article twice yields the same id and replaces the first copy.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(String);

/// Why a given id was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "id {0:?} is not valid: use 1 to {max} letters, digits, '-', '_', '.' or ':'",
    max = ArticleId::MAX_LEN
)]
pub struct InvalidId(String);

impl ArticleId {
    /// Ids travel in URL paths, so they are kept short and free of characters
    /// that would need escaping there.
    pub const MAX_LEN: usize = 128;

    /// Checks an id given by a source or a client.
    pub fn parse(raw: &str) -> Result<ArticleId, InvalidId> {
        let ok = !raw.is_empty()
            && raw.len() <= Self::MAX_LEN
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
        if ok {
            Ok(ArticleId(raw.to_string()))
        } else {
            let shown: String = raw.chars().take(40).collect();
            Err(InvalidId(shown))
        }
    }

    /// Derives the id of an article that came without one.
    ///
    /// With a url, the id depends on the (normalised) url alone: the same page
    /// fetched twice is the same article even if its text changed. Without
    /// one, it depends on the outlet, the title and the body with case,
    /// punctuation and spacing folded away, so that re-ingesting a file whose
    /// whitespace changed still replaces the earlier copy.
    pub fn derive(
        url: Option<&ArticleUrl>,
        outlet: Option<&str>,
        title: Option<&str>,
        body: &str,
    ) -> ArticleId {
        let mut hasher = blake3::Hasher::new();
        match url {
            Some(url) => {
                hasher.update(b"url\0");
                hasher.update(url.identity().as_bytes());
            }
            None => {
                hasher.update(b"text\0");
                for part in [outlet.unwrap_or(""), title.unwrap_or(""), body] {
                    hasher.update(fold_for_identity(part).as_bytes());
                    hasher.update(b"\0");
                }
            }
        }
        let hash = hasher.finalize();
        let hex: String = hash.as_bytes()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        ArticleId(hex)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Lowercases `text` and keeps only its words, separated by single spaces.
fn fold_for_identity(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
    }
    out
}

/// An absolute `http` or `https` address of an article's page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleUrl(url::Url);

/// Why a given url was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("url {shown:?} is not valid: {why}")]
pub struct InvalidUrl {
    shown: String,
    why: &'static str,
}

impl ArticleUrl {
    pub fn parse(raw: &str) -> Result<ArticleUrl, InvalidUrl> {
        let invalid = |why| InvalidUrl {
            shown: raw.chars().take(80).collect(),
            why,
        };
        let url = url::Url::parse(raw.trim())
            .map_err(|_| invalid("give an absolute address such as https://example.com/story"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(invalid("only http and https addresses are accepted"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(invalid("the address has no host name"));
        }
        Ok(ArticleUrl(url))
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The host name without a leading `www.`.
    pub fn domain(&self) -> &str {
        let host = self.0.host_str().unwrap_or_default();
        host.strip_prefix("www.").unwrap_or(host)
    }

    /// The url as far as it identifies the page: no fragment, no trailing
    /// slash, no `www.`, and the same for http and https. Scheme and host are
    /// already lowercase after parsing.
    fn identity(&self) -> String {
        let mut url = self.0.clone();
        url.set_fragment(None);
        let path = url.path().trim_end_matches('/');
        match url.query() {
            Some(query) => format!("{}{path}?{query}", self.domain()),
            None => format!("{}{path}", self.domain()),
        }
    }
}

impl fmt::Display for ArticleUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

/// When an article was published: always a day, sometimes a time of day
/// with its UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicationDate {
    day: Date,
    time: Option<(jiff::civil::Time, Offset)>,
}

/// Why a given date was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("date {shown:?} is not valid: {why}")]
pub struct InvalidDate {
    shown: String,
    why: String,
}

impl PublicationDate {
    /// Dates outside these years are almost always typos or placeholders
    /// (`0001-01-01`, `9999-12-31`), not publication dates.
    const YEARS: std::ops::RangeInclusive<i16> = 1800..=2200;

    /// Accepts `YYYY-MM-DD` or an RFC 3339 date-time with an offset
    /// (`2025-08-14T09:30:00Z`, `2025-08-14T09:30:00+01:00`).
    pub fn parse(raw: &str) -> Result<PublicationDate, InvalidDate> {
        let raw = raw.trim();
        let invalid = |why: &str| InvalidDate {
            shown: raw.chars().take(40).collect(),
            why: why.to_string(),
        };
        let pieces = Pieces::parse(raw).map_err(|err| {
            invalid(&format!(
                "{err}; use YYYY-MM-DD or an RFC 3339 date-time such as 2025-08-14T09:30:00Z"
            ))
        })?;
        let day = pieces.date();
        if !Self::YEARS.contains(&day.year()) {
            return Err(invalid(&format!(
                "the year must be between {} and {}",
                Self::YEARS.start(),
                Self::YEARS.end()
            )));
        }
        if pieces.time_zone_annotation().is_some() {
            return Err(invalid(
                "time zone names are not accepted; give a UTC offset such as +01:00 or Z",
            ));
        }
        let time = match (pieces.time(), pieces.to_numeric_offset()) {
            (None, None) => None,
            (Some(time), Some(offset)) => Some((time, offset)),
            (Some(_), None) => {
                return Err(invalid(
                    "a time of day needs a UTC offset, such as Z or +01:00",
                ));
            }
            (None, Some(_)) => return Err(invalid("an offset needs a time of day")),
        };
        Ok(PublicationDate { day, time })
    }

    /// A date without a time of day.
    pub fn from_day(day: Date) -> PublicationDate {
        PublicationDate { day, time: None }
    }

    /// The publication day, as the source wrote it (in its own time zone).
    pub fn day(&self) -> Date {
        self.day
    }

    /// The moment of publication: the given time, or midnight UTC of the day.
    /// Used to order articles by date.
    pub fn instant(&self) -> Timestamp {
        let (time, offset) = self
            .time
            .unwrap_or((jiff::civil::Time::midnight(), Offset::UTC));
        DateTime::from_parts(self.day, time)
            .to_zoned(TimeZone::fixed(offset))
            .map(|zoned| zoned.timestamp())
            .unwrap_or_else(|_| day_start(self.day))
    }
}

/// Midnight UTC at the start of `day`.
pub fn day_start(day: Date) -> Timestamp {
    // jiff's instants stop a day short of its dates at either end; a day
    // beyond them starts at the nearest instant there is, so that a filter
    // to 9999-12-31 still reaches past every article.
    day.to_zoned(TimeZone::UTC)
        .map(|zoned| zoned.timestamp())
        .unwrap_or(if day.year() > 0 {
            Timestamp::MAX
        } else {
            Timestamp::MIN
        })
}

impl fmt::Display for PublicationDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.time {
            None => write!(f, "{}", self.day),
            Some((time, offset)) => {
                let time = time.strftime("%H:%M:%S");
                if offset == Offset::UTC {
                    write!(f, "{}T{time}Z", self.day)
                } else {
                    let seconds = offset.seconds();
                    let sign = if seconds < 0 { '-' } else { '+' };
                    let minutes = seconds.unsigned_abs() / 60;
                    write!(
                        f,
                        "{}T{time}{sign}{:02}:{:02}",
                        self.day,
                        minutes / 60,
                        minutes % 60
                    )
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_the_same_url_are_equal_whatever_the_fragment_or_scheme() {
        let a = ArticleUrl::parse("https://www.example.com/news/story-1/#comments").unwrap();
        let b = ArticleUrl::parse("http://example.com/news/story-1").unwrap();
        let c = ArticleUrl::parse("https://example.com/news/story-2").unwrap();
        let id = |u| ArticleId::derive(Some(u), None, None, "");
        assert_eq!(id(&a), id(&b));
        assert_ne!(id(&a), id(&c));
    }

    #[test]
    fn ids_without_url_ignore_case_and_spacing_but_not_words() {
        let a = ArticleId::derive(None, Some("Mirror"), Some("Title"), "One  two,\nthree.");
        let b = ArticleId::derive(None, Some("mirror"), Some("title"), "one two three");
        let c = ArticleId::derive(None, Some("Mirror"), Some("Title"), "one two four");
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(a.as_str().len(), 16);
        assert!(ArticleId::parse(a.as_str()).is_ok());
    }

    #[test]
    fn given_ids_must_be_short_and_path_safe() {
        assert!(ArticleId::parse("reuters:1987-02-26.5").is_ok());
        assert!(ArticleId::parse("").is_err());
        assert!(ArticleId::parse("a/b").is_err());
        assert!(ArticleId::parse("with space").is_err());
        assert!(ArticleId::parse(&"x".repeat(129)).is_err());
    }

    #[test]
    fn urls_must_be_absolute_http() {
        assert!(ArticleUrl::parse("https://example.com/a").is_ok());
        assert!(ArticleUrl::parse("example.com/a").is_err());
        assert!(ArticleUrl::parse("ftp://example.com/a").is_err());
        assert!(ArticleUrl::parse("javascript:alert(1)").is_err());
    }

    #[test]
    fn dates_accept_days_and_rfc3339_and_keep_the_offset() {
        let day = PublicationDate::parse("2025-08-14").unwrap();
        assert_eq!(day.to_string(), "2025-08-14");
        let utc = PublicationDate::parse("2025-08-14T09:30:00Z").unwrap();
        assert_eq!(utc.to_string(), "2025-08-14T09:30:00Z");
        let local = PublicationDate::parse("2025-08-14T23:30:00-05:00").unwrap();
        assert_eq!(local.to_string(), "2025-08-14T23:30:00-05:00");
        // The day is the one the source wrote, even though it is already the
        // 15th in UTC.
        assert_eq!(local.day(), jiff::civil::date(2025, 8, 14));
        assert_eq!(local.instant().to_string(), "2025-08-15T04:30:00Z");
    }

    #[test]
    fn the_lede_is_the_first_sentence_of_the_first_paragraph() {
        assert_eq!(
            lede("Mr Starmer met Dr. Smith in the U.S. on Monday. Then he left.\n\nMore."),
            "Mr Starmer met Dr. Smith in the U.S. on Monday."
        );
        assert_eq!(lede("No full stop at all"), "No full stop at all");
        let long = lede(&"word ".repeat(100));
        assert!(long.ends_with('…') && long.chars().count() <= 161, "{long}");
    }

    #[test]
    fn impossible_or_ambiguous_dates_are_refused() {
        for bad in [
            "2025-02-30",
            "2025-13-01",
            "14/08/2025",
            "yesterday",
            "2025-08-14T09:30:00",
            "0001-01-01",
            "",
        ] {
            assert!(PublicationDate::parse(bad).is_err(), "{bad} was accepted");
        }
    }
}
