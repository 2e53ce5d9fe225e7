//! HTML pages: the main text by readability-style extraction (the
//! `dom_smoothie` port of Mozilla's Readability), and the metadata the page
//! declares about itself.
//!
//! | field  | read from, first found wins |
//! |--------|-----------------------------|
//! | title  | JSON-LD `headline`, `og:title`, `twitter:title`, `<title>` |
//! | outlet | JSON-LD `publisher.name`, `og:site_name`, `application-name` |
//! | date   | JSON-LD `datePublished`, `article:published_time`, `date`-style `<meta>` |
//! | url    | `<link rel=canonical>`, `og:url`, JSON-LD `url` |
//!
//! JSON-LD counts only for news and article types (`NewsArticle`,
//! `ReportageNewsArticle`, `Article`, …), including inside `@graph`.
//! Pure code: no I/O.

use std::collections::HashMap;

use dom_query::Document;
use dom_smoothie::{Config, Readability, TextMode};
use serde_json::Value;

use super::parse::Item;
use super::raw::{Origin, RawArticle, Rejection};
use crate::article::{ArticleUrl, PublicationDate};

/// Pages with more elements than this are refused rather than parsed for
/// seconds: no article page comes close.
const MAX_ELEMENTS: usize = 100_000;

/// Pages whose elements nest deeper than this are refused before they are
/// parsed. Article pages nest a few dozen deep; the HTML parser's time
/// grows with the number of tags times the depth, so thousands of nested
/// `<div>`s took minutes.
const MAX_NESTING: usize = 256;

/// Parses one HTML page into one article.
pub fn parse(source: &str, html: &str) -> Item {
    let origin = Origin::file(source);
    if nesting(html, MAX_NESTING) > MAX_NESTING {
        return Err(Rejection::new(
            origin,
            format!(
                "the page nests its elements more than {MAX_NESTING} deep; \
                 no article page comes close (unclosed tags?)"
            ),
        ));
    }
    let document = Document::from(html);
    let meta = Metadata::read(&document);
    let config = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: MAX_ELEMENTS,
        ..Config::default()
    };
    let extracted = Readability::with_document(document, meta.url.as_deref(), Some(config))
        .and_then(|mut readability| readability.parse())
        .map_err(|err| {
            Rejection::new(
                origin.clone(),
                format!("no article text could be found in the page ({err})"),
            )
        })?;
    let mut warnings = Vec::new();
    let mut article = RawArticle::from_body(origin, extracted.text_content.to_string());
    article.title = meta
        .title
        .or_else(|| Some(extracted.title.trim().to_string()))
        .filter(|t| !t.is_empty());
    article.outlet = meta.outlet;
    if let Some(url) = meta.url {
        match ArticleUrl::parse(&url) {
            Ok(url) => article.url = Some(url),
            Err(err) => warnings.push(format!("ignored the page's address: {err}")),
        }
    }
    if let Some(date) = meta.date {
        match parse_date(&date) {
            Some(date) => article.date = Some(date),
            None => warnings.push(format!("ignored the page's date {date:?}: not a date")),
        }
    }
    Ok((article, warnings))
}

/// Elements that do not hold others, or that the parser closes by itself
/// when the next one opens: they do not add to the nesting.
const NOT_NESTING: [&str; 39] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr", "param", "keygen", "frame", "basefont", "bgsound", "p", "li", "dt", "dd", "option",
    "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "colgroup", "caption", "rb", "rt",
    "rtc", "rp", "html", "head", "body",
];

/// Elements whose content is text, not tags.
const RAW_TEXT: [&str; 9] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];

