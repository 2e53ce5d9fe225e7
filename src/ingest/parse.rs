//! Parse: turn the text of one file or request body into [`RawArticle`]s.
//!
//! Pure functions over `&str`: no I/O, no tantivy. Each item that cannot be
//! understood becomes a [`Rejection`] naming its line, and never costs the
//! items around it.

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::raw::{Origin, RawArticle, Rejection};
use crate::article::{ArticleId, ArticleUrl, PublicationDate};

/// The metadata keys a JSON object or a front-matter block may carry.
const KNOWN_FIELDS: [&str; 8] = [
    "id", "url", "title", "outlet", "date", "people", "body", "text",
];

/// One parsed item: an article, or the reason it was refused. Warnings are
/// notes that did not stop the article (an ignored field, say).
pub type Item = Result<(RawArticle, Vec<String>), Rejection>;

/// Parses a `.txt` file: raw article text, optionally opened by a
/// front-matter block:
///
/// ```text
/// ---
/// title: Starmer to hold further Ukraine talks
/// outlet: The Independent
/// date: 2025-03-10
/// url: https://example.com/story
/// people: Keir Starmer, Volodymyr Zelensky
/// ---
/// The article text…
/// ```
pub fn text(source: &str, text: &str) -> Item {
    let origin = Origin::line(source, 1);
    let Some((header, body)) = split_front_matter(text)
        .map_err(|(line, reason)| Rejection::new(Origin::line(source, line), reason))?
    else {
        if !has_a_sentence(text) {
            return Err(Rejection::new(
                Origin::file(source),
                format!(
                    "the text does not read as an article: none of its lines has \
                     {MIN_SENTENCE_WORDS} words or more (a list or a table?)"
                ),
            ));
        }
        return Ok((
            RawArticle::from_body(Origin::file(source), text.to_string()),
            Vec::new(),
        ));
    };
    let mut fields = Map::new();
    for (line_no, line) in header {
        let Some((key, value)) = line.split_once(':') else {
            return Err(Rejection::new(
                Origin::line(source, line_no),
                format!(
                    "front matter line {line:?} is not `key: value`; \
                     close the block with a line `---` before the article text"
                ),
            ));
        };
        let key = key.trim().to_ascii_lowercase();
        let value = unquote(value.trim());
        let value = if key == "people" {
            Value::Array(split_people(value).map(Value::from).collect())
        } else {
            Value::from(value)
        };
        if fields.insert(key.clone(), value).is_some() {
            return Err(Rejection::new(
                Origin::line(source, line_no),
                format!("front matter gives `{key}` twice"),
            ));
        }
    }
    fields.insert("body".to_string(), Value::from(body));
    object(origin, fields)
}

/// A text without front matter is an article only if some line of it is a
/// sentence of at least this many words; a word list or a table of codes
/// that happens to be a `.txt` file is not.
const MIN_SENTENCE_WORDS: usize = 6;

fn has_a_sentence(text: &str) -> bool {
    text.lines()
        .any(|line| line.split_whitespace().count() >= MIN_SENTENCE_WORDS)
}

/// The `key: value` lines of a front-matter block, with their line numbers.
type Header<'a> = Vec<(usize, &'a str)>;

/// Splits a leading `---` … `---` block off `text`. Returns the header lines
/// and the body, or `None` when the text has no front matter.
fn split_front_matter(text: &str) -> Result<Option<(Header<'_>, &str)>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    match lines.next() {
        Some(first) if first.trim_end() == "---" => {}
        _ => return Ok(None),
    }
    let mut header = Vec::new();
    let mut consumed = text.split_inclusive('\n').next().map_or(0, str::len);
    for (index, line) in lines.enumerate() {
        let line_no = index + 2;
        consumed += line.len();
        let trimmed = line.trim();
        if trimmed == "---" {
            return Ok(Some((header, &text[consumed..])));
        }
        if !trimmed.is_empty() && !trimmed.starts_with('#') {
            header.push((line_no, trimmed));
        }
    }
    Err((
        1,
        "the front matter opened by `---` on line 1 is never closed: \
         add a line `---` after the last `key: value` line"
            .to_string(),
    ))
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    value
}

/// `people: A, B` or `people: [A, "B"]`.
fn split_people(value: &str) -> impl Iterator<Item = &str> {
    let value = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    value
        .split(',')
        .map(|name| unquote(name.trim()).trim())
        .filter(|name| !name.is_empty())
}

