//! What the server reports about itself: one log line per request, and the
//! Prometheus series at `GET /metrics`.
//!
//! [`observe`] wraps every request. It opens the request's span (method and
//! route), so that whatever a handler logs says which request it served,
//! and when the answer is ready it logs one line with route, method, status
//! and latency, and counts the request. The series live in [`Metrics`], one
//! registry an [`AppState`], so that two applications in one process (as in
//! the tests) count apart.
//!
//! Labels are kept to bounded sets of values, since every new value is a
//! new series for Prometheus to keep: the route is the template a request
//! matched (`/api/articles/{id}`, never the id), and requests no route
//! matched share one label; methods outside the standard ones share one
//! too.

use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::{Registry, Unit};
use tracing::Instrument;

use super::AppState;
use super::error::ApiError;

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
const OPENMETRICS: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

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
            articles,
            index_bytes,
        }
    }

    /// Counts an answered request. `route` is the template it matched, if
    /// any.
    fn record(&self, route: Option<&str>, method: &'static str, status: u16, latency: Duration) {
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

    /// Counts an article deleted.
    pub fn deleted(&self) {
        self.deleted.inc();
    }

    /// Every series in the OpenMetrics text format, with the index's
    /// article count and size as given.
    fn render(&self, articles: u64, index_bytes: Option<u64>) -> Result<String, std::fmt::Error> {
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

/// The method as a label: the standard methods by name, any other as
/// `other`, since a client may send any token.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Middleware around every route: the request's span, its one log line,
/// and its series. It must be the outermost layer, so that it sees the
/// final status (a timeout's 503, an error turned into JSON).
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(request.method());
    let matched = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string());
    // The log names what was asked for even when no route matched; a line
    // costs nothing once written, unlike a series. Paths are cut short, as
    // a client can send a very long one.
    let route = matched
        .clone()
        .unwrap_or_else(|| request.uri().path().chars().take(200).collect());
    let span = tracing::info_span!("request", method = %method, route = %route);
    let response = next.run(request).instrument(span).await;
    let latency = started.elapsed();
    let status = response.status().as_u16();
    // Milliseconds to the microsecond: finer is noise.
    let latency_ms = (latency.as_secs_f64() * 1e6).round() / 1e3;
    tracing::info!(route = %route, method = %method, status, latency_ms, "request");
    state
        .metrics()
        .record(matched.as_deref(), method, status, latency);
    response
}

/// `GET /metrics`. It reads the index on a blocking thread of its own
/// rather than through the search queue: a busy server is when its metrics
/// matter most.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    tag = "service",
    responses((
        status = 200,
        description = "Requests by route and status, latencies, searches, articles posted and \
                       deleted, the articles in the index and its size on disk, in the \
                       OpenMetrics text format (which Prometheus scrapes).",
        content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8",
        body = String
    ))
)]
pub async fn scrape(State(state): State<AppState>) -> Result<Response, ApiError> {
    let text = tokio::task::spawn_blocking(move || {
        let index = state.index();
        let size = index.size_on_disk().map_err(ApiError::internal)?;
        state
            .metrics()
            .render(index.num_articles(), size)
            .map_err(ApiError::internal)
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(([(header::CONTENT_TYPE, OPENMETRICS)], text).into_response())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::sync::{Arc, Mutex};

    use axum::body::Body;
    use axum::http::StatusCode;
    use tower::ServiceExt;
    use tracing::field::{Field, Visit};
    use tracing_subscriber::layer::{Context, SubscriberExt};

    use super::*;
    use crate::api::router;
    use crate::api::tests::state;

    /// The fields of each event at INFO or above, as text.
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<BTreeMap<String, String>>>>);

    struct Fields<'a>(&'a mut BTreeMap<String, String>);

    impl Visit for Fields<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.insert(field.name().to_string(), value.to_string());
        }

        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            self.0
                .insert(field.name().to_string(), format!("{value:?}"));
        }
    }

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            if *event.metadata().level() <= tracing::Level::INFO {
                let mut fields = BTreeMap::new();
                event.record(&mut Fields(&mut fields));
                self.0.lock().unwrap().push(fields);
            }
        }
    }

    #[tokio::test]
    async fn each_request_logs_one_line_with_its_route_template_method_status_and_latency() {
        // tracing decides, once for the whole process, whether each log
        // statement is wanted, the first time any thread runs it: when a
        // test without a subscriber gets there first, the line is dropped for
        // this test's subscriber too. A global subscriber that wants
        // everything (and writes nothing) keeps that from happening.
        static WANT_EVERYTHING: std::sync::Once = std::sync::Once::new();
        WANT_EVERYTHING.call_once(|| {
            let _ = tracing::subscriber::set_global_default(tracing_subscriber::registry());
        });
        let capture = Capture::default();
        let _guard =
            tracing::subscriber::set_default(tracing_subscriber::registry().with(capture.clone()));
        let app = router(state(4));
        let request = Request::get("/api/articles/no-such-id")
            .body(Body::empty())
            .unwrap();
        let response = app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);

        let lines = capture.0.lock().unwrap().clone();
        assert_eq!(lines.len(), 1, "{lines:?}");
        let line = &lines[0];
        assert_eq!(line["message"], "request");
        assert_eq!(line["route"], "/api/articles/{id}");
        assert_eq!(line["method"], "GET");
        assert_eq!(line["status"], "404");
        let latency: f64 = line["latency_ms"].parse().unwrap();
        assert!(latency >= 0.0, "{latency}");

        // A path no route matched is logged as it was asked for.
        let request = Request::get("/no/such/page").body(Body::empty()).unwrap();
        app.oneshot(request).await.unwrap();
        let lines = capture.0.lock().unwrap().clone();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[1]["route"], "/no/such/page");
    }

    #[tokio::test]
    async fn metrics_are_served_while_the_search_queue_is_full() {
        let state = state(0);
        let app = router(state.clone());
        let queue = &state.inner.search_queue;
        let _held = queue
            .try_acquire_many(u32::try_from(queue.available_permits()).unwrap())
            .unwrap();
        let scrape = Request::get("/metrics").body(Body::empty()).unwrap();
        let response = app.oneshot(scrape).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains("newsdesk_index_articles 0\n"), "{text}");
        // An index in memory has no size to report.
        assert!(!text.contains("newsdesk_index_size_bytes"), "{text}");
        assert!(text.ends_with("# EOF\n"), "{text}");
    }
}
