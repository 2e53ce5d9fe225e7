//! What a client knows of its articles: where each came from, its last
//! revision and state, and so what the server must hold at the end; and how
//! a revision shows in an article's title.

use std::collections::HashMap;

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Where a posted article came from: a line of the articles file, on the
/// given pass over it. From the second pass on, the article is posted under
/// an id of its own, so the file never runs out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Origin {
    pub(super) line: usize,
    pub(super) pass: usize,
}

/// What a client knows of the state of one of its articles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum State {
    /// Acknowledged and not deleted: it must be there, with the revision of
    /// the last acknowledged replacement, when known (a replacement that
    /// failed may or may not have landed).
    Live { revision: Option<u32> },
    /// Deleted, with a 204: it must be gone.
    Deleted,
    /// A 404 where it had to be there: lost, and counted once.
    Lost,
    /// A deletion that failed: it may or may not be there.
    Uncertain,
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// Unknown when the server accepted a different number of articles than
    /// were sent, so that ids cannot be paired with them.
    pub(super) origin: Option<Origin>,
    /// Revisions sent, acknowledged or not.
    pub(super) revisions: u32,
    pub(super) state: State,
}

/// One client's articles and what it expects of each.
#[derive(Debug, Default)]
pub struct Ledger {
    entries: HashMap<String, Entry>,
    /// The ids in state `Live`, to pick from.
    live: Vec<String>,
    /// Articles acknowledged as new.
    pub(super) posted: u64,
    /// Replacements acknowledged.
    pub(super) replaced: u64,
    /// Deletions acknowledged.
    pub(super) deleted: u64,
    /// Articles that went missing during the run: a 404 for a read or a
    /// deletion, or a replacement answered as a new article.
    pub(super) lost: u64,
    /// Reads during the run that showed an older title than the last
    /// acknowledged one.
    pub(super) stale: u64,
}

impl Ledger {
    pub(super) fn acknowledged(&mut self, id: String, origin: Option<Origin>) {
        self.posted += 1;
        self.live.retain(|live| *live != id);
        self.live.push(id.clone());
        self.entries.insert(
            id,
            Entry {
                origin,
                revisions: 0,
                state: State::Live { revision: Some(0) },
            },
        );
    }

    pub(super) fn live_count(&self) -> usize {
        self.live.len()
    }

    pub(super) fn pick(&self, rng: &mut ChaCha8Rng) -> Option<(String, Entry)> {
        if self.live.is_empty() {
            return None;
        }
        let id = &self.live[rng.random_range(0..self.live.len())];
        Some((id.clone(), self.entries[id].clone()))
    }

    /// A replacement was sent: `revision` when acknowledged, `None` when it
    /// failed and may or may not have landed.
    pub(super) fn replaced(&mut self, id: &str, sent: u32, revision: Option<u32>) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.revisions = sent;
            entry.state = State::Live { revision };
            if revision.is_some() {
                self.replaced += 1;
            }
        }
    }

    pub(super) fn deleted(&mut self, id: &str) {
        self.deleted += 1;
        self.settle(id, State::Deleted);
    }

    pub(super) fn lost(&mut self, id: &str) {
        self.lost += 1;
        self.settle(id, State::Lost);
    }

    pub(super) fn uncertain(&mut self, id: &str) {
        self.settle(id, State::Uncertain);
    }

    fn settle(&mut self, id: &str, state: State) {
        if let Some(entry) = self.entries.get_mut(id) {
            entry.state = state;
        }
        if let Some(at) = self.live.iter().position(|live| live == id) {
            self.live.swap_remove(at);
        }
    }

    pub(super) fn merge(&mut self, other: Ledger) {
        self.entries.extend(other.entries);
        self.live.extend(other.live);
        self.posted += other.posted;
        self.replaced += other.replaced;
        self.deleted += other.deleted;
        self.lost += other.lost;
        self.stale += other.stale;
    }

    pub(super) fn uncertain_count(&self) -> u64 {
        self.entries
            .values()
            .filter(|entry| {
                matches!(
                    entry.state,
                    State::Uncertain | State::Live { revision: None }
                )
            })
            .count() as u64
    }

    /// What the server must hold: the live articles, the deleted ones gone.
    /// Articles whose deletion failed, and those already counted lost, are
    /// left out.
    pub fn expectations(&self) -> Expectations {
        let mut expected = Expectations::default();
        for (id, entry) in &self.entries {
            match entry.state {
                State::Live { revision } => expected.present.push(Expected {
                    id: id.clone(),
                    revision,
                }),
                State::Deleted => expected.absent.push(id.clone()),
                State::Lost | State::Uncertain => {}
            }
        }
        expected.present.sort_by(|a, b| a.id.cmp(&b.id));
        expected.absent.sort();
        expected
    }
}

