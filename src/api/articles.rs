//! `GET`, `POST` and `DELETE` under `/api/articles`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::{Accepted, ArticleDto, IngestResponse, ItemError};
use super::error::{ApiError, ErrorBody};
use super::extract::Body;
use super::params::Params;
use super::schema;
use super::state::AppState;
use crate::article::ArticleId;
use crate::index::Added;
use crate::ingest::parse::{self, Item};
use crate::ingest::{Batch, Defaults, Ready, source};
use crate::search;

/// How request items are named in messages.
const SOURCE: &str = "request body";

/// The `{id}` of the paths under `/api/articles/`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ArticlePath {
    /// The article's id: letters, digits and `-_.:`, up to 128 of them.
    #[param(pattern = r"^[A-Za-z0-9._:-]{1,128}$", example = "c02d3b5a1e4ab3dd")]
    pub(super) id: String,
}

/// `GET /api/articles/{id}`: `q` marks the query's matches in the body.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowParams {
    #[serde(default)]
    #[param(schema_with = schema::marked_query)]
    q: Vec<String>,
}

/// Reads one article.
///
/// The whole article, with the page it was appended to and the articles
/// appended to it.
#[utoipa::path(
    get,
    path = "/api/articles/{id}",
    operation_id = "get_article",
    tag = "articles",
    params(ArticlePath, ShowParams),
    responses(
        (status = 200, description = "The article.", body = ArticleDto),
        (status = 400, description = "`q` is repeated or over the query limits.", body = ErrorBody),
        (status = 404, description = "No article has this id.", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(ArticlePath { id }): Path<ArticlePath>,
    Params((params,)): Params<(ShowParams,)>,
) -> Result<Json<ArticleDto>, ApiError> {
    let id = ArticleId::parse(&id).map_err(|_| ApiError::ArticleNotFound(id))?;
    let query = match params.q.as_slice() {
        [] => None,
        [q] => Some(q.clone()).filter(|q| !q.trim().is_empty()),
        more => {
            return Err(ApiError::InvalidParameter(format!(
                "q is given {} times; give it once",
                more.len()
            )));
        }
    };
    if let Some(query) = &query {
        search::check_query(query).map_err(|err| ApiError::InvalidParameter(err.to_string()))?;
    }
    let found = state
        .read({
            let id = id.clone();
            move |index| {
                let Some(linked) = search::linked(index, &id).map_err(ApiError::internal)? else {
                    return Ok(None);
                };
                let marked = match &query {
                    Some(query) => Some(
                        search::mark_matches(index, query, &linked.article.body)
                            .map_err(ApiError::internal)?,
                    ),
                    None => None,
                };
                let mut dto = ArticleDto::from(linked);
                dto.body_marked = marked;
                Ok(Some(dto))
            }
        })
        .await?;
    found
        .map(Json)
        .ok_or_else(|| ApiError::ArticleNotFound(id.to_string()))
}

/// Deletes one article.
///
/// The deletion is committed before the answer.
#[utoipa::path(
    delete,
    path = "/api/articles/{id}",
    operation_id = "delete_article",
    tag = "articles",
    params(ArticlePath),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No article has this id.", body = ErrorBody),
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    Path(ArticlePath { id }): Path<ArticlePath>,
) -> Result<StatusCode, ApiError> {
    let id = ArticleId::parse(&id).map_err(|_| ApiError::ArticleNotFound(id))?;
    let existed = state
        .write({
            let id = id.clone();
            move |writer| writer.delete(&id).map_err(ApiError::internal)
        })
        .await?;
    if existed {
        state.metrics().deleted();
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::ArticleNotFound(id.to_string()))
    }
}

/// The body formats `POST /api/articles` reads, by content type.
enum Format {
    Json,
    Ndjson,
    Text,
}

fn format_of(headers: &HeaderMap) -> Result<Format, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match essence.as_str() {
        "application/json" => Ok(Format::Json),
        "application/x-ndjson"
        | "application/ndjson"
        | "application/jsonl"
        | "application/x-jsonlines"
        | "application/jsonlines" => Ok(Format::Ndjson),
        "text/plain" => Ok(Format::Text),
        other => Err(ApiError::UnsupportedMediaType(format!(
            "Content-Type {:?} is not accepted: send application/json (an article object or an \
             array), application/x-ndjson (an object a line) or text/plain (an article's text, \
             optionally with front matter); with curl, add -H 'Content-Type: application/json'",
            if other.is_empty() { "(none)" } else { other }
        ))),
    }
}

