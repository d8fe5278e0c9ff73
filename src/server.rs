//! Starting and stopping the gateway.
//!
//! At start every declared index is made ready: opened or created, and seeded from its
//! `seed_file` when it was created just now. An engine that cannot be reached at start does
//! not stop moat: the indices it could not prepare are prepared in the background once it
//! answers.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use arc_swap::ArcSwap;
use tokio::net::TcpListener;

use crate::api::cursor::CursorKey;
use crate::api::{self, AppState};
use crate::backend::{Backend, EngineError};
use crate::config::{Config, IndexSpec};
use crate::ingest::{self, Progress, Rejection};
use crate::jobs::{JobStore, Jobs};
use crate::ops::{listen, reload};
use crate::query::{MatchAll, Query};

/// The job store's file name inside the data directory.
const JOB_STORE_FILE: &str = "jobs.sqlite3";

/// How long requests in flight may still run once a stop is asked for.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// The first pause before preparing again the indices the engine could not take at start.
const PREPARE_FIRST_RETRY: Duration = Duration::from_secs(1);

/// The longest pause between two tries.
const PREPARE_MAX_RETRY: Duration = Duration::from_secs(30);

/// Serves `config` until Ctrl-C or SIGTERM, then drains requests in flight. On SIGHUP the
/// config is read again from `reload` (see [`crate::ops::reload`]).
pub async fn serve(config: Config, reload: reload::Source) -> anyhow::Result<()> {
    let data_dir = config.server.data_dir.clone();
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("cannot create the data directory {}", data_dir.display()))?;

    let (backend, mut created) = Backend::open(&config, &data_dir)?;
    created.extend(interrupted_seeds(&config, &backend, &data_dir).await?);
    let backend = Arc::new(backend);
    prepare_indices(&config, &backend, created, &data_dir).await?;

    let store = JobStore::open(&data_dir.join(JOB_STORE_FILE))?;
    let jobs = Jobs::new(store, Arc::clone(&backend));
    let resumed = jobs.resume().await?;
    if resumed > 0 {
        tracing::info!(resumed, "unfinished jobs resumed");
    }

    let cursors = match &config.server.cursor_secret {
        Some(secret) => CursorKey::from_secret(secret.expose().unwrap_or_default()),
        None => CursorKey::in_data_dir(&data_dir).context("cannot keep the cursor key")?,
    };
    let state = AppState {
        backend,
        jobs,
        max_body_bytes: config.server.max_body_bytes,
        cursors: Arc::new(cursors),
    };
    let router = Arc::new(ArcSwap::from_pointee(api::router(&config, state.clone())));
    let listener = TcpListener::bind(config.server.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.server.addr))?;
    let addr = listener.local_addr()?;
    announce(addr, &data_dir);

    let limits = listen::Limits::new(&config.server);
    tokio::spawn(reload::on_hangup(reload, config, state, Arc::clone(&router)));

    let drained = listen::serve(listener, router, limits, shutdown_signal(), SHUTDOWN_GRACE).await;
    if !drained {
        tracing::warn!(
            grace_seconds = SHUTDOWN_GRACE.as_secs(),
            "requests still in flight after the grace period; stopping anyway"
        );
    }
    tracing::info!("stopped");
    Ok(())
}

/// Prints where moat listens, on standard output, for people and for scripts.
fn announce(addr: SocketAddr, data_dir: &Path) {
    println!("moat listening on http://{addr} (API docs at http://{addr}/docs)");
    tracing::info!(%addr, data_dir = %data_dir.display(), "listening");
}

/// Makes sure every declared index exists, and seeds those created now (by the backend's open
/// or here). Indices the engine cannot take now, because it is unreachable or failing, are
/// left to [`prepare_later`]; an engine that refuses an index (a mapping it rejects, missing
/// rights) stops the start.
async fn prepare_indices(
    config: &Config,
    backend: &Arc<Backend>,
    mut created: Vec<String>,
    data_dir: &Path,
) -> anyhow::Result<()> {
    let mut pending = Vec::new();

    for index in &config.indices {
        match backend.ensure_index(index).await {
            Ok(true) => {
                tracing::info!(index = %index.name, "index created");
                created.push(index.name.clone());
            }
            Ok(false) => {}
            Err(error @ EngineError::Rejected(_)) => {
                let context = format!("cannot prepare index `{}`", index.name);
                return Err(error).context(context);
            }
            Err(error) => {
                tracing::warn!(
                    index = %index.name,
                    %error,
                    "index not ready; preparing it in the background until the engine answers"
                );
                pending.push(index.clone());
            }
        }
    }

    for name in &created {
        if let Some(index) = config.index(name) {
            seed(backend, index, data_dir).await?;
        }
    }
    if !pending.is_empty() {
        tokio::spawn(prepare_later(Arc::clone(backend), pending, data_dir.to_owned()));
    }
    Ok(())
}

