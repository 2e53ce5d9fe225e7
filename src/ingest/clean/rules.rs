//! The furniture rules of `furniture.toml`, compiled once.

use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

/// The rules file, compiled into the binary.
pub const FURNITURE: &str = include_str!("furniture.toml");

/// A compiled rule. `name` is what `inspect` shows as the reason a span was
/// removed.
#[derive(Debug)]
pub struct Rule {
    pub name: String,
    pub kind: Kind,
    /// Whether removed text may still tell the publication date.
    pub date: bool,
}

#[derive(Debug)]
pub enum Kind {
    Line {
        pattern: Regex,
        max_chars: Option<usize>,
    },
    Inline {
        pattern: Regex,
    },
    Block {
        start: Regex,
        end: Option<Regex>,
        max_lines: usize,
    },
    Tail {
        pattern: Regex,
    },
    Related {
        pattern: Regex,
    },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    rule: Vec<Spec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    name: String,
    line: Option<String>,
    max_chars: Option<usize>,
    inline: Option<String>,
    start: Option<String>,
    end: Option<String>,
    max_lines: Option<usize>,
    tail: Option<String>,
    related: Option<String>,
    #[serde(default)]
    date: bool,
}

/// Why a rules file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("the rules file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("rule {name:?}: {problem}")]
    Rule { name: String, problem: String },
}

/// Compiles the rules of a TOML text.
pub fn compile(text: &str) -> Result<Vec<Rule>, RulesError> {
    let file: File = toml::from_str(text)?;
    file.rule.into_iter().map(compile_one).collect()
}

fn compile_one(spec: Spec) -> Result<Rule, RulesError> {
    let name = spec.name.clone();
    let problem = |problem: String| RulesError::Rule {
        name: name.clone(),
        problem,
    };
    let regex = |pattern: &str| Regex::new(pattern).map_err(|err| problem(err.to_string()));
    let kinds = [
        spec.line.is_some(),
        spec.inline.is_some(),
        spec.start.is_some(),
        spec.tail.is_some(),
        spec.related.is_some(),
    ];
    if kinds.iter().filter(|&&k| k).count() != 1 {
        return Err(problem(
            "give exactly one of line, inline, start (with end), tail or related".to_string(),
        ));
    }
    let kind = if let Some(line) = &spec.line {
        Kind::Line {
            pattern: regex(line)?,
            max_chars: spec.max_chars,
        }
    } else if let Some(inline) = &spec.inline {
        Kind::Inline {
            pattern: regex(inline)?,
        }
    } else if let Some(start) = &spec.start {
        Kind::Block {
            start: regex(start)?,
            end: spec.end.as_deref().map(regex).transpose()?,
            max_lines: spec.max_lines.unwrap_or(12),
        }
    } else if let Some(tail) = &spec.tail {
        Kind::Tail {
            pattern: regex(tail)?,
        }
    } else {
        Kind::Related {
            pattern: regex(spec.related.as_deref().unwrap_or_default())?,
        }
    };
    Ok(Rule {
        name: spec.name,
        kind,
        date: spec.date,
    })
}

/// The built-in rules. The file is part of the binary and checked by the
/// tests, so it always compiles.
pub fn builtin() -> &'static [Rule] {
    static RULES: LazyLock<Vec<Rule>> =
        LazyLock::new(|| compile(FURNITURE).unwrap_or_else(|err| panic!("furniture.toml: {err}")));
    &RULES
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_rules_compile_and_have_unique_names() {
        let rules = compile(FURNITURE).unwrap();
        assert!(rules.len() > 10);
        let mut names: Vec<&str> = rules.iter().map(|r| r.name.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), rules.len());
    }

    #[test]
    fn every_builtin_rule_says_what_it_catches_and_why() {
        for block in FURNITURE.split("[[rule]]").skip(1) {
            let comment_lines = block
                .lines()
                .skip(1)
                .take_while(|line| !line.starts_with("[["))
                .filter(|line| line.trim_start().starts_with('#'))
                .count();
            let name = block.lines().nth(1).unwrap_or_default();
            assert!(comment_lines >= 1, "rule without a comment: {name}");
        }
    }

    #[test]
    fn bad_rules_are_refused_with_their_name() {
        let err = compile("[[rule]]\nname = \"x\"\nline = \"(\"\n").unwrap_err();
        assert!(err.to_string().contains("\"x\""), "{err}");
        let err = compile("[[rule]]\nname = \"y\"\nline = \"a\"\ntail = \"b\"\n").unwrap_err();
        assert!(err.to_string().contains("exactly one"), "{err}");
    }
}
