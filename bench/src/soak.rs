//! `newsdesk-bench soak`: a bounded load test of a running newsdesk server.
//!
//! A few clients mix searches, reads of single articles and writes (new
//! articles, replacements, deletions) for a set time, then stop by
//! themselves. The soak counts every answer by kind and status, keeps the
//! latencies, samples the server's resident memory, and at the end checks
//! that every article whose POST the server acknowledged, and that the soak
//! did not delete since, is still there with its last acknowledged title,
//! and that every article it deleted is gone. `soak-check` repeats that
//! check later, against a restarted server.
//!
//! Each client owns the articles it posts: it reads, replaces and deletes
//! only those, so nothing another client does can change what it expects,
//! and a 404 for one of them is a lost article, not a race. The soak keeps
//! the number of its live articles under a cap (new posts give way to
//! replacements and deletions there), so the index stays about one size
//! and the server's memory has no reason to grow once it is warm.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::measure::{percentile, status_bytes};
use crate::newsdesk::search_request;
use crate::query::Query;

/// How often the server's memory is read.
const RSS_INTERVAL: Duration = Duration::from_secs(2);
/// The longest warm-up before memory counts as "at start"; shorter runs
/// warm up for a tenth of their time.
const MAX_WARM_UP: Duration = Duration::from_secs(30);
/// Of the reads, the share that open one article; the rest search.
const GET_SHARE: f64 = 0.1;
/// How long a request may take before it counts as a transport error: well
/// over the server's own 30 s timeout, so the server's answer comes first.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);
/// The longest wait a `Retry-After` is honoured for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The pause after a transport error, so a dead server is not hammered.
const TRANSPORT_PAUSE: Duration = Duration::from_millis(200);
/// Error messages kept for the report.
const SAMPLES: usize = 10;

/// What to run.
pub struct Plan {
    /// The server, as `http://HOST:PORT`.
    pub url: String,
    /// The server's process, whose memory is sampled.
    pub pid: Option<u32>,
    pub clients: usize,
    pub duration: Duration,
    /// The share of requests that write.
    pub write_share: f64,
    /// The articles to post, objects as `POST /api/articles` reads them.
    pub articles: Vec<Map<String, Value>>,
    pub queries: Vec<Query>,
    /// Sent as `Authorization: Bearer KEY` with every request.
    pub api_key: Option<String>,
    /// The most articles of its own the soak keeps in the index at once.
    pub max_live: usize,
    /// The largest end/start ratio of resident memory that passes.
    pub max_rss_growth: f64,
    /// Whether 503s (the server too busy) pass.
    pub allow_overload: bool,
    pub seed: u64,
}

/// Reads the articles to post: one JSON object a line.
pub fn read_articles(path: &Path) -> anyhow::Result<Vec<Map<String, Value>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let mut articles = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let article: Map<String, Value> = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON object", path.display(), number + 1))?;
        articles.push(article);
    }
    if articles.is_empty() {
        bail!("{}: no articles to post", path.display());
    }
    Ok(articles)
}

