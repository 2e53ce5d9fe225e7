//! Furniture recognised by its shape rather than its words, so that pages
//! from outlets no rule knows are cleaned too.
//!
//! - `trailing-headlines`: a page that ends in three or more short lines
//!   shaped like headlines ("Battlefield 6 open beta 2 release time, dates,
//!   new map") is ending in a list of links to other stories. An article
//!   ends in a sentence.
//! - `link-block`: two or more consecutive lines that are bare addresses or
//!   "► Headline" style links.
//!
//! Both are careful with what looks similar but is content. A list
//! introduced by a colon ("The winners were:") stays. So does a list whose
//! lines share a shape, as data does and unrelated headlines do not: all
//! numbered ("1 Maria Lopez (US)"), all with the same short word
//! ("Harbour Town v Valley Rovers"), all closing a bracket. And so do lines too short
//! on average to be headlines (names, scores).

use super::cleaned::{Numbered, Removed};

/// Fewer trailing headline-shaped lines than this could be the end of an
/// article (a sign-off, a last short paragraph).
const MIN_TRAILING_RUN: usize = 3;

/// Headlines of other stories run to about 40 characters or more; lines of
/// names, fixtures or scores are shorter.
const MIN_MEAN_HEADLINE_CHARS: usize = 40;

/// Words too common to show that lines share a shape.
const FUNCTION_WORDS: [&str; 20] = [
    "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "with", "at", "by", "from", "as",
    "is", "after", "over", "into", "s",
];

pub fn apply(mut paragraphs: Vec<Numbered>, removed: &mut Vec<(usize, Removed)>) -> Vec<Numbered> {
    paragraphs = drop_link_blocks(paragraphs, removed);
    let run = paragraphs
        .iter()
        .rev()
        .take_while(|(_, p)| is_headline_shaped(p))
        .count();
    let introduced = paragraphs.len() > run
        && paragraphs[paragraphs.len() - run - 1]
            .1
            .trim_end()
            .ends_with(':');
    let lines: Vec<&str> = paragraphs[paragraphs.len() - run..]
        .iter()
        .map(|(_, p)| p.as_str())
        .collect();
    // Never the whole text: a page of nothing but headlines is left alone.
    if run >= MIN_TRAILING_RUN
        && run < paragraphs.len()
        && !introduced
        && !is_uniform_list(&lines)
        && mean_chars(&lines) >= MIN_MEAN_HEADLINE_CHARS
        && ends_in_prose(&paragraphs[..paragraphs.len() - run])
        && !is_about_the_article(&lines, &paragraphs[..paragraphs.len() - run])
    {
        let start = paragraphs.len() - run;
        for (position, paragraph) in paragraphs.drain(start..) {
            removed.push((position, furniture(paragraph, "trailing-headlines")));
        }
    }
    paragraphs
}

/// Whether the text before a run is prose that the run could follow: at
/// least two paragraphs that end like sentences. A table of figures ending
/// in its notes ("Revenue 5.5 mln vs 4.1 mln") is not.
fn ends_in_prose(article: &[Numbered]) -> bool {
    article
        .iter()
        .filter(|(_, p)| p.ends_with(['.', '!', '?', '"', '”', '’', '\'']))
        .count()
        >= 2
}

/// Content words: lowercase, four letters or more, not function words.
fn content_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && w.chars().all(char::is_alphabetic))
        .map(str::to_lowercase)
        .filter(|w| !FUNCTION_WORDS.contains(&w.as_str()))
}

/// Whether the lines talk about what the article talks about: on average,
/// more than a quarter of their content words also occur in the article.
/// Links to other stories are about other things; notes, footnotes and
/// summaries at the end of an article are not.
fn is_about_the_article(lines: &[&str], article: &[Numbered]) -> bool {
    let vocabulary: std::collections::HashSet<String> =
        article.iter().flat_map(|(_, p)| content_words(p)).collect();
    let shares: Vec<f64> = lines
        .iter()
        .filter_map(|line| {
            let words: Vec<String> = content_words(line).collect();
            (!words.is_empty()).then(|| {
                words.iter().filter(|w| vocabulary.contains(*w)).count() as f64 / words.len() as f64
            })
        })
        .collect();
    !shares.is_empty() && shares.iter().sum::<f64>() / shares.len() as f64 > 0.25
}

fn mean_chars(lines: &[&str]) -> usize {
    lines.iter().map(|l| l.chars().count()).sum::<usize>() / lines.len().max(1)
}

/// Whether `lines` share a shape, as the items of one list do.
fn is_uniform_list(lines: &[&str]) -> bool {
    let all = |test: &dyn Fn(&str) -> bool| lines.iter().all(|l| test(l));
    if all(&|l| l.starts_with(|c: char| c.is_ascii_digit()))
        || all(&|l| l.ends_with(')'))
        || all(&|l| l.starts_with(|c: char| !c.is_alphanumeric()))
    {
        return true;
    }
    let words = |line: &str| -> std::collections::HashSet<String> {
        line.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .filter(|w| !FUNCTION_WORDS.contains(&w.as_str()))
            .collect()
    };
    let mut shared = words(lines[0]);
    for line in &lines[1..] {
        let theirs = words(line);
        shared.retain(|w| theirs.contains(w));
    }
    !shared.is_empty()
}

