//! The trained model: feature weights per label, label transitions, and
//! the gazetteer; Viterbi decoding; and the compact file format.
//!
//! File format (zstd-compressed): the magic `NDNER2`, then little-endian
//! fields: the weight scale (f32), the transition and start scores (f32),
//! the number of features, the feature hashes in ascending order as
//! varint deltas, their weights as i16 (one per label), and the seven
//! gazetteer word lists as length-prefixed UTF-8.

// Scores are matrices indexed by label; loops over label numbers read
// as the arithmetic they do.
#![allow(clippy::needless_range_loop)]

use compact_str::CompactString;
use std::collections::HashMap;

use super::features::{self, Context, FastHash, Features, Gazetteer, Word};

/// The labels, in IOB2: a name starts with `B-` and goes on with `I-`.
pub const LABELS: [&str; 9] = [
    "O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC",
];
pub const N: usize = LABELS.len();

const MAGIC: &[u8; 6] = b"NDNER2";

/// The entity type of a label (`PER` for `B-PER`), if any.
pub fn kind(label: usize) -> Option<&'static str> {
    LABELS[label].split_once('-').map(|(_, kind)| kind)
}

pub fn is_begin(label: usize) -> bool {
    LABELS[label].starts_with("B-")
}

/// Whether `to` may follow `from` (`None`: the start of a sentence): an
/// `I-` label only continues a name of its own type.
pub fn allowed(from: Option<usize>, to: usize) -> bool {
    match from {
        Some(from) => ALLOWED.0[from][to],
        None => ALLOWED.1[to],
    }
}

/// [`allowed`] worked out once: after each label, and at the start.
static ALLOWED: std::sync::LazyLock<([[bool; N]; N], [bool; N])> = std::sync::LazyLock::new(|| {
    let follows =
        |from: Option<usize>, to: usize| match (LABELS[to].strip_prefix("I-"), from.and_then(kind))
        {
            (Some(kind), Some(previous)) => kind == previous,
            (Some(_), None) => false,
            (None, _) => true,
        };
    let mut after = [[false; N]; N];
    let mut start = [false; N];
    for to in 0..N {
        start[to] = follows(None, to);
        for from in 0..N {
            after[from][to] = follows(Some(from), to);
        }
    }
    (after, start)
});

/// Weights looked up by feature hash: open addressing over a power-of-two
/// table, keyed by the hash itself. Keys and weights are kept apart, so
/// that the probes of the many features a model does not know touch only
/// the small key array.
#[derive(Debug, Clone, Default)]
pub struct Weights {
    keys: Vec<u64>,
    values: Vec<[f32; N]>,
    mask: usize,
    /// 64 minus the table's bits: the slot is the top bits of the key
    /// times a Fibonacci constant.
    shift: u32,
    len: usize,
}

impl Weights {
    pub fn with_capacity(n: usize) -> Weights {
        let slots = (n * 2).next_power_of_two().max(16);
        Weights {
            keys: vec![0; slots],
            values: vec![[0.0; N]; slots],
            mask: slots - 1,
            shift: 64 - slots.trailing_zeros(),
            len: 0,
        }
    }

    /// Keys are never 0, which marks an empty slot.
    fn key(hash: u64) -> u64 {
        hash.max(1)
    }

