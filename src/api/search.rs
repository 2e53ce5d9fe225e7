//! `GET /api/search`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::SearchResponse;
use super::error::{ApiError, ErrorBody};
use super::params::{FilterParams, Params, QueryParam, histogram, invalid, number, word};
use super::schema;
use super::state::AppState;
use crate::research::significant::{self, TermsRequest};
use crate::search::{Check, Collapse, SearchRequest, Sort};

/// What a search takes besides its query and filters: order, paging, the
/// date facet, collapsing and significant terms.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    // Each is described by its schema.
    #[serde(default)]
    #[param(schema_with = schema::sort)]
    sort: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::limit)]
    limit: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::offset)]
    offset: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::histogram)]
    histogram: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::collapse)]
    collapse: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::terms)]
    terms: Vec<String>,
}

/// Reads a search with its significant terms, and checks it.
fn read(
    query: QueryParam,
    filters: FilterParams,
    params: SearchParams,
) -> Result<TermsRequest, ApiError> {
    let defaults = SearchRequest::default();
    let search = SearchRequest {
        query: query.read()?,
        filters: filters.read()?,
        sort: word("sort", params.sort, Sort::default(), Sort::parse)?,
        limit: number("limit", params.limit, defaults.limit)?,
        offset: number("offset", params.offset, defaults.offset)?,
        histogram: histogram(params.histogram)?,
        collapse: word(
            "collapse",
            params.collapse,
            Collapse::default(),
            Collapse::parse,
        )?,
    };
    let terms = number("terms", params.terms, 0)?;
    Ok(TermsRequest {
        search: search.validate().map_err(invalid)?,
        terms,
    })
}

/// Searches the archive.
///
/// Hits come ranked, with snippets of their bodies; the facets count the
/// whole result, not the page. With `collapse=story`, copies of one story
/// (syndicated or republished with small edits) are one hit, and the
/// total and facets count stories.
#[utoipa::path(
    get,
    path = "/api/search",
    operation_id = "search",
    tag = "search",
    params(QueryParam, FilterParams, SearchParams),
    responses(
        (status = 200, description = "The page of hits, the total and the facets.", body = SearchResponse),
        (status = 400, description = "A parameter is unknown, repeated, malformed or out of range; the message says which.", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    Params((query, filters, params)): Params<(QueryParam, FilterParams, SearchParams)>,
) -> Result<Json<SearchResponse>, ApiError> {
    let request = read(query, filters, params)?.validate().map_err(invalid)?;
    let (results, terms) = state
        .read(move |index| significant::search(index, &request).map_err(invalid))
        .await?;
    Ok(Json(SearchResponse::new(results, terms)))
}
