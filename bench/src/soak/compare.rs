//! `newsdesk-bench soak-compare`: two soaks of one server side by side, one
//! with reads only (`--write-share 0`) and one mixing writes in, with the
//! ratios of the second to the first and, when asked, the targets the mixed
//! one is held to.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};

use super::report::ArticleSummary;
use crate::report::thousands;

/// Mixed searches a second: at least this share of those with reads only.
const MIN_THROUGHPUT_RATIO: f64 = 0.7;
/// Mixed search p99: at most this many times that with reads only.
const MAX_P99_RATIO: f64 = 3.0;
/// The median time to the answer of a post, which acknowledges the articles
/// (committed and searchable): under this.
const MAX_POST_P50_MS: f64 = 100.0;

/// The writes, in the order the table shows them.
const WRITES: [&str; 3] = ["post", "replace", "delete"];

/// The parts of a soak's JSON report the comparison reads.
#[derive(Debug, Deserialize)]
struct Soaked {
    clients: usize,
    write_share: f64,
    seconds: f64,
    requests: BTreeMap<String, Latencies>,
    overloaded: u64,
    server_errors: u64,
    rss: Option<Growth>,
    max_rss_growth: f64,
    articles: ArticleSummary,
    failures: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Latencies {
    requests: u64,
    statuses: BTreeMap<u16, u64>,
    p50_ms: f64,
    p95_ms: f64,
    p99_ms: f64,
}

#[derive(Debug, Deserialize)]
struct Growth {
    growth: f64,
}

/// The latencies of one kind of request.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Percentiles {
    pub requests: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
}

impl Percentiles {
    fn of(latencies: &Latencies) -> Option<Percentiles> {
        (latencies.requests > 0).then_some(Percentiles {
            requests: latencies.requests,
            p50_ms: latencies.p50_ms,
            p95_ms: latencies.p95_ms,
            p99_ms: latencies.p99_ms,
        })
    }
}

/// One soak, as the comparison shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Side {
    /// Its JSON report.
    pub report: String,
    pub clients: usize,
    pub write_share: f64,
    /// How long its clients ran.
    pub seconds: f64,
    /// Searches answered with 200.
    pub searches: u64,
    pub searches_per_second: f64,
    pub search: Option<Percentiles>,
    /// Single articles opened during the run.
    pub view: Option<Percentiles>,
    /// Time to the answer, which acknowledges the write, by kind (`post`,
    /// `replace`, `delete`); only the kinds the soak sent.
    pub writes: BTreeMap<String, Percentiles>,
    /// All 5xx answers, 503s included.
    pub server_errors: u64,
    /// Acknowledged articles lost, during the run and at its end.
    pub lost: u64,
    /// Resident memory at the end over that after the warm-up; `None` when
    /// it was not sampled.
    pub rss_growth: Option<f64>,
    /// The largest growth the soak itself passes.
    pub max_rss_growth: f64,
    /// Whether the soak passed its own checks.
    pub passed: bool,
}

impl Side {
    fn of(report: String, soaked: &Soaked) -> Side {
        let search = soaked.requests.get("search");
        let searches = search.map_or(0, |s| s.statuses.get(&200).copied().unwrap_or(0));
        let writes = WRITES
            .iter()
            .filter_map(|&kind| {
                let percentiles = Percentiles::of(soaked.requests.get(kind)?)?;
                Some((kind.to_owned(), percentiles))
            })
            .collect();
        Side {
            report,
            clients: soaked.clients,
            write_share: soaked.write_share,
            seconds: soaked.seconds,
            searches,
            searches_per_second: if soaked.seconds > 0.0 {
                searches as f64 / soaked.seconds
            } else {
                0.0
            },
            search: search.and_then(Percentiles::of),
            view: soaked.requests.get("get").and_then(Percentiles::of),
            writes,
            server_errors: soaked.server_errors + soaked.overloaded,
            lost: soaked.articles.lost(),
            rss_growth: soaked.rss.as_ref().map(|rss| rss.growth),
            max_rss_growth: soaked.max_rss_growth,
            passed: soaked.failures.is_empty(),
        }
    }

    fn search_p99_ms(&self) -> Option<f64> {
        self.search.map(|s| s.p99_ms)
    }

    fn write_p50_ms(&self, kind: &str) -> Option<f64> {
        self.writes.get(kind).map(|w| w.p50_ms)
    }

    fn memory_within_limit(&self) -> bool {
        self.rss_growth
            .is_some_and(|growth| growth <= self.max_rss_growth)
    }
}

