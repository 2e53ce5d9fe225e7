//! The `newsdesk` binary itself: `ingest`, `search`, `inspect`, the
//! settings file and the environment, exit codes and messages.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

use newsdesk::index::{NewsIndex, WriterOptions};

fn newsdesk(args: &[&str], index: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(args)
        .arg("--index")
        .arg(index)
        .output()
        .expect("newsdesk runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

use crate::helpers::SAMPLE_DIR as SAMPLE;

#[test]
fn ingesting_the_same_folder_twice_replaces_instead_of_adding() {
    let dir = tempfile::tempdir().unwrap();
    let first = newsdesk(&["ingest", SAMPLE], dir.path());
    assert!(first.status.success(), "{}", text(&first.stderr));
    // Two of the five pages carry three appended articles each.
    let summary = text(&first.stdout);
    assert!(summary.contains("read 5 items"), "{summary}");
    assert!(
        summary.contains(
            "11 indexed (new), 0 replaced, 0 rejected (6 of them split off aggregator pages)"
        ),
        "{summary}"
    );

    let second = newsdesk(&["ingest", SAMPLE], dir.path());
    let summary = text(&second.stdout);
    assert!(
        summary.contains("0 indexed (new), 11 replaced, 0 rejected"),
        "{summary}"
    );
    let index = NewsIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.num_articles(), 11);
}

#[test]
fn of_two_articles_with_one_id_in_a_large_batch_the_later_wins() {
    // Enough lines to be cleaned in several chunks on several threads.
    let input = tempfile::tempdir().unwrap();
    let path = input.path().join("feed.ndjson");
    let mut lines = String::new();
    lines.push_str("{\"id\": \"twice\", \"body\": \"The first version of the story.\"}\n");
    for n in 0..700 {
        lines.push_str(&format!(
            "{{\"id\": \"a{n}\", \"body\": \"Filler article number {n}.\"}}\n"
        ));
    }
    lines.push_str("{\"id\": \"twice\", \"body\": \"The corrected version of the story.\"}\n");
    std::fs::write(&path, lines).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let run = newsdesk(&["ingest", path.to_str().unwrap()], dir.path());
    let summary = text(&run.stdout);
    assert!(
        summary.contains("read 702 items") && summary.contains("701 indexed (new), 1 replaced"),
        "{summary}{}",
        text(&run.stderr)
    );
    let index = NewsIndex::open_or_create(dir.path()).unwrap();
    assert_eq!(index.num_articles(), 701);
    let id = newsdesk::article::ArticleId::parse("twice").unwrap();
    let article = newsdesk::search::article(&index, &id).unwrap().unwrap();
    assert_eq!(article.body, "The corrected version of the story.");
}

#[test]
fn one_bad_file_or_line_is_reported_and_costs_nothing_else() {
    let input = tempfile::tempdir().unwrap();
    let write =
        |name: &str, content: &[u8]| std::fs::write(input.path().join(name), content).unwrap();
    write(
        "a-good.json",
        br#"[{"title": "Good one", "body": "The first good article."}]"#,
    );
    write("b-lines.ndjson", b"{\"body\": \"Second good article.\"}\n{\"body\": 12}\n{\"body\": \"Third good article.\"}\n");
    write("c-empty.txt", b"");
    write("d-broken.json", b"{\"body\": ");
    write(
        "e-story.txt",
        b"---\noutlet: Town Crier\n---\nFourth good article.\n",
    );
    write("notes.pdf", b"%PDF");
    std::fs::create_dir(input.path().join(".hidden")).unwrap();
    write(".hidden/secret.txt", b"Never read.");

    let index = tempfile::tempdir().unwrap();
    let output = newsdesk(&["ingest", input.path().to_str().unwrap()], index.path());
    let stderr = text(&output.stderr);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("4 indexed (new), 0 replaced, 3 rejected"),
        "{stdout}"
    );
    assert!(
        stderr.contains("b-lines.ndjson:2: field `body` must be a string"),
        "{stderr}"
    );
    assert!(
        stderr.contains("c-empty.txt: the file is empty"),
        "{stderr}"
    );
    assert!(stderr.contains("d-broken.json:1: invalid JSON"), "{stderr}");
    assert!(
        stderr.contains("skipped 1 file that newsdesk does not read (1 .pdf)"),
        "{stderr}"
    );
    assert_eq!(
        NewsIndex::open_or_create(index.path())
            .unwrap()
            .num_articles(),
        4
    );
}

#[test]
fn ndjson_can_come_on_standard_input() {
    let index = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["ingest", "-", "--index"])
        .arg(index.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"{\"body\": \"From a pipe.\"}\n{\"body\": \"Also from a pipe.\"}\n")
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("2 indexed (new)"));
}

#[test]
fn a_missing_path_or_unknown_file_type_is_named() {
    let index = tempfile::tempdir().unwrap();
    let output = newsdesk(&["ingest", "/no/such/folder", "Cargo.toml"], index.path());
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("/no/such/folder: no such file or folder"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Cargo.toml: newsdesk reads .txt"),
        "{stderr}"
    );
}

