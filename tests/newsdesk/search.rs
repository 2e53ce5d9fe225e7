//! Searching through the router: ranking, the query language, filters,
//! facets, snippets, paging and sorting.

use serde_json::Value;

use crate::helpers::{TestApp, ids, q};

#[tokio::test]
async fn the_article_most_about_the_words_ranks_first() {
    let app = TestApp::with_fixtures();
    let results = app.search(&q("wind farm")).await;
    // Both words are required: the budget story mentions wind, not farms.
    assert_eq!(results["total"], 2);
    assert_eq!(ids(&results), ["harbour-wind-farm", "undated-note"]);
    let scores: Vec<f64> = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["score"].as_f64().unwrap())
        .collect();
    assert!(scores[0] > scores[1], "{scores:?}");
}

#[tokio::test]
async fn words_match_their_other_forms() {
    let app = TestApp::with_fixtures();
    // "councillors" in the text, "councillor" in the query.
    let results = app.search(&q("councillor")).await;
    assert_eq!(ids(&results), ["harbour-wind-farm"]);
}

#[tokio::test]
async fn a_phrase_matches_only_its_words_in_sequence() {
    let app = TestApp::with_fixtures();
    let phrase = app.search(&q("\"coalition of the willing\"")).await;
    assert_eq!(ids(&phrase), ["northern-coalition"]);
    let words = app.search(&q("coalition willing")).await;
    assert_eq!(words["total"], 2);
}

#[tokio::test]
async fn or_not_and_parentheses_combine_as_written() {
    let app = TestApp::with_fixtures();
    assert_eq!(app.search(&q("ferry OR crab")).await["total"], 5);
    assert_eq!(app.search(&q("ferry -crab")).await["total"], 3);
    assert_eq!(
        ids(&app.search(&q("ferry NOT island")).await),
        ["valley-floods"]
    );
    // OR binds tighter than the implicit AND.
    let grouped = app.search(&q("winter (ferry OR road)")).await;
    let mut found = ids(&grouped);
    found.sort();
    assert_eq!(
        found,
        ["northern-coalition", "star-longread", "valley-floods"]
    );
}

#[tokio::test]
async fn a_prefix_matches_every_word_it_starts() {
    let app = TestApp::with_fixtures();
    // "Fishermen" and "fishing".
    let results = app.search(&q("fish*")).await;
    let mut found = ids(&results);
    found.sort();
    assert_eq!(found, ["harbour-scattered", "harbour-wind-farm"]);
}

#[tokio::test]
async fn title_and_body_fields_restrict_where_words_are_looked_for() {
    let app = TestApp::with_fixtures();
    assert_eq!(ids(&app.search(&q("title:roof")).await), ["valley-school"]);
    // "clean-up" is in a title and a body; "skips" only in a body.
    assert_eq!(app.search(&q("title:skips")).await["total"], 0);
    assert_eq!(
        ids(&app.search(&q("body:skips")).await),
        ["harbour-scattered"]
    );
}

#[tokio::test]
async fn the_outlet_filter_takes_any_of_several_and_ignores_case() {
    let app = TestApp::with_fixtures();
    let one = app.search("outlet=Valley%20Times").await;
    assert_eq!(one["total"], 3);
    assert!(
        one["hits"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["outlet"] == "Valley Times")
    );
    assert_eq!(app.search("outlet=valley%20times").await["total"], 3);
    assert_eq!(
        app.search("outlet=Valley%20Times&outlet=The%20Northern%20Star")
            .await["total"],
        5
    );
    assert_eq!(
        app.search(&q("outlet:\"harbour gazette\"")).await["total"],
        4
    );
}

#[tokio::test]
async fn the_person_filter_finds_every_article_naming_them() {
    let app = TestApp::with_fixtures();
    let results = app.search("person=Owen%20Pryce").await;
    let mut found = ids(&results);
    found.sort();
    assert_eq!(
        found,
        ["northern-coalition", "star-longread", "valley-floods"]
    );
    let both = app
        .search(&q("person:\"Tom Hale\" outlet:\"Harbour Gazette\""))
        .await;
    assert_eq!(both["total"], 2);
    // Filters combine with words.
    assert_eq!(
        ids(&app
            .search(&format!("{}&person=Tom%20Hale", q("crab prices")))
            .await),
        ["harbour-crab"]
    );
}

