//! The corpus generator: N news articles of realistic length built from
//! real text, the same N articles for the same seed.
//!
//! The text comes from the BBC News and Reuters-21578 collections and the
//! seed articles under `../shared`, read and cleaned by newsdesk's own
//! ingest. Each generated article takes one real article (its headline and
//! its paragraphs) and continues with paragraphs of other articles of the
//! same collection and section until it is 3–5 KB long, as news articles
//! are. Vocabulary, sentence shape and how often each name is mentioned are
//! therefore real. Outlets follow a long-tailed distribution over thirty
//! real publications; dates spread evenly over 2019–2025.
//!
//! Article `i` depends only on the seed and `i`, so a corpus of 10,000 is
//! the first 10,000 articles of one of 1,000,000.
//!
//! With a share of copies (`--copies`, none by default), that share of
//! articles are syndicated copies of a recent earlier one, as wire stories
//! are republished: another outlet, the same day or up to two days later,
//! the tail trimmed or a line of credit added, a few words changed.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use newsdesk::ingest::source::{self, Input};
use newsdesk::ingest::{Defaults, prepare};

use crate::rows::Row;

/// The outlets articles are attributed to, with the web domain their urls
/// use. The first are the most frequent: outlet `k` (from 1) has weight
/// `1/k`, as a real archive has a few big sources and a long tail.
const OUTLETS: [(&str, &str); 30] = [
    ("Reuters", "reuters.com"),
    ("BBC News", "bbc.co.uk"),
    ("The Guardian", "theguardian.com"),
    ("Associated Press", "apnews.com"),
    ("The Independent", "independent.co.uk"),
    ("The Times", "thetimes.co.uk"),
    ("Financial Times", "ft.com"),
    ("The Telegraph", "telegraph.co.uk"),
    ("Bloomberg", "bloomberg.com"),
    ("Sky News", "news.sky.com"),
    ("The New York Times", "nytimes.com"),
    ("The Washington Post", "washingtonpost.com"),
    ("Mirror", "mirror.co.uk"),
    ("CNN", "cnn.com"),
    ("Al Jazeera", "aljazeera.com"),
    ("The Economist", "economist.com"),
    ("Politico", "politico.eu"),
    ("Deutsche Welle", "dw.com"),
    ("France 24", "france24.com"),
    ("The Irish Times", "irishtimes.com"),
    ("Evening Standard", "standard.co.uk"),
    ("Daily Mail", "dailymail.co.uk"),
    ("ITV News", "itv.com"),
    ("Channel 4 News", "channel4.com"),
    ("The Spectator", "spectator.co.uk"),
    ("UPI", "upi.com"),
    ("Yahoo News", "news.yahoo.com"),
    ("The Scotsman", "scotsman.com"),
    ("The Atlantic", "theatlantic.com"),
    ("NPR", "npr.org"),
];

/// Articles are published between these years, inclusive.
const FIRST_YEAR: i16 = 2019;
const LAST_YEAR: i16 = 2025;

/// How long a generated article's body is, in bytes.
const MIN_BYTES: usize = 3_000;
const MAX_BYTES: usize = 5_000;

/// One paragraph of real text and the people newsdesk finds in it.
struct Paragraph {
    text: String,
    people: Vec<String>,
}

/// One real article: its headline and paragraphs.
struct Source {
    title: String,
    paragraphs: Vec<usize>,
}

/// The real text the generator draws from, grouped into sections (a BBC
/// category, Reuters, the seed articles); continuations come from the same
/// section, so an article stays on one kind of subject.
pub struct Pool {
    paragraphs: Vec<Paragraph>,
    sources: Vec<Source>,
    /// Each section's range of `sources`, and the running total of the
    /// sections' text bytes: a section is drawn as often as its share of
    /// the text, so the BBC's longer articles weigh as much as their words.
    sections: Vec<(std::ops::Range<usize>, u64)>,
    cumulative_outlet_weight: Vec<f64>,
}

impl Pool {
    /// Reads the collections under `shared` (`datasets/bbc`,
    /// `datasets/reuters21578`, `seeds`).
    pub fn read(shared: &Path) -> anyhow::Result<Pool> {
        let datasets = shared.join("datasets");
        let mut sections: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        let bbc = datasets.join("bbc");
        for entry in std::fs::read_dir(&bbc).with_context(|| format!("{}", bbc.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                let name = format!("bbc/{}", path.file_name().unwrap_or_default().display());
                sections.entry(name).or_default().push(path);
            }
        }
        let reuters = datasets.join("reuters21578");
        for entry in
            std::fs::read_dir(&reuters).with_context(|| format!("{}", reuters.display()))?
        {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "sgm") {
                sections.entry("reuters".into()).or_default().push(path);
            }
        }
        // Five pages about one story: too few to be a section of their own,
        // so they join the BBC's politics.
        sections
            .entry("bbc/politics".into())
            .or_default()
            .push(shared.join("seeds"));

