//! The HTTP API: the only part of newsdesk that knows HTTP.
//!
//! [`router`] builds the whole application from an [`AppState`], so tests
//! can drive it with `tower::ServiceExt::oneshot`; [`serve`] runs it on a
//! listener the caller has already bound, until a shutdown future resolves.
//!
//! Searches are CPU work: they run on tokio's blocking threads, at most one
//! per core at a time, so that slow queries cannot starve the async threads
//! that accept connections. Writes go through the one index writer, one
//! request at a time, and are committed before the response is sent: what a
//! `POST` acknowledges is durable and searchable.

mod articles;
mod auth;
pub mod client;
pub mod dto;
pub mod error;
pub mod export;
mod extract;
mod meta;
mod metrics;
mod openapi;
mod people;
mod search;
mod similar;
mod timeline;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use crate::index::{Indexer, NewsIndex};
pub use auth::ApiKey;
pub use error::ApiError;
use metrics::Metrics;

/// How much the server takes on, and from whom. [`Config::default`] is what
/// `newsdesk serve` uses unless told otherwise.
#[derive(Debug, Clone)]
pub struct Config {
    /// When set, `POST` and `DELETE` need `Authorization: Bearer KEY`; when
    /// not, they are accepted only from loopback addresses.
    pub api_key: Option<ApiKey>,
    /// Origins whose pages may call the API from a browser (`*` for any).
    /// Empty: no CORS headers, so only same-origin pages can.
    /// Each checked by [`check_origin`].
    pub cors_origins: Vec<String>,
    /// The largest request body, in bytes: a batch of articles.
    pub max_body_bytes: usize,
    /// The largest article body, in bytes.
    pub max_article_bytes: usize,
    /// How long any request may take before it is answered with a 503.
    pub request_timeout: Duration,
    /// Searches that may wait for a free core; beyond them a search is
    /// answered at once with a 503 and `Retry-After`. Writes queue the same
    /// way, for the one writer.
    pub max_queued: usize,
    /// Exports that may run at once; beyond them an export is answered at
    /// once with a 503 and `Retry-After`.
    pub max_exports: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            api_key: None,
            cors_origins: Vec::new(),
            max_body_bytes: 64 * 1024 * 1024,
            max_article_bytes: crate::ingest::MAX_ARTICLE_BYTES,
            request_timeout: Duration::from_secs(30),
            max_queued: 64,
            max_exports: std::thread::available_parallelism().map_or(1, usize::from),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    index: NewsIndex,
    /// The one writer. A std mutex: it is only ever locked on blocking
    /// threads.
    writer: Mutex<Indexer>,
    config: Config,
    /// One permit a core: the searches running.
    searches: Arc<Semaphore>,
    /// The searches running or waiting for a core; when none is left, the
    /// server is overloaded.
    search_queue: Semaphore,
    /// The writes running or waiting for the writer.
    write_queue: Semaphore,
    /// The exports running.
    exports: Arc<Semaphore>,
    metrics: Metrics,
}

impl AppState {
    pub fn new(index: NewsIndex, writer: Indexer) -> AppState {
        AppState::with_config(index, writer, Config::default())
    }

    pub fn with_config(index: NewsIndex, writer: Indexer, config: Config) -> AppState {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        AppState {
            inner: Arc::new(Shared {
                metrics: Metrics::new(index.path().is_some()),
                index,
                writer: Mutex::new(writer),
                searches: Arc::new(Semaphore::new(cores)),
                search_queue: Semaphore::new(cores + config.max_queued),
                write_queue: Semaphore::new(1 + config.max_queued),
                exports: Arc::new(Semaphore::new(config.max_exports)),
                config,
            }),
        }
    }

