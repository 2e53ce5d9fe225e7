//! Evaluation and training harnesses, behind `newsdesk eval` and `newsdesk
//! ner`: not part of the library's surface.
//!
//! - [`conll`]: CoNLL-2003 files and the entity-level score, as conlleval
//!   computes it;
//! - [`train`]: the recogniser's trainer;
//! - [`stories`]: how well copies are grouped into stories, on edited
//!   copies of real articles.

pub mod conll;
pub mod stories;
pub mod train;
