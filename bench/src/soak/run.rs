//! The soak itself: the clients and the memory watcher until the time is
//! up, then the final check and the report.

use std::sync::atomic::{AtomicBool, AtomicUsize};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::bail;

use super::client::{Shared, client};
use super::ledger::Ledger;
use super::memory::{summarize_rss, watch};
use super::plan::Plan;
use super::report::{ArticleSummary, Report, failures};
use super::session::Session;
use super::tally::Tally;
use super::verify::{Verified, verify};

/// The longest warm-up before memory counts as "at start"; shorter runs
/// warm up for a tenth of their time.
const MAX_WARM_UP: Duration = Duration::from_secs(30);

/// Runs the soak: the clients until the time is up, then the final check.
pub fn run(plan: &Plan) -> anyhow::Result<Report> {
    if plan.queries.is_empty() {
        bail!("no queries to send");
    }
    if !(0.0..=1.0).contains(&plan.write_share) {
        bail!("--write-share is a fraction from 0 to 1");
    }
    if plan.write_share > 0.0 && plan.articles.is_empty() {
        bail!("no articles to post: give --articles, or --write-share 0");
    }
    let base = plan.url.trim_end_matches('/');
    let started = Instant::now();
    let at_start = Session::new(base, plan.api_key.as_deref(), started).stats()?;
    let shared = Shared {
        plan,
        base,
        started,
        deadline: started + plan.duration,
        stop: AtomicBool::new(false),
        next_article: AtomicUsize::new(0),
    };
    let (done, watching) = mpsc::channel::<()>();
    let (ran, watched) = std::thread::scope(|scope| {
        let shared = &shared;
        let watcher = plan
            .pid
            .map(|pid| scope.spawn(move || watch(pid, started, watching, &shared.stop)));
        let clients: Vec<_> = (0..plan.clients)
            .map(|number| scope.spawn(move || client(shared, number)))
            .collect();
        let ran: Vec<_> = clients.into_iter().map(|c| c.join()).collect();
        drop(done);
        (ran, watcher.map(|w| w.join()))
    });
    let seconds = started.elapsed().as_secs_f64();
    let mut tally = Tally::default();
    let mut ledger = Ledger::default();
    for result in ran {
        let (their_tally, their_ledger) =
            result.map_err(|_| anyhow::anyhow!("a client thread panicked"))?;
        tally.merge(their_tally);
        ledger.merge(their_ledger);
    }
    let (samples, server_exited) = match watched {
        Some(result) => result.map_err(|_| anyhow::anyhow!("the memory thread panicked"))?,
        None => (Vec::new(), false),
    };
    let warm_up = (plan.duration / 10).min(MAX_WARM_UP);
    let rss = summarize_rss(samples, warm_up);

    let expected = ledger.expectations();
    let mut probe = Session::new(base, plan.api_key.as_deref(), started);
    let at_end = if server_exited { 0 } else { probe.stats()? };
    let (verified, checking) = if server_exited {
        (Verified::default(), Tally::default())
    } else {
        verify(
            base,
            plan.api_key.as_deref(),
            plan.clients,
            &expected,
            started,
        )?
    };
    tally.merge(checking);

    let articles = ArticleSummary {
        at_start,
        at_end,
        posted: ledger.posted,
        replaced: ledger.replaced,
        deleted: ledger.deleted,
        uncertain: ledger.uncertain_count(),
        lost_during_run: ledger.lost,
        stale_during_run: ledger.stale,
        verified,
    };
    let mut report = Report {
        url: base.to_owned(),
        clients: plan.clients,
        write_share: plan.write_share,
        seconds,
        requests: tally.summaries(),
        overloaded: tally.overloaded,
        server_errors: tally.server_errors,
        unexpected: tally.unexpected,
        transport_errors: tally.transport_errors,
        error_samples: tally.samples(),
        rss,
        max_rss_growth: plan.max_rss_growth,
        server_exited,
        articles,
        expected,
        failures: Vec::new(),
    };
    report.failures = failures(&report, plan);
    Ok(report)
}
