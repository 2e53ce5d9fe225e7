//! The OpenAPI document of the HTTP API, served at `GET /api/openapi.json`.
//!
//! The document is derived from the handlers' `#[utoipa::path]`
//! annotations, the parameter groups the handlers read (`params`, with the
//! schemas of `schema`) and the DTOs they send, so it changes when they do.
//! This module only assembles it, adding what those cannot say: the bearer
//! scheme of the writes and the errors any operation may answer with.

use std::sync::LazyLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi, PartialSchema, ToSchema};

use super::error::ErrorBody;
use super::{articles, export, meta, observe, people, search, similar, timeline};

#[derive(OpenApi)]
#[openapi(
    paths(
        search::search,
        timeline::timeline,
        articles::show,
        similar::similar,
        export::export,
        articles::create,
        articles::delete,
        people::show,
        meta::stats,
        meta::root,
        meta::health,
        observe::scrape,
        document,
    ),
    modifiers(&Conventions),
    tags(
        (name = "search", description = "Searching the archive."),
        (name = "articles", description = "Reading, adding and deleting articles."),
        (name = "people", description = "What the archive says of one person."),
        (name = "service", description = "The server itself."),
    )
)]
struct ApiDoc;

/// The document, serialised once: it cannot change while the server runs.
static DOCUMENT: LazyLock<String> = LazyLock::new(|| {
    ApiDoc::openapi()
        .to_json()
        .expect("the OpenAPI document serialises")
});

/// Describes this API in OpenAPI 3.1.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    operation_id = "openapi",
    tag = "service",
    responses((status = 200, description = "This document.", body = Object))
)]
pub async fn document() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        DOCUMENT.as_str(),
    )
}

/// What every operation shares, added to the derived document.
struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                Http::builder()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "The server's API key, as `Authorization: Bearer KEY`. Writes need it \
                         when the server has a key; when it has none, writes are accepted from \
                         the server's own machine only, without a key.",
                    ))
                    .build(),
            ),
        );
        let error = |description: &str| {
            ResponseBuilder::new().description(description).content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name(ErrorBody::name())))
                    .build(),
            )
        };
        let shared = [
            (
                "401",
                "Unauthorized",
                error("The server has an API key and the request did not send it.").header(
                    "WWW-Authenticate",
                    HeaderBuilder::new()
                        .schema(Some(String::schema()))
                        .description(Some("`Bearer realm=\"newsdesk\"`"))
                        .build(),
                ),
            ),
            (
                "403",
                "Forbidden",
                error(
                    "The server has no API key and the request came from another machine: \
                     without a key, only the server's own machine may write.",
                ),
            ),
            (
                "414",
                "UriTooLong",
                // The HTTP layer answers this itself, before the API sees the
                // request, and with no body: a URL must fit in 64 KB.
                ResponseBuilder::new().description(
                    "The URL is longer than the server takes (64 KB); send a shorter query.",
                ),
            ),
            (
                "431",
                "HeadTooLarge",
                // The same, when the request's head outgrows what the HTTP
                // layer reads at all (about 400 KB), as ten queries of 8 KB
                // each, percent-encoded, can.
                ResponseBuilder::new().description(
                    "The URL and headers are larger than the server reads (about 400 KB); send \
                     shorter or fewer queries.",
                ),
            ),
            (
                "500",
                "Internal",
                error("Something failed inside the server; the cause is logged, not sent."),
            ),
            (
                "503",
                "Unavailable",
                error(
                    "The server is busy (too many requests wait) or the request took too long; \
                     try again after `Retry-After` seconds.",
                )
                .header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(Some(u32::schema()))
                        .description(Some("Seconds to wait before trying again."))
                        .build(),
                ),
            ),
        ];
        for (status, name, response) in shared {
            components
                .responses
                .insert(name.to_string(), response.build().into());
            let writes_only = matches!(status, "401" | "403");
            for item in openapi.paths.paths.values_mut() {
                let operations = [&mut item.get, &mut item.post, &mut item.delete];
                for operation in operations.into_iter().flatten() {
                    let writes = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                    if writes || !writes_only {
                        refer(operation, status, name);
                    }
                }
            }
        }
    }
}

/// Adds the shared response `name` to `operation` for `status`.
fn refer(operation: &mut Operation, status: &str, name: &str) {
    operation
        .responses
        .responses
        .insert(status.to_string(), Ref::from_response_name(name).into());
}
