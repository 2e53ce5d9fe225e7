//! Research: the answers built on search for people who study an archive
//! rather than look something up.
//!
//! - [`person`]: what the archive says of one person: counts, outlets,
//!   months, who is named with them, their quotes;
//! - [`timeline`]: several queries counted by day, week or month;
//! - [`similar`]: the articles most like one article;
//! - [`significant`]: the words that set a search's matches apart;
//! - [`export`]: every match, whole, one article at a time;
//! - [`words`]: an article's content words, which `similar` and
//!   `significant` weigh.
//!
//! Each takes a request checked once ([`Valid`](crate::search::Valid)),
//! narrows the archive with the one [`Filters`](crate::search::Filters)
//! type, and matches through [`matching`](crate::search::matching), as a
//! search does. Plain types in and out; nothing here knows HTTP or JSON.

pub mod export;
pub mod person;
pub mod significant;
pub mod similar;
pub mod timeline;
mod words;
