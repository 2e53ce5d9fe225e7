//! Aggregator pages append other outlets' articles under a heading such as
//! "Related Articles". Each appended block is an article of its own; this
//! module splits them off so that none stays in the page's body.
//!
//! A block is found by its time stamp, the one line every aggregator card
//! has ("an hour ago", "27 minutes ago", "yesterday"). Around it:
//!
//! ```text
//! Spectator            the outlet (optional)
//! an hour ago          the time stamp
//! - Spectator          the outlet again (optional)
//! Putin was the real winner of the Alaska summit     the title
//! Vladimir Putin couldn't stop smiling …             the body, to the next block
//! ```
//!
//! A block without a body is a bare link and is removed as furniture. When
//! no block can be found the section is removed if it is the smaller part
//! of the page, and otherwise only its heading goes.

use std::sync::LazyLock;

use regex::Regex;

use super::cleaned::{Appended, Removed};
use super::rules::{Kind, Rule};

static TIME_STAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?i:(?:an?|\d{1,3}) (?:second|sec|minute|min|hour|hr|day|week|month)s? ago|just now|yesterday|today)$",
    )
    .expect("valid regex")
});

static DASH_OUTLET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[-–—•]\s*(\S.{0,39})$").expect("valid regex"));

/// Splits `lines` (blank lines included) at the first related-articles
/// heading. Returns the page's own lines and the appended articles; what is
/// neither is recorded in `removed`.
pub fn split(
    lines: &[String],
    rules: &[Rule],
    removed: &mut Vec<Removed>,
) -> (Vec<String>, Vec<Appended>) {
    let found = lines.iter().enumerate().find_map(|(i, line)| {
        rules.iter().find_map(|rule| match &rule.kind {
            Kind::Related { pattern } if pattern.is_match(line) => Some((i, rule)),
            _ => None,
        })
    });
    let Some((at, rule)) = found else {
        return (lines.to_vec(), Vec::new());
    };
    let mut remove = |text: &str| {
        if !text.is_empty() {
            removed.push(Removed {
                text: text.to_string(),
                rule: rule.name.clone(),
                date: false,
                outside: true,
            });
        }
    };
    remove(&lines[at]);
    let section = &lines[at + 1..];
    let (cards, leftovers) = cards(section, &rule.name);
    if !cards.is_empty() {
        for line in leftovers {
            remove(line);
        }
        return (lines[..at].to_vec(), cards);
    }
    let size = |lines: &[String]| lines.iter().map(String::len).sum::<usize>();
    if size(section) < size(&lines[..at]) {
        for line in section {
            remove(line);
        }
        (lines[..at].to_vec(), Vec::new())
    } else {
        let mut page = lines[..at].to_vec();
        page.extend_from_slice(section);
        (page, Vec::new())
    }
}

/// A line that could name an outlet: short, a few words, not a sentence.
fn is_outlet_like(line: &str) -> bool {
    !line.is_empty()
        && line.chars().count() <= 40
        && line.split_whitespace().count() <= 5
        && !line.ends_with(['.', ',', ':', ';', '?', '!'])
        && !TIME_STAMP.is_match(line)
}

