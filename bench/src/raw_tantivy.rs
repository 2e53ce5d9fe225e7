//! Raw tantivy: the floor newsdesk is built on, used the way its
//! documentation shows, with no cleaning, no extraction and no HTTP.
//!
//! Title and body use tantivy's `en_stem` analyser with positions; outlet
//! and people are raw strings, indexed and in fast columns; the date is an
//! indexed fast field. A search is what a newsdesk request does, in
//! process: the query parser over title (boosted 2×, as newsdesk boosts it)
//! and body with AND by default, filters as term and range queries, the top
//! 10 by BM25 with their stored fields, an exact count, outlet, people and
//! month counts from the fast columns in the same pass, and a highlighted
//! fragment of each hit's body by tantivy's `SnippetGenerator` (one
//! fragment of up to 600 characters, the length of newsdesk's three; the
//! cost is the same pass over the body either way).

use std::collections::HashMap;
use std::ops::Bound;
use std::path::Path;

use anyhow::Context;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{
    BooleanQuery, Occur, Query as TantivyQuery, QueryParser, RangeQuery, TermQuery,
};
use tantivy::schema::{
    DateOptions, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DateTime, DocId, Index, IndexReader, ReloadPolicy, Score, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term, doc,
};

use crate::query::{Answer, Client, Query};
use crate::rows;

const FACET_SIZE: usize = 20;
const HITS: usize = 10;
const SNIPPET_CHARS: usize = 600;

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    url: Field,
    title: Field,
    body: Field,
    outlet: Field,
    people: Field,
    date: Field,
}

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let text = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer("en_stem")
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored();
    let fields = Fields {
        id: builder.add_u64_field("id", INDEXED | STORED),
        url: builder.add_text_field("url", STORED),
        title: builder.add_text_field("title", text.clone()),
        body: builder.add_text_field("body", text),
        outlet: builder.add_text_field("outlet", STRING | STORED | tantivy::schema::FAST),
        people: builder.add_text_field("people", STRING | STORED | tantivy::schema::FAST),
        date: builder.add_date_field(
            "date",
            DateOptions::from(INDEXED | STORED | tantivy::schema::FAST),
        ),
    };
    (builder.build(), fields)
}

fn fields_of(schema: &Schema) -> anyhow::Result<Fields> {
    let field = |name| {
        schema
            .get_field(name)
            .context("not an index of this benchmark")
    };
    Ok(Fields {
        id: field("id")?,
        url: field("url")?,
        title: field("title")?,
        body: field("body")?,
        outlet: field("outlet")?,
        people: field("people")?,
        date: field("date")?,
    })
}

/// Indexes every row of `rows` into a new index in `dir` with `threads`
/// indexing threads and `memory_bytes` of writer memory, and commits.
pub fn load(rows: &Path, dir: &Path, threads: usize, memory_bytes: usize) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let (schema, fields) = schema();
    let index = Index::create_in_dir(dir, schema)?;
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(threads, memory_bytes)?;
    rows::for_each(rows, |id, row| {
        let date: jiff::Timestamp = row
            .date
            .parse()
            .with_context(|| format!("row {id}: date {:?}", row.date))?;
        let mut document = doc!(
            fields.id => id,
            fields.url => row.url,
            fields.title => row.title,
            fields.body => row.body,
            fields.outlet => row.outlet,
            fields.date => DateTime::from_timestamp_secs(date.as_second()),
        );
        for person in row.people {
            document.add_text(fields.people, person);
        }
        writer.add_document(document)?;
        Ok(())
    })?;
    writer.commit()?;
    Ok(())
}

/// An open index: one reader for the process, as tantivy recommends.
pub struct RawTantivy {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl RawTantivy {
    pub fn open(dir: &Path) -> anyhow::Result<RawTantivy> {
        let index = Index::open_in_dir(dir).with_context(|| format!("{}", dir.display()))?;
        let fields = fields_of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(RawTantivy {
            index,
            reader,
            fields,
        })
    }

    pub fn client(&self) -> anyhow::Result<Box<dyn Client + Send + '_>> {
        let mut parser =
            QueryParser::for_index(&self.index, vec![self.fields.title, self.fields.body]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(self.fields.title, 2.0);
        Ok(Box::new(RawClient {
            engine: self,
            parser,
        }))
    }
}

struct RawClient<'a> {
    engine: &'a RawTantivy,
    parser: QueryParser,
}

