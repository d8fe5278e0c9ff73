//! Health and readiness probes, Prometheus metrics and the request log, against the real
//! server on every backend.

mod common;

use std::time::Duration;

use common::Engine;
use common::ops::{Moat, setup_with_server, via};
use common::proxy::Proxy;
use serde_json::{Value, json};

#[test]
fn probes_answer_on_every_backend() {
    for engine in Engine::all() {
        let setup = setup_with_server(&engine, "");
        let moat = Moat::start(&setup, &[]);

        let alive = moat.get("/healthz");
        assert_eq!(alive.answer.status, 200, "{}: {}", engine.name(), alive.answer.body);
        assert_eq!(alive.answer.json, json!({"status": "alive"}));

        let ready = moat.get("/readyz");
        assert_eq!(ready.answer.status, 200, "{}: {}", engine.name(), ready.answer.body);
        assert_eq!(ready.answer.json, json!({"status": "ready"}));
    }
}

#[test]
fn readiness_follows_the_engine() {
    for engine in Engine::remotes() {
        let Engine::Remote { url, .. } = &engine else { continue };
        let mut proxy = Proxy::start(url);
        let setup = setup_with_server(&via(&engine, proxy.url()), "");
        let moat = Moat::start(&setup, &[]);
        assert_eq!(moat.get("/readyz").answer.status, 200, "{}", engine.name());

        proxy.cut();
        let down = moat.get("/readyz");
        assert_eq!(down.answer.status, 503, "{}: {}", engine.name(), down.answer.body);
        assert_eq!(down.answer.content_type, "application/problem+json");
        assert_eq!(down.answer.json["type"], "urn:moat:problem:engine-unavailable");
        assert_eq!(down.header("retry-after"), Some("5"));
        assert_eq!(moat.get("/healthz").answer.status, 200, "alive while the engine is down");

        proxy.restore();
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while moat.get("/readyz").answer.status != 200 {
            assert!(std::time::Instant::now() < deadline, "{}: never ready again", engine.name());
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

#[test]
fn a_slow_engine_is_not_ready() {
    for engine in Engine::remotes() {
        let Engine::Remote { url, .. } = &engine else { continue };
        let proxy = Proxy::start(url);
        let setup = setup_with_server(&via(&engine, proxy.url()), "");
        let moat = Moat::start(&setup, &[]);

        proxy.set_delay(Duration::from_secs(4));
        let started = std::time::Instant::now();
        let slow = moat.get("/readyz");
        assert_eq!(slow.answer.status, 503, "{}: {}", engine.name(), slow.answer.body);
        assert!(started.elapsed() < Duration::from_secs(4), "readiness waited too long");
    }
}

#[test]
fn metrics_count_requests_by_route_template() {
    let setup = setup_with_server(&Engine::Embedded, "");
    setup.ingest_original();
    let moat = Moat::start(&setup, &[]);

    assert_eq!(moat.post("/search", &json!({"term": "dental"})).answer.status, 200);
    assert_eq!(moat.post("/search", &json!({"term": "dental", "size": 0})).answer.status, 422);
    assert_eq!(moat.get("/tasks/no-such-job-1").answer.status, 404);
    assert_eq!(moat.get("/tasks/no-such-job-2").answer.status, 404);
    assert_eq!(moat.get("/no/such/path").answer.status, 404);

    let metrics = moat.get("/metrics");
    assert_eq!(metrics.answer.status, 200);
    assert!(metrics.answer.content_type.starts_with("application/openmetrics-text"));
    let text = &metrics.answer.body;

    let has = |line: &str| text.lines().any(|candidate| candidate == line);
    assert!(
        has(r#"moat_http_requests_total{endpoint="/search",method="POST",status="200"} 1"#),
        "{text}"
    );
    assert!(has(r#"moat_http_requests_total{endpoint="/search",method="POST",status="422"} 1"#));
    assert!(has(
        r#"moat_http_requests_total{endpoint="/tasks/{task_id}",method="GET",status="404"} 2"#
    ));
    assert!(has(r#"moat_http_requests_total{endpoint="unmatched",method="GET",status="404"} 1"#));
    assert!(!text.contains("no-such-job"), "raw paths must not become labels");
    assert!(has(r#"moat_rejections_total{reason="invalid-parameters"} 1"#), "{text}");
    assert!(
        text.contains(
            r#"moat_engine_call_duration_seconds_count{operation="search",outcome="ok"} 1"#
        )
    );
    assert!(text.contains("moat_http_request_duration_seconds_bucket{"));
    assert!(has("moat_http_requests_in_flight 1"), "the scrape itself is in flight");
    assert!(text.trim_end().ends_with("# EOF"));
}

#[test]
fn metrics_can_be_turned_off() {
    let setup = setup_with_server(&Engine::Embedded, "metrics = false");
    let moat = Moat::start(&setup, &[]);

    let metrics = moat.get("/metrics");
    assert_eq!(metrics.answer.status, 404);
    assert_eq!(metrics.answer.content_type, "application/problem+json");
    assert_eq!(moat.get("/healthz").answer.status, 200);
}

#[test]
fn each_request_logs_one_json_line_and_probes_stay_quiet() {
    let setup = setup_with_server(&Engine::Embedded, "");
    setup.ingest_original();
    let moat = Moat::start(&setup, &["--log-format", "json"]);

    assert_eq!(moat.get("/healthz").answer.status, 200);
    assert_eq!(moat.get("/readyz").answer.status, 200);
    let search = moat.post("/search", &json!({"term": "dental"}));
    assert_eq!(search.answer.status, 200);
    let request_id = search.answer.request_id.clone().expect("a request id");
    assert!(moat.wait_for_log(&request_id, Duration::from_secs(5)), "{}", moat.log_text());

    let lines: Vec<Value> = moat
        .log_text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}")))
        .filter(|line: &Value| line["message"] == "response sent")
        .collect();
    assert_eq!(lines.len(), 1, "only the search is logged at info: {lines:?}");

    let line = &lines[0];
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["status"], 200);
    assert!(line["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{line}");
    assert_eq!(line["span"]["request_id"], request_id.as_str());
    assert_eq!(line["span"]["endpoint"], "/search");
    assert_eq!(line["span"]["method"], "POST");
}
