//! Who may write, what errors reveal, CORS origins, and the headers the
//! front end is served with.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};

use crate::helpers::{TestApp, assert_error};
use newsdesk::api::{ApiKey, Config};

const KEY: &str = "a-long-enough-test-key-0123456789";

const ARTICLE: &str = r#"{"id": "sec-1", "title": "Council meets", "body": "The council met on Monday to discuss the harbour."}"#;

fn keyed() -> TestApp {
    TestApp::with_config(Config {
        api_key: Some(ApiKey::new(KEY).unwrap()),
        ..Config::default()
    })
}

fn write(method: Method, uri: &str, authorization: Option<&str>) -> Request<Body> {
    let mut request = Request::builder()
        .method(method.clone())
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(value) = authorization {
        request = request.header(header::AUTHORIZATION, value);
    }
    let body = if method == Method::POST { ARTICLE } else { "" };
    request.body(Body::from(body)).unwrap()
}

#[tokio::test]
async fn with_a_key_writes_need_it_and_reads_do_not() {
    let app = keyed();
    for authorization in [
        None,
        Some("Bearer wrong-key-wrong-key-wrong"),
        Some("Basic dXNlcjpwYXNz"),
        Some("Bearer"),
    ] {
        let answer = app
            .request(write(Method::POST, "/api/articles", authorization))
            .await;
        assert_error(&answer, StatusCode::UNAUTHORIZED, "unauthorized");
        assert!(answer.headers.contains_key(header::WWW_AUTHENTICATE));
        let message = answer.json["error"]["message"].as_str().unwrap();
        assert!(message.contains("Authorization: Bearer"), "{message}");
        assert!(!message.contains("wrong-key"), "{message}");
        let delete = app
            .request(write(
                Method::DELETE,
                "/api/articles/harbour-wind-farm",
                authorization,
            ))
            .await;
        assert_error(&delete, StatusCode::UNAUTHORIZED, "unauthorized");
    }
    // Nothing was changed by the refused requests.
    assert_eq!(app.search("").await["total"], 10);
    assert_eq!(app.get("/api/articles/sec-1").await.status, 404);

    let bearer = format!("Bearer {KEY}");
    let posted = app
        .request(write(Method::POST, "/api/articles", Some(&bearer)))
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.json);
    let lower = format!("bearer {KEY}");
    let deleted = app
        .request(write(Method::DELETE, "/api/articles/sec-1", Some(&lower)))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    // Reads never need the key.
    assert_eq!(app.search("q=ferry").await["total"], 3);
}

#[tokio::test]
async fn with_a_key_writes_remote_are_accepted_with_it() {
    let app = keyed().remote();
    let bearer = format!("Bearer {KEY}");
    let posted = app
        .request(write(Method::POST, "/api/articles", Some(&bearer)))
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.json);
}

#[tokio::test]
async fn without_a_key_writes_are_accepted_only_from_loopback() {
    let app = TestApp::with_fixtures();
    let elsewhere = app.remote();
    let refused = elsewhere
        .request(write(Method::POST, "/api/articles", None))
        .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let message = refused.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("NEWSDESK_API_KEY"), "{message}");
    let delete = elsewhere
        .request(write(
            Method::DELETE,
            "/api/articles/harbour-wind-farm",
            None,
        ))
        .await;
    assert_error(&delete, StatusCode::FORBIDDEN, "forbidden");
    // A key sent to a server that has none does not open the door.
    let keyed = elsewhere
        .request(write(
            Method::POST,
            "/api/articles",
            Some("Bearer anything-at-all-1234"),
        ))
        .await;
    assert_error(&keyed, StatusCode::FORBIDDEN, "forbidden");
    // Reads from elsewhere are fine.
    assert_eq!(elsewhere.search("").await["total"], 10);
    assert_eq!(
        elsewhere
            .get("/api/articles/harbour-wind-farm")
            .await
            .status,
        200
    );

    let local = app
        .request(write(Method::POST, "/api/articles", None))
        .await;
    assert_eq!(local.status, StatusCode::OK, "{}", local.json);
}

#[tokio::test]
async fn cors_is_off_unless_origins_are_configured() {
    let preflight = |origin: &str| {
        Request::builder()
            .method(Method::OPTIONS)
            .uri("/api/search?q=ferry")
            .header(header::ORIGIN, origin)
            .header(header::ACCESS_CONTROL_REQUEST_METHOD, "GET")
            .body(Body::empty())
            .unwrap()
    };
    let simple = |origin: &str| {
        Request::builder()
            .uri("/api/search?q=ferry")
            .header(header::ORIGIN, origin)
            .body(Body::empty())
            .unwrap()
    };
    let off = TestApp::with_fixtures();
    let answer = off.request(simple("https://evil.example")).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(
        !answer
            .headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );
    let answer = off.request(preflight("https://evil.example")).await;
    assert!(
        !answer
            .headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );

    let on = TestApp::with_config(Config {
        cors_origins: vec!["https://newsroom.example".to_string()],
        ..Config::default()
    });
    let allowed = on.request(simple("https://newsroom.example")).await;
    assert_eq!(
        allowed.headers[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://newsroom.example"
    );
    let preflight_answer = on.request(preflight("https://newsroom.example")).await;
    assert!(preflight_answer.status.is_success());
    assert!(
        preflight_answer.headers[header::ACCESS_CONTROL_ALLOW_METHODS]
            .to_str()
            .unwrap()
            .contains("POST")
    );
    let other = on.request(simple("https://evil.example")).await;
    assert!(
        !other
            .headers
            .contains_key(header::ACCESS_CONTROL_ALLOW_ORIGIN)
    );
}

#[test]
fn only_real_origins_are_accepted_as_cors_origins() {
    use newsdesk::api::check_origin;
    assert!(check_origin("https://newsroom.example").is_ok());
    assert!(check_origin("http://localhost:3000").is_ok());
    assert!(check_origin("*").is_ok());
    for bad in [
        "newsroom.example",
        "https://newsroom.example/",
        "https://newsroom.example/path",
        "ftp://newsroom.example",
        "https://newsroom.example\nX: y",
    ] {
        assert!(check_origin(bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn errors_do_not_echo_paths_or_internals() {
    let app = TestApp::with_fixtures();
    let answers = [
        app.get("/api/articles/..%2F..%2Fetc%2Fpasswd").await,
        app.get("/api/search?q=%22unclosed&limit=x").await,
        app.post("/api/articles", Some("application/json"), "{\"body\": 12}")
            .await,
        app.post("/api/articles", Some("application/json"), "{")
            .await,
    ];
    let temp = std::env::temp_dir();
    for answer in answers {
        assert!(answer.status.is_client_error(), "{}", answer.json);
        let text = answer.json.to_string();
        assert!(!text.contains(temp.to_str().unwrap()), "{text}");
        assert!(!text.contains("/src/"), "{text}");
        assert!(!text.contains("panicked"), "{text}");
    }
}
