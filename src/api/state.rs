//! What every handler shares: the index, the one writer, the limits, the
//! queues in front of the cores and the writer, and the metrics.
//!
//! Searches are CPU work: they run on threads of their own, one per core,
//! so that slow queries cannot starve the async threads that accept
//! connections. They read the index's current snapshot, which a write never
//! holds up, and they run at a lower scheduling priority than the rest of
//! the server (on Linux), so that on a machine busy with searches a commit
//! is not queued behind them: the few writes go first, searches take every
//! cycle left.
//!
//! Writes go to the one index writer, on a thread of its own (the
//! committer), and are committed before the response is sent: what a
//! `POST` acknowledges is durable and searchable. Writes that arrive while
//! a commit runs wait for it together and then share the next commit (group
//! commit), so a stream of small writes costs one commit per round rather
//! than one each.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tokio::sync::{Semaphore, oneshot};

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
    /// Where writes go to the committer, which owns the one writer; taken
    /// when the application ends, so that the committer finishes.
    jobs: Mutex<Option<Sender<Job>>>,
    committer: Mutex<Option<JoinHandle<()>>>,
    /// Writes sent to the committer and not yet taken up by it.
    waiting: Arc<AtomicUsize>,
    config: Config,
    /// One permit a core: the searches running.
    searches: Arc<Semaphore>,
    /// The threads searches run on, one a core.
    search_threads: rayon::ThreadPool,
    /// The searches running or waiting for a core; when none is left, the
    /// server is overloaded.
    search_queue: Semaphore,
    /// The writes running or waiting for the writer.
    write_queue: Semaphore,
    /// The exports running.
    exports: Arc<Semaphore>,
    metrics: Metrics,
    #[cfg(test)]
    gate: Arc<Mutex<()>>,
}

impl AppState {
    pub fn new(index: NewsIndex, writer: Indexer) -> AppState {
        AppState::with_config(index, writer, Config::default())
    }

    pub fn with_config(index: NewsIndex, writer: Indexer, config: Config) -> AppState {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let metrics = Metrics::new(index.path().is_some());
        let (jobs, receiver) = channel();
        let waiting = Arc::new(AtomicUsize::new(0));
        let committer = Committer {
            writer,
            jobs: receiver,
            waiting: waiting.clone(),
            commits: metrics.commits(),
            #[cfg(test)]
            gate: Arc::default(),
        };
        #[cfg(test)]
        let gate = committer.gate.clone();
        let committer = std::thread::Builder::new()
            .name("newsdesk-committer".to_string())
            .spawn(move || committer.run())
            .expect("the committer thread starts");
        AppState {
            inner: Arc::new(Shared {
                metrics,
                index,
                jobs: Mutex::new(Some(jobs)),
                committer: Mutex::new(Some(committer)),
                waiting,
                #[cfg(test)]
                gate,
                searches: Arc::new(Semaphore::new(cores)),
                search_threads: search_threads(cores),
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
        let (answer, answered) = oneshot::channel();
        self.inner.search_threads.spawn(move || {
            let _permit = permit;
            // The request may have timed out: no one to tell.
            let _ = answer.send(span.in_scope(|| work(&state.inner.index)));
        });
        answered
            .await
            .map_err(|_| ApiError::internal("a search stopped without an answer"))?
    }

    /// A place for one export, held as long as it runs; 503 when every
    /// place is taken.
    pub(super) fn export_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        Arc::clone(&self.inner.exports)
            .try_acquire_owned()
            .map_err(|_| ApiError::Overloaded)
    }

    /// Runs `work` with the writer on the committer's thread, and answers
    /// once what it changed is committed, in one commit with the writes
    /// that came with it. `work` changes the index and never commits. When
    /// it fails, what it and the writes before it in the same commit
    /// changed is rolled back, and they fail too. Answers 503 at once when
    /// too many writes already wait.
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
        let (answer, answered) = oneshot::channel();
        let span = tracing::Span::current();
        let job: Job = Box::new(move |writer: &mut Indexer| {
            let _entered = span.enter();
            let before = writer.changes();
            let result = work(writer);
            Applied {
                changed: writer.changes() != before,
                failed: result.is_err(),
                answer: Box::new(move |committed: Result<(), String>| {
                    let outcome = result
                        .and_then(|value| committed.map(|()| value).map_err(ApiError::internal));
                    // The request may have timed out: no one to tell.
                    let _ = answer.send(outcome);
                }),
            }
        });
        let sent = self
            .inner
            .jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|jobs| jobs.send(job));
        match sent {
            Some(Ok(())) => self.inner.waiting.fetch_add(1, Ordering::SeqCst),
            _ => return Err(ApiError::internal("the index writer has stopped")),
        };
        answered
            .await
            .map_err(|_| ApiError::internal("the index writer stopped during the write"))?
    }
}

