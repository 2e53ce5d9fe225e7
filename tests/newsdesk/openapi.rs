//! The OpenAPI document at `/api/openapi.json` against the API itself: the
//! routes it lists are the routes served, the parameters it lists are the
//! parameters accepted, and the answers have the shape it gives them.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// Every operation of the HTTP API, as the router serves it. The web
/// front end's pages and assets are for browsers, not part of the API.
const ROUTES: [(&str, &str); 13] = [
    ("get", "/api"),
    ("get", "/api/search"),
    ("get", "/api/timeline"),
    ("get", "/api/articles/{id}"),
    ("get", "/api/articles/{id}/similar"),
    ("get", "/api/export"),
    ("post", "/api/articles"),
    ("delete", "/api/articles/{id}"),
    ("get", "/api/people/{name}"),
    ("get", "/api/stats"),
    ("get", "/api/openapi.json"),
    ("get", "/healthz"),
    ("get", "/metrics"),
];

/// A value for each parameter of `GET /api/search` that it should accept.
const SEARCH_VALUES: [(&str, &str); 11] = [
    ("q", "ferry"),
    ("outlet", "Coast+News"),
    ("person", "Tom+Hale"),
    ("from", "2024-11"),
    ("to", "2025"),
    ("sort", "newest"),
    ("limit", "5"),
    ("offset", "1"),
    ("histogram", "day"),
    ("collapse", "story"),
    ("terms", "5"),
];

/// A value for each parameter of `GET /api/timeline` that it should accept.
const TIMELINE_VALUES: [(&str, &str); 6] = [
    ("q", "ferry&q=council"),
    ("outlet", "Coast+News"),
    ("person", "Tom+Hale"),
    ("from", "2024-11"),
    ("to", "2025"),
    ("interval", "week"),
];

async fn document(app: &TestApp) -> Value {
    let answer = app.get("/api/openapi.json").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    answer.json
}

fn operation<'a>(document: &'a Value, method: &str, path: &str) -> &'a Value {
    let operation = &document["paths"][path][method];
    assert!(operation.is_object(), "{method} {path} is not documented");
    operation
}

/// `schema` with a `$ref` followed, as often as it takes.
fn resolve<'a>(document: &'a Value, mut schema: &'a Value) -> &'a Value {
    while let Some(reference) = schema["$ref"].as_str() {
        let name = reference
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the schemas: {reference}"));
        schema = &document["components"]["schemas"][name];
        assert!(schema.is_object(), "{reference} leads nowhere");
    }
    schema
}

/// Checks that `value` has the shape `schema` gives it: every field it has
/// is documented, every required field is there, and the same holds for
/// every object within, down to the types of the leaves.
fn assert_fits(document: &Value, schema: &Value, value: &Value, at: &str) {
    let schema = resolve(document, schema);
    if let Some(parts) = schema["allOf"].as_array() {
        // A flattened struct: the fields of all its parts together.
        let mut merged = json!({"type": "object", "properties": {}, "required": []});
        for part in parts {
            let part = resolve(document, part);
            for (name, property) in part["properties"].as_object().into_iter().flatten() {
                merged["properties"][name] = property.clone();
            }
            for name in part["required"].as_array().into_iter().flatten() {
                merged["required"]
                    .as_array_mut()
                    .unwrap()
                    .push(name.clone());
            }
        }
        return assert_fits(document, &merged, value, at);
    }
    if let Some(choices) = schema["oneOf"].as_array() {
        let fitting = choices
            .iter()
            .filter(|choice| !(value.is_null() ^ (choice["type"] == "null")))
            .collect::<Vec<_>>();
        assert_eq!(fitting.len(), 1, "{at}: {value} fits no single choice");
        return assert_fits(document, fitting[0], value, at);
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        other => panic!("{at}: a schema without a type: {other}"),
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    assert!(
        types.contains(&kind) || (kind == "integer" && types.contains(&"number")),
        "{at}: {value} is {kind}, documented as {types:?}"
    );
    match value {
        Value::Object(fields) if schema["additionalProperties"].is_object() => {
            // A map: any keys, each value of one schema.
            for (key, field) in fields {
                let values = &schema["additionalProperties"];
                assert_fits(document, values, field, &format!("{at}.{key}"));
            }
        }
        Value::Object(fields) => {
            let properties = schema["properties"].as_object().expect("properties");
            let documented: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
            let sent: BTreeSet<&str> = fields.keys().map(String::as_str).collect();
            let undocumented: Vec<_> = sent.difference(&documented).collect();
            assert!(
                undocumented.is_empty(),
                "{at}: undocumented {undocumented:?}"
            );
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                assert!(sent.contains(name), "{at}: required {name} is missing");
            }
            for (name, field) in fields {
                assert_fits(document, &properties[name], field, &format!("{at}.{name}"));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                assert_fits(document, &schema["items"], item, &format!("{at}[{i}]"));
            }
        }
        _ => {}
    }
}

