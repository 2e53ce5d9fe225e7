//! One client of the soak: searches, reads and writes of its own articles
//! until the time is up, each write recorded in its ledger. With no writes
//! (`--write-share 0`) it has no articles of its own, and its reads open
//! hits of its last search instead.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

use super::ledger::{Entry, Ledger, Origin, State, article, shows_revision};
use super::plan::Plan;
use super::session::{Outcome, Session};
use super::tally::{Kind, Tally};

/// Of the reads, the share that open one article; the rest search.
const GET_SHARE: f64 = 0.1;

/// What all clients share.
pub(super) struct Shared<'a> {
    pub(super) plan: &'a Plan,
    pub(super) base: &'a str,
    pub(super) started: Instant,
    pub(super) deadline: Instant,
    /// Set when the server's process is gone.
    pub(super) stop: AtomicBool,
    /// The next article to post, counted over passes of the file.
    pub(super) next_article: AtomicUsize,
}

impl Shared<'_> {
    fn over(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || Instant::now() >= self.deadline
    }

    fn next_origin(&self) -> Origin {
        let n = self.next_article.fetch_add(1, Ordering::Relaxed);
        let count = self.plan.articles.len();
        Origin {
            line: n % count,
            pass: n / count,
        }
    }
}

/// The writes, in turn chosen at random.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Write {
    Post,
    Replace,
    Delete,
}

/// Half new articles, a quarter replacements and a quarter deletions; at
/// the cap of live articles, no new ones.
fn choose_write(draw: f64, live: usize, cap: usize) -> Write {
    if live == 0 || (live < cap && draw < 0.5) {
        Write::Post
    } else if draw < 0.75 {
        Write::Replace
    } else {
        Write::Delete
    }
}

