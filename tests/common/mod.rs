//! The test harness: real `moat` processes on ephemeral loopback ports, spoken to over HTTP.
//!
//! Every scenario runs against each backend under test: the embedded index always, and
//! Elasticsearch and OpenSearch when `MOAT_TEST_ES_URL` and `MOAT_TEST_OPENSEARCH_URL` name
//! servers (the README's test command starts both and sets them). With
//! `MOAT_TEST_REQUIRE_ENGINES=1` a missing URL fails the run instead of narrowing it.

#![allow(dead_code)]

pub mod corpus;
pub mod ops;
pub mod proxy;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The real data set of the original example.
pub fn shared_data(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data").join(name);
    assert!(
        path.exists(),
        "{} is missing: the tests read ../shared beside the repo",
        path.display()
    );
    path
}

/// The `moat` binary under test.
pub fn moat() -> Command {
    Command::new(env!("CARGO_BIN_EXE_moat"))
}

/// A backend the scenarios run against.
#[derive(Debug, Clone)]
pub enum Engine {
    /// The embedded Tantivy index.
    Embedded,
    /// A real Elasticsearch or OpenSearch server.
    Remote { name: &'static str, url: String },
}

impl Engine {
    /// Every backend under test in this run.
    pub fn all() -> Vec<Engine> {
        let require = std::env::var("MOAT_TEST_REQUIRE_ENGINES").is_ok_and(|value| value == "1");
        let mut engines = vec![Engine::Embedded];

        for (name, variable) in
            [("elasticsearch", "MOAT_TEST_ES_URL"), ("opensearch", "MOAT_TEST_OPENSEARCH_URL")]
        {
            match std::env::var(variable) {
                Ok(url) if !url.is_empty() => engines.push(Engine::Remote { name, url }),
                _ if require => panic!("{variable} is not set, and engines are required"),
                _ => eprintln!("note: {name} scenarios not run: {variable} is not set"),
            }
        }
        engines
    }

    /// The remote engines of this run (a note when there is none, or a failure when engines
    /// are required).
    pub fn remotes() -> Vec<Engine> {
        let remotes: Vec<Engine> = Engine::all()
            .into_iter()
            .filter(|engine| matches!(engine, Engine::Remote { .. }))
            .collect();
        if remotes.is_empty() {
            eprintln!("note: this test needs Elasticsearch or OpenSearch; not run");
        }
        remotes
    }

    /// A short name for messages.
    pub fn name(&self) -> &'static str {
        match self {
            Engine::Embedded => "embedded",
            Engine::Remote { name, .. } => name,
        }
    }

    /// The `[backend]` section for this engine, with a request timeout of `timeout_ms`.
    pub fn backend_toml(&self, timeout_ms: u64) -> String {
        match self {
            Engine::Embedded => "[backend]\nkind = \"embedded\"\n".to_owned(),
            Engine::Remote { url, .. } => format!(
                "[backend]\nkind = \"elasticsearch\"\nnodes = [\"{url}\"]\n\
                 timeout_ms = {timeout_ms}\nnode_retry_after_ms = 1000\n"
            ),
        }
    }
}

/// An `[indices.NAME]` section reading its mapping from `mapping`.
pub fn index_toml(index: &str, mapping: &Path) -> String {
    format!("\n[indices.{index}]\nmappings_file = \"{}\"\n", mapping.display())
}

/// A phrase-search endpoint at `path` over `field`, answering with `source`.
pub fn search_toml(path: &str, index: &str, field: &str, source: &[&str]) -> String {
    let source: Vec<String> = source.iter().map(|field| format!("\"{field}\"")).collect();
    format!(
        "\n[[endpoints]]\nkind = \"search\"\npath = \"{path}\"\nindex = \"{index}\"\n\
         text = {{ param = \"term\", field = \"{field}\" }}\nsource = [{}]\n",
        source.join(", ")
    )
}

/// A config and data directory of one test, with a unique index name.
pub struct Setup {
    pub engine: Engine,
    pub dir: tempfile::TempDir,
    pub config: PathBuf,
    pub index: String,
}