/// Parses a `.json` file or body: one article object, or an array of them.
/// A syntax error fails the whole document (nothing in it can be trusted);
/// an element with a wrong field rejects that element only.
pub fn json_document(source: &str, text: &str) -> Result<Vec<Item>, Rejection> {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('[') {
        let elements: Vec<&RawValue> =
            serde_json::from_str(text).map_err(|err| syntax_error(source, &err))?;
        let mut lines = Lines::new(text);
        Ok(elements
            .into_iter()
            .enumerate()
            .map(|(index, element)| {
                let mut origin = Origin::line(source, lines.of(element.get()));
                origin.item = Some(index + 1);
                json_value(origin, element.get())
            })
            .collect())
    } else {
        let value =
            serde_json::from_str::<Value>(text).map_err(|err| syntax_error(source, &err))?;
        Ok(vec![from_value(Origin::line(source, 1), value)])
    }
}

/// Parses one line of an NDJSON stream.
pub fn json_line(source: &str, line_no: usize, line: &str) -> Item {
    json_value(Origin::line(source, line_no), line)
}

/// The article as one line of the JSON that [`json_line`] reads back: what
/// `ingest --server` sends, so that the server makes of it what a local
/// ingest would.
pub fn to_json_line(raw: &RawArticle) -> String {
    let mut object = serde_json::Map::new();
    let mut put = |key: &str, value: Option<String>| {
        if let Some(value) = value {
            object.insert(key.to_string(), Value::from(value));
        }
    };
    put("id", raw.id.as_ref().map(ToString::to_string));
    put("url", raw.url.as_ref().map(ToString::to_string));
    put("title", raw.title.clone());
    put("outlet", raw.outlet.clone());
    put("date", raw.date.as_ref().map(ToString::to_string));
    if !raw.people.is_empty() {
        object.insert("people".to_string(), Value::from(raw.people.clone()));
    }
    object.insert("body".to_string(), Value::from(raw.body.as_str()));
    Value::Object(object).to_string()
}

fn json_value(origin: Origin, text: &str) -> Item {
    match serde_json::from_str::<Value>(text) {
        Ok(value) => from_value(origin, value),
        Err(err) => Err(Rejection::new(
            origin,
            format!("invalid JSON: {}", describe_json_error(&err)),
        )),
    }
}

fn syntax_error(source: &str, err: &serde_json::Error) -> Rejection {
    Rejection::new(
        Origin::line(source, err.line().max(1)),
        format!("invalid JSON: {}", describe_json_error(err)),
    )
}

/// serde_json's message without its "at line L column C" suffix, which the
/// origin already carries, plus the column.
fn describe_json_error(err: &serde_json::Error) -> String {
    let message = err.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    let message = if message == "recursion limit exceeded" {
        "arrays and objects are nested too deeply (more than 128 levels); an article is an \
         object of strings and lists of strings"
    } else {
        message
    };
    format!("{message} (column {})", err.column())
}

/// The 1-based lines of sub-slices of a text, asked for in the order they
/// come: each answer counts line breaks from where the one before stopped,
/// so that the elements of a long array cost one pass over the text, not
/// one each.
pub(crate) struct Lines<'t> {
    text: &'t str,
    offset: usize,
    line: usize,
}

