//! CoNLL-format files: one token a line with tags in the last columns,
//! sentences separated by blank lines and documents by `-DOCSTART-`; and
//! the entity-level score of the CoNLL-2003 shared task, computed exactly
//! as `conlleval` does.

use std::collections::BTreeMap;

/// A sentence: its lines as written, the words, and the gold tags.
#[derive(Debug, Clone, Default)]
pub struct Sentence {
    pub lines: Vec<String>,
    pub words: Vec<String>,
    pub tags: Vec<String>,
}

/// A document: its sentences.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub sentences: Vec<Sentence>,
}

/// Reads documents; a line that is neither blank nor `word … tag` is an
/// error naming its line.
pub fn read(text: &str) -> Result<Vec<Document>, String> {
    let mut documents = vec![Document::default()];
    let mut sentence = Sentence::default();
    let flush = |sentence: &mut Sentence, documents: &mut Vec<Document>| {
        if !sentence.words.is_empty() {
            documents
                .last_mut()
                .expect("one document at least")
                .sentences
                .push(std::mem::take(sentence));
        }
    };
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            flush(&mut sentence, &mut documents);
            continue;
        }
        if line.starts_with("-DOCSTART-") {
            flush(&mut sentence, &mut documents);
            if !documents.last().is_some_and(|d| d.sentences.is_empty()) {
                documents.push(Document::default());
            }
            continue;
        }
        let columns: Vec<&str> = line.split_whitespace().collect();
        if columns.len() < 2 {
            return Err(format!(
                "line {}: expected a token and a tag separated by spaces, found {line:?}",
                number + 1
            ));
        }
        sentence.lines.push(line.to_string());
        sentence.words.push(columns[0].to_string());
        sentence.tags.push(columns[columns.len() - 1].to_string());
    }
    flush(&mut sentence, &mut documents);
    documents.retain(|d| !d.sentences.is_empty());
    Ok(documents)
}

/// IOB1 or IOB2 tags rewritten as IOB2 (every name opens with `B-`).
pub fn to_iob2(tags: &[String]) -> Vec<String> {
    let mut out = Vec::with_capacity(tags.len());
    let mut previous_kind: Option<&str> = None;
    for tag in tags {
        let (prefix, kind) = split(tag);
        let tag = match (prefix, kind) {
            ("O", _) => {
                previous_kind = None;
                "O".to_string()
            }
            ("I", kind) if previous_kind == Some(kind) => format!("I-{kind}"),
            (_, kind) => {
                previous_kind = Some(kind);
                format!("B-{kind}")
            }
        };
        if let ("I" | "B" | "E" | "S", kind) = (prefix, kind) {
            previous_kind = Some(kind);
        }
        out.push(tag);
    }
    out
}

fn split(tag: &str) -> (&str, &str) {
    if tag == "O" || tag.is_empty() {
        return ("O", "");
    }
    match tag.split_once('-') {
        Some((prefix, kind)) => (prefix, kind),
        None => ("I", tag),
    }
}

/// The entities of a tag sequence as (start, end, type), as conlleval
/// finds them.
pub fn chunks(tags: &[&str]) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let (mut previous_prefix, mut previous_kind) = ("O", "");
    let mut start: Option<usize> = None;
    let padded = tags.iter().copied().chain(std::iter::once("O"));
    for (i, tag) in padded.enumerate() {
        let (prefix, kind) = split(tag);
        if let Some(s) = start
            && (prefix == "O"
                || prefix == "B"
                || prefix == "S"
                || kind != previous_kind
                || previous_prefix == "E"
                || previous_prefix == "S")
        {
            out.push((s, i, previous_kind.to_string()));
            start = None;
        }
        if prefix != "O" && start.is_none() {
            start = Some(i);
        }
        previous_prefix = prefix;
        previous_kind = kind;
    }
    out
}

/// Gold, predicted and correct entities by type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts(pub BTreeMap<String, [usize; 3]>);

impl Counts {
    pub fn add(&mut self, gold: &[&str], predicted: &[&str]) {
        let gold = chunks(gold);
        let predicted = chunks(predicted);
        for (_, _, kind) in &gold {
            self.0.entry(kind.clone()).or_default()[0] += 1;
        }
        for (_, _, kind) in &predicted {
            self.0.entry(kind.clone()).or_default()[1] += 1;
        }
        for chunk in &predicted {
            if gold.contains(chunk) {
                self.0.entry(chunk.2.clone()).or_default()[2] += 1;
            }
        }
    }

    /// Precision, recall and F1 of one type.
    pub fn score(&self, kind: &str) -> (f64, f64, f64) {
        let [gold, predicted, correct] = self.0.get(kind).copied().unwrap_or_default();
        let precision = if predicted > 0 {
            correct as f64 / predicted as f64
        } else {
            0.0
        };
        let recall = if gold > 0 {
            correct as f64 / gold as f64
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        (precision, recall, f1)
    }

    /// conlleval's line for a type.
    pub fn line(&self, kind: &str) -> String {
        let [gold, predicted, correct] = self.0.get(kind).copied().unwrap_or_default();
        let (p, r, f) = self.score(kind);
        format!(
            "{kind} P={p:.4} R={r:.4} F1={f:.4} (gold {gold}, predicted {predicted}, correct {correct})"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob1_becomes_iob2() {
        let tags: Vec<String> = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            to_iob2(&tags),
            ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"]
        );
    }

    #[test]
    fn chunks_follow_conlleval() {
        assert_eq!(
            chunks(&["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]),
            [
                (0, 2, "PER".to_string()),
                (2, 3, "PER".to_string()),
                (4, 5, "LOC".to_string()),
                (5, 6, "ORG".to_string())
            ]
        );
    }

    #[test]
    fn scores_count_exact_spans_and_types() {
        let mut counts = Counts::default();
        counts.add(
            &["B-PER", "I-PER", "O", "B-LOC"],
            &["B-PER", "O", "O", "B-LOC"],
        );
        assert_eq!(counts.0["PER"], [1, 1, 0]);
        assert_eq!(counts.0["LOC"], [1, 1, 1]);
        assert!(
            counts
                .line("LOC")
                .starts_with("LOC P=1.0000 R=1.0000 F1=1.0000")
        );
    }

    #[test]
    fn documents_and_sentences_are_read() {
        let text = "-DOCSTART- -X- O O\n\nEU NNP I-NP I-ORG\nrejects VBZ I-VP O\n\nPeter NNP I-NP I-PER\n\n-DOCSTART- -X- O O\n\nBRUSSELS NNP I-NP I-LOC\n";
        let documents = read(text).unwrap();
        assert_eq!(documents.len(), 2);
        assert_eq!(documents[0].sentences.len(), 2);
        assert_eq!(documents[1].sentences[0].tags, ["I-LOC"]);
        assert!(read("lonely\n").is_err());
    }
}
