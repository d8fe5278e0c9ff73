//! `moat ingest`: broken lines are reported by number, the rest still load.

mod common;

use common::{Engine, Setup, shared_data};
use serde_json::json;

#[test]
fn broken_lines_are_reported_by_number_and_the_rest_load() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        let original = std::fs::read_to_string(shared_data("vet-visits.ndjson")).unwrap();
        let mut lines: Vec<String> = original.lines().map(str::to_owned).collect();
        lines.insert(2, r#"{"owner_name": "Broken", "pet_name": "#.to_owned());
        lines.insert(5, r#"{"owner_name": {"first": "Not", "last": "Text"}}"#.to_owned());
        lines.insert(7, String::new());
        let file = setup.dir.path().join("broken.ndjson");
        std::fs::write(&file, lines.join("\n")).unwrap();

        let output = setup.ingest(&file);

        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "a rejected line makes ingest fail");
        assert!(stdout.contains("10 documents indexed, 2 rejected"), "{stdout}{stderr}");
        assert!(stderr.contains("line 3: rejected: malformed JSON"), "{stderr}");
        assert!(stderr.contains("line 6: rejected:"), "{stderr}");
        assert!(stderr.contains("owner_name"), "the reason names the field: {stderr}");

        let server = setup.serve();
        let answer = server.post("/search", &json!({"term": "dental cleaning"}));
        assert_eq!(answer.json["total"], 1, "on {}", engine.name());
    }
}

#[test]
fn an_unknown_index_or_missing_file_is_a_clear_error() {
    let setup = Setup::vet_visits(&Engine::Embedded);

    let output = common::moat()
        .args(["ingest", "/nonexistent/file.ndjson", "--index", &setup.index, "--config"])
        .arg(&setup.config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("cannot open /nonexistent/file.ndjson"), "{stderr}");

    let output = common::moat()
        .arg("ingest")
        .arg(shared_data("vet-visits.ndjson"))
        .args(["--index", "no-such-index", "--config"])
        .arg(&setup.config)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("no index named `no-such-index`"), "{stderr}");
}

#[test]
fn ingest_says_so_when_a_running_server_holds_the_embedded_index() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();

    let output = setup.ingest(&shared_data("vet-visits.ndjson"));

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success());
    assert!(stderr.contains("in use by another moat process"), "{stderr}");
    drop(server);
}
