//! Who may change the archive: with a key configured, whoever sends it as
//! `Authorization: Bearer KEY`; without one, only clients on this machine.

use std::net::SocketAddr;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::state::AppState;

/// Middleware for the routes that write.
pub async fn require_write_access(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let allowed = match &state.config().api_key {
        Some(key) => {
            let presented = parts
                .headers
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .and_then(bearer_token);
            match presented {
                Some(token) if key.matches(token) => Ok(()),
                _ => Err(ApiError::Unauthorized),
            }
        }
        None => {
            // Without a connection (a test driving the router directly, with
            // no mock address), nobody is trusted.
            let peer = ConnectInfo::<SocketAddr>::from_request_parts(&mut parts, &())
                .await
                .ok();
            match peer {
                Some(ConnectInfo(address)) if address.ip().is_loopback() => Ok(()),
                _ => Err(ApiError::Forbidden),
            }
        }
    };
    match allowed {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(err) => err.into_response(),
    }
}

/// The token of an `Authorization: Bearer TOKEN` header (the scheme in any
/// case, as RFC 9110 has it).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|token| !token.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens_are_read_in_any_case_of_the_scheme() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }
}
