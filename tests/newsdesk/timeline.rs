//! `GET /api/timeline`: several queries counted over time against the
//! filtered archive, and what bad requests get back.

use axum::http::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, assert_error, encode};

/// Answers `/api/timeline?{query_string}` and checks it is a 200.
async fn timeline(app: &TestApp, query_string: &str) -> Value {
    let answer = app.get(&format!("/api/timeline?{query_string}")).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{query_string}: {}",
        answer.json
    );
    answer.json
}

fn numbers(value: &Value) -> Vec<u64> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|n| n.as_u64().expect("a count"))
        .collect()
}

fn labels(found: &Value) -> Vec<&str> {
    found["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect()
}

fn totals(found: &Value) -> Vec<u64> {
    found["intervals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["total"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn several_queries_are_counted_by_month_as_searches_over_each_month_count_them() {
    let app = TestApp::with_fixtures();
    let found = timeline(&app, "q=ferry&q=council&interval=month").await;
    assert_eq!(found["interval"], "month");
    assert_eq!(
        labels(&found),
        ["2024-11", "2024-12", "2025-01", "2025-02", "2025-03"]
    );
    assert_eq!(totals(&found), [1, 1, 3, 1, 3]);
    assert_eq!(
        (found["total"].as_u64(), found["undated"].as_u64()),
        (Some(10), Some(1))
    );
    let series = found["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["query"], "ferry");
    assert_eq!(series[1]["query"], "council");

    // Each count is what a search narrowed to the interval finds.
    for line in series {
        let query = line["query"].as_str().unwrap();
        let counts = numbers(&line["counts"]);
        for (interval, count) in found["intervals"].as_array().unwrap().iter().zip(&counts) {
            let search = app
                .search(&format!(
                    "q={}&from={}&to={}&limit=0",
                    encode(query),
                    interval["start"].as_str().unwrap(),
                    interval["end"].as_str().unwrap()
                ))
                .await;
            assert_eq!(
                search["total"].as_u64(),
                Some(*count),
                "{query} in {interval}"
            );
        }
        let all = app.search(&format!("q={}&limit=0", encode(query))).await;
        assert_eq!(line["total"], all["total"], "{query}");
        // Shares are of the interval's total.
        let shares = line["shares"].as_array().unwrap();
        for ((share, count), total) in shares.iter().zip(&counts).zip(totals(&found)) {
            let expected = if total == 0 {
                0.0
            } else {
                *count as f64 / total as f64
            };
            assert!(
                (share.as_f64().unwrap() - expected).abs() < 1e-9,
                "{query}: {shares:?}"
            );
        }
    }
    assert_eq!(numbers(&series[0]["counts"]), [0, 1, 0, 0, 2]);
    assert_eq!(numbers(&series[1]["counts"]), [0, 0, 2, 1, 1]);
}

#[tokio::test]
async fn weeks_are_iso_weeks_zero_filled_between_the_first_and_last_article() {
    let app = TestApp::with_fixtures();
    let found = timeline(&app, "q=ferry&interval=week&from=2024-12&to=2025-01").await;
    let intervals = found["intervals"].as_array().unwrap();
    // 2024-12-02 (a Monday) to 2025-01-30's week, which starts 2025-01-27.
    assert_eq!(intervals.first().unwrap()["start"], "2024-12-02");
    assert_eq!(intervals.first().unwrap()["label"], "2024-W49");
    assert_eq!(intervals.last().unwrap()["start"], "2025-01-27");
    assert_eq!(intervals.last().unwrap()["end"], "2025-02-02");
    assert_eq!(intervals.len(), 9);
    // The week of New Year belongs to 2025.
    assert!(labels(&found).contains(&"2025-W01"), "{:?}", labels(&found));
    assert_eq!(totals(&found).iter().sum::<u64>(), 4);
    assert_eq!(
        found["undated"], 0,
        "a date range leaves undated articles out"
    );
    assert_eq!(
        numbers(&found["series"][0]["counts"]).iter().sum::<u64>(),
        1
    );
}

#[tokio::test]
async fn outlet_and_person_filters_narrow_the_base_and_every_series() {
    let app = TestApp::with_fixtures();
    let found = timeline(
        &app,
        "q=ferry&q=road&outlet=valley+times&person=Owen+Pryce&interval=day",
    )
    .await;
    // The one Valley Times article about Owen Pryce.
    assert_eq!(labels(&found), ["2024-12-02"]);
    assert_eq!(found["total"], 1);
    assert_eq!(numbers(&found["series"][0]["counts"]), [1]);
    assert_eq!(numbers(&found["series"][1]["counts"]), [1]);
    assert_eq!(found["series"][1]["shares"][0].as_f64(), Some(1.0));

    let nothing = timeline(&app, "q=ferry&outlet=Nobody+Weekly").await;
    assert_eq!(nothing["intervals"].as_array().unwrap().len(), 0);
    assert_eq!(nothing["series"][0]["total"], 0);
}

#[tokio::test]
async fn no_query_or_an_empty_one_is_the_filtered_archive_with_its_undated_articles() {
    let app = TestApp::with_fixtures();
    for query_string in ["", "q=", "q=+&interval="] {
        let found = timeline(&app, query_string).await;
        let series = found["series"].as_array().unwrap();
        assert_eq!(series.len(), 1, "{query_string}");
        assert_eq!(series[0]["query"], "");
        assert_eq!(numbers(&series[0]["counts"]), totals(&found));
        assert_eq!(
            (series[0]["total"].as_u64(), series[0]["undated"].as_u64()),
            (Some(10), Some(1))
        );
        assert_eq!(found["interval"], "month", "month by default");
    }
    // The undated fixture mentions the wind farm: counted, in no interval.
    let wind = timeline(&app, "q=%22wind+farm%22").await;
    assert_eq!(
        (
            wind["series"][0]["total"].as_u64(),
            wind["series"][0]["undated"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(numbers(&wind["series"][0]["counts"]).iter().sum::<u64>(), 1);
}

#[tokio::test]
async fn parser_repairs_come_back_as_warnings_naming_their_query() {
    let app = TestApp::with_fixtures();
    let found = timeline(&app, "q=ferry&q=council+AND+(").await;
    let warnings = found["warnings"].as_array().unwrap();
    assert!(!warnings.is_empty());
    for warning in warnings {
        assert!(
            warning
                .as_str()
                .unwrap()
                .starts_with("in \"council AND (\": "),
            "{warning}"
        );
    }
}

#[tokio::test]
async fn bad_intervals_too_many_queries_and_bad_filters_are_400s_saying_what_to_fix() {
    let app = TestApp::with_fixtures();
    let cases: [(String, &str); 7] = [
        ("q=ferry&interval=year".into(), "use day, week or month"),
        (
            "q=ferry&interval=day&interval=week".into(),
            "interval is given 2 times",
        ),
        (
            (0..11)
                .map(|i| format!("q=word{i}"))
                .collect::<Vec<_>>()
                .join("&"),
            "at most 10 queries",
        ),
        ("q=ferry&from=yesterday".into(), "from must be a date"),
        ("q=ferry&from=2025-03&to=2025-01".into(), "swap them"),
        ("q=ferry&histogram=day".into(), "unknown parameter"),
        (format!("q=ferry&q={}", "(".repeat(40)), "nests parentheses"),
    ];
    for (query_string, expected) in cases {
        let answer = app.get(&format!("/api/timeline?{query_string}")).await;
        assert_error(&answer, StatusCode::BAD_REQUEST, "invalid_parameter");
        let message = answer.json["error"]["message"].as_str().unwrap();
        assert!(message.contains(expected), "{query_string}: {message}");
    }
}

#[tokio::test]
async fn a_span_too_long_for_days_is_counted_by_week_instead_and_says_so() {
    let app = TestApp::with_fixtures();
    let old = app
        .post(
            "/api/articles",
            Some("application/json"),
            r#"{"id": "old-ferry", "title": "Ferry service begins", "date": "1990-05-01", "body": "The island ferry made its first crossing on Tuesday."}"#,
        )
        .await;
    assert_eq!(old.status, StatusCode::OK, "{}", old.json);
    let weeks = timeline(&app, "q=ferry&interval=day").await;
    assert_eq!(weeks["interval"], "week");
    assert_eq!(weeks["intervals"][0]["label"], "1990-W18");
    let warning = weeks["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("counted by week instead") && warning.contains("from and to"),
        "{warning}"
    );
    // Narrowed by dates, days are fine again.
    let days = timeline(&app, "q=ferry&interval=day&from=2025").await;
    assert_eq!(days["interval"], "day");
    assert_eq!(days["warnings"].as_array().unwrap().len(), 0);
    let months = timeline(&app, "q=ferry&interval=month").await;
    let intervals = months["intervals"].as_array().unwrap();
    assert_eq!(intervals.len(), 35 * 12 - 1);
    assert_eq!(intervals[0]["label"], "1990-05");
    assert_eq!(
        numbers(&months["series"][0]["counts"]).iter().sum::<u64>(),
        4
    );
}
