//! SQLite FTS5, set up as a user who knows it well would set it up for news
//! search: one file, an external-content FTS5 index over title and body, and
//! ordinary indexed tables for the fields that filters and facets read.
//!
//! A request is two statements: one computes the matches once and counts the
//! total and the outlet, person and month facets over them; the other asks
//! FTS5 for the top 10 by weighted bm25, with a snippet for each.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, ensure};
use rusqlite::{Connection, OpenFlags, params, params_from_iter};

use crate::query::{Answer, Client, Kind, Query};
use crate::rows::{self, Row};

/// The tables. `people` is keyed by article so that "the people of these
/// articles" (the person facet) is a covering range read per article, and
/// `people_name` (created after the load, see [`INDEXES`]) makes "the
/// articles of this person" (the person filter) one as well.
///
/// No `REFERENCES` on `people.article`: the bundled SQLite enforces foreign
/// keys by default, and checking every insert would cost the load a lookup
/// for nothing, as rows are inserted article first.
const SCHEMA: &str = "
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    outlet TEXT NOT NULL,
    day TEXT NOT NULL,
    published TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE people (
    article INTEGER NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (article, name)
) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(
    title, body,
    content = 'articles', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);
";

/// The secondary indexes, created once the rows are in: building an index
/// from sorted data is faster than maintaining it through every insert.
const INDEXES: &str = "
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_day ON articles (day);
CREATE INDEX people_name ON people (name, article);
";

/// The page cache of the loading connection. Index builds and FTS5 segment
/// merges reread recent pages; 256 MiB keeps them in memory.
const LOAD_CACHE_KIB: i64 = 256 * 1024;

/// Memory each client connection may map: more than any corpus needs, so
/// SQLite caps it at its compile-time maximum (2 GiB on Linux). Mapped pages
/// are read in place and shared by every client through the OS page cache,
/// as tantivy's index files are.
const CLIENT_MMAP_BYTES: i64 = 1 << 34;

/// Facet values of each of the outlet and person facets, as for newsdesk.
const FACET_LIMIT: usize = 20;

/// Hits per request.
const HIT_LIMIT: usize = 10;

/// Loads every row of `rows` into a new database at `db` (fails if `db` exists).
pub fn load(rows: &Path, db: &Path) -> anyhow::Result<()> {
    ensure!(!db.exists(), "{} already exists", db.display());
    let mut conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .with_context(|| format!("creating {}", db.display()))?;
    // WAL (a property of the file, kept after the load) lets every client's
    // connection read without taking locks on the database file.
    let mode: String =
        conn.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
    ensure!(
        mode.eq_ignore_ascii_case("wal"),
        "journal_mode is {mode}, not wal"
    );
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "cache_size", -LOAD_CACHE_KIB)?;

    let tx = conn.transaction()?;
    tx.execute_batch(SCHEMA)?;
    {
        let mut article = tx.prepare_cached(
            "INSERT INTO articles (id, url, title, outlet, day, published, body)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        // A recogniser may name a person twice in one article; it counts once.
        let mut person =
            tx.prepare_cached("INSERT OR IGNORE INTO people (article, name) VALUES (?1, ?2)")?;
        let mut text =
            tx.prepare_cached("INSERT INTO fts (rowid, title, body) VALUES (?1, ?2, ?3)")?;
        rows::for_each(rows, |id, row: Row| {
            let id = i64::try_from(id)?;
            article.execute(params![
                id,
                row.url,
                row.title,
                row.outlet,
                row.day(),
                row.date,
                row.body
            ])?;
            for name in &row.people {
                person.execute(params![id, name])?;
            }
            text.execute(params![id, row.title, row.body])?;
            Ok(())
        })?;
    }
    tx.execute_batch(INDEXES)?;
    tx.commit()?;

    // Merge the segments the load left into one b-tree per term, then give
    // the query planner statistics for the filters.
    conn.execute("INSERT INTO fts (fts) VALUES ('optimize')", [])?;
    conn.execute_batch("ANALYZE")?;
    // Move everything into the main file, so that it alone is the database.
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    conn.close().map_err(|(_, error)| error)?;
    Ok(())
}

/// The database's size on disk (main file plus any -wal/-shm).
pub fn size_bytes(db: &Path) -> u64 {
    ["", "-wal", "-shm"]
        .into_iter()
        .map(|suffix| {
            let mut path = OsString::from(db);
            path.push(suffix);
            std::fs::metadata(path).map_or(0, |meta| meta.len())
        })
        .sum()
}

