//! The query language: from what a user typed to a [`Node`] tree.
//!
//! ```text
//! ukraine ceasefire            both words (ranked by BM25)
//! "coalition of the willing"   the exact phrase
//! ceasefire OR truce           either word
//! -russia   NOT russia         without the word
//! (truce OR ceasefire) putin   grouping
//! negotiat*                    a prefix
//! title:summit  body:"land swap"  outlet:"The Independent"  person:"Keir Starmer"
//! date:[2025-08-01 TO 2025-08-31]  date:2025-08  date:[2025-08-10 TO *]
//! ```
//!
//! `OR` binds tighter than the implicit AND, as in web search engines:
//! `putin truce OR ceasefire` means putin AND (truce OR ceasefire).
//!
//! Parsing never fails. Whatever cannot be understood (an unclosed quote, a
//! dangling `OR`, an unknown field) is repaired or dropped, and a warning
//! says what happened. Pure code: no tantivy, no I/O.

use std::collections::HashSet;

use jiff::civil::Date;

/// Which text a word is looked for in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    /// Title or body: a bare word.
    Any,
    Title,
    Body,
}

/// Which exact-value field a `field:value` filter targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordField {
    Outlet,
    Person,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// One word as typed; the analyser may still split it ("U.S.").
    Word {
        field: TextField,
        text: String,
    },
    Phrase {
        field: TextField,
        text: String,
    },
    /// `word*`: every word starting with `text`.
    Prefix {
        field: TextField,
        text: String,
    },
    Keyword {
        field: KeywordField,
        value: String,
    },
    /// Publication days, both ends included.
    Dates {
        from: Option<Date>,
        to: Option<Date>,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// The result of parsing: the tree (`None` for an empty query, which
/// matches every article) and what had to be repaired or dropped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub root: Option<Node>,
    pub warnings: Vec<String>,
}

/// Parentheses nested deeper than this are ignored: no real query needs
/// them, and a bound keeps recursion safe on hostile input.
pub const MAX_DEPTH: usize = 32;

pub fn parse(input: &str) -> Parsed {
    let mut warnings = Vec::new();
    let tokens = lex(input, &mut warnings);
    let mut parser = Parser {
        tokens,
        pos: 0,
        depth: 0,
        given: warnings.iter().cloned().collect(),
        warnings,
    };
    let mut clauses = Vec::new();
    loop {
        clauses.extend(parser.conjunction(None));
        if parser.pos >= parser.tokens.len() {
            break;
        }
        // Only an unmatched `)` stops a top-level conjunction early.
        parser.pos += 1;
        parser.warn("ignored an unmatched `)`".to_string());
    }
    Parsed {
        root: join(clauses, Node::And),
        warnings: parser.warnings,
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Quoted(String),
    /// `[a TO b]`, the text between the brackets.
    Range(String),
    /// `name:` directly followed by a value.
    Field(String),
    Open,
    Close,
    Or,
    And,
    Not,
}

fn lex(input: &str, warnings: &mut Vec<String>) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            '"' | '“' | '”' => {
                chars.next();
                let (text, closed) = read_until(&mut chars, |c| matches!(c, '"' | '“' | '”'));
                if !closed {
                    warnings.push(format!(
                        "added the missing closing quote: searched for the phrase \"{}\"",
                        text.trim()
                    ));
                }
                tokens.push(Token::Quoted(text));
            }
            '[' => {
                chars.next();
                let (text, closed) = read_until(&mut chars, |c| c == ']');
                if !closed {
                    warnings.push("added the missing `]` at the end of a date range".to_string());
                }
                tokens.push(Token::Range(text));
            }
            '-' | '+' => {
                chars.next();
                // A sign directly before a term: `-word` excludes it, `+word`
                // requires it (as every term already is). Alone, it is
                // punctuation.
                let next_is_term = chars
                    .peek()
                    .is_some_and(|&(_, n)| !n.is_whitespace() && n != ')' && n != '-' && n != '+');
                if c == '-' && next_is_term {
                    tokens.push(Token::Not);
                }
            }
            _ => {
                let mut end = input.len();
                let mut field = None;
                while let Some(&(i, c)) = chars.peek() {
                    if c.is_whitespace() || matches!(c, '(' | ')' | '"' | '“' | '”' | '[') {
                        end = i;
                        break;
                    }
                    chars.next();
                    if c == ':' {
                        let name = &input[start..i];
                        let value_follows = chars
                            .peek()
                            .is_some_and(|&(_, n)| !n.is_whitespace() && n != ')');
                        // `name:value` makes a field of any name (an unknown
                        // one is reported by the parser); `name: value`
                        // only of a known one, so "Breaking: news" stays text.
                        if is_field_name(name) && (value_follows || is_known_field(name)) {
                            field = Some(name);
                            end = i + 1;
                            break;
                        }
                    }
                }
                if let Some(name) = field {
                    tokens.push(Token::Field(name.to_string()));
                    continue;
                }
                let word = &input[start..end];
                tokens.push(match word {
                    "OR" | "||" | "|" => Token::Or,
                    "AND" | "&&" => Token::And,
                    "NOT" => Token::Not,
                    _ => Token::Word(word.to_string()),
                });
            }
        }
    }
    tokens
}

