//! Load shedding against a slow engine: past `max_in_flight` requests are refused at once,
//! and a search the engine has not answered by the deadline is answered 504.

mod common;

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use common::Engine;
use common::ops::{Moat, setup_with_server, via};
use common::proxy::Proxy;
use serde_json::json;

#[test]
fn sheds_past_the_cap_and_times_out_at_the_deadline() {
    for engine in Engine::remotes() {
        let Engine::Remote { url, .. } = &engine else { continue };
        let proxy = Proxy::start(url);
        let setup =
            setup_with_server(&via(&engine, proxy.url()), "max_in_flight = 2\ndeadline_ms = 1500");
        setup.ingest_original();
        let moat = Arc::new(Moat::start(&setup, &[]));
        assert_eq!(moat.post("/search", &json!({"term": "dental"})).answer.status, 200);

        proxy.set_delay(Duration::from_secs(3));
        let clients = 6;
        let barrier = Arc::new(Barrier::new(clients));
        let threads: Vec<_> = (0..clients)
            .map(|_| {
                let moat = Arc::clone(&moat);
                let barrier = Arc::clone(&barrier);
                std::thread::spawn(move || {
                    barrier.wait();
                    let started = Instant::now();
                    let answer = moat.post("/search", &json!({"term": "dental"}));
                    (answer, started.elapsed())
                })
            })
            .collect();
        let answers: Vec<_> = threads.into_iter().map(|thread| thread.join().unwrap()).collect();

        let name = engine.name();
        let shed: Vec<_> =
            answers.iter().filter(|(answer, _)| answer.answer.status == 503).collect();
        let late: Vec<_> =
            answers.iter().filter(|(answer, _)| answer.answer.status == 504).collect();
        assert_eq!(shed.len(), clients - 2, "{name}: {answers:#?}");
        assert_eq!(late.len(), 2, "{name}: {answers:#?}");

        for (answer, took) in &shed {
            assert_eq!(answer.answer.content_type, "application/problem+json");
            assert_eq!(answer.answer.json["type"], "urn:moat:problem:overloaded");
            assert_eq!(answer.header("retry-after"), Some("1"));
            assert!(*took < Duration::from_millis(1000), "{name}: shed after {took:?}");
        }
        for (answer, took) in &late {
            assert_eq!(answer.answer.content_type, "application/problem+json");
            assert_eq!(answer.answer.json["type"], "urn:moat:problem:engine-timeout");
            assert!(*took >= Duration::from_millis(1400), "{name}: 504 after {took:?}");
            assert!(*took < Duration::from_millis(2900), "{name}: 504 after {took:?}");
        }

        proxy.set_delay(Duration::ZERO);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let status = moat.post("/search", &json!({"term": "dental"})).answer.status;
            if status == 200 {
                break;
            }
            assert!(Instant::now() < deadline, "{name}: searches never recovered ({status})");
            std::thread::sleep(Duration::from_millis(200));
        }

        let metrics = moat.get("/metrics").answer.body;
        let expected = format!(r#"moat_rejections_total{{reason="overloaded"}} {}"#, clients - 2);
        assert!(metrics.lines().any(|line| line == expected), "{name}: {metrics}");
    }
}

#[test]
fn other_endpoints_are_not_shed() {
    for engine in Engine::remotes() {
        let Engine::Remote { url, .. } = &engine else { continue };
        let proxy = Proxy::start(url);
        let setup =
            setup_with_server(&via(&engine, proxy.url()), "max_in_flight = 1\ndeadline_ms = 3000");
        setup.ingest_original();
        let moat = Arc::new(Moat::start(&setup, &[]));

        proxy.set_delay(Duration::from_millis(1500));
        let busy = {
            let moat = Arc::clone(&moat);
            std::thread::spawn(move || moat.post("/search", &json!({"term": "dental"})))
        };
        std::thread::sleep(Duration::from_millis(300));

        let name = engine.name();
        assert_eq!(moat.post("/search", &json!({"term": "x"})).answer.status, 503, "{name}");
        assert_eq!(moat.get("/healthz").answer.status, 200, "{name}: probes are never shed");
        assert_eq!(moat.get("/tasks/unknown").answer.status, 404, "{name}");
        assert_eq!(busy.join().unwrap().answer.status, 200, "{name}");
    }
}
