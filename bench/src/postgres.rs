//! PostgreSQL full-text search, set up the way a user who knows it well
//! would set it up for news search.
//!
//! One table per corpus holds the articles and a stored, generated
//! `tsvector` (title weighted `A`, body `B`, English stemming), with a GIN
//! index on it and indexes on every filtered column. Rows are streamed in
//! with `COPY … FROM STDIN` and the indexes are built after the data is in.
//! A request is two prepared statements: one computes the total and the
//! facets over the matches in a single pass, the other ranks the matches
//! with `ts_rank_cd` and highlights only the ten it returns.
//!
//! The server keeps its stock configuration; the few session settings this
//! module makes are explained where they are made.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use ::postgres::types::{ToSql, Type};
use ::postgres::{NoTls, Statement};
use anyhow::{Context, bail};

use crate::query::{Answer, Client, Query};
use crate::rows::{self, Row};

/// A PostgreSQL server, by its connection string.
pub struct Postgres {
    dsn: String,
}

/// What loading measured besides time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    /// `pg_total_relation_size` of the table: heap, TOAST and all indexes.
    pub size_bytes: u64,
    /// `VmHWM` of the backend that ran the load (COPY, index builds and
    /// ANALYZE), read from `/proc/<pg_backend_pid()>/status`. It counts the
    /// shared buffers that backend touched, and not the parallel workers a
    /// btree build may start. `None` when the file cannot be read (server
    /// on another machine, or no permission).
    pub backend_peak_rss_bytes: Option<u64>,
}

/// Builds the indexes with more memory than the stock 64MB: GIN builds
/// accumulate posting lists in `maintenance_work_mem` and flush them to the
/// index whenever it fills, so a larger budget means far fewer, larger
/// merges. This is the documented advice for bulk loads (“Populating a
/// Database”), set for the loading session only.
const MAINTENANCE_WORK_MEM: &str = "512MB";

/// Session settings of every search connection, each one measured with
/// `EXPLAIN ANALYZE` on these statements.
///
/// - `enable_seqscan = off`: the planner does not charge for detoasting,
///   and a news article's `tsvector` is large enough to be TOASTed. For a
///   frequent word it picks a sequential scan that detoasts and
///   decompresses every row's `tsvector` to test `@@` (and, in the hits
///   statement, again for `ts_rank_cd`), where the GIN index answers
///   `@@` exactly and the bitmap heap scan only reads the small columns:
///   the facets of a word in 73% of 60,000 articles took 540 ms that way
///   against 160 ms through the index. Every statement here has the GIN
///   index to use, so no plan is left without a path.
/// - `plan_cache_mode = force_custom_plan`: the selectivity of `tsv @@ q`
///   ranges from a handful of rows to most of the table depending on the
///   words. A custom plan folds `websearch_to_tsquery('english', $1)` into a
///   constant that the planner estimates from the column's statistics (and
///   that `ts_rank_cd` and `ts_headline` do not re-parse per row); the
///   generic plan the server would otherwise switch to after five runs
///   assumes a fixed number of matches for every query. Preparing still
///   saves parsing and analysis.
/// - `work_mem = '64MB'`: the facets statement materializes its matches
///   (about 90 bytes each) and hashes them three ways; at the stock 4MB a
///   word in 60,000 articles already spills them to a temporary file, and
///   the bitmap of a frequent word in a large corpus would turn lossy,
///   which rechecks `@@` by detoasting every `tsvector` on a lossy page.
///   Per connection, and only as much as a statement uses.
/// - `jit = off`: on large corpora the facets statement of a frequent word
///   costs more than `jit_above_cost`, and compiling it then takes longer
///   (390 ms measured) than running it (about 200 ms); this is the usual
///   setting for latency-sensitive queries.
const SESSION: &str = "SET enable_seqscan = off; \
                       SET plan_cache_mode = force_custom_plan; \
                       SET work_mem = '64MB'; \
                       SET jit = off";