impl Setup {
    /// The vet-visits API of the original example, with the original mapping, plus a search
    /// on owner names that lets tests see which documents remain.
    pub fn vet_visits(engine: &Engine) -> Setup {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let index = format!("vet-visits-test-{}", unique());
        let mapping = shared_data("vet-visits.mappings.json");

        let text = [
            engine.backend_toml(5000),
            index_toml(&index, &mapping),
            "\n[[endpoints]]\nkind = \"ping\"\npath = \"/ping\"\n".to_owned(),
            search_toml("/search", &index, "visit_details", &["owner_name", "visit_details"]),
            search_toml("/search-owner", &index, "owner_name", &["owner_name", "pet_name"]),
            format!(
                "\n[[endpoints]]\nkind = \"delete-by-query\"\npath = \"/delete-by-query\"\n\
                 index = \"{index}\"\nterm = {{ param = \"term\", field = \"pet_name.keyword\" }}\n"
            ),
            "\n[[endpoints]]\nkind = \"job-status\"\npath = \"/tasks/{task_id}\"\n".to_owned(),
        ]
        .concat();

        let config = dir.path().join("moat.toml");
        std::fs::write(&config, text).expect("the config is written");
        Setup { engine: engine.clone(), dir, config, index }
    }

    /// The bundled example's endpoints (every endpoint kind and search feature) over a fresh
    /// index seeded with the example's documents, plus `/capped`, a search whose total stops
    /// counting at 3.
    pub fn example(engine: &Engine) -> Setup {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/vet-visits");
        let bundled = std::fs::read_to_string(example.join("moat.toml")).expect("the example");
        let endpoints = &bundled[bundled.find("[[endpoints]]").expect("endpoints")..];
        let index = format!("vet-visits-test-{}", unique());

        let text = format!(
            "{}\n[indices.{index}]\nmappings_file = \"{}\"\nseed_file = \"{}\"\n\n{}\n\
             [[endpoints]]\nkind = \"search\"\npath = \"/capped\"\nindex = \"{index}\"\n\
             total_cap = 3\nsource = [\"pet_name\"]\n",
            engine.backend_toml(10_000),
            example.join("vet-visits.mappings.json").display(),
            example.join("vet-visits.ndjson").display(),
            endpoints.replace("index = \"vet-visits\"", &format!("index = \"{index}\"")),
        );
        let config = dir.path().join("moat.toml");
        std::fs::write(&config, text).expect("the config is written");
        Setup { engine: engine.clone(), dir, config, index }
    }

    /// The data directory of this test.
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// Runs `moat ingest` on `file`.
    pub fn ingest(&self, file: &Path) -> Output {
        moat()
            .arg("ingest")
            .arg(file)
            .args(["--index", &self.index, "--config"])
            .arg(&self.config)
            .arg("--data-dir")
            .arg(self.data_dir())
            .output()
            .expect("moat ingest runs")
    }

    /// Loads the original data set and checks that all ten documents went in.
    pub fn ingest_original(&self) {
        let output = self.ingest(&shared_data("vet-visits.ndjson"));
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success() && stdout.contains("10 documents indexed, 0 rejected"),
            "ingest failed on {}: {stdout}{}",
            self.engine.name(),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// Starts `moat serve` on this config.
    pub fn serve(&self) -> Server {
        Server::start(&self.config, &self.data_dir())
    }
}

/// A running `moat serve`, stopped when dropped.
pub struct Server {
    child: Child,
    pub base: String,
    client: reqwest::blocking::Client,
}

impl Server {
    /// Starts moat with `config` (the bundled one when `None`) and waits until it listens.
    pub fn start_with(config: Option<&Path>, data_dir: &Path) -> Server {
        Server::launch(config, data_dir, &[])
    }

