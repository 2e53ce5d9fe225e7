//! Compile: from a parsed [`Node`] tree to a tantivy query, plus what the
//! snippets should highlight.

use std::collections::HashSet;
use std::ops::Bound;
use std::sync::Arc;

use tantivy::Term;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EmptyQuery, ExistsQuery, Occur,
    PhraseQuery, Query, RangeQuery, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TextAnalyzer;

use super::query::{KeywordField, Node, TextField};
use super::request::Filters;
use crate::article::day_start;
use crate::index::analyzer::{self, tokens};
use crate::index::schema::{names, to_tantivy};
use crate::index::{Fields, NewsIndex, People};
use crate::text::normalise::normalise_line;

/// Title matches count twice as much as body matches: a word in the
/// headline says more about what an article is about.
const TITLE_BOOST: f32 = 2.0;

/// Prefixes shorter than this would expand to a large part of the
/// vocabulary and say little.
const MIN_PREFIX_CHARS: usize = 2;

/// A compiled query.
pub struct Compiled {
    pub query: Box<dyn Query>,
    /// Whether any positive text term scores the results; without one,
    /// ranking by relevance means nothing.
    pub scored: bool,
    pub highlight: Terms,
    pub warnings: Vec<String>,
}

/// The analysed terms a query looks for in bodies, for highlighting.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    pub words: HashSet<String>,
    pub phrases: Vec<Vec<String>>,
    pub prefixes: Vec<String>,
}

impl Terms {
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.phrases.is_empty() && self.prefixes.is_empty()
    }
}

pub struct Compiler {
    fields: Fields,
    /// Who is who: a person filter finds every spelling of the person.
    people: Arc<People>,
    english: TextAnalyzer,
    unstemmed: TextAnalyzer,
    keyword: TextAnalyzer,
    scored: bool,
    highlight: Terms,
    warnings: Vec<String>,
}

impl Compiler {
    pub fn new(index: &NewsIndex, people: Arc<People>) -> Compiler {
        Compiler {
            fields: *index.fields(),
            people,
            english: index.analyzer(analyzer::ENGLISH),
            unstemmed: analyzer::english_unstemmed(),
            keyword: index.analyzer(analyzer::KEYWORD),
            scored: false,
            highlight: Terms::default(),
            warnings: Vec::new(),
        }
    }

    pub fn fields(&self) -> &Fields {
        &self.fields
    }

    /// Compiles `root` (`None` matches every article).
    pub fn compile(mut self, root: Option<&Node>) -> Compiled {
        let query = root
            .and_then(|node| self.node(node, true))
            .unwrap_or_else(|| Box::new(AllQuery));
        Compiled {
            query,
            scored: self.scored,
            highlight: self.highlight,
            warnings: self.warnings,
        }
    }

    /// `positive` is false under a negation: those terms neither score nor
    /// get highlighted.
    fn node(&mut self, node: &Node, positive: bool) -> Option<Box<dyn Query>> {
        match node {
            Node::Word { field, text } => {
                let words = tokens(&mut self.english, text);
                self.text(*field, words, positive)
            }
            Node::Phrase { field, text } => {
                let words = tokens(&mut self.english, text);
                if words.is_empty() {
                    self.warnings
                        .push(format!("ignored the phrase \"{text}\": it has no words"));
                }
                self.text(*field, words, positive)
            }
            Node::Prefix { field, text } => self.prefix(*field, text, positive),
            Node::Keyword { field, value } => {
                let field = match field {
                    KeywordField::Outlet => self.fields.outlet,
                    KeywordField::Person => self.fields.people,
                };
                Some(self.keyword(field, value))
            }
            Node::Dates { from, to } => Some(self.dates(*from, *to)),
            Node::And(children) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for child in children {
                    match child {
                        Node::Not(inner) => {
                            if let Some(query) = self.node(inner, !positive) {
                                clauses.push((Occur::MustNot, query));
                            }
                        }
                        child => {
                            if let Some(query) = self.node(child, positive) {
                                clauses.push((Occur::Must, query));
                            }
                        }
                    }
                }
                if clauses.iter().all(|(occur, _)| *occur == Occur::MustNot) {
                    if clauses.is_empty() {
                        return None;
                    }
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Some(Box::new(BooleanQuery::new(clauses)))
            }
            Node::Or(children) => {
                let options: Vec<(Occur, Box<dyn Query>)> = children
                    .iter()
                    .filter_map(|child| self.node(child, positive))
                    .map(|query| (Occur::Should, query))
                    .collect();
                match options.len() {
                    0 => None,
                    _ => Some(Box::new(BooleanQuery::new(options))),
                }
            }
            Node::Not(inner) => {
                let excluded = self.node(inner, !positive)?;
                Some(Box::new(BooleanQuery::new(vec![
                    (Occur::Must, Box::new(AllQuery)),
                    (Occur::MustNot, excluded),
                ])))
            }
        }
    }

    /// The analysed `words` as a term (one word) or a phrase (several), in
    /// the title, the body, or either.
    fn text(
        &mut self,
        field: TextField,
        words: Vec<String>,
        positive: bool,
    ) -> Option<Box<dyn Query>> {
        if words.is_empty() {
            return None;
        }
        if positive {
            self.scored = true;
            if field != TextField::Title {
                match words.as_slice() {
                    [word] => {
                        self.highlight.words.insert(word.clone());
                    }
                    _ => self.highlight.phrases.push(words.clone()),
                }
            }
        }
        let in_field = |field: Field| -> Box<dyn Query> {
            match words.as_slice() {
                [word] => Box::new(TermQuery::new(
                    Term::from_field_text(field, word),
                    IndexRecordOption::WithFreqs,
                )),
                _ => Box::new(PhraseQuery::new(
                    words
                        .iter()
                        .map(|word| Term::from_field_text(field, word))
                        .collect(),
                )),
            }
        };
        Some(self.in_fields(field, in_field))
    }

