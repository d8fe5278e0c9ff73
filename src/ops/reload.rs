//! Config reload on SIGHUP.
//!
//! On SIGHUP moat reads its config file again and checks it. A valid config replaces the
//! router at once: requests already running finish on the old one. An invalid config, or one
//! that changes what only a restart can change (the listen address, the data directory,
//! the connection limits, the backend or the indices), is logged with its problems and moat
//! keeps serving the config it has.

use std::sync::Arc;

use crate::api::{self, AppState};
use crate::config::{Config, ConfigError};
use crate::ops::listen::SharedRouter;

/// Reads the config again, with the command line's overrides; `None` when moat runs the
/// bundled config, which has no file to read.
pub type Source = Option<Box<dyn Fn() -> Result<Config, ConfigError> + Send + Sync>>;

/// Reloads on every SIGHUP until the process stops.
pub async fn on_hangup(source: Source, mut running: Config, state: AppState, router: SharedRouter) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};

        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            tracing::warn!("cannot listen for SIGHUP; config reload is off");
            return;
        };
        while hangups.recv().await.is_some() {
            if let Some(config) = reload(&source, &running, &state, &router) {
                running = config;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (source, &mut running, state, router);
}

/// Reads, checks and applies the config; answers it when it is now in force.
fn reload(
    source: &Source,
    running: &Config,
    state: &AppState,
    router: &SharedRouter,
) -> Option<Config> {
    let Some(read) = source else {
        tracing::warn!("SIGHUP ignored: moat runs its bundled config, which has no file");
        return None;
    };

    let config = match read() {
        Ok(config) => config,
        Err(error) => {
            tracing::error!(
                problems = %error,
                "the config was not reloaded: it is invalid; still serving the previous one"
            );
            return None;
        }
    };
    let changed = restart_needed(running, &config);
    if !changed.is_empty() {
        tracing::error!(
            changed = changed.join(", "),
            "the config was not reloaded: these changes need a restart; \
             still serving the previous one"
        );
        return None;
    }

    let state = AppState { max_body_bytes: config.server.max_body_bytes, ..state.clone() };
    router.store(Arc::new(api::router(&config, state)));
    tracing::info!(endpoints = config.endpoints.len(), "config reloaded");
    Some(config)
}

/// The settings `new` changes that a running moat cannot take.
pub fn restart_needed(old: &Config, new: &Config) -> Vec<&'static str> {
    let (was, now) = (&old.server, &new.server);
    let mut changed = Vec::new();

    if was.addr != now.addr {
        changed.push("server.addr");
    }
    if was.data_dir != now.data_dir {
        changed.push("server.data_dir");
    }
    if was.header_read_timeout_ms != now.header_read_timeout_ms {
        changed.push("server.header_read_timeout_ms");
    }
    if was.max_connections != now.max_connections {
        changed.push("server.max_connections");
    }
    // The backend and index types hold no comparable identity; their full debug forms are
    // compared (secrets show only the variable they are read from).
    if format!("{:?}", old.backend) != format!("{:?}", new.backend) {
        changed.push("backend");
    }
    if format!("{:?}", old.indices) != format!("{:?}", new.indices) {
        changed.push("indices");
    }
    changed
}
