//! `GET /api/export`: every matching article, whole, streamed as NDJSON or
//! CSV with constant memory.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use newsdesk::api::Config;
use newsdesk::article::{Article, ArticleId, Sources};

use crate::helpers::{TestApp, assert_error, encode, ids};

/// Every field of an exported article, in CSV column order.
const FIELDS: [&str; 12] = [
    "id",
    "url",
    "title",
    "title_source",
    "outlet",
    "outlet_source",
    "date",
    "date_source",
    "people",
    "parent",
    "story",
    "body",
];

async fn export(app: &TestApp, query_string: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    app.get_text(&format!("/api/export?{query_string}")).await
}

fn lines(text: &str) -> Vec<Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect()
}

/// The ids a search finds, all of them.
async fn searched(app: &TestApp, query_string: &str) -> BTreeSet<String> {
    let results = app.search(&format!("{query_string}&limit=100")).await;
    assert!(results["total"].as_u64().unwrap() <= 100);
    ids(&results).into_iter().collect()
}

#[tokio::test]
async fn ndjson_has_every_matching_article_once_with_every_field() {
    let app = TestApp::with_fixtures_and_sample();
    let (status, headers, text) = export(&app, "").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(headers["content-type"], "application/x-ndjson");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"newsdesk-export.ndjson\""
    );
    let rows = lines(&text);
    let exported: Vec<String> = rows
        .iter()
        .map(|row| row["id"].as_str().unwrap().to_string())
        .collect();
    let unique: BTreeSet<String> = exported.iter().cloned().collect();
    assert_eq!(exported.len(), unique.len(), "an article twice");
    assert_eq!(unique, searched(&app, "").await);
    for row in &rows {
        let keys: Vec<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = FIELDS.to_vec();
        expected.sort();
        let mut keys = keys.clone();
        keys.sort();
        assert_eq!(keys, expected);
        let story = row["story"].as_str().unwrap();
        assert!(
            story.len() == 16 && story.chars().all(|c| c.is_ascii_hexdigit()),
            "{story}"
        );
    }
    // Whole articles, as the article endpoint has them.
    let crab = rows.iter().find(|row| row["id"] == "harbour-crab").unwrap();
    let article = app.get("/api/articles/harbour-crab").await.json;
    for field in [
        "title",
        "outlet",
        "date",
        "body",
        "people",
        "url",
        "title_source",
    ] {
        assert_eq!(crab[field], article[field], "{field}");
    }
    assert!(
        rows.iter().any(|row| row["parent"].is_string()),
        "the sample's appended articles keep their page"
    );
}

#[tokio::test]
async fn filters_apply_as_they_do_to_a_search() {
    let app = TestApp::with_fixtures();
    for query_string in [
        "q=ferry".to_string(),
        format!("outlet={}", encode("Harbour Gazette")),
        format!("person={}&from=2025", encode("Owen Pryce")),
        "q=wind&to=2025-01".to_string(),
        format!("q={}", encode("council -website")),
    ] {
        let (status, _, text) = export(&app, &query_string).await;
        assert_eq!(status, StatusCode::OK, "{query_string}: {text}");
        let exported: BTreeSet<String> = lines(&text)
            .iter()
            .map(|row| row["id"].as_str().unwrap().to_string())
            .collect();
        let expected = searched(&app, &query_string).await;
        assert!(!expected.is_empty(), "{query_string}");
        assert_eq!(exported, expected, "{query_string}");
    }
    let (status, _, text) = export(&app, "q=zeppelin").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(text, "");
}

