//! Stories: which articles are copies of one another.
//!
//! A wire story is republished by many outlets with small edits: a word
//! changed here and there, the tail cut, a byline, a photo credit or a
//! "Read more" line added, another headline. Such copies share most of
//! their runs of words, and unrelated articles on the same subject share
//! almost none. So an article's [`Signature`] is a MinHash of the set of
//! its body's word shingles (runs of [`SHINGLE_WORDS`] words), small and of
//! fixed size, from which the Jaccard similarity of two sets can be
//! estimated. Its [`bands`](Signature::bands) are locality-sensitive keys:
//! two signatures that share one band are candidates, and the index looks
//! candidates up by band; [`Signature::copy_of`] then verifies each.
//!
//! Pure code: no I/O, no tantivy. [`perturb`](super::perturb) makes edited
//! copies of an article, the way outlets do, to test and measure all this.

/// Words per shingle. Three keeps a copy with a few per cent of its words
/// edited close to its original (an edit spoils the three shingles that
/// hold it), while runs of three words are specific enough that articles
/// on one subject rarely share many of them.
pub const SHINGLE_WORDS: usize = 3;
/// Min-hashes in a signature.
pub const HASHES: usize = 64;
/// Min-hashes per band. Two signatures become candidates when all the
/// min-hashes of one band agree: with rows of two and 32 bands, a pair
/// with a Jaccard similarity of 0.3 (a copy cut to half and edited) is a
/// candidate 95% of the time, 0.4 over 99.5%, and an unrelated pair (0.02)
/// about 1% of the time, and then fails verification.
pub const ROWS: usize = 2;
/// Bands in a signature.
pub const BANDS: usize = HASHES / ROWS;
/// Fewer distinct shingles than this (a body of about thirty words) and an
/// article gets no signature and joins no story: a few lines of text share
/// their runs of words with other short texts by accident ("the company
/// said in a statement"), and an estimate over so few is too coarse.
pub const MIN_SHINGLES: u32 = 30;
/// A candidate is a copy when the estimated Jaccard similarity of the two
/// shingle sets reaches this (a copy keeping half its original, edited,
/// with furniture added, is about 0.4)…
pub const MIN_JACCARD: f64 = 0.25;
/// …and the share of the smaller set found in the larger one reaches
/// this, so that a copy cut short still matches its whole original.
pub const MIN_CONTAINMENT: f64 = 0.6;

/// The MinHash signature of an article's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// How many distinct shingles the body has.
    shingles: u32,
    mins: [u32; HASHES],
}

/// How alike two signatures say their bodies are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// Estimated |A∩B| / |A∪B|.
    pub jaccard: f64,
    /// Estimated |A∩B| / min(|A|, |B|).
    pub containment: f64,
}

impl Signature {
    /// The signature of `body`, or `None` when it has fewer than
    /// [`MIN_SHINGLES`] distinct shingles.
    pub fn of(body: &str) -> Option<Signature> {
        let mut shingles = shingles(body);
        shingles.sort_unstable();
        shingles.dedup();
        let count = u32::try_from(shingles.len()).unwrap_or(u32::MAX);
        if count < MIN_SHINGLES {
            return None;
        }
        let mut mins = [u32::MAX; HASHES];
        for &shingle in &shingles {
            for (min, (a, b)) in mins.iter_mut().zip(PERMUTATIONS.iter()) {
                // Multiply-add on an already mixed value, top bits kept: a
                // cheap family of hash functions that is plenty for MinHash.
                let value = (a.wrapping_mul(shingle).wrapping_add(*b) >> 32) as u32;
                *min = (*min).min(value);
            }
        }
        Some(Signature {
            shingles: count,
            mins,
        })
    }

    /// How many distinct shingles the body has.
    pub fn shingles(&self) -> u32 {
        self.shingles
    }