/// The threads searches run on: `cores` of them, each at a lower
/// scheduling priority than the threads that write.
fn search_threads(cores: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(cores)
        .thread_name(|i| format!("newsdesk-search-{i}"))
        .start_handler(|_| lower_priority())
        // A search that panics is answered as an internal error (its answer
        // is dropped unsent), as the other requests are; without a handler
        // the pool would abort the process.
        .panic_handler(|_| tracing::error!("a search panicked"))
        .build()
        .expect("the search threads start")
}

/// Lowers the calling thread's scheduling priority (nice 5), which any
/// process may do. On Linux a thread is scheduled on its own; elsewhere the
/// call would lower the whole process, so it is not made.
fn lower_priority() {
    // On Linux, the "process" of `setpriority` is the calling thread.
    #[cfg(target_os = "linux")]
    if let Err(err) = rustix::process::setpriority_process(None, SEARCH_NICENESS) {
        tracing::debug!(error = %err, "could not lower the priority of a search thread");
    }
}

/// How much lower searches are scheduled than writes, in nice steps.
#[cfg(target_os = "linux")]
const SEARCH_NICENESS: i32 = 5;

/// A write, as the committer runs it.
type Job = Box<dyn FnOnce(&mut Indexer) -> Applied + Send>;

/// A write the committer has run, waiting for the commit.
struct Applied {
    /// Whether it changed the index (a deletion of nothing does not).
    changed: bool,
    failed: bool,
    /// Answers the request, given the commit's outcome.
    answer: Box<dyn FnOnce(Result<(), String>) + Send>,
}

/// The most writes one commit takes.
const MAX_GROUP: usize = 256;

/// The thread that owns the one writer: it takes every write waiting,
/// runs them in their order, commits once, and answers them all.
struct Committer {
    writer: Indexer,
    jobs: Receiver<Job>,
    waiting: Arc<AtomicUsize>,
    commits: prometheus_client::metrics::counter::Counter,
    /// Held by tests to keep the committer from taking up writes.
    #[cfg(test)]
    gate: Arc<Mutex<()>>,
}

impl Committer {
    fn run(mut self) {
        // Before any write arrives, so that the first one after the server
        // starts does not wait for it.
        if let Err(err) = self.writer.prepare_grouping() {
            tracing::warn!(error = %err, "could not read the archive's story bands");
        }
        while let Ok(first) = self.jobs.recv() {
            #[cfg(test)]
            let gate = self.gate.clone();
            #[cfg(test)]
            let _held = gate.lock().unwrap_or_else(PoisonError::into_inner);
            let mut group = vec![first];
            while group.len() < MAX_GROUP
                && let Ok(job) = self.jobs.try_recv()
            {
                group.push(job);
            }
            self.waiting.fetch_sub(group.len(), Ordering::SeqCst);
            self.commit(group);
        }
    }

    fn commit(&mut self, group: Vec<Job>) {
        let mut applied: Vec<Applied> = Vec::with_capacity(group.len());
        for job in group {
            let done = job(&mut self.writer);
            if !done.failed {
                applied.push(done);
                continue;
            }
            // Its changes cannot be told from those of the writes before
            // it in this commit: all of them are undone, and fail.
            if let Err(err) = self.writer.rollback() {
                tracing::error!(error = %err, "rolling back a failed write failed");
            }
            for earlier in applied.drain(..) {
                let outcome = match earlier.changed {
                    true => Err("a write committed with this one failed; nothing of this                                  one was saved: send it again"
                        .to_string()),
                    false => Ok(()),
                };
                (earlier.answer)(outcome);
            }
            (done.answer)(Ok(()));
        }
        let committed = match applied.iter().any(|a| a.changed) {
            true => {
                self.commits.inc();
                self.writer.commit().map_err(|err| {
                    tracing::error!(error = %err, "a commit failed");
                    if let Err(err) = self.writer.rollback() {
                        tracing::error!(error = %err, "rolling back after a failed commit failed");
                    }
                    format!("the index could not commit: {err}")
                })
            }
            false => Ok(()),
        };
        for done in applied {
            (done.answer)(committed.clone());
        }
    }
}

