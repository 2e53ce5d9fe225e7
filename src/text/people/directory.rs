//! People across an archive: which of the names articles give are one
//! person, and under which name they are shown and filtered.
//!
//! Each article already names each person once (see
//! `text::people::extract`). Across articles the same person still comes
//! in several spellings: Zelensky and Zelenskyy, Sergey and Sergei Lavrov,
//! a surname alone ("Starmer") where the article never gave the full name.
//! A [`Directory`] groups them:
//!
//! 1. Names with the same key (case, punctuation) are one.
//! 2. Names of several words that differ in one word by one letter (in
//!    words of five letters or more, not the first letter) are one: the
//!    spelling variants of transliteration and the typos of fast news.
//! 3. A one-word name joins the person whose surname (else first name) it
//!    is, when one person holds at least three quarters of the articles
//!    that use that surname; otherwise it is left alone rather than guessed.
//! 4. A person is shown under their most frequent full name.
//!
//! Names an article gives only as a bare word, with no title to vouch for
//! them ("Starmer", but also "Chelsea"), are *unconfirmed*: they join a
//! person by rule 3, and are otherwise not people at all. They join only a
//! person named in full in at least a quarter as many articles as the bare
//! word appears in: "Christmas" in thirty articles is not the "Father
//! Christmas" of one.
//!
//! An aliases file overrides all of this: it can join spellings the rules
//! miss and keep apart people the rules would join (see [`Aliases`]).
//! Pure code: the caller supplies the names and their article counts.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use crate::text::names::{name_key, same_word};

/// A user's corrections to the automatic grouping, from a TOML file:
///
/// ```toml
/// # Spellings of one person, shown under the key.
/// [same]
/// "Volodymyr Zelensky" = ["Zelenskiy", "Wolodymyr Selenskyj"]
///
/// # People the automatic grouping would join but who are not one.
/// [different]
/// pairs = [["Mark Kelly", "Mary Kelly"]]
/// ```
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aliases {
    #[serde(default)]
    pub same: HashMap<String, Vec<String>>,
    #[serde(default)]
    pub different: Different,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Different {
    #[serde(default)]
    pub pairs: Vec<(String, String)>,
}

impl Aliases {
    pub fn parse(text: &str) -> Result<Aliases, toml::de::Error> {
        toml::from_str(text)
    }
}

/// The people of an archive: every known spelling, by key, to its person.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    person_of: HashMap<String, usize>,
    /// Each person's name and the keys of all their spellings.
    people: Vec<(String, Vec<String>)>,
}

/// Share of a surname's articles one person must hold for the surname
/// alone to be taken as theirs.
const DOMINANCE: f64 = 0.75;

/// An unconfirmed bare word joins a person only if the person's full name
/// is in at least one in this many of the articles the word is in.
const BARE_RATIO: u64 = 4;

