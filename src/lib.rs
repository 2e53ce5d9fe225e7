//! newsdesk: full-text search for news articles.
//!
//! Articles flow one way: files and requests → [`ingest`] → [`index`] ←
//! [`search`] ← [`api`], with pure [`text`] knowledge underneath. The
//! [`cli`] wires these together for the `newsdesk` binary; [`sample`] is
//! the bundled corpus that makes a fresh install useful at once.

pub mod api;
pub mod article;
pub mod cli;
mod eval;
pub mod index;
pub mod ingest;
pub mod research;
pub mod sample;
pub mod search;
pub mod text;