/// How deep the page's elements nest, as far as one pass over its tags can
/// tell without parsing (and counting no further than past `limit`): the
/// elements opened and not yet closed, leaving out those of [`NOT_NESTING`],
/// comments and the text of [`RAW_TEXT`] elements.
fn nesting(html: &str, limit: usize) -> usize {
    let html = html.to_ascii_lowercase();
    let mut open: HashMap<&str, usize> = HashMap::new();
    let (mut depth, mut deepest) = (0, 0);
    let mut rest = html.as_str();
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(comment) = rest.strip_prefix("!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let closing = rest.starts_with('/');
        let tag = &rest[usize::from(closing)..];
        let name_len = tag
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(tag.len());
        let name = &tag[..name_len];
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            continue;
        }
        let end = rest.find('>').map_or(rest.len(), |end| end + 1);
        let self_closing = rest[..end].ends_with("/>");
        rest = &rest[end..];
        if closing {
            if let Some(count) = open.get_mut(name).filter(|count| **count > 0) {
                *count -= 1;
                depth -= 1;
            }
        } else if RAW_TEXT.contains(&name) {
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |end| &rest[end..]);
        } else if !self_closing && !NOT_NESTING.contains(&name) {
            *open.entry(name).or_default() += 1;
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > limit {
                break;
            }
        }
    }
    deepest
}

/// What the page says about itself.
#[derive(Debug, Default)]
struct Metadata {
    title: Option<String>,
    outlet: Option<String>,
    date: Option<String>,
    url: Option<String>,
}

impl Metadata {
    fn read(document: &Document) -> Metadata {
        let meta = |selector: &str| -> Option<String> {
            document
                .select(selector)
                .attr("content")
                .map(|value| value.trim().to_string())
                .filter(|value| !value.is_empty())
        };
        let ld = json_ld(document);
        let ld_text = |key: &str| -> Option<String> {
            ld.as_ref()
                .and_then(|article| article.get(key))
                .and_then(text_of)
        };
        let title = ld_text("headline")
            .or_else(|| meta("meta[property='og:title']"))
            .or_else(|| meta("meta[name='twitter:title']"))
            .or_else(|| {
                let title = document.select("title").text().trim().to_string();
                (!title.is_empty()).then_some(title)
            });
        let outlet = ld
            .as_ref()
            .and_then(|article| article.get("publisher"))
            .and_then(|publisher| {
                publisher
                    .get("name")
                    .and_then(text_of)
                    .or_else(|| text_of(publisher))
            })
            .or_else(|| meta("meta[property='og:site_name']"))
            .or_else(|| meta("meta[name='application-name']"));
        let date = ld_text("datePublished")
            .or_else(|| meta("meta[property='article:published_time']"))
            .or_else(|| meta("meta[name='article:published_time']"))
            .or_else(|| meta("meta[itemprop='datePublished']"))
            .or_else(|| meta("meta[name='pubdate']"))
            .or_else(|| meta("meta[name='publish-date']"))
            .or_else(|| meta("meta[name='date']"))
            .or_else(|| meta("meta[name='DC.date.issued']"));
        let url = document
            .select("link[rel='canonical']")
            .attr("href")
            .map(|href| href.trim().to_string())
            .filter(|href| href.starts_with("http"))
            .or_else(|| meta("meta[property='og:url']"))
            .or_else(|| ld_text("url"));
        Metadata {
            title,
            outlet,
            date,
            url,
        }
    }
}

/// The first JSON-LD object of a news or article type.
fn json_ld(document: &Document) -> Option<Value> {
    const TYPES: [&str; 7] = [
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "Article",
        "BlogPosting",
        "LiveBlogPosting",
    ];
    let is_article = |value: &Value| match value.get("@type") {
        Some(Value::String(kind)) => TYPES.contains(&kind.as_str()),
        Some(Value::Array(kinds)) => kinds
            .iter()
            .any(|k| k.as_str().is_some_and(|k| TYPES.contains(&k))),
        _ => false,
    };
    for script in document
        .select("script[type='application/ld+json']")
        .nodes()
    {
        let Ok(value) = serde_json::from_str::<Value>(script.text().trim()) else {
            continue;
        };
        let candidates: Vec<Value> = match value {
            Value::Array(items) => items,
            Value::Object(ref object) => match object.get("@graph") {
                Some(Value::Array(graph)) => graph.clone(),
                _ => vec![value],
            },
            _ => continue,
        };
        if let Some(article) = candidates.into_iter().find(is_article) {
            return Some(article);
        }
    }
    None
}

/// A JSON-LD value as text: a string, or the first string of an array.
fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.trim().to_string()).filter(|t| !t.is_empty()),
        Value::Array(items) => items.iter().find_map(text_of),
        _ => None,
    }
}

