//! Every kind of bad input gets its documented status and an RFC 9457 problem body naming what
//! is wrong, on every backend.

mod common;

use common::{Answer, Engine, Setup};
use serde_json::{Value, json};

fn assert_problem(answer: &Answer, status: u16) {
    assert_eq!(answer.status, status, "{}", answer.body);
    assert_eq!(answer.content_type, "application/problem+json");
    assert_eq!(answer.json["status"], status);
    assert!(answer.json["type"].as_str().unwrap().starts_with("urn:moat:problem:"));
    for key in ["title", "detail"] {
        assert!(answer.json[key].as_str().is_some_and(|text| !text.is_empty()), "{key}");
    }
    assert_eq!(answer.json["request_id"].as_str(), answer.request_id.as_deref());
}

fn fields(answer: &Answer) -> Vec<String> {
    answer.json["errors"]
        .as_array()
        .expect("a list of field problems")
        .iter()
        .map(|problem| problem["field"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn invalid_parameters_are_422_naming_each_field() {
    let cases: [(Value, &[&str]); 8] = [
        (json!({}), &["term"]),
        (json!({"size": 5}), &["term"]),
        (json!({"term": 42}), &["term"]),
        (json!({"term": ""}), &["term"]),
        (json!({"term": "dog", "size": 0}), &["size"]),
        (json!({"term": "dog", "size": 101}), &["size"]),
        (json!({"term": "dog", "size": "ten"}), &["size"]),
        (json!({"term": "dog", "colour": "red", "size": 2.5}), &["colour", "size"]),
    ];

    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        let server = setup.serve();

        for (body, expected) in &cases {
            let answer = server.post("/search", body);
            assert_problem(&answer, 422);
            assert_eq!(fields(&answer), *expected, "for {body} on {}", engine.name());
        }

        let delete = server.post("/delete-by-query", &json!({"term": ["Buddy"]}));
        assert_problem(&delete, 422);
        assert_eq!(fields(&delete), ["term"]);
        let not_an_object = server.post("/search", &json!(["dental"]));
        assert_problem(&not_an_object, 422);
    }
}

#[test]
fn malformed_json_is_400() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();

    for body in ["{\"term\": ", "{'term': 'x'}", "", "\u{feff}{}"] {
        let answer = server.post_raw("/search", Some("application/json"), body.into());
        assert_problem(&answer, 400);
    }
}

#[test]
fn a_body_that_is_not_json_is_415() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();
    let body = br#"{"term": "dental"}"#.to_vec();

    for content_type in [None, Some("text/plain"), Some("application/x-www-form-urlencoded")] {
        let answer = server.post_raw("/search", content_type, body.clone());
        assert_problem(&answer, 415);
    }
    let with_charset = server.post_raw("/search", Some("application/json; charset=utf-8"), body);
    assert_eq!(with_charset.status, 200);
}

#[test]
fn a_body_over_one_mebibyte_is_413() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();
    let big = format!(r#"{{"term": "{}"}}"#, "a".repeat(1024 * 1024));

    let answer = server.post_raw("/search", Some("application/json"), big.into_bytes());

    assert_problem(&answer, 413);
    let under = format!(r#"{{"term": "{}"}}"#, "a".repeat(2000));
    let long_term = server.post_raw("/search", Some("application/json"), under.into_bytes());
    assert_problem(&long_term, 422);
}

#[test]
fn unknown_paths_jobs_and_methods_are_problems_too() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();

    assert_problem(&server.get("/nowhere"), 404);
    assert_problem(&server.get("/tasks/0123456789abcdef0123456789abcdef"), 404);
    assert_problem(&server.get("/tasks/not-a-job"), 404);
    assert_problem(&server.get("/delete-by-query"), 405);
}

#[test]
fn a_key_given_twice_is_400_and_nothing_is_deleted() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    setup.ingest_original();
    let server = setup.serve();
    let body = br#"{"term": "Buddy", "term": "Rocky"}"#.to_vec();

    let answer = server.post_raw("/delete-by-query", Some("application/json"), body);

    assert_problem(&answer, 400);
    assert!(answer.json["detail"].as_str().unwrap().contains("`term` appears twice"));
    let still_there = server.post("/search-owner", &json!({"term": "Rachel Green"}));
    assert_eq!(still_there.json["total"], 1);
}

#[test]
fn a_flood_of_unknown_fields_gets_a_short_answer() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();
    let mut body = serde_json::Map::new();
    for number in 0..5000 {
        body.insert(format!("field{number}"), json!(number));
    }

    let answer = server.post("/search", &Value::Object(body));

    assert_problem(&answer, 422);
    assert_eq!(fields(&answer).len(), 20);
    assert!(answer.json["detail"].as_str().unwrap().starts_with("5001 parameters are invalid"));
    assert!(answer.body.len() < 4096, "{} bytes", answer.body.len());
}

#[test]
fn a_job_id_that_is_not_utf8_is_404() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();

    assert_problem(&server.get("/tasks/%FF%FE"), 404);
    assert_problem(&server.get("/tasks/..%2F..%2Fjobs.sqlite3"), 404);
}
