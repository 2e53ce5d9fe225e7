//! The one error type of the HTTP API, and the JSON every error answers
//! with: `{"error": {"code": "...", "message": "..."}}`.
//!
//! Each variant has a stable `code` that clients may match on, and the
//! status that fits it. 4xx messages say what to fix; 5xx messages say
//! nothing about the inside of the server, whose cause goes to the log.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::dto::ItemError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query-string parameter is missing, malformed or out of range.
    #[error("{0}")]
    InvalidParameter(String),
    /// The body is not what the content type says.
    #[error("{0}")]
    InvalidBody(String),
    /// The body parsed, but no article in it could be accepted.
    #[error("{message}")]
    InvalidArticles {
        message: String,
        details: Vec<ItemError>,
    },
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error(
        "the request body is larger than the limit of {limit_bytes} bytes: send fewer articles \
         at a time"
    )]
    PayloadTooLarge { limit_bytes: usize },
    /// A write without the key the server was started with.
    #[error(
        "this request changes the archive and needs the server's API key: send it as \
         `Authorization: Bearer KEY`"
    )]
    Unauthorized,
    /// A write from another machine to a server that has no key.
    #[error(
        "this server accepts changes only from the machine it runs on, since it was started \
         without an API key: start it with NEWSDESK_API_KEY set and send the key as \
         `Authorization: Bearer KEY`"
    )]
    Forbidden,
    /// Too many requests are already waiting.
    #[error("the server is busy: too many requests are waiting; try again in a moment")]
    Overloaded,
    #[error("no article has the id {0:?}")]
    ArticleNotFound(String),
    /// A person page for a name the archive does not know.
    #[error("{}", person_not_found(.name, .suggestions))]
    PersonNotFound {
        name: String,
        suggestions: Vec<String>,
    },
    #[error("there is nothing at {0}: the API lives under /api (see /api)")]
    RouteNotFound(String),
    #[error("{method} is not allowed here")]
    MethodNotAllowed { method: String },
    #[error("the server took too long to answer; try again, or narrow the query")]
    Timeout,
    /// Something failed inside the server. The cause is logged, never sent.
    #[error("the server could not handle this request; the cause has been logged")]
    Internal(#[source] Cause),
}

/// What failed inside the server: any error, kept for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync>;

/// An error and each error that caused it, as one line for the log.
pub fn described(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        // Errors that show their source's text already say it once.
        if !text.ends_with(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = cause.source();
    }
    text
}

/// What to tell someone who asked for a person the archive does not name.
fn person_not_found(name: &str, suggestions: &[String]) -> String {
    let name: String = name.chars().take(80).collect();
    if suggestions.is_empty() {
        format!(
            "no one named {name:?} is in the archive: check the spelling, or find names in the \
             people facet of /api/search"
        )
    } else {
        format!(
            "no one named {name:?} is in the archive; did you mean {}?",
            suggestions
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::InvalidParameter(_) => "invalid_parameter",
            ApiError::InvalidBody(_) => "invalid_body",
            ApiError::InvalidArticles { .. } => "invalid_article",
            ApiError::UnsupportedMediaType(_) => "unsupported_media_type",
            ApiError::PayloadTooLarge { .. } => "payload_too_large",
            ApiError::Unauthorized => "unauthorized",
            ApiError::Forbidden => "forbidden",
            ApiError::Overloaded => "overloaded",
            ApiError::ArticleNotFound(_) => "article_not_found",
            ApiError::PersonNotFound { .. } => "person_not_found",
            ApiError::RouteNotFound(_) => "not_found",
            ApiError::MethodNotAllowed { .. } => "method_not_allowed",
            ApiError::Timeout => "timeout",
            ApiError::Internal(_) => "internal",
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::InvalidParameter(_) | ApiError::InvalidBody(_) => StatusCode::BAD_REQUEST,
            ApiError::InvalidArticles { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden => StatusCode::FORBIDDEN,
            ApiError::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::ArticleNotFound(_)
            | ApiError::PersonNotFound { .. }
            | ApiError::RouteNotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Timeout => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn internal(err: impl Into<Cause>) -> ApiError {
        ApiError::Internal(err.into())
    }
}

/// Every error's body.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for clients to match on: `invalid_parameter`, `invalid_body`,
    /// `invalid_article`, `unsupported_media_type`, `payload_too_large`,
    /// `unauthorized`, `forbidden`, `overloaded`, `article_not_found`,
    /// `person_not_found`, `not_found`, `method_not_allowed`, `timeout` or `internal`.
    pub code: &'static str,
    /// What went wrong and, for a 4xx, what to change.
    pub message: String,
    /// With `invalid_article`: what was wrong with each item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<Vec<ItemError>>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(cause) = &self {
            tracing::error!(
                error = described(cause.as_ref()),
                "request failed inside the server"
            );
        }
        let (code, message) = (self.code(), self.to_string());
        let details = match &self {
            ApiError::InvalidArticles { details, .. } => Some(details.clone()),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code,
                message,
                details,
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        let headers = response.headers_mut();
        match self {
            ApiError::Timeout | ApiError::Overloaded => {
                headers.insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            }
            ApiError::Unauthorized => {
                headers.insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer realm=\"newsdesk\""),
                );
            }
            _ => {}
        }
        response
    }
}

/// Gives error responses made outside our handlers (a timeout, a body
/// limit, a framework rejection) the same JSON shape as ours.
/// `max_body_bytes` is the limit a 413 names.
pub async fn json_errors(
    State(max_body_bytes): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let method = request.method().to_string();
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|value| value.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge {
            limit_bytes: max_body_bytes,
        },
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed { method },
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => ApiError::Timeout,
        status if status.is_server_error() => {
            ApiError::Internal(format!("a middleware answered {status}").into())
        }
        status => ApiError::InvalidBody(format!(
            "the request was refused ({}); check its method, headers and body",
            status.canonical_reason().unwrap_or("client error")
        )),
    };
    let mut converted = error.into_response();
    *converted.status_mut() = status;
    converted
}