/// One sort of request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `GET /api/search` with a query of the set.
    Search,
    /// `GET /api/articles/{id}` of one of the client's live articles.
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
    fn name(self) -> &'static str {
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
struct Tally {
    kinds: BTreeMap<Kind, KindTally>,
    /// 503s: the server said it was too busy (a full queue), or a request
    /// took longer than its timeout.
    overloaded: u64,
    /// Other 5xx answers.
    server_errors: u64,
    /// Other answers no request of the soak should get (a 401, a 400, a
    /// 200 whose body does not read).
    unexpected: u64,
    transport_errors: u64,
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
    fn answered(&mut self, kind: Kind, status: u16, latency: Duration, body: &str, at: f64) {
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

    fn failed(&mut self, kind: Kind, message: &str, at: f64) {
        self.kinds.entry(kind).or_default().transport_errors += 1;
        self.transport_errors += 1;
        self.sample(at, format!("{} failed: {message}", kind.name()));
    }

    /// A 200 whose body is not what the API documents.
    fn unreadable(&mut self, kind: Kind, error: &serde_json::Error, at: f64) {
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
    fn samples(&self) -> Vec<String> {
        self.samples
            .iter()
            .map(|(at, message)| format!("at {at:.1} s: {message}"))
            .collect()
    }

    fn merge(&mut self, other: Tally) {
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

    fn summaries(&mut self) -> BTreeMap<Kind, KindSummary> {
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
fn excerpt(body: &str) -> String {
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

/// Where a posted article came from: a line of the articles file, on the
/// given pass over it. From the second pass on, the article is posted under
/// an id of its own, so the file never runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Origin {
    line: usize,
    pass: usize,
}

/// What a client knows of the state of one of its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Acknowledged and not deleted: it must be there, with the revision of
    /// the last acknowledged replacement, when known (a replacement that
    /// failed may or may not have landed).
    Live { revision: Option<u32> },
    /// Deleted, with a 204: it must be gone.
    Deleted,
    /// A 404 where it had to be there: lost, and counted once.
    Lost,
    /// A deletion that failed: it may or may not be there.
    Uncertain,
}

#[derive(Debug, Clone)]
struct Entry {
    /// Unknown when the server accepted a different number of articles than
    /// were sent, so that ids cannot be paired with them.
    origin: Option<Origin>,
    /// Revisions sent, acknowledged or not.
    revisions: u32,
    state: State,
}

/// One client's articles and what it expects of each.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: HashMap<String, Entry>,
    /// The ids in state `Live`, to pick from.
    live: Vec<String>,
    /// Articles acknowledged as new.
    posted: u64,
    /// Replacements acknowledged.
    replaced: u64,
    /// Deletions acknowledged.
    deleted: u64,
    /// Articles that went missing during the run: a 404 for a read or a
    /// deletion, or a replacement answered as a new article.
    lost: u64,
    /// Reads during the run that showed an older title than the last
    /// acknowledged one.
    stale: u64,
}

impl Ledger {
    fn acknowledged(&mut self, id: String, origin: Option<Origin>) {
        self.posted += 1;
        self.live.retain(|live| *live != id);
        self.live.push(id.clone());
        self.entries.insert(
            id,
            Entry {
                origin,
                revisions: 0,
                state: State::Live { revision: Some(0) },
            },
        );
    }

    fn live_count(&self) -> usize {
        self.live.len()
    }

    fn pick(&self, rng: &mut ChaCha8Rng) -> Option<(String, Entry)> {
        if self.live.is_empty() {
            return None;
        }
        let id = &self.live[rng.random_range(0..self.live.len())];
        Some((id.clone(), self.entries[id].clone()))
    }

    /// A replacement was sent: `revision` when acknowledged, `None` when it
    /// failed and may or may not have landed.
    fn replaced(&mut self, id: &str, sent: u32, revision: Option<u32>) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.revisions = sent;
            entry.state = State::Live { revision };
            if revision.is_some() {
                self.replaced += 1;
            }
        }
    }

    fn deleted(&mut self, id: &str) {
        self.deleted += 1;
        self.settle(id, State::Deleted);
    }

    fn lost(&mut self, id: &str) {
        self.lost += 1;
        self.settle(id, State::Lost);
    }

    fn uncertain(&mut self, id: &str) {
        self.settle(id, State::Uncertain);
    }

    fn settle(&mut self, id: &str, state: State) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.state = state;
        }
        if let Some(at) = self.live.iter().position(|live| live == id) {
            self.live.swap_remove(at);
        }
    }

    fn merge(&mut self, other: Ledger) {
        self.entries.extend(other.entries);
        self.live.extend(other.live);
        self.posted += other.posted;
        self.replaced += other.replaced;
        self.deleted += other.deleted;
        self.lost += other.lost;
        self.stale += other.stale;
    }

    fn uncertain_count(&self) -> u64 {
        self.entries
            .values()
            .filter(|entry| {
                matches!(
                    entry.state,
                    State::Uncertain | State::Live { revision: None }
                )
            })
            .count() as u64
    }

    /// What the server must hold: the live articles, the deleted ones gone.
    /// Articles whose deletion failed, and those already counted lost, are
    /// left out.
    pub fn expectations(&self) -> Expectations {
        let mut expected = Expectations::default();
        for (id, entry) in &self.entries {
            match entry.state {
                State::Live { revision } => expected.present.push(Expected {
                    id: id.clone(),
                    revision,
                }),
                State::Deleted => expected.absent.push(id.clone()),
                State::Lost | State::Uncertain => {}
            }
        }
        expected.present.sort_by(|a, b| a.id.cmp(&b.id));
        expected.absent.sort();
        expected
    }
}

/// What the server must hold when the soak is over.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Expectations {
    /// Acknowledged and not deleted since.
    pub present: Vec<Expected>,
    /// Deleted by the soak, with a 204.
    pub absent: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    pub id: String,
    /// The revision its title must show, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
}

/// Whether a title shows the revision the soak last gave it: none for the
/// first post, `[revision N]` at the end for the Nth replacement.
fn shows_revision(title: &str, revision: u32) -> bool {
    match revision {
        0 => !title.contains("[revision "),
        n => title.ends_with(&format!("[revision {n}]")),
    }
}

/// The article at `origin`, as its `revision` is posted.
fn article(articles: &[Map<String, Value>], origin: Origin, revision: u32) -> Map<String, Value> {
    let mut article = articles[origin.line].clone();
    if origin.pass > 0 {
        article.insert(
            "id".to_owned(),
            Value::String(format!("soak-{}-{}", origin.pass, origin.line)),
        );
    }
    if revision > 0 {
        let title = article
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("Untitled");
        let title = format!("{title} [revision {revision}]");
        article.insert("title".to_owned(), Value::String(title));
    }
    article
}

/// The parts of `POST /api/articles`' answer the soak reads.
#[derive(Debug, Deserialize)]
struct Ingested {
    articles: Vec<Accepted>,
}

#[derive(Debug, Deserialize)]
struct Accepted {
    id: String,
    status: String,
}

/// The part of an article the soak reads.
#[derive(Debug, Deserialize)]
struct Shown {
    title: String,
}

#[derive(Debug, Deserialize)]
struct StatsAnswer {
    articles: u64,
}

/// What a request came to.
enum Outcome {
    Answered {
        status: u16,
        body: String,
        retry_after: Option<Duration>,
    },
    Failed,
}

