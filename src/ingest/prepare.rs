//! Prepare: clean and extract a raw article into the [`Article`] to index,
//! with its id, and the articles an aggregator appended to its page.

use super::clean::{self, Removed};
use super::extract;
use super::raw::{Defaults, RawArticle, Rejection};
use crate::article::{Article, ArticleId, ArticleUrl, Sources};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::PublicationDate;
    use crate::ingest::raw::Origin;

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
