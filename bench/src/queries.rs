//! The query set: fixed for a corpus and a seed, drawn from the corpus
//! itself so that every query has real words that occur together.
//!
//! In every 20 queries: 6 AND queries (3 of two words, 3 of three), 6 OR
//! queries, 3 phrases, 1 common word, 1 rare word, 2 queries with an
//! outlet, person or date filter (in turn), and 1 with a negation; that is
//! 30% AND, 30% OR, 15% phrases, 10% single words, 10% filtered and 5% with
//! a negation.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::bail;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::query::{Kind, Query};
use crate::rows::{self, Row};

/// How many articles the word statistics are taken from: the first ones of
/// the corpus, which are a uniform sample of it.
const SAMPLE: usize = 20_000;

/// Words no engine should be asked to find: PostgreSQL's English stop words
/// (the Snowball list), which its parser drops while the others keep them.
const STOP_WORDS: &str = "i me my myself we our ours ourselves you your yours yourself \
    yourselves he him his himself she her hers herself it its itself they them their theirs \
    themselves what which who whom this that these those am is are was were be been being \
    have has had having do does did doing a an the and but if or because as until while of \
    at by for with about against between into through during before after above below to \
    from up down in out on off over under again further then once here there when where why \
    how all any both each few more most other some such no nor not only own same so than too \
    very s t can will just don should now said says also would could mr mrs";

/// The order of kinds in each run of 20 queries; the filter slots take
/// outlet, person and dates in turn.
const PATTERN: [Kind; 20] = [
    Kind::And,
    Kind::Or,
    Kind::Phrase,
    Kind::And,
    Kind::Or,
    Kind::Common,
    Kind::And,
    Kind::Outlet,
    Kind::Or,
    Kind::Phrase,
    Kind::And,
    Kind::Not,
    Kind::Or,
    Kind::Rare,
    Kind::And,
    Kind::Or,
    Kind::Phrase,
    Kind::Outlet,
    Kind::And,
    Kind::Or,
];

/// Draws `count` queries from the corpus in `rows`.
pub fn generate(rows: &Path, count: usize, seed: u64) -> anyhow::Result<Vec<Query>> {
    let mut sample: Vec<Row> = Vec::new();
    rows::for_each(rows, |_, row| {
        if sample.len() < SAMPLE {
            sample.push(row);
        }
        Ok(())
    })?;
    if sample.is_empty() {
        bail!("{}: no articles to draw queries from", rows.display());
    }
    let stop: HashSet<&str> = STOP_WORDS.split_whitespace().collect();
    let words = Words::count(&sample, &stop);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5151_5151);
    let mut draw = Draw {
        sample: &sample,
        stop: &stop,
        words: &words,
        rng: &mut rng,
    };
    let mut queries = Vec::with_capacity(count);
    let mut filters = [Kind::Outlet, Kind::Person, Kind::Dates]
        .into_iter()
        .cycle();
    let mut ands = [2, 3].into_iter().cycle();
    for slot in 0..count {
        let kind = match PATTERN[slot % PATTERN.len()] {
            Kind::Outlet => filters.next().unwrap_or(Kind::Outlet),
            kind => kind,
        };
        let query = match kind {
            Kind::And => draw.and(ands.next().unwrap_or(2)),
            Kind::Or => draw.or(),
            Kind::Phrase => draw.phrase(),
            Kind::Common => draw.common(),
            Kind::Rare => draw.rare(),
            Kind::Outlet | Kind::Person | Kind::Dates => draw.filtered(kind),
            Kind::Not => draw.not(),
        };
        queries.push(query);
    }
    Ok(queries)
}

/// Word statistics of the sample.
struct Words {
    /// The most widespread words, most widespread first.
    common: Vec<String>,
    /// Words in one or two articles of the sample.
    rare: Vec<String>,
    document_frequency: HashMap<String, usize>,
}

impl Words {
    fn count(sample: &[Row], stop: &HashSet<&str>) -> Words {
        let mut document_frequency: HashMap<String, usize> = HashMap::new();
        for row in sample {
            let mut seen: HashSet<String> = HashSet::new();
            for word in plain_words(&row.title).chain(plain_words(&row.body)) {
                let word = word.to_ascii_lowercase();
                if eligible(&word, stop) && !seen.contains(&word) {
                    seen.insert(word.clone());
                    *document_frequency.entry(word).or_default() += 1;
                }
            }
        }
        let mut by_frequency: Vec<(&String, &usize)> = document_frequency.iter().collect();
        by_frequency.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let common = by_frequency
            .iter()
            .take(200)
            .map(|(word, _)| (*word).clone())
            .collect();
        let mut rare: Vec<String> = by_frequency
            .iter()
            .filter(|(word, count)| **count <= 2 && word.len() >= 6)
            .map(|(word, _)| (*word).clone())
            .collect();
        rare.sort();
        Words {
            common,
            rare,
            document_frequency,
        }
    }
}

/// Whitespace-separated tokens that are letters only.
fn plain_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
}

fn eligible(word: &str, stop: &HashSet<&str>) -> bool {
    word.len() >= 3 && !stop.contains(word)
}

struct Draw<'a> {
    sample: &'a [Row],
    stop: &'a HashSet<&'a str>,
    words: &'a Words,
    rng: &'a mut ChaCha8Rng,
}

