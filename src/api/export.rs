//! `GET /api/export`: every article a search matches, streamed as NDJSON
//! or CSV.
//!
//! The articles are read on a blocking thread one at a time and sent in
//! chunks through a channel of [`CHANNEL_CHUNKS`] chunks, so an export
//! holds a few hundred kilobytes however many articles match: a slow
//! client holds the reading back, and one that goes away stops it. At most
//! [`Config::max_exports`](super::Config::max_exports) exports run at once;
//! another is answered with a 503 and `Retry-After`, so that exports
//! cannot take the cores searches need.
//!
//! Parameter errors are answered before anything is streamed. An error of
//! the index once streaming has begun is logged and breaks the transfer off
//! without its end (the last chunk of a chunked body), so a client sees a
//! failed download — curl exits with 18, "transfer closed with outstanding
//! read data remaining" — rather than a short file that looks whole. This
//! holds for CSV as for NDJSON, which is why the export adds no trailer.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody, described};
use super::params::{FilterParams, Params, QueryParam, invalid, single};
use super::schema;
use super::state::AppState;
use crate::article::Article;
use crate::index::NewsIndex;
use crate::research::export::{self, ExportRequest, Exported, Flow};
use crate::search::{Check, Valid};

/// How many chunks may wait for a slow client.
pub const CHANNEL_CHUNKS: usize = 4;

/// About how many bytes one chunk holds: a chunk is sent once it is over.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// What an export takes besides its query and filters: the format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    #[serde(default)]
    #[param(schema_with = schema::export_format)]
    format: Vec<String>,
}

/// What an export is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Ndjson,
    Csv,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format, String> {
        match text {
            "ndjson" => Ok(Format::Ndjson),
            "csv" => Ok(Format::Csv),
            other => Err(format!("format {other:?} is not known: use ndjson or csv")),
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Format::Ndjson => "newsdesk-export.ndjson",
            Format::Csv => "newsdesk-export.csv",
        }
    }
}

/// One exported article: an NDJSON line, and in this order the columns of
/// a CSV row (there `people` are joined with `; ` and an absent value is
/// empty).
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportRow {
    pub id: String,
    pub url: Option<String>,
    /// The headline; none when the source had none.
    pub title: Option<String>,
    /// `given`, `heuristic`, `text` or `none`.
    pub title_source: &'static str,
    pub outlet: Option<String>,
    /// `given`, `url`, `text` or `none`.
    pub outlet_source: &'static str,
    pub date: Option<String>,
    /// `given`, `text` or `none`.
    pub date_source: &'static str,
    /// As the people directory names them.
    pub people: Vec<String>,
    /// The id of the page an aggregator appended this article to.
    pub parent: Option<String>,
    /// The story the article is a copy of, as 16 hexadecimal digits:
    /// copies of one story share it.
    pub story: Option<String>,
    pub body: String,
}

/// The CSV header: the fields of [`ExportRow`] in order.
const COLUMNS: [&str; 12] = [
    "id",
    "url",
    "title",
    "title_source",
    "outlet",
    "outlet_source",
    "date",
    "date_source",
    "people",
    "parent",
    "story",
    "body",
];

impl From<Exported> for ExportRow {
    fn from(Exported { article, story }: Exported) -> ExportRow {
        let Article {
            id,
            title,
            outlet,
            date,
            url,
            people,
            body,
            parent,
            sources,
            ..
        } = article;
        ExportRow {
            id: id.to_string(),
            url: url.map(|u| u.to_string()),
            title,
            title_source: sources.title.as_str(),
            outlet,
            outlet_source: sources.outlet.as_str(),
            date: date.map(|d| d.to_string()),
            date_source: sources.date.as_str(),
            people,
            parent: parent.map(|p| p.to_string()),
            story: story.map(|s| format!("{:016x}", s.0)),
            body,
        }
    }
}

/// Exported articles written out in a format, gathered until taken.
pub enum Rows {
    Ndjson(Vec<u8>),
    Csv(Box<csv::Writer<Vec<u8>>>),
}

impl Rows {
    /// Empty rows in `format`; for CSV, with the header written.
    pub fn new(format: Format) -> Rows {
        match format {
            Format::Ndjson => Rows::Ndjson(Vec::new()),
            Format::Csv => {
                let mut writer = csv::Writer::from_writer(Vec::new());
                // Writing to memory cannot fail.
                writer.write_record(COLUMNS).ok();
                Rows::Csv(Box::new(writer))
            }
        }
    }

    pub fn push(&mut self, exported: Exported) -> std::io::Result<()> {
        let row = ExportRow::from(exported);
        match self {
            Rows::Ndjson(buffer) => {
                serde_json::to_writer(&mut *buffer, &row)?;
                buffer.push(b'\n');
            }
            Rows::Csv(writer) => {
                let text = |value: &Option<String>| value.clone().unwrap_or_default();
                writer.write_record([
                    row.id.clone(),
                    text(&row.url),
                    text(&row.title),
                    row.title_source.to_string(),
                    text(&row.outlet),
                    row.outlet_source.to_string(),
                    text(&row.date),
                    row.date_source.to_string(),
                    row.people.join("; "),
                    text(&row.parent),
                    text(&row.story),
                    row.body,
                ])?;
            }
        }
        Ok(())
    }

