//! newsdesk's integration tests: one binary, a temporary index per test.
//!
//! - `search`: ranking, the query language, filters, facets, snippets,
//!   paging and sorting, through the router;
//! - `articles`: reading, adding, replacing and deleting articles;
//! - `browser`: the web front end in a real Chromium;
//! - `pages`: scraped pages cleaned, split and extracted;
//! - `people`: the person recogniser and the grouping of names;
//! - `person_pages`: a person's page, its counts, co-mentions and quotes;
//! - `errors`: what malformed requests get back;
//! - `openapi`: the OpenAPI document against the API it describes;
//! - `server`: a real server on a real port, and the `newsdesk` binary;
//! - `cli`: `newsdesk ingest` and `newsdesk search`, and the settings;
//! - `remote`: `newsdesk ingest --server` and `newsdesk healthcheck`;
//! - `crash`: `kill -9` during ingests and writes loses nothing acknowledged;
//! - `security`: who may write, CORS, what errors reveal;
//! - `limits`: bad input of every kind, answered with what to fix;
//! - `metrics`: the series at `/metrics` move as requests are answered;
//! - `timeline`: several queries counted over time;
//! - `stories`: copies grouped into stories, and searches that count them
//!   once;
//! - `similar`: similar articles and the significant terms of a search;
//! - `export`: every matching article streamed as NDJSON or CSV;
//! - `tidy`: the house rules the compiler does not check (layers, no import
//!   circles, which layer may use which crate, long functions).

mod articles;
mod browser;
mod cli;
mod crash;
mod errors;
mod export;
mod fuzz_regressions;
mod helpers;
mod limits;
mod metrics;
mod openapi;
mod pages;
mod people;
mod person_pages;
mod remote;
mod search;
mod security;
mod server;
mod similar;
mod stories;
mod tidy;
mod timeline;
