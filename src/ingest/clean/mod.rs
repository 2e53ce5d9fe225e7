//! Clean: normalise an article's text into paragraphs.
//!
//! No I/O and no failure: cleaning takes text and returns text. Today it
//! normalises line endings, spacing and invisible characters and splits the
//! text into paragraphs, one per non-empty line; removing page furniture
//! (banners, "READ MORE" links, captions) belongs here too.

/// The cleaned text of an article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Paragraphs in reading order, each on one line, never empty.
    pub paragraphs: Vec<String>,
}

/// Splits `body` into normalised paragraphs.
///
/// Scraped text puts one paragraph on each line, with or without blank
/// lines between them, so every non-empty line is a paragraph.
pub fn clean(body: &str) -> Cleaned {
    let paragraphs = body
        .lines()
        .map(normalise_line)
        .filter(|line| !line.is_empty())
        .collect();
    Cleaned { paragraphs }
}

/// Collapses runs of white space (including no-break and other Unicode
/// spaces) to one space, drops control and zero-width characters, and trims.
pub fn normalise_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    for c in line.chars() {
        if c.is_whitespace() {
            pending_space = true;
        } else if c.is_control() || is_invisible(c) {
            continue;
        } else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    out
}

/// Characters that render as nothing but would split or glue words.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_non_empty_line_is_a_paragraph() {
        let cleaned = clean("First line.\r\n\r\n  Second\tline. \n\n\nThird.");
        assert_eq!(
            cleaned.paragraphs,
            ["First line.", "Second line.", "Third."]
        );
    }

    #[test]
    fn invisible_and_control_characters_go_but_words_stay_apart() {
        assert_eq!(
            normalise_line("a\u{00a0}b\u{200b}c\u{0007}d  \u{2003} e"),
            "a bcd e"
        );
    }
}
