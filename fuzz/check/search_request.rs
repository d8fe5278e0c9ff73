//! The properties the search request path must keep for any body: shared by the fuzz target
//! and the stable-Rust test that replays its seeds (`tests/ops_fuzz_seeds.rs`).

use std::sync::LazyLock;

use moat::config::{EndpointKind, SearchEndpoint};
use moat::query::Query;
use serde_json::Value;

/// The first search endpoint of the bundled config.
static ENDPOINT: LazyLock<SearchEndpoint> = LazyLock::new(|| {
    let config = moat::config::load_bundled();
    config
        .endpoints
        .iter()
        .find_map(|endpoint| match &endpoint.kind {
            EndpointKind::Search(search) => Some(search.clone()),
            _ => None,
        })
        .expect("the bundled config declares a search endpoint")
});

/// Runs `body` through the path a search request takes; panics when a property breaks.
pub fn check(body: &[u8]) {
    let Ok(value) = moat::api::json::parse(body) else { return };
    let Value::Object(object) = value else { return };

    let endpoint = &*ENDPOINT;
    let Ok(request) = moat::api::endpoints::search::plan(endpoint, object) else { return };

    let size = u64::try_from(request.size).expect("the size fits");
    assert!((1..=endpoint.size.max).contains(&size), "size {size} escaped its limits");
    assert_eq!(request.source_fields, endpoint.source, "the source fields are the declared ones");

    let Query::MatchPhrase(phrase) = &request.query else {
        panic!("a search planned a query other than its phrase: {:?}", request.query)
    };
    assert_eq!(phrase.field, endpoint.text.field, "the phrase left its declared field");
    assert!(!phrase.text.trim().is_empty(), "empty text was accepted");
    assert!(phrase.text.chars().count() <= endpoint.text.max_chars, "text over its limit");

    let dsl = request.query.to_elasticsearch();
    let only_key = dsl.as_object().map(|object| object.keys().collect::<Vec<_>>());
    assert_eq!(only_key, Some(vec![&"match_phrase".to_owned()]), "query DSL grew: {dsl}");
}
