//! API keys: declared endpoints ask for a key in scope once keys are declared; open ones, the
//! docs and the OpenAPI document do not. Keys work from the config and from a keys file.

mod access_common;
mod common;

use access_common::{Moat, append, edit, new_key};
use common::{Engine, Setup};
use serde_json::json;

/// The vet-visits API with `/ping` open, a public key `web` for `/search`, an `admin` key for
/// the rest, and an `ops` key for `/search-owner` in a keys file. Answers the keys.
fn with_keys(setup: &Setup) -> (String, String, String) {
    let (web, web_entry) = new_key("web", &["/search"], true);
    let (admin, admin_entry) =
        new_key("admin", &["/search", "/delete-by-query", "/tasks/{task_id}"], false);
    let (ops, ops_entry) = new_key("ops", &["/search-owner"], false);

    edit(&setup.config, "path = \"/ping\"\n", "path = \"/ping\"\nopen = true\n");
    append(&setup.config, &format!("\n[access]\nkeys_file = \"keys.toml\"\n{web_entry}"));
    append(&setup.config, &admin_entry);
    std::fs::write(setup.dir.path().join("keys.toml"), ops_entry).unwrap();
    (web, admin, ops)
}

#[test]
fn keys_guard_every_endpoint_but_open_ones() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let (web, admin, ops) = with_keys(&setup);
    let moat = Moat::serve(&setup);
    let search = json!({"term": "dental"});
    let bearer = |key: &str| format!("Bearer {key}");

    assert_eq!(moat.send("GET", "/ping", &[], None).status, 200);

    let missing = moat.send("POST", "/search", &[], Some(&search));
    assert_eq!(missing.status, 401);
    assert_eq!(missing.header("content-type"), Some("application/problem+json"));
    assert_eq!(missing.header("www-authenticate"), Some("Bearer realm=\"moat\""));
    assert!(missing.detail().contains("needs an API key"), "{}", missing.detail());

    let unknown = moat.send("POST", "/search", &[("x-api-key", "moat_nope")], Some(&search));
    assert_eq!(unknown.status, 401);
    assert!(unknown.header("www-authenticate").unwrap().starts_with("Bearer"));
    assert_eq!(unknown.detail(), "the API key is not valid");

    let by_bearer =
        moat.send("POST", "/search", &[("authorization", &bearer(&web))], Some(&search));
    assert_eq!(by_bearer.status, 200, "{:?}", by_bearer.json);
    assert_eq!(moat.send("POST", "/search", &[("x-api-key", &web)], Some(&search)).status, 200);

    let term = json!({"term": "Nobody"});
    let out_of_scope = moat.send("POST", "/delete-by-query", &[("x-api-key", &web)], Some(&term));
    assert_eq!(out_of_scope.status, 403);
    assert_eq!(out_of_scope.detail(), "this key may not call `/delete-by-query`");

    let started = moat.send("POST", "/delete-by-query", &[("x-api-key", &admin)], Some(&term));
    assert_eq!(started.status, 200, "{:?}", started.json);
    let job = format!("/tasks/{}", started.json["task_id"].as_str().unwrap());
    assert_eq!(moat.send("GET", &job, &[("x-api-key", &admin)], None).status, 200);
    assert_eq!(moat.send("GET", &job, &[("x-api-key", &web)], None).status, 403);

    let owner = json!({"term": "Leo"});
    assert_eq!(
        moat.send("POST", "/search-owner", &[("x-api-key", &ops)], Some(&owner)).status,
        200
    );
    assert_eq!(
        moat.send("POST", "/search-owner", &[("x-api-key", &web)], Some(&owner)).status,
        403
    );

    assert_eq!(moat.send("GET", "/openapi.json", &[], None).status, 200);
    assert_eq!(moat.send("GET", "/docs/", &[], None).status, 200);
    assert_eq!(moat.send("GET", "/no-such-path", &[], None).status, 404);

    let log = moat.log();
    assert!(log.contains("\"key_id\":\"web\""), "no key_id in the log:\n{log}");
    assert!(log.contains("\"key_id\":\"admin\""), "{log}");
    for key in [&web, &admin, &ops] {
        assert!(!log.contains(key.as_str()), "a key reached the log");
    }
}

#[test]
fn a_config_without_keys_stays_open() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let moat = Moat::serve(&setup);
    let search = json!({"term": "dental"});

    assert_eq!(moat.send("POST", "/search", &[], Some(&search)).status, 200);
    let with_any = [("authorization", "Bearer whatever")];
    assert_eq!(moat.send("POST", "/search", &with_any, Some(&search)).status, 200);
    assert_eq!(moat.send("GET", "/ping", &[], None).status, 200);
}

#[test]
fn an_emptied_keys_file_locks_the_api() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    append(&setup.config, "\n[access]\nkeys_file = \"keys.toml\"\n");
    std::fs::write(setup.dir.path().join("keys.toml"), "# every key revoked\n").unwrap();
    let moat = Moat::serve(&setup);

    let answer = moat.send("POST", "/search", &[], Some(&json!({"term": "dental"})));
    assert_eq!(answer.status, 401);
    assert_eq!(moat.send("GET", "/ping", &[], None).status, 401);
}

#[test]
fn openapi_declares_the_credentials_and_their_answers() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    with_keys(&setup);
    edit(
        &setup.config,
        "path = \"/ping\"\n",
        "path = \"/ping\"\nrate_limit = { per_address = { per_second = 1, burst = 5 } }\n",
    );
    let moat = Moat::serve(&setup);

    let document = moat.send("GET", "/openapi.json", &[], None).json;
    let schemes = &document["components"]["securitySchemes"];
    assert_eq!(schemes["apiKeyBearer"]["scheme"], "bearer");
    assert_eq!(schemes["apiKeyHeader"]["name"], "x-api-key");

    let search = &document["paths"]["/search"]["post"];
    assert_eq!(search["security"], json!([{"apiKeyBearer": []}, {"apiKeyHeader": []}]));
    for status in ["401", "403"] {
        assert!(search["responses"][status].is_object(), "{status}");
    }
    let ping = &document["paths"]["/ping"]["get"];
    assert_eq!(ping["security"], json!([]), "an open endpoint says it needs nothing");
    assert!(ping["responses"]["401"].is_null());
    assert!(ping["responses"]["429"]["headers"]["Retry-After"].is_object());
}
