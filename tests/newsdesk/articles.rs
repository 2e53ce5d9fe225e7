//! Reading, adding, replacing and deleting articles through `/api/articles`.

use axum::http::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, assert_error, ids, q};

const JSON: Option<&str> = Some("application/json");
const NDJSON: Option<&str> = Some("application/x-ndjson");

#[tokio::test]
async fn an_article_comes_back_whole() {
    let app = TestApp::with_fixtures();
    let answer = app.get("/api/articles/harbour-wind-farm").await;
    assert_eq!(answer.status, StatusCode::OK);
    let article = answer.json;
    assert_eq!(article["title"], "Wind farm approved off the harbour coast");
    assert_eq!(article["outlet"], "Harbour Gazette");
    assert_eq!(article["date"], "2025-01-14");
    assert_eq!(
        article["url"],
        "https://harbour-gazette.example/news/wind-farm-approved"
    );
    assert_eq!(article["people"], json!(["Maria Lopez", "Tom Hale"]));
    let body = article["body"].as_str().unwrap();
    assert!(body.starts_with("Councillors approved"));
    assert!(body.ends_with("Construction of the wind farm starts in the spring."));
    // Paragraphs stay apart.
    assert_eq!(body.matches("\n\n").count(), 2);
}

#[tokio::test]
async fn an_unknown_article_is_a_404() {
    let app = TestApp::with_fixtures();
    assert_error(
        &app.get("/api/articles/no-such-id").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    );
    assert_error(
        &app.get("/api/articles/bad%20id").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    );
}

