//! Copies grouped into stories at ingest, and `collapse=story`: built from
//! edited copies of the repository's own articles.

use axum::http::StatusCode;

use newsdesk::article::{ArticleId, PublicationDate};
use newsdesk::ingest::parse::Item;
use newsdesk::ingest::{Defaults, Origin, RawArticle, prepare};
use newsdesk::text::perturb::{Kind, Rng, Text, copy};

use crate::helpers::{FIXTURES, TestApp};

/// The fixtures and the sample, and two edited copies of each sample
/// article's text (as cleaning leaves it: the article, not the page around
/// it), credited to other outlets, a day later.
fn with_copies() -> TestApp {
    let mut items: Vec<Item> = Vec::new();
    let file = std::fs::File::open(FIXTURES).unwrap();
    newsdesk::ingest::source::read_ndjson(
        "articles.ndjson",
        std::io::BufReader::new(file),
        &mut |item| items.push(item),
    )
    .unwrap();
    let mut rng = Rng::new(5);
    for (n, item) in newsdesk::ingest::source::sample().enumerate() {
        let (mut raw, warnings) = item.unwrap();
        raw.id = Some(ArticleId::parse(&format!("sample-{n}")).unwrap());
        raw.outlet = Some("Wire Desk".into());
        raw.date = Some(PublicationDate::parse("2025-08-12").unwrap());
        let cleaned = prepare(raw.clone(), &Defaults::default()).unwrap();
        let text = Text {
            title: String::new(),
            body: cleaned.article.body,
        };
        items.push(Ok((raw, warnings)));
        for (c, outlet) in ["Coast Courier", "Evening Post"].into_iter().enumerate() {
            let edited = copy(&mut rng, &text, &[Kind::Edits, Kind::Furniture]);
            let mut raw = RawArticle::from_body(Origin::file(format!("copy {n}-{c}")), edited.body);
            raw.id = Some(ArticleId::parse(&format!("sample-{n}-copy-{c}")).unwrap());
            raw.outlet = Some(outlet.into());
            raw.date = Some(PublicationDate::parse("2025-08-13").unwrap());
            items.push(Ok((raw, Vec::new())));
        }
    }
    TestApp::over(items)
}

#[tokio::test]
async fn a_collapsed_search_shows_each_story_once_with_its_copies() {
    let app = with_copies();
    let wire = "outlet=Wire+Desk&outlet=Coast+Courier&outlet=Evening+Post";
    let plain = app.search(&format!("{wire}&limit=100")).await;
    let collapsed = app
        .search(&format!("{wire}&collapse=story&limit=100"))
        .await;
    let hits = collapsed["hits"].as_array().unwrap();
    assert_eq!(plain["total"].as_u64().unwrap(), 15);
    assert_eq!(collapsed["total"].as_u64().unwrap(), 5);
    assert_eq!(hits.len(), 5);
    for hit in hits {
        // The earliest copy: the original, a day before its copies.
        assert!(!hit["id"].as_str().unwrap().contains("copy"), "{hit}");
        assert_eq!(hit["copies"], 3, "{hit}");
        assert_eq!(
            hit["outlets"],
            serde_json::json!(["Coast Courier", "Evening Post", "Wire Desk"])
        );
    }
    // An outlet counts the stories it ran; the days count each story once,
    // on its first day.
    let outlets = &collapsed["facets"]["outlet"];
    assert!(
        outlets.as_array().unwrap().iter().all(|o| o["count"] == 5),
        "{outlets}"
    );
    let days = app
        .search(&format!("{wire}&collapse=story&histogram=day&limit=0"))
        .await;
    assert_eq!(
        days["facets"]["date"],
        serde_json::json!([{ "key": "2025-08-12", "count": 5 }])
    );
    // Articles that are no copies are their own stories.
    let local = app.search("q=harbour&collapse=story").await;
    let articles = app.search("q=harbour").await;
    assert_eq!(local["total"], articles["total"]);
    assert!(
        local["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["copies"] == 1)
    );
}

#[tokio::test]
async fn an_unknown_or_repeated_collapse_is_refused_with_what_to_send() {
    let app = TestApp::with_fixtures();
    for query in ["collapse=outlet", "collapse=story&collapse=story"] {
        let answer = app.get(&format!("/api/search?{query}")).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{query}");
        let message = answer.json["error"]["message"].as_str().unwrap();
        assert!(message.contains("collapse"), "{message}");
    }
    assert_eq!(
        app.get("/api/search?collapse=").await.status,
        StatusCode::OK
    );
}
