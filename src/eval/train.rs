//! Training: a structured perceptron with weight averaging (Collins 2002)
//! over the features of `features.rs`, decoded with Viterbi.
//!
//! The gazetteer the features consult is learned from the training data
//! itself. So that the model does not learn to trust it blindly (in
//! training, every name is in a list made from training names), the lists
//! a sentence sees while training are built from the other folds of the
//! data only (jackknifing); the model keeps lists built from all of it.

// Scores are matrices indexed by label; loops over label numbers read
// as the arithmetic they do.
#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;

use super::conll::{self, Counts, Document};
use crate::text::ner::features::{self, Gazetteer, Word};
use crate::text::ner::model::{self, LABELS, Model, N, Weights};

/// How training runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Passes over the training data at most.
    pub epochs: usize,
    /// Features seen fewer times than this in training are dropped.
    pub min_count: usize,
    /// Folds for the jackknifed gazetteer.
    pub folds: usize,
    /// Seed of the shuffling between passes.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            epochs: 12,
            min_count: 2,
            folds: 5,
            seed: 2003,
        }
    }
}

/// One training sentence, ready: feature ids a token, gold labels.
struct Example {
    features: Vec<Vec<u32>>,
    labels: Vec<usize>,
}

/// What each pass scored on the development data.
#[derive(Debug, Clone)]
pub struct Epoch {
    pub epoch: usize,
    pub dev_per_f1: Option<f64>,
}

pub fn label_index(tag: &str) -> usize {
    LABELS.iter().position(|l| *l == tag).unwrap_or(0)
}

/// The gazetteer of some documents.
pub fn gazetteer<'a>(documents: impl Iterator<Item = &'a Document>) -> Gazetteer {
    let mut gazetteer = Gazetteer::default();
    for document in documents {
        for sentence in &document.sentences {
            gazetteer.common.extend(
                sentence
                    .words
                    .iter()
                    .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
                    .map(|w| Word::new(w).norm),
            );
            let tags = conll::to_iob2(&sentence.tags);
            let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
            for (start, end, kind) in conll::chunks(&tags) {
                let words: Vec<String> = sentence.words[start..end]
                    .iter()
                    .map(|w| Word::new(w).norm)
                    .collect();
                let slot = match kind.as_str() {
                    "PER" => 0,
                    "ORG" => 1,
                    "LOC" => 2,
                    _ => 3,
                };
                if slot == 0 && words.len() >= 2 {
                    gazetteer.per_first.insert(words[0].clone());
                    gazetteer.per_last.insert(words[words.len() - 1].clone());
                }
                gazetteer.kinds[slot].extend(words);
            }
        }
    }
    gazetteer
}

/// Trains a model on `train`, keeping the pass that scores best on `dev`
/// (or the last pass without one). `report` hears about each pass.
pub fn train(
    train: &[Document],
    dev: Option<&[Document]>,
    options: &Options,
    report: &mut dyn FnMut(&Epoch),
) -> Model {
    let folds = options.folds.max(2);
    let fold_gazetteers: Vec<Gazetteer> = (0..folds)
        .map(|k| {
            gazetteer(
                train
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % folds != k)
                    .map(|(_, d)| d),
            )
            .compile()
        })
        .collect();
    let full_gazetteer = gazetteer(train.iter()).compile();

    // Hash every token's features once, counting them.
    let mut hashed: Vec<(features::Features, Vec<usize>)> = Vec::new();
    let mut counts: HashMap<u64, usize> = HashMap::new();
    for (i, document) in train.iter().enumerate() {
        let gazetteer = &fold_gazetteers[i % folds];
        for sentence in &document.sentences {
            let words: Vec<Word> = sentence.words.iter().map(|w| Word::new(w)).collect();
            let features = features::sentence(&words, gazetteer);
            for i in 0..features.len() {
                for &f in features.token(i) {
                    *counts.entry(f).or_default() += 1;
                }
            }
            let labels = conll::to_iob2(&sentence.tags)
                .iter()
                .map(|t| label_index(t))
                .collect();
            hashed.push((features, labels));
        }
    }
    let mut ids: HashMap<u64, u32> = HashMap::new();
    let mut hashes: Vec<u64> = Vec::new();
    for (&hash, &count) in &counts {
        if count >= options.min_count {
            ids.insert(hash, hashes.len() as u32);
            hashes.push(hash);
        }
    }
    let examples: Vec<Example> = hashed
        .into_iter()
        .map(|(features, labels)| Example {
            features: (0..features.len())
                .map(|i| {
                    features
                        .token(i)
                        .iter()
                        .filter_map(|f| ids.get(f).copied())
                        .collect()
                })
                .collect(),
            labels,
        })
        .collect();

    let mut state = State::new(hashes.len());
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = options.seed | 1;
    let mut best: Option<(f64, Model)> = None;
    let mut last = None;
    for epoch in 1..=options.epochs {
        shuffle(&mut order, &mut rng);
        for &i in &order {
            state.learn(&examples[i]);
        }
        let model = state.averaged(&hashes, full_gazetteer.clone());
        let dev_per_f1 = dev.map(|dev| evaluate(&model, dev).score("PER").2);
        report(&Epoch { epoch, dev_per_f1 });
        match dev_per_f1 {
            Some(f1) if best.as_ref().is_none_or(|(b, _)| f1 > *b) => best = Some((f1, model)),
            Some(_) => {}
            None => last = Some(model),
        }
    }
    best.map(|(_, model)| model)
        .or(last)
        .unwrap_or_else(|| state.averaged(&hashes, full_gazetteer))
}

