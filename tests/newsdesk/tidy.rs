//! House rules the compiler does not check, checked over the source as
//! text, in the spirit of rust-analyzer's `tidy` tests: the layers that
//! ARCHITECTURE.md states (no module imports from a layer above its own),
//! no import circle between the files of `src/`, the crates each layer may
//! use, a `//!` line at the top of every file, and a reason written above
//! every function of more than a hundred lines.
//!
//! Imports are read the way the compiler resolves them, from `use` trees
//! and from paths in code (`crate::…`, `super::…`, `self::…` and paths
//! through a child module): each import leads to the file of the deepest
//! module its path names. So a file that names an item through its
//! folder's `mod.rs` imports that `mod.rs`, and a `mod.rs` that re-exports
//! a child's item imports the child.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The most lines a function may have without a reason above it.
const MAX_FUNCTION_LINES: usize = 100;

/// What marks the reason a function is long: a comment line above it that
/// starts so.
const LONG_REASON: &str = "// Long:";

/// Crates that only some layers may use: HTTP only in the API, tantivy only
/// where the index is read and written, the command line's crates only in
/// the command line, and `anyhow` only at the top.
const CRATES: &[(&str, &[&str])] = &[
    ("tantivy", &["index", "search", "research"]),
    ("axum", &["api"]),
    ("hyper", &["api"]),
    ("hyper_util", &["api"]),
    ("http_body_util", &["api"]),
    ("tower", &["api"]),
    ("tower_http", &["api"]),
    ("utoipa", &["api"]),
    ("prometheus_client", &["api"]),
    ("serde_html_form", &["api"]),
    ("clap", &["cli"]),
    ("indicatif", &["cli"]),
    ("anyhow", &["cli"]),
    ("serde_json", &["ingest", "api", "cli", "eval"]),
];

/// The calls that open tantivy's reader and its writer, and the one file
/// that may make them: the index keeps one reader for the life of the
/// program and hands out the one writer.
const ONE_READER_ONE_WRITER: (&[&str], &str) = (
    &["reader_builder", "writer_with_num_threads", "writer_in_ram"],
    "src/index/news_index.rs",
);

/// Layers that do no I/O of their own: their callers read files and hand
/// the text in.
const NO_FILES: &[&str] = &["text", "article", "search", "research", "api"];