impl Directory {
    /// Groups `names` (each with the number of articles giving it), and
    /// attaches what it can of the `unconfirmed` bare words: the steps of
    /// the module's documentation, in order.
    pub fn build<'a>(
        names: impl IntoIterator<Item = (&'a str, u64)>,
        unconfirmed: impl IntoIterator<Item = (&'a str, u64)>,
        aliases: &Aliases,
    ) -> Directory {
        let spellings = Spellings::of(names, unconfirmed, aliases);
        let words: Vec<Vec<&str>> = spellings
            .keys
            .iter()
            .map(|key| key.split(' ').collect())
            .collect();
        let mut groups = Groups::new(&spellings, aliases);
        groups.join_one_letter_variants(&words);
        for (main, variants) in &spellings.aliases {
            for &variant in variants {
                groups.union(*main, variant);
            }
        }
        groups.join_bare_words(&spellings, &words);
        groups.into_directory(&spellings, &words)
    }

    /// The person a spelling belongs to, as an index into the directory.
    pub fn person(&self, name: &str) -> Option<usize> {
        self.person_of.get(&name_key(name)).copied()
    }

    /// The name a person is shown under.
    pub fn name(&self, person: usize) -> &str {
        &self.people[person].0
    }

    /// The name `name`'s person is shown under (`name` itself if unknown).
    pub fn canonical<'a>(&'a self, name: &'a str) -> &'a str {
        self.person(name).map_or(name, |p| self.name(p))
    }

    /// The keys of every spelling of `name`'s person (just `name`'s own key
    /// when the directory does not know it).
    pub fn spellings(&self, name: &str) -> Vec<String> {
        match self.person(name) {
            Some(person) => self.people[person].1.clone(),
            None => vec![name_key(name)],
        }
    }

    /// An article's people as the directory names them, each once: its
    /// confirmed names, then the unconfirmed ones the directory places.
    pub fn resolve(&self, people: &[String], unconfirmed: &[String]) -> Vec<String> {
        let mut seen = std::collections::HashSet::new();
        let confirmed = people.iter().map(|name| self.canonical(name).to_string());
        let placed = unconfirmed
            .iter()
            .filter_map(|name| self.person(name).map(|p| self.name(p).to_string()));
        confirmed
            .chain(placed)
            .filter(|name| seen.insert(name.clone()))
            .collect()
    }

    /// How many people the directory knows.
    pub fn len(&self) -> usize {
        self.people.len()
    }

    pub fn is_empty(&self) -> bool {
        self.people.is_empty()
    }
}

/// Step 1: every spelling, one entry a key, shown in its most frequent
/// spelling; the confirmed names first, then the unconfirmed bare words,
/// then the spellings an aliases file adds.
struct Spellings {
    keys: Vec<String>,
    index: HashMap<String, usize>,
    /// Articles giving each key as a confirmed name.
    counts: Vec<u64>,
    /// Each key's most frequent spelling, with its count.
    shown: Vec<(String, u64)>,
    /// The keys below this are confirmed names.
    confirmed: usize,
    /// Articles giving each key as an unconfirmed bare word.
    bare: HashMap<usize, u64>,
    /// Each alias's key, with its variants' keys.
    aliases: Vec<(usize, Vec<usize>)>,
    /// The keys the aliases name, which the rules leave alone.
    aliased: HashSet<usize>,
}

impl Spellings {
    fn of<'a>(
        names: impl IntoIterator<Item = (&'a str, u64)>,
        unconfirmed: impl IntoIterator<Item = (&'a str, u64)>,
        aliases: &Aliases,
    ) -> Spellings {
        let mut spellings = Spellings {
            keys: Vec::new(),
            index: HashMap::new(),
            counts: Vec::new(),
            shown: Vec::new(),
            confirmed: 0,
            bare: HashMap::new(),
            aliases: Vec::new(),
            aliased: HashSet::new(),
        };
        for (name, count) in names {
            spellings.add(name, count);
        }
        spellings.confirmed = spellings.keys.len();
        // Unconfirmed words count for nothing (no article confirms them);
        // a word some article does confirm is simply a name.
        for (name, count) in unconfirmed {
            if let Some(i) = spellings.add(name, 0) {
                *spellings.bare.entry(i).or_default() += count;
            }
        }
        let mut alias_ids = Vec::new();
        for (name, variants) in &aliases.same {
            let Some(main) = spellings.add(name, 0) else {
                continue;
            };
            let variants = variants
                .iter()
                .filter_map(|v| spellings.add(v, 0))
                .collect();
            alias_ids.push((main, variants));
        }
        spellings.aliased = alias_ids
            .iter()
            .flat_map(|(m, v): &(usize, Vec<usize>)| v.iter().copied().chain([*m]))
            .collect();
        spellings.aliases = alias_ids;
        spellings
    }

    /// Counts `count` articles for `name`'s key, adding the key when new;
    /// `None` for a name with no letters or digits.
    fn add(&mut self, name: &str, count: u64) -> Option<usize> {
        let key = name_key(name);
        if key.is_empty() {
            return None;
        }
        let i = match self.index.get(&key) {
            Some(&i) => i,
            None => {
                self.keys.push(key.clone());
                self.counts.push(0);
                self.shown.push((name.to_string(), 0));
                self.index.insert(key, self.keys.len() - 1);
                self.keys.len() - 1
            }
        };
        self.counts[i] += count;
        let shown = &mut self.shown[i];
        if count > shown.1 || (count == shown.1 && name < shown.0.as_str()) {
            *shown = (name.to_string(), count);
        }
        Some(i)
    }
}

/// Which spellings are one person so far: a union-find over the keys that
/// never joins a pair an aliases file keeps apart.
struct Groups<'a> {
    parent: Vec<usize>,
    index: &'a HashMap<String, usize>,
    /// The keys of the pairs that must stay apart.
    forbidden: Vec<(String, String)>,
}

impl<'a> Groups<'a> {
    fn new(spellings: &'a Spellings, aliases: &Aliases) -> Groups<'a> {
        Groups {
            parent: (0..spellings.keys.len()).collect(),
            index: &spellings.index,
            forbidden: aliases
                .different
                .pairs
                .iter()
                .map(|(a, b)| (name_key(a), name_key(b)))
                .collect(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Joins the groups of `a` and `b`, unless that would join a pair the
    /// aliases keep apart.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra == rb {
            return;
        }
        let forbidden = std::mem::take(&mut self.forbidden);
        let blocked = forbidden.iter().any(|(x, y)| {
            let (Some(&x), Some(&y)) = (self.index.get(x), self.index.get(y)) else {
                return false;
            };
            let (rx, ry) = (self.find(x), self.find(y));
            (rx == ra && ry == rb) || (rx == rb && ry == ra)
        });
        self.forbidden = forbidden;
        if !blocked {
            self.parent[rb] = ra;
        }
    }

    /// Step 2: full names one letter apart, found through buckets of names
    /// that agree on all words but one (and on that word's first letter).
    fn join_one_letter_variants(&mut self, words: &[Vec<&str>]) {
        let mut buckets: HashMap<(usize, String), Vec<usize>> = HashMap::new();
        for (i, name) in words.iter().enumerate() {
            if name.len() < 2 {
                continue;
            }
            for left_out in 0..name.len() {
                let mut signature: Vec<&str> = name.clone();
                let first = signature.remove(left_out).chars().next().unwrap_or(' ');
                buckets
                    .entry((left_out, format!("{}|{first}", signature.join(" "))))
                    .or_default()
                    .push(i);
            }
        }
        for ((left_out, _), members) in &buckets {
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    if words[a].len() == words[b].len()
                        && same_word(words[a][*left_out], words[b][*left_out])
                    {
                        self.union(a, b);
                    }
                }
            }
        }
    }

