//! `moat openapi`.

use std::process::ExitCode;

use clap::Args;

use super::ConfigArg;

/// Options of `moat openapi`.
#[derive(Debug, Args)]
pub struct OpenapiArgs {
    #[command(flatten)]
    config: ConfigArg,
}

/// Prints the OpenAPI document as pretty JSON.
pub fn run(args: &OpenapiArgs) -> ExitCode {
    let Ok(config) = args.config.load() else { return ExitCode::FAILURE };
    let document = moat::openapi::document(&config);
    match serde_json::to_string_pretty(&document) {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("moat openapi: {error}");
            ExitCode::FAILURE
        }
    }
}
