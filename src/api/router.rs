//! The whole application: every route, and the layers around them.
//!
//! [`router`] builds it from an [`AppState`], so tests can drive it with
//! `tower::ServiceExt::oneshot`; [`serve`] runs it on a listener the caller
//! has already bound, until a shutdown future resolves.

use std::future::Future;
use std::net::SocketAddr;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Method, header};
use axum::routing::get;
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::timeout::TimeoutLayer;

use super::state::AppState;
use super::{articles, auth, error, export, meta, observe, openapi, people, search, similar};
use super::{timeline, web};

/// The whole application.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let writes = axum::middleware::from_fn_with_state(state.clone(), auth::require_write_access);
    let api = Router::new()
        .route("/search", get(search::search))
        .route("/timeline", get(timeline::timeline))
        .route(
            "/articles",
            axum::routing::post(articles::create).route_layer(writes.clone()),
        )
        .route(
            "/articles/{id}",
            get(articles::show).merge(axum::routing::delete(articles::delete).route_layer(writes)),
        )
        .route("/articles/{id}/similar", get(similar::similar))
        .route("/export", get(export::export))
        .route("/people/{name}", get(people::show))
        .route("/stats", get(meta::stats))
        .route("/openapi.json", get(openapi::document));
    let app = Router::new()
        .route("/", get(web::page))
        .route("/articles/{id}", get(web::page))
        .route("/timeline", get(web::page))
        .route("/people/{name}", get(web::page))
        .route("/assets/app.js", get(web::script))
        .route("/assets/style.css", get(web::style))
        .route("/assets/favicon.svg", get(web::icon))
        .route("/api", get(meta::root))
        .route("/healthz", get(meta::health))
        .route("/metrics", get(observe::scrape))
        .nest("/api", api)
        .fallback(meta::not_found)
        .with_state(state.clone())
        // Layers wrap what comes before them: the log line and the series
        // see the final answer, and every error below them leaves as our
        // JSON.
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .layer(axum::middleware::from_fn_with_state(
            config.max_body_bytes,
            error::json_errors,
        ));
    let app = match cors(&config.cors_origins) {
        Some(cors) => app.layer(cors),
        None => app,
    };
    app.layer(axum::middleware::from_fn_with_state(
        state,
        observe::observe,
    ))
}

/// Checks that `origin` is one a browser sends (`https://news.example.org`,
/// `http://localhost:3000`) or `*`.
pub fn check_origin(origin: &str) -> Result<String, String> {
    let is_origin = origin == "*"
        || url::Url::parse(origin).is_ok_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host().is_some()
                && url.origin().ascii_serialization() == origin
        });
    if is_origin && HeaderValue::from_str(origin).is_ok() {
        Ok(origin.to_string())
    } else {
        Err(format!(
            "{origin:?} is not an origin: give the scheme, host and port only, such as \
             https://news.example.org or http://localhost:3000, or `*` for any"
        ))
    }
}

/// CORS for the configured origins; none when there are none.
fn cors(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|origin| origin == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST, Method::DELETE])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .expose_headers([header::RETRY_AFTER]),
    )
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The peer's address decides whether a write without a key is allowed.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::{Request, StatusCode};
    use tower::ServiceExt;

    use super::*;

    async fn status_of(app: &Router, request: Request<Body>) -> (StatusCode, Option<String>) {
        let response = app.clone().oneshot(request).await.unwrap();
        let retry = response
            .headers()
            .get(header::RETRY_AFTER)
            .map(|value| value.to_str().unwrap().to_string());
        (response.status(), retry)
    }

    #[tokio::test]
    async fn a_full_queue_is_answered_at_once_with_503_and_retry_after() {
        let state = AppState::for_tests(0);
        let app = router(state.clone());
        let search = || {
            Request::get("/api/search?q=ferry")
                .body(Body::empty())
                .unwrap()
        };
        assert_eq!(status_of(&app, search()).await.0, StatusCode::OK);

        // Every place taken, as by searches in flight.
        let (queue, writes) = state.queues();
        let held = queue
            .try_acquire_many(u32::try_from(queue.available_permits()).unwrap())
            .unwrap();
        let (status, retry) = status_of(&app, search()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry.as_deref(), Some("1"));
        drop(held);
        assert_eq!(status_of(&app, search()).await.0, StatusCode::OK);

        // Writes queue on their own.
        let held = writes.try_acquire().unwrap();
        let delete = Request::delete("/api/articles/some-id")
            .extension(axum::extract::ConnectInfo(SocketAddr::from((
                [127, 0, 0, 1],
                1,
            ))))
            .body(Body::empty())
            .unwrap();
        let (status, retry) = status_of(&app, delete).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(retry.as_deref(), Some("1"));
        drop(held);
        assert_eq!(status_of(&app, search()).await.0, StatusCode::OK);
    }
}
