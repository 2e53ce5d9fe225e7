//! `newsdesk-bench run`: every engine, every size, one machine, one run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::Context;

use crate::corpus::{self, Pool};
use crate::measure::{self, Measured, QueryRun};
use crate::newsdesk::{self, Server};
use crate::postgres::Postgres;
use crate::queries;
use crate::query::Query;
use crate::report::{self, Agreement, IngestResult, Machine, Results, SizeResult};

/// What a run does, from the command line.
#[derive(Debug, Clone)]
pub struct Plan {
    pub sizes: Vec<u64>,
    /// The largest size the peers (SQLite, PostgreSQL) run at.
    pub peers_up_to: u64,
    pub sqlite: bool,
    pub postgres: Option<String>,
    pub queries: usize,
    pub clients: Vec<usize>,
    pub seed: u64,
    pub shared: PathBuf,
    pub work: PathBuf,
    pub json: PathBuf,
    /// Indexing threads, for newsdesk and raw tantivy alike.
    pub threads: usize,
    pub writer_memory_bytes: usize,
    /// Keep corpora and indexes after each size.
    pub keep: bool,
}

pub fn run(plan: &Plan) -> anyhow::Result<()> {
    std::fs::create_dir_all(&plan.work)?;
    let work = plan.work.canonicalize()?;
    let postgres = plan
        .postgres
        .as_deref()
        .map(Postgres::connect)
        .transpose()?;
    let started = Instant::now();
    eprintln!(
        "reading the source collections under {}",
        plan.shared.display()
    );
    let pool = Pool::read(&plan.shared)?;
    eprintln!("  {} real articles to draw from", pool.sources());

    let mut results = Results {
        machine: Machine::read(postgres.as_ref()),
        threads: plan.threads,
        writer_memory_bytes: plan.writer_memory_bytes as u64,
        queries: plan.queries,
        clients: plan.clients.clone(),
        seed: plan.seed,
        sizes: Vec::new(),
    };
    for &size in &plan.sizes {
        let peers = size <= plan.peers_up_to;
        let result = run_size(plan, &work, &pool, size, peers, postgres.as_ref())
            .with_context(|| format!("at {size} articles"))?;
        results.sizes.push(result);
        // Written after every size, so a long run that fails late keeps
        // what it measured.
        report::write_json(&results, &plan.json)?;
    }
    println!("{}", report::render(&results));
    eprintln!(
        "done in {:.0} s; all figures in {}",
        started.elapsed().as_secs_f64(),
        plan.json.display()
    );
    Ok(())
}

/// Where one size's corpus, query set and indexes go, and its PostgreSQL
/// table.
struct SizeFiles {
    dir: PathBuf,
    corpus: PathBuf,
    rows: PathBuf,
    queries: PathBuf,
    newsdesk_index: PathBuf,
    tantivy_index: PathBuf,
    sqlite_db: PathBuf,
    table: String,
}

impl SizeFiles {
    fn new(work: &Path, size: u64) -> SizeFiles {
        let dir = work.join(size.to_string());
        SizeFiles {
            corpus: dir.join("corpus.ndjson"),
            rows: dir.join("rows.ndjson"),
            queries: dir.join("queries.json"),
            newsdesk_index: dir.join("newsdesk"),
            tantivy_index: dir.join("tantivy"),
            sqlite_db: dir.join("sqlite.db"),
            table: format!("articles_{size}"),
            dir,
        }
    }
}

