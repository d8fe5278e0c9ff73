//! When the engine goes away, moat answers 503 quickly with a clean problem body, and it
//! recovers by itself when the engine comes back. The outage is played by cutting a TCP
//! forwarder between moat and a real engine.

mod common;

use std::time::{Duration, Instant};

use common::proxy::Proxy;
use common::{Answer, Engine, Setup};
use serde_json::json;

/// The engine timeout the test config declares (see `Engine::backend_toml`).
const TIMEOUT: Duration = Duration::from_secs(5);

/// Words that would give the engine away.
const ENGINE_WORDS: [&str; 8] =
    ["127.0.0.1", "elastic", "opensearch", "vet-visits", "refused", "exception", "http://", "node"];

fn assert_clean_503(answer: &Answer, started: Instant) {
    assert!(started.elapsed() < TIMEOUT + Duration::from_secs(2), "{:?}", started.elapsed());
    assert_eq!(answer.status, 503, "{}", answer.body);
    assert_eq!(answer.content_type, "application/problem+json");
    let lowercase = answer.body.to_lowercase();
    for word in ENGINE_WORDS {
        assert!(!lowercase.contains(word), "`{word}` leaked: {}", answer.body);
    }
}

#[test]
fn an_engine_outage_is_a_quick_503_and_moat_recovers() {
    for engine in Engine::all() {
        let Engine::Remote { name, url } = &engine else { continue };
        let mut proxy = Proxy::start(url);
        let through_proxy = Engine::Remote { name, url: proxy.url() };
        let setup = Setup::vet_visits(&through_proxy);
        setup.ingest_original();
        let server = setup.serve();
        assert_eq!(server.get("/ping").status, 200);

        proxy.cut();

        let started = Instant::now();
        assert_clean_503(&server.get("/ping"), started);
        let started = Instant::now();
        let search = server.post("/search", &json!({"term": "dental cleaning"}));
        assert_clean_503(&search, started);
        assert!(search.json["detail"].as_str().unwrap().contains("cannot be reached"));

        proxy.restore();

        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let search = server.post("/search", &json!({"term": "dental cleaning"}));
            if search.status == 200 {
                assert_eq!(search.json["total"], 1, "on {name}");
                break;
            }
            assert!(Instant::now() < deadline, "{name}: no recovery within 30 s");
            std::thread::sleep(Duration::from_millis(250));
        }
        assert_eq!(server.get("/ping").status, 200);
    }
}
