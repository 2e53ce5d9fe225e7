//! What can go wrong with the index itself, each with what to do about it.

use std::path::PathBuf;

use tantivy::TantivyError;

/// What can go wrong with the index itself.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(
        "{} holds files but no newsdesk index: give --index a new or empty folder",
        path.display()
    )]
    NotAnIndex { path: PathBuf },
    #[error(
        "the index at {} was made by an incompatible version of newsdesk: \
         move the folder away and ingest the articles again",
        path.display()
    )]
    Incompatible { path: PathBuf },
    #[error(
        "the index at {} is in use by {}: {}",
        path.display(),
        holder.as_deref().unwrap_or("another newsdesk process (a running `newsdesk serve` or `newsdesk ingest`)"),
        locked_advice(holder.as_deref())
    )]
    Locked {
        path: PathBuf,
        /// What the holder said of itself when it took the writer.
        holder: Option<String>,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("index error: {0}")]
    Tantivy(#[from] TantivyError),
}

fn locked_advice(holder: Option<&str>) -> String {
    let server = holder.and_then(|holder| holder.split("listening on ").nth(1));
    match server {
        Some(address) => format!(
            "send the articles to that server instead (newsdesk ingest --server {address} \
             PATH…, or POST /api/articles), or stop it and run this again"
        ),
        None => "wait for it to finish or stop it, then run this again; a running server takes \
                 articles with `newsdesk ingest --server` or POST /api/articles"
            .to_string(),
    }
}
