//! A benchmark query, as data: each engine writes it in its own syntax.

use serde::{Deserialize, Serialize};

/// What kind of query, in the proportions of the set (see `queries.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Two or three words, all required.
    And,
    /// Two or three words, any of them.
    Or,
    /// Two or three words in sequence.
    Phrase,
    /// One frequent word.
    Common,
    /// One rare word.
    Rare,
    /// One or two words, all required, from one outlet.
    Outlet,
    /// One or two words, all required, naming one person.
    Person,
    /// One or two words, all required, in a date range.
    Dates,
    /// Two words required and a third excluded.
    Not,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Query {
    pub kind: Kind,
    /// Lowercase words of letters only, none of them a stop word. All are
    /// required, except for `Or` (any) and `Phrase` (in this order).
    pub words: Vec<String>,
    /// A word the article must not contain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<String>,
    /// The article's outlet, exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlet: Option<String>,
    /// One of the article's people, exactly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Published on or after this day (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Published on or before this day (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

impl Query {
    /// The query in the web-search syntax that newsdesk, tantivy's query
    /// parser and PostgreSQL's `websearch_to_tsquery` share: words are all
    /// required, `OR` between alternatives, quotes around a phrase, `-`
    /// before an excluded word. Filters are not part of it.
    pub fn text(&self) -> String {
        let mut text = match self.kind {
            Kind::Or => self.words.join(" OR "),
            Kind::Phrase => format!("\"{}\"", self.words.join(" ")),
            _ => self.words.join(" "),
        };
        if let Some(word) = &self.exclude {
            text.push_str(" -");
            text.push_str(word);
        }
        text
    }

    /// Whether the query has a filter besides its words.
    pub fn is_filtered(&self) -> bool {
        self.outlet.is_some() || self.person.is_some() || self.from.is_some() || self.to.is_some()
    }
}

/// What an engine answered: enough to check that engines agree, and that
/// the work was done.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Answer {
    /// The exact number of matching articles.
    pub total: u64,
    /// Hits returned (at most 10), each with its snippet.
    pub hits: usize,
    /// Facet values returned (outlets, people and months).
    pub facet_values: usize,
}

/// One connection to an engine, used by one client thread.
pub trait Client {
    /// Runs `query` as a user's full request: the top 10 hits by relevance
    /// with their stored fields and highlighted snippets, the exact total,
    /// and the 20 largest outlet and people counts and the counts by month
    /// over the whole result.
    fn search(&mut self, query: &Query) -> anyhow::Result<Answer>;
}
