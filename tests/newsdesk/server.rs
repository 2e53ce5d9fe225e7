//! A real server on a free port, its graceful shutdown, and the sample it
//! indexes on a fresh install.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::net::TcpListener;

use crate::helpers::TestApp;
use newsdesk::api;
use newsdesk::ingest::{Defaults, prepare};

#[tokio::test]
async fn a_real_server_on_a_free_port_answers_and_shuts_down_gracefully() {
    let app = TestApp::with_fixtures();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(api::serve(listener, app.router.clone(), async {
        let _ = stopped.await;
    }));

    let client = reqwest::Client::new();
    let health = client
        .get(format!("http://{address}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let results: Value = client
        .get(format!(
            "http://{address}/api/search?q=wind+farm&outlet=Harbour%20Gazette"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(results["total"], 1);
    assert_eq!(results["hits"][0]["id"], "harbour-wind-farm");

    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
    assert!(
        client
            .get(format!("http://{address}/healthz"))
            .send()
            .await
            .is_err()
    );
}

/// A `newsdesk serve` process, killed (SIGKILL) when dropped.
pub struct ServerProcess {
    pub child: Child,
    pub address: String,
    /// What it has logged so far, a line an entry.
    pub logs: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on a free port and waits until it says it listens.
fn start_binary(index: &std::path::Path) -> ServerProcess {
    start_binary_with(index, &[])
}

/// Starts the binary with more flags.
pub fn start_binary_with(index: &std::path::Path, flags: &[&str]) -> ServerProcess {
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["serve", "--addr", "127.0.0.1:0", "--index"])
        .arg(index)
        .args(flags)
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("newsdesk starts");
    let stderr = child.stderr.take().unwrap();
    let (found, wait) = std::sync::mpsc::channel();
    let logs: std::sync::Arc<std::sync::Mutex<Vec<String>>> = std::sync::Arc::default();
    let keep = std::sync::Arc::clone(&logs);
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            keep.lock().unwrap().push(line.clone());
            if !sent && let Some(rest) = line.split("listening on http://").nth(1) {
                let address = rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_string();
                let _ = found.send(address);
                sent = true;
            }
        }
    });
    let address = wait
        .recv_timeout(Duration::from_secs(60))
        .expect("the server says where it listens");
    ServerProcess {
        child,
        address,
        logs,
    }
}

#[tokio::test]
async fn with_json_logs_every_line_is_an_object_and_each_request_has_one() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_binary_with(dir.path(), &["--log-format", "json", "--no-sample"]);
    let url = format!("http://{}/api/search?q=ferry", server.address);
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    let missing = format!("http://{}/api/articles/nothing-here", server.address);
    assert_eq!(reqwest::get(&missing).await.unwrap().status(), 404);
    // The line is written once the answer is; give the reader a moment.
    let started = Instant::now();
    let lines = loop {
        let lines = server.logs.lock().unwrap().clone();
        if lines
            .iter()
            .filter(|line| line.contains("latency_ms"))
            .count()
            >= 2
            || started.elapsed() > Duration::from_secs(10)
        {
            break lines;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let objects: Vec<Value> = lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .collect();
    let requests: Vec<&Value> = objects
        .iter()
        .filter(|object| object.get("latency_ms").is_some())
        .collect();
    assert_eq!(requests.len(), 2, "{lines:#?}");
    assert_eq!(requests[0]["route"], "/api/search");
    assert_eq!(requests[0]["method"], "GET");
    assert_eq!(requests[0]["status"], 200);
    assert!(requests[0]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(requests[1]["route"], "/api/articles/{id}");
    assert_eq!(requests[1]["status"], 404);
    assert!(objects.iter().all(|object| object["level"].is_string()));
}

#[tokio::test]
async fn the_binary_serves_the_bundled_sample_on_a_fresh_index() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_binary(dir.path());
    let started = Instant::now();
    let results = get_json(&format!("http://{}/api/search?q=ceasefire", server.address)).await;
    assert!(results["total"].as_u64().unwrap() >= 3, "{results}");
    let snippet = results["hits"][0]["snippets"][0].as_str().unwrap();
    assert!(snippet.contains("<mark>ceasefire</mark>"), "{snippet}");
    assert!(results["facets"].is_object());
    assert!(started.elapsed() < Duration::from_secs(30));

    // Restarting over the same index does not add the sample again.
    drop(server);
    let again = start_binary(dir.path());
    let stats = get_json(&format!("http://{}/api/stats", again.address)).await;
    let sample_articles: usize = newsdesk::ingest::source::sample()
        .map(|item| {
            let (raw, _) = item.unwrap();
            1 + prepare(raw, &Defaults::default()).unwrap().appended.len()
        })
        .sum();
    assert_eq!(stats["articles"], sample_articles);
}

async fn get_json(url: &str) -> Value {
    let response = reqwest::get(url).await.expect("the server answers");
    assert_eq!(response.status(), 200, "{url}");
    response.json().await.expect("JSON")
}

#[tokio::test]
async fn ingest_against_a_running_server_names_it_and_leaves_the_index_whole() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_binary_with(dir.path(), &[]);
    let before = std::fs::read_dir(dir.path()).unwrap().count();
    let output = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["ingest", "--index"])
        .arg(dir.path())
        .arg(crate::helpers::FIXTURES)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let pid = server.child.id();
    assert!(
        stderr.contains(&format!(
            "in use by newsdesk serve (pid {pid}), listening on http://{}",
            server.address
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "newsdesk ingest --server http://{} PATH",
            server.address
        )),
        "{stderr}"
    );
    // The refused ingest touched nothing: the server still serves the sample.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), before);
    let stats = get_json(&format!("http://{}/api/stats", server.address)).await;
    assert!(stats["articles"].as_u64().unwrap() > 0);
}
