use axum::http::{Method, StatusCode};

use crate::helpers::{TestApp, assert_error, encode};

#[tokio::test]
async fn bad_paging_and_sorting_parameters_are_400s_that_say_what_to_fix() {
    let app = TestApp::with_fixtures();
    for (query, fragment) in [
        ("limit=1000000000", "at most 100"),
        ("limit=101", "at most 100"),
        ("limit=-1", "whole number"),
        ("limit=ten", "whole number"),
        ("offset=20000", "offset"),
        ("sort=popular", "relevance, newest or oldest"),
        ("from=2025-02-30", "YYYY-MM-DD"),
        ("from=2025-03-01&to=2025-01-01", "swap"),
        ("qq=ferry", "unknown parameter `qq`"),
        ("q=a&q=b", "given 2 times"),
        ("limit=5&limit=6", "given 2 times"),
    ] {
        let answer = app.get(&format!("/api/search?{query}")).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
        let message = answer.json["error"]["message"].as_str().unwrap();
        assert!(message.contains(fragment), "{query}: {message}");
    }
}

#[tokio::test]
async fn empty_parameters_mean_their_defaults() {
    let app = TestApp::with_fixtures();
    let results = app
        .search("q=&limit=&offset=&sort=&from=&to=&outlet=&person=")
        .await;
    assert_eq!(results["total"], 10);
    assert_eq!(results["hits"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn hostile_queries_are_answered_not_failed() {
    let app = TestApp::with_fixtures();
    let long = "ferry ".repeat(2000);
    let many_terms: String = (0..1000).map(|i| format!("w{i} OR ")).collect::<String>() + "ferry";
    let nested = format!("{}ferry{}", "(".repeat(500), ")".repeat(500));
    let unbalanced = format!("{}ferry", "(".repeat(500));
    let operators = "OR AND NOT - + ( ) \" [ ] : * OR".to_string();
    for query in [
        long,
        many_terms,
        nested,
        unbalanced,
        operators,
        "date:[".into(),
        "*".into(),
        "title:".into(),
    ] {
        let answer = app.get(&format!("/api/search?q={}", encode(&query))).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{}: {}",
            &query[..query.len().min(40)],
            answer.json
        );
    }
}

#[tokio::test]
async fn unknown_routes_and_methods_get_json_errors() {
    let app = TestApp::with_fixtures();
    assert_error(
        &app.get("/api/nothing-here").await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let put = app.send(Method::PUT, "/api/search", None, "").await;
    assert_error(&put, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    let post = app
        .send(Method::POST, "/api/stats", Some("application/json"), "{}")
        .await;
    assert_error(&post, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn health_and_the_root_answer() {
    let app = TestApp::empty();
    let health = app.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json["status"], "ok");
    let root = app.get("/api").await;
    assert_eq!(root.json["name"], "newsdesk");
    assert!(
        root.json["endpoints"]["search"]
            .as_str()
            .unwrap()
            .contains("/api/search")
    );
}