/// A database made by [`load`].
pub struct Sqlite {
    path: PathBuf,
}

impl Sqlite {
    /// Opens the database at `db`, checking that it exists and has the tables.
    pub fn open(db: &Path) -> anyhow::Result<Sqlite> {
        let sqlite = Sqlite {
            path: db.to_owned(),
        };
        let conn = sqlite.connect()?;
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_schema WHERE name IN ('articles', 'people', 'fts')",
            [],
            |row| row.get(0),
        )?;
        ensure!(
            tables == 3,
            "{} is not a database made by load",
            db.display()
        );
        Ok(sqlite)
    }

    /// One read-only connection for one client thread (each client thread
    /// gets its own).
    pub fn client(&self) -> anyhow::Result<Box<dyn Client + Send>> {
        Ok(Box::new(SqliteClient {
            conn: self.connect()?,
        }))
    }

    /// A read-only connection tuned for searching.
    fn connect(&self) -> anyhow::Result<Connection> {
        ensure!(self.path.exists(), "{} does not exist", self.path.display());
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .with_context(|| format!("opening {}", self.path.display()))?;
        conn.pragma_update(None, "mmap_size", CLIENT_MMAP_BYTES)?;
        // The materialised matches and the facets' GROUP BYs are temporary
        // b-trees; keep them off the disk.
        conn.pragma_update(None, "temp_store", "MEMORY")?;
        // Two statements for each of the 16 filter combinations.
        conn.set_prepared_statement_cache_capacity(32);
        Ok(conn)
    }
}

/// One client's connection.
struct SqliteClient {
    conn: Connection,
}

impl Client for SqliteClient {
    fn search(&mut self, query: &Query) -> anyhow::Result<Answer> {
        let (filters, params) = filters(query);
        let mut answer = Answer::default();

        let mut facets = self.conn.prepare_cached(&facets_sql(&filters))?;
        let mut rows = facets.query(params_from_iter(&params))?;
        // Every column is read, as a user rendering the page would.
        while let Some(row) = rows.next()? {
            let facet: String = row.get(0)?;
            let _value: Option<String> = row.get(1)?;
            let count: i64 = row.get(2)?;
            match facet.as_str() {
                "total" => answer.total = u64::try_from(count)?,
                _ => answer.facet_values += 1,
            }
        }

        let mut hits = self.conn.prepare_cached(&hits_sql(&filters))?;
        let mut rows = hits.query(params_from_iter(&params))?;
        while let Some(row) = rows.next()? {
            let _id: i64 = row.get(0)?;
            let _title: String = row.get(1)?;
            let _outlet: String = row.get(2)?;
            let _day: String = row.get(3)?;
            let _url: String = row.get(4)?;
            let _snippet: String = row.get(5)?;
            answer.hits += 1;
        }
        Ok(answer)
    }
}

/// The query's words in FTS5 syntax. Every word is quoted, so that no word
/// can be read as an operator, whatever its case.
fn match_text(query: &Query) -> String {
    let quoted = |word: &str| format!("\"{}\"", word.replace('"', "\"\""));
    let each_quoted = |separator: &str| {
        let words: Vec<String> = query.words.iter().map(|word| quoted(word)).collect();
        words.join(separator)
    };
    let text = match query.kind {
        Kind::Or => each_quoted(" OR "),
        Kind::Phrase => quoted(&query.words.join(" ")),
        _ => each_quoted(" "),
    };
    match &query.exclude {
        // FTS5's NOT is binary and binds tighter than AND and OR: the
        // parentheses make it exclude from the whole query.
        Some(word) => format!("({text}) NOT {}", quoted(word)),
        None => text,
    }
}

/// The SQL conditions on `a` (articles) for the query's filters, and every
/// parameter, starting with the match text as `?1`. Both statements share
/// the numbering.
fn filters(query: &Query) -> (String, Vec<String>) {
    let mut sql = String::new();
    let mut params = vec![match_text(query)];
    let conditions = [
        (&query.outlet, "a.outlet = ", ""),
        (
            &query.person,
            "a.id IN (SELECT article FROM people WHERE name = ",
            ")",
        ),
        (&query.from, "a.day >= ", ""),
        (&query.to, "a.day <= ", ""),
    ];
    for (value, before, after) in conditions {
        if let Some(value) = value {
            params.push(value.clone());
            write!(sql, " AND {before}?{}{after}", params.len()).expect("writing to a String");
        }
    }
    (sql, params)
}

