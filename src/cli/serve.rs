//! `newsdesk serve`: the HTTP API over an index.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;

use super::args::{HealthcheckArgs, ServeArgs};
use crate::api::{self, ApiKey, AppState};
use crate::index::{NewsIndex, WriterOptions};
use crate::ingest::{Batch, Defaults};

/// The server writes small batches; one indexing thread is plenty and
/// leaves the cores to searches.
const SERVER_WRITER: WriterOptions = WriterOptions {
    threads: 1,
    memory_bytes: 64 * 1024 * 1024,
};

pub fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    runtime.block_on(serve(args))?;
    Ok(ExitCode::SUCCESS)
}

/// The API's settings from the command line, checked.
fn config(args: &ServeArgs) -> anyhow::Result<api::Config> {
    let api_key = match args.api_key.as_deref() {
        None | Some("") => None,
        Some(key) => Some(ApiKey::new(key).map_err(anyhow::Error::msg)?),
    };
    let cors_origins = args
        .cors_origins
        .iter()
        .map(|origin| origin.trim())
        .filter(|origin| !origin.is_empty())
        .map(|origin| api::check_origin(origin).map_err(anyhow::Error::msg))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(api::Config {
        api_key,
        cors_origins,
        max_body_bytes: args.max_body_bytes,
        max_article_bytes: args.article_limit.max_article_bytes,
        request_timeout: Duration::from_secs(args.request_timeout),
        max_queued: args.max_queued,
        ..api::Config::default()
    })
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let config = config(&args)?;
    let path = &args.index.index;
    let aliases = args.aliases.load()?;
    let index = NewsIndex::open_or_create(path)?.with_aliases(aliases);
    let mut writer = index.writer(SERVER_WRITER)?;
    if index.num_articles() == 0 && !args.no_sample {
        let mut batch = Batch::new(&mut writer, Defaults::default());
        for item in crate::ingest::source::sample() {
            batch.add(item)?;
        }
        let indexed = batch.report.indexed;
        writer.commit()?;
        tracing::info!(
            "the index at {} was empty: indexed the {indexed} bundled sample articles \
             (start with --no-sample to skip this)",
            path.display()
        );
    }
    tracing::info!(
        articles = index.num_articles(),
        "serving the index at {}",
        path.display()
    );
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| {
            format!(
                "could not listen on {}: is another server using it? choose another with --addr",
                args.addr
            )
        })?;
    let address = listener.local_addr()?;
    writer.announce(&format!(
        "newsdesk serve (pid {}), listening on http://{address}",
        std::process::id()
    ));
    match &config.api_key {
        Some(_) => {
            tracing::info!("changes (POST, DELETE) need the API key as `Authorization: Bearer KEY`")
        }
        None => tracing::warn!(
            "no API key is set: changes (POST, DELETE) are accepted only from this machine \
             (set NEWSDESK_API_KEY to accept them from elsewhere with the key)"
        ),
    }
    if !config.cors_origins.is_empty() {
        tracing::info!(origins = ?config.cors_origins, "pages from these origins may call the API");
    }
    tracing::info!(
        "listening on http://{address}  (try: curl 'http://{address}/api/search?q=ceasefire')"
    );
    api::serve(
        listener,
        api::router(AppState::with_config(index, writer, config)),
        shutdown_signal(),
    )
    .await?;
    tracing::info!("stopped");
    Ok(())
}

/// Asks the server at `args.addr` for `/healthz`.
pub fn healthcheck(args: HealthcheckArgs) -> anyhow::Result<ExitCode> {
    let mut addr = args.addr;
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv4() {
            std::net::Ipv4Addr::LOCALHOST.into()
        } else {
            std::net::Ipv6Addr::LOCALHOST.into()
        });
    }
    let remote = api::client::Remote::new(
        &format!("http://{addr}"),
        None,
        Duration::from_secs(args.timeout.max(1)),
    )
    .map_err(anyhow::Error::msg)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    match runtime.block_on(remote.health()) {
        Ok(()) => {
            println!("ok: {} answers", remote.address());
            Ok(ExitCode::SUCCESS)
        }
        Err(message) => {
            eprintln!("unhealthy: {message}");
            Ok(ExitCode::from(1))
        }
    }
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what `docker stop` sends).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}
