//! `newsdesk inspect`: what ingest would make of files, without indexing
//! them. For every article found: its fields and where each came from, its
//! body, every span cleaning removed and the rule that removed it, and the
//! page an appended article came from.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use serde::Serialize;

use super::args::InspectArgs;
use crate::article::lede;
use crate::ingest::source::{self, Input};
use crate::ingest::{Defaults, Prepared, prepare};
use crate::text::people::directory::{Aliases, Directory};
use std::collections::HashMap;

/// One article as `inspect --json` prints it.
#[derive(Debug, Serialize)]
struct Inspected {
    file: String,
    line: Option<usize>,
    id: String,
    title: Option<String>,
    title_source: &'static str,
    outlet: Option<String>,
    outlet_source: &'static str,
    date: Option<String>,
    date_source: &'static str,
    url: Option<String>,
    /// The people, as they would be named in an index of the files
    /// inspected together.
    people: Vec<String>,
    body: String,
    removed: Vec<RemovedSpan>,
    /// The index, in this array, of the page this article was appended to.
    parent: Option<usize>,
}

#[derive(Debug, Serialize)]
struct RemovedSpan {
    text: String,
    rule: String,
}

impl Inspected {
    fn new(
        file: &str,
        line: Option<usize>,
        prepared: &Prepared,
        parent: Option<usize>,
    ) -> Inspected {
        let article = &prepared.article;
        Inspected {
            file: file.to_string(),
            line,
            id: article.id.to_string(),
            title: article.title.clone(),
            title_source: article.sources.title.as_str(),
            outlet: article.outlet.clone(),
            outlet_source: article.sources.outlet.as_str(),
            date: article.date.map(|d| d.to_string()),
            date_source: article.sources.date.as_str(),
            url: article.url.as_ref().map(|u| u.to_string()),
            people: article.people.clone(),
            body: article.body.clone(),
            removed: prepared
                .removed
                .iter()
                .map(|r| RemovedSpan {
                    text: r.text.clone(),
                    rule: r.rule.clone(),
                })
                .collect(),
            parent,
        }
    }
}

pub fn run(args: InspectArgs) -> anyhow::Result<ExitCode> {
    let found = source::discover(&args.paths);
    let mut problems: Vec<String> = found.problems.iter().map(ToString::to_string).collect();
    let mut articles: Vec<Inspected> = Vec::new();
    // Each article's names, to name people across the files at the end.
    let mut names: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for input in &found.inputs {
        let name = input.name();
        let result = source::read(input, &mut |item| match item.and_then(|(raw, _)| {
            let line = raw.origin.line;
            prepare(raw, &Defaults::default()).map(|prepared| (line, prepared))
        }) {
            Ok((line, prepared)) => {
                let parent = articles.len();
                articles.push(Inspected::new(&name, line, &prepared, None));
                names.push((
                    prepared.article.people.clone(),
                    prepared.article.unconfirmed_people.clone(),
                ));
                for appended in &prepared.appended {
                    articles.push(Inspected::new(&name, line, appended, Some(parent)));
                    names.push((
                        appended.article.people.clone(),
                        appended.article.unconfirmed_people.clone(),
                    ));
                }
            }
            Err(rejection) => problems.push(rejection.to_string()),
        });
        if let Err(rejection) = result {
            problems.push(rejection.to_string());
        }
        if matches!(input, Input::Stdin) {
            break;
        }
    }
    for problem in &problems {
        eprintln!("rejected: {problem}");
    }
    let directory = directory(&names);
    for (article, (people, unconfirmed)) in articles.iter_mut().zip(&names) {
        article.people = directory.resolve(people, unconfirmed);
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &articles)?;
        writeln!(out)?;
    } else {
        print_text(&mut out, &articles, stdout.is_terminal())?;
    }
    Ok(if problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The people of the articles inspected, as an index of them would group
/// them.
fn directory(names: &[(Vec<String>, Vec<String>)]) -> Directory {
    let mut confirmed: HashMap<&str, u64> = HashMap::new();
    let mut unconfirmed: HashMap<&str, u64> = HashMap::new();
    for (people, bare) in names {
        for name in people {
            *confirmed.entry(name).or_default() += 1;
        }
        for name in bare {
            *unconfirmed.entry(name).or_default() += 1;
        }
    }
    Directory::build(confirmed, unconfirmed, &Aliases::default())
}

fn print_text(out: &mut impl Write, articles: &[Inspected], terminal: bool) -> std::io::Result<()> {
    let (bold, dim, plain) = if terminal {
        ("\x1b[1m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let or_dash = |value: &Option<String>| value.clone().unwrap_or_else(|| "—".to_string());
    for (index, article) in articles.iter().enumerate() {
        let place = match article.line {
            Some(line) => format!("{}:{line}", article.file),
            None => article.file.clone(),
        };
        match article.parent {
            Some(parent) => writeln!(
                out,
                "{bold}[{index}] {place}, appended to [{parent}]{plain}  id {}",
                article.id
            )?,
            None => writeln!(out, "{bold}[{index}] {place}{plain}  id {}", article.id)?,
        }
        let title = match &article.title {
            Some(title) => title.clone(),
            None => format!("(none; the lede reads: {})", lede(&article.body)),
        };
        writeln!(
            out,
            "  title    {title}  {dim}[{}]{plain}",
            article.title_source
        )?;
        writeln!(
            out,
            "  outlet   {}  {dim}[{}]{plain}",
            or_dash(&article.outlet),
            article.outlet_source
        )?;
        writeln!(
            out,
            "  date     {}  {dim}[{}]{plain}",
            or_dash(&article.date),
            article.date_source
        )?;
        writeln!(out, "  url      {}", or_dash(&article.url))?;
        let people = if article.people.is_empty() {
            "—".to_string()
        } else {
            article.people.join(", ")
        };
        writeln!(out, "  people   {people}")?;
        let paragraphs: Vec<&str> = article.body.split("\n\n").collect();
        writeln!(
            out,
            "  body     {} paragraph{}, {} characters",
            paragraphs.len(),
            if paragraphs.len() == 1 { "" } else { "s" },
            article.body.chars().count()
        )?;
        for paragraph in paragraphs {
            writeln!(out, "    {}", shorten(paragraph, 110))?;
        }
        if !article.removed.is_empty() {
            writeln!(out, "  removed")?;
            for span in &article.removed {
                writeln!(
                    out,
                    "    {dim}{:<28}{plain} {}",
                    span.rule,
                    shorten(&span.text, 90)
                )?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    format!("{cut}…")
}
