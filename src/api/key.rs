//! The API key writes need, kept only as a hash.

use std::fmt;

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

    pub(super) fn matches(&self, presented: &str) -> bool {
        // `blake3::Hash`'s equality is constant-time.
        blake3::hash(presented.as_bytes()) == self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
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
}
