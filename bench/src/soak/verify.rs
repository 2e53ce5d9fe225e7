//! The final check of a soak: every article the ledger expects asked for,
//! on several connections at once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use super::ledger::{Expectations, shows_revision};
use super::session::{Outcome, Session};
use super::tally::{Kind, Tally};

/// What the final check found.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
pub struct Verified {
    /// Articles asked for.
    pub checked: u64,
    /// Expected and not found.
    pub lost: u64,
    /// Deleted and found.
    pub deleted_but_present: u64,
    /// Found with an older title than the last acknowledged one.
    pub stale: u64,
    /// Asked for, and not answered with 200 or 404.
    pub unanswered: u64,
}

/// Asks for every expected article, on `threads` connections at once.
pub(super) fn verify(
    base: &str,
    key: Option<&str>,
    threads: usize,
    expected: &Expectations,
    started: Instant,
) -> anyhow::Result<(Verified, Tally)> {
    let checks: Vec<(&str, Option<Option<u32>>)> = expected
        .present
        .iter()
        .map(|e| (e.id.as_str(), Some(e.revision)))
        .chain(expected.absent.iter().map(|id| (id.as_str(), None)))
        .collect();
    let next = AtomicUsize::new(0);
    let results = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut session = Session::new(base, key, started);
                    let mut verified = Verified::default();
                    while let Some(&(id, present)) =
                        checks.get(next.fetch_add(1, Ordering::Relaxed))
                    {
                        verified.checked += 1;
                        let outcome = session.get(Kind::Verify, id);
                        match (&outcome, present) {
                            (
                                Outcome::Answered {
                                    status: 200, body, ..
                                },
                                Some(revision),
                            ) => {
                                if let (Some(title), Some(revision)) =
                                    (session.title(Kind::Verify, body), revision)
                                    && !shows_revision(&title, revision)
                                {
                                    verified.stale += 1;
                                }
                            }
                            (Outcome::Answered { status: 404, .. }, Some(_)) => verified.lost += 1,
                            (Outcome::Answered { status: 200, .. }, None) => {
                                verified.deleted_but_present += 1;
                            }
                            (Outcome::Answered { status: 404, .. }, None) => {}
                            _ => verified.unanswered += 1,
                        }
                    }
                    (verified, session.tally)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| worker.join())
            .collect::<Result<Vec<_>, _>>()
    })
    .map_err(|_| anyhow::anyhow!("a checking thread panicked"))?;
    let mut verified = Verified::default();
    let mut tally = Tally::default();
    for (part, their_tally) in results {
        verified.checked += part.checked;
        verified.lost += part.lost;
        verified.deleted_but_present += part.deleted_but_present;
        verified.stale += part.stale;
        verified.unanswered += part.unanswered;
        tally.merge(their_tally);
    }
    Ok((verified, tally))
}