#[tokio::test]
async fn date_filters_include_both_ends() {
    let app = TestApp::with_fixtures();
    let january = app.search("from=2025-01-06&to=2025-01-30").await;
    let mut found = ids(&january);
    found.sort();
    assert_eq!(
        found,
        ["harbour-escape", "harbour-wind-farm", "valley-school"]
    );
    assert_eq!(
        app.search(&q("date:[2025-03-01 TO 2025-03-31]")).await["total"],
        3
    );
    assert_eq!(app.search(&q("date:2024")).await["total"], 2);
    assert_eq!(app.search(&q("date:[2025-03-10 TO *]")).await["total"], 1);
    assert_eq!(app.search("from=2025-02").await["total"], 4);
}

#[tokio::test]
async fn days_far_in_the_past_or_future_filter_as_they_say() {
    // The index keeps instants as nanoseconds in 64 bits, from 1677 to 2262;
    // a day outside once overflowed that and failed the search.
    let app = TestApp::with_fixtures();
    assert_eq!(app.search("to=1172-09").await["total"], 0);
    assert_eq!(app.search("from=9999").await["total"], 0);
    assert_eq!(app.search("from=0001&to=9999").await["total"], 9);
    assert_eq!(app.search(&q("date:[0001 TO 1500]")).await["total"], 0);
    assert_eq!(app.search(&q("date:[1000 TO *]")).await["total"], 9);
}

#[tokio::test]
async fn facets_count_the_whole_result_not_the_page() {
    let app = TestApp::with_fixtures();
    let results = app.search("limit=1").await;
    assert_eq!(results["total"], 10);
    assert_eq!(results["hits"].as_array().unwrap().len(), 1);
    let facets = &results["facets"];
    assert_eq!(
        facets["outlet"],
        serde_json::json!([
            {"value": "Harbour Gazette", "count": 4},
            {"value": "Valley Times", "count": 3},
            {"value": "The Northern Star", "count": 2},
        ])
    );
    assert_eq!(
        facets["people"][0],
        serde_json::json!({"value": "Owen Pryce", "count": 3})
    );
    assert_eq!(facets["people"].as_array().unwrap().len(), 6);
    assert_eq!(
        facets["date"],
        serde_json::json!([
            {"key": "2024-11", "count": 1},
            {"key": "2024-12", "count": 1},
            {"key": "2025-01", "count": 3},
            {"key": "2025-02", "count": 1},
            {"key": "2025-03", "count": 3},
        ])
    );
    // And they follow the query and the filters.
    let narrowed = app
        .search(&format!("{}&outlet=Valley%20Times", q("council")))
        .await;
    assert_eq!(
        narrowed["facets"]["outlet"],
        serde_json::json!([{"value": "Valley Times", "count": 1}])
    );
}

#[tokio::test]
async fn snippets_mark_matches_and_escape_everything_else() {
    let app = TestApp::with_fixtures();
    let results = app.search(&q("script")).await;
    let snippet = results["hits"][0]["snippets"][0].as_str().unwrap();
    assert!(
        snippet.contains("&lt;<mark>script</mark>&gt;alert(&#39;pwned&#39;)"),
        "{snippet}"
    );
    assert!(snippet.contains("&amp; &quot;other&quot;"), "{snippet}");
    let without_marks = snippet.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !without_marks.contains('<') && !without_marks.contains('>'),
        "{snippet}"
    );
}

#[tokio::test]
async fn snippets_are_up_to_three_short_fragments_around_the_matches() {
    let app = TestApp::with_fixtures();
    let results = app.search(&q("logbook OR cafe OR weather")).await;
    let hit = results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|hit| hit["id"] == "star-longread")
        .expect("the long read matches");
    let snippets: Vec<&str> = hit["snippets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(snippets.len(), 3, "{snippets:?}");
    for word in ["weather", "logbook", "cafe"] {
        assert!(
            snippets
                .iter()
                .any(|s| s.contains(&format!("<mark>{word}</mark>"))),
            "{word} not in {snippets:?}"
        );
    }
    for snippet in snippets {
        let visible = snippet.replace("<mark>", "").replace("</mark>", "");
        assert!(visible.chars().count() <= 220, "{snippet}");
    }
}