fn furniture(text: String, rule: &str) -> Removed {
    Removed {
        text,
        rule: rule.to_string(),
        date: false,
        outside: false,
    }
}

/// A line shaped like a headline: four to twenty words, no ending like a
/// sentence or a list item, starting like a title, and words rather than
/// figures (a table row "Average 4 weeks (vs week ago).735.0" is not one).
pub fn is_headline_shaped(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let chars = line.chars().count().max(1);
    let digits = line.chars().filter(char::is_ascii_digit).count();
    if line.contains("..") || digits * 100 / chars > 15 {
        return false;
    }
    let starts_well = line
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || "'\"‘“".contains(c));
    (4..=20).contains(&words)
        && line.chars().count() <= 160
        && starts_well
        && !line.ends_with(['.', ',', ';', ':', '…'])
        && !line.ends_with(".\"")
        && !line.ends_with(".”")
}

fn is_link_like(line: &str) -> bool {
    let bare_address = !line.contains(' ')
        && (line.starts_with("http://")
            || line.starts_with("https://")
            || line.starts_with("www."));
    let bullet_link =
        line.starts_with(['►', '»', '▶', '→']) && line.split_whitespace().count() <= 25;
    bare_address || bullet_link
}

fn drop_link_blocks(
    paragraphs: Vec<Numbered>,
    removed: &mut Vec<(usize, Removed)>,
) -> Vec<Numbered> {
    let links: Vec<bool> = paragraphs.iter().map(|(_, p)| is_link_like(p)).collect();
    let mut kept = Vec::with_capacity(paragraphs.len());
    for (i, (position, paragraph)) in paragraphs.into_iter().enumerate() {
        let in_block =
            links[i] && ((i > 0 && links[i - 1]) || (i + 1 < links.len() && links[i + 1]));
        if in_block {
            removed.push((position, furniture(paragraph, "link-block")));
        } else {
            kept.push((position, paragraph));
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(lines: &[&str]) -> (Vec<String>, Vec<Removed>) {
        let mut removed = Vec::new();
        let numbered = lines.iter().map(|s| s.to_string()).enumerate().collect();
        let kept = apply(numbered, &mut removed);
        (
            kept.into_iter().map(|(_, p)| p).collect(),
            removed.into_iter().map(|(_, r)| r).collect(),
        )
    }

    #[test]
    fn a_trailing_run_of_headlines_goes() {
        let (kept, removed) = run(&[
            "The article starts with a sentence.",
            "The article ends with a sentence.",
            "Battlefield 6 open beta 2 release time, dates, new map, rewards and game modes",
            "Afghans who sought refuge in Pakistan face uncertain future: Report",
            "'Best ever' BBC period drama based on award-winning novel hailed 'lost masterpiece'",
        ]);
        assert_eq!(kept.len(), 2);
        assert!(removed.iter().all(|r| r.rule == "trailing-headlines"));
    }

    #[test]
    fn two_short_closing_lines_or_an_introduced_list_stay() {
        let (kept, _) = run(&[
            "The article.",
            "Additional reporting by Jane Doe in Kyiv",
            "Edited by John Smith and the night desk",
        ]);
        assert_eq!(kept.len(), 3);
        let (kept, _) = run(&[
            "The shortlisted novels are:",
            "The Left Hand of Darkness by Ursula Le Guin",
            "The Remains of the Day by Kazuo Ishiguro",
            "Things Fall Apart by Chinua Achebe",
        ]);
        assert_eq!(kept.len(), 4);
    }

    #[test]
    fn closing_notes_about_the_article_stay() {
        let (kept, _) = run(&[
            "Harbour Minerals said quarterly profit rose on higher revenues from its coal mines.",
            "Note: 60 pct owned by Harbour Minerals Investment Group",
            "Quarterly profit excludes an extraordinary loss on its coal mines",
            "Revenues from coal were restated for discontinued operations",
        ]);
        assert_eq!(kept.len(), 4);
    }

    #[test]
    fn lists_whose_lines_share_a_shape_stay() {
        for list in [
            [
                "The seeds for the tournament in full.",
                "1 Maria Lopez (United States of America)",
                "2 Grace Kim (South Korea), champion two years ago",
                "3 Anita Rao (India), runner-up in the last final",
            ],
            [
                "The draw for the fifth round was made on Monday.",
                "Harbour Town v Valley Rovers or Northern Athletic, at home",
                "Island United or Coast City v Ferry Wanderers, away",
                "Quay Albion or Pier Park v Lighthouse Football Club",
            ],
        ] {
            let (kept, _) = run(&list);
            assert_eq!(kept.len(), 4, "{list:?}");
        }
    }

    #[test]
    fn blocks_of_links_go_but_a_lone_address_stays() {
        let (kept, removed) = run(&[
            "Details are at https://example.org/report.",
            "https://example.org/a",
            "► Another story from our site",
            "The article goes on.",
            "https://example.org/lone",
            "And ends.",
        ]);
        assert_eq!(removed.len(), 2);
        assert_eq!(kept.len(), 4);
    }
}
