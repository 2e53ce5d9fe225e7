//! A test application: a temporary index with the fixture articles, and
//! the router over it, driven without a network.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode};
use serde_json::Value;
use tempfile::TempDir;
use tower::ServiceExt;

use newsdesk::api::{self, AppState, Config};
use newsdesk::index::{Indexer, NewsIndex, WriterOptions};
use newsdesk::ingest::parse::Item;
use newsdesk::ingest::{Batch, Defaults, source};

/// The fixture articles: ten short local-news stories with every field.
pub const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/articles.ndjson"
);

/// The bundled sample: five pages as scraped, with no metadata.
pub const SAMPLE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/sample/articles");

pub struct TestApp {
    /// Requests driven through it without a network come from loopback, as
    /// from a client on the server's own machine; served for real, the
    /// peer's own address wins.
    pub router: Router,
    /// The router with no peer address at all.
    bare: Router,
    /// Keeps the index folder alive as long as the app.
    _dir: Arc<TempDir>,
}

/// The fixture articles, parsed.
fn fixture_items() -> Vec<Item> {
    let file = std::fs::File::open(FIXTURES).expect("fixtures");
    let mut items = Vec::new();
    source::read_ndjson(
        "articles.ndjson",
        std::io::BufReader::new(file),
        &mut |item| items.push(item),
    )
    .expect("fixtures read");
    items
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub json: Value,
}

const WRITER: WriterOptions = WriterOptions {
    threads: 1,
    memory_bytes: 20_000_000,
};

impl TestApp {
    /// An app over an index holding the fixture articles.
    pub fn with_fixtures() -> TestApp {
        TestApp::over(fixture_items())
    }

    /// An app over an index holding the bundled sample, ingested as
    /// `newsdesk serve` ingests it.
    pub fn with_sample() -> TestApp {
        TestApp::over(newsdesk::ingest::source::sample().collect())
    }

    /// An app over the fixture articles and the bundled sample together.
    pub fn with_fixtures_and_sample() -> TestApp {
        let mut items = fixture_items();
        items.extend(newsdesk::ingest::source::sample());
        TestApp::over(items)
    }

    /// An app over an index holding `items`, added in order.
    pub fn over(items: Vec<Item>) -> TestApp {
        TestApp::over_with(items, Config::default())
    }

    /// An app over the fixture articles, with the API configured by `config`.
    pub fn with_config(config: Config) -> TestApp {
        TestApp::over_with(fixture_items(), config)
    }

