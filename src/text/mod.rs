//! Text knowledge: what newsdesk knows of news text, as pure functions.
//!
//! No I/O, no tantivy, no HTTP: every function here takes text (and data
//! compiled into the binary, or handed in by its caller) and returns an
//! answer, whatever the input. Ingest, the index, search and the research
//! answers all build on it; it imports nothing of theirs.
//!
//! - [`names`]: how two spellings of one name are compared;
//! - [`normalise`]: white space, invisible characters and character
//!   references in a line;
//! - [`ner`]: the person-name recogniser;
//! - [`people`]: the people one article names, and which names across an
//!   archive are one person;
//! - [`quotes`]: the direct quotes a text gives a person;
//! - [`stories`]: the signature that tells copies of one story;
//! - [`perturb`]: copies of a text as outlets edit it, to test and measure
//!   how copies are told.

pub mod names;
pub mod ner;
pub mod normalise;
pub mod people;
pub mod perturb;
pub mod quotes;
pub mod stories;
