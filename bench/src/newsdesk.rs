//! newsdesk as users meet it: the `newsdesk` binary ingesting NDJSON and
//! serving searches over HTTP; and, to tell indexing from cleaning and
//! extraction, its index writer fed ready articles in process.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde::Deserialize;
use serde::de::IgnoredAny;

use newsdesk::article::{Article, ArticleId, ArticleUrl, PublicationDate, Source, Sources};
use newsdesk::index::{NewsIndex, WriterOptions};

use crate::query::{Answer, Client, Query};
use crate::rows;

/// The `newsdesk` binary built beside this one (`cargo build --release
/// --workspace` builds both).
pub fn binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let binary = me.with_file_name(format!("newsdesk{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        bail!(
            "{} is missing: build it beside this one with `cargo build --release --workspace` (bench/run does)",
            binary.display()
        );
    }
    Ok(binary)
}

/// The articles of `rows`, people and all, straight into the index writer:
/// no parsing of formats, no cleaning, no extraction.
pub fn load_index_only(rows: &Path, dir: &Path, options: WriterOptions) -> anyhow::Result<()> {
    let index = NewsIndex::open_or_create(dir)?;
    let mut writer = index.writer(options)?;
    rows::for_each(rows, |line, row| {
        let url = ArticleUrl::parse(&row.url).with_context(|| format!("row {line}: url"))?;
        let date =
            PublicationDate::parse(&row.date).with_context(|| format!("row {line}: date"))?;
        let article = Article {
            id: ArticleId::derive(Some(&url), Some(&row.outlet), Some(&row.title), &row.body),
            title: Some(row.title),
            outlet: Some(row.outlet),
            date: Some(date),
            url: Some(url),
            people: row.people,
            unconfirmed_people: Vec::new(),
            body: row.body,
            parent: None,
            sources: Sources {
                title: Source::Given,
                outlet: Source::Given,
                date: Source::Given,
            },
        };
        writer.add(&article)?;
        Ok(())
    })?;
    writer.commit()?;
    Ok(())
}

/// A `newsdesk serve` process over an index, stopped when dropped.
pub struct Server {
    child: Child,
    address: SocketAddr,
}

impl Server {
    /// Starts the server on a free loopback port and waits until it answers.
    /// Its log goes to `log`.
    pub fn start(index: &Path, log: &Path) -> anyhow::Result<Server> {
        let address = TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let log_file = std::fs::File::create(log)?;
        let child = Command::new(binary()?)
            .arg("serve")
            .arg("--index")
            .arg(index)
            .arg("--addr")
            .arg(address.to_string())
            .arg("--no-sample")
            .stdout(Stdio::null())
            .stderr(log_file)
            .spawn()
            .context("could not start newsdesk serve")?;
        let mut server = Server { child, address };
        let started = Instant::now();
        let agent = ureq::Agent::new_with_defaults();
        loop {
            if agent
                .get(format!("{}/healthz", server.base()))
                .call()
                .is_ok()
            {
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                bail!(
                    "newsdesk serve exited with {status}; its log is {}",
                    log.display()
                );
            }
            if started.elapsed() > Duration::from_secs(120) {
                bail!(
                    "newsdesk serve did not answer in 2 minutes; its log is {}",
                    log.display()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's peak resident memory so far.
    pub fn peak_rss_bytes(&self) -> Option<u64> {
        crate::measure::peak_rss_of(self.child.id())
    }

    pub fn client(&self) -> anyhow::Result<Box<dyn Client + Send>> {
        Ok(Box::new(HttpClient {
            agent: ureq::Agent::new_with_defaults(),
            search: format!("{}/api/search", self.base()),
        }))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let pid = nix::unistd::Pid::from_raw(self.child.id() as i32);
        let _ = nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM);
        let _ = self.child.wait();
    }
}

/// One keep-alive HTTP connection.
struct HttpClient {
    agent: ureq::Agent,
    search: String,
}

#[derive(Deserialize)]
struct SearchResponse {
    total: u64,
    hits: Vec<IgnoredAny>,
    facets: Facets,
}

#[derive(Deserialize)]
struct Facets {
    outlet: Vec<IgnoredAny>,
    people: Vec<IgnoredAny>,
    date: Vec<IgnoredAny>,
}

impl Client for HttpClient {
    fn search(&mut self, query: &Query) -> anyhow::Result<Answer> {
        let mut response = search_request(&self.agent, &self.search, query).call()?;
        let body = response.body_mut().read_to_string()?;
        let parsed: SearchResponse = serde_json::from_str(&body)?;
        Ok(Answer {
            total: parsed.total,
            hits: parsed.hits.len(),
            facet_values: parsed.facets.outlet.len()
                + parsed.facets.people.len()
                + parsed.facets.date.len(),
        })
    }
}

/// `query` as a user's full request to `GET /api/search` at `url`: the top
/// 10 hits, with its filters.
pub fn search_request(
    agent: &ureq::Agent,
    url: &str,
    query: &Query,
) -> ureq::RequestBuilder<ureq::typestate::WithoutBody> {
    let mut request = agent.get(url).query("q", query.text()).query("limit", "10");
    for (name, value) in [
        ("outlet", &query.outlet),
        ("person", &query.person),
        ("from", &query.from),
        ("to", &query.to),
    ] {
        if let Some(value) = value {
            request = request.query(name, value);
        }
    }
    request
}
