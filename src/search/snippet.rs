//! Snippets: short passages of a body around the best matches, with each
//! match inside `<mark>…</mark>`.
//!
//! The body is analysed again with the index's English analyser, so a
//! highlighted word is exactly a word the query matched ("talks" for the
//! query `talk`). A fragment stays within one paragraph and prefers to start
//! at a sentence. Everything but the `<mark>` tags is HTML-escaped.

use std::collections::HashSet;

use tantivy::tokenizer::TextAnalyzer;

use super::compile::Terms;

/// About how long a fragment is, in bytes (characters, for English).
pub const FRAGMENT_LEN: usize = 200;

/// How much text a fragment shows before its first match.
const LEAD: usize = 60;

/// How much of a body snippets look through, in bytes: more than any news
/// article, so that one huge document costs every search that finds it no
/// more than a long read does.
const SCAN_LIMIT: usize = 256 * 1024;

/// How many places a snippet may start from are weighed; a body with more
/// matches than this shows fragments from its first ones.
const MAX_CANDIDATES: usize = 256;

pub struct Highlighter {
    analyzer: TextAnalyzer,
    terms: Terms,
}

/// A matched stretch of the body: byte range and what it matched, so that a
/// fragment with several different terms beats one with the same term twice.
/// A token of the body: its byte range, and where its analysed text sits
/// in a shared buffer.
struct Token {
    start: usize,
    end: usize,
    text: std::ops::Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Match {
    start: usize,
    end: usize,
    unit: String,
}

impl Highlighter {
    pub fn new(analyzer: TextAnalyzer, terms: Terms) -> Highlighter {
        Highlighter { analyzer, terms }
    }

    /// Up to `max` fragments of `body`, in reading order. Without a match
    /// (an empty query, or one that matched the title only), the start of
    /// the article.
    pub fn snippets(&mut self, body: &str, max: usize) -> Vec<String> {
        if max == 0 || body.is_empty() {
            return Vec::new();
        }
        let scanned = &body[..floor_boundary(body, body.len().min(SCAN_LIMIT))];
        let matches = self.matches(scanned);
        if matches.is_empty() {
            let paragraph_end = scanned.find("\n\n").unwrap_or(scanned.len());
            let end = clip_end(body, 0, paragraph_end, 0);
            return vec![render(body, 0, end, &[])];
        }
        let breaks: Vec<usize> = scanned.match_indices("\n\n").map(|(i, _)| i).collect();
        let mut candidates: Vec<(usize, usize)> = Vec::new();
        for anchor in &matches {
            let candidate = window(scanned, &breaks, anchor);
            // Neighbouring matches in a short paragraph share its window.
            if candidates.last() != Some(&candidate) {
                candidates.push(candidate);
            }
            if candidates.len() == MAX_CANDIDATES {
                break;
            }
        }
        // Greedy, with diminishing returns: a fragment showing a term not
        // shown yet beats one that repeats a term already shown, so three
        // fragments cover as much of the query as the text allows.
        let mut shown: HashSet<&str> = HashSet::new();
        let mut chosen: Vec<(usize, usize)> = Vec::new();
        while chosen.len() < max {
            let mut best: Option<(f32, usize, usize)> = None;
            for &(start, end) in &candidates {
                if chosen.iter().any(|&(s, e)| start < e && end > s) {
                    continue;
                }
                let mut units: HashSet<&str> = HashSet::new();
                let mut repeats = 0;
                for m in within(&matches, start, end) {
                    if !units.insert(m.unit.as_str()) {
                        repeats += 1;
                    }
                }
                let score: f32 = units
                    .iter()
                    .map(|unit| if shown.contains(unit) { 0.2 } else { 1.0 })
                    .sum::<f32>()
                    + 0.05 * repeats as f32;
                if best.is_none_or(|(b, _, _)| score > b) {
                    best = Some((score, start, end));
                }
            }
            let Some((_, start, end)) = best else { break };
            for m in within(&matches, start, end) {
                shown.insert(m.unit.as_str());
            }
            chosen.push((start, end));
        }
        chosen.sort();
        chosen
            .into_iter()
            .map(|(start, end)| render(body, start, end, &matches))
            .collect()
    }

    /// The whole of `text`, escaped, with every match marked.
    pub fn highlight_all(&mut self, text: &str) -> String {
        let matches = self.matches(text);
        escape_marked(text, 0, text.len(), &matches)
    }