impl Outcome {
    /// How long to wait before the next request: what a 503 asks for (a
    /// second when it does not say), or a moment after a transport error.
    fn pause(&self) -> Option<Duration> {
        match self {
            Outcome::Answered {
                status: 503,
                retry_after,
                ..
            } => Some(retry_after.unwrap_or(Duration::from_secs(1))),
            Outcome::Answered { .. } => None,
            Outcome::Failed => Some(TRANSPORT_PAUSE),
        }
    }
}

/// A `Retry-After` in seconds (the HTTP-date form is not used by newsdesk).
fn retry_after(value: &str) -> Option<Duration> {
    let seconds: u64 = value.trim().parse().ok()?;
    Some(Duration::from_secs(seconds).min(MAX_RETRY_AFTER))
}

/// One keep-alive connection and the tally of its answers.
struct Session<'a> {
    agent: ureq::Agent,
    base: &'a str,
    key: Option<&'a str>,
    /// When the soak started, for the time of error messages.
    started: Instant,
    tally: Tally,
}

impl<'a> Session<'a> {
    fn new(base: &'a str, key: Option<&'a str>, started: Instant) -> Session<'a> {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(REQUEST_TIMEOUT))
            .build()
            .new_agent();
        Session {
            agent,
            base,
            key,
            started,
            tally: Tally::default(),
        }
    }

    fn authorized<B>(&self, request: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        match self.key {
            Some(key) => request.header("Authorization", format!("Bearer {key}")),
            None => request,
        }
    }

    /// Sends a request, reads the whole answer and tallies it.
    fn exchange(
        &mut self,
        kind: Kind,
        send: impl FnOnce(&Self) -> Result<ureq::http::Response<ureq::Body>, ureq::Error>,
    ) -> Outcome {
        let sent = Instant::now();
        let answer = send(self).and_then(|mut response| {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok())
                .and_then(retry_after);
            let body = response.body_mut().read_to_string()?;
            Ok((response.status().as_u16(), body, retry_after))
        });
        let latency = sent.elapsed();
        let at = self.started.elapsed().as_secs_f64();
        match answer {
            Ok((status, body, retry_after)) => {
                self.tally.answered(kind, status, latency, &body, at);
                Outcome::Answered {
                    status,
                    body,
                    retry_after,
                }
            }
            Err(err) => {
                self.tally.failed(kind, &err.to_string(), at);
                Outcome::Failed
            }
        }
    }

    fn search(&mut self, query: &Query) -> Outcome {
        let url = format!("{}/api/search", self.base);
        self.exchange(Kind::Search, |s| {
            s.authorized(search_request(&s.agent, &url, query)).call()
        })
    }

    fn get(&mut self, kind: Kind, id: &str) -> Outcome {
        let url = format!("{}/api/articles/{id}", self.base);
        self.exchange(kind, |s| s.authorized(s.agent.get(&url)).call())
    }

    fn delete(&mut self, id: &str) -> Outcome {
        let url = format!("{}/api/articles/{id}", self.base);
        self.exchange(Kind::Delete, |s| s.authorized(s.agent.delete(&url)).call())
    }

    fn post(&mut self, kind: Kind, content_type: &str, body: &str) -> Outcome {
        let url = format!("{}/api/articles", self.base);
        self.exchange(kind, |s| {
            s.authorized(s.agent.post(&url))
                .content_type(content_type)
                .send(body)
        })
    }

    /// The accepted articles of a 200 to a POST, or `None` (tallied) when
    /// there was no such answer.
    fn accepted(&mut self, kind: Kind, outcome: &Outcome) -> Option<Vec<Accepted>> {
        let Outcome::Answered {
            status: 200, body, ..
        } = outcome
        else {
            return None;
        };
        self.read::<Ingested>(kind, body)
            .map(|ingested| ingested.articles)
    }

    /// The title of a 200 to a GET of an article, or `None` (tallied) when
    /// its body does not read.
    fn title(&mut self, kind: Kind, body: &str) -> Option<String> {
        self.read::<Shown>(kind, body).map(|shown| shown.title)
    }

    /// The body of a 200, or `None` (tallied) when it does not read.
    fn read<T: serde::de::DeserializeOwned>(&mut self, kind: Kind, body: &str) -> Option<T> {
        match serde_json::from_str(body) {
            Ok(value) => Some(value),
            Err(err) => {
                let at = self.started.elapsed().as_secs_f64();
                self.tally.unreadable(kind, &err, at);
                None
            }
        }
    }

    /// The number of articles in the index.
    fn stats(&mut self) -> anyhow::Result<u64> {
        let url = format!("{}/api/stats", self.base);
        let response = self
            .authorized(self.agent.get(&url))
            .call()
            .with_context(|| format!("could not reach the server at {}", self.base))
            .and_then(|mut response| {
                let status = response.status();
                let body = response.body_mut().read_to_string()?;
                if status != 200 {
                    bail!("{url} answered {status}: {}", excerpt(&body));
                }
                Ok(body)
            })?;
        Ok(serde_json::from_str::<StatsAnswer>(&response)
            .with_context(|| format!("{url}: unexpected answer"))?
            .articles)
    }
}

/// What all clients share.
struct Shared<'a> {
    plan: &'a Plan,
    base: &'a str,
    started: Instant,
    deadline: Instant,
    /// Set when the server's process is gone.
    stop: AtomicBool,
    /// The next article to post, counted over passes of the file.
    next_article: AtomicUsize,
}