/// The `ts_headline` options: up to three fragments of 8 to 20 words.
const HEADLINE_OPTIONS: &str =
    "MaxFragments=3, MaxWords=20, MinWords=8, StartSel=<mark>, StopSel=</mark>";

/// Rows are sent to `COPY` in chunks of about this many bytes.
const COPY_CHUNK: usize = 256 * 1024;

impl Postgres {
    /// Connects once to check the server answers; the error says how to start it.
    pub fn connect(dsn: &str) -> anyhow::Result<Postgres> {
        let postgres = Postgres {
            dsn: dsn.to_owned(),
        };
        let mut db = postgres.open().context(
            "cannot connect to PostgreSQL. Start it (on Debian: `pg_ctlcluster 15 main start`) and \
             create the role and database the DSN names, e.g. \
             `runuser -u postgres -- psql -c \"CREATE ROLE newsdesk_bench LOGIN PASSWORD \
             'newsdesk_bench'\"` and `runuser -u postgres -- createdb -O newsdesk_bench \
             newsdesk_bench`",
        )?;
        db.simple_query("SELECT 1")?;
        Ok(postgres)
    }

    /// Drops `table` if it exists, creates it, and loads every row of `rows` into it, indexes and ANALYZE included.
    ///
    /// As the manual advises for populating a database, every index, the
    /// primary key's included, is built after the `COPY`. Everything runs in
    /// one transaction, so `COPY … (FREEZE)` applies: the rows are written
    /// frozen and all-visible, as a bulk load into a new table should be,
    /// instead of leaving the first queries to set hint bits on (and write
    /// back) every page they read.
    pub fn load(&self, rows: &Path, table: &str) -> anyhow::Result<Loaded> {
        let table = checked(table)?;
        let mut db = self.open()?;
        db.batch_execute(&format!(
            "SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'"
        ))?;
        let mut tx = db.transaction()?;
        tx.batch_execute(&format!(
            "DROP TABLE IF EXISTS {table};
             CREATE TABLE {table} (
                 id integer NOT NULL,
                 url text,
                 title text,
                 outlet text,
                 day date,
                 published timestamptz,
                 body text,
                 people text[],
                 tsv tsvector GENERATED ALWAYS AS (
                     setweight(to_tsvector('english', coalesce(title, '')), 'A')
                     || setweight(to_tsvector('english', body), 'B')
                 ) STORED
             )"
        ))
        .with_context(|| format!("creating {table}"))?;

        let copy = |tx: &mut ::postgres::Transaction| -> anyhow::Result<()> {
            let mut writer = tx.copy_in(&format!(
                "COPY {table} (id, url, title, outlet, day, published, body, people) \
                 FROM STDIN WITH (FREEZE)"
            ))?;
            let mut chunk = String::with_capacity(COPY_CHUNK * 2);
            rows::for_each(rows, |id, row| {
                copy_line(&mut chunk, id, &row);
                if chunk.len() >= COPY_CHUNK {
                    writer.write_all(chunk.as_bytes())?;
                    chunk.clear();
                }
                Ok(())
            })?;
            writer.write_all(chunk.as_bytes())?;
            writer.finish()?;
            Ok(())
        };
        copy(&mut tx).with_context(|| format!("copying {} into {table}", rows.display()))?;

        tx.batch_execute(&format!(
            "ALTER TABLE {table} ADD PRIMARY KEY (id);
             CREATE INDEX {table}_tsv ON {table} USING GIN (tsv);
             CREATE INDEX {table}_people ON {table} USING GIN (people);
             CREATE INDEX {table}_outlet ON {table} (outlet);
             CREATE INDEX {table}_day ON {table} (day);
             ANALYZE {table}"
        ))
        .with_context(|| format!("indexing {table}"))?;
        tx.commit()?;

        let size: i64 = db
            .query_one(&format!("SELECT pg_total_relation_size('{table}')"), &[])?
            .get(0);
        let pid: i32 = db.query_one("SELECT pg_backend_pid()", &[])?.get(0);
        Ok(Loaded {
            size_bytes: u64::try_from(size)?,
            backend_peak_rss_bytes: u32::try_from(pid)
                .ok()
                .and_then(crate::measure::peak_rss_of),
        })
    }

