//! Inputs that once broke a fuzz target, replayed.
//!
//! `fuzz/run` fuzzes the query parser, the cleaner and each reader; every
//! input that found something is kept in `fuzz/regressions/<target>/` and
//! goes again through exactly what its target does, checks included, since
//! this module includes the fuzz crate's own definition of the targets.
//! Large inputs (a slow case shows only on a big one) are kept
//! zstd-compressed, as `<name>.zst`.

use std::fs;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[path = "../../fuzz/src/lib.rs"]
mod targets;

/// How long one input may take in a test build, with the other tests
/// running beside it. Each input here now takes well under a second; the
/// slow ones took from three times this (the query) to many minutes
/// before their fix.
const TIME_LIMIT: Duration = Duration::from_secs(5);

fn files_in(folder: &Path) -> Vec<PathBuf> {
    let entries = fs::read_dir(folder)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", folder.display()));
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.expect("a readable folder entry").path())
        .collect();
    paths.sort();
    paths
}

#[test]
fn inputs_that_once_broke_a_fuzz_target_pass_its_checks_in_time() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut failures = Vec::new();
    let mut replayed = 0;
    for folder in files_in(&root) {
        let name = folder.file_name().unwrap_or_default().to_string_lossy();
        let Some(&(_, target)) = targets::TARGETS.iter().find(|(n, _)| *n == name) else {
            panic!("{}: no fuzz target is called {name}", folder.display());
        };
        for file in files_in(&folder) {
            let data = fs::read(&file).unwrap_or_else(|err| panic!("{}: {err}", file.display()));
            let data = if file.extension().is_some_and(|e| e == "zst") {
                zstd::stream::decode_all(&data[..])
                    .unwrap_or_else(|err| panic!("{}: {err}", file.display()))
            } else {
                data
            };
            let started = Instant::now();
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| target(&data)));
            let took = started.elapsed();
            let file = file.strip_prefix(&root).unwrap_or(&file).display();
            if outcome.is_err() {
                failures.push(format!("{file}: panicked (the message is above)"));
            } else if took > TIME_LIMIT {
                failures.push(format!("{file}: took {took:.1?}, over {TIME_LIMIT:?}"));
            }
            replayed += 1;
        }
    }
    assert!(replayed > 0, "no inputs under {}", root.display());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
