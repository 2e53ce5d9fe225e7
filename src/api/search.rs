//! `GET /api/search`.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;

use super::AppState;
use super::dto::SearchResponse;
use super::error::ApiError;
use super::extract::Params;
use crate::search::{self, Histogram, SearchRequest, Sort, query::period};

/// The query string as sent. Every parameter is collected as a list, so
/// that a repeated one gets a clear message (or, for `outlet` and `person`,
/// means "any of these"), and as text, so that an empty one (`limit=`)
/// means the default and a bad one gets our own message.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    #[serde(default)]
    q: Vec<String>,
    #[serde(default)]
    outlet: Vec<String>,
    #[serde(default)]
    person: Vec<String>,
    #[serde(default)]
    from: Vec<String>,
    #[serde(default)]
    to: Vec<String>,
    #[serde(default)]
    sort: Vec<String>,
    #[serde(default)]
    limit: Vec<String>,
    #[serde(default)]
    offset: Vec<String>,
    #[serde(default)]
    histogram: Vec<String>,
}

/// The one value of a parameter that may be given once; `None` when absent
/// or empty.
fn single(name: &str, values: Vec<String>) -> Result<Option<String>, ApiError> {
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

impl SearchParams {
    fn into_request(self) -> Result<SearchRequest, ApiError> {
        let defaults = SearchRequest::default();
        let number = |name: &str, values: Vec<String>, default: usize| match single(name, values)? {
            None => Ok(default),
            Some(text) => text.trim().parse::<usize>().map_err(|_| {
                ApiError::InvalidParameter(format!(
                    "{name} must be a whole number of 0 or more, not {:?}",
                    shorten(&text)
                ))
            }),
        };
        let day = |name: &str, values: Vec<String>, start: bool| match single(name, values)? {
            None => Ok(None),
            Some(text) => period(text.trim())
                .map(|(first, last)| Some(if start { first } else { last }))
                .ok_or_else(|| {
                    ApiError::InvalidParameter(format!(
                        "{name} must be a date as YYYY-MM-DD (or YYYY-MM, or YYYY), not {:?}",
                        shorten(&text)
                    ))
                }),
        };
        Ok(SearchRequest {
            query: single("q", self.q)?.unwrap_or_default(),
            outlets: self
                .outlet
                .into_iter()
                .filter(|v| !v.trim().is_empty())
                .collect(),
            people: self
                .person
                .into_iter()
                .filter(|v| !v.trim().is_empty())
                .collect(),
            from: day("from", self.from, true)?,
            to: day("to", self.to, false)?,
            sort: match single("sort", self.sort)? {
                None => Sort::default(),
                Some(text) => Sort::parse(text.trim()).map_err(invalid)?,
            },
            limit: number("limit", self.limit, defaults.limit)?,
            offset: number("offset", self.offset, defaults.offset)?,
            histogram: match single("histogram", self.histogram)? {
                None => Histogram::default(),
                Some(text) => Histogram::parse(text.trim()).map_err(invalid)?,
            },
        })
    }
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

fn invalid(err: search::Error) -> ApiError {
    match err {
        search::Error::Invalid(message) => ApiError::InvalidParameter(message),
        other => ApiError::internal(other),
    }
}

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