/// The schema of the JSON `status` answer of an operation.
fn answer_schema<'a>(document: &'a Value, method: &str, path: &str, status: &str) -> &'a Value {
    let schema = &operation(document, method, path)["responses"][status]["content"]["application/json"]
        ["schema"];
    assert!(schema.is_object(), "{method} {path} has no {status} schema");
    schema
}

#[tokio::test]
async fn the_document_is_openapi_3_and_lists_exactly_the_routes_served() {
    let app = TestApp::with_fixtures();
    let document = document(&app).await;
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3."),
        "{}",
        document["openapi"]
    );
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    let routes: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    assert_eq!(documented, routes);

    for (method, path) in ROUTES {
        let uri = path
            .replace("{id}", "harbour-crab")
            .replace("{name}", "Tom%20Hale");
        if path == "/metrics" || path == "/api/export" {
            // Text, not JSON.
            assert_eq!(app.get_text(path).await.0, StatusCode::OK);
            continue;
        }
        let answer = app
            .send(
                method.to_uppercase().parse().unwrap(),
                &uri,
                Some("application/json"),
                r#"{"title": "Pier reopens", "body": "The pier reopened on Friday after a winter of repairs to its decking."}"#,
            )
            .await;
        assert!(
            ![StatusCode::NOT_FOUND, StatusCode::METHOD_NOT_ALLOWED].contains(&answer.status),
            "{method} {uri}: {} {}",
            answer.status,
            answer.json
        );
    }
}

/// Checks that the GET operation at `path` documents exactly the parameters
/// of `values` and accepts each with its value, all together, every word a
/// parameter documents, and the empty value.
async fn assert_documented_parameters_accepted(
    app: &TestApp,
    document: &Value,
    path: &str,
    values: &[(&str, &str)],
) {
    let parameters = operation(document, "get", path)["parameters"]
        .as_array()
        .unwrap();
    let documented: BTreeSet<&str> = parameters
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    let known: BTreeSet<&str> = values.iter().map(|(name, _)| *name).collect();
    assert_eq!(documented, known, "{path}");
    let accepted = |query: String| async move {
        let answer = app.get(&format!("{path}?{query}")).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "{path}?{query}: {}",
            answer.json
        );
    };
    // Each alone, then all together.
    for (name, value) in values {
        accepted(format!("{name}={value}")).await;
    }
    let all: Vec<String> = values
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    accepted(all.join("&")).await;
    // Every word a parameter documents, and the empty value.
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap();
        for choice in parameter["schema"]["anyOf"]
            .as_array()
            .into_iter()
            .flatten()
        {
            for word in choice["enum"].as_array().into_iter().flatten() {
                accepted(format!("{name}={}", word.as_str().unwrap())).await;
            }
        }
        accepted(format!("{name}=")).await;
    }
}

