//! `moat ingest`: a progress bar on a terminal, plain log lines otherwise.
//!
//! The index is created with its declared mapping first when the backend lacks it, and made
//! searchable once at the end of the load.

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use moat::backend::Backend;
use moat::config::BackendConfig;
use moat::ingest::{self, Progress, Rejection};

use super::ConfigArg;

/// How often, without a terminal, a line reports how far the load is.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// Options of `moat ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// The NDJSON file: one JSON object per line.
    #[arg(value_name = "FILE.ndjson")]
    file: PathBuf,

    /// The declared index to load into.
    #[arg(long, short = 'i', value_name = "NAME")]
    index: String,

    #[command(flatten)]
    config: ConfigArg,

    /// The data directory of the embedded backend, instead of the config's.
    #[arg(long, value_name = "DIR", env = "MOAT_DATA_DIR")]
    data_dir: Option<PathBuf>,

    /// Documents sent to the backend at once.
    #[arg(long, value_name = "N", default_value_t = ingest::DEFAULT_BATCH_SIZE)]
    batch_size: usize,
}

/// Loads the file and prints a summary; fails when any line was rejected.
pub fn run(args: IngestArgs) -> ExitCode {
    let Ok(mut config) = args.config.load() else { return ExitCode::FAILURE };
    if let Some(data_dir) = args.data_dir {
        config.server.data_dir = data_dir;
    }
    let Some(spec) = config.index(&args.index).cloned() else {
        let declared: Vec<_> = config.indices.iter().map(|index| index.name.as_str()).collect();
        eprintln!(
            "moat ingest: no index named `{}` is declared in the config (declared: {})",
            args.index,
            declared.join(", ")
        );
        return ExitCode::FAILURE;
    };

    let file = match File::open(&args.file) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("moat ingest: cannot open {}: {error}", args.file.display());
            return ExitCode::FAILURE;
        }
    };
    let size = file.metadata().map(|metadata| metadata.len()).unwrap_or(0);
    let reporter = Reporter::new(size);

    let outcome = super::runtime().block_on(async {
        if matches!(config.backend, BackendConfig::Embedded {}) {
            std::fs::create_dir_all(&config.server.data_dir)?;
        }
        let (backend, opened_new) = Backend::open(&config, &config.server.data_dir)?;
        if backend.ensure_index(&spec).await? || opened_new.contains(&spec.name) {
            reporter.note(&format!("index `{}` created", spec.name));
        }

        let input = BufReader::new(file);
        let summary = ingest::load(&backend, &spec.name, input, args.batch_size, &reporter).await?;
        backend.refresh(&spec.name).await?;
        anyhow::Ok(summary)
    });
    reporter.bar.finish_and_clear();

    match outcome {
        Ok(summary) => {
            println!("{} documents indexed, {} rejected", summary.indexed, summary.rejected);
            if summary.rejected == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(error) => {
            eprintln!("moat ingest: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Shows progress on a terminal's progress bar, or as periodic log lines.
struct Reporter {
    bar: ProgressBar,
    interactive: bool,
    read: AtomicU64,
    total: u64,
    started: Instant,
    last_log: std::sync::Mutex<Instant>,
}

impl Reporter {
    fn new(total: u64) -> Reporter {
        let interactive = std::io::stderr().is_terminal();
        let bar = if interactive { ProgressBar::new(total) } else { ProgressBar::hidden() };
        let style = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} \
             ({bytes_per_sec}, {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);

        let now = Instant::now();
        Reporter {
            bar,
            interactive,
            read: AtomicU64::new(0),
            total,
            started: now,
            last_log: std::sync::Mutex::new(now),
        }
    }

    /// Prints a line above the progress bar, or on standard error without a terminal.
    fn note(&self, line: &str) {
        if self.interactive {
            self.bar.println(line);
        } else {
            eprintln!("{line}");
        }
    }
}

impl Progress for Reporter {
    fn advanced(&self, bytes: u64) {
        self.bar.inc(bytes);
        let read = self.read.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if self.interactive {
            return;
        }

        let mut last = self.last_log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.elapsed() >= LOG_EVERY {
            *last = Instant::now();
            let seconds = self.started.elapsed().as_secs();
            eprintln!("ingest: {read} of {} bytes read after {seconds}s", self.total);
        }
    }

    fn rejected(&self, rejection: &Rejection) {
        self.note(&format!("line {}: rejected: {}", rejection.line, rejection.reason));
    }
}
