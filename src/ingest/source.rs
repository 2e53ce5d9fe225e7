//! Read: find the files a user named and read their items.
//!
//! The only stage of ingest that does I/O. Folders are walked recursively in
//! name order, so a batch is read in the same order every time. NDJSON is
//! streamed a line at a time, so a file of any size reads in constant memory.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::parse::{self, Item};
use super::raw::{Origin, Rejection, Warning};
use super::{html, sgml};

/// The bundled sample articles as parsed items, named `sample/<file>`.
pub fn sample() -> impl Iterator<Item = Item> {
    crate::sample::ARTICLES
        .iter()
        .map(|(name, text)| parse::text(&format!("sample/{name}"), text))
}

/// The formats newsdesk reads, chosen by file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`: raw article text, optionally with front matter.
    Text,
    /// `.json`: one article object or an array of them.
    Json,
    /// `.jsonl`, `.ndjson`: one article object a line.
    Ndjson,
    /// `.html`, `.htm`: a web page with one article.
    Html,
    /// `.sgm`, `.sgml`: Reuters-21578 stories.
    Sgml,
}

/// How to say which extensions are read, in messages.
pub const SUPPORTED: &str = ".txt, .json, .jsonl, .ndjson, .html, .htm and Reuters-21578 .sgm files (or `-` for NDJSON on standard input)";

impl Format {
    pub fn from_path(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "txt" => Some(Format::Text),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Ndjson),
            "html" | "htm" => Some(Format::Html),
            "sgm" | "sgml" => Some(Format::Sgml),
            _ => None,
        }
    }
}

/// Something to read: a file, or standard input (NDJSON).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    File {
        path: PathBuf,
        format: Format,
        len: u64,
    },
    Stdin,
}

impl Input {
    /// How this input is named in messages.
    pub fn name(&self) -> String {
        match self {
            Input::File { path, .. } => path.display().to_string(),
            Input::Stdin => "<stdin>".to_string(),
        }
    }
}

/// The inputs found under the paths a user gave.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    /// Paths that could not be read at all.
    pub problems: Vec<Rejection>,
    /// Files in folders passed over because of their extension, by extension.
    pub skipped: BTreeMap<String, usize>,
}

impl Discovery {
    /// The total size of the files found, for a progress bar.
    pub fn total_bytes(&self) -> u64 {
        self.inputs
            .iter()
            .map(|input| match input {
                Input::File { len, .. } => *len,
                Input::Stdin => 0,
            })
            .sum()
    }
}

/// Finds the inputs under `paths`: files as named, folders recursively,
/// `-` as standard input. A file named explicitly must have a supported
/// extension; in folders, other files and hidden entries are passed over.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut found = Discovery::default();
    for path in paths {
        if path.as_os_str() == "-" {
            found.inputs.push(Input::Stdin);
            continue;
        }
        let metadata = match std::fs::metadata(path) {
            Ok(metadata) => metadata,
            Err(err) => {
                found.problems.push(Rejection::new(
                    Origin::file(path.display().to_string()),
                    describe_io_error(&err),
                ));
                continue;
            }
        };
        if metadata.is_dir() {
            walk(path, &mut found);
        } else {
            match Format::from_path(path) {
                Some(format) => found.inputs.push(Input::File {
                    path: path.clone(),
                    format,
                    len: metadata.len(),
                }),
                None => found.problems.push(Rejection::new(
                    Origin::file(path.display().to_string()),
                    format!("newsdesk reads {SUPPORTED}; rename the file if it is one of these"),
                )),
            }
        }
    }
    found
}

