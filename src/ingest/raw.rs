//! What every stage of ingest speaks of: an article as a source gave it
//! ([`RawArticle`]), where it came from ([`Origin`]), why one was refused
//! ([`Rejection`]) or accepted with a note ([`Warning`]), and what holds for
//! a whole batch ([`Defaults`]).

use std::fmt;

use crate::article::{ArticleId, ArticleUrl, PublicationDate};

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