    /// One connection for one client thread.
    pub fn client(&self, table: &str) -> anyhow::Result<Box<dyn Client + Send>> {
        Ok(Box::new(self.pg_client(table)?))
    }

    /// Drops `table` if it exists.
    pub fn drop_table(&self, table: &str) -> anyhow::Result<()> {
        let table = checked(table)?;
        self.open()?
            .batch_execute(&format!("DROP TABLE IF EXISTS {table}"))?;
        Ok(())
    }

    fn pg_client(&self, table: &str) -> anyhow::Result<PgClient> {
        let table = checked(table)?.to_owned();
        let mut db = self.open()?;
        db.batch_execute(SESSION)?;
        Ok(PgClient {
            db,
            table,
            statements: HashMap::new(),
        })
    }

    /// The server's `version()`.
    pub fn version(&self) -> anyhow::Result<String> {
        Ok(self.open()?.query_one("SELECT version()", &[])?.get(0))
    }

    fn open(&self) -> anyhow::Result<::postgres::Client> {
        Ok(::postgres::Client::connect(&self.dsn, NoTls)?)
    }
}

/// `table`, if it is a plain identifier that can be interpolated into SQL.
fn checked(table: &str) -> anyhow::Result<&str> {
    let plain = !table.is_empty()
        && table
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !plain {
        bail!("table name {table:?} is not [a-z0-9_]+");
    }
    Ok(table)
}

/// Appends `row` to `out` as one line of `COPY`'s text format, in the
/// column order of the `COPY` statement.
fn copy_line(out: &mut String, id: u64, row: &Row) {
    write!(out, "{id}\t").expect("writing to a String");
    for field in [&row.url, &row.title, &row.outlet] {
        copy_field(out, field);
        out.push('\t');
    }
    copy_field(out, row.day());
    out.push('\t');
    copy_field(out, &row.date);
    out.push('\t');
    copy_field(out, &row.body);
    out.push('\t');
    copy_field(out, &array_literal(&row.people));
    out.push('\n');
}

/// Appends `value` escaped for `COPY`'s text format. NUL characters,
/// which a PostgreSQL text value cannot hold, are dropped.
fn copy_field(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => {}
            c => out.push(c),
        }
    }
}

/// `values` as a `text[]` literal, every element quoted so that commas,
/// braces, spaces and the word NULL stay text.
fn array_literal(values: &[String]) -> String {
    let mut literal = String::from("{");
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            literal.push(',');
        }
        literal.push('"');
        for c in value.chars() {
            if c == '"' || c == '\\' {
                literal.push('\\');
            }
            literal.push(c);
        }
        literal.push('"');
    }
    literal.push('}');
    literal
}

/// Which filters a query has: one prepared pair of statements for each
/// combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Filters {
    outlet: bool,
    person: bool,
    from: bool,
    to: bool,
}

impl Filters {
    fn of(query: &Query) -> Filters {
        Filters {
            outlet: query.outlet.is_some(),
            person: query.person.is_some(),
            from: query.from.is_some(),
            to: query.to.is_some(),
        }
    }

    /// The number of parameters: the query text, then one per filter.
    fn parameters(self) -> usize {
        1 + [self.outlet, self.person, self.from, self.to]
            .into_iter()
            .filter(|&present| present)
            .count()
    }

    /// The conditions on `a` besides the text match, numbered from `$2`
    /// in the order outlet, person, from, to.
    fn sql(self) -> String {
        let mut sql = String::new();
        let mut n = 1;
        let mut add = |present: bool, condition: &str| {
            if present {
                n += 1;
                write!(sql, " AND {}", condition.replace('?', &format!("${n}")))
                    .expect("writing to a String");
            }
        };
        add(self.outlet, "a.outlet = ?");
        add(self.person, "a.people @> ARRAY[?]");
        add(self.from, "a.day >= ?::date");
        add(self.to, "a.day <= ?::date");
        sql
    }
}