/// The entity counts of `model` on `documents`.
pub fn evaluate(model: &Model, documents: &[Document]) -> Counts {
    let mut counts = Counts::default();
    for document in documents {
        for sentence in &document.sentences {
            let predicted = crate::text::ner::tag_words(model, &sentence.words);
            let predicted: Vec<&str> = predicted.iter().map(|&l| LABELS[l]).collect();
            let gold: Vec<&str> = sentence.tags.iter().map(String::as_str).collect();
            counts.add(&gold, &predicted);
        }
    }
    counts
}

/// Perceptron weights with lazily kept running sums for averaging.
struct State {
    weights: Vec<[f32; N]>,
    sums: Vec<[f64; N]>,
    stamps: Vec<u64>,
    transitions: [[f32; N]; N],
    transition_sums: [[f64; N]; N],
    start: [f32; N],
    start_sums: [f64; N],
    /// Examples seen, the clock of the running sums.
    clock: u64,
}

impl State {
    fn new(features: usize) -> State {
        State {
            weights: vec![[0.0; N]; features],
            sums: vec![[0.0; N]; features],
            stamps: vec![0; features],
            transitions: [[0.0; N]; N],
            transition_sums: [[0.0; N]; N],
            start: [0.0; N],
            start_sums: [0.0; N],
            clock: 0,
        }
    }

    fn learn(&mut self, example: &Example) {
        self.clock += 1;
        let n = example.labels.len();
        if n == 0 {
            return;
        }
        let mut emissions = vec![[0f32; N]; n];
        for (scores, token) in emissions.iter_mut().zip(&example.features) {
            for &f in token {
                for (s, w) in scores.iter_mut().zip(&self.weights[f as usize]) {
                    *s += w;
                }
            }
        }
        let predicted = model::viterbi(&emissions, &self.transitions, &self.start);
        if predicted == example.labels {
            return;
        }
        for i in 0..n {
            let (gold, guess) = (example.labels[i], predicted[i]);
            if gold != guess {
                for &f in &example.features[i] {
                    self.touch(f as usize);
                    self.weights[f as usize][gold] += 1.0;
                    self.weights[f as usize][guess] -= 1.0;
                }
            }
        }
        // Transitions: the sums are brought up to date before each change.
        let clock = self.clock as f64;
        let bump_transition = |from: usize, to: usize, delta: f32, state: &mut State| {
            state.transition_sums[from][to] -= f64::from(delta) * clock;
            state.transitions[from][to] += delta;
        };
        if example.labels[0] != predicted[0] {
            self.start_sums[example.labels[0]] -= clock;
            self.start[example.labels[0]] += 1.0;
            self.start_sums[predicted[0]] += clock;
            self.start[predicted[0]] -= 1.0;
        }
        for i in 1..n {
            let gold = (example.labels[i - 1], example.labels[i]);
            let guess = (predicted[i - 1], predicted[i]);
            if gold != guess {
                bump_transition(gold.0, gold.1, 1.0, self);
                bump_transition(guess.0, guess.1, -1.0, self);
            }
        }
    }

    /// Brings the running sum of feature `f` up to now.
    fn touch(&mut self, f: usize) {
        let elapsed = (self.clock - self.stamps[f]) as f64;
        if elapsed > 0.0 {
            for (sum, w) in self.sums[f].iter_mut().zip(&self.weights[f]) {
                *sum += f64::from(*w) * elapsed;
            }
            self.stamps[f] = self.clock;
        }
    }

    /// The averaged weights as a model.
    fn averaged(&mut self, hashes: &[u64], gazetteer: Gazetteer) -> Model {
        let clock = self.clock.max(1) as f64;
        let mut weights = Weights::with_capacity(hashes.len());
        for (f, &hash) in hashes.iter().enumerate() {
            let elapsed = (self.clock - self.stamps[f]) as f64;
            let mut row = [0f32; N];
            let mut any = false;
            for label in 0..N {
                let total = self.sums[f][label] + f64::from(self.weights[f][label]) * elapsed;
                row[label] = (total / clock) as f32;
                any |= row[label].abs() > 1e-6;
            }
            if any {
                weights.insert(hash, row);
            }
        }
        // For transitions the sums hold -Σ delta·t; the average weight is
        // w - (Σ delta·t) / T over T steps.
        let mut transitions = [[0f32; N]; N];
        for from in 0..N {
            for to in 0..N {
                let w = f64::from(self.transitions[from][to]);
                transitions[from][to] = (w + self.transition_sums[from][to] / clock) as f32;
            }
        }
        let mut start = [0f32; N];
        for label in 0..N {
            start[label] = (f64::from(self.start[label]) + self.start_sums[label] / clock) as f32;
        }
        Model {
            weights,
            transitions,
            start,
            gazetteer,
        }
    }
}

/// Fisher–Yates with a xorshift generator, so training is reproducible.
fn shuffle(order: &mut [usize], state: &mut u64) {
    for i in (1..order.len()).rev() {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        let j = (*state % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
}
