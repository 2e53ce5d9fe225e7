//! The tantivy schema of an article, and the conversions between an
//! [`Article`] and a tantivy document.

use tantivy::DateTime;
use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING,
    Schema, TantivyDocument, TextFieldIndexing, TextOptions, Value,
};

use super::analyzer::{ENGLISH, KEYWORD};
use crate::article::{Article, ArticleId, ArticleUrl, PublicationDate, Source, Sources, day_start};
use crate::text::stories::Signature;

/// Field names, as tantivy knows them.
pub mod names {
    pub const ID: &str = "id";
    pub const TITLE: &str = "title";
    pub const BODY: &str = "body";
    pub const OUTLET: &str = "outlet";
    pub const PEOPLE: &str = "people";
    /// Bare one-word names that may be people.
    pub const UNCONFIRMED_PEOPLE: &str = "unconfirmed_people";
    /// The publication day at midnight UTC: for filters and histograms.
    pub const DAY: &str = "day";
    /// The publication instant: for sorting by date.
    pub const PUBLISHED: &str = "published";
    /// The date as the source gave it, for display.
    pub const DATE: &str = "date";
    pub const URL: &str = "url";
    /// The id of the page an appended article came from.
    pub const PARENT: &str = "parent";
    /// Where the title, outlet and date came from (`given`, `url`, …).
    pub const TITLE_SOURCE: &str = "title_source";
    pub const OUTLET_SOURCE: &str = "outlet_source";
    pub const DATE_SOURCE: &str = "date_source";
    /// The story an article is a copy of (`u64`): articles with one story
    /// are near-duplicates of each other, syndicated or republished.
    pub const STORY: &str = "story";
    /// The locality-sensitive bands of the body's signature (`u64`, one
    /// per band): where ingest looks up the copies an article may be of.
    pub const STORY_BANDS: &str = "story_bands";
    /// The body's signature (`stories::Signature::to_numbers`, `u64`s in a
    /// fast column), to verify a candidate copy. Numbers rather than bytes:
    /// a bytes column is a dictionary, whose compressed blocks would be
    /// decompressed for every candidate read.
    pub const SIGNATURE: &str = "signature";
}

/// The fields of the schema, looked up once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    pub id: Field,
    pub title: Field,
    pub body: Field,
    pub outlet: Field,
    pub people: Field,
    pub unconfirmed_people: Field,
    pub day: Field,
    pub published: Field,
    pub date: Field,
    pub url: Field,
    pub parent: Field,
    pub title_source: Field,
    pub outlet_source: Field,
    pub date_source: Field,
    pub story: Field,
    pub story_bands: Field,
    pub signature: Field,
}

