//! The command line: every command, flag and setting, as clap reads them.
//! Every setting is a flag that can also be given as an environment
//! variable (`NEWSDESK_…`) or a key of the `--config` file.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::text::people::directory::Aliases;

/// Full-text search for news articles.
///
/// Without a command, newsdesk serves its index over HTTP (see `newsdesk
/// serve --help`); on a fresh install it first indexes a few bundled sample
/// articles, so there is something to search at once.
#[derive(Debug, Parser)]
#[command(name = "newsdesk", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Settings every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// A TOML file of settings, keyed by the flags' long names (`addr =
    /// "0.0.0.0:8080"`). Flags and environment variables win over it.
    #[arg(long, env = "NEWSDESK_CONFIG", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// How to write logs (to standard error): `text` for people, `json` for
    /// log collectors (one object a line).
    #[arg(
        long,
        env = "NEWSDESK_LOG_FORMAT",
        global = true,
        default_value = "text",
        value_parser = ["text", "json"],
        value_name = "FORMAT"
    )]
    pub log_format: String,
    /// What to log, as tracing filter directives (`debug`,
    /// `newsdesk=debug,tantivy=warn`). Default: `info` for the server, `warn`
    /// for other commands, or RUST_LOG when set.
    #[arg(long, env = "NEWSDESK_LOG", global = true, value_name = "FILTER")]
    pub log: Option<String>,
    /// Print each setting of the command, its value and where it came from
    /// (flag, environment, file and line, or default), and exit.
    #[arg(long, global = true)]
    pub print_settings: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the search API over HTTP (the default command).
    ///
    /// Each setting is a flag, an environment variable (shown as `env:`) and
    /// a key of the `--config` file, named as the flag: a flag wins over the
    /// environment, the environment over the file, the file over the
    /// default. `--print-settings` shows what applies and why.
    Serve(ServeArgs),
    /// Index articles from files, folders or standard input.
    ///
    /// Settings (the flags with an environment variable) can also be given
    /// in the `--config` file, as for `serve`.
    Ingest(IngestArgs),
    /// Search the index from the terminal.
    Search(SearchArgs),
    /// Exit 0 when the server at --addr answers /healthz, 1 otherwise (the
    /// container image's HEALTHCHECK).
    Healthcheck(HealthcheckArgs),
    /// Show what ingest makes of files, without indexing them: the fields
    /// found and where from, and every span cleaning removed and why.
    Inspect(InspectArgs),
    /// Measure newsdesk on evaluation data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Train, score and run the person-name recogniser on CoNLL files.
    #[command(subcommand)]
    Ner(NerCommand),
}

#[derive(Debug, Subcommand)]
pub enum NerCommand {
    /// Train a model (for the built-in one: `--train eng.train --dev
    /// eng.testa --output src/text/ner/model.bin`).
    Train(NerTrainArgs),
    /// Score the model on a CoNLL file, as conlleval does; the last line is
    /// `PER P=… R=… F1=…`.
    Eval(NerEvalArgs),
    /// Print a CoNLL file with the predicted tag appended to each line.
    Tag(NerTagArgs),
}

#[derive(Debug, Clone, Args)]
pub struct NerTrainArgs {
    /// Training data in CoNLL format (token … tag).
    #[arg(long, value_name = "FILE")]
    pub train: PathBuf,
    /// Development data: the pass that scores best on it is kept.
    #[arg(long, value_name = "FILE")]
    pub dev: Option<PathBuf>,
    /// Where to write the model.
    #[arg(long, value_name = "FILE", default_value = "src/text/ner/model.bin")]
    pub output: PathBuf,
    /// Passes over the training data.
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Features seen fewer times than this are dropped.
    #[arg(long, default_value_t = 2)]
    pub min_count: usize,
}

