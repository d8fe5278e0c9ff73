//! CORS for declared origins, and the security headers of every answer.

mod access_common;
mod common;

use access_common::{Moat, Reply, append, new_key};
use common::{Engine, Setup};
use serde_json::json;

const ALLOWED: &str = "https://app.example.com";

fn preflight(moat: &Moat, origin: &str) -> Reply {
    let headers = [
        ("origin", origin),
        ("access-control-request-method", "POST"),
        ("access-control-request-headers", "authorization, content-type, x-api-key"),
    ];
    moat.send("OPTIONS", "/search", &headers, None)
}

#[test]
fn a_preflight_is_allowed_for_listed_origins_only() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let (key, entry) = new_key("web", &["/search"], true);
    append(&setup.config, &format!("\n[server.cors]\norigins = [\"{ALLOWED}\"]\n{entry}"));
    let moat = Moat::serve(&setup);

    let allowed = preflight(&moat, ALLOWED);
    assert!(allowed.status < 300, "{}", allowed.status);
    assert_eq!(allowed.header("access-control-allow-origin"), Some(ALLOWED));
    let methods = allowed.header("access-control-allow-methods").unwrap().to_lowercase();
    assert!(methods.contains("post") && methods.contains("get"), "{methods}");
    let headers = allowed.header("access-control-allow-headers").unwrap().to_lowercase();
    for name in ["authorization", "content-type", "x-api-key"] {
        assert!(headers.contains(name), "{headers}");
    }

    let refused = preflight(&moat, "https://evil.example.net");
    assert!(refused.header("access-control-allow-origin").is_none());

    let search = json!({"term": "dental"});
    let call = [("origin", ALLOWED), ("x-api-key", key.as_str())];
    let answer = moat.send("POST", "/search", &call, Some(&search));
    assert_eq!(answer.status, 200);
    assert_eq!(answer.header("access-control-allow-origin"), Some(ALLOWED));
    let exposed = answer.header("access-control-expose-headers").unwrap().to_lowercase();
    assert!(exposed.contains("x-request-id") && exposed.contains("retry-after"), "{exposed}");

    let unauthorized = moat.send("POST", "/search", &[("origin", ALLOWED)], Some(&search));
    assert_eq!(unauthorized.status, 401);
    assert_eq!(unauthorized.header("access-control-allow-origin"), Some(ALLOWED));
}

#[test]
fn without_cors_no_origin_is_allowed() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let moat = Moat::serve(&setup);

    assert!(preflight(&moat, ALLOWED).header("access-control-allow-origin").is_none());
}

#[test]
fn every_answer_carries_the_security_headers() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let moat = Moat::serve(&setup);
    let search = json!({"term": "dental"});

    let answers = [
        ("search", moat.send("POST", "/search", &[], Some(&search))),
        ("problem", moat.send("POST", "/search", &[], Some(&json!({})))),
        ("not found", moat.send("GET", "/nothing-here", &[], None)),
        ("openapi", moat.send("GET", "/openapi.json", &[], None)),
    ];
    for (name, answer) in &answers {
        assert_eq!(answer.header("x-content-type-options"), Some("nosniff"), "{name}");
        assert_eq!(answer.header("referrer-policy"), Some("no-referrer"), "{name}");
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{name}");
        assert_eq!(answer.header("cache-control"), Some("no-store"), "{name}");
        let policy = answer.header("content-security-policy").unwrap();
        assert!(policy.starts_with("default-src 'none'"), "{name}: {policy}");
    }

    let docs = moat.send("GET", "/docs/", &[], None);
    assert_eq!(docs.status, 200);
    let policy = docs.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'") && policy.contains("img-src 'self' data:"));
    assert_eq!(docs.header("x-frame-options"), Some("DENY"));
    let script = moat.send("GET", "/docs/swagger-initializer.js", &[], None);
    assert_eq!(script.status, 200, "the docs' script loads from moat itself");
}
