//! What the access-control tests share: keys made by `moat key`, config edits, and requests
//! whose headers the tests read.

#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::common;

/// The tenant secret the tests' configs read from [`TENANT_SECRET_ENV`].
pub const TENANT_SECRET: &str = "moat-test-tenant-secret-of-at-least-32-bytes";

/// The variable the tests' configs name for the tenant secret.
pub const TENANT_SECRET_ENV: &str = "MOAT_TEST_TENANT_SECRET";

/// A new key from `moat key`: the key and the `[[keys]]` entry to paste.
pub fn new_key(id: &str, endpoints: &[&str], public: bool) -> (String, String) {
    let mut command = common::moat();
    command.args(["key", "--id", id]);
    for endpoint in endpoints {
        command.args(["--endpoint", endpoint]);
    }
    if public {
        command.arg("--public");
    }
    let output = command.output().expect("moat key runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));

    let printed = String::from_utf8(output.stdout).expect("UTF-8");
    let key = printed.lines().find(|line| line.starts_with("moat_")).expect("a key").to_owned();
    let entry_start = printed.find("[[keys]]").expect("an entry");
    (key, format!("\n{}", &printed[entry_start..]))
}

/// Appends `text` to the config at `path`.
pub fn append(path: &Path, text: &str) {
    let mut config = std::fs::read_to_string(path).expect("the config");
    config.push_str(text);
    std::fs::write(path, config).expect("the config is written");
}

/// Replaces the first `from` in the config at `path` with `to`.
pub fn edit(path: &Path, from: &str, to: &str) {
    let config = std::fs::read_to_string(path).expect("the config");
    assert!(config.contains(from), "the config has no {from:?}");
    std::fs::write(path, config.replacen(from, to, 1)).expect("the config is written");
}

/// An answer with its headers.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub json: Value,
}

impl Reply {
    /// The header `name` as text, if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The problem's `detail`.
    pub fn detail(&self) -> &str {
        self.json["detail"].as_str().unwrap_or_default()
    }
}

/// Sends `method path` to `base` with `headers` and, for `POST`, the JSON `body`.
pub fn send(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Reply {
    let client = Client::builder().timeout(Duration::from_secs(30)).build().expect("a client");
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
    let mut request = client.request(method, format!("{base}{path}"));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if let Some(body) = body {
        request = request.json(body);
    }

    let response = request.send().expect("moat answers");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let text = response.text().expect("a body");
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Reply { status, headers, json }
}

/// A running `moat serve` with the tenant secret in its environment and its log in a file,
/// stopped when dropped.
pub struct Moat {
    child: std::process::Child,
    pub base: String,
    pub log: std::path::PathBuf,
}

impl Moat {
    /// Starts moat on `setup`'s config and data directory.
    pub fn serve(setup: &common::Setup) -> Moat {
        use std::io::{BufRead, BufReader};
        use std::process::Stdio;

        let log = setup.dir.path().join(format!("moat-{}.log", common::unique()));
        let mut child = common::moat()
            .args(["serve", "--addr", "127.0.0.1:0", "--log-format", "json", "--config"])
            .arg(&setup.config)
            .arg("--data-dir")
            .arg(setup.data_dir())
            .env(TENANT_SECRET_ENV, TENANT_SECRET)
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("a log file"))
            .spawn()
            .expect("moat serve starts");

        let stdout = child.stdout.take().expect("stdout is piped");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("moat prints where it listens");
        let Some(base) = line.split_whitespace().find(|word| word.starts_with("http://")) else {
            let _ = child.kill();
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            panic!("moat did not start: {line:?}\n{log}");
        };
        Moat { base: base.to_owned(), child, log }
    }

    /// `method path` with `headers` and an optional JSON body.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&Value>,
    ) -> Reply {
        send(&self.base, method, path, headers, body)
    }

    /// The log written so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Moat {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `moat token` on `config` with `filters` (`FIELD=VALUE`) and `ttl`.
pub fn token(config: &Path, filters: &[&str], ttl: &str) -> String {
    let mut command = common::moat();
    command.arg("token").arg("--config").arg(config).args(["--ttl", ttl]);
    for filter in filters {
        command.args(["--filter", filter]);
    }
    let output = command.env(TENANT_SECRET_ENV, TENANT_SECRET).output().expect("moat token runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).expect("UTF-8").trim().to_owned()
}
