//! Clean: from an article's raw text to its paragraphs, without the page
//! furniture around them.
//!
//! No I/O and no failure: cleaning takes text and returns text, plus a record
//! of every span it removed and the rule that removed it (`newsdesk inspect`
//! shows them). Three kinds of knowledge work together:
//!
//! - rules as data ([`rules`], `furniture.toml`): fixed phrases and shapes
//!   of known furniture, one rule each, with a comment saying why it is safe;
//! - structure ([`structure`]): a trailing run of short headline-shaped
//!   lines, a block of link-like lines, whoever wrote them;
//! - aggregator pages ([`related`]): other outlets' articles appended under
//!   "Related Articles" are split off as articles of their own.

pub mod cleaned;
pub mod related;
pub mod rules;
pub mod structure;

use crate::text::normalise::normalise_line;
pub use cleaned::{Appended, Cleaned, Numbered, Removed};
use rules::{Kind, Rule};

/// Cleans `body` with the built-in rules.
pub fn clean(body: &str) -> Cleaned {
    clean_with(body, rules::builtin())
}

/// Cleans `body` with `rules`.
pub fn clean_with(body: &str, rules: &[Rule]) -> Cleaned {
    let lines: Vec<String> = body.lines().map(normalise_line).collect();
    let mut related_removed = Vec::new();
    let (page, appended) = related::split(&lines, rules, &mut related_removed);
    let paragraphs: Vec<String> = page.into_iter().filter(|l| !l.is_empty()).collect();
    let mut removed = Vec::new();
    let paragraphs = apply(paragraphs, rules, &mut removed);
    // The related section comes at the end of the page.
    removed.append(&mut related_removed);
    let appended = appended
        .into_iter()
        .map(|card| {
            let mut removed = card.removed;
            let paragraphs = apply(card.paragraphs, rules, &mut removed);
            Appended {
                paragraphs,
                removed,
                ..card
            }
        })
        .collect();
    Cleaned {
        paragraphs,
        removed,
        appended,
    }
}

/// Runs the rules and the structural heuristics over `paragraphs`. What
/// they remove is added to `removed` in reading order.
pub fn apply(paragraphs: Vec<String>, rules: &[Rule], removed: &mut Vec<Removed>) -> Vec<String> {
    let numbered: Vec<Numbered> = paragraphs.into_iter().enumerate().collect();
    let mut found: Vec<(usize, Removed)> = Vec::new();
    let numbered = apply_blocks(numbered, rules, &mut found);
    let numbered = apply_lines(numbered, rules, &mut found);
    let numbered = apply_tails(numbered, rules, &mut found);
    let numbered = structure::apply(numbered, &mut found);
    found.sort_by_key(|(position, _)| *position);
    removed.extend(found.into_iter().map(|(_, r)| r));
    numbered.into_iter().map(|(_, p)| p).collect()
}

fn remove(found: &mut Vec<(usize, Removed)>, position: usize, text: String, rule: &Rule) {
    found.push((
        position,
        Removed {
            text,
            rule: rule.name.clone(),
            date: rule.date,
            outside: false,
        },
    ));
}

/// Runs of paragraphs from a `start` to an `end`.
fn apply_blocks(
    paragraphs: Vec<Numbered>,
    rules: &[Rule],
    found: &mut Vec<(usize, Removed)>,
) -> Vec<Numbered> {
    let mut keep = vec![true; paragraphs.len()];
    for rule in rules {
        let Kind::Block {
            start,
            end,
            max_lines,
        } = &rule.kind
        else {
            continue;
        };
        let mut i = 0;
        while i < paragraphs.len() {
            if !keep[i] || !start.is_match(&paragraphs[i].1) {
                i += 1;
                continue;
            }
            let last = end
                .as_ref()
                .and_then(|end| {
                    (i + 1..paragraphs.len().min(i + 1 + max_lines))
                        .find(|&j| keep[j] && end.is_match(&paragraphs[j].1))
                })
                .unwrap_or(i);
            for (j, (position, paragraph)) in paragraphs.iter().enumerate().take(last + 1).skip(i) {
                if keep[j] {
                    keep[j] = false;
                    remove(found, *position, paragraph.clone(), rule);
                }
            }
            i = last + 1;
        }
    }
    paragraphs
        .into_iter()
        .zip(keep)
        .filter_map(|(p, k)| k.then_some(p))
        .collect()
}

