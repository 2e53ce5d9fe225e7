//! How well copies are grouped into stories, measured on edited copies of
//! real articles: `newsdesk eval stories` and the tests use it.
//!
//! [`build`] makes the test set from base articles: each base with
//! `copies` edited copies ([`perturb`](crate::text::perturb)), drawn from a seed.
//! Bases that are already near-identical to an earlier base (a collection
//! may hold the same report twice) are left out and listed, as they would
//! otherwise count as errors of grouping. [`group`] sends the set through
//! the real ingest path into an index in memory and reads back each
//! article's story; [`score`] counts pairs.

use std::collections::{BTreeMap, HashMap};

use crate::article::ArticleId;
use crate::index::{self, NewsIndex, StoryId, WriterOptions};
use crate::ingest::{Batch, Defaults, Origin, RawArticle};
use crate::text::perturb::{Kind, Rng, Text, copy, draw_kinds};
use crate::text::stories::Signature;

/// An article to make copies of, with its topic: unrelated articles of one
/// topic are the pairs most at risk of being joined.
#[derive(Debug, Clone)]
pub struct Base {
    pub name: String,
    pub topic: String,
    pub text: Text,
}

/// An article of the test set: a base (no kinds) or a copy of one.
#[derive(Debug, Clone)]
pub struct Item {
    pub id: String,
    /// The base it is, or is a copy of.
    pub base: usize,
    pub kinds: Vec<Kind>,
    pub outlet: &'static str,
    pub text: Text,
}

#[derive(Debug, Clone)]
pub struct TestSet {
    pub bases: Vec<Base>,
    pub items: Vec<Item>,
    /// Bases left out as near-identical to an earlier one: (left out,
    /// kept), by name.
    pub duplicates: Vec<(String, String)>,
}

/// The outlets copies are credited to, so that grouping sees what it
/// would in a real archive.
const OUTLETS: &[&str] = &[
    "Harbour Gazette",
    "Valley Times",
    "The Northern Star",
    "City Ledger",
    "Coast Courier",
    "Evening Post",
];

/// The test set of `bases`, each with `copies` copies, drawn from `seed`.
pub fn build(bases: Vec<Base>, copies: usize, seed: u64) -> TestSet {
    let (bases, duplicates) = distinct(bases);
    let mut rng = Rng::new(seed);
    let mut items = Vec::new();
    for (b, base) in bases.iter().enumerate() {
        items.push(Item {
            id: format!("base-{b}"),
            base: b,
            kinds: Vec::new(),
            outlet: rng.pick(OUTLETS),
            text: base.text.clone(),
        });
        for c in 0..copies {
            let kinds = draw_kinds(&mut rng);
            items.push(Item {
                id: format!("base-{b}-copy-{c}"),
                base: b,
                text: copy(&mut rng, &base.text, &kinds),
                kinds,
                outlet: rng.pick(OUTLETS),
            });
        }
    }
    TestSet {
        bases,
        items,
        duplicates,
    }
}

/// The bases without those that are copies of an earlier one.
fn distinct(bases: Vec<Base>) -> (Vec<Base>, Vec<(String, String)>) {
    let mut kept: Vec<Base> = Vec::new();
    let mut signatures: Vec<Option<Signature>> = Vec::new();
    let mut by_band: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut duplicates = Vec::new();
    for base in bases {
        let signature = Signature::of(&base.text.body);
        let earlier = signature.as_ref().and_then(|signature| {
            let mut candidates: Vec<usize> = signature
                .bands()
                .iter()
                .flat_map(|band| by_band.get(band).into_iter().flatten().copied())
                .collect();
            candidates.sort_unstable();
            candidates.dedup();
            candidates.into_iter().find(|&k| {
                signatures[k]
                    .as_ref()
                    .is_some_and(|other| signature.copy_of(other).is_some())
            })
        });
        if let Some(k) = earlier {
            duplicates.push((base.name.clone(), kept[k].name.clone()));
            continue;
        }
        if let Some(signature) = &signature {
            for band in signature.bands() {
                by_band.entry(band).or_default().push(kept.len());
            }
        }
        signatures.push(signature);
        kept.push(base);
    }
    (kept, duplicates)
}

