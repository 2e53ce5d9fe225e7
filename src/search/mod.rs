//! Search: from a query and filters to ranked hits, snippets and facets.
//!
//! Plain types in and out; nothing here knows HTTP or JSON. Each call takes a
//! fresh searcher from the index's one reader, so it sees the last commit.
//!
//! - [`request`] says what a search asks, the [`Filters`] every request
//!   shares, and checks each request in one place ([`Check`], [`Valid`]);
//! - [`query`] parses the query language into a tree (pure code);
//! - [`compile`] turns the tree and the filters into a tantivy query, and
//!   [`matching`] puts the two together;
//! - [`facets`] counts outlets, people and days over the whole result;
//! - [`collapse`] counts copies of one story once;
//! - [`rank`] runs a search: the page, the total and the facets in one
//!   pass ([`results`] are its answer), and [`snippet`] cuts and marks the
//!   fragments shown with each hit;
//! - [`articles`] reads articles by id, with the pages linked to them;
//! - [`stats`] gives the size and span of the archive.
//!
//! The research answers (a person's page, timelines, similar articles,
//! significant terms, export) are built on these in `research`.

pub mod articles;
pub mod collapse;
pub mod compile;
pub mod error;
pub mod facets;
pub mod matching;
pub mod query;
pub mod rank;
pub mod request;
pub mod results;
pub mod snippet;
pub mod stats;

pub use articles::{Linked, article, linked, mark_matches, with_directory_names};
pub use collapse::Copies;
pub use error::Error;
pub use matching::{Matching, filtered, matching};
pub use rank::{FACET_SIZE, SNIPPETS_PER_HIT, ranked, search};
pub use request::{
    Check, Collapse, Filters, Histogram, MAX_LIMIT, MAX_OFFSET, MAX_QUERY_BYTES, MAX_QUERY_TERMS,
    SearchRequest, Sort, Valid, check_query,
};
pub use results::{FacetValue, Facets, Hit, SearchResults};
pub use stats::{Stats, stats};
