//! `GET /api/timeline`: several queries counted by day, week or month, each
//! beside the articles the filters leave in the interval.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::params::{FilterParams, Params, invalid, word};
use super::schema;
use super::state::AppState;
use crate::research::timeline::{
    self, Interval, MAX_QUERIES, Period, Series, Timeline, TimelineRequest,
};
use crate::search::Check;

/// What a timeline takes besides its filters: the queries to count and
/// the interval.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    #[serde(default)]
    #[param(schema_with = schema::queries, style = Form, explode)]
    q: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::interval)]
    interval: Vec<String>,
}

impl TimelineParams {
    fn read(self, filters: FilterParams) -> Result<TimelineRequest, ApiError> {
        if self.q.len() > MAX_QUERIES {
            return Err(ApiError::InvalidParameter(format!(
                "q is given {} times; a timeline compares at most {MAX_QUERIES} queries: drop \
                 some, or join alternatives with OR inside one q",
                self.q.len()
            )));
        }
        // No query at all is the one query that matches everything: the
        // filtered archive's own line, as an empty search lists it all.
        let queries = if self.q.is_empty() {
            vec![String::new()]
        } else {
            self.q.iter().map(|q| q.trim().to_string()).collect()
        };
        Ok(TimelineRequest {
            queries,
            filters: filters.read()?,
            interval: word(
                "interval",
                self.interval,
                Interval::default(),
                Interval::parse,
            )?,
        })
    }
}

/// Each query's articles by interval, and the base they are shares of.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineResponse {
    /// `day`, `week` (ISO weeks, Monday to Sunday) or `month`: the one
    /// asked for, or a longer one when the articles span more intervals
    /// than a timeline holds (a warning says so).
    pub interval: &'static str,
    /// Every interval from the first to the last holding an article the
    /// filters leave, empty ones too, oldest first. Every series' `counts`
    /// and `shares` follow this order.
    pub intervals: Vec<TimelineInterval>,
    /// Every article the filters leave, undated ones too.
    pub total: u64,
    /// Of those, the ones with no publication day, in no interval.
    pub undated: u64,
    /// One a `q`, in the order given.
    pub series: Vec<TimelineSeries>,
    /// What the query parser had to repair or drop, each naming its query.
    pub warnings: Vec<String>,
    pub took_ms: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineInterval {
    /// Its first day, `YYYY-MM-DD`.
    pub start: String,
    /// Its last day, `YYYY-MM-DD`: with `start`, the `from` and `to` of a
    /// search for its articles.
    pub end: String,
    /// `2025-01-14`, `2025-W03` (the ISO week) or `2025-01`.
    pub label: String,
    /// The articles the filters leave in it: what each share is of.
    pub total: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineSeries {
    /// The `q` as given (trimmed); empty for every article the filters
    /// leave.
    pub query: String,
    /// Every article the query matches under the filters, undated ones too.
    pub total: u64,
    /// Of those, the ones with no publication day, in no interval.
    pub undated: u64,
    /// Its articles in each interval.
    pub counts: Vec<u64>,
    /// Each count over its interval's `total`, from 0 to 1; 0 where the
    /// interval holds no article.
    pub shares: Vec<f64>,
}

impl From<Timeline> for TimelineResponse {
    fn from(found: Timeline) -> TimelineResponse {
        TimelineResponse {
            interval: found.interval.as_str(),
            intervals: found
                .periods
                .into_iter()
                .map(TimelineInterval::from)
                .collect(),
            total: found.total,
            undated: found.undated,
            series: found.series.into_iter().map(TimelineSeries::from).collect(),
            warnings: found.warnings,
            took_ms: (found.took.as_secs_f64() * 1e6).round() / 1e3,
        }
    }
}

impl From<Period> for TimelineInterval {
    fn from(period: Period) -> TimelineInterval {
        TimelineInterval {
            start: period.start.to_string(),
            end: period.end.to_string(),
            label: period.label,
            total: period.total,
        }
    }
}

impl From<Series> for TimelineSeries {
    fn from(series: Series) -> TimelineSeries {
        TimelineSeries {
            query: series.query,
            total: series.total,
            undated: series.undated,
            counts: series.counts,
            shares: series.shares,
        }
    }
}

/// Counts several queries over time.
///
/// For each `q`, its articles in each day, week or month, and their share
/// of the articles the filters leave in that interval: a share of 0.25 in
/// March means a quarter of March's articles (in these outlets, about
/// these people) match the query. One pass over the filtered archive and
/// one over each query's matches, from a fast column; no article is read.
#[utoipa::path(
    get,
    path = "/api/timeline",
    operation_id = "timeline",
    tag = "search",
    params(TimelineParams, FilterParams),
    responses(
        (status = 200, description = "The intervals, with the filtered archive's count in each, and one series a query.", body = TimelineResponse),
        (status = 400, description = "A parameter is unknown, repeated, malformed or out of range, or more queries are given than a timeline compares; the message says which.", body = ErrorBody),
    )
)]
pub async fn timeline(
    State(state): State<AppState>,
    Params((params, filters)): Params<(TimelineParams, FilterParams)>,
) -> Result<Json<TimelineResponse>, ApiError> {
    let request = params.read(filters)?.validate().map_err(invalid)?;
    let found = state
        .read(move |index| timeline::timeline(index, &request).map_err(invalid))
        .await?;
    Ok(Json(TimelineResponse::from(found)))
}
