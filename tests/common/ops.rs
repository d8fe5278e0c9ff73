//! Helpers for the operations tests: a `moat serve` whose log is kept, extra `[server]`
//! settings, signals, and raw HTTP/1.1 over TCP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Answer, Engine, Setup, moat};

/// The vet-visits setup of `engine` with `server` lines under `[server]`.
pub fn setup_with_server(engine: &Engine, server: &str) -> Setup {
    let setup = Setup::vet_visits(engine);
    let text = std::fs::read_to_string(&setup.config).expect("the config is readable");
    std::fs::write(&setup.config, format!("[server]\n{server}\n\n{text}"))
        .expect("the config is written");
    setup
}

/// The engine at `url` under the name of `engine` (a proxy in front of it, say).
pub fn via(engine: &Engine, url: String) -> Engine {
    Engine::Remote { name: engine.name(), url }
}

/// A running `moat serve` whose standard error goes to a file, stopped when dropped.
pub struct Moat {
    child: Child,
    pub base: String,
    pub log: PathBuf,
    client: reqwest::blocking::Client,
}

impl Moat {
    /// Starts `moat serve` for `setup` with `extra` arguments (before `serve`).
    pub fn start(setup: &Setup, extra: &[&str]) -> Moat {
        let log = setup.dir.path().join(format!("moat-{}.log", super::unique()));
        let stderr = std::fs::File::create(&log).expect("the log file is created");
        let mut child = moat()
            .args(extra)
            .arg("serve")
            .args(["--addr", "127.0.0.1:0", "--config"])
            .arg(&setup.config)
            .arg("--data-dir")
            .arg(setup.data_dir())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("moat serve starts");

        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("moat prints where it listens");
        let base = line
            .split_whitespace()
            .find(|word| word.starts_with("http://"))
            .unwrap_or_else(|| {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                panic!("moat did not announce its address: {line:?}\n{log}")
            })
            .to_owned();

        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("an HTTP client");
        Moat { child, base, log, client }
    }

    /// The host and port moat listens on.
    pub fn authority(&self) -> &str {
        self.base.trim_start_matches("http://")
    }

    /// `GET path`.
    pub fn get(&self, path: &str) -> Response {
        Response::from(self.client.get(format!("{}{path}", self.base)).send())
    }

    /// `POST path` with a JSON body.
    pub fn post(&self, path: &str, body: &Value) -> Response {
        Response::from(self.client.post(format!("{}{path}", self.base)).json(body).send())
    }

    /// Sends `signal` (`HUP`, `TERM`) to moat.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log holds `needle`; answers whether it did within `timeout`.
    pub fn wait_for_log(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if self.log_text().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Waits for moat to exit; answers whether it exited successfully within `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<bool> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status.success());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }
}

impl Drop for Moat {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An answer with its headers.
#[derive(Debug)]
pub struct Response {
    pub answer: Answer,
    pub headers: reqwest::header::HeaderMap,
}

impl Response {
    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

impl From<reqwest::Result<reqwest::blocking::Response>> for Response {
    fn from(response: reqwest::Result<reqwest::blocking::Response>) -> Response {
        let response = response.expect("moat answers");
        let headers = response.headers().clone();
        Response { answer: Answer::from(Ok(response)), headers }
    }
}

/// Sends `request` as it is over a new connection and reads until moat closes it or
/// `timeout` passes; answers the bytes read and whether the connection was closed.
pub fn raw_exchange(authority: &str, request: &[u8], timeout: Duration) -> (Vec<u8>, bool) {
    let mut stream = TcpStream::connect(authority).expect("moat accepts connections");
    stream.write_all(request).expect("the request is sent");
    read_until_closed(&mut stream, timeout)
}

/// Reads from `stream` until it is closed or `timeout` passes.
pub fn read_until_closed(stream: &mut TcpStream, timeout: Duration) -> (Vec<u8>, bool) {
    let deadline = Instant::now() + timeout;
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 8192];

    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now()).max(Duration::from_millis(1));
        stream.set_read_timeout(Some(left)).expect("a read timeout");
        match stream.read(&mut buffer) {
            Ok(0) => return (bytes, true),
            Ok(read) => bytes.extend_from_slice(&buffer[..read]),
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
                return (bytes, true);
            }
            Err(_) => break,
        }
    }
    (bytes, false)
}
