//! Splitting running text into sentences and tokens the way the CoNLL-2003
//! data is split, so the tagger sees at run time what it saw in training:
//! punctuation on its own, the possessive `'s` apart from its name, and
//! abbreviations ("U.S.", "Mr.") and hyphenated words ("Russian-born")
//! whole. Each token keeps its byte range in the text.

use std::ops::Range;

/// A token and where it is in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    pub span: Range<usize>,
}

/// Words that end with a full stop without ending the sentence.
const ABBREVIATIONS: [&str; 24] = [
    "mr", "mrs", "ms", "dr", "st", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "prof", "rev",
    "jr", "sr", "co", "corp", "inc", "ltd", "no", "vs", "jan", "feb",
];

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// The tokens of `text`.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        if !is_word_char(c) {
            // Apostrophe-s after a word is its own token: "Starmer" "'s".
            if matches!(c, '\'' | '’')
                && let Some(&(_, next)) = chars.peek()
                && (next == 's' || next == 'S')
            {
                let s_end = start + c.len_utf8() + 1;
                let after = text[s_end..].chars().next();
                if !out.is_empty() && after.is_none_or(|a| !is_word_char(a)) {
                    chars.next();
                    out.push(Token {
                        text: &text[start..s_end],
                        span: start..s_end,
                    });
                    continue;
                }
            }
            let end = start + c.len_utf8();
            out.push(Token {
                text: &text[start..end],
                span: start..end,
            });
            continue;
        }
        // A word: letters and digits, joined by single inner hyphens,
        // apostrophes (O'Brien, don't) and the dots of abbreviations
        // (U.S., 3.5).
        let mut end = start + c.len_utf8();
        while let Some(&(i, next)) = chars.peek() {
            if is_word_char(next) {
                chars.next();
                end = i + next.len_utf8();
                continue;
            }
            let joiner = matches!(next, '-' | '\'' | '’' | '.' | '&');
            let after = text[i + next.len_utf8()..].chars().next();
            if joiner && after.is_some_and(is_word_char) {
                // Keep "'s" for the possessive split above.
                if matches!(next, '\'' | '’')
                    && matches!(after, Some('s' | 'S'))
                    && text[i + next.len_utf8() + 1..]
                        .chars()
                        .next()
                        .is_none_or(|a| !is_word_char(a))
                {
                    break;
                }
                chars.next();
                end = i + next.len_utf8();
                continue;
            }
            // A final dot belongs to an abbreviation: "U.S." or "Mr.".
            if next == '.' {
                let word = &text[start..end];
                let dotted = word.contains('.');
                let short_abbreviation = ABBREVIATIONS.contains(&word.to_lowercase().as_str())
                    || (word.chars().count() == 1 && word.chars().all(char::is_uppercase));
                if dotted || short_abbreviation {
                    chars.next();
                    end = i + 1;
                }
            }
            break;
        }
        out.push(Token {
            text: &text[start..end],
            span: start..end,
        });
    }
    out
}

/// Splits tokens into sentences: after a `.`, `!` or `?` token (or a
/// closing quote right after one) that is followed by a token starting
/// with a capital letter, a digit or a quote.
pub fn sentences<'t, 'a>(tokens: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let is_stop = matches!(tokens[i].text, "." | "!" | "?");
        if is_stop {
            // Closing quotes and brackets stay with the sentence they end;
            // a straight quote closes only when it touches the stop.
            let mut end = i + 1;
            while end < tokens.len() {
                let closing = match tokens[end].text {
                    "”" | "’" | ")" => true,
                    "\"" | "'" => tokens[end].span.start == tokens[end - 1].span.end,
                    _ => false,
                };
                if !closing {
                    break;
                }
                end += 1;
            }
            let next_starts = tokens.get(end).is_none_or(|t| {
                t.text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_uppercase() || c.is_numeric() || "\"'“‘(".contains(c))
            });
            if next_starts {
                out.push(&tokens[start..end]);
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    if start < tokens.len() {
        out.push(&tokens[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokens(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn tokens_split_like_conll() {
        assert_eq!(
            words("Mr Starmer's call with U.S. President Trump, the Russian-born O'Brien's aide."),
            [
                "Mr",
                "Starmer",
                "'s",
                "call",
                "with",
                "U.S.",
                "President",
                "Trump",
                ",",
                "the",
                "Russian-born",
                "O'Brien",
                "'s",
                "aide",
                "."
            ]
        );
        assert_eq!(
            words("\"Putin cannot fool us.\""),
            ["\"", "Putin", "cannot", "fool", "us", ".", "\""]
        );
        assert_eq!(
            words("Starmer’s 3.5 per cent don't"),
            ["Starmer", "’s", "3.5", "per", "cent", "don't"]
        );
        assert_eq!(words("Dr. Smith"), ["Dr.", "Smith"]);
    }

    #[test]
    fn spans_point_into_the_text() {
        let text = "Hello, Zelensky’s world";
        for token in tokens(text) {
            assert_eq!(&text[token.span.clone()], token.text);
        }
    }

    #[test]
    fn sentences_end_at_stops_before_capitals() {
        let text = "He met Mr. Smith in the U.S. on Monday. Then he left! \"Why?\" she asked.";
        let all = tokens(text);
        let split: Vec<Vec<&str>> = sentences(&all)
            .into_iter()
            .map(|s| s.iter().map(|t| t.text).collect())
            .collect();
        assert_eq!(split.len(), 3, "{split:?}");
        assert_eq!(split[0].last(), Some(&"."));
        assert_eq!(split[1], ["Then", "he", "left", "!"]);
    }
}