    fn matches(&mut self, body: &str) -> Vec<Match> {
        if self.terms.is_empty() {
            return Vec::new();
        }
        // Every token's text goes into one buffer; a body of a thousand
        // words costs one growing string, not a thousand small ones.
        let mut text = String::with_capacity(body.len());
        let mut tokens: Vec<Token> = Vec::new();
        self.analyzer.token_stream(body).process(&mut |token| {
            let from = text.len();
            text.push_str(&token.text);
            tokens.push(Token {
                start: token.offset_from,
                end: token.offset_to,
                text: from..text.len(),
            });
        });
        let word = |i: usize| &text[tokens[i].text.clone()];
        let mut matched: Vec<Option<String>> = vec![None; tokens.len()];
        for (i, slot) in matched.iter_mut().enumerate() {
            let word = word(i);
            if self.terms.words.contains(word) {
                *slot = Some(word.to_string());
            } else if let Some(prefix) = self
                .terms
                .prefixes
                .iter()
                .find(|p| word.starts_with(p.as_str()))
            {
                *slot = Some(format!("{prefix}*"));
            }
        }
        // Phrases mark their words only where they occur in sequence; a run
        // of matched words becomes one <mark>.
        let mut phrase_runs: Vec<(usize, usize, String)> = Vec::new();
        for phrase in &self.terms.phrases {
            let unit = phrase.join(" ");
            for start in 0..tokens.len().saturating_sub(phrase.len() - 1) {
                let hit = phrase
                    .iter()
                    .enumerate()
                    .all(|(k, expected)| word(start + k) == expected);
                if hit {
                    phrase_runs.push((start, start + phrase.len(), unit.clone()));
                }
            }
        }
        let mut out: Vec<Match> = Vec::new();
        for (first, last, unit) in phrase_runs {
            for slot in matched.iter_mut().take(last).skip(first) {
                *slot = None;
            }
            out.push(Match {
                start: tokens[first].start,
                end: tokens[last - 1].end,
                unit,
            });
        }
        for (i, unit) in matched.into_iter().enumerate() {
            if let Some(unit) = unit {
                out.push(Match {
                    start: tokens[i].start,
                    end: tokens[i].end,
                    unit,
                });
            }
        }
        out.sort_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        // Overlapping phrases (`"a b" "b c"`) merge into one stretch.
        let mut merged: Vec<Match> = Vec::with_capacity(out.len());
        for m in out {
            match merged.last_mut() {
                Some(last) if m.start < last.end => last.end = last.end.max(m.end),
                _ => merged.push(m),
            }
        }
        merged
    }
}

/// The fragment around `anchor`: within its paragraph, starting at the
/// sentence it is in when that is close, else a little before it, and
/// about [`FRAGMENT_LEN`] long.
/// `breaks` are where the body's paragraph breaks (`\n\n`) start.
fn window(body: &str, breaks: &[usize], anchor: &Match) -> (usize, usize) {
    let before = breaks.partition_point(|&b| b + 2 <= anchor.start);
    let paragraph_start = before.checked_sub(1).map_or(0, |i| breaks[i] + 2);
    let after = breaks.partition_point(|&b| b < anchor.end);
    let paragraph_end = breaks.get(after).copied().unwrap_or(body.len());
    if paragraph_end - paragraph_start <= FRAGMENT_LEN {
        return (paragraph_start, paragraph_end);
    }
    let earliest = floor_boundary(
        body,
        anchor.start.saturating_sub(LEAD * 2).max(paragraph_start),
    );
    let sentence_start = body[earliest..anchor.start]
        .rfind(['.', '?', '!'])
        .map(|i| earliest + i + 1)
        .filter(|&i| body[i..].starts_with(' '))
        .map(|i| i + 1);
    let start = match sentence_start {
        Some(start) if anchor.start - start <= LEAD * 2 => start,
        _ if anchor.start - paragraph_start <= LEAD => paragraph_start,
        _ => {
            let from = floor_boundary(body, anchor.start - LEAD);
            body[from..anchor.start]
                .find(' ')
                .map_or(anchor.start, |i| from + i + 1)
        }
    };
    let end = clip_end(body, start, paragraph_end, anchor.end);
    (start, end)
}

/// Where a fragment from `start` should end: at most [`FRAGMENT_LEN`] on
/// and never past `limit`, at a word boundary, and not before `at_least`.
fn clip_end(body: &str, start: usize, limit: usize, at_least: usize) -> usize {
    let target = start + FRAGMENT_LEN;
    if target >= limit {
        return limit;
    }
    let target = floor_boundary(body, target.max(at_least));
    body[at_least.max(start)..target]
        .rfind(' ')
        .map_or(target, |i| at_least.max(start) + i)
        .max(at_least)
}

pub fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// A fragment, escaped and marked, with an ellipsis where it cuts a
/// paragraph short.
fn render(body: &str, start: usize, end: usize, matches: &[Match]) -> String {
    let starts_paragraph = start == 0 || body[..start].ends_with('\n');
    let ends_paragraph = end == body.len() || body[end..].starts_with('\n');
    let mut out = String::new();
    if !starts_paragraph {
        out.push('…');
    }
    out.push_str(escape_marked(body, start, end, matches).trim());
    if !ends_paragraph {
        out.push('…');
    }
    out
}

fn escape_marked(body: &str, start: usize, end: usize, matches: &[Match]) -> String {
    let mut out = String::with_capacity(end - start + 32);
    let mut at = start;
    for m in within(matches, start, end) {
        escape_into(&body[at..m.start], &mut out);
        out.push_str("<mark>");
        escape_into(&body[m.start..m.end], &mut out);
        out.push_str("</mark>");
        at = m.end;
    }
    escape_into(&body[at..end], &mut out);
    out
}

/// The matches wholly inside `start..end`; `matches` are in order and do
/// not overlap.
fn within(matches: &[Match], start: usize, end: usize) -> impl Iterator<Item = &Match> {
    let first = matches.partition_point(|m| m.start < start);
    matches[first..]
        .iter()
        .take_while(move |m| m.start < end)
        .filter(move |m| m.end <= end)
}

/// Escapes the five characters that could make text into markup.
pub fn escape_into(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::analyzer::english;

    fn highlighter(words: &[&str], phrases: &[&[&str]], prefixes: &[&str]) -> Highlighter {
        Highlighter::new(
            english(),
            Terms {
                words: words.iter().map(|w| w.to_string()).collect(),
                phrases: phrases
                    .iter()
                    .map(|p| p.iter().map(|w| w.to_string()).collect())
                    .collect(),
                prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
            },
        )
    }

    #[test]
    fn stemmed_matches_are_marked_and_text_is_escaped() {
        let mut h = highlighter(&["talk"], &[], &[]);
        let got = h.snippets("Peace <b>talks</b> & more talking.", 3);
        assert_eq!(
            got,
            ["Peace &lt;b&gt;<mark>talks</mark>&lt;/b&gt; &amp; more <mark>talking</mark>."]
        );
    }

    #[test]
    fn phrases_are_marked_only_in_sequence_as_one_stretch() {
        let mut h = highlighter(&[], &[&["coalit", "of", "the", "will"]], &[]);
        let got = h.snippets("The willing. A coalition of the willing met.", 1);
        assert_eq!(
            got,
            ["The willing. A <mark>coalition of the willing</mark> met."]
        );
    }

    #[test]
    fn prefixes_mark_every_word_they_start() {
        let mut h = highlighter(&[], &[], &["negoti"]);
        assert_eq!(
            h.snippets("Negotiators negotiate.", 1),
            ["<mark>Negotiators</mark> <mark>negotiate</mark>."]
        );
    }

    #[test]
    fn a_huge_body_without_paragraphs_costs_no_more_than_a_long_read() {
        // Ten megabytes in one paragraph, a match every few words: once the
        // cost of every search that found it grew with the square of this.
        let body = "the harbour ferry met on Monday and ".repeat(280_000);
        let mut h = highlighter(&["harbour", "ferri"], &[], &[]);
        let started = std::time::Instant::now();
        let got = h.snippets(&body, 3);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(got.len(), 3);
        assert!(
            got.iter().all(|f| f.contains("<mark>harbour</mark>")),
            "{got:?}"
        );
        assert!(got.iter().all(|f| f.len() < FRAGMENT_LEN * 2), "{got:?}");
    }

    #[test]
    fn long_bodies_give_up_to_three_short_fragments_in_order() {
        let filler = "Nothing to see in this sentence at all. ".repeat(12);
        let body = format!(
            "{filler}Alpha appears here.\n\n{filler}Beta appears here.\n\n{filler}Gamma here.\n\n{filler}Alpha again."
        );
        let mut h = highlighter(&["alpha", "beta", "gamma"], &[], &[]);
        let got = h.snippets(&body, 3);
        assert_eq!(got.len(), 3);
        assert!(got[0].contains("<mark>Alpha</mark>"), "{got:?}");
        assert!(got[1].contains("<mark>Beta</mark>"), "{got:?}");
        assert!(got[2].contains("<mark>Gamma</mark>"), "{got:?}");
        for fragment in &got {
            let visible = fragment.replace("<mark>", "").replace("</mark>", "");
            assert!(visible.chars().count() <= FRAGMENT_LEN + 2, "{fragment}");
        }
    }

    #[test]
    fn without_matches_the_lede_is_shown() {
        let mut h = highlighter(&[], &[], &[]);
        let body = format!("{}\n\nSecond paragraph.", "Lede words here. ".repeat(20));
        let got = h.snippets(&body, 3);
        assert_eq!(got.len(), 1);
        assert!(got[0].starts_with("Lede words here.") && got[0].ends_with('…'));
        assert!(!got[0].contains("<mark>"));
    }

    #[test]
    fn multibyte_text_is_cut_on_character_boundaries() {
        let body = format!("{}talks{}", "é ".repeat(150), " ü".repeat(150));
        let mut h = highlighter(&["talk"], &[], &[]);
        let got = h.snippets(&body, 3);
        assert_eq!(got.len(), 1);
        assert!(got[0].contains("<mark>talks</mark>"), "{got:?}");
    }
}
