//! What every handler shares: the index, the one writer, the limits, the
//! queues in front of the cores and the writer, and the metrics.
//!
//! Searches are CPU work: they run on tokio's blocking threads, at most one
//! per core at a time, so that slow queries cannot starve the async threads
//! that accept connections. Writes go through the one index writer, one
//! request at a time, and are committed before the response is sent: what a
//! `POST` acknowledges is durable and searchable.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::error::ApiError;
use super::key::ApiKey;
use super::metrics::Metrics;
use crate::index::{Indexer, NewsIndex};

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

    pub(super) fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Runs `work` with the index on a blocking thread, once a search slot
    /// is free; answers 503 at once when too many searches already wait.
    pub(super) async fn read<T, F>(&self, work: F) -> Result<T, ApiError>
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
    pub(super) fn export_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        Arc::clone(&self.inner.exports)
            .try_acquire_owned()
            .map_err(|_| ApiError::Overloaded)
    }

    /// Runs `work` with the writer on a blocking thread. Whatever `work`
    /// leaves uncommitted when it fails is rolled back. Answers 503 at once
    /// when too many writes already wait.
    pub(super) async fn write<T, F>(&self, work: F) -> Result<T, ApiError>
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

#[cfg(test)]
impl AppState {
    /// An application over an empty index in memory, with room for
    /// `max_queued` waiting requests.
    pub(super) fn for_tests(max_queued: usize) -> AppState {
        let index = NewsIndex::in_memory().unwrap();
        let writer = index
            .writer(crate::index::WriterOptions {
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

    /// The places searches and writes wait in, to fill them.
    pub(super) fn queues(&self) -> (&Semaphore, &Semaphore) {
        (&self.inner.search_queue, &self.inner.write_queue)
    }
}
