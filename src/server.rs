//! Starting and stopping the gateway.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::api::{self, AppState};
use crate::backend::Backend;
use crate::config::Config;
use crate::ingest::{self, Progress, Rejection};
use crate::jobs::{JobStore, Jobs};

/// The job store's file name inside the data directory.
const JOB_STORE_FILE: &str = "jobs.sqlite3";

/// Serves `config` until Ctrl-C or SIGTERM, then drains requests in flight.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    let data_dir = config.server.data_dir.clone();
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;

    let (backend, created) = Backend::open(&config, &data_dir)?;
    let backend = Arc::new(backend);
    seed_new_indices(&config, &backend, &created).await?;

    let store = JobStore::open(&data_dir.join(JOB_STORE_FILE))?;
    let jobs = Jobs::new(store, Arc::clone(&backend));
    let resumed = jobs.resume().await?;
    if resumed > 0 {
        tracing::info!(resumed, "unfinished jobs resumed");
    }

    let state = AppState { backend, jobs, max_body_bytes: config.server.max_body_bytes };
    let app = api::router(&config, state);
    let listener = TcpListener::bind(config.server.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.addr))?;
    let addr = listener.local_addr()?;
    announce(addr, &data_dir);

    axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Prints where moat listens, on standard output, for people and for scripts.
fn announce(addr: SocketAddr, data_dir: &std::path::Path) {
    println!("moat listening on http://{addr} (API docs at http://{addr}/docs)");
    tracing::info!(%addr, data_dir = %data_dir.display(), "listening");
}

/// Loads the seed documents of each index created just now.
async fn seed_new_indices(config: &Config, backend: &Backend, created: &[String]) -> anyhow::Result<()> {
    for name in created {
        let Some(seed) = config.index(name).and_then(|index| index.seed.clone()) else {
            continue;
        };
        let summary = ingest::load(
            backend,
            name,
            seed.as_bytes(),
            ingest::DEFAULT_BATCH_SIZE,
            &LogProgress,
        )
        .await?;
        tracing::info!(index = %name, indexed = summary.indexed, "new index seeded with example documents");
    }
    Ok(())
}

/// Reports seed rejections in the log.
struct LogProgress;

impl Progress for LogProgress {
    fn advanced(&self, _bytes: u64) {}

    fn rejected(&self, rejection: &Rejection) {
        tracing::warn!(line = rejection.line, reason = %rejection.reason, "seed line rejected");
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
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
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; draining requests in flight");
}
