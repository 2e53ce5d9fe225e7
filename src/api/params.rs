//! Query-string parameters, read the one way every endpoint reads them.
//!
//! An endpoint takes its parameters as a tuple of groups, [`Params`]`<(A,
//! B, …)>`: the groups several endpoints share ([`QueryParam`],
//! [`FilterParams`]) and one struct of its own. Each group is one struct
//! that both reads its parameters (serde) and describes them in the OpenAPI
//! document (utoipa), so a parameter is declared once, and the document
//! lists exactly what is read. A parameter no group of the endpoint takes
//! is refused, before any value is read.
//!
//! Every parameter is collected as a list of text: a repeated one gets a
//! clear message (or, for `outlet` and `person`, means "any of these"),
//! an empty one (`limit=`, as an HTML form sends it) means the default, and
//! a malformed one gets the API's own message, from the helpers below.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jiff::civil::Date;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use utoipa::openapi::path::ParameterIn;

use super::error::ApiError;
use super::schema;
use crate::search::query::period;
use crate::search::{self, Filters, Histogram};

/// The query-string parameters of a request, read as the groups `T` (a
/// group, or a tuple of up to four).
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: Groups> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        let query = parts.uri.query().unwrap_or_default();
        let names = T::names();
        let given = url::form_urlencoded::parse(query.as_bytes());
        let mut unknown = given.filter(|(name, _)| !names.iter().any(|known| known == name));
        if let Some((unknown, _)) = unknown.next() {
            return Err(ApiError::InvalidParameter(unknown_parameter(
                &unknown, &names,
            )));
        }
        T::read(query)
            .map(Params)
            .map_err(|message| ApiError::InvalidParameter(describe(&message)))
    }
}

/// Groups of parameters that can be read from one query string.
pub trait Groups: Sized {
    /// Every parameter the groups take, in the order the document lists them.
    fn names() -> Vec<String>;
    fn read(query: &str) -> Result<Self, String>;
}

/// The names of the parameters one group takes, as the document lists them.
fn names_of<G: IntoParams>() -> Vec<String> {
    G::into_params(|| Some(ParameterIn::Query))
        .into_iter()
        .map(|parameter| parameter.name)
        .collect()
}

macro_rules! groups {
    ($($group:ident),+) => {
        impl<$($group: DeserializeOwned + IntoParams),+> Groups for ($($group,)+) {
            fn names() -> Vec<String> {
                let mut names = Vec::new();
                $(names.extend(names_of::<$group>());)+
                names
            }

            fn read(query: &str) -> Result<Self, String> {
                Ok(($(serde_html_form::from_str::<$group>(query).map_err(|e| e.to_string())?,)+))
            }
        }
    };
}

groups!(A);
groups!(A, B);
groups!(A, B, C);
groups!(A, B, C, D);

/// What to say of a parameter no group takes, in the words serde would.
fn unknown_parameter(name: &str, expected: &[String]) -> String {
    let quoted: Vec<String> = expected.iter().map(|name| format!("`{name}`")).collect();
    match quoted.as_slice() {
        [] => format!("unknown parameter `{name}`, there are no parameters"),
        [one] => format!("unknown parameter `{name}`, expected {one}"),
        more => format!(
            "unknown parameter `{name}`, expected one of {}",
            more.join(", ")
        ),
    }
}

/// serde's wording, in the API's terms.
fn describe(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("duplicate field ") {
        format!("parameter {rest} is given more than once; give it once")
    } else {
        format!("invalid query string: {message}")
    }
}

/// `q`: a query in the query language, as search and export take it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueryParam {
    // Described by its schema.
    #[serde(default)]
    #[param(schema_with = schema::query)]
    q: Vec<String>,
}

impl QueryParam {
    /// The query; empty when absent.
    pub fn read(self) -> Result<String, ApiError> {
        Ok(single("q", self.q)?.unwrap_or_default())
    }
}

/// The filters of a search: which outlets, which people, which days. A
/// search, a timeline, a person's page and an export all take them.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FilterParams {
    /// An outlet, exactly but ignoring case; repeat for any of several.
    #[serde(default)]
    #[param(style = Form, explode)]
    outlet: Vec<String>,
    /// A person, exactly but ignoring case; repeat for any of several.
    #[serde(default)]
    #[param(style = Form, explode)]
    person: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::from)]
    from: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::to)]
    to: Vec<String>,
}

impl FilterParams {
    pub fn read(self) -> Result<Filters, ApiError> {
        Ok(Filters {
            outlets: any_of(self.outlet),
            people: any_of(self.person),
            from: day("from", self.from, true)?,
            to: day("to", self.to, false)?,
        })
    }
}

/// The one value of a parameter that may be given once; `None` when absent
/// or empty.
pub fn single(name: &str, values: Vec<String>) -> Result<Option<String>, ApiError> {
    let mut present: Vec<String> = values
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect();
    match present.len() {
        0 => Ok(None),
        1 => Ok(present.pop()),
        n => Err(ApiError::InvalidParameter(format!(
            "{name} is given {n} times; give it once{}",
            if name == "q" {
                " (combine words inside one q, with OR if need be)"
            } else {
                ""
            }
        ))),
    }
}

/// A whole number of 0 or more; `default` when absent or empty.
pub fn number(name: &str, values: Vec<String>, default: usize) -> Result<usize, ApiError> {
    match single(name, values)? {
        None => Ok(default),
        Some(text) => text.trim().parse::<usize>().map_err(|_| {
            ApiError::InvalidParameter(format!(
                "{name} must be a whole number of 0 or more, not {:?}",
                shorten(&text)
            ))
        }),
    }
}

/// One of a few words, read by `parse`; `default` when absent or empty.
pub fn word<T>(
    name: &str,
    values: Vec<String>,
    default: T,
    parse: impl FnOnce(&str) -> Result<T, search::Error>,
) -> Result<T, ApiError> {
    match single(name, values)? {
        None => Ok(default),
        Some(text) => parse(text.trim()).map_err(invalid),
    }
}

/// A day, month or year: its first day when `start`, else its last.
fn day(name: &str, values: Vec<String>, start: bool) -> Result<Option<Date>, ApiError> {
    match single(name, values)? {
        None => Ok(None),
        Some(text) => period(text.trim())
            .map(|(first, last)| Some(if start { first } else { last }))
            .ok_or_else(|| {
                ApiError::InvalidParameter(format!(
                    "{name} must be a date as YYYY-MM-DD (or YYYY-MM, or YYYY), not {:?}",
                    shorten(&text)
                ))
            }),
    }
}

/// The non-empty values of a parameter that may be repeated.
fn any_of(values: Vec<String>) -> Vec<String> {
    values
        .into_iter()
        .filter(|v| !v.trim().is_empty())
        .collect()
}

/// How finely a date histogram counts; by month when absent or empty.
pub fn histogram(values: Vec<String>) -> Result<Histogram, ApiError> {
    word("histogram", values, Histogram::default(), Histogram::parse)
}

/// The start of a value, for a message about it.
fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// A refused request as the API says it; anything else is the server's
/// fault.
pub fn invalid(err: search::Error) -> ApiError {
    match err {
        search::Error::Invalid(message) => ApiError::InvalidParameter(message),
        other => ApiError::internal(other),
    }
}
