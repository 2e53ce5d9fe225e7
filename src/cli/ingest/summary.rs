//! The closing summary of `newsdesk ingest`: warnings (the first few),
//! rejections with their file and line, files passed over, and the counts.

use std::io::Write;

use crate::ingest::Report;

/// Warnings beyond this many are counted, not listed.
const MAX_WARNINGS_SHOWN: usize = 20;

/// The warnings, rejections and counts of a run; `destination` is the index
/// folder or the server.
pub fn print(report: &Report, destination: &str, seconds: f64) {
    let stderr = std::io::stderr();
    let mut err = stderr.lock();
    for warning in report.warnings.iter().take(MAX_WARNINGS_SHOWN) {
        let _ = writeln!(err, "warning: {warning}");
    }
    if report.warnings.len() > MAX_WARNINGS_SHOWN {
        let _ = writeln!(
            err,
            "warning: … and {} more warnings",
            report.warnings.len() - MAX_WARNINGS_SHOWN
        );
    }
    for rejection in &report.rejected {
        let _ = writeln!(err, "rejected: {rejection}");
    }
    let skipped: usize = report.skipped.values().sum();
    if skipped > 0 {
        let kinds: Vec<String> = report
            .skipped
            .iter()
            .map(|(extension, count)| format!("{count} {extension}"))
            .collect();
        let _ = writeln!(
            err,
            "skipped {skipped} file{} that newsdesk does not read ({})",
            plural(skipped),
            kinds.join(", ")
        );
    }
    let appended = if report.appended > 0 {
        format!(" ({} of them split off aggregator pages)", report.appended)
    } else {
        String::new()
    };
    println!(
        "read {} item{} in {seconds:.1} s into {destination}: {} indexed (new), {} replaced, {} rejected{appended}",
        report.read,
        plural(report.read),
        report.indexed,
        report.replaced,
        report.rejected.len()
    );
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
