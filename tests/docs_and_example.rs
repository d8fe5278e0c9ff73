//! The OpenAPI document, the offline docs UI, and the bundled example.

mod common;

use common::{Engine, Server, Setup};
use serde_json::json;

#[test]
fn openapi_describes_the_declared_endpoints() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();

    let answer = server.get("/openapi.json");

    assert_eq!(answer.status, 200);
    let document = &answer.json;
    assert_eq!(document["openapi"], "3.1.0");
    let search = &document["paths"]["/search"]["post"];
    let body = &search["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(body["required"], json!(["term"]));
    assert_eq!(body["additionalProperties"], false);
    assert_eq!(body["properties"]["size"]["maximum"], 100);
    assert_eq!(body["properties"]["size"]["default"], 10);
    let hit = &search["responses"]["200"]["content"]["application/json"]["schema"];
    let hit_fields = &hit["properties"]["hits"]["items"]["properties"];
    assert!(hit_fields.get("owner_name").is_some() && hit_fields.get("visit_details").is_some());
    assert!(document["paths"]["/tasks/{task_id}"]["get"].is_object());
    assert!(search["responses"]["422"].is_object());
}

#[test]
fn the_cli_prints_the_same_document() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();

    let output = common::moat().arg("openapi").arg("--config").arg(&setup.config).output().unwrap();

    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed, server.get("/openapi.json").json);
}

#[test]
fn the_docs_ui_and_its_assets_are_served_by_moat() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();

    let page = server.get("/docs/");

    assert_eq!(page.status, 200);
    assert!(page.content_type.starts_with("text/html"));
    assert!(!page.body.contains("://cdn"), "no asset comes from a CDN");
    for asset in
        ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js"]
    {
        let answer = server.get(asset);
        assert_eq!(answer.status, 200, "{asset}");
        assert!(answer.body.len() > 100, "{asset}");
    }
    assert!(server.get("/docs/swagger-initializer.js").body.contains("/openapi.json"));
}

#[test]
fn the_bundled_example_serves_its_own_documents() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(None, dir.path());

    let answer = server.post("/search", &json!({"term": "dental cleaning"}));

    assert_eq!(answer.status, 200);
    assert_eq!(answer.json["total"], 2);
    let owners: Vec<_> = answer.json["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["owner_name"].as_str().unwrap().to_owned())
        .collect();
    assert!(owners.contains(&"Priya Raman".to_owned()), "{owners:?}");
}

#[test]
fn the_example_is_seeded_once_so_deletions_stay_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(None, dir.path());
    let job = server.delete_and_wait("Toby");
    assert_eq!(job["deleted"], 2);
    server.stop();

    let server = Server::start_with(None, dir.path());

    let answer = server.post("/search", &json!({"term": "mild sprain"}));
    assert_eq!(answer.json["total"], 0, "the deleted example documents did not come back");
}
