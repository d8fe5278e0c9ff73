//! Graceful shutdown drains requests in flight; SIGHUP reloads a valid config and keeps the
//! old one when the new one is invalid or needs a restart.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::Engine;
use common::ops::{Moat, setup_with_server, via};
use common::proxy::Proxy;
use serde_json::json;

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    for engine in Engine::remotes() {
        let Engine::Remote { url, .. } = &engine else { continue };
        let proxy = Proxy::start(url);
        let setup = setup_with_server(&via(&engine, proxy.url()), "deadline_ms = 8000");
        setup.ingest_original();
        let mut moat = Moat::start(&setup, &[]);
        let authority = moat.authority().to_owned();
        let base = moat.base.clone();

        proxy.set_delay(Duration::from_secs(2));
        let in_flight = std::thread::spawn(move || {
            let client = reqwest::blocking::Client::new();
            let started = Instant::now();
            let answer = client
                .post(format!("{base}/search"))
                .json(&json!({"term": "dental"}))
                .send()
                .expect("the search in flight is answered");
            (answer.status().as_u16(), answer.text().unwrap_or_default(), started.elapsed())
        });
        std::thread::sleep(Duration::from_millis(500));

        moat.signal("TERM");
        std::thread::sleep(Duration::from_millis(300));
        let refused = std::net::TcpStream::connect(&authority);
        assert!(refused.is_err(), "{}: new connections are refused while draining", engine.name());

        let (status, body, took) = in_flight.join().unwrap();
        assert_eq!(status, 200, "{}: {body}", engine.name());
        assert!(body.contains("\"total\""), "{}: {body}", engine.name());
        assert!(took >= Duration::from_secs(2), "the delay was real: {took:?}");
        assert_eq!(moat.wait_exit(Duration::from_secs(10)), Some(true), "{}", engine.name());

        let log = moat.log_text();
        assert!(log.contains("draining requests in flight"), "{log}");
        assert!(log.contains("stopped"), "{log}");
        assert!(!log.contains("stopping anyway"), "{log}");
    }
}

#[test]
fn sighup_swaps_in_a_valid_config_and_keeps_the_old_one_otherwise() {
    let setup = setup_with_server(&Engine::Embedded, "");
    setup.ingest_original();
    let original = std::fs::read_to_string(&setup.config).unwrap();
    let moat = Moat::start(&setup, &[]);
    let reloads = |count: usize| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while moat.log_text().matches("config reloaded").count()
            + moat.log_text().matches("config was not reloaded").count()
            < count
        {
            assert!(Instant::now() < deadline, "no reload logged:\n{}", moat.log_text());
            std::thread::sleep(Duration::from_millis(50));
        }
    };
    assert_eq!(moat.get("/pets").answer.status, 404);

    let pets = common::search_toml("/pets", &setup.index, "pet_name", &["pet_name"]);
    let added = format!("{original}{pets}").replace("[server]\n", "[server]\nmetrics = false\n");
    std::fs::write(&setup.config, &added).unwrap();
    moat.signal("HUP");
    reloads(1);
    let found = moat.post("/pets", &json!({"term": "Buddy"}));
    assert_eq!(found.answer.status, 200, "{}", found.answer.body);
    assert_eq!(found.answer.json["hits"][0]["pet_name"], "Buddy");
    assert_eq!(moat.get("/metrics").answer.status, 404, "metrics were turned off by the reload");

    std::fs::write(&setup.config, added.replace("kind = \"search\"", "kind = \"serch\"")).unwrap();
    moat.signal("HUP");
    reloads(2);
    assert!(moat.log_text().contains("it is invalid"), "{}", moat.log_text());
    assert!(moat.log_text().contains("serch"), "the problems are logged: {}", moat.log_text());
    assert_eq!(moat.post("/pets", &json!({"term": "Buddy"})).answer.status, 200);
    assert_eq!(moat.post("/search", &json!({"term": "dental"})).answer.status, 200);

    let restart = added.replace("[server]\n", "[server]\nmax_connections = 7\n");
    std::fs::write(&setup.config, restart).unwrap();
    moat.signal("HUP");
    reloads(3);
    assert!(moat.log_text().contains("server.max_connections"), "{}", moat.log_text());
    assert_eq!(moat.post("/pets", &json!({"term": "Buddy"})).answer.status, 200);

    std::fs::write(&setup.config, &original).unwrap();
    moat.signal("HUP");
    reloads(4);
    assert_eq!(moat.get("/pets").answer.status, 404, "the endpoint left with the reload");
    assert_eq!(moat.get("/metrics").answer.status, 200);
}

#[test]
fn requests_during_reloads_are_all_answered() {
    let setup = setup_with_server(&Engine::Embedded, "");
    setup.ingest_original();
    let original = std::fs::read_to_string(&setup.config).unwrap();
    let moat = Arc::new(Moat::start(&setup, &[]));

    let client = {
        let moat = Arc::clone(&moat);
        std::thread::spawn(move || {
            (0..300)
                .map(|_| moat.post("/search", &json!({"term": "dental"})).answer.status)
                .filter(|status| *status != 200)
                .count()
        })
    };
    for round in 0..10 {
        std::fs::write(&setup.config, format!("{original}\n# round {round}\n")).unwrap();
        moat.signal("HUP");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(client.join().unwrap(), 0, "every search during reloads succeeded");
    assert!(moat.log_text().contains("config reloaded"));
}
