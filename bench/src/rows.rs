//! The articles every engine is given, one JSON object a line.
//!
//! Two files are written for each corpus: `corpus.ndjson`, what a user hands
//! `newsdesk ingest` (no people: newsdesk finds them), and `rows.ndjson`,
//! the same articles with the people newsdesk's recogniser finds in their
//! paragraphs, which the peers (and newsdesk's indexing-alone run) load.
//! A row's id is its line number, from 1.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub url: String,
    pub title: String,
    pub outlet: String,
    /// RFC 3339 with an offset: `2021-03-04T10:15:00Z`.
    pub date: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub people: Vec<String>,
    pub body: String,
}

impl Row {
    /// The publication day, `YYYY-MM-DD`.
    pub fn day(&self) -> &str {
        &self.date[..10]
    }

    /// The bytes of text an engine indexes: title and body.
    pub fn text_bytes(&self) -> u64 {
        (self.title.len() + self.body.len()) as u64
    }
}

/// Calls `each` with every row of `path` and its id (the line number, from 1).
pub fn for_each(
    path: &Path,
    mut each: impl FnMut(u64, Row) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let file = File::open(path).with_context(|| format!("{}", path.display()))?;
    let reader = BufReader::with_capacity(1 << 20, file);
    for (number, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("{}:{}", path.display(), number + 1))?;
        let row: Row = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}", path.display(), number + 1))?;
        each(number as u64 + 1, row)?;
    }
    Ok(())
}

#[cfg(test)]
impl Row {
    /// A row for tests, its url made from its title.
    pub fn example(title: &str, outlet: &str, date: &str, people: &[&str], body: &str) -> Row {
        Row {
            url: format!(
                "https://example.com/{}",
                title.to_lowercase().replace(' ', "-")
            ),
            title: title.to_owned(),
            outlet: outlet.to_owned(),
            date: date.to_owned(),
            people: people.iter().map(|p| (*p).to_owned()).collect(),
            body: body.to_owned(),
        }
    }
}
