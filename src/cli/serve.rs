//! `newsdesk serve`: the HTTP API over an index.

use std::process::ExitCode;

use anyhow::Context;

use super::ServeArgs;
use crate::api::{self, AppState};
use crate::index::{NewsIndex, WriterOptions};
use crate::ingest::{Batch, Defaults};
use crate::sample;

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

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let path = &args.index.index;
    let aliases = args.aliases.load()?;
    let index = NewsIndex::open_or_create(path)?.with_aliases(aliases);
    let mut writer = index.writer(SERVER_WRITER)?;
    if index.num_articles() == 0 && !args.no_sample {
        let mut batch = Batch::new(&mut writer, Defaults::default());
        for item in sample::items() {
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
    tracing::info!(
        "listening on http://{address}  (try: curl 'http://{address}/api/search?q=ceasefire')"
    );
    api::serve(
        listener,
        api::router(AppState::new(index, writer)),
        shutdown_signal(),
    )
    .await?;
    tracing::info!("stopped");
    Ok(())
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