impl Drop for Shared {
    /// Lets the committer finish the writes it has and end, then waits for
    /// it, so that the writer is released before the application is gone.
    fn drop(&mut self) {
        drop(
            self.jobs
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let committer = self
            .committer
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(committer) = committer
            && committer.join().is_err()
        {
            tracing::error!("the committer thread panicked");
        }
    }
}

#[cfg(test)]
impl AppState {
    /// An application over an empty index in memory, with room for
    /// `max_queued` waiting requests.
    pub(super) fn for_tests(max_queued: usize) -> AppState {
        let index = NewsIndex::in_memory().unwrap();
        let writer = index.test_writer();
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

    /// The lock that keeps the committer from taking up writes while held.
    pub(super) fn committer_gate(&self) -> Arc<Mutex<()>> {
        self.inner.gate.clone()
    }

    /// The writes sent to the committer and not yet taken up.
    pub(super) fn writes_waiting(&self) -> usize {
        self.inner.waiting.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::*;
    use crate::api::router;

    fn post(i: usize) -> Request<Body> {
        let body = format!(
            r#"{{"id": "grouped-{i}", "title": "Ferry {i}", "body": "The ferry number {i} sailed from the harbour at dawn with its passengers."}}"#
        );
        Request::post("/api/articles")
            .header("content-type", "application/json")
            .extension(axum::extract::ConnectInfo(SocketAddr::from((
                [127, 0, 0, 1],
                1,
            ))))
            .body(Body::from(body))
            .unwrap()
    }

    #[tokio::test]
    async fn a_search_that_panics_is_an_internal_error_and_the_next_one_runs() {
        let state = AppState::for_tests(4);
        let panicked = state
            .read(|_| -> Result<(), ApiError> { panic!("a bug in a search") })
            .await;
        assert!(
            matches!(panicked, Err(ApiError::Internal(_))),
            "{panicked:?}"
        );
        let answered = state.read(|index| Ok(index.snapshot().is_ok())).await;
        assert!(matches!(answered, Ok(true)), "{answered:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_that_wait_together_share_one_commit_and_are_all_acknowledged() {
        let state = AppState::for_tests(16);
        let app = router(state.clone());
        let commits = state.metrics().commits();

        // The committer is kept from taking up writes, as while a commit runs.
        let gate = state.committer_gate();
        let held = gate.lock().unwrap();
        let writes: Vec<_> = (0..5)
            .map(|i| tokio::spawn(app.clone().oneshot(post(i))))
            .collect();
        // The runtime's threads take the writes to the committer meanwhile.
        let started = std::time::Instant::now();
        while state.writes_waiting() < 5 {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "five writes never reached the committer"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(commits.get(), 0);
        drop(held);

        for write in writes {
            assert_eq!(write.await.unwrap().unwrap().status(), StatusCode::OK);
        }
        assert_eq!(commits.get(), 1, "the five writes shared one commit");
        assert_eq!(state.index().num_articles(), 5);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_person_first_named_in_a_write_is_found_while_the_directory_is_rebuilt() {
        let (index, directory_gate) = NewsIndex::in_memory().unwrap().people_in_background();
        let writer = index.test_writer();
        let state = AppState::with_config(index, writer, Config::default());
        let app = router(state.clone());
        let get = |uri: &str| Request::get(uri).body(Body::empty()).unwrap();
        assert_eq!(
            app.clone()
                .oneshot(get("/api/search?q=ferry"))
                .await
                .unwrap()
                .status(),
            StatusCode::OK
        );

        // Every rebuild of the directory is held back from here on, by a
        // thread holding the lock until told to let go.
        let (locked, release) = (std::sync::mpsc::channel(), std::sync::mpsc::channel::<()>());
        let holder = std::thread::spawn(move || {
            let _held = directory_gate.lock().unwrap();
            locked.0.send(()).unwrap();
            let _ = release.1.recv();
        });
        locked.1.recv().unwrap();
        let body = r#"{"id": "quay", "title": "Quay reopens", "people": ["Ingrid Vasquez"],
            "body": "The quay reopened on Monday, the harbour master Ingrid Vasquez said."}"#;
        let post = Request::post("/api/articles")
            .header("content-type", "application/json")
            .extension(axum::extract::ConnectInfo(SocketAddr::from((
                [127, 0, 0, 1],
                1,
            ))))
            .body(Body::from(body))
            .unwrap();
        let searches = async {
            assert_eq!(
                app.clone().oneshot(post).await.unwrap().status(),
                StatusCode::OK
            );
            let found = app
                .clone()
                .oneshot(get("/api/search?q=person:%22Ingrid%20Vasquez%22"))
                .await
                .unwrap();
            assert_eq!(found.status(), StatusCode::OK);
            axum::body::to_bytes(found.into_body(), usize::MAX)
                .await
                .unwrap()
        };
        let body = tokio::time::timeout(Duration::from_secs(60), searches)
            .await
            .expect("the write or the search waited for the directory");
        release.0.send(()).unwrap();
        holder.join().unwrap();
        let results: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(results["total"], 1, "{results}");
        assert_eq!(results["facets"]["people"][0]["value"], "Ingrid Vasquez");
    }

    #[tokio::test]
    async fn a_write_that_changes_nothing_commits_nothing() {
        let state = AppState::for_tests(4);
        let app = router(state.clone());
        let delete = Request::delete("/api/articles/never-there")
            .extension(axum::extract::ConnectInfo(SocketAddr::from((
                [127, 0, 0, 1],
                1,
            ))))
            .body(Body::empty())
            .unwrap();
        let response = app.oneshot(delete).await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        assert_eq!(state.metrics().commits().get(), 0);
    }
}