/// The text up to the first character that `closes`, that character
/// taken too; and whether there was one before the end.
fn read_until(
    chars: &mut impl Iterator<Item = (usize, char)>,
    closes: impl Fn(char) -> bool,
) -> (String, bool) {
    let mut text = String::new();
    for (_, c) in chars {
        if closes(c) {
            return (text, true);
        }
        text.push(c);
    }
    (text, false)
}

fn is_known_field(name: &str) -> bool {
    field_scope(name).is_some()
}

/// The scope of a field name, if it is one: `person` and `people` are one.
fn field_scope(name: &str) -> Option<Scope> {
    Some(match name.to_ascii_lowercase().as_str() {
        "title" => Scope::Text(TextField::Title),
        "body" | "text" => Scope::Text(TextField::Body),
        "outlet" | "source" => Scope::Keyword(KeywordField::Outlet),
        "person" | "people" => Scope::Keyword(KeywordField::Person),
        "date" => Scope::Date,
        _ => return None,
    })
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 20
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Where a term in a field group (`title:(a b)`) goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Text(TextField),
    Keyword(KeywordField),
    Date,
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
    depth: usize,
    warnings: Vec<String>,
    /// The warnings given so far, so that each is given once without
    /// searching the list: a long query can earn thousands.
    given: HashSet<String>,
}

impl Parser {
    fn warn(&mut self, warning: String) {
        if self.given.insert(warning.clone()) {
            self.warnings.push(warning);
        }
    }

    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    /// and := or ( [AND] or )*, up to a `)` or the end.
    fn conjunction(&mut self, scope: Option<Scope>) -> Option<Node> {
        let mut clauses = Vec::new();
        loop {
            match self.peek() {
                None | Some(Token::Close) => break,
                Some(Token::And) => {
                    self.pos += 1;
                    if clauses.is_empty() || matches!(self.peek(), None | Some(Token::Close)) {
                        self.warn("dropped an `AND` with nothing on one side".to_string());
                    }
                }
                Some(Token::Or) => {
                    self.pos += 1;
                    self.warn("dropped an `OR` with nothing on one side".to_string());
                }
                Some(_) => {
                    if let Some(node) = self.disjunction(scope) {
                        clauses.push(node);
                    }
                }
            }
        }
        join(clauses, Node::And)
    }

    /// or := unary ( OR unary )*
    fn disjunction(&mut self, scope: Option<Scope>) -> Option<Node> {
        let mut options: Vec<Node> = self.unary(scope).into_iter().collect();
        while self.peek() == Some(&Token::Or) {
            self.pos += 1;
            match self.peek() {
                None | Some(Token::Close) | Some(Token::Or) | Some(Token::And) => {
                    self.warn("dropped an `OR` with nothing on one side".to_string());
                }
                Some(_) => options.extend(self.unary(scope)),
            }
        }
        join(options, Node::Or)
    }

    /// unary := (NOT | -)* primary
    fn unary(&mut self, scope: Option<Scope>) -> Option<Node> {
        let mut negations = 0;
        while self.peek() == Some(&Token::Not) {
            self.pos += 1;
            negations += 1;
        }
        if negations > 0
            && matches!(
                self.peek(),
                None | Some(Token::Close | Token::Or | Token::And)
            )
        {
            self.warn("dropped a `NOT` (or `-`) with nothing after it".to_string());
            return None;
        }
        let node = self.primary(scope)?;
        Some(if negations % 2 == 1 {
            Node::Not(Box::new(node))
        } else {
            node
        })
    }

