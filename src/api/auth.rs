//! Who may change the archive: with a key configured, whoever sends it as
//! `Authorization: Bearer KEY`; without one, only clients on this machine.

use std::fmt;
use std::net::SocketAddr;

use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::AppState;
use super::error::ApiError;

/// The key writes need. Only its BLAKE3 hash is kept, and hashes compare in
/// constant time, so neither the key nor how much of a guess matched can
/// leak through timing, logs or `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(blake3::Hash);

impl ApiKey {
    /// Fails on keys too short to resist guessing.
    pub fn new(key: &str) -> Result<ApiKey, String> {
        let key = key.trim();
        if key.len() < 16 {
            return Err(format!(
                "the API key is {} characters long; use at least 16 (for example the output of \
                 `openssl rand -hex 32`)",
                key.len()
            ));
        }
        Ok(ApiKey(blake3::hash(key.as_bytes())))
    }

    fn matches(&self, presented: &str) -> bool {
        // `blake3::Hash`'s equality is constant-time.
        blake3::hash(presented.as_bytes()) == self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

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
    fn a_key_matches_only_itself_and_never_prints() {
        let key = ApiKey::new("correct horse battery staple").unwrap();
        assert!(key.matches("correct horse battery staple"));
        assert!(!key.matches("correct horse battery stapl"));
        assert!(!key.matches(""));
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert!(ApiKey::new("short").unwrap_err().contains("at least 16"));
    }

    #[test]
    fn bearer_tokens_are_read_in_any_case_of_the_scheme() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer"), None);
        assert_eq!(bearer_token("Bearer "), None);
    }
}
