//! The JSON the API speaks: response bodies built from the plain types of
//! `search` and `ingest`. `newsdesk search --json` prints these too, so the
//! terminal and the API always agree. Each derives its schema in the
//! OpenAPI document too, so the document describes what is sent.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::article::{Article, lede};
use crate::ingest::{Origin, Report};
use crate::research::significant::SignificantTerm;
use crate::search::{FacetValue, Hit, Linked, SearchResults, Stats};

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The exact number of matching articles (stories, with
    /// `collapse=story`).
    pub total: usize,
    pub took_ms: f64,
    pub warnings: Vec<String>,
    pub hits: Vec<HitDto>,
    pub facets: FacetsDto,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HitDto {
    #[serde(flatten)]
    pub article: ArticleMeta,
    pub score: f32,
    /// Up to three fragments of the body, HTML-escaped, with matches in
    /// `<mark>…</mark>`.
    pub snippets: Vec<String>,
    /// With `collapse=story` only: how many matching articles the hit's
    /// story has, the hit included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub copies: Option<u64>,
    /// With `collapse=story` only: the distinct outlets of those articles,
    /// as written, sorted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlets: Option<Vec<String>>,
}

/// What a hit and a whole article both show: everything but the body.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleMeta {
    pub id: String,
    /// The headline, or for an article without one, the first sentence of
    /// its lede (and then `title_source` is `lede`).
    pub title: String,
    /// `given` (by the source), `heuristic` (the first line read as a
    /// headline), `text` (an appended block's heading) or `lede`.
    pub title_source: &'static str,
    pub outlet: Option<String>,
    /// `given`, `url`, `text` or `none`.
    pub outlet_source: &'static str,
    pub date: Option<String>,
    /// `given`, `text` or `none`.
    pub date_source: &'static str,
    pub url: Option<String>,
    pub people: Vec<String>,
    /// The id of the page an aggregator appended this article to.
    pub parent: Option<String>,
}

impl ArticleMeta {
    /// Splits an article into its metadata and its body.
    fn split(article: Article) -> (ArticleMeta, String) {
        let (title, title_source) = match article.title {
            Some(title) => (title, article.sources.title.as_str()),
            None => (lede(&article.body), "lede"),
        };
        let meta = ArticleMeta {
            id: article.id.to_string(),
            title,
            title_source,
            outlet: article.outlet,
            outlet_source: article.sources.outlet.as_str(),
            date: article.date.map(|d| d.to_string()),
            date_source: article.sources.date.as_str(),
            url: article.url.map(|u| u.to_string()),
            people: article.people,
            parent: article.parent.map(|p| p.to_string()),
        };
        (meta, article.body)
    }
}

/// Another article, as a link: enough to show and open it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleLink {
    pub id: String,
    pub title: String,
    pub title_source: &'static str,
    pub outlet: Option<String>,
    pub date: Option<String>,
}