#[test]
fn no_module_imports_from_a_layer_above_its_own() {
    let layers = layers();
    let source = Source::read();
    let mut problems = Vec::new();
    for (top, file) in source.tops() {
        if !layers.contains_key(&top) {
            problems.push(format!(
                "{file}: the module `{top}` has no layer in ARCHITECTURE.md's list"
            ));
        }
    }
    for import in &source.imports {
        let (Some(from), Some(to)) = (source.top(&import.from), source.top(&import.to)) else {
            continue;
        };
        if from == to {
            continue;
        }
        let (Some(&below), Some(&above)) = (layers.get(&to), layers.get(&from)) else {
            continue;
        };
        if below >= above {
            problems.push(format!(
                "{}:{}: `{}` (layer {above}) imports `{}` (layer {below}) through `{}`",
                import.from, import.line, from, to, import.path
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let source = Source::read();
    let circles = circles(&source.imports);
    let described: Vec<String> = circles
        .iter()
        .map(|files| {
            let ties: Vec<String> = source
                .imports
                .iter()
                .filter(|i| !i.test && files.contains(&i.from) && files.contains(&i.to))
                .map(|i| format!("  {}:{} -> {} ({})", i.from, i.line, i.to, i.path))
                .collect();
            format!("a circle of {files:?}:\n{}", ties.join("\n"))
        })
        .collect();
    assert!(described.is_empty(), "{}", described.join("\n"));
}

#[test]
fn crates_are_used_only_by_their_layers_and_files_only_read_where_allowed() {
    let source = Source::read();
    let mut problems = Vec::new();
    for (file, tokens) in &source.tokens {
        let Some(top) = source.top(file) else {
            continue;
        };
        for (i, token) in tokens.iter().enumerate() {
            let starts_path = tokens.get(i + 1).is_some_and(|t| t.text == "::")
                && (i == 0 || tokens[i - 1].text != "::");
            if !starts_path {
                continue;
            }
            if let Some((name, allowed)) = CRATES.iter().find(|(name, _)| *name == token.text)
                && !allowed.contains(&top.as_str())
            {
                problems.push(format!(
                    "{file}:{}: `{top}` uses the crate `{name}`, which only {allowed:?} may",
                    token.line
                ));
            }
            let next = |n: usize| tokens.get(i + n).map_or("", |t| t.text.as_str());
            if token.text == "std" && next(2) == "fs" && NO_FILES.contains(&top.as_str()) {
                problems.push(format!(
                    "{file}:{}: `{top}` touches the file system, which its callers do for it",
                    token.line
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn only_the_index_opens_a_reader_or_a_writer() {
    let source = Source::read();
    let (calls, allowed) = ONE_READER_ONE_WRITER;
    let mut problems = Vec::new();
    for (file, tokens) in &source.tokens {
        for token in tokens {
            if calls.contains(&token.text.as_str()) && file != allowed {
                problems.push(format!(
                    "{file}:{}: `{}` outside {allowed}",
                    token.line, token.text
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_file_says_what_it_owns_in_its_first_line() {
    let mut problems = Vec::new();
    for dir in ["src", "bench/src", "tests"] {
        for file in rust_files(&Path::new(ROOT).join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            if !text.starts_with("//!") {
                problems.push(relative(&file));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "these files do not open with a `//!` line: {problems:?}"
    );
}

#[test]
fn a_function_over_a_hundred_lines_says_why_above_it() {
    let mut problems = Vec::new();
    for dir in ["src", "bench/src", "tests"] {
        for file in rust_files(&Path::new(ROOT).join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for (name, line, length) in long_functions(&text) {
                problems.push(format!(
                    "{}:{line}: `{name}` is {length} lines long; split it, or say why above it \
                     in a line starting `{LONG_REASON}`",
                    relative(&file)
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checks themselves, on small sources: a check that reads nothing
/// would pass everything.
#[test]
fn imports_are_read_from_use_trees_and_paths_in_code() {
    let text = "//! A file.\n\
                use std::fmt;\n\
                use crate::{a::b::{self, C}, d::*};\n\
                use super::sibling::Item as Other;\n\
                pub(crate) fn f() -> crate::e::F { child::g(); \"crate::not::this\"; }\n\
                // crate::nor::this\n\
                #[cfg(test)]\n\
                mod tests { use crate::t::Helper; }\n";
    let found: Vec<(Vec<String>, bool)> = paths(&tokens(text), &["child".to_string()])
        .into_iter()
        .map(|used| (used.segments, used.test))
        .collect();
    let path = |p: &str| p.split("::").map(str::to_string).collect::<Vec<_>>();
    assert_eq!(
        found,
        [
            (path("crate::a::b"), false),
            (path("crate::a::b::C"), false),
            (path("crate::d"), false),
            (path("super::sibling::Item"), false),
            (path("crate::e::F"), false),
            (path("child::g"), false),
            (path("crate::t::Helper"), true),
        ]
    );
    let circle = |a: &str, b: &str| Import {
        from: a.into(),
        to: b.into(),
        path: String::new(),
        line: 1,
        test: false,
    };
    assert_eq!(
        circles(&[circle("x", "y"), circle("y", "z"), circle("z", "x")]),
        [BTreeSet::from(["x".into(), "y".into(), "z".into()])]
    );
    assert!(circles(&[circle("x", "y"), circle("y", "z")]).is_empty());
    let long = format!("fn f() {{\n{}}}\n", "    g();\n".repeat(MAX_FUNCTION_LINES));
    assert_eq!(long_functions(&long).len(), 1);
    assert!(long_functions(&format!("{LONG_REASON} one story, told in order.\n{long}")).is_empty());
}

/// ARCHITECTURE.md's layers: the lines `N. `module`, `module`` under its
/// "Layers" heading, lowest number lowest.
fn layers() -> HashMap<String, usize> {
    let text = std::fs::read_to_string(Path::new(ROOT).join("ARCHITECTURE.md")).unwrap();
    let section = text
        .split("\n## ")
        .find(|section| section.starts_with("Layers"))
        .expect("ARCHITECTURE.md has a section headed \"Layers\"");
    let mut layers = HashMap::new();
    for line in section.lines() {
        let Some((number, modules)) = line.split_once(". ") else {
            continue;
        };
        let Ok(number) = number.trim().parse::<usize>() else {
            continue;
        };
        for module in modules.split('`').skip(1).step_by(2) {
            layers.insert(module.to_string(), number);
        }
    }
    assert!(layers.len() > 3, "no layers read from ARCHITECTURE.md");
    layers
}

/// One import: a file, the file its path leads to, and the path.
#[derive(Debug, Clone)]
struct Import {
    from: String,
    to: String,
    path: String,
    line: usize,
    /// In code compiled for tests only.
    test: bool,
}

/// The library's source: its module tree, each file's tokens, and every
/// import between its files.
struct Source {
    /// Module path (`["search", "compile"]`) to the file that holds it,
    /// inline modules included.
    modules: BTreeMap<Vec<String>, String>,
    tokens: BTreeMap<String, Vec<Token>>,
    imports: Vec<Import>,
}

impl Source {
    fn read() -> Source {
        let src = Path::new(ROOT).join("src");
        let mut files: BTreeMap<Vec<String>, String> = BTreeMap::new();
        for file in rust_files(&src) {
            let relative = file.strip_prefix(&src).unwrap().with_extension("");
            let mut path: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            match path.last().map(String::as_str) {
                Some("main") if path.len() == 1 => continue,
                Some("lib" | "mod") => {
                    path.pop();
                }
                _ => {}
            }
            files.insert(
                path,
                format!("src/{}", file.strip_prefix(&src).unwrap().display()),
            );
        }
        let mut source = Source {
            modules: files.clone(),
            tokens: BTreeMap::new(),
            imports: Vec::new(),
        };
        // Inline modules first, so that paths through them resolve.
        let mut test_files = BTreeSet::new();
        for (path, file) in &files {
            let tokens = tokens(&std::fs::read_to_string(Path::new(ROOT).join(file)).unwrap());
            for (inline, test_only, declared) in modules_declared(&tokens) {
                let mut full = path.clone();
                full.extend(inline);
                if declared {
                    if test_only {
                        test_files.insert(full);
                    }
                } else {
                    source.modules.insert(full, file.clone());
                }
            }
            source.tokens.insert(file.clone(), tokens);
        }
        for (path, file) in &files {
            let tokens = &source.tokens[file];
            let file_is_test = test_files.iter().any(|t| path.starts_with(t));
            let children: Vec<String> = source
                .modules
                .keys()
                .filter(|m| m.len() == path.len() + 1 && m.starts_with(path))
                .map(|m| m[path.len()].clone())
                .collect();
            for used in paths(tokens, &children) {
                let mut at = path.clone();
                at.extend(used.inline);
                if let Some(to) = source.resolve(&at, &used.segments)
                    && &to != file
                {
                    source.imports.push(Import {
                        from: file.clone(),
                        to,
                        path: used.segments.join("::"),
                        line: used.line,
                        test: used.test || file_is_test,
                    });
                }
            }
        }
        source
    }

    /// The file a path used in module `at` leads to.
    fn resolve(&self, at: &[String], segments: &[String]) -> Option<String> {
        let (mut full, mut rest) = match segments.split_first() {
            Some((first, rest)) if first == "crate" => (Vec::new(), rest),
            _ => (at.to_vec(), segments),
        };
        while let Some(first) = rest.first() {
            match first.as_str() {
                "super" => {
                    full.pop();
                }
                "self" => {}
                _ => break,
            }
            rest = &rest[1..];
        }
        full.extend(rest.iter().cloned());
        (0..=full.len())
            .rev()
            .find_map(|n| self.modules.get(&full[..n]))
            .cloned()
    }

    /// The top-level module a file belongs to; `None` for `lib.rs`.
    fn top(&self, file: &str) -> Option<String> {
        let (path, _) = self.modules.iter().find(|(_, f)| f.as_str() == file)?;
        path.first().cloned()
    }

    /// Each top-level module, with its file or folder.
    fn tops(&self) -> BTreeMap<String, String> {
        self.modules
            .iter()
            .filter(|(path, _)| path.len() == 1)
            .map(|(path, file)| (path[0].clone(), file.clone()))
            .collect()
    }
}

/// The groups of files that import each other in a circle, leaving out
/// imports of code compiled for tests only (Tarjan's strongly connected
/// components).
fn circles(imports: &[Import]) -> Vec<BTreeSet<String>> {
    let mut graph: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for import in imports.iter().filter(|i| !i.test) {
        graph.entry(&import.from).or_default().insert(&import.to);
        graph.entry(&import.to).or_default();
    }
    struct Walk<'a> {
        graph: &'a BTreeMap<&'a str, BTreeSet<&'a str>>,
        next: usize,
        index: HashMap<&'a str, usize>,
        low: HashMap<&'a str, usize>,
        stack: Vec<&'a str>,
        found: Vec<BTreeSet<String>>,
    }
    impl<'a> Walk<'a> {
        fn visit(&mut self, node: &'a str) {
            self.index.insert(node, self.next);
            self.low.insert(node, self.next);
            self.next += 1;
            self.stack.push(node);
            for &next in &self.graph[node] {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.stack.contains(&next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut group = BTreeSet::new();
                while let Some(member) = self.stack.pop() {
                    group.insert(member.to_string());
                    if member == node {
                        break;
                    }
                }
                if group.len() > 1 {
                    self.found.push(group);
                }
            }
        }
    }
    let mut walk = Walk {
        graph: &graph,
        next: 0,
        index: HashMap::new(),
        low: HashMap::new(),
        stack: Vec::new(),
        found: Vec::new(),
    };
    for &node in graph.keys() {
        if !walk.index.contains_key(node) {
            walk.visit(node);
        }
    }
    walk.found
}

/// A word or a punctuation mark of source, with its line.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    line: usize,
}

/// The tokens of Rust source, without comments and with every string and
/// character literal as `""`.
fn tokens(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    let push =
        |tokens: &mut Vec<Token>, text: String, line: usize| tokens.push(Token { text, line });
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(chars[i] == '\n');
                    i += 1;
                }
            }
        } else if let Some(end) = raw_string_end(&chars, i) {
            line += chars[i..end].iter().filter(|&&c| c == '\n').count();
            push(&mut tokens, "\"\"".into(), line);
            i = end;
        } else if c == '"' || (c == 'b' && next == Some('"')) {
            i += if c == 'b' { 2 } else { 1 };
            while i < chars.len() && chars[i] != '"' {
                line += usize::from(chars[i] == '\n');
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            push(&mut tokens, "\"\"".into(), line);
            i += 1;
        } else if c == '\'' {
            // A character literal ('a', '\n', '\u{2014}') or a lifetime.
            let end = if next == Some('\\') {
                chars[i + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map(|p| i + 3 + p)
            } else if chars.get(i + 2) == Some(&'\'') {
                Some(i + 3)
            } else {
                None
            };
            match end {
                Some(end) => {
                    push(&mut tokens, "\"\"".into(), line);
                    i = end;
                }
                None => i += 1,
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            push(&mut tokens, chars[start..i].iter().collect(), line);
        } else if c == ':' && next == Some(':') {
            push(&mut tokens, "::".into(), line);
            i += 2;
        } else {
            push(&mut tokens, c.to_string(), line);
            i += 1;
        }
    }
    tokens
}

/// Where a raw string (`r"…"`, `r#"…"#`, `br"…"`) that starts at `i` ends.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let before = i.checked_sub(1).map(|b| chars[b]);
    if before.is_some_and(|b| b.is_alphanumeric() || b == '_') {
        return None;
    }
    let mut j = i;
    if chars.get(j) == Some(&'b') {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// Whether a `#[…]` attribute, as tokens, compiles what follows for tests
/// only.
fn is_test_attribute(attribute: &[Token]) -> bool {
    let words: Vec<&str> = attribute.iter().map(|t| t.text.as_str()).collect();
    words.first() == Some(&"cfg") && words.contains(&"test") && !words.contains(&"not")
}

/// The modules a file declares: inline ones (`mod x { … }`, with their path
/// inside the file) and, marked `declared`, the ones in files of their own
/// (`mod x;`); each with whether it is compiled for tests only.
fn modules_declared(tokens: &[Token]) -> Vec<(Vec<String>, bool, bool)> {
    let mut found = Vec::new();
    walk(tokens, |event| {
        if let Event::Module { path, test, inline } = event {
            found.push((path, test, !inline));
        }
    });
    found
}

/// A path a file uses that may lead to another of its crate's files.
#[derive(Debug)]
struct Used {
    segments: Vec<String>,
    /// The inline modules it is written in, outermost first: `super` and
    /// `self` start there.
    inline: Vec<String>,
    /// In code compiled for tests only.
    test: bool,
    line: usize,
}

/// Every path a file uses that starts at the crate (`crate::`), at a module
/// of the file (`super::`, `self::`) or at one of `children`, the modules
/// declared in the file's own module.
fn paths(tokens: &[Token], children: &[String]) -> Vec<Used> {
    let mut found = Vec::new();
    walk(tokens, |event| {
        if let Event::Path {
            segments,
            test,
            line,
            inline,
        } = event
        {
            let first = segments.first().map_or("", String::as_str);
            let relative = matches!(first, "crate" | "super" | "self")
                || (inline.is_empty() && children.iter().any(|c| c == first));
            if relative {
                found.push(Used {
                    segments,
                    inline,
                    test,
                    line,
                });
            }
        }
    });
    found
}

/// What the walk over a file's tokens meets.
enum Event {
    Module {
        path: Vec<String>,
        test: bool,
        inline: bool,
    },
    Path {
        segments: Vec<String>,
        test: bool,
        line: usize,
        /// The inline modules it is written in, outermost first.
        inline: Vec<String>,
    },
}

/// Walks a file's tokens, following inline modules and code for tests
/// only, and reports each module declared and each path used.
fn walk(tokens: &[Token], mut report: impl FnMut(Event)) {
    // Open braces: the inline module each opened, if any, and whether what
    // it opened is for tests only.
    let mut braces: Vec<(Option<String>, bool)> = Vec::new();
    let mut pending_test = false;
    let word = |t: &Token| {
        t.text
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    };
    let mut i = 0;
    while i < tokens.len() {
        let in_test = braces.iter().any(|(_, test)| *test);
        let inline: Vec<String> = braces.iter().filter_map(|(m, _)| m.clone()).collect();
        let text = tokens[i].text.as_str();
        match text {
            "#" if tokens
                .get(i + 1)
                .is_some_and(|t| t.text == "[" || t.text == "!") =>
            {
                let (attribute, end) = attribute(tokens, i);
                pending_test |= is_test_attribute(attribute);
                i = end;
                continue;
            }
            "{" => {
                braces.push((None, pending_test));
                pending_test = false;
            }
            "}" => {
                braces.pop();
            }
            ";" => pending_test = false,
            "mod" if tokens.get(i + 1).is_some_and(word) => {
                let name = tokens[i + 1].text.clone();
                let inline_module = tokens.get(i + 2).is_some_and(|t| t.text == "{");
                let mut path = inline.clone();
                path.push(name.clone());
                report(Event::Module {
                    path,
                    test: pending_test || in_test,
                    inline: inline_module,
                });
                if inline_module {
                    braces.push((Some(name), pending_test || in_test));
                    i += 3;
                } else {
                    i += 2;
                }
                pending_test = false;
                continue;
            }
            "use" => {
                let mut j = i + 1;
                let mut found = Vec::new();
                use_tree(tokens, &mut j, Vec::new(), &mut found);
                for segments in found {
                    report(Event::Path {
                        segments,
                        test: pending_test || in_test,
                        line: tokens[i].line,
                        inline: inline.clone(),
                    });
                }
                pending_test = false;
                i = j;
                continue;
            }
            _ if word(&tokens[i])
                && tokens.get(i + 1).is_some_and(|t| t.text == "::")
                && (i == 0 || tokens[i - 1].text != "::") =>
            {
                let mut segments = vec![text.to_string()];
                let mut j = i + 1;
                while tokens.get(j).is_some_and(|t| t.text == "::")
                    && tokens.get(j + 1).is_some_and(word)
                {
                    segments.push(tokens[j + 1].text.clone());
                    j += 2;
                }
                report(Event::Path {
                    segments,
                    test: pending_test || in_test,
                    line: tokens[i].line,
                    inline: inline.clone(),
                });
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// The tokens inside the attribute `#[…]` (or `#![…]`) that starts at `i`,
/// and where the tokens after it start.
fn attribute(tokens: &[Token], i: usize) -> (&[Token], usize) {
    let open = if tokens[i + 1].text == "!" {
        i + 2
    } else {
        i + 1
    };
    let (mut depth, mut j) = (0, open);
    while j < tokens.len() {
        match tokens[j].text.as_str() {
            "[" => depth += 1,
            "]" => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        j += 1;
    }
    (&tokens[(open + 1).min(j)..j], j + 1)
}

/// Reads a `use` tree from `tokens[*at]` to its `;`, adding each whole path
/// to `found` (`a::{b, c::d as e, self}` gives `a::b`, `a::c::d` and `a`).
fn use_tree(tokens: &[Token], at: &mut usize, prefix: Vec<String>, found: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    while let Some(token) = tokens.get(*at) {
        match token.text.as_str() {
            "::" => *at += 1,
            "{" => {
                *at += 1;
                while tokens.get(*at).is_some_and(|t| t.text != "}") {
                    use_tree(tokens, at, path.clone(), found);
                    if tokens.get(*at).is_some_and(|t| t.text == ",") {
                        *at += 1;
                    }
                }
                *at += 1;
                if tokens.get(*at).is_some_and(|t| t.text == ";") {
                    *at += 1;
                }
                return;
            }
            "," | "}" => break,
            ";" => {
                *at += 1;
                break;
            }
            "as" => *at += 2,
            "*" => *at += 1,
            "self" if !path.is_empty() => *at += 1,
            _ => {
                path.push(token.text.clone());
                *at += 1;
            }
        }
    }
    if !path.is_empty() {
        found.push(path);
    }
}

/// The functions of a file longer than [`MAX_FUNCTION_LINES`] with no
/// reason above them: name, line and length.
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let tokens = tokens(text);
    let mut found = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        if token.text != "fn" || tokens.get(i + 1).is_none_or(|t| t.text == "(") {
            continue;
        }
        // The body: the first `{` at the top of the signature, to its match.
        let mut j = i + 2;
        let mut depth = 0i32;
        while j < tokens.len() && !(tokens[j].text == "{" && depth == 0) {
            match tokens[j].text.as_str() {
                "(" | "[" | "<" => depth += 1,
                ">" if tokens[j - 1].text == "-" => {}
                ")" | "]" | ">" => depth -= 1,
                ";" if depth == 0 => break,
                _ => {}
            }
            j += 1;
        }
        if tokens.get(j).is_none_or(|t| t.text != "{") {
            continue;
        }
        let mut braces = 0;
        let mut end = j;
        while end < tokens.len() {
            match tokens[end].text.as_str() {
                "{" => braces += 1,
                "}" => {
                    braces -= 1;
                    if braces == 0 {
                        break;
                    }
                }
                _ => {}
            }
            end += 1;
        }
        let Some(last) = tokens.get(end) else {
            continue;
        };
        let length = last.line - token.line + 1;
        if length <= MAX_FUNCTION_LINES {
            continue;
        }
        // The comments and attributes right above the function, up to the
        // blank line or the end of the item before it.
        let said_why = lines[..token.line - 1]
            .iter()
            .rev()
            .map(|line| line.trim())
            .take_while(|line| !line.is_empty() && !line.ends_with('}') && !line.ends_with(';'))
            .any(|line| line.starts_with(LONG_REASON));
        if !said_why {
            found.push((tokens[i + 1].text.clone(), token.line, length));
        }
    }
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn relative(file: &Path) -> String {
    file.strip_prefix(ROOT)
        .unwrap_or(file)
        .display()
        .to_string()
}