    fn primary(&mut self, scope: Option<Scope>) -> Option<Node> {
        let token = self.tokens.get(self.pos).cloned()?;
        self.pos += 1;
        match token {
            Token::Open => self.group(scope),
            Token::Word(word) => self.word(word, scope),
            Token::Quoted(text) => self.quoted(text, scope),
            Token::Range(text) => match scope {
                Some(Scope::Date) => self.date_range(&text),
                _ => {
                    self.warn(format!(
                        "ignored `[{text}]`: ranges work on dates, as in date:[2025-08-01 TO 2025-08-31]"
                    ));
                    None
                }
            },
            Token::Field(name) => self.field(name, scope),
            Token::Close | Token::Or | Token::And | Token::Not => None,
        }
    }

    fn group(&mut self, scope: Option<Scope>) -> Option<Node> {
        if self.depth >= MAX_DEPTH {
            // Too deep: treat this `(` as if it were not there, and its
            // `)` as unmatched (dropped with a warning by the caller).
            self.warn(format!(
                "ignored parentheses nested deeper than {MAX_DEPTH} levels"
            ));
            return None;
        }
        self.depth += 1;
        let inner = self.conjunction(scope);
        self.depth -= 1;
        if self.peek() == Some(&Token::Close) {
            self.pos += 1;
        } else {
            self.warn("added a missing `)` at the end of the query".to_string());
        }
        inner
    }

    fn field(&mut self, mut name: String, scope: Option<Scope>) -> Option<Node> {
        // `title:body:x` applies the last field only.
        while let Some(Token::Field(next)) = self.peek().cloned() {
            self.warn(format!("dropped `{name}:` directly before `{next}:`"));
            self.pos += 1;
            name = next;
        }
        let Some(field_scope) = field_scope(&name) else {
            self.warn(format!(
                "`{name}:` is not a field (fields are title, body, outlet, person and date); \
                 searched for `{name}` as a word"
            ));
            let word = self.word(name, scope);
            return match (word, self.primary_after_unknown_field(scope)) {
                (Some(a), Some(b)) => Some(Node::And(vec![a, b])),
                (a, b) => a.or(b),
            };
        };
        if scope.is_some_and(|outer| outer != field_scope) {
            self.warn(format!(
                "`{name}:` inside another field's group applies to its own value only"
            ));
        }
        match self.peek() {
            None | Some(Token::Close) | Some(Token::Or) | Some(Token::And) => {
                self.warn(format!("dropped `{name}:` with no value after it"));
                None
            }
            Some(Token::Not) => {
                self.warn(format!(
                    "dropped `{name}:` before a negation: write -{name}:value instead"
                ));
                None
            }
            Some(_) => self.primary(Some(field_scope)),
        }
    }

    /// After an unknown `name:`, its value is searched as ordinary text.
    fn primary_after_unknown_field(&mut self, scope: Option<Scope>) -> Option<Node> {
        match self.peek() {
            Some(Token::Word(_) | Token::Quoted(_) | Token::Open) => self.primary(scope),
            _ => None,
        }
    }

    fn word(&mut self, word: String, scope: Option<Scope>) -> Option<Node> {
        match scope {
            Some(Scope::Keyword(field)) => Some(Node::Keyword { field, value: word }),
            Some(Scope::Date) => self.date_value(&word),
            Some(Scope::Text(field)) => Some(text_word(field, word)),
            None => Some(text_word(TextField::Any, word)),
        }
    }

    fn quoted(&mut self, text: String, scope: Option<Scope>) -> Option<Node> {
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        if text.is_empty() {
            return None;
        }
        match scope {
            Some(Scope::Keyword(field)) => Some(Node::Keyword { field, value: text }),
            Some(Scope::Date) => self.date_value(&text),
            Some(Scope::Text(field)) => Some(Node::Phrase { field, text }),
            None => Some(Node::Phrase {
                field: TextField::Any,
                text,
            }),
        }
    }