    /// The locality-sensitive keys: one per band of [`ROWS`] min-hashes,
    /// different for each band position, so that only the same band of
    /// two signatures can match.
    pub fn bands(&self) -> [u64; BANDS] {
        let mut bands = [0u64; BANDS];
        for (band, rows) in self.mins.chunks_exact(ROWS).enumerate() {
            let mut key = (band as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            for &row in rows {
                key = mix(key.rotate_left(32) ^ u64::from(row));
            }
            bands[band] = key;
        }
        bands
    }

    /// How alike the two bodies are, estimated from their signatures.
    pub fn similarity(&self, other: &Signature) -> Similarity {
        let agree = self
            .mins
            .iter()
            .zip(other.mins.iter())
            .filter(|(a, b)| a == b)
            .count();
        let jaccard = agree as f64 / HASHES as f64;
        // |A∩B| = J (|A| + |B|) / (1 + J).
        let (a, b) = (f64::from(self.shingles), f64::from(other.shingles));
        let shared = jaccard * (a + b) / (1.0 + jaccard);
        Similarity {
            jaccard,
            containment: (shared / a.min(b)).min(1.0),
        }
    }

    /// Their similarity, if `self` is a copy of `other` (or `other` of
    /// `self`: the relation is symmetric).
    pub fn copy_of(&self, other: &Signature) -> Option<Similarity> {
        let similarity = self.similarity(other);
        (similarity.jaccard >= MIN_JACCARD && similarity.containment >= MIN_CONTAINMENT)
            .then_some(similarity)
    }

    /// The signature as numbers, the distinct shingles then each min-hash,
    /// each number with its position in its high half: they read back in
    /// whatever order they are kept.
    pub fn to_numbers(&self) -> impl Iterator<Item = u64> + '_ {
        std::iter::once(self.shingles)
            .chain(self.mins.iter().copied())
            .zip(0u64..)
            .map(|(value, position)| (position << 32) | u64::from(value))
    }

    /// Reads what [`to_numbers`](Signature::to_numbers) wrote, in any
    /// order; `None` unless every position is there once.
    pub fn from_numbers(numbers: impl IntoIterator<Item = u64>) -> Option<Signature> {
        let mut values = [None; HASHES + 1];
        for number in numbers {
            let slot = values.get_mut(usize::try_from(number >> 32).ok()?)?;
            if slot.replace(number as u32).is_some() {
                return None;
            }
        }
        let shingles = values[0]?;
        let mut mins = [0u32; HASHES];
        for (min, value) in mins.iter_mut().zip(&values[1..]) {
            *min = (*value)?;
        }
        Some(Signature { shingles, mins })
    }
}

/// The hashes of the body's shingles, repeats included. Words are runs of
/// letters and digits, lowercased; an apostrophe inside a word is dropped
/// ("don't" and "dont" are one word) and every other character separates
/// words, so punctuation, quotes and line breaks do not count.
fn shingles(body: &str) -> Vec<u64> {
    let mut words: Vec<u64> = Vec::new();
    let mut word = Fnv::new();
    let mut in_word = false;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_alphanumeric() {
            // Most text is ASCII: lower-cased without the Unicode tables.
            word.push(c.to_ascii_lowercase());
            in_word = true;
        } else if c.is_alphanumeric() {
            for lower in c.to_lowercase() {
                word.push(lower);
            }
            in_word = true;
        } else if in_word
            && matches!(c, '\'' | '’')
            && chars.peek().is_some_and(|n| n.is_alphanumeric())
        {
            continue;
        } else if in_word {
            words.push(word.finish());
            word = Fnv::new();
            in_word = false;
        }
    }
    if in_word {
        words.push(word.finish());
    }
    words
        .windows(SHINGLE_WORDS)
        .map(|run| mix(run.iter().fold(0u64, |hash, &w| hash.rotate_left(23) ^ w)))
        .collect()
}

/// FNV-1a over a word's characters: stable across Rust releases, since
/// signatures are kept in the index.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    fn push(&mut self, c: char) {
        let mut buffer = [0u8; 4];
        for &byte in c.encode_utf8(&mut buffer).as_bytes() {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        mix(self.0)
    }
}

/// The SplitMix64 finaliser: every bit of the input moves every bit of the
/// output.
pub(crate) const fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The (odd multiplier, addend) of each min-hash, fixed for good: the
/// signatures in an index depend on them.
const PERMUTATIONS: [(u64, u64); HASHES] = permutations();

const fn permutations() -> [(u64, u64); HASHES] {
    let mut out = [(0u64, 0u64); HASHES];
    let mut state: u64 = 0x0005_EED0_F570_71E5;
    let mut i = 0;
    while i < HASHES {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let a = mix(state) | 1;
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let b = mix(state);
        out[i] = (a, b);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_body_has_no_signature() {
        let short = "The council met on Tuesday and approved the budget for the coming \
                     year after a long debate about libraries.";
        assert_eq!(Signature::of(short), None);
        // Runs of 31 and 32 distinct words: 29 and 30 shingles.
        let words: Vec<String> = (0..32).map(|i| format!("word{i}")).collect();
        assert_eq!(Signature::of(&words[..31].join(" ")), None);
        assert_eq!(
            Signature::of(&words.join(" ")).map(|s| s.shingles()),
            Some(MIN_SHINGLES)
        );
    }
}