#[tokio::test]
async fn every_documented_search_parameter_is_accepted() {
    let app = TestApp::with_fixtures();
    let document = document(&app).await;
    assert_documented_parameters_accepted(&app, &document, "/api/search", &SEARCH_VALUES).await;
    // What is not documented is refused.
    let answer = app.get("/api/search?author=x").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);

    let article = operation(&document, "get", "/api/articles/{id}")["parameters"]
        .as_array()
        .unwrap();
    let names: Vec<&str> = article
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["id", "q"]);
    let answer = app.get("/api/articles/harbour-crab?q=crab").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);

    // A person's page: each documented parameter alone, then all together.
    let person = operation(&document, "get", "/api/people/{name}")["parameters"]
        .as_array()
        .unwrap();
    let names: BTreeSet<&str> = person.iter().map(|p| p["name"].as_str().unwrap()).collect();
    let values = [
        ("outlet", "Coast+News"),
        ("person", "Maria+Lopez"),
        ("from", "2024-11"),
        ("to", "2025"),
        ("histogram", "day"),
        ("co_mentions", "3"),
        ("quotes", "2"),
    ];
    let mut expected: BTreeSet<&str> = values.iter().map(|(name, _)| *name).collect();
    expected.insert("name");
    assert_eq!(names, expected);
    let all: Vec<String> = values
        .iter()
        .map(|(name, value)| format!("{name}={value}"))
        .collect();
    for query in all.iter().cloned().chain([all.join("&")]) {
        let answer = app.get(&format!("/api/people/Tom%20Hale?{query}")).await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.json);
    }
}

#[tokio::test]
async fn every_documented_timeline_parameter_is_accepted() {
    let app = TestApp::with_fixtures();
    let document = document(&app).await;
    assert_documented_parameters_accepted(&app, &document, "/api/timeline", &TIMELINE_VALUES).await;
    // q is documented as the list it is, up to its limit.
    let parameters = operation(&document, "get", "/api/timeline")["parameters"]
        .as_array()
        .unwrap();
    let q = parameters.iter().find(|p| p["name"] == "q").unwrap();
    assert_eq!(q["schema"]["type"], "array");
    assert_eq!(q["schema"]["maxItems"], 10);
    let answer = app.get("/api/timeline?sort=newest").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
}

