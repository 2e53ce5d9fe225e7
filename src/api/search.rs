//! `GET /api/search`.

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::SearchResponse;
use super::error::{ApiError, ErrorBody};
use super::extract::Params;
use super::{AppState, openapi};
use crate::search::{self, Collapse, Histogram, SearchRequest, Sort, query::period};

/// The query string as sent. Every parameter is collected as a list, so
/// that a repeated one gets a clear message (or, for `outlet` and `person`,
/// means "any of these"), and as text, so that an empty one (`limit=`)
/// means the default and a bad one gets our own message. The OpenAPI
/// document describes each as the one value a client should send.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    // The parameters with their own schemas are described there.
    #[serde(default)]
    #[param(schema_with = openapi::query)]
    q: Vec<String>,
    /// An outlet, exactly but ignoring case; repeat for any of several.
    #[serde(default)]
    #[param(style = Form, explode)]
    outlet: Vec<String>,
    /// A person, exactly but ignoring case; repeat for any of several.
    #[serde(default)]
    #[param(style = Form, explode)]
    person: Vec<String>,
    #[serde(default)]
    #[param(schema_with = openapi::from)]
    from: Vec<String>,
    #[serde(default)]
    #[param(schema_with = openapi::to)]
    to: Vec<String>,
    #[serde(default)]
    #[param(schema_with = openapi::sort)]
    sort: Vec<String>,
    #[serde(default)]
    #[param(schema_with = openapi::limit)]
    limit: Vec<String>,
    #[serde(default)]
    #[param(schema_with = openapi::offset)]
    offset: Vec<String>,
    #[serde(default)]
    #[param(schema_with = openapi::histogram)]
    histogram: Vec<String>,
    #[serde(default)]
    #[param(schema_with = openapi::collapse)]
    collapse: Vec<String>,
    #[serde(default)]
    #[param(schema_with = openapi::terms)]
    terms: Vec<String>,
}

/// The one value of a parameter that may be given once; `None` when absent
/// or empty.
pub(super) fn single(name: &str, values: Vec<String>) -> Result<Option<String>, ApiError> {
    let mut present: Vec<String> = values
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect();
    match present.len() {
        0 => Ok(None),
        1 => Ok(present.pop()),
        n => Err(ApiError::InvalidParameter(format!(
            "{name} is given {n} times; give it once{}",
            if name == "q" {
                " (combine words inside one q, with OR if need be)"
            } else {
                ""
            }
        ))),
    }
}

/// A whole number of 0 or more; `default` when absent or empty.
pub(super) fn number(name: &str, values: Vec<String>, default: usize) -> Result<usize, ApiError> {
    match single(name, values)? {
        None => Ok(default),
        Some(text) => text.trim().parse::<usize>().map_err(|_| {
            ApiError::InvalidParameter(format!(
                "{name} must be a whole number of 0 or more, not {:?}",
                shorten(&text)
            ))
        }),
    }
}

/// A day, month or year: its first day when `start`, else its last.
pub(super) fn day(name: &str, values: Vec<String>, start: bool) -> Result<Option<Date>, ApiError> {
    match single(name, values)? {
        None => Ok(None),
        Some(text) => period(text.trim())
            .map(|(first, last)| Some(if start { first } else { last }))
            .ok_or_else(|| {
                ApiError::InvalidParameter(format!(
                    "{name} must be a date as YYYY-MM-DD (or YYYY-MM, or YYYY), not {:?}",
                    shorten(&text)
                ))
            }),
    }
}

/// The non-empty values of a parameter that may be repeated.
pub(super) fn any_of(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect()
}

/// How finely a date histogram counts; by month when absent or empty.
pub(super) fn histogram(values: Vec<String>) -> Result<Histogram, ApiError> {
    match single("histogram", values)? {
        None => Ok(Histogram::default()),
        Some(text) => Histogram::parse(text.trim()).map_err(invalid),
    }
}

/// The request of the query and filters a search and an export share.
pub(super) fn matching(
    q: Vec<String>,
    outlet: Vec<String>,
    person: Vec<String>,
    from: Vec<String>,
    to: Vec<String>,
) -> Result<SearchRequest, ApiError> {
    Ok(SearchRequest {
        query: single("q", q)?.unwrap_or_default(),
        outlets: any_of(outlet),
        people: any_of(person),
        from: day("from", from, true)?,
        to: day("to", to, false)?,
        ..SearchRequest::default()
    })
}

impl SearchParams {
    fn into_request(self) -> Result<SearchRequest, ApiError> {
        let defaults = SearchRequest::default();
        let matching = matching(self.q, self.outlet, self.person, self.from, self.to)?;
        Ok(SearchRequest {
            sort: match single("sort", self.sort)? {
                None => Sort::default(),
                Some(text) => Sort::parse(text.trim()).map_err(invalid)?,
            },
            limit: number("limit", self.limit, defaults.limit)?,
            offset: number("offset", self.offset, defaults.offset)?,
            histogram: histogram(self.histogram)?,
            collapse: match single("collapse", self.collapse)? {
                None => Collapse::default(),
                Some(text) => Collapse::parse(text.trim()).map_err(invalid)?,
            },
            terms: number("terms", self.terms, defaults.terms)?,
            ..matching
        })
    }
}

pub(super) fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

pub(super) fn invalid(err: search::Error) -> ApiError {
    match err {
        search::Error::Invalid(message) => ApiError::InvalidParameter(message),
        other => ApiError::internal(other),
    }
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
    params(SearchParams),
    responses(
        (status = 200, description = "The page of hits, the total and the facets.", body = SearchResponse),
        (status = 400, description = "A parameter is unknown, repeated, malformed or out of range; the message says which.", body = ErrorBody),
    )
)]
pub async fn search(
    State(state): State<AppState>,
    Params(params): Params<SearchParams>,
) -> Result<Json<SearchResponse>, ApiError> {
    let request = params.into_request()?;
    request.validate().map_err(invalid)?;
    let results = state
        .read(move |index| search::search(index, &request).map_err(invalid))
        .await?;
    Ok(Json(SearchResponse::from(results)))
}