impl From<Article> for ArticleLink {
    fn from(article: Article) -> ArticleLink {
        let (meta, _) = ArticleMeta::split(article);
        ArticleLink {
            id: meta.id,
            title: meta.title,
            title_source: meta.title_source,
            outlet: meta.outlet,
            date: meta.date,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FacetsDto {
    pub outlet: Vec<ValueCount>,
    pub people: Vec<ValueCount>,
    pub date: Vec<KeyCount>,
    /// With `terms=N`: the words that set the matches apart from the whole
    /// archive, most distinctive first.
    pub terms: Vec<TermScore>,
}

/// A significant term of a search.
#[derive(Debug, Serialize, PartialEq, ToSchema)]
pub struct TermScore {
    /// The word, in its commonest form among the matches.
    pub value: String,
    /// How many of the sampled best matches (up to 100) hold it.
    pub count: u64,
    /// How distinctive it is (JLH, to four decimals): higher is more so.
    pub score: f64,
}

#[derive(Debug, Serialize, PartialEq, Eq, ToSchema)]
pub struct ValueCount {
    pub value: String,
    pub count: u64,
}

#[derive(Debug, Serialize, PartialEq, Eq, ToSchema)]
pub struct KeyCount {
    /// `YYYY-MM`, or `YYYY-MM-DD` with `histogram=day`.
    pub key: String,
    pub count: u64,
}

impl SearchResponse {
    /// A search's results, with the significant terms found for it.
    pub fn new(results: SearchResults, terms: Vec<SignificantTerm>) -> SearchResponse {
        let values = |values: Vec<FacetValue>| {
            values
                .into_iter()
                .map(|FacetValue { value, count }| ValueCount { value, count })
                .collect()
        };
        SearchResponse {
            total: results.total,
            took_ms: (results.took.as_secs_f64() * 1e6).round() / 1e3,
            warnings: results.warnings,
            hits: results.hits.into_iter().map(HitDto::from).collect(),
            facets: FacetsDto {
                outlet: values(results.facets.outlets),
                people: values(results.facets.people),
                date: results
                    .facets
                    .dates
                    .into_iter()
                    .map(|FacetValue { value, count }| KeyCount { key: value, count })
                    .collect(),
                terms: terms
                    .into_iter()
                    .map(|term| TermScore {
                        value: term.value,
                        count: term.count,
                        score: (term.score * 1e4).round() / 1e4,
                    })
                    .collect(),
            },
        }
    }
}

impl From<Hit> for HitDto {
    fn from(hit: Hit) -> HitDto {
        HitDto {
            article: ArticleMeta::split(hit.article).0,
            score: hit.score,
            snippets: hit.snippets,
            copies: hit.copies.as_ref().map(|copies| copies.count),
            outlets: hit.copies.map(|copies| copies.outlets),
        }
    }
}

/// A whole article, with the pages an aggregator linked it to.
#[derive(Debug, Serialize, ToSchema)]
pub struct ArticleDto {
    #[serde(flatten)]
    pub article: ArticleMeta,
    pub body: String,
    /// With `?q=`: the body HTML-escaped, with the query's matches in
    /// `<mark>…</mark>`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_marked: Option<String>,
    /// The page this article was appended to.
    pub appended_to: Option<ArticleLink>,
    /// The articles appended to this one's page.
    pub appended: Vec<ArticleLink>,
}

impl From<Linked> for ArticleDto {
    fn from(linked: Linked) -> ArticleDto {
        let (article, body) = ArticleMeta::split(linked.article);
        ArticleDto {
            article,
            body,
            body_marked: None,
            appended_to: linked.parent.map(ArticleLink::from),
            appended: linked.appended.into_iter().map(ArticleLink::from).collect(),
        }
    }
}

/// The outcome of `POST /api/articles`.
#[derive(Debug, Serialize, ToSchema)]
pub struct IngestResponse {
    /// Articles new to the index.
    pub indexed: usize,
    /// Articles that replaced one with the same id.
    pub replaced: usize,
    pub rejected: usize,
    /// The accepted articles, in the order they were sent.
    pub articles: Vec<Accepted>,
    pub errors: Vec<ItemError>,
    pub warnings: Vec<ItemError>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    pub id: String,
    /// `indexed` (new) or `replaced`.
    pub status: &'static str,
}

/// What went wrong with one item of a request body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ItemError {
    /// The line of the body the item starts on.
    pub line: Option<usize>,
    /// The 1-based position of the item in a JSON array.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item: Option<usize>,
    pub message: String,
}

impl ItemError {
    pub fn new(origin: &Origin, message: &str) -> ItemError {
        ItemError {
            line: origin.line,
            item: origin.item,
            message: message.to_string(),
        }
    }
}

impl IngestResponse {
    pub fn new(report: &Report, articles: Vec<Accepted>) -> IngestResponse {
        IngestResponse {
            indexed: report.indexed,
            replaced: report.replaced,
            rejected: report.rejected.len(),
            articles,
            errors: report
                .rejected
                .iter()
                .map(|r| ItemError::new(&r.origin, &r.reason))
                .collect(),
            warnings: report
                .warnings
                .iter()
                .map(|w| ItemError::new(&w.origin, &w.message))
                .collect(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatsDto {
    pub articles: u64,
    pub outlets: u64,
    pub people: u64,
    /// The earliest publication day, `YYYY-MM-DD`.
    pub earliest: Option<String>,
    pub latest: Option<String>,
}

impl From<Stats> for StatsDto {
    fn from(stats: Stats) -> StatsDto {
        StatsDto {
            articles: stats.articles,
            outlets: stats.outlets,
            people: stats.people,
            earliest: stats.earliest.map(|d| d.to_string()),
            latest: stats.latest.map(|d| d.to_string()),
        }
    }
}

/// What `GET /api` answers: this server and its endpoints.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceInfo {
    pub name: &'static str,
    pub version: &'static str,
    /// Each endpoint's method and path, by what it does.
    pub endpoints: BTreeMap<&'static str, &'static str>,
}

/// What `GET /healthz` answers while the server runs.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: &'static str,
}