/// One client: requests until the time is up.
pub(super) fn client(shared: &Shared, number: usize) -> (Tally, Ledger) {
    let plan = shared.plan;
    let mut rng = ChaCha8Rng::seed_from_u64(
        plan.seed ^ (number as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
    );
    let mut session = Session::new(shared.base, plan.api_key.as_deref(), shared.started);
    let mut ledger = Ledger::default();
    let cap = plan.max_live.div_ceil(plan.clients).max(1);
    // The ids of the last search's hits, kept only when the client writes
    // nothing: they are articles already in the index, which no one deletes.
    let reads_only = plan.write_share == 0.0;
    let mut hits: Vec<String> = Vec::new();
    while !shared.over() {
        let outcome = if rng.random_bool(plan.write_share) {
            let write = choose_write(rng.random(), ledger.live_count(), cap);
            match (write, ledger.pick(&mut rng)) {
                (Write::Replace, Some(picked)) => {
                    replace(shared, &mut session, &mut ledger, picked)
                }
                (Write::Delete, Some((id, _))) => delete(&mut session, &mut ledger, &id),
                _ => post(shared, &mut session, &mut ledger, &mut rng),
            }
        } else if rng.random_bool(GET_SHARE) && (ledger.live_count() > 0 || !hits.is_empty()) {
            match ledger.pick(&mut rng) {
                Some(picked) => get(&mut session, &mut ledger, picked),
                None => {
                    let id = hits[rng.random_range(0..hits.len())].clone();
                    view(&mut session, &mut ledger, &id)
                }
            }
        } else {
            let query = &plan.queries[rng.random_range(0..plan.queries.len())];
            let outcome = session.search(query);
            if reads_only
                && let Outcome::Answered {
                    status: 200, body, ..
                } = &outcome
                && let Some(ids) = session.hit_ids(body)
                && !ids.is_empty()
            {
                hits = ids;
            }
            outcome
        };
        if let Some(pause) = outcome.pause() {
            let left = shared.deadline.saturating_duration_since(Instant::now());
            std::thread::sleep(pause.min(left));
        }
    }
    (session.tally, ledger)
}

/// Posts one to three new articles, as NDJSON or JSON.
fn post(
    shared: &Shared,
    session: &mut Session,
    ledger: &mut Ledger,
    rng: &mut ChaCha8Rng,
) -> Outcome {
    let origins: Vec<Origin> = (0..rng.random_range(1..=3))
        .map(|_| shared.next_origin())
        .collect();
    let articles: Vec<Map<String, Value>> = origins
        .iter()
        .map(|origin| article(&shared.plan.articles, *origin, 0))
        .collect();
    let (content_type, body) = if rng.random_bool(0.5) {
        let lines: Vec<String> = articles
            .iter()
            .map(|a| Value::Object(a.clone()).to_string())
            .collect();
        ("application/x-ndjson", lines.join("\n") + "\n")
    } else if let [one] = articles.as_slice() {
        ("application/json", Value::Object(one.clone()).to_string())
    } else {
        let all = articles.into_iter().map(Value::Object).collect();
        ("application/json", Value::Array(all).to_string())
    };
    let outcome = session.post(Kind::Post, content_type, &body);
    if let Some(accepted) = session.accepted(Kind::Post, &outcome) {
        let paired = accepted.len() == origins.len();
        for (at, accepted) in accepted.into_iter().enumerate() {
            ledger.acknowledged(accepted.id, paired.then(|| origins[at]));
        }
    }
    outcome
}

/// Posts one of the client's articles again under a new title.
fn replace(
    shared: &Shared,
    session: &mut Session,
    ledger: &mut Ledger,
    (id, entry): (String, Entry),
) -> Outcome {
    let Some(origin) = entry.origin else {
        // Which article this id is was not known: read it instead.
        return get(session, ledger, (id, entry));
    };
    let revision = entry.revisions + 1;
    let body = Value::Object(article(&shared.plan.articles, origin, revision)).to_string();
    let outcome = session.post(Kind::Replace, "application/json", &body);
    match session.accepted(Kind::Replace, &outcome) {
        Some(accepted) => {
            let replaced = accepted
                .iter()
                .any(|a| a.id == id && a.status == "replaced");
            if replaced {
                ledger.replaced(&id, revision, Some(revision));
            } else {
                // Indexed as new: the earlier version was gone.
                ledger.lost(&id);
            }
        }
        None => ledger.replaced(&id, revision, None),
    }
    outcome
}

fn delete(session: &mut Session, ledger: &mut Ledger, id: &str) -> Outcome {
    let outcome = session.delete(id);
    match &outcome {
        Outcome::Answered { status: 204, .. } => ledger.deleted(id),
        Outcome::Answered { status: 404, .. } => ledger.lost(id),
        _ => ledger.uncertain(id),
    }
    outcome
}

/// Reads one of the client's articles, which must be there with its last
/// acknowledged title.
fn get(session: &mut Session, ledger: &mut Ledger, (id, entry): (String, Entry)) -> Outcome {
    let outcome = session.get(Kind::Get, &id);
    match &outcome {
        Outcome::Answered {
            status: 200, body, ..
        } => {
            if let (
                Some(title),
                State::Live {
                    revision: Some(revision),
                },
            ) = (session.title(Kind::Get, body), entry.state)
                && !shows_revision(&title, revision)
            {
                ledger.stale += 1;
            }
        }
        Outcome::Answered { status: 404, .. } => ledger.lost(&id),
        _ => {}
    }
    outcome
}

/// Opens an article that was in the index before the soak (a hit of the
/// client's last search): with nothing writing, a 404 is a lost article.
fn view(session: &mut Session, ledger: &mut Ledger, id: &str) -> Outcome {
    let outcome = session.get(Kind::Get, id);
    if let Outcome::Answered { status: 404, .. } = &outcome {
        ledger.lost(id);
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_articles_give_way_at_the_cap() {
        assert_eq!(choose_write(0.9, 0, 10), Write::Post);
        assert_eq!(choose_write(0.1, 5, 10), Write::Post);
        assert_eq!(choose_write(0.6, 5, 10), Write::Replace);
        assert_eq!(choose_write(0.8, 5, 10), Write::Delete);
        assert_eq!(choose_write(0.1, 10, 10), Write::Replace);
    }
}