impl<'t> Lines<'t> {
    pub(crate) fn new(text: &'t str) -> Lines<'t> {
        Lines {
            text,
            offset: 0,
            line: 1,
        }
    }

    /// The line on which `part`, a sub-slice of the text, starts.
    pub(crate) fn of(&mut self, part: &str) -> usize {
        let offset = (part.as_ptr() as usize).saturating_sub(self.text.as_ptr() as usize);
        self.at(offset.min(self.text.len()))
    }

    /// The line of the byte at `offset`.
    pub(crate) fn at(&mut self, offset: usize) -> usize {
        if offset < self.offset {
            (self.offset, self.line) = (0, 1);
        }
        self.line += self.text.as_bytes()[self.offset..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        self.offset = offset;
        self.line
    }
}

fn from_value(origin: Origin, value: Value) -> Item {
    match value {
        Value::Object(fields) => object(origin, fields),
        other => Err(Rejection::new(
            origin,
            format!(
                "expected an article object such as {{\"title\": …, \"body\": …}}, found {}",
                kind_of(&other)
            ),
        )),
    }
}

/// The warning for the fields an object gives that no article has, if any.
fn unknown_fields(fields: &Map<String, Value>) -> Option<String> {
    let names: Vec<String> = fields
        .keys()
        .filter(|key| !KNOWN_FIELDS.contains(&key.as_str()))
        .map(|key| format!("`{key}`"))
        .collect();
    (!names.is_empty()).then(|| {
        format!(
            "ignored unknown field{} {} (known: {})",
            if names.len() == 1 { "" } else { "s" },
            names.join(", "),
            KNOWN_FIELDS.join(", ")
        )
    })
}

/// The article's text, given as `body` or as `text`: the one required
/// field.
fn body_field(fields: &mut Map<String, Value>) -> Result<String, String> {
    let body = match (fields.remove("body"), fields.remove("text")) {
        (Some(_), Some(_)) => {
            return Err("give the article text as `body` or as `text`, not both".into());
        }
        (Some(body), None) | (None, Some(body)) => body,
        (None, None) => {
            return Err(
                "the article has no `body` (or `text`) field: it is the one required field".into(),
            );
        }
    };
    match body {
        Value::String(body) => Ok(body),
        other => Err(format!(
            "field `body` must be a string, found {}",
            kind_of(&other)
        )),
    }
}

/// The `people` field: an array of names, empty ones left out.
fn people_field(fields: &mut Map<String, Value>) -> Result<Vec<String>, String> {
    match fields.remove("people") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(names)) => {
            let mut people = Vec::with_capacity(names.len());
            for name in names {
                match name {
                    Value::String(name) if name.trim().is_empty() => {}
                    Value::String(name) => people.push(name.trim().to_string()),
                    other => {
                        return Err(format!(
                            "field `people` must be an array of strings, found {} in it",
                            kind_of(&other)
                        ));
                    }
                }
            }
            Ok(people)
        }
        Some(other) => Err(format!(
            "field `people` must be an array of strings such as [\"Keir Starmer\"], found {}",
            kind_of(&other)
        )),
    }
}