        let mut pool = Pool {
            paragraphs: Vec::new(),
            sources: Vec::new(),
            sections: Vec::new(),
            cumulative_outlet_weight: Vec::new(),
        };
        for (name, mut paths) in sections {
            paths.sort();
            let start = pool.sources.len();
            let found = source::discover(&paths);
            for input in &found.inputs {
                if matches!(input, Input::File { .. }) {
                    source::read(input, &mut |item| pool.add(item))
                        .map_err(|rejection| anyhow::anyhow!("{rejection}"))?;
                }
            }
            let end = pool.sources.len();
            if end == start {
                bail!("section {name}: no articles found in {paths:?}");
            }
            let bytes: u64 = pool.sources[start..end]
                .iter()
                .flat_map(|source| &source.paragraphs)
                .map(|&p| pool.paragraphs[p].text.len() as u64)
                .sum();
            let before = pool.sections.last().map_or(0, |(_, total)| *total);
            pool.sections.push((start..end, before + bytes));
        }
        let mut total = 0.0;
        for rank in 1..=OUTLETS.len() {
            total += 1.0 / rank as f64;
            pool.cumulative_outlet_weight.push(total);
        }
        Ok(pool)
    }

    /// Takes one parsed item: cleaned by newsdesk, split into paragraphs,
    /// each with its people. Items newsdesk rejects are passed over.
    fn add(&mut self, item: newsdesk::ingest::parse::Item) {
        let Ok((raw, _)) = item else { return };
        let Ok(prepared) = prepare(raw, &Defaults::default()) else {
            return;
        };
        let article = prepared.article;
        let Some(title) = article.title else { return };
        let mut paragraphs = Vec::new();
        for text in article.body.split("\n\n") {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let people = newsdesk::text::people::extract::people(std::iter::once(text)).people;
            paragraphs.push(self.paragraphs.len());
            self.paragraphs.push(Paragraph {
                text: text.to_string(),
                people,
            });
        }
        if !paragraphs.is_empty() {
            self.sources.push(Source { title, paragraphs });
        }
    }

    pub fn sources(&self) -> usize {
        self.sources.len()
    }

    /// Article `index` of the corpus of `seed`, with its people.
    pub fn article(&self, seed: u64, index: u64) -> Row {
        let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index);
        let total = self.sections.last().map_or(0, |(_, total)| *total);
        let draw = rng.random_range(0..total.max(1));
        let section = self
            .sections
            .iter()
            .find(|(_, cumulative)| draw < *cumulative)
            .map_or(0..self.sources.len(), |(range, _)| range.clone());
        let first = rng.random_range(section.clone());
        let target = rng.random_range(MIN_BYTES..=MAX_BYTES);

        let mut body = String::with_capacity(MAX_BYTES + 1024);
        let mut people: Vec<String> = Vec::new();
        let mut source = first;
        'fill: loop {
            for &paragraph in &self.sources[source].paragraphs {
                let paragraph = &self.paragraphs[paragraph];
                let long_enough = body.len() >= MIN_BYTES;
                if long_enough && body.len() + 2 + paragraph.text.len() > MAX_BYTES {
                    break 'fill;
                }
                if !body.is_empty() {
                    body.push_str("\n\n");
                }
                body.push_str(&paragraph.text);
                for person in &paragraph.people {
                    if !people.contains(person) {
                        people.push(person.clone());
                    }
                }
                if body.len() >= target {
                    break 'fill;
                }
            }
            source = rng.random_range(section.clone());
        }

        let title = self.sources[first].title.clone();
        let (outlet, domain) = OUTLETS[self.outlet(rng.random_range(0.0..1.0))];
        let year = rng.random_range(FIRST_YEAR..=LAST_YEAR);
        let month = rng.random_range(1..=12i8);
        let day = rng.random_range(
            1..=jiff::civil::Date::new(year, month, 1).map_or(28, |d| d.days_in_month()),
        );
        let (hour, minute, second) = (
            rng.random_range(0..24),
            rng.random_range(0..60),
            rng.random_range(0..60),
        );
        let slug: Vec<String> = title
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(8)
            .map(str::to_ascii_lowercase)
            .collect();
        Row {
            url: format!(
                "https://www.{domain}/news/{year}/{month:02}/{day:02}/{}-{index}",
                slug.join("-")
            ),
            title,
            outlet: outlet.to_string(),
            date: format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}Z"),
            people,
            body,
        }
    }

    /// Article `index` of the corpus of `seed` where a share `copies` of
    /// articles are syndicated copies of one of the 200 before them.
    pub fn article_or_copy(&self, seed: u64, index: u64, copies: f64) -> Row {
        let mut rng =
            ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) ^ index ^ (1 << 63));
        if index == 0 || copies <= 0.0 || rng.random_range(0.0..1.0) >= copies {
            return self.article(seed, index);
        }
        let original = index - 1 - rng.random_range(0..index.min(200));
        let mut row = self.article_or_copy(seed, original, copies);
        // Another outlet than the original's.
        let mut outlet = OUTLETS[self.outlet(rng.random_range(0.0..1.0))];
        if outlet.0 == row.outlet {
            outlet = OUTLETS
                [(OUTLETS.iter().position(|o| o.0 == row.outlet).unwrap_or(0) + 1) % OUTLETS.len()];
        }
        row.url = row
            .url
            .replacen(
                row.url.split('/').nth(2).unwrap_or_default(),
                &format!("www.{}", outlet.1),
                1,
            )
            .rsplit_once('-')
            .map_or_else(|| row.url.clone(), |(head, _)| format!("{head}-{index}"));
        let credit = format!("This story was first published by {}.", row.outlet);
        row.outlet = outlet.0.to_string();
        if let Ok(date) = row.date.parse::<jiff::Timestamp>() {
            let later = date
                .checked_add(jiff::SignedDuration::from_mins(
                    rng.random_range(5..2 * 24 * 60),
                ))
                .unwrap_or(date);
            row.date = later.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
        }
        let mut paragraphs: Vec<String> = row.body.split("\n\n").map(str::to_string).collect();
        // Trim the tail, as outlets cut wire copy to length.
        if paragraphs.len() > 3 && rng.random_range(0.0..1.0) < 0.5 {
            let keep = paragraphs.len() * rng.random_range(60..=90) / 100;
            paragraphs.truncate(keep.max(2));
        }
        // Change a few words: one in fifty.
        for paragraph in &mut paragraphs {
            let words: Vec<&str> = paragraph.split(' ').collect();
            let edited: Vec<&str> = words
                .iter()
                .map(|w| {
                    if rng.random_range(0..50) == 0 {
                        "also"
                    } else {
                        w
                    }
                })
                .collect();
            *paragraph = edited.join(" ");
        }
        if rng.random_range(0.0..1.0) < 0.5 {
            paragraphs.push(credit);
        }
        row.body = paragraphs.join("\n\n");
        row
    }

    /// The outlet a uniform draw in [0, 1) falls on.
    fn outlet(&self, draw: f64) -> usize {
        let total = self.cumulative_outlet_weight.last().copied().unwrap_or(1.0);
        let target = draw * total;
        self.cumulative_outlet_weight
            .iter()
            .position(|&cumulative| target < cumulative)
            .unwrap_or(OUTLETS.len() - 1)
    }
}

