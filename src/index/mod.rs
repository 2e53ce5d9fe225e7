//! Index: where articles live on disk.
//!
//! [`NewsIndex`] opens or creates the tantivy index in a folder, registers
//! the analysers, and keeps one [`IndexReader`](tantivy::IndexReader) for
//! the life of the program; each search takes a fresh searcher from it.
//! [`Indexer`] is the one writer: tantivy's lock file makes sure no second
//! process writes at the same time.
//!
//! - [`schema`]: the fields, and articles to documents and back;
//! - [`analyzer`]: the English and keyword analysers;
//! - [`news_index`]: the index itself; [`writer`]: the one writer, and
//!   `stories`, the story an added article joins;
//! - `live`: the [`Snapshot`] searches read, a searcher with its people,
//!   published after each commit without making searches wait;
//! - [`people`]: the people of a state of the index, kept up to date
//!   segment by segment;
//! - [`error`]: what can go wrong, with what to do about it.

pub mod analyzer;
pub mod error;
mod live;
pub mod news_index;
pub mod people;
pub mod schema;
mod stories;
pub mod writer;

pub use error::Error;
pub use live::Snapshot;
pub use news_index::NewsIndex;
pub use people::People;
pub use schema::{Fields, StoryId};
/// An article with only an id and a body, for tests.
#[cfg(test)]
pub(crate) use writer::tests::article as test_article;
pub use writer::{Added, Indexer, WriterOptions};