impl Shared<'_> {
    fn over(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }

    fn next_origin(&self) -> Origin {
        let n = self.next_article.fetch_add(1, Ordering::Relaxed);
        let count = self.plan.articles.len();
        Origin {
            line: n % count,
            pass: n / count,
        }
    }
}

/// The writes, in turn chosen at random.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Post,
    Replace,
    Delete,
}

/// Half new articles, a quarter replacements and a quarter deletions; at
/// the cap of live articles, no new ones.
fn choose_write(draw: f64, live: usize, cap: usize) -> Write {
    if live == 0 || (live < cap && draw < 0.5) {
        Write::Post
    } else if draw < 0.75 {
        Write::Replace
    } else {
        Write::Delete
    }
}

/// One client: requests until the time is up.
fn client(shared: &Shared, number: usize) -> (Tally, Ledger) {
    let plan = shared.plan;
    let mut rng = ChaCha8Rng::seed_from_u64(
        plan.seed ^ (number as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let mut session = Session::new(shared.base, plan.api_key.as_deref(), shared.started);
    let mut ledger = Ledger::default();
    let cap = plan.max_live.div_ceil(plan.clients).max(1);
    while !shared.over() {
        let outcome = if rng.random_bool(plan.write_share) {
            let write = choose_write(rng.random(), ledger.live_count(), cap);
            match (write, ledger.pick(&mut rng)) {
                (Write::Replace, Some(picked)) => {
                    replace(shared, &mut session, &mut ledger, picked)
                }
                (Write::Delete, Some((id, _))) => delete(&mut session, &mut ledger, &id),
                _ => post(shared, &mut session, &mut ledger, &mut rng),
            }
        } else if rng.random_bool(GET_SHARE)
            && let Some(picked) = ledger.pick(&mut rng)
        {
            get(&mut session, &mut ledger, picked)
        } else {
            let query = &plan.queries[rng.random_range(0..plan.queries.len())];
            session.search(query)
        };
        if let Some(pause) = outcome.pause() {
            let left = shared.deadline.saturating_duration_since(Instant::now());
            std::thread::sleep(pause.min(left));
        }
    }
    (session.tally, ledger)
}

/// Posts one to three new articles, as NDJSON or JSON.
fn post(
    shared: &Shared,
    session: &mut Session,
    ledger: &mut Ledger,
    rng: &mut ChaCha8Rng,
) -> Outcome {
    let origins: Vec<Origin> = (0..rng.random_range(1..=3))
        .map(|_| shared.next_origin())
        .collect();
    let articles: Vec<Map<String, Value>> = origins
        .iter()
        .map(|origin| article(&shared.plan.articles, *origin, 0))
        .collect();
    let (content_type, body) = if rng.random_bool(0.5) {
        let lines: Vec<String> = articles
            .iter()
            .map(|a| Value::Object(a.clone()).to_string())
            .collect();
        ("application/x-ndjson", lines.join("\n") + "\n")
    } else if let [one] = articles.as_slice() {
        ("application/json", Value::Object(one.clone()).to_string())
    } else {
        let all = articles.into_iter().map(Value::Object).collect();
        ("application/json", Value::Array(all).to_string())
    };
    let outcome = session.post(Kind::Post, content_type, &body);
    if let Some(accepted) = session.accepted(Kind::Post, &outcome) {
        let paired = accepted.len() == origins.len();
        for (at, accepted) in accepted.into_iter().enumerate() {
            ledger.acknowledged(accepted.id, paired.then(|| origins[at]));
        }
    }
    outcome
}

/// Posts one of the client's articles again under a new title.
fn replace(
    shared: &Shared,
    session: &mut Session,
    ledger: &mut Ledger,
    (id, entry): (String, Entry),
) -> Outcome {
    let Some(origin) = entry.origin else {
        // Which article this id is was not known: read it instead.
        return get(session, ledger, (id, entry));
    };
    let revision = entry.revisions + 1;
    let body = Value::Object(article(&shared.plan.articles, origin, revision)).to_string();
    let outcome = session.post(Kind::Replace, "application/json", &body);
    match session.accepted(Kind::Replace, &outcome) {
        Some(accepted) => {
            let replaced = accepted
                .iter()
                .any(|a| a.id == id && a.status == "replaced");
            if replaced {
                ledger.replaced(&id, revision, Some(revision));
            } else {
                // Indexed as new: the earlier version was gone.
                ledger.lost(&id);
            }
        }
        None => ledger.replaced(&id, revision, None),
    }
    outcome
}

fn delete(session: &mut Session, ledger: &mut Ledger, id: &str) -> Outcome {
    let outcome = session.delete(id);
    match &outcome {
        Outcome::Answered { status: 204, .. } => ledger.deleted(id),
        Outcome::Answered { status: 404, .. } => ledger.lost(id),
        _ => ledger.uncertain(id),
    }
    outcome
}

/// Reads one of the client's articles, which must be there with its last
/// acknowledged title.
fn get(session: &mut Session, ledger: &mut Ledger, (id, entry): (String, Entry)) -> Outcome {
    let outcome = session.get(Kind::Get, &id);
    match &outcome {
        Outcome::Answered {
            status: 200, body, ..
        } => {
            if let (
                Some(title),
                State::Live {
                    revision: Some(revision),
                },
            ) = (session.title(Kind::Get, body), entry.state)
                && !shows_revision(&title, revision)
            {
                ledger.stale += 1;
            }
        }
        Outcome::Answered { status: 404, .. } => ledger.lost(&id),
        _ => {}
    }
    outcome
}

/// What the final check found.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Verified {
    /// Articles asked for.
    pub checked: u64,
    /// Expected and not found.
    pub lost: u64,
    /// Deleted and found.
    pub deleted_but_present: u64,
    /// Found with an older title than the last acknowledged one.
    pub stale: u64,
    /// Asked for, and not answered with 200 or 404.
    pub unanswered: u64,
}

/// Asks for every expected article, on `threads` connections at once.
fn verify(
    base: &str,
    key: Option<&str>,
    threads: usize,
    expected: &Expectations,
    started: Instant,
) -> anyhow::Result<(Verified, Tally)> {
    let checks: Vec<(&str, Option<Option<u32>>)> = expected
        .present
        .iter()
        .map(|e| (e.id.as_str(), Some(e.revision)))
        .chain(expected.absent.iter().map(|id| (id.as_str(), None)))
        .collect();
    let next = AtomicUsize::new(0);
    let results = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut session = Session::new(base, key, started);
                    let mut verified = Verified::default();
                    while let Some(&(id, present)) =
                        checks.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        verified.checked += 1;
                        let outcome = session.get(Kind::Verify, id);
                        match (&outcome, present) {
                            (
                                Outcome::Answered {
                                    status: 200, body, ..
                                },
                                Some(revision),
                            ) => {
                                if let (Some(title), Some(revision)) =
                                    (session.title(Kind::Verify, body), revision)
                                    && !shows_revision(&title, revision)
                                {
                                    verified.stale += 1;
                                }
                            }
                            (Outcome::Answered { status: 404, .. }, Some(_)) => verified.lost += 1,
                            (Outcome::Answered { status: 200, .. }, None) => {
                                verified.deleted_but_present += 1;
                            }
                            (Outcome::Answered { status: 404, .. }, None) => {}
                            _ => verified.unanswered += 1,
                        }
                    }
                    (verified, session.tally)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join())
            .collect::<Result<Vec<_>, _>>()
    })
    .map_err(|_| anyhow::anyhow!("a checking thread panicked"))?;
    let mut verified = Verified::default();
    let mut tally = Tally::default();
    for (part, their_tally) in results {
        verified.checked += part.checked;
        verified.lost += part.lost;
        verified.deleted_but_present += part.deleted_but_present;
        verified.stale += part.stale;
        verified.unanswered += part.unanswered;
        tally.merge(their_tally);
    }
    Ok((verified, tally))
}

