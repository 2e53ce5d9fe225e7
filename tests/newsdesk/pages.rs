//! Real scraped pages, as the bundled sample holds them: what cleaning and
//! extraction make of them, through `newsdesk inspect --json` and through
//! the index.

use serde_json::Value;

use crate::helpers::{TestApp, ids, inspect, q, sample};

fn page<'a>(articles: &'a [Value], file: &str) -> &'a Value {
    articles
        .iter()
        .find(|a| a["file"].as_str().unwrap().ends_with(file) && a["parent"].is_null())
        .unwrap_or_else(|| panic!("no page for {file}"))
}

/// Text that must never reach a body: each is page furniture of one kind.
const FURNITURE: [&str; 18] = [
    "Your support helps us to tell the story",
    "Support Now",
    "READ MORE",
    "You may also like",
    "WhatsApp group",
    "open image in gallery",
    "(Jeff Moore/PA)",
    "(Stefan Rousseau/PA)",
    "Friday(AP)",
    "pic.twitter.com",
    "(@G7Canada)",
    "Hashtags",
    "Try Our AI Features",
    "Daily8 AI",
    "No comments yet",
    "Related Articles",
    "an hour ago",
    "License Photo",
];

#[test]
fn sample_bodies_are_free_of_page_furniture() {
    for article in sample() {
        let body = article["body"].as_str().unwrap();
        for furniture in FURNITURE {
            assert!(
                !body.contains(furniture),
                "{furniture:?} left in {} ({})",
                article["file"],
                article["title"]
            );
        }
        assert!(!body.contains("Comments\n") && !body.ends_with("Comments"));
    }
}

#[test]
fn every_real_paragraph_of_the_sample_is_kept() {
    // Spot checks across the five pages: a quote, a one-line paragraph,
    // the last paragraph, a paragraph next to removed furniture.
    let articles = sample();
    let all_bodies: String = articles
        .iter()
        .map(|a| a["body"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n\n");
    for kept in [
        "The US President has promised to update Mr Zelensky once Friday's talks end.",
        "More than 6,000 North Korean soldiers have been killed or injured",
        "Kaja Kallas, the EU's foreign policy chief, has called for Zelensky",
        "The Government has been contacted for comment.",
        "“In such circumstances, it is important that the unity of the world is not threatened.",
        "This was conveyed to him by US officials, Mr Zelensky explained.",
        "Jonathan Powell met Andriy Yermak, head of the office of the president in Ukraine.",
        "Foreign ministers from the G7 – including David Lammy and US counterpart Marco Rubio",
    ] {
        assert!(all_bodies.contains(kept), "lost: {kept}");
    }
}

#[test]
fn sample_titles_outlets_and_dates_are_found_where_the_pages_give_them() {
    let articles = sample();
    let field = |file: &str, name: &str| page(&articles, file)[name].clone();
    assert_eq!(
        field("002_397f8c2b33c2f7f6.txt", "title"),
        "Starmer could attend second US-Russia meeting on ending Ukraine war, says Trump"
    );
    assert_eq!(
        field("004_e08c3c3ab844efb4.txt", "title"),
        "Starmer to hold further Ukraine talks during week of intensive diplomacy"
    );
    assert_eq!(field("001_7503cce495d76c21.txt", "outlet"), "Mirror");
    assert_eq!(
        field("003_325b66f23103642b.txt", "outlet"),
        "The Independent"
    );
    assert_eq!(field("002_397f8c2b33c2f7f6.txt", "outlet"), "Daily8");
    assert_eq!(field("004_e08c3c3ab844efb4.txt", "outlet"), "Daily8");
    assert_eq!(field("001_7503cce495d76c21.txt", "outlet_source"), "text");
    // None of the pages states its own publication date; the dates in them
    // belong to an embedded post, history or the appended articles.
    for article in &articles {
        assert_eq!(article["date"], Value::Null, "{}", article["title"]);
        assert_eq!(article["date_source"], "none");
    }
}

#[test]
fn appended_articles_are_split_off_with_their_outlets() {
    let articles = sample();
    let appended: Vec<&Value> = articles.iter().filter(|a| !a["parent"].is_null()).collect();
    let described: Vec<(String, String)> = appended
        .iter()
        .map(|a| {
            let parent = &articles[a["parent"].as_u64().unwrap() as usize];
            let file = parent["file"].as_str().unwrap();
            (
                file[file.len() - 24..file.len() - 21].to_string(),
                a["outlet"].as_str().unwrap_or("(none)").to_string(),
            )
        })
        .collect();
    let expected = [
        ("002", "The Spectator"),
        ("002", "The Times"),
        ("002", "The Spectator"),
        ("004", "(none)"),
        ("004", "Yahoo News"),
        ("004", "UPI"),
    ];
    assert_eq!(
        described,
        expected.map(|(f, o)| (f.to_string(), o.to_string()))
    );
    for article in appended {
        assert!(article["title"].is_string());
        assert!(article["body"].as_str().unwrap().len() > 500);
    }
    // And none of their text stays in the page they were appended to.
    let page = page(&articles, "004_e08c3c3ab844efb4.txt");
    assert!(!page["body"].as_str().unwrap().contains("Bolton"));
}

#[tokio::test]
async fn a_search_finds_appended_articles_but_not_the_page_they_were_on() {
    let app = TestApp::with_sample();
    let results = app.search(&q("\"John Bolton\"")).await;
    let titles: Vec<&str> = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Trump, Putin tout progress to end war in Ukraine, but no cease-fire announced"]
    );
    let hit = &results["hits"][0];
    assert_eq!(hit["outlet"], "UPI");
    let parent = hit["parent"].as_str().unwrap().to_string();
    let page = app.get(&format!("/api/articles/{parent}")).await.json;
    assert_eq!(
        page["title"],
        "Starmer to hold further Ukraine talks during week of intensive diplomacy"
    );
    assert_eq!(page["appended"].as_array().unwrap().len(), 3);
    let child = app
        .get(&format!("/api/articles/{}", hit["id"].as_str().unwrap()))
        .await
        .json;
    assert_eq!(child["appended_to"]["id"], parent.as_str());
    let bolton = app.search(&q("Bolton")).await;
    assert!(ids(&bolton).iter().all(|id| *id != parent));
}

#[tokio::test]
async fn articles_without_a_headline_show_their_lede_marked_as_such() {
    let app = TestApp::with_sample();
    let results = app.search(&q("\"permanent occupation\"")).await;
    let hit = &results["hits"][0];
    assert_eq!(hit["title_source"], "lede");
    assert!(
        hit["title"]
            .as_str()
            .unwrap()
            .starts_with("Keir Starmer has told Donald Trump that Ukraine must not be forced")
    );
}

const FIXTURE_PAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/pages");

#[test]
fn a_page_from_an_outlet_no_rule_names_is_cleaned_by_general_rules() {
    let articles = inspect(&[&format!("{FIXTURE_PAGES}/coast-news.txt")]);
    assert_eq!(articles.len(), 1);
    let article = &articles[0];
    assert_eq!(
        article["title"],
        "Lighthouse keeper retires after forty years on the rock"
    );
    assert_eq!(article["title_source"], "heuristic");
    assert_eq!(article["date"], "2025-03-03");
    assert_eq!(article["date_source"], "text");
    assert_eq!(article["outlet"], Value::Null);
    let body = article["body"].as_str().unwrap();
    let paragraphs: Vec<&str> = body.split("\n\n").collect();
    assert_eq!(
        paragraphs,
        [
            "After forty years on the rock, the keeper of the Grey Point lighthouse has climbed down for the last time.",
            "Ada Byrne, 67, took the job in 1985, when the light still needed winding by hand every four hours.",
            "\"I never once missed a night,\" she said. \"Not in storms, not at Christmas.\"",
            "The lighthouse has been automatic since 2002, but Ms Byrne stayed on to keep the station and its records.",
            "Her logbooks, which fill two shelves, go to the county archive.",
            "Yes.",
            "That was her answer when asked if she would miss it.",
        ]
    );
    let rules: Vec<&str> = article["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        [
            "publication-date-line",
            "newsletter-signup",
            "photo-credit-caption",
            "read-more-link",
            "more-stories-list",
            "more-stories-list",
            "more-stories-list",
            "more-stories-list",
        ]
    );
}