/// RFC 3339 as given, or its first ten characters when they are a day
/// (pages write `2025-08-14T10:32:00+0100` and other near misses).
fn parse_date(text: &str) -> Option<PublicationDate> {
    PublicationDate::parse(text).ok().or_else(|| {
        text.get(..10)
            .and_then(|day| PublicationDate::parse(day).ok())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html>
<html><head>
<title>Pier reopens after storm | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette">
<meta property="article:published_time" content="2025-03-02T08:15:00+0000">
<link rel="canonical" href="https://harbour-gazette.example/news/pier-reopens">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "Harbour Gazette site"},
  {"@type": "NewsArticle", "headline": "Pier reopens after winter storm",
   "datePublished": "2025-03-01T18:00:00Z", "publisher": {"@type": "Organization", "name": "The Harbour Gazette"}}
]}
</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Pier reopens after winter storm</h1>
<p>The pier reopened on Saturday, three months after a storm tore away its last forty metres. Crowds queued from seven in the morning to walk to the end again.</p>
<p>Engineers rebuilt the supports in oak and steel, and the council said the repairs had cost less than expected. The café at the end will open at Easter.</p>
<p>"It feels like the town has its heart back," said Maria Lopez, who chairs the pier trust. Fishing from the pier resumes next week.</p>
</article>
<footer>Copyright Harbour Gazette. All rights reserved. Contact us. Privacy policy.</footer>
</body></html>"#;

    #[test]
    fn the_main_text_and_the_pages_own_metadata_are_read() {
        let (article, warnings) = parse("pier.html", PAGE).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            article.title.as_deref(),
            Some("Pier reopens after winter storm")
        );
        assert_eq!(article.outlet.as_deref(), Some("The Harbour Gazette"));
        assert_eq!(article.date.unwrap().to_string(), "2025-03-01T18:00:00Z");
        assert_eq!(
            article.url.unwrap().as_str(),
            "https://harbour-gazette.example/news/pier-reopens"
        );
        assert!(
            article.body.contains("The pier reopened on Saturday"),
            "{}",
            article.body
        );
        assert!(
            article
                .body
                .contains("Fishing from the pier resumes next week.")
        );
        assert!(!article.body.contains("Privacy policy"), "{}", article.body);
        assert!(!article.body.contains("Sport"), "{}", article.body);
    }

    #[test]
    fn pages_without_json_ld_fall_back_to_meta_tags() {
        let page = PAGE.replace("application/ld+json", "text/plain");
        let (article, _) = parse("pier.html", &page).unwrap();
        assert_eq!(article.outlet.as_deref(), Some("Harbour Gazette"));
        assert_eq!(article.date.unwrap().to_string(), "2025-03-02T08:15:00Z");
    }

    #[test]
    fn nesting_counts_open_elements_but_not_void_ones_comments_or_scripts() {
        assert_eq!(nesting(PAGE, 100), 2);
        let page = "<DIV><div><br><img src=x><p><li><span/>\
                    <!-- <div><div><div> --><script>if (a<b) '<div><div>'</script>\
                    </div><div><div>";
        assert_eq!(nesting(page, 100), 3);
        // A stray end tag does not undo an element that was never opened.
        assert_eq!(nesting("</div></div><div><div>", 100), 2);
    }

    #[test]
    fn a_page_nested_thousands_deep_is_refused_at_once() {
        let page = format!(
            "<html><body>{}<p>{}</p></body></html>",
            "<div>".repeat(20_000),
            "Some words of a paragraph. ".repeat(20)
        );
        let started = std::time::Instant::now();
        let rejection = parse("deep.html", &page).unwrap_err();
        assert!(rejection.reason.contains("nests"), "{}", rejection.reason);
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        // Thirty deep is an ordinary page.
        let page = page.replace(&"<div>".repeat(20_000), &"<div>".repeat(30));
        assert!(parse("ok.html", &page).is_ok());
    }

    #[test]
    fn a_page_with_no_text_is_refused() {
        assert!(parse("empty.html", "<html><body></body></html>").is_err());
    }
}
