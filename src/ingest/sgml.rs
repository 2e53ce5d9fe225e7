//! Reuters-21578 SGML: many `<REUTERS>` stories a file.
//!
//! Each story gives its date (`<DATE>26-FEB-1987 15:01:01.79</DATE>`), and
//! in `<TEXT>` a `<TITLE>`, a `<DATELINE>` and a `<BODY>` whose lines are
//! wrapped at 70 columns with each paragraph indented. The body is rebuilt
//! into paragraphs and opened by its dateline, as the wire printed it. The
//! outlet is Reuters and the id `reuters-<NEWID>`, so ingesting the
//! collection twice replaces rather than adds.
//!
//! Briefs (`TYPE="BRIEF"`) carry a headline and the placeholder text "Blah
//! blah blah.", so they are refused; unprocessed stories (`TYPE="UNPROC"`)
//! are indexed with their text as it stands. Pure code: no I/O.

use super::parse::{Item, Lines};
use super::raw::{Origin, RawArticle, Rejection};
use crate::article::{ArticleId, PublicationDate};
use crate::text::normalise::decode_references;

/// Parses every story of a Reuters-21578 file.
pub fn parse(source: &str, text: &str) -> Vec<Item> {
    let mut items = Vec::new();
    let mut lines = Lines::new(text);
    let mut from = 0;
    while let Some(start) = text[from..].find("<REUTERS").map(|i| from + i) {
        let end = text[start..]
            .find("</REUTERS>")
            .map_or(text.len(), |i| start + i + "</REUTERS>".len());
        let line = lines.at(start);
        items.push(story(Origin::line(source, line), &text[start..end]));
        from = end;
    }
    if items.is_empty() {
        items.push(Err(Rejection::new(
            Origin::file(source),
            "no <REUTERS> story found: is this a Reuters-21578 .sgm file?",
        )));
    }
    items
}

fn story(origin: Origin, element: &str) -> Item {
    let reject = |reason: &str| Err(Rejection::new(origin.clone(), reason));
    let open_tag = &element[..element.find('>').unwrap_or(element.len())];
    let new_id = attribute(open_tag, "NEWID");
    let Some(text) = between(element, "<TEXT", "</TEXT>") else {
        return reject("the story has no <TEXT>");
    };
    let (text_attributes, text) = text.split_once('>').unwrap_or(("", text));
    let kind = attribute(text_attributes, "TYPE").unwrap_or_default();
    let title = between(text, "<TITLE>", "</TITLE>").map(|t| decode(t).trim().to_string());
    let dateline = between(text, "<DATELINE>", "</DATELINE>").map(|d| decode(d).trim().to_string());
    let body = match between(text, "<BODY>", "</BODY>") {
        Some(body) => paragraphs(&decode(body)),
        None if kind == "UNPROC" => decode(text)
            .lines()
            .map(str::trim_end)
            .filter(|line| !line.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
        None if kind == "BRIEF" => {
            return reject("a brief: the collection gives only its headline, no text");
        }
        None => return reject("the story has no <BODY>"),
    };
    if body.trim().is_empty() {
        return reject("the story is empty");
    }
    let body = match dateline.filter(|d| !d.is_empty()) {
        Some(dateline) => format!("{dateline} {}", body.trim_start()),
        None => body,
    };
    let date = between(element, "<DATE>", "</DATE>").and_then(day);
    let mut article = RawArticle::from_body(origin, body);
    article.id = new_id.and_then(|n| ArticleId::parse(&format!("reuters-{n}")).ok());
    article.title = title.filter(|t| !t.is_empty());
    article.outlet = Some("Reuters".to_string());
    article.date = date;
    Ok((article, Vec::new()))
}

/// The text between the first `open` (which may carry attributes, up to
/// its `>`) and the next `close`.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let end = start + text[start..].find(close)?;
    Some(&text[start..end])
}

fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = start + tag[start..].find('"')?;
    Some(&tag[start..end])
}

/// Character references decoded; control characters (the collection's
/// `&#2;` and `&#3;` markers) dropped, line breaks kept.
fn decode(text: &str) -> String {
    decode_references(text)
        .chars()
        .filter(|&c| c == '\n' || !c.is_control())
        .collect()
}