    /// Step 3: a surname (else a first name) alone joins the person who
    /// dominates it. Words are found again through their one-letter
    /// deletions, so that "Zelenskyy" finds "Zelensky".
    fn join_bare_words(&mut self, spellings: &Spellings, words: &[Vec<&str>]) {
        let mut total: HashMap<usize, u64> = HashMap::new();
        for (i, name) in words.iter().enumerate() {
            if name.len() >= 2 {
                let root = self.find(i);
                *total.entry(root).or_default() += spellings.counts[i];
            }
        }
        let mut by_last: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, name) in words.iter().enumerate() {
            if name.len() < 2 {
                continue;
            }
            for variant in deletions(name[name.len() - 1]) {
                by_last.entry(variant).or_default().push(i);
            }
            for variant in deletions(name[0]) {
                by_first.entry(variant).or_default().push(i);
            }
        }
        for (i, name) in words.iter().enumerate() {
            if name.len() != 1 || spellings.aliased.contains(&i) {
                continue;
            }
            let word = name[0];
            for (table, position) in [(&by_last, Position::Last), (&by_first, Position::First)] {
                let mut candidates: HashMap<usize, u64> = HashMap::new();
                for variant in deletions(word) {
                    for &j in table.get(&variant).into_iter().flatten() {
                        let part = match position {
                            Position::Last => words[j][words[j].len() - 1],
                            Position::First => words[j][0],
                        };
                        if same_word(part, word) {
                            let root = self.find(j);
                            candidates.insert(root, total.get(&root).copied().unwrap_or(0));
                        }
                    }
                }
                if candidates.is_empty() {
                    continue;
                }
                let sum: u64 = candidates.values().sum();
                let (&best, &count) = candidates
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .expect("candidates");
                // A bare word must not be far commoner than the name.
                let supported = i < spellings.confirmed
                    || count * BARE_RATIO >= spellings.bare.get(&i).copied().unwrap_or(0);
                if sum > 0 && count as f64 >= DOMINANCE * sum as f64 && supported {
                    self.union(best, i);
                }
                break;
            }
        }
    }

    /// Step 4: the directory, each person named by their alias, else their
    /// most frequent full name, else their most frequent spelling. A group
    /// of nothing but unconfirmed words is no one.
    fn into_directory(mut self, spellings: &Spellings, words: &[Vec<&str>]) -> Directory {
        let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
        for i in 0..words.len() {
            let root = self.find(i);
            groups.entry(root).or_default().push(i);
        }
        groups.retain(|_, members| {
            members
                .iter()
                .any(|&m| m < spellings.confirmed || spellings.aliased.contains(&m))
        });
        let alias_names: HashMap<usize, usize> = spellings
            .aliases
            .iter()
            .map(|(m, _)| (self.find(*m), *m))
            .collect();
        let mut directory = Directory::default();
        let mut roots: Vec<usize> = groups.keys().copied().collect();
        roots.sort();
        let (keys, counts, shown) = (&spellings.keys, &spellings.counts, &spellings.shown);
        for root in roots {
            let members = &groups[&root];
            let best = alias_names.get(&root).copied().unwrap_or_else(|| {
                *members
                    .iter()
                    .max_by(|&&a, &&b| {
                        (words[a].len() >= 2)
                            .cmp(&(words[b].len() >= 2))
                            .then(counts[a].cmp(&counts[b]))
                            .then(shown[b].0.cmp(&shown[a].0))
                    })
                    .expect("a group has members")
            });
            let person = directory.people.len();
            for &m in members {
                directory.person_of.insert(keys[m].clone(), person);
            }
            directory.people.push((
                shown[best].0.clone(),
                members.iter().map(|&m| keys[m].clone()).collect(),
            ));
        }
        directory
    }
}