    /// `date:2025-08-14`, `date:2025-08`, `date:2025`: the whole period.
    fn date_value(&mut self, text: &str) -> Option<Node> {
        match period(text) {
            Some((from, to)) => Some(Node::Dates {
                from: Some(from),
                to: Some(to),
            }),
            None => {
                self.warn(format!(
                    "ignored date:{text}: dates are YYYY-MM-DD, YYYY-MM or YYYY, \
                     as in date:2025-08 or date:[2025-08-01 TO 2025-08-31]"
                ));
                None
            }
        }
    }

    /// `[from TO to]`, where either end may be `*`.
    fn date_range(&mut self, text: &str) -> Option<Node> {
        let parts: Vec<&str> = text.split_whitespace().collect();
        let ends = match parts.as_slice() {
            [from, to_keyword, to] if to_keyword.eq_ignore_ascii_case("to") => Some((*from, *to)),
            _ => None,
        };
        let bound = |text: &str, start: bool| -> Result<Option<Date>, ()> {
            if text == "*" {
                return Ok(None);
            }
            let (first, last) = period(text).ok_or(())?;
            Ok(Some(if start { first } else { last }))
        };
        match ends.map(|(from, to)| (bound(from, true), bound(to, false))) {
            Some((Ok(from), Ok(to))) => {
                if let (Some(from), Some(to)) = (from, to)
                    && from > to
                {
                    self.warn(format!(
                        "the date range [{text}] ends before it starts, so nothing matches it"
                    ));
                }
                Some(Node::Dates { from, to })
            }
            _ => {
                self.warn(format!(
                    "ignored date:[{text}]: write a range as date:[2025-08-01 TO 2025-08-31] \
                     (either end may be *)"
                ));
                None
            }
        }
    }
}

fn text_word(field: TextField, word: String) -> Node {
    match word.strip_suffix('*') {
        Some(prefix) if !prefix.is_empty() && !prefix.ends_with('*') => Node::Prefix {
            field,
            text: prefix.to_string(),
        },
        _ => Node::Word { field, text: word },
    }
}

/// Joins nodes with `make` (AND or OR), flattening nested nodes of the
/// same kind.
fn join(nodes: Vec<Node>, make: fn(Vec<Node>) -> Node) -> Option<Node> {
    let mut flat = Vec::with_capacity(nodes.len());
    for node in nodes {
        match (node, make(Vec::new())) {
            (Node::And(inner), Node::And(_)) | (Node::Or(inner), Node::Or(_)) => flat.extend(inner),
            (node, _) => flat.push(node),
        }
    }
    match flat.len() {
        0 => None,
        1 => flat.pop(),
        _ => Some(make(flat)),
    }
}

