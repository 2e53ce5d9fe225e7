//! The request body as an extractor that answers a body too large or
//! unreadable in the API's own error format, instead of axum's plain-text
//! rejections (query strings: see `params`).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};

use super::error::ApiError;
use super::state::AppState;

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
