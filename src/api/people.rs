//! `GET /api/people/{name}`: a person's page.

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::dto::{ArticleLink, KeyCount, ValueCount};
use super::error::{ApiError, ErrorBody};
use super::params::{FilterParams, Params, histogram, invalid, number};
use super::schema;
use super::state::AppState;
use crate::research::person::{self, CoMention, PersonProfile, PersonQuote, PersonRequest};
use crate::search::Check;

/// The longest name looked up, in characters: longer is no one's name.
const MAX_NAME_CHARS: usize = 200;

/// The `{name}` of `/api/people/{name}`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PersonPath {
    /// Any spelling of the person's name the archive uses ("Zelensky",
    /// "Volodymyr Zelenskyy"), percent-encoded; case and punctuation do
    /// not matter.
    #[param(example = "Volodymyr Zelensky", max_length = 200)]
    name: String,
}

/// What a person's page takes besides its filters (whose `person` keeps
/// to the articles that also name any of those people).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonParams {
    #[serde(default)]
    #[param(schema_with = schema::person_histogram)]
    histogram: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::co_mentions)]
    co_mentions: Vec<String>,
    #[serde(default)]
    #[param(schema_with = schema::quotes)]
    quotes: Vec<String>,
}

impl PersonParams {
    fn read(self, name: String, filters: FilterParams) -> Result<PersonRequest, ApiError> {
        let defaults = PersonRequest::default();
        Ok(PersonRequest {
            name,
            filters: filters.read()?,
            histogram: histogram(self.histogram)?,
            co_mentions: number("co_mentions", self.co_mentions, defaults.co_mentions)?,
            quotes: number("quotes", self.quotes, defaults.quotes)?,
        })
    }
}

/// A person's page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonResponse {
    /// The name the archive shows them under.
    pub name: String,
    /// Articles naming them, by any spelling (within the filters): the
    /// `total` of `/api/search?person=` with the same name and filters.
    pub articles: u64,
    /// The articles counted: the archive, or what the filters leave of it.
    /// `lift` compares against these.
    pub archive_articles: u64,
    /// Their articles by outlet, most first (the top 20).
    pub outlets: Vec<ValueCount>,
    /// Their articles by month (`YYYY-MM`) or day, oldest first.
    pub dates: Vec<KeyCount>,
    /// The people most significantly often named in the same articles:
    /// ordered by `shared · ln(lift)`, so that someone named in nearly
    /// every article does not top every list; only people sharing at least
    /// two articles.
    pub co_mentions: Vec<CoMentionDto>,
    /// Their direct quotes, from their newest articles first.
    pub quotes: Vec<QuoteDto>,
    /// How many of their newest articles were read for quotes (at most 200).
    pub quotes_read_from: usize,
    pub took_ms: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoMentionDto {
    pub name: String,
    /// Articles naming both.
    pub shared: u64,
    /// Articles naming them, with or without the person.
    pub articles: u64,
    /// `shared · archive_articles / (articles of the person · articles)`:
    /// above 1, they are named together more often than chance would have
    /// it. Rounded to three decimals.
    pub lift: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuoteDto {
    /// The quoted words, without quote marks.
    pub text: String,
    /// The sentence that holds the quote and says who said it.
    pub sentence: String,
    pub article: ArticleLink,
}

impl From<CoMention> for CoMentionDto {
    fn from(mention: CoMention) -> CoMentionDto {
        CoMentionDto {
            name: mention.name,
            shared: mention.shared,
            articles: mention.articles,
            lift: (mention.lift * 1e3).round() / 1e3,
        }
    }
}

impl From<PersonQuote> for QuoteDto {
    fn from(quote: PersonQuote) -> QuoteDto {
        QuoteDto {
            text: quote.text,
            sentence: quote.sentence,
            article: ArticleLink::from(quote.article),
        }
    }
}

impl From<PersonProfile> for PersonResponse {
    fn from(profile: PersonProfile) -> PersonResponse {
        PersonResponse {
            name: profile.name,
            articles: profile.articles,
            archive_articles: profile.universe,
            outlets: profile
                .outlets
                .into_iter()
                .map(|f| ValueCount {
                    value: f.value,
                    count: f.count,
                })
                .collect(),
            dates: profile
                .dates
                .into_iter()
                .map(|f| KeyCount {
                    key: f.value,
                    count: f.count,
                })
                .collect(),
            co_mentions: profile.co_mentions.into_iter().map(Into::into).collect(),
            quotes: profile.quotes.into_iter().map(Into::into).collect(),
            quotes_read_from: profile.quotes_read_from,
            took_ms: (profile.took.as_secs_f64() * 1e6).round() / 1e3,
        }
    }
}

/// Shows what the archive says of one person.
///
/// How many articles name them, in which outlets and when, who is named
/// with them, and what they are quoted saying. Any spelling the archive
/// uses finds them.
#[utoipa::path(
    get,
    path = "/api/people/{name}",
    operation_id = "get_person",
    tag = "people",
    params(PersonPath, FilterParams, PersonParams),
    responses(
        (status = 200, description = "The person's page.", body = PersonResponse),
        (status = 400, description = "A parameter is unknown, repeated, malformed or out of range, or the name is too long; the message says which.", body = ErrorBody),
        (status = 404, description = "No one in the archive has this name; the message suggests similar names.", body = ErrorBody),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    Path(PersonPath { name }): Path<PersonPath>,
    Params((filters, params)): Params<(FilterParams, PersonParams)>,
) -> Result<Json<PersonResponse>, ApiError> {
    let length = name.chars().count();
    if length > MAX_NAME_CHARS {
        return Err(ApiError::InvalidParameter(format!(
            "the name is {length} characters long; no name is longer than {MAX_NAME_CHARS}"
        )));
    }
    let request = params.read(name, filters)?.validate().map_err(invalid)?;
    state
        .read(
            move |index| match person::person(index, &request).map_err(invalid)? {
                Some(profile) => Ok(Json(PersonResponse::from(profile))),
                None => Err(ApiError::PersonNotFound {
                    suggestions: person::suggestions(index, &request.name).map_err(invalid)?,
                    name: request.name.clone(),
                }),
            },
        )
        .await
}