// Long: one real answer of each kind each operation gives, in a row, each
// checked against its schema: a table of cases would hide which is which.
#[tokio::test]
async fn answers_have_the_fields_their_schemas_give_them() {
    let app = TestApp::with_fixtures_and_sample();
    let document = document(&app).await;
    // Hits with dates, people and snippets, and every facet filled.
    let search = app.search("q=harbour&histogram=day").await;
    assert!(!search["hits"].as_array().unwrap().is_empty());
    assert!(!search["facets"]["people"].as_array().unwrap().is_empty());
    assert!(!search["facets"]["date"].as_array().unwrap().is_empty());
    let schema = answer_schema(&document, "get", "/api/search", "200");
    assert_fits(&document, schema, &search, "search");
    // The schema lists no field the answer never has.
    let properties = resolve(&document, schema)["properties"]
        .as_object()
        .unwrap();
    let sent: BTreeSet<&String> = search.as_object().unwrap().keys().collect();
    assert_eq!(properties.keys().collect::<BTreeSet<_>>(), sent);
    // Collapsed, each hit says how many copies its story has, and where.
    let collapsed = app.search("q=harbour&collapse=story").await;
    assert!(collapsed["hits"][0]["copies"].as_u64().is_some());
    assert!(search["hits"][0].get("copies").is_none());
    assert_fits(&document, schema, &collapsed, "collapsed search");

    // An article an aggregator appended to a page, with its query marked.
    let appended = app.search("q=ceasefire").await["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|hit| !hit["parent"].is_null())
        .expect("an appended article")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let article = app
        .get(&format!("/api/articles/{appended}?q=ceasefire"))
        .await;
    assert_eq!(article.status, StatusCode::OK);
    let schema = answer_schema(&document, "get", "/api/articles/{id}", "200");
    assert_fits(&document, schema, &article.json, "article");

    // A timeline with dated and undated articles, and a warning.
    let timeline = app
        .get("/api/timeline?q=ferry&q=ceasefire&q=council+AND+(&interval=week")
        .await;
    assert_eq!(timeline.status, StatusCode::OK, "{}", timeline.json);
    assert!(!timeline.json["intervals"].as_array().unwrap().is_empty());
    assert!(timeline.json["undated"].as_u64().unwrap() > 0);
    assert!(!timeline.json["warnings"].as_array().unwrap().is_empty());
    let schema = answer_schema(&document, "get", "/api/timeline", "200");
    assert_fits(&document, schema, &timeline.json, "timeline");
    let properties = resolve(&document, schema)["properties"]
        .as_object()
        .unwrap();
    let sent: BTreeSet<&String> = timeline.json.as_object().unwrap().keys().collect();
    assert_eq!(properties.keys().collect::<BTreeSet<_>>(), sent);
    let refused = app.get("/api/timeline?interval=year").await;
    let schema = answer_schema(&document, "get", "/api/timeline", "400");
    assert_fits(&document, schema, &refused.json, "timeline error");
    // A person with outlets, months, co-mentions and quotes.
    let person = app.get("/api/people/Zelensky?quotes=50").await;
    assert_eq!(person.status, StatusCode::OK, "{}", person.json);
    for list in ["outlets", "co_mentions", "quotes"] {
        assert!(!person.json[list].as_array().unwrap().is_empty(), "{list}");
    }
    let schema = answer_schema(&document, "get", "/api/people/{name}", "200");
    assert_fits(&document, schema, &person.json, "person");
    let unknown = app.get("/api/people/Nobody%20Known").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let schema = answer_schema(&document, "get", "/api/people/{name}", "404");
    assert_fits(&document, schema, &unknown.json, "error");

    for (path, at) in [
        ("/api/stats", "stats"),
        ("/api", "root"),
        ("/healthz", "health"),
    ] {
        let answer = app.get(path).await;
        let schema = answer_schema(&document, "get", path, "200");
        assert_fits(&document, schema, &answer.json, at);
    }

    // Significant terms, and the articles like one.
    let search = app.search("q=ferry&terms=5").await;
    assert!(!search["facets"]["terms"].as_array().unwrap().is_empty());
    let schema = answer_schema(&document, "get", "/api/search", "200");
    assert_fits(&document, schema, &search, "search with terms");
    let similar = app.get("/api/articles/harbour-crab/similar").await;
    assert_eq!(similar.status, StatusCode::OK, "{}", similar.json);
    assert!(!similar.json["hits"].as_array().unwrap().is_empty());
    let schema = answer_schema(&document, "get", "/api/articles/{id}/similar", "200");
    assert_fits(&document, schema, &similar.json, "similar");
    // Each line of an export is the documented row.
    let (status, _, text) = app.get_text("/api/export?q=ferry").await;
    assert_eq!(status, StatusCode::OK);
    let export = operation(&document, "get", "/api/export");
    let schema = &export["responses"]["200"]["content"]["application/x-ndjson"]["schema"];
    assert!(export["responses"]["200"]["content"]["text/csv"].is_object());
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        assert_fits(&document, schema, &row, "export row");
    }

    // A batch with one good and one bad article, then one with none good.
    let batch = app
        .post(
            "/api/articles",
            Some("application/json"),
            r#"[{"title": "Pier reopens", "body": "The pier reopened on Friday after a winter of repairs to its decking."}, {"title": "No body"}]"#,
        )
        .await;
    assert_eq!(batch.status, StatusCode::OK, "{}", batch.json);
    let schema = answer_schema(&document, "post", "/api/articles", "200");
    assert_fits(&document, schema, &batch.json, "ingest");
    let refused = app
        .post(
            "/api/articles",
            Some("application/json"),
            r#"[{"title": "No body"}]"#,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let schema = answer_schema(&document, "post", "/api/articles", "422");
    assert_fits(&document, schema, &refused.json, "error");
}