/// The statement computing the total and the facets over all matches.
///
/// The matches are collected once (only the three columns the facets need)
/// and each aggregate reads them from there. People are counted from a
/// set-returning `unnest` in the select list, which is cheaper than a
/// lateral join to it; months are counted by day first, so that `to_char`
/// formats one value per day rather than one per match.
fn facets_sql(table: &str, filters: Filters) -> String {
    let filters = filters.sql();
    format!(
        "WITH m AS MATERIALIZED (
             SELECT a.outlet, a.day, a.people
             FROM {table} a
             WHERE a.tsv @@ websearch_to_tsquery('english', $1){filters}
         )
         SELECT 'total', NULL, count(*) FROM m
         UNION ALL
         (SELECT 'outlet', outlet, count(*) FROM m
          GROUP BY outlet ORDER BY 3 DESC, 2 LIMIT 20)
         UNION ALL
         (SELECT 'person', person, count(*) FROM (SELECT unnest(people) AS person FROM m) p
          GROUP BY person ORDER BY 3 DESC, 2 LIMIT 20)
         UNION ALL
         (SELECT 'month', to_char(day, 'YYYY-MM'), sum(n)::bigint
          FROM (SELECT day, count(*) AS n FROM m GROUP BY day) d
          GROUP BY 2)"
    )
}

/// The statement returning the ten best matches by `ts_rank_cd` (title
/// weighted above body through the `tsvector`'s weights), ties broken by
/// id. The ranking runs in a subquery with the `LIMIT`, so `ts_headline`,
/// which re-parses the body, runs on those ten rows only.
fn hits_sql(table: &str, filters: Filters) -> String {
    let filters = filters.sql();
    format!(
        "SELECT h.id, h.title, h.outlet, h.day::text, h.url,
                ts_headline('english', h.body, websearch_to_tsquery('english', $1),
                            '{HEADLINE_OPTIONS}')
         FROM (
             SELECT a.id, a.title, a.outlet, a.day, a.url, a.body,
                    ts_rank_cd(a.tsv, websearch_to_tsquery('english', $1)) AS rank
             FROM {table} a
             WHERE a.tsv @@ websearch_to_tsquery('english', $1){filters}
             ORDER BY rank DESC, a.id
             LIMIT 10
         ) h
         ORDER BY h.rank DESC, h.id"
    )
}

/// One search connection with its prepared statements.
struct PgClient {
    db: ::postgres::Client,
    table: String,
    /// The facets and the hits statements for each combination of filters.
    statements: HashMap<Filters, (Statement, Statement)>,
}

/// Everything a request returned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Response {
    total: u64,
    hits: Vec<Hit>,
    /// `(kind, value, count)`, kind being `outlet`, `person` or `month`.
    facets: Vec<(String, String, u64)>,
}

/// One of the ten best matches. Only the tests look at the fields; the
/// benchmark needs them fetched and decoded, as a service would.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(test), allow(dead_code))]
struct Hit {
    id: i32,
    title: String,
    outlet: String,
    day: String,
    url: String,
    headline: String,
}

impl PgClient {
    /// The prepared statements for `filters`, prepared on first use. Every
    /// parameter is sent as text.
    fn statements(&mut self, filters: Filters) -> anyhow::Result<(Statement, Statement)> {
        let pair = match self.statements.entry(filters) {
            Entry::Occupied(entry) => entry.into_mut(),
            Entry::Vacant(entry) => {
                let types = vec![Type::TEXT; filters.parameters()];
                let facets = self
                    .db
                    .prepare_typed(&facets_sql(&self.table, filters), &types)?;
                let hits = self
                    .db
                    .prepare_typed(&hits_sql(&self.table, filters), &types)?;
                entry.insert((facets, hits))
            }
        };
        Ok(pair.clone())
    }

    fn run(&mut self, query: &Query) -> anyhow::Result<Response> {
        let filters = Filters::of(query);
        let (facets, hits) = self.statements(filters)?;
        let text = query.text();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&text];
        for value in [&query.outlet, &query.person, &query.from, &query.to]
            .into_iter()
            .flatten()
        {
            params.push(value);
        }