    fn over_with(items: Vec<Item>, config: Config) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary folder");
        let index = NewsIndex::open_or_create(dir.path()).expect("index");
        let mut writer = index.writer(WRITER).expect("writer");
        let mut batch = Batch::new(&mut writer, Defaults::default());
        for item in items {
            batch.add(item).expect("index write");
        }
        assert!(
            batch.report.rejected.is_empty(),
            "{:?}",
            batch.report.rejected
        );
        writer.commit().expect("commit");
        TestApp::serving(
            api::router(AppState::with_config(index, writer, config)),
            dir,
        )
    }

    /// An app over the articles `write` adds (and commits for it), with
    /// the API configured by `config`.
    pub fn written(config: Config, write: impl FnOnce(&mut Indexer)) -> TestApp {
        let dir = tempfile::tempdir().expect("temporary folder");
        let index = NewsIndex::open_or_create(dir.path()).expect("index");
        let mut writer = index.writer(WRITER).expect("writer");
        write(&mut writer);
        writer.commit().expect("commit");
        TestApp::serving(
            api::router(AppState::with_config(index, writer, config)),
            dir,
        )
    }

    /// An app over an empty index.
    pub fn empty() -> TestApp {
        let dir = tempfile::tempdir().expect("temporary folder");
        let index = NewsIndex::open_or_create(dir.path()).expect("index");
        let writer = index.writer(WRITER).expect("writer");
        TestApp::serving(api::router(AppState::new(index, writer)), dir)
    }

    fn serving(bare: Router, dir: TempDir) -> TestApp {
        TestApp {
            router: bare
                .clone()
                .layer(MockConnectInfo(SocketAddr::from(([127, 0, 0, 1], 50_000)))),
            bare,
            _dir: Arc::new(dir),
        }
    }

    /// The app as a client on another machine sees it.
    pub fn remote(&self) -> TestApp {
        TestApp {
            router: self.bare.clone().layer(MockConnectInfo(SocketAddr::from((
                [203, 0, 113, 7],
                50_000,
            )))),
            bare: self.bare.clone(),
            _dir: self._dir.clone(),
        }
    }

    pub async fn get(&self, uri: &str) -> Answer {
        self.send(Method::GET, uri, None, "").await
    }

    pub async fn post(&self, uri: &str, content_type: Option<&str>, body: &str) -> Answer {
        self.send(Method::POST, uri, content_type, body).await
    }

    pub async fn delete(&self, uri: &str) -> Answer {
        self.send(Method::DELETE, uri, None, "").await
    }

    pub async fn send(
        &self,
        method: Method,
        uri: &str,
        content_type: Option<&str>,
        body: &str,
    ) -> Answer {
        let mut request = Request::builder().method(method).uri(uri);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        self.request(request.body(Body::from(body.to_string())).expect("request"))
            .await
    }

    /// Posts `body`, as bytes, to `/api/articles`.
    pub async fn send_bytes(&self, content_type: Option<&str>, body: Vec<u8>) -> Answer {
        let mut request = Request::builder().method(Method::POST).uri("/api/articles");
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        self.request(request.body(Body::from(body)).expect("request"))
            .await
    }

    /// Sends a request built by the caller, with whatever headers it needs.
    pub async fn request(&self, request: Request<Body>) -> Answer {
        let uri = request.uri().to_string();
        let (status, headers, bytes) = self.respond(request).await;
        let json = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|err| {
                panic!(
                    "{uri} answered {status} with non-JSON ({err}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        Answer {
            status,
            headers,
            json,
        }
    }

    /// Gets `uri`, whose answer is text rather than JSON.
    pub async fn get_text(&self, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
        let request = Request::get(uri).body(Body::empty()).expect("request");
        let (status, headers, bytes) = self.respond(request).await;
        let text = String::from_utf8(bytes.to_vec()).expect("UTF-8");
        (status, headers, text)
    }

    async fn respond(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, axum::body::Bytes) {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("response");
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        (status, headers, bytes)
    }

    /// Searches and checks the answer is a 200.
    pub async fn search(&self, query_string: &str) -> Value {
        let answer = self.get(&format!("/api/search?{query_string}")).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{query_string}: {}",
            answer.json
        );
        answer.json
    }
}

/// The ids of the hits, in order.
pub fn ids(results: &Value) -> Vec<String> {
    results["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["id"].as_str().expect("id").to_string())
        .collect()
}

/// `?q=…` with the query percent-encoded.
pub fn q(query: &str) -> String {
    format!("q={}", encode(query))
}

pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// Asserts an error answer has the API's error shape and the given code.
pub fn assert_error(answer: &Answer, status: StatusCode, code: &str) {
    assert_eq!(answer.status, status, "{}", answer.json);
    let content_type = answer
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok());
    assert_eq!(content_type, Some("application/json"), "{}", answer.json);
    assert_eq!(answer.json["error"]["code"], code, "{}", answer.json);
    let message = answer.json["error"]["message"].as_str().expect("message");
    assert!(message.len() > 10, "{message}");
}

/// What `newsdesk inspect --json` makes of `paths`.
pub fn inspect(paths: &[&str]) -> Vec<Value> {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .arg("inspect")
        .arg("--json")
        .args(paths)
        .output()
        .expect("newsdesk runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice::<Value>(&output.stdout)
        .expect("JSON")
        .as_array()
        .expect("an array")
        .clone()
}

/// What `newsdesk inspect --json` makes of the bundled sample.
pub fn sample() -> Vec<Value> {
    let mut files: Vec<String> = std::fs::read_dir(SAMPLE_DIR)
        .expect("the sample folder")
        .map(|e| e.expect("an entry").path().display().to_string())
        .collect();
    files.sort();
    let paths: Vec<&str> = files.iter().map(String::as_str).collect();
    inspect(&paths)
}
