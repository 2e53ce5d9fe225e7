//! The kinds of request, and the answers of a client counted by kind and
//! status, with their latencies and the first few error messages.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use crate::measure::percentile;

/// Error messages kept for the report.
const SAMPLES: usize = 10;

/// One sort of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `GET /api/search` with a query of the set.
    Search,
    /// `GET /api/articles/{id}` of one of the client's live articles, or,
    /// when the soak writes nothing, of a hit of the client's last search.
    Get,
    /// `POST /api/articles` of one to three new articles.
    Post,
    /// `POST /api/articles` of one of the client's articles again, retitled.
    Replace,
    /// `DELETE /api/articles/{id}` of one of the client's articles.
    Delete,
    /// The final `GET /api/articles/{id}` of every article the soak wrote.
    Verify,
}

impl Kind {
    pub(super) fn name(self) -> &'static str {
        match self {
            Kind::Search => "search",
            Kind::Get => "get",
            Kind::Post => "post",
            Kind::Replace => "replace",
            Kind::Delete => "delete",
            Kind::Verify => "verify",
        }
    }

    /// The statuses that are answers: a 404 for an article the soak expects
    /// is a lost article, which the ledger counts.
    fn expected(self) -> &'static [u16] {
        match self {
            Kind::Search | Kind::Post | Kind::Replace => &[200],
            Kind::Get | Kind::Verify => &[200, 404],
            Kind::Delete => &[204, 404],
        }
    }
}

/// Every answer of one client, by kind and status.
#[derive(Debug, Default)]
pub(super) struct Tally {
    kinds: BTreeMap<Kind, KindTally>,
    /// 503s: the server said it was too busy (a full queue), or a request
    /// took longer than its timeout.
    pub(super) overloaded: u64,
    /// Other 5xx answers.
    pub(super) server_errors: u64,
    /// Other answers no request of the soak should get (a 401, a 400, a
    /// 200 whose body does not read).
    pub(super) unexpected: u64,
    pub(super) transport_errors: u64,
    /// The first few different messages of all of those, with when each
    /// first came (seconds into the soak).
    samples: Vec<(f64, String)>,
}

#[derive(Debug, Default)]
struct KindTally {
    statuses: BTreeMap<u16, u64>,
    transport_errors: u64,
    latencies: Vec<Duration>,
}

impl Tally {
    pub(super) fn answered(
        &mut self,
        kind: Kind,
        status: u16,
        latency: Duration,
        body: &str,
        at: f64,
    ) {
        let tally = self.kinds.entry(kind).or_default();
        *tally.statuses.entry(status).or_default() += 1;
        tally.latencies.push(latency);
        if kind.expected().contains(&status) {
            return;
        }
        match status {
            503 => self.overloaded += 1,
            500.. => self.server_errors += 1,
            _ => self.unexpected += 1,
        }
        self.sample(
            at,
            format!("{} answered {status}: {}", kind.name(), excerpt(body)),
        );
    }

    pub(super) fn failed(&mut self, kind: Kind, message: &str, at: f64) {
        self.kinds.entry(kind).or_default().transport_errors += 1;
        self.transport_errors += 1;
        self.sample(at, format!("{} failed: {message}", kind.name()));
    }

    /// A 200 whose body is not what the API documents.
    pub(super) fn unreadable(&mut self, kind: Kind, error: &serde_json::Error, at: f64) {
        self.unexpected += 1;
        self.sample(
            at,
            format!(
                "{} answered 200 with a body that does not read: {error}",
                kind.name()
            ),
        );
    }

    fn sample(&mut self, at: f64, message: String) {
        if self.samples.len() < SAMPLES && !self.samples.iter().any(|(_, m)| *m == message) {
            self.samples.push((at, message));
        }
    }

    /// The samples, earliest first, as the report shows them.
    pub(super) fn samples(&self) -> Vec<String> {
        self.samples
            .iter()
            .map(|(at, message)| format!("at {at:.1} s: {message}"))
            .collect()
    }

    pub(super) fn merge(&mut self, other: Tally) {
        for (kind, theirs) in other.kinds {
            let ours = self.kinds.entry(kind).or_default();
            for (status, count) in theirs.statuses {
                *ours.statuses.entry(status).or_default() += count;
            }
            ours.transport_errors += theirs.transport_errors;
            ours.latencies.extend(theirs.latencies);
        }
        self.overloaded += other.overloaded;
        self.server_errors += other.server_errors;
        self.unexpected += other.unexpected;
        self.transport_errors += other.transport_errors;
        // The earliest first, across clients.
        let mut samples = std::mem::take(&mut self.samples);
        samples.extend(other.samples);
        samples.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (at, message) in samples {
            self.sample(at, message);
        }
    }

    pub(super) fn summaries(&mut self) -> BTreeMap<Kind, KindSummary> {
        self.kinds
            .iter_mut()
            .map(|(kind, tally)| {
                tally.latencies.sort();
                (*kind, KindSummary::of(tally))
            })
            .collect()
    }
}

/// The start of a response body, on one line.
pub(super) fn excerpt(body: &str) -> String {
    let flat: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}

/// The requests of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct KindSummary {
    pub requests: u64,
    /// Answers by HTTP status.
    pub statuses: BTreeMap<u16, u64>,
    pub transport_errors: u64,
    /// Latencies of the answered requests, body read included.
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl KindSummary {
    /// Summarises a tally whose latencies are sorted.
    fn of(tally: &KindTally) -> KindSummary {
        let sorted = &tally.latencies;
        KindSummary {
            requests: tally.statuses.values().sum::<u64>() + tally.transport_errors,
            statuses: tally.statuses.clone(),
            transport_errors: tally.transport_errors,
            p50_ms: percentile(sorted, 0.50),
            p95_ms: percentile(sorted, 0.95),
            p99_ms: percentile(sorted, 0.99),
            max_ms: sorted.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_summaries_give_nearest_rank_percentiles_and_the_maximum() {
        let mut tally = Tally::default();
        for ms in (1..=200).rev() {
            tally.answered(Kind::Search, 200, Duration::from_millis(ms), "", 0.0);
        }
        tally.failed(Kind::Search, "connection refused", 1.0);
        let summary = &tally.summaries()[&Kind::Search];
        assert_eq!(summary.requests, 201);
        assert_eq!(summary.p50_ms, 100.0);
        assert_eq!(summary.p99_ms, 198.0);
        assert_eq!(summary.max_ms, 200.0);
        assert_eq!(summary.transport_errors, 1);
    }

    #[test]
    fn answers_are_sorted_into_overloaded_server_errors_and_unexpected() {
        let mut tally = Tally::default();
        let took = Duration::from_millis(1);
        tally.answered(Kind::Search, 503, took, "{\"error\": \"busy\"}", 1.0);
        tally.answered(Kind::Post, 500, took, "", 2.0);
        tally.answered(Kind::Post, 401, took, "", 3.0);
        // A 404 for an article is the ledger's to judge.
        tally.answered(Kind::Get, 404, took, "", 4.0);
        tally.answered(Kind::Delete, 204, took, "", 5.0);
        assert_eq!(
            (tally.overloaded, tally.server_errors, tally.unexpected),
            (1, 1, 1)
        );
        // The same message again is not kept twice.
        tally.answered(Kind::Post, 500, took, "", 6.0);
        let samples = tally.samples();
        assert_eq!(samples.len(), 3);
        assert!(samples[0].starts_with("at 1.0 s: search answered 503"));
    }
}