    #[inline]
    fn slot(&self, key: u64) -> usize {
        (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    pub fn insert(&mut self, hash: u64, weights: [f32; N]) {
        let key = Weights::key(hash);
        let mut slot = self.slot(key);
        loop {
            if self.keys[slot] == 0 {
                self.keys[slot] = key;
                self.values[slot] = weights;
                self.len += 1;
                return;
            }
            if self.keys[slot] == key {
                self.values[slot] = weights;
                return;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    #[inline]
    pub fn get(&self, hash: u64) -> Option<&[f32; N]> {
        let key = Weights::key(hash);
        let mut slot = self.slot(key);
        loop {
            let found = self.keys[slot];
            if found == key {
                return Some(&self.values[slot]);
            }
            if found == 0 {
                return None;
            }
            slot = (slot + 1) & self.mask;
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn iter(&self) -> impl Iterator<Item = (u64, &[f32; N])> {
        self.keys
            .iter()
            .zip(&self.values)
            .filter(|(k, _)| **k != 0)
            .map(|(k, v)| (*k, v))
    }
}

#[derive(Debug, Clone)]
pub struct Model {
    pub weights: Weights,
    /// Score of label `to` after label `from`: `transitions[from][to]`.
    pub transitions: [[f32; N]; N],
    /// Score of a sentence starting with each label.
    pub start: [f32; N],
    pub gazetteer: Gazetteer,
}

/// Why a model file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a newsdesk NER model (wrong magic or version)")]
    Magic,
    #[error("the model file is cut short or corrupt")]
    Truncated,
    #[error("the model file could not be decompressed: {0}")]
    Compression(#[from] std::io::Error),
}

impl Model {
    /// The best label sequence for a sentence's features.
    pub fn decode(&self, features: &Features) -> Vec<usize> {
        let n = features.len();
        if n == 0 {
            return Vec::new();
        }
        let emissions: Vec<[f32; N]> = (0..n).map(|i| self.score(features.token(i))).collect();
        viterbi(&emissions, &self.transitions, &self.start)
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        let max = self
            .weights
            .iter()
            .flat_map(|(_, w)| w.iter())
            .fold(0f32, |m, w| m.max(w.abs()));
        let scale = if max > 0.0 {
            max / f32::from(i16::MAX)
        } else {
            1.0
        };
        out.extend_from_slice(&scale.to_le_bytes());
        for row in &self.transitions {
            for value in row {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        for value in &self.start {
            out.extend_from_slice(&value.to_le_bytes());
        }
        let mut entries: Vec<(u64, &[f32; N])> = self.weights.iter().collect();
        entries.sort_by_key(|(k, _)| *k);
        put_varint(&mut out, entries.len() as u64);
        let mut previous = 0;
        for (key, _) in &entries {
            put_varint(&mut out, key - previous);
            previous = *key;
        }
        for (_, weights) in &entries {
            for weight in weights.iter() {
                let q = (weight / scale)
                    .round()
                    .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16;
                out.extend_from_slice(&q.to_le_bytes());
            }
        }
        let lists = [
            &self.gazetteer.per_first,
            &self.gazetteer.per_last,
            &self.gazetteer.kinds[0],
            &self.gazetteer.kinds[1],
            &self.gazetteer.kinds[2],
            &self.gazetteer.kinds[3],
            &self.gazetteer.common,
        ];
        for list in lists {
            let mut words: Vec<&String> = list.iter().collect();
            words.sort();
            put_varint(&mut out, words.len() as u64);
            for word in words {
                put_varint(&mut out, word.len() as u64);
                out.extend_from_slice(word.as_bytes());
            }
        }
        zstd::bulk::compress(&out, 19).unwrap_or(out)
    }

    pub fn from_bytes(compressed: &[u8]) -> Result<Model, ModelError> {
        let bytes = zstd::stream::decode_all(compressed)?;
        let mut r = Reader {
            bytes: &bytes,
            at: 0,
        };
        if r.take(MAGIC.len())? != MAGIC {
            return Err(ModelError::Magic);
        }
        let scale = r.f32()?;
        let mut transitions = [[0f32; N]; N];
        for row in &mut transitions {
            for value in row.iter_mut() {
                *value = r.f32()?;
            }
        }
        let mut start = [0f32; N];
        for value in &mut start {
            *value = r.f32()?;
        }
        let count = r.varint()? as usize;
        let mut keys = Vec::with_capacity(count);
        let mut key = 0u64;
        for _ in 0..count {
            key = key.wrapping_add(r.varint()?);
            keys.push(key);
        }
        let mut weights = Weights::with_capacity(count);
        for key in keys {
            let mut row = [0f32; N];
            for value in &mut row {
                *value = f32::from(r.i16()?) * scale;
            }
            weights.insert(key, row);
        }
        let mut gazetteer = Gazetteer::default();
        let read_list = |r: &mut Reader| -> Result<std::collections::HashSet<String>, ModelError> {
            let n = r.varint()? as usize;
            let mut set = std::collections::HashSet::with_capacity(n);
            for _ in 0..n {
                let len = r.varint()? as usize;
                let word = std::str::from_utf8(r.take(len)?).map_err(|_| ModelError::Truncated)?;
                set.insert(word.to_string());
            }
            Ok(set)
        };
        gazetteer.per_first = read_list(&mut r)?;
        gazetteer.per_last = read_list(&mut r)?;
        for kind in 0..4 {
            gazetteer.kinds[kind] = read_list(&mut r)?;
        }
        gazetteer.common = read_list(&mut r)?;
        Ok(Model {
            weights,
            transitions,
            start,
            gazetteer: gazetteer.compile(),
        })
    }
}

/// Tags sentences with a model, remembering what it has worked out about
/// each word it meets: its form and the summed weights of the features
/// that depend on the word alone. News repeats its words, so most tokens
/// then cost only the lookups of their context features.
pub struct Tagger<'m> {
    model: &'m Model,
    /// Words inline in the table (up to 24 bytes), so a lookup needs no
    /// second memory access to compare keys.
    index: HashMap<CompactString, u32, FastHash>,
    known: Vec<KnownWord>,
    scratch: Vec<u64>,
}

struct KnownWord {
    word: Word,
    mask: u8,
    scores: [f32; N],
}

/// Words a tagger remembers at most; past this it starts afresh.
const MAX_KNOWN_WORDS: usize = 200_000;

impl<'m> Tagger<'m> {
    pub fn new(model: &'m Model) -> Tagger<'m> {
        Tagger {
            model,
            index: HashMap::default(),
            known: Vec::new(),
            scratch: Vec::with_capacity(64),
        }
    }

    pub fn model(&self) -> &'m Model {
        self.model
    }

    fn word(&mut self, token: &str) -> u32 {
        if let Some(&i) = self.index.get(token) {
            return i;
        }
        let word = Word::new(token);
        let mask = self.model.gazetteer.mask_of(&word);
        self.scratch.clear();
        features::word_features(&word, mask, &mut self.scratch);
        let scores = self.model.score(&self.scratch);
        let i = self.known.len() as u32;
        self.known.push(KnownWord { word, mask, scores });
        self.index.insert(CompactString::from(token), i);
        i
    }

    /// The labels of a sentence's tokens.
    pub fn tag(&mut self, tokens: &[&str]) -> Vec<usize> {
        if tokens.is_empty() {
            return Vec::new();
        }
        if self.known.len() > MAX_KNOWN_WORDS {
            self.index.clear();
            self.known.clear();
        }
        let ids: Vec<u32> = tokens.iter().map(|t| self.word(t)).collect();
        let known = &self.known;
        let context = Context::with_masks(
            ids.iter().map(|&i| &known[i as usize].word).collect(),
            ids.iter().map(|&i| known[i as usize].mask).collect(),
        );
        let mut emissions = Vec::with_capacity(tokens.len());
        let scratch = &mut self.scratch;
        for (i, &id) in ids.iter().enumerate() {
            scratch.clear();
            context.features(i, scratch);
            let mut scores = self.model.score(scratch);
            for (score, own) in scores.iter_mut().zip(&known[id as usize].scores) {
                *score += own;
            }
            emissions.push(scores);
        }
        viterbi(&emissions, &self.model.transitions, &self.model.start)
    }
}

impl Model {
    /// The summed weights of `features`.
    #[inline]
    pub fn score(&self, features: &[u64]) -> [f32; N] {
        let mut scores = [0f32; N];
        for &feature in features {
            if let Some(weights) = self.weights.get(feature) {
                for (score, weight) in scores.iter_mut().zip(weights) {
                    *score += weight;
                }
            }
        }
        scores
    }
}

/// The highest-scoring label sequence allowed by [`allowed`].
pub fn viterbi(
    emissions: &[[f32; N]],
    transitions: &[[f32; N]; N],
    start: &[f32; N],
) -> Vec<usize> {
    let n = emissions.len();
    let (after, at_start) = &*ALLOWED;
    // Forbidden steps cost minus infinity, so the loops need no branches.
    let mut step = [[f32::NEG_INFINITY; N]; N];
    for from in 0..N {
        for to in 0..N {
            if after[from][to] {
                step[from][to] = transitions[from][to];
            }
        }
    }
    let mut score = [f32::NEG_INFINITY; N];
    for label in 0..N {
        if at_start[label] {
            score[label] = start[label] + emissions[0][label];
        }
    }
    let mut back = vec![[0u8; N]; n];
    for i in 1..n {
        // From each label to all labels at once: the inner loop runs over
        // `to`, which the compiler turns into vector instructions.
        let mut best = [f32::NEG_INFINITY; N];
        let mut from_best = [0u8; N];
        for from in 0..N {
            for to in 0..N {
                let candidate = score[from] + step[from][to];
                if candidate > best[to] {
                    best[to] = candidate;
                    from_best[to] = from as u8;
                }
            }
        }
        for to in 0..N {
            score[to] = best[to] + emissions[i][to];
        }
        back[i] = from_best;
    }
    let mut label = (0..N)
        .max_by(|&a, &b| score[a].total_cmp(&score[b]))
        .unwrap_or(0);
    let mut labels = vec![0; n];
    for i in (0..n).rev() {
        labels[i] = label;
        label = back[i][label] as usize;
    }
    labels
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    loop {
        let byte = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], ModelError> {
        let slice = self
            .bytes
            .get(self.at..self.at + n)
            .ok_or(ModelError::Truncated)?;
        self.at += n;
        Ok(slice)
    }

    fn f32(&mut self) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(
            self.take(4)?
                .try_into()
                .map_err(|_| ModelError::Truncated)?,
        ))
    }

    fn i16(&mut self) -> Result<i16, ModelError> {
        Ok(i16::from_le_bytes(
            self.take(2)?
                .try_into()
                .map_err(|_| ModelError::Truncated)?,
        ))
    }

    fn varint(&mut self) -> Result<u64, ModelError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take(1)?[0];
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(ModelError::Truncated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn viterbi_never_starts_a_name_with_i() {
        // Emissions favour I-PER everywhere; the only legal reading is B I.
        let emissions = vec![[0.0, 1.0, 5.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]; 2];
        let labels = viterbi(&emissions, &[[0.0; N]; N], &[0.0; N]);
        assert_eq!(labels, [1, 2]);
    }

    #[test]
    fn a_model_survives_its_file_format() {
        let mut weights = Weights::with_capacity(4);
        weights.insert(42, [1.0, -2.0, 0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 3.0]);
        weights.insert(7, [0.0; N]);
        let mut gazetteer = Gazetteer::default();
        gazetteer.per_first.insert("keir".into());
        let model = Model {
            weights,
            transitions: [[0.25; N]; N],
            start: [0.5; N],
            gazetteer,
        };
        let back = Model::from_bytes(&model.to_bytes()).unwrap();
        let row = back.weights.get(42).unwrap();
        assert!((row[1] + 2.0).abs() < 0.001 && (row[8] - 3.0).abs() < 0.001);
        assert_eq!(back.weights.len(), 2);
        assert_eq!(back.transitions[3][4], 0.25);
        assert!(back.gazetteer.per_first.contains("keir"));
        assert!(Model::from_bytes(b"nonsense").is_err());
    }
}