    fn launch(config: Option<&Path>, data_dir: &Path, extra: &[&str]) -> Server {
        let mut command = moat();
        command.arg("serve").args(["--addr", "127.0.0.1:0"]).args(extra).arg("--data-dir");
        command.arg(data_dir);
        if let Some(config) = config {
            command.arg("--config").arg(config);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("moat serve starts");

        let base = announced_base(&mut child);
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Server { child, base, client }
    }

    /// Starts moat with `config`.
    pub fn start(config: &Path, data_dir: &Path) -> Server {
        Server::start_with(Some(config), data_dir)
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Answer {
        Answer::from(self.client.get(format!("{}{path}", self.base)).send())
    }

    /// `POST path` with a JSON body.
    pub fn post(&self, path: &str, body: &Value) -> Answer {
        let request = self.client.post(format!("{}{path}", self.base)).json(body);
        Answer::from(request.send())
    }

    /// `POST path` with raw bytes and a content type.
    pub fn post_raw(&self, path: &str, content_type: Option<&str>, body: Vec<u8>) -> Answer {
        let mut request = self.client.post(format!("{}{path}", self.base)).body(body);
        if let Some(content_type) = content_type {
            request = request.header("content-type", content_type);
        }
        Answer::from(request.send())
    }

    /// Deletes by query and waits for the job to end; answers the final job state.
    pub fn delete_and_wait(&self, term: &str) -> Value {
        let started = self.post("/delete-by-query", &serde_json::json!({ "term": term }));
        assert_eq!(started.status, 200, "{}", started.body);
        let task_id = started.json["task_id"].as_str().expect("a task id").to_owned();

        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let job = self.get(&format!("/tasks/{task_id}"));
            assert_eq!(job.status, 200, "{}", job.body);
            if job.json["state"] != "running" {
                return job.json;
            }
            assert!(Instant::now() < deadline, "job {task_id} still running after 60 s");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Stops moat with SIGTERM and waits for it to exit.
    pub fn stop(mut self) {
        let _ = Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("moat did not stop within 20 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub request_id: Option<String>,
    pub body: String,
    pub json: Value,
}

impl From<reqwest::Result<reqwest::blocking::Response>> for Answer {
    fn from(response: reqwest::Result<reqwest::blocking::Response>) -> Answer {
        let response = response.expect("moat answers");
        let header = |name: &str| {
            response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_owned)
        };
        let status = response.status().as_u16();
        let content_type = header("content-type").unwrap_or_default();
        let request_id = header("x-request-id");

        let body = response.text().expect("a readable body");
        let json = serde_json::from_str(&body).unwrap_or(Value::Null);
        Answer { status, content_type, request_id, body, json }
    }
}

/// Runs `moat check` on `text` written to a config file, whose path the output names as
/// `file`; answers whether it passed, with its standard output and error.
pub fn check_config(text: &str, file: &str) -> (bool, String, String) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let config = dir.path().join("moat.toml");
    std::fs::write(&config, text).expect("the config is written");

    let output = moat().arg("check").arg("--config").arg(&config).output().expect("moat runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).replace(&*config.to_string_lossy(), file);
    (output.status.success(), stdout, stderr)
}

/// The problem lines `moat check` prints for `text`, which must fail, the config's path
/// written `file`.
pub fn config_problems(text: &str, file: &str) -> Vec<String> {
    let (ok, stdout, stderr) = check_config(text, file);
    assert!(!ok, "moat check passed:\n{stdout}");
    stderr.lines().map(str::to_owned).collect()
}

/// A corpus loaded into a fresh index with the real `moat ingest`, and the backend opened
/// from the same config in this process.
pub struct Loaded {
    pub config: moat::config::Config,
    pub config_path: PathBuf,
    pub data_dir: PathBuf,
    pub backend: moat::backend::Backend,
    pub index: String,
}

/// Writes `config_text(index)` into `dir`, loads `documents` (all `expected` of them must be
/// indexed) into a new index named `prefix-…` with `moat ingest`, opens the backend, and
/// checks it counts them all.
pub fn ingest_and_open(
    engine: &Engine,
    dir: &Path,
    prefix: &str,
    config_text: impl FnOnce(&str) -> String,
    documents: &Path,
    expected: usize,
    runtime: &tokio::runtime::Runtime,
) -> Loaded {
    let index = format!("{prefix}-{}", unique());
    let data_dir = dir.join(format!("data-{index}"));
    let config_path = dir.join(format!("{index}.toml"));
    std::fs::write(&config_path, config_text(&index)).expect("the config is written");

    let output = moat()
        .arg("ingest")
        .arg(documents)
        .args(["--index", &index, "--config"])
        .arg(&config_path)
        .arg("--data-dir")
        .arg(&data_dir)
        .output()
        .expect("moat ingest runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success()
            && stdout.contains(&format!("{expected} documents indexed, 0 rejected")),
        "ingest failed on {}: {stdout}{}",
        engine.name(),
        String::from_utf8_lossy(&output.stderr)
    );

    let config = moat::config::load(&config_path).expect("the config loads");
    let (backend, _) = moat::backend::Backend::open(&config, &data_dir).expect("the backend opens");
    let count = runtime.block_on(backend.count(&index)).expect("the index counts");
    assert_eq!(count, expected as u64, "documents in {}", engine.name());
    Loaded { config, config_path, data_dir, backend, index }
}

/// The base URL a starting `moat serve` announces on its first line of standard output.
pub fn announced_base(child: &mut Child) -> String {
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).expect("moat prints where it listens");
    line.split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("moat did not announce its address: {line:?}"))
        .to_owned()
}

/// A value unique within this test run.
pub fn unique() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!("{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

impl Server {
    /// Starts moat with `config`, logging only what `log` lets through (`warn`, say), for
    /// tests that send many requests.
    pub fn start_logging(config: &Path, data_dir: &Path, log: &str) -> Server {
        Server::launch(Some(config), data_dir, &["--log", log])
    }
}