/// One reading of the server's memory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RssSample {
    /// Since the soak started.
    pub seconds: f64,
    /// All resident memory (`VmRSS`), the index files it maps included.
    pub rss_bytes: u64,
    /// The anonymous part (`RssAnon`): the heap, without mapped files.
    pub anon_bytes: u64,
}

/// Resident memory from a `/proc/PID/status` text: `VmRSS` and `RssAnon`.
/// `None` when there is none, as for a process that has exited.
fn parse_rss(status: &str) -> Option<(u64, u64)> {
    Some((
        status_bytes(status, "VmRSS")?,
        status_bytes(status, "RssAnon")?,
    ))
}

/// Samples the memory of `pid` until `done` is dropped, and once more then.
/// Stops the clients when the process is gone; says whether it was.
fn watch(
    pid: u32,
    started: Instant,
    done: mpsc::Receiver<()>,
    stop: &AtomicBool,
) -> (Vec<RssSample>, bool) {
    let mut samples = Vec::new();
    let read = || {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let (rss_bytes, anon_bytes) = parse_rss(&status)?;
        Some(RssSample {
            seconds: started.elapsed().as_secs_f64(),
            rss_bytes,
            anon_bytes,
        })
    };
    loop {
        let Some(sample) = read() else {
            stop.store(true, Ordering::Relaxed);
            return (samples, true);
        };
        samples.push(sample);
        if !matches!(
            done.recv_timeout(RSS_INTERVAL),
            Err(RecvTimeoutError::Timeout)
        ) {
            break;
        }
    }
    match read() {
        Some(sample) => {
            samples.push(sample);
            (samples, false)
        }
        None => (samples, true),
    }
}

/// The server's memory over the run. Start and end are medians over a
/// window as long as the warm-up: from one sample to the next, memory
/// swings by a fifth as commits and merges allocate and free, and one
/// sample each would measure the swing.
#[derive(Debug, Clone, Serialize)]
pub struct RssSummary {
    /// Start is the window after this warm-up; end the last such window.
    pub warm_up_seconds: f64,
    pub start_bytes: u64,
    /// Half-way through the run: with start and end, it tells a warm-up
    /// that levels off (a flat second half) from a leak (still rising).
    pub half_way_bytes: u64,
    pub end_bytes: u64,
    pub max_bytes: u64,
    pub anon_start_bytes: u64,
    pub anon_half_way_bytes: u64,
    pub anon_end_bytes: u64,
    pub anon_max_bytes: u64,
    /// End over start, of `VmRSS`.
    pub growth: f64,
    pub samples: Vec<RssSample>,
}