    /// The bytes written since the last take.
    pub fn take(&mut self) -> std::io::Result<Vec<u8>> {
        match self {
            Rows::Ndjson(buffer) => Ok(std::mem::take(buffer)),
            Rows::Csv(writer) => {
                let full = std::mem::replace(&mut **writer, csv::Writer::from_writer(Vec::new()));
                full.into_inner().map_err(|err| err.into_error())
            }
        }
    }

    /// About how many bytes wait to be taken.
    pub fn pending(&self) -> usize {
        match self {
            Rows::Ndjson(buffer) => buffer.len(),
            // The writer's own buffer holds at most a few kilobytes more.
            Rows::Csv(writer) => writer.get_ref().len(),
        }
    }
}

impl ExportParams {
    fn format(self) -> Result<Format, ApiError> {
        match single("format", self.format)? {
            None => Ok(Format::Ndjson),
            Some(text) => Format::parse(text.trim()).map_err(ApiError::InvalidParameter),
        }
    }
}

/// Exports every matching article.
///
/// Whole articles, every field, in index order (not ranked or sorted, so
/// that an export never has to hold all matches). The filters are those of
/// `GET /api/search`. An export broken off by an error of the server ends
/// without the end of its chunked body: a client sees a failed transfer,
/// never a short file that looks whole.
#[utoipa::path(
    get,
    path = "/api/export",
    operation_id = "export",
    tag = "search",
    params(QueryParam, FilterParams, ExportParams),
    responses(
        (status = 200, description = "Every matching article: with `format=ndjson` (the default) an `ExportRow` object a line; with `format=csv` a header row, then a row an article.",
            headers(("Content-Disposition" = String, description = "`attachment; filename=\"newsdesk-export.ndjson\"` (or `.csv`)")),
            content(
                (ExportRow = "application/x-ndjson"),
                (String = "text/csv"),
            )),
        (status = 400, description = "A parameter is unknown, repeated, malformed or out of range; the message says which.", body = ErrorBody),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    Params((query, filters, params)): Params<(QueryParam, FilterParams, ExportParams)>,
) -> Result<Response, ApiError> {
    let request = ExportRequest {
        query: query.read()?,
        filters: filters.read()?,
    };
    let format = params.format()?;
    let request = request.validate().map_err(invalid)?;
    let permit = state.export_permit()?;
    let (sender, receiver) = mpsc::channel(CHANNEL_CHUNKS);
    let span = tracing::Span::current();
    let producer = state.clone();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        span.in_scope(|| produce(producer.index(), &request, format, &sender));
    });
    let chunks = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, format.content_type())
        .header(
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", format.file_name()),
        )
        .body(Body::from_stream(chunks))
        .map_err(ApiError::internal)
}

type Chunk = Result<Bytes, std::io::Error>;

/// Writes the export into `sender` chunk by chunk, until every article is
/// sent or the client has gone.
fn produce(
    index: &NewsIndex,
    request: &Valid<ExportRequest>,
    format: Format,
    sender: &mpsc::Sender<Chunk>,
) {
    let mut rows = Rows::new(format);
    let mut failed: Option<std::io::Error> = None;
    let mut gone = false;
    let send = |bytes: Vec<u8>| sender.blocking_send(Ok(Bytes::from(bytes))).is_ok();
    let exported = export::export(index, request, |article| {
        if let Err(err) = rows.push(article) {
            failed = Some(err);
            return Flow::Stop;
        }
        if rows.pending() >= CHUNK_BYTES {
            match rows.take() {
                Ok(bytes) => {
                    if !send(bytes) {
                        gone = true;
                        return Flow::Stop;
                    }
                }
                Err(err) => {
                    failed = Some(err);
                    return Flow::Stop;
                }
            }
        }
        Flow::Continue
    });
    let failure: Option<String> = match (exported, failed) {
        (Err(err), _) => Some(described(&err)),
        (Ok(_), Some(err)) => Some(described(&err)),
        (Ok(articles), None) if !gone => match rows.take() {
            Ok(bytes) => {
                if send(bytes) {
                    tracing::debug!(articles, "export sent");
                }
                None
            }
            Err(err) => Some(described(&err)),
        },
        (Ok(articles), None) => {
            tracing::debug!(articles, "export stopped: the client went away");
            None
        }
    };
    if let Some(err) = failure {
        tracing::error!(error = err, "export broken off");
        // The error ends the body without its last chunk.
        let _ = sender.blocking_send(Err(std::io::Error::other("the export failed")));
    }
}
