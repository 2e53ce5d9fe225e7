//! Bad input of every kind, over HTTP and on the command line: each gets a
//! message that says what to fix (a 4xx, or a line naming file and line),
//! never a 500, a panic or a hang, and costs nothing else.

use std::process::Command;
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::helpers::{TestApp, assert_error};
use newsdesk::api::Config;
use newsdesk::index::NewsIndex;

const JSON: Option<&str> = Some("application/json");
const NDJSON: Option<&str> = Some("application/x-ndjson");
const TEXT: Option<&str> = Some("text/plain");

fn message(answer: &crate::helpers::Answer) -> String {
    answer.json["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn bad_bodies_are_4xx_that_say_what_to_fix_and_change_nothing() {
    let app = TestApp::with_fixtures();
    let nested = format!(
        "{{\"body\": {}\"x\"{}}}",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    // Content type, body, and the status, code and words of the answer.
    type Case<'a> = (Option<&'a str>, Vec<u8>, StatusCode, &'a str, &'a str);
    let cases: Vec<Case> = vec![
        (
            JSON,
            b"{\"body\": \"caf\xe9\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "not valid UTF-8 (first bad byte at offset 13)",
        ),
        (
            TEXT,
            b"\x7fELF\x02\x01\x01\0\0\0\0binary".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "binary",
        ),
        (
            JSON,
            Vec::new(),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "empty",
        ),
        (
            JSON,
            b"{\"body\": \"x\", ".to_vec(),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "invalid JSON",
        ),
        (
            JSON,
            br#"{"title": ["not", "a", "string"], "body": "Text."}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_article",
            "`title` must be a string",
        ),
        (
            JSON,
            br#"{"body": "Text.", "date": "2025-02-30"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_article",
            "date",
        ),
        (
            JSON,
            br#"{"body": "Text.", "date": 20250101}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_article",
            "date",
        ),
        (
            JSON,
            nested.into_bytes(),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "nested too deeply",
        ),
        (
            NDJSON,
            b"{\"body\": 1}\nnot json\n[]\n".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_article",
            "none of the 3 articles",
        ),
    ];
    for (content_type, body, status, code, fragment) in cases {
        let answer = app.send_bytes(content_type, body.clone()).await;
        let shown = String::from_utf8_lossy(&body[..body.len().min(60)]).into_owned();
        assert_error(&answer, status, code);
        assert!(
            message(&answer).contains(fragment),
            "{shown}: {}",
            answer.json
        );
    }
    assert_eq!(app.search("").await["total"], 10);
}

#[tokio::test]
async fn an_ndjson_body_names_each_bad_line_and_keeps_the_good_ones() {
    let app = TestApp::empty();
    let body = "{\"id\": \"ok-1\", \"body\": \"The first good article.\"}\n\
                {\"body\": \"unterminated\n\
                {\"id\": \"ok-2\", \"body\": \"The second good article.\", \"mood\": \"sunny\"}\n\
                {\"body\": \"Bad date.\", \"date\": \"2025-13-01\"}\n\
                {\"body\": {\"nested\": true}}\n";
    let answer = app.send_bytes(NDJSON, body.as_bytes().to_vec()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let accepted: Vec<&str> = answer.json["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    assert_eq!(accepted, ["ok-1", "ok-2"]);
    let rejected = answer.json["errors"].as_array().unwrap();
    let lines: Vec<u64> = rejected
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 4, 5], "{}", answer.json);
    // An unknown field costs nothing but a warning that names it.
    assert!(
        answer.json.to_string().contains("`mood`"),
        "{}",
        answer.json
    );
    assert_eq!(app.search("").await["total"], 2);
}

#[tokio::test]
async fn an_article_over_the_size_limit_is_refused_with_the_limit() {
    let app = TestApp::with_config(Config {
        max_article_bytes: 1000,
        ..Config::default()
    });
    let long = serde_json::json!({"body": "word ".repeat(300)}).to_string();
    let answer = app.send_bytes(JSON, long.into_bytes()).await;
    assert_error(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid_article");
    assert!(
        message(&answer).contains("limit of 1000 bytes"),
        "{}",
        answer.json
    );

    // The request limit is separate, and answered before the body is read.
    let small = TestApp::with_config(Config {
        max_body_bytes: 10_000,
        ..Config::default()
    });
    let answer = small.send_bytes(TEXT, vec![b'a'; 20_000]).await;
    assert_error(&answer, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    assert!(message(&answer).contains("10000 bytes"), "{}", answer.json);
}

#[tokio::test(flavor = "multi_thread")]
async fn ten_megabytes_without_a_newline_are_indexed_in_reasonable_time() {
    let app = TestApp::empty();
    let words = [
        "council", "harbour", "ferry", "met", "on", "Monday", "and", "the",
    ];
    let mut body = String::with_capacity(10_000_000);
    let mut i = 0usize;
    while body.len() < 10_000_000 {
        body.push_str(words[i % words.len()]);
        body.push(' ');
        i = i.wrapping_mul(31).wrapping_add(7) % 1_000_003;
    }
    let started = Instant::now();
    let answer = app.send_bytes(TEXT, body.into_bytes()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(app.search("q=harbour").await["total"], 1);

    // Past the default limit of an article: refused before any work.
    let too_big = vec![b'a'; newsdesk::ingest::MAX_ARTICLE_BYTES + 1];
    let answer = app.send_bytes(TEXT, too_big).await;
    assert_error(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid_article");
}

#[test]
fn ingest_names_the_file_and_line_of_every_bad_input_and_indexes_the_rest() {
    let input = tempfile::tempdir().unwrap();
    let write =
        |name: &str, content: &[u8]| std::fs::write(input.path().join(name), content).unwrap();
    write(
        "01-good.txt",
        b"Harbour ferry returns\n\nThe ferry is back in service.\n",
    );
    write(
        "02-latin1.txt",
        b"Caf\xe9 reopens\n\nThe caf\xe9 on the quay reopened on Monday.\n",
    );
    write("03-binary.txt", b"\x7fELF\x02\x01\x01\0\0\0binary");
    write("04-empty.txt", b"");
    write("05-huge.txt", "word ".repeat(400).as_bytes());
    write(
        "06-oneline.txt",
        "harbour ferry council ".repeat(150_000).as_bytes(),
    );
    let nested = format!("{{\"body\": {}1{}}}", "[".repeat(5000), "]".repeat(5000));
    write(
        "07-lines.ndjson",
        format!(
            "{{\"id\": \"l1\", \"body\": \"Line one is good.\"}}\n\
             {{\"body\": \"unterminated\n\
             {{\"body\": true}}\n\
             {{\"body\": \"Impossible date.\", \"date\": \"2025-02-30\"}}\n\
             {nested}\n\
             {{\"id\": \"l6\", \"body\": \"Line six is good.\", \"colour\": \"red\"}}\n"
        )
        .as_bytes(),
    );
    write(
        "08-mixed.ndjson",
        b"{\"id\": \"m1\", \"body\": \"Bad byte \xff here.\"}\n",
    );

    let index = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["ingest", "--max-article-bytes", "1000", "--index"])
        .arg(index.path())
        .arg(input.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    for expected in [
        "02-latin1.txt:1: the file is not valid UTF-8 (first bad byte at offset 3); it was read as Latin-1",
        "03-binary.txt: the file looks binary",
        "04-empty.txt: the file is empty",
        "05-huge.txt: the article body is 2000 bytes, over the limit of 1000 bytes",
        "06-oneline.txt: the article body is 3300000 bytes",
        "07-lines.ndjson:2: invalid JSON",
        "07-lines.ndjson:3: field `body` must be a string",
        "07-lines.ndjson:4:",
        "07-lines.ndjson:5: invalid JSON: arrays and objects are nested too deeply",
        "07-lines.ndjson:6: ignored unknown field `colour`",
        "08-mixed.ndjson:1: the line is not valid UTF-8",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    assert!(stdout.contains("5 indexed (new)"), "{stdout}");
    assert!(stdout.contains("8 rejected"), "{stdout}");
    let index = NewsIndex::open_or_create(index.path()).unwrap();
    assert_eq!(index.num_articles(), 5);

    // The one-line file within a limit that allows it is indexed.
    let output = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["ingest", "--index"])
        .arg(tempfile::tempdir().unwrap().path())
        .arg(input.path().join("06-oneline.txt"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_request_over_the_timeout_is_a_503_with_retry_after() {
    let app = TestApp::with_config(Config {
        request_timeout: Duration::from_millis(20),
        ..Config::default()
    });
    let paragraph = "The council met on Monday to discuss the harbour ferry. ".repeat(40);
    let body: String = (0..400)
        .map(|i| {
            format!(
                "{}\n",
                serde_json::json!({"id": format!("t{i}"), "body": paragraph})
            )
        })
        .collect();
    let answer = app.send_bytes(NDJSON, body.into_bytes()).await;
    assert_error(&answer, StatusCode::SERVICE_UNAVAILABLE, "timeout");
    assert_eq!(answer.headers["retry-after"], "1");
}