/// One target, and what the soaks gave.
#[derive(Debug, Clone, Serialize)]
pub struct Target {
    pub target: String,
    pub found: String,
    pub met: bool,
}

/// The two soaks side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub reads: Side,
    pub mixed: Side,
    /// Mixed searches a second over those with reads only.
    pub search_throughput_ratio: Option<f64>,
    /// Mixed search p99 over that with reads only.
    pub search_p99_ratio: Option<f64>,
    /// The targets, when they were checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<Target>>,
}

/// Reads the two reports and sets them side by side; with `check_targets`,
/// checks the targets too.
pub fn compare(reads: &Path, mixed: &Path, check_targets: bool) -> anyhow::Result<Comparison> {
    let read = |path: &Path| -> anyhow::Result<Side> {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
        let soaked: Soaked = serde_json::from_str(&text)
            .with_context(|| format!("{}: not a soak report", path.display()))?;
        Ok(Side::of(path.display().to_string(), &soaked))
    };
    let reads_only = read(reads)?;
    if reads_only.write_share > 0.0 {
        bail!(
            "{}: a soak with {:.0}% writes, not reads only (--write-share 0)",
            reads.display(),
            reads_only.write_share * 100.0
        );
    }
    Ok(Comparison::of(reads_only, read(mixed)?, check_targets))
}

fn ratio(of: Option<f64>, to: Option<f64>) -> Option<f64> {
    match (of, to) {
        (Some(of), Some(to)) if to > 0.0 => Some(of / to),
        _ => None,
    }
}

impl Comparison {
    fn of(reads: Side, mixed: Side, check_targets: bool) -> Comparison {
        let mut comparison = Comparison {
            search_throughput_ratio: ratio(
                Some(mixed.searches_per_second),
                Some(reads.searches_per_second),
            ),
            search_p99_ratio: ratio(mixed.search_p99_ms(), reads.search_p99_ms()),
            reads,
            mixed,
            targets: None,
        };
        if check_targets {
            comparison.targets = Some(comparison.check());
        }
        comparison
    }

