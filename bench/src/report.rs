//! The figures of a run: as JSON, and as the Markdown tables the README
//! shows (ratios of newsdesk to each peer, the targets, absolute figures and
//! how they grow with the archive).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::measure::{Measured, QueryRun};
use crate::postgres::Postgres;

/// newsdesk: the binary's ingest end to end; queries over HTTP.
pub const NEWSDESK: &str = "newsdesk";
/// newsdesk's index writer alone, fed ready articles.
pub const NEWSDESK_INDEXING: &str = "newsdesk-indexing";
pub const TANTIVY: &str = "tantivy";
pub const SQLITE: &str = "sqlite";
pub const POSTGRES: &str = "postgres";

const PEERS: [(&str, &str); 3] = [
    (TANTIVY, "raw tantivy"),
    (SQLITE, "SQLite FTS5"),
    (POSTGRES, "PostgreSQL"),
];

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Results {
    pub machine: Machine,
    pub threads: usize,
    pub writer_memory_bytes: u64,
    pub queries: usize,
    pub clients: Vec<usize>,
    pub seed: u64,
    pub sizes: Vec<SizeResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu: String,
    pub memory_bytes: u64,
    pub kernel: String,
    pub tantivy: String,
    pub sqlite: String,
    pub postgres: Option<String>,
}