/// Tries again, with growing pauses, to create (and seed) the indices the engine could not
/// take at start, until every one is ready.
async fn prepare_later(backend: Arc<Backend>, mut pending: Vec<IndexSpec>, data_dir: PathBuf) {
    let mut pause = PREPARE_FIRST_RETRY;

    while !pending.is_empty() {
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(PREPARE_MAX_RETRY);

        let mut still = Vec::new();
        for index in pending {
            match backend.ensure_index(&index).await {
                Ok(created) => {
                    tracing::info!(index = %index.name, created, "index ready");
                    if created {
                        seed_from_task(Arc::clone(&backend), index, data_dir.clone()).await;
                    }
                }
                Err(error) => {
                    tracing::debug!(index = %index.name, %error, "index still not ready");
                    still.push(index);
                }
            }
        }
        pending = still;
    }
}

/// Seeds an index from a background task. A load's future cannot move between threads (its
/// progress reporter is not `Sync`), so the load runs to its end on a blocking thread.
async fn seed_from_task(backend: Arc<Backend>, index: IndexSpec, data_dir: PathBuf) {
    let runtime = tokio::runtime::Handle::current();
    let name = index.name.clone();
    let seeding =
        tokio::task::spawn_blocking(move || runtime.block_on(seed(&backend, &index, &data_dir)));

    let failure = match seeding.await {
        Ok(Ok(())) => return,
        Ok(Err(error)) => format!("{error:#}"),
        Err(error) => error.to_string(),
    };
    tracing::error!(index = %name, error = %failure, "seeding the new index failed");
}

/// Loads the seed documents of an index created just now, if it has any.
///
/// A marker file stands in the data directory while the load runs. A start that finds one
/// knows the previous load was cut short: it empties the index and seeds it again, so a crash
/// during the first start never leaves a half-seeded index behind.
async fn seed(backend: &Backend, index: &IndexSpec, data_dir: &Path) -> anyhow::Result<()> {
    let Some(seed) = index.seed.clone() else { return Ok(()) };
    let name = &index.name;
    let marker = seed_marker(data_dir, name);

    if let Some(folder) = marker.parent() {
        std::fs::create_dir_all(folder)?;
    }
    std::fs::write(&marker, b"seeding\n")
        .with_context(|| format!("cannot write {}", marker.display()))?;
    tracing::info!(index = %name, bytes = seed.len(), "seeding the new index");

    let summary =
        ingest::load(backend, name, seed.as_bytes(), ingest::DEFAULT_BATCH_SIZE, &LogProgress)
            .await?;
    backend.refresh(name).await?;
    std::fs::remove_file(&marker)?;

    tracing::info!(index = %name, indexed = summary.indexed, "new index seeded");
    Ok(())
}

/// Where the marker of a running seed load of `index` lies.
fn seed_marker(data_dir: &Path, index: &str) -> PathBuf {
    data_dir.join("seeding").join(index)
}

/// The indices whose seed load was cut short, emptied so they can be seeded again.
async fn interrupted_seeds(
    config: &Config,
    backend: &Backend,
    data_dir: &Path,
) -> anyhow::Result<Vec<String>> {
    let mut interrupted = Vec::new();

    for index in &config.indices {
        if index.seed.is_none() || !seed_marker(data_dir, &index.name).exists() {
            continue;
        }
        tracing::warn!(index = %index.name, "seeding was cut short last time; seeding again");
        backend.delete_by_query(&index.name, Query::MatchAll(MatchAll)).await?;
        interrupted.push(index.name.clone());
    }
    Ok(interrupted)
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
