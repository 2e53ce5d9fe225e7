//! The service's own endpoints: `/api`, `/healthz`, `/api/stats`, and the
//! answer for everything else.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use serde_json::{Value, json};

use super::AppState;
use super::dto::StatsDto;
use super::error::ApiError;
use crate::search;

/// What this server is and where its endpoints are.
pub async fn root() -> Json<Value> {
    Json(json!({
        "name": "newsdesk",
        "version": env!("CARGO_PKG_VERSION"),
        "endpoints": {
            "search": "GET /api/search?q=…&outlet=…&person=…&from=YYYY-MM-DD&to=YYYY-MM-DD&sort=relevance|newest|oldest&limit=10&offset=0&histogram=month|day",
            "article": "GET /api/articles/{id}?q=…",
            "add articles": "POST /api/articles (application/json, application/x-ndjson or text/plain)",
            "delete article": "DELETE /api/articles/{id}",
            "stats": "GET /api/stats",
            "health": "GET /healthz",
            "metrics": "GET /metrics (Prometheus)"
        }
    }))
}

pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

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
