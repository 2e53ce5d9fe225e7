//! The people an article names, each once, under one name.
//!
//! 1. Mentions: what the recogniser tags as a person, plus a run of
//!    capitalised words right after a form of address or an office ("Mr",
//!    "Vice President"), which names a person whoever wrote it.
//! 2. Each mention loses its titles ("Sir Keir Starmer" is Keir Starmer),
//!    its possessive and its punctuation. Places and institutions named in
//!    `people.toml` are not people. A one-word mention is dropped when the
//!    article also uses that word as an ordinary lowercase word, when it
//!    only ever opens a sentence before a comma ("Relatedly, …"), or when
//!    the recogniser tags it as a place or an organisation more often than
//!    as a person.
//! 3. Mentions are joined into people: a shorter mention joins a fuller
//!    one whose words it repeats in order ("Starmer", "Keir", "Mr Starmer"
//!    join "Keir Starmer"), allowing one wrong letter in a word of five or
//!    more ("Emmanunel", "Zelenskyy"); a person is named by their fullest
//!    form, the most frequent among equals.
//!
//! Pure code: the model is data compiled into the binary.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use serde::Deserialize;

use crate::text::names::same_word;
use crate::text::ner::features::FastHash;
use crate::text::ner::model::{LABELS, kind};
use crate::text::ner::{self, Tagged};

/// The lists of `people.toml`, compiled into the binary.
pub const PEOPLE: &str = include_str!("people.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Lists {
    titles: Vec<String>,
    before_names: Vec<String>,
    particles: Vec<String>,
    institution_words: Vec<String>,
    not_people: Vec<String>,
    places: Vec<String>,
}

/// The lists, as lowercase word sequences.
#[derive(Debug)]
pub struct Rules {
    /// Titles, longest first, so "Vice President" goes before "President".
    titles: Vec<Vec<String>>,
    before_names: Vec<Vec<String>>,
    /// The first words of titles and openers, for a quick first test.
    first_words: HashSet<String, FastHash>,
    particles: Vec<String>,
    institution_words: Vec<String>,
    /// Not people: the `not_people` and `places` lists.
    not_people: HashSet<String, FastHash>,
}

fn words_of(phrase: &str) -> Vec<String> {
    phrase
        .split_whitespace()
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect()
}

impl Rules {
    pub fn compile(text: &str) -> Result<Rules, toml::de::Error> {
        let lists: Lists = toml::from_str(text)?;
        let phrases = |list: &[String]| {
            let mut phrases: Vec<Vec<String>> = list.iter().map(|p| words_of(p)).collect();
            phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
            phrases
        };
        let first_words = lists
            .titles
            .iter()
            .chain(&lists.before_names)
            .filter_map(|p| words_of(p).into_iter().next())
            .collect();
        Ok(Rules {
            first_words,
            titles: phrases(&lists.titles),
            before_names: phrases(&lists.before_names),
            particles: lists.particles,
            institution_words: lists
                .institution_words
                .iter()
                .map(|w| w.to_lowercase())
                .collect(),
            not_people: lists
                .not_people
                .iter()
                .chain(&lists.places)
                .map(|p| words_of(p).join(" "))
                .collect(),
        })
    }

    pub fn builtin() -> &'static Rules {
        static RULES: LazyLock<Rules> = LazyLock::new(|| {
            Rules::compile(PEOPLE).unwrap_or_else(|err| panic!("people.toml: {err}"))
        });
        &RULES
    }

    /// Whether `word` could open a title or an opener.
    fn could_open(&self, word: &str) -> bool {
        let word = word.trim_end_matches('.');
        if word.bytes().all(|b| b.is_ascii_lowercase()) {
            self.first_words.contains(word)
        } else {
            word.starts_with(char::is_uppercase) && self.first_words.contains(&word.to_lowercase())
        }
    }

    /// How many leading words of `words` are a title ("Prime Minister",
    /// "Mr."), ignoring case; 0 when they do not open with one.
    pub fn title_len(&self, words: &[&str]) -> usize {
        self.prefix_len(&self.titles, words)
    }

    /// How many leading words of `words` are a phrase of `list` (the
    /// titles or the openers).
    fn prefix_len(&self, list: &[Vec<String>], words: &[&str]) -> usize {
        let Some(first) = words.first() else {
            return 0;
        };
        // Most words open no phrase: one look among the first words of all
        // of them, rather than a pass over the list.
        let first = first.trim_end_matches('.');
        let opens = if first.bytes().all(|b| !b.is_ascii_uppercase()) {
            self.first_words.contains(first)
        } else {
            self.first_words
                .contains(first.to_ascii_lowercase().as_str())
        };
        if !opens {
            return 0;
        }
        list.iter()
            .find(|phrase| {
                phrase.len() <= words.len()
                    && phrase
                        .iter()
                        .zip(words)
                        .all(|(p, w)| w.trim_end_matches('.').eq_ignore_ascii_case(p))
            })
            .map_or(0, Vec::len)
    }
}