#[tokio::test]
async fn csv_parses_back_with_commas_quotes_and_newlines_in_bodies() {
    let awkward = "He said, \"no\".\n\nThen: a, b; c \"quoted\"\r\nand a last line";
    let app = TestApp::written(Config::default(), |writer| {
        let mut article = Article {
            id: ArticleId::parse("awkward").unwrap(),
            title: Some("Commas, \"quotes\"".to_string()),
            outlet: Some("Coast News".to_string()),
            date: None,
            url: None,
            people: vec!["Maria Lopez".to_string(), "Tom Hale".to_string()],
            unconfirmed_people: Vec::new(),
            body: awkward.to_string(),
            parent: None,
            sources: Sources::default(),
        };
        writer.add(&article).unwrap();
        article.id = ArticleId::parse("plain").unwrap();
        article.title = None;
        article.people.clear();
        article.body = "Plain text.".to_string();
        writer.add(&article).unwrap();
    });
    let (status, headers, text) = export(&app, "format=csv").await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        headers["content-disposition"],
        "attachment; filename=\"newsdesk-export.csv\""
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, FIELDS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    let row = rows.iter().find(|r| &r[0] == "awkward").unwrap();
    assert_eq!(&row[2], "Commas, \"quotes\"");
    assert_eq!(&row[8], "Maria Lopez; Tom Hale");
    assert_eq!(&row[11], awkward);
    let plain = rows.iter().find(|r| &r[0] == "plain").unwrap();
    assert_eq!((&plain[2], &plain[8], &plain[9]), ("", "", ""));

    // Nothing matches: the header alone.
    let (_, _, text) = export(&app, "format=csv&q=zeppelin").await;
    assert_eq!(text.trim_end(), FIELDS.join(","));
}

#[tokio::test]
async fn bad_parameters_are_refused_before_anything_is_streamed() {
    let app = TestApp::with_fixtures();
    for query_string in [
        "format=xml",
        "format=csv&format=ndjson",
        "q=a&q=b",
        "from=yesterday",
        "from=2025-03&to=2025-01",
        "limit=5",
        "sort=newest",
    ] {
        let answer = app.get(&format!("/api/export?{query_string}")).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
    }
    let answer = app.get("/api/export?format=xml").await;
    let message = answer.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("ndjson or csv"), "{message}");
    let long = "a ".repeat(5_000);
    let answer = app.get(&format!("/api/export?q={}", encode(&long))).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
}

/// An app over `count` generated articles that runs one export at a time.
fn archive(count: usize) -> TestApp {
    let config = Config {
        max_exports: 1,
        ..Config::default()
    };
    TestApp::written(config, |writer| {
        for i in 0..count {
            let article = Article {
                id: ArticleId::parse(&format!("generated-{i:05}")).unwrap(),
                title: Some(format!("Harbour report number {i}")),
                outlet: Some("Coast News".to_string()),
                date: None,
                url: None,
                people: Vec::new(),
                unconfirmed_people: Vec::new(),
                body: format!(
                    "Report {i}. The harbour master counted {} boats today. {}",
                    i % 97,
                    "The tide came in and went out again. ".repeat(8)
                ),
                parent: None,
                sources: Sources::default(),
            };
            writer.add(&article).unwrap();
        }
    })
}

async fn start_export(app: &TestApp) -> axum::response::Response {
    app.router
        .clone()
        .oneshot(Request::get("/api/export").body(Body::empty()).unwrap())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_large_export_streams_through_a_bounded_channel_and_stops_when_dropped() {
    let app = archive(5_000);
    let mut first = start_export(&app).await;
    assert_eq!(first.status(), StatusCode::OK);
    let chunk = first
        .body_mut()
        .frame()
        .await
        .expect("a first chunk")
        .unwrap()
        .into_data()
        .unwrap();
    assert!(
        chunk.len() >= 64 * 1024 && chunk.len() < 256 * 1024,
        "{}",
        chunk.len()
    );

    // Unread, the export waits: the channel holds a few chunks of an
    // export of megabytes, so it still runs, and holds the one place.
    let busy = app.get("/api/export").await;
    assert_error(&busy, StatusCode::SERVICE_UNAVAILABLE, "overloaded");
    assert_eq!(busy.headers["retry-after"], "1");

    // Dropped, it stops, and gives the place back.
    drop(first);
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut second = loop {
        let response = start_export(&app).await;
        if response.status() == StatusCode::OK {
            break response;
        }
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(Instant::now() < deadline, "the dropped export kept running");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let mut count = 0;
    let mut seen = BTreeSet::new();
    let mut rest = Vec::new();
    while let Some(frame) = second.body_mut().frame().await {
        rest.extend_from_slice(&frame.unwrap().into_data().unwrap());
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = rest.drain(..=end).collect();
            let row: Value = serde_json::from_slice(&line).unwrap();
            seen.insert(row["id"].as_str().unwrap().to_string());
            count += 1;
        }
    }
    assert!(rest.is_empty());
    assert_eq!((count, seen.len()), (5_000, 5_000));
}