/// Whole paragraphs (`line`) and spans inside them (`inline`).
fn apply_lines(
    paragraphs: Vec<Numbered>,
    rules: &[Rule],
    found: &mut Vec<(usize, Removed)>,
) -> Vec<Numbered> {
    let mut kept = Vec::with_capacity(paragraphs.len());
    'paragraphs: for (position, mut paragraph) in paragraphs {
        for rule in rules {
            match &rule.kind {
                Kind::Line { pattern, max_chars } => {
                    let short_enough = max_chars.is_none_or(|max| paragraph.chars().count() <= max);
                    if short_enough && pattern.is_match(&paragraph) {
                        remove(found, position, paragraph, rule);
                        continue 'paragraphs;
                    }
                }
                Kind::Inline { pattern } => {
                    if !pattern.is_match(&paragraph) {
                        continue;
                    }
                    let mut rest = String::with_capacity(paragraph.len());
                    let mut at = 0;
                    for hit in pattern.find_iter(&paragraph) {
                        rest.push_str(&paragraph[at..hit.start()]);
                        // Keep the sentence end a match may have begun with.
                        let text = hit.as_str();
                        let lead = text.len()
                            - text
                                .trim_start_matches(['.', '!', '?', '"', '”', '’'])
                                .len();
                        rest.push_str(&text[..lead]);
                        if lead > 0 {
                            rest.push(' ');
                        }
                        remove(found, position, text[lead..].trim().to_string(), rule);
                        at = hit.end();
                    }
                    rest.push_str(&paragraph[at..]);
                    paragraph = normalise_line(&rest);
                    if !paragraph.chars().any(char::is_alphanumeric) {
                        continue 'paragraphs;
                    }
                }
                _ => {}
            }
        }
        kept.push((position, paragraph));
    }
    kept
}

