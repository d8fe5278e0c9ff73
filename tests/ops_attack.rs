//! An attack corpus: hostile bodies, parameters, paths, methods and content types, sent to
//! the real server on every backend. Each is answered with a 4xx problem (or, for injection
//! text in a valid parameter, an ordinary answer that reads it as plain text): never a 5xx,
//! never a hang, never a crash.

mod common;

use std::time::Duration;

use common::ops::raw_exchange;
use common::{Answer, Engine, Server, Setup};
use serde_json::{Value, json};

const JSON: Option<&str> = Some("application/json");

/// Checks a refusal: 4xx, problem+json, the problem members.
fn assert_refused(answer: &Answer, what: &str) {
    assert!((400..500).contains(&answer.status), "{what}: {} {}", answer.status, answer.body);
    assert_eq!(answer.content_type, "application/problem+json", "{what}: {}", answer.body);
    for member in ["type", "title", "status", "detail", "request_id"] {
        assert!(answer.json.get(member).is_some(), "{what}: no `{member}` in {}", answer.body);
    }
    assert_eq!(answer.json["status"], answer.status, "{what}");
}

fn nested(open: &str, inner: &str, close: &str, depth: usize) -> Vec<u8> {
    [open.repeat(depth), inner.to_owned(), close.repeat(depth)].concat().into_bytes()
}