#[test]
fn ingest_stops_at_once_when_another_process_holds_the_index() {
    let index = tempfile::tempdir().unwrap();
    let held = NewsIndex::open_or_create(index.path()).unwrap();
    let _writer = held
        .writer(WriterOptions {
            threads: 1,
            memory_bytes: 20_000_000,
        })
        .unwrap();
    let output = newsdesk(&["ingest", SAMPLE], index.path());
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    let holder = format!("in use by a newsdesk process (pid {})", std::process::id());
    assert!(stderr.contains(&holder), "{stderr}");
    assert!(stderr.contains("POST /api/articles"), "{stderr}");
}

#[test]
fn search_prints_ranked_results_or_the_api_json() {
    let index = tempfile::tempdir().unwrap();
    newsdesk(&["ingest", crate::helpers::FIXTURES], index.path());
    let output = newsdesk(&["search", "wind", "farm"], index.path());
    let stdout = text(&output.stdout);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(stdout.starts_with("2 articles match"), "{stdout}");
    assert!(
        stdout
            .contains("1. Wind farm approved off the harbour coast — Harbour Gazette, 2025-01-14"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("<mark>") && !stdout.contains("\x1b["),
        "{stdout}"
    );

    let output = newsdesk(
        &[
            "search",
            "--json",
            "--outlet",
            "Valley Times",
            "--sort",
            "newest",
        ],
        index.path(),
    );
    let json: Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(json["total"], 3);
    assert_eq!(json["hits"][0]["id"], "valley-budget");

    let missing = tempfile::tempdir().unwrap();
    let output = newsdesk(&["search", "x"], &missing.path().join("none"));
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("newsdesk ingest"));
}

#[test]
fn batch_flags_give_the_outlet_and_date_articles_lack() {
    let input = tempfile::tempdir().unwrap();
    std::fs::write(
        input.path().join("letter.txt"),
        "Readers write about the new bus timetable and the pier.\n",
    )
    .unwrap();
    std::fs::write(
        input.path().join("dated.txt"),
        "---\ndate: 2024-12-01\noutlet: Valley Times\n---\nA story that carries its own outlet and date.\n",
    )
    .unwrap();
    let index = tempfile::tempdir().unwrap();
    let output = newsdesk(
        &[
            "ingest",
            "--outlet",
            "Town Crier",
            "--date",
            "2025-05-01",
            input.path().to_str().unwrap(),
        ],
        index.path(),
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    let output = newsdesk(&["search", "--json", "--sort", "oldest"], index.path());
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let found: Vec<(String, String, String)> = json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["outlet"].as_str().unwrap().to_string(),
                h["date"].as_str().unwrap().to_string(),
                h["outlet_source"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("Valley Times".into(), "2024-12-01".into(), "given".into()),
            ("Town Crier".into(), "2025-05-01".into(), "given".into()),
        ]
    );

    let bad = newsdesk(
        &[
            "ingest",
            "--date",
            "2025-02-30",
            input.path().to_str().unwrap(),
        ],
        index.path(),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("2025-02-30"));
}

#[test]
fn a_flag_beats_the_environment_which_beats_the_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("newsdesk.toml");
    std::fs::write(
        &file,
        "addr = \"127.0.0.1:7001\"\nmax-queued = 7\nrequest-timeout = 9\nlog-format = \"json\"\n",
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["serve", "--print-settings", "--max-queued", "8"])
        .env("NEWSDESK_CONFIG", &file)
        .env("NEWSDESK_REQUEST_TIMEOUT", "11")
        .env("NEWSDESK_API_KEY", "a-secret-key-of-some-length")
        .env_remove("NEWSDESK_ADDR")
        .env_remove("NEWSDESK_MAX_QUEUED")
        .env_remove("NEWSDESK_LOG_FORMAT")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", text(&output.stderr));
    let settings = text(&output.stdout);
    let setting = |name: &str| -> Vec<String> {
        let line = settings
            .lines()
            .find(|line| line.split_whitespace().next() == Some(name))
            .unwrap_or_else(|| panic!("no {name} in:\n{settings}"));
        line.split_whitespace()
            .skip(1)
            .map(str::to_string)
            .collect()
    };
    let from_file = |line: usize| format!("{}:{line}", file.display());
    assert_eq!(setting("addr"), ["127.0.0.1:7001", &from_file(1)]);
    assert_eq!(setting("max-queued"), ["8", "flag"]);
    assert_eq!(
        setting("request-timeout"),
        ["11", "$NEWSDESK_REQUEST_TIMEOUT"]
    );
    assert_eq!(setting("log-format"), ["json", &from_file(4)]);
    assert_eq!(setting("max-body-bytes"), ["67108864", "default"]);
    // The key itself is never printed.
    assert!(!settings.contains("a-secret-key"), "{settings}");
    assert_eq!(setting("api-key")[..3], ["(set,", "not", "shown)"]);
}

#[test]
fn a_bad_settings_file_stops_the_command_with_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("newsdesk.toml");
    std::fs::write(&file, "addr = \"127.0.0.1:7001\"\nmax-queued = -3\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["serve", "--config"])
        .arg(&file)
        .env_remove("NEWSDESK_MAX_QUEUED")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.starts_with(&format!("error: {}:2: `max-queued`", file.display())),
        "{stderr}"
    );
}