/// One size: its corpus and query set, then ingest and queries for every
/// engine (the peers only when `peers`).
fn run_size(
    plan: &Plan,
    work: &Path,
    pool: &Pool,
    size: u64,
    peers: bool,
    postgres: Option<&Postgres>,
) -> anyhow::Result<SizeResult> {
    let files = SizeFiles::new(work, size);
    if files.dir.exists() {
        std::fs::remove_dir_all(&files.dir)?;
    }
    std::fs::create_dir_all(&files.dir)?;
    eprintln!("{size} articles: writing the corpus");
    let written = corpus::write(pool, plan.seed, size, 0.0, &files.corpus, &files.rows)?;
    let queries = queries::generate(&files.rows, plan.queries, plan.seed)?;
    std::fs::write(&files.queries, serde_json::to_string_pretty(&queries)?)?;

    let mut result = SizeResult {
        articles: size,
        text_bytes: written.text_bytes,
        ingest: BTreeMap::new(),
        queries: BTreeMap::new(),
        agreement: BTreeMap::new(),
    };
    ingest_each(plan, &files, peers, postgres, &mut result)?;
    // Queries.
    query_each(plan, &files, &queries, peers, postgres, &mut result)?;
    agree(&mut result, &queries);
    if !plan.keep {
        std::fs::remove_dir_all(&files.dir)?;
    }
    Ok(result)
}

/// Loads the corpus into every engine, measured: newsdesk end to end and
/// its writer alone, raw tantivy, and the peers when `peers`.
fn ingest_each(
    plan: &Plan,
    files: &SizeFiles,
    peers: bool,
    postgres: Option<&Postgres>,
    result: &mut SizeResult,
) -> anyhow::Result<()> {
    let dir = &files.dir;
    // newsdesk end to end: the binary, as a user runs it.
    let mut command = Command::new(newsdesk::binary()?);
    command
        .arg("ingest")
        .arg("--index")
        .arg(&files.newsdesk_index)
        .arg(&files.corpus);
    let measured = measure::measured(&command, dir)?;
    record_ingest(
        result,
        report::NEWSDESK,
        measured,
        measure::disk_bytes(&files.newsdesk_index),
    );

    // newsdesk's writer alone, fed ready articles.
    let only = dir.join("newsdesk-index-only");
    let measured = measure::measured(&load_command(plan, "newsdesk", &files.rows, &only)?, dir)?;
    record_ingest(
        result,
        report::NEWSDESK_INDEXING,
        measured,
        measure::disk_bytes(&only),
    );
    std::fs::remove_dir_all(&only)?;

    let measured = measure::measured(
        &load_command(plan, "tantivy", &files.rows, &files.tantivy_index)?,
        dir,
    )?;
    record_ingest(
        result,
        report::TANTIVY,
        measured,
        measure::disk_bytes(&files.tantivy_index),
    );

    if peers && plan.sqlite {
        let measured = measure::measured(
            &load_command(plan, "sqlite", &files.rows, &files.sqlite_db)?,
            dir,
        )?;
        record_ingest(
            result,
            report::SQLITE,
            measured,
            crate::sqlite::size_bytes(&files.sqlite_db),
        );
    }
    if let (true, Some(postgres)) = (peers, postgres) {
        let started = Instant::now();
        let loaded = postgres.load(&files.rows, &files.table)?;
        let measured = Measured {
            seconds: started.elapsed().as_secs_f64(),
            peak_rss_bytes: loaded.backend_peak_rss_bytes.unwrap_or(0),
        };
        record_ingest(result, report::POSTGRES, measured, loaded.size_bytes);
    }
    Ok(())
}

/// Prints one engine's ingest and records it.
fn record_ingest(result: &mut SizeResult, engine: &str, measured: Measured, index: u64) {
    let entry = IngestResult::new(result.articles, result.text_bytes, measured, index);
    eprintln!(
        "  ingest {engine:>15}: {:8.1} s {:9.0} docs/s {:6.1} MB/s  index {:7.1} MB  peak {:7.1} MB",
        entry.seconds,
        entry.docs_per_s,
        entry.mb_per_s,
        entry.index_bytes as f64 / 1e6,
        entry.peak_rss_bytes.unwrap_or(0) as f64 / 1e6
    );
    result.ingest.insert(engine.to_string(), entry);
}