fn walk(root: &Path, found: &mut Discovery) {
    let entries = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_hidden(entry.file_name()));
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().unwrap_or(root).display().to_string();
                let reason = match err.io_error() {
                    Some(io) => describe_io_error(io),
                    None => err.to_string(),
                };
                found
                    .problems
                    .push(Rejection::new(Origin::file(path), reason));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        if is_documentation(path) {
            *found
                .skipped
                .entry("documentation (README, LICENSE…)".to_string())
                .or_default() += 1;
            continue;
        }
        match Format::from_path(path) {
            Some(format) => found.inputs.push(Input::File {
                path: path.to_path_buf(),
                format,
                len: entry.metadata().map(|m| m.len()).unwrap_or(0),
            }),
            None => {
                let extension = path
                    .extension()
                    .map(|e| format!(".{}", e.to_string_lossy().to_ascii_lowercase()))
                    .unwrap_or_else(|| "(none)".to_string());
                *found.skipped.entry(extension).or_default() += 1;
            }
        }
    }
}

/// The files that document a collection rather than belong to it: a
/// README.txt beside the articles is not an article.
fn is_documentation(path: &Path) -> bool {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_ascii_uppercase();
    [
        "README",
        "LICENSE",
        "LICENCE",
        "COPYING",
        "CHANGELOG",
        "NOTICE",
        "AUTHORS",
        "CONTRIBUTING",
    ]
    .contains(&stem.as_str())
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|name| name.starts_with('.'))
}

/// Reads every item of `input`, handing each to `emit` as it is parsed.
///
/// Returns the warnings about the input as a whole (text that was not UTF-8,
/// say), or a rejection when it could not be read at all.
pub fn read(input: &Input, emit: &mut dyn FnMut(Item)) -> Result<Vec<Warning>, Rejection> {
    let name = input.name();
    match input {
        Input::Stdin => read_ndjson(&name, io::stdin().lock(), emit),
        Input::File { path, format, .. } => {
            let file = File::open(path)
                .map_err(|err| Rejection::new(Origin::file(&name), describe_io_error(&err)))?;
            if *format == Format::Ndjson {
                return read_ndjson(&name, BufReader::new(file), emit);
            }
            let mut bytes = Vec::new();
            BufReader::new(file)
                .read_to_end(&mut bytes)
                .map_err(|err| Rejection::new(Origin::file(&name), describe_io_error(&err)))?;
            let (text, warning) = decode(&name, &bytes)?;
            match format {
                Format::Text => emit(parse::text(&name, &text)),
                Format::Html => emit(html::parse(&name, &text)),
                Format::Sgml => sgml::parse(&name, &text).into_iter().for_each(&mut *emit),
                Format::Json | Format::Ndjson => parse::json_document(&name, &text)?
                    .into_iter()
                    .for_each(&mut *emit),
            }
            Ok(warning.into_iter().collect())
        }
    }
}

/// Reads NDJSON a line at a time. Blank lines are passed over; a line that
/// is not valid UTF-8 is decoded with replacement characters and a warning.
pub fn read_ndjson(
    name: &str,
    mut reader: impl BufRead,
    emit: &mut dyn FnMut(Item),
) -> Result<Vec<Warning>, Rejection> {
    let mut line = Vec::new();
    let mut line_no = 0;
    loop {
        line.clear();
        let read = reader.read_until(b'\n', &mut line).map_err(|err| {
            Rejection::new(Origin::line(name, line_no + 1), describe_io_error(&err))
        })?;
        if read == 0 {
            return Ok(Vec::new());
        }
        line_no += 1;
        let text = String::from_utf8_lossy(&line);
        if text.trim().is_empty() {
            continue;
        }
        let mut item = parse::json_line(name, line_no, &text);
        if let (Err(err), Ok((_, warnings))) = (std::str::from_utf8(&line), item.as_mut()) {
            warnings.push(format!(
                "the line is not valid UTF-8 (byte {} of the line); \
                 bad bytes were replaced with U+FFFD",
                err.valid_up_to() + 1
            ));
        }
        emit(item);
    }
}

