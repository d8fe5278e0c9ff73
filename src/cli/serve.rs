//! `moat serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use moat::config::Config;
use moat::ops::reload::Source;

use super::ConfigArg;

/// Options of `moat serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    config: ConfigArg,

    /// Listen on this address instead of the config's (default 127.0.0.1:8000).
    #[arg(long, value_name = "HOST:PORT", env = "MOAT_ADDR")]
    addr: Option<SocketAddr>,

    /// Keep indices and job records in this directory instead of the config's
    /// (default ./moat-data).
    #[arg(long, value_name = "DIR", env = "MOAT_DATA_DIR")]
    data_dir: Option<PathBuf>,
}

/// Runs the server until it is stopped.
pub fn run(args: ServeArgs) -> ExitCode {
    let Ok(mut config) = args.config.load() else { return ExitCode::FAILURE };
    let overrides = Overrides { addr: args.addr, data_dir: args.data_dir };
    overrides.apply(&mut config);

    let reload: Source = args.config.path().map(|path| {
        let path = path.to_owned();
        Box::new(move || {
            let mut config = moat::config::load(&path)?;
            overrides.apply(&mut config);
            Ok(config)
        }) as _
    });

    match super::runtime().block_on(moat::server::serve(config, reload)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("moat serve: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The settings the command line gives over the config's, kept for reloads.
#[derive(Debug, Clone)]
struct Overrides {
    addr: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
}

impl Overrides {
    fn apply(&self, config: &mut Config) {
        if let Some(addr) = self.addr {
            config.server.addr = addr;
        }
        if let Some(data_dir) = &self.data_dir {
            config.server.data_dir.clone_from(data_dir);
        }
    }
}