/// Builds the schema of a newsdesk index.
///
/// Title and body are analysed as English with positions, for phrases.
/// Outlet and people are exact values: indexed lowercased (so filters ignore
/// case) and kept as written in a fast column (for facet counts). Days are
/// fast for ranges and histograms.
pub fn build() -> Schema {
    let mut builder = Schema::builder();
    // Fast as well, so that collapsing copies can order them by id.
    builder.add_text_field(names::ID, STRING | STORED | FAST);
    let english = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ENGLISH)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    builder.add_text_field(names::TITLE, english.clone());
    builder.add_text_field(names::BODY, english);
    let keyword = TextOptions::default()
        .set_stored()
        .set_fast("raw")
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(KEYWORD)
                .set_index_option(IndexRecordOption::Basic)
                .set_fieldnorms(false),
        );
    builder.add_text_field(names::OUTLET, keyword.clone());
    builder.add_text_field(names::PEOPLE, keyword.clone());
    builder.add_text_field(names::UNCONFIRMED_PEOPLE, keyword);
    builder.add_date_field(
        names::DAY,
        DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_date_field(
        names::PUBLISHED,
        DateOptions::default()
            .set_fast()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_text_field(names::DATE, STORED);
    builder.add_text_field(names::URL, STORED);
    builder.add_text_field(names::PARENT, STRING | STORED);
    builder.add_text_field(names::TITLE_SOURCE, STORED);
    builder.add_text_field(names::OUTLET_SOURCE, STORED);
    builder.add_text_field(names::DATE_SOURCE, STORED);
    builder.add_u64_field(names::STORY, INDEXED | FAST | STORED);
    builder.add_u64_field(names::STORY_BANDS, INDEXED);
    builder.add_u64_field(names::SIGNATURE, FAST);
    builder.build()
}

impl Fields {
    /// Looks the fields up in `schema`; `None` if one is missing.
    pub fn from_schema(schema: &Schema) -> Option<Fields> {
        let field = |name| schema.get_field(name).ok();
        Some(Fields {
            id: field(names::ID)?,
            title: field(names::TITLE)?,
            body: field(names::BODY)?,
            outlet: field(names::OUTLET)?,
            people: field(names::PEOPLE)?,
            unconfirmed_people: field(names::UNCONFIRMED_PEOPLE)?,
            day: field(names::DAY)?,
            published: field(names::PUBLISHED)?,
            date: field(names::DATE)?,
            url: field(names::URL)?,
            parent: field(names::PARENT)?,
            title_source: field(names::TITLE_SOURCE)?,
            outlet_source: field(names::OUTLET_SOURCE)?,
            date_source: field(names::DATE_SOURCE)?,
            story: field(names::STORY)?,
            story_bands: field(names::STORY_BANDS)?,
            signature: field(names::SIGNATURE)?,
        })
    }

    /// The document of `article`, a copy of `story`, with the signature
    /// of its body if it is long enough to have one.
    pub fn to_document(
        &self,
        article: &Article,
        story: StoryId,
        signature: Option<&Signature>,
    ) -> TantivyDocument {
        let mut doc = TantivyDocument::default();
        doc.add_text(self.id, article.id.as_str());
        doc.add_u64(self.story, story.0);
        if let Some(signature) = signature {
            for band in signature.bands() {
                doc.add_u64(self.story_bands, band);
            }
            for number in signature.to_numbers() {
                doc.add_u64(self.signature, number);
            }
        }
        if let Some(title) = &article.title {
            doc.add_text(self.title, title);
        }
        doc.add_text(self.body, &article.body);
        if let Some(outlet) = &article.outlet {
            doc.add_text(self.outlet, outlet);
        }
        for person in &article.people {
            doc.add_text(self.people, person);
        }
        for name in &article.unconfirmed_people {
            doc.add_text(self.unconfirmed_people, name);
        }
        if let Some(date) = &article.date {
            doc.add_date(self.day, to_tantivy(day_start(date.day())));
            doc.add_date(self.published, to_tantivy(date.instant()));
            doc.add_text(self.date, date.to_string());
        }
        if let Some(url) = &article.url {
            doc.add_text(self.url, url.as_str());
        }
        if let Some(parent) = &article.parent {
            doc.add_text(self.parent, parent.as_str());
        }
        doc.add_text(self.title_source, article.sources.title.as_str());
        doc.add_text(self.outlet_source, article.sources.outlet.as_str());
        doc.add_text(self.date_source, article.sources.date.as_str());
        doc
    }

    /// Reads an article back from its stored fields. Values that no longer
    /// parse (which would mean the index was edited by hand) are left out
    /// rather than failing the whole request.
    pub fn to_article(&self, doc: &TantivyDocument) -> Article {
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        Article {
            id: text(self.id)
                .and_then(|id| ArticleId::parse(&id).ok())
                .unwrap_or_else(|| ArticleId::derive(None, None, None, "")),
            title: text(self.title),
            outlet: text(self.outlet),
            date: text(self.date).and_then(|d| PublicationDate::parse(&d).ok()),
            url: text(self.url).and_then(|u| ArticleUrl::parse(&u).ok()),
            people: doc
                .get_all(self.people)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            unconfirmed_people: doc
                .get_all(self.unconfirmed_people)
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            body: text(self.body).unwrap_or_default(),
            parent: text(self.parent).and_then(|id| ArticleId::parse(&id).ok()),
            sources: Sources {
                title: Source::parse(&text(self.title_source).unwrap_or_default()),
                outlet: Source::parse(&text(self.outlet_source).unwrap_or_default()),
                date: Source::parse(&text(self.date_source).unwrap_or_default()),
            },
        }
    }
}

/// A story: the articles that are copies of one another share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StoryId(pub u64);

impl StoryId {
    /// The story an article starts when it is a copy of no other: derived
    /// from its id, so it is the same however often the article is indexed.
    pub fn of(id: &ArticleId) -> StoryId {
        let hash = blake3::hash(id.as_str().as_bytes());
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&hash.as_bytes()[..8]);
        StoryId(u64::from_le_bytes(bytes))
    }

    /// The story of a stored document.
    pub fn read(fields: &Fields, doc: &TantivyDocument) -> Option<StoryId> {
        doc.get_first(fields.story)
            .and_then(|v| v.as_u64())
            .map(StoryId)
    }
}

/// The instant as tantivy keeps it. tantivy counts nanoseconds in an `i64`,
/// which spans only 1677 to 2262; an instant outside is moved to the
/// nearest end, where it still sorts before or after every article (all
/// of whose dates lie between 1800 and 2200), so a filter from or to a day
/// outside the span still means what it says.
pub fn to_tantivy(timestamp: jiff::Timestamp) -> DateTime {
    const NANOS: i64 = 1_000_000_000;
    let seconds = timestamp
        .as_second()
        .clamp(i64::MIN / NANOS, i64::MAX / NANOS);
    DateTime::from_timestamp_secs(seconds)
}

/// The publication day of a `day` column value.
pub fn day_of(value: DateTime) -> Option<jiff::civil::Date> {
    let seconds = value.into_timestamp_secs();
    jiff::Timestamp::from_second(seconds)
        .ok()
        .map(|t| t.to_zoned(jiff::tz::TimeZone::UTC).date())
}