/// The statement for the total and the facets: the matches are computed once,
/// then counted four ways. Its rows are (facet, value, count).
///
/// Not knowing how many matches there will be, SQLite's planner may read the
/// person facet by scanning `people_name` against a Bloom filter of the
/// matches rather than looking up each match's people (it did on a test
/// corpus of 60,000 articles). That is left to it:
/// measured, forcing the lookups (`CROSS JOIN`) was faster only for rare
/// words, and slower for frequent ones.
fn facets_sql(filters: &str) -> String {
    format!(
        "WITH m AS MATERIALIZED (
            SELECT a.id, a.outlet, a.day
            FROM fts JOIN articles a ON a.id = fts.rowid
            WHERE fts MATCH ?1{filters}
        )
        SELECT 'total', NULL, count(*) FROM m
        UNION ALL
        SELECT * FROM (
            SELECT 'outlet', outlet, count(*) AS c FROM m
            GROUP BY outlet ORDER BY c DESC, outlet LIMIT {FACET_LIMIT}
        )
        UNION ALL
        SELECT * FROM (
            SELECT 'person', p.name, count(*) AS c FROM m JOIN people p ON p.article = m.id
            GROUP BY p.name ORDER BY c DESC, p.name LIMIT {FACET_LIMIT}
        )
        UNION ALL
        SELECT 'month', substr(day, 1, 7), count(*) FROM m GROUP BY substr(day, 1, 7)"
    )
}

