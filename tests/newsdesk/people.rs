//! People: the recogniser's commands, what it finds in the sample pages,
//! and how the index groups the spellings of one person.

use std::collections::BTreeSet;
use std::process::{Command, Output};

use serde_json::Value;

use crate::helpers::{TestApp, q, sample};

const TINY_CONLL: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/ner/tiny.conll");

fn newsdesk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(args)
        .output()
        .expect("newsdesk runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn people_of(article: &Value) -> Vec<String> {
    article["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn each_sample_page_names_the_people_its_own_text_names() {
    let articles = sample();
    let page = |file: &str| {
        articles
            .iter()
            .find(|a| a["file"].as_str().unwrap().ends_with(file) && a["parent"].is_null())
            .unwrap()
    };
    assert_eq!(
        people_of(page("001_7503cce495d76c21.txt")),
        [
            "Keir Starmer",
            "Donald Trump",
            "Vladimir Putin",
            "Volodymyr Zelensky",
            "Friedrich Merz",
            "Emmanuel Macron",
            "JD Vance",
            "Kaja Kallas"
        ]
    );
    // Netanyahu is named only in a READ MORE link, which is furniture.
    // Bessent is named only in an article appended to page 002, never in
    // page 002's own text.
    let page_002 = people_of(page("002_397f8c2b33c2f7f6.txt"));
    assert!(
        page_002.contains(&"Keir Starmer".to_string()),
        "{page_002:?}"
    );
    assert!(
        !page_002.contains(&"Scott Bessent".to_string()),
        "{page_002:?}"
    );
    for article in &articles {
        let people = people_of(article);
        for not_a_person in [
            "Benjamin Netanyahu",
            "Downing Street",
            "Coalition of the Willing",
            "Prime Minister",
            "North Korea",
            "Kyiv",
            "Kremlin",
        ] {
            assert!(
                !people.iter().any(|p| p == not_a_person),
                "{not_a_person} in {people:?}"
            );
        }
        // Each person once, titles dropped.
        let unique: BTreeSet<&String> = people.iter().collect();
        assert_eq!(unique.len(), people.len(), "{people:?}");
        assert!(
            people
                .iter()
                .all(|p| !p.starts_with("Mr ") && !p.starts_with("Sir ")),
            "{people:?}"
        );
    }
}

#[tokio::test]
async fn a_person_filter_finds_every_article_naming_them_in_any_spelling() {
    let app = TestApp::with_sample();
    let everything = app.search("limit=100").await;
    // The articles whose own text names him, in either spelling.
    let mut naming: BTreeSet<String> = BTreeSet::new();
    for hit in everything["hits"].as_array().unwrap() {
        let id = hit["id"].as_str().unwrap();
        let article = app.get(&format!("/api/articles/{id}")).await.json;
        if article["body"].as_str().unwrap().contains("Zelensk") {
            naming.insert(id.to_string());
        }
    }
    assert!(naming.len() >= 9, "{naming:?}");
    for filter in [
        "person=Volodymyr%20Zelensky".to_string(),
        "person=Zelenskyy".to_string(),
        q("person:\"Volodymyr Zelenskyy\""),
    ] {
        let found = app.search(&format!("{filter}&limit=100")).await;
        let ids: BTreeSet<String> = found["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(ids, naming, "{filter}");
    }
    // One facet value, counting each article once.
    let zelensky: Vec<&Value> = everything["facets"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["value"].as_str().unwrap().contains("Zelensk"))
        .collect();
    assert_eq!(zelensky.len(), 1, "{zelensky:?}");
    assert_eq!(zelensky[0]["value"], "Volodymyr Zelensky");
    assert_eq!(zelensky[0]["count"], naming.len());
}

#[test]
fn an_aliases_file_joins_spellings_the_rules_leave_apart() {
    let index = tempfile::tempdir().unwrap();
    let input = index.path().join("articles.ndjson");
    std::fs::write(
        &input,
        "{\"body\": \"First.\", \"people\": [\"Volodymyr Zelensky\"]}\n\
         {\"body\": \"Second.\", \"people\": [\"Wolodymyr Selenskyj\"]}\n",
    )
    .unwrap();
    let dir = index.path().join("index");
    let dir = dir.to_str().unwrap();
    let output = newsdesk(&["ingest", "--index", dir, input.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let facet = |extra: &[&str]| -> Value {
        let mut args = vec!["search", "--json", "--index", dir];
        args.extend(extra);
        let output = newsdesk(&args);
        assert!(output.status.success(), "{}", text(&output.stderr));
        serde_json::from_slice::<Value>(&output.stdout).unwrap()["facets"]["people"].clone()
    };
    assert_eq!(facet(&[]).as_array().unwrap().len(), 2);
    let aliases = index.path().join("aliases.toml");
    std::fs::write(
        &aliases,
        "[same]\n\"Volodymyr Zelensky\" = [\"Wolodymyr Selenskyj\"]\n",
    )
    .unwrap();
    assert_eq!(
        facet(&["--aliases", aliases.to_str().unwrap()]),
        serde_json::json!([{"value": "Volodymyr Zelensky", "count": 2}])
    );
    std::fs::write(&aliases, "[samee]\n").unwrap();
    let output = newsdesk(&[
        "search",
        "--index",
        dir,
        "--aliases",
        aliases.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("aliases"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn ner_eval_prints_the_person_score_last() {
    let output = newsdesk(&["ner", "eval", TINY_CONLL]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let last = stdout.lines().last().unwrap();
    let fields: Vec<&str> = last.split(' ').collect();
    assert_eq!(fields[0], "PER", "{last}");
    for (field, name) in fields[1..].iter().zip(["P=", "R=", "F1="]) {
        let value: f64 = field.strip_prefix(name).unwrap().parse().unwrap();
        assert!((0.0..=1.0).contains(&value), "{last}");
        assert_eq!(field.len(), name.len() + 6, "four decimals: {last}");
    }
    // Nine names of people in the fixture.
    assert!(stdout.contains("PER: gold 9,"), "{stdout}");
}

#[test]
fn ner_tag_appends_a_column_and_keeps_the_layout() {
    let output = newsdesk(&["ner", "tag", TINY_CONLL]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let tagged = text(&output.stdout);
    let original = std::fs::read_to_string(TINY_CONLL).unwrap();
    assert_eq!(tagged.lines().count(), original.lines().count());
    for (before, after) in original.lines().zip(tagged.lines()) {
        if before.trim().is_empty() || before.starts_with("-DOCSTART-") {
            assert_eq!(before, after);
        } else {
            let (kept, tag) = after.rsplit_once(' ').unwrap();
            assert_eq!(kept, before);
            assert!(newsdesk::text::ner::model::LABELS.contains(&tag), "{after}");
        }
    }
    assert!(tagged.contains("Maria NNP I-NP I-PER B-PER"), "{tagged}");
}

#[test]
fn ner_train_makes_a_model_the_other_commands_can_use() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("model.bin");
    let model = model.to_str().unwrap();
    let output = newsdesk(&[
        "ner",
        "train",
        "--train",
        TINY_CONLL,
        "--dev",
        TINY_CONLL,
        "--output",
        model,
        "--epochs",
        "3",
        "--min-count",
        "1",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(
        text(&output.stderr).contains("pass  3: PER F1"),
        "{}",
        text(&output.stderr)
    );
    let output = newsdesk(&["ner", "eval", TINY_CONLL, "--model", model]);
    let stdout = text(&output.stdout);
    // Trained on these very sentences, it knows them.
    assert!(
        stdout.lines().last().unwrap().ends_with("F1=1.0000"),
        "{stdout}"
    );
}

#[tokio::test]
async fn searching_a_persons_name_as_words_still_works() {
    let app = TestApp::with_sample();
    assert!(
        app.search(&q("\"Kaja Kallas\"")).await["total"]
            .as_u64()
            .unwrap()
            >= 1
    );
}

/// The people facet of a search, as names.
fn people_facet(results: &Value) -> Vec<String> {
    results["facets"]["people"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["value"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_person_named_first_in_a_write_is_found_at_once_and_gone_with_their_last_article() {
    let app = TestApp::with_fixtures();
    let before = app.search(&q("harbour")).await;
    assert!(before["total"].as_u64().unwrap() > 0);
    assert!(!people_facet(&before).contains(&"Ingrid Vasquez".to_string()));

    let posted = app
        .post(
            "/api/articles",
            Some("application/json"),
            r#"{"id": "quay-reopens", "title": "Quay reopens", "people": ["Ingrid Vasquez"],
                "body": "The harbour quay reopened on Monday, the harbour master Ingrid Vasquez said."}"#,
        )
        .await;
    assert_eq!(posted.status, axum::http::StatusCode::OK, "{}", posted.json);

    // Right after the answer: found by the person filter, in the query
    // language and as a parameter, and counted in the facet.
    let by_name = app.search(&q("person:\"Ingrid Vasquez\"")).await;
    assert_eq!(by_name["total"], 1, "{by_name}");
    let by_filter = app.search("q=harbour&person=Ingrid%20Vasquez").await;
    assert_eq!(by_filter["total"], 1, "{by_filter}");
    let after = app.search(&q("harbour")).await;
    assert!(people_facet(&after).contains(&"Ingrid Vasquez".to_string()));
    assert_eq!(
        app.get("/api/people/Ingrid%20Vasquez").await.status,
        axum::http::StatusCode::OK
    );

    // Her only article deleted: she is in no facet and has no page.
    assert_eq!(
        app.delete("/api/articles/quay-reopens").await.status,
        axum::http::StatusCode::NO_CONTENT
    );
    let deleted = app.search(&q("harbour")).await;
    assert_eq!(deleted["total"], before["total"]);
    assert!(!people_facet(&deleted).contains(&"Ingrid Vasquez".to_string()));
    assert_eq!(
        app.search(&q("person:\"Ingrid Vasquez\"")).await["total"],
        0
    );
    assert_eq!(
        app.get("/api/people/Ingrid%20Vasquez").await.status,
        axum::http::StatusCode::NOT_FOUND
    );
}
