//! `newsdesk ingest --server` and `newsdesk healthcheck` against real
//! servers.

use std::process::{Command, Output};

use serde_json::Value;

use crate::helpers::{FIXTURES, SAMPLE_DIR};
use crate::server::start_binary_with;

const PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pages");

fn newsdesk(args: &[&str], key: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_newsdesk"));
    command.args(args).env_remove("NEWSDESK_API_KEY");
    if let Some(key) = key {
        command.env("NEWSDESK_API_KEY", key);
    }
    command.output().expect("newsdesk runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn get_json(url: &str) -> Value {
    reqwest::get(url).await.unwrap().json().await.unwrap()
}

/// Every article a server holds, by id, as `GET /api/articles/{id}` gives it.
async fn articles(address: &str) -> Vec<Value> {
    let found = get_json(&format!(
        "http://{address}/api/search?limit=100&sort=oldest"
    ))
    .await;
    let mut ids: Vec<String> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(ids.len() as u64, found["total"].as_u64().unwrap());
    ids.sort();
    let mut all = Vec::new();
    for id in ids {
        all.push(get_json(&format!("http://{address}/api/articles/{id}")).await);
    }
    all
}

#[tokio::test]
async fn ingest_with_server_gives_the_server_what_a_local_ingest_would_index() {
    let bad = tempfile::tempdir().unwrap();
    let bad_file = bad.path().join("feed.ndjson");
    std::fs::write(
        &bad_file,
        "{\"title\": \"Harbour reopens\", \"body\": \"The harbour reopened on Monday after repairs.\"}\n\
         {\"title\": \"No body here\"}\n",
    )
    .unwrap();
    let inputs = [FIXTURES, SAMPLE_DIR, PAGES, bad_file.to_str().unwrap()];

    let remote_dir = tempfile::tempdir().unwrap();
    let server = start_binary_with(remote_dir.path(), &["--no-sample"]);
    let url = format!("http://{}", server.address);
    let mut args = vec!["ingest", "--server", &url];
    args.extend(inputs);
    let sent = newsdesk(&args, None);
    let stderr = text(&sent.stderr);
    // The bad line is named by its file and line; the rest is indexed.
    assert_eq!(sent.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("rejected: {}:2: ", bad_file.display())),
        "{stderr}"
    );
    assert!(text(&sent.stdout).contains(&format!("into {url}/")));

    let local_dir = tempfile::tempdir().unwrap();
    let mut args = vec!["ingest", "--index", local_dir.path().to_str().unwrap()];
    args.extend(inputs);
    assert_eq!(newsdesk(&args, None).status.code(), Some(1));
    let local = start_binary_with(local_dir.path(), &["--no-sample"]);

    let (sent, indexed) = (
        articles(&server.address).await,
        articles(&local.address).await,
    );
    assert!(sent.len() > 20, "{}", sent.len());
    assert_eq!(sent, indexed);

    // Sending again replaces: the same ids, nothing added.
    let mut again = vec!["ingest", "--server", &url];
    again.extend(inputs);
    let output = newsdesk(&again, None);
    assert!(
        text(&output.stdout).contains(" 0 indexed (new)"),
        "{}",
        text(&output.stdout)
    );
    assert_eq!(articles(&server.address).await.len(), sent.len());
}

#[tokio::test]
async fn ingest_with_server_sends_the_key_and_says_when_it_is_missing() {
    let key = "a-key-for-this-test-only";
    let dir = tempfile::tempdir().unwrap();
    let server = start_binary_with(dir.path(), &["--no-sample", "--api-key", key]);
    let url = format!("http://{}", server.address);

    let refused = newsdesk(&["ingest", "--server", &url, SAMPLE_DIR], None);
    assert_eq!(refused.status.code(), Some(2));
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("401"), "{stderr}");
    assert!(stderr.contains("--api-key"), "{stderr}");
    assert!(stderr.contains("acknowledged 0 articles"), "{stderr}");

    let accepted = newsdesk(&["ingest", "--server", &url, SAMPLE_DIR], Some(key));
    assert!(accepted.status.success(), "{}", text(&accepted.stderr));
    let stats = get_json(&format!("{url}/api/stats")).await;
    assert!(stats["articles"].as_u64().unwrap() >= 5, "{stats}");
}

#[test]
fn ingest_with_server_names_a_server_it_cannot_reach_or_a_bad_address() {
    let output = newsdesk(
        &["ingest", "--server", "http://127.0.0.1:9", SAMPLE_DIR],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("could not reach the server at http://127.0.0.1:9/"),
        "{}",
        text(&output.stderr)
    );
    for (address, says) in [
        ("https://news.example", "plain HTTP"),
        ("http://", "not a server address"),
    ] {
        let output = newsdesk(&["ingest", "--server", address, SAMPLE_DIR], None);
        assert_eq!(output.status.code(), Some(2));
        assert!(
            text(&output.stderr).contains(says),
            "{}",
            text(&output.stderr)
        );
    }
    let output = newsdesk(
        &[
            "ingest",
            "--server",
            "http://127.0.0.1:9",
            "--outlet",
            "X",
            SAMPLE_DIR,
        ],
        None,
    );
    assert!(text(&output.stderr).contains("--outlet and --date"));
}

#[test]
fn healthcheck_passes_only_while_a_server_answers() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_binary_with(dir.path(), &["--no-sample"]);
    let port = server.address.rsplit(':').next().unwrap().to_string();
    // The address the server was told to listen on, all interfaces.
    let healthy = newsdesk(&["healthcheck", "--addr", &format!("0.0.0.0:{port}")], None);
    assert!(healthy.status.success(), "{}", text(&healthy.stderr));
    drop(server);
    let gone = newsdesk(
        &["healthcheck", "--addr", &format!("127.0.0.1:{port}")],
        None,
    );
    assert_eq!(gone.status.code(), Some(1));
    assert!(text(&gone.stderr).starts_with("unhealthy: "));
}
