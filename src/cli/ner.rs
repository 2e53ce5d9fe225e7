//! `newsdesk ner`: train, score and run the person-name recogniser on
//! CoNLL-format files.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};

use super::args::{NerEvalArgs, NerTagArgs, NerTrainArgs};
use crate::eval::conll::{self, Counts, Document};
use crate::eval::train::{self, Options};
use crate::text::ner::model::{LABELS, Model};
use crate::text::ner::{self, tag_words};

fn read_documents(path: &Path) -> anyhow::Result<Vec<Document>> {
    let bytes =
        std::fs::read(path).with_context(|| format!("could not read {}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    conll::read(&text).map_err(|err| anyhow::anyhow!("{}: {err}", path.display()))
}

fn model(path: Option<&Path>) -> anyhow::Result<Model> {
    match path {
        None => Ok(ner::builtin().clone()),
        Some(path) => {
            let bytes = std::fs::read(path)
                .with_context(|| format!("could not read {}", path.display()))?;
            Model::from_bytes(&bytes)
                .with_context(|| format!("{} is not a usable model", path.display()))
        }
    }
}

pub fn train(args: NerTrainArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let training = read_documents(&args.train)?;
    let dev = args.dev.as_deref().map(read_documents).transpose()?;
    let sentences: usize = training.iter().map(|d| d.sentences.len()).sum();
    if sentences == 0 {
        bail!("{} holds no sentences", args.train.display());
    }
    eprintln!(
        "training on {sentences} sentences of {}{}",
        args.train.display(),
        match &args.dev {
            Some(dev) => format!(", keeping the pass that scores best on {}", dev.display()),
            None => String::new(),
        }
    );
    let options = Options {
        epochs: args.epochs,
        min_count: args.min_count,
        ..Options::default()
    };
    let model = train::train(
        &training,
        dev.as_deref(),
        &options,
        &mut |epoch| match epoch.dev_per_f1 {
            Some(f1) => eprintln!("pass {:>2}: PER F1 on the dev data {f1:.4}", epoch.epoch),
            None => eprintln!("pass {:>2} done", epoch.epoch),
        },
    );
    let bytes = model.to_bytes();
    std::fs::write(&args.output, &bytes)
        .with_context(|| format!("could not write {}", args.output.display()))?;
    eprintln!(
        "wrote {} ({} features, {:.1} MB) in {:.0} s",
        args.output.display(),
        model.weights.len(),
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

pub fn eval(args: NerEvalArgs) -> anyhow::Result<ExitCode> {
    let documents = read_documents(&args.file)?;
    let model = model(args.model.as_deref())?;
    let started = Instant::now();
    let counts: Counts = train::evaluate(&model, &documents);
    let seconds = started.elapsed().as_secs_f64();
    let mut out = std::io::stdout().lock();
    for kind in counts.0.keys().filter(|k| k.as_str() != "PER") {
        writeln!(out, "{}", counts.line(kind))?;
    }
    let [gold, predicted, correct] = counts.0.get("PER").copied().unwrap_or_default();
    writeln!(
        out,
        "tagged in {seconds:.2} s; PER: gold {gold}, predicted {predicted}, correct {correct}"
    )?;
    let (p, r, f) = counts.score("PER");
    writeln!(out, "PER P={p:.4} R={r:.4} F1={f:.4}")?;
    Ok(ExitCode::SUCCESS)
}

pub fn tag(args: NerTagArgs) -> anyhow::Result<ExitCode> {
    let documents_text = std::fs::read(&args.file)
        .with_context(|| format!("could not read {}", args.file.display()))?;
    let text = String::from_utf8_lossy(&documents_text);
    let model = model(args.model.as_deref())?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut sentence: Vec<&str> = Vec::new();
    let flush = |sentence: &mut Vec<&str>, out: &mut dyn Write| -> std::io::Result<()> {
        if sentence.is_empty() {
            return Ok(());
        }
        let words: Vec<&str> = sentence
            .iter()
            .map(|line| line.split_whitespace().next().unwrap_or_default())
            .collect();
        for (line, label) in sentence.iter().zip(tag_words(&model, &words)) {
            writeln!(out, "{line} {}", LABELS[label])?;
        }
        sentence.clear();
        Ok(())
    };
    for line in text.lines() {
        if line.trim().is_empty() || line.starts_with("-DOCSTART-") {
            flush(&mut sentence, &mut out)?;
            writeln!(out, "{line}")?;
        } else {
            sentence.push(line);
        }
    }
    flush(&mut sentence, &mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
