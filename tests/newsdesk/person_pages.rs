//! Person pages, `GET /api/people/{name}`: counts that agree with search,
//! co-mentions and their lift, quotes, and what an unknown name gets.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, encode};

async fn person(app: &TestApp, name: &str, query: &str) -> Value {
    let answer = app
        .get(&format!("/api/people/{}?{query}", encode(name)))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{name}: {}", answer.json);
    answer.json
}

fn total(search: &Value) -> u64 {
    search["total"].as_u64().expect("total")
}

#[tokio::test]
async fn a_persons_counts_agree_with_a_search_for_them() {
    let app = TestApp::with_fixtures_and_sample();
    for name in [
        "Volodymyr Zelensky",
        "Donald Trump",
        "Steve Witkoff",
        "Keir Starmer",
    ] {
        let page = person(&app, name, "").await;
        assert_eq!(page["name"], name);
        let search = app
            .search(&format!("person={}&limit=0", encode(name)))
            .await;
        assert_eq!(page["articles"].as_u64(), Some(total(&search)), "{name}");
        assert_eq!(page["outlets"], search["facets"]["outlet"], "{name}");
        assert_eq!(page["dates"], search["facets"]["date"], "{name}");
        let archive = app.search("limit=0").await;
        assert_eq!(page["archive_articles"].as_u64(), Some(total(&archive)));
    }
}

#[tokio::test]
async fn a_person_filter_keeps_a_page_to_the_articles_naming_both() {
    let app = TestApp::with_fixtures_and_sample();
    let (name, other) = ("Volodymyr Zelensky", "Keir Starmer");
    let page = person(&app, name, &format!("person={}", encode(other))).await;
    let both = app
        .search(&format!(
            "person={}&limit=0&q={}",
            encode(other),
            encode(&format!("person:\"{name}\""))
        ))
        .await;
    assert!(total(&both) > 0, "{both}");
    assert_eq!(page["articles"].as_u64(), Some(total(&both)));
    let alone = person(&app, name, "").await;
    assert!(
        page["articles"].as_u64() < alone["articles"].as_u64(),
        "{page}"
    );
    // Lift is counted against the articles the filters leave.
    let filtered = app
        .search(&format!("person={}&limit=0", encode(other)))
        .await;
    assert_eq!(page["archive_articles"].as_u64(), Some(total(&filtered)));
}

#[tokio::test]
async fn any_spelling_finds_the_person_and_an_unknown_name_is_a_404_with_suggestions() {
    let app = TestApp::with_sample();
    let page = person(&app, "Volodymyr Zelensky", "").await;
    for spelling in [
        "Zelensky",
        "zelenskyy",
        "VOLODYMYR ZELENSKYY",
        "Mr. Zelensky",
    ] {
        let other = person(&app, spelling, "").await;
        assert_eq!(other["name"], "Volodymyr Zelensky", "{spelling}");
        assert_eq!(other["articles"], page["articles"], "{spelling}");
    }
    let unknown = app.get("/api/people/Zelinski").await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "person_not_found");
    let message = unknown.json["error"]["message"].as_str().unwrap();
    assert!(message.contains("Volodymyr Zelensky"), "{message}");
    let nobody = app.get("/api/people/Quentin%20Nobodyish").await;
    assert_error(&nobody, StatusCode::NOT_FOUND, "person_not_found");
}

