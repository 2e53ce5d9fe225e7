//! The service's own endpoints: `/api`, `/healthz`, `/api/stats`, and the
//! answer for everything else.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::Uri;

use super::dto::{Health, ServiceInfo, StatsDto};
use super::error::ApiError;
use super::state::AppState;
use crate::search;

/// Says what this server is and where its endpoints are.
#[utoipa::path(
    get,
    path = "/api",
    operation_id = "describe_service",
    tag = "service",
    responses((status = 200, description = "The server's name, version and endpoints.", body = ServiceInfo))
)]
pub async fn root() -> Json<ServiceInfo> {
    Json(ServiceInfo {
        name: "newsdesk",
        version: env!("CARGO_PKG_VERSION"),
        endpoints: BTreeMap::from([
            (
                "search",
                "GET /api/search?q=…&outlet=…&person=…&from=YYYY-MM-DD&to=YYYY-MM-DD&sort=relevance|newest|oldest&limit=10&offset=0&histogram=month|day&collapse=story&terms=0",
            ),
            (
                "timeline",
                "GET /api/timeline?q=…&q=…&interval=month|week|day&outlet=…&person=…&from=YYYY-MM-DD&to=YYYY-MM-DD",
            ),
            ("article", "GET /api/articles/{id}?q=…"),
            (
                "similar articles",
                "GET /api/articles/{id}/similar?limit=10",
            ),
            (
                "export",
                "GET /api/export?q=…&outlet=…&person=…&from=YYYY-MM-DD&to=YYYY-MM-DD&format=ndjson|csv",
            ),
            (
                "add articles",
                "POST /api/articles (application/json, application/x-ndjson or text/plain)",
            ),
            ("delete article", "DELETE /api/articles/{id}"),
            (
                "person",
                "GET /api/people/{name}?outlet=…&from=YYYY-MM-DD&to=YYYY-MM-DD&histogram=month|day&co_mentions=10&quotes=10",
            ),
            ("stats", "GET /api/stats"),
            ("openapi", "GET /api/openapi.json"),
            ("health", "GET /healthz"),
            ("metrics", "GET /metrics (Prometheus)"),
        ]),
    })
}

/// Says the server is up.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "health",
    tag = "service",
    responses((status = 200, description = "The server is up.", body = Health))
)]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Counts the archive.
#[utoipa::path(
    get,
    path = "/api/stats",
    operation_id = "stats",
    tag = "service",
    responses((status = 200, description = "Articles, outlets and people, and the span of days.", body = StatsDto))
)]
pub async fn stats(State(state): State<AppState>) -> Result<Json<StatsDto>, ApiError> {
    let stats = state
        .read(|index| search::stats(index).map_err(ApiError::internal))
        .await?;
    Ok(Json(StatsDto::from(stats)))
}

pub async fn not_found(uri: Uri) -> ApiError {
    let path: String = uri.path().chars().take(200).collect();
    ApiError::RouteNotFound(path)
}
