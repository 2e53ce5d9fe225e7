//! newsdesk: full-text search for news articles.
//!
//! Articles flow one way: files and requests → [`ingest`] → [`index`] ←
//! [`search`] ← `research` ← [`api`], with pure [`text`] knowledge
//! underneath. The [`cli`] wires these together for the `newsdesk` binary;
//! `sample` is the bundled corpus that makes a fresh install useful at once.
//! ARCHITECTURE.md has the map and the rules each part keeps.
//!
//! Each `pub` below is there for someone outside the library: the binary,
//! the benchmark crate (`bench/`), the fuzz targets (`fuzz/`) or the
//! integration tests (`tests/`).

// The binary runs its commands.
pub mod cli;

// The tests drive the HTTP application (`router`, `AppState`, `serve`).
pub mod api;
// The tests and the benchmark build and read articles.
pub mod article;
// The tests and the benchmark open indexes and write to them.
pub mod index;
// The tests, the benchmark and the fuzz targets read and prepare articles.
pub mod ingest;
// The tests look articles up; the fuzz targets parse queries.
pub mod search;
// The benchmark finds the people an article names; the tests read the
// recogniser's labels and make edited copies of texts.
pub mod text;

mod eval;
mod research;
mod sample;