#[tokio::test]
async fn co_mentions_count_shared_articles_and_their_lift_is_as_defined() {
    let app = TestApp::with_fixtures_and_sample();
    let name = "Volodymyr Zelensky";
    let page = person(&app, name, "co_mentions=100").await;
    let own = page["articles"].as_f64().unwrap();
    let n = page["archive_articles"].as_f64().unwrap();
    let mentions = page["co_mentions"].as_array().unwrap();
    assert!(mentions.len() >= 3, "{page}");
    for mention in mentions {
        let other = mention["name"].as_str().unwrap();
        assert_ne!(other, name);
        let both = app
            .search(&format!(
                "person={}&q={}&limit=0",
                encode(name),
                encode(&format!("person:\"{other}\""))
            ))
            .await;
        assert_eq!(mention["shared"].as_u64(), Some(total(&both)), "{other}");
        let theirs = app
            .search(&format!("person={}&limit=0", encode(other)))
            .await;
        assert_eq!(
            mention["articles"].as_u64(),
            Some(total(&theirs)),
            "{other}"
        );
        let shared = mention["shared"].as_f64().unwrap();
        let expected = shared * n / (own * total(&theirs) as f64);
        let lift = mention["lift"].as_f64().unwrap();
        assert!(
            (lift - expected).abs() < 0.001,
            "{other}: {lift} vs {expected}"
        );
        assert!(shared >= 2.0, "{other} shares only {shared}");
    }
}

/// `count` articles naming `people`, one a day from `first` (a day of
/// August 2025), each with its own body.
fn articles(tag: &str, count: usize, people: &[&str], first: usize) -> Vec<Value> {
    (0..count)
        .map(|i| {
            let day = first + i;
            json!({
                "id": format!("{tag}-{i}"),
                "title": format!("Council report {tag} {i}"),
                "outlet": if i % 3 == 0 { "Valley Times" } else { "Harbour Gazette" },
                "date": format!("2025-{:02}-{:02}", 8 + day / 28, 1 + day % 28),
                "people": people,
                "body": format!("The council met on day {i} of the {tag} series to discuss the harbour budget."),
            })
        })
        .collect()
}

/// An archive of 100 articles: Ada Ubiquist in 90 of them, Bram Focal in
/// 20, Cleo Partner in 10, 8 of them with Bram; Bram shares 15 articles
/// with Ada, fewer than the 18 chance would give.
async fn constructed() -> TestApp {
    let app = TestApp::empty();
    let mut all = Vec::new();
    all.extend(articles(
        "bc",
        8,
        &["Ada Ubiquist", "Bram Focal", "Cleo Partner"],
        0,
    ));
    all.extend(articles("ab", 7, &["Ada Ubiquist", "Bram Focal"], 8));
    all.extend(articles("b", 5, &["Bram Focal", "Dora Once"], 15));
    all.extend(articles("c", 2, &["Cleo Partner"], 20));
    all.extend(articles("a", 75, &["Ada Ubiquist"], 0));
    all.extend(articles("none", 3, &["Dora Once"], 0));
    assert_eq!(all.len(), 100);
    let answer = app
        .post(
            "/api/articles",
            Some("application/json"),
            &Value::Array(all).to_string(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);
    assert_eq!(answer.json["indexed"], 100, "{}", answer.json);
    app
}

#[tokio::test]
async fn someone_named_everywhere_ranks_below_someone_named_with_them_more_than_chance() {
    let app = constructed().await;
    let page = person(&app, "Bram Focal", "").await;
    assert_eq!(page["articles"], 20);
    assert_eq!(page["archive_articles"], 100);
    let mentions = page["co_mentions"].as_array().unwrap();
    let names: Vec<&str> = mentions
        .iter()
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Cleo Partner", "Dora Once", "Ada Ubiquist"],
        "{page}"
    );
    // Cleo: 8 shared of her 10, 8·100/(20·10) = 4.
    assert_eq!(mentions[0]["shared"], 8);
    assert_eq!(mentions[0]["articles"], 10);
    assert_eq!(mentions[0]["lift"], 4.0);
    // Dora: 5 of her 8, 5·100/(20·8) = 3.125.
    assert_eq!(mentions[1]["shared"], 5);
    assert_eq!(mentions[1]["lift"], 3.125);
    // Ada shares the most, but less than chance: 15·100/(20·90).
    assert_eq!(mentions[2]["shared"], 15);
    assert_eq!(mentions[2]["articles"], 90);
    assert_eq!(mentions[2]["lift"], 0.833);

    // Filters narrow what is counted, lift included.
    let narrowed = person(&app, "Bram Focal", "outlet=Valley+Times").await;
    let search = app
        .search("person=Bram+Focal&outlet=Valley+Times&limit=0")
        .await;
    assert_eq!(narrowed["articles"].as_u64(), Some(total(&search)));
    let archive = app.search("outlet=Valley+Times&limit=0").await;
    assert_eq!(narrowed["archive_articles"].as_u64(), Some(total(&archive)));
    let august = person(&app, "Bram Focal", "from=2025-08&to=2025-08&histogram=day").await;
    let search = app
        .search("person=Bram+Focal&from=2025-08-01&to=2025-08-31&limit=0&histogram=day")
        .await;
    assert_eq!(august["articles"].as_u64(), Some(total(&search)));
    assert_eq!(august["dates"], search["facets"]["date"]);
    assert!(august["dates"][0]["key"].as_str().unwrap().len() == 10);
}

