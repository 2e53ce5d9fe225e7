//! Ingest: from files and request bodies to articles ready to index.
//!
//! The stages are separate functions so that each can be replaced alone:
//!
//! 1. [`source`] finds files and reads them (the only stage that does I/O);
//! 2. [`parse`] turns text into [`RawArticle`]s: the body plus whatever
//!    metadata the source gave, checked field by field ([`html`] and
//!    [`sgml`] read web pages and Reuters-21578 files);
//! 3. [`clean`] normalises the body's text and removes page furniture;
//! 4. [`extract`] settles the title, outlet, date and people;
//! 5. [`prepare`] puts the pieces together into an article with its id;
//! 6. [`batch`] feeds items through those stages into the index writer
//!    (`index::Indexer`), and keeps the [`Report`].
//!
//! [`raw`] holds what the stages share. A bad item becomes a [`Rejection`]
//! that names its file and line; it never stops the items around it.

pub mod batch;
pub mod clean;
pub mod extract;
pub mod html;
pub mod parse;
pub mod prepare;
pub mod raw;
pub mod sgml;
pub mod source;

pub use batch::{Batch, Ready, Report};
pub use prepare::{Prepared, oversize, prepare};
pub use raw::{Defaults, MAX_ARTICLE_BYTES, Origin, RawArticle, Rejection, Warning};