/// Start is the median of the samples in the window after the warm-up (the
/// last sample, when the run was shorter); half-way that of the window
/// around the middle of the run; end that of the last window.
fn summarize_rss(samples: Vec<RssSample>, warm_up: Duration) -> Option<RssSummary> {
    let window = warm_up.as_secs_f64();
    let last = *samples.last()?;
    let mut start: Vec<RssSample> = samples
        .iter()
        .filter(|s| (window..=2.0 * window).contains(&s.seconds))
        .copied()
        .collect();
    if start.is_empty() {
        start.push(last);
    }
    let middle = last.seconds / 2.0;
    let mut half_way: Vec<RssSample> = samples
        .iter()
        .filter(|s| (s.seconds - middle).abs() <= window / 2.0)
        .copied()
        .collect();
    if half_way.is_empty() {
        half_way.push(last);
    }
    let end: Vec<RssSample> = samples
        .iter()
        .filter(|s| s.seconds >= last.seconds - window)
        .copied()
        .collect();
    let median = |window: &[RssSample], of: fn(&RssSample) -> u64| {
        let mut values: Vec<u64> = window.iter().map(of).collect();
        values.sort_unstable();
        values[(values.len() - 1) / 2]
    };
    let rss: fn(&RssSample) -> u64 = |s| s.rss_bytes;
    let anon: fn(&RssSample) -> u64 = |s| s.anon_bytes;
    let start_bytes = median(&start, rss);
    let end_bytes = median(&end, rss);
    Some(RssSummary {
        warm_up_seconds: window,
        start_bytes,
        half_way_bytes: median(&half_way, rss),
        end_bytes,
        max_bytes: samples.iter().map(rss).max().unwrap_or(0),
        anon_start_bytes: median(&start, anon),
        anon_half_way_bytes: median(&half_way, anon),
        anon_end_bytes: median(&end, anon),
        anon_max_bytes: samples.iter().map(anon).max().unwrap_or(0),
        growth: end_bytes as f64 / start_bytes.max(1) as f64,
        samples,
    })
}

/// The soak's own articles.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ArticleSummary {
    /// In the index (`/api/stats`) before the soak.
    pub at_start: u64,
    /// In the index when the clients had stopped.
    pub at_end: u64,
    /// Articles acknowledged as new.
    pub posted: u64,
    pub replaced: u64,
    pub deleted: u64,
    /// Articles whose last write failed, so that their state is not known:
    /// not checked for presence (a failed deletion) or title (a failed
    /// replacement).
    pub uncertain: u64,
    /// Went missing during the run (a 404, or a replacement answered as new).
    pub lost_during_run: u64,
    /// Reads during the run that showed an older title.
    pub stale_during_run: u64,
    /// The check at the end.
    pub verified: Verified,
}

impl ArticleSummary {
    /// Acknowledged articles lost, during the run and at the end.
    pub fn lost(&self) -> u64 {
        self.lost_during_run + self.verified.lost
    }
}

/// Everything a soak found.
#[derive(Debug, Serialize)]
pub struct Report {
    pub url: String,
    pub clients: usize,
    pub write_share: f64,
    /// How long the clients ran.
    pub seconds: f64,
    pub requests: BTreeMap<Kind, KindSummary>,
    pub overloaded: u64,
    pub server_errors: u64,
    pub unexpected: u64,
    pub transport_errors: u64,
    /// The first few of the above, earliest first.
    pub error_samples: Vec<String>,
    pub rss: Option<RssSummary>,
    /// Whether the server's process went away during the run.
    pub server_exited: bool,
    pub articles: ArticleSummary,
    /// What the index must hold, for `soak-check`.
    pub expected: Expectations,
    /// Why the soak failed; empty when it passed.
    pub failures: Vec<String>,
}

/// Runs the soak: the clients until the time is up, then the final check.
pub fn run(plan: &Plan) -> anyhow::Result<Report> {
    if plan.queries.is_empty() {
        bail!("no queries to send");
    }
    if !(0.0..=1.0).contains(&plan.write_share) {
        bail!("--write-share is a fraction from 0 to 1");
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
        server_exited,
        articles,
        expected,
        failures: Vec::new(),
    };
    report.failures = failures(&report, plan);
    Ok(report)
}

fn failures(report: &Report, plan: &Plan) -> Vec<String> {
    let mut failures = Vec::new();
    let mut fail_if = |count: u64, what: &str| {
        if count > 0 {
            failures.push(format!("{count} {what}"));
        }
    };
    fail_if(report.server_errors, "5xx answers (503 aside)");
    if !plan.allow_overload {
        fail_if(report.overloaded, "503 answers (overloaded)");
    }
    fail_if(report.transport_errors, "transport errors");
    fail_if(report.unexpected, "unexpected answers");
    let articles = &report.articles;
    fail_if(articles.lost(), "acknowledged articles lost");
    fail_if(
        articles.verified.deleted_but_present,
        "deleted articles still there",
    );
    fail_if(
        articles.stale_during_run + articles.verified.stale,
        "articles showing an older title than the last acknowledged",
    );
    if report.server_exited {
        failures.push("the server's process went away during the soak".to_owned());
    }
    if plan.write_share > 0.0 && articles.posted == 0 {
        failures.push("no article was acknowledged: the writes measured nothing".to_owned());
    }
    match &report.rss {
        Some(rss) if rss.growth > plan.max_rss_growth => failures.push(format!(
            "resident memory grew {:.2}× ({} → {} MB), more than {:.2}×",
            rss.growth,
            mb(rss.start_bytes),
            mb(rss.end_bytes),
            plan.max_rss_growth
        )),
        _ => {}
    }
    failures
}

fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(1024 * 1024)
}

impl Report {
    /// The summary for a person.
    pub fn print(&self) {
        println!(
            "soak: {} clients for {:.0} s against {}, {:.0}% writes",
            self.clients,
            self.seconds,
            self.url,
            self.write_share * 100.0
        );
        println!(
            "{:<8} {:>9}  {:<28} {:>7} {:>8} {:>8} {:>8} {:>8}",
            "kind", "requests", "statuses", "failed", "p50 ms", "p95 ms", "p99 ms", "max ms"
        );
        for (kind, summary) in &self.requests {
            let statuses: Vec<String> = summary
                .statuses
                .iter()
                .map(|(status, count)| format!("{status}×{count}"))
                .collect();
            println!(
                "{:<8} {:>9}  {:<28} {:>7} {:>8.1} {:>8.1} {:>8.1} {:>8.1}",
                kind.name(),
                summary.requests,
                statuses.join(" "),
                summary.transport_errors,
                summary.p50_ms,
                summary.p95_ms,
                summary.p99_ms,
                summary.max_ms
            );
        }
        println!(
            "5xx (503 aside): {}; overloaded (503): {}; unexpected answers: {}; transport errors: {}",
            self.server_errors, self.overloaded, self.unexpected, self.transport_errors
        );
        for sample in &self.error_samples {
            println!("  {sample}");
        }
        match &self.rss {
            Some(rss) => println!(
                "memory (VmRSS, medians of {:.0} s windows): {} MB at start (after the warm-up), \
                 {} MB half-way, {} MB at end, {} MB at most: {:.2}×; \
                 heap (RssAnon): {} → {} → {} MB, {} MB at most",
                rss.warm_up_seconds,
                mb(rss.start_bytes),
                mb(rss.half_way_bytes),
                mb(rss.end_bytes),
                mb(rss.max_bytes),
                rss.growth,
                mb(rss.anon_start_bytes),
                mb(rss.anon_half_way_bytes),
                mb(rss.anon_end_bytes),
                mb(rss.anon_max_bytes)
            ),
            None => println!("memory: not sampled (give --pid)"),
        }
        let a = &self.articles;
        println!(
            "articles: {} in the index at start, {} at end; acknowledged: {} posted, {} replaced, {} deleted; {} uncertain",
            a.at_start, a.at_end, a.posted, a.replaced, a.deleted, a.uncertain
        );
        println!(
            "checked {} articles at the end: acknowledged articles lost: {} ({} during the run); \
             deleted but present: {}; stale titles: {}",
            a.verified.checked,
            a.lost(),
            a.lost_during_run,
            a.verified.deleted_but_present,
            a.stale_during_run + a.verified.stale
        );
        print_verdict(&self.failures);
    }
}

fn print_verdict(failures: &[String]) {
    if failures.is_empty() {
        println!("PASS");
    } else {
        println!("FAIL: {}", failures.join("; "));
    }
}

/// What a soak left, as its JSON report has it.
#[derive(Debug, Deserialize)]
struct Left {
    articles: ArticleSummary,
    expected: Expectations,
}

