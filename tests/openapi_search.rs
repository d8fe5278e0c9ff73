//! The OpenAPI document shows each declared search endpoint's real parameters, limits,
//! choices and answer fields, for `GET` and `POST` alike.

mod common;

use common::Server;
use serde_json::{Value, json};

fn document() -> Value {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let server = Server::start_with(None, &dir.path().join("data"));
    let answer = server.get("/openapi.json");
    assert_eq!(answer.status, 200, "{}", answer.body);
    answer.json
}

fn parameter<'a>(operation: &'a Value, name: &str) -> &'a Value {
    let parameters = operation["parameters"].as_array().expect("query parameters");
    let found = parameters.iter().find(|parameter| parameter["name"] == name);
    found.unwrap_or_else(|| panic!("no parameter {name}"))
}

#[test]
fn search_endpoints_document_their_declarations() {
    let document = document();
    let visits = &document["paths"]["/visits"];

    let get = &visits["get"];
    let sort = &parameter(get, "sort")["schema"];
    assert_eq!(sort["enum"], json!(["heaviest", "newest", "oldest", "pet", "relevance"]));
    assert_eq!(sort["default"], "relevance");
    let species = &parameter(get, "species")["schema"];
    assert_eq!((species["type"].clone(), species["maxItems"].clone()), (json!("array"), json!(5)));
    assert_eq!(parameter(get, "size")["schema"]["maximum"], 50);
    assert_eq!(parameter(get, "page")["schema"]["maximum"], 500);
    assert_eq!(parameter(get, "vaccinated")["schema"]["type"], "boolean");
    for name in ["q", "visit_date_from", "visit_date_to", "weight_kg_from", "cursor"] {
        assert_eq!(parameter(get, name)["required"], false, "{name}");
    }

    let body = &visits["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(body["additionalProperties"], false);
    assert_eq!(body["properties"]["species"], parameter(get, "species")["schema"]);

    let answer = &get["responses"]["200"]["content"]["application/json"]["schema"];
    let hit = &answer["properties"]["hits"]["items"]["properties"];
    for name in ["pet", "species", "owner", "date", "notes", "id", "highlight"] {
        assert!(hit.get(name).is_some(), "hits document `{name}`: {hit}");
    }
    assert!(hit.get("owner_name").is_none(), "renamed fields show their new names");
    let required = answer["required"].as_array().expect("required answer fields");
    for name in ["hits", "total", "total_capped", "facets", "next_cursor"] {
        assert!(required.contains(&json!(name)), "{name}");
    }
    assert!(answer["properties"]["facets"]["properties"].get("species").is_some());

    let dogs = document["paths"]["/dogs"].as_object().expect("/dogs");
    assert_eq!(dogs.keys().collect::<Vec<_>>(), ["get"], "/dogs serves GET alone");

    let by_owner = &document["paths"]["/visits/by-owner"]["get"];
    assert_eq!(parameter(by_owner, "owner")["required"], true);
    assert_eq!(parameter(by_owner, "owner")["schema"]["maxLength"], 100);
    assert_eq!(parameter(by_owner, "since")["required"], false);

    let seed = &document["paths"]["/search"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert_eq!(seed["required"], json!(["term"]), "the original endpoint keeps its shape");
}
