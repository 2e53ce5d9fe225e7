//! Edited copies of an article, made the way outlets edit wire copy, to
//! measure how well copies are grouped: words substituted, dropped or
//! added; the tail cut; furniture added around the text (a byline, a photo
//! credit, a "READ MORE" line, a share prompt, a dateline) and another
//! headline; the paragraphs of the tail reordered.
//!
//! Everything is drawn from a seeded [`Rng`], so a seed and the same
//! articles always give the same copies. Pure code, no I/O.

use std::fmt;

/// A small, seeded random number generator (SplitMix64): reproducible on
/// every platform, and enough for drawing test data.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        super::stories::mix(self.0)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// One way an outlet edits a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// 2–5% of the words substituted, dropped, or joined by another.
    Edits,
    /// Only the first 50–80% of the words kept.
    Trim,
    /// A byline, photo credit, dateline, "READ MORE" line or share prompt
    /// added, and another headline.
    Furniture,
    /// The paragraphs after the first half in another order.
    Reorder,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Edits, Kind::Trim, Kind::Furniture, Kind::Reorder];
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Edits => "edits",
            Kind::Trim => "trim",
            Kind::Furniture => "furniture",
            Kind::Reorder => "reorder",
        })
    }
}

/// An article as title and body (paragraphs separated by blank lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    pub title: String,
    pub body: String,
}

/// One to three kinds of edit, each equally likely to be among them.
pub fn draw_kinds(rng: &mut Rng) -> Vec<Kind> {
    loop {
        let kinds: Vec<Kind> = Kind::ALL.into_iter().filter(|_| rng.chance(0.4)).collect();
        if !kinds.is_empty() && kinds.len() < Kind::ALL.len() {
            return kinds;
        }
    }
}

/// A copy of `text` edited in each of the `kinds` ways, in a fixed order:
/// reorder, trim, edits, then furniture around what is left.
pub fn copy(rng: &mut Rng, text: &Text, kinds: &[Kind]) -> Text {
    let mut paragraphs: Vec<String> = text
        .body
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    if kinds.contains(&Kind::Reorder) {
        reorder_tail(rng, &mut paragraphs);
    }
    if kinds.contains(&Kind::Trim) {
        let keep = 0.5 + 0.3 * rng.unit();
        trim(&mut paragraphs, keep);
    }
    if kinds.contains(&Kind::Edits) {
        let rate = 0.02 + 0.03 * rng.unit();
        paragraphs = paragraphs.iter().map(|p| edit(rng, p, rate)).collect();
    }
    let mut title = text.title.clone();
    if kinds.contains(&Kind::Furniture) {
        title = format!("{}: {}", rng.pick(HEADLINE_PREFIXES), text.title);
        add_furniture(rng, &mut paragraphs);
    }
    Text {
        title,
        body: paragraphs.join("\n\n"),
    }
}

/// Shuffles the paragraphs after the first half (Fisher–Yates).
fn reorder_tail(rng: &mut Rng, paragraphs: &mut [String]) {
    let start = paragraphs.len().div_ceil(2);
    let tail = &mut paragraphs[start..];
    for i in (1..tail.len()).rev() {
        let j = rng.below(i + 1);
        tail.swap(i, j);
    }
}

/// Keeps the first `share` of the words: whole paragraphs, and the words of
/// the paragraph where the cut falls.
fn trim(paragraphs: &mut Vec<String>, share: f64) {
    let total: usize = paragraphs
        .iter()
        .map(|p| p.split_whitespace().count())
        .sum();
    let mut budget = (total as f64 * share).round() as usize;
    let mut kept = Vec::new();
    for paragraph in paragraphs.drain(..) {
        if budget == 0 {
            break;
        }
        let words: Vec<&str> = paragraph.split_whitespace().collect();
        if words.len() <= budget {
            budget -= words.len();
            kept.push(paragraph);
        } else {
            kept.push(words[..budget].join(" "));
            budget = 0;
        }
    }
    *paragraphs = kept;
}

/// Substitutes, drops or adds a word at `rate` of the words.
fn edit(rng: &mut Rng, paragraph: &str, rate: f64) -> String {
    let mut out: Vec<&str> = Vec::new();
    for word in paragraph.split_whitespace() {
        if !rng.chance(rate) {
            out.push(word);
            continue;
        }
        match rng.below(3) {
            0 => out.push(rng.pick(SUBSTITUTES)),
            1 => {}
            _ => {
                out.push(word);
                out.push(rng.pick(SUBSTITUTES));
            }
        }
    }
    out.join(" ")
}

