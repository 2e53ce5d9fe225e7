//! `newsdesk eval cleaning DIR`: how much real text cleaning keeps, measured
//! on a collection of articles that are already clean (such as the BBC
//! News dataset: the title on the first line, then the body).
//!
//! Every file goes through the same stages as `ingest`. Text counts as
//! kept when it comes out as the title or the body; the measure is over
//! characters that are not white space, so paragraph joins do not count.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::bail;

use super::args::{EvalCleaningArgs, EvalPeopleArgs};
use crate::ingest::source::{self, Input};
use crate::ingest::{Defaults, prepare};

fn visible(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

pub fn cleaning(args: EvalCleaningArgs) -> anyhow::Result<ExitCode> {
    let found = source::discover(std::slice::from_ref(&args.path));
    if found.inputs.is_empty() {
        bail!("no articles found under {}", args.path.display());
    }
    let (mut total_in, mut total_out) = (0usize, 0usize);
    let (mut articles, mut titled, mut rejected) = (0usize, 0usize, 0usize);
    let mut by_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut worst: Vec<(f64, String, usize, usize)> = Vec::new();
    for input in &found.inputs {
        let name = input.name();
        let _ = source::read(input, &mut |item| {
            let Ok((raw, _)) = item else {
                rejected += 1;
                return;
            };
            let first_line = raw
                .body
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default()
                .trim()
                .to_string();
            let before = visible(&raw.body);
            let Ok(prepared) = prepare(raw, &Defaults::default()) else {
                rejected += 1;
                total_in += before;
                return;
            };
            articles += 1;
            let article = &prepared.article;
            if article.title.as_deref() == Some(first_line.as_str()) {
                titled += 1;
            }
            let after =
                visible(article.title.as_deref().unwrap_or_default()) + visible(&article.body);
            total_in += before;
            total_out += after.min(before);
            for removed in &prepared.removed {
                let entry = by_rule.entry(removed.rule.clone()).or_default();
                entry.0 += 1;
                entry.1 += visible(&removed.text);
            }
            if after < before {
                worst.push((after as f64 / before as f64, name.clone(), before, after));
            }
        });
        if matches!(input, Input::Stdin) {
            break;
        }
    }
    worst.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!("articles                {articles}");
    println!("rejected                {rejected}");
    println!("titles found on line 1  {titled} of {articles}");
    println!("articles losing text    {}", worst.len());
    if !by_rule.is_empty() {
        println!("removed, by rule:");
        for (rule, (spans, chars)) in &by_rule {
            println!("  {rule:<28} {spans:>6} spans {chars:>9} characters");
        }
    }
    if !worst.is_empty() {
        println!("most reduced:");
        for (share, name, before, after) in worst.iter().take(args.worst) {
            println!(
                "  {:>6.2}%  {name}  ({after} of {before} characters)",
                share * 100.0
            );
        }
    }
    let kept = if total_in == 0 {
        1.0
    } else {
        total_out as f64 / total_in as f64
    };
    println!(
        "kept {:.4}% of {total_in} characters ({} removed)",
        kept * 100.0,
        total_in - total_out
    );
    Ok(ExitCode::SUCCESS)
}

/// `newsdesk eval people DIR`: how fast the person recogniser runs, on one
/// core, over the cleaned text of a collection; and whom it finds most.
pub fn people(args: EvalPeopleArgs) -> anyhow::Result<ExitCode> {
    let found = source::discover(std::slice::from_ref(&args.path));
    if found.inputs.is_empty() {
        bail!("no articles found under {}", args.path.display());
    }
    // Read and clean first, so that only the recogniser is timed.
    let mut texts: Vec<Vec<String>> = Vec::new();
    for input in &found.inputs {
        let _ = source::read(input, &mut |item| {
            if let Ok((raw, _)) = item {
                let cleaned = crate::ingest::clean::clean(&raw.body);
                texts.push(cleaned.paragraphs);
            }
        });
    }
    let bytes: usize = texts.iter().flatten().map(String::len).sum();
    // Load the model before the clock starts.
    let _ = crate::text::ner::builtin();
    let started = std::time::Instant::now();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for paragraphs in &texts {
        let found = crate::text::people::extract::people(paragraphs.iter().map(String::as_str));
        for name in found.people {
            *counts.entry(name).or_default() += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    let mut top: Vec<(&String, &usize)> = counts.iter().collect();
    top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    println!("most named:");
    for (name, count) in top.iter().take(args.top) {
        println!("  {count:>5}  {name}");
    }
    println!(
        "{} articles, {:.1} MB of text, {} distinct names",
        texts.len(),
        bytes as f64 / 1e6,
        counts.len()
    );
    println!(
        "recognised people in {seconds:.2} s on one core: {:.2} MB/s, {:.0} articles/s",
        bytes as f64 / 1e6 / seconds,
        texts.len() as f64 / seconds
    );
    Ok(ExitCode::SUCCESS)
}
