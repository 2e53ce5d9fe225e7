//! `GET /metrics`: each series is scraped before and after some requests,
//! and must have moved by exactly what those requests did.

use axum::http::StatusCode;

use crate::helpers::{TestApp, q};

const JSON: Option<&str> = Some("application/json");

/// A scrape of `/metrics`, checked to be a whole OpenMetrics answer.
struct Scrape(String);

impl Scrape {
    async fn of(app: &TestApp) -> Scrape {
        let (status, headers, text) = app.get_text("/metrics").await;
        assert_eq!(status, StatusCode::OK, "{text}");
        let content_type = headers["content-type"].to_str().unwrap();
        assert!(
            content_type.starts_with("application/openmetrics-text"),
            "{content_type}"
        );
        assert!(text.ends_with("# EOF\n"), "{text}");
        Scrape(text)
    }

    /// The value of the series written exactly as `series` (name and
    /// labels), if it has been seen yet.
    fn get(&self, series: &str) -> Option<f64> {
        self.0.lines().find_map(|line| {
            let value = line.strip_prefix(series)?.strip_prefix(' ')?;
            Some(value.parse().expect("a number"))
        })
    }

    /// The value of a series that must exist.
    fn value(&self, series: &str) -> f64 {
        self.get(series)
            .unwrap_or_else(|| panic!("no {series} in\n{}", self.0))
    }

    /// How much a counter moved since `before`; one not seen yet was 0.
    fn moved(&self, before: &Scrape, series: &str) -> f64 {
        self.value(series) - before.get(series).unwrap_or(0.0)
    }
}

fn requests(route: &str, method: &str, status: u16) -> String {
    format!(
        r#"newsdesk_http_requests_total{{route="{route}",method="{method}",status="{status}"}}"#
    )
}

