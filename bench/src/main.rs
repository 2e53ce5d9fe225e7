//! `newsdesk-bench`: newsdesk side by side with what a user would pick
//! instead (SQLite FTS5, PostgreSQL full-text search, raw tantivy), on the
//! same generated articles and the same queries, in one run on one machine.
//!
//! `bench/run` builds it and starts PostgreSQL; see the README's
//! Performance section.

mod corpus;
mod features;
mod measure;
mod newsdesk;
mod postgres;
mod queries;
mod query;
mod raw_tantivy;
mod report;
mod rows;
mod run;
mod soak;
mod sqlite;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use ::newsdesk::index::WriterOptions;

/// The allocator of the `newsdesk` binary, for every engine that runs in
/// this process (raw tantivy, newsdesk's writer alone), so that allocation
/// is no difference between them. SQLite allocates through the C library.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "newsdesk-bench",
    about = "Measures newsdesk against SQLite FTS5, PostgreSQL and raw tantivy."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs everything: corpora, ingest and queries for every engine at
    /// every size; prints the tables and writes every figure as JSON.
    Run(RunArgs),
    /// Writes a corpus: `corpus.ndjson` (for `newsdesk ingest`) and
    /// `rows.ndjson` (the same articles with their people).
    Corpus {
        #[arg(long, default_value_t = 10_000)]
        articles: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The share of articles that are syndicated copies of an earlier
        /// one (another outlet, a trimmed tail, a few words changed).
        #[arg(long, default_value_t = 0.0)]
        copies: f64,
        /// The folder holding `datasets/` and `seeds/`.
        #[arg(long, default_value = "../shared")]
        shared: PathBuf,
        /// Where to write the two files.
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Prints the query set drawn from a corpus, as JSON.
    Queries {
        #[arg(long)]
        rows: PathBuf,
        #[arg(long, default_value_t = 400)]
        count: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Loads rows into one engine (run by `run` in a child process).
    #[command(hide = true)]
    Load {
        engine: LoadEngine,
        #[arg(long)]
        rows: PathBuf,
        #[arg(long)]
        target: PathBuf,
        #[arg(long)]
        threads: usize,
        #[arg(long)]
        writer_memory_mb: usize,
    },
    /// Drives a query set against one engine's index and writes the
    /// latencies as JSON (`run` does this for raw tantivy and SQLite in a
    /// child process; by hand, it profiles one engine).
    Query {
        engine: QueryEngine,
        #[arg(long)]
        target: PathBuf,
        #[arg(long)]
        queries: PathBuf,
        #[arg(long, value_delimiter = ',')]
        clients: Vec<usize>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Drives a running newsdesk server with searches and writes for a set
    /// time, then checks that no acknowledged article was lost and that
    /// memory stayed flat (`bench/soak` starts a server and runs it).
    Soak(SoakArgs),
    /// Checks a server against what a soak left (after a restart, say):
    /// the same number of articles, every acknowledged one there with its
    /// last title, every deleted one gone.
    SoakCheck {
        #[arg(long)]
        url: String,
        /// The JSON report of the soak.
        #[arg(long)]
        report: PathBuf,
        #[arg(long, env = "NEWSDESK_API_KEY", hide_env_values = true)]
        api_key: Option<String>,
        /// Requests at once.
        #[arg(long, default_value_t = 8)]
        clients: usize,
    },
    /// Shows a soak with reads only and one mixing writes in side by side
    /// (searches a second, latencies, acknowledgements, 5xx, lost
    /// articles, memory), with the ratios of the mixed one to the other;
    /// with --targets, checks the mixed one against its targets.
    SoakCompare(SoakCompareArgs),
    /// Measures the research endpoints (collapsed search, significant
    /// terms, timeline, people, similar articles, export) against a plain
    /// search, on a `newsdesk serve` it starts over an index
    /// (`bench/features` makes the corpus and the index and runs this).
    Features {
        /// The index to serve.
        #[arg(long)]
        index: PathBuf,
        /// The corpus's rows (for the query set and the people).
        #[arg(long)]
        rows: PathBuf,
        #[arg(long, default_value_t = 200)]
        queries: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Where to write the figures as JSON.
        #[arg(long)]
        out: PathBuf,
        /// The server's log.
        #[arg(long)]
        log: PathBuf,
    },
    /// Runs a command and writes its wall time and peak memory.
    #[command(hide = true)]
    Measure {
        #[arg(long)]
        report: PathBuf,
        program: String,
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

// An option given twice takes its last value, so that a script can add
// `--write-share 0` after its user's options.
#[derive(Debug, clap::Args)]
#[command(
    group = clap::ArgGroup::new("query_set").required(true).args(["queries", "rows"]),
    args_override_self = true
)]
struct SoakArgs {
    /// The server, as http://HOST:PORT.
    #[arg(long)]
    url: String,
    /// The server's process id, for its resident memory
    /// (/proc/PID/status); without it memory is not checked.
    #[arg(long)]
    pid: Option<u32>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 8)]
    clients: usize,
    /// How long the clients run, in seconds.
    #[arg(long, default_value_t = 600)]
    duration: u64,
    /// The share of requests that write: new articles (half), replacements
    /// and deletions (a quarter each). With 0, reads only: searches, and
    /// (one read in ten) a hit of the client's last search opened.
    #[arg(long, default_value_t = 0.1)]
    write_share: f64,
    /// The articles to post: NDJSON, one object a line, such as a
    /// `corpus.ndjson` not yet in the index. Posted again under ids of
    /// their own when they run out. Needed unless --write-share is 0.
    #[arg(long)]
    articles: Option<PathBuf>,
    /// The query set, as `newsdesk-bench queries` writes it.
    #[arg(long)]
    queries: Option<PathBuf>,
    /// Or a corpus's `rows.ndjson` to draw the query set from.
    #[arg(long)]
    rows: Option<PathBuf>,
    /// Queries drawn with --rows.
    #[arg(long, default_value_t = 400)]
    query_count: usize,
    /// Sent as `Authorization: Bearer KEY`.
    #[arg(long, env = "NEWSDESK_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// The most articles of its own the soak keeps in the index at once:
    /// once there (within a few minutes on a slow machine), new articles
    /// give way to replacements and deletions, so the index, and memory
    /// with it, stays about one size.
    #[arg(long, default_value_t = 200)]
    max_live: usize,
    /// Fail when resident memory at the end is more than this many times
    /// that after the warm-up (medians of windows as long as the warm-up,
    /// a tenth of the run or 30 s). In ten minutes on two cores the
    /// server's memory rose 1.4× in the first four minutes, as segments,
    /// caches and allocator pools filled, and then stayed flat: the default
    /// passes that and fails a leak that adds half again.
    #[arg(long, default_value_t = 1.5)]
    max_rss_growth: f64,
    /// Let 503s (the server too busy) pass.
    #[arg(long)]
    allow_overload: bool,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Where to write every figure as JSON.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct SoakCompareArgs {
    /// The JSON report of the soak with reads only (--write-share 0).
    #[arg(long)]
    reads: PathBuf,
    /// The JSON report of the soak mixing writes in, against the same
    /// server.
    #[arg(long)]
    mixed: PathBuf,
    /// Check the targets: mixed searches a second at least 70% of those
    /// with reads only, mixed search p99 at most 3× that with reads only,
    /// posts acknowledged in under 100 ms at the median, no 5xx, no
    /// acknowledged article lost, memory within the soak's limit (both
    /// runs). Fails when one is missed. Meant for release builds.
    #[arg(long)]
    targets: bool,
    /// Where to write the comparison as JSON.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LoadEngine {
    Newsdesk,
    Tantivy,
    Sqlite,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum QueryEngine {
    /// A `newsdesk serve` started over the index, driven over HTTP.
    Newsdesk,
    Tantivy,
    Sqlite,
}

#[derive(Debug, clap::Args)]
struct RunArgs {
    /// Corpus sizes, in articles.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    sizes: Vec<u64>,
    /// SQLite and PostgreSQL run only at sizes up to this.
    #[arg(long, default_value_t = 100_000)]
    peers_up_to: u64,
    /// Leave out SQLite FTS5.
    #[arg(long)]
    no_sqlite: bool,
    /// Leave out PostgreSQL.
    #[arg(long)]
    no_postgres: bool,
    /// How to reach PostgreSQL (bench/run starts Debian's server and sets
    /// this up).
    #[arg(
        long,
        env = "NEWSDESK_BENCH_POSTGRES",
        default_value = "host=127.0.0.1 user=newsdesk_bench password=newsdesk_bench dbname=newsdesk_bench"
    )]
    postgres: String,
    /// Queries in the set.
    #[arg(long, default_value_t = 400)]
    queries: usize,
    /// Concurrent clients, one level after another.
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8")]
    clients: Vec<usize>,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The folder holding `datasets/` and `seeds/`.
    #[arg(long, default_value = "../shared")]
    shared: PathBuf,
    /// Where corpora and indexes are made (removed after each size unless
    /// --keep).
    #[arg(long, default_value = "target/bench")]
    work: PathBuf,
    /// Where every figure is written.
    #[arg(long, default_value = "target/bench/results.json")]
    json: PathBuf,
    /// Keep corpora, indexes and PostgreSQL tables.
    #[arg(long)]
    keep: bool,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Runs one subcommand; the exit code says whether what it checked passed.
fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Run(args) => benchmark(args)?,
        Command::Corpus {
            articles,
            seed,
            copies,
            shared,
            out,
        } => write_corpus(articles, seed, copies, &shared, &out)?,
        Command::Features {
            index,
            rows,
            queries,
            seed,
            out,
            log,
        } => {
            let results = features::run(&features::Plan {
                index,
                rows,
                queries,
                seed,
                out,
                log,
            })?;
            print!("{}", features::render(&results));
        }
        Command::Queries { rows, count, seed } => {
            let queries = queries::generate(&rows, count, seed)?;
            println!("{}", serde_json::to_string_pretty(&queries)?);
        }
        Command::Load {
            engine,
            rows,
            target,
            threads,
            writer_memory_mb,
        } => load(engine, &rows, &target, threads, writer_memory_mb)?,
        Command::Query {
            engine,
            target,
            queries,
            clients,
            out,
        } => drive_queries(engine, &target, &queries, &clients, &out)?,
        Command::Soak(args) => return soak(args),
        Command::SoakCheck {
            url,
            report,
            api_key,
            clients,
        } => {
            let failures = soak::check(&url, api_key.as_deref(), &report, clients)?;
            if !failures.is_empty() {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::SoakCompare(args) => return soak_compare(&args),
        Command::Measure {
            report,
            program,
            args,
        } => {
            let code = measure::measure_child(&report, &program, &args)?;
            return Ok(ExitCode::from(u8::try_from(code).unwrap_or(1)));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `run`: every engine at every size.
fn benchmark(args: RunArgs) -> anyhow::Result<()> {
    let writer = WriterOptions::default();
    let plan = run::Plan {
        sizes: args.sizes,
        peers_up_to: args.peers_up_to,
        sqlite: !args.no_sqlite,
        postgres: (!args.no_postgres).then_some(args.postgres),
        queries: args.queries,
        clients: args.clients,
        seed: args.seed,
        shared: args.shared,
        work: args.work,
        json: args.json,
        threads: writer.threads,
        writer_memory_bytes: writer.memory_bytes,
        keep: args.keep,
    };
    run::run(&plan)
}

/// `corpus`: writes `corpus.ndjson` and `rows.ndjson` into `out`.
fn write_corpus(
    articles: u64,
    seed: u64,
    copies: f64,
    shared: &Path,
    out: &Path,
) -> anyhow::Result<()> {
    let pool = corpus::Pool::read(shared)?;
    std::fs::create_dir_all(out)?;
    let written = corpus::write(
        &pool,
        seed,
        articles,
        copies,
        &out.join("corpus.ndjson"),
        &out.join("rows.ndjson"),
    )?;
    eprintln!(
        "wrote {} articles, {:.1} MB of text, to {}",
        written.articles,
        written.text_bytes as f64 / 1e6,
        out.display()
    );
    Ok(())
}

/// `load`: rows into one engine's index.
fn load(
    engine: LoadEngine,
    rows: &Path,
    target: &Path,
    threads: usize,
    writer_memory_mb: usize,
) -> anyhow::Result<()> {
    let memory_bytes = writer_memory_mb * 1024 * 1024;
    match engine {
        LoadEngine::Newsdesk => newsdesk::load_index_only(
            rows,
            target,
            WriterOptions {
                threads,
                memory_bytes,
            },
        )?,
        LoadEngine::Tantivy => raw_tantivy::load(rows, target, threads, memory_bytes)?,
        LoadEngine::Sqlite => sqlite::load(rows, target)?,
    }
    Ok(())
}

/// `query`: the query set against one engine's index, the latencies
/// written to `out` as JSON.
fn drive_queries(
    engine: QueryEngine,
    target: &Path,
    queries: &Path,
    clients: &[usize],
    out: &Path,
) -> anyhow::Result<()> {
    let queries: Vec<query::Query> = serde_json::from_str(
        &std::fs::read_to_string(queries).with_context(|| format!("{}", queries.display()))?,
    )?;
    let run = match engine {
        QueryEngine::Newsdesk => {
            let log = out.with_extension("log");
            let server = newsdesk::Server::start(target, &log)?;
            let mut run = measure::drive(&|| server.client(), &queries, clients)?;
            run.peak_rss_bytes = server.peak_rss_bytes();
            run
        }
        QueryEngine::Tantivy => {
            let engine = raw_tantivy::RawTantivy::open(target)?;
            measure::drive(&|| engine.client(), &queries, clients)?
        }
        QueryEngine::Sqlite => {
            let engine = sqlite::Sqlite::open(target)?;
            measure::drive(&|| engine.client(), &queries, clients)?
        }
    };
    std::fs::write(out, serde_json::to_string(&run)?)?;
    Ok(())
}

/// `soak`: drives a running server, prints the summary and writes the
/// report; fails when the soak did.
fn soak(args: SoakArgs) -> anyhow::Result<ExitCode> {
    let queries = match (&args.queries, &args.rows) {
        (Some(path), _) => serde_json::from_str(
            &std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?,
        )?,
        (None, Some(rows)) => queries::generate(rows, args.query_count, args.seed)?,
        (None, None) => anyhow::bail!("give --queries or --rows"),
    };
    let plan = soak::Plan {
        url: args.url,
        pid: args.pid,
        clients: args.clients.max(1),
        duration: Duration::from_secs(args.duration),
        write_share: args.write_share,
        articles: match &args.articles {
            Some(path) => soak::read_articles(path)?,
            None => Vec::new(),
        },
        queries,
        api_key: args.api_key,
        max_live: args.max_live,
        max_rss_growth: args.max_rss_growth,
        allow_overload: args.allow_overload,
        seed: args.seed,
    };
    let report = soak::run(&plan)?;
    report.print();
    if let Some(out) = &args.out {
        std::fs::write(out, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("{}", out.display()))?;
    }
    if !report.failures.is_empty() {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// `soak-compare`: prints the two soaks side by side and writes the
/// comparison; with --targets, fails when one is missed.
fn soak_compare(args: &SoakCompareArgs) -> anyhow::Result<ExitCode> {
    let comparison = soak::compare(&args.reads, &args.mixed, args.targets)?;
    print!("{}", comparison.render());
    if let Some(out) = &args.out {
        std::fs::write(out, serde_json::to_string_pretty(&comparison)?)
            .with_context(|| format!("{}", out.display()))?;
    }
    if comparison.missed() > 0 {
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