#[test]
fn a_list_of_other_headlines_goes_by_its_shape_alone() {
    let text = std::fs::read_to_string(format!("{FIXTURE_PAGES}/coast-news.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-marker.txt");
    std::fs::write(&path, text.replace("Most read\n", "")).unwrap();
    let articles = inspect(&[path.to_str().unwrap()]);
    let removed: Vec<(&str, &str)> = articles[0]["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["rule"].as_str().unwrap(), r["text"].as_str().unwrap()))
        .collect();
    assert_eq!(
        removed[removed.len() - 3..],
        [
            (
                "trailing-headlines",
                "Council approves new car park at the harbour despite objections"
            ),
            (
                "trailing-headlines",
                "Rare seabird spotted off the north coast for the first time in decades"
            ),
            (
                "trailing-headlines",
                "Schools to close early on Friday as storm warning issued for the region"
            ),
        ]
    );
    assert!(
        articles[0]["body"]
            .as_str()
            .unwrap()
            .ends_with("when asked if she would miss it.")
    );
}

#[test]
fn html_pages_give_their_main_text_and_metadata() {
    let articles = inspect(&[&format!("{FIXTURE_PAGES}/quay-courier.html")]);
    let article = &articles[0];
    assert_eq!(article["title"], "Market hall to close for repairs");
    assert_eq!(article["title_source"], "given");
    assert_eq!(article["outlet"], "The Quay Courier");
    assert_eq!(article["date"], "2025-04-11T07:30:00+01:00");
    assert_eq!(
        article["url"],
        "https://quay-courier.example/news/market-hall-repairs"
    );
    let body = article["body"].as_str().unwrap();
    assert!(
        body.starts_with("The town's market hall will close for six weeks"),
        "{body}"
    );
    assert!(
        body.ends_with("reopen in time for the summer festival."),
        "{body}"
    );
    assert_eq!(body.split("\n\n").count(), 4, "{body}");
    for chrome in ["Weather", "Most read", "Rare seabird", "Privacy", "Cookies"] {
        assert!(!body.contains(chrome), "{chrome} in {body}");
    }
}