impl<'a> Draw<'a> {
    fn row(&mut self) -> &'a Row {
        let sample = self.sample;
        &sample[self.rng.random_range(0..sample.len())]
    }

    /// A random sentence of a random article, as its eligible words, with
    /// the article's position in the sample.
    fn sentence_words(&mut self) -> (usize, Vec<String>) {
        loop {
            let at = self.rng.random_range(0..self.sample.len());
            let row = &self.sample[at];
            let sentences: Vec<&str> = row
                .body
                .split(['.', '?', '!', '\n'])
                .filter(|s| s.len() > 40)
                .collect();
            if sentences.is_empty() {
                continue;
            }
            let sentence = sentences[self.rng.random_range(0..sentences.len())];
            let mut words: Vec<String> = Vec::new();
            for word in plain_words(sentence) {
                let word = word.to_ascii_lowercase();
                if eligible(&word, self.stop) && !words.contains(&word) {
                    words.push(word);
                }
            }
            if words.len() >= 3 {
                return (at, words);
            }
        }
    }

    /// `n` distinct words of one sentence, with the position of its article.
    fn words_together(&mut self, n: usize) -> (usize, Vec<String>) {
        let (row, mut words) = self.sentence_words();
        let mut chosen = Vec::with_capacity(n);
        while chosen.len() < n {
            let at = self.rng.random_range(0..words.len());
            chosen.push(words.swap_remove(at));
        }
        (row, chosen)
    }

    fn query(kind: Kind, words: Vec<String>) -> Query {
        Query {
            kind,
            words,
            exclude: None,
            outlet: None,
            person: None,
            from: None,
            to: None,
        }
    }

    fn and(&mut self, n: usize) -> Query {
        Draw::query(Kind::And, self.words_together(n).1)
    }

    /// Two or three words from different articles.
    fn or(&mut self) -> Query {
        let n = self.rng.random_range(2..=3);
        let mut words: Vec<String> = Vec::with_capacity(n);
        while words.len() < n {
            let word = self.words_together(1).1.remove(0);
            if !words.contains(&word) {
                words.push(word);
            }
        }
        Draw::query(Kind::Or, words)
    }

    /// Two or three words that follow each other in an article, with no
    /// punctuation between them.
    fn phrase(&mut self) -> Query {
        loop {
            let n = self.rng.random_range(2..=3);
            let row = self.row();
            let tokens: Vec<&str> = row.body.split_whitespace().collect();
            let runs: Vec<usize> = (0..tokens.len().saturating_sub(n - 1))
                .filter(|&start| {
                    tokens[start..start + n].iter().all(|t| {
                        t.chars().all(|c| c.is_ascii_alphabetic())
                            && eligible(&t.to_ascii_lowercase(), self.stop)
                    })
                })
                .collect();
            if runs.is_empty() {
                continue;
            }
            let start = runs[self.rng.random_range(0..runs.len())];
            let words = tokens[start..start + n]
                .iter()
                .map(|t| t.to_ascii_lowercase())
                .collect();
            return Draw::query(Kind::Phrase, words);
        }
    }

    fn common(&mut self) -> Query {
        let word = self.words.common[self.rng.random_range(0..self.words.common.len())].clone();
        Draw::query(Kind::Common, vec![word])
    }

    fn rare(&mut self) -> Query {
        let word = if self.words.rare.is_empty() {
            // A tiny corpus: its least widespread word.
            self.words
                .document_frequency
                .iter()
                .min_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)))
                .map(|(word, _)| word.clone())
                .unwrap_or_default()
        } else {
            self.words.rare[self.rng.random_range(0..self.words.rare.len())].clone()
        };
        Draw::query(Kind::Rare, vec![word])
    }

    /// One or two words of an article, and its outlet, one of its people, or
    /// a period around its date (a quarter or a year).
    fn filtered(&mut self, kind: Kind) -> Query {
        loop {
            let row = self.row().clone();
            if kind == Kind::Person && row.people.is_empty() {
                continue;
            }
            let n = self.rng.random_range(1..=2);
            let mut candidates: Vec<String> = Vec::new();
            for word in plain_words(&row.body) {
                let word = word.to_ascii_lowercase();
                if eligible(&word, self.stop) && !candidates.contains(&word) {
                    candidates.push(word);
                }
            }
            if candidates.len() < n {
                continue;
            }
            let mut words = Vec::with_capacity(n);
            while words.len() < n {
                let at = self.rng.random_range(0..candidates.len());
                words.push(candidates.swap_remove(at));
            }
            let mut query = Draw::query(kind, words);
            match kind {
                Kind::Outlet => query.outlet = Some(row.outlet.clone()),
                Kind::Person => {
                    let at = self.rng.random_range(0..row.people.len());
                    query.person = Some(row.people[at].clone());
                }
                _ => {
                    let year = &row.date[..4];
                    if self.rng.random_bool(0.5) {
                        query.from = Some(format!("{year}-01-01"));
                        query.to = Some(format!("{year}-12-31"));
                    } else {
                        let month: i8 = row.date[5..7].parse().unwrap_or(1);
                        let first = (month - 1) / 3 * 3 + 1;
                        let end =
                            jiff::civil::Date::new(year.parse().unwrap_or(2020), first + 2, 1)
                                .map(|d| d.last_of_month().to_string())
                                .unwrap_or_else(|_| format!("{year}-12-31"));
                        query.from = Some(format!("{year}-{first:02}-01"));
                        query.to = Some(end);
                    }
                }
            }
            return query;
        }
    }

    /// Two words of a sentence, without a widespread word that the
    /// sentence's article lacks.
    fn not(&mut self) -> Query {
        loop {
            let (row, words) = self.words_together(2);
            let row = &self.sample[row];
            let present: HashSet<String> = plain_words(&row.title)
                .chain(plain_words(&row.body))
                .map(str::to_ascii_lowercase)
                .collect();
            let absent: Vec<&String> = self
                .words
                .common
                .iter()
                .filter(|w| !present.contains(*w))
                .collect();
            if absent.is_empty() {
                continue;
            }
            let mut query = Draw::query(Kind::Not, words);
            query.exclude = Some(absent[self.rng.random_range(0..absent.len())].clone());
            return query;
        }
    }
}
