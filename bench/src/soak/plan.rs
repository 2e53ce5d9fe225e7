//! What a soak runs: the plan from the command line, and the articles it
//! posts.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, bail};
use serde_json::{Map, Value};

use crate::query::Query;

/// What to run.
pub struct Plan {
    /// The server, as `http://HOST:PORT`.
    pub url: String,
    /// The server's process, whose memory is sampled.
    pub pid: Option<u32>,
    pub clients: usize,
    pub duration: Duration,
    /// The share of requests that write.
    pub write_share: f64,
    /// The articles to post, objects as `POST /api/articles` reads them;
    /// none when the soak writes nothing.
    pub articles: Vec<Map<String, Value>>,
    pub queries: Vec<Query>,
    /// Sent as `Authorization: Bearer KEY` with every request.
    pub api_key: Option<String>,
    /// The most articles of its own the soak keeps in the index at once.
    pub max_live: usize,
    /// The largest end/start ratio of resident memory that passes.
    pub max_rss_growth: f64,
    /// Whether 503s (the server too busy) pass.
    pub allow_overload: bool,
    pub seed: u64,
}

/// Reads the articles to post: one JSON object a line.
pub fn read_articles(path: &Path) -> anyhow::Result<Vec<Map<String, Value>>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
    let mut articles = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let article: Map<String, Value> = serde_json::from_str(line)
            .with_context(|| format!("{}:{}: not a JSON object", path.display(), number + 1))?;
        articles.push(article);
    }
    if articles.is_empty() {
        bail!("{}: no articles to post", path.display());
    }
    Ok(articles)
}
