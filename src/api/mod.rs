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
pub mod dto;
pub mod error;
mod extract;
mod meta;
mod search;
mod web;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::index::{Indexer, NewsIndex};
pub use error::ApiError;

/// The largest request body accepted: a batch of articles.
pub const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;

/// How long any request may take before it is answered with a timeout.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

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
    searches: Semaphore,
}

impl AppState {
    pub fn new(index: NewsIndex, writer: Indexer) -> AppState {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        AppState {
            inner: Arc::new(Shared {
                index,
                writer: Mutex::new(writer),
                searches: Semaphore::new(cores),
            }),
        }
    }

    pub fn index(&self) -> &NewsIndex {
        &self.inner.index
    }

    /// Runs `work` with the index on a blocking thread, once a search slot
    /// is free.
    async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&NewsIndex) -> Result<T, ApiError> + Send + 'static,
    {
        let _permit = self
            .inner
            .searches
            .acquire()
            .await
            .map_err(ApiError::internal)?;
        let state = self.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || span.in_scope(|| work(&state.inner.index)))
            .await
            .map_err(ApiError::internal)?
    }

    /// Runs `work` with the writer on a blocking thread. Whatever `work`
    /// leaves uncommitted when it fails is rolled back.
    async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Indexer) -> Result<T, ApiError> + Send + 'static,
    {
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
    let api = Router::new()
        .route("/search", get(search::search))
        .route("/articles", axum::routing::post(articles::create))
        .route(
            "/articles/{id}",
            get(articles::show).delete(articles::delete),
        )
        .route("/stats", get(meta::stats));
    Router::new()
        .route("/", get(web::page))
        .route("/articles/{id}", get(web::page))
        .route("/assets/app.js", get(web::script))
        .route("/assets/style.css", get(web::style))
        .route("/assets/favicon.svg", get(web::icon))
        .route("/api", get(meta::root))
        .route("/healthz", get(meta::health))
        .nest("/api", api)
        .fallback(meta::not_found)
        .with_state(state)
        // Layers wrap what comes before them: the trace sees the final
        // answer, and every error below it leaves as our JSON.
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(error::json_errors))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(Level::INFO))
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
