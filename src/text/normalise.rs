//! Lines as text: white space, invisible characters and the character
//! references that scraped text leaves behind.
//!
//! Ingest normalises every line of a body this way, and search normalises
//! an outlet or person filter the same way, so that both compare alike.

/// Collapses runs of white space (including no-break and other Unicode
/// spaces) to one space, drops control and zero-width characters, decodes
/// HTML character references left in scraped text (`&amp;`, `&#163;`), and
/// trims.
pub fn normalise_line(line: &str) -> String {
    let decoded;
    let line = if line.contains('&') {
        decoded = decode_references(line);
        decoded.as_str()
    } else {
        line
    };
    if line.is_ascii() {
        return normalise_ascii_line(line);
    }
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

/// [`normalise_line`] for ASCII text (most lines), a byte at a time.
fn normalise_ascii_line(line: &str) -> String {
    // What `char::is_whitespace` and `char::is_control` say of ASCII.
    let space = |byte: u8| matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r');
    let control = |byte: u8| byte < 0x20 || byte == 0x7f;
    let bytes = line.as_bytes();
    // Most lines are already normal: single spaces between words, no
    // control characters, nothing to trim.
    let normal = bytes.first().is_none_or(|&b| !space(b))
        && bytes.last().is_none_or(|&b| !space(b))
        && bytes
            .windows(2)
            .all(|pair| !(space(pair[0]) && space(pair[1])))
        && bytes.iter().all(|&b| b == b' ' || !control(b));
    if normal {
        return line.to_string();
    }
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    for &byte in bytes {
        if space(byte) {
            pending_space = true;
        } else if control(byte) {
            continue;
        } else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(char::from(byte));
        }
    }
    out
}

/// Replaces the character references a scrape can leave behind: numeric
/// ones and the few named ones that appear in news text. Anything else
/// that starts with `&` is left as written.
pub fn decode_references(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // A reference ends within ten bytes of its `&`, so its `;` is
        // looked for no further: a long run of `&` without one would
        // otherwise be scanned to its end once for every `&`.
        let end = rest.bytes().take(11).position(|b| b == b';');
        let decoded = end.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                "nbsp" => ' ',
                "pound" => '£',
                "euro" => '€',
                "mdash" => '—',
                "ndash" => '–',
                "hellip" => '…',
                "rsquo" => '’',
                "lsquo" => '‘',
                "rdquo" => '”',
                "ldquo" => '“',
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)?
                }
            };
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
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
    fn invisible_and_control_characters_go_but_words_stay_apart() {
        assert_eq!(
            normalise_line("a\u{00a0}b\u{200b}c\u{0007}d  \u{2003} e"),
            "a bcd e"
        );
        // The same rules on the ASCII path.
        assert_eq!(normalise_line(" \ta\x0bb\x07c\x7fd  \x0c e\r"), "a bcd e");
        assert_eq!(normalise_line("Already normal."), "Already normal.");
    }

    #[test]
    fn character_references_left_by_scrapes_are_decoded() {
        assert_eq!(
            normalise_line("&#163;1.8m fine &amp; a &#x2014; dash, AT&T and &bogus; stay"),
            "£1.8m fine & a — dash, AT&T and &bogus; stay"
        );
    }

    #[test]
    fn a_long_run_of_ampersands_is_read_once() {
        let line = "&".repeat(1 << 20);
        let started = std::time::Instant::now();
        assert_eq!(decode_references(&line), line);
        // Reading the run to its end for every `&` took minutes.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(decode_references("&&amp;&#38;;&"), "&&&;&");
    }
}
