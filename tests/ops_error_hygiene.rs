//! Error hygiene: whatever goes wrong in Elasticsearch or OpenSearch, no answer carries the
//! engine's words: index or node names, exception classes, engine hosts and ports, stack
//! traces or file paths.

mod common;

use std::time::{Duration, Instant};

use common::ops::{Moat, Response, setup_with_server, via};
use common::proxy::Proxy;
use common::{Engine, Setup};
use serde_json::{Value, json};

/// What the engine knows and clients must never read.
struct Secrets {
    words: Vec<String>,
}

impl Secrets {
    fn of(engine_url: &str, proxy: &Proxy, setup: &Setup) -> Secrets {
        let client = reqwest::blocking::Client::new();
        let mut words: Vec<String> = [
            "exception",
            "elastic",
            "opensearch",
            "lucene",
            "java",
            "root_cause",
            "caused_by",
            "shard",
            "node",
            "cluster",
            "stack",
            "trace",
            "http://",
            "127.0.0.1",
            "localhost",
            "/usr/",
            "/var/",
            "/tmp/",
            "/opt/",
            "/home/",
            ".rs:",
            "reqwest",
            "hyper",
            "tokio",
            "connection refused",
            "error sending request",
            "_search",
            "_source",
        ]
        .map(str::to_owned)
        .to_vec();
        words.push(setup.index.to_lowercase());
        for url in [engine_url, &proxy.url()] {
            let port = url.rsplit(':').next().unwrap_or_default().trim_end_matches('/');
            words.push(format!(":{port}"));
        }

        let nodes: Value = client
            .get(format!("{engine_url}/_nodes/_local"))
            .send()
            .and_then(reqwest::blocking::Response::json)
            .expect("the engine lists its nodes");
        let info: Value = client
            .get(engine_url)
            .send()
            .and_then(reqwest::blocking::Response::json)
            .expect("the engine describes itself");
        for node in nodes["nodes"].as_object().into_iter().flat_map(|nodes| nodes.values()) {
            for key in ["name", "host", "transport_address", "ip"] {
                if let Some(value) = node[key].as_str() {
                    words.push(value.to_lowercase());
                }
            }
        }
        for key in ["name", "cluster_name", "cluster_uuid"] {
            if let Some(value) = info[key].as_str() {
                words.push(value.to_lowercase());
            }
        }
        Secrets { words }
    }

    /// Fails when `response`, body or headers, holds one of the secrets.
    fn assert_clean(&self, response: &Response, what: &str) {
        let mut seen = response.answer.body.to_lowercase();
        for (name, value) in &response.headers {
            seen.push_str(&format!("\n{}: {}", name, value.to_str().unwrap_or_default()));
        }
        let seen = seen.to_lowercase();
        for word in &self.words {
            assert!(!seen.contains(word.as_str()), "{what}: the answer holds `{word}`:\n{seen}");
        }
    }
}

fn engine_call(method: reqwest::Method, url: &str) {
    let client = reqwest::blocking::Client::new();
    let answer = client.request(method, url).send().expect("the engine answers");
    assert!(answer.status().is_success(), "{url}: {}", answer.text().unwrap_or_default());
}

fn wait_for_job(moat: &Moat, task_id: &str) -> Response {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let job = moat.get(&format!("/tasks/{task_id}"));
        if job.answer.json["state"] != "running" || Instant::now() > deadline {
            return job;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn engine_failures_leak_nothing() {
    for engine in Engine::remotes() {
        let Engine::Remote { url, name } = &engine else { continue };
        let mut proxy = Proxy::start(url);
        let setup = setup_with_server(&via(&engine, proxy.url()), "deadline_ms = 1000");
        setup.ingest_original();
        let moat = Moat::start(&setup, &[]);
        let secrets = Secrets::of(url, &proxy, &setup);
        let index_url = format!("{url}/{}", setup.index);
        let search = json!({"term": "dental"});
        let mut checked = 0;
        let mut check = |response: &Response, what: &str, expected: u16| {
            assert_eq!(response.answer.status, expected, "{name} {what}: {}", response.answer.body);
            assert_eq!(response.answer.content_type, "application/problem+json", "{name} {what}");
            secrets.assert_clean(response, &format!("{name} {what}"));
            checked += 1;
        };

        engine_call(reqwest::Method::POST, &format!("{index_url}/_close"));
        check(&moat.post("/search", &search), "closed index", 502);
        engine_call(reqwest::Method::POST, &format!("{index_url}/_open"));

        engine_call(reqwest::Method::DELETE, &index_url);
        check(&moat.post("/search", &search), "missing index", 502);
        check(&moat.post("/search-owner", &json!({"term": "Alice"})), "missing index", 502);
        let started = moat.post("/delete-by-query", &json!({"term": "Buddy"}));
        assert_eq!(started.answer.status, 200, "{name}: {}", started.answer.body);
        let task_id = started.answer.json["task_id"].as_str().expect("a task id").to_owned();
        let job = wait_for_job(&moat, &task_id);
        assert_eq!(job.answer.json["state"], "failed", "{name}: {}", job.answer.body);
        secrets.assert_clean(&job, &format!("{name} failed job"));

        proxy.set_delay(Duration::from_secs(3));
        check(&moat.post("/search", &search), "slow engine", 504);
        check(&moat.get("/readyz"), "slow engine readiness", 503);
        proxy.set_delay(Duration::ZERO);

        proxy.cut();
        check(&moat.post("/search", &search), "engine down", 503);
        check(&moat.get("/ping"), "engine down ping", 503);
        check(&moat.get("/readyz"), "engine down readiness", 503);
        check(&moat.get("/ping"), "nodes set aside", 503);
        assert_eq!(checked, 9);

        let log = moat.log_text();
        assert!(log.contains("request failed"), "{name}: the details go to the log:\n{log}");
    }
}