    /// The targets, each met or not.
    fn check(&self) -> Vec<Target> {
        let (reads, mixed) = (&self.reads, &self.mixed);
        let both =
            |of: fn(&Side) -> String| format!("reads only {}, mixed {}", of(reads), of(mixed));
        let post_p50 = mixed.write_p50_ms("post");
        vec![
            Target {
                target: format!(
                    "mixed search throughput ≥ {:.0}% of reads only",
                    MIN_THROUGHPUT_RATIO * 100.0
                ),
                found: match self.search_throughput_ratio {
                    Some(ratio) => format!(
                        "{:.1}/s against {:.1}/s: {:.0}%",
                        mixed.searches_per_second,
                        reads.searches_per_second,
                        ratio * 100.0
                    ),
                    None => "no search answered with reads only".to_owned(),
                },
                met: self
                    .search_throughput_ratio
                    .is_some_and(|ratio| ratio >= MIN_THROUGHPUT_RATIO),
            },
            Target {
                target: format!("mixed search p99 ≤ {MAX_P99_RATIO}× reads only"),
                found: match (mixed.search_p99_ms(), reads.search_p99_ms()) {
                    (Some(of), Some(to)) => format!(
                        "{} ms against {} ms: {}",
                        ms(of),
                        ms(to),
                        times(self.search_p99_ratio)
                    ),
                    _ => "a run without searches".to_owned(),
                },
                met: self
                    .search_p99_ratio
                    .is_some_and(|ratio| ratio <= MAX_P99_RATIO),
            },
            Target {
                target: format!("write acknowledgement p50 < {MAX_POST_P50_MS:.0} ms (posts)"),
                found: WRITES
                    .iter()
                    .map(|&kind| {
                        let p50 = mixed.write_p50_ms(kind);
                        format!(
                            "{kind} {}",
                            p50.map_or("–".to_owned(), |p| format!("{} ms", ms(p)))
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
                met: post_p50.is_some_and(|p50| p50 < MAX_POST_P50_MS),
            },
            Target {
                target: "no 5xx (both runs)".to_owned(),
                found: both(|side| side.server_errors.to_string()),
                met: reads.server_errors == 0 && mixed.server_errors == 0,
            },
            Target {
                target: "no acknowledged article lost (both runs)".to_owned(),
                found: both(|side| side.lost.to_string()),
                met: reads.lost == 0 && mixed.lost == 0,
            },
            Target {
                target: "resident memory growth within the soak's limit (both runs)".to_owned(),
                found: both(|side| match side.rss_growth {
                    Some(growth) => format!("{growth:.2}× (limit {:.2}×)", side.max_rss_growth),
                    None => "not sampled".to_owned(),
                }),
                met: reads.memory_within_limit() && mixed.memory_within_limit(),
            },
        ]
    }

    /// The targets missed (none when they were not checked).
    pub fn missed(&self) -> usize {
        self.targets
            .iter()
            .flatten()
            .filter(|target| !target.met)
            .count()
    }

    /// The table, and the targets when checked, for a person.
    // Long: one table, a row after another in the order printed; split, its
    // rows would lose the column widths they share.
    pub fn render(&self) -> String {
        let (reads, mixed) = (&self.reads, &self.mixed);
        let mut out = String::new();
        let _ = writeln!(
            out,
            "soak-compare: reads only ({}, {:.0} s) and mixed, {:.0}% writes ({}, {:.0} s), {} clients",
            reads.report,
            reads.seconds,
            mixed.write_share * 100.0,
            mixed.report,
            mixed.seconds,
            mixed.clients
        );
        let _ = writeln!(
            out,
            "{:<34} {:>14} {:>16} {:>14}",
            "", "reads only", "mixed", "mixed ÷ reads"
        );
        let mut line = |label: &str, of: &dyn Fn(&Side) -> String, ratio: String| {
            let text = format!(
                "{label:<34} {:>14} {:>16} {ratio:>14}",
                of(reads),
                of(mixed)
            );
            let _ = writeln!(out, "{}", text.trim_end());
        };
        line(
            "searches completed",
            &|side| thousands(side.searches),
            String::new(),
        );
        line(
            "searches a second",
            &|side| format!("{:.1}", side.searches_per_second),
            times(self.search_throughput_ratio),
        );
        line(
            "search p50 ms",
            &|side| latency(side.search, |p| p.p50_ms),
            String::new(),
        );
        line(
            "search p95 ms",
            &|side| latency(side.search, |p| p.p95_ms),
            String::new(),
        );
        line(
            "search p99 ms",
            &|side| latency(side.search, |p| p.p99_ms),
            times(self.search_p99_ratio),
        );
        line(
            "article view p99 ms",
            &|side| latency(side.view, |p| p.p99_ms),
            String::new(),
        );
        for kind in WRITES {
            line(
                &format!("{kind} acknowledged p50 / p99 ms"),
                &|side| match side.writes.get(kind) {
                    Some(w) => format!("{} / {}", ms(w.p50_ms), ms(w.p99_ms)),
                    None => "–".to_owned(),
                },
                String::new(),
            );
        }
        line(
            "5xx answers",
            &|side| thousands(side.server_errors),
            String::new(),
        );
        line(
            "acknowledged articles lost",
            &|side| thousands(side.lost),
            String::new(),
        );
        line(
            "resident memory growth",
            &|side| {
                side.rss_growth
                    .map_or("not sampled".to_owned(), |g| format!("{g:.2}×"))
            },
            String::new(),
        );
        line(
            "the soak's own checks",
            &|side| if side.passed { "PASS" } else { "FAIL" }.to_owned(),
            String::new(),
        );
        if let Some(targets) = &self.targets {
            let _ = writeln!(out, "targets:");
            for target in targets {
                let verdict = if target.met { "met" } else { "NOT MET" };
                let _ = writeln!(out, "  {verdict:<7}  {}: {}", target.target, target.found);
            }
            match self.missed() {
                0 => {
                    let _ = writeln!(out, "targets: all {} met", targets.len());
                }
                missed => {
                    let _ = writeln!(out, "targets: {missed} of {} not met", targets.len());
                }
            }
        }
        out
    }
}

/// A latency of a kind of request, or `–` when there was none.
fn latency(percentiles: Option<Percentiles>, of: fn(Percentiles) -> f64) -> String {
    percentiles.map_or("–".to_owned(), |p| ms(of(p)))
}

/// Milliseconds, to a tenth.
fn ms(value: f64) -> String {
    format!("{value:.1}")
}

/// A ratio, as `1.23×`; `–` when there is none.
fn times(ratio: Option<f64>) -> String {
    ratio.map_or("–".to_owned(), |r| format!("{r:.2}×"))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// A soak's report, as far as the comparison reads it.
    fn report(write_share: f64, searches: u64, search_p99_ms: f64, post_p50_ms: f64) -> Value {
        let kind = |requests: u64, p50_ms: f64, p99_ms: f64| {
            json!({
                "requests": requests, "statuses": {"200": requests}, "transport_errors": 0,
                "p50_ms": p50_ms, "p95_ms": p99_ms / 2.0, "p99_ms": p99_ms, "max_ms": p99_ms
            })
        };
        let mut requests = json!({
            "search": kind(searches, 10.0, search_p99_ms),
            "get": kind(searches / 9, 8.0, 30.0),
        });
        if write_share > 0.0 {
            requests["post"] = kind(50, post_p50_ms, 250.0);
            requests["replace"] = kind(25, 80.0, 200.0);
            requests["delete"] = kind(25, 40.0, 150.0);
        }
        json!({
            "url": "http://127.0.0.1:8080", "clients": 8, "write_share": write_share,
            "seconds": 20.0, "requests": requests,
            "overloaded": 0, "server_errors": 0, "unexpected": 0, "transport_errors": 0,
            "error_samples": [],
            "rss": {"growth": 1.1, "start_bytes": 100, "end_bytes": 110},
            "max_rss_growth": 1.5, "server_exited": false,
            "articles": {
                "at_start": 10000, "at_end": 10040, "posted": 60, "replaced": 25,
                "deleted": 20, "uncertain": 0, "lost_during_run": 0, "stale_during_run": 0,
                "verified": {"checked": 60, "lost": 0, "deleted_but_present": 0, "stale": 0, "unanswered": 0}
            },
            "expected": {"present": [], "absent": []},
            "failures": []
        })
    }

    fn side(report: Value) -> Side {
        let soaked: Soaked = serde_json::from_value(report).unwrap();
        Side::of("soak.json".to_owned(), &soaked)
    }

    fn missed(comparison: &Comparison) -> Vec<&str> {
        comparison
            .targets
            .iter()
            .flatten()
            .filter(|target| !target.met)
            .map(|target| target.target.as_str())
            .collect()
    }

    #[test]
    fn a_mixed_soak_close_to_the_reads_only_one_meets_every_target() {
        let reads = side(report(0.0, 10_000, 40.0, 0.0));
        assert_eq!(reads.searches, 10_000);
        assert_eq!(reads.searches_per_second, 500.0);
        assert!(reads.writes.is_empty());
        let mixed = side(report(0.1, 8_000, 110.0, 70.0));
        let comparison = Comparison::of(reads, mixed, true);
        assert_eq!(comparison.search_throughput_ratio, Some(0.8));
        assert_eq!(comparison.search_p99_ratio, Some(2.75));
        assert_eq!(missed(&comparison), Vec::<&str>::new());
        assert_eq!(comparison.missed(), 0);
        let table = comparison.render();
        assert!(table.contains("targets: all 6 met"), "{table}");
        assert!(table.contains("70.0 / 250.0"), "{table}");
    }

    #[test]
    fn a_mixed_soak_with_too_few_searches_misses_the_throughput_target() {
        let reads = side(report(0.0, 10_000, 40.0, 0.0));
        let mixed = side(report(0.1, 6_000, 110.0, 70.0));
        let comparison = Comparison::of(reads, mixed, true);
        assert_eq!(
            missed(&comparison),
            vec!["mixed search throughput ≥ 70% of reads only"]
        );
        assert!(comparison.render().contains("targets: 1 of 6 not met"));
        // Without --targets the same two only make a table.
        let unchecked = Comparison::of(comparison.reads, comparison.mixed, false);
        assert_eq!(unchecked.missed(), 0);
        assert!(!unchecked.render().contains("targets"));
    }

    #[test]
    fn failures_of_either_soak_miss_their_targets() {
        let mut failing = report(0.1, 8_000, 110.0, 150.0);
        failing["server_errors"] = json!(2);
        failing["overloaded"] = json!(1);
        failing["articles"]["lost_during_run"] = json!(1);
        failing["rss"]["growth"] = json!(1.8);
        failing["failures"] = json!(["2 5xx answers (503 aside)"]);
        let mixed = side(failing);
        assert_eq!(
            (mixed.server_errors, mixed.lost, mixed.passed),
            (3, 1, false)
        );
        let comparison = Comparison::of(side(report(0.0, 10_000, 40.0, 0.0)), mixed, true);
        assert_eq!(comparison.missed(), 4);
        // Posts too slow: the one write target, whatever replacements do.
        assert!(missed(&comparison).contains(&"write acknowledgement p50 < 100 ms (posts)"));
    }
}
