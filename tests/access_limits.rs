//! Rate limits: a token bucket per client address and per key, answered 429 with
//! `Retry-After` and `RateLimit-*` headers; forwarding headers count only from trusted proxies.

mod access_common;
mod common;

use std::time::Duration;

use access_common::{Moat, append, edit, new_key};
use common::{Engine, Setup};
use serde_json::json;

/// Opens `/ping` with its own per-address bucket of `burst` refilled at `per_second`.
fn limit_ping(setup: &Setup, per_second: f64, burst: u32) {
    let limit = format!(
        "rate_limit = {{ per_address = {{ per_second = {per_second}, burst = {burst} }} }}"
    );
    edit(&setup.config, "path = \"/ping\"\n", &format!("path = \"/ping\"\n{limit}\n"));
}

#[test]
fn an_address_that_empties_its_bucket_is_told_when_to_retry() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    limit_ping(&setup, 0.2, 2);
    let moat = Moat::serve(&setup);

    let first = moat.send("GET", "/ping", &[], None);
    assert_eq!(first.status, 200);
    assert_eq!(first.header("ratelimit-limit"), Some("2"));
    assert_eq!(first.header("ratelimit-remaining"), Some("1"));
    assert_eq!(first.header("ratelimit-reset"), Some("5"));
    assert_eq!(moat.send("GET", "/ping", &[], None).header("ratelimit-remaining"), Some("0"));

    let refused = moat.send("GET", "/ping", &[], None);
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("content-type"), Some("application/problem+json"));
    assert_eq!(refused.json["type"], "urn:moat:problem:rate-limited");
    let retry: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=5).contains(&retry), "Retry-After {retry}");
    assert_eq!(refused.header("ratelimit-remaining"), Some("0"));
    assert_eq!(refused.header("ratelimit-reset"), refused.header("retry-after"));

    let spoofed = [("x-forwarded-for", "198.51.100.1"), ("forwarded", "for=198.51.100.2")];
    let answer = moat.send("GET", "/ping", &spoofed, None);
    assert_eq!(answer.status, 429, "an untrusted peer's forwarding headers are not believed");

    let other_endpoint = moat.send("POST", "/search", &[], Some(&json!({"term": "dog"})));
    assert_eq!(other_endpoint.status, 200, "each endpoint has its own buckets");
    assert!(other_endpoint.header("ratelimit-limit").is_none(), "/search declares no limit");
}

#[test]
fn a_bucket_refills_at_its_rate() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    limit_ping(&setup, 5.0, 1);
    let moat = Moat::serve(&setup);

    assert_eq!(moat.send("GET", "/ping", &[], None).status, 200);
    assert_eq!(moat.send("GET", "/ping", &[], None).status, 429);
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(moat.send("GET", "/ping", &[], None).status, 200);
}

#[test]
fn trusted_proxies_forward_each_client_to_its_own_bucket() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    limit_ping(&setup, 0.1, 1);
    append(&setup.config, "\n[access]\ntrusted_proxies = [\"127.0.0.1/32\", \"10.0.0.0/8\"]\n");
    let moat = Moat::serve(&setup);
    let from = |chain: &'static str| [("x-forwarded-for", chain)];

    assert_eq!(moat.send("GET", "/ping", &from("198.51.100.7"), None).status, 200);
    assert_eq!(moat.send("GET", "/ping", &from("198.51.100.7"), None).status, 429);
    assert_eq!(moat.send("GET", "/ping", &from("198.51.100.8"), None).status, 200);

    let through_two = from("198.51.100.9, 10.1.2.3");
    assert_eq!(moat.send("GET", "/ping", &through_two, None).status, 200);
    let forwarded = [("forwarded", "for=198.51.100.9;proto=https, for=10.1.2.3")];
    assert_eq!(moat.send("GET", "/ping", &forwarded, None).status, 429, "the same client");

    assert_eq!(moat.send("GET", "/ping", &[], None).status, 200, "the proxy itself");
}

#[test]
fn each_key_has_its_own_bucket_within_the_default_address_bucket() {
    let setup = Setup::vet_visits(&Engine::Embedded);
    let (one, one_entry) = new_key("one", &["/search"], false);
    let (two, two_entry) = new_key("two", &["/search"], false);
    let per_key = "rate_limit = { per_key = { per_second = 0.1, burst = 2 } }";
    edit(&setup.config, "path = \"/search\"\n", &format!("path = \"/search\"\n{per_key}\n"));
    append(
        &setup.config,
        &format!(
            "\n[access]\nrate_limit = {{ per_address = {{ per_second = 0.1, burst = 4 }} }}\n\
             {one_entry}{two_entry}"
        ),
    );
    let moat = Moat::serve(&setup);
    let search = json!({"term": "dental"});
    let post = |key: &str| moat.send("POST", "/search", &[("x-api-key", key)], Some(&search));

    assert_eq!(post(&one).status, 200);
    assert_eq!(post(&one).status, 200);
    let refused = post(&one);
    assert_eq!(refused.status, 429, "the key's bucket is empty");
    assert_eq!(refused.header("ratelimit-limit"), Some("2"));

    let other = post(&two);
    assert_eq!(other.status, 200, "another key, same address");
    assert_eq!(other.header("ratelimit-remaining"), Some("0"), "the address bucket is tighter");
    let address_refused = post(&two);
    assert_eq!(address_refused.status, 429, "the address's bucket is empty too");
    assert_eq!(address_refused.header("ratelimit-limit"), Some("4"));
}