/// The items of a request body, or what is wrong with the body as a whole.
fn parse_body(format: Format, body: &[u8]) -> Result<Vec<Item>, ApiError> {
    let text = std::str::from_utf8(body).map_err(|err| {
        ApiError::InvalidBody(format!(
            "the request body is not valid UTF-8 (first bad byte at offset {})",
            err.valid_up_to()
        ))
    })?;
    if text.bytes().take(8192).any(|b| b == 0) {
        return Err(ApiError::InvalidBody(
            "the request body looks binary (it holds NUL bytes): send the article as text"
                .to_string(),
        ));
    }
    if text.trim().is_empty() {
        return Err(ApiError::InvalidBody(
            "the request body is empty: send an article, such as {\"title\": \"…\", \"body\": \"…\"}"
                .to_string(),
        ));
    }
    let items: Vec<Item> = match format {
        Format::Json => parse::json_document(SOURCE, text).map_err(|rejection| {
            ApiError::InvalidBody(format!(
                "line {}: {}",
                rejection.origin.line.unwrap_or(1),
                rejection.reason
            ))
        })?,
        Format::Ndjson => {
            let mut items = Vec::new();
            source::read_ndjson(SOURCE, text.as_bytes(), &mut |item| items.push(item))
                .map_err(|rejection| ApiError::InvalidBody(rejection.reason))?;
            items
        }
        Format::Text => vec![parse::text(SOURCE, text)],
    };
    if items.is_empty() {
        return Err(ApiError::InvalidBody(
            "the request body holds no articles: send an object, or an array with at least one"
                .to_string(),
        ));
    }
    Ok(items)
}

/// Adds articles, or replaces those with the same id.
///
/// What is accepted is committed, and searchable, before the answer; each
/// rejected item is listed with its line (and for arrays its position).
#[utoipa::path(
    post,
    path = "/api/articles",
    operation_id = "add_articles",
    tag = "articles",
    request_body(
        description = "One article object or an array of them (`application/json`), an object \
                       a line (`application/x-ndjson`), or one article's text with optional \
                       front matter (`text/plain`).",
        content(
            (schema::NewArticles = "application/json"),
            (schema::ArticleText = "application/x-ndjson"),
            (schema::ArticleText = "text/plain"),
        ),
    ),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "At least one article was accepted.", body = IngestResponse),
        (status = 400, description = "The body is empty, not UTF-8, binary or not valid JSON.", body = ErrorBody),
        (status = 413, description = "The body is over the server's limit.", body = ErrorBody),
        (status = 415, description = "The content type is not one of those above.", body = ErrorBody),
        (status = 422, description = "No article in the body could be accepted; `details` lists why, item by item.", body = ErrorBody),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<Json<IngestResponse>, ApiError> {
    let format = format_of(&headers)?;
    let defaults = Defaults {
        max_article_bytes: state.config().max_article_bytes,
        ..Defaults::default()
    };
    // Parsing a large body, cleaning its articles and finding their people
    // take a while: off the async threads, and before the writer, which
    // then only indexes.
    let ready = tokio::task::spawn_blocking({
        let defaults = defaults.clone();
        move || {
            let items = parse_body(format, &body)?;
            Ok::<_, ApiError>(
                items
                    .into_iter()
                    .map(|item| Ready::new(item, &defaults))
                    .collect::<Vec<_>>(),
            )
        }
    })
    .await
    .map_err(ApiError::internal)??;
    let (report, accepted) = state
        .write(move |writer| {
            let mut batch = Batch::new(writer, defaults);
            for item in ready {
                batch.add_ready(item).map_err(ApiError::internal)?;
            }
            Ok((batch.report, batch.accepted))
        })
        .await?;
    state
        .metrics()
        .posted(report.indexed, report.replaced, report.rejected.len());
    if accepted.is_empty() {
        let details: Vec<ItemError> = report
            .rejected
            .iter()
            .map(|r| ItemError::new(&r.origin, &r.reason))
            .collect();
        let first = &report.rejected[0];
        let message = match report.rejected.len() {
            1 => first.reason.clone(),
            n => format!(
                "none of the {n} articles was accepted; the first ({}): {}",
                first
                    .origin
                    .to_string()
                    .trim_start_matches(SOURCE)
                    .trim_start_matches(':')
                    .trim(),
                first.reason
            ),
        };
        return Err(ApiError::InvalidArticles { message, details });
    }
    let accepted = accepted
        .into_iter()
        .map(|(id, added)| Accepted {
            id: id.to_string(),
            status: match added {
                Added::New => "indexed",
                Added::Replaced => "replaced",
            },
        })
        .collect();
    Ok(Json(IngestResponse::new(&report, accepted)))
}