/// A word and every way of dropping one of its letters: two words one edit
/// apart always share one of these.
fn deletions(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut out = vec![word.to_string()];
    for i in 0..chars.len() {
        out.push(chars[..i].iter().chain(&chars[i + 1..]).collect());
    }
    out
}

#[derive(Clone, Copy)]
enum Position {
    Last,
    First,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directory(names: &[(&str, u64)], aliases: &str) -> Directory {
        Directory::build(names.iter().copied(), [], &Aliases::parse(aliases).unwrap())
    }

    #[test]
    fn spelling_variants_become_one_person_under_the_commonest_name() {
        let d = directory(
            &[
                ("Volodymyr Zelensky", 5),
                ("Volodymyr Zelenskyy", 2),
                ("Zelenskyy", 3),
                ("Sergey Lavrov", 2),
                ("Sergei Lavrov", 1),
                ("Emmanunel Macron", 1),
                ("Emmanuel Macron", 4),
                ("Mark Kelly", 1),
                ("Mary Kelly", 1),
            ],
            "",
        );
        for variant in ["Volodymyr Zelenskyy", "Zelenskyy", "volodymyr zelensky"] {
            assert_eq!(d.canonical(variant), "Volodymyr Zelensky");
        }
        assert_eq!(d.canonical("Sergei Lavrov"), "Sergey Lavrov");
        assert_eq!(d.canonical("Emmanunel Macron"), "Emmanuel Macron");
        assert_ne!(d.person("Mark Kelly"), d.person("Mary Kelly"));
        let mut spellings = d.spellings("Zelenskyy");
        spellings.sort();
        assert_eq!(
            spellings,
            ["volodymyr zelensky", "volodymyr zelenskyy", "zelenskyy"]
        );
    }

    #[test]
    fn a_surname_alone_joins_only_a_person_who_dominates_it() {
        let d = directory(
            &[
                ("Keir Starmer", 9),
                ("Starmer", 2),
                ("Keir", 1),
                ("Donald Trump", 10),
                ("Melania Trump", 2),
                ("Trump", 5),
                ("Paul Smith", 1),
                ("Zadie Smith", 1),
                ("Smith", 3),
            ],
            "",
        );
        assert_eq!(d.canonical("Starmer"), "Keir Starmer");
        assert_eq!(d.canonical("Keir"), "Keir Starmer");
        assert_eq!(d.canonical("Trump"), "Donald Trump");
        assert_eq!(d.canonical("Smith"), "Smith");
    }

    #[test]
    fn unconfirmed_words_join_a_person_or_are_no_one() {
        let d = Directory::build(
            [
                ("Volodymyr Zelensky", 4),
                ("Keir Starmer", 3),
                ("Father Christmas", 1),
            ],
            [
                ("Zelenskyy", 1),
                ("Starmer", 2),
                ("Chelsea", 5),
                ("Christmas", 30),
            ],
            &Aliases::default(),
        );
        assert_eq!(d.canonical("Zelenskyy"), "Volodymyr Zelensky");
        assert_eq!(d.canonical("Starmer"), "Keir Starmer");
        assert_eq!(d.person("Chelsea"), None);
        assert_eq!(d.person("Christmas"), None);
        assert_eq!(d.len(), 3);
    }

    #[test]
    fn an_aliases_file_joins_and_separates() {
        let d = directory(
            &[
                ("Volodymyr Zelensky", 5),
                ("Wolodymyr Selenskyj", 1),
                ("Sergey Lavrov", 2),
                ("Sergei Lavrov", 1),
            ],
            "[same]\n\"Volodymyr Zelensky\" = [\"Wolodymyr Selenskyj\"]\n\
             [different]\npairs = [[\"Sergey Lavrov\", \"Sergei Lavrov\"]]\n",
        );
        assert_eq!(d.canonical("Wolodymyr Selenskyj"), "Volodymyr Zelensky");
        assert_ne!(d.person("Sergey Lavrov"), d.person("Sergei Lavrov"));
        assert!(Aliases::parse("[unknown]\nx = 1\n").is_err());
    }
}