#[derive(Debug, Clone, Args)]
pub struct NerEvalArgs {
    /// A CoNLL file with gold tags in its last column.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// A model file instead of the built-in model.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Clone, Args)]
pub struct NerTagArgs {
    /// A CoNLL file (token first on each line).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// A model file instead of the built-in model.
    #[arg(long, value_name = "FILE")]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// How much text cleaning keeps of articles that are already clean
    /// (title on the first line, then the body), such as the BBC dataset.
    Cleaning(EvalCleaningArgs),
    /// How fast the person recogniser runs on one core over a collection,
    /// and whom it finds most.
    People(EvalPeopleArgs),
    /// How well copies are grouped into stories: edited copies of real
    /// articles (such as the BBC dataset's), with precision and recall.
    Stories(EvalStoriesArgs),
}

#[derive(Debug, Clone, Args)]
pub struct EvalStoriesArgs {
    /// The BBC News dataset: a folder per topic, a `.txt` per article (the
    /// title on the first line).
    #[arg(long, value_name = "DIR")]
    pub bbc: PathBuf,
    /// Edited copies made of each article.
    #[arg(long, default_value_t = 3)]
    pub copies: usize,
    /// At most this many articles, taken evenly from each topic (all by
    /// default).
    #[arg(long)]
    pub bases: Option<usize>,
    /// The seed the edits are drawn from: the same seed, the same test set.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Commit after this many articles, as `ingest` does.
    #[arg(long, default_value_t = 1000)]
    pub commit_every: usize,
}

#[derive(Debug, Clone, Args)]
pub struct EvalPeopleArgs {
    /// A folder of articles.
    #[arg(value_name = "DIR")]
    pub path: PathBuf,
    /// How many of the most named people to list.
    #[arg(long, default_value_t = 20)]
    pub top: usize,
}

#[derive(Debug, Clone, Args)]
pub struct EvalCleaningArgs {
    /// A folder of clean articles.
    #[arg(value_name = "DIR")]
    pub path: PathBuf,
    /// How many of the most reduced articles to list.
    #[arg(long, default_value_t = 10)]
    pub worst: usize,
}

#[derive(Debug, Clone, Args)]
pub struct IndexArg {
    /// The index folder; created when missing or empty.
    #[arg(
        long,
        env = "NEWSDESK_INDEX",
        default_value = "./index",
        value_name = "DIR"
    )]
    pub index: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// The address to listen on.
    #[arg(
        long,
        env = "NEWSDESK_ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "HOST:PORT"
    )]
    pub addr: SocketAddr,
    /// Do not index the bundled sample articles when the index is empty.
    #[arg(long, env = "NEWSDESK_NO_SAMPLE")]
    pub no_sample: bool,
    #[command(flatten)]
    pub aliases: AliasesArg,
    /// The key that POST and DELETE requests must send as `Authorization:
    /// Bearer KEY` (at least 16 characters). Without one, the server accepts
    /// changes only from loopback addresses.
    #[arg(
        long,
        env = "NEWSDESK_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
    /// Origins whose web pages may call the API (comma-separated, or `*` for
    /// any). Without any, browsers allow only pages this server serves.
    #[arg(
        long = "cors-origin",
        env = "NEWSDESK_CORS_ORIGINS",
        value_delimiter = ',',
        value_name = "ORIGIN"
    )]
    pub cors_origins: Vec<String>,
    /// The largest request body, in bytes.
    #[arg(
        long,
        env = "NEWSDESK_MAX_BODY_BYTES",
        default_value_t = 64 * 1024 * 1024,
        value_name = "BYTES"
    )]
    pub max_body_bytes: usize,
    #[command(flatten)]
    pub article_limit: ArticleLimitArg,
    /// How long any request may take, in seconds, before it is answered
    /// with 503.
    #[arg(
        long,
        env = "NEWSDESK_REQUEST_TIMEOUT",
        default_value_t = 30,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..)
    )]
    pub request_timeout: u64,
    /// Searches (and, separately, writes) that may wait their turn; beyond
    /// them, requests are answered at once with 503 and Retry-After.
    #[arg(
        long,
        env = "NEWSDESK_MAX_QUEUED",
        default_value_t = 64,
        value_name = "REQUESTS"
    )]
    pub max_queued: usize,
}

