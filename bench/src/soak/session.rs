//! One keep-alive connection to the server: the requests a soak sends, what
//! each came to, and the tally of the answers.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Deserialize;

use super::tally::{Kind, Tally, excerpt};
use crate::newsdesk::search_request;
use crate::query::Query;

/// How long a request may take before it counts as a transport error: well
/// over the server's own 30 s timeout, so the server's answer comes first.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(90);
/// The longest wait a `Retry-After` is honoured for.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// The pause after a transport error, so a dead server is not hammered.
const TRANSPORT_PAUSE: Duration = Duration::from_millis(200);

/// The parts of `POST /api/articles`' answer the soak reads.
#[derive(Debug, Deserialize)]
struct Ingested {
    articles: Vec<Accepted>,
}

#[derive(Debug, Deserialize)]
pub(super) struct Accepted {
    pub(super) id: String,
    pub(super) status: String,
}

/// The part of `GET /api/search`'s answer a soak with no writes reads.
#[derive(Debug, Deserialize)]
struct Found {
    hits: Vec<Hit>,
}

#[derive(Debug, Deserialize)]
struct Hit {
    id: String,
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
pub(super) enum Outcome {
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
    pub(super) fn pause(&self) -> Option<Duration> {
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
pub(super) struct Session<'a> {
    agent: ureq::Agent,
    base: &'a str,
    key: Option<&'a str>,
    /// When the soak started, for the time of error messages.
    started: Instant,
    pub(super) tally: Tally,
}

impl<'a> Session<'a> {
    pub(super) fn new(base: &'a str, key: Option<&'a str>, started: Instant) -> Session<'a> {
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

    pub(super) fn search(&mut self, query: &Query) -> Outcome {
        let url = format!("{}/api/search", self.base);
        self.exchange(Kind::Search, |s| {
            s.authorized(search_request(&s.agent, &url, query)).call()
        })
    }

    pub(super) fn get(&mut self, kind: Kind, id: &str) -> Outcome {
        let url = format!("{}/api/articles/{id}", self.base);
        self.exchange(kind, |s| s.authorized(s.agent.get(&url)).call())
    }

    pub(super) fn delete(&mut self, id: &str) -> Outcome {
        let url = format!("{}/api/articles/{id}", self.base);
        self.exchange(Kind::Delete, |s| s.authorized(s.agent.delete(&url)).call())
    }

    pub(super) fn post(&mut self, kind: Kind, content_type: &str, body: &str) -> Outcome {
        let url = format!("{}/api/articles", self.base);
        self.exchange(kind, |s| {
            s.authorized(s.agent.post(&url))
                .content_type(content_type)
                .send(body)
        })
    }

    /// The accepted articles of a 200 to a POST, or `None` (tallied) when
    /// there was no such answer.
    pub(super) fn accepted(&mut self, kind: Kind, outcome: &Outcome) -> Option<Vec<Accepted>> {
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
    pub(super) fn title(&mut self, kind: Kind, body: &str) -> Option<String> {
        self.read::<Shown>(kind, body).map(|shown| shown.title)
    }

    /// The ids of the hits of a 200 to a search, or `None` (tallied) when
    /// its body does not read.
    pub(super) fn hit_ids(&mut self, body: &str) -> Option<Vec<String>> {
        self.read::<Found>(Kind::Search, body)
            .map(|found| found.hits.into_iter().map(|hit| hit.id).collect())
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
    pub(super) fn stats(&mut self) -> anyhow::Result<u64> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_and_bounded() {
        assert_eq!(retry_after("2"), Some(Duration::from_secs(2)));
        assert_eq!(retry_after("3600"), Some(MAX_RETRY_AFTER));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
    }
}