/// Rebuilds paragraphs from lines wrapped at a fixed width: an indented
/// line starts a new paragraph, the others continue the one before.
fn paragraphs(body: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for line in body.lines() {
        let text = line.trim();
        if text.is_empty() {
            continue;
        }
        let starts_paragraph = line.starts_with([' ', '\t']) || out.is_empty();
        match out.last_mut() {
            Some(last) if !starts_paragraph => {
                last.push(' ');
                last.push_str(text);
            }
            _ => out.push(text.to_string()),
        }
    }
    out.join("\n\n")
}

/// `26-FEB-1987 15:01:01.79` → 1987-02-26. The collection does not say
/// which time zone the times are in, so only the day is kept.
fn day(text: &str) -> Option<PublicationDate> {
    let mut parts = text.split_whitespace().next()?.split('-');
    let day: i8 = parts.next()?.parse().ok()?;
    let month = parts.next()?.to_ascii_lowercase();
    let year: i16 = parts.next()?.parse().ok()?;
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let month = months.iter().position(|m| *m == month)? as i8 + 1;
    jiff::civil::Date::new(year, month, day)
        .ok()
        .map(PublicationDate::from_day)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The layout of a Reuters-21578 file, with invented stories.
    const SAMPLE: &str = r#"<!DOCTYPE lewis SYSTEM "lewis.dtd">
<REUTERS TOPICS="YES" LEWISSPLIT="TRAIN" CGISPLIT="TRAINING-SET" OLDID="5544" NEWID="1">
<DATE>26-FEB-1987 15:01:01.79</DATE>
<TOPICS><D>cocoa</D></TOPICS>
<UNKNOWN> 
&#5;&#5;&#5;C T
</UNKNOWN>
<TEXT>&#2;
<TITLE>HARBOUR COCOA REVIEW</TITLE>
<DATELINE>    PORTVILLE, Feb 26 - </DATELINE><BODY>Rain fell all week in the
cocoa zone, easing the drought, said &lt;Example Co>.
    The late crop will be smaller this year.
 Reuter
&#3;</BODY></TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="2">
<DATE>26-FEB-1987 15:02:20.00</DATE>
<TEXT TYPE="BRIEF">&#2;
******<TITLE>FUND ASSETS ROSE IN LATEST WEEK
</TITLE>Blah blah blah.
&#3;
</TEXT>
</REUTERS>
<REUTERS TOPICS="NO" NEWID="3">
<DATE>26-FEB-1987 15:03:27.51</DATE>
<TEXT TYPE="UNPROC">&#2;
WEEKLY RESERVES REPORT - FEB 26
 Net reserves.............644 vs.....1,337
&#3;</TEXT>
</REUTERS>
"#;

    #[test]
    fn stories_become_articles_with_their_metadata_and_paragraphs() {
        let items = parse("reut2-000.sgm", SAMPLE);
        assert_eq!(items.len(), 3);
        let (story, _) = items[0].clone().unwrap();
        assert_eq!(story.origin.line, Some(2));
        assert_eq!(story.id.unwrap().as_str(), "reuters-1");
        assert_eq!(story.title.as_deref(), Some("HARBOUR COCOA REVIEW"));
        assert_eq!(story.outlet.as_deref(), Some("Reuters"));
        assert_eq!(story.date.unwrap().to_string(), "1987-02-26");
        assert_eq!(
            story.body,
            "PORTVILLE, Feb 26 - Rain fell all week in the cocoa zone, easing the drought, said <Example Co>.\n\n\
             The late crop will be smaller this year.\n\nReuter"
        );
    }

    #[test]
    fn briefs_are_refused_and_unprocessed_stories_kept() {
        let items = parse("reut2-000.sgm", SAMPLE);
        let brief = items[1].clone().unwrap_err();
        assert_eq!(brief.origin.line, Some(16));
        assert!(brief.reason.contains("brief"));
        let (table, _) = items[2].clone().unwrap();
        assert!(table.body.starts_with("WEEKLY RESERVES REPORT - FEB 26\n"));
    }

    #[test]
    fn a_file_without_stories_says_so() {
        let items = parse("x.sgm", "<html></html>");
        assert!(items[0].as_ref().unwrap_err().reason.contains("<REUTERS>"));
    }
}
