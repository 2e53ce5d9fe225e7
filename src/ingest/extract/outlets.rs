//! The outlets of `outlets.toml`: one name per publication, found from a
//! spelling, a web address or a signature in the text.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::text::names::name_key;
use serde::Deserialize;

/// The outlets file, compiled into the binary.
pub const OUTLETS: &str = include_str!("outlets.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    outlet: Vec<Spec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Spec {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    domains: Vec<String>,
    #[serde(default)]
    signatures: Vec<String>,
}

/// The compiled table.
#[derive(Debug)]
pub struct Outlets {
    by_key: HashMap<String, String>,
    by_domain: HashMap<String, String>,
    signatures: Vec<(Regex, String)>,
}

/// Why an outlets file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum OutletsError {
    #[error("the outlets file is not valid TOML: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("outlet {name:?}: signature {pattern:?} is not a valid regular expression: {error}")]
    Signature {
        name: String,
        pattern: String,
        error: regex::Error,
    },
    #[error("{spelling:?} names both {first:?} and {second:?}")]
    Ambiguous {
        spelling: String,
        first: String,
        second: String,
    },
}

/// How spellings are compared: see [`name_key`].
pub fn key(name: &str) -> String {
    name_key(name)
}

impl Outlets {
    pub fn compile(text: &str) -> Result<Outlets, OutletsError> {
        let file: File = toml::from_str(text)?;
        let mut table = Outlets {
            by_key: HashMap::new(),
            by_domain: HashMap::new(),
            signatures: Vec::new(),
        };
        for spec in file.outlet {
            for spelling in std::iter::once(&spec.name).chain(&spec.aliases) {
                if let Some(first) = table.by_key.insert(key(spelling), spec.name.clone())
                    && first != spec.name
                {
                    return Err(OutletsError::Ambiguous {
                        spelling: spelling.clone(),
                        first,
                        second: spec.name,
                    });
                }
            }
            for domain in &spec.domains {
                table
                    .by_domain
                    .insert(domain.to_ascii_lowercase(), spec.name.clone());
            }
            for pattern in &spec.signatures {
                let regex = Regex::new(pattern).map_err(|error| OutletsError::Signature {
                    name: spec.name.clone(),
                    pattern: pattern.clone(),
                    error,
                })?;
                table.signatures.push((regex, spec.name.clone()));
            }
        }
        Ok(table)
    }

    /// The built-in table (checked by the tests, so it always compiles).
    pub fn builtin() -> &'static Outlets {
        static OUTLETS_TABLE: LazyLock<Outlets> = LazyLock::new(|| {
            Outlets::compile(OUTLETS).unwrap_or_else(|err| panic!("outlets.toml: {err}"))
        });
        &OUTLETS_TABLE
    }

    /// The one spelling of a known outlet, or `name` as given (with its
    /// spacing normalised) for an outlet the table does not know.
    pub fn canonical(&self, name: &str) -> String {
        self.by_key
            .get(&key(name))
            .cloned()
            .unwrap_or_else(|| crate::text::normalise::normalise_line(name))
    }

    /// The outlet whose pages live at `host` (or a subdomain of one).
    pub fn by_host(&self, host: &str) -> Option<&str> {
        let host = host.to_ascii_lowercase();
        let mut rest = host.as_str();
        loop {
            if let Some(name) = self.by_domain.get(rest) {
                return Some(name);
            }
            rest = rest.split_once('.')?.1;
            if !rest.contains('.') {
                return None;
            }
        }
    }

    /// The first outlet whose signature one of `paragraphs` carries.
    pub fn by_signature<'a>(
        &self,
        paragraphs: impl Iterator<Item = &'a str> + Clone,
    ) -> Option<&str> {
        self.signatures.iter().find_map(|(regex, name)| {
            paragraphs
                .clone()
                .any(|p| regex.is_match(p))
                .then_some(name.as_str())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_table_compiles() {
        Outlets::compile(OUTLETS).unwrap();
    }

    #[test]
    fn spellings_of_one_outlet_meet() {
        let outlets = Outlets::builtin();
        assert_eq!(outlets.canonical("Independent"), "The Independent");
        assert_eq!(outlets.canonical("the independent"), "The Independent");
        assert_eq!(outlets.canonical("Spectator"), "The Spectator");
        assert_eq!(outlets.canonical("Daily  Mirror"), "Mirror");
        assert_eq!(outlets.canonical("Harbour  Gazette"), "Harbour Gazette");
        assert_eq!(key("The Harbour Gazette."), key("harbour gazette"));
        assert_eq!(key("The"), "the");
    }

    #[test]
    fn web_addresses_and_their_subdomains_name_the_outlet() {
        let outlets = Outlets::builtin();
        assert_eq!(
            outlets.by_host("www.independent.co.uk"),
            Some("The Independent")
        );
        assert_eq!(outlets.by_host("uk.news.yahoo.com"), Some("Yahoo News"));
        assert_eq!(outlets.by_host("example.co.uk"), None);
        assert_eq!(outlets.by_host("co.uk"), None);
    }

    #[test]
    fn signatures_name_the_outlet_of_a_page_without_metadata() {
        let outlets = Outlets::builtin();
        let page = [
            "Text.",
            "READ MORE: Join our Mirror politics WhatsApp group to get the latest",
        ];
        assert_eq!(outlets.by_signature(page.iter().copied()), Some("Mirror"));
        assert_eq!(outlets.by_signature(["Plain text."].iter().copied()), None);
    }

    #[test]
    fn one_spelling_for_two_outlets_is_refused() {
        let text = "[[outlet]]\nname = \"A\"\naliases = [\"X\"]\n[[outlet]]\nname = \"B\"\naliases = [\"x\"]\n";
        assert!(matches!(
            Outlets::compile(text),
            Err(OutletsError::Ambiguous { .. })
        ));
    }
}