#[tokio::test]
async fn requests_are_counted_by_route_template_method_and_status() {
    let app = TestApp::with_fixtures();
    let before = Scrape::of(&app).await;
    app.search(&q("ferry")).await;
    app.search(&q("wind farm")).await;
    assert_eq!(
        app.get("/api/search?limit=many").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        app.get("/api/articles/no-such-id").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get("/no/such/page").await.status, StatusCode::NOT_FOUND);
    // A write from another machine to a server without a key is refused.
    let refused = app
        .remote()
        .post("/api/articles", JSON, r#"{"body": "Remote."}"#)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let after = Scrape::of(&app).await;

    let search_ok = requests("/api/search", "GET", 200);
    assert_eq!(after.moved(&before, &search_ok), 2.0);
    let search_bad = requests("/api/search", "GET", 400);
    assert_eq!(after.moved(&before, &search_bad), 1.0);
    let unknown = requests("/api/articles/{id}", "GET", 404);
    assert_eq!(after.moved(&before, &unknown), 1.0);
    let unmatched = requests("unmatched", "GET", 404);
    assert_eq!(after.moved(&before, &unmatched), 1.0);
    let forbidden = requests("/api/articles", "POST", 403);
    assert_eq!(after.moved(&before, &forbidden), 1.0);
    // The scrape before counts itself once answered.
    assert_eq!(after.moved(&before, &requests("/metrics", "GET", 200)), 1.0);
    // No series names a path no route matched.
    assert!(!after.0.contains("/no/such/page"), "{}", after.0);

    let searches = |outcome: &str| format!(r#"newsdesk_searches_total{{outcome="{outcome}"}}"#);
    assert_eq!(after.moved(&before, &searches("ok")), 2.0);
    assert_eq!(after.moved(&before, &searches("invalid")), 1.0);
    assert_eq!(after.moved(&before, &searches("unavailable")), 0.0);
    assert_eq!(after.moved(&before, &searches("failed")), 0.0);

    // The histogram holds every request of its route, whatever the status.
    let count = r#"newsdesk_http_request_duration_seconds_count{route="/api/search"}"#;
    assert_eq!(
        after.value(count),
        after.value(&search_ok) + after.value(&search_bad)
    );
    let inf = r#"newsdesk_http_request_duration_seconds_bucket{le="+Inf",route="/api/search"}"#;
    assert_eq!(after.value(inf), after.value(count));
    let sum = r#"newsdesk_http_request_duration_seconds_sum{route="/api/search"}"#;
    assert!(after.value(sum) > 0.0);
}

#[tokio::test]
async fn posted_and_deleted_articles_are_counted_and_the_article_gauge_follows() {
    let app = TestApp::with_fixtures();
    let posted =
        |outcome: &str| format!(r#"newsdesk_posted_articles_total{{outcome="{outcome}"}}"#);
    let articles = "newsdesk_index_articles";
    let deleted = "newsdesk_deleted_articles_total";
    let before = Scrape::of(&app).await;
    assert_eq!(before.value(articles), 10.0);

    let good = r#"{"id": "pier-reopens", "title": "Pier reopens", "body": "The pier reopened on Friday."}"#;
    let answer = app
        .post(
            "/api/articles",
            JSON,
            &format!(r#"[{good}, {{"title": "no body"}}]"#),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let after_post = Scrape::of(&app).await;
    assert_eq!(after_post.moved(&before, &posted("indexed")), 1.0);
    assert_eq!(after_post.moved(&before, &posted("rejected")), 1.0);
    assert_eq!(after_post.moved(&before, &posted("replaced")), 0.0);
    assert_eq!(after_post.value(articles), 11.0);

    // The same article again replaces it; an article with nothing in it is
    // rejected with the whole request.
    app.post("/api/articles", JSON, good).await;
    let empty = app.post("/api/articles", JSON, r#"{"body": ""}"#).await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.json
    );
    let after_again = Scrape::of(&app).await;
    assert_eq!(after_again.moved(&after_post, &posted("replaced")), 1.0);
    assert_eq!(after_again.moved(&after_post, &posted("indexed")), 0.0);
    assert_eq!(after_again.moved(&after_post, &posted("rejected")), 1.0);
    assert_eq!(after_again.value(articles), 11.0);

    assert_eq!(
        app.delete("/api/articles/pier-reopens").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.delete("/api/articles/pier-reopens").await.status,
        StatusCode::NOT_FOUND
    );
    let after_delete = Scrape::of(&app).await;
    assert_eq!(after_delete.moved(&after_again, deleted), 1.0);
    assert_eq!(after_delete.value(articles), 10.0);
    let delete_404 = requests("/api/articles/{id}", "DELETE", 404);
    assert_eq!(after_delete.moved(&after_again, &delete_404), 1.0);
}

#[tokio::test]
async fn the_size_of_an_index_on_disk_is_reported_and_grows_with_a_write() {
    let app = TestApp::with_fixtures();
    let size = "newsdesk_index_size_bytes";
    let before = Scrape::of(&app).await;
    assert!(before.value(size) > 0.0, "{}", before.0);
    let body = "The harbour master counted the boats. ".repeat(500);
    let answer = app
        .post("/api/articles", JSON, &format!(r#"{{"body": "{body}"}}"#))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let after = Scrape::of(&app).await;
    assert!(after.value(size) > before.value(size), "{}", after.0);
}

#[tokio::test]
async fn every_series_is_documented() {
    let app = TestApp::with_fixtures();
    // Series with labels are written once they have a value.
    app.search(&q("ferry")).await;
    let scrape = Scrape::of(&app).await;
    for name in [
        "newsdesk_http_requests",
        "newsdesk_http_request_duration_seconds",
        "newsdesk_searches",
        "newsdesk_posted_articles",
        "newsdesk_deleted_articles",
        "newsdesk_index_articles",
        "newsdesk_index_size_bytes",
    ] {
        let help = format!("# HELP {name} ");
        assert!(scrape.0.contains(&help), "no {help} in\n{}", scrape.0);
    }
}
