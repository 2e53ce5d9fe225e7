//! Ingest: from files and request bodies to [`Article`]s ready to index.
//!
//! The stages are separate functions so that each can be replaced alone:
//!
//! 1. [`source`] finds files and reads them (the only stage that does I/O);
//! 2. [`parse`] turns text into [`RawArticle`]s: the body plus whatever
//!    metadata the source gave, checked field by field;
//! 3. [`clean`] normalises the body's text;
//! 4. [`extract`] finds what the source did not give (the title, for now);
//! 5. [`prepare`] puts the pieces together into an [`Article`] with its id.
//!
//! Indexing is the caller's business (see `index::Indexer`). A bad item
//! becomes a [`Rejection`] that names its file and line; it never stops the
//! items around it.

pub mod clean;
pub mod extract;
pub mod html;
pub mod parse;
pub mod sgml;
pub mod source;

use std::collections::BTreeMap;
use std::fmt;

use crate::article::{Article, ArticleId, ArticleUrl, PublicationDate, Sources};
use crate::index::{self, Added, Indexer};
use crate::text::stories::Signature;
use clean::Removed;

/// The largest body accepted by default, in bytes. Anything bigger is not
/// a news article but a dump, and would slow every search that touches it.
pub const MAX_ARTICLE_BYTES: usize = 10 * 1024 * 1024;

/// Where an item came from: a file (or `<stdin>`, or a request), a line,
/// and for the elements of a JSON array, which element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub source: String,
    pub line: Option<usize>,
    /// The 1-based position in a JSON array, whose elements may share a line.
    pub item: Option<usize>,
}

impl Origin {
    pub fn file(source: impl Into<String>) -> Origin {
        Origin {
            source: source.into(),
            line: None,
            item: None,
        }
    }

    pub fn line(source: impl Into<String>, line: usize) -> Origin {
        Origin {
            source: source.into(),
            line: Some(line),
            item: None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(item) = self.item {
            write!(f, " (item {item})")?;
        }
        Ok(())
    }
}

/// An article as a source gave it, before cleaning and extraction. Given
/// fields are already checked; absent ones are `None`.
#[derive(Debug, Clone)]
pub struct RawArticle {
    pub origin: Origin,
    pub id: Option<ArticleId>,
    pub url: Option<ArticleUrl>,
    pub title: Option<String>,
    pub outlet: Option<String>,
    pub date: Option<PublicationDate>,
    pub people: Vec<String>,
    pub body: String,
}

impl RawArticle {
    pub fn from_body(origin: Origin, body: String) -> RawArticle {
        RawArticle {
            origin,
            id: None,
            url: None,
            title: None,
            outlet: None,
            date: None,
            people: Vec::new(),
            body,
        }
    }
}

/// An item that was refused, and why, in words that say what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub origin: Origin,
    pub reason: String,
}

impl Rejection {
    pub fn new(origin: Origin, reason: impl Into<String>) -> Rejection {
        Rejection {
            origin,
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.reason)
    }
}

/// A note about an item that was accepted anyway.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub origin: Origin,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.origin, self.message)
    }
}

/// What holds for a whole batch: metadata the user knows (`ingest
/// --outlet`, say; a value the article itself gives wins over these) and
/// the size limit of an article.
#[derive(Debug, Clone)]
pub struct Defaults {
    pub outlet: Option<String>,
    pub date: Option<PublicationDate>,
    /// Bodies longer than this, in bytes, are refused.
    pub max_article_bytes: usize,
}

impl Default for Defaults {
    fn default() -> Defaults {
        Defaults {
            outlet: None,
            date: None,
            max_article_bytes: MAX_ARTICLE_BYTES,
        }
    }
}

/// An article ready to index, with what `newsdesk inspect` shows of how it
/// was made: what cleaning removed, and the articles split off its page.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub article: Article,
    pub removed: Vec<Removed>,
    /// Articles an aggregator appended to this one's page; each names this
    /// one as its parent.
    pub appended: Vec<Prepared>,
}

/// The rejection of an article whose body is over `max_bytes`.
pub fn oversize(raw: &RawArticle, max_bytes: usize) -> Option<Rejection> {
    (raw.body.len() > max_bytes).then(|| {
        Rejection::new(
            raw.origin.clone(),
            format!(
                "the article body is {} bytes, over the limit of {max_bytes} bytes an article: \
                 split it into articles (or raise the limit with --max-article-bytes)",
                raw.body.len(),
            ),
        )
    })
}