        let mut response = Response::default();
        for row in self.db.query(&facets, &params)? {
            let kind: String = row.get(0);
            let value: Option<String> = row.get(1);
            let count = u64::try_from(row.get::<_, i64>(2))?;
            if kind == "total" {
                response.total = count;
            } else {
                response
                    .facets
                    .push((kind, value.unwrap_or_default(), count));
            }
        }
        for row in self.db.query(&hits, &params)? {
            response.hits.push(Hit {
                id: row.get(0),
                title: row.get(1),
                outlet: row.get(2),
                day: row.get(3),
                url: row.get(4),
                headline: row.get(5),
            });
        }
        Ok(response)
    }
}

impl Client for PgClient {
    fn search(&mut self, query: &Query) -> anyhow::Result<Answer> {
        let response = self.run(query)?;
        Ok(Answer {
            total: response.total,
            hits: response.hits.len(),
            facet_values: response.facets.len(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;
    use crate::query::Kind;

    /// The server named by `NEWSDESK_BENCH_POSTGRES`, or `None` after saying
    /// loudly that `test` did not run.
    fn server(test: &str) -> Option<Postgres> {
        match std::env::var("NEWSDESK_BENCH_POSTGRES") {
            Ok(dsn) if !dsn.is_empty() => Some(Postgres::connect(&dsn).expect("connecting")),
            _ => {
                eprintln!(
                    "!!!!! postgres::tests::{test} was NOT RUN: set NEWSDESK_BENCH_POSTGRES \
                     to a DSN (e.g. \"host=127.0.0.1 user=newsdesk_bench \
                     password=newsdesk_bench dbname=newsdesk_bench\") to run it !!!!!"
                );
                None
            }
        }
    }

    fn row(title: &str, outlet: &str, date: &str, people: &[&str], body: &str) -> Row {
        Row::example(title, outlet, date, people, body)
    }

    /// `rows` as a rows file, one JSON object a line.
    fn rows_file(rows: &[Row]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        for row in rows {
            serde_json::to_writer(&mut file, row).unwrap();
            file.write_all(b"\n").unwrap();
        }
        file.flush().unwrap();
        file
    }

    fn query(kind: Kind, words: &[&str]) -> Query {
        Query {
            kind,
            words: words.iter().map(|w| (*w).to_owned()).collect(),
            exclude: None,
            outlet: None,
            person: None,
            from: None,
            to: None,
        }
    }

    fn articles() -> Vec<Row> {
        vec![
            row(
                "Peace talks resume in Geneva",
                "Reuters",
                "2021-03-04T10:15:00Z",
                &["Ann Lee", "Omar Khan"],
                "Diplomats met in Geneva on Tuesday. The peace talks were described as \
                 constructive by both delegations.",
            ),
            // Published on 20 May where it was written, 19 May in UTC.
            row(
                "Budget vote delayed",
                "AP",
                "2021-05-20T01:00:00+02:00",
                &["Ann Lee"],
                "Parliament postponed the budget vote after a long talk between party \
                 leaders about peace in the coalition.",
            ),
            row(
                "Harvest festival draws crowds",
                "Reuters",
                "2022-09-10T12:00:00Z",
                &["Rosa Silva"],
                "Farmers celebrated a record harvest. Peace and quiet returned to the \
                 valley after the festival.",
            ),
            row(
                "Geneva motor show cancelled",
                "BBC",
                "2022-01-15T09:30:00Z",
                &[],
                "Organisers cancelled the motor show in Geneva, citing costs.",
            ),
        ]
    }

    #[test]
    fn table_names_are_plain_identifiers() {
        assert!(checked("articles_10000").is_ok());
        for bad in ["", "Articles", "a-b", "a;drop table x", "a b", "\"a\""] {
            assert!(checked(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn copy_lines_escape_text_and_arrays() {
        let row = row(
            "T\tab",
            "O",
            "2021-03-04T10:15:00Z",
            &["Smith, John", "The \"Rock\"", "a\\b"],
            "one\\two\nthree\r\0end",
        );
        let mut line = String::new();
        copy_line(&mut line, 7, &row);
        assert_eq!(
            line,
            "7\thttps://example.com/t\\tab\tT\\tab\tO\t2021-03-04\t2021-03-04T10:15:00Z\t\
             one\\\\two\\nthree\\rend\t\
             {\"Smith, John\",\"The \\\\\"Rock\\\\\"\",\"a\\\\\\\\b\"}\n"
        );
        assert_eq!(array_literal(&[]), "{}");
    }

    /// A search for "peace", which three of `articles()` hold.
    fn peace() -> Query {
        query(Kind::Common, &["peace"])
    }

    #[test]
    fn searches() {
        let Some(postgres) = server("searches") else {
            return;
        };
        let table = "newsdesk_bench_test_searches";
        let file = rows_file(&articles());
        let loaded = postgres.load(file.path(), table).unwrap();
        assert!(loaded.size_bytes > 0);
        eprintln!("loaded: {loaded:?}");
        let mut client = postgres.pg_client(table).unwrap();
        kinds_find_their_totals(&mut client);
        filters_narrow_the_total(&mut client);
        hits_are_ranked_and_marked_and_facets_counted(&mut client);

        // Through the trait, twice, so that the prepared statements are reused.
        let mut client = postgres.client(table).unwrap();
        for _ in 0..2 {
            let answer = client.search(&peace()).unwrap();
            assert_eq!(
                answer,
                Answer {
                    total: 3,
                    hits: 3,
                    facet_values: 8
                }
            );
        }
        postgres.drop_table(table).unwrap();
    }

    /// Each kind of query, over `articles()`.
    fn kinds_find_their_totals(client: &mut PgClient) {
        let mut total = |query: Query| client.run(&query).unwrap().total;
        assert_eq!(total(query(Kind::And, &["peace", "talk"])), 2);
        // Stemming, both ways: "talks" and "talk" are the same lexeme.
        assert_eq!(total(query(Kind::Common, &["talks"])), 2);
        assert_eq!(total(query(Kind::Common, &["talk"])), 2);
        assert_eq!(total(query(Kind::Or, &["harvest", "motor"])), 2);
        assert_eq!(total(query(Kind::Phrase, &["peace", "talks"])), 1);
        // Both words are in the second article, but not next to each other.
        assert_eq!(total(query(Kind::And, &["budget", "peace"])), 1);
        assert_eq!(total(query(Kind::Phrase, &["budget", "peace"])), 0);
        assert_eq!(total(query(Kind::Rare, &["nowhere"])), 0);
        let not = Query {
            exclude: Some("geneva".into()),
            ..query(Kind::Not, &["peace"])
        };
        assert_eq!(total(not), 2);
    }

    /// The outlet, person and date filters, alone and together, over `peace()`.
    fn filters_narrow_the_total(client: &mut PgClient) {
        let mut total = |query: Query| client.run(&query).unwrap().total;
        let outlet = Query {
            outlet: Some("Reuters".into()),
            ..peace()
        };
        assert_eq!(total(outlet), 2);
        let person = Query {
            person: Some("Ann Lee".into()),
            ..peace()
        };
        assert_eq!(total(person), 2);
        let from = Query {
            from: Some("2021-04-01".into()),
            ..peace()
        };
        assert_eq!(total(from), 2);
        // Both ends are inclusive, and the day is the one the date was written in.
        let to = Query {
            to: Some("2021-03-04".into()),
            ..peace()
        };
        assert_eq!(total(to), 1);
        let day = Query {
            from: Some("2021-05-20".into()),
            to: Some("2021-05-20".into()),
            ..peace()
        };
        assert_eq!(total(day), 1);
        let all = Query {
            outlet: Some("Reuters".into()),
            person: Some("Ann Lee".into()),
            from: Some("2021-01-01".into()),
            to: Some("2021-12-31".into()),
            ..peace()
        };
        assert_eq!(total(all), 1);
    }

    /// The hits of `peace()` in rank order with their words marked, and the
    /// facets of all its matches.
    fn hits_are_ranked_and_marked_and_facets_counted(client: &mut PgClient) {
        let response = client.run(&peace()).unwrap();
        assert_eq!(response.total, 3);
        // The title's weight puts the article with the word in its title first.
        assert_eq!(
            response.hits[0],
            Hit {
                id: 1,
                title: "Peace talks resume in Geneva".into(),
                outlet: "Reuters".into(),
                day: "2021-03-04".into(),
                url: "https://example.com/peace-talks-resume-in-geneva".into(),
                headline: response.hits[0].headline.clone(),
            }
        );
        assert_eq!(response.hits.len(), 3);
        for hit in &response.hits {
            assert!(hit.headline.contains("<mark>"), "{hit:?}");
        }
        let mut facets: Vec<(&str, &str, u64)> = response
            .facets
            .iter()
            .map(|(kind, value, count)| (kind.as_str(), value.as_str(), *count))
            .collect();
        facets.sort();
        assert_eq!(
            facets,
            [
                ("month", "2021-03", 1),
                ("month", "2021-05", 1),
                ("month", "2022-09", 1),
                ("outlet", "AP", 1),
                ("outlet", "Reuters", 2),
                ("person", "Ann Lee", 2),
                ("person", "Omar Khan", 1),
                ("person", "Rosa Silva", 1),
            ]
        );

        let geneva = client.run(&query(Kind::Common, &["geneva"])).unwrap();
        for hit in &geneva.hits {
            assert!(hit.headline.contains("<mark>Geneva</mark>"), "{hit:?}");
        }
    }

    #[test]
    fn copy_round_trips_awkward_text() {
        let Some(postgres) = server("copy_round_trips_awkward_text") else {
            return;
        };
        let table = "newsdesk_bench_test_copy";
        let awkward = Row {
            url: "https://example.com/a?b=c\\d\te".into(),
            title: "Tabs\tand \"quotes\" and \\N".into(),
            outlet: "Outlet, Inc.\r\n".into(),
            date: "2023-12-31T23:30:00-05:00".into(),
            people: vec![
                "Smith, John".into(),
                "Dwayne \"The Rock\" Johnson".into(),
                "back\\slash".into(),
                "NULL".into(),
                "{braces}".into(),
                String::new(),
            ],
            body: "Line one\nline two\r\nTab\there, backslash \\ and \\t and \\N,\n\
                   \\.\n\"quoted\" 'single' {braces} ,commas, é ü 中文"
                .into(),
        };
        let plain = row(
            "Plain",
            "O",
            "2020-01-01T00:00:00Z",
            &[],
            "Nothing odd\u{0} here.",
        );
        let file = rows_file(&[awkward.clone(), plain]);
        postgres.load(file.path(), table).unwrap();

        let mut db = postgres.open().unwrap();
        let read = db
            .query_one(
                &format!(
                    "SELECT url, title, outlet, day::text, published = $1::text::timestamptz, body, \
                     people FROM {table} WHERE id = 1"
                ),
                &[&awkward.date],
            )
            .unwrap();
        let published_matches: bool = read.get(4);
        assert!(published_matches);
        let back = Row {
            url: read.get(0),
            title: read.get(1),
            outlet: read.get(2),
            date: awkward.date.clone(),
            people: read.get(6),
            body: read.get(5),
        };
        assert_eq!(back, awkward);
        let day: String = read.get(3);
        assert_eq!(day, "2023-12-31");

        let body: String = db
            .query_one(&format!("SELECT body FROM {table} WHERE id = 2"), &[])
            .unwrap()
            .get(0);
        assert_eq!(body, "Nothing odd here.");

        postgres.drop_table(table).unwrap();
        let gone: Option<String> = db
            .query_one(&format!("SELECT to_regclass('{table}')::text"), &[])
            .unwrap()
            .get(0);
        assert_eq!(gone, None);
    }
}
