//! The HTTP API: the only part of newsdesk that knows HTTP.
//!
//! - [`state`]: what every handler shares (the index, the one writer, the
//!   queues in front of the cores and the writer), and [`router`]: every
//!   route and the layers around them, and [`serve`];
//! - `params` reads the query-string parameters of every endpoint, `schema`
//!   describes them for the OpenAPI document, [`dto`] holds the JSON bodies,
//!   [`error`] the one error type and its JSON: the pieces the handlers
//!   share, below them;
//! - the handlers, one file an endpoint or two: `search`, `timeline`,
//!   `people`, `similar`, `export`, `articles`, `meta`, `web`;
//! - `openapi` assembles the document from the handlers' annotations;
//! - `key` and `auth`: who may write; `metrics` and `observe`: the log line
//!   and series of each request;
//! - [`client`]: the other side, for `ingest --server` and `healthcheck`.

mod articles;
mod auth;
pub(crate) mod client;
pub(crate) mod dto;
mod error;
mod export;
mod extract;
mod key;
mod meta;
mod metrics;
mod observe;
mod openapi;
mod params;
mod people;
mod router;
mod schema;
mod search;
mod similar;
mod state;
mod timeline;
mod web;

pub use error::ApiError;
pub use key::ApiKey;
pub use router::{check_origin, router, serve};
pub use state::{AppState, Config};
