//! `newsdesk-bench soak`: a bounded load test of a running newsdesk server.
//!
//! A few clients mix searches, reads of single articles and writes (new
//! articles, replacements, deletions) for a set time, then stop by
//! themselves. The soak counts every answer by kind and status, keeps the
//! latencies, samples the server's resident memory, and at the end checks
//! that every article whose POST the server acknowledged, and that the soak
//! did not delete since, is still there with its last acknowledged title,
//! and that every article it deleted is gone. `soak-check` repeats that
//! check later, against a restarted server.
//!
//! Each client owns the articles it posts: it reads, replaces and deletes
//! only those, so nothing another client does can change what it expects,
//! and a 404 for one of them is a lost article, not a race. The soak keeps
//! the number of its live articles under a cap (new posts give way to
//! replacements and deletions there), so the index stays about one size
//! and the server's memory has no reason to grow once it is warm. With no
//! writes (`--write-share 0`) a client has no articles of its own: its
//! reads of single articles open hits of its last search, which nothing
//! deletes, so a 404 for one of them is a lost article too.
//!
//! The files: `plan` is what to run. Each client (`client`) sends its
//! requests over a `session`, which counts the answers in a `tally`, and
//! keeps a `ledger` of its articles; `memory` samples the server's memory
//! meanwhile. `run` drives them all, then `verify` asks for every article
//! the ledgers expect and `report` says what came of it. `check` is
//! `soak-check`, the final check again after a restart. `compare` is
//! `soak-compare`: a soak with reads only and one with writes, side by
//! side, and the targets the one with writes is held to.

mod check;
mod client;
mod compare;
mod ledger;
mod memory;
mod plan;
mod report;
mod run;
mod session;
mod tally;
mod verify;

pub use check::check;
pub use compare::compare;
pub use plan::{Plan, read_articles};
pub use run::run;
