//! Tenant tokens: each tenant's searches see its own documents only, on every backend; bad,
//! altered, expired and overreaching tokens are refused in moat's own words.

mod access_common;
mod common;

use std::time::Duration;

use access_common::{Moat, TENANT_SECRET_ENV, append, edit, token};
use common::{Engine, Setup};
use serde_json::{Value, json};

/// The vet-visits API with the original data, `/search` reached with tenant tokens pinning
/// `owner_name.keyword`, and a client filter on the same field and on species.
fn tenant_setup(engine: &Engine) -> Setup {
    let setup = Setup::vet_visits(engine);
    setup.ingest_original();

    let filters = "filters = [{ param = \"owner\", field = \"owner_name.keyword\", \
                   kind = \"list\" }, { param = \"species\", field = \"species\" }]\n\
                   tenant_filters = [\"owner_name.keyword\"]\n";
    edit(&setup.config, "path = \"/search\"\n", &format!("path = \"/search\"\n{filters}"));
    append(
        &setup.config,
        &format!("\n[access]\ntenant_secret = {{ env = \"{TENANT_SECRET_ENV}\" }}\n"),
    );
    setup
}

fn owners(answer: &Value) -> Vec<String> {
    let mut owners: Vec<String> = answer["hits"]
        .as_array()
        .unwrap_or_else(|| panic!("no hits in {answer}"))
        .iter()
        .map(|hit| hit["owner_name"].as_str().unwrap().to_owned())
        .collect();
    owners.sort();
    owners
}

#[test]
fn a_tenant_never_sees_another_tenants_documents() {
    for engine in Engine::all() {
        let setup = tenant_setup(&engine);
        let moat = Moat::serve(&setup);
        let alice = token(&setup.config, &["owner_name.keyword=Alice Johnson"], "5m");
        let daniel = token(&setup.config, &["owner_name.keyword=Daniel Kim"], "5m");
        let as_tenant = |token: &str, body: Value| {
            let bearer = format!("Bearer {token}");
            let answer = moat.send("POST", "/search", &[("authorization", &bearer)], Some(&body));
            assert_eq!(answer.status, 200, "{} on {}", answer.json, engine.name());
            answer.json
        };
        let name = engine.name();

        let trimming = json!({"term": "trimming"});
        assert_eq!(owners(&as_tenant(&alice, trimming.clone())), ["Alice Johnson"], "{name}");
        assert_eq!(owners(&as_tenant(&daniel, trimming)), ["Daniel Kim"], "{name}");
        assert_eq!(as_tenant(&alice, json!({"term": "dental"}))["total"], 0, "{name}");

        let widen = json!({"term": "trimming", "owner": ["Alice Johnson", "Daniel Kim"]});
        assert_eq!(owners(&as_tenant(&alice, widen)), ["Alice Johnson"], "{name}");
        let other = json!({"term": "trimming", "owner": ["Daniel Kim"]});
        assert_eq!(as_tenant(&alice, other)["total"], 0, "{name}: filters only narrow");

        let by_get = moat.send(
            "GET",
            "/search?term=trimming",
            &[("authorization", &format!("Bearer {daniel}"))],
            None,
        );
        assert_eq!(by_get.status, 200, "{name}");
        assert_eq!(owners(&by_get.json), ["Daniel Kim"], "{name}");

        let anonymous = moat.send("POST", "/search", &[], Some(&json!({"term": "trimming"})));
        assert_eq!(anonymous.status, 401, "{name}");
        assert!(anonymous.detail().contains("needs a tenant token"), "{}", anonymous.detail());
    }
}

#[test]
fn bad_tokens_are_refused_in_plain_words() {
    let setup = tenant_setup(&Engine::Embedded);
    let moat = Moat::serve(&setup);
    let search = json!({"term": "trimming"});
    let post = |token: &str| {
        let bearer = format!("Bearer {token}");
        moat.send("POST", "/search", &[("authorization", &bearer)], Some(&search))
    };

    let good = token(&setup.config, &["owner_name.keyword=Alice Johnson"], "5m");
    let mut parts: Vec<String> = good.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].replace(char::is_alphanumeric, "A");
    let altered = post(&parts.join("."));
    assert_eq!(altered.status, 401);
    assert!(altered.header("www-authenticate").unwrap().contains("invalid_token"));

    let garbage = post("not-a-token");
    assert_eq!(garbage.status, 401);
    assert_eq!(garbage.detail(), "the tenant token is malformed: it is not a signed JWT");

    let short = token(&setup.config, &["owner_name.keyword=Alice Johnson"], "1s");
    assert_eq!(post(&short).status, 200);
    std::thread::sleep(Duration::from_millis(2100));
    let expired = post(&short);
    assert_eq!(expired.status, 401);
    let expected = "the tenant token has expired; ask the application for a new one";
    assert_eq!(expired.detail(), expected);

    for answer in [&altered, &garbage, &expired] {
        let detail = answer.detail().to_lowercase();
        assert!(!detail.contains("jsonwebtoken") && !detail.contains("error("), "{detail}");
    }
}

#[test]
fn a_token_pinning_a_field_the_endpoint_does_not_allow_is_forbidden() {
    let setup = tenant_setup(&Engine::Embedded);
    append(
        &setup.config,
        "\n[[endpoints]]\nkind = \"search\"\npath = \"/by-species\"\nindex = \"INDEX\"\n\
         text = { param = \"term\", field = \"visit_details\" }\nsource = [\"owner_name\"]\n\
         tenant_filters = [\"species\"]\n"
            .replace("INDEX", &setup.index)
            .as_str(),
    );
    let moat = Moat::serve(&setup);
    let species = token(&setup.config, &["species=Cat"], "5m");

    let bearer = format!("Bearer {species}");
    let answer =
        moat.send("POST", "/search", &[("authorization", &bearer)], Some(&json!({"term": "x"})));
    assert_eq!(answer.status, 403);
    assert!(answer.detail().contains("filters on `species`, which `/search` does not allow"));

    let cats = moat.send(
        "POST",
        "/by-species",
        &[("authorization", &bearer)],
        Some(&json!({"term": "eye"})),
    );
    assert_eq!(cats.status, 200, "{}", cats.json);
    assert_eq!(owners(&cats.json), ["Marco Rivera"]);

    let document = moat.send("GET", "/openapi.json", &[], None).json;
    let scheme = &document["components"]["securitySchemes"]["tenantToken"];
    assert_eq!(scheme["bearerFormat"], "JWT");
    let operation = &document["paths"]["/by-species"]["post"];
    assert_eq!(operation["security"], json!([{"tenantToken": []}]));
    assert!(operation["responses"]["401"].is_object() && operation["responses"]["403"].is_object());
}
