//! Subcommands and shared options of the `moat` command.

mod check;
mod ingest;
mod key;
mod openapi;
mod serve;
mod token;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use moat::config::{self, Config};
use tracing_subscriber::EnvFilter;

/// moat: a search API gateway. Declare endpoints in one config file; moat serves them as a
/// small, typed, documented HTTP API in front of a search engine, which clients never see.
#[derive(Debug, Parser)]
#[command(name = "moat", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,

    #[command(flatten)]
    pub log: LogOptions,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the declared endpoints over HTTP.
    Serve(serve::ServeArgs),
    /// Bulk-load an NDJSON file (one JSON document per line) into an index.
    Ingest(ingest::IngestArgs),
    /// Check a config file and print every problem with its location.
    Check(check::CheckArgs),
    /// Print the OpenAPI document of the declared endpoints.
    Openapi(openapi::OpenapiArgs),
    /// Make a new random API key and print it with the `[[keys]]` entry to paste.
    Key(key::KeyArgs),
    /// Mint a tenant token with the config's `tenant_secret`, for testing.
    Token(token::TokenArgs),
}

/// Logging options, for every subcommand.
#[derive(Debug, Args)]
pub struct LogOptions {
    /// Log line format.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = LogFormat::Text,
        env = "MOAT_LOG_FORMAT"
    )]
    log_format: LogFormat,

    /// Log filter, such as `info` or `moat=debug,tower_http=info`.
    #[arg(long, global = true, default_value = "info,tantivy=warn", env = "MOAT_LOG")]
    log: String,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// The config option shared by subcommands.
#[derive(Debug, Args)]
pub struct ConfigArg {
    /// The config file (TOML). Without it, moat uses its bundled vet-visits example.
    #[arg(long, short = 'c', value_name = "FILE", env = "MOAT_CONFIG")]
    config: Option<PathBuf>,
}

impl ConfigArg {
    /// The config file given, if any.
    fn path(&self) -> Option<&std::path::Path> {
        self.config.as_deref()
    }

    /// Loads the chosen config, printing every problem when it is invalid.
    fn load(&self) -> Result<Config, ExitCode> {
        let Some(path) = &self.config else { return Ok(config::load_bundled()) };
        config::load(path).map_err(|error| {
            eprintln!("{error}");
            ExitCode::FAILURE
        })
    }
}

impl Cli {
    /// Runs the chosen subcommand.
    pub fn run(self) -> ExitCode {
        match self.command {
            Command::Serve(args) => serve::run(args),
            Command::Ingest(args) => ingest::run(args),
            Command::Check(args) => check::run(&args),
            Command::Openapi(args) => openapi::run(&args),
            Command::Key(args) => key::run(&args),
            Command::Token(args) => token::run(&args),
        }
    }
}

/// Sets up logging to standard error, with colours only on a terminal.
pub fn init_logging(options: &LogOptions) {
    let filter = EnvFilter::try_new(&options.log).unwrap_or_else(|error| {
        eprintln!("moat: ignoring the log filter `{}` ({error}); logging at info", options.log);
        EnvFilter::new("info")
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal());

    match options.log_format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

/// A Tokio runtime for one subcommand.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the Tokio runtime starts")
}
