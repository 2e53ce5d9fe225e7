//! What `newsdesk ingest` hands the articles it reads to.

use indicatif::ProgressBar;

use crate::ingest::parse::Item;
use crate::ingest::{Rejection, Report, Warning};

/// Where the articles read go: the index here, or a server.
pub trait Destination {
    /// Where that is, for the summary: the index folder or the server.
    fn name(&self) -> String;
    /// An input that could not be read at all.
    fn reject_input(&mut self, rejection: Rejection);
    /// An item read from the current input.
    fn push(&mut self, item: Item);
    /// The current input is read: what is said of it as a whole, its
    /// warnings or why it could not be read to the end.
    fn end_input(&mut self, read: Result<Vec<Warning>, Rejection>);
    /// Whether the destination has stopped taking articles (the index
    /// failed, the server went away): reading stops too.
    fn stopped(&self) -> bool;
    /// Saves or sends what is left, and says what became of the run.
    fn finish(self: Box<Self>, bar: &ProgressBar) -> anyhow::Result<Report>;
}
