//! The schemas of the parameters and bodies the handlers read as text, for
//! the OpenAPI document: what derive macros cannot say of them (that a
//! parameter read as text holds a day, one of a few words or a number up to
//! a limit, or nothing), tied to the limits the code enforces.

use utoipa::openapi::schema::{AnyOfBuilder, ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::openapi::{KnownFormat, Ref, RefOr, SchemaFormat};
use utoipa::{PartialSchema, ToSchema};

use crate::research::person::{self, PersonRequest};
use crate::research::timeline::{MAX_INTERVALS, MAX_QUERIES};
use crate::research::{significant, similar};
use crate::search::query::MAX_DEPTH;
use crate::search::{MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES, MAX_QUERY_TERMS, SearchRequest};

// The handlers read every parameter as text, so that an empty one (`limit=`,
// as an HTML form sends it) means the default, as an absent one does. The
// schemas below say so: each is the value, or empty (or only white space).

/// The schema of the `q` of `GET /api/search`.
pub fn query() -> Schema {
    query_text("A query in newsdesk's query language; empty or absent matches every article.")
}

/// The schema of the `q` of `GET /api/articles/{id}`.
pub fn marked_query() -> Schema {
    query_text("A query whose matches `body_marked` marks, in the language of `GET /api/search`.")
}

fn query_text(description: &str) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(MAX_QUERY_BYTES))
        .description(Some(format!(
            "{description} At most {MAX_QUERY_BYTES} bytes, {MAX_QUERY_TERMS} words and \
             filters, and {MAX_DEPTH} levels of parentheses."
        )))
        .examples(["ceasefire"])
        .into()
}

/// The schema of the `q` of `GET /api/timeline`: one query a series.
pub fn queries() -> Schema {
    ArrayBuilder::new()
        .items(RefOr::T(query_text(
            "A query whose articles to count, one series each; repeat for several. Empty, or \
             no q at all, counts every article the filters leave.",
        )))
        .max_items(Some(MAX_QUERIES))
        .into()
}

/// The schema of `interval`.
pub fn interval() -> Schema {
    words(
        &format!(
            "How long each interval of a timeline is; `week` is the ISO week, Monday to \
             Sunday. At most {MAX_INTERVALS} intervals: a longer span is counted by the next \
             longer interval instead, with a warning, and `interval` in the answer says which."
        ),
        &["month", "week", "day"],
    )
}

/// The schema of `from`.
pub fn from() -> Schema {
    day("Published on or after this day; a month or a year means its first day.")
}

/// The schema of `to`.
pub fn to() -> Schema {
    day("Published on or before this day; a month or a year means its last day.")
}

/// A day (`YYYY-MM-DD`), a month (`YYYY-MM`) or a year (`YYYY`), or empty.
fn day(description: &str) -> Schema {
    let pattern = |pattern: &str| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(pattern))
    };
    AnyOfBuilder::new()
        .description(Some(description))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        )
        .item(pattern(r"^[0-9]{4}-(0[1-9]|1[0-2])$"))
        .item(pattern(r"^[0-9]{4}$"))
        .item(empty())
        .into()
}

/// The schema of `sort`.
pub fn sort() -> Schema {
    words(
        "The order of hits; a query with no words to rank by is listed newest first.",
        &["relevance", "newest", "oldest"],
    )
}

/// The schema of `histogram`.
pub fn histogram() -> Schema {
    words("How finely `facets.date` counts.", &["month", "day"])
}

/// The schema of `collapse`.
pub fn collapse() -> Schema {
    AnyOfBuilder::new()
        .description(Some(
            "`story`: one hit per story (its earliest matching copy, with `copies` and \
             `outlets`), and `total` and the facets count stories: an outlet the stories it \
             ran, a day the stories whose earliest copy it saw. Empty or absent: every \
             matching article.",
        ))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(["story"])),
        )
        .item(empty())
        .into()
}

/// The schema of the `histogram` of `GET /api/people/{name}`.
pub fn person_histogram() -> Schema {
    words("How finely `dates` counts.", &["month", "day"])
}

/// The schema of `co_mentions`.
pub fn co_mentions() -> Schema {
    count(
        "How many people named with them to list.",
        person::MAX_CO_MENTIONS,
        PersonRequest::default().co_mentions,
    )
}