/// Drives the query set against every engine `ingest_each` loaded: newsdesk
/// over HTTP, the in-process engines from child processes, PostgreSQL (whose
/// table is dropped then, unless kept).
fn query_each(
    plan: &Plan,
    files: &SizeFiles,
    queries: &[Query],
    peers: bool,
    postgres: Option<&Postgres>,
    result: &mut SizeResult,
) -> anyhow::Result<()> {
    let dir = &files.dir;
    let log = dir.join("newsdesk-serve.log");
    let server = Server::start(&files.newsdesk_index, &log)?;
    let mut run = measure::drive(&|| server.client(), queries, &plan.clients)?;
    run.peak_rss_bytes = server.peak_rss_bytes();
    drop(server);
    record(result, report::NEWSDESK, run);

    let run = query_in_child(plan, "tantivy", &files.tantivy_index, &files.queries, dir)?;
    record(result, report::TANTIVY, run);
    if peers && plan.sqlite {
        let run = query_in_child(plan, "sqlite", &files.sqlite_db, &files.queries, dir)?;
        record(result, report::SQLITE, run);
    }
    if let (true, Some(postgres)) = (peers, postgres) {
        let run = measure::drive(&|| postgres.client(&files.table), queries, &plan.clients)?;
        record(result, report::POSTGRES, run);
        if !plan.keep {
            postgres.drop_table(&files.table)?;
        }
    }
    Ok(())
}

/// `newsdesk-bench load ENGINE` for `rows` into `target`.
fn load_command(plan: &Plan, engine: &str, rows: &Path, target: &Path) -> anyhow::Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("load")
        .arg(engine)
        .arg("--rows")
        .arg(rows)
        .arg("--target")
        .arg(target)
        .arg("--threads")
        .arg(plan.threads.to_string())
        .arg("--writer-memory-mb")
        .arg((plan.writer_memory_bytes / (1024 * 1024)).to_string());
    Ok(command)
}

/// Drives an in-process engine from a child process, so that its memory is
/// its own.
fn query_in_child(
    plan: &Plan,
    engine: &str,
    target: &Path,
    queries: &Path,
    dir: &Path,
) -> anyhow::Result<QueryRun> {
    let out = dir.join(format!("{engine}-queries.json"));
    let clients: Vec<String> = plan.clients.iter().map(ToString::to_string).collect();
    let mut command = Command::new(std::env::current_exe()?);
    command
        .arg("query")
        .arg(engine)
        .arg("--target")
        .arg(target)
        .arg("--queries")
        .arg(queries)
        .arg("--clients")
        .arg(clients.join(","))
        .arg("--out")
        .arg(&out);
    let measured = measure::measured(&command, dir)?;
    let mut run: QueryRun = serde_json::from_str(&std::fs::read_to_string(&out)?)?;
    run.peak_rss_bytes = Some(measured.peak_rss_bytes);
    Ok(run)
}

fn record(result: &mut SizeResult, engine: &str, run: QueryRun) {
    for level in &run.levels {
        eprintln!(
            "  query  {engine:>15}: {} client{} p50 {:8.2} ms  p95 {:8.2} ms  p99 {:8.2} ms  {:8.1} q/s",
            level.clients,
            if level.clients == 1 { " " } else { "s" },
            level.p50_ms,
            level.p95_ms,
            level.p99_ms,
            level.qps
        );
    }
    result.queries.insert(engine.to_string(), run);
}

/// How often each peer finds the same number of articles as newsdesk: the
/// check that all answer the same questions.
fn agree(result: &mut SizeResult, queries: &[Query]) {
    let Some(ours) = result.queries.get(report::NEWSDESK) else {
        return;
    };
    for (engine, run) in &result.queries {
        if engine == report::NEWSDESK {
            continue;
        }
        let mut agreement = Agreement::default();
        for ((a, b), query) in ours.totals.iter().zip(&run.totals).zip(queries) {
            agreement.queries += 1;
            if a == b {
                agreement.equal += 1;
            }
            let (low, high) = ((*a).min(*b) as f64, (*a).max(*b) as f64);
            if high == 0.0 || low / high >= 0.9 {
                agreement.within_10_percent += 1;
            }
            if (*a == 0) != (*b == 0) {
                agreement.one_side_empty.push(query.text());
            }
        }
        result.agreement.insert(engine.clone(), agreement);
    }
}