#[tokio::test]
async fn a_posted_article_is_searchable_when_the_post_returns() {
    let app = TestApp::empty();
    let answer = app
        .post(
            "/api/articles",
            JSON,
            r#"{"title": "Lighthouse keeper retires", "outlet": "Coast News", "date": "2025-04-02T09:30:00+01:00",
                "people": ["Ada Byrne"], "body": "After forty years the lighthouse keeper, Ada Byrne, has retired."}"#,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.json["indexed"], 1);
    assert_eq!(answer.json["replaced"], 0);
    assert_eq!(answer.json["rejected"], 0);
    let id = answer.json["articles"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(answer.json["articles"][0]["status"], "indexed");

    let results = app.search(&q("lighthouse")).await;
    assert_eq!(ids(&results), [id.as_str()]);
    let hit = &results["hits"][0];
    assert_eq!(hit["date"], "2025-04-02T09:30:00+01:00");
    assert_eq!(hit["people"], json!(["Ada Byrne"]));
    assert_eq!(
        app.get(&format!("/api/articles/{id}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn posting_the_same_article_again_replaces_it() {
    let app = TestApp::empty();
    let article = r#"{"title": "Pier reopens", "body": "The pier reopened on Friday."}"#;
    let first = app.post("/api/articles", JSON, article).await;
    let second = app.post("/api/articles", JSON, article).await;
    assert_eq!(second.json["indexed"], 0);
    assert_eq!(second.json["replaced"], 1);
    assert_eq!(
        first.json["articles"][0]["id"],
        second.json["articles"][0]["id"]
    );
    assert_eq!(second.json["articles"][0]["status"], "replaced");
    assert_eq!(app.get("/api/stats").await.json["articles"], 1);

    // The same url is the same article, even with other text.
    let by_url = |body: &str| format!(r#"{{"url": "https://example.com/pier", "body": "{body}"}}"#);
    app.post("/api/articles", JSON, &by_url("First version."))
        .await;
    let updated = app
        .post("/api/articles", JSON, &by_url("Corrected version."))
        .await;
    assert_eq!(updated.json["replaced"], 1);
    assert_eq!(app.get("/api/stats").await.json["articles"], 2);
}

#[tokio::test]
async fn a_batch_keeps_its_good_articles_and_names_each_bad_one() {
    let app = TestApp::empty();
    let answer = app
        .post(
            "/api/articles",
            JSON,
            r#"[{"body": "First good article."}, {"title": "no body"}, {"body": "Third.", "date": "2025-02-30"}, {"text": "Fourth, as text."}]"#,
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.json["indexed"], 2);
    assert_eq!(answer.json["rejected"], 2);
    let errors = answer.json["errors"].as_array().unwrap();
    assert_eq!(errors[0]["item"], 2);
    assert!(errors[0]["message"].as_str().unwrap().contains("body"));
    assert_eq!(errors[1]["item"], 3);
    assert!(
        errors[1]["message"]
            .as_str()
            .unwrap()
            .contains("2025-02-30")
    );
    assert_eq!(app.get("/api/stats").await.json["articles"], 2);
}

#[tokio::test]
async fn ndjson_bodies_report_bad_lines_by_number() {
    let app = TestApp::empty();
    let body = "{\"body\": \"one\"}\n{broken\n\n{\"body\": \"three\", \"people\": \"Not A List\"}\n{\"body\": \"four\"}\n";
    let answer = app.post("/api/articles", NDJSON, body).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.json["indexed"], 2);
    let lines: Vec<u64> = answer.json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 4]);
}

#[tokio::test]
async fn plain_text_with_front_matter_is_an_article() {
    let app = TestApp::empty();
    let body = "---\ntitle: Market hall to close\noutlet: Town Crier\ndate: 2025-05-01\npeople: Lena Ward\n---\nThe market hall closes for repairs in June.\n";
    let answer = app
        .post("/api/articles", Some("text/plain; charset=utf-8"), body)
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let results = app.search("person=Lena%20Ward").await;
    assert_eq!(results["hits"][0]["title"], "Market hall to close");
    assert_eq!(results["hits"][0]["outlet"], "Town Crier");
}

#[tokio::test]
async fn a_body_with_no_acceptable_article_is_a_422_listing_each_problem() {
    let app = TestApp::empty();
    let answer = app
        .post("/api/articles", JSON, r#"[{"title": "a"}, {"body": 5}]"#)
        .await;
    assert_error(&answer, StatusCode::UNPROCESSABLE_ENTITY, "invalid_article");
    assert_eq!(answer.json["error"]["details"].as_array().unwrap().len(), 2);
    let single = app.post("/api/articles", JSON, r#"{"title": "a"}"#).await;
    assert_error(&single, StatusCode::UNPROCESSABLE_ENTITY, "invalid_article");
    assert!(
        single.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("`body`")
    );
}

#[tokio::test]
async fn malformed_or_unlabelled_bodies_are_refused_with_a_hint() {
    let app = TestApp::empty();
    let broken = app.post("/api/articles", JSON, "{\"body\": \"x\",\n").await;
    assert_error(&broken, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        broken.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("line 2")
    );
    assert_error(
        &app.post("/api/articles", JSON, "  ").await,
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    assert_error(
        &app.post("/api/articles", JSON, "[]").await,
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    let unlabelled = app.post("/api/articles", None, r#"{"body": "x"}"#).await;
    assert_error(
        &unlabelled,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    assert!(
        unlabelled.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Content-Type")
    );
    let form = app
        .post(
            "/api/articles",
            Some("application/x-www-form-urlencoded"),
            "body=x",
        )
        .await;
    assert_error(
        &form,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    assert_eq!(app.get("/api/stats").await.json["articles"], 0);
}

#[tokio::test]
async fn a_deleted_article_is_gone() {
    let app = TestApp::with_fixtures();
    let answer = app.delete("/api/articles/valley-school").await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_error(
        &app.get("/api/articles/valley-school").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    );
    assert_eq!(app.search(&q("roof")).await["total"], 0);
    assert_eq!(app.search("").await["total"], 9);
    assert_error(
        &app.delete("/api/articles/valley-school").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    );
}

#[tokio::test]
async fn stats_describe_the_archive() {
    let app = TestApp::with_fixtures();
    assert_eq!(
        app.get("/api/stats").await.json,
        json!({"articles": 10, "outlets": 3, "people": 6, "earliest": "2024-11-20", "latest": "2025-03-20"})
    );
    assert_eq!(
        TestApp::empty().get("/api/stats").await.json,
        json!({"articles": 0, "outlets": 0, "people": 0, "earliest": null, "latest": null})
    );
}