/// The blocks of a related-articles section, and the lines that belong to
/// none.
fn cards<'a>(section: &'a [String], rule_name: &str) -> (Vec<Appended>, Vec<&'a String>) {
    let stamps: Vec<usize> = (0..section.len())
        .filter(|&i| TIME_STAMP.is_match(&section[i]))
        .collect();
    // Where each block starts: its outlet line, if the stamp has one above.
    let starts: Vec<usize> = stamps
        .iter()
        .enumerate()
        .map(|(k, &t)| {
            let floor = if k == 0 { 0 } else { stamps[k - 1] + 1 };
            if t > floor && is_outlet_like(&section[t - 1]) {
                t - 1
            } else {
                t
            }
        })
        .collect();
    let mut cards = Vec::new();
    let mut leftovers: Vec<&String> = section[..starts.first().copied().unwrap_or(section.len())]
        .iter()
        .collect();
    for (k, (&start, &stamp)) in starts.iter().zip(&stamps).enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(section.len());
        // The block's heading lines: its outlet, time stamp and outlet again.
        let mut heading: Vec<&String> = section[start..=stamp].iter().collect();
        let mut outlet = (start < stamp).then(|| section[start].clone());
        let mut lines = section[stamp + 1..end]
            .iter()
            .filter(|l| !l.is_empty())
            .peekable();
        if let Some(line) = lines.peek()
            && let Some(name) = DASH_OUTLET.captures(line).and_then(|c| c.get(1))
        {
            outlet.get_or_insert_with(|| name.as_str().to_string());
            heading.extend(lines.next());
        }
        let title = lines.next().cloned();
        let paragraphs: Vec<String> = lines.cloned().collect();
        if paragraphs.is_empty() {
            leftovers.extend(section[start..end].iter());
            continue;
        }
        cards.push(Appended {
            outlet,
            title,
            paragraphs,
            removed: heading
                .into_iter()
                .map(|line| Removed {
                    text: line.clone(),
                    rule: rule_name.to_string(),
                    date: false,
                    outside: true,
                })
                .collect(),
        });
    }
    (cards, leftovers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::clean::rules::builtin;

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    #[test]
    fn blocks_are_split_with_their_outlets_titles_and_bodies() {
        let page = lines(
            "The page's own article.\nRelated Articles\n\n\nSpectator\nan hour ago\n- Spectator\n\
             Putin was the real winner\nVladimir Putin couldn't stop smiling.\n\n\n\
             27 minutes ago\nTakeaways from the meeting\nWASHINGTON -- The summit began.\n\
             Yahoo\n35 minutes ago\n- Yahoo\nNo deal after brief talks\nDonald Trump left more questions.",
        );
        let mut removed = Vec::new();
        let (own, cards) = split(&page, builtin(), &mut removed);
        assert_eq!(own, ["The page's own article."]);
        assert_eq!(cards.len(), 3);
        assert_eq!(cards[0].outlet.as_deref(), Some("Spectator"));
        assert_eq!(cards[0].title.as_deref(), Some("Putin was the real winner"));
        assert_eq!(
            cards[0].paragraphs,
            ["Vladimir Putin couldn't stop smiling."]
        );
        assert_eq!(cards[1].outlet, None);
        assert_eq!(cards[1].paragraphs, ["WASHINGTON -- The summit began."]);
        assert_eq!(cards[2].outlet.as_deref(), Some("Yahoo"));
        assert_eq!(removed.len(), 1);
    }

    #[test]
    fn headline_only_blocks_are_furniture() {
        let page = lines(
            "A long enough article paragraph for the page.\nRelated Articles\n\
             2 hours ago\nA headline with no text\n\
             BBC\n3 hours ago\nAnother story\nIts body.",
        );
        let mut removed = Vec::new();
        let (_, cards) = split(&page, builtin(), &mut removed);
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].outlet.as_deref(), Some("BBC"));
        assert!(removed.iter().any(|r| r.text == "A headline with no text"));
    }

    #[test]
    fn a_section_without_blocks_goes_only_if_it_is_the_smaller_part() {
        let short = lines(
            "A long article paragraph, longer than the links.\nRelated Articles\nOne link\nTwo link",
        );
        let mut removed = Vec::new();
        let (own, cards) = split(&short, builtin(), &mut removed);
        assert_eq!((own.len(), cards.len(), removed.len()), (1, 0, 3));

        let long = lines(
            "Intro.\nRelated stories\nThe article really goes on here at length, as articles do.",
        );
        let mut removed = Vec::new();
        let (own, _) = split(&long, builtin(), &mut removed);
        assert_eq!(own.len(), 2);
        assert_eq!(removed.len(), 1);
    }
}
