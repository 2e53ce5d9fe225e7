//! What a soak found: the report (its JSON), why it failed, and the summary
//! printed for a person.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::ledger::Expectations;
use super::memory::RssSummary;
use super::plan::Plan;
use super::tally::{Kind, KindSummary};
use super::verify::Verified;

/// The soak's own articles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ArticleSummary {
    /// In the index (`/api/stats`) before the soak.
    pub at_start: u64,
    /// In the index when the clients had stopped.
    pub at_end: u64,
    /// Articles acknowledged as new.
    pub posted: u64,
    pub replaced: u64,
    pub deleted: u64,
    /// Articles whose last write failed, so that their state is not known:
    /// not checked for presence (a failed deletion) or title (a failed
    /// replacement).
    pub uncertain: u64,
    /// Went missing during the run (a 404, or a replacement answered as new).
    pub lost_during_run: u64,
    /// Reads during the run that showed an older title.
    pub stale_during_run: u64,
    /// The check at the end.
    pub verified: Verified,
}

impl ArticleSummary {
    /// Acknowledged articles lost, during the run and at the end.
    pub fn lost(&self) -> u64 {
        self.lost_during_run + self.verified.lost
    }
}

/// Everything a soak found.
#[derive(Debug, Serialize)]
pub struct Report {
    pub url: String,
    pub clients: usize,
    pub write_share: f64,
    /// How long the clients ran.
    pub seconds: f64,
    pub requests: BTreeMap<Kind, KindSummary>,
    pub overloaded: u64,
    pub server_errors: u64,
    pub unexpected: u64,
    pub transport_errors: u64,
    /// The first few of the above, earliest first.
    pub error_samples: Vec<String>,
    pub rss: Option<RssSummary>,
    /// The largest growth of resident memory that passes.
    pub max_rss_growth: f64,
    /// Whether the server's process went away during the run.
    pub server_exited: bool,
    pub articles: ArticleSummary,
    /// What the index must hold, for `soak-check`.
    pub expected: Expectations,
    /// Why the soak failed; empty when it passed.
    pub failures: Vec<String>,
}

pub(super) fn failures(report: &Report, plan: &Plan) -> Vec<String> {
    let mut failures = Vec::new();
    let mut fail_if = |count: u64, what: &str| {
        if count > 0 {
            failures.push(format!("{count} {what}"));
        }
    };
    fail_if(report.server_errors, "5xx answers (503 aside)");
    if !plan.allow_overload {
        fail_if(report.overloaded, "503 answers (overloaded)");
    }
    fail_if(report.transport_errors, "transport errors");
    fail_if(report.unexpected, "unexpected answers");
    let articles = &report.articles;
    fail_if(articles.lost(), "acknowledged articles lost");
    fail_if(
        articles.verified.deleted_but_present,
        "deleted articles still there",
    );
    fail_if(
        articles.stale_during_run + articles.verified.stale,
        "articles showing an older title than the last acknowledged",
    );
    if report.server_exited {
        failures.push("the server's process went away during the soak".to_owned());
    }
    if plan.write_share > 0.0 && articles.posted == 0 {
        failures.push("no article was acknowledged: the writes measured nothing".to_owned());
    }
    match &report.rss {
        Some(rss) if rss.growth > plan.max_rss_growth => failures.push(format!(
            "resident memory grew {:.2}× ({} → {} MB), more than {:.2}×",
            rss.growth,
            mb(rss.start_bytes),
            mb(rss.end_bytes),
            plan.max_rss_growth
        )),
        _ => {}
    }
    failures
}

fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

impl Report {
    /// The summary for a person.
    pub fn print(&self) {
        println!(
            "soak: {} clients for {:.0} s against {}, {:.0}% writes",
            self.clients,
            self.seconds,
            self.url,
            self.write_share * 100.0
        );
        println!(
            "{:<8} {:>9}  {:<28} {:>7} {:>8} {:>8} {:>8} {:>8}",
            "kind", "requests", "statuses", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms"
        );
        for (kind, summary) in &self.requests {
            let statuses: Vec<String> = summary
                .statuses
                .iter()
                .map(|(status, count)| format!("{status}×{count}"))
                .collect();
            println!(
                "{:<8} {:>9}  {:<28} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
                kind.name(),
                summary.requests,
                statuses.join(" "),
                summary.transport_errors,
                summary.p50_ms,
                summary.p95_ms,
                summary.p99_ms,
                summary.max_ms
            );
        }
        println!(
            "5xx (503 aside): {}; overloaded (503): {}; unexpected answers: {}; transport errors: {}",
            self.server_errors, self.overloaded, self.unexpected, self.transport_errors
        );
        for sample in &self.error_samples {
            println!("  {sample}");
        }
        match &self.rss {
            Some(rss) => println!(
                "memory (VmRSS, medians of {:.0} s windows): {} MB at start (after the warm-up), \
                 {} MB half-way, {} MB at end, {} MB at most: {:.2}×; \
                 heap (RssAnon): {} → {} → {} MB, {} MB at most",
                rss.warm_up_seconds,
                mb(rss.start_bytes),
                mb(rss.half_way_bytes),
                mb(rss.end_bytes),
                mb(rss.max_bytes),
                rss.growth,
                mb(rss.anon_start_bytes),
                mb(rss.anon_half_way_bytes),
                mb(rss.anon_end_bytes),
                mb(rss.anon_max_bytes)
            ),
            None => println!("memory: not sampled (give --pid)"),
        }
        let a = &self.articles;
        println!(
            "articles: {} in the index at start, {} at end; acknowledged: {} posted, {} replaced, {} deleted; {} uncertain",
            a.at_start, a.at_end, a.posted, a.replaced, a.deleted, a.uncertain
        );
        println!(
            "checked {} articles at the end: acknowledged articles lost: {} ({} during the run); \
             deleted but present: {}; stale titles: {}",
            a.verified.checked,
            a.lost(),
            a.lost_during_run,
            a.verified.deleted_but_present,
            a.stale_during_run + a.verified.stale
        );
        print_verdict(&self.failures);
    }
}

pub(super) fn print_verdict(failures: &[String]) {
    if failures.is_empty() {
        println!("PASS");
    } else {
        println!("FAIL: {}", failures.join("; "));
    }
}