/// Decodes a whole file. Binary and empty files are refused. Text that is
/// not UTF-8 is read as Latin-1 when none of it is UTF-8 (old archives and
/// wire feeds), and otherwise as UTF-8 with its bad bytes replaced; either
/// way with a warning.
pub fn decode(name: &str, bytes: &[u8]) -> Result<(String, Option<Warning>), Rejection> {
    let origin = Origin::file(name);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(Rejection::new(origin, "the file is empty"));
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(Rejection::new(
            origin,
            "the file looks binary (it holds NUL bytes), not text",
        ));
    }
    let err = match std::str::from_utf8(bytes) {
        Ok(text) => return Ok((text.to_string(), None)),
        Err(err) => err,
    };
    let line = bytes[..err.valid_up_to()]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1;
    let any_utf8 = bytes.utf8_chunks().any(|chunk| !chunk.valid().is_ascii());
    let (text, how) = if any_utf8 {
        (
            String::from_utf8_lossy(bytes).into_owned(),
            "bad bytes were replaced with U+FFFD",
        )
    } else {
        (
            bytes.iter().map(|&b| char::from(b)).collect(),
            "it was read as Latin-1",
        )
    };
    let warning = Warning {
        origin: Origin::line(name, line),
        message: format!(
            "the file is not valid UTF-8 (first bad byte at offset {}); {how}",
            err.valid_up_to()
        ),
    };
    Ok((text, Some(warning)))
}

/// An I/O error in words, without the OS error number.
fn describe_io_error(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or folder".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "is a folder, not a file".to_string(),
        _ => format!("could not be read: {err}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(text: &str) -> Vec<Item> {
        let mut items = Vec::new();
        read_ndjson("s.ndjson", text.as_bytes(), &mut |item| items.push(item)).unwrap();
        items
    }

    #[test]
    fn ndjson_lines_are_numbered_and_blank_lines_passed_over() {
        let got = items("{\"body\":\"a\"}\n\n{oops}\n{\"body\":\"c\"}");
        assert_eq!(got.len(), 3);
        assert!(got[0].is_ok());
        assert_eq!(got[1].as_ref().unwrap_err().origin.line, Some(3));
        assert_eq!(got[2].as_ref().unwrap().0.origin.line, Some(4));
    }

    #[test]
    fn invalid_utf8_is_decoded_with_a_warning() {
        let mut got = Vec::new();
        let input: &[u8] = b"{\"body\":\"caf\xe9\"}\n";
        read_ndjson("s", input, &mut |item| got.push(item)).unwrap();
        let (raw, warnings) = got.pop().unwrap().unwrap();
        assert_eq!(raw.body, "caf\u{fffd}");
        assert!(warnings[0].contains("not valid UTF-8"));
    }

    #[test]
    fn empty_and_binary_files_are_refused() {
        assert!(decode("f", b" \n ").unwrap_err().reason.contains("empty"));
        assert!(
            decode("f", b"ab\0cd")
                .unwrap_err()
                .reason
                .contains("binary")
        );
        // No UTF-8 at all: Latin-1, as old archives are.
        let (text, warning) = decode("f", b"line\n\xa3 5").unwrap();
        assert_eq!(text, "line\n£ 5");
        assert_eq!(warning.unwrap().origin.line, Some(2));
        // UTF-8 with one broken byte: the rest stays UTF-8.
        let mixed: Vec<u8> = "café ".bytes().chain([0xa3]).collect();
        let (text, warning) = decode("f", &mixed).unwrap();
        assert_eq!(text, "café \u{fffd}");
        assert!(warning.unwrap().message.contains("U+FFFD"));
    }

    #[test]
    fn formats_follow_the_extension() {
        assert_eq!(Format::from_path(Path::new("a/B.TXT")), Some(Format::Text));
        assert_eq!(
            Format::from_path(Path::new("a.jsonl")),
            Some(Format::Ndjson)
        );
        assert_eq!(Format::from_path(Path::new("page.HTM")), Some(Format::Html));
        assert_eq!(
            Format::from_path(Path::new("reut2-000.sgm")),
            Some(Format::Sgml)
        );
        assert_eq!(Format::from_path(Path::new("a.pdf")), None);
        assert_eq!(Format::from_path(Path::new("README")), None);
    }
}
