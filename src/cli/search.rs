//! `newsdesk search`: ranked results in the terminal, or the API's JSON.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::args::SearchArgs;
use crate::api::dto::SearchResponse;
use crate::index::NewsIndex;
use crate::search::{self, Check, Collapse, Filters, SearchRequest, Sort, query::period};

pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    let day = |name: &str, text: &Option<String>, start: bool| -> anyhow::Result<_> {
        match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(text) => match period(text) {
                Some((first, last)) => Ok(Some(if start { first } else { last })),
                None => bail!("--{name} must be a date as YYYY-MM-DD, not {text:?}"),
            },
        }
    };
    let request = SearchRequest {
        query: args.query.join(" "),
        filters: Filters {
            outlets: args.outlet,
            people: args.person,
            from: day("from", &args.from, true)?,
            to: day("to", &args.to, false)?,
        },
        sort: Sort::parse(&args.sort)?,
        limit: args.limit,
        offset: args.offset,
        collapse: match &args.collapse {
            Some(text) => Collapse::parse(text)?,
            None => Collapse::None,
        },
        ..SearchRequest::default()
    };
    let path = &args.index.index;
    if !path.join("meta.json").exists() {
        bail!(
            "there is no index at {}: create one with `newsdesk ingest --index {} PATH…`",
            path.display(),
            path.display()
        );
    }
    let index = NewsIndex::open_or_create(path)?.with_aliases(args.aliases.load()?);
    let request = request.validate()?;
    let results = search::search(&index, &request)?;
    let response = SearchResponse::new(results, Vec::new());
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &response)?;
        writeln!(out)?;
    } else {
        let unit = match request.collapse {
            Collapse::Story => ("story", "stories"),
            Collapse::None => ("article", "articles"),
        };
        print_text(
            &mut out,
            &response,
            request.offset,
            unit,
            stdout.is_terminal(),
        )
        .context("could not write the results")?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(
    out: &mut impl Write,
    response: &SearchResponse,
    offset: usize,
    (one, many): (&str, &str),
    terminal: bool,
) -> std::io::Result<()> {
    let (bold, plain) = if terminal {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    for warning in &response.warnings {
        writeln!(out, "note: {warning}")?;
    }
    let shown = response.hits.len();
    writeln!(
        out,
        "{} {} match ({} ms){}",
        response.total,
        if response.total == 1 { one } else { many },
        response.took_ms,
        if shown > 0 && shown < response.total {
            format!("; showing {}–{}", offset + 1, offset + shown)
        } else {
            String::new()
        }
    )?;
    for (rank, hit) in response.hits.iter().enumerate() {
        let title = &hit.article.title;
        let mut about = Vec::new();
        about.extend(hit.article.outlet.as_deref());
        about.extend(hit.article.date.as_deref());
        writeln!(out)?;
        writeln!(
            out,
            "{}. {bold}{title}{plain}{}",
            offset + rank + 1,
            if about.is_empty() {
                String::new()
            } else {
                format!(" — {}", about.join(", "))
            }
        )?;
        writeln!(out, "   id {}  score {:.2}", hit.article.id, hit.score)?;
        if let (Some(copies), Some(outlets)) = (hit.copies, &hit.outlets)
            && copies > 1
        {
            writeln!(out, "   {copies} copies: {}", outlets.join(", "))?;
        }
        if let Some(url) = &hit.article.url {
            writeln!(out, "   {url}")?;
        }
        if !hit.article.people.is_empty() {
            writeln!(out, "   people: {}", hit.article.people.join(", "))?;
        }
        for snippet in &hit.snippets {
            let text = snippet.replace("<mark>", bold).replace("</mark>", plain);
            writeln!(out, "   {}", unescape(&text))?;
        }
    }
    Ok(())
}

/// Snippets are HTML-escaped for the API; the terminal wants plain text.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