/// Cleans and extracts a raw article into the [`Article`] to index, and
/// the articles appended to its page.
///
/// Fails only when nothing worth indexing is left: an empty body, one that
/// is all furniture, or one over `defaults.max_article_bytes`.
pub fn prepare(raw: RawArticle, defaults: &Defaults) -> Result<Prepared, Rejection> {
    if let Some(rejection) = oversize(&raw, defaults.max_article_bytes) {
        return Err(rejection);
    }
    let cleaned = clean::clean(&raw.body);
    let extracted = extract::extract(&raw, &cleaned, defaults);
    if extracted.paragraphs.is_empty() {
        let reason = if cleaned.removed.is_empty() {
            "the article has no body text: give its text in `body` (or as the file's contents)"
                .to_string()
        } else {
            format!(
                "nothing is left of the article once page furniture is removed \
                 ({} spans; `newsdesk inspect` shows them)",
                cleaned.removed.len()
            )
        };
        return Err(Rejection::new(raw.origin, reason));
    }
    let article = assemble(raw.id, raw.url, extracted, None);
    let appended = cleaned
        .appended
        .iter()
        .filter_map(|card| {
            let extracted = extract::extract_appended(card);
            (!extracted.paragraphs.is_empty()).then(|| Prepared {
                article: assemble(None, None, extracted, Some(article.id.clone())),
                removed: card.removed.clone(),
                appended: Vec::new(),
            })
        })
        .collect();
    Ok(Prepared {
        article,
        removed: cleaned.removed,
        appended,
    })
}

fn assemble(
    id: Option<ArticleId>,
    url: Option<ArticleUrl>,
    extracted: extract::Extracted,
    parent: Option<ArticleId>,
) -> Article {
    let body = extracted.paragraphs.join("\n\n");
    let id = id.unwrap_or_else(|| {
        ArticleId::derive(
            url.as_ref(),
            extracted.outlet.as_deref(),
            extracted.title.as_deref(),
            &body,
        )
    });
    Article {
        id,
        title: extracted.title,
        outlet: extracted.outlet,
        date: extracted.date,
        url,
        people: extracted.people,
        unconfirmed_people: extracted.unconfirmed_people,
        body,
        parent,
        sources: Sources {
            title: extracted.title_source,
            outlet: extracted.outlet_source,
            date: extracted.date_source,
        },
    }
}

/// What [`prepare`] made of one parsed item: the article with where it came
/// from and the parser's warnings, or why it was refused.
type ItemOutcome = Result<(Prepared, Origin, Vec<String>), Rejection>;

fn prepare_item(item: parse::Item, defaults: &Defaults) -> ItemOutcome {
    let (raw, warnings) = item?;
    let origin = raw.origin.clone();
    let prepared = prepare(raw, defaults)?;
    Ok((prepared, origin, warnings))
}

/// An item's outcome with the signatures of its articles' bodies: the
/// page's, then each appended article's.
type Signed = (ItemOutcome, Vec<Option<Signature>>);

fn signed(outcome: ItemOutcome) -> Signed {
    let signatures = match &outcome {
        Ok((prepared, _, _)) => std::iter::once(&prepared.article)
            .chain(prepared.appended.iter().map(|a| &a.article))
            .map(|article| Signature::of(&article.body))
            .collect(),
        Err(_) => Vec::new(),
    };
    (outcome, signatures)
}

/// Feeds parsed items through [`prepare`] into the index writer, keeping
/// the [`Report`]. The caller commits.
pub struct Batch<'a> {
    indexer: &'a mut Indexer,
    defaults: Defaults,
    pub report: Report,
    /// The ids of the accepted articles, in order, with what became of each.
    pub accepted: Vec<(ArticleId, Added)>,
}

