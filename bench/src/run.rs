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

fn run_size(
    plan: &Plan,
    work: &Path,
    pool: &Pool,
    size: u64,
    peers: bool,
    postgres: Option<&Postgres>,
) -> anyhow::Result<SizeResult> {
    let dir = work.join(size.to_string());
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(&dir)?;
    let corpus_path = dir.join("corpus.ndjson");
    let rows_path = dir.join("rows.ndjson");
    eprintln!("{size} articles: writing the corpus");
    let written = corpus::write(pool, plan.seed, size, 0.0, &corpus_path, &rows_path)?;
    let queries = queries::generate(&rows_path, plan.queries, plan.seed)?;
    let queries_path = dir.join("queries.json");
    std::fs::write(&queries_path, serde_json::to_string_pretty(&queries)?)?;

    let mut result = SizeResult {
        articles: size,
        text_bytes: written.text_bytes,
        ingest: BTreeMap::new(),
        queries: BTreeMap::new(),
        agreement: BTreeMap::new(),
    };
    let ingest = |result: &mut SizeResult, engine: &str, measured: Measured, index: u64| {
        let entry = IngestResult::new(size, written.text_bytes, measured, index);
        eprintln!(
            "  ingest {engine:>15}: {:8.1} s {:9.0} docs/s {:6.1} MB/s  index {:7.1} MB  peak {:7.1} MB",
            entry.seconds,
            entry.docs_per_s,
            entry.mb_per_s,
            entry.index_bytes as f64 / 1e6,
            entry.peak_rss_bytes.unwrap_or(0) as f64 / 1e6
        );
        result.ingest.insert(engine.to_string(), entry);
    };

    // newsdesk end to end: the binary, as a user runs it.
    let newsdesk_index = dir.join("newsdesk");
    let mut command = Command::new(newsdesk::binary()?);
    command
        .arg("ingest")
        .arg("--index")
        .arg(&newsdesk_index)
        .arg(&corpus_path);
    let measured = measure::measured(&command, &dir)?;
    ingest(
        &mut result,
        report::NEWSDESK,
        measured,
        measure::disk_bytes(&newsdesk_index),
    );

    // newsdesk's writer alone, fed ready articles.
    let only = dir.join("newsdesk-index-only");
    let measured = measure::measured(&load_command(plan, "newsdesk", &rows_path, &only)?, &dir)?;
    ingest(
        &mut result,
        report::NEWSDESK_INDEXING,
        measured,
        measure::disk_bytes(&only),
    );
    std::fs::remove_dir_all(&only)?;

    let tantivy_index = dir.join("tantivy");
    let measured = measure::measured(
        &load_command(plan, "tantivy", &rows_path, &tantivy_index)?,
        &dir,
    )?;
    ingest(
        &mut result,
        report::TANTIVY,
        measured,
        measure::disk_bytes(&tantivy_index),
    );

    let sqlite_db = dir.join("sqlite.db");
    if peers && plan.sqlite {
        let measured =
            measure::measured(&load_command(plan, "sqlite", &rows_path, &sqlite_db)?, &dir)?;
        ingest(
            &mut result,
            report::SQLITE,
            measured,
            crate::sqlite::size_bytes(&sqlite_db),
        );
    }
    let table = format!("articles_{size}");
    if let (true, Some(postgres)) = (peers, postgres) {
        let started = Instant::now();
        let loaded = postgres.load(&rows_path, &table)?;
        let measured = Measured {
            seconds: started.elapsed().as_secs_f64(),
            peak_rss_bytes: loaded.backend_peak_rss_bytes.unwrap_or(0),
        };
        ingest(&mut result, report::POSTGRES, measured, loaded.size_bytes);
    }

    // Queries.
    let log = dir.join("newsdesk-serve.log");
    let server = Server::start(&newsdesk_index, &log)?;
    let mut run = measure::drive(&|| server.client(), &queries, &plan.clients)?;
    run.peak_rss_bytes = server.peak_rss_bytes();
    drop(server);
    record(&mut result, report::NEWSDESK, run);

    let run = query_in_child(plan, "tantivy", &tantivy_index, &queries_path, &dir)?;
    record(&mut result, report::TANTIVY, run);
    if peers && plan.sqlite {
        let run = query_in_child(plan, "sqlite", &sqlite_db, &queries_path, &dir)?;
        record(&mut result, report::SQLITE, run);
    }
    if let (true, Some(postgres)) = (peers, postgres) {
        let run = measure::drive(&|| postgres.client(&table), &queries, &plan.clients)?;
        record(&mut result, report::POSTGRES, run);
        if !plan.keep {
            postgres.drop_table(&table)?;
        }
    }
    agree(&mut result, &queries);
    if !plan.keep {
        std::fs::remove_dir_all(&dir)?;
    }
    Ok(result)
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
