//! What malformed requests get back: a 4xx in the API's JSON that says what
//! to fix, never a 5xx.

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
async fn queries_over_the_limits_are_400s_that_name_the_limit() {
    let app = TestApp::with_fixtures();
    let long = "ferry ".repeat(2000);
    let many_terms: String = (0..1000).map(|i| format!("w{i} ")).collect();
    let many_or: String = (0..1000).map(|i| format!("w{i} OR ")).collect::<String>() + "ferry";
    let nested = format!("{}ferry{}", "(".repeat(500), ")".repeat(500));
    let unbalanced = format!("{}ferry", "(".repeat(500));
    for (query, fragment) in [
        (long.as_str(), "12000 bytes long; the limit is 8192"),
        (
            many_terms.as_str(),
            "1000 words and filters; the limit is 512",
        ),
        (many_or.as_str(), "1001 words and filters"),
        (nested.as_str(), "500 deep; the limit is 32"),
        (unbalanced.as_str(), "500 deep"),
    ] {
        let answer = app.get(&format!("/api/search?q={}", encode(query))).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
        let message = answer.json["error"]["message"].as_str().unwrap();
        assert!(message.contains(fragment), "{message}");
        // The article view's highlighting takes the same query, and the same limits.
        let marked = app
            .get(&format!(
                "/api/articles/harbour-wind-farm?q={}",
                encode(query)
            ))
            .await;
        assert_error(&marked, StatusCode::BAD_REQUEST, "invalid_parameter");
    }
    // Just within the limits is searched.
    let within: String = (0..512).map(|i| format!("w{i} OR ")).collect::<String>() + "ferry";
    let within = &within[..within.len() - " OR ferry".len()];
    assert!(within.len() <= 8192);
    app.search(&format!("q={}", encode(within))).await;
    let deep = format!("{}ferry{}", "(".repeat(32), ")".repeat(32));
    assert_eq!(
        app.search(&format!("q={}", encode(&deep))).await["total"],
        3
    );
}

#[tokio::test]
async fn malformed_queries_are_answered_not_failed() {
    let app = TestApp::with_fixtures();
    for query in [
        "OR AND NOT - + ( ) \" [ ] : * OR",
        "date:[",
        "*",
        "title:",
        "((((ferry",
        "ferry))))",
        "\"(((\" ferry",
        "\u{0}\u{7f}\u{feff}ferry",
        "outlet:",
        "person:\"\"",
        "date:[2025-13-45 TO 2025-02-30]",
    ] {
        let answer = app.get(&format!("/api/search?q={}", encode(query))).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.json);
    }
}

#[tokio::test]
async fn an_offset_past_the_last_hit_is_an_empty_page_with_the_total() {
    let app = TestApp::with_fixtures();
    let results = app.search("q=ferry&offset=50").await;
    assert_eq!(results["total"], 3);
    assert_eq!(results["hits"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn repeated_and_unknown_parameters_of_the_article_view_are_400s() {
    let app = TestApp::with_fixtures();
    for uri in [
        "/api/articles/harbour-wind-farm?q=a&q=b",
        "/api/articles/harbour-wind-farm?format=xml",
    ] {
        assert_error(
            &app.get(uri).await,
            StatusCode::BAD_REQUEST,
            "invalid_parameter",
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