thread_local! {
    /// Each ingest thread keeps one tagger, and with it what it has learned
    /// about the words it has met.
    static TAGGER: std::cell::RefCell<Option<ner::Tagger<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// The people `texts` (an article's title and paragraphs) name.
pub fn people<'a>(texts: impl Iterator<Item = &'a str>) -> Found {
    let rules = Rules::builtin();
    let model = ner::builtin();
    let texts: Vec<&str> = texts.collect();
    let tagged: Vec<Vec<Vec<Tagged>>> = TAGGER.with_borrow_mut(|tagger| {
        let tagger = tagger.get_or_insert_with(|| ner::Tagger::new(model));
        texts.iter().map(|t| ner::tag_text(tagger, t)).collect()
    });

    let mut mentions: Vec<Mention> = Vec::new();
    for sentence in tagged.iter().flatten() {
        for (words, titled) in mentions_in(sentence, rules) {
            let name = words.join(" ").to_lowercase();
            if !rules.not_people.contains(&name) {
                mentions.push((words, titled));
            }
        }
    }

    // One-word mentions need more evidence: how the article labels the
    // word wherever it appears, whether it also writes it in lowercase, and
    // whether it does more than open a sentence before a comma
    // ("Relatedly, …").
    #[derive(Default, Clone, Copy)]
    struct Evidence {
        person: usize,
        other: usize,
        lowercase: bool,
        not_adverbial: bool,
    }
    let mut evidence: HashMap<String, Evidence, FastHash> = mentions
        .iter()
        .filter(|(m, _)| m.len() == 1)
        .map(|(m, _)| (m[0].to_lowercase(), Evidence::default()))
        .collect();
    if !evidence.is_empty() {
        let mut lowercase = String::new();
        for sentence in tagged.iter().flatten() {
            for (i, token) in sentence.iter().enumerate() {
                lowercase.clear();
                if token.text.is_ascii() {
                    lowercase.push_str(token.text);
                    lowercase.make_ascii_lowercase();
                } else {
                    lowercase.extend(token.text.chars().flat_map(char::to_lowercase));
                }
                let Some(e) = evidence.get_mut(lowercase.as_str()) else {
                    continue;
                };
                match kind(token.label) {
                    Some("PER") => e.person += 1,
                    Some(_) => e.other += 1,
                    None => {}
                }
                e.lowercase |= token.text.starts_with(char::is_lowercase);
                let adverbial = i == 0 && sentence.get(1).is_some_and(|t| t.text == ",");
                e.not_adverbial |= !adverbial && token.text.starts_with(char::is_uppercase);
            }
        }
    }
    mentions.retain(|(words, _)| match words.as_slice() {
        [word] => {
            let e = evidence
                .get(&word.to_lowercase())
                .copied()
                .unwrap_or_default();
            e.person > e.other && !e.lowercase && e.not_adverbial
        }
        _ => true,
    });
    join(mentions)
}

/// A mention, cleaned, and whether a title or form of address vouches for
/// it being a person ("Mr Starmer", "President Putin").
type Mention = (Vec<String>, bool);

