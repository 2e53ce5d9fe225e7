//! Similar articles (`GET /api/articles/{id}/similar`) and the significant
//! terms of a search (`terms=N`).

use axum::http::StatusCode;
use serde_json::Value;

use newsdesk::api::Config;
use newsdesk::article::{Article, ArticleId, Sources};
use newsdesk::index::StoryId;

use crate::helpers::{TestApp, assert_error, q};

fn article(id: &str, title: &str, people: &[&str], body: &str) -> Article {
    Article {
        id: ArticleId::parse(id).unwrap(),
        title: Some(title.to_string()),
        outlet: Some("Coast News".to_string()),
        date: None,
        url: None,
        people: people.iter().map(|p| p.to_string()).collect(),
        unconfirmed_people: Vec::new(),
        body: body.to_string(),
        parent: None,
        sources: Sources::default(),
    }
}

const WIND: &str = "The offshore wind farm will have sixty turbines, each taller than the \
                    cathedral. Engineers said the turbines would be towed out from the port in \
                    spring, and that cables to the shore would be buried under the dunes.";

/// Three wind-farm stories (one of them with a copy and an article an
/// aggregator appended to its page) among unrelated local news.
fn newsroom() -> TestApp {
    TestApp::written(Config::default(), |writer| {
        let page = article(
            "wind-page",
            "Offshore wind farm approved",
            &["Maria Lopez"],
            &format!("Councillors approved the offshore wind farm, Maria Lopez said. {WIND}"),
        );
        let story = StoryId::of(&page.id);
        writer.add(&page).unwrap();
        let copy = article(
            "wind-copy",
            "Offshore wind farm gets the go-ahead",
            &["Maria Lopez"],
            &format!("The offshore wind farm was approved. {WIND}"),
        );
        writer.add_to_story(&copy, story).unwrap();
        let mut appended = article(
            "wind-appended",
            "Turbines to be towed from the port",
            &[],
            "The turbines of the offshore wind farm will be towed from the port; the cables \
             will be buried under the dunes.",
        );
        appended.parent = Some(page.id.clone());
        writer.add(&appended).unwrap();
        let others = [
            article(
                "wind-cables",
                "Wind farm cables to cross the dunes",
                &["Maria Lopez"],
                "Cables from the offshore wind farm will be buried under the dunes, engineers \
                 told Maria Lopez, and the turbines connected by winter.",
            ),
            article(
                "wind-fishermen",
                "Fishermen fear the turbines",
                &["Tom Hale"],
                "Fishermen said the sixty turbines of the offshore wind farm would close their \
                 best grounds.",
            ),
            article(
                "bins",
                "Bin collections move to Tuesday",
                &["Anita Rao"],
                "Bin collections will move to Tuesday from next month, the council said.",
            ),
            article(
                "school",
                "School roof repaired",
                &["Grace Kim"],
                "The roof of the primary school was repaired over the holidays, the head \
                 teacher said.",
            ),
            article(
                "library",
                "Library hours cut",
                &["Anita Rao"],
                "The council will cut library opening hours by a fifth to save money.",
            ),
            article(
                "ferry",
                "Ferry timetable holds",
                &["Owen Pryce"],
                "The island ferry will keep its winter timetable, the operator said.",
            ),
            article(
                "market",
                "Market returns to the square",
                &[],
                "The Saturday market returns to the square with forty stalls, the council said.",
            ),
            article(
                "bridge",
                "Bridge closed for repairs",
                &[],
                "The old bridge closes for repairs on Monday, and drivers face a detour.",
            ),
        ];
        for other in &others {
            writer.add(other).unwrap();
        }
    })
}

