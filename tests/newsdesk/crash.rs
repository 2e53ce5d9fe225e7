//! Crash safety: `kill -9` at any moment of an ingest or of a write over
//! HTTP leaves an index that opens, holds every acknowledged article whole,
//! and holds no part of any article; running the ingest again completes it.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::helpers::FIXTURES;
use crate::server::start_binary_with;
use newsdesk::article::{Article, ArticleId};
use newsdesk::index::NewsIndex;

/// A small deterministic generator (xorshift), seeded from the clock and
/// printed, so that a failing run can be repeated with NEWSDESK_CRASH_SEED.
struct Random(u64);

impl Random {
    fn new() -> Random {
        let seed = std::env::var("NEWSDESK_CRASH_SEED")
            .ok()
            .and_then(|seed| seed.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
                    | 1
            });
        eprintln!("crash test seed: NEWSDESK_CRASH_SEED={seed}");
        Random(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A duration between zero and `max`.
    fn up_to(&mut self, max: Duration) -> Duration {
        max.mul_f64((self.next() % 10_000) as f64 / 10_000.0)
    }
}

/// `count` articles built from the fixtures, each about 3 KB, each with its
/// own id and wording.
fn articles(count: usize, prefix: &str) -> Vec<Value> {
    let fixtures: Vec<Value> = std::fs::read_to_string(FIXTURES)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    (0..count)
        .map(|i| {
            let base = &fixtures[i % fixtures.len()];
            let other = &fixtures[(i * 7 + 3) % fixtures.len()];
            let body = format!(
                "{}\n\nIn a follow-up numbered {i}, reporters returned to the story.\n\n{}\n\n{}",
                base["body"].as_str().unwrap(),
                other["body"].as_str().unwrap(),
                base["body"].as_str().unwrap(),
            );
            json!({
                "id": format!("{prefix}-{i:04}"),
                "title": format!("{} ({prefix} {i})", base["title"].as_str().unwrap()),
                "outlet": base["outlet"],
                "date": base["date"],
                "people": base["people"],
                "body": body,
            })
        })
        .collect()
}

/// The article newsdesk makes of `value`, as any write of it must store it.
fn expected(value: &Value) -> Article {
    let item = newsdesk::ingest::parse::json_line("expected", 1, &value.to_string());
    let (raw, _) = item.unwrap();
    newsdesk::ingest::prepare(raw, &newsdesk::ingest::Defaults::default())
        .unwrap()
        .article
}

fn write_ndjson(path: &Path, articles: &[Value]) {
    let text: String = articles.iter().map(|a| format!("{a}\n")).collect();
    std::fs::write(path, text).unwrap();
}

/// Every article in the index at `dir`, by id, checking on the way that the
/// index opens and that no id is held twice.
fn contents(dir: &Path, ids: impl Iterator<Item = String>) -> BTreeMap<String, Article> {
    let index = NewsIndex::open_or_create(dir).expect("the index opens after a crash");
    let mut found = BTreeMap::new();
    for id in ids {
        let id = ArticleId::parse(&id).unwrap();
        if let Some(article) = newsdesk::search::article(&index, &id).unwrap() {
            found.insert(id.to_string(), article);
        }
    }
    assert_eq!(
        index.num_articles(),
        found.len() as u64,
        "the index holds articles twice or articles it was never given"
    );
    found
}

fn ingest(index: &Path, input: &Path) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_newsdesk"))
        .args(["ingest", "--commit-interval", "0.05", "--index"])
        .arg(index)
        .arg(input)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("newsdesk runs")
}

