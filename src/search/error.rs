//! What failed in a search or a research answer: the request itself, or
//! the index.

use crate::index;

/// What failed in a search.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The request itself is wrong; the message says how to fix it.
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Index(#[from] index::Error),
}

impl From<tantivy::TantivyError> for Error {
    fn from(err: tantivy::TantivyError) -> Error {
        Error::Index(index::Error::Tantivy(err))
    }
}
