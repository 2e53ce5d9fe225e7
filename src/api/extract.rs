//! Extractors that answer malformed requests in the API's own error format
//! instead of axum's plain-text rejections.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::AppState;
use super::error::ApiError;

/// Query-string parameters, with repeated keys (`outlet=A&outlet=B`) for
/// `Vec` fields.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        serde_html_form::from_str(query)
            .map(Params)
            .map_err(|err| ApiError::InvalidParameter(describe(&err.to_string())))
    }
}

/// serde's wording, in the API's terms.
fn describe(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        format!("unknown parameter {rest}")
    } else if let Some(rest) = message.strip_prefix("duplicate field ") {
        format!("parameter {rest} is given more than once; give it once")
    } else {
        format!("invalid query string: {message}")
    }
}

/// The raw request body, within the size limit.
pub struct Body(pub Bytes);

impl FromRequest<AppState> for Body {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let limit_bytes = state.config().max_body_bytes;
        Bytes::from_request(request, state)
            .await
            .map(Body)
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge { limit_bytes }
                } else {
                    ApiError::InvalidBody(format!(
                        "the request body could not be read: {}",
                        rejection.body_text()
                    ))
                }
            })
    }
}