/// What the server must hold when the soak is over.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Expectations {
    /// Acknowledged and not deleted since.
    pub present: Vec<Expected>,
    /// Deleted by the soak, with a 204.
    pub absent: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    pub id: String,
    /// The revision its title must show, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision: Option<u32>,
}

/// Whether a title shows the revision the soak last gave it: none for the
/// first post, `[revision N]` at the end for the Nth replacement.
pub(super) fn shows_revision(title: &str, revision: u32) -> bool {
    match revision {
        0 => !title.contains("[revision "),
        n => title.ends_with(&format!("[revision {n}]")),
    }
}

/// The article at `origin`, as its `revision` is posted.
pub(super) fn article(
    articles: &[Map<String, Value>],
    origin: Origin,
    revision: u32,
) -> Map<String, Value> {
    let mut article = articles[origin.line].clone();
    if origin.pass > 0 {
        article.insert(
            "id".to_owned(),
            Value::String(format!("soak-{}-{}", origin.pass, origin.line)),
        );
    }
    if revision > 0 {
        let title = article
            .get("title")
            .and_then(Value::as_str)
            .unwrap_or("Untitled");
        let title = format!("{title} [revision {revision}]");
        article.insert("title".to_owned(), Value::String(title));
    }
    article
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_expects_acknowledged_articles_unless_deleted() {
        let mut ledger = Ledger::default();
        let origin = |line| Some(Origin { line, pass: 0 });
        for (id, line) in [("a", 0), ("b", 1), ("c", 2), ("d", 3), ("e", 4)] {
            ledger.acknowledged(id.to_owned(), origin(line));
        }
        ledger.deleted("a");
        ledger.replaced("b", 1, Some(1));
        // A replacement that failed: there, but with either title.
        ledger.replaced("c", 1, None);
        // A deletion that failed: either.
        ledger.uncertain("d");
        assert_eq!(ledger.live_count(), 3);

        let expected = ledger.expectations();
        assert_eq!(
            expected.present,
            vec![
                Expected {
                    id: "b".into(),
                    revision: Some(1)
                },
                Expected {
                    id: "c".into(),
                    revision: None
                },
                Expected {
                    id: "e".into(),
                    revision: Some(0)
                },
            ]
        );
        assert_eq!(expected.absent, vec!["a".to_owned()]);
        assert_eq!((ledger.posted, ledger.replaced, ledger.deleted), (5, 1, 1));
        assert_eq!(ledger.uncertain_count(), 2);
    }

    #[test]
    fn a_lost_article_is_counted_once_and_no_longer_expected() {
        let mut ledger = Ledger::default();
        ledger.acknowledged("a".to_owned(), None);
        ledger.lost("a");
        assert_eq!(ledger.lost, 1);
        assert_eq!(ledger.live_count(), 0);
        let expected = ledger.expectations();
        assert!(expected.present.is_empty() && expected.absent.is_empty());
    }

    #[test]
    fn ledgers_of_clients_merge() {
        let (mut one, mut two) = (Ledger::default(), Ledger::default());
        one.acknowledged("a".to_owned(), None);
        two.acknowledged("b".to_owned(), None);
        two.deleted("b");
        one.merge(two);
        assert_eq!(one.expectations().present.len(), 1);
        assert_eq!(one.expectations().absent, vec!["b".to_owned()]);
        assert_eq!((one.posted, one.deleted), (2, 1));
    }

    #[test]
    fn titles_show_their_revision() {
        assert!(shows_revision("Pier reopens", 0));
        assert!(!shows_revision("Pier reopens [revision 1]", 0));
        assert!(shows_revision("Pier reopens [revision 2]", 2));
        assert!(!shows_revision("Pier reopens [revision 1]", 2));
        assert!(!shows_revision("Pier reopens [revision 12]", 2));
    }

    #[test]
    fn later_passes_over_the_file_post_under_ids_of_their_own() {
        let articles: Vec<Map<String, Value>> =
            vec![serde_json::from_str(r#"{"title": "Pier reopens", "body": "x"}"#).unwrap()];
        let first = article(&articles, Origin { line: 0, pass: 0 }, 0);
        assert_eq!(first, articles[0]);
        let again = article(&articles, Origin { line: 0, pass: 2 }, 3);
        assert_eq!(again["id"], "soak-2-0");
        assert_eq!(again["title"], "Pier reopens [revision 3]");
    }
}