/// The story each item of `set` gets when ingested in order through the
/// real path (cleaning, extraction, signatures, the writer's grouping) into
/// an index in memory, committing every `commit_every` items.
pub fn group(set: &TestSet, commit_every: usize) -> Result<Vec<Option<StoryId>>, index::Error> {
    let index = NewsIndex::in_memory()?;
    let mut writer = index.writer(WriterOptions::default())?;
    let items: Vec<_> = set
        .items
        .iter()
        .map(|item| {
            let mut raw =
                RawArticle::from_body(Origin::file(item.id.clone()), item.text.body.clone());
            raw.id = ArticleId::parse(&item.id).ok();
            raw.title = Some(item.text.title.clone());
            raw.outlet = Some(item.outlet.to_string());
            Ok((raw, Vec::new()))
        })
        .collect();
    let mut batch = Batch::new(&mut writer, Defaults::default());
    for chunk in items.chunks(commit_every.max(1)) {
        batch.add_all(chunk.to_vec())?;
        batch.commit()?;
    }
    set.items
        .iter()
        .map(|item| match ArticleId::parse(&item.id) {
            Ok(id) => index.story(&id),
            Err(_) => Ok(None),
        })
        .collect()
}

/// Pairs put in one story and pairs that belong in one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pairs {
    /// Pairs in one story that are copies of one base.
    pub right: u64,
    /// Pairs in one story.
    pub joined: u64,
    /// Pairs that are copies of one base.
    pub expected: u64,
}

impl Pairs {
    pub fn precision(&self) -> f64 {
        ratio(self.right, self.joined)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.right, self.expected)
    }
}

fn ratio(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// The measures of one grouping.
#[derive(Debug, Clone, Default)]
pub struct Scores {
    pub pairs: Pairs,
    /// By kind of edit, the pairs of a base and a copy edited that way:
    /// (found in one story, all).
    pub by_kind: BTreeMap<Kind, (u64, u64)>,
    /// Pairs of unrelated articles of one topic: (put in one story, all).
    pub same_topic: (u64, u64),
    /// Items that found no story (rejected by ingest).
    pub missing: usize,
}

/// Counts the pairs of `stories` (one per item of `set`).
pub fn score(set: &TestSet, stories: &[Option<StoryId>]) -> Scores {
    let mut scores = Scores::default();
    let mut members: HashMap<StoryId, Vec<usize>> = HashMap::new();
    for (i, story) in stories.iter().enumerate() {
        match story {
            Some(story) => members.entry(*story).or_default().push(i),
            None => scores.missing += 1,
        }
    }
    for items in members.values() {
        for (n, &a) in items.iter().enumerate() {
            for &b in &items[n + 1..] {
                let (a, b) = (&set.items[a], &set.items[b]);
                scores.pairs.joined += 1;
                if a.base == b.base {
                    scores.pairs.right += 1;
                } else if set.bases[a.base].topic == set.bases[b.base].topic {
                    scores.same_topic.0 += 1;
                }
            }
        }
    }
    let mut per_base: HashMap<usize, u64> = HashMap::new();
    let mut per_topic: HashMap<&str, u64> = HashMap::new();
    for item in &set.items {
        *per_base.entry(item.base).or_default() += 1;
        *per_topic
            .entry(set.bases[item.base].topic.as_str())
            .or_default() += 1;
    }
    let pairs = |n: u64| n * n.saturating_sub(1) / 2;
    scores.pairs.expected = per_base.values().map(|&n| pairs(n)).sum();
    let within_topic: u64 = per_topic.values().map(|&n| pairs(n)).sum();
    scores.same_topic.1 = within_topic - scores.pairs.expected;

    let base_of: HashMap<usize, usize> = set
        .items
        .iter()
        .enumerate()
        .filter(|(_, item)| item.kinds.is_empty())
        .map(|(i, item)| (item.base, i))
        .collect();
    for (i, item) in set.items.iter().enumerate() {
        let Some(&original) = base_of.get(&item.base) else {
            continue;
        };
        let together = stories[i].is_some() && stories[i] == stories[original];
        for kind in &item.kinds {
            let entry = scores.by_kind.entry(*kind).or_default();
            entry.0 += u64::from(together);
            entry.1 += 1;
        }
    }
    scores
}

#[cfg(test)]
mod tests;