/// The schema of `quotes`.
pub fn quotes() -> Schema {
    count(
        "How many of their quotes to list.",
        person::MAX_QUOTES,
        PersonRequest::default().quotes,
    )
}

/// The schema of `limit`.
pub fn limit() -> Schema {
    count("Hits per page.", MAX_LIMIT, SearchRequest::default().limit)
}

/// The schema of `offset`.
pub fn offset() -> Schema {
    count("Hits to skip.", MAX_OFFSET, SearchRequest::default().offset)
}

/// The schema of `terms`.
pub fn terms() -> Schema {
    count(
        "How many significant terms `facets.terms` lists: the words that set the matches apart \
         from the whole archive. 0 lists none.",
        significant::MAX_TERMS,
        0,
    )
}

/// The schema of the `limit` of `GET /api/articles/{id}/similar`.
pub fn similar_limit() -> Schema {
    count(
        "How many similar articles to list.",
        similar::MAX_LIMIT,
        similar::DEFAULT_LIMIT,
    )
}

/// The schema of `format`.
pub fn export_format() -> Schema {
    words(
        "`ndjson`: an article object a line; `csv`: a header row, then an article a row.",
        &["ndjson", "csv"],
    )
}

/// A whole number from 0 to `max`, or empty for `default`.
fn count(description: &str, max: usize, default: usize) -> Schema {
    AnyOfBuilder::new()
        .description(Some(description))
        .default(Some(default.into()))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0))
                .maximum(Some(max)),
        )
        .item(empty())
        .into()
}

/// One of `words`, the first by default, or empty.
fn words(description: &str, words: &[&str]) -> Schema {
    AnyOfBuilder::new()
        .description(Some(description))
        .default(words.first().map(|&word| word.into()))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .enum_values(Some(words.iter().copied())),
        )
        .item(empty())
        .into()
}

/// Nothing but white space, which the handlers trim away (Rust's
/// `char::is_whitespace`, spelled out: `\s` means more in some regex
/// dialects than in others).
fn empty() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String).pattern(Some(
        r"^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$",
    ))
}

/// A `text/plain` or `application/x-ndjson` body of `POST /api/articles`:
/// text with something in it, and no NUL bytes (a body with them is refused
/// as binary).
pub struct ArticleText;

impl PartialSchema for ArticleText {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^[^\u0000]*\S[^\u0000]*$"))
            .into()
    }
}

impl ToSchema for ArticleText {}

/// An article to add.
// The handler reads articles as JSON values rather than through this type,
// so that it can name each wrong field of each item; this type only gives
// the document its schema.
#[derive(ToSchema)]
#[expect(dead_code, reason = "only its schema is used")]
pub struct NewArticle {
    /// Letters, digits and `-_.:`, up to 128 of them. Without one, the id
    /// is derived from the url, else from the outlet, title and text; an
    /// article with the id of one already indexed replaces it.
    #[schema(pattern = r"^[A-Za-z0-9._:-]{1,128}$")]
    id: Option<String>,
    /// The article's absolute http or https address.
    url: Option<String>,
    title: Option<String>,
    outlet: Option<String>,
    /// The publication day, `YYYY-MM-DD`, or an RFC 3339 date-time with a
    /// UTC offset (`2025-08-14T09:30:00Z`); years 1800 to 2200.
    date: Option<String>,
    /// The people the article is about; without them, the names found in
    /// the text.
    people: Option<Vec<String>>,
    /// The article's text, paragraphs separated by blank lines. It may be
    /// given as `text` instead. Page furniture (share buttons, newsletter
    /// prompts) is removed from it; an article with nothing else is refused.
    body: String,
}

/// The `application/json` body of `POST /api/articles`: one article or an
/// array of them.
pub struct NewArticles;

impl PartialSchema for NewArticles {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(Ref::from_schema_name(NewArticle::name()))
            .item(
                ArrayBuilder::new()
                    .items(Ref::from_schema_name(NewArticle::name()))
                    .min_items(Some(1)),
            )
            .into()
    }
}

impl ToSchema for NewArticles {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((NewArticle::name().into(), NewArticle::schema()));
        NewArticle::schemas(schemas);
    }
}