/// Bodies no endpoint accepts, with their content types.
fn hostile_bodies() -> Vec<(&'static str, Option<&'static str>, Vec<u8>)> {
    let long = "a".repeat(200_000);
    let many_keys: String =
        (0..5000).map(|key| format!("\"k{key}\":{key}")).collect::<Vec<_>>().join(",");
    vec![
        ("deep arrays", JSON, nested("[", "", "]", 100_000)),
        ("deep objects", JSON, nested("{\"a\":", "1", "}", 100_000)),
        (
            "deep inside a parameter",
            JSON,
            [b"{\"term\":".to_vec(), nested("[", "1", "]", 100_000), b"}".to_vec()].concat(),
        ),
        ("deep unclosed", JSON, "[".repeat(300_000).into_bytes()),
        ("invalid UTF-8", JSON, b"{\"term\":\"\xff\xfe\xfd\"}".to_vec()),
        ("invalid UTF-8 key", JSON, b"{\"\xc3\x28\":\"a\"}".to_vec()),
        ("lone surrogate escape", JSON, br#"{"term":"\ud800"}"#.to_vec()),
        ("duplicated key", JSON, br#"{"term":"a","term":"b"}"#.to_vec()),
        ("duplicated nested key", JSON, br#"{"term":"a","x":{"y":1,"y":2}}"#.to_vec()),
        ("huge exponent size", JSON, br#"{"term":"a","size":1e400}"#.to_vec()),
        (
            "huge integer size",
            JSON,
            br#"{"term":"a","size":123456789012345678901234567890}"#.to_vec(),
        ),
        ("negative size", JSON, br#"{"term":"a","size":-1}"#.to_vec()),
        ("fractional size", JSON, br#"{"term":"a","size":2.5}"#.to_vec()),
        ("string size", JSON, br#"{"term":"a","size":"10"}"#.to_vec()),
        ("NaN", JSON, br#"{"term":"a","size":NaN}"#.to_vec()),
        ("Infinity", JSON, br#"{"term":"a","size":Infinity}"#.to_vec()),
        ("query DSL as a parameter", JSON, br#"{"term":{"match_all":{}}}"#.to_vec()),
        ("query DSL beside", JSON, br#"{"term":"a","query":{"match_all":{}}}"#.to_vec()),
        ("script beside", JSON, br#"{"term":"a","script":{"source":"1"}}"#.to_vec()),
        ("index beside", JSON, br#"{"term":"a","index":"*","_source":true}"#.to_vec()),
        ("array term", JSON, br#"{"term":["a","b"]}"#.to_vec()),
        ("null term", JSON, br#"{"term":null}"#.to_vec()),
        ("very long term", JSON, format!("{{\"term\":\"{long}\"}}").into_bytes()),
        ("many keys", JSON, format!("{{{many_keys}}}").into_bytes()),
        ("empty body", JSON, Vec::new()),
        ("null body", JSON, b"null".to_vec()),
        ("array body", JSON, b"[]".to_vec()),
        ("number body", JSON, b"1".to_vec()),
        ("string body", JSON, b"\"term\"".to_vec()),
        ("byte order mark", JSON, b"\xef\xbb\xbf{\"term\":\"a\"}".to_vec()),
        ("trailing garbage", JSON, br#"{"term":"a"} {"term":"b"}"#.to_vec()),
        ("comment", JSON, br#"{/* x */"term":"a"}"#.to_vec()),
        ("single quotes", JSON, br#"{'term':'a'}"#.to_vec()),
        ("NUL bytes", JSON, b"{\"term\":\"a\"}\0\0".to_vec()),
        ("no content type", None, br#"{"term":"a"}"#.to_vec()),
        ("text/plain", Some("text/plain"), br#"{"term":"a"}"#.to_vec()),
        ("form", Some("application/x-www-form-urlencoded"), b"term=a".to_vec()),
        ("multipart", Some("multipart/form-data; boundary=x"), b"--x\r\n\r\na\r\n--x--".to_vec()),
        ("json lookalike", Some("application/jsonx"), br#"{"term":"a"}"#.to_vec()),
        ("json patch", Some("application/json-patch+json"), br#"[]"#.to_vec()),
        ("two content types", Some("text/plain, application/json"), br#"{"term":"a"}"#.to_vec()),
        ("content type garbage", Some(";;;=="), br#"{"term":"a"}"#.to_vec()),
        (
            "over the body limit",
            JSON,
            format!("{{\"term\":\"{}\"}}", "a".repeat(1 << 21)).into_bytes(),
        ),
    ]
}

/// Search text written to reach past moat to the engine; each must be read as plain text.
const INJECTIONS: [&str; 14] = [
    r#"{"query":{"match_all":{}}}"#,
    r#""}},"query":{"match_all":{}},"x":{"y":""#,
    "*",
    "?",
    "visit_details:*",
    "dental OR *",
    "owner_name:/.*/",
    "_exists_:owner_name",
    "<script>alert(1)</script>",
    "'; DROP TABLE visits; --",
    "${jndi:ldap://127.0.0.1/a}",
    "\u{0}\u{1}\u{7f}",
    "\\\"\\",
    "dental~10000",
];

#[test]
fn hostile_bodies_are_refused_with_problems() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        setup.ingest_original();
        let server = setup.serve();

        for path in ["/search", "/delete-by-query"] {
            for (what, content_type, body) in hostile_bodies() {
                let answer = server.post_raw(path, content_type, body);
                assert_refused(&answer, &format!("{} {path} {what}", engine.name()));
            }
        }
        assert_nothing_deleted(&server, &engine);
    }
}

#[test]
fn injection_text_is_searched_as_plain_text() {
    for engine in Engine::all() {
        let setup = Setup::vet_visits(&engine);
        setup.ingest_original();
        let server = setup.serve();

        let mut jobs = Vec::new();
        for text in INJECTIONS {
            let what = format!("{}: search {text:?}", engine.name());
            for path in ["/search", "/search-owner"] {
                let answer = server.post(path, &json!({ "term": text }));
                if answer.status == 200 {
                    let total = answer.json["total"].as_u64().expect("a total");
                    assert_eq!(total, 0, "{what} matched as a query, not as text: {}", answer.body);
                } else {
                    assert_refused(&answer, &what);
                }
            }

            let answer = server.post("/delete-by-query", &json!({ "term": text }));
            match answer.json["task_id"].as_str() {
                Some(task_id) if answer.status == 200 => jobs.push(task_id.to_owned()),
                _ => assert_refused(&answer, &format!("{what} (delete)")),
            }
        }
        for task_id in jobs {
            let job = wait_for_job(&server, &task_id);
            assert_eq!(job["state"], "completed", "{}: {job}", engine.name());
            assert_eq!(
                job["deleted"],
                0,
                "{}: an injection deleted documents: {job}",
                engine.name()
            );
        }
        assert_nothing_deleted(&server, &engine);
    }
}

#[test]
fn hostile_paths_and_methods_are_refused() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();
    let client = reqwest::blocking::Client::new();

    let paths = [
        "/_search".to_owned(),
        format!("/{}/_search", setup.index),
        "/search/../_cluster/health".to_owned(),
        "/%2e%2e/_cat/indices".to_owned(),
        "//search".to_owned(),
        "/search/".to_owned(),
        "/tasks/%FF%FE".to_owned(),
        "/tasks/..%2F..%2Fetc%2Fpasswd".to_owned(),
        format!("/tasks/{}", "9".repeat(5000)),
        format!("/{}", "a/".repeat(3000)),
        "/search?term=%FF&size=1e400".to_owned(),
    ];
    for path in paths {
        let answer = Answer::from(client.get(format!("{}{path}", server.base)).send());
        assert_refused(&answer, &format!("GET {path}"));
    }

    for method in ["PUT", "DELETE", "PATCH", "GET", "OPTIONS", "TRACE"] {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let answer =
            Answer::from(client.request(method.clone(), format!("{}/search", server.base)).send());
        assert_refused(&answer, &format!("{method} /search"));
    }
}

#[test]
fn raw_requests_with_bytes_no_client_library_sends() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let server = setup.serve();
    let authority = server.base.trim_start_matches("http://");

    let head = "host: x\r\nconnection: close\r\n";
    let json = "content-type: application/json\r\ncontent-length: 2\r\n";
    let requests: Vec<Vec<u8>> = vec![
        [b"POST /search?\xff\xfe=\xc3\x28 HTTP/1.1\r\n", head.as_bytes(), json.as_bytes()].concat(),
        [b"GET /tasks/\xff\xfe HTTP/1.1\r\n", head.as_bytes()].concat(),
        [
            b"POST /search HTTP/1.1\r\n".as_slice(),
            head.as_bytes(),
            b"content-type: application/\xffjson\r\ncontent-length: 2\r\n",
        ]
        .concat(),
        [
            "POST /search HTTP/1.1\r\n",
            head,
            "content-type: application/json\r\ncontent-length: 99999999999999999999\r\n",
        ]
        .concat()
        .into_bytes(),
    ];
    let requests: Vec<Vec<u8>> =
        requests.into_iter().map(|request| [request, b"\r\n{}".to_vec()].concat()).collect();
    for request in &requests {
        let (bytes, _) = raw_exchange(authority, request, Duration::from_secs(10));
        let text = String::from_utf8_lossy(&bytes);
        let status: u16 = text
            .strip_prefix("HTTP/1.1 ")
            .and_then(|rest| rest.get(..3))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| {
                panic!("no HTTP answer to {:?}: {text}", String::from_utf8_lossy(request))
            });
        assert!(
            (400..500).contains(&status),
            "{status} for {:?}",
            String::from_utf8_lossy(request)
        );
    }

    assert_eq!(server.get("/ping").status, 200, "moat still serves");
}

fn wait_for_job(server: &Server, task_id: &str) -> Value {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        let job = server.get(&format!("/tasks/{task_id}")).json;
        if job["state"] != "running" || std::time::Instant::now() > deadline {
            return job;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn assert_nothing_deleted(server: &Server, engine: &Engine) {
    for owner in ["Alice", "Leo", "Emily"] {
        let found = server.post("/search-owner", &json!({"term": owner}));
        assert_eq!(found.status, 200, "{}: {}", engine.name(), found.body);
        let total = found.json["total"].as_u64().unwrap_or_default();
        assert!(total >= 1, "{}: documents of {owner} were deleted: {}", engine.name(), found.body);
    }
    let everything: Value = server.post("/search", &json!({"term": "dental"})).json;
    assert!(everything["total"].as_u64().unwrap_or_default() >= 1);
}
