//! `GET /api/articles/{id}/similar`.

use std::time::Instant;

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::articles::ArticlePath;
use super::dto::ArticleLink;
use super::error::{ApiError, ErrorBody};
use super::params::{Params, invalid, number};
use super::schema;
use super::state::AppState;
use crate::article::ArticleId;
use crate::research::similar::{self, DEFAULT_LIMIT, Similar, SimilarHit, SimilarRequest};
use crate::search::Check;

/// The query string of `GET /api/articles/{id}/similar`, read as the
/// search's is.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    #[serde(default)]
    #[param(schema_with = schema::similar_limit)]
    limit: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarResponse {
    pub took_ms: f64,
    /// The article's words the search looked for, most characteristic
    /// first, as the article writes them.
    pub terms: Vec<String>,
    /// The most similar articles first; never the article itself, its
    /// copies, or the pages an aggregator linked it to.
    pub hits: Vec<SimilarHitDto>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SimilarHitDto {
    #[serde(flatten)]
    pub article: ArticleLink,
    pub score: f32,
    /// The people both articles name.
    pub people_in_common: Vec<String>,
    /// Words both articles use, most characteristic first.
    pub shared_terms: Vec<String>,
}

impl From<SimilarHit> for SimilarHitDto {
    fn from(hit: SimilarHit) -> SimilarHitDto {
        SimilarHitDto {
            article: ArticleLink::from(hit.article),
            score: hit.score,
            people_in_common: hit.people,
            shared_terms: hit.terms,
        }
    }
}

/// Lists the articles most like one article.
///
/// By the words that characterise it (weighed as a search weighs them) and
/// the people it names. Copies of the same story and the pages an
/// aggregator linked it to are left out.
#[utoipa::path(
    get,
    path = "/api/articles/{id}/similar",
    operation_id = "similar_articles",
    tag = "articles",
    params(ArticlePath, SimilarParams),
    responses(
        (status = 200, description = "The most similar articles.", body = SimilarResponse),
        (status = 400, description = "`limit` is unknown, repeated, malformed or over 50.", body = ErrorBody),
        (status = 404, description = "No article has this id.", body = ErrorBody),
    )
)]
pub async fn similar(
    State(state): State<AppState>,
    Path(ArticlePath { id }): Path<ArticlePath>,
    Params((params,)): Params<(SimilarParams,)>,
) -> Result<Json<SimilarResponse>, ApiError> {
    let started = Instant::now();
    let id = ArticleId::parse(&id).map_err(|_| ApiError::ArticleNotFound(id))?;
    let request = SimilarRequest {
        id: id.clone(),
        limit: number("limit", params.limit, DEFAULT_LIMIT)?,
    }
    .validate()
    .map_err(invalid)?;
    let found = state
        .read(move |index| similar::similar(index, &request).map_err(invalid))
        .await?;
    let Some(Similar { terms, hits }) = found else {
        return Err(ApiError::ArticleNotFound(id.to_string()));
    };
    Ok(Json(SimilarResponse {
        took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        terms,
        hits: hits.into_iter().map(SimilarHitDto::from).collect(),
    }))
}
