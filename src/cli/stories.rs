//! `newsdesk eval stories --bbc DIR`: how well copies are grouped into
//! stories, on edited copies of the BBC News dataset's articles (see
//! `eval::stories`). Reads the files; the rest is the library's.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};

use super::args::EvalStoriesArgs;
use crate::eval::stories::{self as evaluate, Base};
use crate::text::perturb::Text;

pub fn eval(args: EvalStoriesArgs) -> anyhow::Result<ExitCode> {
    let bases = read_bbc(&args.bbc, args.bases)?;
    if bases.is_empty() {
        bail!("no articles found under {}", args.bbc.display());
    }
    let read = bases.len();
    let set = evaluate::build(bases, args.copies, args.seed);
    println!(
        "{read} articles read; {} left out as near-identical to another:",
        set.duplicates.len()
    );
    for (left_out, kept) in &set.duplicates {
        println!("  {left_out}  ~  {kept}");
    }
    println!(
        "{} articles: {} bases and {} edited copies each (seed {})",
        set.items.len(),
        set.bases.len(),
        args.copies,
        args.seed
    );
    let started = Instant::now();
    let stories = evaluate::group(&set, args.commit_every).context("grouping failed")?;
    let seconds = started.elapsed().as_secs_f64();
    let scores = evaluate::score(&set, &stories);
    let pairs = scores.pairs;
    println!(
        "ingested and grouped in {seconds:.1} s ({:.0} articles/s); {} not indexed",
        set.items.len() as f64 / seconds,
        scores.missing
    );
    println!(
        "pairs: precision {:.4} ({} of {} joined), recall {:.4} ({} of {} expected)",
        pairs.precision(),
        pairs.right,
        pairs.joined,
        pairs.recall(),
        pairs.right,
        pairs.expected
    );
    println!("recall of a base and its copy, by edit (a copy has one to three):");
    for (kind, (found, all)) in &scores.by_kind {
        println!(
            "  {kind:<10} {:.4}  ({found} of {all})",
            *found as f64 / (*all).max(1) as f64
        );
    }
    let (joined, all) = scores.same_topic;
    println!("unrelated articles of one topic joined: {joined} pairs of {all}");
    Ok(ExitCode::SUCCESS)
}

/// The articles of each topic folder, in name order, at most `limit` in all
/// (taken evenly from the topics).
fn read_bbc(dir: &Path, limit: Option<usize>) -> anyhow::Result<Vec<Base>> {
    let mut topics: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .filter(|entry| entry.path().is_dir())
        .map(|entry| entry.path())
        .collect();
    topics.sort();
    let per_topic = limit.map(|limit| limit.div_ceil(topics.len().max(1)));
    let mut bases = Vec::new();
    for topic in &topics {
        let name = topic
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut files: Vec<_> = std::fs::read_dir(topic)?
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        files.truncate(per_topic.unwrap_or(usize::MAX));
        for file in files {
            let bytes = std::fs::read(&file)?;
            // One file of the set is Latin-1; a replaced character costs
            // nothing here.
            let text = String::from_utf8_lossy(&bytes);
            let (title, body) = text.trim().split_once('\n').unwrap_or(("", &text));
            bases.push(Base {
                name: format!(
                    "{name}/{}",
                    file.file_name().unwrap_or_default().to_string_lossy()
                ),
                topic: name.clone(),
                text: Text {
                    title: title.trim().to_string(),
                    body: body.trim().to_string(),
                },
            });
        }
    }
    bases.truncate(limit.unwrap_or(usize::MAX));
    Ok(bases)
}