/// A marker and everything after it, when what follows is the smaller part.
fn apply_tails(
    mut paragraphs: Vec<Numbered>,
    rules: &[Rule],
    found: &mut Vec<(usize, Removed)>,
) -> Vec<Numbered> {
    for rule in rules {
        let Kind::Tail { pattern } = &rule.kind else {
            continue;
        };
        let Some(at) = paragraphs.iter().position(|(_, p)| pattern.is_match(p)) else {
            continue;
        };
        let size = |part: &[Numbered]| part.iter().map(|(_, p)| p.len()).sum::<usize>();
        let after = &paragraphs[at + 1..];
        let only_headlines = after.iter().all(|(_, p)| structure::is_headline_shaped(p));
        if at > 0 && (size(after) < size(&paragraphs[..at]) || only_headlines) {
            for (position, paragraph) in paragraphs.drain(at..) {
                remove(found, position, paragraph, rule);
            }
        }
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(body: &str) -> Vec<String> {
        clean(body).paragraphs
    }

    fn rules_of(body: &str) -> Vec<(String, String)> {
        clean(body)
            .removed
            .into_iter()
            .map(|r| (r.rule, r.text))
            .collect()
    }

    #[test]
    fn every_non_empty_line_is_a_paragraph() {
        assert_eq!(
            kept("First line.\r\n\r\n  Second\tline. \n\n\nThird."),
            ["First line.", "Second line.", "Third."]
        );
    }

    #[test]
    fn read_more_links_and_calls_to_action_go() {
        let body = "Real paragraph one.\nREAD MORE: Israel's leader 'completely lost it'\n\
                    Read more\nReal paragraph two.\n\
                    READ MORE: Join our Mirror politics WhatsApp group to get the latest updates";
        assert_eq!(kept(body), ["Real paragraph one.", "Real paragraph two."]);
        let rules: Vec<String> = rules_of(body).into_iter().map(|(r, _)| r).collect();
        assert_eq!(
            rules,
            ["read-more-link", "bare-link-label", "read-more-link"]
        );
    }

    #[test]
    fn removals_are_listed_in_reading_order_whichever_rule_found_them() {
        let body = "Article text that is long enough to be the larger part of this page.
                    Hashtags
Comments
No comments yet...";
        let texts: Vec<String> = rules_of(body).into_iter().map(|(_, t)| t).collect();
        assert_eq!(texts, ["Hashtags", "Comments", "No comments yet..."]);
    }

    #[test]
    fn a_donation_banner_goes_whole() {
        let body = "Your support helps us to tell the story\nRead more\nSupport Now\n\
                    From reproductive rights to climate change to Big Tech, The Independent is on the ground when the story is developing. More.\n\
                    Your donation allows us to keep sending journalists.\n\
                    Your support makes all the difference.\nRead more\nThe article starts here.";
        assert_eq!(kept(body), ["The article starts here."]);
    }

    #[test]
    fn captions_with_photo_credits_go_but_sentences_about_agencies_stay() {
        let body = "Sir Keir Starmer and Volodymyr Zelensky after their meeting (Jordan Pettitt/PA)\n\
                    Trump is set to meet Putin on Friday(AP)\n\
                    Russian President Vladimir Putin (Vyacheslav Prokofyev, Sputnik, Kremlin Pool Photo/AP)\n\
                    open image in gallery\n\
                    The figures were first reported by the news agency (AP).\n\
                    He told the Press Association (PA) that he would stay.";
        assert_eq!(
            kept(body),
            [
                "The figures were first reported by the news agency (AP).",
                "He told the Press Association (PA) that he would stay."
            ]
        );
    }

    #[test]
    fn embedded_posts_go() {
        let body = "Foreign ministers will meet in Canada.\n\
                    Canada is hosting a #G7 meeting. Follow us #G7Canada pic.twitter.com/dgf8puZkEZ\n\
                    — Canada G7 (@G7Canada) March 7, 2025\n\
                    The spokesman said talks would go on.";
        assert_eq!(
            kept(body),
            [
                "Foreign ministers will meet in Canada.",
                "The spokesman said talks would go on."
            ]
        );
    }

    #[test]
    fn trailing_lists_of_other_headlines_go() {
        let body = "The article's only paragraph, which is long enough to matter here.\nYou may also like\n\
                    No new law colleges for three years, announces BCI\n\
                    Security in Northeast heightened ahead of I-Day celebrations";
        assert_eq!(
            kept(body),
            ["The article's only paragraph, which is long enough to matter here."]
        );
    }

    #[test]
    fn a_tail_marker_high_on_the_page_takes_nothing_with_it() {
        let body = "Most read\nA long first paragraph of the article, with plenty of words in it.\n\
                    A second paragraph that is also a real part of the article.";
        let got = kept(body);
        assert_eq!(got.len(), 3, "{got:?}");
    }

    #[test]
    fn inline_related_links_leave_the_paragraph_whole() {
        let body = "He met the envoy. Related: Who are the delegates meeting in Alaska? The press secretary said more.";
        assert_eq!(
            kept(body),
            ["He met the envoy. The press secretary said more."]
        );
        assert_eq!(
            rules_of(body),
            [(
                "related-inline".to_string(),
                "Related: Who are the delegates meeting in Alaska?".to_string()
            )]
        );
    }

    #[test]
    fn quotes_short_paragraphs_and_name_lists_stay() {
        let body = "The minister said the plan would work.\n\
                    \"We will not stop,\" she said.\n\
                    Yes.\n\
                    The winners were:\n\
                    Jane Doe\n\
                    John Smith\n\
                    Alice Brown\n\
                    Omar Farouk";
        assert_eq!(kept(body).len(), 8);
    }

    #[test]
    fn date_stamps_are_removed_but_remembered() {
        let cleaned = clean("Published: 14 August 2025\nThursday 14 August 2025\nThe article.");
        assert_eq!(cleaned.paragraphs, ["The article."]);
        assert!(cleaned.removed.iter().all(|r| r.date));
    }
}