impl RawClient<'_> {
    fn query(&self, query: &Query) -> anyhow::Result<Box<dyn TantivyQuery>> {
        let fields = self.engine.fields;
        let words = self.parser.parse_query(&query.text())?;
        if !query.is_filtered() {
            return Ok(words);
        }
        let mut clauses: Vec<(Occur, Box<dyn TantivyQuery>)> = vec![(Occur::Must, words)];
        for (field, value) in [
            (fields.outlet, &query.outlet),
            (fields.people, &query.person),
        ] {
            if let Some(value) = value {
                clauses.push((
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, value),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        if query.from.is_some() || query.to.is_some() {
            let bound = |day: &Option<String>, end: bool| -> anyhow::Result<Bound<Term>> {
                Ok(match day {
                    None => Bound::Unbounded,
                    Some(day) => {
                        let day: jiff::civil::Date = day.parse()?;
                        let day = if end { day.tomorrow()? } else { day };
                        let seconds = day
                            .to_zoned(jiff::tz::TimeZone::UTC)?
                            .timestamp()
                            .as_second();
                        let term = Term::from_field_date(
                            fields.date,
                            DateTime::from_timestamp_secs(seconds),
                        );
                        if end {
                            Bound::Excluded(term)
                        } else {
                            Bound::Included(term)
                        }
                    }
                })
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(&query.from, false)?,
                    bound(&query.to, true)?,
                )),
            ));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

impl Client for RawClient<'_> {
    fn search(&mut self, query: &Query) -> anyhow::Result<Answer> {
        let fields = self.engine.fields;
        let searcher = self.engine.reader.searcher();
        let compiled = self.query(query)?;
        let (top, total, facets) = searcher.search(
            &*compiled,
            &(
                TopDocs::with_limit(HITS).order_by_score(),
                Count,
                Facets { fields },
            ),
        )?;
        let mut snippets = SnippetGenerator::create(&searcher, &*compiled, fields.body)?;
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = 0;
        for (_score, address) in top {
            let document: TantivyDocument = searcher.doc(address)?;
            let title = document.get_first(fields.title).and_then(|v| v.as_str());
            let snippet = snippets.snippet_from_doc(&document).to_html();
            std::hint::black_box((title, snippet));
            hits += 1;
        }
        let outlets = top_counts(&facets.outlets);
        let people = top_counts(&facets.people);
        let months = facets.months();
        Ok(Answer {
            total: total as u64,
            hits,
            facet_values: outlets.len() + people.len() + months.len(),
        })
    }
}

/// The 20 largest counts, largest first.
fn top_counts(counts: &HashMap<String, u64>) -> Vec<(&String, u64)> {
    let mut all: Vec<(&String, u64)> = counts.iter().map(|(v, c)| (v, *c)).collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    all.truncate(FACET_SIZE);
    all
}

/// Outlet, people and day counts over every match, by term ordinal in each
/// segment, turned into names once a segment.
struct Facets {
    fields: Fields,
}

#[derive(Default)]
struct FacetCounts {
    outlets: HashMap<String, u64>,
    people: HashMap<String, u64>,
    /// By day number since the epoch.
    days: HashMap<i64, u64>,
}

impl FacetCounts {
    fn months(&self) -> Vec<(String, u64)> {
        let mut months: HashMap<String, u64> = HashMap::new();
        for (&day, &count) in &self.days {
            let month = jiff::Timestamp::from_second(day * 86_400)
                .map(|t| t.strftime("%Y-%m").to_string())
                .unwrap_or_default();
            *months.entry(month).or_default() += count;
        }
        let mut months: Vec<(String, u64)> = months.into_iter().collect();
        months.sort();
        months
    }
}

impl Collector for Facets {
    type Fruit = FacetCounts;
    type Child = SegmentFacets;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentFacets> {
        let fast = segment.fast_fields();
        let schema = segment.schema();
        let outlets = fast.str(schema.get_field_name(self.fields.outlet))?;
        let people = fast.str(schema.get_field_name(self.fields.people))?;
        Ok(SegmentFacets {
            outlet_counts: vec![0; outlets.as_ref().map_or(0, |c| c.num_terms())],
            people_counts: vec![0; people.as_ref().map_or(0, |c| c.num_terms())],
            outlets,
            people,
            dates: fast.column_opt(schema.get_field_name(self.fields.date))?,
            days: HashMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, segments: Vec<FacetCounts>) -> tantivy::Result<FacetCounts> {
        let mut total = FacetCounts::default();
        for segment in segments {
            for (value, count) in segment.outlets {
                *total.outlets.entry(value).or_default() += count;
            }
            for (value, count) in segment.people {
                *total.people.entry(value).or_default() += count;
            }
            for (day, count) in segment.days {
                *total.days.entry(day).or_default() += count;
            }
        }
        Ok(total)
    }
}

struct SegmentFacets {
    outlets: Option<StrColumn>,
    outlet_counts: Vec<u64>,
    people: Option<StrColumn>,
    people_counts: Vec<u64>,
    dates: Option<Column<DateTime>>,
    days: HashMap<i64, u64>,
}

impl SegmentCollector for SegmentFacets {
    type Fruit = FacetCounts;

    fn collect(&mut self, doc: DocId, _score: Score) {
        if let Some(outlets) = &self.outlets {
            for ord in outlets.term_ords(doc) {
                self.outlet_counts[ord as usize] += 1;
            }
        }
        if let Some(people) = &self.people {
            for ord in people.term_ords(doc) {
                self.people_counts[ord as usize] += 1;
            }
        }
        if let Some(date) = self.dates.as_ref().and_then(|dates| dates.first(doc)) {
            *self
                .days
                .entry(date.into_timestamp_secs().div_euclid(86_400))
                .or_default() += 1;
        }
    }

    fn harvest(self) -> FacetCounts {
        FacetCounts {
            outlets: names(self.outlets.as_ref(), &self.outlet_counts),
            people: names(self.people.as_ref(), &self.people_counts),
            days: self.days,
        }
    }
}

/// The values of the counted ordinals, read in one ordered pass over the
/// column's dictionary (looking each ordinal up alone would decompress a
/// dictionary block per value).
fn names(column: Option<&StrColumn>, counts: &[u64]) -> HashMap<String, u64> {
    let mut out = HashMap::new();
    let Some(column) = column else {
        return out;
    };
    let counted: Vec<u64> = (0..counts.len() as u64)
        .filter(|&ord| counts[ord as usize] > 0)
        .collect();
    let mut counted_iter = counted.iter();
    let _ = column
        .dictionary()
        .sorted_ords_to_term_cb(&counted, |bytes| {
            if let Some(&ord) = counted_iter.next() {
                out.insert(
                    String::from_utf8_lossy(bytes).into_owned(),
                    counts[ord as usize],
                );
            }
        });
    out
}