    fn prefix(&mut self, field: TextField, text: &str, positive: bool) -> Option<Box<dyn Query>> {
        let words = tokens(&mut self.unstemmed, text);
        let [word] = words.as_slice() else {
            if words.is_empty() {
                return None;
            }
            self.warnings.push(format!(
                "`{text}*` is several words; searched for them as a phrase without the `*`"
            ));
            let stemmed = tokens(&mut self.english, text);
            return self.text(field, stemmed, positive);
        };
        // Index terms are stems ("negotiations" is "negoti"), so a prefix
        // must be cut back to what its stem shares with it: `negotiat*`
        // becomes `negoti*`.
        let stem = tokens(&mut self.english, word).pop().unwrap_or_default();
        let prefix: String = word
            .chars()
            .zip(stem.chars())
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a)
            .collect();
        if prefix.chars().count() < MIN_PREFIX_CHARS {
            self.warnings.push(format!(
                "ignored `{text}*`: a prefix needs at least {MIN_PREFIX_CHARS} letters"
            ));
            return None;
        }
        if positive {
            self.scored = true;
            if field != TextField::Title {
                self.highlight.prefixes.push(prefix.clone());
            }
        }
        let pattern = format!("{}.*", regex_escape(&prefix));
        let in_field = |field: Field| -> Box<dyn Query> {
            match RegexQuery::from_pattern(&pattern, field) {
                Ok(query) => Box::new(query),
                Err(_) => Box::new(EmptyQuery),
            }
        };
        Some(self.in_fields(field, in_field))
    }

    fn in_fields(
        &self,
        field: TextField,
        in_field: impl Fn(Field) -> Box<dyn Query>,
    ) -> Box<dyn Query> {
        match field {
            TextField::Title => in_field(self.fields.title),
            TextField::Body => in_field(self.fields.body),
            TextField::Any => Box::new(BooleanQuery::new(vec![
                (
                    Occur::Should,
                    Box::new(BoostQuery::new(in_field(self.fields.title), TITLE_BOOST)),
                ),
                (Occur::Should, in_field(self.fields.body)),
            ])),
        }
    }

    /// An exact outlet or person, ignoring case and spacing; a person in
    /// any of their spellings. Filters do not score: they decide what
    /// matches, not how well.
    pub fn keyword(&mut self, field: Field, value: &str) -> Box<dyn Query> {
        let value = normalise_line(value);
        // A person the directory knows is found by every spelling, in
        // confirmed and unconfirmed names alike.
        let (spellings, fields) = match self.people.person(&value) {
            Some(_) if field == self.fields.people => (
                self.people.spellings(&value),
                vec![self.fields.people, self.fields.unconfirmed_people],
            ),
            _ => (vec![value], vec![field]),
        };
        let mut terms: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for spelling in &spellings {
            let Some(token) = tokens(&mut self.keyword, spelling).pop() else {
                continue;
            };
            for &field in &fields {
                terms.push((
                    Occur::Should,
                    Box::new(TermQuery::new(
                        Term::from_field_text(field, &token),
                        IndexRecordOption::Basic,
                    )),
                ));
            }
        }
        Box::new(ConstScoreQuery::new(
            Box::new(BooleanQuery::new(terms)),
            0.0,
        ))
    }

    /// A request's filters as queries: any of the outlets, any of the
    /// people, and the date range.
    pub fn filters(&mut self, filters: &Filters) -> Vec<Box<dyn Query>> {
        let fields = self.fields;
        let mut queries: Vec<Box<dyn Query>> = Vec::new();
        for (values, field) in [
            (&filters.outlets, fields.outlet),
            (&filters.people, fields.people),
        ] {
            let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
            if values.is_empty() {
                continue;
            }
            let any: Vec<(Occur, Box<dyn Query>)> = values
                .into_iter()
                .map(|value| (Occur::Should, self.keyword(field, value)))
                .collect();
            queries.push(Box::new(BooleanQuery::new(any)));
        }
        if filters.from.is_some() || filters.to.is_some() {
            queries.push(self.dates(filters.from, filters.to));
        }
        queries
    }

    /// Publication days from `from` to `to`, both included.
    pub fn dates(
        &self,
        from: Option<jiff::civil::Date>,
        to: Option<jiff::civil::Date>,
    ) -> Box<dyn Query> {
        let bound = |day: Option<jiff::civil::Date>| match day {
            Some(day) => Bound::Included(Term::from_field_date(
                self.fields.day,
                to_tantivy(day_start(day)),
            )),
            None => Bound::Unbounded,
        };
        let query: Box<dyn Query> = if from.is_none() && to.is_none() {
            // `date:[* TO *]`: every dated article. A range needs one bound.
            Box::new(ExistsQuery::new(names::DAY.to_string(), false))
        } else {
            Box::new(RangeQuery::new(bound(from), bound(to)))
        };
        Box::new(ConstScoreQuery::new(query, 0.0))
    }
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !c.is_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
