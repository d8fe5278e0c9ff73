//! The original example's API, on the original data, against every backend under test.

mod common;

use common::{Engine, Server, Setup};
use serde_json::json;

/// The owners of the original data set's ten visits.
const OWNERS: [&str; 10] = [
    "Alice Johnson",
    "Marco Rivera",
    "Sandra Lee",
    "Jake Thompson",
    "Emily Chen",
    "Tomás Herrera",
    "Nina Park",
    "Leo Martínez",
    "Rachel Green",
    "Daniel Kim",
];

fn owners_found(server: &Server) -> Vec<&'static str> {
    OWNERS
        .into_iter()
        .filter(|owner| {
            let answer = server.post("/search-owner", &json!({ "term": owner }));
            assert_eq!(answer.status, 200, "{}", answer.body);
            answer.json["total"] == 1
        })
        .collect()
}

#[test]
fn ping_reports_a_healthy_engine() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        let server = setup.serve();

        let answer = server.get("/ping");

        assert_eq!(answer.status, 200, "{}: {}", engine.name(), answer.body);
        assert_eq!(answer.json["status"], "success");
        assert!(answer.json["message"].as_str().unwrap().starts_with("Connected to"));
        assert!(["green", "yellow"].contains(&answer.json["cluster_status"].as_str().unwrap()));
        assert!(answer.json["number_of_nodes"].as_u64().unwrap() >= 1);
        assert!(answer.request_id.is_some());
    }
}

#[test]
fn dental_cleaning_finds_leo_martinez() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        setup.ingest_original();
        let server = setup.serve();

        let answer = server.post("/search", &json!({"term": "dental cleaning", "size": 10}));

        assert_eq!(answer.status, 200, "{}: {}", engine.name(), answer.body);
        assert_eq!(
            answer.json,
            json!({"hits": [{
                "owner_name": "Leo Martínez",
                "visit_details": "Dental cleaning. Minor tartar buildup removed."
            }], "total": 1}),
            "on {}",
            engine.name()
        );
    }
}

#[test]
fn size_limits_the_hits_but_not_the_total() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        setup.ingest_original();
        let server = setup.serve();

        let answer = server.post("/search", &json!({"term": "nail trimming", "size": 1}));

        assert_eq!(answer.status, 200, "{}: {}", engine.name(), answer.body);
        assert_eq!(answer.json["total"], 2, "on {}", engine.name());
        assert_eq!(answer.json["hits"].as_array().unwrap().len(), 1);
        let default_size = server.post("/search", &json!({"term": "nail trimming"}));
        assert_eq!(default_size.json["hits"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn a_phrase_needs_its_words_in_order() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        setup.ingest_original();
        let server = setup.serve();

        let reversed = server.post("/search", &json!({"term": "cleaning dental"}));
        let mixed_case = server.post("/search", &json!({"term": "DENTAL   Cleaning!"}));

        assert_eq!(reversed.json["total"], 0, "on {}", engine.name());
        assert_eq!(mixed_case.json["total"], 1, "on {}", engine.name());
    }
}

#[test]
fn deleting_buddy_completes_and_leaves_nine_documents() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        setup.ingest_original();
        let server = setup.serve();
        assert_eq!(owners_found(&server).len(), 10, "on {}", engine.name());

        let job = server.delete_and_wait("Buddy");

        assert_eq!(job["state"], "completed", "on {}: {job}", engine.name());
        assert_eq!(job["deleted"], 1);
        let remaining = owners_found(&server);
        assert_eq!(remaining.len(), 9, "on {}", engine.name());
        assert!(!remaining.contains(&"Alice Johnson"), "Buddy's owner is gone");
    }
}

#[test]
fn deletion_and_job_survive_a_restart() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        setup.ingest_original();
        let server = setup.serve();
        let job = server.delete_and_wait("Buddy");
        let task_id = job["task_id"].as_str().unwrap().to_owned();
        server.stop();

        let server = setup.serve();

        assert_eq!(owners_found(&server).len(), 9, "on {}", engine.name());
        let after = server.get(&format!("/tasks/{task_id}"));
        assert_eq!(after.status, 200);
        assert_eq!(after.json["state"], "completed");
        assert_eq!(after.json["deleted"], 1);
    }
}

#[test]
fn deleting_an_unknown_pet_deletes_nothing() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        setup.ingest_original();
        let server = setup.serve();

        let job = server.delete_and_wait("buddy");

        assert_eq!(job["state"], "completed", "on {}: {job}", engine.name());
        assert_eq!(job["deleted"], 0, "keyword matching is exact");
        assert_eq!(owners_found(&server).len(), 10);
    }
}
