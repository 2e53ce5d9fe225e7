//! What each fuzz target does with its input, and what must hold of the
//! result.
//!
//! The targets in `fuzz_targets/` call these functions, and so does the
//! regression test `tests/newsdesk/fuzz_regressions.rs`, which includes this
//! file as a module: an input the fuzzer once found goes through exactly the
//! code and the checks it went through then. So this file uses nothing but
//! `newsdesk` and `std`.
//!
//! Every function panics when an invariant is broken; a panic, a hang or a
//! crash is what the fuzzer reports.

use newsdesk::ingest::parse::Item;
use newsdesk::ingest::{self, Defaults, Prepared, html, parse, sgml, source};
use newsdesk::search::query::{self, Node};

/// What a target does with one input; it panics when a check fails.
pub type Target = fn(&[u8]);

/// The targets, by the name of their folder under `fuzz/regressions/`.
pub const TARGETS: [(&str, Target); 7] = [
    ("query", query),
    ("clean", clean),
    ("json", json),
    ("ndjson", ndjson),
    ("text", text),
    ("html", html),
    ("sgml", sgml),
];

/// The query parser: never fails, and its tree is as shallow as
/// [`query::MAX_DEPTH`] promises (compiling the tree recurses over it).
pub fn query(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let parsed = query::parse(&input);
    if let Some(root) = &parsed.root {
        let depth = depth(root);
        // Each level of parentheses adds at most an AND, an OR and a NOT.
        let bound = 3 * (query::MAX_DEPTH + 1) + 1;
        assert!(depth <= bound, "a query tree {depth} levels deep");
        check_terms(root);
    }
}

fn depth(node: &Node) -> usize {
    match node {
        Node::And(nodes) | Node::Or(nodes) => 1 + nodes.iter().map(depth).max().unwrap_or(0),
        Node::Not(inner) => 1 + depth(inner),
        _ => 1,
    }
}

/// No term the compiler would have to look up is empty, and no AND or OR
/// has fewer than two parts (the parser flattens them).
fn check_terms(node: &Node) {
    match node {
        Node::Word { text, .. } | Node::Phrase { text, .. } | Node::Prefix { text, .. } => {
            assert!(!text.is_empty(), "an empty term in {node:?}");
        }
        Node::Keyword { value, .. } => assert!(!value.is_empty(), "an empty value in {node:?}"),
        Node::Dates { .. } => {}
        Node::And(nodes) | Node::Or(nodes) => {
            assert!(nodes.len() >= 2, "a one-part AND or OR: {node:?}");
            nodes.iter().for_each(check_terms);
        }
        Node::Not(inner) => check_terms(inner),
    }
}

/// The cleaner: paragraphs are single, trimmed, non-empty lines, on the
/// page and in the articles split off it.
pub fn clean(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let cleaned = ingest::clean::clean(&text);
    check_paragraphs(&cleaned.paragraphs);
    for card in &cleaned.appended {
        check_paragraphs(&card.paragraphs);
    }
}

fn check_paragraphs(paragraphs: &[String]) {
    for paragraph in paragraphs {
        assert!(
            !paragraph.is_empty()
                && !paragraph.contains('\n')
                && paragraph.trim() == paragraph.as_str(),
            "a paragraph that is not one trimmed line: {paragraph:?}"
        );
    }
}

/// A `.json` file or body: one object or an array of them.
pub fn json(data: &[u8]) {
    let Ok((text, _)) = source::decode("fuzz.json", data) else {
        return;
    };
    if let Ok(items) = parse::json_document("fuzz.json", &text) {
        items.into_iter().for_each(prepare);
    }
}

/// An NDJSON stream, read a line at a time as `ingest` and stdin read it.
pub fn ndjson(data: &[u8]) {
    source::read_ndjson("fuzz.ndjson", data, &mut prepare)
        .expect("reading from memory cannot fail");
}

/// A `.txt` file, with or without front matter.
pub fn text(data: &[u8]) {
    if let Ok((text, _)) = source::decode("fuzz.txt", data) {
        prepare(parse::text("fuzz.txt", &text));
    }
}

/// An HTML page.
pub fn html(data: &[u8]) {
    if let Ok((text, _)) = source::decode("fuzz.html", data) {
        prepare(html::parse("fuzz.html", &text));
    }
}

/// A Reuters-21578 `.sgm` file.
pub fn sgml(data: &[u8]) {
    if let Ok((text, _)) = source::decode("fuzz.sgm", data) {
        sgml::parse("fuzz.sgm", &text).into_iter().for_each(prepare);
    }
}

/// Cleans and extracts what a reader made, as `ingest` would: the article
/// and the ones split off its page have a body, and name their page.
fn prepare(item: Item) {
    let Ok((raw, _)) = item else {
        return;
    };
    let Ok(prepared) = ingest::prepare(raw, &Defaults::default()) else {
        return;
    };
    check_article(&prepared);
    for appended in &prepared.appended {
        check_article(appended);
        assert_eq!(appended.article.parent.as_ref(), Some(&prepared.article.id));
    }
}

fn check_article(prepared: &Prepared) {
    let article = &prepared.article;
    assert!(!article.body.trim().is_empty(), "an article with no body");
    if let Some(title) = &article.title {
        assert!(!title.trim().is_empty(), "a blank title");
    }
}