/// Checks the fields of one article object.
fn object(origin: Origin, mut fields: Map<String, Value>) -> Item {
    let warnings: Vec<String> = unknown_fields(&fields).into_iter().collect();
    let reject = |reason: String| Rejection::new(origin.clone(), reason);
    let body = body_field(&mut fields).map_err(reject)?;
    let text_field =
        |fields: &mut Map<String, Value>, name: &str| -> Result<Option<String>, Rejection> {
            match fields.remove(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.trim().to_string())),
                Some(other) => Err(Rejection::new(
                    origin.clone(),
                    format!("field `{name}` must be a string, found {}", kind_of(&other)),
                )),
            }
        };
    let id = text_field(&mut fields, "id")?
        .map(|id| ArticleId::parse(&id))
        .transpose()
        .map_err(|err| reject(err.to_string()))?;
    let url = text_field(&mut fields, "url")?
        .map(|url| ArticleUrl::parse(&url))
        .transpose()
        .map_err(|err| reject(err.to_string()))?;
    let date = text_field(&mut fields, "date")?
        .map(|date| PublicationDate::parse(&date))
        .transpose()
        .map_err(|err| reject(err.to_string()))?;
    let title = text_field(&mut fields, "title")?;
    let outlet = text_field(&mut fields, "outlet")?;
    let people = people_field(&mut fields).map_err(reject)?;
    Ok((
        RawArticle {
            origin,
            id,
            url,
            title,
            outlet,
            date,
            people,
            body,
        },
        warnings,
    ))
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(item: Item) -> RawArticle {
        item.expect("item was rejected").0
    }

    #[test]
    fn an_article_written_as_a_json_line_reads_back_the_same() {
        let given = ok(json_line(
            "s",
            1,
            r#"{"id": "a-1", "url": "https://news.example/a", "title": "T \"q\"",
                "outlet": "The Example", "date": "2025-08-14T09:30:00+01:00",
                "people": ["Ann Lee"], "body": "First.\n\nSecond, with\ttabs."}"#,
        ));
        let line = to_json_line(&given);
        assert!(!line.contains('\n'), "{line}");
        let back = ok(json_line("s", 1, &line));
        assert_eq!(format!("{back:?}"), format!("{given:?}"));
        let bare = RawArticle::from_body(Origin::file("s"), "Just text.".to_string());
        let back = ok(json_line("s", 1, &to_json_line(&bare)));
        assert_eq!(
            (back.id, back.title, back.date, back.body),
            (None, None, None, "Just text.".to_string())
        );
    }

    fn reason(item: Item) -> (Option<usize>, String) {
        let rejection = item.expect_err("item was accepted");
        (rejection.origin.line, rejection.reason)
    }

    #[test]
    fn plain_text_is_all_body() {
        let body = "Headline\nThe first paragraph of the article.\n";
        let raw = ok(text("a.txt", body));
        assert_eq!(raw.body, body);
        assert_eq!(raw.title, None);
    }

    #[test]
    fn a_word_list_is_not_an_article() {
        let (_, why) = reason(text("codes.txt", "amex\nase\nasx\nbiffex\n"));
        assert!(why.contains("does not read as an article"), "{why}");
    }

    #[test]
    fn front_matter_gives_metadata_and_the_rest_is_body() {
        let raw = ok(text(
            "a.txt",
            "---\ntitle: \"A: headline\"\noutlet: The Independent\ndate: 2025-08-13\n\
             url: https://example.com/a\npeople: [Keir Starmer, \"Emmanuel Macron\"]\n---\nBody text.\n",
        ));
        assert_eq!(raw.title.as_deref(), Some("A: headline"));
        assert_eq!(raw.outlet.as_deref(), Some("The Independent"));
        assert_eq!(raw.date.unwrap().to_string(), "2025-08-13");
        assert_eq!(raw.url.unwrap().as_str(), "https://example.com/a");
        assert_eq!(raw.people, ["Keir Starmer", "Emmanuel Macron"]);
        assert_eq!(raw.body, "Body text.\n");
    }

    #[test]
    fn broken_front_matter_is_rejected_with_its_line() {
        assert_eq!(reason(text("a.txt", "---\ntitle: x\nBody\n")).0, Some(1));
        let (line, why) = reason(text("a.txt", "---\ntitle: x\nno colon here\n---\nBody\n"));
        assert_eq!(line, Some(3));
        assert!(why.contains("not `key: value`"), "{why}");
        let (line, why) = reason(text("a.txt", "---\ndate: 2025-02-30\n---\nBody\n"));
        assert_eq!(line, Some(1));
        assert!(why.contains("2025-02-30"), "{why}");
    }

    #[test]
    fn json_arrays_reject_bad_elements_alone_and_name_their_lines() {
        let items = json_document(
            "a.json",
            "[\n{\"body\": \"one\"},\n{\"title\": \"no body\"},\n{\"body\": \"three\", \"people\": \"X\"},\n{\"text\": \"four\"}\n]",
        )
        .unwrap();
        assert_eq!(items.len(), 4);
        assert!(items[0].is_ok());
        let (line, why) = reason(items[1].clone());
        assert_eq!(line, Some(3));
        assert!(why.contains("no `body`"), "{why}");
        let (line, why) = reason(items[2].clone());
        assert_eq!(line, Some(4));
        assert!(why.contains("array of strings"), "{why}");
        assert_eq!(ok(items[3].clone()).body, "four");
    }

    #[test]
    fn lines_are_counted_on_from_the_last_answer_or_again_when_asked_for_an_earlier_one() {
        let text = "a\nb\n\nc";
        let mut lines = Lines::new(text);
        assert_eq!(lines.at(0), 1);
        assert_eq!(lines.at(2), 2);
        assert_eq!(lines.at(5), 4);
        assert_eq!(lines.at(2), 2);
        assert_eq!(lines.of(&text[5..]), 4);
        assert_eq!(lines.of("elsewhere"), 4);
    }

    #[test]
    fn json_syntax_errors_reject_the_document_with_line_and_column() {
        let rejection = json_document("a.json", "{\n\"body\": \"x\",\n}").unwrap_err();
        let (line, why) = (rejection.origin.line, rejection.reason);
        assert_eq!(line, Some(3));
        assert!(why.starts_with("invalid JSON"), "{why}");
        assert!(why.contains("column"), "{why}");
    }

    #[test]
    fn unknown_fields_are_ignored_with_a_warning() {
        let (raw, warnings) =
            json_line("s", 1, r#"{"body": "x", "author": "A", "tags": []}"#).unwrap();
        assert_eq!(raw.body, "x");
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("`author`") && warnings[0].contains("`tags`"));
    }

    #[test]
    fn wrong_types_and_bad_values_say_which_field() {
        for (line, field) in [
            (r#"{"body": 5}"#, "body"),
            (r#"{"body": "x", "title": ["a"]}"#, "title"),
            (r#"{"body": "x", "date": "2025-13-01"}"#, "2025-13-01"),
            (r#"{"body": "x", "url": "not a url"}"#, "url"),
            (r#"{"body": "x", "id": "a/b"}"#, "id"),
            (r#"{"body": "x", "text": "y"}"#, "not both"),
            (r#"[1, 2]"#, "article object"),
        ] {
            let (_, why) = reason(json_line("s", 1, line));
            assert!(why.contains(field), "{line}: {why}");
        }
    }
}