/// The statement for the hits, best first.
///
/// The ranking is FTS5's `rank` column, set for this query to
/// `bm25(2.0, 1.0)` (title weighted twice, as newsdesk weights it), rather
/// than `ORDER BY bm25(fts, 2.0, 1.0)`: FTS5 then ranks the matches itself
/// and SQLite stops after the tenth row, so the `articles` row and the
/// snippet are read for those ten only. Ordering by the function makes SQLite
/// read every match's `articles` row before ranking it, and make a snippet
/// for each row that passes through its top ten; measured, that was about
/// as fast on frequent words and several times slower on rare ones.
fn hits_sql(filters: &str) -> String {
    format!(
        "SELECT a.id, a.title, a.outlet, a.day, a.url,
            snippet(fts, 1, '<mark>', '</mark>', '…', 32)
        FROM fts JOIN articles a ON a.id = fts.rowid
        WHERE fts MATCH ?1 AND fts.rank MATCH 'bm25(2.0, 1.0)'{filters}
        ORDER BY fts.rank
        LIMIT {HIT_LIMIT}"
    )
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use tempfile::TempDir;

    use super::*;

    fn row(outlet: &str, date: &str, people: &[&str], title: &str, body: &str) -> Row {
        Row::example(title, outlet, &format!("{date}T10:00:00Z"), people, body)
    }

    /// Five articles; the comments of the tests say which of them match.
    fn articles() -> Vec<Row> {
        vec![
            row(
                "Reuters",
                "2021-03-04",
                &["Anna Berg"],
                "Peace talks resume",
                "Diplomats met in Geneva as ceasefire talks resumed on Monday.",
            ),
            row(
                "Bloomberg",
                "2021-03-10",
                &["Carl Dahl"],
                "Markets rally on ceasefire hopes",
                "Stocks rose as investors welcomed the news. Oil prices fell.",
            ),
            row(
                "Reuters",
                "2021-04-02",
                &["Anna Berg", "Carl Dahl", "Anna Berg"],
                "Minister resigns",
                "The finance minister resigned after a talk with the prime minister about oil prices.",
            ),
            row(
                "AP",
                "2022-01-15",
                &[],
                "Oil prices fall",
                "Prices of oil fell for a third week as supply grew.",
            ),
            row(
                "AP",
                "2022-02-20",
                &["Anna Berg"],
                "Geneva hosts summit",
                "Leaders gathered in Geneva for a summit on climate.",
            ),
        ]
    }

    /// A database loaded from `rows`, in a directory that lives as long as it.
    struct Fixture {
        _dir: TempDir,
        db: PathBuf,
        sqlite: Sqlite,
    }

    fn fixture(rows: &[Row]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rows.ndjson");
        let mut file = std::fs::File::create(&path).unwrap();
        for row in rows {
            writeln!(file, "{}", serde_json::to_string(row).unwrap()).unwrap();
        }
        drop(file);
        let db = dir.path().join("sqlite.db");
        load(&path, &db).unwrap();
        let sqlite = Sqlite::open(&db).unwrap();
        Fixture {
            _dir: dir,
            db,
            sqlite,
        }
    }

    fn query(kind: Kind, words: &[&str]) -> Query {
        Query {
            kind,
            words: words.iter().map(|word| (*word).to_owned()).collect(),
            exclude: None,
            outlet: None,
            person: None,
            from: None,
            to: None,
        }
    }

    fn total(fixture: &Fixture, query: &Query) -> u64 {
        fixture
            .sqlite
            .client()
            .unwrap()
            .search(query)
            .unwrap()
            .total
    }

    /// The facets statement's rows, as (facet, value, count).
    fn facet_rows(fixture: &Fixture, query: &Query) -> Vec<(String, Option<String>, i64)> {
        let conn = fixture.sqlite.connect().unwrap();
        let (filters, params) = filters(query);
        let mut statement = conn.prepare(&facets_sql(&filters)).unwrap();
        statement
            .query_map(params_from_iter(&params), |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The hits statement's rows, as (id, snippet), best first.
    fn hit_rows(fixture: &Fixture, query: &Query) -> Vec<(i64, String)> {
        let conn = fixture.sqlite.connect().unwrap();
        let (filters, params) = filters(query);
        let mut statement = conn.prepare(&hits_sql(&filters)).unwrap();
        statement
            .query_map(params_from_iter(&params), |row| {
                Ok((row.get(0)?, row.get(5)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    #[test]
    fn match_text_quotes_every_word() {
        let mut not = query(Kind::Not, &["oil", "prices"]);
        not.exclude = Some("fell".to_owned());
        assert_eq!(
            match_text(&query(Kind::And, &["oil", "prices"])),
            r#""oil" "prices""#
        );
        assert_eq!(
            match_text(&query(Kind::Or, &["oil", "gas"])),
            r#""oil" OR "gas""#
        );
        assert_eq!(
            match_text(&query(Kind::Phrase, &["oil", "prices"])),
            r#""oil prices""#
        );
        assert_eq!(match_text(&not), r#"("oil" "prices") NOT "fell""#);
    }

    #[test]
    fn words_are_all_required() {
        let fixture = fixture(&articles());
        // 2, 3 and 4.
        assert_eq!(total(&fixture, &query(Kind::And, &["oil", "prices"])), 3);
        // 1 only: 2 has "ceasefire" but no "talks".
        assert_eq!(
            total(&fixture, &query(Kind::And, &["ceasefire", "talks"])),
            1
        );
        assert_eq!(total(&fixture, &query(Kind::Rare, &["climate"])), 1);
        assert_eq!(total(&fixture, &query(Kind::Rare, &["absent"])), 0);
    }

    #[test]
    fn or_wants_any_word() {
        let fixture = fixture(&articles());
        // 1 and 5 name Geneva, 2 has stocks.
        assert_eq!(total(&fixture, &query(Kind::Or, &["geneva", "stocks"])), 3);
    }

    #[test]
    fn phrase_wants_adjacent_words_in_order() {
        let fixture = fixture(&articles());
        // 1: "ceasefire talks resumed".
        assert_eq!(
            total(&fixture, &query(Kind::Phrase, &["ceasefire", "talks"])),
            1
        );
        // 2, 3 and 4.
        assert_eq!(total(&fixture, &query(Kind::Phrase, &["oil", "prices"])), 3);
        // 1 has both words, apart; 4 has "prices of oil".
        assert_eq!(
            total(&fixture, &query(Kind::Phrase, &["geneva", "ceasefire"])),
            0
        );
        assert_eq!(total(&fixture, &query(Kind::Phrase, &["prices", "oil"])), 0);
    }

    #[test]
    fn not_excludes_a_word() {
        let fixture = fixture(&articles());
        let mut not = query(Kind::Not, &["oil", "prices"]);
        not.exclude = Some("fell".to_owned());
        // 2, 3 and 4 have oil prices; 2 and 4 fell.
        assert_eq!(total(&fixture, &not), 1);
        // The exclusion applies to the whole query, not its last word.
        let mut or = query(Kind::Or, &["geneva", "oil"]);
        or.exclude = Some("summit".to_owned());
        assert_eq!(total(&fixture, &or), 4);
    }

    #[test]
    fn words_are_stemmed() {
        let fixture = fixture(&articles());
        // 1 has "talks", 3 "talk".
        assert_eq!(total(&fixture, &query(Kind::Common, &["talk"])), 2);
        assert_eq!(total(&fixture, &query(Kind::Common, &["talks"])), 2);
    }

    #[test]
    fn outlet_filter() {
        let fixture = fixture(&articles());
        let mut outlet = query(Kind::Outlet, &["prices"]);
        outlet.outlet = Some("Reuters".to_owned());
        assert_eq!(total(&fixture, &outlet), 1);
        outlet.outlet = Some("AP".to_owned());
        assert_eq!(total(&fixture, &outlet), 1);
        outlet.outlet = Some("reuters".to_owned());
        assert_eq!(total(&fixture, &outlet), 0);
    }

    #[test]
    fn person_filter() {
        let fixture = fixture(&articles());
        let mut person = query(Kind::Person, &["geneva"]);
        person.person = Some("Anna Berg".to_owned());
        // 1 and 5.
        assert_eq!(total(&fixture, &person), 2);
        person.person = Some("Carl Dahl".to_owned());
        assert_eq!(total(&fixture, &person), 0);
        let mut person = query(Kind::Person, &["oil"]);
        person.person = Some("Carl Dahl".to_owned());
        // 2 and 3.
        assert_eq!(total(&fixture, &person), 2);
        person.person = Some("carl dahl".to_owned());
        assert_eq!(total(&fixture, &person), 0);
    }

    #[test]
    fn date_filters_include_both_ends() {
        let fixture = fixture(&articles());
        // Oil: 2 (2021-03-10), 3 (2021-04-02), 4 (2022-01-15).
        let mut dates = query(Kind::Dates, &["oil"]);
        dates.from = Some("2021-04-02".to_owned());
        assert_eq!(total(&fixture, &dates), 2);
        dates.from = None;
        dates.to = Some("2021-04-02".to_owned());
        assert_eq!(total(&fixture, &dates), 2);
        dates.from = Some("2021-03-11".to_owned());
        assert_eq!(total(&fixture, &dates), 1);
        dates.from = Some("2021-04-03".to_owned());
        assert_eq!(total(&fixture, &dates), 0);
    }

    #[test]
    fn filters_combine() {
        let fixture = fixture(&articles());
        let mut all = query(Kind::And, &["oil"]);
        all.outlet = Some("Reuters".to_owned());
        all.person = Some("Anna Berg".to_owned());
        all.from = Some("2021-01-01".to_owned());
        all.to = Some("2021-12-31".to_owned());
        assert_eq!(total(&fixture, &all), 1);
        all.to = Some("2021-03-31".to_owned());
        assert_eq!(total(&fixture, &all), 0);
    }

    #[test]
    fn facets_count_the_whole_result() {
        let fixture = fixture(&articles());
        let every = query(Kind::Or, &["geneva", "oil"]);
        let rows = facet_rows(&fixture, &every);
        let facet = |name: &str| -> Vec<(String, i64)> {
            rows.iter()
                .filter(|(facet, _, _)| facet == name)
                .map(|(_, value, count)| (value.clone().unwrap(), *count))
                .collect()
        };
        let totals: Vec<i64> = rows
            .iter()
            .filter(|(facet, ..)| facet == "total")
            .map(|row| row.2)
            .collect();
        assert_eq!(totals, [5]);
        let outlets = facet("outlet");
        assert_eq!(outlets.iter().map(|(_, count)| count).sum::<i64>(), 5);
        assert_eq!(
            outlets,
            [
                ("AP".to_owned(), 2),
                ("Reuters".to_owned(), 2),
                ("Bloomberg".to_owned(), 1)
            ]
        );
        // Anna Berg is named twice in 3 but counts once.
        assert_eq!(
            facet("person"),
            [("Anna Berg".to_owned(), 3), ("Carl Dahl".to_owned(), 2)]
        );
        let mut months = facet("month");
        months.sort();
        assert_eq!(
            months,
            [
                ("2021-03".to_owned(), 2),
                ("2021-04".to_owned(), 1),
                ("2022-01".to_owned(), 1),
                ("2022-02".to_owned(), 1)
            ]
        );

        let answer = fixture.sqlite.client().unwrap().search(&every).unwrap();
        assert_eq!(
            answer,
            Answer {
                total: 5,
                hits: 5,
                facet_values: 3 + 2 + 4
            }
        );
    }

    #[test]
    fn facets_respect_filters() {
        let fixture = fixture(&articles());
        let mut filtered = query(Kind::Outlet, &["oil"]);
        filtered.outlet = Some("Reuters".to_owned());
        let rows = facet_rows(&fixture, &filtered);
        // 3 alone: its outlet, its two people, its month.
        assert_eq!(
            rows,
            [
                ("total".to_owned(), None, 1),
                ("outlet".to_owned(), Some("Reuters".to_owned()), 1),
                ("person".to_owned(), Some("Anna Berg".to_owned()), 1),
                ("person".to_owned(), Some("Carl Dahl".to_owned()), 1),
                ("month".to_owned(), Some("2021-04".to_owned()), 1),
            ]
        );
    }

    #[test]
    fn hits_are_ranked_with_marked_snippets() {
        let fixture = fixture(&articles());
        let hits = hit_rows(&fixture, &query(Kind::Common, &["geneva"]));
        // 5 has Geneva in its title as well as its body.
        assert_eq!(hits.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [5, 1]);
        for (_, snippet) in &hits {
            assert!(snippet.contains("<mark>Geneva</mark>"), "{snippet}");
        }
        let hits = hit_rows(&fixture, &query(Kind::Common, &["talk"]));
        assert_eq!(hits.len(), 2);
        for (_, snippet) in &hits {
            assert!(snippet.contains("<mark>talk"), "{snippet}");
        }
    }

    #[test]
    fn title_weighs_twice_the_body() {
        // Alike but for where the word is: unweighted, they would tie.
        let fixture = fixture(&[
            row(
                "AP",
                "2023-05-01",
                &[],
                "Trade measure announced",
                "The government said the tariff starts in May.",
            ),
            row(
                "AP",
                "2023-05-01",
                &[],
                "Trade tariff announced",
                "The government said the measure starts in May.",
            ),
        ]);
        let hits = hit_rows(&fixture, &query(Kind::Rare, &["tariff"]));
        assert_eq!(hits.iter().map(|(id, _)| *id).collect::<Vec<_>>(), [2, 1]);
    }

    #[test]
    fn hits_stop_at_ten() {
        let rows: Vec<Row> = (0..15)
            .map(|n| {
                let body = format!("The budget vote number {n} passed.");
                row("Reuters", "2023-05-01", &[], &format!("Vote {n}"), &body)
            })
            .collect();
        let fixture = fixture(&rows);
        let answer = fixture
            .sqlite
            .client()
            .unwrap()
            .search(&query(Kind::Common, &["budget"]))
            .unwrap();
        assert_eq!(
            answer,
            Answer {
                total: 15,
                hits: 10,
                facet_values: 1 + 1
            }
        );
    }

    #[test]
    fn clients_search_concurrently() {
        let fixture = fixture(&articles());
        let expected = fixture
            .sqlite
            .client()
            .unwrap()
            .search(&query(Kind::And, &["oil", "prices"]))
            .unwrap();
        std::thread::scope(|scope| {
            for _ in 0..4 {
                let mut client = fixture.sqlite.client().unwrap();
                scope.spawn(move || {
                    for _ in 0..20 {
                        assert_eq!(
                            client
                                .search(&query(Kind::And, &["oil", "prices"]))
                                .unwrap(),
                            expected
                        );
                    }
                });
            }
        });
    }

    #[test]
    fn load_refuses_an_existing_path() {
        let fixture = fixture(&articles());
        let rows = fixture.db.with_file_name("rows.ndjson");
        let size = size_bytes(&fixture.db);
        assert!(load(&rows, &fixture.db).is_err());
        assert_eq!(size_bytes(&fixture.db), size);
        assert_eq!(total(&fixture, &query(Kind::And, &["oil", "prices"])), 3);
    }

    #[test]
    fn size_counts_the_files() {
        let fixture = fixture(&articles());
        let main = std::fs::metadata(&fixture.db).unwrap().len();
        assert!(main > 0);
        assert!(size_bytes(&fixture.db) >= main);
        assert_eq!(size_bytes(&fixture.db.with_file_name("absent.db")), 0);
    }

    #[test]
    fn open_checks_the_database() {
        let dir = tempfile::tempdir().unwrap();
        assert!(Sqlite::open(&dir.path().join("absent.db")).is_err());
        let other = dir.path().join("other.db");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        assert!(Sqlite::open(&other).is_err());
    }
}