impl Machine {
    pub fn read(postgres: Option<&Postgres>) -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let field = |text: &str, name: &str| {
            text.lines()
                .find(|l| l.starts_with(name))
                .and_then(|l| l.split(':').nth(1))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        Machine {
            cores: std::thread::available_parallelism().map_or(1, usize::from),
            cpu: field(&cpuinfo, "model name"),
            memory_bytes: field(&meminfo, "MemTotal")
                .split_whitespace()
                .next()
                .and_then(|kb| kb.parse::<u64>().ok())
                .unwrap_or(0)
                * 1024,
            kernel: std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .unwrap_or_default()
                .trim()
                .to_string(),
            tantivy: tantivy::version_string().to_string(),
            sqlite: rusqlite::version().to_string(),
            postgres: postgres.and_then(|p| p.version().ok()),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SizeResult {
    pub articles: u64,
    /// Title and body bytes of the corpus: what MB/s is counted in.
    pub text_bytes: u64,
    pub ingest: BTreeMap<String, IngestResult>,
    pub queries: BTreeMap<String, QueryRun>,
    /// How each peer's totals compare with newsdesk's.
    pub agreement: BTreeMap<String, Agreement>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IngestResult {
    pub seconds: f64,
    pub docs_per_s: f64,
    pub mb_per_s: f64,
    pub index_bytes: u64,
    pub peak_rss_bytes: Option<u64>,
}

impl IngestResult {
    pub fn new(articles: u64, text_bytes: u64, measured: Measured, index_bytes: u64) -> Self {
        IngestResult {
            seconds: measured.seconds,
            docs_per_s: articles as f64 / measured.seconds,
            mb_per_s: text_bytes as f64 / 1e6 / measured.seconds,
            index_bytes,
            peak_rss_bytes: (measured.peak_rss_bytes > 0).then_some(measured.peak_rss_bytes),
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Agreement {
    pub queries: usize,
    pub equal: usize,
    pub within_10_percent: usize,
    /// Queries where one engine found nothing and the other found some.
    pub one_side_empty: Vec<String>,
}

pub fn write_json(results: &Results, path: &Path) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, serde_json::to_string_pretty(results)?)?;
    Ok(())
}

fn mb(bytes: u64) -> String {
    format!("{:.0} MB", bytes as f64 / 1e6)
}

/// `n` with a comma between each group of three digits.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn ratio(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => {
            if v < 0.1 {
                format!("{v:.3}")
            } else {
                format!("{v:.2}")
            }
        }
        _ => "–".to_string(),
    }
}

impl SizeResult {
    fn level(&self, engine: &str, clients: usize) -> Option<&crate::measure::Level> {
        self.queries
            .get(engine)?
            .levels
            .iter()
            .find(|l| l.clients == clients)
    }

    fn most_clients(&self) -> usize {
        self.queries
            .values()
            .flat_map(|run| run.levels.iter().map(|l| l.clients))
            .max()
            .unwrap_or(1)
    }

    /// newsdesk's figure over the peer's, for one measure.
    fn over(&self, peer: &str, measure: impl Fn(&SizeResult, &str) -> Option<f64>) -> Option<f64> {
        Some(measure(self, NEWSDESK)? / measure(self, peer)?)
    }

    fn ingest_mb_s(&self, engine: &str) -> Option<f64> {
        self.ingest.get(engine).map(|i| i.mb_per_s)
    }

    fn p(
        &self,
        engine: &str,
        clients: usize,
        pick: fn(&crate::measure::Level) -> f64,
    ) -> Option<f64> {
        self.level(engine, clients).map(pick)
    }
}

/// The Markdown report.
pub fn render(results: &Results) -> String {
    let mut out = String::new();
    let machine = &results.machine;
    let _ = writeln!(
        out,
        "Machine: {} cores ({}), {:.0} GiB, Linux {}; tantivy {}, SQLite {}{}. \
         Indexing threads: {} for newsdesk and raw tantivy. {} queries, at {} concurrent clients.\n",
        machine.cores,
        machine.cpu,
        machine.memory_bytes as f64 / (1u64 << 30) as f64,
        machine.kernel,
        machine.tantivy,
        machine.sqlite,
        machine
            .postgres
            .as_deref()
            .map(|v| format!(", {}", v.split(" on ").next().unwrap_or(v)))
            .unwrap_or_default(),
        results.threads,
        results.queries,
        results
            .clients
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
    );

    let _ = writeln!(out, "{}", targets(results));

    for size in &results.sizes {
        out.push_str(&ratios(size));
        out.push('\n');
        let _ = writeln!(out, "{}", absolute(size));
    }
    let _ = writeln!(out, "{}", growth(results));
    out
}

/// newsdesk ÷ each peer at one size, one row a measure.
fn ratios(size: &SizeResult) -> String {
    let mut out = String::new();
    let peers: Vec<(&str, &str)> = PEERS
        .iter()
        .copied()
        .filter(|(key, _)| size.queries.contains_key(*key) || size.ingest.contains_key(*key))
        .collect();
    let most = size.most_clients();
    let _ = writeln!(
        out,
        "#### {} articles ({} of text): newsdesk ÷ each peer\n",
        thousands(size.articles),
        mb(size.text_bytes)
    );
    let _ = write!(out, "| measure |");
    for (_, name) in &peers {
        let _ = write!(out, " {name} |");
    }
    let _ = write!(out, "\n|---|");
    for _ in &peers {
        let _ = write!(out, "---:|");
    }
    out.push('\n');
    type Measure = Box<dyn Fn(&SizeResult, &str) -> Option<f64>>;
    let rows: Vec<(String, Measure)> = vec![
        (
            "ingest MB/s, end to end (newsdesk cleans and finds people; peers load ready rows)"
                .into(),
            Box::new(|s: &SizeResult, e: &str| s.ingest_mb_s(e)),
        ),
        (
            "ingest MB/s, newsdesk's indexing alone".into(),
            Box::new(|s: &SizeResult, e: &str| {
                s.ingest_mb_s(if e == NEWSDESK { NEWSDESK_INDEXING } else { e })
            }),
        ),
        (
            "index size".into(),
            Box::new(|s: &SizeResult, e: &str| s.ingest.get(e).map(|i| i.index_bytes as f64)),
        ),
        (
            "peak memory while ingesting".into(),
            Box::new(|s: &SizeResult, e: &str| {
                s.ingest
                    .get(e)
                    .and_then(|i| i.peak_rss_bytes)
                    .map(|b| b as f64)
            }),
        ),
        (
            "query p50, 1 client".into(),
            Box::new(|s: &SizeResult, e: &str| s.p(e, 1, |l| l.p50_ms)),
        ),
        (
            "query p95, 1 client".into(),
            Box::new(|s: &SizeResult, e: &str| s.p(e, 1, |l| l.p95_ms)),
        ),
        (
            "query p99, 1 client".into(),
            Box::new(|s: &SizeResult, e: &str| s.p(e, 1, |l| l.p99_ms)),
        ),
        (
            format!("query p50, {most} clients"),
            Box::new(move |s: &SizeResult, e: &str| s.p(e, most, |l| l.p50_ms)),
        ),
        (
            format!("queries per second, {most} clients"),
            Box::new(move |s: &SizeResult, e: &str| s.p(e, most, |l| l.qps)),
        ),
    ];
    for (name, measure) in rows {
        let _ = write!(out, "| {name} |");
        for (key, _) in &peers {
            let _ = write!(out, " {} |", ratio(size.over(key, &measure)));
        }
        out.push('\n');
    }
    out
}

/// Absolute figures of one size.
fn absolute(size: &SizeResult) -> String {
    let mut out = String::new();
    let most = size.most_clients();
    let _ = writeln!(
        out,
        "| engine | ingest s | docs/s | MB/s | index | peak memory ingesting | p50 ms | p95 ms | p99 ms | q/s at 1 | q/s at {most} | peak memory querying |"
    );
    let _ = writeln!(
        out,
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for engine in [NEWSDESK, NEWSDESK_INDEXING, TANTIVY, SQLITE, POSTGRES] {
        let ingest = size.ingest.get(engine);
        let one = size.level(engine, 1);
        let top = size.level(engine, most);
        if ingest.is_none() && one.is_none() {
            continue;
        }
        let cell = |v: Option<String>| v.unwrap_or_else(|| "–".into());
        let _ = writeln!(
            out,
            "| {engine} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            cell(ingest.map(|i| format!("{:.1}", i.seconds))),
            cell(ingest.map(|i| format!("{:.0}", i.docs_per_s))),
            cell(ingest.map(|i| format!("{:.1}", i.mb_per_s))),
            cell(ingest.map(|i| mb(i.index_bytes))),
            cell(ingest.and_then(|i| i.peak_rss_bytes).map(mb)),
            cell(one.map(|l| format!("{:.2}", l.p50_ms))),
            cell(one.map(|l| format!("{:.2}", l.p95_ms))),
            cell(one.map(|l| format!("{:.2}", l.p99_ms))),
            cell(one.map(|l| format!("{:.0}", l.qps))),
            cell(top.map(|l| format!("{:.0}", l.qps))),
            cell(
                size.queries
                    .get(engine)
                    .and_then(|q| q.peak_rss_bytes)
                    .map(mb)
            ),
        );
    }
    for (engine, agreement) in &size.agreement {
        let _ = writeln!(
            out,
            "\n{engine} found the same total as newsdesk for {} of {} queries, within 10% for {}{}.",
            agreement.equal,
            agreement.queries,
            agreement.within_10_percent,
            if agreement.one_side_empty.is_empty() {
                String::new()
            } else {
                format!(
                    "; one of the two found nothing for {}",
                    agreement.one_side_empty.len()
                )
            }
        );
    }
    out
}

/// How newsdesk and raw tantivy grow with the archive.
fn growth(results: &Results) -> String {
    let mut out = String::new();
    let _ = write!(out, "#### Growth\n\n| engine | measure |");
    for size in &results.sizes {
        let _ = write!(out, " {} |", thousands(size.articles));
    }
    let _ = write!(out, "\n|---|---|");
    for _ in &results.sizes {
        out.push_str("---:|");
    }
    out.push('\n');
    type Pick = fn(&SizeResult, &str) -> Option<String>;
    let measures: [(&str, Pick); 5] = [
        ("query p50, 1 client", |s, e| {
            s.p(e, 1, |l| l.p50_ms).map(|v| format!("{v:.2} ms"))
        }),
        ("query p99, 1 client", |s, e| {
            s.p(e, 1, |l| l.p99_ms).map(|v| format!("{v:.2} ms"))
        }),
        ("index size", |s, e| {
            s.ingest.get(e).map(|i| mb(i.index_bytes))
        }),
        ("peak memory ingesting", |s, e| {
            s.ingest.get(e).and_then(|i| i.peak_rss_bytes).map(mb)
        }),
        ("peak memory querying", |s, e| {
            s.queries.get(e).and_then(|q| q.peak_rss_bytes).map(mb)
        }),
    ];
    for engine in [NEWSDESK, TANTIVY] {
        for (name, pick) in &measures {
            let _ = write!(out, "| {engine} | {name} |");
            for size in &results.sizes {
                let _ = write!(
                    out,
                    " {} |",
                    pick(size, engine).unwrap_or_else(|| "–".into())
                );
            }
            out.push('\n');
        }
    }
    out
}

/// The targets of the issue, each with the figure this run gave.
fn targets(results: &Results) -> String {
    let mut out = String::from("| target | this run | met |\n|---|---:|:---:|\n");
    let mut line = |name: String, value: Option<f64>, met: fn(f64) -> bool| {
        let (shown, verdict) = match value {
            Some(v) => (ratio(Some(v)), if met(v) { "yes" } else { "**no**" }),
            None => ("–".to_string(), "not measured"),
        };
        let _ = writeln!(out, "| {name} | {shown} | {verdict} |");
    };
    // The peers' targets hold at the largest size they ran at.
    let with_peers = results
        .sizes
        .iter()
        .rev()
        .find(|s| s.queries.contains_key(SQLITE) || s.queries.contains_key(POSTGRES));
    if let Some(size) = with_peers {
        let n = thousands(size.articles);
        line(
            format!("query p50 (1 client) at {n}: newsdesk ÷ SQLite FTS5 ≤ 0.25"),
            size.over(SQLITE, |s, e| s.p(e, 1, |l| l.p50_ms)),
            |v| v <= 0.25,
        );
        line(
            format!("query p50 (1 client) at {n}: newsdesk ÷ PostgreSQL ≤ 0.10"),
            size.over(POSTGRES, |s, e| s.p(e, 1, |l| l.p50_ms)),
            |v| v <= 0.10,
        );
        line(
            format!("indexing alone at {n}: newsdesk MB/s ÷ SQLite FTS5 MB/s ≥ 1"),
            size.ingest_mb_s(NEWSDESK_INDEXING)
                .zip(size.ingest_mb_s(SQLITE))
                .map(|(a, b)| a / b),
            |v| v >= 1.0,
        );
    }
    for size in &results.sizes {
        let n = thousands(size.articles);
        line(
            format!(
                "query p50 (1 client) at {n}: newsdesk over HTTP ÷ raw tantivy in process ≤ 1.3"
            ),
            size.over(TANTIVY, |s, e| s.p(e, 1, |l| l.p50_ms)),
            |v| v <= 1.3,
        );
        line(
            format!("ingest at {n}: newsdesk end to end MB/s ÷ raw tantivy MB/s ≥ 0.5"),
            size.over(TANTIVY, |s, e| s.ingest_mb_s(e)),
            |v| v >= 0.5,
        );
    }
    if let Some(largest) = results.sizes.iter().max_by_key(|s| s.articles) {
        let n = thousands(largest.articles);
        line(
            format!("at {n}: newsdesk p99 ÷ p50 (1 client) < 10"),
            largest
                .p(NEWSDESK, 1, |l| l.p99_ms)
                .zip(largest.p(NEWSDESK, 1, |l| l.p50_ms))
                .map(|(p99, p50)| p99 / p50),
            |v| v < 10.0,
        );
        let memory = results.machine.memory_bytes as f64;
        line(
            format!("at {n}: newsdesk peak memory ingesting, share of this machine's"),
            largest
                .ingest
                .get(NEWSDESK)
                .and_then(|i| i.peak_rss_bytes)
                .map(|b| b as f64 / memory),
            |v| v < 0.25,
        );
        line(
            format!("at {n}: newsdesk peak memory serving, share of this machine's"),
            largest
                .queries
                .get(NEWSDESK)
                .and_then(|q| q.peak_rss_bytes)
                .map(|b| b as f64 / memory),
            |v| v < 0.25,
        );
    }
    out
}
