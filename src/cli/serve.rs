//! `moat serve`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

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
    if let Some(addr) = args.addr {
        config.server.addr = addr;
    }
    if let Some(data_dir) = args.data_dir {
        config.server.data_dir = data_dir;
    }

    match super::runtime().block_on(moat::server::serve(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("moat serve: {error:#}");
            ExitCode::FAILURE
        }
    }
}