/// What was written.
#[derive(Debug, Clone, Copy)]
pub struct Written {
    pub articles: u64,
    /// Title and body bytes: what every engine indexes.
    pub text_bytes: u64,
}

/// Writes the first `articles` articles of the corpus of `seed` to
/// `corpus` (for `newsdesk ingest`: no people) and `rows` (with people, for
/// the peers), a share `copies` of them syndicated copies.
pub fn write(
    pool: &Pool,
    seed: u64,
    articles: u64,
    copies: f64,
    corpus: &Path,
    rows: &Path,
) -> anyhow::Result<Written> {
    let open = |path: &Path| -> anyhow::Result<BufWriter<File>> {
        Ok(BufWriter::with_capacity(
            1 << 20,
            File::create(path).with_context(|| format!("{}", path.display()))?,
        ))
    };
    let (mut corpus_out, mut rows_out) = (open(corpus)?, open(rows)?);
    let mut text_bytes = 0;
    for index in 0..articles {
        let mut row = pool.article_or_copy(seed, index, copies);
        text_bytes += row.text_bytes();
        serde_json::to_writer(&mut rows_out, &row)?;
        rows_out.write_all(b"\n")?;
        row.people.clear();
        serde_json::to_writer(&mut corpus_out, &row)?;
        corpus_out.write_all(b"\n")?;
    }
    corpus_out.flush()?;
    rows_out.flush()?;
    Ok(Written {
        articles,
        text_bytes,
    })
}