#[tokio::test]
async fn quotes_come_from_the_persons_articles_newest_first() {
    let app = TestApp::empty();
    let body = |said: &str| {
        format!(
            "Councillor Bram Focal opened the meeting on the harbour budget.\n\n\"{said},\" Mr Focal said.\n\n\"Nothing will change,\" said Ada Ubiquist."
        )
    };
    let batch = json!([
        {"id": "old", "title": "Budget talks begin", "date": "2025-03-01", "outlet": "Valley Times",
         "people": ["Bram Focal", "Ada Ubiquist"], "body": body("We will rebuild the pier first")},
        {"id": "new", "title": "Budget agreed", "date": "2025-06-01", "outlet": "Valley Times",
         "people": ["Bram Focal", "Ada Ubiquist"], "body": body("The pier is funded at last")},
    ]);
    let answer = app
        .post(
            "/api/articles",
            Some("application/json"),
            &batch.to_string(),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.json);

    let page = person(&app, "Bram Focal", "").await;
    let quotes = page["quotes"].as_array().unwrap();
    let texts: Vec<&str> = quotes.iter().map(|q| q["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            "The pier is funded at last",
            "We will rebuild the pier first"
        ]
    );
    assert_eq!(quotes[0]["article"]["id"], "new");
    assert_eq!(quotes[0]["article"]["title"], "Budget agreed");
    assert_eq!(quotes[0]["article"]["date"], "2025-06-01");
    assert_eq!(
        quotes[0]["sentence"],
        "\"The pier is funded at last,\" Mr Focal said."
    );
    assert_eq!(page["quotes_read_from"], 2);
    let one = person(&app, "Bram Focal", "quotes=1").await;
    assert_eq!(one["quotes"].as_array().unwrap().len(), 1);

    let ada = person(&app, "Ada Ubiquist", "").await;
    let texts: Vec<&str> = ada["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["Nothing will change", "Nothing will change"]);
}

#[tokio::test]
async fn the_sample_quotes_zelensky_in_his_own_words() {
    let app = TestApp::with_sample();
    let page = person(&app, "Zelensky", "quotes=50").await;
    let quotes = page["quotes"].as_array().unwrap();
    assert!(
        quotes.iter().any(|q| q["text"] == "Putin cannot fool us."),
        "{page}"
    );
    for quote in quotes {
        let sentence = quote["sentence"].as_str().unwrap();
        assert!(
            sentence.contains(quote["text"].as_str().unwrap()),
            "{quote}"
        );
        // No quote the text gives to someone else.
        assert!(!sentence.contains("Downing Street"), "{quote}");
    }
}

#[tokio::test]
async fn bad_parameters_are_400s_that_say_what_to_fix() {
    let app = TestApp::with_sample();
    for query in [
        "histogram=week",
        "histogram=day&histogram=month",
        "quotes=51",
        "co_mentions=-1",
        "from=yesterday",
        "from=2025-09&to=2025-08",
        "author=x",
    ] {
        let answer = app.get(&format!("/api/people/Zelensky?{query}")).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
    }
    let long = "x".repeat(201);
    let answer = app.get(&format!("/api/people/{long}")).await;
    assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
    // Empty values are the defaults.
    person(
        &app,
        "Zelensky",
        "from=&to=&histogram=&quotes=&co_mentions=&outlet=",
    )
    .await;
}
