//! The server's resident memory: read from `/proc` during the run, and
//! summarised as medians at start, half-way and end.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::measure::status_bytes;

/// How often the server's memory is read.
const RSS_INTERVAL: Duration = Duration::from_secs(2);

/// One reading of the server's memory.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RssSample {
    /// Since the soak started.
    pub seconds: f64,
    /// All resident memory (`VmRSS`), the index files it maps included.
    pub rss_bytes: u64,
    /// The anonymous part (`RssAnon`): the heap, without mapped files.
    pub anon_bytes: u64,
}

/// Resident memory from a `/proc/PID/status` text: `VmRSS` and `RssAnon`.
/// `None` when there is none, as for a process that has exited.
fn parse_rss(status: &str) -> Option<(u64, u64)> {
    Some((
        status_bytes(status, "VmRSS")?,
        status_bytes(status, "RssAnon")?,
    ))
}

/// Samples the memory of `pid` until `done` is dropped, and once more then.
/// Stops the clients when the process is gone; says whether it was.
pub(super) fn watch(
    pid: u32,
    started: Instant,
    done: mpsc::Receiver<()>,
    stop: &AtomicBool,
) -> (Vec<RssSample>, bool) {
    let mut samples = Vec::new();
    let read = || {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        let (rss_bytes, anon_bytes) = parse_rss(&status)?;
        Some(RssSample {
            seconds: started.elapsed().as_secs_f64(),
            rss_bytes,
            anon_bytes,
        })
    };
    loop {
        let Some(sample) = read() else {
            stop.store(true, Ordering::Relaxed);
            return (samples, true);
        };
        samples.push(sample);
        if !matches!(
            done.recv_timeout(RSS_INTERVAL),
            Err(RecvTimeoutError::Timeout)
        ) {
            break;
        }
    }
    match read() {
        Some(sample) => {
            samples.push(sample);
            (samples, false)
        }
        None => (samples, true),
    }
}

/// The server's memory over the run. Start and end are medians over a
/// window as long as the warm-up: from one sample to the next, memory
/// swings by a fifth as commits and merges allocate and free, and one
/// sample each would measure the swing.
#[derive(Debug, Clone, Serialize)]
pub struct RssSummary {
    /// Start is the window after this warm-up; end the last such window.
    pub warm_up_seconds: f64,
    pub start_bytes: u64,
    /// Half-way through the run: with start and end, it tells a warm-up
    /// that levels off (a flat second half) from a leak (still rising).
    pub half_way_bytes: u64,
    pub end_bytes: u64,
    pub max_bytes: u64,
    pub anon_start_bytes: u64,
    pub anon_half_way_bytes: u64,
    pub anon_end_bytes: u64,
    pub anon_max_bytes: u64,
    /// End over start, of `VmRSS`.
    pub growth: f64,
    pub samples: Vec<RssSample>,
}

/// Start is the median of the samples in the window after the warm-up (the
/// last sample, when the run was shorter); half-way that of the window
/// around the middle of the run; end that of the last window.
pub(super) fn summarize_rss(samples: Vec<RssSample>, warm_up: Duration) -> Option<RssSummary> {
    let window = warm_up.as_secs_f64();
    let last = *samples.last()?;
    let mut start: Vec<RssSample> = samples
        .iter()
        .filter(|s| (window..=2.0 * window).contains(&s.seconds))
        .copied()
        .collect();
    if start.is_empty() {
        start.push(last);
    }
    let middle = last.seconds / 2.0;
    let mut half_way: Vec<RssSample> = samples
        .iter()
        .filter(|s| (s.seconds - middle).abs() <= window / 2.0)
        .copied()
        .collect();
    if half_way.is_empty() {
        half_way.push(last);
    }
    let end: Vec<RssSample> = samples
        .iter()
        .filter(|s| s.seconds >= last.seconds - window)
        .copied()
        .collect();
    let median = |window: &[RssSample], of: fn(&RssSample) -> u64| {
        let mut values: Vec<u64> = window.iter().map(of).collect();
        values.sort_unstable();
        values[(values.len() - 1) / 2]
    };
    let rss: fn(&RssSample) -> u64 = |s| s.rss_bytes;
    let anon: fn(&RssSample) -> u64 = |s| s.anon_bytes;
    let start_bytes = median(&start, rss);
    let end_bytes = median(&end, rss);
    Some(RssSummary {
        warm_up_seconds: window,
        start_bytes,
        half_way_bytes: median(&half_way, rss),
        end_bytes,
        max_bytes: samples.iter().map(rss).max().unwrap_or(0),
        anon_start_bytes: median(&start, anon),
        anon_half_way_bytes: median(&half_way, anon),
        anon_end_bytes: median(&end, anon),
        anon_max_bytes: samples.iter().map(anon).max().unwrap_or(0),
        growth: end_bytes as f64 / start_bytes.max(1) as f64,
        samples,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_is_read_from_proc_status() {
        let status = "Name:\tnewsdesk\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n\
                      RssAnon:\t   51200 kB\nRssFile:\t   51200 kB\n";
        assert_eq!(parse_rss(status), Some((100 << 20, 50 << 20)));
        // A zombie has no memory lines.
        assert_eq!(parse_rss("Name:\tnewsdesk\nState:\tZ (zombie)\n"), None);
    }

    #[test]
    fn memory_at_start_and_end_are_medians_of_windows_after_the_warm_up() {
        let sample = |seconds: f64, mb: u64| RssSample {
            seconds,
            rss_bytes: mb << 20,
            anon_bytes: mb << 19,
        };
        let samples = vec![
            sample(0.0, 50),
            sample(2.0, 300),
            // The start window, 3 s to 6 s.
            sample(4.0, 190),
            sample(5.0, 210),
            sample(6.0, 200),
            sample(8.0, 230),
            // The end window, the last 3 s.
            sample(10.0, 260),
            sample(11.0, 240),
            sample(12.0, 250),
        ];
        let rss = summarize_rss(samples, Duration::from_secs(3)).unwrap();
        assert_eq!(rss.start_bytes, 200 << 20);
        // Half-way, 6 s: the window from 4.5 s to 7.5 s.
        assert_eq!(rss.half_way_bytes, 200 << 20);
        assert_eq!(rss.end_bytes, 250 << 20);
        assert_eq!(rss.anon_start_bytes, 100 << 20);
        assert_eq!(rss.max_bytes, 300 << 20);
        assert!((rss.growth - 1.25).abs() < 1e-9);
        // A run shorter than its warm-up starts at its last sample.
        let short = summarize_rss(
            vec![sample(0.0, 50), sample(1.0, 80)],
            Duration::from_secs(3),
        );
        assert_eq!(short.unwrap().start_bytes, 80 << 20);
        assert!(summarize_rss(Vec::new(), Duration::ZERO).is_none());
    }
}
