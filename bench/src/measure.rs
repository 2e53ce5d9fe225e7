//! Measuring: commands run in a child process for their wall time and peak
//! memory, and query sets driven at several concurrency levels for their
//! latencies and throughput.

use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use crate::query::{Answer, Client, Query};

/// What running a command cost.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Measured {
    pub seconds: f64,
    /// The command's peak resident memory (`ru_maxrss`).
    pub peak_rss_bytes: u64,
}

/// Runs `command` in a child of a fresh `newsdesk-bench measure` process,
/// so that the resource usage of its children is exactly the command's.
/// Fails when the command fails.
pub fn measured(command: &Command, work: &Path) -> anyhow::Result<Measured> {
    let report = work.join(format!("measure-{}.json", std::process::id()));
    let mut wrapper = Command::new(std::env::current_exe()?);
    wrapper
        .arg("measure")
        .arg("--report")
        .arg(&report)
        .arg("--")
        .arg(command.get_program())
        .args(command.get_args());
    for (key, value) in command.get_envs() {
        match value {
            Some(value) => wrapper.env(key, value),
            None => wrapper.env_remove(key),
        };
    }
    let status = wrapper
        .status()
        .context("could not start the measuring process")?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    let text = std::fs::read_to_string(&report)?;
    std::fs::remove_file(&report)?;
    Ok(serde_json::from_str(&text)?)
}

/// The body of `newsdesk-bench measure`: runs `program` and writes what it
/// cost to `report`; exits as the program did.
pub fn measure_child(report: &Path, program: &str, args: &[String]) -> anyhow::Result<i32> {
    let started = Instant::now();
    let status = Command::new(program)
        .args(args)
        .status()
        .with_context(|| format!("could not run {program}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)?;
    // Linux reports kilobytes.
    let peak_rss_bytes = u64::try_from(usage.max_rss()).unwrap_or(0) * 1024;
    std::fs::write(
        report,
        serde_json::to_string(&Measured {
            seconds,
            peak_rss_bytes,
        })?,
    )?;
    Ok(status.code().unwrap_or(1))
}

/// The peak resident memory of a running process (`VmHWM`).
pub fn peak_rss_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status_bytes(&status, "VmHWM")
}

/// A memory field of a `/proc/PID/status` text (`VmRSS:   1234 kB`), in
/// bytes.
pub fn status_bytes(status: &str, field: &str) -> Option<u64> {
    let line = status.lines().find(|l| {
        l.strip_prefix(field)
            .is_some_and(|rest| rest.starts_with(':'))
    })?;
    let kilobytes: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kilobytes * 1024)
}

/// The latencies and throughput of one concurrency level.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Level {
    pub clients: usize,
    pub requests: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    /// Requests answered per second of wall time, all clients together.
    pub qps: f64,
}

/// What driving a query set gave.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct QueryRun {
    pub levels: Vec<Level>,
    /// The total each query found, from the warm-up pass, in query order.
    pub totals: Vec<u64>,
    /// Peak resident memory of the engine while answering, where known.
    #[serde(default)]
    pub peak_rss_bytes: Option<u64>,
}

/// Runs `queries` once to warm up (keeping each total), then at each level
/// of `clients`: that many threads, each with its own client, take the next
/// query until all are answered.
pub fn drive<'a>(
    client: &(dyn Fn() -> anyhow::Result<Box<dyn Client + Send + 'a>> + Sync),
    queries: &[Query],
    clients: &[usize],
) -> anyhow::Result<QueryRun> {
    let mut warm = client()?;
    let mut totals = Vec::with_capacity(queries.len());
    for query in queries {
        let answer: Answer = warm
            .search(query)
            .with_context(|| format!("query {:?}", query.text()))?;
        totals.push(answer.total);
    }
    drop(warm);

    let mut levels = Vec::with_capacity(clients.len());
    for &count in clients {
        let next = AtomicUsize::new(0);
        let latencies: Mutex<Vec<Duration>> = Mutex::new(Vec::with_capacity(queries.len()));
        let mut connections = Vec::with_capacity(count);
        for _ in 0..count {
            connections.push(client()?);
        }
        let started = Instant::now();
        std::thread::scope(|scope| -> anyhow::Result<()> {
            let workers: Vec<_> = connections
                .into_iter()
                .map(|mut connection| {
                    let (next, latencies) = (&next, &latencies);
                    scope.spawn(move || -> anyhow::Result<()> {
                        let mut own = Vec::new();
                        loop {
                            let at = next.fetch_add(1, Ordering::Relaxed);
                            let Some(query) = queries.get(at) else { break };
                            let sent = Instant::now();
                            connection.search(query)?;
                            own.push(sent.elapsed());
                        }
                        latencies
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .extend(own);
                        Ok(())
                    })
                })
                .collect();
            for worker in workers {
                worker
                    .join()
                    .map_err(|_| anyhow::anyhow!("a client thread panicked"))??;
            }
            Ok(())
        })?;
        let wall = started.elapsed().as_secs_f64();
        let mut latencies = latencies
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        latencies.sort();
        levels.push(Level {
            clients: count,
            requests: latencies.len(),
            p50_ms: percentile(&latencies, 0.50),
            p95_ms: percentile(&latencies, 0.95),
            p99_ms: percentile(&latencies, 0.99),
            mean_ms: latencies.iter().map(Duration::as_secs_f64).sum::<f64>() * 1000.0
                / latencies.len().max(1) as f64,
            qps: latencies.len() as f64 / wall,
        });
    }
    Ok(QueryRun {
        levels,
        totals,
        peak_rss_bytes: None,
    })
}

/// The nearest-rank percentile of sorted latencies, in milliseconds.
pub fn percentile(sorted: &[Duration], fraction: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

/// The size of a file, or of everything under a folder.
pub fn disk_bytes(path: &Path) -> u64 {
    let Ok(metadata) = std::fs::metadata(path) else {
        return 0;
    };
    if metadata.is_file() {
        return metadata.len();
    }
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| disk_bytes(&entry.path()))
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let ms: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&ms, 0.50), 50.0);
        assert_eq!(percentile(&ms, 0.99), 99.0);
        assert_eq!(percentile(&ms[..1], 0.99), 1.0);
        assert_eq!(percentile(&[], 0.5), 0.0);
    }
}