/// The mentions of one sentence.
fn mentions_in(sentence: &[Tagged], rules: &Rules) -> Vec<Mention> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < sentence.len() {
        if kind(sentence[i].label) == Some("PER") {
            let start = i;
            i += 1;
            while i < sentence.len() && LABELS[sentence[i].label] == "I-PER" {
                i += 1;
            }
            let words: Vec<&str> = sentence[start..i].iter().map(|t| t.text).collect();
            let after_title = (1..=3).any(|k| {
                start >= k && {
                    let before: Vec<&str> =
                        sentence[start - k..start].iter().map(|t| t.text).collect();
                    rules.prefix_len(&rules.before_names, &before) == k
                }
            });
            if let Some((name, titled)) = clean(&words, rules) {
                out.push((name, titled || after_title));
            }
            continue;
        }
        // A form of address or an office, then capitalised words: a person,
        // whatever the model made of them ("Vice President JD Vance", which
        // it takes for a company).
        let opener = if rules.could_open(sentence[i].text) {
            let rest: Vec<&str> = sentence[i..].iter().take(4).map(|t| t.text).collect();
            rules.prefix_len(&rules.before_names, &rest)
        } else {
            0
        };
        if opener > 0 {
            let start = i + opener;
            let mut end = start;
            while end < sentence.len() && end - start < 3 && is_name_word(sentence[end].text) {
                end += 1;
            }
            let words: Vec<&str> = sentence[start..end].iter().map(|t| t.text).collect();
            let institution = words
                .iter()
                .any(|w| rules.institution_words.contains(&w.to_lowercase()));
            if end > start && !institution {
                if let Some((name, _)) = clean(&words, rules) {
                    out.push((name, true));
                }
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// A word that can be part of a name: capitalised ("Vance") or a short run
/// of capitals ("JD").
fn is_name_word(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    first.is_uppercase()
        && word
            .chars()
            .all(|c| c.is_alphabetic() || "'’-.".contains(c))
}

/// A mention without titles, possessive and punctuation, and whether it
/// had a title; `None` when nothing name-like is left.
fn clean(words: &[&str], rules: &Rules) -> Option<(Vec<String>, bool)> {
    let mut words: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    let mut titled = false;
    loop {
        let title = rules.prefix_len(&rules.titles, &words);
        if title == 0 || title >= words.len() {
            break;
        }
        titled = true;
        words.drain(..title);
    }
    let words: Vec<String> = words
        .iter()
        .map(|w| {
            w.trim_end_matches("'s")
                .trim_end_matches("’s")
                .trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
                .to_string()
        })
        .filter(|w| !w.is_empty() && w.to_lowercase() != "s")
        .collect();
    let name_like = words
        .iter()
        .any(|w| w.chars().next().is_some_and(char::is_uppercase))
        && words.iter().all(|w| {
            !w.starts_with(char::is_lowercase) || rules.particles.contains(&w.to_lowercase())
        });
    let only_title = rules.prefix_len(
        &rules.titles,
        &words.iter().map(String::as_str).collect::<Vec<_>>(),
    ) >= words.len();
    (name_like && !only_title).then_some((words, titled))
}

/// Words longer than this are not names; they join a form only as
/// written, ignoring case.
const MAX_NAME_WORD_CHARS: usize = 48;

/// The keys under which [`same_word`] may find `word`: the word in lower
/// case and, in a word long enough for a one-letter slip, the word without
/// each of its letters but the first. Two words it takes for one share a
/// key: a wrong letter, both without it; a missing or extra one, the
/// longer without it.
fn word_keys(word: &str) -> Vec<String> {
    let letters: Vec<char> = word.to_lowercase().chars().collect();
    let mut keys = vec![letters.iter().collect::<String>()];
    if (5..=MAX_NAME_WORD_CHARS).contains(&letters.len()) {
        for skip in 1..letters.len() {
            keys.push(
                letters
                    .iter()
                    .enumerate()
                    .filter(|&(i, _)| i != skip)
                    .map(|(_, c)| c)
                    .collect(),
            );
        }
    }
    keys
}

/// Whether `part` is `whole`, or its words appear in `whole` in order and
/// next to each other.
fn is_part_of(part: &[String], whole: &[String]) -> bool {
    part.len() <= whole.len()
        && whole
            .windows(part.len())
            .any(|window| window.iter().zip(part).all(|(w, p)| same_word(w, p)))
}

/// The people an article names: those it names in full or with a title,
/// and those it names only by one bare word ("Starmer", "Chelsea"), which
/// may or may not be people. The archive's people directory decides about
/// the second kind: a bare surname of someone other articles name in full
/// is that person; any other bare word is not taken for a person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    pub people: Vec<String>,
    pub unconfirmed: Vec<String>,
}

/// Joins mentions into people, named by their fullest, most frequent form,
/// in the order they are first mentioned.
fn join(mentions: Vec<Mention>) -> Found {
    // Distinct forms with their counts, first position, and whether any
    // mention of the form had a title.
    let mut forms: Vec<(Vec<String>, usize, usize, bool)> = Vec::new();
    let mut form_of: HashMap<Vec<String>, usize> = HashMap::new();
    for (position, (mention, titled)) in mentions.into_iter().enumerate() {
        match form_of.get(&mention) {
            Some(&f) => {
                forms[f].1 += 1;
                forms[f].3 |= titled;
            }
            None => {
                form_of.insert(mention.clone(), forms.len());
                forms.push((mention, 1, position, titled));
            }
        }
    }
    // Fullest first, then most frequent: each form joins the first fuller
    // (or equal) form it is part of.
    let mut order: Vec<usize> = (0..forms.len()).collect();
    order.sort_by(|&a, &b| {
        forms[b]
            .0
            .len()
            .cmp(&forms[a].0.len())
            .then(forms[b].1.cmp(&forms[a].1))
            .then(forms[a].2.cmp(&forms[b].2))
    });
    let mut rank = vec![0; forms.len()];
    for (r, &f) in order.iter().enumerate() {
        rank[f] = r;
    }
    // A form is compared only with the forms that share a key with one of
    // its words: a page that names thousands of people would otherwise
    // compare every name with every other.
    let keys: Vec<Vec<Vec<String>>> = forms
        .iter()
        .map(|(form, ..)| form.iter().map(|word| word_keys(word)).collect())
        .collect();
    let mut having: HashMap<&str, Vec<usize>> = HashMap::new();
    for (g, words) in keys.iter().enumerate() {
        for key in words.iter().flatten() {
            let with_key = having.entry(key.as_str()).or_default();
            if with_key.last() != Some(&g) {
                with_key.push(g);
            }
        }
    }
    let with_key = |key: &String| having.get(key.as_str()).map_or(&[][..], Vec::as_slice);
    let mut person_of: Vec<usize> = vec![usize::MAX; forms.len()];
    // For each person: the form that names them, where they are first
    // mentioned, and whether a title vouches for them.
    let mut people: Vec<(usize, usize, bool)> = Vec::new();
    for &f in &order {
        // A fuller form holds every word of this one: look among those
        // with its rarest word.
        let rarest = keys[f]
            .iter()
            .min_by_key(|word| word.iter().map(|key| with_key(key).len()).sum::<usize>());
        let joined = rarest
            .into_iter()
            .flatten()
            .flat_map(with_key)
            .copied()
            .filter(|&g| rank[g] < rank[f] && is_part_of(&forms[f].0, &forms[g].0))
            .min_by_key(|&g| rank[g])
            .map(|g| person_of[g]);
        match joined {
            Some(person) => {
                person_of[f] = person;
                people[person].1 = people[person].1.min(forms[f].2);
                people[person].2 |= forms[f].3;
            }
            None => {
                person_of[f] = people.len();
                people.push((f, forms[f].2, forms[f].3));
            }
        }
    }
    people.sort_by_key(|&(_, first, _)| first);
    let mut found = Found::default();
    for (form, _, titled) in people {
        let name = forms[form].0.join(" ");
        if forms[form].0.len() >= 2 || titled {
            found.people.push(name);
        } else {
            found.unconfirmed.push(name);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        let found = people(text.split('\n'));
        found.people.into_iter().chain(found.unconfirmed).collect()
    }

    #[test]
    fn titles_possessives_and_short_forms_join_the_full_name() {
        let found = names(
            "Sir Keir Starmer met the press.\nKeir Starmer said it was good.\n\
             Sir Keir then left, and Mr Starmer's aides followed.\nStarmer did not comment.",
        );
        assert_eq!(found, ["Keir Starmer"]);
    }

    #[test]
    fn a_one_letter_slip_joins_the_name_it_spells() {
        let found = names(
            "French President Emmanuel Macron spoke first.\nLater Emmanunel Macron said more.\n\
             Mr Zelensky agreed. President Zelenskyy then left.\nVolodymyr Zelensky thanked him.",
        );
        assert_eq!(found, ["Emmanuel Macron", "Volodymyr Zelensky"]);
    }

    #[test]
    fn a_form_of_address_brings_in_names_the_model_misses() {
        let found = names("They will be joined by Mr Trump and Vice President JD Vance on Monday.");
        assert!(found.contains(&"JD Vance".to_string()), "{found:?}");
    }

    #[test]
    fn places_institutions_and_capitalised_words_are_not_people() {
        let found = names(
            "Naturally, the talks in Kyiv went on. Downing Street said the talks would resume.\n\
             The meeting between Moscow and Kyiv was, naturally, tense.\n\
             Relatedly, the envoy left without Kyiv's backing.",
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_bare_word_is_unconfirmed_unless_a_title_vouches_for_it() {
        let found = people(
            "Starmer could attend the talks, aides said.\nMr Trump said the summit was on. Sony shares rose."
                .split('\n'),
        );
        assert_eq!(found.people, ["Trump"]);
        assert!(
            found.unconfirmed.contains(&"Starmer".to_string()),
            "{found:?}"
        );
    }

    #[test]
    fn a_page_naming_thousands_of_people_is_joined_quickly() {
        // Made-up names of random letters, so that none is a slip of another.
        let mut seed = 7u64;
        let mut word = || -> String {
            (0..10)
                .map(|i| {
                    seed = seed
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    let letter = b'a' + (seed >> 33) as u8 % 26;
                    char::from(if i == 0 {
                        letter.to_ascii_uppercase()
                    } else {
                        letter
                    })
                })
                .collect()
        };
        let mut mentions: Vec<Mention> = Vec::new();
        for _ in 0..20_000 {
            let (first, last) = (word(), word());
            mentions.push((vec![first, last.clone()], false));
            mentions.push((vec![last], true));
        }
        let started = std::time::Instant::now();
        let found = join(mentions);
        // Comparing every form with every other took minutes.
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!((found.people.len(), found.unconfirmed.len()), (20_000, 0));
    }

    #[test]
    fn the_builtin_lists_compile() {
        Rules::compile(PEOPLE).unwrap();
    }
}
