//! `newsdesk-bench soak-check`: a server checked against what a soak left,
//! after a restart, say.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use serde::Deserialize;

use super::ledger::Expectations;
use super::report::{ArticleSummary, print_verdict};
use super::session::Session;
use super::verify::verify;

/// What a soak left, as its JSON report has it.
#[derive(Debug, Deserialize)]
struct Left {
    articles: ArticleSummary,
    expected: Expectations,
}

/// Checks a server against what a soak left (after a restart, say): the
/// same number of articles, every acknowledged one there with its last
/// title, every deleted one gone. Prints what it found; returns why it
/// failed.
pub fn check(
    url: &str,
    key: Option<&str>,
    report: &Path,
    threads: usize,
) -> anyhow::Result<Vec<String>> {
    let left: Left = serde_json::from_str(
        &std::fs::read_to_string(report).with_context(|| format!("{}", report.display()))?,
    )
    .with_context(|| format!("{}: not a soak report", report.display()))?;
    let base = url.trim_end_matches('/');
    let started = Instant::now();
    let now = Session::new(base, key, started).stats()?;
    let (verified, tally) = verify(base, key, threads, &left.expected, started)?;
    let mut failures = Vec::new();
    // Writes whose outcome was not known may have landed since.
    if now != left.articles.at_end && left.articles.uncertain == 0 {
        failures.push(format!(
            "{now} articles in the index, where the soak left {}",
            left.articles.at_end
        ));
    }
    for (count, what) in [
        (verified.lost, "acknowledged articles lost"),
        (verified.deleted_but_present, "deleted articles back"),
        (verified.stale, "articles showing an older title"),
        (
            tally.server_errors + tally.overloaded + tally.unexpected + tally.transport_errors,
            "requests not answered with 200 or 404",
        ),
    ] {
        if count > 0 {
            failures.push(format!("{count} {what}"));
        }
    }
    println!(
        "soak-check: {now} articles in the index (the soak left {}); checked {}: acknowledged \
         articles lost: {}; deleted but present: {}; stale titles: {}",
        left.articles.at_end,
        verified.checked,
        verified.lost,
        verified.deleted_but_present,
        verified.stale
    );
    for sample in tally.samples() {
        println!("  {sample}");
    }
    print_verdict(&failures);
    Ok(failures)
}