fn hit_ids(answer: &Value) -> Vec<&str> {
    answer["hits"]
        .as_array()
        .expect("hits")
        .iter()
        .map(|hit| hit["id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_story_finds_the_other_stories_on_its_topic_first_and_never_itself_or_its_copies() {
    let app = newsroom();
    let answer = app.get("/api/articles/wind-page/similar").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let ids = hit_ids(&answer.json);
    let mut first: Vec<&str> = ids.iter().take(2).copied().collect();
    first.sort();
    assert_eq!(first, ["wind-cables", "wind-fishermen"], "{ids:?}");
    for excluded in ["wind-page", "wind-copy", "wind-appended"] {
        assert!(!ids.contains(&excluded), "{excluded} in {ids:?}");
    }
    let cables = &answer.json["hits"][ids.iter().position(|id| *id == "wind-cables").unwrap()];
    assert_eq!(
        cables["people_in_common"],
        serde_json::json!(["Maria Lopez"])
    );
    let shared: Vec<&str> = cables["shared_terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    // Words as the articles write them, not stems.
    assert!(shared.contains(&"turbines"), "{shared:?}");
    assert!(shared.contains(&"dunes"), "{shared:?}");
    // Listed as a person in common, not again as words.
    assert!(
        !shared.contains(&"maria") && !shared.contains(&"lopez"),
        "{shared:?}"
    );
    let terms = answer.json["terms"].as_array().unwrap();
    assert!(!terms.is_empty() && terms.len() <= 25, "{terms:?}");
    assert!(
        !terms.iter().any(|t| t == "the" || t == "said"),
        "{terms:?}"
    );
}

#[tokio::test]
async fn an_appended_article_is_not_shown_the_page_it_was_appended_to() {
    let app = newsroom();
    let answer = app.get("/api/articles/wind-appended/similar").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    let ids = hit_ids(&answer.json);
    assert!(!ids.contains(&"wind-page"), "{ids:?}");
    assert!(!ids.contains(&"wind-appended"), "{ids:?}");
    // A copy of the page is another story's article, and is about wind.
    assert!(ids.contains(&"wind-copy"), "{ids:?}");
    assert!(ids.contains(&"wind-cables"), "{ids:?}");
}

#[tokio::test]
async fn limit_caps_the_similar_articles_and_bad_requests_say_what_to_fix() {
    let app = newsroom();
    let answer = app.get("/api/articles/wind-page/similar?limit=1").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(hit_ids(&answer.json).len(), 1);
    let answer = app.get("/api/articles/wind-page/similar?limit=").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);

    let answer = app.get("/api/articles/no-such-article/similar").await;
    assert_error(&answer, StatusCode::NOT_FOUND, "article_not_found");
    let answer = app.get("/api/articles/bad%20id!/similar").await;
    assert_error(&answer, StatusCode::NOT_FOUND, "article_not_found");
    for query in [
        "limit=51",
        "limit=ten",
        "limit=-1",
        "limit=2&limit=3",
        "sort=newest",
    ] {
        let answer = app
            .get(&format!("/api/articles/wind-page/similar?{query}"))
            .await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
    }
    let answer = app.get("/api/articles/wind-page/similar?limit=51").await;
    let message = answer.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("at most 50"), "{message}");
}

#[tokio::test]
async fn an_article_of_nothing_but_function_words_finds_nothing_rather_than_failing() {
    let app = TestApp::written(Config::default(), |writer| {
        writer
            .add(&article(
                "empty-words",
                "It is",
                &[],
                "It was, and it is, 2025.",
            ))
            .unwrap();
        writer
            .add(&article("other", "Ferry", &[], "The ferry sailed."))
            .unwrap();
    });
    let answer = app.get("/api/articles/empty-words/similar").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(hit_ids(&answer.json), Vec::<&str>::new());
}

fn term_values(results: &Value) -> Vec<String> {
    results["facets"]["terms"]
        .as_array()
        .expect("facets.terms")
        .iter()
        .map(|t| t["value"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn significant_terms_are_the_topics_words_not_the_query_or_function_words() {
    let app = newsroom();
    let results = app.search(&format!("{}&terms=5", q("turbines"))).await;
    let words = term_values(&results);
    assert!(!words.is_empty(), "{results}");
    assert!(words.len() <= 5, "{words:?}");
    for wanted in ["wind", "offshore"] {
        assert!(
            words.iter().any(|w| w == wanted),
            "{wanted} not in {words:?}"
        );
    }
    for unwanted in ["turbines", "turbine", "the", "said", "council"] {
        assert!(
            !words.iter().any(|w| w == unwanted),
            "{unwanted} in {words:?}"
        );
    }
    for term in results["facets"]["terms"].as_array().unwrap() {
        let count = term["count"].as_u64().unwrap();
        assert!((2..=5).contains(&count), "{term}");
        assert!(term["score"].as_f64().unwrap() > 0.0, "{term}");
    }
    let scores: Vec<f64> = results["facets"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
}

#[tokio::test]
async fn significant_terms_on_the_fixtures_follow_the_query() {
    let app = TestApp::with_fixtures();
    let ferry = term_values(&app.search("q=ferry&terms=10").await);
    assert!(ferry.iter().any(|w| w == "island"), "{ferry:?}");
    assert!(!ferry.iter().any(|w| w == "ferry"), "{ferry:?}");
    let wind = term_values(
        &app.search(&format!("{}&terms=10", q("\"wind farm\"")))
            .await,
    );
    assert!(!wind.iter().any(|w| w == "wind" || w == "farm"), "{wind:?}");
    assert_ne!(ferry, wind);
    // Not asked for, not computed.
    assert_eq!(
        term_values(&app.search("q=ferry").await),
        Vec::<String>::new()
    );
    assert_eq!(
        term_values(&app.search("q=ferry&terms=0").await),
        Vec::<String>::new()
    );
    for bad in ["terms=51", "terms=many", "terms=1&terms=2"] {
        let answer = app.get(&format!("/api/search?q=ferry&{bad}")).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
    }
}
