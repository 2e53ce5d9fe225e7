use super::perturb::{Kind, Rng, Text, copy};
use super::*;
use crate::ingest::{Defaults, prepare};

/// The bundled sample's articles as cleaned, title and body: five reports
/// of one week's diplomacy over Ukraine, so unrelated articles that share
/// their subject, names and phrases.
fn sample() -> Vec<Text> {
    crate::sample::items()
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

#[test]
fn a_signature_reads_back_from_its_bytes() {
    let signature = signature(&sample()[2]);
    let bytes = signature.to_bytes();
    assert_eq!(bytes.len(), SIGNATURE_BYTES);
    assert_eq!(Signature::from_bytes(&bytes), Some(signature));
    assert_eq!(Signature::from_bytes(&bytes[1..]), None);
}