/// Adds one to three pieces of furniture around the paragraphs.
fn add_furniture(rng: &mut Rng, paragraphs: &mut Vec<String>) {
    let name = rng.pick(NAMES);
    let agency = rng.pick(AGENCIES);
    let pieces = 1 + rng.below(3);
    for _ in 0..pieces {
        match rng.below(5) {
            0 => paragraphs.insert(0, format!("By {name}, {agency}")),
            1 => paragraphs.insert(
                rng.below(paragraphs.len() + 1),
                format!("Photo: {name}/{agency}"),
            ),
            2 => {
                let at = 1 + rng.below(paragraphs.len().max(1));
                let at = at.min(paragraphs.len());
                paragraphs.insert(at, format!("READ MORE: {}", rng.pick(OTHER_HEADLINES)));
            }
            3 => paragraphs.push(rng.pick(SHARE_PROMPTS).to_string()),
            _ => {
                if let Some(first) = paragraphs.first_mut() {
                    *first = format!("{} ({agency}) - {first}", rng.pick(PLACES));
                }
            }
        }
    }
}

const SUBSTITUTES: &[&str] = &[
    "also",
    "however",
    "reportedly",
    "now",
    "recently",
    "further",
    "officials",
    "new",
    "major",
    "several",
    "key",
    "said",
    "last",
    "first",
    "many",
    "such",
    "very",
    "only",
];
const NAMES: &[&str] = &[
    "Jane Doe",
    "Tom Hart",
    "Priya Shah",
    "Luis Ortega",
    "Mei Chen",
    "Ola Nordmann",
];
const AGENCIES: &[&str] = &["Wire Service", "Press Agency", "Newswire", "Global Press"];
const PLACES: &[&str] = &["LONDON", "NEW YORK", "BRUSSELS", "TOKYO", "MANCHESTER"];
const HEADLINE_PREFIXES: &[&str] = &["UPDATE", "Explained", "Latest", "Breaking"];
const OTHER_HEADLINES: &[&str] = &[
    "Ten things to know before the budget",
    "Weather warning issued for the weekend",
    "Local council approves new cycle lanes",
    "Markets close higher after a volatile week",
];
const SHARE_PROMPTS: &[&str] = &[
    "Share this article with your friends on social media.",
    "Sign up to our newsletter for the day's top stories.",
    "Have you got a story? Email our newsdesk.",
];

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> Text {
        let paragraphs: Vec<String> = (0..8)
            .map(|p| {
                (0..20)
                    .map(|w| format!("w{p}x{w}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        Text {
            title: "A title".into(),
            body: paragraphs.join("\n\n"),
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_copy_and_another_seed_another() {
        let kinds = [Kind::Edits, Kind::Trim, Kind::Furniture, Kind::Reorder];
        let a = copy(&mut Rng::new(7), &text(), &kinds);
        let b = copy(&mut Rng::new(7), &text(), &kinds);
        let c = copy(&mut Rng::new(8), &text(), &kinds);
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_trim_keeps_the_first_half_to_four_fifths_of_the_words() {
        for seed in 0..20 {
            let trimmed = copy(&mut Rng::new(seed), &text(), &[Kind::Trim]);
            let words = trimmed.body.split_whitespace().count();
            assert!((80..=128).contains(&words), "{words} of 160");
            assert!(text().body.starts_with(&trimmed.body));
        }
    }

    #[test]
    fn edits_change_a_few_words_and_reordering_keeps_the_first_half() {
        let original = text();
        let edited = copy(&mut Rng::new(3), &original, &[Kind::Edits]);
        let kept = original
            .body
            .split_whitespace()
            .filter(|w| edited.body.split_whitespace().any(|e| e == *w))
            .count();
        assert!((140..160).contains(&kept), "{kept} of 160 words kept");
        let reordered = copy(&mut Rng::new(3), &original, &[Kind::Reorder]);
        let half: Vec<&str> = original.body.split("\n\n").take(4).collect();
        assert!(reordered.body.starts_with(&half.join("\n\n")));
        assert_ne!(reordered.body, original.body);
    }
}