/// Checks a server against what a soak left (after a restart, say): the
/// same number of articles, every acknowledged one there with its last
/// title, every deleted one gone. Prints what it found; returns why it
/// failed.
pub fn check(
    url: &str,
    key: Option<&str>,
    report: &Path,
    threads: usize,
) -> anyhow::Result<Vec<String>> {
    let left: Left = serde_json::from_str(
        &std::fs::read_to_string(report).with_context(|| format!("{}", report.display()))?,
    )
    .with_context(|| format!("{}: not a soak report", report.display()))?;
    let base = url.trim_end_matches('/');
    let started = Instant::now();
    let now = Session::new(base, key, started).stats()?;
    let (verified, tally) = verify(base, key, threads, &left.expected, started)?;
    let mut failures = Vec::new();
    // Writes whose outcome was not known may have landed since.
    if now != left.articles.at_end && left.articles.uncertain == 0 {
        failures.push(format!(
            "{now} articles in the index, where the soak left {}",
            left.articles.at_end
        ));
    }
    for (count, what) in [
        (verified.lost, "acknowledged articles lost"),
        (verified.deleted_but_present, "deleted articles back"),
        (verified.stale, "articles showing an older title"),
        (
            tally.server_errors + tally.overloaded + tally.unexpected + tally.transport_errors,
            "requests not answered with 200 or 404",
        ),
    ] {
        if count > 0 {
            failures.push(format!("{count} {what}"));
        }
    }
    println!(
        "soak-check: {now} articles in the index (the soak left {}); checked {}: acknowledged \
         articles lost: {}; deleted but present: {}; stale titles: {}",
        left.articles.at_end,
        verified.checked,
        verified.lost,
        verified.deleted_but_present,
        verified.stale
    );
    for sample in tally.samples() {
        println!("  {sample}");
    }
    print_verdict(&failures);
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_is_read_from_proc_status() {
        let status = "Name:\tnewsdesk\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n\
                      RssAnon:\t   51200 kB\nRssFile:\t   51200 kB\n";
        assert_eq!(parse_rss(status), Some((100 << 20, 50 << 20)));
        // A zombie has no memory lines.
        assert_eq!(parse_rss("Name:\tnewsdesk\nState:\tZ (zombie)\n"), None);
    }

    #[test]
    fn memory_at_start_and_end_are_medians_of_windows_after_the_warm_up() {
        let sample = |seconds: f64, mb: u64| RssSample {
            seconds,
            rss_bytes: mb << 20,
            anon_bytes: mb << 19,
        };
        let samples = vec![
            sample(0.0, 50),
            sample(2.0, 300),
            // The start window, 3 s to 6 s.
            sample(4.0, 190),
            sample(5.0, 210),
            sample(6.0, 200),
            sample(8.0, 230),
            // The end window, the last 3 s.
            sample(10.0, 260),
            sample(11.0, 240),
            sample(12.0, 250),
        ];
        let rss = summarize_rss(samples, Duration::from_secs(3)).unwrap();
        assert_eq!(rss.start_bytes, 200 << 20);
        // Half-way, 6 s: the window from 4.5 s to 7.5 s.
        assert_eq!(rss.half_way_bytes, 200 << 20);
        assert_eq!(rss.end_bytes, 250 << 20);
        assert_eq!(rss.anon_start_bytes, 100 << 20);
        assert_eq!(rss.max_bytes, 300 << 20);
        assert!((rss.growth - 1.25).abs() < 1e-9);
        // A run shorter than its warm-up starts at its last sample.
        let short = summarize_rss(
            vec![sample(0.0, 50), sample(1.0, 80)],
            Duration::from_secs(3),
        );
        assert_eq!(short.unwrap().start_bytes, 80 << 20);
        assert!(summarize_rss(Vec::new(), Duration::ZERO).is_none());
    }

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

    #[test]
    fn the_ledger_expects_acknowledged_articles_unless_deleted() {
        let mut ledger = Ledger::default();
        let origin = |line| Some(Origin { line, pass: 0 });
        for (id, line) in [("a", 0), ("b", 1), ("c", 2), ("d", 3), ("e", 4)] {
            ledger.acknowledged(id.to_owned(), origin(line));
        }
        ledger.deleted("a");
        ledger.replaced("b", 1, Some(1));
        // A replacement that failed: there, but with either title.
        ledger.replaced("c", 1, None);
        // A deletion that failed: either.
        ledger.uncertain("d");
        assert_eq!(ledger.live_count(), 3);

        let expected = ledger.expectations();
        assert_eq!(
            expected.present,
            vec![
                Expected {
                    id: "b".into(),
                    revision: Some(1)
                },
                Expected {
                    id: "c".into(),
                    revision: None
                },
                Expected {
                    id: "e".into(),
                    revision: Some(0)
                },
            ]
        );
        assert_eq!(expected.absent, vec!["a".to_owned()]);
        assert_eq!((ledger.posted, ledger.replaced, ledger.deleted), (5, 1, 1));
        assert_eq!(ledger.uncertain_count(), 2);
    }

    #[test]
    fn a_lost_article_is_counted_once_and_no_longer_expected() {
        let mut ledger = Ledger::default();
        ledger.acknowledged("a".to_owned(), None);
        ledger.lost("a");
        assert_eq!(ledger.lost, 1);
        assert_eq!(ledger.live_count(), 0);
        let expected = ledger.expectations();
        assert!(expected.present.is_empty() && expected.absent.is_empty());
    }

    #[test]
    fn ledgers_of_clients_merge() {
        let (mut one, mut two) = (Ledger::default(), Ledger::default());
        one.acknowledged("a".to_owned(), None);
        two.acknowledged("b".to_owned(), None);
        two.deleted("b");
        one.merge(two);
        assert_eq!(one.expectations().present.len(), 1);
        assert_eq!(one.expectations().absent, vec!["b".to_owned()]);
        assert_eq!((one.posted, one.deleted), (2, 1));
    }

    #[test]
    fn titles_show_their_revision() {
        assert!(shows_revision("Pier reopens", 0));
        assert!(!shows_revision("Pier reopens [revision 1]", 0));
        assert!(shows_revision("Pier reopens [revision 2]", 2));
        assert!(!shows_revision("Pier reopens [revision 1]", 2));
        assert!(!shows_revision("Pier reopens [revision 12]", 2));
    }

    #[test]
    fn later_passes_over_the_file_post_under_ids_of_their_own() {
        let articles: Vec<Map<String, Value>> =
            vec![serde_json::from_str(r#"{"title": "Pier reopens", "body": "x"}"#).unwrap()];
        let first = article(&articles, Origin { line: 0, pass: 0 }, 0);
        assert_eq!(first, articles[0]);
        let again = article(&articles, Origin { line: 0, pass: 2 }, 3);
        assert_eq!(again["id"], "soak-2-0");
        assert_eq!(again["title"], "Pier reopens [revision 3]");
    }

    #[test]
    fn new_articles_give_way_at_the_cap() {
        assert_eq!(choose_write(0.9, 0, 10), Write::Post);
        assert_eq!(choose_write(0.1, 5, 10), Write::Post);
        assert_eq!(choose_write(0.6, 5, 10), Write::Replace);
        assert_eq!(choose_write(0.8, 5, 10), Write::Delete);
        assert_eq!(choose_write(0.1, 10, 10), Write::Replace);
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_bounded() {
        assert_eq!(retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(retry_after("3600"), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