/// Kills `child` with SIGKILL after `after`, unless it ended first; returns
/// its standard output and whether it ended by itself.
fn kill_after(mut child: std::process::Child, after: Duration) -> (String, bool) {
    let started = Instant::now();
    let finished = loop {
        if child.try_wait().unwrap().is_some() {
            break true;
        }
        if started.elapsed() >= after {
            // `Child::kill` sends SIGKILL: no handler runs, nothing is flushed.
            child.kill().unwrap();
            break false;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let output = child.wait_with_output().unwrap();
    // What it said, so that a failure shows why.
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (said, finished)
}

#[test]
fn killing_an_ingest_at_any_moment_loses_nothing_acknowledged_and_a_rerun_completes_it() {
    let input = tempfile::tempdir().unwrap();
    let all = articles(400, "crash");
    // Several files, so that kills land between inputs as well as in them.
    for (n, part) in all.chunks(100).enumerate() {
        write_ndjson(&input.path().join(format!("part-{n}.ndjson")), part);
    }
    let ids = || all.iter().map(|a| a["id"].as_str().unwrap().to_string());

    // The reference: one ingest that runs to its end.
    let reference_dir = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let (summary, finished) = kill_after(
        ingest(reference_dir.path(), input.path()),
        Duration::from_secs(600),
    );
    let full_run = started.elapsed();
    assert!(finished && summary.contains("400 indexed"), "{summary}");
    let reference = contents(reference_dir.path(), ids());
    assert_eq!(reference.len(), 400);

    let mut random = Random::new();
    let mut outcomes = Vec::new();
    for trial in 0..20 {
        let dir = tempfile::tempdir().unwrap();
        // Two interrupted runs over the same index (the second replacing
        // what the first saved), then one that completes.
        for attempt in 0..2 {
            let after = random.up_to(full_run.mul_f64(1.1));
            let (stdout, finished) = kill_after(ingest(dir.path(), input.path()), after);
            let found = contents(dir.path(), ids());
            for (id, article) in &found {
                assert_eq!(
                    article, &reference[id],
                    "trial {trial}.{attempt}: {id} is not whole"
                );
            }
            if stdout.contains("indexed (new)") {
                assert_eq!(found.len(), 400, "trial {trial}.{attempt}: {stdout}");
            }
            outcomes.push((after, finished, found.len()));
        }
        let (stdout, finished) =
            kill_after(ingest(dir.path(), input.path()), Duration::from_secs(600));
        assert!(finished, "trial {trial}: the rerun ends");
        assert!(stdout.contains("read 400 items"), "{stdout}");
        assert_eq!(contents(dir.path(), ids()), reference, "trial {trial}");
    }
    eprintln!("full run {full_run:?}; kills (after, ended first, articles kept): {outcomes:?}");
    // Most kills must have hit runs before their end, not after it.
    let killed = outcomes
        .iter()
        .filter(|&&(_, finished, _)| !finished)
        .count();
    assert!(killed >= outcomes.len() / 3, "{outcomes:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killing_the_server_during_writes_loses_no_acknowledged_article() {
    let dir = tempfile::tempdir().unwrap();
    let all = articles(2000, "post");
    let by_id: BTreeMap<String, Value> = all
        .iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), a.clone()))
        .collect();
    let mut random = Random::new();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut next = 0usize;
    let mut kills = 0;
    for round in 0..6 {
        let server = start_binary_with(dir.path(), &["--no-sample"]);
        let client = reqwest::Client::new();
        // Four writers, each posting small batches until the server dies.
        let mut writers = Vec::new();
        for writer in 0..4 {
            let batch: Vec<Value> = all[next..next + 80].to_vec();
            next += 80;
            let (client, address, acknowledged) =
                (client.clone(), server.address.clone(), acknowledged.clone());
            writers.push(tokio::spawn(async move {
                for (n, chunk) in batch.chunks(4).enumerate() {
                    let body: String = chunk.iter().map(|a| format!("{a}\n")).collect();
                    let Ok(response) = client
                        .post(format!("http://{address}/api/articles"))
                        .header("content-type", "application/x-ndjson")
                        .body(body)
                        .send()
                        .await
                    else {
                        return;
                    };
                    let status = response.status();
                    let Ok(answer) = response.json::<Value>().await else {
                        return;
                    };
                    assert_eq!(
                        status, 200,
                        "round {round}, writer {writer}, batch {n}: {answer}"
                    );
                    let mut acknowledged = acknowledged.lock().unwrap();
                    for accepted in answer["articles"].as_array().unwrap() {
                        acknowledged.push(accepted["id"].as_str().unwrap().to_string());
                    }
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(200) + random.up_to(Duration::from_secs(2))).await;
        drop(server); // SIGKILL
        kills += 1;
        for writer in writers {
            writer.await.unwrap();
        }
        let found = contents(dir.path(), by_id.keys().cloned());
        let acknowledged = acknowledged.lock().unwrap().clone();
        for id in &acknowledged {
            assert!(
                found.contains_key(id),
                "round {round}: acknowledged {id} was lost"
            );
        }
        for (id, article) in &found {
            assert_eq!(
                article,
                &expected(&by_id[id]),
                "round {round}: {id} is not whole"
            );
        }
        eprintln!(
            "round {round}: {} acknowledged, {} in the index",
            acknowledged.len(),
            found.len()
        );
    }
    assert_eq!(kills, 6);
    assert!(!acknowledged.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn sigterm_finishes_the_writes_in_flight_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = start_binary_with(dir.path(), &["--no-sample"]);
    let all = articles(300, "term");
    let body: String = all.iter().map(|a| format!("{a}\n")).collect();
    let post = tokio::spawn(
        reqwest::Client::new()
            .post(format!("http://{}/api/articles", server.address))
            .header("content-type", "application/x-ndjson")
            .body(body)
            .send(),
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    let terminated = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(terminated.success());
    let response = post
        .await
        .unwrap()
        .expect("the write in flight is answered");
    assert_eq!(response.status(), 200);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(answer["articles"].as_array().unwrap().len(), 300);
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server stops"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "{status}");
    let ids = all.iter().map(|a| a["id"].as_str().unwrap().to_string());
    assert_eq!(contents(dir.path(), ids).len(), 300);
}