/// The first and last day of `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
pub fn period(text: &str) -> Option<(Date, Date)> {
    let parts: Vec<&str> = text.split('-').collect();
    let number = |s: &str, len: usize| -> Option<i16> {
        (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match parts.as_slice() {
        [y] => {
            let year = number(y, 4)?;
            Some((Date::new(year, 1, 1).ok()?, Date::new(year, 12, 31).ok()?))
        }
        [y, m] => {
            let first = Date::new(number(y, 4)?, number(m, 2)? as i8, 1).ok()?;
            Some((first, first.last_of_month()))
        }
        [y, m, d] => {
            let day = Date::new(number(y, 4)?, number(m, 2)? as i8, number(d, 2)? as i8).ok()?;
            Some((day, day))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Node {
        Node::Word {
            field: TextField::Any,
            text: text.to_string(),
        }
    }

    fn root(input: &str) -> Node {
        let parsed = parse(input);
        assert!(parsed.warnings.is_empty(), "{input}: {:?}", parsed.warnings);
        parsed.root.expect("empty query")
    }

    #[test]
    fn words_are_and_and_or_binds_tighter() {
        assert_eq!(
            root("putin truce OR ceasefire"),
            Node::And(vec![
                word("putin"),
                Node::Or(vec![word("truce"), word("ceasefire")])
            ])
        );
        assert_eq!(root("a AND b"), Node::And(vec![word("a"), word("b")]));
        assert_eq!(root("or"), word("or"));
    }

    #[test]
    fn negation_phrases_prefixes_and_groups() {
        assert_eq!(
            root("-russia NOT \"peace deal\" (negotiat* OR talks)"),
            Node::And(vec![
                Node::Not(Box::new(word("russia"))),
                Node::Not(Box::new(Node::Phrase {
                    field: TextField::Any,
                    text: "peace deal".into()
                })),
                Node::Or(vec![
                    Node::Prefix {
                        field: TextField::Any,
                        text: "negotiat".into()
                    },
                    word("talks")
                ]),
            ])
        );
        // A hyphen inside a word is not a negation.
        assert_eq!(root("US-Russia"), word("US-Russia"));
    }

    #[test]
    fn fields_apply_to_words_phrases_and_groups() {
        assert_eq!(
            root("title:(summit alaska) outlet:\"The Independent\" person:Putin"),
            Node::And(vec![
                Node::Word {
                    field: TextField::Title,
                    text: "summit".into()
                },
                Node::Word {
                    field: TextField::Title,
                    text: "alaska".into()
                },
                Node::Keyword {
                    field: KeywordField::Outlet,
                    value: "The Independent".into()
                },
                Node::Keyword {
                    field: KeywordField::Person,
                    value: "Putin".into()
                },
            ])
        );
    }

    #[test]
    fn dates_take_ranges_and_periods() {
        let d = |y, m, d| Some(Date::new(y, m, d).unwrap());
        assert_eq!(
            root("date:[2025-08-01 TO 2025-08-31]"),
            Node::Dates {
                from: d(2025, 8, 1),
                to: d(2025, 8, 31)
            }
        );
        assert_eq!(
            root("date:[2025-02 TO *]"),
            Node::Dates {
                from: d(2025, 2, 1),
                to: None
            }
        );
        assert_eq!(
            root("date:2024-02"),
            Node::Dates {
                from: d(2024, 2, 1),
                to: d(2024, 2, 29)
            }
        );
    }

    #[test]
    fn malformed_queries_are_repaired_with_warnings() {
        for (input, expected_root, warning) in [
            (
                "\"coalition of the",
                Some("coalition of the"),
                "closing quote",
            ),
            ("ukraine OR", Some("ukraine"), "`OR`"),
            ("OR ukraine", Some("ukraine"), "`OR`"),
            ("ukraine NOT", Some("ukraine"), "`NOT`"),
            ("(ukraine", Some("ukraine"), "missing `)`"),
            ("ukraine)", Some("ukraine"), "unmatched `)`"),
            ("foo:ukraine", None, "not a field"),
            (
                "date:yesterday ukraine",
                Some("ukraine"),
                "ignored date:yesterday",
            ),
            ("title: ukraine", Some("ukraine"), ""),
        ] {
            let parsed = parse(input);
            if warning.is_empty() {
                assert!(parsed.warnings.is_empty(), "{input}: {:?}", parsed.warnings);
            } else {
                assert!(
                    parsed.warnings.iter().any(|w| w.contains(warning)),
                    "{input}: {:?}",
                    parsed.warnings
                );
            }
            let root = parsed.root.expect(input);
            if let Some(text) = expected_root {
                let found = match &root {
                    Node::Word { text, .. } | Node::Phrase { text, .. } => text.as_str(),
                    _ => "",
                };
                assert_eq!(found, text, "{input}: {root:?}");
            }
        }
    }

    #[test]
    fn empty_and_punctuation_only_queries_have_no_root() {
        assert_eq!(parse("").root, None);
        assert_eq!(parse("   ").root, None);
        assert_eq!(parse("()").root, None);
        assert_eq!(parse("- +").root, None);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let input = format!("{}ukraine{}", "(".repeat(500), ")".repeat(500));
        let parsed = parse(&input);
        assert!(parsed.warnings.iter().any(|w| w.contains("deeper")));
        assert!(parsed.root.is_some());
    }

    #[test]
    fn thousands_of_warnings_are_each_given_once_and_quickly() {
        let input: String = (0..40_000).map(|i| format!("f{i}:x f{i}:y ")).collect();
        let started = std::time::Instant::now();
        let parsed = parse(&input);
        // Looking each warning up in the list took seconds.
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(parsed.warnings.len(), 40_000);
        assert!(parsed.warnings[39_999].starts_with("`f39999:` is not a field"));
    }

    #[test]
    fn date_periods() {
        assert_eq!(
            period("2025"),
            Some((
                Date::new(2025, 1, 1).unwrap(),
                Date::new(2025, 12, 31).unwrap()
            ))
        );
        assert_eq!(period("2025-13"), None);
        assert_eq!(period("2025-02-30"), None);
        assert_eq!(period("25-01-01"), None);
    }
}
