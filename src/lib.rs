//! newsdesk: full-text search for news articles.

pub mod api;
pub mod article;
pub mod index;
pub mod ingest;
pub mod sample;
pub mod search;