#[derive(Debug, Clone, Args)]
pub struct ArticleLimitArg {
    /// The largest article body accepted, in bytes; larger ones are refused
    /// with a message.
    #[arg(
        long,
        env = "NEWSDESK_MAX_ARTICLE_BYTES",
        default_value_t = crate::ingest::MAX_ARTICLE_BYTES,
        value_name = "BYTES"
    )]
    pub max_article_bytes: usize,
}

#[derive(Debug, Clone, Args)]
pub struct AliasesArg {
    /// A TOML file of corrections to how names are grouped into people
    /// (see the README).
    #[arg(long, env = "NEWSDESK_ALIASES", value_name = "FILE")]
    pub aliases: Option<PathBuf>,
}

impl AliasesArg {
    /// The aliases file's corrections; none without a file.
    pub fn load(&self) -> anyhow::Result<Aliases> {
        let Some(path) = &self.aliases else {
            return Ok(Aliases::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read the aliases file {}", path.display()))?;
        Aliases::parse(&text)
            .with_context(|| format!("the aliases file {} is not valid", path.display()))
    }
}

#[derive(Debug, Clone, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// Files and folders to read (folders recursively), or `-` for NDJSON
    /// on standard input. Formats by extension: .txt, .json, .jsonl,
    /// .ndjson, .html, .htm, and Reuters-21578 .sgm.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The outlet of articles that do not name one.
    #[arg(long, value_name = "NAME")]
    pub outlet: Option<String>,
    /// The publication date (YYYY-MM-DD) of articles that do not give one.
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub date: Option<String>,
    #[command(flatten)]
    pub article_limit: ArticleLimitArg,
    /// Save what is indexed so far at least this often, in seconds, so that
    /// an interrupted run keeps most of its work (running it again
    /// completes it); also after every 40,000 articles or so, which keeps
    /// the memory used to group copies small. The summary at the end says
    /// everything is saved.
    #[arg(
        long,
        env = "NEWSDESK_COMMIT_INTERVAL",
        default_value_t = 60.0,
        value_name = "SECONDS"
    )]
    pub commit_interval: f64,
    /// Send the articles to this running server (`http://HOST:PORT`)
    /// instead of writing to an index here: for when a server holds the
    /// index. The server cleans and indexes them as it would a POST.
    #[arg(long, env = "NEWSDESK_SERVER", value_name = "URL")]
    pub server: Option<String>,
    /// The key the server's writes need, with --server.
    #[arg(
        long,
        env = "NEWSDESK_API_KEY",
        hide_env_values = true,
        value_name = "KEY"
    )]
    pub api_key: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct HealthcheckArgs {
    /// The server's address, as given to `serve` (an address of all
    /// interfaces, such as 0.0.0.0, is asked on loopback).
    #[arg(
        long,
        env = "NEWSDESK_ADDR",
        default_value = "127.0.0.1:8080",
        value_name = "HOST:PORT"
    )]
    pub addr: SocketAddr,
    /// How long to wait for the answer, in seconds.
    #[arg(long, default_value_t = 5, value_name = "SECONDS")]
    pub timeout: u64,
}

#[derive(Debug, Clone, Args)]
pub struct InspectArgs {
    /// Files and folders to read, as for `ingest`.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print one JSON array with an object per article.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub index: IndexArg,
    /// The query, in the query language of the API (see the README); the
    /// words of several arguments are joined. Empty lists every article.
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only articles from this outlet (repeat for any of several).
    #[arg(long)]
    pub outlet: Vec<String>,
    /// Only articles naming this person (repeat for any of several).
    #[arg(long)]
    pub person: Vec<String>,
    /// Only articles published on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub from: Option<String>,
    /// Only articles published on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub to: Option<String>,
    /// relevance, newest or oldest.
    #[arg(long, default_value = "relevance")]
    pub sort: String,
    /// How many hits to show (at most 100).
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// How many hits to skip.
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// `story`: copies of one story (syndicated, republished) are one hit.
    #[arg(long, value_name = "story")]
    pub collapse: Option<String>,
    /// Print the API's JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub aliases: AliasesArg,
}