#[tokio::test]
async fn pages_follow_each_other_without_gaps_or_repeats() {
    let app = TestApp::with_fixtures();
    let whole = ids(&app.search("sort=oldest&limit=10").await);
    let mut paged = Vec::new();
    for offset in [0, 3, 6, 9] {
        let page = app
            .search(&format!("sort=oldest&limit=3&offset={offset}"))
            .await;
        assert_eq!(page["total"], 10);
        paged.extend(ids(&page));
    }
    assert_eq!(paged, whole);
    let past_the_end = app.search("offset=50").await;
    assert_eq!(past_the_end["total"], 10);
    assert_eq!(past_the_end["hits"], serde_json::json!([]));
}

fn dates(results: &Value) -> Vec<Option<String>> {
    results["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["date"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn sorting_by_date_puts_undated_articles_last_either_way() {
    let app = TestApp::with_fixtures();
    for (sort, newest_first) in [("newest", true), ("oldest", false)] {
        let found = dates(&app.search(&format!("sort={sort}&limit=10")).await);
        assert_eq!(found.len(), 10);
        assert_eq!(found[9], None, "{sort}: {found:?}");
        let dated: Vec<&String> = found[..9]
            .iter()
            .map(|d| d.as_ref().expect("dated"))
            .collect();
        let mut expected = dated.clone();
        expected.sort();
        if newest_first {
            expected.reverse();
        }
        assert_eq!(dated, expected, "{sort}");
    }
    // A query sorted by date still matches only what it matches.
    let sorted = app.search(&format!("{}&sort=newest", q("ferry"))).await;
    assert_eq!(
        ids(&sorted),
        ["star-longread", "northern-coalition", "valley-floods"]
    );
}

#[tokio::test]
async fn an_empty_query_lists_every_article_newest_first() {
    let app = TestApp::with_fixtures();
    let results = app.search("q=").await;
    assert_eq!(results["total"], 10);
    assert_eq!(ids(&results)[0], "star-longread");
}

#[tokio::test]
async fn a_malformed_query_still_searches_and_says_what_it_repaired() {
    let app = TestApp::with_fixtures();
    let results = app.search(&q("\"wind farm")).await;
    assert_eq!(ids(&results)[0], "harbour-wind-farm");
    let warnings = results["warnings"].as_array().unwrap();
    assert!(
        warnings[0].as_str().unwrap().contains("quote"),
        "{warnings:?}"
    );

    let results = app.search(&q("ferry OR")).await;
    assert_eq!(results["total"], 3);
    assert!(!results["warnings"].as_array().unwrap().is_empty());

    let results = app.search(&q("author:Lopez ferry")).await;
    assert!(
        results["warnings"][0]
            .as_str()
            .unwrap()
            .contains("not a field")
    );
}

#[tokio::test]
async fn spellings_of_one_outlet_are_one_facet_value_and_one_filter() {
    let app = TestApp::empty();
    let articles = r#"[
        {"outlet": "Independent", "body": "Storm closes the coast road for a day."},
        {"outlet": "The Independent", "body": "Second storm closes the coast road again."},
        {"url": "https://www.independent.co.uk/news/third", "body": "Third storm of the month."},
        {"outlet": "The Harbour Post", "body": "Storm damage at the harbour wall."},
        {"outlet": "Harbour Post", "body": "Storm damage repaired at the harbour wall."},
        {"outlet": "harbour post", "body": "Storm season ends at the harbour."}
    ]"#;
    let answer = app
        .post("/api/articles", Some("application/json"), articles)
        .await;
    assert_eq!(answer.json["indexed"], 6, "{}", answer.json);
    let results = app.search("q=storm").await;
    assert_eq!(
        results["facets"]["outlet"],
        serde_json::json!([
            {"value": "Harbour Post", "count": 3},
            {"value": "The Independent", "count": 3},
        ])
    );
    for filter in [
        "outlet=independent",
        "outlet=THE%20INDEPENDENT",
        "outlet=the%20harbour%20post",
    ] {
        assert_eq!(app.search(filter).await["total"], 3, "{filter}");
    }
    assert_eq!(app.get("/api/stats").await.json["outlets"], 2);
}
