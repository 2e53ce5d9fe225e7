//! Copy detection on realistic copies: the bundled sample as ingest
//! cleans it, edited as outlets edit, and the evaluation's own test set.

use serde_json::Value;

use super::Base;
use crate::ingest::{Defaults, prepare};
use crate::text::perturb::{Kind, Rng, Text, copy};
use crate::text::stories::Signature;

/// The repository's test articles, one JSON object a line.
const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/articles.ndjson"
);

/// The bundled sample's articles as cleaned, title and body: five reports
/// of one week's diplomacy over Ukraine, so unrelated articles that share
/// their subject, names and phrases.
fn sample() -> Vec<Text> {
    crate::ingest::source::sample()
        .map(|item| {
            let (raw, _) = item.unwrap();
            let article = prepare(raw, &Defaults::default()).unwrap().article;
            Text {
                title: article.title.unwrap_or_default(),
                body: article.body,
            }
        })
        .collect()
}

fn signature(text: &Text) -> Signature {
    Signature::of(&text.body).expect("long enough")
}

#[test]
fn an_edited_copy_is_found_in_every_kind_and_combination() {
    let sample = sample();
    let mut rng = Rng::new(11);
    for original in &sample {
        let base = signature(original);
        for kinds in [
            vec![Kind::Edits],
            vec![Kind::Trim],
            vec![Kind::Furniture],
            vec![Kind::Reorder],
            vec![Kind::Edits, Kind::Trim, Kind::Furniture],
        ] {
            for _ in 0..5 {
                let edited = copy(&mut rng, original, &kinds);
                let similarity = signature(&edited).copy_of(&base);
                assert!(
                    similarity.is_some(),
                    "{kinds:?} of {:?}: {:?}",
                    original.title,
                    signature(&edited).similarity(&base)
                );
                let bands = signature(&edited).bands();
                assert!(
                    bands.iter().any(|band| base.bands().contains(band)),
                    "a copy shares a band with its original"
                );
            }
        }
    }
}

#[test]
fn articles_on_one_subject_are_not_copies_of_each_other() {
    let signatures: Vec<Signature> = sample().iter().map(signature).collect();
    for (i, a) in signatures.iter().enumerate() {
        for b in &signatures[i + 1..] {
            let similarity = a.similarity(b);
            assert!(a.copy_of(b).is_none(), "{similarity:?}");
            assert!(similarity.jaccard < 0.1, "{similarity:?}");
        }
    }
}

#[test]
fn a_copy_cut_to_half_is_contained_in_its_original() {
    let original = &sample()[0];
    let words: Vec<&str> = original.body.split_whitespace().collect();
    let half = words[..words.len() / 2].join(" ");
    let (half, whole) = (Signature::of(&half).unwrap(), signature(original));
    let similarity = half.copy_of(&whole).expect("a copy");
    assert!(similarity.containment > 0.85, "{similarity:?}");
    assert!(similarity.jaccard < 0.65, "{similarity:?}");
}

#[test]
fn case_punctuation_and_line_breaks_do_not_count() {
    let original = &sample()[1].body;
    let shouted = original
        .to_uppercase()
        .replace(['.', ','], " ; ")
        .replace("\n\n", "\n");
    assert_eq!(
        Signature::of(original).unwrap(),
        Signature::of(&shouted).unwrap()
    );
}

#[test]
fn a_signature_reads_back_from_its_numbers_in_any_order() {
    let signature = signature(&sample()[2]);
    let mut numbers: Vec<u64> = signature.to_numbers().collect();
    assert_eq!(
        Signature::from_numbers(numbers.clone()),
        Some(signature.clone())
    );
    numbers.reverse();
    assert_eq!(Signature::from_numbers(numbers.clone()), Some(signature));
    assert_eq!(Signature::from_numbers(numbers[1..].to_vec()), None);
    let repeated = [numbers.clone(), vec![numbers[0]]].concat();
    assert_eq!(Signature::from_numbers(repeated), None);
}

/// The sample's articles and the fixtures' longer ones, as cleaned, with
/// their topic: the sample's five are one week's news of one subject.
fn bases() -> Vec<Base> {
    let fixtures = std::fs::read_to_string(FIXTURES).unwrap();
    let mut bases = Vec::new();
    for (n, line) in fixtures.lines().enumerate() {
        let json: Value = serde_json::from_str(line).unwrap();
        let body = json["body"].as_str().unwrap();
        if body.split_whitespace().count() >= 100 {
            bases.push(Base {
                name: format!("fixture {n}"),
                topic: "local".into(),
                text: Text {
                    title: json["title"].as_str().unwrap_or_default().into(),
                    body: body.into(),
                },
            });
        }
    }
    for item in crate::ingest::source::sample() {
        let (raw, _) = item.unwrap();
        let name = raw.origin.source.clone();
        let article = prepare(raw, &Defaults::default()).unwrap().article;
        bases.push(Base {
            name,
            topic: "ukraine".into(),
            text: Text {
                title: article.title.unwrap_or_default(),
                body: article.body,
            },
        });
    }
    bases
}

#[test]
fn copies_are_grouped_with_high_precision_and_recall() {
    let bases = bases();
    assert!(bases.len() >= 6);
    let set = super::build(bases, 6, 42);
    assert!(set.duplicates.is_empty(), "{:?}", set.duplicates);
    for commit_every in [1000, 7] {
        let stories = super::group(&set, commit_every).unwrap();
        let scores = super::score(&set, &stories);
        assert_eq!(scores.missing, 0);
        assert!(scores.pairs.precision() >= 0.99, "{scores:?}");
        assert!(scores.pairs.recall() >= 0.95, "{scores:?}");
        assert_eq!(scores.same_topic.0, 0, "{scores:?}");
        assert!(scores.same_topic.1 > 0);
        for kind in Kind::ALL {
            let (found, all) = scores.by_kind[&kind];
            assert!(all > 0 && found * 10 >= all * 9, "{kind}: {found} of {all}");
        }
    }
}
