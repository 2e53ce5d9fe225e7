//! The other side of the API: what `newsdesk ingest --server` and
//! `newsdesk healthcheck` use to talk to a running server.
//!
//! Plain HTTP/1.1 through hyper, which the server already builds on. A
//! server that is busy (503 with `Retry-After`) is waited for and asked
//! again; anything else it refuses comes back as its own message.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use url::Url;

/// How often a busy server is asked again before giving up.
const RETRIES: u32 = 10;

/// A running newsdesk server.
pub struct Remote {
    client: HyperClient<HttpConnector, Full<Bytes>>,
    base: Url,
    key: Option<String>,
    timeout: Duration,
}

/// What a server made of a batch of articles.
#[derive(Debug, Default)]
pub struct Outcome {
    pub indexed: usize,
    pub replaced: usize,
    /// The line of the batch, and why its article was refused.
    pub rejected: Vec<(usize, String)>,
    /// The line of the batch, and what was noted about its article.
    pub warnings: Vec<(usize, String)>,
}

impl Remote {
    /// `base` is the server's address, such as `http://localhost:8080`;
    /// `key`, the API key its writes need.
    pub fn new(base: &str, key: Option<String>, timeout: Duration) -> Result<Remote, String> {
        let with_scheme = if base.contains("://") {
            base.to_string()
        } else {
            format!("http://{base}")
        };
        let base = Url::parse(&with_scheme)
            .ok()
            .filter(|url| url.host().is_some())
            .ok_or_else(|| {
                format!("{base:?} is not a server address: give one such as http://localhost:8080")
            })?;
        if base.scheme() != "http" {
            return Err(format!(
                "{base} uses {}: newsdesk talks plain HTTP to its server; give its http:// \
                 address on this machine or network",
                base.scheme()
            ));
        }
        let mut connector = HttpConnector::new();
        connector.set_connect_timeout(Some(timeout));
        Ok(Remote {
            client: HyperClient::builder(TokioExecutor::new()).build(connector),
            base,
            key: key.filter(|key| !key.is_empty()),
            timeout,
        })
    }

    pub fn address(&self) -> &Url {
        &self.base
    }

    /// Whether the server answers `GET /healthz` with 200.
    pub async fn health(&self) -> Result<(), String> {
        let request = Request::get(self.url("/healthz")?)
            .body(Full::default())
            .map_err(|err| err.to_string())?;
        let (status, body) = self.send(request).await?;
        if status == StatusCode::OK {
            Ok(())
        } else {
            Err(format!(
                "{} answered /healthz with {status}: {}",
                self.base,
                String::from_utf8_lossy(&body).trim()
            ))
        }
    }

    /// Sends `ndjson`, one article a line, to `POST /api/articles`.
    pub async fn post_ndjson(&self, ndjson: String) -> Result<Outcome, String> {
        let ndjson = Bytes::from(ndjson);
        let url = self.url("/api/articles")?;
        let mut attempt = 0;
        loop {
            let mut request = Request::post(&url)
                .header(header::CONTENT_TYPE, "application/x-ndjson")
                .header(
                    header::USER_AGENT,
                    concat!("newsdesk/", env!("CARGO_PKG_VERSION")),
                );
            if let Some(key) = &self.key {
                request = request.header(header::AUTHORIZATION, format!("Bearer {key}"));
            }
            let request = request
                .body(Full::new(ndjson.clone()))
                .map_err(|err| err.to_string())?;
            let (status, body) = self.send(request).await?;
            if status == StatusCode::SERVICE_UNAVAILABLE && attempt < RETRIES {
                attempt += 1;
                tokio::time::sleep(Duration::from_secs(u64::from(attempt))).await;
                continue;
            }
            let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            return match status {
                StatusCode::OK => Ok(Outcome {
                    indexed: count(&json["indexed"]),
                    replaced: count(&json["replaced"]),
                    rejected: lines(&json["errors"]),
                    warnings: lines(&json["warnings"]),
                }),
                // None of the batch was accepted: each article's reason.
                StatusCode::UNPROCESSABLE_ENTITY if json["error"]["details"].is_array() => {
                    Ok(Outcome {
                        rejected: lines(&json["error"]["details"]),
                        ..Outcome::default()
                    })
                }
                _ => Err(refusal(&self.base, status, &json, &body)),
            };
        }
    }

    fn url(&self, path: &str) -> Result<String, String> {
        self.base
            .join(path)
            .map(String::from)
            .map_err(|err| format!("{}{path}: {err}", self.base))
    }

    async fn send(&self, request: Request<Full<Bytes>>) -> Result<(StatusCode, Bytes), String> {
        let unreachable = |err: &dyn std::fmt::Display| {
            format!(
                "could not reach the server at {}: {err} (is `newsdesk serve` running there?)",
                self.base
            )
        };
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|err| unreachable(&error_chain(&err)))?;
            let status = response.status();
            let body = response
                .into_body()
                .collect()
                .await
                .map_err(|err| unreachable(&err))?
                .to_bytes();
            Ok((status, body))
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| {
                format!(
                    "the server at {} did not answer within {} s",
                    self.base,
                    self.timeout.as_secs()
                )
            })?
    }
}

/// A refused request, in the server's own words when it gave them.
fn refusal(base: &Url, status: StatusCode, json: &Value, body: &[u8]) -> String {
    let message = json["error"]["message"]
        .as_str()
        .map(str::to_string)
        .unwrap_or_else(|| String::from_utf8_lossy(body).chars().take(300).collect());
    let hint = match status {
        StatusCode::UNAUTHORIZED => " (give the server's key with --api-key or NEWSDESK_API_KEY)",
        StatusCode::FORBIDDEN => {
            " (the server takes writes from elsewhere only with an API key: start it with \
             NEWSDESK_API_KEY and give the same key here)"
        }
        _ => "",
    };
    format!("{base} answered {status}: {}{hint}", message.trim())
}

fn count(value: &Value) -> usize {
    value
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

/// `[{"line": 3, "message": "…"}, …]` as pairs.
fn lines(value: &Value) -> Vec<(usize, String)> {
    value
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    (
                        count(&item["line"]),
                        item["message"].as_str().unwrap_or_default().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// hyper's errors say little at the top ("client error (Connect)"); the
/// cause is further down.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