impl<'a> Batch<'a> {
    pub fn new(indexer: &'a mut Indexer, defaults: Defaults) -> Batch<'a> {
        Batch {
            indexer,
            defaults,
            report: Report::default(),
            accepted: Vec::new(),
        }
    }

    /// Takes one item. Only a failure of the index itself is an error; a
    /// bad item is recorded in the report.
    pub fn add(&mut self, item: parse::Item) -> Result<(), index::Error> {
        let prepared = signed(prepare_item(item, &self.defaults));
        self.accept(prepared)
    }

    /// Takes items in order, cleaning and extracting them on every core
    /// (rayon's pool) and indexing them in their order, so that of two items
    /// with one id the later still wins. The signatures that group copies
    /// into stories are computed on the pool too.
    pub fn add_all(&mut self, items: Vec<parse::Item>) -> Result<(), index::Error> {
        use rayon::prelude::*;
        let defaults = &self.defaults;
        let prepared: Vec<Signed> = items
            .into_par_iter()
            .map(|item| signed(prepare_item(item, defaults)))
            .collect();
        for outcome in prepared {
            self.accept(outcome)?;
        }
        Ok(())
    }

    fn accept(&mut self, (outcome, signatures): Signed) -> Result<(), index::Error> {
        self.report.read += 1;
        let (prepared, origin, warnings) = match outcome {
            Ok(accepted) => accepted,
            Err(rejection) => {
                self.report.reject(rejection);
                return Ok(());
            }
        };
        self.report.warn(&origin, warnings);
        let mut signatures = signatures.iter().map(Option::as_ref);
        self.index(&prepared.article, signatures.next().flatten())?;
        for appended in &prepared.appended {
            self.index(&appended.article, signatures.next().flatten())?;
            self.report.appended += 1;
        }
        Ok(())
    }

    fn index(
        &mut self,
        article: &Article,
        signature: Option<&Signature>,
    ) -> Result<(), index::Error> {
        let added = self.indexer.add_signed(article, signature)?;
        match added {
            Added::New => self.report.indexed += 1,
            Added::Replaced => self.report.replaced += 1,
        }
        self.accepted.push((article.id.clone(), added));
        Ok(())
    }

    /// Commits what the batch has indexed so far, so that it survives a
    /// crash before the batch ends.
    pub fn commit(&mut self) -> Result<(), index::Error> {
        self.indexer.commit()
    }

    /// Records an input that failed as a whole (an unreadable file, a JSON
    /// document with a syntax error) as one rejected item.
    pub fn reject_input(&mut self, rejection: Rejection) {
        self.report.read += 1;
        self.report.reject(rejection);
    }
}

/// What became of a batch: the closing summary of `newsdesk ingest` and of
/// `POST /api/articles`.
#[derive(Debug, Default)]
pub struct Report {
    /// Items found (articles and rejected items alike).
    pub read: usize,
    /// Articles new to the index.
    pub indexed: usize,
    /// Articles that replaced one with the same id.
    pub replaced: usize,
    /// Of the indexed and replaced, how many were split off aggregator pages.
    pub appended: usize,
    pub rejected: Vec<Rejection>,
    pub warnings: Vec<Warning>,
    /// Files passed over in folders, by extension.
    pub skipped: BTreeMap<String, usize>,
}

impl Report {
    pub fn reject(&mut self, rejection: Rejection) {
        self.rejected.push(rejection);
    }

    pub fn warn(&mut self, origin: &Origin, messages: Vec<String>) {
        self.warnings
            .extend(messages.into_iter().map(|message| Warning {
                origin: origin.clone(),
                message,
            }));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(body: &str) -> RawArticle {
        RawArticle::from_body(Origin::file("t.txt"), body.to_string())
    }

    #[test]
    fn the_same_text_always_gets_the_same_id() {
        let a = prepare(raw("Headline here\nBody one.\n"), &Defaults::default()).unwrap();
        let b = prepare(
            raw("Headline here\r\n\r\nBody   one.\r\n"),
            &Defaults::default(),
        )
        .unwrap();
        assert_eq!(a.article.id, b.article.id);
    }

    #[test]
    fn a_given_id_is_kept() {
        let mut item = raw("Body.");
        item.id = Some(ArticleId::parse("mine-1").unwrap());
        assert_eq!(
            prepare(item, &Defaults::default())
                .unwrap()
                .article
                .id
                .as_str(),
            "mine-1"
        );
    }

    #[test]
    fn empty_bodies_are_rejected() {
        let rejection = prepare(raw(" \n\t\n"), &Defaults::default()).unwrap_err();
        assert!(rejection.reason.contains("no body text"));
    }

    #[test]
    fn batch_defaults_fill_only_what_is_missing() {
        let defaults = Defaults {
            outlet: Some("Batch Outlet".into()),
            date: Some(PublicationDate::parse("2025-01-01").unwrap()),
            ..Defaults::default()
        };
        let mut item = raw("Body.");
        item.outlet = Some("Own Outlet".into());
        let article = prepare(item, &defaults).unwrap().article;
        assert_eq!(article.outlet.as_deref(), Some("Own Outlet"));
        assert_eq!(article.date.unwrap().to_string(), "2025-01-01");
    }

    #[test]
    fn a_body_over_the_limit_is_refused_with_the_limit_named() {
        let defaults = Defaults {
            max_article_bytes: 100,
            ..Defaults::default()
        };
        assert!(prepare(raw(&"word ".repeat(20)), &defaults).is_ok());
        let rejection = prepare(raw(&"word ".repeat(21)), &defaults).unwrap_err();
        assert!(
            rejection.reason.contains("105 bytes"),
            "{}",
            rejection.reason
        );
        assert!(rejection.reason.contains("--max-article-bytes"));
    }
}
