//! `moat check`.

use std::process::ExitCode;

use clap::Args;
use moat::config;

use super::ConfigArg;

/// Options of `moat check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    config: ConfigArg,
}

/// Prints every problem of the config, or a one-line summary when there is none.
pub fn run(args: &CheckArgs) -> ExitCode {
    let loaded = match &args.config.config {
        Some(path) => config::load(path),
        None => Ok(config::load_bundled()),
    };

    match loaded {
        Ok(config) => {
            let name = match &config.origin {
                config::Origin::File(path) => path.display().to_string(),
                config::Origin::Bundled => config::BUNDLED_NAME.to_owned(),
            };
            let (indices, endpoints) = (config.indices.len(), config.endpoints.len());
            println!(
                "{name}: ok ({indices} {}, {endpoints} {})",
                if indices == 1 { "index" } else { "indices" },
                if endpoints == 1 { "endpoint" } else { "endpoints" },
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            for problem in error.problems() {
                eprintln!("{problem}");
            }
            eprintln!("{} problem(s) found", error.problems().len());
            ExitCode::FAILURE
        }
    }
}