    pub fn index(&self) -> &NewsIndex {
        &self.inner.index
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Runs `work` with the index on a blocking thread, once a search slot
    /// is free; answers 503 at once when too many searches already wait.
    async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&NewsIndex) -> Result<T, ApiError> + Send + 'static,
    {
        let _queued = self
            .inner
            .search_queue
            .try_acquire()
            .map_err(|_| ApiError::Overloaded)?;
        // The permit goes with the work: a search whose request timed out
        // still holds its core until it ends.
        let permit = Arc::clone(&self.inner.searches)
            .acquire_owned()
            .await
            .map_err(ApiError::internal)?;
        let state = self.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            span.in_scope(|| work(&state.inner.index))
        })
        .await
        .map_err(ApiError::internal)?
    }

    /// A place for one export, held as long as it runs; 503 when every
    /// place is taken.
    fn export_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        Arc::clone(&self.inner.exports)
            .try_acquire_owned()
            .map_err(|_| ApiError::Overloaded)
    }

    /// Runs `work` with the writer on a blocking thread. Whatever `work`
    /// leaves uncommitted when it fails is rolled back. Answers 503 at once
    /// when too many writes already wait.
    async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Indexer) -> Result<T, ApiError> + Send + 'static,
    {
        let _queued = self
            .inner
            .write_queue
            .try_acquire()
            .map_err(|_| ApiError::Overloaded)?;
        let state = self.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            span.in_scope(|| {
                let mut writer = state
                    .inner
                    .writer
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                let result = work(&mut writer);
                if result.is_err()
                    && let Err(err) = writer.rollback()
                {
                    tracing::error!(error = %err, "rolling back a failed write failed");
                }
                result
            })
        })
        .await
        .map_err(ApiError::internal)?
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let writes = axum::middleware::from_fn_with_state(state.clone(), auth::require_write_access);
    let api = Router::new()
        .route("/search", get(search::search))
        .route("/timeline", get(timeline::timeline))
        .route(
            "/articles",
            axum::routing::post(articles::create).route_layer(writes.clone()),
        )
        .route(
            "/articles/{id}",
            get(articles::show).merge(axum::routing::delete(articles::delete).route_layer(writes)),
        )
        .route("/articles/{id}/similar", get(similar::similar))
        .route("/export", get(export::export))
        .route("/people/{name}", get(people::show))
        .route("/stats", get(meta::stats))
        .route("/openapi.json", get(openapi::document));
    let app = Router::new()
        .route("/", get(web::page))
        .route("/articles/{id}", get(web::page))
        .route("/timeline", get(web::page))
        .route("/people/{name}", get(web::page))
        .route("/assets/app.js", get(web::script))
        .route("/assets/style.css", get(web::style))
        .route("/assets/favicon.svg", get(web::icon))
        .route("/api", get(meta::root))
        .route("/healthz", get(meta::health))
        .route("/metrics", get(metrics::scrape))
        .nest("/api", api)
        .fallback(meta::not_found)
        .with_state(state.clone())
        // Layers wrap what comes before them: the log line and the series
        // see the final answer, and every error below them leaves as our
        // JSON.
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            config.max_body_bytes,
            error::json_errors,
        ));
    let app = match cors(&config.cors_origins) {
        Some(cors) => app.layer(cors),
        None => app,
    };
    app.layer(axum::middleware::from_fn_with_state(
        state,
        metrics::observe,
    ))
}

/// Checks that `origin` is one a browser sends (`https://news.example.org`,
/// `http://localhost:3000`) or `*`.
pub fn check_origin(origin: &str) -> Result<String, String> {
    let is_origin = origin == "*"
        || url::Url::parse(origin).is_ok_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host().is_some()
                && url.origin().ascii_serialization() == origin
        });
    if is_origin && HeaderValue::from_str(origin).is_ok() {
        Ok(origin.to_string())
    } else {
        Err(format!(
            "{origin:?} is not an origin: give the scheme, host and port only, such as \
             https://news.example.org or http://localhost:3000, or `*` for any"
        ))
    }
}

/// CORS for the configured origins; none when there are none.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .expose_headers([header::RETRY_AFTER]),
    )
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer's address decides whether a write without a key is allowed.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::*;
    use crate::index::WriterOptions;

    pub(super) fn state(max_queued: usize) -> AppState {
        let index = NewsIndex::in_memory().unwrap();
        let writer = index
            .writer(WriterOptions {
                threads: 1,
                memory_bytes: 15_000_000,
            })
            .unwrap();
        let config = Config {
            max_queued,
            ..Config::default()
        };
        AppState::with_config(index, writer, config)
    }

    async fn status_of(app: &Router, request: Request<Body>) -> (StatusCode, Option<String>) {
        let response = app.clone().oneshot(request).await.unwrap();
        let retry = response
            .headers()
            .get(header::RETRY_AFTER)
            .map(|value| value.to_str().unwrap().to_string());
        (response.status(), retry)
    }

    #[tokio::test]
    async fn a_full_queue_is_answered_at_once_with_503_and_retry_after() {
        let state = state(0);
        let app = router(state.clone());
        let search = || {
            Request::get("/api/search?q=ferry")
                .body(Body::empty())
                .unwrap()
        };
        assert_eq!(status_of(&app, search()).await.0, StatusCode::OK);

        // Every place taken, as by searches in flight.
        let queue = &state.inner.search_queue;
        let held = queue
            .try_acquire_many(u32::try_from(queue.available_permits()).unwrap())
            .unwrap();
        let (status, retry) = status_of(&app, search()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry.as_deref(), Some("1"));
        drop(held);
        assert_eq!(status_of(&app, search()).await.0, StatusCode::OK);

        // Writes queue on their own.
        let held = state.inner.write_queue.try_acquire().unwrap();
        let delete = Request::delete("/api/articles/some-id")
            .extension(axum::extract::ConnectInfo(SocketAddr::from((
                [127, 0, 0, 1],
                1,
            ))))
            .body(Body::empty())
            .unwrap();
        let (status, retry) = status_of(&app, delete).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry.as_deref(), Some("1"));
        drop(held);
        assert_eq!(status_of(&app, search()).await.0, StatusCode::OK);
    }
}
