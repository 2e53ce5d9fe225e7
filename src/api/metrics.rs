//! The Prometheus series the server keeps about itself, one registry an
//! application ([`Metrics`]), so that two applications in one process (as
//! in the tests) count apart; `observe` feeds them and serves them at
//! `GET /metrics`.
//!
//! Labels are kept to bounded sets of values, since every new value is a
//! new series for Prometheus to keep: the route is the template a request
//! matched (`/api/articles/{id}`, never the id), and requests no route
//! matched share one label; methods outside the standard ones share one
//! too.

use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};

/// The route of searches, as `router` declares it, for the searches
/// counter.
const SEARCH_ROUTE: &str = "/api/search";

/// The route label of requests that matched no route. Their paths are
/// logged, but would make one series each.
const UNMATCHED: &str = "unmatched";

/// The upper bounds of the latency buckets, in seconds: from a lookup
/// answered in a millisecond to the default request timeout of 30 seconds.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// The content type of the OpenMetrics text format, which Prometheus asks
/// for first when it scrapes.
pub(super) const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

/// The outcomes of a search, by the status of its answer.
const SEARCH_OUTCOMES: [&str; 4] = ["ok", "invalid", "unavailable", "failed"];

/// The outcomes of an article sent with `POST /api/articles`.
const POST_OUTCOMES: [&str; 3] = ["indexed", "replaced", "rejected"];

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The server's series, and the registry that writes them out.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    searches: Family<OutcomeLabels, Counter>,
    posted: Family<OutcomeLabels, Counter>,
    deleted: Counter,
    commits: Counter,
    articles: Gauge,
    index_bytes: Gauge,
}

impl Metrics {
    /// The series of a server over an index on disk when `on_disk`, else
    /// one in memory, which has no size to report.
    pub fn new(on_disk: bool) -> Metrics {
        let mut registry = Registry::with_prefix("newsdesk");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "Requests answered, by route template (\"unmatched\" for paths no route \
             matched), method and status",
            requests.clone(),
        );
        let latency: LatencyFamily =
            Family::new_with_constructor(|| Histogram::new(LATENCY_BUCKETS));
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its answer, by route template",
            Unit::Seconds,
            latency.clone(),
        );
        let searches = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "searches",
            "Searches (GET /api/search), by outcome: ok, invalid (a 4xx), unavailable (a 503: \
             the queue was full or the search timed out) or failed",
            searches.clone(),
        );
        let posted = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "posted_articles",
            "Articles sent with POST /api/articles, by outcome: indexed (new), replaced (an \
             article with the same id) or rejected",
            posted.clone(),
        );
        let deleted = Counter::default();
        registry.register(
            "deleted_articles",
            "Articles deleted with DELETE /api/articles/{id}",
            deleted.clone(),
        );
        let commits = Counter::default();
        registry.register(
            "commits",
            "Commits of the index by the server: writes that arrive together share one",
            commits.clone(),
        );
        let articles = Gauge::default();
        registry.register(
            "index_articles",
            "Articles in the index, pages and the articles split off them alike",
            articles.clone(),
        );
        let index_bytes = Gauge::default();
        if on_disk {
            registry.register_with_unit(
                "index_size",
                "The size of the index folder's files",
                Unit::Bytes,
                index_bytes.clone(),
            );
        }
        // Series that exist from the start show as 0 rather than missing,
        // so that a rate over them is defined before the first event.
        for outcome in SEARCH_OUTCOMES {
            searches.get_or_create_owned(&OutcomeLabels { outcome });
        }
        for outcome in POST_OUTCOMES {
            posted.get_or_create_owned(&OutcomeLabels { outcome });
        }
        Metrics {
            registry,
            requests,
            latency,
            searches,
            posted,
            deleted,
            commits,
            articles,
            index_bytes,
        }
    }

    /// Counts an answered request. `route` is the template it matched, if
    /// any.
    pub(super) fn record(
        &self,
        route: Option<&str>,
        method: &'static str,
        status: u16,
        latency: Duration,
    ) {
        let route = route.unwrap_or(UNMATCHED);
        self.requests
            .get_or_create(&RequestLabels {
                route: route.to_string(),
                method,
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_string(),
            })
            .observe(latency.as_secs_f64());
        if route == SEARCH_ROUTE {
            let outcome = match status {
                200..=399 => "ok",
                503 => "unavailable",
                400..=499 => "invalid",
                _ => "failed",
            };
            self.searches
                .get_or_create(&OutcomeLabels { outcome })
                .inc();
        }
    }

    /// Counts the articles of one `POST /api/articles`.
    pub fn posted(&self, indexed: usize, replaced: usize, rejected: usize) {
        for (outcome, count) in [
            ("indexed", indexed),
            ("replaced", replaced),
            ("rejected", rejected),
        ] {
            self.posted
                .get_or_create(&OutcomeLabels { outcome })
                .inc_by(count as u64);
        }
    }

    /// The commits counter, for the committer to count with.
    pub(super) fn commits(&self) -> Counter {
        self.commits.clone()
    }

    /// Counts an article deleted.
    pub fn deleted(&self) {
        self.deleted.inc();
    }

    /// Every series in the OpenMetrics text format, with the index's
    /// article count and size as given.
    pub(super) fn render(
        &self,
        articles: u64,
        index_bytes: Option<u64>,
    ) -> Result<String, std::fmt::Error> {
        self.articles.set(saturating_i64(articles));
        if let Some(bytes) = index_bytes {
            self.index_bytes.set(saturating_i64(bytes));
        }
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

fn saturating_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
