//! The research endpoints measured against a normal search, side by side
//! in one run on one server: collapsed searches, significant terms,
//! timelines, people pages, similar articles, and exports.
//!
//! One client sends, for each query of the set, a plain search and then
//! each other request built from it, so the machine's noise falls on all
//! of them alike. What counts is each endpoint's latency over the plain
//! search's: the budget is that of a normal search.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Serialize;
use serde_json::Value;

use crate::measure::percentile;
use crate::newsdesk::{Server, search_request};
use crate::query::Query;
use crate::{queries, rows};

/// The endpoints, in the order each round sends them.
const ENDPOINTS: [&str; 7] = [
    "search",
    "search, collapse=story",
    "search, terms=10",
    "timeline, 3 queries",
    "people/{name}",
    "articles/{id}/similar",
    "export, one query (whole download)",
];

#[derive(Debug, Clone)]
pub struct Plan {
    pub index: PathBuf,
    pub rows: PathBuf,
    pub queries: usize,
    pub seed: u64,
    pub out: PathBuf,
    pub log: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct EndpointResult {
    pub endpoint: String,
    pub requests: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    /// p50 over the plain search's p50.
    pub p50_ratio: f64,
    /// p95 over the plain search's p95.
    pub p95_ratio: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExportResult {
    pub articles: u64,
    pub bytes: u64,
    pub seconds: f64,
    pub rss_before_bytes: u64,
    pub rss_peak_bytes: u64,
    pub rss_after_bytes: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Results {
    pub articles: u64,
    pub endpoints: Vec<EndpointResult>,
    /// Every article exported as NDJSON, then as CSV, with the server's
    /// memory sampled every 20 ms.
    pub export_all_ndjson: ExportResult,
    pub export_all_csv: ExportResult,
}

pub fn run(plan: &Plan) -> anyhow::Result<Results> {
    let queries = queries::generate(&plan.rows, plan.queries, plan.seed)?;
    let people = frequent_people(&plan.rows, 20_000, 60)?;
    if people.is_empty() {
        bail!("{}: no people named in the rows", plan.rows.display());
    }
    let server = Server::start(&plan.index, &plan.log)?;
    let base = server.base();
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let articles = stats(&agent, &base)?;
    eprintln!(
        "features: {articles} articles, {} queries, {} people",
        queries.len(),
        people.len()
    );

    // Warm-up: every query once, which also gives an article to find
    // similar ones for.
    let mut ids = Vec::with_capacity(queries.len());
    for query in &queries {
        let body = fetch(search_request(&agent, &format!("{base}/api/search"), query))?;
        let parsed: Value = serde_json::from_str(&body)?;
        ids.push(
            parsed["hits"][0]["id"]
                .as_str()
                .map(str::to_string)
                .unwrap_or_default(),
        );
    }

    let mut latencies: Vec<Vec<Duration>> = vec![Vec::new(); ENDPOINTS.len()];
    for (i, query) in queries.iter().enumerate() {
        let search = format!("{base}/api/search");
        let timed = |request: ureq::RequestBuilder<ureq::typestate::WithoutBody>| {
            let sent = Instant::now();
            fetch(request).map(|_| sent.elapsed())
        };
        latencies[0].push(timed(search_request(&agent, &search, query))?);
        latencies[1].push(timed(
            search_request(&agent, &search, query).query("collapse", "story"),
        )?);
        latencies[2].push(timed(
            search_request(&agent, &search, query).query("terms", "10"),
        )?);
        let mut timeline = agent
            .get(format!("{base}/api/timeline"))
            .query("interval", "month");
        for other in 0..3 {
            timeline = timeline.query("q", queries[(i + other) % queries.len()].text());
        }
        latencies[3].push(timed(timeline)?);
        let person = &people[i % people.len()];
        latencies[4].push(timed(
            agent.get(format!("{base}/api/people/{}", encode_segment(person))),
        )?);
        let id = &ids[i];
        if !id.is_empty() {
            latencies[5].push(timed(agent.get(format!(
                "{base}/api/articles/{}/similar",
                encode_segment(id)
            )))?);
        }
        latencies[6].push(timed(export_request(&agent, &base, query, "ndjson"))?);
    }

    let mut endpoints = Vec::new();
    for (name, mut measured) in ENDPOINTS.iter().zip(latencies) {
        measured.sort();
        endpoints.push(EndpointResult {
            endpoint: (*name).to_string(),
            requests: measured.len(),
            p50_ms: percentile(&measured, 0.50),
            p95_ms: percentile(&measured, 0.95),
            p99_ms: percentile(&measured, 0.99),
            p50_ratio: 0.0,
            p95_ratio: 0.0,
        });
    }
    let (search_p50, search_p95) = (endpoints[0].p50_ms, endpoints[0].p95_ms);
    for endpoint in &mut endpoints {
        endpoint.p50_ratio = endpoint.p50_ms / search_p50;
        endpoint.p95_ratio = endpoint.p95_ms / search_p95;
    }

    let export_all_ndjson = export_all(&agent, &base, server.pid(), "ndjson")?;
    let export_all_csv = export_all(&agent, &base, server.pid(), "csv")?;
    let results = Results {
        articles,
        endpoints,
        export_all_ndjson,
        export_all_csv,
    };
    std::fs::write(&plan.out, serde_json::to_string_pretty(&results)?)
        .with_context(|| format!("{}", plan.out.display()))?;
    Ok(results)
}

/// The request body, or an error naming the status when it is not 200.
fn fetch(request: ureq::RequestBuilder<ureq::typestate::WithoutBody>) -> anyhow::Result<String> {
    let mut response = request.call()?;
    let status = response.status();
    let body = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_string()?;
    if status != 200 {
        bail!(
            "status {status}: {}",
            body.chars().take(300).collect::<String>()
        );
    }
    Ok(body)
}

fn stats(agent: &ureq::Agent, base: &str) -> anyhow::Result<u64> {
    let body = fetch(agent.get(format!("{base}/api/stats")))?;
    let parsed: Value = serde_json::from_str(&body)?;
    parsed["articles"]
        .as_u64()
        .context("/api/stats gave no article count")
}

fn export_request(
    agent: &ureq::Agent,
    base: &str,
    query: &Query,
    format: &str,
) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
    // The search's words and filters; an export takes every match, so no
    // `limit`.
    let mut request = agent
        .get(format!("{base}/api/export"))
        .query("q", query.text())
        .query("format", format);
    for (name, value) in [
        ("outlet", &query.outlet),
        ("person", &query.person),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        if let Some(value) = value {
            request = request.query(name, value);
        }
    }
    request
}

/// Exports every article, reading as fast as the server sends, while a
/// thread samples the server's resident memory.
fn export_all(
    agent: &ureq::Agent,
    base: &str,
    pid: u32,
    format: &str,
) -> anyhow::Result<ExportResult> {
    let rss = || {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .ok()
            .and_then(|status| crate::measure::status_bytes(&status, "VmRSS"))
            .unwrap_or(0)
    };
    let before = rss();
    let done = AtomicBool::new(false);
    let (bytes, lines, seconds, peak) = std::thread::scope(|scope| {
        let sampler = scope.spawn(|| {
            let mut peak = 0;
            while !done.load(Ordering::Relaxed) {
                peak = peak.max(rss());
                std::thread::sleep(Duration::from_millis(20));
            }
            peak
        });
        let started = Instant::now();
        let result = (|| -> anyhow::Result<(u64, u64)> {
            let mut response = agent
                .get(format!("{base}/api/export"))
                .query("format", format)
                .call()?;
            if response.status() != 200 {
                bail!("export: status {}", response.status());
            }
            let mut reader = response.body_mut().with_config().limit(u64::MAX).reader();
            let (mut bytes, mut lines, mut buffer) = (0u64, 0u64, vec![0u8; 1 << 16]);
            loop {
                let read = reader.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                bytes += read as u64;
                lines += buffer[..read].iter().filter(|&&b| b == b'\n').count() as u64;
            }
            Ok((bytes, lines))
        })();
        let seconds = started.elapsed().as_secs_f64();
        done.store(true, Ordering::Relaxed);
        let peak = sampler.join().unwrap_or(0);
        result.map(|(bytes, lines)| (bytes, lines, seconds, peak))
    })?;
    Ok(ExportResult {
        // NDJSON: a line an article. CSV: a header line, and bodies may
        // hold line breaks, so lines overcount; the NDJSON count is exact.
        articles: lines,
        bytes,
        seconds,
        rss_before_bytes: before,
        rss_peak_bytes: peak.max(before),
        rss_after_bytes: rss(),
    })
}

/// The `count` people named in the most of the first `sample` rows.
fn frequent_people(path: &Path, sample: u64, count: usize) -> anyhow::Result<Vec<String>> {
    let mut counts: HashMap<String, u64> = HashMap::new();
    rows::for_each(path, |line, row| {
        if line <= sample {
            for person in row.people {
                *counts.entry(person).or_default() += 1;
            }
        }
        Ok(())
    })?;
    let mut ranked: Vec<(String, u64)> = counts.into_iter().collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Ok(ranked
        .into_iter()
        .take(count)
        .map(|(name, _)| name)
        .collect())
}

/// A path segment, percent-encoded.
fn encode_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The results as a Markdown table.
pub fn render(results: &Results) -> String {
    let mut out = format!(
        "At {} articles, one client, one request at a time:\n\n\
         | endpoint | requests | p50 ms | p95 ms | p99 ms | p50 ÷ search p50 | p95 ÷ search p95 |\n\
         |---|---:|---:|---:|---:|---:|---:|\n",
        results.articles
    );
    for e in &results.endpoints {
        out.push_str(&format!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |\n",
            e.endpoint, e.requests, e.p50_ms, e.p95_ms, e.p99_ms, e.p50_ratio, e.p95_ratio
        ));
    }
    for (format, export) in [
        ("NDJSON", &results.export_all_ndjson),
        ("CSV", &results.export_all_csv),
    ] {
        let mb = |bytes: u64| bytes as f64 / 1e6;
        out.push_str(&format!(
            "\nExport of every article as {format}: {} lines, {:.0} MB in {:.1} s \
             ({:.0} MB/s); server memory {:.0} MB before, {:.0} MB at most during, {:.0} MB after.\n",
            export.articles,
            mb(export.bytes),
            export.seconds,
            mb(export.bytes) / export.seconds,
            mb(export.rss_before_bytes),
            mb(export.rss_peak_bytes),
            mb(export.rss_after_bytes),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_percent_encoded() {
        assert_eq!(encode_segment("Volodymyr Zelensky"), "Volodymyr%20Zelensky");
        assert_eq!(encode_segment("a/b"), "a%2Fb");
        assert_eq!(encode_segment("Zelenskyy-é"), "Zelenskyy-%C3%A9");
    }
}
