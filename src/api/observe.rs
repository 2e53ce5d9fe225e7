//! What the server reports about each request: one log line, and its
//! series; and the series themselves at `GET /metrics`.
//!
//! [`observe`] wraps every request. It opens the request's span (method and
//! route), so that whatever a handler logs says which request it served,
//! and when the answer is ready it logs one line with route, method, status
//! and latency, and counts the request in the application's
//! [`Metrics`](super::metrics::Metrics).

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::error::ApiError;
use super::metrics::OPENMETRICS;
use super::state::AppState;

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
    use crate::api::router::router;

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
        let app = router(AppState::for_tests(4));
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
        let state = AppState::for_tests(0);
        let app = router(state.clone());
        let (queue, _) = state.queues();
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
